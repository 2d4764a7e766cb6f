"""The repository's declared classification (17(1) risk, 17(2) autonomy, 17(4) mode) with positions.

The law puts the classification on the owner, so the report quotes what the owner wrote and
where (file and line), next to the findings that say the declaration is missing, invalid or
inconsistent. The same file the declaration rules judge is read here (`read_declaration_file`),
so the report and the findings never disagree about which declaration counts.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from kzai_lint.config import read_declaration_file

__all__ = ["DECLARATION_CODES", "DECLARED_FIELDS", "DeclaredValue", "Declaration", "read_declaration"]

#: The three classes the law asks for, in the order the report lists them.
DECLARED_FIELDS = ("risk", "autonomy", "mode")

#: Codes whose findings are about the declaration itself (missing, invalid or conflicting).
DECLARATION_CODES = frozenset({"KZ101", "KZ102", "KZ201", "KZ401"})

_MAX_VALUE = 300


@dataclass(frozen=True, slots=True)
class DeclaredValue:
    """One `key = value` of the system table; `value` is None when the key is not declared."""

    key: str
    value: str | None
    path: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the scan root declares; `path` is None when no declaration file exists."""

    path: str | None
    has_table: bool
    values: tuple[DeclaredValue, ...]

    def get(self, key: str) -> DeclaredValue | None:
        return next((v for v in self.values if v.key == key), None)


def _show(value: Any) -> str:
    """A declared value as one line of text (tables and lists as compact JSON)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dt.date, dt.datetime, dt.time)):
        text = value.isoformat()
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _lines(root: Path, rel: str) -> Mapping[str, int]:
    """Line of each `system.<key>` in the declaration file, from the positioned TOML parser."""
    from kzai_lint.sources.config_tree import SourceParseError
    from kzai_lint.sources.toml_doc import parse_toml

    try:
        doc = parse_toml((root / rel).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SourceParseError, ValueError):
        return {}
    prefix = ("system",) if rel == "kzai-lint.toml" else ("tool", "kzai-lint", "system")
    out = {}
    for node in doc.children(*prefix):
        key = node.key_path[-1]
        if isinstance(key, str):
            out[key] = (node.key_span or node.span).line
    return out


def read_declaration(root: Path) -> Declaration:
    """The classification declared at scan root `root`: risk, autonomy and mode first, then the
    other `[tool.kzai-lint.system]` keys in the order the file gives them."""
    path, table, has_table = read_declaration_file(root)
    if path is None:
        return Declaration(None, False, tuple(DeclaredValue(k, None, None, None) for k in DECLARED_FIELDS))
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    lines = _lines(root, rel) if table else {}
    keys = [*DECLARED_FIELDS, *(k for k in table if k not in DECLARED_FIELDS)]
    values = tuple(
        DeclaredValue(k, _show(table[k]), rel, lines.get(k)) if k in table else DeclaredValue(k, None, None, None)
        for k in keys
    )
    return Declaration(rel, has_table, values)
