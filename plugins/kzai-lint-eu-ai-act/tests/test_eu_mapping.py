"""The Article 17(3) -> EU AI Act Article 5 cross-references (clause map section 10)."""
from __future__ import annotations

from typing import Any

import pytest

from kzai_lint import Confidence, Finding, Severity, Status

from kzai_lint_eu_ai_act import PACK, RULES
from kzai_lint_eu_ai_act.mapping import finding_extras


def finding(code: str, clause: str | None, rule: str) -> Finding:
    return Finding(
        code=code, clause=clause, title="t", severity=Severity.ERROR, confidence=Confidence.HIGH, status=Status.OPEN,  # type: ignore[arg-type]
        path="a.py", line=1, column=1, end_line=1, end_column=2, message="m", evidence="e", mitigation=None,
        fingerprint=f"{code}:a.py:0", rule=rule,
    )


@pytest.mark.parametrize(
    ("code", "clause", "rule", "article"),
    [
        ("KZ301", "17(3)(1)", "KZ301/x", "5(1)(a)"),
        ("KZ302", "17(3)(2)", "KZ302/x", "5(1)(b)"),
        ("KZ303", "17(3)(3)", "KZ303/x", "5(1)(c)"),
        ("KZ303", "17(3)(3)", "KZ303/eu-predictive-policing", "5(1)(d)"),
        ("KZ304", "17(3)(4)", "KZ304/eu-face-scraping", "5(1)(e)"),
        ("KZ304", "17(3)(4)", "KZ304/x", None),
        ("KZ305", "17(3)(5)", "KZ305/x", "5(1)(g)"),
        ("KZ306", "17(3)(6)", "KZ306/x", "5(1)(f)"),
        ("KZ307", "17(3)(7)", "KZ307/x", None),
        ("KZ402", "17(4)", "KZ402/x", None),
    ],
)
def test_article_5_reference(code: str, clause: str, rule: str, article: str | None) -> None:
    extra: dict[str, Any] = finding_extras(finding(code, clause, rule))["eu_ai_act"]
    assert extra["article"] == article
    assert extra["regulation"].startswith("Regulation (EU) 2024/1689")
    assert extra["note"]


def test_emotion_note_states_the_differences() -> None:
    note = finding_extras(finding("KZ306", "17(3)(6)", "KZ306/x"))["eu_ai_act"]["note"]
    assert "workplace/education" in note and "medical/safety exception" in note


def test_findings_without_a_clause_get_no_reference() -> None:
    assert finding_extras(finding("KZ001", None, "KZ001/suppression")) == {}


def test_pack_metadata() -> None:
    assert PACK.name == "eu-ai-act" and PACK.finding_extras is finding_extras
    assert {r.meta.id for r in RULES} == {"KZ304/eu-face-scraping", "KZ303/eu-predictive-policing"}
    from kzai_lint.pack_validation import extension_data

    assert "eu_ai_act" in extension_data(PACK)["x-sections"]
