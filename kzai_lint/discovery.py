"""Find the files to scan, honour .gitignore and excludes, and classify each by FileKind.

Inside a git work tree we ask git (`ls-files --cached --others --exclude-standard`) so ignored
files are skipped exactly as git skips them; without git we walk the tree. Virtualenvs, caches,
build outputs and site-packages are always skipped, and symlinks never lead out of the root.

A cached run spends much of its time here, so the walk uses `os.scandir` (the link bit of each
entry without a system call), names are classified by string splitting, and what depends only
on a file's folder (default skips, excluded folder names, its real path, hence whether a file
that is not a link is inside) is worked out once per folder; tests/test_discovery_equivalence.py
pins the results to the original pathlib implementation (tests/_discovery_reference.py) on trees
with links in and out.
"""
from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Sequence

from kzai_lint.config import DEFAULT_EXCLUDES
from kzai_lint.model import FileError, FileKind

MODEL_CARD_NAMES = {"readme.md", "model_card.md", "modelcard.md", "model-card.md", "model_card.markdown"}
REQUIREMENT_NAMES = {"setup.cfg", "pipfile", "environment.yml", "environment.yaml", "conda.yml", "conda.yaml"}
LABEL_FILE_NAMES = {"labels.txt", "label.txt", "labelmap.txt", "label_map.txt", "classes.txt", "class_names.txt", "classnames.txt"}
"""A classifier's class list, one label a line, as TFLite, ONNX and OpenCV apps ship it next to
the model (Darknet's `*.names` files too): read as a data file (`FileKind.TABULAR`)."""
WEIGHT_SUFFIXES = {".safetensors", ".pt", ".pth", ".bin", ".onnx", ".h5", ".hdf5", ".ckpt", ".pb", ".tflite", ".keras", ".gguf"}


@dataclass(frozen=True, slots=True)
class DiscoveredFile:
    """A file to scan, with the kind that decides which parser and rules see it."""

    abspath: str
    relpath: str  # POSIX, relative to the scan root
    kind: FileKind


#: Why a file that leads out of the scanned tree is listed under `errors` (issue 8).
OUTSIDE_ROOT = "symbolic link to a file outside the scanned root; not followed, not read"


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a walk of the scan roots found: files to scan, weight files, and paths kept out."""

    files: tuple[DiscoveredFile, ...]
    weights: tuple[str, ...]  # model weight files: recorded, never read
    all_paths: tuple[str, ...]
    #: files of a kind we read whose real path is outside the scanned tree: never read, reported
    outside_root: tuple[str, ...] = ()

    def outside_root_errors(self) -> list[FileError]:
        return [FileError(path, "read-error", OUTSIDE_ROOT) for path in self.outside_root]


SCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".html", ".htm", ".vue", ".svelte"})
SCRIPT_GENERATED = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js", ".d.ts", ".d.mts", ".d.cts")
"""Minified files, bundles and type declarations: generated, not the project's own code."""


def classify(relpath: str) -> FileKind | None:
    name, parts = _name_and_folders(relpath)
    return _classify_name(name, parts)


def _classify_name(name: str, parts: Callable[[], Sequence[str]]) -> FileKind | None:
    """`classify` for a lower-cased file name; `parts()` gives its lower-cased folder names."""
    suffix = _suffix(name)
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
        if name in MODEL_CARD_NAMES or "model_cards" in parts() or "docs" in parts():
            return FileKind.MODEL_CARD
        return None
    if suffix in (".csv", ".tsv", ".jsonl", ".ndjson") or is_label_file(name):
        return FileKind.TABULAR
    if suffix in SCRIPT_SUFFIXES and not name.endswith(SCRIPT_GENERATED):
        return FileKind.JAVASCRIPT
    return None


def is_label_file(name: str) -> bool:
    """A classifier's class-list file, by its lower-cased name (`LABEL_FILE_NAMES`, `*.names`)."""
    return name in LABEL_FILE_NAMES or _suffix(name) == ".names"


def _name_and_folders(relpath: str) -> tuple[str, Callable[[], list[str]]]:
    """(lower-cased file name, lower-cased folder names on demand), as PurePosixPath gives them;
    plain string splitting for the paths discovery makes (3x faster on a 3,000-file tree)."""
    pieces = relpath.split("/")
    if "" not in pieces and "." not in pieces:  # else PurePosixPath drops empty and `.` parts
        return pieces[-1].lower(), lambda: [p.lower() for p in pieces[:-1]]
    path = PurePosixPath(relpath)
    return path.name.lower(), lambda: [p.lower() for p in path.parts[:-1]]


def _is_weight(relpath: str) -> bool:
    """`PurePosixPath(relpath).suffix.lower() in WEIGHT_SUFFIXES`, by string splitting."""
    name = relpath.rsplit("/", 1)[-1]
    if name in ("", ".", "..") or "//" in relpath or "/./" in relpath or relpath.startswith("./"):
        return PurePosixPath(relpath).suffix.lower() in WEIGHT_SUFFIXES
    return _suffix(name).lower() in WEIGHT_SUFFIXES


