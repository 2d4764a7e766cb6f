"""`Visitor.walk` makes exactly the calls `node.visit(visitor)` makes, in the same order
(it only skips libcst's rebuilding of the tree), on all of this repository's Python code."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from kzai_lint.analysis.visitor import Visitor

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for folder in ("kzai_lint", "tests", "plugins", "fixtures", "bench") for p in (ROOT / folder).rglob("*.py"))
SYNTAX = '''
from . import (a, b as c)
from .. x import *
import a.b.c as d
@decorator(arg)
async def f(x, /, y=1, *args, z: int = 2, **kw) -> "T":
    async with a as b, c:
        async for i in range(3):
            yield await g(i)
    return [j async for j in k if j] or {m: n for m, n in o.items()} or {*p} or (q for q in r)
lambda: (yield)
x = f"{a!r:>{width}} {b=} {c:{d}.{e}}" f'{"nested"}' 'implicit' "concat"
match point:
    case Point(x=0, y=0) | [1, 2, *rest] | {"k": v, **others} if v > 0:
        pass
    case _:
        pass
try:
    raise E from None
except* (A, B) as err:
    del err
finally:
    global G
(walrus := 1); a[1:2, ::3]; b @= c; not -d ** e
class K(Base, metaclass=M):
    """doc"""
    x: int = 1
    def __init__(self): super().__init__(); print(*a, **b)
'''


class Recorder(Visitor):
    def __init__(self, skip: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.events: list[tuple[Any, ...]] = []
        self.skip = skip

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        return type(node).__name__ not in self.skip

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("visit-attribute", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.events.append(("leave-attribute", id(original_node), attribute))


class Names(Visitor):
    """Dispatches through `visit_<Node>` / `leave_<Node>`, with attribute hooks."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.seen.append("def " + node.name.value)
        return node.name.value != "f"

    def visit_Call_func(self, node: cst.Call) -> None:
        self.seen.append("call")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.seen.append("end class")


def events(module: cst.Module, skip: tuple[str, ...], walk: bool) -> list[tuple[Any, ...]]:
    recorder = Recorder(skip)
    if walk:
        recorder.walk(module)
    else:
        module.visit(recorder)
    return recorder.events


@pytest.mark.parametrize("skip", [(), ("FunctionDef", "Call", "FormattedString")])
def test_walk_matches_libcst_visit(skip: tuple[str, ...]) -> None:
    modules = [cst.parse_module(SYNTAX)]
    for path in SOURCES:
        try:
            modules.append(cst.parse_module(path.read_text(encoding="utf-8")))
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue
    assert len(modules) > 50
    for module in modules:
        assert events(module, skip, walk=True) == events(module, skip, walk=False)


def test_walk_dispatches_like_a_cst_visitor() -> None:
    module = cst.parse_module(SYNTAX)
    walked, visited = Names(), Names()
    walked.walk(module)
    module.visit(visited)
    assert walked.seen == visited.seen
    assert "call" in walked.seen and "end class" in walked.seen and "def f" in walked.seen
    assert isinstance(walked, cst.CSTVisitor)


def _handler_only_recorder() -> type:
    """A visitor with `visit_`/`leave_` handlers for every non-trivia libcst node type (and no
    generic hooks), so it takes the fast walk; it notes each call with the ancestors it saw."""
    import inspect

    from kzai_lint.analysis.visitor import TRIVIA

    def visit(self: Any, node: cst.CSTNode) -> None:
        self.events.append(("visit", id(node), tuple(id(a) for a in self.ancestors)))

    def leave(self: Any, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", id(original_node)))

    methods: dict[str, Any] = {}
    for name, value in vars(cst).items():
        if inspect.isclass(value) and issubclass(value, cst.CSTNode) and name not in TRIVIA:
            methods["visit_" + name] = visit
            methods["leave_" + name] = leave
    return type("HandlerRecorder", (Visitor,), methods)


class _Reference(cst.CSTVisitor):
    """libcst's own walk, reporting what the fast walk should: non-trivia nodes and their
    non-trivia ancestors."""

    def __init__(self) -> None:
        from kzai_lint.analysis.visitor import TRIVIA

        super().__init__()
        self.trivia = TRIVIA
        self.events: list[tuple[Any, ...]] = []
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node).__name__ in self.trivia:
            return False
        self.events.append(("visit", id(node), tuple(id(a) for a in self.stack)))
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node).__name__ in self.trivia:
            return
        self.stack.pop()
        self.events.append(("leave", id(original_node)))


def test_fast_walk_sees_every_non_trivia_node_with_its_ancestors() -> None:
    recorder_type = _handler_only_recorder()
    modules = [cst.parse_module(SYNTAX)]
    for path in SOURCES[:80]:
        try:
            modules.append(cst.parse_module(path.read_text(encoding="utf-8")))
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue
    for module in modules:
        fast = recorder_type()
        fast.events = []
        fast.walk(module)
        reference = _Reference()
        module.visit(reference)
        assert fast.events == reference.events


def test_trivia_types_hold_only_trivia() -> None:
    """Nothing but trivia is ever found under a trivia node (so skipping it loses nothing)."""
    from kzai_lint.analysis.visitor import TRIVIA, child_fields

    module = cst.parse_module(SYNTAX + "\nx = (  # comment\n    a,  # more\n)\n")
    stack: list[Any] = [module]
    while stack:
        node = stack.pop()
        inside_trivia = type(node).__name__ in TRIVIA
        for name in child_fields(node):
            value = getattr(node, name)
            for child in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(child, cst.CSTNode):
                    if inside_trivia:
                        assert type(child).__name__ in TRIVIA, (type(node).__name__, name, type(child).__name__)
                    stack.append(child)


def test_content_fields_drop_only_trivia_fields() -> None:
    """Every field `content_fields` leaves out holds trivia (or nothing) in real code."""
    from kzai_lint.analysis.visitor import TRIVIA, child_fields, content_fields

    modules = [cst.parse_module(SYNTAX)] + [cst.parse_module(p.read_text(encoding="utf-8")) for p in SOURCES[:40]]
    for module in modules:
        stack: list[Any] = [module]
        while stack:
            node = stack.pop()
            kept = content_fields(node)
            for name in child_fields(node):
                value = getattr(node, name)
                children = [c for c in (value if isinstance(value, (list, tuple)) else [value]) if isinstance(c, cst.CSTNode)]
                if name not in kept:
                    assert all(type(c).__name__ in TRIVIA for c in children), (type(node).__name__, name)
                stack.extend(children)
