"""The project a list of explicit files belongs to, for runs that do not scan a whole folder.

pre-commit passes only the changed files and an editor passes one buffer, yet the declaration
(`[tool.kzai-lint.system]`), the hooks and the model card belong to the project: a changed
notebook must be judged against them. The project root is the folder of the closest config
file, else the git top level, else the scan root. Scanning one directory is unchanged: the
declaration is read from that directory, as it always was.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from kzai_lint.discovery import MODEL_CARD_NAMES, closest_git_folder
from kzai_lint.model import FileKind


def is_file_mode(paths: Sequence[Path]) -> bool:
    """True unless exactly one directory is scanned."""
    return not (len(paths) == 1 and paths[0].is_dir())


def settings_start(paths: Sequence[Path], root: Path) -> Path:
    """Where the config search starts: the one path given, else the folder all paths share."""
    if len(paths) == 1:
        return paths[0].resolve()
    folders = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        return root


def git_toplevel(start: Path) -> Path | None:
    """The work tree `start` is in: `$GIT_WORK_TREE`, else the closest folder holding `.git`
    (a folder, or the file a submodule or linked work tree has), as `git rev-parse
    --show-toplevel` finds it, without starting git (a pre-commit run is ~10 ms shorter)."""
    work_tree = os.environ.get("GIT_WORK_TREE")
    if work_tree:
        return Path(work_tree).resolve()
    folder = start.resolve()
    while not folder.is_dir() and folder != folder.parent:  # a path that exists only in an editor
        folder = folder.parent
    found = closest_git_folder(folder)
    return None if found is None else Path(found)


def project_root(settings: Any, start: Path, root: Path) -> Path:
    config = getattr(settings, "config_path", None)
    if config is not None:
        return Path(config).resolve().parent
    return git_toplevel(start if start.is_dir() else start.parent) or root


def context_files(project: Path, root: Path) -> dict[str, FileKind]:
    """The project's top-level model cards, keyed relative to the scan root, for repository rules
    that read declarations from model-card front matter."""
    out: dict[str, FileKind] = {}
    try:
        names = sorted(os.listdir(project))
    except OSError:
        return out
    for name in names:
        if name.lower() in MODEL_CARD_NAMES and (project / name).is_file():
            out[os.path.relpath(project / name, root).replace(os.sep, "/")] = FileKind.MODEL_CARD
    return out


def file_mode_plan(paths: Sequence[Path], settings: Any, root: Path) -> dict[str, Any]:
    """ScanPlan fields for a run over explicit files: where the declaration and cards live."""
    if not is_file_mode(paths):
        return {}
    project = project_root(settings, settings_start(paths, root), root)
    return {"declaration_root": project, "context_files": context_files(project, root)}
