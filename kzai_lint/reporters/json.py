"""The JSON output contract (schema_version 1, see docs/json-output.md)."""
from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from kzai_lint import __version__
from kzai_lint.model import Confidence, FileError, Finding, RunResult, Severity, Status


def result_to_json(result: RunResult, *, display_root: str = ".") -> dict[str, Any]:
    # Rule packs may add fields to findings (e.g. the EU pack's `eu_ai_act`); never contract ones.
    from kzai_lint.registry import finding_extras

    by_status = Counter(f.status.value for f in result.findings)
    errors_by_kind = Counter(e.kind for e in result.errors)
    return {
        "schema_version": 1,
        "tool": {"name": "kzai-lint", "version": __version__},
        "root": display_root,
        "findings": [{**f.to_json(), **finding_extras(f)} for f in result.findings],
        "errors": [e.to_json() for e in result.errors],
        "warnings": [w.to_json() for w in result.warnings],
        **({"baseline": result.baseline.to_json()} if result.baseline is not None else {}),
        "summary": {
            "files_discovered": max(result.files_discovered, result.files_scanned),
            "files_scanned": result.files_scanned,
            "findings": len(result.findings),
            "by_status": dict(sorted(by_status.items())),
            "errors_by_kind": dict(sorted(errors_by_kind.items())),
        },
    }


def result_from_json(data: Any) -> RunResult:
    """Rebuild a RunResult from a saved `check --format json` object (schema_version 1).

    Only what the contract carries comes back: findings, errors, files scanned and, when a newer
    writer added it, `rules_run`. A value of the wrong type raises ValueError naming the field,
    since a saved result is user input."""
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise ValueError("not a kzai-lint JSON result with schema_version 1")
    findings = tuple(_finding_from_json(i, f) for i, f in enumerate(_list(data, "findings")))
    errors = tuple(_error_from_json(i, e) for i, e in enumerate(_list(data, "errors")))
    summary = data.get("summary") if isinstance(data.get("summary"), dict) else {}
    scanned = summary.get("files_scanned", 0)
    rules = data.get("rules_run", [])
    if not isinstance(scanned, int) or not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ValueError("summary.files_scanned or rules_run has the wrong type")
    discovered = summary.get("files_discovered", scanned)
    discovered = discovered if isinstance(discovered, int) and not isinstance(discovered, bool) else scanned
    return RunResult(str(data.get("root", ".")), findings, errors, scanned, rules_run=tuple(rules), files_discovered=discovered)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key}: expected a list")
    return value


def _field(where: str, item: dict[str, Any], key: str, types: tuple[type, ...], default: Any = None) -> Any:
    value = item.get(key, default)
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        raise ValueError(f"{where}.{key}: unexpected value {value!r}")
    return value


def _finding_from_json(index: int, item: Any) -> Finding:
    where = f"findings[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    text = {k: _field(where, item, k, (str,)) for k in ("code", "clause", "title", "path", "message", "fingerprint")}
    nums = {k: _field(where, item, k, (int, type(None))) for k in ("line", "column", "end_line", "end_column", "cell")}
    try:
        levels = (Severity(item.get("severity")), Confidence(item.get("confidence")), Status(item.get("status")))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return Finding(
        severity=levels[0],
        confidence=levels[1],
        status=levels[2],
        evidence=_field(where, item, "evidence", (str,), ""),
        mitigation=_field(where, item, "mitigation", (str, type(None))),
        rule=_field(where, item, "rule", (str,), text["code"]),
        capability=_field(where, item, "capability", (str, type(None))),
        **text,
        **nums,
    )


def _error_from_json(index: int, item: Any) -> FileError:
    where = f"errors[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object")
    return FileError(
        path=_field(where, item, "path", (str,)),
        kind=_field(where, item, "kind", (str,)),
        message=_field(where, item, "message", (str,), ""),
        line=_field(where, item, "line", (int, type(None))),
        column=_field(where, item, "column", (int, type(None))),
    )


class JsonReporter:
    name = "json"

    def render(self, result: RunResult, out: IO[str]) -> None:
        json.dump(result_to_json(result), out, indent=2, ensure_ascii=False)
        out.write("\n")
