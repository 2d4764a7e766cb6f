"""A hint on open sink findings that a consent- or review-looking check seems to guard.

Hooks are never guessed from names (a function called `has_consent` is not evidence that consent
was collected), so such a finding stays open. But the team most likely has a real check there;
naming it and the config key to declare it in turns a dead end into a one-line fix. When the
name *is* declared and still did not count (wrong purpose, used the wrong way), the hint says
that instead, since "declare it" would be wrong advice.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from kzai_lint import mitigation
from kzai_lint.model import Hit

if TYPE_CHECKING:
    from kzai_lint.context import FileContext

__all__ = ["undeclared_hook_note"]

_REVIEW_WORDS = ("review", "approv", "human")


def undeclared_hook_note(ctx: "FileContext", hit: Hit, hook_kinds: Sequence[str], settings: Any) -> str:
    """Text to append to the finding's message ("" when no look-alike guards the call)."""
    kinds = [k for k in mitigation.HOOK_KINDS if k in hook_kinds]
    if not kinds or ctx.python is None or hit.node is None:
        return ""
    site = next((c for c in ctx.python.facts.calls if c.node is hit.node), None)
    if site is None:
        return ""
    name = mitigation.lookalike_guard(site, ctx.python.facts)
    if name is None:
        return ""
    kind = _kind_for(name, kinds)
    key = f"{kind}-hooks"
    if _is_declared(name, getattr(settings, f"{kind}_hooks", ()), kind):
        return (
            f" Note: {name} is declared in {key} and seems to guard this call, but it does not count "
            "here: check its declared purposes and whether it must raise or be used as a decorator."
        )
    return (
        f" Note: {name} looks like a {kind} check guarding this call, but hooks are never guessed from "
        f"names; if it really enforces {kind}, declare it in [tool.kzai-lint] {key}."
    )


def _kind_for(name: str, kinds: Sequence[str]) -> str:
    """The hook kind the name suggests, among those that can mitigate the finding's code."""
    lowered = name.lower()
    if "oversight" in kinds and any(w in lowered for w in _REVIEW_WORDS):
        return "oversight"
    return "consent" if "consent" in kinds else kinds[0]


def _is_declared(name: str, raw: Any, kind: str) -> bool:
    try:
        specs = mitigation.parse_hook_specs(list(raw or ()), kind)
    except ValueError:
        return False
    return any(spec.name == name or spec.name.endswith("." + name) or name.endswith("." + spec.name) for spec in specs)
