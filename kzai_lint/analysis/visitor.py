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

- A visitor that only defines `visit_<Node>` / `leave_<Node>` handlers (no `on_visit`,
  `on_leave` or attribute hooks of its own) gets the fast walk: it never descends into trivia
  (whitespace, comments, brackets, commas, operators: a third of a module's nodes, none of which
  can contain anything else) unless it has a handler for that trivia type, dispatches through a
  per-class table of (visit, leave, child fields) built once per node type, and keeps the chain
  of ancestors of the node being visited in `self.ancestors` (Module first), so collectors need
  no `on_visit` bookkeeping of their own. Handlers see the same nodes in the same order as with
  `node.visit(visitor)`; `tests/test_visitor_walk.py` checks both walks.

Metadata is not supported: a visitor that declares `METADATA_DEPENDENCIES` must subclass
`libcst.CSTVisitor` itself.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
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
        self.ancestors: list[Any] = []

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
        cls = type(self)
        if _needs_every_node(cls):
            _walk(self, node, _has_attribute_hooks(cls))
        else:
            _fast_walk(self, node, _plans(cls))


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


def _needs_every_node(cls: type) -> bool:
    """Generic `on_visit`/`on_leave` overrides or attribute hooks see every node, trivia included:
    such visitors take the complete walk."""
    return cls.on_visit is not Visitor.on_visit or cls.on_leave is not Visitor.on_leave or _has_attribute_hooks(cls)  # type: ignore[attr-defined]


_Plan = tuple["Callable[[Any, Any], Any] | None", "Callable[[Any, Any], Any] | None", tuple[str, ...]]
_PLANS: dict[type, dict[type, _Plan | None]] = {}


def _plans(cls: type) -> dict[type, _Plan | None]:
    """Per visitor class: node type -> (visit, leave, child fields), or None for a trivia type
    the class has no handler for (never entered). Filled as node types are met."""
    plans = _PLANS.get(cls)
    if plans is None:
        plans = _PLANS[cls] = {}
    return plans


def _plan(cls: type, plans: dict[type, _Plan | None], node: Any) -> _Plan | None:
    node_type = type(node)
    base = _node_base()
    visit = getattr(cls, "visit_" + node_type.__name__, None)
    leave = getattr(cls, "leave_" + node_type.__name__, None)
    plan: _Plan | None
    if not isinstance(node, base) or (visit is None and leave is None and node_type.__name__ in TRIVIA):
        plan = None  # None, MaybeSentinel, or trivia without a handler
    else:
        fields = child_fields(node) if _handles_trivia(cls) else content_fields(node)
        # A leaf (Name, Integer, Pass...) without a handler: nothing to call, nothing below.
        plan = None if visit is None and leave is None and not fields else (visit, leave, fields)
    plans[node_type] = plan
    return plan


@functools.lru_cache(maxsize=None)
def _handles_trivia(cls: type) -> bool:
    return any(hasattr(cls, prefix + name) for name in TRIVIA for prefix in ("visit_", "leave_"))


def content_fields(node: "cst.CSTNode") -> tuple[str, ...]:
    """`child_fields` without the fields that can only hold trivia (`whitespace_*`, `lpar`,
    `comma`, `leading_lines`...): two thirds of all fields, read from libcst's own field
    annotations, so a field that may hold anything else is always kept."""
    node_type = type(node)
    names = _CONTENT.get(node_type)
    if names is None:
        declared = {f.name: f.type for f in dataclasses.fields(node)}  # type: ignore[arg-type]
        names = _CONTENT[node_type] = tuple(n for n in child_fields(node) if not _trivia_only(declared.get(n)))
    return names


_CONTENT: dict[type, tuple[str, ...]] = {}


def _trivia_only(annotation: Any) -> bool:
    """Whether every libcst node type an annotation admits is trivia (unknown shapes: no)."""
    if annotation is None or isinstance(annotation, (str, typing.ForwardRef)):
        return False
    if isinstance(annotation, type):
        return _trivia_class(annotation)
    args = typing.get_args(annotation)
    if not args:
        return False
    nodes = [a for a in args if a is not type(None) and getattr(a, "__name__", "") != "MaybeSentinel"]
    return bool(nodes) and all(_trivia_only(a) for a in nodes)


