"""Pull-request mode (`check --diff BASE`): keep only findings on lines added or changed since BASE.

The whole tree is still scanned, because repository-level rules and cross-file facts need it;
only the report is narrowed. Changed lines come from `git diff --unified=0 BASE` (the work tree
against BASE, staged or not), untracked files count as entirely new, and findings without a line
(file- and repository-level ones) are always kept, since their cause is rarely a single line.
A notebook finding's line counts lines of a cell, not of the `.ipynb` file, so it is kept when
the notebook changed at all.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from kzai_lint.config import UsageError
from kzai_lint.model import Finding, RunResult

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class ChangedLines:
    """Added or changed lines per path (relative to the scan root), and untracked files."""

    lines: Mapping[str, frozenset[int]]
    untracked: frozenset[str]

    def keeps(self, f: Finding) -> bool:
        if f.line is None or f.path in self.untracked:
            return True
        changed = self.lines.get(f.path)
        if not changed:
            return False
        if f.cell is not None:
            return True
        last = f.end_line if f.end_line and f.end_line >= f.line else f.line
        return any(n in changed for n in range(f.line, last + 1))


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"--diff needs git: {exc}") from None


def unquote_path(text: str) -> str:
    """A path as git prints it in diff headers: C-quoted when it has unusual characters."""
    text = text.rstrip("\t")
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        return text
    out = bytearray()
    body = text[1:-1].encode("utf-8", "surrogateescape")
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == 92 and i + 1 < len(body):  # backslash
            nxt = chr(body[i + 1])
            if nxt in "01234567":
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, body[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_diff(text: str) -> dict[str, set[int]]:
    """{path: added line numbers} from `git diff --unified=0` output (paths as in the diff)."""
    out: dict[str, set[int]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            target = unquote_path(line[4:])
            current = None if target == "/dev/null" else target[2:] if target.startswith("b/") else target
            if current is not None:
                out.setdefault(current, set())
        elif current is not None and line.startswith("@@ "):
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
                out[current].update(range(start, start + count))
    return out


def changed_lines(root: Path, base: str) -> ChangedLines:
    """What changed in the work tree at `root` since `base`; UsageError for a bad ref or no git."""
    top_proc = _git(["rev-parse", "--show-toplevel"], root)
    if top_proc.returncode != 0:
        raise UsageError(f"--diff {base}: {root} is not inside a git work tree")
    top = Path(top_proc.stdout.decode("utf-8", "surrogateescape").strip())
    rev = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}"], top)
    if rev.returncode != 0 or not base.strip():
        raise UsageError(f"--diff: {base!r} is not a valid git revision (a branch, tag or commit) in {top}")
    sha = rev.stdout.decode().strip()
    diff = _git(["-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "-M", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/", sha, "--"], top)
    if diff.returncode != 0:
        raise UsageError(f"--diff {base}: git diff failed: {diff.stderr.decode(errors='replace').strip()}")
    others = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    untracked = [p for p in others.stdout.decode("utf-8", "surrogateescape").split("\0") if p]
    resolved_root = root.resolve()

    def rel(path: str) -> str:
        return os.path.relpath(top / path, resolved_root).replace(os.sep, "/")

    parsed = parse_diff(diff.stdout.decode("utf-8", "surrogateescape"))
    return ChangedLines({rel(p): frozenset(n) for p, n in parsed.items()}, frozenset(rel(p) for p in untracked))


def restrict(result: RunResult, changes: ChangedLines) -> RunResult:
    """The same result with only the findings `changes` keeps."""
    return replace(result, findings=tuple(f for f in result.findings if changes.keeps(f)))