def _suffix(name: str) -> str:
    """`PurePosixPath(name).suffix` for a file name without `/`."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _excluded(relpath: str, patterns: Sequence[str]) -> bool:
    return _Excludes(patterns)(relpath)


class _Excludes:
    """`exclude` patterns, matched as `fnmatch.fnmatchcase` does (the same translated regexes),
    with each folder's answer remembered: a tree repeats its folders."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.rules = []
        for pattern in patterns:
            p = pattern.rstrip("/")
            self.rules.append((_match(p), _match(p + "/*"), "/" not in p, p.endswith("/**"), p[:-2]))
        self.folders: dict[str, bool] = {}

    def __call__(self, relpath: str) -> bool:
        if not self.rules:
            return False
        folder, _, name = relpath.rpartition("/")
        return self.in_folder(folder) or self.file(relpath, name)

    def in_folder(self, folder: str) -> bool:
        """Whether a `/`-free pattern matches one of `folder`'s names (same for all its files)."""
        return bool(folder) and any(rule[2] and self._folder(folder, index) for index, rule in enumerate(self.rules))

    def file(self, relpath: str, name: str) -> bool:
        """The checks that depend on the file itself (its path and name)."""
        for whole, under, by_part, globstar, prefix in self.rules:
            if whole(relpath) or under(relpath):
                return True
            if by_part and whole(name) is not None:
                return True
            if globstar and (relpath + "/").startswith(prefix):
                return True
        return False

    def _folder(self, folder: str, index: int) -> bool:
        """Whether a name in `folder` matches the `/`-free pattern `index`."""
        key = f"{index}\0{folder}"
        known = self.folders.get(key)
        if known is None:
            whole = self.rules[index][0]
            known = self.folders[key] = any(whole(part) is not None for part in folder.split("/"))
        return known


def _match(pattern: str) -> Callable[[str], Any]:
    """What `fnmatch.fnmatchcase(name, pattern)` tests, as a compiled match function."""
    return re.compile(fnmatch.translate(pattern)).match


def _always_skipped(relpath: str) -> bool:
    parts = relpath.split("/")[:-1]
    return any(part in DEFAULT_EXCLUDES or part.endswith(".egg-info") for part in parts)


def _git_files(root: Path) -> list[str] | None:
    if not _may_be_in_git(root):
        return None  # `git ls-files` would fail: not worth starting it (~8 ms)
    import subprocess

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


def _may_be_in_git(folder: Path) -> bool:
    """False only when git cannot find a repository for `folder`: no `.git` in it or above it,
    and no GIT_DIR telling git where one is."""
    return bool(os.environ.get("GIT_DIR")) or closest_git_folder(folder) is not None


def closest_git_folder(folder: str | os.PathLike[str]) -> str | None:
    """The closest folder, `folder` itself or above it, that holds a `.git` (a repository's
    folder, or the file of a submodule or linked work tree): where git finds the work tree."""
    here = os.path.abspath(folder)
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _walk(root: Path) -> list[tuple[str, bool]]:
    """(path relative to `root`, whether it is a symbolic link) of every file under `root`, as
    `os.walk(root, followlinks=False)` finds them (linked folders are not entered), minus the
    default-excluded folders. `os.scandir` gives the link bit without a system call per file,
    and a folder's real path is its parent's plus its name (it is not a link)."""
    out: list[tuple[str, bool]] = []
    seen: set[str] = set()
    stack = [(str(root), "", os.path.realpath(root))]
    while stack:
        folder, rel_dir, real = stack.pop()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            rel = name if not rel_dir else f"{rel_dir}/{name}"
            if is_dir:
                if name in DEFAULT_EXCLUDES or name.endswith(".egg-info") or entry.is_symlink():
                    continue
                stack.append((entry.path, rel, os.path.join(real, name)))
            else:
                out.append((rel, entry.is_symlink()))
    return out


def _within(real: str, base: str) -> bool:
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


# Directories resolved once per `discover` call: `realpath` costs an lstat per path component,
# 25,000 of them for a 3,000-file tree, which was half of a cached run.
_REAL_DIRS: dict[str, str] = {}


def _real(path: str, is_link: bool | None = None) -> str:
    """`os.path.realpath(path)`, resolving each parent directory only once; `is_link` when the
    caller already knows whether `path` is a symbolic link (saves an lstat)."""
    parent, name = os.path.split(path)
    if not name or name in (".", "..") or (os.path.islink(path) if is_link is None else is_link):
        return os.path.realpath(path)
    return os.path.join(_real_dir(parent), name)


def _real_dir(path: str) -> str:
    """`os.path.realpath` of a directory, from its parent's (resolved once) when it is not a link
    itself: one lstat per directory instead of one per component of every directory's path."""
    real = _REAL_DIRS.get(path)
    if real is None:
        parent, name = os.path.split(path)
        if not name or name in (".", "..") or parent == path or os.path.islink(path):
            real = os.path.realpath(path)
        else:
            real = os.path.join(_real_dir(parent), name)
        _REAL_DIRS[path] = real
    return real


