"""What a rule sees: one file (`FileContext`) or the whole repository (`RepoIndex`).

Rules never read files or settings themselves; the engine builds these views, so the same rule
runs unchanged in the CLI, in workers and in the example-driven tests.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Mapping

from kzai_lint.model import Confidence, FileKind, Hit, Severity, Span

if TYPE_CHECKING:
    import libcst as cst

    from kzai_lint.catalogue import Catalogue
    from kzai_lint.sources.python import PythonSource

# Folders whose content is examples, tests or research rather than the shipped system: the
# clause map (section 11) lowers confidence one step there.
LOW_WEIGHT_DIRS = frozenset({"tests", "test", "docs", "doc", "examples", "example", "notebooks", "redteam", "evals", "samples", "demo", "demos", "benchmarks", "scripts"})

FACT_KEYS = (
    "capability",  # (capability, code, line|None, strength "S1".."S4", confidence) per hit: one capability, many places
    "imports",  # (module, line | None) top-level modules imported by Python code (notebooks: no line)
    "dependency",  # (name, line) declared dependencies
    "ai_signal",  # (what, line): model loading, training, inference seen in this file
    "network",  # (what, line, host|None): run-time public network use
    "marking",  # (what, line): machine-readable marking of synthetic output (watermark, C2PA, metadata)
    "offline_switches",  # (line, "NAME,NAME"): environment switches that keep a reported hub call offline
)


@dataclass
class FileContext:
    """What rules see of one file: its text, parsed form, catalogue and settings, and the facts it adds."""

    path: str
    kind: FileKind
    text: str
    catalogue: "Catalogue"
    settings: Any
    python: "PythonSource | None" = None
    document: Any = None
    facts: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    #: gives the run's rule gates (`keyword_index.KeywordIndex`), built on first use (it asks
    #: every rule for its gates); set by the engine, None in tests
    gate_index: "Callable[[], Any] | None" = None
    _open_gates: frozenset[str] | None = field(default=None, repr=False)
    #: what several rules derive alike from this file, kept by the first that asks (by name)
    shared: dict[str, Any] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def lowered(self) -> str:
        """The text lower-cased, once per file: a dozen rules search it case-insensitively, and
        lower-casing then searching is far faster than `re.IGNORECASE`."""
        from kzai_lint.lowered import lowered

        return lowered(self.text)

    def keywords_present(self, gate: str, fallback: "Callable[[], bool]") -> bool:
        """Whether the keywords of `gate` (a rule id) occur in the text: answered for all gates
        of the run in one scan when the engine registered this one, else by `fallback`."""
        index = None if self.gate_index is None else self.gate_index()
        if index is None or gate not in index.names:
            return fallback()
        if self._open_gates is None:
            self._open_gates = index.present(self.lowered)
        return gate in self._open_gates

    @property
    def low_weight(self) -> bool:
        parts = [p.lower() for p in PurePosixPath(self.path).parts[:-1]]
        name = PurePosixPath(self.path).name.lower()
        return any(p in LOW_WEIGHT_DIRS for p in parts) or name.startswith("test_") or name.endswith("_test.py")

    def add_fact(self, key: str, *value: Any) -> None:
        self.facts.setdefault(key, []).append(tuple(value))

    def python_hit(
        self,
        node: "cst.CSTNode",
        message: str,
        *,
        scope: str = "",
        capability: str | None = None,
        confidence: Confidence | None = None,
        severity: Severity | None = None,
        guard_purpose: str | None = None,
    ) -> Hit:
        """A hit located at a libcst node of this file's Python source."""
        assert self.python is not None
        evidence = self.python.evidence(node)
        return Hit(
            span=self.python.span(node),
            message=message,
            evidence=evidence,
            anchor=scope,
            capability=capability,
            confidence=confidence,
            severity=severity,
            node=node,
            guard_purpose=guard_purpose,
        )


@dataclass
class RepoIndex:
    """Facts gathered from every scanned file, for repository-level rules."""

    root: str
    files: Mapping[str, FileKind]
    weights: tuple[str, ...]
    facts: Mapping[str, list[tuple[str, tuple[Any, ...]]]]  # key -> [(path, value)]
    catalogue: "Catalogue"
    settings: Any
    declaration_path: str | None = None
    declaration: Mapping[str, Any] = field(default_factory=dict)
    has_tool_table: bool = False
    findings: tuple[Any, ...] = ()  # file-level findings already made (for consistency checks)

    def fact(self, key: str) -> list[tuple[str, tuple[Any, ...]]]:
        return list(self.facts.get(key, ()))


def span_at_line(line: int, text_line: str = "", cell: int | None = None) -> Span:
    start = len(text_line) - len(text_line.lstrip()) + 1 if text_line else 1
    end = len(text_line.rstrip()) + 1 if text_line else 1
    return Span(line, start, line, max(end, start), cell=cell)
