"""The report as one self-contained HTML page: inline CSS, no scripts, nothing fetched.

An auditor archives this file with a release and opens it years later, offline, so it depends on
nothing outside itself. Every value goes through `e` (`html.escape`, control characters dropped);
the page also carries a Content-Security-Policy that forbids scripts and remote loads, as a second
line of defence should a value ever slip through unescaped.
"""
from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

from kzai_lint.model import FileError, Finding, Status
from kzai_lint.report.html_style import CSS
from kzai_lint.report.view import STATUS_ORDER, ClauseRow, ClauseStatus, ReportView, location, reason

__all__ = ["e", "render_html"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def e(value: object) -> str:
    """`value` as HTML text (quotes escaped too, so it is also safe inside an attribute)."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def anchor(clause: str) -> str:
    return "clause-" + re.sub(r"[^0-9]+", "-", clause).strip("-")


def badge(status: ClauseStatus, text: str | None = None) -> str:
    """A status as glyph + words in a styled box; the colour only repeats what the words say."""
    words = e(status.label if text is None else text)
    return f'<span class="status status-{status.value}"><span aria-hidden="true">{status.mark}</span> {words}</span>'


def _facts(view: ReportView) -> str:
    repo = view.repo
    commit = f"<code>{e(repo.commit)}</code>" if repo.commit else "not a git work tree: no commit recorded"
    if repo.commit and repo.dirty:
        commit += " (with uncommitted changes)"
    rows = [("Repository", e(repo.name)), ("Commit", commit)]
    if repo.remote:
        rows.append(("Remote", f"<code>{e(repo.remote)}</code>"))
    where = f"<code>{e(view.scan_root)}</code>"
    if repo.subdir:
        where += f" (folder <code>{e(repo.subdir)}</code> of the repository)"
    rows.append(("Scanned", f"{where}, {view.files_scanned} files"))
    catalogue = e(view.catalogue_version) if view.catalogue_version else "not recorded"
    rows.append(("Tool", f"kzai-lint {e(view.tool_version)}, catalogue {catalogue}"))
    if view.source:
        rows.append(("Source", f"saved result <code>{e(view.source)}</code>, rendered by kzai-lint {e(view.renderer_version)}"))
    rows.append(("Generated", f'<time datetime="{e(view.generated.isoformat())}">{e(view.generated.strftime("%Y-%m-%d %H:%M UTC"))}</time>'))
    if view.selection:
        rows.append(("Selection", f"<code>{e(' '.join(view.selection))}</code>"))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="facts">{items}</dl>'


def _verdict(view: ReportView) -> str:
    counts = ", ".join(f"{view.total(s)} {s.value}" for s in STATUS_ORDER)
    open_clauses = [r.clause for r in view.clauses if r.status is ClauseStatus.OPEN and not r.aggregate]
    where = f" in {', '.join(e(c) for c in open_clauses)}" if open_clauses else ""
    head = f"<strong>{view.total(Status.OPEN)} open finding(s){where}.</strong>" if open_clauses else "<strong>No open finding.</strong>"
    return f'<p class="verdict">{head} Findings: {counts}. Files not fully scanned: {len(view.errors)}.</p>'


def _table(caption: str, header: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    """A captioned table with column headers; a header written `#Name` is a right-aligned number."""
    head = "".join(f'<th scope="col"{" class=num" if h.startswith("#") else ""}>{h.lstrip("#")}</th>' for h in header)
    attr = f' id="{cls}"' if cls else ""
    return f"<table{attr}><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _declaration(view: ReportView) -> str:
    decl = view.declaration
    out = ['<section aria-labelledby="declaration"><h2 id="declaration">Declared classification</h2>']
    if decl is None:
        out.append("<p>Not read: the scanned folder was not available when this report was rendered.</p>")
    elif decl.path is None:
        out.append("<p>No <code>pyproject.toml</code> or <code>kzai-lint.toml</code> at the scanned root: nothing is declared.</p>")
    else:
        labels = {"risk": "risk (17(1))", "autonomy": "autonomy (17(2))", "mode": "mode (17(4))"}
        rows = []
        for item in decl.values:
            value = f"<code>{e(item.value)}</code>" if item.value is not None else "<strong>not declared</strong>"
            at = f"<code>{e(f'{item.path}:{item.line}' if item.line else item.path)}</code>" if item.path else ""
            rows.append(f'<tr data-key="{e(item.key)}"><th scope="row">{e(labels.get(item.key, item.key))}</th><td>{value}</td><td class="loc">{at}</td></tr>')
        where = "<code>[system]</code>" if decl.path.endswith("kzai-lint.toml") else "<code>[tool.kzai-lint.system]</code>"
        caption = f"Declared in <code>{e(decl.path)}</code>, table {where}" if decl.has_table else f"<code>{e(decl.path)}</code> has no kzai-lint table: nothing is declared"
        out.append(_table(caption, ["Key", "Value", "Declared at"], rows, "declared"))
    if view.declaration_findings:
        out.append("<p>Findings about the declaration (missing, invalid or inconsistent):</p>")
        out.extend(_finding(f, i) for i, f in enumerate(view.declaration_findings, 1))
    else:
        out.append("<p>No finding says the declaration is missing, invalid or inconsistent.</p>")
    return "".join(out) + "</section>"


def _matrix_row(row: ClauseRow, rules_known: bool) -> str:
    cls = "aggregate" if row.aggregate else ("item" if row.clause.startswith("17(3)(") else "")
    clause = e(row.clause) if row.aggregate else f'<a href="#{anchor(row.clause)}">{e(row.clause)}</a>'
    counts = "".join(f'<td class="num">{row.count(s)}</td>' for s in STATUS_ORDER)
    ran = str(len(row.rules)) if rules_known else "?"
    return (
        f'<tr class="{cls}" data-clause="{e(row.clause)}" data-status="{row.status.value}">'
        f'<th scope="row">{clause}</th><td>{e(row.subject)}</td><td>{badge(row.status)}</td>'
        f'{counts}<td class="num">{ran}</td><td class="text">{e(row.lead)}</td></tr>'
    )


def _matrix(view: ReportView) -> str:
    header = ["Clause", "Subject", "Status", *(f"#{s.value.capitalize()}" for s in STATUS_ORDER), "#Rules run", "Clause text"]
    rows = [_matrix_row(r, view.rules is not None) for r in view.clauses]
    caption = "Status of every clause of Article 17, with finding counts per status"
    legend = "".join(f"<li>{badge(s)}: {e(s.meaning)}.</li>" for s in ClauseStatus)
    return (
        '<section aria-labelledby="matrix-title"><h2 id="matrix-title">Article 17 matrix</h2>'
        f'{_table(caption, header, rows, "matrix")}<ul class="legend">{legend}</ul></section>'
    )


def _finding(f: Finding, number: int) -> str:
    fields = [
        ("Rule", f"<code>{e(f.rule)}</code> ({e(f.title)})"),
        ("Severity", e(f.severity.value)),
        ("Confidence", e(f.confidence.value)),
        ("Message", e(f.message)),
        ("Evidence", f"<pre><code>{e(f.evidence)}</code></pre>" if f.evidence else "none recorded"),
    ]
    why = reason(f)
    if why is not None:
        fields.append((why[0], e(why[1])))
    if f.capability:
        fields.append(("Capability", e(f.capability)))
    fields.append(("Fingerprint", f"<code>{e(f.fingerprint)}</code>"))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields)
    head = f"{number}. {e(f.code)} {badge(ClauseStatus(f.status.value), f.status.value)} at <code>{e(location(f))}</code>"
    return f'<article class="finding {e(f.status.value)}"><h4>{head}</h4><dl>{body}</dl></article>'


def _clause_section(row: ClauseRow) -> str:
    out = [f'<section aria-labelledby="{anchor(row.clause)}"><h3 id="{anchor(row.clause)}">{e(row.clause)} {e(row.subject)}: {badge(row.status)}</h3>']
    out.append(f"<blockquote>{e(row.text)}</blockquote>")
    if row.findings:
        out.extend(_finding(f, i) for i, f in enumerate(row.findings, 1))
    else:
        out.append(f'<p class="note">No findings: {e(row.status.meaning)}.</p>')
    return "".join(out) + "</section>"


def _clauses(view: ReportView) -> str:
    out = ['<section aria-labelledby="clauses"><h2 id="clauses">Findings by clause</h2>']
    out.extend(_clause_section(r) for r in view.clauses if not r.aggregate)
    if view.other_findings:
        out.append('<section aria-labelledby="other"><h3 id="other">Other findings (no Article 17 clause)</h3>')
        out.extend(_finding(f, i) for i, f in enumerate(view.other_findings, 1))
        out.append("</section>")
    return "".join(out) + "</section>"


def _errors(errors: Sequence[FileError], warnings: Sequence[str]) -> str:
    out = ['<section aria-labelledby="errors"><h2 id="errors">Files not fully scanned</h2>']
    if errors:
        out.append("<p>Findings in these files may be missing; no clause status above covers them in full.</p>")
        rows = [
            f'<tr><th scope="row"><code>{e(x.path)}</code></th><td>{e(x.kind)}</td><td class="num">{x.line or ""}</td><td>{e(x.message)}</td></tr>'
            for x in errors
        ]
        out.append(_table("Parse errors and skipped files", ["Path", "Kind", "#Line", "Message"], rows, "errors-table"))
    else:
        out.append("<p>None: every discovered file was read and parsed.</p>")
    if warnings:
        out.append("<h3>Warnings</h3><ul>" + "".join(f"<li>{e(w)}</li>" for w in warnings) + "</ul>")
    return "".join(out) + "</section>"


def _rules(view: ReportView) -> str:
    out = ['<section aria-labelledby="rules"><h2 id="rules">Rules that ran</h2>']
    if view.rules is None:
        out.append("<p>Not recorded in the saved result: run <code>kzai-lint report PATH</code> for the list of rules.</p>")
    elif not view.rules:
        out.append("<p>No rule ran: every clause above is <em>not checked</em>.</p>")
    else:
        out.append("<p>What &ldquo;no signal&rdquo; covers: these rules ran and found nothing in the clauses marked so.</p>")
        rows = [
            f'<tr><td>{e(r.clause or "none (tool)")}</td><th scope="row"><code>{e(r.id)}</code></th><td>{e(r.title)}</td><td>{e(r.summary)}</td></tr>'
            for r in view.rules
        ]
        out.append(_table(f"{len(view.rules)} rules, by clause", ["Clause", "Rule", "Title", "What it finds"], rows, "rules-table"))
    return "".join(out) + "</section>"


def _nav() -> str:
    links = [("declaration", "Declared classification"), ("matrix-title", "Article 17 matrix"), ("clauses", "Findings by clause"), ("errors", "Files not fully scanned"), ("rules", "Rules that ran")]
    items = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in links)
    return f'<nav aria-label="Contents"><ol>{items}</ol></nav>'


def render_html(view: ReportView) -> str:
    """The whole report as one HTML document ending in a newline."""
    title = f"Article 17 compliance report: {e(view.repo.name)}"
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="kzai-lint {e(view.renderer_version)}">'
        f"<title>{title}</title><style>{CSS}</style></head>"
    )
    body = [
        f"<header><h1>{title}</h1>",
        '<p class="note">Where the code has functionality that Article 17 of Law No. 230-VIII regulates, clause by clause. This report is not legal advice.</p>',
        _facts(view),
        _verdict(view),
        "</header>",
        _nav(),
        "<main>",
        _declaration(view),
        _matrix(view),
        _clauses(view),
        _errors(view.errors, view.warnings),
        _rules(view),
        "</main>",
        f'<footer><p>Generated by kzai-lint {e(view.renderer_version)} from the Article 17 text shipped with the tool. Notebook cells are counted from 0, as in the JSON output.</p></footer>',
    ]
    return head + "<body>" + "\n".join(body) + "</body></html>\n"
