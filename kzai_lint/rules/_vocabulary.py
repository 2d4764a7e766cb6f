"""Word-list matching shared by the person-protection rules (KZ301-KZ304).

Their signals are words in identifiers, collections and config values rather than calls, so they
share one way to compare names (snake_case tokens, whatever the naming style), one keyword gate
that the engine's prefilter and the rule agree on, and one way to turn a match into a hit.
"""
from __future__ import annotations

import functools
import re
from typing import Any, ClassVar, Iterable, Iterator, Mapping

import libcst as cst

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.context import FileContext
from kzai_lint.model import CONFIG_KINDS, PYTHON_KINDS, Confidence, FileKind, Hit, Severity, Span
from kzai_lint.naming import snake, token_pattern
from kzai_lint.prefilter import Prefilter
from kzai_lint.rule import DocumentRule
from kzai_lint.rules._messages import capability_message

ALL_KINDS = frozenset(PYTHON_KINDS | CONFIG_KINDS)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WS = re.compile(r"\s+")


def name_tokens(name: str) -> set[str]:
    return set(snake(name).split("_"))


def is_identifier_like(value: Any) -> bool:
    """A short string without spaces (a column, arm or segment name), not prose."""
    return isinstance(value, str) and 0 < len(value) <= 80 and not any(c.isspace() for c in value.strip())


class Terms:
    """Catalogue term fragments compiled to one regex that matches whole snake_case tokens."""

    def __init__(self, fragments: Iterable[Any]) -> None:
        pattern = token_pattern(fragments)
        self._rx = regex_cache.compile(pattern) if pattern else None

    def find(self, name: Any) -> str | None:
        """The matched term in `name` (any naming style), or None."""
        if self._rx is None or not isinstance(name, str):
            return None
        match = self._rx.search(snake(name))
        return match.group(1) if match else None

    def __contains__(self, name: object) -> bool:
        return self.find(name) is not None


def spellings(words: Iterable[Any]) -> list[str]:
    """Keywords in every naming style: an inner `_` also matches `-`, a space or nothing, so
    `dark_pattern` lets `dark-pattern`, `DarkPattern` and "dark pattern" through the prefilter."""
    out: set[str] = set()
    for word in (str(w).lower() for w in words):
        out.add(word)
        core = word.strip("_")
        if "_" in core:
            for sep in ("-", "", " "):
                out.add(word.replace(core, core.replace("_", sep)))
    return sorted(out)


def ignorecase_regex(pattern: str) -> re.Pattern[str]:
    """A catalogue pattern, case-insensitive: compiled once (`regex_cache` remembers it in the
    process and its opcodes across runs), not once per file."""
    return regex_cache.compile(pattern, re.IGNORECASE)


def collapse(text: str, limit: int = 200) -> str:
    """Evidence text: one line, whitespace collapsed, bounded (as the JSON contract asks)."""
    out = _WS.sub(" ", text).strip()
    return out if len(out) <= limit else out[: limit - 1] + "…"


def words_in(text: str) -> set[str]:
    """Every identifier-like word of a file, for file-level context such as objectives."""
    return set(_WORD.findall(text))


def locate(text: str, first: int, last: int, snippet: str) -> Span | None:
    """The line in `first..last` (1-based) holding `snippet`; multi-line strings report there."""
    lines = text.splitlines()
    needle = collapse(snippet).lower()[:24]
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        line = lines[number - 1]
        column = line.lower().find(needle) if needle else -1
        if column >= 0:
            return Span(number, column + 1, number, column + 1 + len(needle))
    return None


def line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


