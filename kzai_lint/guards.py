"""Intra-procedural guards: does a hook run before the sink on every path inside its function?

Walk from the sink up to its innermost function and look at what encloses it (`if H():`,
`while H():`, `with H():`) and at what precedes it in each enclosing block (`if not H(): return`,
a raising `H()` statement, `assert H()`); then at decorators of the enclosing functions.

Deliberate limits, each on the side of leaving a finding open:
- Guards in an outer function do not cover a nested `def` or `lambda` (the closure may be called
  later, unguarded); guards inside the nested function do. Decorators are the exception: a
  decorated enclosing function or method counts, because the decorator wraps everything it runs.
- A guard that sits inside an earlier `for`/`while`/`with` block does not dominate what follows
  the block (the loop may run zero times, a context manager may swallow the refusal).
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Callable, Iterator, Sequence

import libcst as cst

from kzai_lint.hook_bindings import HookBindings
from kzai_lint.hooks import DECORATOR
from kzai_lint.hooks import STATEMENT
from kzai_lint.hooks import TEST
from kzai_lint.hooks import HookHit
from kzai_lint.hooks import Matcher
from kzai_lint.name_resolution import NameResolver
from kzai_lint.name_resolution import dotted_name
from kzai_lint.name_resolution import unwrap

# Whether a guard and a sink are in the same notebook cell (another cell may not have run).
SameCell = Callable[[cst.CSTNode, cst.CSTNode], bool]

_EXIT_CALLS = frozenset({"sys.exit", "os._exit", "flask.abort", "werkzeug.exceptions.abort"})
_EXIT_BUILTINS = frozenset({"exit", "quit"})


@dataclass(frozen=True, slots=True)
class Guard:
    """Where and how a hook guards a sink; `line_node` is the hook call (or decorator)."""

    hook: str
    how: str
    line_node: cst.CSTNode = field(repr=False)
    confidence: str


class GuardSearch:
    """One sink's guard search with a given matcher (declared hooks or look-alikes).

    `guard_callers.via_callers` reuses `intra` on the callers of the sink's function.
    """

    def __init__(self, resolver: NameResolver, match: Matcher, same_cell: SameCell | None) -> None:
        self.resolver = resolver
        self.match = match
        self.same_cell = same_cell
        self._bound: dict[int, dict[str, HookHit]] = {}

    def intra(self, target: cst.CSTNode, ancestors: Sequence[cst.CSTNode]) -> Guard | None:
        """Guards in the sink's own function, innermost first, then enclosing decorators."""
        path = (*ancestors, target)
        start = innermost_function(path)
        scope = path[start] if start is not None else path[0]
        for index in range(len(path) - 1, start or 0, -1):
            for guard in self._around(path[index - 1], path[index], scope):
                if self._visible(guard, target):
                    return guard
        return self._decorated(path, target)

    def _visible(self, guard: Guard, target: cst.CSTNode) -> bool:
        return self.same_cell is None or self.same_cell(guard.line_node, target)

    def _around(self, parent: cst.CSTNode, child: cst.CSTNode, scope: cst.CSTNode) -> Iterator[Guard]:
        yield from self._enclosing(parent, child, scope)
        for stmt in _preceding(parent, child):
            yield from self._statement_guards(stmt, scope)

    # -- the sink is inside the guarded construct
    def _enclosing(self, parent: cst.CSTNode, child: cst.CSTNode, scope: cst.CSTNode) -> Iterator[Guard]:
        if isinstance(parent, (cst.If, cst.IfExp)) and child is not parent.test:
            yield from _guards(self.implies(parent.test, child is parent.body, scope), "if")
        elif isinstance(parent, cst.While) and child is parent.body:
            yield from _guards(self.implies(parent.test, True, scope), "while")
        elif isinstance(parent, cst.With) and child is parent.body:
            for item in parent.items:
                yield from _guards(self.match(item.item, TEST), "with")
        elif isinstance(parent, cst.BooleanOperation) and child is parent.right:
            yield from _guards(self.implies(parent.left, isinstance(parent.operator, cst.And), scope), "if")
        elif isinstance(parent, cst.Try) and child is parent.orelse:
            for stmt in parent.body.body:  # `else:` runs only when the whole try body completed
                yield from self._statement_guards(stmt, scope)
        elif isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
            if child is not parent.for_in:
                for test in _comprehension_tests(parent.for_in):
                    yield from _guards(self.implies(test, True, scope), "if")

    # -- an earlier statement of an enclosing block guards what follows it
    def _statement_guards(self, stmt: cst.CSTNode, scope: cst.CSTNode) -> Iterator[Guard]:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                yield from self._statement_guards(small, scope)
        elif isinstance(stmt, (cst.Expr, cst.Assign, cst.AnnAssign)) and stmt.value is not None:
            yield from _guards(self.match(stmt.value, STATEMENT), "raising-call")
        elif isinstance(stmt, cst.Assert):
            yield from _guards(self.implies(stmt.test, True, scope), "assert")
        elif isinstance(stmt, cst.If):
            yield from self._early_exit(stmt, scope)
        elif isinstance(stmt, cst.Try) and all(self.always_exits(h.body) for h in stmt.handlers):
            for inner in stmt.body.body:  # a refusal in the try body cannot fall through
                yield from self._statement_guards(inner, scope)

    def _early_exit(self, stmt: cst.If, scope: cst.CSTNode) -> Iterator[Guard]:
        if self.always_exits(stmt.body):
            yield from _guards(self.implies(stmt.test, False, scope), "early-exit")
        if isinstance(stmt.orelse, cst.Else) and self.always_exits(stmt.orelse.body):
            yield from _guards(self.implies(stmt.test, True, scope), "early-exit")

    def always_exits(self, block: cst.BaseSuite) -> bool:
        """Whether a block never falls through (return/raise/continue/break/sys.exit)."""
        return any(self._exits(stmt) for stmt in block.body)

    def _exits(self, stmt: cst.CSTNode) -> bool:
        if isinstance(stmt, cst.SimpleStatementLine):
            return any(self._exits(small) for small in stmt.body)
        if isinstance(stmt, (cst.Return, cst.Raise, cst.Continue, cst.Break)):
            return True
        if isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call):
            name = self.resolver.qualname(stmt.value)
            return name in _EXIT_CALLS if name else dotted_name(stmt.value.func) in _EXIT_BUILTINS
        if isinstance(stmt, cst.If) and stmt.orelse is not None and self.always_exits(stmt.body):
            other = stmt.orelse
            return self.always_exits(other.body) if isinstance(other, cst.Else) else self._exits(other)
        return False

    # -- conditions
    def implies(self, expr: cst.BaseExpression, truthy: bool, scope: cst.CSTNode) -> HookHit | None:
        """A hook call that must have returned truthy when `expr` evaluates to `truthy`."""
        expr = unwrap(expr)
        if isinstance(expr, cst.Call):
            return self.match(expr, TEST) if truthy else None
        if isinstance(expr, cst.Name):
            return self.bound_names(scope).get(expr.value) if truthy else None
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            return self.implies(expr.expression, not truthy, scope)
        if isinstance(expr, cst.BooleanOperation):
            return self._implies_boolean(expr, truthy, scope)
        if isinstance(expr, cst.Comparison):
            polarity = _bool_comparison(expr)
            return None if polarity is None else self.implies(expr.left, truthy == polarity, scope)
        return None

    def _implies_boolean(self, expr: cst.BooleanOperation, truthy: bool, scope: cst.CSTNode) -> HookHit | None:
        left, right = self.implies(expr.left, truthy, scope), self.implies(expr.right, truthy, scope)
        either = isinstance(expr.operator, cst.And) == truthy  # `a and b` true / `a or b` false
        return (left or right) if either else (left if left and right else None)

    def bound_names(self, scope: cst.CSTNode) -> dict[str, HookHit]:
        """Local names whose every assignment in `scope` is a hook call (`ok = H(...)`)."""
        found = self._bound.get(id(scope))
        if found is None:
            collector = HookBindings(scope, self.match)
            collector.walk(scope)
            found = self._bound[id(scope)] = collector.result()
        return found

    # -- decorators of every enclosing function
    def _decorated(self, path: Sequence[cst.CSTNode], target: cst.CSTNode) -> Guard | None:
        for parent, child in reversed(list(zip(path, path[1:]))):
            if isinstance(parent, cst.FunctionDef) and child is parent.body:
                for deco in parent.decorators:
                    hit = self.match(deco.decorator, DECORATOR)
                    guard = Guard(hit.hook, "decorator", deco, "high") if hit else None
                    if guard is not None and self._visible(guard, target):
                        return guard
        return None


