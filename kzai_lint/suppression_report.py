"""Inline suppressions of one file as the engine applies them, and what is wrong with them.

The parsers in `suppression` only read comments. Here the engine looks findings up (recording
which suppressions were used, so unused ones can be reported once every rule has run on the
file) and turns the leftovers into KZ001: reason-less and unused suppressions become findings
with the clause of the code they name; blanket, unknown-code and unreadable comments, which name
no clause, become `RunWarning`s (the JSON contract only allows real clauses on findings).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Collection, Iterator

from kzai_lint import selection
from kzai_lint import suppression
from kzai_lint.fingerprint import fingerprint
from kzai_lint.model import CONFIG_KINDS, Confidence, FileKind, Finding, RunWarning, Span, Status
from kzai_lint.rules.suppression_hygiene import SuppressionHygiene
from kzai_lint.suppression import Suppression, SuppressionProblem

if TYPE_CHECKING:
    from kzai_lint.catalogue import Catalogue
    from kzai_lint.context import FileContext

__all__ = ["FileSuppressions", "clause_for", "for_file", "report"]

CODE = SuppressionHygiene.meta.code
RULE_ID = SuppressionHygiene.meta.id
_CACHE_KEY = "_suppressions"
_FAMILY = re.compile(r"^17\(\d\)")
_OPENER = re.compile(r"#|<!--")
_WS = re.compile(r"\s+")


@dataclass
class FileSuppressions:
    """Parsed suppressions per notebook cell (`None` for other files) and which were used."""

    tables: dict[int | None, list[Suppression]]
    problems: dict[int | None, list[SuppressionProblem]]
    require_reason: bool
    used: set[int] = field(default_factory=set)

    def lookup(self, code: str, span: Span | None) -> Suppression | None:
        """The suppression that hides a finding of `code` at `span`, marked as used.

        A file-level suppression in any notebook cell covers the whole notebook; a finding
        without a span (about the whole file) is covered only by file-level suppressions.
        """
        cell = span.cell if span is not None else None
        candidates = [s for s in self._visible(cell) if s.reason or not self.require_reason]
        if span is None:
            candidates = [s for s in candidates if s.file_level]
            found = suppression.find(candidates, code, 1, 1)
        else:
            found = suppression.find(candidates, code, span.line, span.end_line)
        if found is not None:
            self.used.add(id(found))
        return found

    def _visible(self, cell: int | None) -> Iterator[Suppression]:
        yield from self.tables.get(cell, [])
        for other, table in self.tables.items():
            if other != cell:
                yield from (s for s in table if s.file_level)


def for_file(ctx: "FileContext") -> FileSuppressions:
    """The file's suppressions, parsed once per file and kept on the context until `report`."""
    cache = ctx.facts.setdefault(_CACHE_KEY, [])
    if not cache:
        cache.append((_parse(ctx),))
    found: FileSuppressions = cache[0][0]
    return found


def _parse(ctx: "FileContext") -> FileSuppressions:
    known = frozenset(ctx.catalogue.codes)
    parsed: dict[int | None, suppression.Parsed] = {}
    if ctx.kind is FileKind.PYTHON:
        parsed[None] = suppression.parse_python(ctx.text, known=known)
    elif ctx.kind is FileKind.NOTEBOOK and ctx.document is not None:
        for c in ctx.document.cells:
            if c.cell_type == "code":
                parsed[c.index] = suppression.parse_python(c.source, known=known)
    elif ctx.kind is FileKind.MODEL_CARD:
        parsed[None] = suppression.parse_markdown(ctx.text, known=known)
    elif ctx.kind in CONFIG_KINDS or ctx.kind is FileKind.REQUIREMENTS:
        parsed[None] = suppression.parse_hash_comments(ctx.text, known=known)
    elif ctx.kind is FileKind.JAVASCRIPT:
        parsed[None] = suppression.parse_script_comments(ctx.text, known=known)
    return FileSuppressions(
        tables={cell: found for cell, (found, _) in parsed.items()},
        problems={cell: problems for cell, (_, problems) in parsed.items()},
        require_reason=bool(getattr(ctx.settings, "require_reason", True)),
    )


def clause_for(codes: Collection[str], catalogue: "Catalogue") -> str | None:
    """The clause a KZ001 finding about a comment naming `codes` is filed under.

    The first code (or prefix) that maps to one clause wins: `KZ306` → 17(3)(6); a prefix
    covering several items of one paragraph (`KZ3`) → 17(3); nothing derivable → None.
    """
    for code in codes:
        clauses = {info.clause for name, info in catalogue.codes.items() if name.startswith(code) and info.clause}
        if len(clauses) == 1:
            return clauses.pop()
        families = {m.group(0) for c in clauses if (m := _FAMILY.match(c))}
        if len(families) == 1:
            return families.pop()
    return None


