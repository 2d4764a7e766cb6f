"""One libcst traversal that resolves what every call in a module really is.

The result is a `PythonModule` of plain facts (calls with their qualified names and literal
arguments, strings, collections, functions, classes, imports); the syntax nodes are kept only so
that findings can get positions and guard analysis can look at ancestors. Names are resolved by
the small table in `scopes` (not libcst's providers, which cost ten times the parse) and literal
values by `literals`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import libcst as cst

from kzai_lint.analysis.literals import UNKNOWN
from kzai_lint.analysis.module_names import module_name_for
from kzai_lint.analysis.scopes import Binding, ScopeVisitor, dotted_name

__all__ = [
    "MISSING",
    "UNKNOWN",
    "Binding",
    "CallSite",
    "Collection",
    "FunctionInfo",
    "PythonModule",
    "StringLiteral",
    "analyse",
    "module_name_for",
]


@dataclass(slots=True)
class CallSite:
    """A call, what it resolves to and its literal arguments (`UNKNOWN` where not literal)."""

    node: cst.Call
    qualname: str | None
    display: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    ancestors: tuple[cst.CSTNode, ...]
    scope: str
    receiver: Binding | None = None
    arg_nodes: tuple[cst.CSTNode, ...] = ()
    literal_origins: tuple[cst.CSTNode, ...] = ()

    def argument(self, name: str, position: int | None) -> Any:
        """The literal value of an argument by keyword or position; UNKNOWN when not literal,
        None-with-`missing` semantics handled by `has_argument`."""
        if name in self.kwargs:
            return self.kwargs[name]
        if position is not None and position < len(self.args):
            return self.args[position]
        return _MISSING

    def has_argument(self, name: str, position: int | None) -> bool:
        return self.argument(name, position) is not _MISSING


_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
MISSING = _MISSING


@dataclass(slots=True)
class StringLiteral:
    """A string constant with where it sits (scope, ancestors): model ids and label words hide in them."""

    value: str
    node: cst.CSTNode
    scope: str
    ancestors: tuple[cst.CSTNode, ...]


@dataclass(slots=True)
class Collection:
    """A list/tuple/set/dict literal of strings, e.g. a label vocabulary."""

    name: str | None
    items: tuple[str, ...]
    node: cst.CSTNode
    scope: str
    ancestors: tuple[cst.CSTNode, ...] = ()


@dataclass(slots=True)
class FunctionInfo:
    """A function definition with its decorators: guards and tool registrations are read from them."""

    node: cst.FunctionDef
    qualname: str
    decorators: tuple[cst.Decorator, ...]
    ancestors: tuple[cst.CSTNode, ...]


@dataclass(slots=True)
class PythonModule:
    """Facts about one module (or one notebook, cells concatenated by the source)."""

    module: cst.Module
    module_name: str
    calls: list[CallSite] = field(default_factory=list)
    strings: list[StringLiteral] = field(default_factory=list)
    #: the literal text pieces of f-strings (`f"{root}/fer2013_mini_XCEPTION.hdf5"`), apart from
    #: `strings`: only the model-literal rules read them
    fstring_texts: list[StringLiteral] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    functions: list[FunctionInfo] = field(default_factory=list)
    classes: list[tuple[cst.ClassDef, str]] = field(default_factory=list)
    imported_modules: set[str] = field(default_factory=set)
    import_nodes: list[tuple[str, cst.CSTNode]] = field(default_factory=list)
    text: str = ""

    def calls_named(self, qualname: str) -> Iterator[CallSite]:
        return (c for c in self.calls if c.qualname == qualname)


class _Collector(ScopeVisitor):
    """Records the facts of a module on top of the name table `ScopeVisitor` keeps."""

    def __init__(self, facts: PythonModule, is_package: bool) -> None:
        super().__init__(facts.module_name, is_package)
        self.facts = facts

    def _ancestors(self) -> tuple[cst.CSTNode, ...]:
        return tuple(self.ancestors)  # kept up to date by the walk (`Visitor`)

    # ---- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = dotted_name(alias.name)
            if dotted:
                self.facts.imported_modules.add(dotted)
                self.facts.import_nodes.append((dotted, node))
        super().visit_Import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = self.from_base(node)
        if base is None:
            return
        self.facts.imported_modules.add(base)
        self.facts.import_nodes.append((base, node))
        if type(node.names) is not cst.ImportStar:
            for alias in node.names:
                name = dotted_name(alias.name)
                if name:
                    self.facts.imported_modules.add(f"{base}.{name}" if base else name)
        super().visit_ImportFrom(node)

    # ---- definitions ----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.facts.functions.append(FunctionInfo(node, self.qualname_of(node.name.value), tuple(node.decorators), self._ancestors()))
        super().visit_FunctionDef(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._enum_members(node)
        self.facts.classes.append((node, self.qualname_of(node.name.value)))
        super().visit_ClassDef(node)

    # ---- calls and literals -------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        qual = self.resolve(node.func)
        receiver = self.receiver_of(node.func)
        if qual is None and type(node.func) is cst.Attribute and receiver is not None and receiver.kind == "instance":
            qual = f"{receiver.qualname}.{node.func.attr.value}"
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        origins: list[cst.CSTNode] = []
        for arg in node.args:
            value = UNKNOWN if arg.star else self.literal(arg.value)
            origin = self.literal_node(arg.value)
            if origin is not None:
                origins.append(origin)
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            elif not arg.star:
                args.append(value)
        site = CallSite(
            node=node,
            qualname=qual,
            display=_display(node.func),
            args=tuple(args),
            kwargs=kwargs,
            ancestors=self._ancestors(),
            scope=self.scope_name,
            receiver=receiver,
            arg_nodes=tuple(a.value for a in node.args),
            literal_origins=tuple(origins),
        )
        self.calls_by_node[id(node)] = site
        self.facts.calls.append(site)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if node.value:
            self.facts.fstring_texts.append(StringLiteral(node.value, node, self.scope_name, self._ancestors()))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = self.literal(node)
        if isinstance(value, str) and value:
            self.facts.strings.append(StringLiteral(value, node, self.scope_name, self._ancestors()))

    def _collection(self, node: cst.BaseExpression, items: Sequence[Any]) -> None:
        strs = tuple(x for x in items if isinstance(x, str))
        if len(strs) >= 3:
            name = None
            parent = self.ancestors[-1] if self.ancestors else None
            if type(parent) is cst.Assign and len(parent.targets) == 1 and type(parent.targets[0].target) is cst.Name:
                name = parent.targets[0].target.value
            elif type(parent) is cst.AnnAssign and type(parent.target) is cst.Name:
                name = parent.target.value
            self.facts.collections.append(Collection(name, strs, node, self.scope_name, self._ancestors()))

    def visit_List(self, node: cst.List) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if type(e) is cst.Element])

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if type(e) is cst.Element])

    def visit_Set(self, node: cst.Set) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if type(e) is cst.Element])

    def visit_Dict(self, node: cst.Dict) -> None:
        keys, values = [], []
        for el in node.elements:
            if type(el) is cst.DictElement:
                keys.append(self.literal(el.key))
                values.append(self.literal(el.value))
        self._collection(node, [v for v in values if isinstance(v, str)] or keys)

    def _enum_members(self, node: cst.ClassDef) -> None:
        # Enum-like classes: member values form a vocabulary (NAME = "value").
        items = []
        for stmt in node.body.body:
            if type(stmt) is cst.SimpleStatementLine:
                for small in stmt.body:
                    if type(small) is cst.Assign:
                        v = self.literal(small.value)
                        if isinstance(v, str):
                            items.append(v)
        if len(items) >= 3:
            self.facts.collections.append(Collection(node.name.value, tuple(items), node, self.scope_name, self._ancestors()))


def _display(func: cst.BaseExpression) -> str:
    if type(func) is cst.Name:
        return func.value
    if type(func) is cst.Attribute:
        base = _display(func.value)
        return f"{base}.{func.attr.value}" if base else func.attr.value
    if type(func) is cst.Call:
        return _display(func.func) + "()"
    return "<call>"


def analyse(module: cst.Module, module_name: str, *, is_package: bool = False, text: str = "") -> PythonModule:
    """Collect the facts of a parsed module in one traversal."""
    facts = PythonModule(module=module, module_name=module_name, text=text)
    _Collector(facts, is_package).walk(module)  # `module.visit` without rebuilding the tree
    return facts
