"""GitLab Code Quality report (`artifacts: reports: codequality`), a subset of Code Climate's issue.

GitLab shows these in the merge request widget and the diff, comparing fingerprints between the
base and the head pipeline, so the fingerprint must be unique per finding and stable across
edits: it is derived from ours, which ignores line numbers. Only open findings are listed
(mitigated, suppressed and baselined ones are decisions already taken). Notebook findings point
at line 1 of the `.ipynb` file and name the cell and line in the description.
"""
from __future__ import annotations

import hashlib
import json
from typing import IO, Any

from kzai_lint.model import Finding, RunResult, Severity, Status

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    clause = f" [{f.clause}]" if f.clause else ""
    description = f"{f.code}{clause} {f.message}"
    line = f.line or 1
    if f.cell is not None:
        description = f"{f.code}{clause} cell {f.cell}, line {f.line}: {f.message}"
        line = 1
    return {
        "type": "issue",
        "description": description,
        "check_name": f.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "categories": ["Security"],
        "location": {"path": f.path, "lines": {"begin": line}},
    }


def result_to_codequality(result: RunResult) -> list[dict[str, Any]]:
    out = []
    seen: set[str] = set()
    for f in result.findings:
        if f.status is not Status.OPEN:
            continue
        digest = hashlib.sha256(f.fingerprint.encode("utf-8")).hexdigest()[:32]
        n = 1
        while digest in seen:  # never two issues with one fingerprint: GitLab would drop one
            digest = hashlib.sha256(f"{f.fingerprint}#{n}".encode("utf-8")).hexdigest()[:32]
            n += 1
        seen.add(digest)
        out.append(issue(f, digest))
    return out


class GitlabReporter:
    name = "gitlab"

    def render(self, result: RunResult, out: IO[str]) -> None:
        json.dump(result_to_codequality(result), out, indent=2, ensure_ascii=False)
        out.write("\n")
