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
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any, Callable, Iterator, Mapping, Sequence

import libcst as cst

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.analysis.python_module import FunctionInfo
from kzai_lint.analysis.python_module import PythonModule

__all__ = ["Guard", "HookSpec", "HOOK_KINDS", "find_guard", "lookalike_guard", "parse_hook_specs"]

HOOK_KINDS = ("consent", "oversight")
SameCell = Callable[[cst.CSTNode, cst.CSTNode], bool]

# How a hook call is used; decides which declarations may match it.
_TEST = "test"  # a condition: if/elif/while/assert/with, or a name later tested
_STATEMENT = "statement"  # called for its side effect: only raising hooks guard that way
_DECORATOR = "decorator"

_SPEC_KEYS = frozenset({"name", "raises", "purposes", "decorator"})
_EXIT_CALLS = frozenset({"sys.exit", "os._exit", "flask.abort", "werkzeug.exceptions.abort"})
_EXIT_BUILTINS = frozenset({"exit", "quit"})
# Decorators that leave a function callable only through its ordinary call sites.
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "cache", "lru_cache", "override"})
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
class Guard:
    """Where and how a hook guards a sink; `line_node` is the hook call (or decorator)."""

    hook: str
    how: str
    line_node: cst.CSTNode = field(repr=False)
    confidence: str


@dataclass(frozen=True, slots=True)
class _Hit:
    hook: str
    node: cst.CSTNode


Matcher = Callable[[cst.BaseExpression, str], "_Hit | None"]


# ---- public API ---------------------------------------------------------------------------------
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
    resolver = _Resolver(module)
    analysis = _Analysis(resolver, _declared_matcher(resolver, specs, purpose), same_cell)
    return analysis.guard(site)


def lookalike_guard(site: CallSite, module: PythonModule) -> str | None:
    """The name of an undeclared consent/review-looking check that guards `site`, if any.

    Hooks are never guessed (a name is not evidence of a consent check), but naming the likely
    candidate lets the finding suggest what to declare. Returns the resolved qualified name when
    imports resolve it (what `consent-hooks` needs), otherwise the call as written.
    """
    resolver = _Resolver(module)
    guard = _Analysis(resolver, _lookalike_matcher(resolver), None).guard(site)
    return guard.hook if guard is not None else None


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


# ---- declarations -------------------------------------------------------------------------------
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


def _names_match(hook: str, qualname: str) -> bool:
    """Same callable, tolerating a `src.` layout and a module resolved from another root."""
    if qualname == hook or (qualname.startswith("src.") and qualname[4:] == hook):
        return True
    return "." in qualname and hook.endswith("." + qualname)


def _usage_allowed(spec: HookSpec, usage: str) -> bool:
    if usage == _DECORATOR:
        return spec.decorator is not False
    if spec.decorator is True:
        return False
    return spec.raises if usage == _STATEMENT else True


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


