"""Nothing lost silently (issue 8.1): every discovered file is scanned or listed under `errors`
with a kind; text output ends with the coverage line, JSON carries the same counts; `--strict`
or `fail-on-incomplete = true` make an incomplete scan exit 2."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from kzai_lint.api import check
from kzai_lint.cli import cli
from kzai_lint.config import load_settings
from kzai_lint.discovery import discover
from kzai_lint.engine import ScanPlan, scan_files
from kzai_lint.model import ERROR_KINDS

EMOTION = "from deepface import DeepFace\nr = DeepFace.analyze(img, actions=['emotion'])\n"
FILES = {
    "app/camera.py": EMOTION,
    "app/quiet.py": "x = 1\n",  # no keyword: the prefilter skips it, and it counts as scanned
    "app/py2.py": "import deepface\nprint 'x'\n",
    "app/latin1.py": "",  # written as bytes below
    "config/model.yaml": "task: emotion\nlabels: [happy, sad\n",
}


def _repo(make_repo: Callable[..., Path]) -> Path:
    root = make_repo(FILES)
    (root / "app/latin1.py").write_bytes(b"import deepface\nname = '\xe9'\n")
    (root / "app/blob.py").write_bytes(b"\x00\x01\x02deepface")
    return root


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_every_discovered_file_is_scanned_or_has_an_error(make_repo: Callable[..., Path]) -> None:
    root = _repo(make_repo)
    from kzai_lint.api import enabled_rules
    from kzai_lint.registry import load

    settings = load_settings(root).with_overrides(root=root)
    loaded = load(settings)
    plan = ScanPlan(tuple(enabled_rules(settings, loaded=loaded)), loaded.catalogue, settings)
    found = discover([root], root, [])
    results = scan_files(found.files, plan, 1)
    assert [r.path for r in results] == [f.relpath for f in found.files]
    for result in results:
        assert result.scanned or result.errors, result.path
        assert all(e.kind in ERROR_KINDS for e in result.errors)
    unscanned = {r.path: r.errors[0].kind for r in results if not r.scanned}
    assert unscanned == {"app/blob.py": "binary", "app/latin1.py": "encoding", "app/py2.py": "parse-error", "config/model.yaml": "parse-error"}


def test_text_ends_with_the_coverage_line_and_json_has_the_same_counts(make_repo: Callable[..., Path]) -> None:
    root = _repo(make_repo)
    code, out, _ = _run(["check", str(root)])
    assert code == 1
    assert out.splitlines()[-1].endswith("; 4 of 8 file(s) scanned, 1 binary, 1 encoding, 2 parse-error.")
    code, out, _ = _run(["check", str(root), "--format", "json"])
    summary = json.loads(out)["summary"]
    assert (summary["files_discovered"], summary["files_scanned"]) == (8, 4)
    assert summary["errors_by_kind"] == {"binary": 1, "encoding": 1, "parse-error": 2}


def test_quiet_still_says_when_the_scan_is_incomplete(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/blob.py": "\0"})
    code, out, _ = _run(["check", str(root), "-q"])
    assert code == 0
    assert out.splitlines()[-1].startswith("Found 0 open finding(s);") and "1 binary" in out


@pytest.mark.parametrize(("args", "config", "expected"), [
    ([], "", 1),
    (["--strict"], "", 2),
    ([], "fail-on-incomplete = true\n", 2),
    (["--exit-zero"], "", 0),
    (["--strict", "--exit-zero"], "", 2),
])
def test_incomplete_scans_exit_2_when_asked(make_repo: Callable[..., Path], args: list[str], config: str, expected: int) -> None:
    root = _repo(make_repo)
    if config:
        text = (root / "pyproject.toml").read_text()
        (root / "pyproject.toml").write_text(text.replace("[tool.kzai-lint.system]", f"[tool.kzai-lint]\n{config}\n[tool.kzai-lint.system]"))
    code, _, err = _run(["check", str(root), *args])
    assert code == expected, err
    if expected == 2:
        assert "could not be fully scanned" in err and ("--strict" in err or "fail-on-incomplete" in err)


def test_a_complete_scan_passes_strict(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    code, _, _ = _run(["check", str(root), "--strict", "--select", "KZ306"])
    assert code == 1
    result = check([root])
    assert result.errors == () and result.files_discovered == result.files_scanned
