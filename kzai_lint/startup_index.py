"""A versioned store of what every run computes before it reads a file, so the next run doesn't.

Parsing the catalogue's YAML, importing every rule module to read its metadata and keywords, and
compiling the prefilter's and catalogue's regular expressions cost more than a whole pre-commit
run may take, yet they depend only on kzai-lint's own code. Their results are kept in one file
per *stamp* in the user's cache folder:

- The **stamp** hashes the tool and index versions, the Python version and `re` engine, and the
  size and mtime of every source and data file of the `kzai_lint` package, so editing a rule or
  a catalogue file in a checkout, upgrading, or switching interpreters starts a new file.
- Each **section** is a plain value (`marshal`: no code runs when it is read) computed on first
  use by whoever needs it (`get`), e.g. `catalogue/documents`, `rules/builtin`, `re/<hash>`.

The folder is `$KZAI_LINT_INDEX_DIR` (empty: no index), else `$XDG_CACHE_HOME/kzai-lint`, else
the platform's user cache folder. It never holds anything from a scanned repository (that is the
result cache's job, `cache`), which is also why `--no-cache` does not turn it off: like
`__pycache__`, it only remembers facts about kzai-lint's code. A missing, truncated, foreign or
unwritable file is simply recomputed; nothing needs the network.
"""
from __future__ import annotations

import functools
import marshal
import os
import sys
from collections.abc import MutableMapping
from typing import Any, Callable, Iterator, TypeVar

from kzai_lint.atomic_file import read_marshal, write_atomically

__all__ = ["ENV", "adopt", "directory", "flush", "get", "new_sections", "package_stamp", "pending", "reset", "stamp"]

ENV = "KZAI_LINT_INDEX_DIR"
INDEX_VERSION = 2
KEEP_FILES = 4
"""Index files kept (most recently written); older stamps are removed when a new one is written."""
MAX_SECTIONS = 512
"""Sections kept per file; the oldest go first (regexes of keyword sets no longer in use)."""
MAX_BYTES = 4 << 20
"""Bytes of sections kept per file (a test suite's per-settings sections are ~0.2 MB each)."""

T = TypeVar("T")

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".txt")


class _State:
    def __init__(self) -> None:
        self.stamp: str | None = None
        self.sections: _Sections | None = None
        self.dirty: set[str] = set()
        self.used: dict[str, None] = {}  # read or written by this run, in order: the last to go
        self.exit_hook = False


_STATE = _State()
_PER_SETTINGS = ("requirements/", "keywords/")


def directory() -> str | None:
    """The index folder, or None when `KZAI_LINT_INDEX_DIR` is set empty. Asked a few hundred
    times a run (every regex and section): the environment is read each time, so a change is
    followed, and the user folder it names is worked out once per value (`expanduser`)."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return configured.strip() or None
    environ = os.environ
    return _default_directory(environ.get("XDG_CACHE_HOME"), environ.get("LOCALAPPDATA"), environ.get("HOME"), environ.get("USERPROFILE"))


@functools.lru_cache(maxsize=8)
def _default_directory(xdg_cache_home: str | None, local_app_data: str | None, home: str | None, user_profile: str | None) -> str:
    """The platform's user cache folder for these values of the variables it depends on."""
    if sys.platform == "win32":
        base = local_app_data or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "kzai-lint", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/kzai-lint")
    base = xdg_cache_home or os.path.expanduser("~/.cache")
    return os.path.join(base, "kzai-lint")


def package_stamp() -> list[tuple[str, int, int]]:
    """(path relative to the package, size, mtime) of every source and data file of kzai_lint."""
    out: list[tuple[str, int, int]] = []
    stack = [_PACKAGE]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            elif entry.name.endswith(_SUFFIXES):
                try:
                    info = entry.stat()
                except OSError:
                    continue
                out.append((entry.path[len(_PACKAGE) + 1 :].replace(os.sep, "/"), info.st_size, info.st_mtime_ns))
    out.sort()
    return out


