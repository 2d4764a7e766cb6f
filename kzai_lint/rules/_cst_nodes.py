"""Cheap walks over the libcst tree for the 17(2) analysis (model output, agent tools).

libcst's own `children` runs a visitor on every call, which costs more than the whole analysis on
a large module, so children are read from the dataclass fields here. Nested functions, classes
and lambdas are separate scopes: their names are their own, so walks stop at them unless asked.
"""
from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

from kzai_lint.analysis.visitor import content_fields

# Node type names, not classes: a module-level `cst.FunctionDef` would load libcst (0.2 s) in
# runs that parse nothing (cached, pre-commit). Test with `type(node).__name__ in SCOPES`.
SCOPES = ("FunctionDef", "ClassDef", "Lambda")
_FIELDS: dict[type, tuple[str, ...]] = {}


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Names an assignment target binds: `a`, `a, b`, `self.a`, and `a` of `a[k] = ...`."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from target_names(el.value)
    elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        yield f"self.{target.attr.value}"
    elif isinstance(target, cst.Subscript):
        yield from target_names(target.value)


def bound_values(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """`name -> value` of simple assignments anywhere in the module (the last one wins)."""
    out: dict[str, cst.BaseExpression] = {}
    for node in walk(module, into_scopes=True):
        if isinstance(node, cst.Assign):
            for target in node.targets:
                out.update((name, node.value) for name in target_names(target.target))
    return out


def innermost_scope(ancestors: tuple[cst.CSTNode, ...]) -> cst.CSTNode | None:
    """The function or lambda a node is in (None at module level): its names are local there."""
    return next((a for a in reversed(ancestors) if isinstance(a, (cst.FunctionDef, cst.Lambda))), None)


def walk(root: cst.CSTNode, *, into_scopes: bool = False) -> Iterator[cst.CSTNode]:
    """Nodes under `root`; nested functions, classes and lambdas are entered only with
    `into_scopes` (their names are their own), the root always."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node is root or into_scopes or type(node).__name__ not in SCOPES:
            stack.extend(children(node))


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Child nodes from the dataclass fields: libcst's `children` runs a visitor per call, which
    costs more than the whole analysis on a large module."""
    names = _FIELDS.get(type(node))
    if names is None:  # declaration order, without fields that can only hold trivia
        content = set(content_fields(node))
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node) if f.name in content)
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


def reference(node: cst.CSTNode) -> str | None:
    """The name a value node reads (`x`, or `self.x` for an attribute of the instance)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return f"self.{node.attr.value}"
    return None


def value_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Children that are values: not `x.attr`'s attribute name, a keyword's name, or a nested scope."""
    if isinstance(node, cst.Attribute):
        return [node.value]
    if isinstance(node, cst.Arg):
        return [node.value]
    if type(node).__name__ in SCOPES:
        return []
    return children(node)


__all__ = ["SCOPES", "bound_values", "children", "innermost_scope", "reference", "target_names", "value_children", "walk"]
