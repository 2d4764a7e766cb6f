"""Guard analysis: is a flagged call dominated by a declared consent or oversight hook?

A finding becomes `mitigated` only when the project's own, declared hook runs before the sink on
every path to it (clause map §7). We answer that syntactically, from the libcst tree kept in
`PythonModule`, because scanning must never import or run the repository: walk from the sink up
to its innermost function and look at what encloses it (`if H():`, `while H():`, `with H():`) and
at what precedes it in each enclosing block (`if not H(): return`, a raising `H()` statement,
`assert H()`); then at decorators of the enclosing functions; then, with medium confidence, at
the callers of the holding function inside the same module.

Deliberate limits, each on the side of leaving a finding open:
- Guards in an outer function do not cover a nested `def` or `lambda` (the closure may be called
  later, unguarded); guards inside the nested function do. Decorators are the exception: a
  decorated enclosing function or method counts, because the decorator wraps everything it runs.
- A guard that sits inside an earlier `for`/`while`/`with` block does not dominate what follows
  the block (the loop may run zero times, a context manager may swallow the refusal).
- Cross-function guards go one level deep and only inside the module: every call of the holding
  function must be guarded, it must have at least one, and it must not escape as a value
  (callback, attribute) or carry a registering decorator (`@app.route`).
- Purpose binding: a literal purpose argument of the guard must match the hook's declared
  `purposes`; a hook declared without purposes is bound to the sink's own purpose, so
  `has_consent(user, "marketing")` does not mitigate emotion recognition. No literal → counts.

This module is the public face; the parts are `hooks` (declarations, matching, purpose binding),
`name_resolution`, `guards` (inside the sink's function), `hook_bindings` and `guard_callers`.
"""
from __future__ import annotations

from typing import Sequence

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.guard_callers import via_callers
from kzai_lint.guards import Guard
from kzai_lint.guards import GuardSearch
from kzai_lint.guards import SameCell
from kzai_lint.hooks import HOOK_KINDS
from kzai_lint.hooks import HookSpec
from kzai_lint.hooks import declared_matcher
from kzai_lint.hooks import lookalike_matcher
from kzai_lint.hooks import parse_hook_specs
from kzai_lint.name_resolution import NameResolver

__all__ = ["Guard", "HookSpec", "HOOK_KINDS", "find_guard", "lookalike_guard", "parse_hook_specs"]


def find_guard(
    site: CallSite,
    module: PythonModule,
    hooks: Sequence[HookSpec],
    *,
    kind: str,
    purpose: str | None = None,
    same_cell: SameCell | None = None,
) -> Guard | None:
    """The guard of the declared `kind` that dominates `site`, or None if the call is unguarded.

    `purpose` is the sink's purpose (the rule's `Hit.guard_purpose`, e.g. "emotion"); it binds
    hooks declared without `purposes`. `same_cell` lets notebooks refuse guards from other cells.
    """
    specs = tuple(h for h in hooks if h.kind == kind)
    if not specs:
        return None
    resolver = NameResolver(module)
    search = GuardSearch(resolver, declared_matcher(resolver, specs, purpose), same_cell)
    return _guard(search, site)


def lookalike_guard(site: CallSite, module: PythonModule) -> str | None:
    """The name of an undeclared consent/review-looking check that guards `site`, if any.

    Hooks are never guessed (a name is not evidence of a consent check), but naming the likely
    candidate lets the finding suggest what to declare. Returns the resolved qualified name when
    imports resolve it (what `consent-hooks` needs), otherwise the call as written.
    """
    resolver = NameResolver(module)
    guard = _guard(GuardSearch(resolver, lookalike_matcher(resolver), None), site)
    return guard.hook if guard is not None else None


def _guard(search: GuardSearch, site: CallSite) -> Guard | None:
    """Guards in the sink's own function first, then one level up through its callers."""
    return search.intra(site.node, site.ancestors) or via_callers(search, site)
