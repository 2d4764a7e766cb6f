"""`--statistics`: counts per code and per clause, printed after the report.

For a first scan of a large repository the per-code table says where to start (ruff's and
flake8's `--statistics`). It is plain text, so the CLI prints it to stderr for machine formats
and keeps their stdout parseable.
"""
from __future__ import annotations

from collections import Counter
from typing import IO

from kzai_lint.model import RunResult, Status


def statistics_lines(result: RunResult) -> list[str]:
    total = Counter(f.code for f in result.findings)
    opened = Counter(f.code for f in result.findings if f.status is Status.OPEN)
    clause_total = Counter(f.clause or "-" for f in result.findings)
    clause_open = Counter(f.clause or "-" for f in result.findings if f.status is Status.OPEN)
    titles = {f.code: (f.clause or "-", f.title) for f in result.findings}
    lines = ["Statistics per code (open / all findings):"]
    for code in sorted(total):
        clause, title = titles[code]
        lines.append(f"{opened[code]:6d} / {total[code]:<6d} {code}  {clause:<9}  {title}")
    lines.append("Statistics per clause (open / all findings):")
    for clause in sorted(clause_total):
        lines.append(f"{clause_open[clause]:6d} / {clause_total[clause]:<6d} {clause}")
    capabilities = capability_lines(result)
    if capabilities:
        lines.append("One capability in several files (open findings):")
        lines.extend(capabilities)
    if not total:
        lines = ["Statistics: no findings."]
    return lines


def capability_lines(result: RunResult) -> list[str]:
    """One line per code whose open findings stand in two or more files, so a reader sees that
    a config's labels, a training script and a model card are one capability, not three."""
    places: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for f in result.findings:
        if f.status is Status.OPEN and f.capability:
            where = f.path + (f":cell{f.cell}" if f.cell is not None else "") + (f":{f.line}" if f.line else "")
            places.setdefault((f.code, f.clause or "-", f.title), []).append((f.path, where))
    lines = []
    for (code, clause, title), found in sorted(places.items()):
        if len({path for path, _ in found}) > 1:
            shown = ", ".join(w for _, w in found[:6]) + (f", +{len(found) - 6} more" if len(found) > 6 else "")
            lines.append(f"  {code} [{clause}] {title}: {len(found)} places: {shown}")
    return lines


def render_statistics(result: RunResult, out: IO[str]) -> None:
    out.write("\n".join(statistics_lines(result)) + "\n")
