"""Shared logic of the identifier rules: the project's own function and class names.

A repository that wraps a model in `def detect_emotion(frame)` or `class EthnicityClassifier`
shows its capability in its names, even when the model itself is loaded from an opaque file.
Names are weaker than resolved library calls (S2, warning), need an ML or biometric context in
the file, and never count in music, game or speech-synthesis code.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Iterable, Iterator

import libcst as cst

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, Hit, Severity
from kzai_lint.rule import PythonRule
from kzai_lint.rules._messages import clause_phrase
from kzai_lint.rules._python_signals import about_non_persons, biometric_requirement, context_allows


class IdentifierRule(PythonRule):
    """Function and class definitions whose names state a capability of the rule's code."""

    def keywords(self) -> Iterable[str] | None:
        return ()  # no word states a name (`def predictAge` holds `age` only inside a word): see below

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """A `def` or `class` name that matches a pattern of this rule's code (`def:`, read from
        the file's definition names, as cheap as a keyword scan). Patterns that need face or voice
        input in the file (`context: biometric`: `race`, `age`, a bare `swap`) need a biometric
        word too."""
        biometric = biometric_requirement(self.catalogue)
        plain = tuple(f"def:{e['pattern']}" for e in self._entries if not (e.get("context") == "biometric" and biometric))
        with_face = tuple(f"def:{e['pattern']}" for e in self._entries if e.get("context") == "biometric" and biometric)
        alternatives: list[tuple[tuple[str, ...], ...]] = []
        if plain:
            alternatives.append((plain,))
        if with_face:
            alternatives.append((with_face, biometric))
        return alternatives

    @functools.cached_property
    def _entries(self) -> list[dict[str, Any]]:
        return [e for e in self.catalogue.extra.get("identifiers", ()) if self.catalogue.capabilities[e["capability"]].code == self.meta.code]

    @functools.cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str, str]]:
        # `context` (optional): a label-set context the file must also show, for names whose
        # words are ambiguous on their own (`predict_race` of an F1 race).
        return [(regex_cache.compile(r"(?:" + e["pattern"] + r")\Z", re.IGNORECASE), e["capability"], str(e.get("context", ""))) for e in self._entries]

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        lowered = ctx.lowered
        file_allows: bool | None = None  # whole-file context regexes: run once a name matches
        for node, qualname in _definitions(ctx.python.facts):
            name = node.name.value
            squashed = name.replace("_", "").lower()
            for rx, cap, context in self._patterns:
                if not rx.match(squashed):
                    continue
                if file_allows is None:
                    file_allows = not about_non_persons(self.catalogue, lowered, self.meta.code) and bool(
                        regex_cache.for_lowered(self.catalogue.ml_context, lowered).search(lowered)
                        or regex_cache.for_lowered(self.catalogue.biometric_context, lowered).search(lowered)
                    )
                if not file_allows:
                    return
                if context and not context_allows(self.catalogue, context, lowered):
                    continue
                capability = self.catalogue.capabilities[cap]
                kind = "class" if isinstance(node, cst.ClassDef) else "function"
                message = (
                    f"The {kind} {name!r} is named for what it does: the system {capability.does}; "
                    f"{clause_phrase(self.catalogue, self.meta.code)}. Mitigation: {self.catalogue.codes[self.meta.code].advice}."
                )
                hit = ctx.python_hit(node.name, message, scope=qualname, capability=cap, confidence=Confidence.MEDIUM, severity=Severity.INFO if capability.severity is Severity.INFO else Severity.WARNING)
                ctx.add_fact("capability", cap, self.meta.code, hit.span.line if hit.span else None, "S2", "medium")
                yield hit
                return  # one finding per file and code: names repeat the same capability


def _definitions(facts: PythonModule) -> Iterator[tuple[cst.FunctionDef | cst.ClassDef, str]]:
    for fn in facts.functions:
        yield fn.node, fn.qualname
    yield from facts.classes
