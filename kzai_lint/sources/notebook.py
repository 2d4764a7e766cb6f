"""Jupyter notebooks as one Python module plus a map back to cells.

Python rules run on `Notebook.code`: the code cells concatenated, with IPython syntax (line and
cell magics, shell escapes, `x = !cmd`, `obj?` help) replaced by `pass`/`None` text that keeps the
line count and indentation, so libcst can parse it and every position maps back through
`line_map` to (cell, line in cell). The original magic stays in a trailing comment, so suppression
comments on those lines still count. A cell that still does not parse becomes `pass` lines and is
reported in `bad_cells`, so one broken cell never hides findings in the others.

Cell outputs are never read: they are data the notebook produced, not code it contains.
"""
from __future__ import annotations

import ast
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.requirements import pip_install_args

__all__ = ["Cell", "Notebook", "cell_parses", "neutralize_cell", "parse_notebook"]

#: Cell magics whose body is still Python (timing, capturing, profiling).
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "mprun", "snakeviz", "pyinstrument"}
)
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})

_NEWLINE = re.compile(r"\r\n|\r|\n")
_ASSIGN_MAGIC = re.compile(r"^(\s*)([A-Za-z_][\w.,\s\[\]()*]*?)\s*=\s*([!%].*)$")
_HELP = re.compile(r"^(?:\?{1,2}[\w.*]+|[\w.*]+\?{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as written; `index` is its 0-based position in the notebook's cell list."""

    index: int
    cell_type: str  # "code" | "markdown" | "raw"
    source: str


@dataclass(frozen=True, slots=True)
class Notebook:
    """A notebook's cells and its code as one parseable module.

    `line_map[i]` is (cell index, 1-based line in that cell) for line `i + 1` of `code`;
    `pip_installs` are (normalised package, cell index, line in cell) from `!pip install` and
    friends; `bad_cells` are (cell index, syntax error) for code cells replaced by `pass`.
    `code` is empty when the kernel language is not Python.
    """

    cells: tuple[Cell, ...]
    code: str
    line_map: tuple[tuple[int, int], ...]
    pip_installs: tuple[tuple[str, int, int], ...]
    language: str
    bad_cells: tuple[tuple[int, str], ...] = ()


def parse_notebook(text: str) -> Notebook:
    """Read nbformat 4 (and, leniently, nbformat 3); `SourceParseError` if not a notebook."""
    data = _load_json(text)
    cells = tuple(_cells(data))
    language = _language(data)
    code, line_map, bad_cells = ("", (), ())
    if language.startswith(("python", "ipython")):
        code, line_map, bad_cells = _assemble(cells)
    installs = tuple(_pip_installs(cells))
    return Notebook(cells, code, line_map, installs, language, bad_cells)


def imports_and_installs(text: str) -> tuple[tuple[ast.Module, ...], tuple[tuple[str, int, int], ...]]:
    """What a notebook that no rule reads still tells the repository (`facts.collect_unparsed`):
    the CPython ASTs of its code cells that can import (neutralised and compiled as
    `parse_notebook` does; a cell that does not parse imports nothing there either) and its pip
    installs, as `Notebook.pip_installs`. A cell without the word `import` is not compiled."""
    data = _load_json(text)
    cells = tuple(_cells(data))
    trees: list[ast.Module] = []
    if _language(data).startswith(("python", "ipython")):
        for cell in cells:
            if cell.cell_type == "code" and "import" in cell.source:
                tree = _compile_cell("".join(line + "\n" for line in _neutralize(_lines(cell.source))))[0]
                if tree is not None:
                    trees.append(tree)
    return tuple(trees), tuple(_pip_installs(cells))


def cell_parses(source: str) -> bool:
    """Whether `source` parses as Python (top-level `await` allowed, as in IPython)."""
    return _syntax_error(source) is None


def neutralize_cell(source: str) -> str:
    """`source` with IPython-only syntax replaced by same-length-in-lines Python."""
    return "".join(line + "\n" for line in _neutralize(_lines(source)))


def _load_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise SourceParseError(f"invalid notebook JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise SourceParseError("invalid notebook JSON: nesting too deep") from None
    if not isinstance(data, dict) or not ("cells" in data or "worksheets" in data):
        raise SourceParseError("not a Jupyter notebook: no cells", 1, 1)
    return data


def _cells(data: dict[str, Any]) -> Iterator[Cell]:
    raw_cells: list[Any] = []
    if "cells" in data:
        raw_cells = _as_list(data["cells"])
    else:  # nbformat 3
        for sheet in _as_list(data["worksheets"]):
            if isinstance(sheet, dict):
                raw_cells.extend(_as_list(sheet.get("cells")))
    for index, raw in enumerate(raw_cells):
        if isinstance(raw, dict):
            yield Cell(index, _cell_type(raw.get("cell_type")), _source(raw))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _cell_type(value: Any) -> str:
    if value in ("code", "markdown", "raw"):
        return str(value)
    return "markdown" if value == "heading" else "raw"  # nbformat 3 heading cells


def _source(raw: dict[str, Any]) -> str:
    source = raw.get("source", raw.get("input", ""))  # nbformat 3 code cells use "input"
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _language(data: dict[str, Any]) -> str:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return "python"
    for holder, key in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(holder)
        if isinstance(section, dict) and isinstance(section.get(key), str) and section[key]:
            return str(section[key]).strip().lower()
    language = metadata.get("language")  # nbformat 3
    return language.strip().lower() if isinstance(language, str) and language else "python"


def _lines(source: str) -> list[str]:
    lines = _NEWLINE.split(source)
    return lines[:-1] if lines[-1] == "" else lines


def _assemble(
    cells: tuple[Cell, ...],
) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, str], ...]]:
    code: list[str] = []
    line_map: list[tuple[int, int]] = []
    bad_cells: list[tuple[int, str]] = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = _neutralize(_lines(cell.source))
        error = _syntax_error("".join(line + "\n" for line in lines))
        if error is not None:
            bad_cells.append((cell.index, error))
            lines = ["pass"] * len(lines)
        code.extend(lines)
        line_map.extend((cell.index, number) for number in range(1, len(lines) + 1))
    return "".join(line + "\n" for line in code), tuple(line_map), tuple(bad_cells)


