"""Positions in YAML/JSON/TOML documents for the word-list rules (KZ301-KZ304).

Those rules look at the key a value sits under and at the items of a list or mapping, and name a
finding by its key path; these helpers keep that navigation in one place.
"""
from __future__ import annotations

from typing import Sequence

from kzai_lint.context import FileContext
from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument, ConfigNode


def anchor_of(path: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in path)


def parent_key(node: ConfigNode) -> str:
    """The mapping key a node sits under (for a list item: the list's key)."""
    for part in reversed(node.key_path):
        if isinstance(part, str):
            return part
    return ""


def list_items(doc: ConfigDocument, node: ConfigNode) -> list[ConfigNode]:
    """Children of a sequence node, or the key positions of a mapping's entries."""
    return doc.children(*node.key_path)


def item_span(child: ConfigNode, by_key: bool) -> Span:
    return child.key_span if by_key and child.key_span is not None else child.span


def documents(ctx: FileContext) -> list[ConfigDocument]:
    docs = ctx.document
    if isinstance(docs, ConfigDocument):
        return [docs]
    return [d for d in docs or () if isinstance(d, ConfigDocument)]