def _guards(hit: HookHit | None, how: str) -> Iterator[Guard]:
    if hit is not None:
        yield Guard(hit.hook, how, hit.node, "high")


def _preceding(parent: cst.CSTNode, child: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Statements of `parent`'s block that run before `child` (nothing if it is not a block)."""
    if isinstance(parent, (cst.Module, cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine)):
        for stmt in parent.body:
            if stmt is child:
                return
            yield stmt


def innermost_function(path: Sequence[cst.CSTNode]) -> int | None:
    for index in range(len(path) - 2, -1, -1):
        if isinstance(path[index], (cst.FunctionDef, cst.Lambda)):
            return index
    return None


def _comprehension_tests(comp: cst.CompFor | None) -> Iterator[cst.BaseExpression]:
    while comp is not None:
        yield from (cond.test for cond in comp.ifs)
        comp = comp.inner_for_in


def _bool_comparison(expr: cst.Comparison) -> bool | None:
    """For `x is True` / `x == False` etc.: True if the test means x, False if it means not x."""
    if len(expr.comparisons) != 1:
        return None
    target = expr.comparisons[0]
    value = target.comparator
    if not isinstance(value, cst.Name) or value.value not in ("True", "False"):
        return None
    positive = isinstance(target.operator, (cst.Is, cst.Equal))
    if not positive and not isinstance(target.operator, (cst.IsNot, cst.NotEqual)):
        return None
    return positive == (value.value == "True")
