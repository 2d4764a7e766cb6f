"""Compliance reports: one repository against every clause of Article 17, as HTML or Markdown.

`build_report` turns a RunResult (a scan, or a saved `check --format json` result) into a
`ReportView` once; `render_html` and `render_markdown` only lay that view out.
"""
from __future__ import annotations

from kzai_lint.report.build import ARTICLE17_CLAUSES, build_report
from kzai_lint.report.html import render_html
from kzai_lint.report.markdown import render_markdown
from kzai_lint.report.repo_info import RepoInfo, discover_repo
from kzai_lint.report.view import ClauseRow, ClauseStatus, ReportView, RuleRow

__all__ = [
    "ARTICLE17_CLAUSES",
    "ClauseRow",
    "ClauseStatus",
    "RepoInfo",
    "ReportView",
    "RuleRow",
    "build_report",
    "discover_repo",
    "render_html",
    "render_markdown",
]
