"""The scan pipeline: per file, build the sources enabled rules need, run them, turn hits into
findings with a status; then repository-level rules; then one sorted RunResult.

The engine is a pure function of file bytes, settings and rules. Per-file problems become
`FileError` values, never exceptions escaping a worker; what crosses the process boundary is
plain frozen data.
"""
from __future__ import annotations

import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from kzai_lint import facts as repo_facts
from kzai_lint import selection
from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext, RepoIndex
from kzai_lint.discovery import DiscoveredFile, Discovery
from kzai_lint.fingerprint import fingerprint
from kzai_lint.model import (
    FileError,
    FileKind,
    Finding,
    Hit,
    RunResult,
    RunWarning,
    Severity,
    Status,
)
from kzai_lint.keyword_index import KeywordIndex
from kzai_lint.requirements import RequirementFilter
from kzai_lint.rule import RepoRule, Rule

BINARY_SNIFF = 8192
_UNREAD_SCRIPTS = frozenset({"binary", "too-large", "encoding"})
"""Why a JavaScript/TypeScript file was not read that is not reported (see `_scan_file`)."""


@dataclass
class ScanPlan:
    """The rules, catalogue and settings of one run, shared (and pickled) by every file's scan."""

    rules: tuple[Rule, ...]
    catalogue: Catalogue
    settings: Any
    debug: bool = False
    use_prefilter: bool = True
    #: {relpath: text} read instead of the file (unsaved editor buffers, `--stdin-filename`)
    buffers: dict[str, str] = field(default_factory=dict)
    #: for explicit files: where the declaration lives, and the project's cards (see `project`)
    declaration_root: Path | None = None
    context_files: dict[str, FileKind] = field(default_factory=dict)
    #: called in the main process as files finish: (done, total); the CLI draws a progress bar
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    #: per-file results stored by content hash (`cache`); None runs without one
    cache: Any = field(default=None, compare=False)
    #: counters of the per-file stage (`parallel`): files, cached, passed the prefilter, parsed...
    stats: dict[str, int] = field(default_factory=dict, compare=False)
    _keyword_index: KeywordIndex | None = field(default=None, compare=False, repr=False)
    _prefilters: dict[FileKind, RequirementFilter | None] = field(default_factory=dict, compare=False, repr=False)

    def prefilter(self, kind: FileKind) -> RequirementFilter | None:
        """The requirement filter of the file rules of `kind` (None: no rule reads that kind).
        Built on first use: a warm run takes every file from the cache and needs none, a
        pre-commit run only those of the kinds it was given."""
        if kind not in self._prefilters:
            needs: list[tuple[tuple[str, ...], ...]] | None = []
            found = False
            for rule in self.rules:
                if isinstance(rule, RepoRule) or kind not in rule.meta.kinds:
                    continue
                found = True
                alternatives = rule.requirements_for(self.settings, kind)
                if alternatives is None or needs is None:
                    needs = None
                else:
                    needs.extend(alternatives)
            self._prefilters[kind] = RequirementFilter(needs) if found else None
        return self._prefilters[kind]

    @property
    def prefilters(self) -> dict[FileKind, RequirementFilter]:
        """Every kind's filter (`prefilter`), for reports and tests."""
        built = {kind: self.prefilter(kind) for kind in FileKind}
        return {kind: gate for kind, gate in built.items() if gate is not None}

    def keyword_index(self) -> KeywordIndex:
        """The gates of rules that check nothing without their keywords (`gates()`),
        answered for a file in one scan instead of one per rule."""
        if self._keyword_index is None:
            gates: dict[str, Iterable[str] | None] = {}
            for rule in self.rules:
                declared = getattr(rule, "gates", None)
                if callable(declared):
                    gates.update(declared())
            self._keyword_index = KeywordIndex(gates)
        return self._keyword_index

    def file_rules(self, kind: FileKind) -> list[Rule]:
        return [r for r in self.rules if not isinstance(r, RepoRule) and kind in r.meta.kinds]

    def repo_rules(self) -> list[RepoRule]:
        return [r for r in self.rules if isinstance(r, RepoRule)]


