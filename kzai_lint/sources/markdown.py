"""Model cards (README.md, MODEL_CARD.md, ...) as front matter plus positioned blocks.

Rules read a card's claims sentence by sentence, so the body is cut into blocks that keep their
file lines and the heading path they sit under. This is a CommonMark subset on purpose: ATX and
setext headings, fenced and indented code (never split), tables, lists, paragraphs and HTML
comments as blocks of their own, so a `<!-- kzai: ignore[KZ306] reason -->` is found with its line
and can cover the block after it. Inline markup is left as written.

Front matter is the YAML between a first line `---` and the next `---` (or `...`) line, positioned
in the whole file. A bad or unclosed front matter never stops the card from being read: it is
reported in `front_matter_error` and the body is still parsed.

The prose helpers (`split_sentences`, `is_negated`, `section_is_out_of_scope`) live in
`kzai_lint.sources.prose` and are re-exported here.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass

from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.prose import is_negated
from kzai_lint.sources.prose import section_is_out_of_scope
from kzai_lint.sources.prose import split_sentences
from kzai_lint.sources.yaml_doc import parse_yaml

__all__ = [
    "ModelCard",
    "Paragraph",
    "is_negated",
    "parse_model_card",
    "section_is_out_of_scope",
    "split_sentences",
]

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|(\d{1,9})[.)])(?:[ \t]+|$)")
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_COMMENT_OPEN = re.compile(r"^ {0,3}<!--")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of the card body.

    `text` is the block's lines as written, joined with "\\n" (fences and comment markers
    included), so its k-th line is file line `line + k`; for a heading it is the title only.
    `heading_path` is the chain of enclosing headings; a heading's own path ends with itself.
    `kind` is "paragraph", "list", "table", "code", "heading" or "html-comment".
    """

    text: str
    line: int
    end_line: int
    heading_path: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class ModelCard:
    """A parsed card; `front_matter_error` is set (and `front_matter` None) when the YAML
    header is malformed or never closed, so rules can report it without losing the body."""

    front_matter: ConfigDocument | None
    front_matter_error: SourceParseError | None
    paragraphs: tuple[Paragraph, ...]


def parse_model_card(text: str) -> ModelCard:
    """Split a Markdown model card into front matter and blocks; never raises on bad input."""
    lines = _NEWLINE.split(text.removeprefix("\ufeff"))
    if lines[-1] == "":  # the final newline ends the last line; it does not start another
        lines.pop()
    front_matter, error, body_start = _front_matter(lines)
    blocks = tuple(_BlockReader(lines).blocks(body_start))
    return ModelCard(front_matter, error, blocks)


def _front_matter(lines: list[str]) -> tuple[ConfigDocument | None, SourceParseError | None, int]:
    """(document, error, index of the first body line)."""
    if not lines or lines[0].rstrip() != "---":
        return None, None, 0
    closing = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None
    )
    if closing is None:
        return None, SourceParseError("front matter opened on line 1 is never closed", 1), 0
    try:
        documents = parse_yaml("\n".join(lines[1:closing]), first_line=2)
    except SourceParseError as exc:
        return None, exc, closing + 1
    return (documents[0] if documents else None), None, closing + 1


def _is_table_start(lines: list[str], i: int) -> bool:
    return "|" in lines[i] and i + 1 < len(lines) and bool(_TABLE_DELIMITER.match(lines[i + 1]))


def _starts_list(line: str, interrupting: bool) -> bool:
    """A list item; one interrupting a paragraph must be a bullet or start at 1 (CommonMark)."""
    match = _LIST_ITEM.match(line)
    if not match:
        return False
    if not interrupting:
        return True
    return line.strip() not in ("-", "+", "*") and match.group(1) in (None, "1")