class VocabularyRule(DocumentRule):
    """Base of the rules whose knowledge is one catalogue section of word lists.

    `keywords` are the word starts a file must contain; `check` applies the same gate first, so
    the engine's prefilter can never drop a file the rule would report. Subclasses implement
    `check_python` and/or `check_document`.
    """

    section: ClassVar[str]
    keyword_key: ClassVar[str] = "keywords"

    @functools.cached_property
    def data(self) -> Mapping[str, Any]:
        return self.catalogue.extra.get(self.section) or {}

    def terms(self, key: str) -> Terms:
        cache: dict[str, Terms] = self.__dict__.setdefault("_terms_cache", {})
        if key not in cache:
            cache[key] = Terms(self.data.get(key) or ())
        return cache[key]

    def regex(self, key: str) -> re.Pattern[str]:
        return ignorecase_regex(str(self.data.get(key, "(?!x)x")))

    def lowered_regex(self, key: str, lowered: str) -> re.Pattern[str]:
        """`regex(key)` for searching `lowered`, a lower-cased text (`regex_cache.for_lowered`)."""
        return regex_cache.for_lowered(self.regex(key), lowered)

    def names(self, key: str) -> frozenset[str]:
        cache: dict[str, frozenset[str]] = self.__dict__.setdefault("_names_cache", {})
        if key not in cache:  # asked per key and identifier: built once per rule
            cache[key] = frozenset(snake(str(x)) for x in self.data.get(key) or ())
        return cache[key]

    def keywords(self) -> Iterable[str] | None:
        return spellings(self.data.get(self.keyword_key) or ())

    @functools.cached_property
    def _gate(self) -> Prefilter:
        return Prefilter(self.keywords())

    def gates(self) -> dict[str, Iterable[str] | None]:
        """Named keyword gates: `check` reports nothing in a file without the words of its own
        gate (its `keywords`). The engine answers every rule's gates in one scan
        (`KeywordIndex`); a gate is named by the rule id, sub-gates by `id#name`."""
        return {self.meta.id: self.keywords()}

    def gate_open(self, ctx: FileContext, name: str = "") -> bool:
        gate = f"{self.meta.id}#{name}" if name else self.meta.id
        return ctx.keywords_present(gate, lambda: self._fallback_gate(name).may_match(ctx.text))

    def _fallback_gate(self, name: str) -> Prefilter:
        """The same gate on its own, for a context the engine did not build (tests, tools)."""
        if not name:
            return self._gate
        cache: dict[str, Prefilter] = self.__dict__.setdefault("_sub_gates", {})
        if name not in cache:
            cache[name] = Prefilter(self.gates()[f"{self.meta.id}#{name}"])
        return cache[name]

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.path.rsplit("/", 1)[-1].lower() == "pyproject.toml" or not self.gate_open(ctx):
            return
        if ctx.python is not None:
            yield from self.check_python(ctx, ctx.python.facts)
        elif ctx.document is not None:
            yield from self.check_document(ctx)

    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        return iter(())

    def check_document(self, ctx: FileContext) -> Iterator[Hit]:
        return iter(())

    # ---- hits -----------------------------------------------------------------------------
    def message(self, what: str, capability: str) -> str:
        return capability_message(self.catalogue, self.meta.code, what, capability)

    def python_hit(
        self,
        ctx: FileContext,
        node: cst.CSTNode,
        what: str,
        capability: str,
        *,
        scope: str = "",
        confidence: Confidence | None = None,
        severity: Severity | None = None,
        evidence: str | None = None,
        guard_purpose: str | None = None,
    ) -> Hit:
        hit = ctx.python_hit(node, self.message(what, capability), scope=scope, capability=capability, confidence=confidence, severity=severity, guard_purpose=guard_purpose)
        if evidence is None and hit.span is not None and ctx.kind is FileKind.PYTHON:
            # The statement's first line reads better than a whole class or dict literal.
            evidence = collapse(line_text(ctx.text, hit.span.line))
        return _with_evidence(hit, evidence)

    def span_hit(
        self,
        ctx: FileContext,
        span: Span | None,
        what: str,
        capability: str,
        *,
        anchor: str = "",
        confidence: Confidence | None = None,
        severity: Severity | None = None,
    ) -> Hit:
        """A hit at a config/data position (or a line found inside a Python string)."""
        evidence = collapse(line_text(ctx.text, span.line)) if span is not None else ""
        return Hit(span=span, message=self.message(what, capability), evidence=evidence, anchor=anchor, capability=capability, confidence=confidence, severity=severity)


def _with_evidence(hit: Hit, evidence: str | None) -> Hit:
    if evidence is None or evidence == hit.evidence:
        return hit
    return Hit(hit.span, hit.message, evidence, hit.anchor, hit.capability, hit.confidence, hit.severity, hit.path, hit.node, hit.guard_purpose)