@dataclass(frozen=True)
class FileResult:
    """One file's findings, errors and repository facts: plain values, picklable from pool workers and cacheable."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    facts: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    scanned: bool = True
    warnings: tuple[RunWarning, ...] = ()


# ---------------------------------------------------------------------------------------------
# Reading and decoding
# ---------------------------------------------------------------------------------------------

def read_text(file: DiscoveredFile, settings: Any) -> tuple[str | None, bytes | None, FileError | None]:
    """The file's text, within the size limits of its kind (`limits`); only regular files are
    opened (a FIFO named `x.py` would block the run), data files only for their head."""
    from kzai_lint.limits import DATA_HEAD_BYTES, Limits

    limit, key = Limits.of(settings).read_limit(file.kind)
    try:
        info = os.stat(file.abspath)
        if not stat.S_ISREG(info.st_mode):
            return None, None, FileError(file.relpath, "read-error", "not a regular file; not read")
        if limit is not None and info.st_size > limit:
            return None, None, FileError(file.relpath, "too-large", f"{info.st_size} bytes is over the {limit}-byte limit ({key}); not read")
        wanted = DATA_HEAD_BYTES if limit is None else limit + 1
        with open(file.abspath, "rb") as fh:
            # Not `read(wanted)` alone: that allocates all `wanted` bytes (10 MB) first, which
            # cost 0.3 ms a file between parses; the size from the stat, and the rest if it grew.
            data = fh.read(min(wanted, info.st_size + 1))
            if len(data) > info.st_size and len(data) < wanted:
                data += fh.read(wanted - len(data))
    except OSError as exc:
        return None, None, FileError(file.relpath, "read-error", exc.strerror or str(exc))
    if limit is not None and len(data) > limit:  # grew after the stat
        return None, None, FileError(file.relpath, "too-large", f"over the {limit}-byte limit ({key}); not read")
    text, error = decode(data, file)
    if text is not None and file.kind is FileKind.NOTEBOOK:
        from kzai_lint.notebook_outputs import without_outputs

        text = without_outputs(text)  # outputs are data the notebook made: never analysed
    return text, data, error


def decode(data: bytes, file: DiscoveredFile) -> tuple[str | None, FileError | None]:
    """Text per the rules of the file's kind (`decoding`: PEP 263 for Python, BOMs, NUL bytes)."""
    from kzai_lint import decoding

    kind, text, message = decoding.decode(data, file.kind)
    return text, (None if kind is None else FileError(file.relpath, kind, message))


# ---------------------------------------------------------------------------------------------
# One file
# ---------------------------------------------------------------------------------------------

def may_fire(file: DiscoveredFile, plan: ScanPlan, text: str) -> bool:
    """Whether an enabled rule could report in this file: its kind's keyword prefilter passes.
    A file that fails is never parsed (unless its facts are needed, `facts.needs_facts`)."""
    if not plan.file_rules(file.kind):
        return False
    prefilter = plan.prefilter(file.kind)
    if not plan.use_prefilter or prefilter is None:
        return True
    if file.kind is FileKind.NOTEBOOK:
        from kzai_lint.notebook_outputs import schema_keys_masked

        text = schema_keys_masked(text)
    return prefilter.may_match(text)


def scan_file(file: DiscoveredFile, plan: ScanPlan, *, read: tuple[str | None, bytes | None, FileError | None] | None = None, fires: bool | None = None) -> FileResult:
    """Scan one file. `read` is its `read_text` result when the caller already read it (the
    cache hashes those bytes); `fires` is `may_fire` when already known (the prefilter ran)."""
    from kzai_lint.limits import FileTimeout, Limits, time_budget

    budget = Limits.of(plan.settings).file_timeout
    try:
        with time_budget(budget):  # a pathological file becomes a `timeout` error (`limits`)
            return _scan_file(file, plan, read, fires)
    except FileTimeout as exc:
        return FileResult(file.relpath, errors=(FileError(file.relpath, "timeout", str(exc)),), scanned=False)
    except Exception as exc:  # noqa: BLE001 - a bad file never stops the run
        if plan.debug:
            raise
        return FileResult(file.relpath, errors=(FileError(file.relpath, "rule-error", f"internal error: {exc!r}"),))


