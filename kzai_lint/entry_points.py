"""The installed entry points of a group, read once per installed set of distributions.

`importlib.metadata.entry_points()` imports `importlib.metadata` (with `email`, `zipfile` and
`inspect`: ~15 ms) and reads the metadata of every installed distribution (~10 ms in a
virtualenv of 150 packages), on every run, to learn that the same one or two packs are installed.
The answer depends only on the distributions on `sys.path`, and installing, upgrading,
reinstalling or removing one creates or removes its `*.dist-info` folder. So the answer is kept
in the startup index under a key made of `sys.path` and the names and mtimes of the metadata
folders on it (`path_key`: one `scandir` per entry, well under a millisecond); a changed
environment gives a new key and a fresh read. Editing an installed `entry_points.txt` in place
(no installer does) is not noticed until the environment changes; `KZAI_LINT_INDEX_DIR=`
(empty) turns the index off.

What the index gives back is an `IndexedEntryPoint`, which loads its object the way
`EntryPoint.load` does and names its distribution like `EntryPoint.dist`.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Sequence

from kzai_lint.digest import blake2b

__all__ = ["IndexedDistribution", "IndexedEntryPoint", "installed", "path_key"]

_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
"""`module:attr [extras]`, the grammar `importlib.metadata.EntryPoint.pattern` accepts."""


@dataclass(frozen=True)
class IndexedDistribution:
    """The distribution an indexed entry point came from, enough to name a plugin in reports."""

    name: str
    version: str


@dataclass(frozen=True)
class IndexedEntryPoint:
    """An entry point as read from the index: what `importlib.metadata.EntryPoint` offers us."""

    name: str
    value: str
    group: str
    dist: IndexedDistribution | None = None

    def load(self) -> Any:
        """Import the module the value names and return the attribute (`EntryPoint.load`)."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name} = {self.value!r} is not `module:attribute`")
        obj: Any = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            obj = getattr(obj, attr)
        return obj


def path_key(paths: Sequence[str] | None = None) -> str:
    """A hash of `sys.path` and, per folder on it, the name and mtime of each distribution's
    metadata folder (`*.dist-info`, `*.egg-info`) in it: what installing, upgrading, reinstalling
    or removing a distribution changes. Not the folders' own mtimes: the current folder is on
    `sys.path` too, and a repository's root changes whenever a file is added to it."""
    digest = blake2b(digest_size=16)
    for entry in sys.path if paths is None else paths:
        digest.update(f"{entry}\0".encode("utf-8", "surrogatepass"))
        try:
            found = [(e.name, e.stat().st_mtime_ns) for e in os.scandir(entry or ".") if e.name.endswith(_METADATA)]
        except (OSError, ValueError):  # not a folder (a zip file, a missing entry)
            try:
                found = [("", os.stat(entry).st_mtime_ns)]
            except (OSError, ValueError):
                found = []
        for name, mtime in sorted(found):
            digest.update(f"{name}\0{mtime}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_METADATA = (".dist-info", ".egg-info")


def installed(group: str) -> list[Any]:
    """The entry points of `group` that `importlib.metadata` would give, from the startup index
    when this environment's were read before (then as `IndexedEntryPoint`s)."""
    from kzai_lint import startup_index

    if startup_index.directory() is None:
        return _read(group)
    records = startup_index.get(f"entry-points/{group}/{path_key()}", lambda: _records(group))
    return [IndexedEntryPoint(name, value, group, IndexedDistribution(dist, version) if dist is not None else None) for name, value, dist, version in records]


def _read(group: str) -> list[Any]:
    from importlib import metadata

    return list(metadata.entry_points(group=group))


def _records(group: str) -> list[tuple[str, str, str | None, str | None]]:
    out = []
    for ep in _read(group):
        dist = getattr(ep, "dist", None)
        out.append((ep.name, ep.value, dist.name if dist is not None else None, dist.version if dist is not None else None))
    return out
