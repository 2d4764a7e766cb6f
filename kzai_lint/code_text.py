"""Python read as text, for source no parser accepts: Python 2, a syntax error, a file too large
or too deeply nested to parse into a CST.

Three linear-time passes, each a handful of compiled regular expressions, so a 5 MB generated
module costs well under a second:

* `mask` blanks string literals and comments (newlines kept, so every offset and line number is
  unchanged); words inside a docstring or a comment never count as code.
* `import_table` reads `import` and `from ... import` lines (parenthesised and backslash-continued
  ones too) into local name -> qualified names.
* `call_sites` finds calls `alias.attr...(` whose first name was imported, resolves them through
  the import table and returns each call's dotted name, position and argument text.
* `string_literals` gives the one-line string literals (model ids, weight files, data sets).

Nothing here tries to be a parser; `kzai_lint.fallback` reports what it finds at low confidence.
"""
from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping

__all__ = ["MAX_ARGUMENT_CHARS", "MAX_CALLS", "ImportTable", "TextCall", "call_sites", "import_table", "line_starts", "mask", "position", "string_literals"]

#: Argument text longer than this is not collected (the call is still reported).
MAX_ARGUMENT_CHARS = 20_000
#: Calls looked at per text, so that adversarial text costs bounded time (the rest is ignored).
MAX_CALLS = 10_000

_NEWLINE = re.compile(r"\r\n|\r|\n")
_NOT_NEWLINE = re.compile(r"[^\r\n]")
# A comment, or a string literal from its opening quote (prefixes stay code). Possessive forms
# keep the scan linear. An unterminated triple-quoted string runs to the end of the text, an
# unterminated one-line string to the end of its line: as far as a reader of broken code can tell.
_LITERAL = re.compile(
    r"#[^\r\n]*+"
    r'|"""(?:[^"\\]++|\\.|"(?!""))*+(?:"""|\Z)'
    r"|'''(?:[^'\\]++|\\.|'(?!''))*+(?:'''|\Z)"
    r'|"(?:[^"\\\r\n]++|\\.)*+"?'
    r"|'(?:[^'\\\r\n]++|\\.)*+'?",
    re.S,
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+((?:[^\r\n;\\]|\\\r?\n)+)", re.M)
_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\r\n;\\]|\\\r?\n)+)", re.M)
_DOTTED = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*\Z")
_BRACKET = re.compile(r"[()\[\]{}]")
_SPACE = re.compile(r"\s+")
# `def name(` / `class name(` right before a match: a definition, not a call.
_DEFINITION = re.compile(r"(?<![\w.])(?:def|class)[ \t]+\Z")

#: local name -> the qualified names it may stand for
ImportTable = Mapping[str, frozenset[str]]


def mask(text: str) -> str:
    """`text` with the contents of strings and comments replaced by spaces (newlines kept)."""
    return _LITERAL.sub(_blank, text)


def string_literals(text: str) -> Iterator[tuple[int, str]]:
    """(offset of the opening quote, value) of each one-line string literal of `text` closed on
    its line: how a model id, a weight file or a data set is named in code. Triple-quoted
    strings (docstrings, prose) and comments are left out; an escape is decoded as Python would,
    and a literal whose escapes do not decode is skipped."""
    for match in _LITERAL.finditer(text):
        literal = match.group()
        quote = literal[0]
        if quote == "#" or len(literal) < 3 or literal[-1] != quote or literal.startswith(('"""', "'''")):
            continue
        value = literal[1:-1]
        if "\\" in value:
            if not _raw(text, match.start()):
                try:
                    value = ast.literal_eval(literal)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    continue
        yield match.start(), value


def _raw(text: str, quote: int) -> bool:
    """Whether the string literal opening at `quote` has a raw prefix (`r`, `rb`, `Rb`...)."""
    start = quote
    while start > 0 and quote - start < 2 and text[start - 1] in "rRbBuUfF":
        start -= 1
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return False  # the end of a name (`bar'`), not a prefix
    return "r" in text[start:quote].lower()


