"""`analysis.positions` must give exactly libcst's PositionProvider ranges, for every node.

Findings' lines, columns and evidence come from these ranges, so any difference would move a
reported position. The sources written here cover what makes a node's code depend on its context
(indentation of every kind, `elif`, annotations, parameters, comments and continuation lines,
repeated code, line endings, text libcst does not print back verbatim); the repository's own
fixtures and tests add a few hundred thousand nodes of ordinary code.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from kzai_lint.analysis.positions import NodePositions, _is_punctuation
from kzai_lint.analysis.visitor import child_fields
from kzai_lint.api import check
from kzai_lint.sources.python import PythonSource

REPO = Path(__file__).resolve().parent.parent

NESTED = '''\
"""Module docstring with non-ASCII: Қазақстан, émotion."""
import os, sys  # two names
from typing import (
    Any,  # comment inside parentheses
    Optional,
)

x = 1; y = 2; z = f(x)


@decorator
# a comment between decorators

@other.decorator(arg=1)  # trailing
class Outer(Base, metaclass=Meta):
  """Two-space indentation."""

  attribute: int = 3

  class Inner:
      def method(self, a: int, /, b: str = "s", *args: Any, c: int = 0, **kwargs: Any) -> Optional[int]:
          if a:
              return f(x)
          elif b:
              return f(x) + f(x)
          elif c:
              pass
          else:
              return None

  async def coroutine(self) -> None:
    async with lock as held, other() as (a, b):
        await f(x)
    async for item in stream():
        yield item


def tabs():
\tif True:
\t\tvalue = f(x)
\t\treturn value \\
\t\t\t+ 1
\treturn f(
\t\tx,  # argument comment
\t\ty=2,
\t)


def calls(items):
    total = call(
        1,
        # a comment line inside a call
        2,
    )
    total = call(
        1,
        # a comment line inside a call
        2,
    )
    f(x)
    f(x)
    f(x)
    data = [f(x) for x in items if x]
    lookup = {k: v for k, v in items}
    unique = {f(x) for x in items}
    gen = (f(x) for x in items)
    key = lambda item, *, reverse=False: (item, reverse)
    text = "plain" 'concatenated' f"formatted {total!r:>{width}} {x=}"
    raw = rb"raw\\bytes" b'more'
    text = text, raw
    multi = """line one
line two"""
    name_é = "значение"
    return total, data, lookup, unique, gen, key, text, multi, name_é


def errors():
    try:
        f(x)
    except (ValueError, TypeError) as exc:
        raise RuntimeError("wrapped") from exc
    except Exception:
        pass
    else:
        f(x)
    finally:
        f(x)
    with open("a") as a, open("b"):
        pass
    while f(x):
        break
    else:
        f(x)
    for i in range(3):
        continue
    global G
    del a[0], b.c
    assert f(x), "message"
    if (n := f(x)) > 1:
        print(n, sep="", end="")
    x = y if z else w
    a[1:2, ::3] = b[...]
    *rest, last = items
    x += 1
    return -x, not x, x ** 2, x @ y


def matching(command):
    match command.split():
        case [action]:
            f(x)
        case [action, obj] if obj:
            f(x)
        case {"key": value, **rest}:
            f(x)
        case Point(x=0, y=0) | Point(x=1):
            f(x)
        case str() as text:
            f(x)
        case _:
            f(x)
    # trailing comment of the function
'''

ONE_LINERS = """\
if a: f(x)
elif b: f(x)
else: f(x)
for i in x: f(x); g(i)
while x: f(x)
class C: pass
def g(): return f(x)
with f(x): pass
try: f(x)
except E: f(x)
"""

DUPLICATES = """\
def a():
    f(x)
    f(x)


def b():
    f(x)
    f(x)


class A:
    def a(self):
        f(x)

class B:
    def a(self):
        f(x)

f(x); f(x)
f(x) + f(x)
"""

CONTINUATIONS = """\
value = 1 + \\
    2
if value and \\
        other:
    result = call(value,
                  other)  # aligned continuation
    result = [
        1,
        2,
    ]
    # an indented comment before a dedent
