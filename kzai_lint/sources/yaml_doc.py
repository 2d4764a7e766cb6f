"""YAML documents as positioned config trees, built without constructing Python objects.

We read PyYAML's event stream (libyaml's `CSafeLoader` when available) and compose the tree
ourselves, iteratively, instead of calling `compose_all`/`safe_load`:

* nothing is ever constructed from a tag, so `!!python/object` is just a mapping or a list;
* PyYAML's composer recurses once per nesting level, so 10k nested lists end in a
  `RecursionError` (or a C stack overflow with libyaml); an explicit stack lets us fail with a
  `SourceParseError` at `MAX_DEPTH` instead;
* alias expansion is counted while we flatten the tree, so a "billion laughs" document fails
  after `MAX_ALIAS_EXPANSIONS` nodes rather than after exhausting memory.

Scalars resolve like `safe_load` (int, float, bool, null, timestamp); marks are converted to
1-based lines and columns here, once.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import ConfigNode
from kzai_lint.sources.config_tree import KeyPath
from kzai_lint.sources.config_tree import SourceParseError

__all__ = ["MAX_ALIAS_EXPANSIONS", "MAX_DEPTH", "parse_yaml"]

MAX_DEPTH = 500
MAX_ALIAS_EXPANSIONS = 10_000

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_CORE = "tag:yaml.org,2002:"
_MERGE_TAG = _CORE + "merge"
_BUILDERS: dict[str, Any] = {
    _CORE + "null": _CONSTRUCTOR.construct_yaml_null,
    _CORE + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _CORE + "int": _CONSTRUCTOR.construct_yaml_int,
    _CORE + "float": _CONSTRUCTOR.construct_yaml_float,
    _CORE + "timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
    _CORE + "str": _CONSTRUCTOR.construct_yaml_str,
}


@dataclass(eq=False, slots=True)
class _Node:
    """A composed YAML node; mutable only while its collection is still open."""

    kind: str  # "scalar" | "seq" | "map"
    span: Span
    tag: str = ""
    raw: str = ""
    value: Any = None
    flow: bool = False
    done: bool = False
    children: list[_Ref] = field(default_factory=list)
    pairs: list[tuple[_Ref, _Ref]] = field(default_factory=list)
    explicit_pairs: int = 0


@dataclass(frozen=True, slots=True)
class _Ref:
    """A child slot: the node and where it is written (for an alias: the alias itself)."""

    node: _Node
    span: Span
    is_alias: bool = False


def parse_yaml(text: str, *, first_line: int = 1) -> list[ConfigDocument]:
    """Every document of a YAML stream; `first_line` is the file line of `text`'s first line.

    Raises `SourceParseError` for syntax errors, undefined or recursive aliases, unhashable keys,
    nesting deeper than `MAX_DEPTH` and more than `MAX_ALIAS_EXPANSIONS` expanded alias nodes.
    """
    roots = _compose(text, first_line)
    return [
        ConfigDocument(nodes=_flatten(root), document_index=index)
        for index, root in enumerate(roots)
    ]


def _compose(text: str, first_line: int) -> list[_Ref]:
    loader = _LOADER(text)
    try:
        return _Composer(first_line).run(loader)
    except yaml.MarkedYAMLError as exc:
        raise _error_from_marked(exc, first_line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        raise SourceParseError(f"invalid character: {exc.reason}", line) from None
    except yaml.YAMLError as exc:
        raise SourceParseError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _error_from_marked(exc: yaml.MarkedYAMLError, first_line: int) -> SourceParseError:
    mark = exc.problem_mark or exc.context_mark
    parts = [part for part in (exc.context, exc.problem) if part]
    message = ", ".join(parts) or "invalid YAML"
    if mark is None:
        return SourceParseError(message)
    return SourceParseError(message, mark.line + first_line, mark.column + 1)


class _Composer:
    """Builds `_Node` trees from events with an explicit stack (no recursion)."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.roots: list[_Ref] = []
        self.stack: list[_Node] = []
        self.anchors: dict[str, _Node] = {}

    def run(self, loader: Any) -> list[_Ref]:
        while loader.check_event():
            self.feed(loader.get_event())
        return self.roots

    def feed(self, event: Any) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.anchors = {}
        elif isinstance(event, yaml.ScalarEvent):
            self.attach(_Ref(self.scalar(event), self.span(event)))
        elif isinstance(event, yaml.AliasEvent):
            self.attach(_Ref(self.alias(event), self.span(event), is_alias=True))
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self.open(event)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            self.close(event)

    def span(self, event: Any) -> Span:
        start, end = event.start_mark, event.end_mark
        offset = self.first_line
        return Span(start.line + offset, start.column + 1, end.line + offset, end.column + 1)

    def scalar(self, event: Any) -> _Node:
        tag = _scalar_tag(event)
        node = _Node("scalar", self.span(event), tag=tag, raw=event.value, done=True)
        node.value = _scalar_value(tag, event.value)
        if event.anchor:
            self.anchors[event.anchor] = node
        return node

    def alias(self, event: Any) -> _Node:
        node = self.anchors.get(event.anchor)
        line, column = event.start_mark.line + self.first_line, event.start_mark.column + 1
        if node is None:
            raise SourceParseError(f"found undefined alias {event.anchor!r}", line, column)
        if not node.done:
            raise SourceParseError(f"recursive alias {event.anchor!r}", line, column)
        return node

    def open(self, event: Any) -> None:
        mark = event.start_mark
        line, column = mark.line + self.first_line, mark.column + 1
        if len(self.stack) >= MAX_DEPTH:
            raise SourceParseError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
        node = _Node(kind, Span(line, column, line, column), flow=bool(event.flow_style))
        if event.anchor:
            self.anchors[event.anchor] = node
        self.stack.append(node)

    def close(self, event: Any) -> None:
        node = self.stack.pop()
        node.span = _collection_span(node, event, self.first_line)
        if node.kind == "seq":
            node.value = [child.node.value for child in node.children]
        else:
            _finish_mapping(node)
        node.done = True
        self.attach(_Ref(node, node.span))

    def attach(self, ref: _Ref) -> None:
        if self.stack:
            self.stack[-1].children.append(ref)
        else:
            self.roots.append(ref)