def _scan_file(file: DiscoveredFile, plan: ScanPlan, read: tuple[str | None, bytes | None, FileError | None] | None = None, fires: bool | None = None) -> FileResult:
    rules = plan.file_rules(file.kind)
    if read is not None:
        text, data, error = read
    elif file.relpath in plan.buffers:
        from kzai_lint.buffers import read_buffer

        text, data, error = read_buffer(plan.buffers[file.relpath])
    else:
        text, data, error = read_text(file, plan.settings)
    if error is not None:
        if file.kind is FileKind.JAVASCRIPT and error.kind in _UNREAD_SCRIPTS:
            # A `.ts` video segment, a vendored multi-MB bundle: not the project's source code,
            # so not reported as a file the scan missed.
            return FileResult(file.relpath, scanned=False)
        return FileResult(file.relpath, errors=(error,), scanned=False)
    assert text is not None
    ctx = FileContext(file.relpath, file.kind, text, plan.catalogue, plan.settings, gate_index=plan.keyword_index)
    repo_facts.collect_text(ctx)
    if not (fires if fires is not None else may_fire(file, plan, text)):
        rules = []
        if file.kind is FileKind.NOTEBOOK:
            repo_facts.collect_unparsed(ctx)  # its imports and installs, without a CST
            return FileResult(file.relpath, facts=ctx.facts)
        if not repo_facts.needs_facts(file.kind, file.relpath):
            return FileResult(file.relpath, facts=ctx.facts)
    errors: list[FileError] = []
    try:
        _build_source(ctx, data)
    except SourceFailure as failure:
        from kzai_lint import fallback  # unparsable Python still gets a text scan for library calls

        degraded, error = fallback.degrade(ctx, rules, failure.error)
        return FileResult(file.relpath, tuple(make_findings(degraded, ctx, plan)), (error,), ctx.facts, scanned=False)
    repo_facts.collect(ctx)
    hits: list[tuple[Rule, Hit]] = []
    if ctx.document is not None and getattr(ctx.document, "bad_cells", ()):
        from kzai_lint import fallback  # broken cells still get the text scan for library calls

        hits, cell_errors = fallback.bad_cells(ctx, rules)
        errors.extend(cell_errors)
    front_matter = getattr(ctx.document, "front_matter_error", None)
    if front_matter is not None:  # the body is scanned; the header's claims are not
        errors.append(FileError(file.relpath, "parse-error", f"front matter not read: {getattr(front_matter, 'message', front_matter)}", front_matter.line, front_matter.column))
    for rule in rules:
        try:
            hits.extend((rule, hit) for hit in rule.check(ctx))
        except Exception as exc:  # noqa: BLE001 - one crashing rule never stops the others
            if plan.debug:
                raise
            errors.append(FileError(file.relpath, "rule-error", f"{rule.meta.id} crashed: {exc!r}"))
    findings = tuple(make_findings(hits, ctx, plan))
    # KZ001 needs every rule's findings first: only then is a suppression known to be unused.
    from kzai_lint import suppression_report

    hygiene, warnings = suppression_report.report(ctx, {r.meta.code for r in plan.file_rules(file.kind)})
    return FileResult(file.relpath, findings + hygiene, tuple(errors), ctx.facts, warnings=warnings)


class SourceFailure(Exception):
    def __init__(self, error: FileError) -> None:
        super().__init__(error.message)
        self.error = error


def _build_source(ctx: FileContext, data: bytes | None) -> None:
    from kzai_lint.sources import DocumentError, load_document
    from kzai_lint.sources.python import PythonParseError, parse_python, python_code

    try:
        if ctx.kind in (FileKind.PYTHON, FileKind.NOTEBOOK):
            code, line_map, notebook = python_code(ctx.text, notebook=ctx.kind is FileKind.NOTEBOOK)
            if notebook is not None:
                ctx.document = notebook
            _within_parse_limit(ctx, code)
            ctx.python = parse_python(code, ctx.path, line_map=line_map)
        else:
            ctx.document = load_document(ctx.kind, ctx.text, ctx.path, data)
    except PythonParseError as exc:
        raise SourceFailure(FileError(ctx.path, "parse-error", str(exc), exc.line, exc.column)) from None
    except DocumentError as exc:
        raise SourceFailure(FileError(ctx.path, "parse-error", str(exc), exc.line)) from None
    except ValueError as exc:
        raise SourceFailure(FileError(ctx.path, "parse-error", str(exc), getattr(exc, "line", None))) from None


def _within_parse_limit(ctx: FileContext, code: str) -> None:
    """Python over `max-parse-size` gets the text fallback instead of a CST (see `limits`)."""
    from kzai_lint.limits import Limits

    reason = Limits.of(ctx.settings).too_large_to_parse(len(code.encode("utf-8", "surrogatepass")))
    if reason is not None:
        raise SourceFailure(FileError(ctx.path, "too-large", reason))


# ---------------------------------------------------------------------------------------------
# Hits -> findings
# ---------------------------------------------------------------------------------------------

def _severity(rule: Rule, hit: Hit, catalogue: Catalogue) -> Severity:
    if hit.severity is not None:
        return hit.severity
    if hit.capability and hit.capability in catalogue.capabilities:
        cap_sev = catalogue.capabilities[hit.capability].severity
        if cap_sev is not None:
            return cap_sev
    if rule.meta.severity is not None:
        return rule.meta.severity
    return catalogue.codes[rule.meta.code].severity


