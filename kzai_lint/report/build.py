"""Build the report's view model once, from a RunResult (a fresh scan or a saved JSON result).

A clause's status is decided here and only here. "No signal" is only claimed for a clause whose
rules actually ran: when the selection left a clause without any rule, the matrix says "not
checked", because an auditor reading "no signal" would otherwise take silence for a clean bill.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from kzai_lint import __version__
from kzai_lint import catalogue as catalogue_mod
from kzai_lint.explain import clause_texts
from kzai_lint.model import Finding, RunResult, Status
from kzai_lint.report.declaration import DECLARATION_CODES, read_declaration
from kzai_lint.report.repo_info import RepoInfo, discover_repo
from kzai_lint.report.saved import warning_text
from kzai_lint.report.view import STATUS_ORDER, ClauseRow, ClauseStatus, ReportView, RuleRow

__all__ = ["ARTICLE17_CLAUSES", "build_report"]

#: Every clause of Article 17 the report accounts for, in the law's order, with a short subject.
#: 17(3) is the heading of the seven prohibitions; its row sums up its items (`aggregate`).
ARTICLE17_CLAUSES: tuple[tuple[str, str], ...] = (
    ("17(1)", "Risk classification"),
    ("17(2)", "Autonomy classification"),
    ("17(3)", "Prohibited functionality (items 1-7)"),
    ("17(3)(1)", "Manipulative techniques"),
    ("17(3)(2)", "Exploiting vulnerabilities"),
    ("17(3)(3)", "Social scoring"),
    ("17(3)(4)", "Unlawful personal-data processing"),
    ("17(3)(5)", "Biometric categorisation"),
    ("17(3)(6)", "Emotion recognition without consent"),
    ("17(3)(7)", "Prohibited results"),
    ("17(4)", "Mode of use"),
)
PROHIBITIONS = "17(3)"


def _texts(clause: str) -> tuple[str, str]:
    """(lead, full text): the lead is the item itself for 17(3)(N), else the first line."""
    texts = clause_texts()
    own = texts.get(clause, "")
    if clause.startswith("17(3)("):
        number = clause[len("17(3)(") : -1]
        return own, f"{texts.get('17(3)', '')}\n{number}) {own}".strip()
    return (own.splitlines()[0] if own else ""), own


def _status(counts: Mapping[Status, int], checked: bool) -> ClauseStatus:
    """Worst status first: open, then baselined debt, then reviewed suppressions, then mitigated."""
    for status in STATUS_ORDER:
        if counts.get(status):
            return ClauseStatus(status.value)
    return ClauseStatus.NO_SIGNAL if checked else ClauseStatus.NOT_CHECKED


def _ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return tuple(sorted(findings, key=lambda f: (rank.get(f.status, 9), f.sort_key())))


def _rule_rows(rule_ids: Sequence[str]) -> tuple[RuleRow, ...]:
    """Each rule that ran with its clause and catalogue title, plus the rule's own summary line."""
    cat = catalogue_mod.load()
    summaries = _summaries()
    rows = []
    for rule_id in sorted(set(rule_ids)):
        code = rule_id.split("/", 1)[0]
        info = cat.codes.get(code)
        rows.append(
            RuleRow(
                id=rule_id,
                code=code,
                clause=info.clause if info else "",
                title=info.title if info else "",
                summary=summaries.get(rule_id, ""),
            )
        )
    order = {clause: i for i, (clause, _) in enumerate(ARTICLE17_CLAUSES)}
    return tuple(sorted(rows, key=lambda r: (order.get(r.clause, len(order)), r.id)))


def _summaries() -> dict[str, str]:
    # A saved result may name rules this installation does not have (or a rule module may fail
    # to import); the report then shows the clause and title only.
    from kzai_lint import registry
    from kzai_lint.config import KzaiLintError

    try:
        return {r.meta.id: r.summary() for r in registry.builtin_rules()}
    except (ImportError, KzaiLintError):
        return {}