# ---- name resolution ----------------------------------------------------------------------------
class _Resolver:
    """Qualified names of calls (from the analysis) and of bare decorator names (import table)."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.sites: dict[int, CallSite] = {id(c.node): c for c in module.calls}
        self._aliases: dict[str, str] | None = None

    def site(self, expr: cst.CSTNode | None) -> CallSite | None:
        return self.sites.get(id(expr)) if expr is not None else None

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Call):
            site = self.site(expr)
            return site.qualname if site is not None else None
        dotted = _dotted(expr)
        if not dotted:
            return None
        root, _, rest = dotted.partition(".")
        base = self.aliases().get(root)
        return None if base is None else f"{base}.{rest}" if rest else base

    def spelled(self, expr: cst.BaseExpression) -> str:
        site = self.site(expr)
        return site.display if site is not None else _dotted(expr)

    def aliases(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = _module_aliases(self.module)
        return self._aliases


def _module_aliases(module: PythonModule) -> dict[str, str]:
    """Module-wide import table plus top-level functions, enough to resolve `@hook` decorators."""
    table: dict[str, str] = {}
    for base, node in module.import_nodes:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    table[alias.asname.name.value] = dotted
                elif dotted:
                    table[dotted.split(".")[0]] = dotted.split(".")[0]
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = _dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                table[local] = f"{base}.{name}" if base else name
    prefix = f"{module.module_name}." if module.module_name else ""
    for fn in module.functions:
        if "." not in fn.qualname:
            table[fn.qualname] = prefix + fn.qualname
    return table


def _dotted(expr: cst.CSTNode | None) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = _dotted(expr.value)
        return f"{base}.{expr.attr.value}" if base else ""
    if isinstance(expr, cst.Call):
        return _dotted(expr.func)
    return ""


def _unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(expr, (cst.Await, cst.NamedExpr)):
        expr = expr.expression if isinstance(expr, cst.Await) else expr.value
    return expr


def _declared_matcher(resolver: _Resolver, specs: Sequence[HookSpec], purpose: str | None) -> Matcher:
    def match(expr: cst.BaseExpression, usage: str) -> _Hit | None:
        expr = _unwrap(expr)
        if usage != _DECORATOR and not isinstance(expr, cst.Call):
            return None
        qualname = resolver.qualname(expr)
        if qualname is None:
            return None
        site = resolver.site(expr)
        for spec in specs:
            if _names_match(spec.name, qualname) and _usage_allowed(spec, usage) and _purpose_ok(site, spec, purpose):
                return _Hit(spec.name, expr)
        return None

    return match


def _lookalike_matcher(resolver: _Resolver) -> Matcher:
    def match(expr: cst.BaseExpression, usage: str) -> _Hit | None:
        expr = _unwrap(expr)
        if usage != _DECORATOR and not isinstance(expr, cst.Call):
            return None
        name = resolver.qualname(expr) or resolver.spelled(expr)
        if not name or not _LOOKALIKE.search(name):
            return None
        if usage == _STATEMENT and not _RAISING_VERB.search(name.rsplit(".", 1)[-1]):
            return None
        return _Hit(name, expr)

    return match


# ---- dominance ------------------------------------------------------------------------------------
class _Analysis:
    """One sink's guard search with a given matcher (declared hooks or look-alikes)."""

    def __init__(self, resolver: _Resolver, match: Matcher, same_cell: SameCell | None) -> None:
        self.resolver = resolver
        self.match = match
        self.same_cell = same_cell
        self._bound: dict[int, dict[str, _Hit]] = {}

    def guard(self, site: CallSite) -> Guard | None:
        return self.intra(site.node, site.ancestors) or self.via_callers(site)

    def intra(self, target: cst.CSTNode, ancestors: Sequence[cst.CSTNode]) -> Guard | None:
        """Guards in the sink's own function, innermost first, then enclosing decorators."""
        path = (*ancestors, target)
        start = _innermost_function(path)
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
                yield from _guards(self.match(item.item, _TEST), "with")
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
            yield from _guards(self.match(stmt.value, _STATEMENT), "raising-call")
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
            return name in _EXIT_CALLS if name else _dotted(stmt.value.func) in _EXIT_BUILTINS
        if isinstance(stmt, cst.If) and stmt.orelse is not None and self.always_exits(stmt.body):
            other = stmt.orelse
            return self.always_exits(other.body) if isinstance(other, cst.Else) else self._exits(other)
        return False

    # -- conditions
    def implies(self, expr: cst.BaseExpression, truthy: bool, scope: cst.CSTNode) -> _Hit | None:
        """A hook call that must have returned truthy when `expr` evaluates to `truthy`."""
        expr = _unwrap(expr)
        if isinstance(expr, cst.Call):
            return self.match(expr, _TEST) if truthy else None
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

    def _implies_boolean(self, expr: cst.BooleanOperation, truthy: bool, scope: cst.CSTNode) -> _Hit | None:
        left, right = self.implies(expr.left, truthy, scope), self.implies(expr.right, truthy, scope)
        either = isinstance(expr.operator, cst.And) == truthy  # `a and b` true / `a or b` false
        return (left or right) if either else (left if left and right else None)

    def bound_names(self, scope: cst.CSTNode) -> dict[str, _Hit]:
        """Local names whose every assignment in `scope` is a hook call (`ok = H(...)`)."""
        found = self._bound.get(id(scope))
        if found is None:
            collector = _Bindings(scope, self.match)
            scope.visit(collector)
            found = self._bound[id(scope)] = collector.result()
        return found

    # -- decorators of every enclosing function
    def _decorated(self, path: Sequence[cst.CSTNode], target: cst.CSTNode) -> Guard | None:
        for parent, child in reversed(list(zip(path, path[1:]))):
            if isinstance(parent, cst.FunctionDef) and child is parent.body:
                for deco in parent.decorators:
                    hit = self.match(deco.decorator, _DECORATOR)
                    guard = Guard(hit.hook, "decorator", deco, "high") if hit else None
                    if guard is not None and self._visible(guard, target):
                        return guard
        return None

    # -- one level across functions
    def via_callers(self, site: CallSite) -> Guard | None:
        """Medium confidence: every in-module call of the holding function is itself guarded."""
        holder = _holder(self.resolver.module, site)
        callers = _callers(self.resolver.module, holder) if holder is not None else None
        if not callers:
            return None
        guards = [self.intra(c.node, c.ancestors) for c in callers]
        first = guards[0]
        if first is None or any(g is None for g in guards):
            return None
        return Guard(first.hook, "caller", first.line_node, "medium")


