"""Rule metadata as plain values, so reporters can describe rules without loading the registry.

SARIF needs every rule that ran with its documentation and the clause it enforces; JUnit and the
statistics need titles. Reporters only see values (flake8's formatters see `Violation`s), so the
CLI builds `RuleInfo`s here from the registry and the catalogue and hands them over.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Iterable

from kzai_lint.model import Confidence, Severity


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report needs to know about one rule (id, clause, docs, default severity)."""

    id: str
    code: str
    name: str  #: readable identifier (the rule class name)
    clause: str | None
    title: str  #: the code's title from the catalogue
    summary: str  #: first line of the rule's docstring
    doc: str  #: the docstring: Markdown user documentation
    clause_text: str  #: the clause as shipped in data/article17.txt
    advice: str
    severity: Severity
    confidence: Confidence
    tags: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()  #: catalogue capabilities reported under this code
    pack: str = "builtin"  #: the rule pack that provides the rule
    pack_version: str = ""


def describe_rules(rule_ids: Iterable[str]) -> tuple[RuleInfo, ...]:
    """RuleInfo for each id, in the order given; unknown ids (a pack that left) are skipped."""
    from kzai_lint import registry
    from kzai_lint.explain import clause_text

    cat = registry.last_loaded().catalogue  # extended by the packs' catalogues (their new codes)
    # The packs of the run just made (local packs included); loading again would replace them.
    packs = registry.loaded_packs() or registry.load_packs()
    by_id = {r.meta.id: (r, p) for p in packs for r in p.rules}
    out = []
    for rule_id in rule_ids:
        rule, pack = by_id.get(rule_id, (None, None))
        if rule is None or pack is None or rule.meta.code not in cat.codes:
            continue
        info = cat.codes[rule.meta.code]
        caps = tuple(sorted(name for name, cap in cat.capabilities.items() if cap.code == rule.meta.code))
        out.append(
            RuleInfo(
                id=rule.meta.id,
                code=rule.meta.code,
                name=rule.__name__,
                clause=info.clause,
                title=info.title,
                summary=rule.summary(),
                doc=inspect.cleandoc(rule.__doc__ or "") or rule.summary(),  # summary line + dedented body
                clause_text=clause_text(info.clause) if info.clause else "",
                advice=info.advice,
                severity=rule.meta.severity or info.severity,
                confidence=rule.meta.confidence,
                tags=tuple(rule.meta.tags),
                capabilities=caps,
                pack=pack.name,
                pack_version=pack.version,
            )
        )
    return tuple(out)


__all__ = ["RuleInfo", "describe_rules"]
