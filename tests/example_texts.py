"""Texts to check text-level machinery on: every built-in rule example and every fixture file.

Regex rewrites (literal sets, case-folding variants) must hold on realistic inputs, not only on
hand-made ones; these are the realistic inputs the repository has.
"""
from __future__ import annotations

from pathlib import Path

from kzai_lint.registry import builtin_rules
from kzai_lint.testing import examples

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def example_and_fixture_texts() -> list[str]:
    """The files of every built-in rule's examples, then every fixture file under 200 KB."""
    out = []
    for rule_class in builtin_rules():
        for _, example in examples(rule_class):
            out.extend(example.all_files().values())
    out.extend(p.read_text(encoding="utf-8", errors="replace") for p in FIXTURES.rglob("*") if p.is_file() and p.stat().st_size < 200_000)
    return out
