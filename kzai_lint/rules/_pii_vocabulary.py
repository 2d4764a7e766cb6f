"""The catalogue's `personal_data` section as a rule base: IIN and PII names, masked hits.

All KZ304 rules share it, so an IIN column is recognised the same way in a schema, a data file
and an HTTP payload, and no finding's evidence ever shows a full IIN.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import libcst as cst

from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.context import FileContext
from kzai_lint.model import Hit, Span
from kzai_lint.rules._iin_numbers import mask_iins
from kzai_lint.rules._python_sites import python_sites
from kzai_lint.rules._vocabulary import VocabularyRule, snake


class PersonalDataVocabulary(VocabularyRule):
    """Shared look-ups: is a name an IIN or other personal data, does a set of names form a record."""

    section = "personal_data"

    def python_hit(self, ctx: FileContext, node: cst.CSTNode, what: str, capability: str, **kwargs: Any) -> Hit:
        return _masked(super().python_hit(ctx, node, what, capability, **kwargs))

    def span_hit(self, ctx: FileContext, span: Span | None, what: str, capability: str, **kwargs: Any) -> Hit:
        return _masked(super().span_hit(ctx, span, what, capability, **kwargs))

    def is_iin_column(self, name: Any) -> bool:
        if not isinstance(name, str) or not name or len(name) > 80:
            return False
        key = snake(name)
        return key in self.names("iin_columns") and not self.regex("depersonalised").search(key)

    def is_pii_column(self, name: Any) -> bool:
        if not isinstance(name, str) or not name or len(name) > 80:
            return False
        key = snake(name)
        return key in self.names("pii_columns") or any(key.endswith("_" + s) for s in self.names("pii_suffixes"))

    def record(self, names: Iterable[Any]) -> tuple[str, list[str]] | None:
        """(IIN column, other PII columns) when a set of names links an IIN to a person."""
        names = list(names)
        iin = next((n for n in names if self.is_iin_column(n)), None)
        others = [n for n in names if n != iin and self.is_pii_column(n)]
        return (iin, others) if iin is not None and others else None


def _masked(hit: Hit) -> Hit:
    return Hit(hit.span, hit.message, mask_iins(hit.evidence), hit.anchor, hit.capability, hit.confidence, hit.severity, hit.path, hit.node, hit.guard_purpose)


def class_fields(node: cst.ClassDef) -> dict[str, cst.CSTNode]:
    """Annotated and assigned names of a class body (pydantic, dataclass, ORM columns)."""
    out: dict[str, cst.CSTNode] = {}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: Sequence[cst.BaseExpression] = ()
            if isinstance(small, cst.AnnAssign):
                targets = (small.target,)
            elif isinstance(small, cst.Assign):
                targets = tuple(t.target for t in small.targets)
            for target in targets:
                if isinstance(target, cst.Name):
                    out.setdefault(target.value, stmt)
    return out


def dict_keys(facts: PythonModule) -> list[dict[str, cst.CSTNode]]:
    """String keys (and their nodes) of every dict literal, whatever its size."""
    out: list[dict[str, cst.CSTNode]] = []
    for node in python_sites(facts).dicts:
        keys = {el.key.evaluated_value: el.key for el in node.elements if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString) and isinstance(el.key.evaluated_value, str)}
        if keys:
            out.append(keys)
    return out
