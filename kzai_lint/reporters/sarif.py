"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).

Shaped by GitHub's documented subset ("SARIF support for code scanning"): every rule that ran is
a `reportingDescriptor` (so `ruleIndex` always points into `rules`), descriptions stay within
1024 characters, `help` carries the rule docs and the clause text, results carry `level`,
`partialFingerprints` and one physical location with a region.

Decisions worth knowing (see docs/ci.md):
- No `helpUri`: the schema wants an absolute URI and GitHub ignores the field; our rule docs ship
  in `help` and in `kzai-lint explain`, so there is no URL to point at.
- Notebooks: the artifact is the `.ipynb` file and the region's lines count lines of the cell's
  source, as in the JSON contract; the 0-based cell is in `region.properties.cell` (SARIF has no
  cell field) and the message starts with `cell N, line L:`.
- File-level findings get `startLine: 1` (GitHub needs a region) and `properties.wholeFile`;
  repository-level findings with no file get a logical location instead of a physical one.
- Non-open findings stay in the log with `suppressions`: `inSource` for comments (the reason is
  the justification), `external` for per-file-ignores, baselines and mitigations (the hook).
- `partialFingerprints.primaryLocationLineHash` is our line-independent fingerprint hash, so
  GitHub tracks an alert across edits that move it; the full fingerprint is kept too.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import IO, Any, Sequence
from urllib.parse import quote

from kzai_lint import __version__
from kzai_lint.model import FileError, Finding, RunResult, Severity, Status
from kzai_lint.rule_info import RuleInfo

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub reads security-severity as critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription
MAX_RELATED = 20
_LINKLIKE = re.compile(r"\]\(")


def artifact_uri(path: str) -> str:
    """A relative URI reference for a POSIX path: reserved characters percent-encoded."""
    return quote(path, safe="/")


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    clause = rule.clause or ""
    where = f" [{clause}]" if clause else ""
    full = rule.summary + (f" Mitigation: {rule.advice}" if rule.advice else "")
    text = f"{rule.code}{where} {rule.title}\n\n{rule.doc}"
    markdown = f"**{rule.code}**{where} {rule.title}\n\n{rule.doc}"
    if rule.clause_text:
        text += f"\n\nArticle {clause}:\n{rule.clause_text}"
        quoted = "\n".join(f"> {line}" if line else ">" for line in rule.clause_text.splitlines())
        markdown += f"\n\n#### Article {clause} of Law No. 230-VIII\n\n{quoted}"
    tags = ["article-17", clause, *rule.capabilities, *rule.tags] if clause else ["kzai-lint", *rule.tags]
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(t for t in tags if t)),
        "precision": rule.confidence.value,
    }
    if clause:
        properties["clause"] = clause
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    else:
        properties["problem.severity"] = "warning"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(f"{rule.code}{where} {rule.title}")},
        "fullDescription": {"text": _clip(full)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "help": {"text": text, "markdown": markdown},
        "properties": properties,
    }


def _region(f: Finding) -> dict[str, Any]:
    if f.line is None:
        return {"startLine": 1}
    region: dict[str, Any] = {"startLine": f.line, "startColumn": f.column or 1}
    end_line = f.end_line if f.end_line and f.end_line >= f.line else f.line
    region["endLine"] = end_line
    if f.end_column is not None and (end_line > f.line or f.end_column > region["startColumn"]):
        region["endColumn"] = f.end_column
    if f.cell is not None:
        region["properties"] = {"cell": f.cell}
    return region