def report(ctx: "FileContext", rule_codes: Collection[str]) -> tuple[tuple[Finding, ...], tuple[RunWarning, ...]]:
    """KZ001 findings and warnings for one file, after all its findings were made.

    `rule_codes` are the codes of the rules enabled for this file's kind: KZ001 must be one of
    them, and a suppression is only "unused" when a rule for one of its codes actually ran (a
    run narrowed with `--select` must not call every other suppression unused).
    """
    cache = ctx.facts.pop(_CACHE_KEY, None)
    if CODE not in rule_codes:
        return (), ()
    state: FileSuppressions = cache[0][0] if cache else _parse(ctx)
    builder = _Builder(ctx, frozenset(rule_codes) - {CODE})
    for cell, table in state.tables.items():
        for s in table:
            if not s.reason and state.require_reason:
                builder.add(cell, s.line, s.codes, "no-reason", _no_reason_message(s))
            elif id(s) not in state.used and builder.checkable(s) and not _auditing(ctx):
                builder.add(cell, s.line, s.codes, "unused", _unused_message(s))
    for cell, problems in state.problems.items():
        for p in problems:
            if p.kind != "no-reason":  # reported above, with the codes it names
                builder.warn(cell, p.line, p.kind, _problem_message(p))
    return tuple(builder.findings), tuple(builder.warnings)


def _auditing(ctx: "FileContext") -> bool:
    return bool(getattr(ctx.settings, "ignore_suppressions", False))


def _problem_message(p: SuppressionProblem) -> str:
    if p.kind == "blanket":
        return f"{p.message}: this comment suppresses nothing; name the codes, e.g. '# kzai: ignore[KZ306] <reason>'"
    if p.kind == "unknown-code":
        return f"suppression names an {p.message}; that code suppresses nothing (see `kzai-lint rules`)"
    return p.message


def _no_reason_message(s: Suppression) -> str:
    codes = ", ".join(s.codes)
    return (
        f"suppression of {codes} has no reason, so it is ignored (require-reason = true); say why the "
        f"finding is acceptable, e.g. '# kzai: ignore[{codes}] consent collected by the kiosk (PRIV-12)'"
    )


def _unused_message(s: Suppression) -> str:
    codes = ", ".join(s.codes)
    where = "in this file" if s.file_level else (f"on line {s.first_line}" if s.first_line == s.last_line else f"on lines {s.first_line}-{s.last_line}")
    return f"unused suppression of {codes}: no {codes} finding {where}; remove it, or move it to the finding's line"


class _Builder:
    """Accumulates KZ001 findings and warnings with positions, evidence and fingerprints."""

    def __init__(self, ctx: "FileContext", checked: frozenset[str]) -> None:
        self.ctx = ctx
        self.checked = checked
        self.info = ctx.catalogue.codes[CODE]
        self.findings: list[Finding] = []
        self.warnings: list[RunWarning] = []
        self.occurrences: dict[tuple[str, str], int] = defaultdict(int)

    def checkable(self, s: Suppression) -> bool:
        return any(code.startswith(prefix) for prefix in s.codes for code in self.checked)

    def ignored(self, clause: str | None) -> bool:
        return selection.per_file_ignored(self.ctx.path, CODE, clause, self.ctx.settings.per_file_ignores)

    def add(self, cell: int | None, line: int, codes: tuple[str, ...], kind: str, message: str) -> None:
        clause = clause_for(codes, self.ctx.catalogue)
        if clause is None:
            self.warn(cell, line, kind, message)
            return
        text = _line_text(self.ctx, cell, line)
        column, evidence = _comment(text)
        key = (kind, evidence)
        occurrence = self.occurrences[key]
        self.occurrences[key] += 1
        ignored = self.ignored(clause)
        self.findings.append(
            Finding(
                code=CODE,
                clause=clause,
                title=self.info.title,
                severity=SuppressionHygiene.meta.severity or self.info.severity,
                confidence=Confidence.HIGH,
                status=Status.SUPPRESSED if ignored else Status.OPEN,
                path=self.ctx.path,
                line=line,
                column=column,
                end_line=line,
                end_column=len(text) + 1,
                message=message,
                evidence=evidence,
                mitigation="per-file-ignores in configuration" if ignored else None,
                fingerprint=fingerprint(CODE, self.ctx.path, f"suppression:{kind}", evidence, occurrence),
                rule=RULE_ID,
                cell=cell,
            )
        )

    def warn(self, cell: int | None, line: int, kind: str, message: str) -> None:
        if not self.ignored(None):
            self.warnings.append(RunWarning(self.ctx.path, line, CODE, kind, message, cell))


def _line_text(ctx: "FileContext", cell: int | None, line: int) -> str:
    text = ctx.text
    if cell is not None and ctx.document is not None:
        text = next((c.source for c in ctx.document.cells if c.index == cell), "")
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _comment(text: str) -> tuple[int, str]:
    """1-based column where the kzai comment starts on its line, and the comment as evidence."""
    mention = text.lower().find("kzai")
    start = 0
    if mention >= 0:
        openers = [m.start() for m in _OPENER.finditer(text, 0, mention)]
        start = openers[-1] if openers else mention
    evidence = _WS.sub(" ", text[start:]).strip()[:200]
    return start + 1, evidence
