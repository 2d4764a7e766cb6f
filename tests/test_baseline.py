"""Baselines: write, apply (also from config), survive edits above a finding, report new
findings, stale entries and moved files; the file format and its errors."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from kzai_lint import __version__
from kzai_lint.cli import cli

CAMERA = """
from deepface import DeepFace


def mood(frame):
    return DeepFace.analyze(frame, actions=["emotion"])
"""
BASELINE = ".kzai-lint-baseline.json"


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def record(root: Path, *extra: str) -> Path:
    target = root / BASELINE
    code, _, err = run(["baseline", str(root), "-o", str(target), "--select", "KZ306", *extra])
    assert code == 0, err
    assert "wrote 1 baseline entry" in err
    return target


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(["check", str(root), "--select", "KZ306", "--format", "json", *extra])
    assert code in (0, 1), err
    return code, json.loads(out)


def statuses(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["path"], f["status"]) for f in data["findings"]]


def test_round_trip_edit_above_then_new_sink(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    baseline = record(root)

    code, data = check_json(root, "--baseline", str(baseline))
    assert code == 0
    assert statuses(data) == [("app/camera.py", "baselined")]
    assert data["findings"][0]["mitigation"] == f"in baseline {BASELINE}"
    assert data["baseline"] == {"path": BASELINE, "stale": []}

    # Unrelated edits above the finding move its line but not its fingerprint.
    camera = root / "app/camera.py"
    camera.write_text('"""Camera helpers."""\nimport logging\n\nLOG = logging.getLogger(__name__)\n' + camera.read_text())
    code, data = check_json(root, "--baseline", str(baseline))
    assert code == 0
    assert statuses(data) == [("app/camera.py", "baselined")]
    assert data["findings"][0]["line"] == 9

    # A new sink is exactly one new open finding.
    camera.write_text(camera.read_text() + '\n\ndef mood_again(frame):\n    return DeepFace.analyze(frame, actions=["emotion", "age"])\n')
    code, data = check_json(root, "--baseline", str(baseline))
    assert code == 1
    assert sorted(s for _, s in statuses(data)) == ["baselined", "open"]
    assert data["summary"]["by_status"] == {"baselined": 1, "open": 1}
    assert data["baseline"]["stale"] == []


def test_text_output_counts_baselined(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    baseline = record(root)
    code, out, err = run(["check", str(root), "--select", "KZ306", "--baseline", str(baseline)])
    assert code == 0
    assert "0 open finding(s), 1 baselined" in out
    assert "stale" not in err


def test_baseline_from_config_is_relative_to_the_config_file(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"app/camera.py": CAMERA, "pyproject.toml": f'[tool.kzai-lint]\nbaseline = "ci/{BASELINE}"\n'})
    (root / "ci").mkdir()
    code, _, err = run(["baseline", str(root), "--select", "KZ306"])  # default output: the configured file
    assert code == 0, err
    assert (root / "ci" / BASELINE).is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(elsewhere)
        code, data = check_json(root)
    finally:
        os.chdir(cwd)
    assert code == 0
    assert statuses(data) == [("app/camera.py", "baselined")]
    assert data["baseline"]["path"] == f"ci/{BASELINE}"


def test_stale_entries_are_listed(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    baseline = record(root)
    fingerprint = json.loads(baseline.read_text())["entries"][0]["fingerprint"]
    (root / "app/camera.py").write_text("def mood(frame):\n    return None\n")
    code, data = check_json(root, "--baseline", str(baseline))
    assert code == 0
    assert [e["fingerprint"] for e in data["baseline"]["stale"]] == [fingerprint]
    _, _, err = run(["check", str(root), "--select", "KZ306", "--baseline", str(baseline)])
    assert f"{BASELINE}: 1 stale baseline entry" in err and fingerprint in err


def test_stale_only_for_codes_that_ran(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    baseline = record(root)
    code, out, _ = run(["check", str(root), "--select", "KZ305", "--format", "json", "--baseline", str(baseline)])
    assert json.loads(out)["baseline"]["stale"] == []


def test_moved_file_is_reported_not_absorbed(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    baseline = record(root)
    (root / "kiosk").mkdir()
    (root / "app/camera.py").rename(root / "kiosk/camera.py")
    code, data = check_json(root, "--baseline", str(baseline))
    assert code == 1
    [finding] = data["findings"]
    assert (finding["path"], finding["status"]) == ("kiosk/camera.py", "open")
    assert "file moved from app/camera.py" in finding["message"]
    [stale] = data["baseline"]["stale"]
    assert (stale["path"], stale["moved_to"]) == ("app/camera.py", "kiosk/camera.py")


def test_file_format_is_sorted_and_never_scanned(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"b.py": CAMERA, "a.py": CAMERA})
    target = root / BASELINE
    assert run(["baseline", str(root), "-o", str(target), "--select", "KZ306"])[0] == 0
    data = json.loads(target.read_text())
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "kzai-lint", "version": __version__}
    assert [e["path"] for e in data["entries"]] == ["a.py", "b.py"]
    assert set(data["entries"][0]) == {"fingerprint", "code", "path", "message", "evidence"}
    # Recording again (with the old file in the tree, which quotes the evidence) changes nothing.
    before = target.read_text()
    assert run(["baseline", str(root), "-o", str(target), "--select", "KZ306"])[0] == 0
    assert target.read_text() == before
    _, checked = check_json(root, "--baseline", str(target), "--select", "KZ")
    assert BASELINE not in {f["path"] for f in checked["findings"]}


def test_recording_does_not_apply_the_configured_baseline(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA, "pyproject.toml": f'[tool.kzai-lint]\nbaseline = "{BASELINE}"\n'})
    assert run(["baseline", str(root), "--select", "KZ306"])[0] == 0
    assert run(["baseline", str(root), "--select", "KZ306"])[0] == 0
    assert len(json.loads((root / BASELINE).read_text())["entries"]) == 1


def test_missing_configured_baseline_exits_2_naming_file_and_key(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": CAMERA, "pyproject.toml": '[tool.kzai-lint]\nbaseline = "nope.json"\n'})
    code, _, err = run(["check", str(root)])
    assert code == 2
    assert "pyproject.toml: baseline: baseline file" in err and "does not exist" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content", ["{not json", '{"entries": "x", "schema_version": 1}', '{"schema_version": 9, "entries": []}'])
def test_bad_baseline_file_exits_2(make_repo: Callable[..., Path], content: str) -> None:
    root = make_repo({"app/camera.py": CAMERA})
    bad = root / "bad.json"
    bad.write_text(content)
    code, _, err = run(["check", str(root), "--baseline", str(bad)])
    assert code == 2
    assert "bad.json" in err and "Traceback" not in err
