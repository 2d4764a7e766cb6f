"""Shared logic of the app-text rules: what an application tells its users it is.

A Streamlit page titled "Real-time Facial Emotion Recognition", a FastAPI service described as
an "EEG Emotional State Classifier", a command whose `--help` says it swaps faces: these texts
state the system's purpose as plainly as a model card does, and in repositories without a
README they are the only place that does. The catalogue's `app_text` section names the calls
and arguments that hold such texts (resolved through imports like every call); their literal
strings are read with the model-card prose phrases, exclusions and negations
(`prose_capability`). Like card prose they are information, not proof of use (S4, info).
"""
from __future__ import annotations

import functools
import re

from typing import Any, Iterable, Iterator

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import CallSite
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, Hit, Severity
from kzai_lint.rule import PythonRule
from kzai_lint.rules._artefact_signals import CARD_WORDS, prose_capability, synthetic_detection_context
from kzai_lint.rules._messages import capability_message
from kzai_lint.regex_literals import necessary_literals, solid_pieces
from kzai_lint.rules._python_signals import about_non_persons, import_requirement

MAX_TEXT = 2000
"""Characters of one text read: titles and descriptions, not embedded documents."""


class AppTextRule(PythonRule):
    """Literal titles and descriptions passed to the catalogue's `app_text` calls."""

    def keywords(self) -> Iterable[str] | None:
        return CARD_WORDS

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """An import of an app or command-line library, and a phrase of this code's card prose
        somewhere in the file: `argparse` and words such as `face` or `age` are in most training
        scripts, a sentence that states a capability in few."""
        roots = {str(entry["name"]).split(".", 1)[0].lower() for entry in self._entries}
        cat = self.catalogue
        phrases = tuple(f"prose:{p['pattern']}" for p in cat.extra.get("prose", ()) if cat.capabilities[p["capability"]].code == self.meta.code)
        if not roots or not phrases:
            return []
        # The words one of which each phrase needs (`necessary_literals`), as keywords: one pass
        # of the keyword index instead of every phrase's regex on every file that imports argparse.
        words: set[str] = set()
        for item in phrases:
            pieces = solid_pieces(necessary_literals(item[len("prose:"):], re.IGNORECASE))
            if pieces is None:
                return [(*import_requirement(roots), phrases)]
            words.update(f"*{piece}" for piece in pieces)
        return [(*import_requirement(roots), tuple(sorted(words)), phrases)]

    @functools.cached_property
    def _entries(self) -> list[dict[str, Any]]:
        return list(self.catalogue.extra.get("app_text", ()))

    @functools.cached_property
    def _by_name(self) -> dict[str, dict[str, Any]]:
        return {str(entry["name"]): entry for entry in self._entries}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        cat = self.catalogue
        lowered = ctx.lowered
        vetoed: bool | None = None  # whole-file contexts: computed once a text is found
        detects_fakes = False
        for call in ctx.python.facts.calls:
            entry = self._by_name.get(call.qualname or "")
            if entry is None:
                continue
            for text, node in _texts(call, entry):
                if vetoed is None:
                    vetoed = about_non_persons(cat, lowered)
                    detects_fakes = len(regex_cache.for_lowered(synthetic_detection_context(cat), lowered).findall(lowered)) >= 2
                found = prose_capability(cat, self.meta.code, text, emotion_vetoed=vetoed, detects_fakes=detects_fakes)
                if found is None:
                    continue
                capability, _, sentence, match = found
                what = f"{call.display}() text \"{sentence[match.start():match.end()]}\""
                hit = ctx.python_hit(node, capability_message(cat, self.meta.code, what, capability) + " (the app's own description: information)",
                                     scope=call.scope, capability=capability, confidence=Confidence.LOW, severity=Severity.INFO)
                ctx.add_fact("capability", capability, self.meta.code, hit.span.line if hit.span else None, "S4", "low")
                yield hit
                return  # one finding per file and code: an app repeats what it is


def _texts(call: CallSite, entry: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(literal text, its node) of the arguments `entry` names, where they are literal strings."""
    for index, name in enumerate(str(arg) for arg in entry.get("args") or ()):
        position = entry.get("position") if index == 0 else None  # only the first may be positional
        value = call.argument(name, position)
        if isinstance(value, str) and value.strip():
            yield " ".join(value[:MAX_TEXT].split()), _argument_node(call, name, position)


def _argument_node(call: CallSite, name: str, position: int | None) -> Any:
    """The argument's node, for the finding's position (the call when it cannot be told)."""
    for index, arg in enumerate(call.node.args):
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword == name or (keyword is None and position is not None and index == position):
            return arg.value
    return call.node


