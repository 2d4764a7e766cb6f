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

from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, Hit, Severity
from kzai_lint.rule import PythonRule
from kzai_lint.rules._messages import clause_phrase
from kzai_lint.rules._python_signals import about_non_persons, biometric_words, context_allows

# Prefilter words: `*` = anywhere (embedded in CamelCase names), else at a word start. Voice
# cloning names all hold `voice` (`clone_voice`, `VoiceCloner`); `clone` alone is torch's `.clone()`.
_NAME_WORDS = ("*emotion", "expression", "affect", "race", "*ethnicit", "religion", "political",
               "orientation", "age", "*agegender", "*genderage", "gender", "sex", "swap", "*faceswap", "*deepfake",
               "*voice", "lip", "*lipsync", "talking", "*talkinghead", "*wav2lip", "*sadtalker")

# Words used only by patterns that need a biometric context (identifiers.yaml; a test holds it).
_BIOMETRIC_ONLY = ("race", "age")


class IdentifierRule(PythonRule):
    """Function and class definitions whose names state a capability of the rule's code."""

    def keywords(self) -> Iterable[str] | None:
        return _NAME_WORDS

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """`race` and `age` name something only in patterns that need face or voice input in the
        file (`context: biometric`): with them, a biometric word too (a race condition, a cache
        age)."""
        biometric = biometric_words(self.catalogue)
        if not biometric:
            return super().requirements_for(settings, kind)
        return [(tuple(w for w in _NAME_WORDS if w not in _BIOMETRIC_ONLY),), (_BIOMETRIC_ONLY, biometric)]

    @functools.cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str, str]]:
        out = []
        for entry in self.catalogue.extra.get("identifiers", ()):
            cap = entry["capability"]
            if self.catalogue.capabilities[cap].code == self.meta.code:
                # `context` (optional): a label-set context the file must also show, for names
                # whose words are ambiguous on their own (`predict_race` of an F1 race).
                out.append((re.compile(r"(?:" + entry["pattern"] + r")\Z", re.IGNORECASE), cap, str(entry.get("context", ""))))
        return out

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
                        self.catalogue.ml_context.search(lowered) or self.catalogue.biometric_context.search(lowered)
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
