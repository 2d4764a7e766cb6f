"""Which repository and commit a report is about, asked of git when it is there.

An archived compliance report is only worth something if it names the exact tree it judged, so
the commit (and whether the work tree had uncommitted changes) comes from git itself. Without git,
or outside a work tree, the report falls back to the folder name and says that no commit is known
instead of failing: a report of an unpacked release tarball is still a report.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RepoInfo", "discover_repo", "redact_url"]

#: git is asked a handful of cheap questions; a hung git must not hang the report.
GIT_TIMEOUT = 10.0

_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """The repository as the report names it; `commit` is None outside a git work tree."""

    name: str
    commit: str | None = None
    remote: str | None = None
    subdir: str = ""
    dirty: bool = False


def redact_url(url: str) -> str:
    """Drop `user:token@` from a remote URL: a report is shared, a credential must not be."""
    return _USERINFO.sub(r"\1", url.strip())


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _remote_url(root: Path) -> str | None:
    """`origin` when it exists, else the first remote git lists."""
    names = (_git(root, "remote") or "").split()
    if not names:
        return None
    name = "origin" if "origin" in names else sorted(names)[0]
    url = _git(root, "remote", "get-url", name)
    return redact_url(url) if url else None


def _name_from_remote(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return tail.removesuffix(".git") or url


def discover_repo(root: Path) -> RepoInfo:
    """Describe the scanned folder `root` from git, or from its name when git cannot tell."""
    root = root.resolve()
    folder = root.name or str(root)
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    top = _git(root, "rev-parse", "--show-toplevel")
    if not commit or not top:
        return RepoInfo(name=folder)
    remote = _remote_url(root)
    top_path = Path(top).resolve()
    try:
        subdir = root.relative_to(top_path).as_posix()
    except ValueError:
        subdir = ""
    status = _git(root, "status", "--porcelain", "--untracked-files=no", "--", ".")
    return RepoInfo(
        name=_name_from_remote(remote) if remote else (top_path.name or folder),
        commit=commit,
        remote=remote,
        subdir="" if subdir == "." else subdir,
        dirty=bool(status),
    )