def _blank(match: re.Match[str]) -> str:
    literal = match.group()
    if "\n" in literal or "\r" in literal:
        return literal[0] + _NOT_NEWLINE.sub(" ", literal[1:])
    return literal[0] + " " * (len(literal) - 1)


def import_table(masked: str) -> dict[str, frozenset[str]]:
    """Local names bound by the imports in `masked` source (relative imports are skipped:
    catalogue names are absolute). `from m import *` binds `*` to `m`."""
    table: dict[str, set[str]] = {}
    for match in _IMPORT.finditer(masked):
        for name, alias in _names(match.group(1)):
            if alias:
                table.setdefault(alias, set()).add(name)
            else:
                table.setdefault(name.split(".", 1)[0], set()).add(name.split(".", 1)[0])
    for match in _FROM.finditer(masked):
        module = match.group(1)
        if not module or module.startswith("."):
            continue
        for name, alias in _names(match.group(2).strip("() \t")):
            if name == "*":
                table.setdefault("*", set()).add(module)
            elif "." not in name:
                table.setdefault(alias or name, set()).add(f"{module}.{name}")
    return {k: frozenset(v) for k, v in table.items()}


def _names(clause: str) -> Iterator[tuple[str, str]]:
    """(dotted name, alias or "") for each item of an import clause."""
    for item in clause.replace("\\", " ").split(","):
        words = item.split()
        if len(words) == 1 and (words[0] == "*" or _DOTTED.match(words[0])):
            yield words[0], ""
        elif len(words) == 3 and words[1] == "as" and _DOTTED.match(words[0]) and _DOTTED.match(words[2]):
            yield words[0], words[2]


@dataclass(frozen=True, slots=True)
class TextCall:
    """One call found in text: `qualname` resolved through the imports, `display` as written
    (whitespace removed); offsets index the original text; `arguments` is the source from the
    opening to the closing parenthesis, or None when it is unbalanced or too long."""

    qualname: str
    display: str
    start: int
    end: int
    arguments: str | None


def call_sites(text: str, masked: str, imports: ImportTable, wanted: Callable[[str], bool]) -> Iterator[TextCall]:
    """Calls in `text` of an imported name whose qualified name is `wanted` (at most
    `MAX_CALLS`); `masked` is `mask(text)`."""
    if not imports:
        return
    names = "|".join(re.escape(n) for n in sorted(imports, key=len, reverse=True) if n != "*")
    pattern = re.compile(r"(?<![\w.])((?:" + names + r")(?:[ \t]*\.[ \t]*[^\W\d]\w*)*)[ \t]*\(")
    seen = 0
    for match in pattern.finditer(masked):
        display = _SPACE.sub("", match.group(1))
        first, _, rest = display.partition(".")
        quals = [q for q in sorted(imports[first]) if wanted(f"{q}.{rest}" if rest else q)]
        if not quals or _DEFINITION.search(masked, max(0, match.start() - 64), match.start()):
            continue
        seen += 1
        if seen > MAX_CALLS:
            return
        close = _closing(masked, match.end() - 1)
        end = match.end() if close is None else close + 1
        arguments = None if close is None else text[match.end() - 1 : close + 1]
        for qual in quals:
            yield TextCall(f"{qual}.{rest}" if rest else qual, display, match.start(), end, arguments)


def _closing(masked: str, open_paren: int) -> int | None:
    """Offset of the bracket closing the one at `open_paren`, within `MAX_ARGUMENT_CHARS`."""
    depth = 0
    for bracket in _BRACKET.finditer(masked, open_paren, open_paren + MAX_ARGUMENT_CHARS):
        depth += 1 if bracket.group() in "([{" else -1
        if depth == 0:
            return bracket.start()
    return None


def line_starts(text: str) -> list[int]:
    """Offsets at which each line begins (LF, CRLF and lone CR end a line, as in Python)."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`."""
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1
