"""The text-level pass for Python that could not be parsed: parse failures degrade, they do not
blind.

A vendored Python 2 module, a file with one syntax error, or a generated module over
`max-parse-size` gets no syntax tree, so the Python rules cannot run on it. Instead of dropping
it, this pass looks for the catalogue's strongest signals, the library calls of the
`CatalogueCallRule`s (KZ305 biometric categorisation, KZ306 emotion recognition, KZ307 synthetic
media): it builds the import alias table from the import lines, finds `alias.attr(` calls in the
text with strings and comments masked (`code_text`), resolves them to qualified names and judges
their literal arguments exactly as the rules do (`call_capabilities`). It also reads the
one-line string literals as the model-literal rules (`ArtefactLiteralRule`) read strings: a
Python 2 emotion demo names `fer2013_mini_XCEPTION.hdf5` in a variable that a call then loads.

Findings carry the rule's usual code and clause, at `low` confidence, with a message saying the
code was not parsed. Rebinding (`analyse = DeepFace.analyze`), objects built elsewhere and guard
analysis need the syntax tree, so they are out of reach here; the file stays listed under
`errors`, with a note that only this pass ran.
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Any, Iterator, Sequence

from kzai_lint import code_text, regex_cache
from kzai_lint.analysis.python_module import UNKNOWN, CallSite
from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, FileError, FileKind, Hit, Span
from kzai_lint.rule import Rule
from kzai_lint.rules._messages import clause_phrase
from kzai_lint.rules._python_signals import GUARD_PURPOSE, ArtefactLiteralRule, CatalogueCallRule, about_non_persons, artefact_severity, call_capabilities, named_artefacts

__all__ = ["NOTE", "bad_cells", "degrade"]

#: Appended to the file error when the fallback ran.
NOTE = "scanned by the text fallback for library calls and model names only"
_DEGRADED_KINDS = frozenset({"parse-error", "too-large"})
_KEYWORD = re.compile(r"([^\W\d]\w*)\s*=(?!=)")
_WS = re.compile(r"\s+")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def degrade(ctx: FileContext, rules: Sequence[Rule], error: FileError) -> tuple[list[tuple[Rule, Hit]], FileError]:
    """Hits of the fallback pass for a Python file (or notebook code) that failed with `error`,
    and the error, noting that the pass ran. Other kinds and errors are returned unchanged."""
    source = _source(ctx)
    call_rules = [r for r in rules if isinstance(r, CatalogueCallRule)]
    literal_rules = [r for r in rules if isinstance(r, ArtefactLiteralRule)]
    if error.kind not in _DEGRADED_KINDS or source is None or not (call_rules or literal_rules):
        return [], error
    text, line_map = source
    reason = error.message.split(";", 1)[0]
    hits = list(_hits(ctx, call_rules, text, line_map, reason))
    hits += _literal_hits(ctx, literal_rules, text, line_map, reason, hits)
    if NOTE not in error.message:
        error = FileError(error.path, error.kind, f"{error.message}; {NOTE}", error.line, error.column)
    return hits, error


def bad_cells(ctx: FileContext, rules: Sequence[Rule]) -> tuple[list[tuple[Rule, Hit]], list[FileError]]:
    """For a notebook whose broken cells the parser replaced by `pass`: a `parse-error` per
    cell, and the fallback's hits in those cells (their imports may sit in other cells, so the
    pass reads the notebook's code with the broken cells put back)."""
    from kzai_lint.sources.notebook import neutralize_cell

    notebook = ctx.document
    broken = {cell: message for cell, message in getattr(notebook, "bad_cells", ())}
    call_rules = [r for r in rules if isinstance(r, CatalogueCallRule)]
    literal_rules = [r for r in rules if isinstance(r, ArtefactLiteralRule)]
    note = f"; {NOTE}" if call_rules or literal_rules else ""
    errors = [FileError(ctx.path, "parse-error", f"cell {cell}: {message}{note}") for cell, message in broken.items()]
    if not (call_rules or literal_rules) or not broken:
        return [], errors
    sources = {c.index: neutralize_cell(c.source).removesuffix("\n").split("\n") for c in notebook.cells if c.index in broken}
    lines = notebook.code.split("\n")
    for index, (cell, line) in enumerate(notebook.line_map):
        if cell in sources and line <= len(sources[cell]):
            lines[index] = sources[cell][line - 1]
    code = "\n".join(lines)
    hits = list(_hits(ctx, call_rules, code, notebook.line_map, "the cell has a syntax error", keep_cells=set(broken)))
    hits += _literal_hits(ctx, literal_rules, code, notebook.line_map, "the cell has a syntax error", hits, keep_cells=set(broken))
    return hits, errors


