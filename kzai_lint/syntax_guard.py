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
"""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

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
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        return SyntaxProblem(f"nesting too deep to parse ({depth} syntax levels; the limit is {MAX_DEPTH})")
    return None


def _message(exc: SyntaxError) -> str:
    message = exc.msg or "invalid syntax"
    if "too many nested" in message or "too many levels" in message or "too complex" in message:
        return f"nesting too deep to parse: {message}"
    return message


def _depth(tree: ast.AST) -> int:
    """The tree's depth, walked with an explicit stack (the tree may be deeper than Python's
    recursion limit)."""
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
