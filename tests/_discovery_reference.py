"""The discovery of kzai-lint 0.1.0 before issue 7 (pathlib, os.walk), kept as the reference that
`kzai_lint.discovery` must agree with (tests/test_discovery_equivalence.py).

Find the files to scan, honour .gitignore and excludes, and classify each by FileKind.

Inside a git work tree we ask git (`ls-files --cached --others --exclude-standard`) so ignored
files are skipped exactly as git skips them; without git we walk the tree. Virtualenvs, caches,
build outputs and site-packages are always skipped, and symlinks never lead out of the root.
"""
from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from kzai_lint.config import DEFAULT_EXCLUDES
from kzai_lint.discovery import DiscoveredFile, Discovery
from kzai_lint.model import FileKind

MODEL_CARD_NAMES = {"readme.md", "model_card.md", "modelcard.md", "model-card.md", "model_card.markdown"}
REQUIREMENT_NAMES = {"setup.cfg", "pipfile", "environment.yml", "environment.yaml", "conda.yml", "conda.yaml"}
WEIGHT_SUFFIXES = {".safetensors", ".pt", ".pth", ".bin", ".onnx", ".h5", ".hdf5", ".ckpt", ".pb", ".tflite", ".keras", ".gguf"}


def classify(relpath: str) -> FileKind | None:
    name = PurePosixPath(relpath).name.lower()
    suffix = PurePosixPath(name).suffix
    parts = [p.lower() for p in PurePosixPath(relpath).parts[:-1]]
    if suffix in (".py", ".pyi"):
        return FileKind.PYTHON
    if suffix == ".ipynb":
        return FileKind.NOTEBOOK
    if name in REQUIREMENT_NAMES or (name.startswith("requirements") and suffix in (".txt", ".in")):
        return FileKind.REQUIREMENTS
    if suffix in (".yaml", ".yml"):
        return FileKind.YAML
    if suffix == ".toml":
        return FileKind.TOML
    if suffix == ".json":
        return FileKind.JSON
    if suffix in (".md", ".markdown"):
        if name in MODEL_CARD_NAMES or "model_cards" in parts or "docs" in parts:
            return FileKind.MODEL_CARD
        return None
    if suffix in (".csv", ".tsv", ".jsonl", ".ndjson"):
        return FileKind.TABULAR
    return None


def _excluded(relpath: str, patterns: Sequence[str]) -> bool:
    parts = relpath.split("/")
    for pattern in patterns:
        p = pattern.rstrip("/")
        if fnmatch.fnmatchcase(relpath, p) or fnmatch.fnmatchcase(relpath, p + "/*"):
            return True
        if "/" not in p and any(fnmatch.fnmatchcase(part, p) for part in parts):
            return True
        if p.endswith("/**") and (relpath + "/").startswith(p[:-2]):
            return True
    return False


def _always_skipped(relpath: str) -> bool:
    parts = relpath.split("/")[:-1]
    return any(part in DEFAULT_EXCLUDES or part.endswith(".egg-info") for part in parts)


def _git_files(root: Path) -> list[str] | None:
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]
    return sorted(set(out))


def _walk(root: Path) -> list[str]:
    out: list[str] = []
    real_root = os.path.realpath(root)
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_EXCLUDES and not d.endswith(".egg-info"))
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            out.append(rel.replace(os.sep, "/"))
    del real_root
    return out


def _inside(path: Path, root: Path) -> bool:
    real, base = _real(str(path)), _real(str(root))
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


# Directories resolved once per `discover` call: `realpath` costs an lstat per path component,
# 25,000 of them for a 3,000-file tree, which was half of a cached run.
_REAL_DIRS: dict[str, str] = {}


def _real(path: str) -> str:
    """`os.path.realpath(path)`, resolving each parent directory only once."""
    parent, name = os.path.split(path)
    if not name or name in (".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    real_parent = _REAL_DIRS.get(parent)
    if real_parent is None:
        real_parent = _REAL_DIRS[parent] = os.path.realpath(parent)
    return os.path.join(real_parent, name)


def _escapes(abspath: str, walked: Path, root: Path, explicit: bool) -> bool:
    """A walked file must really be inside the root (`git ls-files` lists symlinks as files,
    and a directory argument may itself be a link out), or inside the directory walked when that
    is written outside the root; a file named on the command line must not be a link out."""
    if explicit:
        return os.path.islink(abspath) and not _inside(Path(abspath), root)
    written_inside = not os.path.relpath(walked, root).startswith("..")
    return not _inside(Path(abspath), root if written_inside else walked)


def discover(paths: Iterable[Path], root: Path, exclude: Sequence[str], *, explicit_files_ok: bool = True) -> Discovery:
    """Files under the given paths (relative to `root`), sorted, classified and de-duplicated."""
    _REAL_DIRS.clear()  # links may have changed since the last call in this process
    found: dict[str, DiscoveredFile] = {}
    weights: list[str] = []
    every: list[str] = []
    outside: list[str] = []
    for path in paths:
        path = path if path.is_absolute() else (Path.cwd() / path)
        if path.is_file():
            candidates = [os.path.relpath(path, root).replace(os.sep, "/")]
            explicit = True
        elif path.is_dir():
            base = os.path.relpath(path, root).replace(os.sep, "/")
            listed = _git_files(path)
            names = listed if listed is not None else _walk(path)
            candidates = [n if base == "." else f"{base}/{n}" for n in names]
            explicit = False
        else:
            continue
        for rel in candidates:
            if not explicit and (_always_skipped(rel) or _excluded(rel, exclude)):
                continue
            if explicit and _excluded(rel, exclude) and not explicit_files_ok:
                continue
            abspath = str(root / rel)
            if not os.path.lexists(abspath):
                continue
            if _escapes(abspath, path, root, explicit):
                if classify(rel) is not None:
                    outside.append(rel)
                continue
            every.append(rel)
            if PurePosixPath(rel).suffix.lower() in WEIGHT_SUFFIXES:
                weights.append(rel)
                continue
            kind = classify(rel)
            if kind is not None and rel not in found:
                found[rel] = DiscoveredFile(abspath, rel, kind)
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(sorted(set(weights))), tuple(sorted(set(every))), tuple(sorted(set(outside) - set(found))))