def stamp() -> str:
    """The hash naming this installation's index file (see the module docstring)."""
    if _STATE.stamp is None:
        import _sre

        from kzai_lint import __version__
        from kzai_lint.digest import blake2b

        digest = blake2b(digest_size=16)
        head = (INDEX_VERSION, __version__, sys.version, sys.implementation.cache_tag, _sre.MAGIC, _sre.CODESIZE, _PACKAGE)
        digest.update(repr(head).encode("utf-8", "surrogatepass"))
        digest.update(marshal.dumps(package_stamp()))
        _STATE.stamp = digest.hexdigest()
    return _STATE.stamp


def _path() -> str | None:
    folder = directory()
    return None if folder is None else os.path.join(folder, f"index-{stamp()}.marshal")


class _Sections(MutableMapping[str, Any]):
    """The sections of one index file: kept as the bytes read and decoded when first asked for.

    A test suite or many repositories' settings fill an index with hundreds of sections (a few
    MB); a run needs a dozen of them. Decoding them all cost 30 ms, more than the rest of a small
    pre-commit run, where reading the bytes costs about one."""

    def __init__(self, raw: dict[str, bytes] | None = None) -> None:
        self.raw: dict[str, bytes] = raw if raw is not None else {}
        self.values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        blob = self.raw[name]
        try:
            value = marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            del self.raw[name]  # a damaged section: absent, so it is computed again
            raise KeyError(name) from None
        self.values[name] = value
        return value

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = value
        self.raw.pop(name, None)

    def __delitem__(self, name: str) -> None:
        found = self.values.pop(name, _MISSING) is not _MISSING
        if self.raw.pop(name, None) is None and not found:
            raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self.values or name in self.raw

    def __iter__(self) -> Iterator[str]:
        yield from self.raw
        yield from (name for name in self.values if name not in self.raw)

    def __len__(self) -> int:
        return len(self.raw) + sum(1 for name in self.values if name not in self.raw)

    def encoded(self, name: str) -> bytes | None:
        """The section as stored: the bytes read, or the value marshalled (None if absent)."""
        if name in self.raw and name not in _STATE.dirty:
            return self.raw[name]
        if name in self.values:
            return marshal.dumps(self.values[name])
        return self.raw.get(name)


_MISSING = object()


def _read(path: str) -> dict[str, bytes]:
    """The encoded sections of the index file at `path` (empty when it is missing or foreign)."""
    data = read_marshal(path)
    if not (isinstance(data, tuple) and len(data) == 3 and data[0] == "kzai-lint-index" and data[1] == stamp() and isinstance(data[2], dict)):
        return {}  # another stamp's file under this name, or not ours: recomputed and rewritten
    return {name: blob for name, blob in data[2].items() if isinstance(name, str) and isinstance(blob, bytes)}


def _sections() -> _Sections:
    if _STATE.sections is None:
        path = _path()
        _STATE.sections = _Sections(_read(path) if path is not None else {})
    return _STATE.sections


def get(name: str, compute: Callable[[], T]) -> T:
    """The section `name`, computed (and written at exit) when absent. `compute` returns a
    marshal-able value; None means "not computable now" and is not stored."""
    sections = _sections()
    _STATE.used[name] = None
    try:
        return sections[name]  # type: ignore[no-any-return]
    except KeyError:
        pass
    value = compute()
    if value is not None and directory() is not None:
        try:
            marshal.dumps(value)
        except ValueError:
            return value  # not a plain value: used, never stored
        sections[name] = value
        _mark_dirty(name)
    return value


def update(name: str, key: str, value: Any) -> None:
    """Add `key: value` to the dict section `name` (one section for many small answers, such as
    every rule's requirements under one set of settings, instead of one section each)."""
    sections = _sections()
    table = sections.get(name)
    if not isinstance(table, dict) or directory() is None:
        return
    try:
        marshal.dumps(value)
    except ValueError:
        return
    table[key] = value
    _STATE.used[name] = None
    _mark_dirty(name)


def pending() -> frozenset[str]:
    """The sections computed (or updated) by this process and not written yet."""
    return frozenset(_STATE.dirty)


