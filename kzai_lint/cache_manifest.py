"""The result cache's manifest: unchanged files are recognised by their `stat`, not their bytes.

Entries are stored by content hash (`cache`), so a rescan still had to read and hash every
file, open its entry and decode it: for 3,091 files most of a warm run. The manifest is one
JSON file per run-key folder listing, per path, the file's signature (size, mtime and ctime in
ns, inode, device, mode) when its bytes were hashed, the entry key, and the result in the
cache's codec (`cache.pack_result`). A file whose signature is unchanged is served from it
without being opened.

Like git's index, a signature is only trusted when the file had not been modified for
`RACY_NS` before the run that read it: a file written in the same clock tick as (or just
before) the read could change again without a visible change of mtime or ctime; such files are
hashed again next run. The content-addressed entries stay the source of truth (renamed files,
other checkouts); a missing, corrupt or foreign manifest is ignored and rewritten. It is JSON
like the entries: the cache lives in the scanned repository, and loading it must not run
anything.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from kzai_lint.atomic_file import write_atomically

__all__ = ["MANIFEST_NAME", "Manifest", "signature"]

MANIFEST_NAME = "manifest"
SCHEMA = 1
RACY_NS = 3_000_000_000
"""How long a file must have been left alone before its signature is trusted (FAT: 2 s ticks)."""
MAX_RECORDS = 200_000

Signature = tuple[int, int, int, int, int, int]
Packed = list[Any]  # the cache codec's form of a result: plain JSON values


def _acyclic(function: Callable[..., Any], *args: Any) -> Any:
    """Call `function` with the cyclic garbage collector paused: decoding a 3,000-file manifest
    makes ~100,000 objects, none in a cycle, and each collection they trigger walks the heap."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return function(*args)
    finally:
        if enabled:
            gc.enable()


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode)


class Manifest:
    """The manifest of one run-key folder: read on first look-up, written once at the end."""

    def __init__(self, folder: Path, run_key: str, unpack: Callable[[Packed], Any]) -> None:
        self.path = folder / MANIFEST_NAME
        self.run_key = run_key
        self.unpack = unpack  # packed result -> FileResult (raises ValueError etc. when foreign)
        self.started_ns = time.time_ns()
        self.records: dict[str, tuple[Signature, str, Packed]] | None = None
        self.changed = False

    def __getstate__(self) -> dict[str, Any]:
        """Workers started by spawn get the plan pickled: they store entries, never look up,
        so the records (a few MB for a large tree) stay in the main process."""
        state = dict(self.__dict__)
        state["records"], state["changed"] = None, False
        return state

    def _load(self) -> dict[str, tuple[Signature, str, Packed]]:
        if self.records is None:
            self.records = _acyclic(self._read)
        return self.records

    def _read(self) -> dict[str, tuple[Signature, str, Packed]]:
        records: dict[str, tuple[Signature, str, Packed]] = {}
        try:
            with open(self.path, "rb") as fh:
                data = json.loads(fh.read().decode("utf-8", "surrogatepass"))
            if isinstance(data, dict) and data.get("schema") == SCHEMA and data.get("run_key") == self.run_key:
                for rel, sig, key, packed in data["files"]:
                    records[rel] = (tuple(sig), key, packed)  # type: ignore[assignment]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            records = {}
            self.changed = True  # rewrite what cannot be read
        return records

    def lookup(self, relpath: str, sig: Signature) -> Any | None:
        """The stored result when the file's signature is the recorded one."""
        record = self._load().get(relpath)
        if record is None or record[0] != sig:
            return None
        try:
            result = self.unpack(record[2])
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
            result = None
        if result is None or getattr(result, "path", None) != relpath:
            del self.records[relpath]  # type: ignore[union-attr]
            self.changed = True
            return None
        return result

    def remember(self, relpath: str, sig: Signature | None, key: str, packed: Packed) -> None:
        """Record a result just hashed and stored, if its file is old enough to be trusted."""
        if sig is None or max(sig[1], sig[2]) >= self.started_ns - RACY_NS:
            return
        records = self._load()
        current = records.get(relpath)
        if current is not None and current[0] == sig and current[1] == key:
            return
        records[relpath] = (sig, key, packed)
        self.changed = True

    def save(self) -> None:
        """Write the manifest when it changed; a write that fails leaves the old one."""
        if not self.changed or self.records is None:
            return
        items = sorted(self.records.items())[-MAX_RECORDS:]
        files = [[rel, list(sig), key, packed] for rel, (sig, key, packed) in items]
        text = json.dumps({"schema": SCHEMA, "run_key": self.run_key, "files": files}, separators=(",", ":"), ensure_ascii=False)
        if write_atomically(self.path, text.encode("utf-8", "surrogatepass")):
            self.changed = False
