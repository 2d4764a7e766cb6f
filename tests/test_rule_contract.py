"""Every rule is documented, has examples (an indirect form among the invalid ones), a known code,
and is listed in the README; every prohibited-functionality clause has a rule; layering holds."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kzai_lint.catalogue import load
from kzai_lint.registry import builtin_rules, missing_doc_headings
from kzai_lint.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
RULES = builtin_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.id for r in RULES])
def test_rule_is_documented_and_has_examples(rule: type[Rule]) -> None:
    assert not missing_doc_headings(rule), f"{rule.meta.id} docstring lacks {missing_doc_headings(rule)}"
    assert rule.INVALID and rule.VALID
    assert rule.meta.code in load().codes
    assert rule.meta.id.startswith(rule.meta.code + "/")


def test_rule_ids_are_unique() -> None:
    ids = [r.meta.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_every_clause_of_article_17_has_a_rule() -> None:
    cat = load()
    covered = {cat.codes[r.meta.code].clause for r in RULES}
    clauses = ["17(1)", "17(2)", *(f"17(3)({i})" for i in range(1, 8)), "17(4)"]
    assert [c for c in clauses if c not in covered] == []


def test_layering() -> None:
    """model imports nothing of ours; rules never import engine/config/reporters/cli; only cli imports click."""
    pkg = ROOT / "kzai_lint"
    for path in pkg.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        rel = path.relative_to(pkg).as_posix()
        if rel == "model.py":
            assert not [m for m in imported if m.startswith("kzai_lint")], rel
        if rel.startswith("rules/") or rel == "rule.py":
            assert not [m for m in imported if m in ("kzai_lint.engine", "kzai_lint.cli") or m.startswith("kzai_lint.cli.") or m.startswith("kzai_lint.reporters")], rel
        if not rel.startswith("cli/"):
            assert "click" not in imported, rel


def test_every_code_of_the_clause_map_has_a_rule() -> None:
    missing = sorted(set(load().codes) - {r.meta.code for r in RULES})
    assert not missing, f"codes without a rule: {missing}"
