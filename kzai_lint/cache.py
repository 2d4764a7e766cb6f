"""Persistent per-file results, so a rescan of an unchanged tree parses nothing.

Layout: `<cache dir>/<run key>/<entry key>.json`, with a `.gitignore` of `*` and a `CACHEDIR.TAG`
at the top (as ruff does), so the folder is never committed or backed up.

- The **run key** hashes everything a file's result depends on besides its own bytes: the tool
  version, the code of kzai-lint and of every rule pack (sizes and mtimes, so editing a rule in a
  source checkout invalidates it), the catalogue files and pack extensions, pack names and
  versions, the enabled rules, and the settings that reach per-file results (select and ignore
  through the enabled rules, hooks, the system declaration, rule options, min-confidence,
  per-file-ignores, require-reason, ignore-suppressions; everything except the few that only
  steer discovery, reporting or the exit code).
- The **entry key** adds the file's path, kind and content hash.
- An entry holds the whole `FileResult` (findings, errors, warnings, facts), so repository-level
  rules still run every time, from cached facts.
- The folder's **manifest** (`cache_manifest`) remembers each path's `stat` signature, entry key
  and result, so a file that has not been touched is served without being read or hashed.

Entries are JSON, never pickle: the cache lives inside the scanned repository and loading it must
not execute anything. Writes go to a temporary file and `os.replace`, so concurrent runs never
see half an entry; an unreadable, truncated or foreign entry is a miss and is rewritten. Results
that depend on the moment (timeouts, crashes, unreadable files) are never stored.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from kzai_lint import model
from kzai_lint.atomic_file import write_atomically
from kzai_lint.cache_manifest import Manifest, Signature
from kzai_lint.canonical import canonical as _canonical
from kzai_lint.digest import blake2b

if TYPE_CHECKING:
    from kzai_lint.discovery import DiscoveredFile
    from kzai_lint.engine import FileResult
    from kzai_lint.registry import RulePack
    from kzai_lint.rule import Rule

__all__ = ["CACHE_DIR_NAME", "ResultCache", "default_directory", "for_run", "open_cache"]

CACHE_DIR_NAME = ".kzai_lint_cache"
SCHEMA = 1
KEEP_RUN_KEYS = 8
"""Run-key folders kept (most recently used); older ones are removed when a new one is made."""

# Settings that never change a file's result: discovery, baseline, exit code, the cache itself.
_IGNORED_FIELDS = frozenset({"fail_on", "fail_on_incomplete", "baseline", "exclude", "extend_exclude"})
_IGNORED_RAW = frozenset({"fail-on", "fail-on-incomplete", "baseline", "exclude", "extend-exclude", "jobs", "cache-dir"})
# Errors that say something about this run, not about the file's content.
_TRANSIENT_ERRORS = frozenset({"timeout", "rule-error", "read-error"})


class ResultCache:
    """One run's view of the cache folder: entries under the run key of these settings."""

    def __init__(self, directory: Path, run_key: str) -> None:
        self.directory = directory
        self.run_key = run_key
        self.folder = directory / run_key
        self.hits = 0
        self.misses = 0
        self.manifest = Manifest(self.folder, run_key, unpack_result)
        #: the folder was created by this run: no entry to look for (a cold run opened 3,000
        #: missing files to learn that)
        self.empty = False

    def lookup(self, file: "DiscoveredFile", sig: Signature) -> "FileResult | None":
        """The result of a file whose `stat` signature is the one recorded (`cache_manifest`)."""
        result = self.manifest.lookup(file.relpath, sig)
        if result is not None:
            self.hits += 1
        return result  # type: ignore[no-any-return]

    def remember(self, file: "DiscoveredFile", sig: Signature | None, key: str, result: "FileResult", packed: Any = None) -> None:
        """Note a result just hashed (and stored) in the manifest, under the file's signature."""
        if sig is None:
            return
        if packed is None:
            packed = pack_result(result)
        if packed is not None:
            self.manifest.remember(file.relpath, sig, key, packed)

    def finish(self) -> None:
        """End of the per-file stage: write the manifest if it changed."""
        self.manifest.save()

    def key(self, file: "DiscoveredFile", data: bytes) -> str:
        digest = blake2b(digest_size=20)
        digest.update(f"{self.run_key}\0{file.relpath}\0{file.kind.value}\0".encode("utf-8", "surrogatepass"))
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> "FileResult | None":
        """The stored result, or None when absent or unusable (it is then rewritten)."""
        if self.empty:
            self.misses += 1
            return None
        try:
            fd = os.open(self.folder / f"{key}.json", os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            self.misses += 1
            return None
        try:
            raw = _read_all(fd)
        finally:
            os.close(fd)
        try:
            entry = json.loads(raw, object_hook=_decode_object)
            if not isinstance(entry, dict) or entry.get("schema") != SCHEMA or entry.get("key") != key:
                raise ValueError("not an entry of this cache")
            result = entry["result"]
            if isinstance(result, list):
                result = unpack_result(result)  # the compact form of a plain result
            if type(result).__name__ != "FileResult":
                raise ValueError("not a file result")
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
            self.misses += 1
            return None
        self.hits += 1
        return result  # type: ignore[no-any-return]

    def put(self, key: str, result: "FileResult") -> Any:
        """Store a result atomically; results that depend on the moment are skipped. Returns
        the result packed for the manifest (`pack_result`), or None when not stored."""
        if any(error.kind in _TRANSIENT_ERRORS for error in result.errors):
            return None
        try:
            # A plain result is stored in its compact form (no tagged encoding to build or decode).
            stored = _encode(result) if not _simple(result) else None
            packed = _pack_encoded(result, stored)
            text = json.dumps({"schema": SCHEMA, "key": key, "result": packed if stored is None else stored}, separators=(",", ":"), ensure_ascii=False)
        except _Unencodable:
            return None
        if not write_atomically(self.folder / f"{key}.json", text.encode("utf-8", "surrogatepass")):
            return None  # a full disk or a read-only checkout: run on without caching
        return packed


def default_directory(settings: Any, root: Path) -> Path:
    """`cache-dir` from the config (relative to the config file), else `.kzai_lint_cache` in the root."""
    configured = getattr(settings, "raw", {}).get("cache-dir")
    if isinstance(configured, str) and configured.strip():
        config_path = getattr(settings, "config_path", None)
        base = Path(config_path).parent if config_path is not None else root
        return base / configured
    return root / CACHE_DIR_NAME


def for_run(directory: str | os.PathLike[str] | None, *, root: Path, settings: Any, rules: Sequence["Rule"], packs: Sequence["RulePack"], use_prefilter: bool) -> ResultCache | None:
    """The cache of a run: in `directory`, else the configured or default folder."""
    folder = Path(directory) if directory is not None else default_directory(settings, root)
    return open_cache(folder, settings=settings, rules=rules, packs=packs, use_prefilter=use_prefilter)


def open_cache(directory: Path, *, settings: Any, rules: Sequence["Rule"], packs: Sequence["RulePack"], use_prefilter: bool) -> ResultCache | None:
    """The cache for this run's settings and rules, creating the folder; None if it cannot be."""
    key = run_key(settings=settings, rules=rules, packs=packs, use_prefilter=use_prefilter)
    cache = ResultCache(directory, key)
    try:
        fresh = cache.empty = not cache.folder.is_dir()
        cache.folder.mkdir(parents=True, exist_ok=True)
        _mark(directory)
        if fresh:
            _prune(directory, keep=cache.folder)
        else:
            os.utime(cache.folder)  # most recently used: kept by `_prune`
    except OSError:
        return None
    return cache


# ---------------------------------------------------------------------------------------------
# The run key
# ---------------------------------------------------------------------------------------------

def run_key(*, settings: Any, rules: Sequence["Rule"], packs: Sequence["RulePack"], use_prefilter: bool) -> str:
    from kzai_lint import __version__
    from kzai_lint import catalogue

    parts = {
        "schema": SCHEMA,
        "tool": __version__,
        "python": list(sys.version_info[:2]),
        "catalogue": catalogue.builtin_digest(),
        "packs": [[p.name, p.version, _canonical(p.catalogue)] for p in sorted(packs, key=lambda p: p.name)],
        "rules": sorted([r.meta.id, type(r).__module__, type(r).__qualname__] for r in rules),
        "code": _code_stamp({"kzai_lint", *(type(r).__module__ for r in rules)}),
        "libraries": _library_stamp(),
        "settings": _settings_digest(settings),
        "prefilter": use_prefilter,
    }
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _settings_digest(settings: Any) -> Any:
    if not dataclasses.is_dataclass(settings):
        return repr(settings)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        if f.name in _IGNORED_FIELDS:
            continue
        value = getattr(settings, f.name)
        if f.name == "raw" and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if k not in _IGNORED_RAW}
        out[f.name] = _canonical(value)
    return out


