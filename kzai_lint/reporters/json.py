"""The JSON output contract (schema_version 1, see docs/json-output.md)."""
from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from kzai_lint import __version__
from kzai_lint.model import RunResult


def result_to_json(result: RunResult, *, display_root: str = ".") -> dict[str, Any]:
    by_status = Counter(f.status.value for f in result.findings)
    errors_by_kind = Counter(e.kind for e in result.errors)
    return {
        "schema_version": 1,
        "tool": {"name": "kzai-lint", "version": __version__},
        "root": display_root,
        "findings": [f.to_json() for f in result.findings],
        "errors": [e.to_json() for e in result.errors],
        "summary": {
            "files_scanned": result.files_scanned,
            "findings": len(result.findings),
            "by_status": dict(sorted(by_status.items())),
            "errors_by_kind": dict(sorted(errors_by_kind.items())),
        },
    }


class JsonReporter:
    name = "json"

    def render(self, result: RunResult, out: IO[str]) -> None:
        json.dump(result_to_json(result), out, indent=2, ensure_ascii=False)
        out.write("\n")
