"""Inline suppressions: `# kzai: ignore[KZ306] reason` in Python, YAML/TOML/requirements, Markdown.

A suppression is a reviewed decision, so it must name codes (or code prefixes) and give a reason:
a blanket `# kzai: ignore` could silently hide a prohibited practice. Problems are returned as
data next to the suppressions so the engine can warn and the audit trail shows why a comment did
not count. Comments are found the way each format defines them: Python through `tokenize` (text
inside strings never counts, as in bandit), YAML/TOML/requirements through a quote-aware line
scan, Markdown as `<!-- kzai: ... -->` outside code.

Coverage: a trailing comment covers its line (in Python, the whole logical line it ends); a
comment on its own line covers the next statement (Python: the full `ast` node, as Fixit covers
the node a comment belongs to) or the next block (YAML/TOML: the next line and what is indented
under it; Markdown: the next paragraph, table or fenced block); `ignore-file[...]` (also spelled
`file-ignore[...]`) covers the whole file.

A suppression without a reason is still returned (with `reason=""`) together with a `no-reason`
problem; the engine decides whether reasons are required and then ignores it.
"""
from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Collection, Iterable, Sequence

__all__ = [
    "FILE_END",
    "Suppression",
    "SuppressionProblem",
    "find",
    "parse_hash_comments",
    "parse_markdown",
    "parse_python",
]

FILE_END = 2**31 - 1
"""`last_line` of a file-level suppression."""