def _neutralize(lines: list[str]) -> list[str]:
    if not any(_maybe_magic(line) for line in lines):
        return lines  # nothing to rewrite: spare the compile (a cell is compiled again anyway)
    if _syntax_error("".join(line + "\n" for line in lines)) is None:
        return lines  # plain Python: a continuation line starting with `%` is an operator
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("%%"):
        return [_neutralize_line(line) for line in lines]
    head = lines[:first] + [_commented(lines[first])]
    if _cell_magic(lines[first]) in PYTHON_CELL_MAGICS:
        return head + [_neutralize_line(line) for line in lines[first + 1 :]]
    # Not Python (%%bash, %%writefile, ...): its indentation means nothing to us, so drop it.
    return head + [_commented(line.lstrip()) if line.strip() else "" for line in lines[first + 1 :]]


def _cell_magic(line: str) -> str:
    words = line.strip()[2:].split()
    return words[0] if words else ""


def _commented(line: str) -> str:
    stripped = line.lstrip()
    return f"{line[: len(line) - len(stripped)]}pass  # {stripped}"


def _maybe_magic(line: str) -> bool:
    """Whether `_neutralize_line` could rewrite this line (cheap test, before any compile)."""
    stripped = line.lstrip()
    return stripped.startswith(("%", "!")) or "?" in stripped or ("=" in line and ("!" in line or "%" in line))


def _neutralize_line(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")) or _HELP.match(stripped):
        return _commented(line)
    assignment = _ASSIGN_MAGIC.match(line)
    if assignment:
        indent, target, magic = assignment.groups()
        return f"{indent}{target} = None  # {magic}"
    return line


def _syntax_error(source: str) -> str | None:
    return _compile_cell(source)[1]


def _compile_cell(source: str) -> tuple[ast.Module | None, str | None]:
    """(the cell's AST, None) or (None, why it does not parse)."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning for invalid escapes in cells
        try:
            return compile(source, "<cell>", "exec", flags=flags, dont_inherit=True), None
        except SyntaxError as exc:
            return None, f"{exc.msg} (line {exc.lineno})"
        except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
            return None, str(exc) or type(exc).__name__


def _pip_installs(cells: tuple[Cell, ...]) -> Iterator[tuple[str, int, int]]:
    """Packages from `!pip install`, `%pip install`, `!conda install`, `!uv pip install`, and
    install lines in `%%bash`/`%%sh` cells."""
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = _lines(cell.source)
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        shell_cell = first is not None and _cell_magic(lines[first]) in _SHELL_CELL_MAGICS
        for number, line in enumerate(lines, start=1):
            command = _shell_command(line, shell_cell and number - 1 > (first or 0))
            for name in pip_install_args(command) if command else ():
                yield name, cell.index, number


def _shell_command(line: str, in_shell_cell: bool) -> str | None:
    stripped = line.strip()
    if in_shell_cell:
        return stripped
    if stripped.startswith(("!", "%")) and not stripped.startswith("%%"):
        return stripped.lstrip("!%")
    assignment = _ASSIGN_MAGIC.match(line) if "!" in line or "%" in line else None
    return assignment.group(3).lstrip("!%") if assignment else None
