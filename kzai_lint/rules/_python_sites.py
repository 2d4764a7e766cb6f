"""Names, branches, f-strings and subscripts of a Python module, for the word-list rules.

`PythonModule` records calls, strings and collections; the person-protection rules (KZ301-KZ304)
also need what the code names things (classes, functions, assignment targets) and a few syntax
sites, so one extra traversal collects them once per module and all four rules share it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from kzai_lint.analysis.python_module import Collection, PythonModule
from kzai_lint.analysis.visitor import Visitor


@dataclass(frozen=True, slots=True)
class NameSite:
    """A name the code gives to something: a class, a function or an assignment target.

    For a target, `node` is the assignment statement, `owner` the expression subscripted or
    dotted into (`per_node` in `per_node["trust_score"] = ...`) and `value` the assigned value.
    """

    name: str
    kind: str  # class | function | target
    node: cst.CSTNode
    scope: str
    owner: str = ""
    value: cst.BaseExpression | None = None
    qualname: str = ""


@dataclass
class PythonSites:
    """The sites of one module, by kind; `str` in a pair is the enclosing scope's name."""

    names: list[NameSite] = field(default_factory=list)
    ifs: list[tuple[cst.If, str]] = field(default_factory=list)
    fstrings: list[tuple[cst.FormattedString, str]] = field(default_factory=list)
    classes: list[tuple[cst.ClassDef, str]] = field(default_factory=list)
    withs: list[cst.With] = field(default_factory=list)
    dicts: list[cst.Dict] = field(default_factory=list)
    subscripts: list[cst.Subscript] = field(default_factory=list)
    concatenated: list[tuple[cst.ConcatenatedString, str]] = field(default_factory=list)


class _SiteCollector(Visitor):
    def __init__(self, sites: PythonSites) -> None:
        super().__init__()
        self.sites = sites
        self.scope: list[str] = []

    @property
    def scope_name(self) -> str:
        return ".".join(self.scope)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qual = ".".join([*self.scope, node.name.value])
        self.sites.names.append(NameSite(node.name.value, "class", node.name, self.scope_name, qualname=qual))
        self.sites.classes.append((node, self.scope_name))
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        qual = ".".join([*self.scope, node.name.value])
        self.sites.names.append(NameSite(node.name.value, "function", node.name, self.scope_name, qualname=qual))
        self.scope.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target, node, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target, node, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target, node, node.value)

    def visit_If(self, node: cst.If) -> None:
        self.sites.ifs.append((node, self.scope_name))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.sites.fstrings.append((node, self.scope_name))

    def visit_With(self, node: cst.With) -> None:
        self.sites.withs.append(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.sites.dicts.append(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.sites.subscripts.append(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self.sites.concatenated.append((node, self.scope_name))
        return False  # the parts are in the module's string literals already

    def _target(self, target: cst.BaseExpression, stmt: cst.CSTNode, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.sites.names.append(NameSite(target.value, "target", stmt, self.scope_name, value=value))
        elif isinstance(target, cst.Attribute):
            self.sites.names.append(NameSite(target.attr.value, "target", stmt, self.scope_name, display(target.value), value))
        elif isinstance(target, cst.Subscript):
            for key in subscript_strings(target):
                self.sites.names.append(NameSite(key, "target", stmt, self.scope_name, display(target.value), value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, stmt, value)


def subscript_strings(node: cst.Subscript) -> list[str]:
    """String keys of `df["a"]`, `df.loc[mask, "a"]`, `df[["a", "b"]]`."""
    out: list[str] = []
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            out.extend(string_values(element.slice.value))
    return out


def string_values(expr: cst.CSTNode) -> list[str]:
    """Literal strings directly in an expression, a list or a tuple of them."""
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return [value] if isinstance(value, str) else []
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return [v for el in expr.elements for v in string_values(el.value)]
    return []


def display(expr: cst.CSTNode) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return f"{display(expr.value)}.{expr.attr.value}"
    if isinstance(expr, cst.Subscript):
        return display(expr.value)
    if isinstance(expr, cst.Call):
        return display(expr.func)
    return ""


# The last module's sites: the four rules ask for them one after another on the same file.
_SITES: list[tuple[cst.Module, PythonSites]] = []


def python_sites(facts: PythonModule) -> PythonSites:
    """Names, `if` statements, f-strings, dicts and subscripts of a module, collected once."""
    if _SITES and _SITES[0][0] is facts.module:
        return _SITES[0][1]
    sites = PythonSites()
    _SiteCollector(sites).walk(facts.module)
    _SITES[:] = [(facts.module, sites)]
    return sites


def element_node(coll: Collection, item: str) -> cst.CSTNode:
    """The element (or dict key) of a collection literal holding `item`, for a precise line."""
    node = coll.node
    if isinstance(node, cst.Dict):
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                for part in (el.key, el.value):
                    if isinstance(part, cst.SimpleString) and part.evaluated_value == item:
                        return part
    elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        for el in node.elements:
            if isinstance(el.value, cst.SimpleString) and el.value.evaluated_value == item:
                return el.value
    elif isinstance(node, cst.ClassDef) and isinstance(node.body, cst.IndentedBlock):
        for stmt in node.body.body:  # enum members: NAME = "value"
            for small in getattr(stmt, "body", ()):
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.SimpleString) and small.value.evaluated_value == item:
                    return small
    return node


def fstring_text(node: cst.FormattedString) -> str:
    """An f-string's literal text with `{}` for each placeholder (prompts are often f-strings)."""
    return "".join(part.value if isinstance(part, cst.FormattedStringText) else "{}" for part in node.parts)