def _code_stamp(modules: Iterable[str]) -> list[Any]:
    """Size and mtime of every source and data file of the packages the rules come from."""
    roots: set[str] = set()
    for name in modules:
        module = sys.modules.get(name.split(".", 1)[0])
        location = getattr(module, "__path__", None) or [getattr(module, "__file__", None)]
        roots.update(str(p) for p in location if p)
    stamp: list[Any] = []
    for root in sorted(roots):
        if os.path.isfile(root):
            stamp.append(_stat(root))
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            stamp.extend(_stat(os.path.join(folder, n)) for n in sorted(names) if n.endswith((".py", ".yaml", ".yml", ".json", ".txt")))
    return stamp


def _library_stamp() -> list[Any]:
    """Parsers whose upgrade could change results, found without importing them."""
    import importlib.util

    out: list[Any] = []
    for name in ("libcst", "yaml"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        out.append([name, _stat(os.path.dirname(origin)) if origin else None])
    return out


def _stat(path: str) -> list[Any]:
    try:
        info = os.stat(path)
    except OSError:
        return [path, None]
    return [path, info.st_size, info.st_mtime_ns]


# ---------------------------------------------------------------------------------------------
# The folder
# ---------------------------------------------------------------------------------------------

_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by kzai-lint.\n"


def _mark(directory: Path) -> None:
    """`.gitignore` (`*`) and `CACHEDIR.TAG`, so the cache is never committed or backed up."""
    for name, text in ((".gitignore", "# Automatically created by kzai-lint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
        path = directory / name
        if not path.exists():
            write_atomically(path, text.encode("utf-8"))


def _prune(directory: Path, keep: Path) -> None:
    """Remove the least recently used run-key folders beyond `KEEP_RUN_KEYS`."""
    import shutil

    folders = [p for p in directory.iterdir() if p.is_dir() and p != keep]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[KEEP_RUN_KEYS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


# ---------------------------------------------------------------------------------------------
# The entry codec: tagged JSON that gives back equal values (tuples stay tuples, enums enums)
# ---------------------------------------------------------------------------------------------

class _Unencodable(Exception):
    """A value the codec cannot give back exactly; the result is then not cached."""


def _classes() -> dict[str, Any]:
    from kzai_lint.engine import FileResult

    found: dict[str, Any] = {"FileResult": FileResult}
    for name in dir(model):
        obj = getattr(model, name)
        if isinstance(obj, type) and obj.__module__ == model.__name__ and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum)):
            found[name] = obj
    return found


_CLASSES: dict[str, Any] = {}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) and not k.startswith("$") for k in value):
            raise _Unencodable(value)
        return {"$d": {k: _encode(v) for k, v in value.items()}}
    name = type(value).__name__
    if not _CLASSES:
        _CLASSES.update(_classes())
    if _CLASSES.get(name) is not type(value):
        raise _Unencodable(value)
    if isinstance(value, enum.Enum):
        return {"$e": name, "v": value.value}
    return {"$c": name, "f": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}


