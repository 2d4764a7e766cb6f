"""The name table a traversal keeps: what each local name stands for, scope by scope.

We keep this small table instead of libcst's Scope/QualifiedName providers, which cost about ten
times the parse: the import table, assignments in the same scope, `self.x = ...` attributes and
literal constants are enough to say which library function a call is and with which literal
arguments. `ScopeVisitor` maintains the table while it walks; `python_module._Collector` records
the facts on top of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst

from kzai_lint.analysis.literals import UNKNOWN, literal_value
from kzai_lint.analysis.module_names import absolute_module
from kzai_lint.analysis.visitor import Visitor

if TYPE_CHECKING:
    from kzai_lint.analysis.python_module import CallSite


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


class _Scope:
    __slots__ = ("names", "qualname", "is_class", "dotted")

    def __init__(self, qualname: str, is_class: bool = False, outer: "_Scope | None" = None) -> None:
        self.names: dict[str, Binding | None] = {}
        self.qualname = qualname
        self.is_class = is_class
        #: the dotted names of the enclosing scopes and this one (`Model.forward`): every call
        #: and string records it, so it is joined once per scope, not once per node
        prefix = outer.dotted if outer is not None else ""
        self.dotted = f"{prefix}.{qualname}" if prefix and qualname else prefix or qualname


class ScopeVisitor(Visitor):
    """Keeps the name table up to date during a traversal; subclasses add what they collect.

    `calls_by_node` maps each call seen so far (by node id) to its `CallSite`, so that
    `x = Client()` can bind `x` to an instance together with its constructor call.
    """

    calls_by_node: dict[int, CallSite]

    def __init__(self, module_name: str, is_package: bool) -> None:
        super().__init__()
        self.module_name = module_name
        self.is_package = is_package
        self.scopes: list[_Scope] = [_Scope("")]
        self.class_attrs: list[dict[str, Binding]] = []

    def visit_Module(self, node: cst.Module) -> None:
        self.calls_by_node = {}

    @property
    def scope_name(self) -> str:
        return self.scopes[-1].dotted

    def qualname_of(self, name: str) -> str:
        """The dotted name, inside the module, of something defined here as `name`."""
        return f"{self.scope_name}.{name}" if self.scope_name else name

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
            dotted = dotted_name(alias.name)
            if not dotted:
                continue
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                self.bind(alias.asname.name.value, Binding("name", dotted))
            else:
                root = dotted.split(".", 1)[0]
                self.bind(root, Binding("name", root))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        base = self.from_base(node)
        if base is None or type(node.names) is cst.ImportStar:
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if not name:
                continue
            qual = f"{base}.{name}" if base else name
            local = alias.asname.name.value if alias.asname is not None and type(alias.asname.name) is cst.Name else name
            self.bind(local, Binding("name", qual))

    def from_base(self, node: cst.ImportFrom) -> str | None:
        """The absolute module of `from ... import`, relative levels resolved against ours."""
        module = dotted_name(node.module) if node.module is not None else ""
        return absolute_module(module, len(node.relative), self.module_name, self.is_package)

    # ---- definitions and scopes -------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        qual = self.qualname_of(name)
        if not self.scopes[-1].is_class:
            self.bind(name, Binding("name", f"{self.module_name}.{qual}" if self.module_name else qual))
        scope = _Scope(name, outer=self.scopes[-1])
        for param in _params(node.params):
            scope.names[param] = None
        for param in _annotated_params(node.params):  # resolved here, where the def is written
            scope.names[param.name.value] = self.annotated(param.annotation.annotation)  # type: ignore[union-attr]
        self.scopes.append(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        self.bind(name, Binding("name", f"{self.module_name}.{name}" if self.module_name else name))
        self.scopes.append(_Scope(name, is_class=True, outer=self.scopes[-1]))
        self.class_attrs.append({})

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.class_attrs.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = _Scope("<lambda>", outer=self.scopes[-1])
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
        """`x: T = value` binds what the value gives; with no value (`model: Xtts` in a class
        body or before a branch) or one we cannot follow, the annotation's type."""
        node = original_node
        binding = self.binding_of(node.value) if node.value is not None else None
        if binding is None:
            binding = self.annotated(node.annotation.annotation)
        if node.value is not None or binding is not None:
            self._assign(node.target, binding, node.value or node.annotation.annotation)
        if binding is not None and self.scopes[-1].is_class and self.class_attrs and type(node.target) is cst.Name:
            self.class_attrs[-1][node.target.value] = binding  # a declared attribute: `self.model`

    def annotated(self, annotation: cst.BaseExpression) -> Binding | None:
        """An object of the annotated class: `model: Xtts`, `Optional[Xtts]`, `Xtts | None`,
        `"Xtts"`. Containers (`list[Xtts]`) and unresolved names give nothing, so a method called
        on a typed parameter resolves as if the object had been built here (`model.get_...`)."""
        if type(annotation) is cst.BinaryOperation and type(annotation.operator) is cst.BitOr:
            sides = [side for side in (annotation.left, annotation.right) if not _is_none(side)]
            return self.annotated(sides[0]) if len(sides) == 1 else None
        if type(annotation) is cst.Subscript:
            wrapper = self.resolve(annotation.value) or dotted_name(annotation.value)
            if wrapper.rsplit(".", 1)[-1] not in ("Optional", "Union", "Annotated"):
                return None
            inner = [el.slice.value for el in annotation.slice if type(el.slice) is cst.Index and not _is_none(el.slice.value)]
            if wrapper.endswith("Annotated"):
                inner = inner[:1]
            return self.annotated(inner[0]) if len(inner) == 1 else None
        if type(annotation) is cst.SimpleString:
            text = literal_value(annotation, self.lookup)
            if not isinstance(text, str) or not _DOTTED.fullmatch(text.strip()):
                return None
            head, _, rest = text.strip().partition(".")
            found = self.lookup(head)
            if found is None or found.kind != "name":
                return None
            return Binding("instance", f"{found.qualname}.{rest}" if rest else found.qualname)
        if type(annotation) in (cst.Name, cst.Attribute):
            qual = self.resolve(annotation)
            found = self._binding_for_expr(annotation)
            if qual is None or (found is not None and found.kind != "name"):
                return None
            return Binding("instance", qual)
        return None

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if type(node.target) is cst.Name:
            self.bind(node.target.value, None)

    def _assign(self, target: cst.BaseExpression, binding: Binding | None, value: cst.BaseExpression) -> None:
        if type(target) is cst.Name:
            self.bind(target.value, binding)
        elif type(target) is cst.Attribute and type(target.value) is cst.Name and target.value.value == "self":
            if self.class_attrs and binding is not None:
                self.class_attrs[-1][target.attr.value] = binding
        elif type(target) in (cst.Tuple, cst.List):
            for el in target.elements:
                if type(el.value) is cst.Name:
                    self.bind(el.value.value, None)

    def binding_of(self, value: cst.BaseExpression) -> Binding | None:
        if type(value) in (cst.Name, cst.Attribute):
            qual = self.resolve(value)
            if qual is not None:
                found = self._binding_for_expr(value)
                return found if found is not None else Binding("name", qual)
            lit = self.literal(value)
            return None if lit is UNKNOWN else Binding("value", value=lit, node=self.literal_node(value))
        if type(value) is cst.Call:
            callee = self.resolve(value.func)
            if callee is not None:
                return Binding("instance", callee, ctor=self.calls_by_node.get(id(value)))
            return None
        lit = self.literal(value)
        if lit is UNKNOWN:
            return None
        return Binding("value", value=lit, node=value)

    def _binding_for_expr(self, expr: cst.BaseExpression) -> Binding | None:
        if type(expr) is cst.Name:
            return self.lookup(expr.value)
        if type(expr) is cst.Attribute and type(expr.value) is cst.Name and expr.value.value == "self":
            for attrs in reversed(self.class_attrs):
                if expr.attr.value in attrs:
                    return attrs[expr.attr.value]
        return None

    def literal_node(self, expr: cst.BaseExpression) -> cst.CSTNode | None:
        """Where the constant a name stands for was defined, so findings can point there."""
        b = self._binding_for_expr(expr)
        return b.node if b is not None and b.kind == "value" else None

    # ---- resolution ---------------------------------------------------------------------------
    def resolve(self, expr: cst.BaseExpression) -> str | None:
        """Dotted qualified name an expression refers to, or None."""
        if type(expr) is cst.Name:
            b = self.lookup(expr.value)
            if b is None:
                return None
            return b.qualname if b.kind in ("name", "instance") else None
        if type(expr) is cst.Attribute:
            if type(expr.value) is cst.Name and expr.value.value == "self":
                b = self._binding_for_expr(expr)
                if b is not None and b.kind in ("name", "instance"):
                    return b.qualname
                return None
            base = self.resolve(expr.value)
            return f"{base}.{expr.attr.value}" if base is not None else None
        if type(expr) is cst.Call:
            return self.resolve(expr.func)
        return None

    def receiver_of(self, func: cst.BaseExpression) -> Binding | None:
        if type(func) is cst.Attribute:
            if type(func.value) is cst.Call:
                callee = self.resolve(func.value.func)
                return Binding("instance", callee or "", ctor=self.calls_by_node.get(id(func.value)))
            return self._binding_for_expr(func.value)
        return None

    def literal(self, expr: cst.BaseExpression) -> Any:
        """Evaluate literal constants, collections of them and names bound to them."""
        return literal_value(expr, self.lookup)


def _annotated_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    found.extend(star for star in (params.star_arg, params.star_kwarg) if type(star) is cst.Param)
    # `*args: T` is a tuple of T and `**kwargs: T` a dict: not a T
    return [p for p in found if p.annotation is not None and p.star not in ("*", "**")]


def _is_none(expr: cst.BaseExpression) -> bool:
    return type(expr) is cst.Name and expr.value == "None"


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _params(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if type(star) is cst.Param:
            names.append(star.name.value)
    return names


def dotted_name(expr: cst.CSTNode | None) -> str:
    """`a.b.c` for a name or attribute chain (a call stands for its callee), else ""."""
    if type(expr) is cst.Name:
        return expr.value
    if type(expr) is cst.Attribute:
        base = dotted_name(expr.value)
        return f"{base}.{expr.attr.value}" if base else ""
    if type(expr) is cst.Call:
        return dotted_name(expr.func)
    return ""
