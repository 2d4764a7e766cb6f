"""IDE use: `--stdin-filename`, the VS Code problem matcher kept in docs/, and the project root
used for explicit files (editors and pre-commit pass files, not the repository)."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner
from reporter_support import TESTS, copy_fixture, make_finding, run_cli

from kzai_lint import project
from kzai_lint.api import check
from kzai_lint.cli import cli
from kzai_lint.config import load_settings
from kzai_lint.reporters.text import format_finding

DOCS = TESTS.parent / "docs"
MATCHERS = json.loads((DOCS / "problem-matcher.json").read_text(encoding="utf-8"))
EMOTION = """
from deepface import DeepFace as DF

def mood(frame):
    return DF.analyze(frame, actions=["emotion"])
"""
CLEAN = "def add(a, b):\n    return a + b\n"


def matcher_rx(kind: str | None = None) -> tuple[re.Pattern[str], dict[str, Any]]:
    chosen = next(m["pattern"] for m in MATCHERS if m["pattern"].get("kind") == kind)
    return re.compile(chosen["regexp"]), chosen


def captured(line: str, kind: str | None = None) -> dict[str, str] | None:
    rx, pattern = matcher_rx(kind)
    m = rx.match(line)
    if m is None:
        return None
    return {k: m.group(pattern[k]) for k in ("file", "line", "column", "code", "message", "severity") if k in pattern}


# --- --stdin-filename -------------------------------------------------------------------------

def test_stdin_buffer_is_reported_as_the_path(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"app/__init__.py": ""})
    monkeypatch.chdir(root)
    code, out, err = run_cli(["check", "--stdin-filename", "app/not_saved_yet.py", "--select", "KZ306"], stdin=EMOTION.lstrip("\n"))
    assert code == 1, err
    assert out.startswith("app/not_saved_yet.py:4:12: KZ306 [17(3)(6)]")


def test_stdin_buffer_is_utf8_with_or_without_bom(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as UTF-8 whatever the locale (as `click.get_text_stream` did; Click 9 drops it)."""
    root = make_repo({"app/__init__.py": ""})
    monkeypatch.chdir(root)
    buffer = ("# Распознавание эмоций\n" + EMOTION.lstrip("\n")).encode("utf-8")
    for data in (buffer, b"\xef\xbb\xbf" + buffer):
        result = CliRunner().invoke(cli, ["check", "--stdin-filename", "app/cam.py", "--select", "KZ306"], input=data)
        assert result.exit_code == 1, result.stderr
        assert result.stdout.startswith("app/cam.py:5:12: KZ306 [17(3)(6)]")


def test_stdin_buffer_replaces_the_file_on_disk(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"app/cam.py": EMOTION})
    monkeypatch.chdir(root)
    code, out, _ = run_cli(["check", "--stdin-filename", "app/cam.py", "--select", "KZ306", "--format", "json"], stdin=CLEAN)
    assert code == 0 and json.loads(out)["findings"] == []
    (root / "app/cam.py").write_text(CLEAN)
    code, out, _ = run_cli(["check", "--stdin-filename", str(root / "app/cam.py"), "--select", "KZ306", "--format", "json"], stdin=EMOTION)
    assert code == 1 and [f["path"] for f in json.loads(out)["findings"]] == ["app/cam.py"]


def test_stdin_config_is_resolved_for_the_path(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"lab/kzai-lint.toml": 'ignore = ["KZ306"]\nextend-exclude = ["scratch/**"]\n', "lab/__init__.py": ""})
    monkeypatch.chdir(root)
    assert run_cli(["check", "--stdin-filename", "app/x.py", "--select", "KZ306"], stdin=EMOTION)[0] == 1
    assert run_cli(["check", "--stdin-filename", "lab/x.py", "--select", "KZ306"], stdin=EMOTION)[0] == 0
    monkeypatch.chdir(root / "lab")
    code, out, _ = run_cli(["check", "--stdin-filename", "scratch/x.py", "--select", "KZ3", "--format", "json"], stdin=EMOTION)
    assert code == 0 and json.loads(out)["summary"]["files_scanned"] == 0


def test_stdin_with_paths_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli(["check", str(tmp_path), "--stdin-filename", "a.py"], stdin="")
    assert code == 2 and "give no PATHS" in err


# --- the problem matcher ----------------------------------------------------------------------

