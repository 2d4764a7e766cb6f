"""CLI behaviour: exit codes, formats, selection, errors, version."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

from kzai_lint import __version__
from kzai_lint.cli import cli

EMOTION = """
from deepface import DeepFace as DF

def mood(frame):
    return DF.analyze(frame, actions=["emotion"])
"""


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_open_finding_exits_1_with_text_line(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    code, out, _ = run(["check", str(root), "--select", "KZ306"])
    assert code == 1
    assert "app/camera.py:4:12: KZ306 [17(3)(6)]" in out
    assert "1 open finding" in out


def test_clean_repo_exits_0(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/reviews.py": "def transfer(buffer, offer):\n    return buffer + offer\n"})
    code, out, _ = run(["check", str(root), "--select", "KZ3"])
    assert code == 0, out


def test_exit_zero(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": EMOTION})
    assert run(["check", str(root), "--select", "KZ306", "--exit-zero"])[0] == 0


def test_select_by_clause_and_ignore(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": EMOTION})
    assert run(["check", str(root), "--select", "17(3)(6)"])[0] == 1
    assert run(["check", str(root), "--select", "17(3)", "--ignore", "KZ306"])[0] == 0


def test_unknown_selector_is_usage_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": EMOTION})
    code, _, err = run(["check", str(root), "--select", "KZ999"])
    assert code == 2
    assert "unknown code" in err
    assert "Traceback" not in err


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    code, _, err = run(["check", str(tmp_path / "nope")])
    assert code == 2
    assert "does not exist" in err


def test_unknown_config_key_exit_2_names_file_and_key(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"pyproject.toml": "[tool.kzai-lint]\nselekt = ['KZ3']\n", "a.py": EMOTION})
    code, _, err = run(["check", str(root)])
    assert code == 2
    assert "pyproject.toml: selekt" in err and "did you mean 'select'" in err


def test_json_contract_fields(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION, "broken.py": "import deepface\ndef f(:\n    pass  # frames go to deepface.DeepFace.analyze\n"})
    code, out, _ = run(["check", str(root), "--format", "json", "--select", "KZ306"])
    assert code == 1
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "kzai-lint", "version": __version__}
    finding = data["findings"][0]
    for key in ("code", "clause", "title", "severity", "confidence", "status", "path", "line", "column",
                "end_line", "end_column", "message", "evidence", "mitigation", "fingerprint"):
        assert key in finding
    assert finding["path"] == "app/camera.py"
    assert finding["line"] == 4 and finding["clause"] == "17(3)(6)" and finding["status"] == "open"
    assert finding["fingerprint"].startswith("KZ306:app/camera.py:")
    assert data["errors"] == [{"path": "broken.py", "kind": "parse-error", "message": data["errors"][0]["message"], "line": 2, "column": 7}]
    assert data["summary"]["files_scanned"] >= 1
    assert data["summary"]["by_status"] == {"open": 1}


def test_output_file(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"a.py": EMOTION})
    out = tmp_path / "report.json"
    run(["check", str(root), "--format", "json", "-o", str(out), "--select", "KZ306"])
    assert json.loads(out.read_text())["findings"]


def test_fingerprint_survives_line_moves(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": EMOTION})
    first = json.loads(run(["check", str(root), "--format", "json", "--select", "KZ306"])[1])["findings"][0]
    (root / "a.py").write_text("# a comment\n\n" + (root / "a.py").read_text())
    second = json.loads(run(["check", str(root), "--format", "json", "--select", "KZ306"])[1])["findings"][0]
    assert first["line"] + 2 == second["line"]
    assert first["fingerprint"] == second["fingerprint"]


def test_no_color_when_not_a_tty(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"a.py": EMOTION})
    _, out, _ = run(["check", str(root), "--select", "KZ306"])
    assert "\x1b[" not in out


def test_version_via_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "kzai_lint", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"kzai-lint {__version__}"


def test_rules_and_explain() -> None:
    code, out, _ = run(["rules", "--format", "json"])
    assert code == 0
    rows = json.loads(out)
    assert {"KZ306/library-call", "KZ305/library-call"} <= {r["id"] for r in rows}
    code, out, _ = run(["explain", "KZ306"])
    assert code == 0
    assert "determining the emotions of an individual without his consent" in out
    code, out, _ = run(["explain", "17(3)(6)"])
    assert code == 0 and "KZ306/library-call" in out
