"""Helpers for the reporter tests: scan a fixture copy through the CLI, compare with golden files.

Fixtures are scanned from a copy under a temporary folder, because this repository's own
`[tool.kzai-lint]` excludes `fixtures/**`. Golden files live in `tests/golden/`; run the tests
with `KZAI_UPDATE_GOLDEN=1` to rewrite them, then review the diff.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kzai_lint.cli import cli
from kzai_lint.model import Confidence, Finding, Severity, Status

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS.parent / "fixtures"
GOLDEN = TESTS / "golden"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def copy_fixture(name: str, base: Path) -> Path:
    target = base / name
    if not target.exists():
        shutil.copytree(FIXTURES / name, target)
    return target


def run_cli(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def check_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/`name`, or write it when KZAI_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("KZAI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run with KZAI_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file; if the change is intended, rerun with KZAI_UPDATE_GOLDEN=1 and review the diff"


def make_finding(**changes: Any) -> Finding:
    """A KZ306 finding on app/cam.py:4; keyword arguments replace fields."""
    base: dict[str, Any] = dict(
        code="KZ306", clause="17(3)(6)", title="Emotion recognition without a consent hook", severity=Severity.ERROR,
        confidence=Confidence.HIGH, status=Status.OPEN, path="app/cam.py", line=4, column=12, end_line=4,
        end_column=40, message="DF.analyze() determines emotions", evidence="DF.analyze(frame)", mitigation=None,
        fingerprint="KZ306:app/cam.py:0123456789abcdef", rule="KZ306/library-call", capability="emotion_face",
    )
    base.update(changes)
    return Finding(**base)
