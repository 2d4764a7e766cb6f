"""CPython's own parser as a cheap, safe gate in front of libcst.

libcst 1.0.1 is quadratic in nesting depth and its native parser overflows the C stack on deep
nesting: measured, 1,000 nested lists take 13 s, and 10,000 nested parentheses (or `not not
...`) kill the process with a segmentation fault, taking the whole run with it. CPython's
parser is ten times faster than libcst, rejects what Python itself cannot run (200 nested
brackets, 100 indentation levels, expressions too deep to compile) with a clean `SyntaxError`,
and reports the exact line and column, with better messages ("Missing parentheses in call to
'print'") than libcst. So Python source goes to libcst only when `ast.parse` accepted it and its
syntax tree is at most `MAX_DEPTH` levels deep; below that libcst is known to stay fast (under a
second at depth 500) and our analysis, which recurses per level, fails cleanly above it anyway.

Measuring the depth of every tree by visiting all its nodes in Python cost almost as much as
CPython's parse itself, so the depth check uses the source positions to rule whole subtrees out
instead: a subtree is at most `3 * span + 3` levels deep, where `span` is the length of its source
text. Every level of a chain of nodes spends at least one character of source (`-`, `.b`, `[0]`,
`()`, `not `, `elif c:` ...), and the nodes that spend none cannot chain on their own: a node
without a position (`arguments`, `comprehension`, `withitem`, `match_case`, contexts,
operators) sits between positioned nodes, and a positioned node with its child's very span
(`Expr`, `MatchValue`) wraps an expression that must spend characters to nest again; so each
character of a subtree pays for at most three of its levels. A node `depth` levels down whose
`span` satisfies `depth + 3 * span + 3 <= MAX_DEPTH` therefore cannot hold a too-deep subtree and
is skipped; other nodes are opened and their children judged the same way, so a normal file
costs a look at its statements rather than at all its nodes, and a really deep one is still
walked down to the level that breaks the limit. Positions are CPython's: lines split on `\n`,
`\r\n` and `\r`, columns in UTF-8 bytes (never fewer than characters). Two kinds of subtree reach
beyond their node's span and are handled apart: decorators come before `def`/`class`, so such a
span starts at the first decorator; and the nodes inside an f-string carry unreliable positions
before Python 3.12, so an f-string the bound cannot rule out is walked node by node.
"""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable

__all__ = ["MAX_DEPTH", "SyntaxProblem", "check"]

#: Deepest syntax tree (in `ast` levels) handed to libcst; a 300-branch `elif` chain is ~300.
MAX_DEPTH = 500

_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # notebooks allow top-level await


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """Why a Python source is not parsed into a CST; line and column are 1-based."""

    message: str
    line: int | None = None
    column: int | None = None


def check(text: str) -> SyntaxProblem | None:
    """None when libcst may parse `text`; otherwise what CPython's parser found wrong."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes and the like
            tree = compile(text, "<source>", "exec", flags=_FLAGS, dont_inherit=True)
    except SyntaxError as exc:  # includes IndentationError and TabError
        return SyntaxProblem(_message(exc), exc.lineno, exc.offset if exc.lineno else None)
    except (RecursionError, MemoryError):
        return SyntaxProblem("nesting too deep to parse")
    except ValueError as exc:  # NUL bytes on some Python versions
        return SyntaxProblem(str(exc) or "invalid source")
    depth = _too_deep(tree, text)
    if depth is not None:
        return SyntaxProblem(f"nesting too deep to parse ({depth} syntax levels; the limit is {MAX_DEPTH})")
    return None


def _message(exc: SyntaxError) -> str:
    message = exc.msg or "invalid syntax"
    if "too many nested" in message or "too many levels" in message or "too complex" in message:
        return f"nesting too deep to parse: {message}"
    return message


_DECORATED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BLOCKS = ("body", "orelse", "handlers", "finalbody")  # statement lists, after the header


def _too_deep(tree: ast.Module, text: str) -> int | None:
    """The depth of the first node found deeper than `MAX_DEPTH` (so `MAX_DEPTH + 1`, as the
    full walk reports it), or None when there is none.

    Only the nodes whose span does not rule their subtree out are opened (see the module
    docstring); their children are judged before they are stacked, so the stack holds the few
    nodes to open. The walk uses an explicit stack: the tree may be deeper than Python's
    recursion limit."""
    limit = MAX_DEPTH
    spans = _Spans(text)
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return depth
        if type(node) is ast.JoinedStr:  # positions inside are unreliable before Python 3.12
            found = _deepest(node, depth, limit)
            if found is not None:
                return found
            continue
        below = depth + 1
        budget = (limit - 3 - below) // 3  # the longest span ruled out `below` levels down
        for child in _children(node, budget, spans):
            span = spans.of(child)
            if span is None or span > budget:
                stack.append((child, below))
    return None


def _children(node: ast.AST, budget: int, spans: _Spans) -> Iterable[ast.AST]:
    """The children of `node` to judge one by one. A compound statement whose header (what
    comes before its first statement: decorators, signature, condition, ...) fits the budget
    as a whole gives only its statements, so that a function costs a look at its statements
    rather than at each of its parameters."""
    body = getattr(node, "body", None)
    if type(body) is list and body:
        header = spans.header(node, body[0])
        if header is not None and header <= budget:
            return [child for name in _BLOCKS for child in getattr(node, name, ())]
    return ast.iter_child_nodes(node)


def _deepest(tree: ast.AST, depth: int, limit: int) -> int | None:
    """Like `_too_deep` for a subtree `depth` levels down, visiting every node: the exact walk
    for subtrees whose positions cannot be trusted."""
    stack: list[tuple[ast.AST, int]] = [(tree, depth)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return depth
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


class _Spans:
    """Source lengths in UTF-8 bytes, from CPython's positions.

    Spans on one line need no more than the node; the byte offsets of line starts, needed for
    spans across lines, are computed on first use, from a copy of the text with CPython's line
    ends (`\r\n` and a lone `\r` read as `\n`)."""

    __slots__ = ("_line_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts: list[int] | None = None

    def of(self, node: ast.AST) -> int | None:
        """The length of the source of the subtree of `node`, None without a position
        (`arguments`, operators, ...)."""
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            return None
        start_line, start_col = _start(node)
        return self._length(start_line, start_col, node.end_lineno, end_col)  # type: ignore[attr-defined]

    def header(self, node: ast.AST, first: ast.AST) -> int | None:
        """The length of the source of `node` before its statement `first`."""
        if getattr(node, "end_col_offset", None) is None:
            return None
        start_line, start_col = _start(node)
        return self._length(start_line, start_col, first.lineno, first.col_offset)  # type: ignore[attr-defined]

    def _length(self, start_line: int, start_col: int, end_line: int, end_col: int) -> int:
        if start_line == end_line:
            return end_col - start_col
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = _line_starts(self._text)
        return starts[end_line - 1] + end_col - starts[start_line - 1] - start_col


def _start(node: ast.AST) -> tuple[int, int]:
    """Where the source of a positioned node's subtree starts: at its first decorator, if any,
    which comes before the `def` or `class` where the node's own position starts."""
    if type(node) in _DECORATED and node.decorator_list:  # type: ignore[attr-defined]
        node = node.decorator_list[0]  # type: ignore[attr-defined]
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _line_starts(text: str) -> list[int]:
    """Byte offset of the start of each line, lines numbered as CPython's tokenizer does."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [0, *accumulate(len(line) + 1 for line in text.encode("utf-8").split(b"\n"))]