def _source(ctx: FileContext) -> tuple[str, Sequence[tuple[int, int]] | None] | None:
    if ctx.kind is FileKind.PYTHON:
        return ctx.text, None
    code = getattr(ctx.document, "code", None)
    if ctx.kind is FileKind.NOTEBOOK and isinstance(code, str) and code:
        return code, ctx.document.line_map
    return None


def _hits(
    ctx: FileContext,
    rules: Sequence[CatalogueCallRule],
    text: str,
    line_map: Sequence[tuple[int, int]] | None,
    reason: str,
    keep_cells: set[int] | None = None,
) -> Iterator[tuple[Rule, Hit]]:
    catalogue = ctx.catalogue
    sites = _sites(text, catalogue)
    operations = {site.qualname for site, _ in sites if any(sig.role == "operation" for sig in catalogue.calls_for(site.qualname or ""))}
    lowered = text.lower()
    about_non_persons = regex_cache.for_lowered(catalogue.not_person_context, lowered).search(lowered) is not None
    starts = code_text.line_starts(text)
    for site, call in sites:
        span = _span(starts, call, line_map)
        if keep_cells is not None and span.cell not in keep_cells:
            continue
        for rule in rules:
            found = _capabilities(site, rule, catalogue, operations, about_non_persons, lowered)
            if found is None:
                continue
            cap, why = found
            capability = catalogue.capabilities[cap]
            detail = f" ({why})" if why else ""
            message = (
                f"{site.display}(){detail} {capability.does}; {clause_phrase(catalogue, rule.meta.code)}. "
                f"Found by a text scan because the code was not parsed ({reason}): aliases and guards were not analysed. "
                f"Mitigation: {catalogue.codes[rule.meta.code].advice}."
            )
            ctx.add_fact("capability", cap, rule.meta.code, span.line, "S1", Confidence.LOW.value)
            yield rule, Hit(span, message, _evidence(text, call), capability=cap, confidence=Confidence.LOW, guard_purpose=GUARD_PURPOSE.get(rule.meta.code))


def _literal_hits(
    ctx: FileContext,
    rules: Sequence[ArtefactLiteralRule],
    text: str,
    line_map: Sequence[tuple[int, int]] | None,
    reason: str,
    call_hits: Sequence[tuple[Rule, Hit]],
    keep_cells: set[int] | None = None,
) -> list[tuple[Rule, Hit]]:
    """The model-literal rules' hits on the one-line string literals of `text`, judged as those
    rules judge a string in a parsed module (`ArtefactLiteralRule.classify`, the veto for music,
    games and speech synthesis), minus the literals on a line whose library call already gave a
    hit (the call rules judged its model argument)."""
    if not rules:
        return []
    catalogue = ctx.catalogue
    starts = code_text.line_starts(text)
    called = {(hit.span.cell, hit.span.line) for _, hit in call_hits if hit.span is not None}
    vetoed: dict[str, bool] = {}
    lowered: str | None = None
    out: list[tuple[Rule, Hit]] = []
    for offset, literal in code_text.string_literals(text):
        for rule in rules:
            found = next(filter(None, map(rule.classify, named_artefacts(literal, catalogue))), None)
            if found is None:
                continue
            cap, what, value = found
            line, column = code_text.position(starts, offset)
            span = _span_at(line, column, len(literal) + 2, line_map)
            if (keep_cells is not None and span.cell not in keep_cells) or (span.cell, span.line) in called:
                continue
            code = rule.meta.code
            if code not in vetoed:
                lowered = text.lower() if lowered is None else lowered
                vetoed[code] = about_non_persons(catalogue, lowered, code)
            if vetoed[code]:
                continue
            capability = catalogue.capabilities[cap]
            message = (
                f"{what} {value!r} shows the system {capability.does}; {clause_phrase(catalogue, code)}. "
                f"Found by a text scan because the code was not parsed ({reason}). Mitigation: {catalogue.codes[code].advice}."
            )
            ctx.add_fact("capability", cap, code, span.line, "S2", Confidence.LOW.value)
            out.append((rule, Hit(span, message, value[:200], capability=cap, confidence=Confidence.LOW, severity=artefact_severity(capability.severity))))
    return out


