"""Suppressions end to end: what they hide, and KZ001 for reason-less, unused, blanket and
unknown-code comments (findings with the named code's clause, or run warnings without one)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

from kzai_lint.api import check
from kzai_lint.catalogue import load
from kzai_lint.cli import cli
from kzai_lint.model import Confidence, Finding, RunResult, Status
from kzai_lint.suppression_report import clause_for

EMOTION_CALL = 'DeepFace.analyze(frame, actions=["emotion"])'
HEADER = "from deepface import DeepFace\n\n\ndef mood(frame):\n"


def scan(root: Path, *select: str, **overrides: object) -> RunResult:
    return check([root], select=list(select) or ["KZ001", "KZ3"], jobs=1, debug=True, overrides=dict(overrides))


def by_code(result: RunResult, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def module(body: str) -> str:
    return HEADER + body


# ---- what a suppression hides -------------------------------------------------------------------
def test_reasoned_trailing_suppression_hides_the_finding(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(f"    return {EMOTION_CALL}  # kzai: ignore[KZ306] consent collected at the kiosk\n")})
    result = scan(root)
    [finding] = by_code(result, "KZ306")
    assert finding.status is Status.SUPPRESSED
    assert finding.mitigation == "inline suppression at line 5: consent collected at the kiosk"
    assert by_code(result, "KZ001") == [] and result.warnings == ()


def test_own_line_suppression_covers_a_multi_line_call(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        "    # kzai: ignore[KZ306] consent collected at the kiosk\n"
        "    return DeepFace.analyze(\n"
        "        frame,\n"
        '        actions=["emotion"],\n'
        "    )\n"
    )})
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.SUPPRESSED]
    assert by_code(result, "KZ001") == []


def test_trailing_comment_inside_a_multi_line_call_covers_it(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        "    return DeepFace.analyze(\n"
        "        frame,\n"
        '        actions=["emotion"],  # kzai: ignore[KZ306] consent collected at the kiosk\n'
        "    )\n"
    )})
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.SUPPRESSED]


def test_suppression_text_inside_a_string_never_counts(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        f'    note = "# kzai: ignore[KZ306] looks like a comment"; return {EMOTION_CALL}\n'
        '    HELP = """\n'
        "    # kzai: ignore\n"
        '    """\n'
    )})
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.OPEN]
    assert by_code(result, "KZ001") == [] and result.warnings == ()


def test_yaml_suppression_end_to_end(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"configs/train.yaml": """
        data:
          csv: data/faces/train.csv
          # kzai: ignore[KZ306] benchmark reproduction only, never deployed (ticket ML-12)
          labels: [angry, disgust, fear, happy, sad, surprise, neutral]
        model:
          arch: resnet18
        """})
    result = scan(root)
    [finding] = by_code(result, "KZ306")
    assert (finding.path, finding.line, finding.status) == ("configs/train.yaml", 4, Status.SUPPRESSED)
    assert "benchmark reproduction only" in (finding.mitigation or "")
    assert by_code(result, "KZ001") == []


def test_markdown_suppression_end_to_end(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"README.md": """
        # Mood model

        <!-- kzai: ignore[KZ306] research prototype, consent under study protocol P-7 -->
        This model recognises facial emotions (happy, sad, angry, surprised, fearful) from webcam frames.

        `<!-- kzai: ignore[KZ305] inside code, not a comment -->`
        """})
    result = scan(root)
    assert [(f.line, f.status) for f in by_code(result, "KZ306")] == [(4, Status.SUPPRESSED)]
    assert by_code(result, "KZ001") == [] and result.warnings == ()


def test_ignore_suppressions_is_the_audit_switch(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        f"    return {EMOTION_CALL}  # kzai: ignore[KZ306] consent collected at the kiosk\n"
        "x = 1  # kzai: ignore[KZ305] stale\n"
    )})
    result = scan(root, ignore_suppressions=True)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.OPEN]
    assert by_code(result, "KZ001") == []  # nothing can be "used" in audit mode


# ---- KZ001 findings -----------------------------------------------------------------------------
def test_reasonless_suppression_is_ignored_and_reported(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(f"    return {EMOTION_CALL}  # kzai: ignore[KZ306]\n")})
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.OPEN]
    [kz001] = by_code(result, "KZ001")
    assert (kz001.clause, kz001.line, kz001.status, kz001.severity.value) == ("17(3)(6)", 5, Status.OPEN, "warning")
    assert kz001.column == 5 + len(f"return {EMOTION_CALL}  ")
    assert kz001.evidence == "# kzai: ignore[KZ306]"
    assert "has no reason" in kz001.message and kz001.rule == "KZ001/suppression"
    assert kz001.fingerprint.startswith("KZ001:app/cam.py:")


