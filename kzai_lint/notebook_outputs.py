"""A notebook as analysed: its JSON without cell outputs.

Outputs are what a notebook produced (plots as base64, printed tables, widget state), not code it
contains, and they are most of its size: a notebook with one 30 MB plot is 30 MB of output around
a few hundred bytes of code. They are dropped once, right after reading, so that nothing after
(the prefilter, text facts, rules that search the text) ever scans them, and a huge output costs
one `json.loads`, not one regular-expression pass per rule.
"""
from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["schema_keys_masked", "without_outputs"]

_DROPPED = ("outputs", "attachments")


def without_outputs(text: str) -> str:
    """`text` with every cell's outputs and attachments removed; unchanged when it has none or
    is not a notebook (the parser then reports what is wrong with it)."""
    if not any(f'"{key}"' in text for key in _DROPPED):
        return text
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError):
        return text
    if not isinstance(data, dict):
        return text
    for cell in _cells(data):
        for key in _DROPPED:
            cell.pop(key, None)
    return json.dumps(data, ensure_ascii=False, indent=1)


def _cells(data: dict[str, Any]) -> list[dict[str, Any]]:
    sheets = data.get("worksheets") if isinstance(data.get("worksheets"), list) else []  # nbformat 3
    groups = [data.get("cells")] + [s.get("cells") for s in sheets if isinstance(s, dict)]
    return [cell for group in groups if isinstance(group, list) for cell in group if isinstance(cell, dict)]


# Key names of the nbformat 3/4 schema (and of Jupyter's standard metadata). They are structure,
# not content: `"nbformat_minor"` alone would pass every notebook through the keyword `minor`.
_SCHEMA_KEYS = (
    "attachments", "cell_type", "cells", "codemirror_mode", "collapsed", "deletable",
    "display_name", "editable", "execution", "execution_count", "file_extension", "format", "id",
    "input", "jupyter", "kernelspec", "language", "language_info", "level", "metadata", "mimetype",
    "name", "nbconvert_exporter", "nbformat", "nbformat_minor", "orig_nbformat", "outputs",
    "outputs_hidden", "prompt_number", "pygments_lexer", "scrolled", "source", "source_hidden",
    "tags", "version", "worksheets",
)
# A key is a JSON string followed by `:`; inside a string value every quote is escaped, so an
# unescaped quote opening one of these names followed by `":` can only be a key.
_SCHEMA_KEY = re.compile(r'(?<!\\)"(?:' + "|".join(sorted(_SCHEMA_KEYS, key=len, reverse=True)) + r')"(?=\s*:)')


def schema_keys_masked(text: str) -> str:
    """The notebook's JSON with the schema's key names emptied (`"":`), for the keyword
    prefilter: whether any rule could report depends on cell sources and metadata values, never
    on the names of the fields that hold them."""
    return _SCHEMA_KEY.sub('""', text)
