"""The report as GitHub/GitLab-flavoured Markdown, for a pull-request comment or a wiki page.

Every value that comes from the scanned repository (paths, messages, evidence, declared values)
goes through `md`, which turns `<`, `>` and `&` into entities and backslash-escapes the
characters that would start Markdown syntax or end a table cell. Such a value therefore always
renders as the text it is: a `<script>` in a message stays visible text, a `|` in a path stays in
its cell. Code-like values are wrapped in `<code>` rather than backticks, so a backtick in the
value cannot close the span early.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from kzai_lint.model import FileError, Finding, Status
from kzai_lint.report.view import STATUS_ORDER, ClauseStatus, ReportView, location, reason

__all__ = ["md", "render_markdown"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(value: object) -> str:
    """`value` as inert inline Markdown text: one line, entities for HTML, escapes for syntax."""
    text = " ".join(_CONTROL.sub("", str(value)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def md_line(value: object) -> str:
    """`md` for text that starts a line: a leading `1)`, `-` or `=` must not become a list or heading."""
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", md(value))


def code(value: object) -> str:
    return f"<code>{md(value)}</code>" if str(value) else ""


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] = ()) -> list[str]:
    """A GFM table; cells must already be escaped (`md`/`code`) or be our own fixed text."""
    marks = [align[i] if i < len(align) else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return out


def _status(status: ClauseStatus) -> str:
    text = f"{status.mark} {status.label}"
    return f"**{text}**" if status is ClauseStatus.OPEN else text


def _header(view: ReportView) -> list[str]:
    repo = view.repo
    commit = code(repo.commit) if repo.commit else "not a git work tree: no commit recorded"
    if repo.commit and repo.dirty:
        commit += " (with uncommitted changes)"
    rows = [("Repository", md(repo.name)), ("Commit", commit)]
    if repo.remote:
        rows.append(("Remote", code(repo.remote)))
    where = code(view.scan_root) + (f" (folder {code(repo.subdir)} of the repository)" if repo.subdir else "")
    rows.append(("Scanned", f"{where}, {view.files_scanned} files"))
    catalogue = md(view.catalogue_version) if view.catalogue_version else "not recorded"
    rows.append(("Tool", f"kzai-lint {md(view.tool_version)}, catalogue {catalogue}"))
    if view.source:
        rows.append(("Source", f"saved result {code(view.source)}, rendered by kzai-lint {md(view.renderer_version)}"))
    rows.append(("Generated", md(view.generated.strftime("%Y-%m-%d %H:%M UTC"))))
    if view.selection:
        rows.append(("Selection", code(" ".join(view.selection))))
    rows.append(("Result", _result(view)))
    return [f"# Article 17 compliance report: {md(repo.name)}", "", *_table(["Field", "Value"], rows)]


def _result(view: ReportView) -> str:
    parts = [f"{view.total(s)} {s.value}" for s in STATUS_ORDER]
    open_clauses = sum(1 for r in view.clauses if r.status is ClauseStatus.OPEN and not r.aggregate)
    text = f"{', '.join(parts)}; open findings in {open_clauses} clause(s); {len(view.errors)} file(s) not fully scanned"
    return f"**{text}**" if view.total(Status.OPEN) else text


def _declaration(view: ReportView) -> list[str]:
    out = ["## Declared classification", ""]
    decl = view.declaration
    if decl is None:
        out.append("Not read: the scanned folder was not available when this report was rendered.")
    elif decl.path is None:
        out.append("No `pyproject.toml` or `kzai-lint.toml` at the scanned root: nothing is declared.")
    else:
        where = "table `[system]`" if decl.path.endswith("kzai-lint.toml") else "table `[tool.kzai-lint.system]`"
        intro = f"Declared in {code(decl.path)}, {where}." if decl.has_table else f"{code(decl.path)} has no kzai-lint table: nothing is declared."
        out += [intro, ""]
        labels = {"risk": "risk (17(1))", "autonomy": "autonomy (17(2))", "mode": "mode (17(4))"}
        rows = []
        for item in decl.values:
            value = code(item.value) if item.value is not None else "**not declared**"
            at = code(f"{item.path}:{item.line}" if item.line else item.path) if item.path else ""
            rows.append((md(labels.get(item.key, item.key)), value, at))
        out += _table(["Key", "Value", "Declared at"], rows)
    out.append("")
    if view.declaration_findings:
        out += ["Findings about the declaration (missing, invalid or inconsistent):", ""]
        out += _findings_table(view.declaration_findings)
    else:
        out.append("No finding says the declaration is missing, invalid or inconsistent.")
    return out


def _matrix(view: ReportView) -> list[str]:
    header = ["Clause", "Subject", "Status", *(s.value.capitalize() for s in STATUS_ORDER), "Rules run", "Clause text"]
    align = ["---", "---", "---", *("---:" for _ in STATUS_ORDER), "---:", "---"]
    rows = []
    for row in view.clauses:
        clause = f"**{row.clause}**" if row.aggregate else row.clause
        ran = str(len(row.rules)) if view.rules is not None else "?"
        counts = [str(row.count(s)) for s in STATUS_ORDER]
        rows.append([clause, md(row.subject), _status(row.status), *counts, ran, md(row.lead)])
    legend = [f"- {s.mark} **{s.label}**: {s.meaning}." for s in ClauseStatus]
    return ["## Article 17 matrix", "", *_table(header, rows, align), "", *legend]


def _findings_table(findings: Sequence[Finding]) -> list[str]:
    """One row per finding; the reason column only when some finding has a mitigation or reason."""
    reasons = any(reason(f) for f in findings)
    header = ["#", "Status", "Location", "Rule", "Severity", "Confidence", "Evidence", "Message"]
    rows = []
    for i, f in enumerate(findings, 1):
        status = f"**{f.status.value}**" if f.status is Status.OPEN else f.status.value
        row = [
            str(i),
            status,
            code(location(f)),
            code(f.rule),
            md(f.severity.value),
            md(f.confidence.value),
            code(f.evidence),
            md(f.message),
        ]
        if reasons:
            why = reason(f)
            row.append(md(why[1]) if why else "")
        rows.append(row)
    return _table(header + (["Mitigation or suppression reason"] if reasons else []), rows)


def _clause_sections(view: ReportView) -> list[str]:
    out = ["## Findings by clause", ""]
    with_findings = [r for r in view.clauses if r.findings]
    quiet = [r for r in view.clauses if not r.findings and not r.aggregate]
    for row in with_findings:
        out += [f"### {row.clause} {md(row.subject)}: {_status(row.status)}", ""]
        out += [f"> {md_line(line)}" if line.strip() else ">" for line in row.text.splitlines()]
        out += ["", *_findings_table(row.findings), ""]
    if view.other_findings:
        out += ["### Other findings (no Article 17 clause)", "", *_findings_table(view.other_findings), ""]
    if quiet:
        names = ", ".join(f"{r.clause} ({r.status.label.lower()})" for r in quiet)
        out.append(f"No findings for {names}.")
    return out


def _errors(errors: Sequence[FileError], warnings: Sequence[str]) -> list[str]:
    out = ["## Files not fully scanned", ""]
    if errors:
        rows = [(code(e.path), md(e.kind), str(e.line) if e.line else "", md(e.message)) for e in errors]
        out += ["Findings in these files may be missing; no clause status above covers them in full.", ""]
        out += _table(["Path", "Kind", "Line", "Message"], rows)
    else:
        out.append("None: every discovered file was read and parsed.")
    if warnings:
        out += ["", "Warnings:", "", *(f"- {md(w)}" for w in warnings)]
    return out


def _rules(view: ReportView) -> list[str]:
    out = ["## Rules that ran", ""]
    if view.rules is None:
        out.append("Not recorded in the saved result: run `kzai-lint report PATH` for the list of rules.")
        return out
    if not view.rules:
        out.append("No rule ran: every clause above is *not checked*.")
        return out
    out += ["What \"no signal\" covers: these rules ran and found nothing in clauses marked so.", ""]
    rows = [(r.clause or "none (tool)", code(r.id), md(r.title), md(r.summary)) for r in view.rules]
    return out + _table(["Clause", "Rule", "Title", "What it finds"], rows)


def _law(view: ReportView) -> list[str]:
    out = ["<details>", "<summary>Text of Article 17 (as shipped with kzai-lint)</summary>", ""]
    for row in view.clauses:
        if row.clause.startswith("17(3)("):
            text = f"{row.clause[len('17(3)(') : -1]}) {row.lead}"
            lines = [md_line(text)]
        else:
            lines = [f"**{row.clause}** {md(row.text.splitlines()[0])}", *map(md_line, row.text.splitlines()[1:])]
        out += [f"{line}  " for line in lines] + [""]
    return out + ["</details>"]


def render_markdown(view: ReportView) -> str:
    """The whole report as one Markdown document ending in a newline."""
    blocks = [
        _header(view),
        ["This report lists where the code has functionality that Article 17 regulates; it is not legal advice."],
        _declaration(view),
        _matrix(view),
        _clause_sections(view),
        _errors(view.errors, view.warnings),
        _rules(view),
        _law(view),
    ]
    return "\n\n".join("\n".join(block).rstrip() for block in blocks) + "\n"