def _span_at(line: int, column: int, width: int, line_map: Sequence[tuple[int, int]] | None) -> Span:
    if line_map is None:
        return Span(line, column, line, column + width)
    cell, cell_line = line_map[min(line, len(line_map)) - 1]
    return Span(cell_line, column, cell_line, column + width, cell=cell)


def _sites(text: str, catalogue: Catalogue) -> list[tuple[CallSite, code_text.TextCall]]:
    """Calls of catalogue signals in `text`, as the call sites the rules judge."""
    masked = code_text.mask(text)
    roots = {sig.name.split(".", 1)[0] for sig in catalogue.calls}
    imports = {
        name: quals
        for name, quals in _with_star_imports(code_text.import_table(masked), catalogue).items()
        if name != "*" and any(q.split(".", 1)[0] in roots for q in quals)
    }
    out = []
    for call in code_text.call_sites(text, masked, imports, lambda qualname: bool(catalogue.calls_for(qualname))):
        args, kwargs = _arguments(call.arguments)
        site = CallSite(node=None, qualname=call.qualname, display=call.display, args=args, kwargs=kwargs, ancestors=(), scope="")  # type: ignore[arg-type]
        out.append((site, call))
    return out


def _with_star_imports(imports: dict[str, frozenset[str]], catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """`from deepface import *` makes `DeepFace` stand for `deepface.DeepFace`."""
    table = dict(imports)
    for module in imports.get("*", ()):
        for sig in catalogue.calls:
            if sig.name.startswith(module + ".") and not sig.is_pattern:
                name = sig.name[len(module) + 1 :].split(".", 1)[0]
                table[name] = table.get(name, frozenset()) | {f"{module}.{name}"}
    return table


def _capabilities(site: CallSite, rule: CatalogueCallRule, catalogue: Catalogue, operations: set[str | None], about_non_persons: bool, lowered: str) -> tuple[str, str] | None:
    """The strongest (capability, why) of `site` under `rule`'s code, judged like the rule."""
    assert site.qualname is not None
    found: list[tuple[str, Confidence, str]] = []
    for signal in catalogue.calls_for(site.qualname):
        if signal.role == "constructor" and any(op and op.startswith(site.qualname + ".") for op in operations):
            continue
        for cap, confidence, why in call_capabilities(site, signal, catalogue, lowered):
            if catalogue.capabilities[cap].code != rule.meta.code:
                continue
            if about_non_persons and why.startswith(("model", "data set")) and confidence is not Confidence.HIGH:
                continue
            found.append((cap, confidence, why))
    if not found:
        return None
    found.sort(key=lambda f: (catalogue.capabilities[f[0]].severity is None, f[1].rank), reverse=True)
    return found[0][0], found[0][2]


def _arguments(source: str | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Literal positional and keyword arguments of `(...)` source; UNKNOWN where not literal.
    Unparsable or uncollected arguments become unknown values (under the keyword names the text
    shows), so a selecting argument is never guessed absent."""
    if source is None:
        return (UNKNOWN,) * 8, {}
    if not source.strip("() \t\r\n"):
        return (), {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in old code warn (errors under -W error)
            call = ast.parse("_" + source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return (UNKNOWN,) * 8, {name: UNKNOWN for name in _KEYWORD.findall(code_text.mask(source))}
    assert isinstance(call, ast.Call)
    args: list[Any] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            break  # later positions are unknown
        args.append(_literal(arg))
    kwargs = {kw.arg: _literal(kw.value) for kw in call.keywords if kw.arg is not None}
    return tuple(args), kwargs


def _literal(node: ast.AST) -> Any:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_literal(item) for item in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return UNKNOWN


def _span(starts: list[int], call: code_text.TextCall, line_map: Sequence[tuple[int, int]] | None) -> Span:
    line, column = code_text.position(starts, call.start)
    end_line, end_column = code_text.position(starts, call.end)
    if line_map is None:
        return Span(line, column, end_line, end_column)
    cell, cell_line = line_map[min(line, len(line_map)) - 1]
    end_cell, end_cell_line = line_map[min(end_line, len(line_map)) - 1]
    if end_cell != cell:
        end_cell_line, end_column = cell_line, column
    return Span(cell_line, column, end_cell_line, end_column, cell=cell)


def _evidence(text: str, call: code_text.TextCall, limit: int = 200) -> str:
    chunk = text[call.start : min(call.end, call.start + 4 * limit)]
    out = _CTRL.sub("", _WS.sub(" ", chunk)).strip()
    return out if len(out) <= limit else out[: limit - 1] + "…"
