"""JSON documents as positioned config trees.

`json.loads` gives no positions and recurses per nesting level, so this is a small scanner with an
explicit stack: every value gets its span (an HF `config.json`'s `id2label` entries each get their
line), and nesting deeper than `MAX_DEPTH` fails as a `SourceParseError` rather than a
`RecursionError`. It accepts what `json.loads` accepts, including `NaN` and `Infinity`.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import ConfigNode
from kzai_lint.sources.config_tree import KeyPath
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.config_tree import line_offsets
from kzai_lint.sources.config_tree import span_from_offsets

__all__ = ["MAX_DEPTH", "parse_json", "parse_jsonl_first_record"]

MAX_DEPTH = 500

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS: tuple[tuple[str, Any], ...] = (
    ("true", True),
    ("false", False),
    ("null", None),
    ("NaN", math.nan),
    ("Infinity", math.inf),
    ("-Infinity", -math.inf),
)
_CLOSERS = {"object": "}", "array": "]"}


def parse_json(text: str, *, first_line: int = 1) -> ConfigDocument:
    """Parse one JSON document; `first_line` is the file line of `text`'s first line."""
    return ConfigDocument(nodes=_Scanner(text.removeprefix("\ufeff"), first_line).run())


def parse_jsonl_first_record(text: str) -> ConfigDocument | None:
    """The first non-empty line of a JSON Lines file, positioned in the whole file."""
    for index, line in enumerate(text.removeprefix("\ufeff").split("\n")):
        if line.strip():
            return parse_json(line, first_line=index + 1)
    return None


@dataclass(slots=True)
class _Open:
    """An object or array whose closing bracket has not been read yet."""

    kind: str  # "object" | "array"
    container: Any
    path: KeyPath
    slot: int
    start: int
    key_span: Span | None
    key: str = ""


class _Scanner:
    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self.starts = line_offsets(text)
        self.pos = 0
        self.slots: list[ConfigNode | None] = []
        self.stack: list[_Open] = []

    def run(self) -> tuple[ConfigNode, ...]:
        self.skip()
        path: KeyPath = ()
        key_span: Span | None = None
        while True:
            value, complete = self.value(path, key_span)
            if complete and self.finish(value):
                break
            path, key_span = self.next_member()
        self.skip()
        if self.pos < len(self.text):
            raise self.error("Extra data")
        return tuple(node for node in self.slots if node is not None)

    def span(self, start: int, end: int) -> Span:
        return span_from_offsets(self.starts, start, end, self.first_line)

    def error(self, message: str, pos: int | None = None) -> SourceParseError:
        span = self.span(self.pos if pos is None else pos, self.pos if pos is None else pos)
        return SourceParseError(message, span.line, span.column)

    def skip(self) -> None:
        match = _WHITESPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def value(self, path: KeyPath, key_span: Span | None) -> tuple[Any, bool]:
        """Read a value; for `{`/`[` open it and say whether it closed at once (`{}`, `[]`)."""
        char = self.text[self.pos : self.pos + 1]
        if char in ("{", "["):
            return self.open(char, path, key_span)
        start = self.pos
        value = self.scalar()
        self.slots.append(ConfigNode(path, value, self.span(start, self.pos), key_span))
        return value, True

    def open(self, char: str, path: KeyPath, key_span: Span | None) -> tuple[Any, bool]:
        if len(self.stack) >= MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels")
        kind = "object" if char == "{" else "array"
        container: Any = {} if kind == "object" else []
        frame = _Open(kind, container, path, len(self.slots), self.pos, key_span)
        self.slots.append(None)  # reserved so the container precedes its members (pre-order)
        self.stack.append(frame)
        self.pos += 1
        self.skip()
        if self.text.startswith(_CLOSERS[kind], self.pos):
            return self.close(), True
        return None, False

    def close(self) -> Any:
        frame = self.stack.pop()
        self.pos += 1
        span = self.span(frame.start, self.pos)
        self.slots[frame.slot] = ConfigNode(frame.path, frame.container, span, frame.key_span)
        return frame.container

    def finish(self, value: Any) -> bool:
        """Add a complete value to its container, closing containers that end; True when done."""
        while self.stack:
            frame = self.stack[-1]
            if frame.kind == "object":
                frame.container[frame.key] = value
            else:
                frame.container.append(value)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self.skip()
                return False
            if not self.text.startswith(_CLOSERS[frame.kind], self.pos):
                raise self.error(f"Expecting ',' delimiter or '{_CLOSERS[frame.kind]}'")
            value = self.close()
        return True

    def next_member(self) -> tuple[KeyPath, Span | None]:
        """Position on the next member's value; return its path and key span."""
        frame = self.stack[-1]
        if frame.kind == "array":
            self.skip()
            return frame.path + (len(frame.container),), None
        if not self.text.startswith('"', self.pos):
            raise self.error("Expecting property name enclosed in double quotes")
        start = self.pos
        frame.key = self.string()
        key_span = self.span(start, self.pos)
        self.skip()
        if not self.text.startswith(":", self.pos):
            raise self.error("Expecting ':' delimiter")
        self.pos += 1
        self.skip()
        return frame.path + (frame.key,), key_span

    def scalar(self) -> Any:
        text, pos = self.text, self.pos
        if text.startswith('"', pos):
            return self.string()
        number = _NUMBER.match(text, pos)
        if number and not text.startswith("-Infinity", pos):
            is_float = number.group(1) or number.group(2)
            try:
                value = float(number.group()) if is_float else int(number.group())
            except ValueError:  # more digits than `sys.get_int_max_str_digits()` allows
                raise self.error("number too large") from None
            self.pos = number.end()
            return value
        for word, value in _CONSTANTS:
            if text.startswith(word, pos):
                self.pos += len(word)
                return value
        raise self.error("Expecting value")

    def string(self) -> str:
        try:
            value, self.pos = json.decoder.scanstring(self.text, self.pos + 1, True)
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg, exc.pos) from None
        return str(value)
