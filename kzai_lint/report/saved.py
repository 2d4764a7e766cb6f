"""Read a saved `kzai-lint check --format json` result back for rendering.

A report rendered later must say what the saved run did not record (the catalogue version, the
rules that ran) rather than fill the gaps from the installation rendering it, which may be newer.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzai_lint.model import RunResult
from kzai_lint.reporters.json import result_from_json

__all__ = ["SavedResult", "load_saved", "warning_text"]


@dataclass(frozen=True, slots=True)
class SavedResult:
    """A saved JSON report read back for rendering, with what the run that wrote it recorded."""

    result: RunResult
    tool_version: str
    catalogue_version: str | None
    rules_recorded: bool
    warnings: tuple[str, ...]


def warning_text(warning: Any) -> str:
    """One line for a run warning: a plain string, or a record with path, line, code and message
    (from a RunResult or from a saved result's `warnings`)."""
    if isinstance(warning, str):
        return warning
    get = warning.get if isinstance(warning, dict) else lambda key: getattr(warning, key, None)
    where = str(get("path") or "")
    if get("line"):
        where += f":{get('line')}"
    parts = [where + ":" if where else "", str(get("code") or ""), str(get("message") or "")]
    return " ".join(p for p in parts if p)


def load_saved(path: Path) -> SavedResult:
    """Parse the file at `path`; ValueError (with the file name) when it is not a saved result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        result = result_from_json(data)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    catalogue = tool.get("catalogue_version") or data.get("catalogue_version")
    warnings = data.get("warnings") if isinstance(data.get("warnings"), list) else []
    baseline = data.get("baseline") if isinstance(data.get("baseline"), dict) else {}
    stale = [w for w in baseline.get("stale") or () if isinstance(w, dict)]
    return SavedResult(
        result=result,
        tool_version=str(tool.get("version") or "unknown"),
        catalogue_version=str(catalogue) if catalogue else None,
        rules_recorded="rules_run" in data,
        warnings=tuple(warning_text(w) for w in warnings) + tuple(f"stale baseline entry: {warning_text(w)}" for w in stale),
    )
