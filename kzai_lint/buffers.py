"""Unsaved editor buffers (`check --stdin-filename PATH`): content from stdin, reported as PATH.

An editor lints what the user sees, which may differ from the file on disk or not be on disk
yet. The buffer replaces the file's bytes in the engine's reading step; everything else (config
resolved for PATH, excludes, the file kind from PATH's name) works as for the file itself.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence, Union

from kzai_lint.discovery import DiscoveredFile, Discovery, _excluded, classify, discover
from kzai_lint.model import FileError

#: {path as given (str or Path): text}
Buffers = Union[Mapping[str, str], Mapping[Path, str]]


def relative_buffers(buffers: Buffers, root: Path) -> dict[str, str]:
    """{POSIX path relative to the scan root: text}."""
    return {os.path.relpath(Path(p).resolve(), root).replace(os.sep, "/"): text for p, text in buffers.items()}


def is_buffered(path: Path, buffers: Buffers) -> bool:
    return any(Path(p).resolve() == path.resolve() for p in buffers)


def discover_buffers(paths: Sequence[Path], root: Path, excludes: Sequence[str], buffers: Mapping[str, str]) -> Discovery:
    """Discovery for a run whose files come (partly) from buffers; paths missing on disk are
    added when their name is one kzai-lint reads and no exclude matches."""
    on_disk = [p for p in paths if p.exists()]
    found = discover(on_disk, root, excludes, explicit_files_ok=False) if on_disk else Discovery((), (), ())
    files = {f.relpath: f for f in found.files}
    for rel in buffers:
        kind = classify(rel)
        if rel in files or kind is None or _excluded(rel, excludes):
            continue
        files[rel] = DiscoveredFile(str(root / rel), rel, kind)
    return Discovery(tuple(files[k] for k in sorted(files)), found.weights, tuple(sorted({*found.all_paths, *files})))


def read_buffer(text: str) -> tuple[str, bytes, FileError | None]:
    """What the engine's file reader returns, for a buffer (the text as given, UTF-8 bytes)."""
    return text, text.encode("utf-8", "surrogatepass"), None
