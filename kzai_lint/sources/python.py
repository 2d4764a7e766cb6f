"""Python source: libcst module, our analysis facts, and positions computed only when needed.

Positions are computed only for the nodes that findings point at (`analysis.positions` gives the
ranges libcst's PositionProvider would, without its cost of 1.7 parses for the whole module) and
converted here into 1-based, end-exclusive spans. Notebook code is the concatenation of its code
cells; `line_map` maps each line back to (cell, line in cell).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import libcst as cst

from kzai_lint.analysis.python_module import PythonModule, analyse, module_name_for
from kzai_lint.model import Span

if TYPE_CHECKING:
    from libcst.metadata import CodeRange

    from kzai_lint.analysis.positions import NodePositions


class PythonParseError(ValueError):
    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


_WS = re.compile(r"\s+")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class PythonSource:
    """A parsed Python file (or notebook's code) with its facts; positions are computed on first need."""

    path: str
    text: str
    facts: PythonModule
    line_map: Sequence[tuple[int, int]] | None = None
    _positions: NodePositions | None = field(default=None, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def module(self) -> cst.Module:
        return self.facts.module

    def _range(self, node: cst.CSTNode) -> CodeRange | None:
        """PositionProvider's range for the node (1-based lines, 0-based columns)."""
        if self._positions is None:
            # Imported with the first position: it loads libcst.metadata, which a clean file never needs.
            from kzai_lint.analysis.positions import NodePositions

            self._positions = NodePositions(self.module, self.text)
        return self._positions.range_of(node)

    def span(self, node: cst.CSTNode) -> Span | None:
        rng = self._range(node)
        if rng is None:
            return None
        line, col = rng.start.line, rng.start.column + 1
        end_line, end_col = rng.end.line, rng.end.column + 1
        if self.line_map is None:
            return Span(line, col, end_line, end_col)
        cell, cell_line = self.cell_line(line)
        end_cell, end_cell_line = self.cell_line(end_line)
        if end_cell != cell:
            end_cell_line, end_col = cell_line, col
        return Span(cell_line, col, end_cell_line, end_col, cell=cell)

    def cell_line(self, line: int) -> tuple[int, int]:
        assert self.line_map is not None
        index = min(max(line - 1, 0), len(self.line_map) - 1)
        return self.line_map[index]

    def cell_of(self, node: cst.CSTNode) -> int | None:
        if self.line_map is None:
            return None
        rng = self._range(node)
        return None if rng is None else self.cell_line(rng.start.line)[0]

    def line_of(self, node: cst.CSTNode) -> int | None:
        rng = self._range(node)
        return None if rng is None else rng.start.line

    def evidence(self, node: cst.CSTNode, limit: int = 200) -> str:
        """The node's source on one line, whitespace collapsed, control characters stripped."""
        rng = self._range(node)
        if rng is None:
            return ""
        if self._lines is None:
            self._lines = self.text.splitlines()
        lines = self._lines[rng.start.line - 1 : rng.end.line]
        if not lines:
            return ""
        if len(lines) == 1:
            chunk = lines[0][rng.start.column : rng.end.column]
        else:
            chunk = "\n".join([lines[0][rng.start.column :], *lines[1:-1], lines[-1][: rng.end.column]])
        out = _CTRL.sub("", _WS.sub(" ", chunk)).strip()
        return out if len(out) <= limit else out[: limit - 1] + "…"


def parse_python(text: str, rel_path: str, *, line_map: Sequence[tuple[int, int]] | None = None) -> PythonSource:
    """Parse and analyse; raises PythonParseError with a 1-based position on syntax errors."""
    from kzai_lint import syntax_guard

    problem = syntax_guard.check(text)  # CPython's parser first: libcst can hang or crash
    if problem is not None and line_map is None and _IPYTHON_LINE.search(text):
        # Scripts exported from Colab/Jupyter keep `!pip install` and `%magic` lines; read them
        # as the notebook parser does (same line count, so positions stay exact).
        from kzai_lint.sources.notebook import neutralize_cell

        neutral = neutralize_cell(text)
        if syntax_guard.check(neutral) is None:
            text, problem = neutral, None
    if problem is not None:
        raise PythonParseError(problem.message, problem.line, problem.column)
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise PythonParseError(_first_line(str(exc)), exc.raw_line, exc.raw_column + 1) from None
    except RecursionError:
        raise PythonParseError("nesting too deep to parse", None, None) from None
    is_package = rel_path.endswith("__init__.py")
    try:
        facts = analyse(module, module_name_for(rel_path), is_package=is_package, text=text)
    except RecursionError:
        raise PythonParseError("nesting too deep to analyse", None, None) from None
    return PythonSource(rel_path, text, facts, line_map)


def python_code(text: str, *, notebook: bool) -> tuple[str, Sequence[tuple[int, int]] | None, Any]:
    """(the Python code to parse, its notebook line map or None, the notebook or None): what
    `parse_python` reads of a Python file or a notebook (`SourceParseError` if not one)."""
    if not notebook:
        return text, None, None
    from kzai_lint.sources.notebook import parse_notebook

    parsed = parse_notebook(text)
    return parsed.code, parsed.line_map or [(0, 1)], parsed


_IPYTHON_LINE = re.compile(r"^[ \t]*[!%]", re.MULTILINE)


def parse_module(text: str) -> cst.Module:
    """`libcst.parse_module` without re-validating every node the parser builds.

    Each libcst node validates itself on construction (`CSTNode.__post_init__` -> `_validate`),
    a check meant for trees built by hand: for the parser's own output it never fails, and it is
    about 13 % of the parse (measured on 120 files). libcst's own comment there suggests moving
    validation out of parsing for this reason. The parser's node classes get plain constructors
    that store their fields and nothing more, and validation is off for any class left out,
    for this parse or a scan `session` (`parser_nodes`); libcst's own are always restored.
    `tests/test_python_parse.py` checks the trees are the same.
    """
    from kzai_lint.sources import parser_nodes

    return parser_nodes.parse(text)


def _first_line(message: str) -> str:
    for line in message.splitlines():
        if line.strip():
            return line.strip()
    return "syntax error"