class _BlockReader:
    """Reads blocks line by line, keeping the heading stack as it goes."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.headings: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.headings)

    def block(self, kind: str, start: int, end: int, text: str | None = None) -> Paragraph:
        """A block over lines[start:end] (0-based, end exclusive)."""
        body = "\n".join(self.lines[start:end]) if text is None else text
        return Paragraph(body, start + 1, end, self.path, kind)

    def blocks(self, i: int) -> Iterator[Paragraph]:
        lines = self.lines
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            reader = self.reader_for(i)
            if reader is None:
                i += 1
                continue
            block, i = reader(i)
            yield block

    def reader_for(self, i: int) -> Callable[[int], tuple[Paragraph, int]] | None:
        """The reader for the block starting at line i; None for a thematic break."""
        line = self.lines[i]
        if _FENCE.match(line):
            return self.fenced_code
        if _COMMENT_OPEN.match(line):
            return self.comment
        if _ATX.match(line):
            return self.atx_heading
        if _THEMATIC_BREAK.match(line):
            return None
        if _is_table_start(self.lines, i):
            return self.table
        if _starts_list(line, interrupting=False):
            return self.list_block
        if _indent(line) >= 4:
            return self.indented_code
        return self.paragraph

    def interrupts(self, i: int) -> bool:
        line = self.lines[i]
        return bool(
            _FENCE.match(line)
            or _COMMENT_OPEN.match(line)
            or _ATX.match(line)
            or _THEMATIC_BREAK.match(line)
            or _is_table_start(self.lines, i)
        )

    def fenced_code(self, i: int) -> tuple[Paragraph, int]:
        match = _FENCE.match(self.lines[i])
        assert match is not None
        fence = match.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = i + 1
        while end < len(self.lines) and not closing.match(self.lines[end]):
            end += 1
        end = min(end + 1, len(self.lines))  # include the closing fence; unclosed runs to EOF
        return self.block("code", i, end), end

    def comment(self, i: int) -> tuple[Paragraph, int]:
        opening = self.lines[i].index("<!--") + 4
        end = i
        if "-->" not in self.lines[i][opening:]:
            end = i + 1
            while end < len(self.lines) and "-->" not in self.lines[end]:
                end += 1
        end = min(end + 1, len(self.lines))
        return self.block("html-comment", i, end), end

    def atx_heading(self, i: int) -> tuple[Paragraph, int]:
        match = _ATX.match(self.lines[i])
        assert match is not None
        title = _atx_title(self.lines[i][match.end() :])
        self.enter(len(match.group(1)), title)
        return self.block("heading", i, i + 1, title), i + 1

    def enter(self, level: int, title: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, title))

    def table(self, i: int) -> tuple[Paragraph, int]:
        end = i + 2
        while end < len(self.lines):
            line = self.lines[end]
            if not line.strip() or "|" not in line or self.interrupts(end):
                break
            end += 1
        return self.block("table", i, end), end

    def list_block(self, i: int) -> tuple[Paragraph, int]:
        end = i + 1
        while end < len(self.lines):
            line = self.lines[end]
            if not line.strip():
                following = self.next_non_blank(end)
                if following is None or not self.continues_list(self.lines[following]):
                    break
                end = following
            elif self.continues_list(line) or not self.interrupts(end):
                end += 1  # an item, an indented continuation or a lazy continuation line
            else:
                break
        return self.block("list", i, end), end

    def continues_list(self, line: str) -> bool:
        return _starts_list(line, interrupting=False) or _indent(line) >= 2

    def next_non_blank(self, i: int) -> int | None:
        return next((j for j in range(i, len(self.lines)) if self.lines[j].strip()), None)

    def indented_code(self, i: int) -> tuple[Paragraph, int]:
        end = i + 1
        while end < len(self.lines):
            line = self.lines[end]
            if line.strip() and _indent(line) < 4:
                break
            end += 1
        while not self.lines[end - 1].strip():
            end -= 1
        return self.block("code", i, end), end

    def paragraph(self, i: int) -> tuple[Paragraph, int]:
        end = i + 1
        while end < len(self.lines):
            line = self.lines[end]
            if _SETEXT.match(line):
                return self.setext_heading(i, end)
            if not line.strip() or self.interrupts(end) or _starts_list(line, interrupting=True):
                break
            end += 1
        return self.block("paragraph", i, end), end

    def setext_heading(self, i: int, underline: int) -> tuple[Paragraph, int]:
        title = " ".join(line.strip() for line in self.lines[i:underline])
        self.enter(1 if self.lines[underline].strip().startswith("=") else 2, title)
        return self.block("heading", i, underline + 1, title), underline + 1


def _atx_title(rest: str) -> str:
    """The heading text without an optional closing run of `#` (which must follow a space)."""
    title = rest.strip()
    without_closing = title.rstrip("#")
    if without_closing != title and (not without_closing or without_closing[-1] in " \t"):
        title = without_closing.strip()
    return title


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))

