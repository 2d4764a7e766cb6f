"""Files that concurrent runs share (result cache, manifest, start-up index, code cache) are
written whole or not at all, and read back defensively.

A write goes to a hidden temporary file beside the target and is renamed over it, so a reader
sees the old content or the new one, never a half-written file; a write that fails (full disk,
read-only checkout) leaves no temporary behind and the caller runs on without its cache.
"""
from __future__ import annotations

import marshal
import os
from typing import Any

__all__ = ["read_marshal", "write_atomically"]


def write_atomically(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write `data` to `path` atomically (creating its folder); False when it could not."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    temp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        if folder:
            os.makedirs(folder, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(temp, path)
        return True
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
        return False


def read_marshal(path: str | os.PathLike[str]) -> Any:
    """The value marshalled in `path`, or None when it is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            return marshal.loads(fh.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