@functools.lru_cache(maxsize=None)
def _trivia_class(cls: type) -> bool:
    """A trivia type, or an abstract base all of whose concrete subclasses are trivia."""
    family = [cls]
    found: list[type] = []
    while family:
        current = family.pop()
        family.extend(current.__subclasses__())
        if not inspect.isabstract(current):
            found.append(current)
    return bool(found) and all(c.__name__ in TRIVIA for c in found)


_UNSEEN: Any = object()


def _fast_walk(visitor: Visitor, root: Any, plans: dict[type, _Plan | None]) -> None:
    cls = type(visitor)
    ancestors = visitor.ancestors
    get = plans.get

    def walk(node: Any, plan: Any) -> None:
        if plan is _UNSEEN:
            plan = _plan(cls, plans, node)
            if plan is None:
                return
        visit, leave, fields = plan
        if visit is None or visit(visitor, node) is not False:
            ancestors.append(node)
            for name in fields:
                value = getattr(node, name)
                kind = value.__class__
                if kind is tuple or kind is list:
                    for item in value:
                        child = get(item.__class__, _UNSEEN)
                        if child is not None:
                            walk(item, child)
                else:
                    child = get(kind, _UNSEEN)
                    if child is not None:
                        walk(value, child)
            ancestors.pop()
        if leave is not None:
            leave(visitor, node)

    try:
        walk(root, get(type(root), _UNSEEN))
    finally:
        # `walk` refers to itself through its closure cell: a reference cycle that holds the
        # visitor and, through it, the whole tree, until the cyclic collector runs. Emptying
        # the cell lets reference counting free the tree as soon as the file is done (measured:
        # the collector's share of a scan went from ~12 % to ~5 %).
        walk = None  # type: ignore[assignment]


def _node_base() -> type:
    """`libcst.CSTNode`, imported on first need (defining visitors must not load libcst)."""
    if not _CST_NODE:
        import libcst

        _CST_NODE.append(libcst.CSTNode)
    return _CST_NODE[0]


TRIVIA = frozenset({
    # whitespace and comments
    "Comment", "EmptyLine", "Newline", "ParenthesizedWhitespace", "SimpleWhitespace", "TrailingWhitespace",
    # brackets and separators
    "Asynchronous", "AssignEqual", "Colon", "Comma", "Dot", "ImportStar", "LeftCurlyBrace", "LeftParen",
    "LeftSquareBracket", "ParamSlash", "ParamStar", "RightCurlyBrace", "RightParen", "RightSquareBracket",
    "Semicolon",
    # operators
    "Add", "AddAssign", "And", "BitAnd", "BitAndAssign", "BitInvert", "BitOr", "BitOrAssign", "BitXor",
    "BitXorAssign", "Divide", "DivideAssign", "Equal", "FloorDivide", "FloorDivideAssign", "GreaterThan",
    "GreaterThanEqual", "In", "Is", "IsNot", "LeftShift", "LeftShiftAssign", "LessThan", "LessThanEqual",
    "MatrixMultiply", "MatrixMultiplyAssign", "Minus", "Modulo", "ModuloAssign", "Multiply", "MultiplyAssign",
    "Not", "NotEqual", "NotIn", "Or", "Plus", "Power", "PowerAssign", "RightShift", "RightShiftAssign",
    "Subtract", "SubtractAssign",
})
"""libcst node types that hold only tokens, whitespace and comments: nothing a rule looks for can
be under them (`tests/test_visitor_walk.py` checks this against libcst's own classes)."""


_FIELDS: dict[type, tuple[str, ...]] = {}
# The one child libcst 1.x visits only when it is set (`format_spec`, last in its visit order);
# every other field is visited, even when None or empty. The equivalence test guards this.
_VISITED_WHEN_SET = frozenset({("FormattedStringExpression", "format_spec")})
_CST_NODE: list[type] = []


def child_fields(node: "cst.CSTNode") -> tuple[str, ...]:
    """The attributes libcst visits for this node's type, in libcst's order (learnt once)."""
    node_type = type(node)
    if node_type not in _FIELDS:
        _node_base()  # the generic walk tests children against it
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
