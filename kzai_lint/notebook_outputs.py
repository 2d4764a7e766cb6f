"""A notebook as analysed: its JSON without cell outputs.

Outputs are what a notebook produced (plots as base64, printed tables, widget state), not code it
contains, and they are most of its size: a notebook with one 30 MB plot is 30 MB of output around
a few hundred bytes of code. They are dropped once, right after reading, so that nothing after
(the prefilter, text facts, rules that search the text) ever scans them, and a huge output costs
one `json.loads`, not one regular-expression pass per rule.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["without_outputs"]

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
