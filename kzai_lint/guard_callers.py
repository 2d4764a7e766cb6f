"""Guards one level across functions: every in-module caller of the sink's function is guarded.

Medium confidence, and only inside the module: the holding function must have at least one
call, every call must be guarded, and it must not escape as a value (callback, attribute) or
carry a registering decorator (`@app.route`), since then it can be called from elsewhere.
"""
from __future__ import annotations

import libcst as cst

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.analysis.python_module import FunctionInfo
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.analysis.visitor import Visitor
from kzai_lint.guards import Guard
from kzai_lint.guards import GuardSearch
from kzai_lint.guards import innermost_function
from kzai_lint.name_resolution import dotted_name

# Decorators that leave a function callable only through its ordinary call sites.
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "cache", "lru_cache", "override"})


def via_callers(search: GuardSearch, site: CallSite) -> Guard | None:
    """Medium confidence: every in-module call of the holding function is itself guarded."""
    holder = _holder(search.resolver.module, site)
    callers = _callers(search.resolver.module, holder) if holder is not None else None
    if not callers:
        return None
    guards = [search.intra(c.node, c.ancestors) for c in callers]
    first = guards[0]
    if first is None or any(g is None for g in guards):
        return None
    return Guard(first.hook, "caller", first.line_node, "medium")


def _holder(module: PythonModule, site: CallSite) -> FunctionInfo | None:
    """The module-level function or method holding the sink, if eligible for caller analysis."""
    path = (*site.ancestors, site.node)
    start = innermost_function(path)
    if start is None or innermost_function(path[: start + 1]) is not None:
        return None
    node = path[start]
    if not isinstance(node, cst.FunctionDef):
        return None
    if node.name.value.startswith("__") or not all(_is_plain(d) for d in node.decorators):
        return None
    return next((f for f in module.functions if f.node is node), None)


def _is_plain(deco: cst.Decorator) -> bool:
    return dotted_name(deco.decorator).rsplit(".", 1)[-1] in _PLAIN_DECORATORS


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
    refs.walk(tree)
    return any(id(node) not in call_funcs and id(node) not in refs.excluded for node in refs.found)


class _References(Visitor):
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
