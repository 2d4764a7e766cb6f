"""A base for read-only libcst visitors: defined without importing libcst, walked without
rebuilding the tree.

- `class X(cst.CSTVisitor)` at module level forces libcst to load (about 0.2 s) as soon as a rule
  module is imported, even in a cached run or a pre-commit run where no file is ever parsed.
  `Visitor` has the same callbacks as `libcst.CSTVisitor` (`visit_<Node>` returning False skips
  the children, `leave_<Node>`, `visit_<Node>_<attr>`, `leave_<Node>_<attr>`) and is registered
  as a virtual subclass of `libcst.CSTVisitor` when the first instance is made, by which time a
  module has been parsed and libcst is loaded; `node.visit(visitor)` therefore works unchanged.
- `visitor.walk(node)` makes the same calls in the same order as `node.visit(visitor)`, but
  libcst's `visit` rebuilds every node on the way back up (validation included), which a
  read-only visitor throws away: walking is about twice as fast. The order of each node type's
  children is taken once from libcst itself (`_visit_and_replace_children`), so it is exactly
  libcst's; `tests/test_prefilter_equivalence.py` compares the two event streams.

Metadata is not supported: a visitor that declares `METADATA_DEPENDENCIES` must subclass
`libcst.CSTVisitor` itself.
"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, ClassVar

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["Visitor", "child_fields"]

_Dispatch = dict[type, "Callable[[Any, Any], Any] | None"]


class Visitor:
    """Read-only visitor over a libcst tree; see the module docstring."""

    _registered: ClassVar[bool] = False
    _visit_table: ClassVar[_Dispatch]
    _leave_table: ClassVar[_Dispatch]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._visit_table = {}
        cls._leave_table = {}

    def __init__(self) -> None:
        if not Visitor._registered:
            import libcst

            libcst.CSTVisitor.register(Visitor)
            Visitor._registered = True
        self.metadata: dict[Any, Any] = {}

    # ---- libcst's visitor protocol ----------------------------------------------------------
    def on_visit(self, node: "cst.CSTNode") -> bool:
        visit = _method(type(self), self._visit_table, "visit_", type(node))
        return visit is None or visit(self, node) is not False

    def on_leave(self, original_node: "cst.CSTNode") -> None:
        leave = _method(type(self), self._leave_table, "leave_", type(original_node))
        if leave is not None:
            leave(self, original_node)

    def on_visit_attribute(self, node: "cst.CSTNode", attribute: str) -> None:
        visit = getattr(self, f"visit_{type(node).__name__}_{attribute}", None)
        if visit is not None:
            visit(node)

    def on_leave_attribute(self, original_node: "cst.CSTNode", attribute: str) -> None:
        leave = getattr(self, f"leave_{type(original_node).__name__}_{attribute}", None)
        if leave is not None:
            leave(original_node)

    # ---- the fast walk -----------------------------------------------------------------------
    def walk(self, node: "cst.CSTNode") -> None:
        """What `node.visit(self)` does, without rebuilding the tree."""
        _walk(self, node, _has_attribute_hooks(type(self)))


Visitor._visit_table = {}
Visitor._leave_table = {}


@functools.lru_cache(maxsize=None)
def _has_attribute_hooks(cls: type) -> bool:
    """Whether attribute callbacks can do anything for this class (else the walk skips them)."""
    if cls.on_visit_attribute is not Visitor.on_visit_attribute or cls.on_leave_attribute is not Visitor.on_leave_attribute:  # type: ignore[attr-defined]
        return True
    return any(_is_attribute_hook(name) for name in dir(cls) if name.startswith(("visit_", "leave_")))


def _is_attribute_hook(name: str) -> bool:
    """`visit_Name_value` is an attribute hook; `visit_Name` and `visit_FunctionDef` are not."""
    rest = name[6:]
    head, _, tail = rest.partition("_")
    return bool(tail) and head[:1].isupper() and tail[:1].islower()


def _method(cls: type, table: _Dispatch, prefix: str, node_type: type) -> "Callable[[Any, Any], Any] | None":
    try:
        return table[node_type]
    except KeyError:
        found = getattr(cls, prefix + node_type.__name__, None)
        table[node_type] = found
        return found


def _walk(visitor: Visitor, node: Any, attributes: bool) -> None:
    if visitor.on_visit(node):
        node_type = type(node)
        names = _FIELDS.get(node_type)
        if names is None:
            names = child_fields(node)
        for name in names:
            value = getattr(node, name)
            if value is None and (node_type.__name__, name) in _VISITED_WHEN_SET:
                continue
            if attributes:
                visitor.on_visit_attribute(node, name)
            if isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, _CST_NODE[0]):
                        _walk(visitor, item, attributes)
            elif isinstance(value, _CST_NODE[0]):
                _walk(visitor, value, attributes)
            if attributes:
                visitor.on_leave_attribute(node, name)
    visitor.on_leave(node)


_FIELDS: dict[type, tuple[str, ...]] = {}
# The one child libcst 1.x visits only when it is set (`format_spec`, last in its visit order);
# every other field is visited, even when None or empty. The equivalence test guards this.
_VISITED_WHEN_SET = frozenset({("FormattedStringExpression", "format_spec")})
_CST_NODE: list[type] = []


def child_fields(node: "cst.CSTNode") -> tuple[str, ...]:
    """The attributes libcst visits for this node's type, in libcst's order (learnt once)."""
    node_type = type(node)
    if node_type not in _FIELDS:
        if not _CST_NODE:
            import libcst

            _CST_NODE.append(libcst.CSTNode)
        recorder = _FieldRecorder(node)
        node._visit_and_replace_children(recorder)  # the rebuilt copy is discarded
        names = list(dict.fromkeys(recorder.names))
        names += [f for t, f in sorted(_VISITED_WHEN_SET) if t == node_type.__name__ and f not in names]
        _FIELDS[node_type] = tuple(names)
    return _FIELDS[node_type]


class _FieldRecorder(Visitor):
    """Notes the attributes visited directly under one node and never descends."""

    def __init__(self, root: Any) -> None:
        super().__init__()
        self.root = root
        self.names: list[str] = []

    def on_visit(self, node: "cst.CSTNode") -> bool:
        return False

    def on_leave(self, original_node: "cst.CSTNode") -> None:
        return None

    def on_visit_attribute(self, node: "cst.CSTNode", attribute: str) -> None:
        if node is self.root:
            self.names.append(attribute)

    def on_leave_attribute(self, original_node: "cst.CSTNode", attribute: str) -> None:
        return None