def test_reasons_can_be_made_optional(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "pyproject.toml": "[tool.kzai-lint]\nrequire-reason = false\n",
        "app/cam.py": module(f"    return {EMOTION_CALL}  # kzai: ignore[KZ306]\n"),
    })
    result = scan(root)
    [finding] = by_code(result, "KZ306")
    assert finding.status is Status.SUPPRESSED and finding.mitigation == "inline suppression (no reason given)"
    assert by_code(result, "KZ001") == []


def test_unused_suppressions_are_reported_with_the_named_clause(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        "    return frame  # kzai: ignore[KZ306] was an emotion call once\n"
        "x = 1  # kzai: ignore[KZ3] prefix, also stale\n"
        "# kzai: ignore-file[KZ305] no biometric categorisation here any more\n"
    )})
    result = scan(root)
    got = sorted((f.line, f.clause, f.status) for f in by_code(result, "KZ001"))
    assert got == [(5, "17(3)(6)", Status.OPEN), (6, "17(3)", Status.OPEN), (7, "17(3)(5)", Status.OPEN)]
    messages = {f.line: f.message for f in by_code(result, "KZ001")}
    assert messages[5].startswith("unused suppression of KZ306: no KZ306 finding on line 5")
    assert "in this file" in messages[7]


def test_used_suppression_is_not_unused_even_below_min_confidence(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"tests/test_cam.py": module(f"    return {EMOTION_CALL}  # kzai: ignore[KZ306] fixture for the detector tests\n")})
    result = scan(root, min_confidence=Confidence.HIGH)
    assert by_code(result, "KZ306") == []  # lowered to medium in tests/, then filtered out
    assert by_code(result, "KZ001") == []


def test_unused_needs_the_named_rules_to_have_run(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module("    return frame  # kzai: ignore[KZ306] was an emotion call once\n")})
    assert by_code(scan(root, "KZ001", "KZ305"), "KZ001") == []
    assert by_code(scan(root, "KZ306"), "KZ001") == []  # KZ001 not selected
    assert len(by_code(scan(root, "KZ001", "KZ306"), "KZ001")) == 1


def test_blanket_and_unknown_codes_are_warnings_not_findings(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(
        f"    return {EMOTION_CALL}  # kzai: ignore\n"
        "x = 1  # kzai: ignore[KZ999] no such code\n"
    )})
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ306")] == [Status.OPEN]
    assert by_code(result, "KZ001") == []
    assert [(w.path, w.line, w.code, w.kind) for w in result.warnings] == [
        ("app/cam.py", 5, "KZ001", "blanket"),
        ("app/cam.py", 6, "KZ001", "unknown-code"),
    ]


def test_notebook_cells_report_with_their_cell(make_repo: Callable[..., Path]) -> None:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": ["from deepface import DeepFace\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": [f"r = {EMOTION_CALL}  # kzai: ignore[KZ306] demo with consenting staff\n", "x = 1  # kzai: ignore[KZ305] stale\n"]},
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root = make_repo({"nb/demo.ipynb": json.dumps(notebook)})
    result = scan(root)
    assert [(f.cell, f.line, f.status) for f in by_code(result, "KZ306")] == [(1, 1, Status.SUPPRESSED)]
    assert [(f.cell, f.line, f.clause) for f in by_code(result, "KZ001")] == [(1, 2, "17(3)(5)")]


def test_per_file_ignores_apply_to_kz001(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "pyproject.toml": '[tool.kzai-lint.per-file-ignores]\n"legacy/**" = ["KZ001"]\n',
        "legacy/cam.py": module("    return frame  # kzai: ignore[KZ306] stale\nx = 1  # kzai: ignore\n"),
    })
    result = scan(root)
    assert [f.status for f in by_code(result, "KZ001")] == [Status.SUPPRESSED]
    assert result.warnings == ()


def test_clause_for_codes_and_prefixes() -> None:
    cat = load()
    assert clause_for(("KZ306",), cat) == "17(3)(6)"
    assert clause_for(("KZ3",), cat) == "17(3)"
    assert clause_for(("KZ30",), cat) == "17(3)"
    assert clause_for(("KZ4",), cat) == "17(4)"
    assert clause_for(("KZ",), cat) is None
    assert clause_for(("KZ0", "KZ402"), cat) == "17(4)"


# ---- CLI ----------------------------------------------------------------------------------------
def test_cli_json_has_warnings_and_text_prints_them_to_stderr(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": module(f"    return {EMOTION_CALL}  # kzai: ignore\n")})
    result = CliRunner().invoke(cli, ["check", str(root), "--select", "KZ001,KZ306", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["warnings"] == [{"path": "app/cam.py", "line": 5, "code": "KZ001", "kind": "blanket", "message": data["warnings"][0]["message"]}]
    assert all(f["code"] != "KZ001" for f in data["findings"])
    text = CliRunner().invoke(cli, ["check", str(root), "--select", "KZ001,KZ306"])
    assert "app/cam.py:5: warning: KZ001 blanket suppression" in text.stderr
    assert "warning: KZ001" not in text.stdout
