"""What KZ301's rules match: dark-pattern treatments, psychological features, prompt instructions.

The rule classes in `manipulation.py` keep what users read (docs, examples, messages) and walk
the sites; the bases here hold the decisions behind them, each one a catalogue look-up in the
`manipulation` section, so changing what counts as a signal does not touch the rules' text.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Hit, Severity
from kzai_lint.rules._config_nodes import parent_key
from kzai_lint.rules._vocabulary import (
    VocabularyRule,
    ignorecase_regex,
    is_identifier_like,
    name_tokens,
    snake,
    spellings,
)
from kzai_lint.sources.config_tree import ConfigDocument


class ManipulationVocabulary(VocabularyRule):
    """The three KZ301 rules read their word lists from one catalogue section."""

    section = "manipulation"


class DarkPatternSignals(ManipulationVocabulary):
    """Which collections serve dark patterns, and which files only detect them."""

    def _treatment_item(self, name: str, items: Sequence[Any]) -> str | None:
        """The first dark pattern in a collection that counts (see `DarkPatternTreatments`)."""
        tokens = name_tokens(name) if name else set()
        if tokens & self.names("label_names") or snake(name) in self.names("label_names"):
            return None
        found = [x for x in items if is_identifier_like(x) and x in self.terms("dark_patterns")]
        distinct = {self.terms("dark_patterns").find(x) for x in found}
        need = 1 if tokens & self.names("treatment_names") else int(self.data.get("dark_pattern_min", 2))
        return found[0] if len(distinct) >= need else None

    def _detection_only(self, text: str) -> bool:
        lowered = text.lower()
        return bool(self.lowered_regex("detection_context", lowered).search(lowered)) and not self.lowered_regex("serving_context", lowered).search(lowered)

    def _is_detection_name(self, name: str) -> bool:
        return bool(self.regex("detection_context").search(snake(name).replace("_", " ")))


class PsychTargetingSignals(ManipulationVocabulary):
    """Which keys list model features, and which objective a file optimises."""

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """In Python a finding also needs an objective among the file's words (`_objective_in`
        reads every identifier-like word): one as a whole token. `susceptible` or `anxiety` alone
        are in docstrings of many files."""
        needs = super().requirements_for(settings, kind)
        objectives = tuple(f"token:{term}" for term in self.data.get("objectives") or ())
        if needs is None or kind not in PYTHON_KINDS or not objectives:
            return needs
        return [alternative + (objectives,) for alternative in needs]

    def _is_feature_key(self, key: str) -> bool:
        return bool(name_tokens(key) & self.names("feature_names")) or snake(key) in self.names("feature_names")

    def _objective_in(self, words: Iterable[str]) -> str | None:
        return next((w for w in sorted(words) if w in self.terms("objectives")), None)

    def _document_objective(self, doc: ConfigDocument) -> str | None:
        for node in doc.nodes:
            if snake(parent_key(node)) in self.names("objective_names") and is_identifier_like(node.value) and node.value in self.terms("objectives"):
                return str(node.value)
        return None


class PromptSignals(ManipulationVocabulary):
    """Which catalogue prompt patterns a text matches, unless a negation turns them around."""

    def keywords(self) -> Iterable[str] | None:
        return spellings(w for entry in self.data.get("prompts") or () for w in entry.get("keywords") or ())

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """A finding is a prompt pattern whose own gate is open (its `keywords`) and that matches
        a string: per pattern, its words and the pattern in the file's prose (`prose:`). The
        words alone (`that you are`, `allow the`) are in many docstrings."""
        alternatives: list[tuple[tuple[str, ...], ...]] = []
        for entry in self.data.get("prompts") or ():
            words = tuple(str(w) for w in entry.get("keywords") or ())
            if not words:
                return super().requirements_for(settings, kind)
            alternatives.append((words, (f"prose:{entry['pattern']}",)))
        return alternatives

    def gates(self) -> dict[str, Iterable[str] | None]:
        """The rule's gate and one per prompt pattern (`id#prompt-N`)."""
        out = super().gates()
        for index, entry in enumerate(self.data.get("prompts") or ()):
            out[f"{self.meta.id}#prompt-{index}"] = [str(w) for w in entry.get("keywords") or ()]
        return out

    def _patterns(self, ctx: FileContext) -> list[Mapping[str, Any]]:
        """The prompt patterns whose words occur in this file (each one has its own gate)."""
        return [entry for index, entry in enumerate(self.data.get("prompts") or ()) if self.gate_open(ctx, f"prompt-{index}")]

    def _severity(self, ctx: FileContext) -> Severity | None:
        # Attack samples in red-team or evaluation folders are not the system's own prompts.
        return Severity.WARNING if ctx.low_weight else None

    def _instruction(self, text: str, patterns: Sequence[Mapping[str, Any]]) -> tuple[str, str] | None:
        """(what the prompt asks, the matched text) for the first instruction found."""
        if len(text) < 12:
            return None
        negation = self.regex("negation")
        for entry in patterns:
            for match in ignorecase_regex(str(entry["pattern"])).finditer(text):
                if entry.get("negatable") and negation.search(_sentence_before(text, match.start())):
                    continue
                return str(entry["what"]), match.group(0)
        return None


def _sentence_before(text: str, end: int) -> str:
    start = max(text.rfind(ch, 0, end) for ch in ".!?;\n")
    return text[start + 1 : end]


def new_line(hit: Hit, seen: set[int]) -> bool:
    """One finding per line and rule: several words on one line are one finding."""
    line = hit.span.line if hit.span is not None else -1
    if line in seen:
        return False
    seen.add(line)
    return True