def _clause_rows(result: RunResult, rules: tuple[RuleRow, ...] | None) -> tuple[ClauseRow, ...]:
    rows = []
    for clause, subject in ARTICLE17_CLAUSES:
        if clause == PROHIBITIONS:
            continue
        found = _ordered(f for f in result.findings if f.clause == clause)
        counts = Counter(f.status for f in found)
        ran = tuple(r.id for r in rules or () if r.clause == clause)
        lead, text = _texts(clause)
        rows.append(
            ClauseRow(
                clause=clause,
                subject=subject,
                status=_status(counts, checked=rules is None or bool(ran)),
                counts=tuple((s, counts.get(s, 0)) for s in STATUS_ORDER),
                lead=lead,
                text=text,
                findings=found,
                rules=ran,
            )
        )
    items = [r for r in rows if r.clause.startswith(PROHIBITIONS + "(")]
    rows.insert(rows.index(items[0]), _prohibitions_row(items))
    return tuple(rows)


def _prohibitions_row(items: Sequence[ClauseRow]) -> ClauseRow:
    """The 17(3) row: summed counts and the worst item status; its findings stay with the items.
    Without findings it claims "no signal" only if every item was checked."""
    counts = Counter({s: sum(r.count(s) for r in items) for s in STATUS_ORDER})
    text = clause_texts().get(PROHIBITIONS, "")
    return ClauseRow(
        clause=PROHIBITIONS,
        subject=dict(ARTICLE17_CLAUSES)[PROHIBITIONS],
        status=_status(counts, checked=all(r.status is not ClauseStatus.NOT_CHECKED for r in items)),
        counts=tuple((s, counts.get(s, 0)) for s in STATUS_ORDER),
        lead=text,
        text=text,
        findings=(),
        rules=tuple(rule for r in items for rule in r.rules),
        aggregate=True,
    )


def _warnings(result: RunResult) -> tuple[str, ...]:
    """Run warnings, then baseline entries that no longer match a finding (debt paid or moved)."""
    out = [warning_text(w) for w in result.warnings]
    baseline = getattr(result, "baseline", None)
    for entry in getattr(baseline, "stale", ()) or ():
        moved = f" (now under {entry.moved_to})" if getattr(entry, "moved_to", None) else ""
        out.append(f"stale baseline entry {entry.code} {entry.path}{moved}: {entry.message}")
    return tuple(out)


def build_report(
    result: RunResult,
    *,
    root: Path | None,
    scan_root: str = ".",
    repo: RepoInfo | None = None,
    generated: dt.datetime | None = None,
    tool_version: str = __version__,
    catalogue_version: str | None = catalogue_mod.CATALOGUE_VERSION,
    source: str | None = None,
    selection: Sequence[str] = (),
    rules_recorded: bool = True,
    warnings: Sequence[str] | None = None,
) -> ReportView:
    """The view of `result`. `root` is the scanned folder on disk (for git and the declaration;
    None when it is not available); `repo` and `generated` can be fixed for reproducible output.
    `rules_recorded=False` says `result.rules_run` is unknown (a saved JSON result); `warnings`
    replaces `result.warnings` (a saved result keeps them outside the RunResult)."""
    rules = _rule_rows(result.rules_run) if rules_recorded else None
    clauses = _clause_rows(result, rules)
    known = {c for c, _ in ARTICLE17_CLAUSES if c != PROHIBITIONS}
    totals = Counter(f.status for f in result.findings)
    if repo is None:
        repo = discover_repo(root) if root is not None else RepoInfo(name=Path(scan_root).name or scan_root)
    return ReportView(
        repo=repo,
        scan_root=scan_root,
        generated=generated or dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        tool_version=tool_version,
        catalogue_version=catalogue_version,
        renderer_version=__version__,
        source=source,
        selection=tuple(selection),
        files_scanned=result.files_scanned,
        fail_on=result.fail_on,
        declaration=read_declaration(root) if root is not None else None,
        declaration_findings=_ordered(f for f in result.findings if f.code in DECLARATION_CODES),
        clauses=clauses,
        other_findings=_ordered(f for f in result.findings if f.clause not in known),
        errors=tuple(sorted(result.errors, key=lambda e: (e.path, e.line or 0, e.kind))),
        warnings=tuple(warnings) if warnings is not None else _warnings(result),
        rules=rules,
        totals=tuple((s, totals.get(s, 0)) for s in STATUS_ORDER),
    )