def make_findings(hits: Iterable[tuple[Rule, Hit]], ctx: FileContext | None, plan: ScanPlan, *, path: str | None = None) -> list[Finding]:
    catalogue = plan.catalogue
    settings = plan.settings
    seen: dict[tuple[Any, ...], Finding] = {}
    occurrences: dict[tuple[str, str, str], int] = defaultdict(int)
    out: list[Finding] = []
    for rule, hit in hits:
        code = rule.meta.code
        info = catalogue.codes[code]
        fpath = hit.path or path or (ctx.path if ctx else ".")
        confidence = hit.confidence or rule.meta.confidence
        if ctx is not None and ctx.low_weight:
            confidence = confidence.lowered()
        # Looked up before any filtering, so a suppression of a filtered hit is not "unused".
        inline = None
        if ctx is not None and not getattr(settings, "ignore_suppressions", False):
            inline = _inline_suppression(ctx, code, hit)
        if confidence.rank < settings.min_confidence.rank:
            continue
        span = hit.span
        key = (code, fpath, span.cell if span else None, span.line if span else None, span.column if span else None)
        status, mitigation = Status.OPEN, None
        if selection.per_file_ignored(fpath, code, info.clause, settings.per_file_ignores):
            status, mitigation = Status.SUPPRESSED, "per-file-ignores in configuration"
        elif inline is not None:
            status, mitigation = Status.SUPPRESSED, inline
        message = hit.message
        if status is Status.OPEN and ctx is not None and hit.node is not None and ctx.python is not None:
            guard = _guard(ctx, hit, info.hooks, settings)
            if guard is not None:
                status, mitigation = Status.MITIGATED, guard
            else:
                message += _lookalike_note(ctx, hit, info.hooks, settings)
        severity = _severity(rule, hit, catalogue)
        anchor_key = (code, hit.anchor, hit.evidence)
        occurrence = occurrences[anchor_key]
        occurrences[anchor_key] += 1
        finding = Finding(
            code=code,
            clause=info.clause,
            title=info.title,
            severity=severity,
            confidence=confidence,
            status=status,
            path=fpath,
            line=span.line if span else None,
            column=span.column if span else None,
            end_line=span.end_line if span else None,
            end_column=span.end_column if span else None,
            message=message,
            evidence=hit.evidence,
            mitigation=mitigation,
            fingerprint=fingerprint(code, fpath, hit.anchor, hit.evidence, occurrence),
            rule=rule.meta.id,
            capability=hit.capability,
            cell=span.cell if span else None,
        )
        previous = seen.get(key)
        if previous is not None:
            # One finding per call site and code: keep the stronger one.
            if (previous.confidence.rank, previous.severity.rank) >= (finding.confidence.rank, finding.severity.rank):
                continue
            out.remove(previous)
        seen[key] = finding
        out.append(finding)
    return out


def _inline_suppression(ctx: FileContext, code: str, hit: Hit) -> str | None:
    """The text explaining an inline suppression of this hit; the lookup records its use."""
    from kzai_lint import suppression_report

    found = suppression_report.for_file(ctx).lookup(code, hit.span)
    if found is None:
        return None
    if not found.reason:
        return "inline suppression (no reason given)"
    return f"inline suppression at line {found.line}: {found.reason}"


def _lookalike_note(ctx: FileContext, hit: Hit, hook_kinds: Sequence[str], settings: Any) -> str:
    """A hint for an open sink guarded by an undeclared consent/review-looking check."""
    from kzai_lint import hook_hint

    return hook_hint.undeclared_hook_note(ctx, hit, hook_kinds, settings)


def _guard(ctx: FileContext, hit: Hit, hook_kinds: Sequence[str], settings: Any) -> str | None:
    if not (settings.consent_hooks or settings.oversight_hooks):
        return None
    from kzai_lint import mitigation

    assert ctx.python is not None
    site = next((c for c in ctx.python.facts.calls if c.node is hit.node), None)
    if site is None:
        return None
    for kind in ("consent", "oversight"):
        if kind not in hook_kinds:
            continue
        raw = settings.consent_hooks if kind == "consent" else settings.oversight_hooks
        if not raw:
            continue
        hooks = mitigation.parse_hook_specs(list(raw), kind)
        source = ctx.python
        same_cell: Callable[[Any, Any], bool] | None = None
        if source.line_map is not None:
            same_cell = lambda a, b: source.cell_of(a) == source.cell_of(b)  # noqa: E731 - notebook cells
        guard = mitigation.find_guard(site, source.facts, hooks, kind=kind, purpose=hit.guard_purpose, same_cell=same_cell)
        if guard is not None:
            span = source.span(guard.line_node)
            where = f"{ctx.path}:{span.line}" if span else ctx.path
            if span is not None and span.cell is not None:
                where = f"{ctx.path} cell {span.cell}:{span.line}"
            return f"{kind} hook {guard.hook} ({guard.how}, {where}) guards this call"
    return None


