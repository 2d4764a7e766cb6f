"""The README's rules table lists every built-in rule with its clause, and nothing else.

Like pre-commit-hooks' `tests/readme_test.py`: a rule added without its README row fails here, so
the table users read stays the complete list `kzai-lint rules` prints.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzai_lint.catalogue import load
from kzai_lint.registry import builtin_rules

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
ROWS = dict(re.findall(r"^\| `(KZ\d{3}/[\w-]+)` \| ([^|]+?) \|", README, re.MULTILINE))
RULES = builtin_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.id for r in RULES])
def test_readme_lists_the_rule_with_its_clause(rule: type) -> None:
    assert rule.meta.id in ROWS, f"{rule.meta.id} is missing from the README rules table"
    clause = load().codes[rule.meta.code].clause
    if clause is not None:
        assert ROWS[rule.meta.id] == clause, f"README gives {rule.meta.id} the clause {ROWS[rule.meta.id]}, the catalogue {clause}"


def test_readme_lists_no_rule_that_does_not_exist() -> None:
    assert sorted(set(ROWS) - {r.meta.id for r in RULES}) == []
