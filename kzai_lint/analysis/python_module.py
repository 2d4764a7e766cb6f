"""One libcst traversal that resolves what every call in a module really is.

We keep our own small alias table instead of libcst's Scope/QualifiedName providers: they cost
about ten times the parse, while an import table, assignments in the same scope, `self.x = ...`
attributes and literal constants answer what the rules ask (which library function is this call,
with which literal arguments). The result is a `PythonModule` of plain facts; the syntax nodes are
kept only so that findings can get positions and guard analysis can look at ancestors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import libcst as cst

UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN", "__bool__": lambda self: False})()
"""Sentinel for an argument whose value is not a literal we can evaluate."""


@dataclass(frozen=True, slots=True)
class Binding:
    """What a local name stands for.

    kind `name`: a dotted qualified name (module, function, class);
    kind `instance`: an object built by calling `qualname` (its constructor call is `ctor`);
    kind `value`: a literal constant (`value`), defined at `node`.
    """

    kind: str
    qualname: str = ""
    value: Any = None
    node: cst.CSTNode | None = None
    ctor: "CallSite | None" = None


@dataclass(slots=True)
class CallSite:
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
    collections: list[Collection] = field(default_factory=list)
    functions: list[FunctionInfo] = field(default_factory=list)
    classes: list[tuple[cst.ClassDef, str]] = field(default_factory=list)
    imported_modules: set[str] = field(default_factory=set)
    import_nodes: list[tuple[str, cst.CSTNode]] = field(default_factory=list)
    text: str = ""

    def calls_named(self, qualname: str) -> Iterator[CallSite]:
        return (c for c in self.calls if c.qualname == qualname)


def module_name_for(rel_path: str) -> str:
    """Dotted module name of a file from its path relative to the scan root."""
    parts = rel_path.replace("\\", "/").split("/")
    if parts and parts[-1].endswith((".py", ".pyi", ".ipynb")):
        parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(p for p in parts if p)


class _Scope:
    __slots__ = ("names", "qualname", "is_class")

    def __init__(self, qualname: str, is_class: bool = False) -> None:
        self.names: dict[str, Binding | None] = {}
        self.qualname = qualname
        self.is_class = is_class


class _Collector(cst.CSTVisitor):
    def __init__(self, facts: PythonModule, is_package: bool) -> None:
        super().__init__()
        self.facts = facts
        self.is_package = is_package
        self.scopes: list[_Scope] = [_Scope("")]
        self.class_attrs: list[dict[str, Binding]] = []
        self.stack: list[cst.CSTNode] = []

    # ---- traversal bookkeeping ------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self.stack.pop()

    @property
    def scope_name(self) -> str:
        return ".".join(s.qualname for s in self.scopes[1:] if s.qualname)

    def _ancestors(self) -> tuple[cst.CSTNode, ...]:
        return tuple(self.stack[:-1])

    def lookup(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if scope.is_class and scope is not self.scopes[-1]:
                continue  # class bodies do not enclose methods
            if name in scope.names:
                return scope.names[name]
        return None

    def bind(self, name: str, binding: Binding | None) -> None:
        self.scopes[-1].names[name] = binding

    # ---- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if not dotted:
                continue
            self.facts.imported_modules.add(dotted)
            self.facts.import_nodes.append((dotted, node))
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name.value, Binding("name", dotted))
            else:
                root = dotted.split(".", 1)[0]
                self.bind(root, Binding("name", root))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = self._from_base(node)
        if base is None:
            return
        self.facts.imported_modules.add(base)
        self.facts.import_nodes.append((base, node))
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = _dotted(alias.name)
            if not name:
                continue
            qual = f"{base}.{name}" if base else name
            self.facts.imported_modules.add(qual)
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            self.bind(local, Binding("name", qual))

    def _from_base(self, node: cst.ImportFrom) -> str | None:
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if level == 0:
            return module
        package = self.facts.module_name.split(".")
        if not self.is_package:
            package = package[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
        return ".".join([p for p in package if p] + ([module] if module else []))

    # ---- definitions and scopes -------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        qual = f"{self.scope_name}.{name}" if self.scope_name else name
        self.facts.functions.append(FunctionInfo(node, qual, tuple(node.decorators), self._ancestors()))
        if not self.scopes[-1].is_class:
            self.bind(name, Binding("name", f"{self.facts.module_name}.{qual}" if self.facts.module_name else qual))
        scope = _Scope(name)
        for param in _params(node.params):
            scope.names[param] = None
        self.scopes.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._enum_members(node)
        name = node.name.value
        self.facts.classes.append((node, f"{self.scope_name}.{name}" if self.scope_name else name))
        self.bind(name, Binding("name", f"{self.facts.module_name}.{name}" if self.facts.module_name else name))
        self.scopes.append(_Scope(name, is_class=True))
        self.class_attrs.append({})

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.class_attrs.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = _Scope("<lambda>")
        for param in _params(node.params):
            scope.names[param] = None
        self.scopes.append(scope)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    # ---- assignments --------------------------------------------------------------------------
    def leave_Assign(self, original_node: cst.Assign) -> None:
        node = original_node
        binding = self.binding_of(node.value)
        for target in node.targets:
            self._assign(target.target, binding, node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        node = original_node
        if node.value is not None:
            self._assign(node.target, self.binding_of(node.value), node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.bind(node.target.value, None)

    def _assign(self, target: cst.BaseExpression, binding: Binding | None, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, binding)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            if self.class_attrs and binding is not None:
                self.class_attrs[-1][target.attr.value] = binding
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                if isinstance(el.value, cst.Name):
                    self.bind(el.value.value, None)

    def binding_of(self, value: cst.BaseExpression) -> Binding | None:
        if isinstance(value, (cst.Name, cst.Attribute)):
            qual = self.resolve(value)
            if qual is not None:
                found = self._binding_for_expr(value)
                return found if found is not None else Binding("name", qual)
            lit = self.literal(value)
            return None if lit is UNKNOWN else Binding("value", value=lit, node=self._literal_node(value))
        if isinstance(value, cst.Call):
            callee = self.resolve(value.func)
            if callee is not None:
                return Binding("instance", callee, ctor=self._pending_calls.get(id(value)))
            return None
        lit = self.literal(value)
        if lit is UNKNOWN:
            return None
        return Binding("value", value=lit, node=value)

    def _binding_for_expr(self, expr: cst.BaseExpression) -> Binding | None:
        if isinstance(expr, cst.Name):
            return self.lookup(expr.value)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
            for attrs in reversed(self.class_attrs):
                if expr.attr.value in attrs:
                    return attrs[expr.attr.value]
        return None

    def _literal_node(self, expr: cst.BaseExpression) -> cst.CSTNode | None:
        b = self._binding_for_expr(expr)
        return b.node if b is not None and b.kind == "value" else None

    # ---- resolution ---------------------------------------------------------------------------
    def resolve(self, expr: cst.BaseExpression) -> str | None:
        """Dotted qualified name an expression refers to, or None."""
        if isinstance(expr, cst.Name):
            b = self.lookup(expr.value)
            if b is None:
                return None
            return b.qualname if b.kind in ("name", "instance") else None
        if isinstance(expr, cst.Attribute):
            if isinstance(expr.value, cst.Name) and expr.value.value == "self":
                b = self._binding_for_expr(expr)
                if b is not None and b.kind in ("name", "instance"):
                    return b.qualname
                return None
            base = self.resolve(expr.value)
            return f"{base}.{expr.attr.value}" if base is not None else None
        if isinstance(expr, cst.Call):
            return self.resolve(expr.func)
        return None

    def receiver_of(self, func: cst.BaseExpression) -> Binding | None:
        if isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Call):
                callee = self.resolve(func.value.func)
                return Binding("instance", callee or "", ctor=self._pending_calls.get(id(func.value)))
            return self._binding_for_expr(func.value)
        return None

    def literal(self, expr: cst.BaseExpression) -> Any:
        """Evaluate literal constants, collections of them and names bound to them."""
        if isinstance(expr, cst.SimpleString):
            try:
                return expr.evaluated_value
            except Exception:  # noqa: BLE001 - exotic prefixes; treat as unknown
                return UNKNOWN
        if isinstance(expr, cst.ConcatenatedString):
            left, right = self.literal(expr.left), self.literal(expr.right)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            return UNKNOWN
        if isinstance(expr, cst.Integer):
            return int(expr.value.replace("_", ""), 0) if expr.value[:2].lower() in ("0x", "0o", "0b") else int(expr.value.replace("_", ""))
        if isinstance(expr, cst.Float):
            try:
                return float(expr.value.replace("_", ""))
            except ValueError:
                return UNKNOWN
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[expr.value]
            b = self.lookup(expr.value)
            return b.value if b is not None and b.kind == "value" else UNKNOWN
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            return tuple(self.literal(el.value) if not isinstance(el, cst.StarredElement) else UNKNOWN for el in expr.elements)
        if isinstance(expr, cst.Dict):
            out: dict[Any, Any] = {}
            for el in expr.elements:
                if isinstance(el, cst.DictElement):
                    key = self.literal(el.key)
                    if isinstance(key, (str, int, float, bool)) or key is None:
                        out[key] = self.literal(el.value)
            return out
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
            inner = self.literal(expr.expression)
            return -inner if isinstance(inner, (int, float)) else UNKNOWN
        return UNKNOWN

    # ---- calls and literals -------------------------------------------------------------------
    _pending_calls: dict[int, CallSite]

    def visit_Module(self, node: cst.Module) -> None:
        self._pending_calls = {}

    def visit_Call(self, node: cst.Call) -> None:
        qual = self.resolve(node.func)
        receiver = self.receiver_of(node.func)
        if qual is None and isinstance(node.func, cst.Attribute) and receiver is not None and receiver.kind == "instance":
            qual = f"{receiver.qualname}.{node.func.attr.value}"
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        origins: list[cst.CSTNode] = []
        for arg in node.args:
            value = UNKNOWN if arg.star else self.literal(arg.value)
            origin = self._literal_node(arg.value)
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
        self._pending_calls[id(node)] = site
        self.facts.calls.append(site)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = self.literal(node)
        if isinstance(value, str) and value:
            self.facts.strings.append(StringLiteral(value, node, self.scope_name, self._ancestors()))

    def _collection(self, node: cst.BaseExpression, items: Sequence[Any]) -> None:
        strs = tuple(x for x in items if isinstance(x, str))
        if len(strs) >= 3:
            name = None
            parent = self.stack[-2] if len(self.stack) > 1 else None
            if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
                name = parent.targets[0].target.value
            elif isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
                name = parent.target.value
            self.facts.collections.append(Collection(name, strs, node, self.scope_name, self._ancestors()))

    def visit_List(self, node: cst.List) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if isinstance(e, cst.Element)])

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if isinstance(e, cst.Element)])

    def visit_Set(self, node: cst.Set) -> None:
        self._collection(node, [self.literal(e.value) for e in node.elements if isinstance(e, cst.Element)])

    def visit_Dict(self, node: cst.Dict) -> None:
        keys, values = [], []
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                keys.append(self.literal(el.key))
                values.append(self.literal(el.value))
        self._collection(node, [v for v in values if isinstance(v, str)] or keys)

    def _enum_members(self, node: cst.ClassDef) -> None:
        # Enum-like classes: member values form a vocabulary (NAME = "value").
        items = []
        for stmt in node.body.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        v = self.literal(small.value)
                        if isinstance(v, str):
                            items.append(v)
        if len(items) >= 3:
            self.facts.collections.append(Collection(node.name.value, tuple(items), node, self.scope_name, self._ancestors()))


def _params(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _dotted(expr: cst.BaseExpression | None) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = _dotted(expr.value)
        return f"{base}.{expr.attr.value}" if base else ""
    return ""


def _display(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        base = _display(func.value)
        return f"{base}.{func.attr.value}" if base else func.attr.value
    if isinstance(func, cst.Call):
        return _display(func.func) + "()"
    return "<call>"


def analyse(module: cst.Module, module_name: str, *, is_package: bool = False, text: str = "") -> PythonModule:
    """Collect the facts of a parsed module in one traversal."""
    facts = PythonModule(module=module, module_name=module_name, text=text)
    module.visit(_Collector(facts, is_package))
    return facts