def _guards(hit: _Hit | None, how: str) -> Iterator[Guard]:
    if hit is not None:
        yield Guard(hit.hook, how, hit.node, "high")


def _preceding(parent: cst.CSTNode, child: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Statements of `parent`'s block that run before `child` (nothing if it is not a block)."""
    if isinstance(parent, (cst.Module, cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine)):
        for stmt in parent.body:
            if stmt is child:
                return
            yield stmt


def _innermost_function(path: Sequence[cst.CSTNode]) -> int | None:
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


class _Bindings(cst.CSTVisitor):
    """Which names of one scope are bound only to hook results; any other binding disqualifies."""

    def __init__(self, root: cst.CSTNode, match: Matcher) -> None:
        super().__init__()
        self.root = root
        self.match = match
        self.hooks: dict[str, _Hit] = {}
        self.other: set[str] = set()

    def result(self) -> dict[str, _Hit]:
        return {name: hit for name, hit in self.hooks.items() if name not in self.other}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.other.add(node.name.value)
        return node is self.root

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return node is self.root

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.other.add(node.name.value)
        return False

    def visit_Param(self, node: cst.Param) -> None:
        self.other.add(node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._poison(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._poison(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._poison(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._poison(node.name.name)

    def visit_Del(self, node: cst.Del) -> None:
        self._poison(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self.other.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.other.update(item.name.value for item in node.names)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        name = node.asname.name if node.asname is not None else node.name
        self._poison(name)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        hit = self.match(value, _TEST) if isinstance(target, cst.Name) and value is not None else None
        if hit is None:
            self._poison(target)
        elif isinstance(target, cst.Name):
            self.hooks.setdefault(target.value, hit)

    def _poison(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.other.add(target.value)
        elif isinstance(target, cst.Attribute):
            self.other.add(_dotted(target).split(".")[0])  # `import a.b` binds `a`
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._poison(element.value)
        elif isinstance(target, (cst.StarredElement, cst.Element)):
            self._poison(target.value)


# ---- callers ------------------------------------------------------------------------------------
def _holder(module: PythonModule, site: CallSite) -> FunctionInfo | None:
    """The module-level function or method holding the sink, if eligible for caller analysis."""
    path = (*site.ancestors, site.node)
    start = _innermost_function(path)
    if start is None or _innermost_function(path[: start + 1]) is not None:
        return None
    node = path[start]
    if not isinstance(node, cst.FunctionDef):
        return None
    if node.name.value.startswith("__") or not all(_is_plain(d) for d in node.decorators):
        return None
    return next((f for f in module.functions if f.node is node), None)


def _is_plain(deco: cst.Decorator) -> bool:
    return _dotted(deco.decorator).rsplit(".", 1)[-1] in _PLAIN_DECORATORS


def _callers(module: PythonModule, holder: FunctionInfo) -> list[CallSite] | None:
    """Every in-module call site of `holder`; None when some use is unknown or escapes."""
    name = holder.qualname.rsplit(".", 1)[-1]
    class_path = holder.qualname.rpartition(".")[0]
    full = f"{module.module_name}.{holder.qualname}" if module.module_name else holder.qualname
    is_method = any(isinstance(a, cst.ClassDef) for a in holder.ancestors)
    sites: list[CallSite] = []
    for call in module.calls:
        verdict = _call_of(call, name, full, class_path if is_method else None)
        if verdict is None:
            return None
        if verdict:
            sites.append(call)
    return None if _escapes(module.module, name, {id(c.node.func) for c in module.calls}) else sites


def _call_of(call: CallSite, name: str, full: str, class_path: str | None) -> bool | None:
    """True: calls the holder; False: calls something else; None: cannot tell (an unknown receiver)."""
    if call.qualname == full:
        return True
    func = call.node.func
    if class_path is None or not isinstance(func, cst.Attribute) or func.attr.value != name:
        return False
    receiver = func.value
    if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
        return True if call.scope.startswith(class_path + ".") else None
    return None if call.qualname is None else False


def _escapes(tree: cst.Module, name: str, call_funcs: set[int]) -> bool:
    refs = _References(name)
    tree.visit(refs)
    return any(id(node) not in call_funcs and id(node) not in refs.excluded for node in refs.found)


class _References(cst.CSTVisitor):
    """Every mention of a function name that is not a definition, keyword or attribute part."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[cst.CSTNode] = []
        self.excluded: set[int] = set()

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.excluded.add(id(node.attr))
        if node.attr.value == self.name:
            self.found.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.excluded.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.excluded.add(id(node.name))

    def visit_Param(self, node: cst.Param) -> None:
        self.excluded.add(id(node.name))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.excluded.add(id(node.keyword))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.excluded.add(id(node.name))
        if node.asname is not None:
            self.excluded.add(id(node.asname.name))