def test_problem_matcher_captures_real_text_output(tmp_path: Path) -> None:
    lines = []
    for name in ("emotion-app", "notebook-emotion"):
        code, out, _ = run_cli(["check", str(copy_fixture(name, tmp_path)), "--select", "KZ306"])
        assert code == 1
        lines += [line for line in out.splitlines() if " KZ306 " in line]
    by_file = {c["file"]: c for c in map(captured, lines) if c}
    assert len(by_file) == len({line.split(":", 1)[0] for line in lines}) == 3
    cam = by_file["floorpulse/station_cam.py"]
    assert (cam["line"], cam["column"], cam["code"], cam["severity"]) == ("45", "13", "KZ306", "error")
    assert cam["message"].startswith("DF.analyze() (actions='emotion') determines a person's emotions")
    assert not cam["message"].endswith("]")
    notebook = by_file["notebooks/exhibit_reactions.ipynb"]  # `:cellN` is skipped, the line is the cell's
    assert notebook["code"] == "KZ306" and notebook["line"] in ("1", "8") and notebook["severity"] in ("error", "warning")
    for line in lines:
        assert captured(line, "file") is None  # the whole-file pattern never doubles a finding


def test_problem_matcher_for_whole_file_findings_and_mitigated_tail() -> None:
    line = format_finding(make_finding(path="pyproject.toml", line=None, column=None, severity=make_finding().severity.lowered(), message="No `risk` declared [see 17(1)]"))
    got = captured(line, "file")
    assert got == {"file": "pyproject.toml", "code": "KZ306", "message": "No `risk` declared [see 17(1)]", "severity": "warning"}
    tail = format_finding(make_finding(status=make_finding().status.__class__("mitigated"), mitigation="consent hook (if, a.py:3)"))
    got = captured(tail)
    assert got is not None and got["message"] == "DF.analyze() determines emotions" and got["severity"] == "error"


def test_docs_include_the_problem_matcher_file() -> None:
    ide = (DOCS / "ide.md").read_text(encoding="utf-8")
    for matcher in MATCHERS:
        assert json.dumps(matcher["pattern"]["regexp"]) in ide
    assert "problem-matcher.json" in ide and '"NO_COLOR": "1"' in ide


# --- explicit files: the project root ---------------------------------------------------------

def test_explicit_files_read_the_declaration_from_the_project_root(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"app/cam.py": EMOTION, "README.md": "# sample\n"})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    monkeypatch.chdir(root / "app")
    result = check(["cam.py"])
    codes = {f.code for f in result.findings}
    assert "KZ306" in codes
    assert "KZ101" not in codes and "KZ401" not in codes  # declared in ../pyproject.toml
    plan = project.file_mode_plan([Path("cam.py")], load_settings(root / "app"), Path.cwd().resolve())
    assert plan["declaration_root"] == root.resolve()
    assert plan["context_files"] == {"../README.md": project.FileKind.MODEL_CARD}


def test_project_root_without_config_is_the_git_top_level(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    settings = load_settings(tmp_path / "pkg")
    assert settings.config_path is None
    assert project.project_root(settings, tmp_path / "pkg" / "new.py", tmp_path / "pkg") == tmp_path.resolve()
    assert project.settings_start([tmp_path / "pkg" / "a.py", tmp_path / "pkg" / "b.py"], tmp_path) == (tmp_path / "pkg").resolve()
    assert project.file_mode_plan([tmp_path], settings, tmp_path) == {}


def test_the_git_top_level_is_found_as_git_finds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git_toplevel` walks up to `.git` instead of starting git: same answer as git for a
    nested folder, a linked work tree (whose `.git` is a file) and a folder outside any."""
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    monkeypatch.delenv("GIT_DIR", raising=False)
    repo = tmp_path / "repo"
    (repo / "src" / "pkg").mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    subprocess.run([*git, "add", "README.md"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=repo, check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "linked")], cwd=repo, check=True)
    (tmp_path / "linked" / "deep").mkdir()
    outside = tmp_path / "plain"
    outside.mkdir()

    def by_git(folder: Path) -> Path | None:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, check=False)
        return Path(proc.stdout.strip()).resolve() if proc.returncode == 0 else None

    for folder in (repo, repo / "src" / "pkg", tmp_path / "linked", tmp_path / "linked" / "deep", outside):
        assert project.git_toplevel(folder) == by_git(folder), folder
    assert project.git_toplevel(repo / "src" / "pkg" / "not-yet-saved.py") == repo.resolve()
    monkeypatch.setenv("GIT_WORK_TREE", str(repo))
    assert project.git_toplevel(outside) == repo.resolve()
