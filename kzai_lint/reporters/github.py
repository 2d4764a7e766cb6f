"""GitHub Actions workflow commands: one `::error file=…,line=…::message` annotation per open finding.

The runner parses these lines from the job log and shows them on the pull request's changed
files. Values are escaped as the runner unescapes them (the actions/toolkit `command.ts` rules):
`%`, CR and LF in the message, and additionally `:` and `,` in properties, where they would end a
property. Notebook findings annotate the `.ipynb` file without a line (a cell's line is not a line
of the file) and name the cell in the message.
"""
from __future__ import annotations

from typing import IO

from kzai_lint.model import FileError, Finding, RunResult, Severity, Status

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def annotation(f: Finding) -> str:
    clause = f" [{f.clause}]" if f.clause else ""
    message = f.message
    position: dict[str, object] = {}
    if f.cell is not None:
        message = f"cell {f.cell}, line {f.line}: {message}"
    elif f.line is not None:
        position = {"line": f.line, "col": f.column, "endLine": f.end_line or f.line}
        if f.end_column is not None and (f.end_line in (None, f.line)):
            position["endColumn"] = f.end_column
    file = f.path if f.path not in (".", "") else None
    return command(COMMANDS[f.severity], message, file=file, **position, title=f"{f.code}{clause} {f.title}")


def error_annotation(e: FileError) -> str:
    file = e.path if e.path not in (".", "") else None
    first = e.message.splitlines()[0] if e.message else e.kind
    return command("warning", first, file=file, line=e.line, title=f"kzai-lint {e.kind}")


class GithubReporter:
    name = "github"

    def render(self, result: RunResult, out: IO[str]) -> None:
        for f in result.findings:
            if f.status is Status.OPEN:
                out.write(annotation(f) + "\n")
        for e in result.errors:
            out.write(error_annotation(e) + "\n")