_MENTION = re.compile(r"kzai\s*:", re.IGNORECASE)
_HASH_DIRECTIVE = re.compile(r"#\s*(kzai\s*:.*)", re.IGNORECASE | re.DOTALL)
_DIRECTIVE = re.compile(
    r"kzai\s*:\s*(?P<kind>ignore-file|file-ignore|ignore)(?![\w-])\s*(?:\[(?P<codes>[^\]]*)\])?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_CODE = re.compile(r"KZ\d+\Z")
_HTML_COMMENT = re.compile(r"<!--(.*?)-->")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_BLOCK_SCALAR = re.compile(r"(?:^\s*-|:)\s+[|>][-+1-9]{0,2}\s*$")
_QUOTE_OPENERS = frozenset(":[{,=-?")


@dataclass(frozen=True, slots=True)
class Suppression:
    """A `# kzai: ignore[...]` comment with its reason and the lines it covers."""

    codes: tuple[str, ...]
    reason: str
    line: int
    first_line: int
    last_line: int
    file_level: bool = False


@dataclass(frozen=True, slots=True)
class SuppressionProblem:
    """A kzai comment that does not (fully) count; `kind` lets the engine filter by cause.

    kinds: blanket, no-reason, unknown-code, syntax (unrecognised directive), unreadable.
    """

    line: int
    message: str
    kind: str = "syntax"


@dataclass(frozen=True, slots=True)
class _Directive:
    """The codes and reason of one suppression comment, before its lines are known."""

    codes: tuple[str, ...]
    reason: str
    file_level: bool


Parsed = tuple[list[Suppression], list[SuppressionProblem]]


# ---- the directive itself -----------------------------------------------------------------------
def _directive(body: str, line: int, known: Collection[str] | None, problems: list[SuppressionProblem]) -> _Directive | None:
    """Parse the text from `kzai:` on; report problems; None when nothing is suppressed."""
    match = _DIRECTIVE.match(body.strip())
    if match is None:
        problems.append(SuppressionProblem(line, "unrecognised kzai directive; expected 'kzai: ignore[KZ306] reason'"))
        return None
    tokens = [t for t in re.split(r"[\s,]+", match.group("codes") or "") if t]
    if not tokens:
        problems.append(SuppressionProblem(line, "blanket suppression without codes is not allowed", "blanket"))
        return None
    codes = _codes(tokens, line, known, problems)
    if not codes:
        return None
    reason = match.group("rest").strip().lstrip(":-\u2013\u2014 \t").strip()
    if not reason:
        problems.append(SuppressionProblem(line, f"suppression of {', '.join(codes)} has no reason", "no-reason"))
    return _Directive(codes, reason, match.group("kind").lower() != "ignore")


def _codes(tokens: Iterable[str], line: int, known: Collection[str] | None, problems: list[SuppressionProblem]) -> tuple[str, ...]:
    codes: list[str] = []
    for token in tokens:
        code = token.upper()
        if not _CODE.match(code) or (known is not None and not any(k.startswith(code) for k in known)):
            problems.append(SuppressionProblem(line, f"unknown code '{token}'", "unknown-code"))
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _suppression(found: _Directive, line: int, first: int, last: int) -> Suppression:
    if found.file_level:
        return Suppression(found.codes, found.reason, line, 1, FILE_END, file_level=True)
    return Suppression(found.codes, found.reason, line, first, max(first, last))


def find(suppressions: Sequence[Suppression], code: str, first_line: int, last_line: int) -> Suppression | None:
    """The suppression covering a finding of `code` whose first line is `first_line`.

    Codes match exactly or by prefix (`KZ3` covers `KZ306`). Only the finding's first line
    decides (`last_line` is accepted for symmetry with spans). The narrowest, most specific
    suppression wins, so the reported reason is the one written closest to the code.
    """
    code = code.upper()
    matches = [
        s for s in suppressions
        if (s.file_level or s.first_line <= first_line <= s.last_line) and any(code.startswith(c) for c in s.codes)
    ]
    if not matches:
        return None
    return min(matches, key=lambda s: (s.file_level, s.last_line - s.first_line, -max(len(c) for c in s.codes if code.startswith(c))))


# ---- Python -------------------------------------------------------------------------------------
def parse_python(text: str, *, known: Collection[str] | None = None) -> Parsed:
    """Suppressions in Python source (one notebook cell at a time for notebooks)."""
    if not _MENTION.search(text):
        return [], []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        message = f"cannot read comments ({exc.args[0]}); kzai suppressions here are ignored"
        return [], [SuppressionProblem(_error_line(exc), message, "unreadable")]
    return _PythonScan(text, known).run(tokens)


def _error_line(exc: Exception) -> int:
    if isinstance(exc, SyntaxError):
        return exc.lineno or 1
    where = exc.args[1] if len(exc.args) > 1 else None  # TokenError: (message, (row, column))
    return where[0] if isinstance(where, tuple) and where and isinstance(where[0], int) else 1


class _PythonScan:
    """Walk tokens once, tying each directive to its logical line or to the next statement."""

    _NOISE = frozenset({tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER})

    def __init__(self, text: str, known: Collection[str] | None) -> None:
        self.text = text
        self.known = known
        self.result: list[Suppression] = []
        self.problems: list[SuppressionProblem] = []
        self.logical_start: int | None = None
        self.logical_ranges: dict[int, int] = {}
        self.pending: list[tuple[int, _Directive]] = []  # inside the current logical line
        self.waiting: list[tuple[int, _Directive]] = []  # own-line, before the next statement
        self.before: list[tuple[int, _Directive, int]] = []  # own-line, with the next statement's row

    def run(self, tokens: Sequence[tokenize.TokenInfo]) -> Parsed:
        for tok in tokens:
            if tok.type == tokenize.COMMENT:
                self._comment(tok)
            elif tok.type == tokenize.NEWLINE:
                self._end_logical(tok.start[0])
            elif tok.type not in self._NOISE and self.logical_start is None:
                self._start_logical(tok.start[0])
        last_row = tokens[-1].start[0] if tokens else 1
        if self.logical_start is not None:
            self._end_logical(last_row)
        self.result.extend(_suppression(d, line, line, line) for line, d in self.waiting)
        self._resolve_before()
        return sorted(self.result, key=lambda s: (s.line, s.codes)), self.problems

    def _comment(self, tok: tokenize.TokenInfo) -> None:
        match = _HASH_DIRECTIVE.search(tok.string)
        if match is None:
            return
        line = tok.start[0]
        found = _directive(match.group(1), line, self.known, self.problems)
        if found is None:
            return
        if found.file_level:
            self.result.append(_suppression(found, line, 1, FILE_END))
        elif self.logical_start is not None:
            self.pending.append((line, found))
        else:
            self.waiting.append((line, found))

    def _start_logical(self, row: int) -> None:
        self.logical_start = row
        self.before.extend((line, found, row) for line, found in self.waiting)
        self.waiting = []

    def _end_logical(self, row: int) -> None:
        start = self.logical_start if self.logical_start is not None else row
        self.logical_ranges[start] = row
        self.result.extend(_suppression(found, line, start, row) for line, found in self.pending)
        self.pending = []
        self.logical_start = None

    def _resolve_before(self) -> None:
        if not self.before:
            return
        ends = _statement_ends(self.text)
        for line, found, row in self.before:
            last = ends.get(row) or self.logical_ranges.get(row, row)
            self.result.append(_suppression(found, line, row, last))


def _statement_ends(text: str) -> dict[int, int]:
    """First line of every statement (decorators included) → its last line; {} if unparsable."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    ends: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            decorators = getattr(node, "decorator_list", [])
            start = min([node.lineno, *(d.lineno for d in decorators)])
            for first in {start, node.lineno}:  # a comment may sit between decorators and `def`
                ends[first] = max(ends.get(first, 0), node.end_lineno or node.lineno)
    return ends


# ---- YAML, TOML, requirements -------------------------------------------------------------------
def parse_hash_comments(text: str, *, known: Collection[str] | None = None) -> Parsed:
    """Suppressions in `#`-comment formats; quotes, TOML triple strings and YAML block scalars
    are content, not comments."""
    if not _MENTION.search(text):
        return [], []
    lines = text.splitlines()
    result: list[Suppression] = []
    problems: list[SuppressionProblem] = []
    for index, column in _hash_comments(lines):
        match = _HASH_DIRECTIVE.search(lines[index], column)
        if match is None:
            continue
        found = _directive(match.group(1), index + 1, known, problems)
        if found is None:
            continue
        if lines[index][:column].strip():
            first = last = index + 1
        else:
            first, last = _indented_block(lines, index)
        result.append(_suppression(found, index + 1, first, last))
    return result, problems


def _hash_comments(lines: Sequence[str]) -> Iterable[tuple[int, int]]:
    """(line index, column) of every real `#` comment."""
    triple: str | None = None
    block_indent: int | None = None
    for index, line in enumerate(lines):
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                continue
            block_indent = None
        column, triple = _comment_column(line, triple)
        if column is not None:
            yield index, column
        code = line if column is None else line[:column]
        if triple is None and _BLOCK_SCALAR.search(code.rstrip()):
            block_indent = _indent(line)


def _comment_column(line: str, triple: str | None) -> tuple[int | None, str | None]:
    """Where a comment starts on `line`, and the triple quote still open at its end."""
    i = 0
    if triple is not None:
        end = line.find(triple)
        if end < 0:
            return None, triple
        i = end + 3
    quote: str | None = None
    while i < len(line):
        ch = line[i]
        if quote is not None:
            if quote == '"' and ch == "\\":
                i += 1
            elif ch == quote and line.startswith(quote * 2, i) and quote == "'":
                i += 1  # YAML '' escape
            elif ch == quote:
                quote = None
        elif line.startswith(('"""', "'''"), i):
            end = line.find(line[i : i + 3], i + 3)
            if end < 0:
                return None, line[i : i + 3]
            i = end + 2
        elif ch in "\"'" and (not line[:i].strip() or line[:i].rstrip()[-1] in _QUOTE_OPENERS):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i, None
        i += 1
    return None, None


def _indented_block(lines: Sequence[str], index: int) -> tuple[int, int]:
    """1-based range of the next content line and everything indented under it."""
    start = next((j for j in range(index + 1, len(lines)) if _is_content(lines[j])), None)
    if start is None:
        return index + 1, index + 1
    end = start
    for j in range(start + 1, len(lines)):
        if not _is_content(lines[j]):
            continue
        if _indent(lines[j]) <= _indent(lines[start]):
            if lines[j].strip()[0] in "]})":
                end = j  # the closing bracket of a multi-line TOML array or table
            break
        end = j
    return start + 1, end + 1


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


# ---- JavaScript / TypeScript --------------------------------------------------------------------
_CONTINUATION = (".", "?.", ")", "]", "}", ",", "+", "-", "*", "/", "&&", "||", "??", "?", ":")


def parse_script_comments(text: str, *, known: Collection[str] | None = None) -> Parsed:
    """`// kzai: ignore[...] reason` (or in a `/* */` comment): at the end of a line it covers
    that line; on a line of its own, the next statement, continuation lines included (a chained
    call often puts the method a rule reports two lines below the comment)."""
    if not _MENTION.search(text):
        return [], []
    from kzai_lint.sources.javascript import comments

    lines = text.splitlines()
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    result: list[Suppression] = []
    problems: list[SuppressionProblem] = []
    for begin, end in comments(text):
        body = text[begin + 2 : end - 2 if text.startswith("/*", begin) else end]
        found_at = _MENTION.search(body)
        if found_at is None:
            continue
        index = bisect.bisect_right(starts, begin) - 1
        found = _directive(body[found_at.start() :].strip(), index + 1, known, problems)
        if found is None:
            continue
        column = begin - starts[index]
        if index < len(lines) and lines[index][:column].strip():
            first = last = index + 1
        else:
            first, last = _script_statement(lines, index)
        result.append(_suppression(found, index + 1, first, last))
    return result, problems


def _script_statement(lines: Sequence[str], index: int) -> tuple[int, int]:
    """1-based range of the statement after an own-line comment: the next content line, the
    lines indented under it and the continuation lines of a chained or split expression."""
    first, last = _indented_block(lines, index)
    if first > len(lines):
        return first, last
    while last < len(lines) and lines[last].strip().startswith(_CONTINUATION) and not lines[last].strip().startswith(("//", "/*")):
        last += 1
    return first, last


# ---- Markdown -----------------------------------------------------------------------------------
def parse_markdown(text: str, *, known: Collection[str] | None = None) -> Parsed:
    """`<!-- kzai: ignore[...] reason -->` outside code; YAML front matter uses `#` comments."""
    if not _MENTION.search(text):
        return [], []
    lines = text.splitlines()
    front = _front_matter_end(lines)
    result, problems = _front_matter(lines, front, known)
    fence: str | None = None
    for index in range(front, len(lines)):
        opened = _FENCE.match(lines[index])
        if opened is not None and (fence is None or opened.group(1).startswith(fence)):
            fence = opened.group(1) if fence is None else None
            continue
        if fence is None:
            result.extend(_markdown_line(lines, index, known, problems))
    return result, problems


def _front_matter_end(lines: Sequence[str]) -> int:
    """Index of the first body line (0 when there is no `---` front matter)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((j + 1 for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), 0)


def _front_matter(lines: Sequence[str], end: int, known: Collection[str] | None) -> Parsed:
    if end == 0:
        return [], []
    found, problems = parse_hash_comments("\n".join(lines[1 : end - 1]), known=known)
    shifted = [
        s if s.file_level else Suppression(s.codes, s.reason, s.line + 1, s.first_line + 1, s.last_line + 1)
        for s in found
    ]
    return shifted, [SuppressionProblem(p.line + 1, p.message, p.kind) for p in problems]


def _markdown_line(lines: Sequence[str], index: int, known: Collection[str] | None, problems: list[SuppressionProblem]) -> list[Suppression]:
    line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), lines[index])
    out: list[Suppression] = []
    for match in _HTML_COMMENT.finditer(line):
        body = match.group(1).strip()
        if not _MENTION.match(body):
            continue
        found = _directive(body, index + 1, known, problems)
        if found is None:
            continue
        rest = line[: match.start()] + line[match.end() :]
        first, last = (index + 1, index + 1) if rest.strip() else _markdown_block(lines, index)
        out.append(_suppression(found, index + 1, first, last))
    return out


def _markdown_block(lines: Sequence[str], index: int) -> tuple[int, int]:
    """1-based range of the next block: up to the next blank line, or a whole fenced block."""
    start = next((j for j in range(index + 1, len(lines)) if lines[j].strip()), None)
    if start is None:
        return index + 1, index + 1
    fence = _FENCE.match(lines[start])
    if fence is not None:
        close = next((j for j in range(start + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))), len(lines) - 1)
        return start + 1, close + 1
    end = next((j - 1 for j in range(start + 1, len(lines)) if not lines[j].strip()), len(lines) - 1)
    return start + 1, end + 1