def new_sections(since: frozenset[str]) -> dict[str, bytes]:
    """The sections computed since `since` (a `pending()`), encoded: what a pool worker sends to
    the process that writes the index, since a forked worker ends without writing it."""
    sections = _STATE.sections
    if sections is None:
        return {}
    found: dict[str, bytes] = {}
    for name in _STATE.dirty - since:
        blob = sections.encoded(name)
        if blob is not None:
            found[name] = blob
    return found


def adopt(encoded: dict[str, bytes]) -> None:
    """Keep sections a pool worker computed (`new_sections`) as if computed here, so they are
    written at exit. Without this the regexes and keyword sets only workers needed were
    computed again by every sharded run's workers (~45 regexes each, ~8 % of their time on
    the worst-case bench). A dict section (`update`) both sides hold is merged."""
    if not encoded or directory() is None:
        return
    sections = _sections()
    for name, blob in encoded.items():
        if not isinstance(name, str) or not isinstance(blob, bytes):
            continue
        if name in sections:
            try:
                theirs = marshal.loads(blob)
                mine = sections[name]
            except (EOFError, ValueError, TypeError, KeyError):
                continue
            if not (isinstance(theirs, dict) and isinstance(mine, dict)) or theirs.keys() <= mine.keys():
                continue
            sections[name] = {**theirs, **mine}
        else:
            sections.raw[name] = blob
        _STATE.used[name] = None
        _mark_dirty(name)


def _mark_dirty(name: str) -> None:
    _STATE.dirty.add(name)
    if not _STATE.exit_hook:
        import atexit

        atexit.register(flush)  # forked workers end with os._exit: only the parent writes
        _STATE.exit_hook = True


def flush() -> None:
    """Write new sections (merged with what another process wrote meanwhile); errors are ignored."""
    path = _path()
    sections = _STATE.sections
    if path is None or not _STATE.dirty or sections is None:
        return
    mine = {name: sections.encoded(name) for name in _STATE.dirty if name in sections}
    merged = _read(path)
    # What this run used moves to the end: eviction takes the oldest first (least recently used
    # by a run that wrote), and never a section this run needs while another can go. Sections
    # of one scanned repository's settings go before the rest of the same age: the catalogue and
    # rule sections every run needs must not be crowded out by a test suite's temporary roots.
    for name in _STATE.used:
        blob = mine.get(name) or merged.get(name) or sections.encoded(name)
        merged.pop(name, None)
        if blob is not None:
            merged[name] = blob
    merged.update({name: blob for name, blob in mine.items() if blob is not None})
    size = sum(len(blob) for blob in merged.values())
    while len(merged) > 1 and (len(merged) > MAX_SECTIONS or size > MAX_BYTES):
        size -= len(merged.pop(_victim(merged)))
    fresh = not os.path.exists(path)
    if write_atomically(path, marshal.dumps(("kzai-lint-index", stamp(), merged))):
        _STATE.dirty.clear()
        if fresh:
            _prune(os.path.dirname(path), keep=path)


def _victim(merged: dict[str, Any]) -> str:
    """The section to drop: one this run did not use (per-settings first), else a per-settings
    one, else the oldest."""
    idle = [name for name in merged if name not in _STATE.used]
    for candidates in (idle, list(merged)):
        per_settings = next((name for name in candidates if name.startswith(_PER_SETTINGS)), None)
        if per_settings is not None:
            return per_settings
        if candidates is idle and idle:
            return idle[0]
    return next(iter(merged))


def _prune(folder: str, keep: str) -> None:
    """Remove the index files of older stamps beyond `KEEP_FILES`."""
    try:
        found = [e for e in os.scandir(folder) if e.name.startswith("index-") and e.name.endswith(".marshal") and e.path != keep]
        found.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        for entry in found[KEEP_FILES - 1 :]:
            os.unlink(entry.path)
    except OSError:
        pass


def reset() -> None:
    """Forget what this process read or computed (tests that edit files under the package)."""
    flush()
    _STATE.stamp = None
    _STATE.sections = None
    _STATE.dirty.clear()
    _STATE.used.clear()