# ---- packed results for the manifest ----------------------------------------------------------
# Most results have no finding, error or warning and only facts that are tuples of plain values:
# those are packed as [0, path, scanned, facts] and rebuilt without a decoding hook (the manifest
# of a 3,000-file tree then decodes at C speed); any other result as [1, its entry JSON].

_PLAIN = (str, int, float, bool, type(None))


def pack_result(result: "FileResult") -> Any:
    """The manifest's form of a result, or None when it is not stored (transient, unencodable)."""
    if any(error.kind in _TRANSIENT_ERRORS for error in result.errors):
        return None
    try:
        return _pack_encoded(result, None)
    except _Unencodable:
        return None


def _pack_encoded(result: "FileResult", encoded: Any) -> Any:
    if _simple(result):
        return [0, result.path, result.scanned, {k: [list(v) for v in values] for k, values in result.facts.items()}]
    return [1, json.dumps(encoded if encoded is not None else _encode(result), separators=(",", ":"), ensure_ascii=False)]


_PACKED_FIELDS = {"path", "findings", "errors", "facts", "scanned", "warnings"}


def _simple(result: "FileResult") -> bool:
    if {f.name for f in dataclasses.fields(result)} != _PACKED_FIELDS:
        return False  # FileResult gained a field the compact form does not carry
    if result.findings or result.errors or result.warnings or type(result.path) is not str or type(result.scanned) is not bool:
        return False
    for key, values in result.facts.items():
        if type(key) is not str or key.startswith("$") or type(values) is not list:
            return False  # (a `$` key would read as a tag of the entry codec)
        for value in values:
            if type(value) is not tuple or any(type(v) not in _PLAIN for v in value):
                return False
    return type(result.facts) is dict


def unpack_result(packed: Any) -> "FileResult":
    """The result `pack_result` packed (ValueError etc. for anything else)."""
    if packed[0] == 0:
        _, path, scanned, facts = packed
        if type(path) is not str or type(scanned) is not bool or type(facts) is not dict:
            raise ValueError("not a packed result")
        if not _CLASSES:
            _CLASSES.update(_classes())
        file_result = _CLASSES["FileResult"]
        return file_result(path=path, facts={str(k): [tuple(v) for v in values] for k, values in facts.items()}, scanned=scanned)  # type: ignore[no-any-return]
    if packed[0] == 1 and isinstance(packed[1], str):
        result = json.loads(packed[1], object_hook=_decode_object)
        if type(result).__name__ != "FileResult":
            raise ValueError("not a file result")
        return result  # type: ignore[no-any-return]
    raise ValueError("not a packed result")


def _decode_object(obj: dict[str, Any]) -> Any:
    if "$t" in obj:
        return tuple(obj["$t"])
    if "$d" in obj:
        return obj["$d"]
    if "$c" in obj or "$e" in obj:
        if not _CLASSES:
            _CLASSES.update(_classes())
        cls = _CLASSES[obj.get("$c") or obj["$e"]]
        return cls(obj["v"]) if "$e" in obj else cls(**obj["f"])
    return obj