def discover(paths: Iterable[Path], root: Path, exclude: Sequence[str], *, explicit_files_ok: bool = True) -> Discovery:
    """Files under the given paths (relative to `root`), sorted, classified and de-duplicated."""
    _REAL_DIRS.clear()  # links may have changed since the last call in this process
    found: dict[str, DiscoveredFile] = {}
    weights: list[str] = []
    every: list[str] = []
    outside: list[str] = []
    excluded = _Excludes(exclude)
    root_text = str(root)
    real_root = _real(root_text)
    for path in paths:
        path = path if path.is_absolute() else (Path.cwd() / path)
        candidates: list[tuple[str, bool | None]]
        if path.is_file():
            candidates = [(os.path.relpath(path, root).replace(os.sep, "/"), None)]
            explicit = True
        elif path.is_dir():
            base = os.path.relpath(path, root).replace(os.sep, "/")
            listed = _git_files(path)
            named = [(n, None) for n in listed] if listed is not None else _walk(path)
            candidates = [(n if base == "." else f"{base}/{n}", link) for n, link in named]
            explicit = False
        else:
            continue
        # Where a walked file must really be: the root, or the folder walked when it is written
        # outside the root (computed once per path, not per file).
        walked_base = real_root if explicit or not os.path.relpath(path, root).startswith("..") else _real(str(path))
        folders: dict[str, tuple[bool, bool, Callable[[], list[str]]]] = {}
        prefix = root_text if root_text.endswith(os.sep) else root_text + os.sep
        for rel, link in candidates:
            folder, _, name = rel.rpartition("/")
            if explicit:
                if excluded(rel) and not explicit_files_ok:
                    continue
                abspath = _join(root_text, rel)
                try:
                    link = stat.S_ISLNK(os.lstat(abspath).st_mode)
                except (OSError, ValueError):
                    continue
                if link and not _within(os.path.realpath(abspath), real_root):
                    if classify(rel) is not None:
                        outside.append(rel)
                    continue
                lowered, parts = _name_and_folders(rel)
            else:
                # Per folder: skipped or excluded by a folder name; whether a file (not a link) in
                # it is inside (its real path is the folder's plus its name); its names for kinds.
                known = folders.get(folder)
                if known is None:
                    known = folders[folder] = _folder_facts(folder, excluded, root_text, walked_base)
                hidden, inside, parts = known
                if hidden or excluded.rules and excluded.file(rel, name):
                    continue
                plain = _plain(rel)
                abspath = prefix + rel if plain else _join(root_text, rel)
                if link is None:  # listed by git: whether it exists and is a link costs one lstat
                    try:
                        link = stat.S_ISLNK(os.lstat(abspath).st_mode)
                    except (OSError, ValueError):
                        continue
                if link or not plain or name == "..":
                    inside = _within(_real(abspath, link), walked_base)
                if not inside:
                    if classify(rel) is not None:
                        outside.append(rel)
                    continue
                lowered, parts = (name.lower(), parts) if plain else _name_and_folders(rel)
            every.append(rel)
            if (_suffix(lowered) in WEIGHT_SUFFIXES) if not explicit and plain else _is_weight(rel):
                weights.append(rel)
                continue
            kind = _classify_name(lowered, parts)
            if kind is not None and rel not in found:
                found[rel] = DiscoveredFile(abspath, rel, kind)
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(sorted(set(weights))), tuple(sorted(set(every))), tuple(sorted(set(outside) - set(found))))


def _folder_facts(folder: str, excluded: "_Excludes", root_text: str, walked_base: str) -> tuple[bool, bool, Callable[[], list[str]]]:
    """(skipped or excluded, a non-link file in it is inside `walked_base`, its lower-cased
    names) for the files of `folder` (relative to the root) found by a walk or git."""
    hidden = _always_skipped(folder + "/x") or excluded.in_folder(folder)
    if hidden:
        return True, False, list
    real = _real(_join(root_text, f"{folder}/x" if folder else "x"), False)  # the folder's, plus "/x"
    inside = _within(real, walked_base)
    pieces = folder.split("/") if folder else []
    if "" in pieces or "." in pieces:
        return False, inside, lambda: [p.lower() for p in PurePosixPath(folder + "/x").parts[:-1]]
    lowered = [p.lower() for p in pieces]
    return False, inside, lambda: lowered


def _plain(rel: str) -> bool:
    """A relative POSIX path that `_join` may simply append (no empty or `.` parts)."""
    if os.sep != "/":
        return False
    pieces = rel.split("/")
    return "" not in pieces and "." not in pieces


def _join(root: str, rel: str) -> str:
    """`str(Path(root) / rel)` for a relative POSIX path without `.` parts, without pathlib."""
    pieces = rel.split("/")
    if os.sep != "/" or "" in pieces or "." in pieces or rel.startswith("/"):
        return str(Path(root) / rel)
    return root + rel if root.endswith("/") else f"{root}/{rel}"
