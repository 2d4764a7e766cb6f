"""The bundled sample repositories: expected open findings (code, path, line) and clean samples.

Expectations are the documented ones in fixtures/README.md; every listed finding must be
reported and the clean samples must have no open finding at all.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kzai_lint.api import check
from kzai_lint.model import Status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

EXPECTED = {
    "emotion-app": {("KZ306", "floorpulse/station_cam.py", 45, None), ("KZ306", "floorpulse/break_room.py", 29, None)},
    "biometric-attributes": {("KZ305", "crowdlens/profiler.py", 24, None), ("KZ305", "configs/heads.yaml", 18, None)},
    "notebook-emotion": {("KZ306", "notebooks/exhibit_reactions.ipynb", 8, 4)},
    "fer2013-training": {("KZ306", "configs/train.yaml", 10, None), ("KZ306", "mini48/data.py", 10, None)},
    "ethnicity-model-card": {("KZ305", "README.md", 12, None)},
    "deepfake-generator": {("KZ307", "greetswap/engine.py", 23, None)},
    "browser-emotion": {("KZ306", "web/kiosk.js", 7, None)},
    "local-mode-violation": {("KZ402", "docsort/embed.py", 14, None), ("KZ402", "docsort/embed.py", 15, None), ("KZ402", "docsort/normalise.py", 22, None)},
}
CLEAN = ["clean-sentiment", "clean-model-card", "local-mode-compliant"]


def scan(name: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    # A copy outside this repository, so its own [tool.kzai-lint] excludes do not apply.
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return check([target], jobs=1)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_expected_findings(name: str, tmp_path: Path) -> None:
    result = scan(name, tmp_path)
    got = {(f.code, f.path, f.line, f.cell) for f in result.findings if f.status is Status.OPEN}
    missing = EXPECTED[name] - got
    assert not missing, f"missing {missing}; got {sorted(got, key=str)}"
    assert not result.errors


@pytest.mark.parametrize("name", CLEAN)
def test_clean_fixture_has_no_open_finding(name: str, tmp_path: Path) -> None:
    result = scan(name, tmp_path)
    opened = [f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings if f.status is Status.OPEN]
    assert not opened


def test_consent_guarded_fixture_is_mitigated(tmp_path: Path) -> None:
    result = scan("consent-guarded", tmp_path)
    statuses = {(f.code, f.path, f.line): f.status for f in result.findings}
    assert statuses.get(("KZ306", "sessionnotes/mood_timeline.py", 27)) is Status.MITIGATED
    assert not [f for f in result.findings if f.status is Status.OPEN and f.clause.startswith("17(3)")]


def test_emotion_fixture_json_is_stable(tmp_path: Path) -> None:
    first = scan("emotion-app", tmp_path / "a")
    second = scan("emotion-app", tmp_path / "b")
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]