def location(f: Finding, message: str | None = None, loc_id: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if loc_id is not None:
        out["id"] = loc_id
    if f.path in (".", ""):
        out["logicalLocations"] = [{"name": "repository", "kind": "module", "fullyQualifiedName": "."}]
    else:
        out["physicalLocation"] = {
            "artifactLocation": {"uri": artifact_uri(f.path), "uriBaseId": SRCROOT},
            "region": _region(f),
        }
    if message:
        out["message"] = {"text": message}
    return out


def _where(f: Finding) -> str:
    cell = f"cell {f.cell} " if f.cell is not None else ""
    return f"{f.path} {cell}line {f.line}" if f.line is not None else f.path


def _suppression(f: Finding) -> dict[str, Any]:
    reason = f.mitigation or f.status.value
    inline = f.status is Status.SUPPRESSED and reason.startswith("inline suppression")
    return {"kind": "inSource" if inline else "external", "status": "accepted", "justification": reason}


def related_by_capability(findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    """For each finding (by index): findings of the same capability in *other* artefacts."""
    by_cap: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        if f.capability:
            by_cap[f.capability].append(i)
    out: dict[int, list[Finding]] = {}
    for indexes in by_cap.values():
        for i in indexes:
            others = [findings[j] for j in indexes if findings[j].path != findings[i].path]
            if others:
                out[i] = others[:MAX_RELATED]
    return out


def _message(f: Finding, related: Sequence[Finding]) -> str:
    text = f.message
    if _LINKLIKE.search(text):
        # Text that looks like an embedded link `[x](n)` must have its brackets escaped (3.11.6).
        text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if f.cell is not None:  # the region's line is the cell's; say so where viewers show it
        text = f"cell {f.cell}, line {f.line}: {text}"
    if related:
        links = ", ".join(f"[{_where(r)}]({n})" for n, r in enumerate(related, start=1))
        text += f" The same capability ({f.capability}) is also found in {links}."
    return text


def result_object(f: Finding, rule_index: int, related: Sequence[Finding]) -> dict[str, Any]:
    digest = f.fingerprint.rsplit(":", 1)[-1]
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": _message(f, related)},
        "locations": [location(f)],
        "partialFingerprints": {"primaryLocationLineHash": digest, "kzaiLintFingerprint/v1": f.fingerprint},
    }
    if related:
        out["relatedLocations"] = [
            location(r, f"{f.capability} also found here ({r.code})", n) for n, r in enumerate(related, start=1)
        ]
    if f.status is not Status.OPEN:
        out["suppressions"] = [_suppression(f)]
    props: dict[str, Any] = {"code": f.code, "clause": f.clause, "confidence": f.confidence.value, "status": f.status.value}
    if f.capability:
        props["capability"] = f.capability
    if f.evidence:
        props["evidence"] = f.evidence
    if f.line is None and f.path not in (".", ""):
        props["wholeFile"] = True
    # Rule packs' extra fields (e.g. the EU pack's `eu_ai_act`), as in JSON; never ours.
    from kzai_lint.registry import finding_extras

    props.update({k: v for k, v in finding_extras(f).items() if k not in props})
    out["properties"] = props
    return out


def _notification(e: FileError) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(e.path), "uriBaseId": SRCROOT}}
    if e.line:
        loc["region"] = {"startLine": e.line}
    note: dict[str, Any] = {
        "level": "error" if e.kind == "rule-error" else "warning",
        "message": {"text": f"{e.kind}: {e.message}"},
        "descriptor": {"id": e.kind},
    }
    if e.path not in (".", ""):
        note["locations"] = [{"physicalLocation": loc}]
    return note


def _warning_notification(w: Any) -> dict[str, Any]:
    if isinstance(w, str):
        return {"level": "warning", "message": {"text": w}}
    note: dict[str, Any] = {"level": "warning", "message": {"text": str(getattr(w, "message", w))}}
    if getattr(w, "code", None):
        note["descriptor"] = {"id": w.code}
    path = getattr(w, "path", None)
    if path and path != ".":
        loc: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
        if getattr(w, "line", None):
            loc["region"] = {"startLine": w.line}
        note["locations"] = [{"physicalLocation": loc}]
    return note


def _bare_descriptor(rule_id: str) -> dict[str, Any]:
    """A rule whose metadata was not handed over still needs a descriptor for `ruleIndex`."""
    text = {"text": rule_id}
    return {"id": rule_id, "shortDescription": text, "fullDescription": text, "help": text}


def root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri() if root else "file:///"
    return uri if uri.endswith("/") else uri + "/"


def result_to_sarif(result: RunResult, rules: Sequence[RuleInfo]) -> dict[str, Any]:
    known = {r.id: r for r in rules}
    ids = list(dict.fromkeys([*result.rules_run, *(f.rule for f in result.findings)]))
    index = {rule_id: n for n, rule_id in enumerate(ids)}
    descriptors = [rule_descriptor(known[i]) if i in known else _bare_descriptor(i) for i in ids]
    related = related_by_capability(result.findings)
    results = [result_object(f, index[f.rule], related.get(i, ())) for i, f in enumerate(result.findings)]
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(e.kind == "rule-error" for e in result.errors),
        "toolExecutionNotifications": [_notification(e) for e in result.errors],
    }
    if result.warnings:
        invocation["toolConfigurationNotifications"] = [_warning_notification(w) for w in result.warnings]
    tool: dict[str, Any] = {
        "driver": {
            "name": "kzai-lint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": descriptors,
        }
    }
    # Plugin packs are named as extensions; their rules stay in `driver.rules`, so one
    # `ruleIndex` space covers every rule that ran.
    from kzai_lint.registry import loaded_packs  # every pack of the run, also those whose rules were deselected

    extensions = {p.name: p.version for p in loaded_packs() if p.name != "builtin"}
    extensions.update({r.pack: r.pack_version for r in rules if r.pack != "builtin"})
    if extensions:
        tool["extensions"] = [{"name": n, "version": v} if v else {"name": n} for n, v in sorted(extensions.items())]
    run: dict[str, Any] = {
        "tool": tool,
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(result.root), "description": {"text": "The scanned root; result paths are relative to it."}}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"filesScanned": result.files_scanned},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifReporter:
    name = "sarif"

    def __init__(self, rules: Sequence[RuleInfo] = ()) -> None:
        self.rules = tuple(rules)

    def render(self, result: RunResult, out: IO[str]) -> None:
        json.dump(result_to_sarif(result, self.rules), out, indent=2, ensure_ascii=False)
        out.write("\n")
