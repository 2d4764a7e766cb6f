"""The report's view model: plain values that the HTML and Markdown renderers lay out.

It is built once (`kzai_lint.report.build`) from a RunResult or a saved JSON result, so the two
formats cannot disagree about a status or a count, and the renderers never touch the engine, git
or the file system: they see values only, like every reporter.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from kzai_lint.model import FileError, Finding, Severity, Status
from kzai_lint.report.declaration import Declaration
from kzai_lint.report.repo_info import RepoInfo

__all__ = ["ClauseRow", "ClauseStatus", "ReportView", "RuleRow", "STATUS_ORDER", "location", "reason"]

#: Finding statuses in the order a reader should see them: what still needs action first.
STATUS_ORDER = (Status.OPEN, Status.BASELINED, Status.SUPPRESSED, Status.MITIGATED)


class ClauseStatus(str, enum.Enum):
    """A clause's standing in the matrix; `label` is what the reader sees (never colour alone)."""

    OPEN = "open"
    BASELINED = "baselined"
    SUPPRESSED = "suppressed"
    MITIGATED = "mitigated"
    NO_SIGNAL = "no-signal"
    NOT_CHECKED = "not-checked"

    @property
    def label(self) -> str:
        return {
            "open": "Open findings",
            "baselined": "Baselined",
            "suppressed": "Suppressed",
            "mitigated": "All mitigated",
            "no-signal": "No signal",
            "not-checked": "Not checked",
        }[self.value]

    @property
    def mark(self) -> str:
        """A glyph shown beside the label, so statuses differ in shape as well as colour."""
        return {
            "open": "\u2717",
            "baselined": "\u25d0",
            "suppressed": "\u2298",
            "mitigated": "\u2713",
            "no-signal": "\u25cb",
            "not-checked": "?",
        }[self.value]

    @property
    def meaning(self) -> str:
        return {
            "open": "at least one finding is open and needs action",
            "baselined": "no open finding, but accepted debt is recorded in a baseline",
            "suppressed": "no open or baselined finding; reviewed suppressions with their reasons",
            "mitigated": "every finding is guarded by a declared consent, oversight or purpose hook",
            "no-signal": "the rules for this clause ran and found nothing",
            "not-checked": "no rule for this clause ran (not selected, or none exists yet)",
        }[self.value]


@dataclass(frozen=True, slots=True)
class RuleRow:
    """A rule that ran, with what it covers; `summary` is empty when the rule is not installed."""

    id: str
    code: str
    clause: str
    title: str
    summary: str = ""


@dataclass(frozen=True, slots=True)
class ClauseRow:
    """One Article 17 clause: its status, counts per finding status, text and findings.

    An `aggregate` row (17(3)) sums up its items; its findings are listed under the items."""

    clause: str
    subject: str
    status: ClauseStatus
    counts: tuple[tuple[Status, int], ...]
    lead: str
    text: str
    findings: tuple[Finding, ...]
    rules: tuple[str, ...]
    aggregate: bool = False

    def count(self, status: Status) -> int:
        return dict(self.counts).get(status, 0)


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything one report shows, in display order; `rules` is None when not recorded."""

    repo: RepoInfo
    scan_root: str
    generated: dt.datetime
    tool_version: str
    catalogue_version: str | None
    renderer_version: str
    source: str | None
    selection: tuple[str, ...]
    files_scanned: int
    fail_on: Severity | None
    declaration: Declaration | None
    declaration_findings: tuple[Finding, ...]
    clauses: tuple[ClauseRow, ...]
    other_findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    warnings: tuple[str, ...]
    rules: tuple[RuleRow, ...] | None
    totals: tuple[tuple[Status, int], ...]

    def total(self, status: Status) -> int:
        return dict(self.totals).get(status, 0)

    @property
    def failing(self) -> int:
        """Open findings at or above `fail-on`: what makes `kzai-lint check` exit 1."""
        threshold = (self.fail_on or Severity.INFO).rank
        every = [*(f for row in self.clauses for f in row.findings), *self.other_findings]
        return sum(1 for f in every if f.status is Status.OPEN and f.severity.rank >= threshold)


def reason(finding: Finding) -> tuple[str, str] | None:
    """(label, text) saying why a finding is not open, or what mitigates it; None when open with
    nothing recorded. A missing reason is said out loud: an auditor must see that it is missing."""
    text = finding.mitigation or ""
    if finding.status is Status.SUPPRESSED:
        return "Suppression reason", text or "none given"
    if finding.status is Status.BASELINED:
        return "Baseline", text or "recorded in the baseline as accepted debt"
    if finding.status is Status.MITIGATED:
        return "Mitigation", text or "none described"
    return ("Mitigation", text) if text else None


def location(finding: Finding) -> str:
    """`path:line:column`, with the notebook cell (0-based, as in the JSON output) when there is one."""
    if finding.path in ("", "."):
        return "repository"
    where = finding.path
    if finding.cell is not None:
        where += f", cell {finding.cell}"
    if finding.line is not None:
        where += f"{', line ' if finding.cell is not None else ':'}{finding.line}"
        if finding.column is not None and finding.cell is None:
            where += f":{finding.column}"
    return where
