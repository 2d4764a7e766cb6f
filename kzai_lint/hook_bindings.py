"""Local names bound only to hook results, so that `ok = has_consent(u)` ... `if ok:` guards.

A name counts only if every binding of it in the scope is a hook call; a parameter, a loop or
`with` target, an import, `global`/`nonlocal` or any other assignment disqualifies it.
"""
from __future__ import annotations

import libcst as cst

from kzai_lint.analysis.visitor import Visitor
from kzai_lint.hooks import TEST
from kzai_lint.hooks import HookHit
from kzai_lint.hooks import Matcher
from kzai_lint.name_resolution import dotted_name


class HookBindings(Visitor):
    """Which names of one scope are bound only to hook results; any other binding disqualifies."""

    def __init__(self, root: cst.CSTNode, match: Matcher) -> None:
        super().__init__()
        self.root = root
        self.match = match
        self.hooks: dict[str, HookHit] = {}
        self.other: set[str] = set()

    def result(self) -> dict[str, HookHit]:
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
        hit = self.match(value, TEST) if isinstance(target, cst.Name) and value is not None else None
        if hit is None:
            self._poison(target)
        elif isinstance(target, cst.Name):
            self.hooks.setdefault(target.value, hit)

    def _poison(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.other.add(target.value)
        elif isinstance(target, cst.Attribute):
            self.other.add(dotted_name(target).split(".")[0])  # `import a.b` binds `a`
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._poison(element.value)
        elif isinstance(target, (cst.StarredElement, cst.Element)):
            self._poison(target.value)
