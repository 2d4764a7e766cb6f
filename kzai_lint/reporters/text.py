"""`path:line:col: KZ306 [17(3)(6)] message`, one finding per line, clickable in editors."""
from __future__ import annotations

import re
from collections import Counter
from typing import IO

from kzai_lint.model import Finding, RunResult, Status

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"


# Control characters and everything `str.splitlines` ends a line at: a file name must not break
# the one-finding-per-line format nor send escape sequences to the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(text: str) -> str:
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def format_finding(f: Finding, color: bool = False) -> str:
    where = _escape(f.path)
    if f.cell is not None:
        where += f":cell{f.cell}"
    if f.line is not None:
        where += f":{f.line}:{f.column or 1}"
    code = f.code
    if color:
        code = f"{_COLORS.get(f.severity.value, '')}{code}{_RESET}"
    tail = f" ({f.status.value}: {f.mitigation})" if f.status is not Status.OPEN and f.mitigation else ""
    return f"{where}: {code} [{f.clause}] {_escape(f.message)} [{f.severity.value}, confidence {f.confidence.value}]{tail}"


class TextReporter:
    name = "text"

    def __init__(self, *, color: bool = False, show_mitigated: bool = False, quiet: bool = False) -> None:
        self.color = color
        self.show_mitigated = show_mitigated
        self.quiet = quiet

    def render(self, result: RunResult, out: IO[str]) -> None:
        for f in result.findings:
            if f.status is Status.OPEN or (self.show_mitigated and f.status is not Status.OPEN):
                out.write(format_finding(f, self.color) + "\n")
        if not self.quiet:
            for e in result.errors:
                line = (f":{e.line}" + (f":{e.column}" if e.column else "")) if e.line else ""
                out.write(f"{_escape(e.path)}{line}: {e.kind}: {_escape(e.message.splitlines()[0] if e.message else '')}\n")
        statuses = Counter(f.status.value for f in result.findings)
        skipped = Counter(e.kind for e in result.errors)
        parts = [f"{statuses.get('open', 0)} open finding(s)"]
        for status in ("mitigated", "suppressed", "baselined"):
            if statuses.get(status):
                parts.append(f"{statuses[status]} {status}")
        coverage = f"{result.files_scanned} file(s) scanned"
        if result.files_discovered >= result.files_scanned and result.files_discovered:
            coverage = f"{result.files_scanned} of {result.files_discovered} file(s) scanned"
        if skipped:
            coverage += ", " + ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
        if not (self.quiet and not statuses.get("open") and not skipped):  # an incomplete scan is never quiet
            out.write(f"Found {', '.join(parts)}; {coverage}.\n")
