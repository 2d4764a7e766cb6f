"""Declared consent and oversight hooks, and whether one expression is a use of one.

`consent-hooks` / `oversight-hooks` name the project's own checks; a call counts as that hook
only if its resolved name matches, it is used the way the declaration allows (a condition, a
raising statement, a decorator) and a literal purpose argument fits the declared `purposes` --
or, for a hook declared without purposes, the sink's own purpose, so that
`has_consent(user, "marketing")` does not mitigate emotion recognition. A guard without a
literal purpose counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import libcst as cst

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.name_resolution import NameResolver
from kzai_lint.name_resolution import unwrap

HOOK_KINDS = ("consent", "oversight")

# How a hook call is used; decides which declarations may match it.
TEST = "test"  # a condition: if/elif/while/assert/with, or a name later tested
STATEMENT = "statement"  # called for its side effect: only raising hooks guard that way
DECORATOR = "decorator"

_SPEC_KEYS = frozenset({"name", "raises", "purposes", "decorator"})
_LOOKALIKE = re.compile(r"consent|согласи|келісім|approv|review|human_in_the_loop", re.IGNORECASE)
_RAISING_VERB = re.compile(r"require|ensure|check|verify|assert|enforce", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HookSpec:
    """A declared hook from `consent-hooks` / `oversight-hooks`.

    `decorator`: True means the hook is only a decorator (a decorator factory called inside an
    `if` would always be truthy, so such calls never count); False means decorator use does not
    count; None allows both.
    """

    name: str
    kind: str
    raises: bool = False
    purposes: tuple[str, ...] = ()
    decorator: bool | None = None


@dataclass(frozen=True, slots=True)
class HookHit:
    """A hook use found by a matcher: the hook's name and the call (or decorator) expression."""

    hook: str
    node: cst.CSTNode


# Whether an expression, used the given way (TEST, STATEMENT, DECORATOR), is a hook call.
Matcher = Callable[[cst.BaseExpression, str], "HookHit | None"]


def parse_hook_specs(value: Any, kind: str) -> list[HookSpec]:
    """Hook declarations from config: hook names or tables {name, raises, purposes, decorator}."""
    if kind not in HOOK_KINDS:
        raise ValueError(f"unknown hook kind {kind!r}; expected one of {', '.join(HOOK_KINDS)}")
    key = f"{kind}-hooks"
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{key} must be a list of hook names or tables, got {type(value).__name__}")
    return [_spec_from(entry, kind, f"{key}[{index}]") for index, entry in enumerate(value)]


def _spec_from(entry: Any, kind: str, where: str) -> HookSpec:
    if isinstance(entry, str):
        return HookSpec(_hook_name(entry, where), kind)
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: expected a hook name or a table, got {type(entry).__name__}")
    unknown = sorted(str(k) for k in entry if k not in _SPEC_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; expected {', '.join(sorted(_SPEC_KEYS))}")
    if "name" not in entry:
        raise ValueError(f"{where}: missing 'name' (the hook's fully qualified name)")
    raises = entry.get("raises", False)
    decorator = entry.get("decorator")
    if not isinstance(raises, bool):
        raise ValueError(f"{where}: 'raises' must be true or false")
    if decorator is not None and not isinstance(decorator, bool):
        raise ValueError(f"{where}: 'decorator' must be true or false")
    purposes = _purposes(entry.get("purposes", ()), where)
    return HookSpec(_hook_name(entry["name"], where), kind, raises, purposes, decorator)


def _hook_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: hook name must be a non-empty string")
    text: str = name.strip()
    parts = text.split(".")
    if not all(p.isidentifier() for p in parts):
        raise ValueError(f"{where}: {text!r} is not a dotted Python name")
    if len(parts) < 2:
        raise ValueError(f"{where}: {text!r} must be fully qualified, e.g. 'app.privacy.require_consent'")
    return text


def _purposes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(p, str) and p.strip() for p in value):
        raise ValueError(f"{where}: 'purposes' must be a list of non-empty strings")
    return tuple(p.strip() for p in value)


def declared_matcher(resolver: NameResolver, specs: Sequence[HookSpec], purpose: str | None) -> Matcher:
    def match(expr: cst.BaseExpression, usage: str) -> HookHit | None:
        expr = unwrap(expr)
        if usage != DECORATOR and not isinstance(expr, cst.Call):
            return None
        qualname = resolver.qualname(expr)
        if qualname is None:
            return None
        site = resolver.site(expr)
        for spec in specs:
            if _names_match(spec.name, qualname) and _usage_allowed(spec, usage) and _purpose_ok(site, spec, purpose):
                return HookHit(spec.name, expr)
        return None

    return match


def lookalike_matcher(resolver: NameResolver) -> Matcher:
    def match(expr: cst.BaseExpression, usage: str) -> HookHit | None:
        expr = unwrap(expr)
        if usage != DECORATOR and not isinstance(expr, cst.Call):
            return None
        name = resolver.qualname(expr) or resolver.spelled(expr)
        if not name or not _LOOKALIKE.search(name):
            return None
        if usage == STATEMENT and not _RAISING_VERB.search(name.rsplit(".", 1)[-1]):
            return None
        return HookHit(name, expr)

    return match


def _names_match(hook: str, qualname: str) -> bool:
    """Same callable, tolerating a `src.` layout and a module resolved from another root."""
    if qualname == hook or (qualname.startswith("src.") and qualname[4:] == hook):
        return True
    return "." in qualname and hook.endswith("." + qualname)


def _usage_allowed(spec: HookSpec, usage: str) -> bool:
    if usage == DECORATOR:
        return spec.decorator is not False
    if spec.decorator is True:
        return False
    return spec.raises if usage == STATEMENT else True


def _purpose_ok(site: CallSite | None, spec: HookSpec, purpose: str | None) -> bool:
    allowed = spec.purposes or ((purpose,) if purpose else ())
    literals = _literal_purposes(site) if site is not None else ()
    if not allowed or not literals:
        return True
    return any(_purpose_matches(lit, want) for lit in literals for want in allowed)


def _literal_purposes(site: CallSite) -> tuple[str, ...]:
    """The guard's literal purpose: `purpose=`/`purposes=` if given, else positional strings."""
    for key in ("purpose", "purposes"):
        value = site.kwargs.get(key)
        if isinstance(value, str):
            return (value,)
        if isinstance(value, tuple):
            return tuple(v for v in value if isinstance(v, str))
    return tuple(a for a in site.args if isinstance(a, str))


def _purpose_matches(literal: str, declared: str) -> bool:
    """Case-insensitive prefix/substring either way: "emotion" ~ "emotion_recognition"."""
    a, b = _norm_purpose(literal), _norm_purpose(declared)
    return bool(a and b) and (a in b or b in a)


def _norm_purpose(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())