def _scalar_tag(event: Any) -> str:
    """The resolved tag; unknown explicit tags resolve as if the scalar were untagged."""
    tag = event.tag
    if tag and tag != "!" and (tag in _BUILDERS or tag == _MERGE_TAG):
        return str(tag)
    if tag and tag != "!":
        plain = event.style in (None, "")
        return str(_RESOLVER.resolve(ScalarNode, event.value, (plain, not plain)))
    return str(_RESOLVER.resolve(ScalarNode, event.value, event.implicit))


def _scalar_value(tag: str, text: str) -> Any:
    build = _BUILDERS.get(tag)
    if build is None:
        return text
    try:
        return build(ScalarNode(tag, text))
    except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
        return text


def _collection_span(node: _Node, end_event: Any, first_line: int) -> Span:
    """From the collection's start to its closing bracket (flow) or its last child (block).

    PyYAML ends a block collection where the next token begins, often on a later line, so the
    last child gives a tighter end.
    """
    if node.flow or not node.children:
        end = end_event.end_mark
        return Span(node.span.line, node.span.column, end.line + first_line, end.column + 1)
    last = node.children[-1].span
    return Span(node.span.line, node.span.column, last.end_line, last.end_column)


def _finish_mapping(node: _Node) -> None:
    """Pair up children, apply `<<` merge keys like `safe_load` and build the dict value."""
    children = node.children
    explicit: list[tuple[_Ref, _Ref]] = []
    sources: list[_Node] = []
    for key, value in zip(children[::2], children[1::2]):
        if key.node.kind == "scalar" and key.node.tag == _MERGE_TAG:
            sources.extend(_merge_sources(value))
        else:
            _hashable_key(key)
            explicit.append((key, value))
    taken = {key.node.value for key, _ in explicit}
    merged: list[tuple[_Ref, _Ref]] = []
    for source in sources:  # earlier sources win, explicit keys win over all
        for key, value in source.pairs:
            if key.node.value not in taken:
                taken.add(key.node.value)
                merged.append((key, value))
    node.pairs = explicit + merged
    node.explicit_pairs = len(explicit)
    node.value = {key.node.value: value.node.value for key, value in merged + explicit}


def _merge_sources(value: _Ref) -> list[_Node]:
    candidates = value.node.children if value.node.kind == "seq" else [value]
    sources = [ref.node for ref in candidates]
    for source in sources:
        if source.kind != "map":
            span = value.span
            raise SourceParseError("expected a mapping for merging", span.line, span.column)
    return sources


def _hashable_key(key: _Ref) -> None:
    if isinstance(key.node.value, (list, dict)):
        raise SourceParseError("found unhashable mapping key", key.span.line, key.span.column)


def _key_name(key: _Node) -> str:
    """Mapping keys in key paths are text: a string key as is, others as written."""
    return key.value if isinstance(key.value, str) else key.raw


def _flatten(root: _Ref) -> tuple[ConfigNode, ...]:
    """Pre-order nodes, expanding aliases and merges and counting what they expand to."""
    out: list[ConfigNode] = []
    expanded = 0
    stack: list[tuple[_Ref, KeyPath, Span | None, bool]] = [(root, (), None, False)]
    while stack:
        ref, path, key_span, in_alias = stack.pop()
        in_alias = in_alias or ref.is_alias
        if in_alias:
            expanded += 1
            if expanded > MAX_ALIAS_EXPANSIONS:
                raise SourceParseError("too many alias expansions", ref.span.line, ref.span.column)
        out.append(ConfigNode(path, ref.node.value, ref.span, key_span))
        stack.extend(reversed(_child_entries(ref.node, path, in_alias)))
    return tuple(out)


def _child_entries(
    node: _Node, path: KeyPath, in_alias: bool
) -> list[tuple[_Ref, KeyPath, Span | None, bool]]:
    if node.kind == "seq":
        return [(child, path + (i,), None, in_alias) for i, child in enumerate(node.children)]
    if node.kind != "map":
        return []
    entries: list[tuple[_Ref, KeyPath, Span | None, bool]] = []
    for index, (key, value) in enumerate(node.pairs):
        from_merge = index >= node.explicit_pairs
        entries.append((value, path + (_key_name(key.node),), key.span, in_alias or from_merge))
    return entries
