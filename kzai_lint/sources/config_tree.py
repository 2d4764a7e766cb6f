"""One positioned tree for YAML, TOML and JSON documents.

Rules that look for label vocabularies, model ids or declarations should not care which format a
config file is written in, so every config parser flattens its document into the same pre-order
list of `ConfigNode`s: the key path, the plain Python value and where that value is written. Rules
then walk `nodes` (or use `iter_strings` / `iter_sequences`) and report the node's span.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from kzai_lint.model import Span

__all__ = [
    "ConfigDocument",
    "ConfigNode",
    "KeyPath",
    "SourceParseError",
    "iter_sequences",
    "iter_strings",
    "line_offsets",
    "span_from_offsets",
]

#: Mapping keys are always `str` (non-string YAML keys use their text as written); `int` entries
#: are sequence indexes, so a path can be told from a path through a list.
KeyPath = tuple[str | int, ...]


class SourceParseError(ValueError):
    """A source file that cannot be parsed; the engine turns it into a `FileError`.

    It carries the 1-based line and column of the problem when the parser knows them, and
    survives pickling (workers send it across a process boundary).
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.line, self.column))

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"{self.message} (line {self.line})"
        return f"{self.message} (line {self.line}, column {self.column})"


@dataclass(frozen=True, slots=True)
class ConfigNode:
    """One value of a config document and where it is written.

    `span` locates the value (for a sequence or mapping: from where it starts); `key_span` locates
    the key when the node is a mapping value, so a rule can point at `race:` rather than its list.
    """

    key_path: KeyPath
    value: Any
    span: Span
    key_span: Span | None = None

    @property
    def key(self) -> str | int | None:
        """The last key path entry: the mapping key or sequence index; None for the root."""
        return self.key_path[-1] if self.key_path else None


@dataclass(frozen=True, slots=True)
class ConfigDocument:
    """All nodes of one document in pre-order, the root (key path `()`) first."""

    nodes: tuple[ConfigNode, ...]
    document_index: int = 0
    _by_path: dict[KeyPath, ConfigNode] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Built once so `get` is a dict look-up; duplicate keys resolve to the last one, as the
        # parsed value does.
        for node in self.nodes:
            self._by_path[node.key_path] = node

    @property
    def root(self) -> ConfigNode | None:
        return self.nodes[0] if self.nodes else None

    def get(self, *path: str | int) -> ConfigNode | None:
        """The node at `path` (mapping keys as `str`, sequence indexes as `int`), if any."""
        return self._by_path.get(tuple(path))

    def children(self, *path: str | int) -> list[ConfigNode]:
        """The direct children of the node at `path`, in document order."""
        prefix = tuple(path)
        depth = len(prefix) + 1
        return [
            node
            for node in self.nodes
            if len(node.key_path) == depth and node.key_path[:-1] == prefix
        ]


def iter_strings(doc: ConfigDocument) -> Iterator[ConfigNode]:
    """Scalar string values (keys are not nodes; read them from `key_path`)."""
    return (node for node in doc.nodes if isinstance(node.value, str))


def iter_sequences(doc: ConfigDocument) -> Iterator[ConfigNode]:
    """Nodes whose value is a list or a dict; for a dict, callers use its keys or values."""
    return (node for node in doc.nodes if isinstance(node.value, (list, dict)))


def span_from_offsets(line_starts: list[int], start: int, end: int, first_line: int = 1) -> Span:
    """Turn 0-based character offsets into a 1-based, end-exclusive `Span`.

    `line_starts` holds the offset of each line's first character (see `line_offsets`); the
    TOML and JSON scanners share this so positions are converted once, here.
    """
    start_line, start_col = _line_col(line_starts, start)
    end_line, end_col = _line_col(line_starts, end)
    offset = first_line - 1
    return Span(start_line + offset, start_col, end_line + offset, end_col)


def line_offsets(text: str) -> list[int]:
    """Offsets of the first character of every line (lines end at `\\n`)."""
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _line_col(line_starts: list[int], offset: int) -> tuple[int, int]:
    line_index = bisect_right(line_starts, offset) - 1
    return line_index + 1, offset - line_starts[line_index] + 1
