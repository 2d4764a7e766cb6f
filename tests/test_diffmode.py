"""Pull-request mode: `check --diff BASE` keeps findings on added or changed lines only."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

from reporter_support import make_finding, run_cli

from kzai_lint.diffmode import ChangedLines, parse_diff, unquote_path

OLD = """
from deepface import DeepFace

def old(frame):
    return DeepFace.analyze(frame, actions=["emotion"])
"""
ADDED = """

def new(frame):
    return DeepFace.analyze(frame, actions=["emotion"])
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args], cwd=root, check=True, capture_output=True)


def repo_with_history(make_repo: Callable[..., Path]) -> Path:
    root = make_repo({"app/old.py": OLD, "app/other.py": OLD})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def findings(root: Path, *args: str) -> list[tuple[str, int | None]]:
    code, out, err = run_cli(["check", str(root), "--format", "json", "--select", "KZ306", *args])
    assert code in (0, 1), err
    return sorted((f["path"], f["line"]) for f in json.loads(out)["findings"])


def test_added_line_flagged_untouched_old_finding_not(make_repo: Callable[..., Path]) -> None:
    root = repo_with_history(make_repo)
    old_lines = (root / "app/old.py").read_text()
    (root / "app/old.py").write_text(old_lines + ADDED.lstrip("\n"))
    (root / "app/fresh.py").write_text(OLD.lstrip("\n"))  # untracked: every line is new
    assert findings(root) == [("app/fresh.py", 4), ("app/old.py", 4), ("app/old.py", 6), ("app/other.py", 4)]
    assert findings(root, "--diff", "HEAD") == [("app/fresh.py", 4), ("app/old.py", 6)]
    assert findings(root, "--changed-since", "main") == [("app/fresh.py", 4), ("app/old.py", 6)]


def test_changed_line_in_a_committed_branch(make_repo: Callable[..., Path]) -> None:
    root = repo_with_history(make_repo)
    git(root, "checkout", "-q", "-b", "feature")
    text = (root / "app/other.py").read_text().replace('actions=["emotion"]', 'actions=["emotion", "age"]')
    (root / "app/other.py").write_text(text)
    git(root, "commit", "-q", "-am", "change")
    assert findings(root, "--diff", "main") == [("app/other.py", 4)]
    code, out, _ = run_cli(["check", str(root), "--select", "KZ306", "--diff", "HEAD"])
    assert code == 0 and "0 open finding" in out  # nothing changed since the branch's own commit


def test_invalid_ref_is_a_usage_error(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = repo_with_history(make_repo)
    code, _, err = run_cli(["check", str(root), "--diff", "no-such-branch"])
    assert code == 2
    assert "'no-such-branch' is not a valid git revision" in err and "Traceback" not in err
    code, _, err = run_cli(["check", str(root), "--diff", "--output=x"])
    assert code == 2
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("x = 1\n")
    code, _, err = run_cli(["check", str(plain), "--diff", "HEAD"])
    assert code == 2 and "not inside a git work tree" in err


def test_parse_diff_hunks_and_quoted_paths() -> None:
    text = "\n".join([
        "diff --git a/a.py b/a.py",
        "--- a/a.py",
        "+++ b/a.py",
        "@@ -3,0 +4,2 @@ def f():",
        "+x",
        "+y",
        "@@ -10 +12 @@",
        "-old",
        "+new",
        "@@ -20,3 +22,0 @@",
        '+++ "b/we\\"ird \\303\\251.py"',
        "@@ -0,0 +1 @@",
        "+++ /dev/null",
        "@@ -1,2 +0,0 @@",
    ])
    assert parse_diff(text) == {"a.py": {4, 5, 12}, 'we"ird é.py': {1}}
    assert unquote_path("b/plain name.py\t") == "b/plain name.py"


def test_findings_without_a_line_and_notebooks_are_kept_by_rule() -> None:
    changes = ChangedLines({"a.py": frozenset({5}), "nb.ipynb": frozenset({40})}, frozenset({"new.py"}))
    assert changes.keeps(make_finding(path="a.py", line=4, end_line=6))
    assert not changes.keeps(make_finding(path="a.py", line=7, end_line=7))
    assert changes.keeps(make_finding(path="zzz.py", line=None))
    assert changes.keeps(make_finding(path="new.py", line=90))
    assert changes.keeps(make_finding(path="nb.ipynb", line=2, cell=3))
    assert not changes.keeps(make_finding(path="untouched.ipynb", line=2, cell=3))
