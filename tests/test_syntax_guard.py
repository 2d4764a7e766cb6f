"""syntax_guard's depth check: source spans rule subtrees out, and never a too-deep one.

The oracle is the exact walk the guard used before (a copy is kept here): over adversarial
constructs at depths around `MAX_DEPTH`, in every position (module level, nested functions and
classes, across lines, with `\\r\\n` and lone `\\r` line ends, after non-ASCII text on the same
line), and over every `.py` file of the repository, the guard must give the full walk's verdict
and message. The bound itself (a subtree is at most `3 * span + 3` levels deep) and the spans it
rests on are checked node by node, since the verdicts alone could hide a bound that is wrong by
less than its slack."""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from kzai_lint import syntax_guard
from kzai_lint.syntax_guard import MAX_DEPTH, SyntaxProblem

REPO = Path(__file__).resolve().parent.parent
TARGETS = (100, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 900)
CJK = "漢字é" * 100  # 700 UTF-8 bytes in 300 characters
# Line breaks to `str.splitlines` but not to CPython, which counts lines at `\n`, `\r\n`, `\r`.
NOT_LINE_ENDS = "\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029"


def _full_walk_depth(tree: ast.AST) -> int:
    """The guard's former depth check, unchanged: every node, with an explicit stack."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                return deepest
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _tree(text: str) -> ast.Module | None:
    """The tree the guard compiles, or None when CPython rejects the text (no depth check)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(text, "<test>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _oracle(depth: int) -> SyntaxProblem | None:
    """What the guard said about a tree CPython accepted, from the full walk's depth."""
    if depth > MAX_DEPTH:
        return SyntaxProblem(f"nesting too deep to parse ({depth} syntax levels; the limit is {MAX_DEPTH})")
    return None


def _exact_depth(tree: ast.AST) -> int:
    """The depth of a tree, however deep (the oracle stops past the limit)."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


# An adversarial construct `(n, gap) -> source` nests one construct n times, with `gap` (a space,
# or a space and an escaped line end) wherever the grammar allows a line break. A position is
# (wrap the expression or block, gap, line end).
Construct = Callable[[int, str], str]
Position = tuple[Callable[[str], str], str, str]


def _fstring(inner: str, gap: str, quote: str = '"', spec: str = "") -> str:
    """An f-string around an expression: across lines only in triple quotes, and without
    backslashes (Python 3.11 allows neither in the expressions of other f-strings)."""
    if "\n" in gap:
        quote, inner = quote * 3, inner.replace("\\", "")
    return f"f{quote}{{{inner}{spec}}}{quote}"


# name: (construct, largest n to use; CPython rejects 201 nested brackets, 101 indentations)
EXPRESSIONS: dict[str, tuple[Construct, int]] = {
    "unary minus": (lambda n, g: f"-{g}" * n + "x", 2000),
    "not": (lambda n, g: f"not{g}" * n + "x", 2000),
    "invert plus": (lambda n, g: f"~{g}+{g}" * n + "x", 1000),
    "attribute": (lambda n, g: "a" + f"{g}.b" * n, 2000),
    "call": (lambda n, g: "f" + f"{g}()" * n, 2000),
    "subscript": (lambda n, g: "a" + f"{g}[0]" * n, 2000),
    "slice": (lambda n, g: f"a[{g}" * n + "0" + f":{g}1]" * n, 150),
    "binop": (lambda n, g: "1" + f"{g}+ 1" * n, 2000),
    "power": (lambda n, g: f"a{g}** " * n + "a", 2000),
    "ternary": (lambda n, g: f"x if c else{g}" * n + "y", 2000),
    "lambda": (lambda n, g: f"lambda:{g}" * n + "0", 2000),
    "lambda defaults": (lambda n, g: f"lambda a={g}" * n + "0" + f"{g}: 0" * n, 300),
    "list comprehension": (lambda n, g: f"[x for x in{g}" * n + "y" + "]" * n, 150),
    "generator argument": (lambda n, g: f"f(x for x in{g}" * n + "y" + ")" * n, 150),
    "dict comprehension": (lambda n, g: f"{{x: y for x in{g}" * n + "y" + "}" * n, 150),
    "keyword argument": (lambda n, g: f"f(a={g}" * n + "0" + ")" * n, 150),
    "starred argument": (lambda n, g: f"f(*{g}" * n + "x" + ")" * n, 150),
    "double-starred argument": (lambda n, g: f"f(**{g}" * n + "x" + ")" * n, 150),
    "walrus": (lambda n, g: f"(a :={g}" * n + "0" + ")" * n, 150),
    "await": (lambda n, g: f"(await{g}" * n + "x" + ")" * n, 150),
    "yield": (lambda n, g: f"(yield{g}" * n + "x" + ")" * n, 150),
    "dict display": (lambda n, g: f"{{1:{g}" * n + "0" + "}" * n, 150),
    "dict unpacking": (lambda n, g: f"{{**{g}" * n + "x" + "}" * n, 150),
    "set display": (lambda n, g: f"{{{g}" * n + "0" + "}" * n, 150),
    "list display": (lambda n, g: f"[{g}" * n + "]" * n, 150),
    "tuple": (lambda n, g: f"({g}" * n + "x" + ",)" * n, 150),
    "boolean operators": (lambda n, g: f"(a or{g}b and{g}" * n + "c" + ")" * n, 150),
    "comparison": (lambda n, g: f"(a <{g}" * n + "b" + ")" * n, 150),
    "f-string": (lambda n, g: _fstring(f"-{g}" * n + "x", g), 2000),
    "nested f-strings": (lambda n, g: _fstring(_fstring(f"-{g}" * n + "x", g), g, "'"), 2000),
    "f-string format spec": (lambda n, g: _fstring("x", g, "'", ":{" + _fstring(f"-{g}" * n + "y", g) + "}"), 2000),
    "concatenated f-strings": (lambda n, g: f'"a"{g}' + _fstring(f"-{g}" * n + "x", g) + f'{g}"b"', 2000),
}


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in block.split("\n"))


def _nested_blocks(header: str, n: int, innermost: str) -> str:
    """`n` compound statements each in the previous one (CPython allows 100 indentation levels)."""
    return "".join(" " * i + header + "\n" for i in range(n)) + " " * n + innermost + "\n"


def _nested_try(n: int) -> str:
    """`n` try statements each in the body of the previous one, each with its handler."""
    tries = "".join(" " * i + "try:\n" for i in range(n)) + " " * n + "pass\n"
    return tries + "".join(" " * i + "except E as e:\n" + " " * i + " pass\n" for i in reversed(range(n)))


STATEMENTS: dict[str, tuple[Construct, int]] = {
    "elif chain": (lambda n, g: "if c:\n    pass\n" + "elif c:\n    pass\n" * n, 2000),
    "nested functions": (lambda n, g: _nested_blocks("def f(a, b=1, *c, d: int = 2, **e) -> None:", n, "return a"), 90),
    "nested async functions": (lambda n, g: _nested_blocks("async def f():", n, "await x"), 90),
    "nested classes": (lambda n, g: _nested_blocks("class C(B, metaclass=M):", n, "x = 1"), 90),
    "nested with": (lambda n, g: _nested_blocks("with a as b, c:", n, "pass"), 90),
    "nested try": (lambda n, g: _nested_try(n), 90),
    "nested for": (lambda n, g: _nested_blocks("for x in y:", n, "pass"), 90),
    "decorator": (lambda n, g: "@a" + f"{g}.b" * n + "\ndef f(): pass\n", 2000),
    "later decorator": (lambda n, g: "@a\n@" + f"-{g}" * n + "x\n@b\nclass C: pass\n", 2000),
    "class decorator": (lambda n, g: "@f" + f"{g}()" * n + "\nclass C: pass\n", 2000),
    "argument default": (lambda n, g: "def f(a=" + f"-{g}" * n + "x): pass\n", 2000),
    "annotation": (lambda n, g: "def f(a: " + f"-{g}" * n + "x) -> None: pass\n", 2000),
    "return annotation": (lambda n, g: "def f() -> " + f"-{g}" * n + "x: pass\n", 2000),
    "class keyword": (lambda n, g: "class C(metaclass=" + f"-{g}" * n + "x): pass\n", 2000),
    "if condition": (lambda n, g: "if " + f"-{g}" * n + "x: pass\n", 2000),
    "with item": (lambda n, g: "with " + f"-{g}" * n + "x as y: pass\n", 2000),
    "except type": (lambda n, g: "try:\n    pass\nexcept " + f"-{g}" * n + "x: pass\n", 2000),
    "augmented assignment": (lambda n, g: "x += " + f"-{g}" * n + "x\n", 2000),
    "annotated assignment": (lambda n, g: "x: " + f"-{g}" * n + "x = 1\n", 2000),
    "match sequence": (lambda n, g: "match x:\n    case " + f"[{g}" * n + "y" + "]" * n + ":\n        pass\n", 150),
    "match class": (lambda n, g: "match x:\n    case " + f"C({g}" * n + "y" + ")" * n + ":\n        pass\n", 150),
    "match mapping": (lambda n, g: "match x:\n    case " + f"{{1:{g}" * n + "y" + "}" * n + ":\n        pass\n", 150),
    "match or": (lambda n, g: "match x:\n    case " + f"(1 |{g}" * n + "2" + ")" * n + ":\n        pass\n", 150),
    "match as": (lambda n, g: "match x:\n    case " + f"({g}" * n + "y" + " as z)" * n + ":\n        pass\n", 150),
    "match value": (lambda n, g: "match x:\n    case a" + f"{g}.b" * n + ":\n        pass\n", 2000),
    "match guard": (lambda n, g: "match x:\n    case y if " + f"-{g}" * n + "x:\n        pass\n", 2000),
}

NESTED = "class C:\n    def f(self):\n        class D:\n            def g():\n"
EXPRESSION_POSITIONS: dict[str, Position] = {
    "module": (lambda e: f"x = {e}\n", " ", "\n"),
    "nested": (lambda e: NESTED + f"                return {e}\n", " ", "\n"),
    "multi-line": (lambda e: f"print(\n    1,\n    {e},\n)\n", " \\\n", "\n"),
    "crlf": (lambda e: NESTED + f"                return {e}\n", " \\\n", "\r\n"),
    "cr": (lambda e: f"x = 1\ny = {e}\n", " \\\n", "\r"),
    "non-ascii": (lambda e: f'x = "{CJK}"; y = ("{CJK}{NOT_LINE_ENDS}", {e})\n', " \\\n", "\n"),
    "non-ascii crlf": (lambda e: f'def f():\n    return ("{CJK}", {e})\n', " \\\n", "\r\n"),
}
STATEMENT_POSITIONS: dict[str, Position] = {
    "module": (lambda b: b, " ", "\n"),
    "nested": (lambda b: NESTED + _indent(b, " " * 16), " ", "\n"),
    "multi-line": (lambda b: b, " \\\n", "\n"),
    "crlf": (lambda b: NESTED + _indent(b, " " * 16), " \\\n", "\r\n"),
    "cr": (lambda b: "x = 1\n" + b, " \\\n", "\r"),
    "non-ascii": (lambda b: f'x = "{CJK}{NOT_LINE_ENDS}"\nif "{CJK}":\n' + _indent(b, "    "), " \\\n", "\n"),
}


def _with_carrier(kind: str, body: str, k: int) -> str:
    """`body` under `k` more levels: unary minus for an expression, an elif chain for a block."""
    if kind == "expression":
        return "-" * k + "(" + body + ")"
    if k == 0:
        return body
    return "if c:\n    pass\n" + "elif c:\n    pass\n" * (k - 1) + "else:\n" + _indent(body, "    ")


@dataclass(frozen=True)
class Case:
    """One construct in one position, nested to chosen depths."""

    kind: str
    construct: Construct
    cap: int
    position: Position

    def text(self, n: int, k: int) -> str:
        """The construct nested `n` times, under `k` levels of carrier."""
        wrap, gap, newline = self.position
        return wrap(_with_carrier(self.kind, self.construct(n, gap), k)).replace("\n", newline)

    def depth(self, n: int) -> int:
        """The depth of the construct nested `n` times, without carrier."""
        tree = _tree(self.text(n, 0))
        assert tree is not None, f"CPython rejects {self.text(n, 0)[:200]!r}"
        return _exact_depth(tree)

    def deep(self, targets: tuple[int, ...]) -> Iterator[tuple[int, str]]:
        """For each target, a text exactly that deep: the construct nested as far as about half
        the target allows (and CPython accepts), carried down the rest of the way."""
        known: dict[int, int] = {}

        def depth(n: int) -> int:
            if n not in known:
                known[n] = self.depth(n)
            return known[n]

        per_level = max(1, depth(2) - depth(1))
        for target in targets:
            n = min(self.cap, max(1, target // 2 // per_level))
            while depth(n) > target and n > 1:
                n //= 2
            assert depth(n) <= target, "the construct alone is deeper than the target"
            yield target, self.text(n, target - depth(n))


def _cases() -> Iterator[tuple[str, Case]]:
    """Each construct at module level and in two of the other positions, in rotation: every
    construct and every position is covered (all pairs took 20 s of the suite's budget)."""
    for kind, constructs, positions in (("expression", EXPRESSIONS, EXPRESSION_POSITIONS), ("block", STATEMENTS, STATEMENT_POSITIONS)):
        places = list(positions.items())
        for index, (name, (construct, cap)) in enumerate(constructs.items()):
            chosen = [places[0], places[1 + (2 * index) % (len(places) - 1)], places[1 + (2 * index + 1) % (len(places) - 1)]]
            for where, position in dict(chosen).items():
                yield f"{name}, {where}", Case(kind, construct, cap, position)


CASES = dict(_cases())


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_adversarial_nesting_gets_the_full_walks_verdict(case: Case) -> None:
    for target, text in case.deep(TARGETS):
        tree = _tree(text)
        assert tree is not None
        depth = _full_walk_depth(tree)
        assert depth == min(target, MAX_DEPTH + 1)  # the full walk stops past the limit
        assert syntax_guard.check(text) == _oracle(depth), f"depth {target}"
        if target == MAX_DEPTH:
            _assert_bound_holds(text, tree)
            _assert_spans_exact(text, tree)


def _assert_bound_holds(text: str, tree: ast.AST) -> None:
    """No subtree is deeper than `3 * span + 3` levels."""
    spans = syntax_guard._Spans(text)
    for node, depth in _subtree_depths(tree).items():
        span = spans.of(node)
        if span is not None:
            assert depth <= 3 * span + 3, (type(node).__name__, node.lineno, depth, span)  # type: ignore[attr-defined]


def _subtree_depths(tree: ast.AST) -> dict[ast.AST, int]:
    """The depth of the subtree of every node outside f-strings, whose inner positions the
    guard does not trust (Python 3.11 gives them the f-string's span, or a line of it)."""
    order: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(ast.iter_child_nodes(node))
    depths: dict[ast.AST, int] = {}
    for node in reversed(order):
        depths[node] = 1 + max((depths[child] for child in ast.iter_child_nodes(node)), default=0)
    for node in order:
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if inner is not node:
                    depths.pop(inner, None)
    return depths


def _assert_spans_exact(text: str, tree: ast.AST) -> None:
    """Every span is the UTF-8 length of the node's source (from its first decorator) with
    CPython's line ends (`\\r\\n` and `\\r` read as one `\\n`): the bound may overestimate spans,
    never underestimate them. The source is cut out of the lines, as `ast.get_source_segment`
    does (which splits the whole text again for every node)."""
    lines = [line.encode("utf-8") for line in re.split("\r\n|\r|\n", text)]
    spans = syntax_guard._Spans(text)
    for node in _subtree_depths(tree):
        if not hasattr(node, "end_col_offset"):
            continue
        start = node.decorator_list[0] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list else node
        first, last = start.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
        if first == last:
            source = lines[first][start.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
        else:
            source = b"\n".join([lines[first][start.col_offset :], *lines[first + 1 : last], lines[last][: node.end_col_offset]])  # type: ignore[attr-defined]
        assert spans.of(node) == len(source), (type(node).__name__, node.lineno, source[:80])  # type: ignore[attr-defined]


def _repo_sources() -> list[Path]:
    return sorted(path for folder in ("fixtures", "tests") for path in (REPO / folder).rglob("*.py"))


def test_every_python_file_of_the_repository_gets_the_full_walks_verdict() -> None:
    checked = 0
    for path in _repo_sources():
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        tree = _tree(text)
        if tree is None:
            continue  # a syntax error: CPython's message, no depth check
        assert syntax_guard.check(text) == _oracle(_full_walk_depth(tree)), path
        _assert_spans_exact(text, tree)
        checked += 1
    assert checked > 50


def test_normal_files_cost_a_look_at_a_fraction_of_their_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the bound: the depth check judges roughly the statements of a file."""
    judged = 0
    judge = syntax_guard._Spans.of

    def counting(self: syntax_guard._Spans, node: ast.AST) -> int | None:
        nonlocal judged
        judged += 1
        return judge(self, node)

    monkeypatch.setattr(syntax_guard._Spans, "of", counting)
    nodes = 0
    for path in _repo_sources():
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        tree = _tree(text)
        if tree is not None:
            nodes += sum(1 for _ in ast.walk(tree))
            syntax_guard.check(text)
    assert judged * 5 < nodes, (judged, nodes)


@pytest.mark.parametrize("text", [
    "x = 1\r\ny = (1,\r\n     2)\rz = [\r3]\n",
    f'x = "{CJK}"; y = (\n  1)\n',
    "x = '''a\rb\r\nc'''\ny = (\n1)\n",
    f"x = ('{NOT_LINE_ENDS}',\n  '{NOT_LINE_ENDS}')\n",
    "@a\n\n@b(\n  1)\n\ndef f(): pass\n",
    "",
    "x = 1",
])
def test_spans_follow_cpythons_lines_and_bytes(text: str) -> None:
    tree = _tree(text)
    assert tree is not None
    _assert_spans_exact(text, tree)


def test_deep_nesting_reports_the_depth_found_past_the_limit() -> None:
    chain = "x = " + " + ".join(["1"] * 700)
    assert syntax_guard.check(chain) == SyntaxProblem(f"nesting too deep to parse ({MAX_DEPTH + 1} syntax levels; the limit is {MAX_DEPTH})")