# ---------------------------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------------------------

def scan_files(files: Sequence[DiscoveredFile], plan: ScanPlan, jobs: int) -> list[FileResult]:
    """Per-file results in order: cache, prefilter, then parsing serially or in a pool (`parallel`)."""
    from kzai_lint import gc_tuning, parallel

    with gc_tuning.fewer_collections():  # a tree per file: see `gc_tuning`
        return parallel.scan_files(files, plan, jobs)


def run_repo_rules(plan: ScanPlan, repo: RepoIndex) -> tuple[list[Finding], list[FileError]]:
    findings: list[Finding] = []
    errors: list[FileError] = []
    for rule in plan.repo_rules():
        try:
            hits = [(rule, h) for h in rule.check(repo)]
        except Exception as exc:  # noqa: BLE001
            if plan.debug:
                raise
            import traceback  # only when a rule crashed

            errors.append(FileError(".", "rule-error", f"{rule.meta.id} crashed: {exc!r}\n{traceback.format_exc(limit=2)}"))
            continue
        findings.extend(make_findings(hits, None, plan, path="."))
    return findings, errors


def build_repo_index(root: Path, discovery: Discovery, results: Sequence[FileResult], plan: ScanPlan, findings: Sequence[Finding]) -> RepoIndex:
    from kzai_lint.config import read_declaration_file

    facts: dict[str, list[tuple[str, tuple[Any, ...]]]] = defaultdict(list)
    for result in results:
        for key, values in result.facts.items():
            if key.startswith("_"):
                continue
            facts[key].extend((result.path, v) for v in values)
    decl_path, system, has_table = read_declaration_file(plan.declaration_root or root)
    return RepoIndex(
        root=str(root),
        files={**plan.context_files, **{f.relpath: f.kind for f in discovery.files}},
        weights=discovery.weights,
        facts=dict(facts),
        catalogue=plan.catalogue,
        settings=plan.settings,
        declaration_path=os.path.relpath(decl_path, root).replace(os.sep, "/") if decl_path is not None else None,
        declaration=system,
        has_tool_table=has_table,
        findings=tuple(findings),
    )


def run(root: Path, discovery: Discovery, plan: ScanPlan, jobs: int = 1) -> RunResult:
    results = scan_files(discovery.files, plan, jobs)
    findings: list[Finding] = []
    errors: list[FileError] = []
    warnings: list[RunWarning] = []
    for result in results:
        findings.extend(result.findings)
        errors.extend(result.errors)
        warnings.extend(result.warnings)
    repo = build_repo_index(root, discovery, results, plan, findings)
    repo_findings, repo_errors = run_repo_rules(plan, repo)
    findings.extend(repo_findings)
    errors.extend(repo_errors)
    errors.extend(discovery.outside_root_errors())  # symlinks out of the root: reported, never read
    findings = apply_repo_mitigations(findings, repo)
    findings.sort(key=lambda f: f.sort_key())
    errors.sort(key=lambda e: (e.path, e.line or 0, e.kind))
    scanned = sum(1 for r in results if r.scanned)
    return RunResult(
        root=str(root),
        findings=tuple(findings),
        errors=tuple(errors),
        files_scanned=scanned,
        rules_run=tuple(r.meta.id for r in plan.rules),
        warnings=tuple(sorted(warnings, key=lambda w: (w.path, -1 if w.cell is None else w.cell, w.line or 0, w.kind))),
        fail_on=getattr(plan.settings, "fail_on", Severity.INFO),
        files_discovered=len(discovery.files) + len(discovery.outside_root),
        fail_on_incomplete=getattr(plan.settings, "fail_on_incomplete", False),
        stats=dict(plan.stats),
    )


def apply_repo_mitigations(findings: list[Finding], repo: RepoIndex) -> list[Finding]:
    """Mitigations that depend on repository-wide declarations (e.g. declared purposes,
    synthetic-output labelling); implemented in `declared_mitigation`."""
    from kzai_lint.declared_mitigation import mitigate

    return [mitigate(f, repo) for f in findings]
