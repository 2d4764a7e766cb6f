"""TOML documents as positioned config trees.

`tomllib` (or `tomli` on 3.10) gives the values but no positions, so a small locator scans the raw
text for every key path: table headers `[a.b]`, arrays of tables `[[a.b]]` (with their indexes),
dotted keys, inline tables and arrays spanning lines. The values always come from `tomllib`; the
locator only adds spans, so an exotic construct it misreads costs a position, never a value (an
unlocated node falls back to its nearest located ancestor's span).
"""
from __future__ import annotations

import re
import sys
from typing import Any

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import ConfigNode
from kzai_lint.sources.config_tree import KeyPath
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.config_tree import line_offsets
from kzai_lint.sources.config_tree import span_from_offsets

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["MAX_DEPTH", "parse_toml"]

#: Arrays and inline tables nested deeper than this are rejected (the locator recurses).
MAX_DEPTH = 100

_ERROR_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BARE_VALUE = re.compile(r"[0-9A-Za-z_+\-.:]+")
_DATE_THEN_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:")

#: key path -> (value span, key span)
_Locations = dict[KeyPath, tuple[Span, Span | None]]


def parse_toml(text: str) -> ConfigDocument:
    """Parse `text`; raises `SourceParseError` (with line and column when known)."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _decode_error(exc, text) from None
    except RecursionError:
        raise SourceParseError("nesting too deep") from None
    starts = line_offsets(text)
    locations = _Locator(text, starts).run()
    root_span = span_from_offsets(starts, 0, len(text))
    return ConfigDocument(nodes=_nodes(data, locations, root_span))


def _decode_error(exc: Exception, text: str) -> SourceParseError:
    message = str(exc)
    match = _ERROR_POSITION.search(message)
    if match:
        return SourceParseError(message[: match.start()], int(match[1]), int(match[2]))
    if message.endswith("(at end of document)"):
        line = text.count("\n") + 1
        return SourceParseError(message.removesuffix(" (at end of document)"), line)
    return SourceParseError(message)


def _nodes(data: dict[str, Any], locations: _Locations, root_span: Span) -> tuple[ConfigNode, ...]:
    """Pre-order nodes of the parsed value, positioned by the locator (iterative walk)."""
    out: list[ConfigNode] = []
    stack: list[tuple[KeyPath, Any, Span]] = [((), data, root_span)]
    while stack:
        path, value, parent_span = stack.pop()
        span, key_span = locations.get(path, (parent_span, None))
        out.append(ConfigNode(path, value, span, key_span))
        if isinstance(value, dict):
            children = [(path + (key,), item, span) for key, item in value.items()]
        elif isinstance(value, list):
            children = [(path + (i,), item, span) for i, item in enumerate(value)]
        else:
            children = []
        stack.extend(reversed(children))
    return tuple(out)


class _Locator:
    """A forgiving scanner over text that `tomllib` already accepted."""

    def __init__(self, text: str, line_starts: list[int]) -> None:
        self.text = text
        self.starts = line_starts
        self.pos = 0
        self.table: KeyPath = ()
        self.aot_counts: dict[KeyPath, int] = {}
        self.found: _Locations = {}

    def run(self) -> _Locations:
        text = self.text
        while self.pos < len(text):
            before = self.pos
            self.skip_blank()
            if self.pos >= len(text):
                break
            char = text[self.pos]
            if char in "\r\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            elif char == "[":
                self.header()
            else:
                self.key_value(self.table, 0)
            if self.pos == before:  # never loop on something we do not understand
                self.pos += 1
        return self.found

    def span(self, start: int, end: int) -> Span:
        return span_from_offsets(self.starts, start, end)

    def skip_blank(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end == -1 else end

    def skip_blank_lines_and_comments(self) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def header(self) -> None:
        start = self.pos
        is_array = self.text.startswith("[[", start)
        self.pos += 2 if is_array else 1
        self.skip_blank()
        segments = self.key()
        self.skip_blank()
        self.pos += 2 if is_array else 1
        header_span = self.span(start, self.pos)
        path: KeyPath = ()
        for index, (name, seg_start, seg_end) in enumerate(segments):
            path += (name,)
            key_span = self.span(seg_start, seg_end)
            last = index == len(segments) - 1
            if last and is_array:
                self.found.setdefault(path, (header_span, key_span))
                count = self.aot_counts.get(path, 0)
                self.aot_counts[path] = count + 1
                path += (count,)
                self.found[path] = (header_span, key_span)
            elif last:
                self.found[path] = (header_span, key_span)
            else:
                self.found.setdefault(path, (header_span, key_span))
                if path in self.aot_counts:
                    path += (self.aot_counts[path] - 1,)
        self.table = path

    def key(self) -> list[tuple[str, int, int]]:
        """A possibly dotted key as (name, start, end) segments."""
        segments = []
        while self.pos < len(self.text):
            start = self.pos
            segments.append((self.key_segment(), start, self.pos))
            self.skip_blank()
            if not self.text.startswith(".", self.pos):
                break
            self.pos += 1
            self.skip_blank()
        return segments

    def key_segment(self) -> str:
        text, start = self.text, self.pos
        if text.startswith('"', start):
            self.basic_string()
            return str(tomllib.loads("k = " + text[start : self.pos])["k"])
        if text.startswith("'", start):
            self.pos = text.find("'", start + 1) + 1 or len(text)
            return text[start + 1 : self.pos - 1]
        match = _BARE_KEY.match(text, start)
        self.pos = match.end() if match else start + 1
        return text[start : self.pos]

    def key_value(self, table: KeyPath, depth: int) -> None:
        segments = self.key()
        path = table
        for name, seg_start, seg_end in segments[:-1]:
            path += (name,)
            segment_span = self.span(seg_start, seg_end)
            self.found.setdefault(path, (segment_span, segment_span))
        name, seg_start, seg_end = segments[-1]
        self.skip_blank()
        if self.text.startswith("=", self.pos):
            self.pos += 1
        self.skip_blank()
        value_start = self.pos
        self.value(path + (name,), depth)
        value_span = self.span(value_start, self.pos)
        self.found[path + (name,)] = (value_span, self.span(seg_start, seg_end))

    def value(self, path: KeyPath, depth: int) -> None:
        if depth > MAX_DEPTH:
            line = self.span(self.pos, self.pos).line
            raise SourceParseError(f"nesting deeper than {MAX_DEPTH} levels", line)
        text, start = self.text, self.pos
        if text.startswith(('"""', "'''"), start):
            self.multiline_string(text[start])
        elif text.startswith('"', start):
            self.basic_string()
        elif text.startswith("'", start):
            self.pos = text.find("'", start + 1) + 1 or len(text)
        elif text.startswith("[", start):
            self.array(path, depth + 1)
        elif text.startswith("{", start):
            self.inline_table(path, depth + 1)
        else:
            self.bare_value()
        self.found[path] = (self.span(start, self.pos), None)

    def basic_string(self) -> None:
        text, pos = self.text, self.pos + 1
        while pos < len(text) and text[pos] not in '"\n':
            pos += 2 if text[pos] == "\\" else 1
        self.pos = min(pos + 1, len(text))

    def multiline_string(self, quote: str) -> None:
        text, delimiter, pos = self.text, quote * 3, self.pos + 3
        while pos < len(text) and not text.startswith(delimiter, pos):
            pos += 2 if quote == '"' and text[pos] == "\\" else 1
        pos += 3
        extra = 0  # up to two quotes may close the content just before the delimiter
        while extra < 2 and pos < len(text) and text[pos] == quote:
            pos, extra = pos + 1, extra + 1
        self.pos = min(pos, len(text))

    def bare_value(self) -> None:
        text, start = self.text, self.pos
        if _DATE_THEN_TIME.match(text, start):
            start += 11
        match = _BARE_VALUE.match(text, start)
        self.pos = match.end() if match else start

    def array(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        index = 0
        while self.pos < len(self.text):
            self.skip_blank_lines_and_comments()
            if self.text.startswith("]", self.pos):
                break
            item_start = self.pos
            self.value(path + (index,), depth)
            if self.pos == item_start:
                self.pos += 1
            index += 1
            self.skip_blank_lines_and_comments()
            if self.text.startswith(",", self.pos):
                self.pos += 1
        self.pos += 1

    def inline_table(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        while self.pos < len(self.text):
            self.skip_blank_lines_and_comments()
            if self.text.startswith("}", self.pos):
                break
            entry_start = self.pos
            self.key_value(path, depth)
            if self.pos == entry_start:
                self.pos += 1
            self.skip_blank_lines_and_comments()
            if self.text.startswith(",", self.pos):
                self.pos += 1
        self.pos += 1
