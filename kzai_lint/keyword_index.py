"""Which of several keyword sets occur in a text, found in two regex passes.

Several rules gate their own checks on their keywords (`Prefilter` semantics: a word matches at
a word start, a `*word` anywhere). Asked one rule at a time, that is one scan of the whole file
per rule, and in a file that passed the prefilter most gates stay closed, so most scans read the
file to the end. `KeywordIndex` answers all of them at once: at every word start a zero-width
look-ahead captures the LONGEST keyword found there (the trie tries longer continuations first),
and every keyword that matches at that position is a prefix of it; so the sets owning a prefix
of a captured word are exactly the sets a gate of their own would open. `*` keywords are also
looked for everywhere else, in a second pass of their own. `tests/test_keyword_index.py`
compares the answers with `Prefilter` on generated texts.

Both passes start with a character class (the word-start pass consumes the character before the
word, in a text with a space in front), so `re` skips in C to the places where a match can
begin; a pattern that starts with a look-behind or a bare look-ahead is tried in full at every
position (measured: 2.7x slower on keyword-dense files, issue 7).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from kzai_lint.digest import blake2b
from kzai_lint.prefilter import WORD_END, stored_word

__all__ = ["KeywordIndex"]

_END = ""
_NOT_NAME = "[^a-z0-9_]"
_ENDS_NAME = re.compile(_NOT_NAME)


class KeywordIndex:
    """`present(lowered_text)` -> names of the keyword sets that occur (a set given as None
    always does)."""

    def __init__(self, sets: Mapping[str, Iterable[str] | None]) -> None:
        sets = {name: None if words is None else list(words) for name, words in sets.items()}
        self.names = frozenset(sets)
        # None, or a bare `*` (anywhere: the empty word, as `Prefilter` reads it), is every text.
        self.always = frozenset(name for name, words in sets.items() if words is None or any(str(w) == "*" for w in words))
        self._bounded: dict[str, set[str]] = {}  # word -> sets with `word` or `*word`
        self._anywhere: dict[str, set[str]] = {}  # word -> sets with `*word`
        for name, words in sets.items():
            for raw in words or ():
                word = stored_word(str(raw))
                if not word or word == "*":
                    continue
                if word.startswith("*"):
                    self._anywhere.setdefault(word[1:], set()).add(name)
                    self._bounded.setdefault(word[1:], set()).add(name)
                else:
                    self._bounded.setdefault(word, set()).add(name)
        self._regexes: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None
        self._closures: dict[tuple[str, bool], frozenset[str]] = {}

    @property
    def regexes(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """(word-start pass, anywhere pass); None for a pass with no keyword."""
        if self._regexes is None:  # built on first use: a cached run never needs it
            from kzai_lint import regex_cache, startup_index  # built and compiled once, remembered across runs

            words = "\n".join(sorted(self._bounded)) + "\n\n" + "\n".join(sorted(self._anywhere))
            key = "keyword-index/v2/" + blake2b(words.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            bounded, anywhere = startup_index.get(key, self._patterns)
            self._regexes = (
                None if bounded is None else regex_cache.compile(bounded),
                None if anywhere is None else regex_cache.compile(anywhere),
            )
        return self._regexes

    def _patterns(self) -> tuple[str | None, str | None]:
        bounded = anywhere = None
        if self._bounded:
            bounded = f"[^a-z0-9](?={_first_letters(self._bounded)})(?=({_longest_trie(self._bounded)}))"
        if self._anywhere:
            anywhere = f"(?={_first_letters(self._anywhere)})(?=({_longest_trie(self._anywhere)}))"
        return bounded, anywhere

    def present(self, lowered: str) -> frozenset[str]:
        found = set(self.always)
        if len(found) == len(self.names):
            return frozenset(found)
        bounded, anywhere = self.regexes
        # A space in front (a word start at the text's start) and a character after the last,
        # which no keyword contains, for a `$` keyword at the end to capture.
        padded = f" {lowered}{WORD_END}"
        if bounded is not None:
            for word in set(bounded.findall(padded)):
                found |= self._closure(word, True)
        if anywhere is not None:
            for word in set(anywhere.findall(padded, 1)):
                found |= self._closure(word, False)
        return frozenset(found)

    def _closure(self, matched: str, at_word_start: bool) -> frozenset[str]:
        key = (matched, at_word_start)
        owners = self._closures.get(key)
        if owners is None:
            owners = self._closures[key] = self._owners(matched, at_word_start)
        return owners

    def _owners(self, matched: str, at_word_start: bool) -> frozenset[str]:
        """Sets with a keyword that is a prefix of `matched` (at a word start, any keyword; inside
        a word, only `*` keywords)."""
        table = self._bounded if at_word_start else self._anywhere
        owners: set[str] = set()
        for end in range(1, len(matched) + 1):
            owners.update(table.get(matched[:end], ()))
            if end < len(matched) and _ENDS_NAME.match(matched, end):  # `word$`: the capture went on
                owners.update(table.get(matched[:end] + WORD_END, ()))
        return frozenset(owners)


def _first_letters(words: Iterable[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted({word[0] for word in words})) + "]"


def _longest_trie(words: Iterable[str]) -> str | None:
    """A regex matching the longest of `words` that starts at the current position."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return None if not root else _emit(root)


def _emit(node: dict[str, Any]) -> str:
    # A `$` keyword's end captures the character after the name, in a branch tried after every
    # other (a longer keyword through the same character is captured, and implies it).
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch not in (_END, WORD_END)]
    if WORD_END in node:
        branches.append(_NOT_NAME + _emit(node[WORD_END]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:  # a keyword ends here: longer continuations are tried first (greedy `?`)
        return f"(?:{body})?"
    return body