other = 3
"""

SOURCES: dict[str, str] = {
    "nested": NESTED,
    "one-liners": ONE_LINERS,
    "duplicates": DUPLICATES,
    "continuations": CONTINUATIONS,
    "empty": "",
    "comment-only": "# only a comment\n",
}

# Text libcst does not print back character for character: the search falls back to generated code.
NOT_VERBATIM = {
    "bom": "\ufeff" + DUPLICATES,
    "form-feed": "x = 1\n\x0cf(x)\n\x0cdef g():\n    f(x)\n",
    "backslash-indent": "def g():\n    f(x)\n    \\\nreturn f(x)\n",
    "dropped-tail": "f(x)\n  # dropped by libcst\n",
    "trailing-spaces": "f(x)\nf(x)\n   ",
}

NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    """Every node of the tree, whitespace and punctuation included."""
    found: list[cst.CSTNode] = []
    stack: list[Any] = [module]
    while stack:
        node = stack.pop()
        found.append(node)
        for name in child_fields(node):
            value = getattr(node, name)
            items = value if isinstance(value, (list, tuple)) else (value,)
            stack.extend(item for item in items if isinstance(item, cst.CSTNode))
    return found


def _reference(module: cst.Module) -> dict[cst.CSTNode, CodeRange]:
    return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _variants(text: str) -> dict[str, str]:
    """The text with each kind of line ending, and without its final newline."""
    out = {}
    for name, newline in NEWLINES.items():
        converted = text.replace("\n", newline)
        out[name] = converted
        out[f"{name}-no-final-newline"] = converted.rstrip(newline)
    return out


def _cases(*, every_variant_of_nested: bool) -> list[Any]:
    cases = []
    for name, source in SOURCES.items():
        for variant, text in _variants(source).items():
            if name != "nested" or every_variant_of_nested or variant in ("lf", "crlf-no-final-newline", "cr"):
                cases.append(pytest.param(text, id=f"{name}-{variant}"))
    return cases + [pytest.param(text, id=name) for name, text in NOT_VERBATIM.items()]


@pytest.mark.parametrize("text", _cases(every_variant_of_nested=False))
def test_each_node_alone_gets_position_providers_range(text: str) -> None:
    """A fresh instance per node, so each is placed from scratch. Whitespace and punctuation
    (which findings never point at) are left to the next test, which is cheaper per node."""
    module = cst.parse_module(text)
    expected = _reference(module)
    for node in _nodes(module):
        if not _is_punctuation(type(node)):
            assert NodePositions(module, text).range_of(node) == expected.get(node), _describe(node)


@pytest.mark.parametrize("text", _cases(every_variant_of_nested=True))
def test_shared_instance_gets_position_providers_range(text: str) -> None:
    """One instance per file, every node, in a random order: placements reuse earlier ones."""
    module = cst.parse_module(text)
    expected = _reference(module)
    nodes = _nodes(module)
    random.Random(len(text)).shuffle(nodes)
    positions = NodePositions(module, text)
    assert [positions.range_of(node) for node in nodes] == [expected.get(node) for node in nodes]


def _describe(node: cst.CSTNode) -> str:
    return f"{type(node).__name__}: {cst.Module([]).code_for_node(node)!r}"


def _repository_files() -> list[Path]:
    """All of fixtures/ (code as scanned repositories have it) and every fourth file of tests/
    (the suite's time budget; the test files are alike)."""
    tests = sorted((REPO / "tests").rglob("*.py"))
    return sorted((REPO / "fixtures").rglob("*.py")) + tests[::4]


def test_repository_files_get_position_providers_ranges() -> None:
    """Every syntax node (whitespace and punctuation are covered above) of every Python file under
    fixtures/ and tests/, in tree order, so mostly through the windows of placed statements; in
    the fixtures (code as scanned repositories have it) also a sample placed alone."""
    checked = 0
    for path in _repository_files():
        text = path.read_text(encoding="utf-8")
        module = cst.parse_module(text)
        expected = _reference(module)
        # Not the module itself, which would answer everything at once.
        nodes = [node for node in _nodes(module)[1:] if not _is_punctuation(type(node))]
        positions = NodePositions(module, text)
        assert [positions.range_of(node) for node in nodes] == [expected[node] for node in nodes], path
        checked += len(nodes)
        if path.is_relative_to(REPO / "fixtures"):
            sample = random.Random(path.name).sample(nodes, min(10, len(nodes)))
            sample += [node for node in nodes if isinstance(node, cst.Call)][:5]
            for node in sample:
                assert NodePositions(module, text).range_of(node) == expected[node], (path, _describe(node))
    assert checked > 10_000


def test_nodes_of_another_tree_have_no_position() -> None:
    module = cst.parse_module("f(x)\n")
    stranger = cst.parse_module("f(x)\n").body[0]
    assert NodePositions(module, "f(x)\n").range_of(stranger) is None


def _finding_positions(result: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (f.code, f.path, f.cell, f.line, f.column, f.end_line, f.end_column, f.evidence, f.fingerprint)
        for f in result.findings
    )


@pytest.mark.parametrize("fixture", ["notebook-emotion", "emotion-app", "local-mode-violation"])
def test_findings_keep_position_providers_positions(fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole pipeline, notebook cells included, against the former whole-module computation."""
    target = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, target)
    fast = _finding_positions(check([target], jobs=1))

    def whole_module_range(self: PythonSource, node: cst.CSTNode) -> CodeRange | None:
        return _reference(self.module).get(node)

    monkeypatch.setattr(PythonSource, "_range", whole_module_range)
    reference = _finding_positions(check([target], jobs=1))
    assert fast == reference
    assert any(line is not None for _, _, _, line, *_ in fast)
    if fixture == "notebook-emotion":
        assert any(cell is not None for _, _, cell, *_ in fast)
