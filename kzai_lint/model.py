"""Plain values shared by every layer: enums, spans, hits, findings, file errors, run results.

Everything here is a frozen dataclass of plain values so it can cross a process boundary and be
compared in tests. This module imports nothing else from kzai_lint (layering rule).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


class Severity(str, enum.Enum):
    """How bad an open finding is; `rank` orders them for `fail-on`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def lowered(self) -> "Severity":
        return Severity.WARNING if self is Severity.ERROR else Severity.INFO


class Confidence(str, enum.Enum):
    """How sure the signal is (signal strengths S1..S4 of the clause map)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]

    def lowered(self) -> "Confidence":
        return Confidence.MEDIUM if self is Confidence.HIGH else Confidence.LOW

    def raised(self) -> "Confidence":
        return Confidence.HIGH if self is not Confidence.LOW else Confidence.MEDIUM


class Status(str, enum.Enum):
    OPEN = "open"
    MITIGATED = "mitigated"
    SUPPRESSED = "suppressed"
    BASELINED = "baselined"


class FileKind(str, enum.Enum):
    PYTHON = "python"
    NOTEBOOK = "notebook"
    YAML = "yaml"
    TOML = "toml"
    JSON = "json"
    MODEL_CARD = "model_card"
    REQUIREMENTS = "requirements"
    TABULAR = "tabular"  # data files (CSV, TSV, JSON Lines) and class lists (labels.txt, *.names)
    JAVASCRIPT = "javascript"  # JavaScript and TypeScript source, read as text


PYTHON_KINDS = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK})
CONFIG_KINDS = frozenset({FileKind.YAML, FileKind.TOML, FileKind.JSON})


@dataclass(frozen=True, slots=True)
class Span:
    """1-based lines and columns, end exclusive; `cell` is the 0-based notebook cell."""

    line: int
    column: int
    end_line: int
    end_column: int
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports; the engine turns it into a Finding.

    `anchor` is a position-free description of where the hit is (enclosing qualified name, key
    path, heading path) and feeds the fingerprint. `node` is the syntax node for guard analysis;
    it never leaves the worker process.
    """

    span: Span | None
    message: str
    evidence: str = ""
    anchor: str = ""
    capability: str | None = None
    confidence: Confidence | None = None
    severity: Severity | None = None
    path: str | None = None
    node: Any = field(default=None, compare=False, hash=False, repr=False)
    guard_purpose: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported finding; mirrors the JSON contract field for field."""

    code: str
    clause: str
    title: str
    severity: Severity
    confidence: Confidence
    status: Status
    path: str
    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None
    message: str
    evidence: str
    mitigation: str | None
    fingerprint: str
    rule: str
    capability: str | None = None
    cell: int | None = None

    def sort_key(self) -> tuple[str, int, int, int, int, str, str]:
        return (
            self.path,
            -1 if self.cell is None else self.cell,
            self.line or 0,
            self.column or 0,
            0,
            self.code,
            self.rule,
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "clause": self.clause,
            "title": self.title,
            "severity": self.severity.value,
            "confidence": self.confidence.value,
            "status": self.status.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "evidence": self.evidence,
            "mitigation": self.mitigation,
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "capability": self.capability,
        }
        if self.cell is not None:
            data["cell"] = self.cell
        return data


ERROR_KINDS = (
    "read-error",
    "parse-error",
    "too-large",
    "binary",
    "encoding",
    "rule-error",
    "timeout",
)


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be (fully) scanned; never stops the run."""

    path: str
    kind: str
    message: str
    line: int | None = None
    column: int | None = None  # 1-based; parse errors carry it

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "kind": self.kind, "message": self.message, "line": self.line}
        if self.column is not None:
            data["column"] = self.column
        return data


@dataclass(frozen=True, slots=True)
class RunWarning:
    """A problem worth telling the user that is not a finding (no Article 17 clause applies),
    e.g. a blanket or unparsable suppression comment; JSON `warnings`, stderr in text mode."""

    path: str
    line: int | None
    code: str
    kind: str
    message: str
    cell: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "line": self.line, "code": self.code, "kind": self.kind, "message": self.message}
        if self.cell is not None:
            data["cell"] = self.cell
        return data


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One recorded finding in a baseline file; `moved_to` is set on a stale entry whose
    finding now appears under another path."""

    fingerprint: str
    code: str
    path: str
    message: str
    evidence: str = ""
    moved_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fingerprint": self.fingerprint, "code": self.code, "path": self.path, "message": self.message, "evidence": self.evidence}
        if self.moved_to is not None:
            data["moved_to"] = self.moved_to
        return data


@dataclass(frozen=True, slots=True)
class BaselineReport:
    """Which baseline was applied and which of its entries no longer match an open finding."""

    path: str
    stale: tuple[BaselineEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "stale": [e.to_json() for e in self.stale]}


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything one run found: what the reporters render and the exit code is decided from."""

    root: str
    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    files_scanned: int
    rules_run: tuple[str, ...] = ()
    warnings: tuple[RunWarning, ...] = ()
    fail_on: Severity = Severity.INFO
    baseline: BaselineReport | None = None
    #: files discovered; each one is either scanned or has an entry in `errors` (issue 8)
    files_discovered: int = 0
    #: `fail-on-incomplete` from the config: any error makes the run exit 2, as `--strict` does
    fail_on_incomplete: bool = False
    #: counters of the per-file stage (files, cached, passed the prefilter, parsed, workers);
    #: diagnostics only: not in any report, not compared
    stats: Mapping[str, int] = field(default_factory=dict, compare=False)

    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.OPEN)
