"""Lines for standard error in text mode: warnings and stale baseline entries.

They are not findings (no clause, nothing to fix in the scanned code's behaviour), so they stay
out of the findings stream on stdout, which editors and scripts parse line by line; JSON output
carries the same data under `warnings` and `baseline`.
"""
from __future__ import annotations

from kzai_lint.model import RunResult

__all__ = ["notice_lines"]


def _escape(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def notice_lines(result: RunResult) -> list[str]:
    """`path:line: warning: KZ001 message` per warning, then one line per stale baseline entry."""
    lines = []
    for w in result.warnings:
        where = _escape(w.path) + (f":cell{w.cell}" if w.cell is not None else "") + (f":{w.line}" if w.line else "")
        code = f"{w.code} " if w.code else ""
        lines.append(f"{where}: warning: {code}{_escape(w.message)}")
    if result.baseline is not None and result.baseline.stale:
        stale = result.baseline.stale
        lines.append(f"{_escape(result.baseline.path)}: {len(stale)} stale baseline entr{'y' if len(stale) == 1 else 'ies'} (no open finding matches any more):")
        for e in stale:
            moved = f" (moved to {_escape(e.moved_to)})" if e.moved_to else ""
            lines.append(f"  {e.fingerprint} {e.code} {_escape(e.path)}{moved}")
    return lines
