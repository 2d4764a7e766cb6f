"""Whether any rule of a file kind could report in a text: its rules' keyword requirements.

A rule states what a file must contain for it to report (`Rule.requirements_for`): alternatives,
each a tuple of keyword groups that must all occur. Most rules need one group (their keywords);
some need two things at once, and saying so keeps broad words from letting most files of a large
ML repository through (`age`, a model-id word, is in many files; with `import deepface` in few).

The check runs in two stages. The first group of every alternative is a necessary condition, so
their union is one `Prefilter` pass over the text, as fast as before; only a text that passes it
and has an alternative of several groups is scanned by a `KeywordIndex` for which groups occur.
"""
from __future__ import annotations

from typing import Sequence

from kzai_lint.keyword_index import KeywordIndex
from kzai_lint.prefilter import Prefilter

__all__ = ["Alternatives", "RequirementFilter"]

Alternatives = Sequence[tuple[tuple[str, ...], ...]]


class RequirementFilter:
    """`may_match(text)`: some alternative has a word of each of its groups in `text`
    (None: every text passes). `keywords` are the first-stage words (None: every text)."""

    def __init__(self, alternatives: Alternatives | None) -> None:
        self.alternatives = None if alternatives is None else [tuple(tuple(g) for g in alt) for alt in alternatives]
        firsts = None if self.alternatives is None else [w for alt in self.alternatives if alt for w in alt[0]]
        self.first = Prefilter(firsts)
        self.keywords = self.first.keywords
        self._index: KeywordIndex | None = None
        self._conjunctive = self.alternatives is not None and any(len(alt) > 1 for alt in self.alternatives)

    @property
    def passes_everything(self) -> bool:
        return self.first.passes_everything

    def may_match(self, text: str) -> bool:
        if not self.first.may_match(text):
            return False
        if not self._conjunctive:
            return True
        present = self.index.present(text.lower())
        assert self.alternatives is not None
        return any(alt and all(f"{i}/{j}" in present for j in range(len(alt))) for i, alt in enumerate(self.alternatives))

    @property
    def index(self) -> KeywordIndex:
        """Every group of every alternative, named `alternative/group` (built on first use)."""
        if self._index is None:
            assert self.alternatives is not None
            self._index = KeywordIndex({f"{i}/{j}": group for i, alt in enumerate(self.alternatives) for j, group in enumerate(alt)})
        return self._index
