"""Qualified names of calls and decorators, for guard analysis.

Calls are resolved by `PythonModule`'s traversal; a bare decorator (`@require_consent`) is not a
call, so it is resolved here from the module's import table and top-level functions. The
question is only "is this the declared hook", so this small table is enough.
"""
from __future__ import annotations

import libcst as cst

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.analysis.scopes import dotted_name


class NameResolver:
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
        dotted = dotted_name(expr)
        if not dotted:
            return None
        root, _, rest = dotted.partition(".")
        base = self.aliases().get(root)
        return None if base is None else f"{base}.{rest}" if rest else base

    def spelled(self, expr: cst.BaseExpression) -> str:
        site = self.site(expr)
        return site.display if site is not None else dotted_name(expr)

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
                dotted = dotted_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    table[alias.asname.name.value] = dotted
                elif dotted:
                    table[dotted.split(".")[0]] = dotted.split(".")[0]
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = dotted_name(alias.name)
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                table[local] = f"{base}.{name}" if base else name
    prefix = f"{module.module_name}." if module.module_name else ""
    for fn in module.functions:
        if "." not in fn.qualname:
            table[fn.qualname] = prefix + fn.qualname
    return table


def unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`await H()` and `(ok := H())` are uses of the call `H()`."""
    while isinstance(expr, (cst.Await, cst.NamedExpr)):
        expr = expr.expression if isinstance(expr, cst.Await) else expr.value
    return expr
