"""A byte-level prefilter derived from the enabled rules' catalogue keywords.

One scan of the lower-cased text decides whether a file can possibly match; a file that cannot is
never parsed into a CST (the parse is 100x the cost of this scan). Rules that declare no keywords
make the prefilter pass everything for their file kinds.

Semantics (pinned by tests/test_prefilter_equivalence.py): a text passes iff some keyword occurs
where no ASCII letter or digit precedes it (a word start), or some `*keyword` occurs anywhere. A
keyword ending in `$` (`import feat$`) must also end a name: no ASCII letter, digit or underscore
follows it (the end of the text does); an import of `feat` is not `import feature_extractor`.
How that is computed is chosen for speed (issue 7):

- `*keywords` are plain substring tests (`in`), ~10x faster than the same words in a regex when
  they are few; from `ANYWHERE_REGEX_FROM` of them, one trie regex (each `in` reads the whole
  text when its word is absent).
- A keyword that contains a `*keyword` is dropped (its occurrence implies the shorter one's), and
  so is one that has a shorter keyword as a prefix (the search only asks whether some keyword
  starts here).
- The rest form one trie-shaped regex, `[^a-z0-9](?=[first letters])(?:a(?:ge|nger)|...)`,
  searched in the text with a space in front. A leading character class lets `re` skip to the
  next non-alphanumeric character in C, where the lookbehind it replaces made it try the whole
  alternation at every position; the lookahead rejects a space before a space (indentation)
  without entering the alternation. Sibling branches that end alike share a character class
  (`false[\\ \\-_]countdown`), and the most common word-initial letters are tried first.
- Building the regex is cached per keyword set, in this process and in the startup index
  (`startup_index`, `regex_cache`), so a run does not pay for it.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Iterable

from kzai_lint.digest import blake2b
from kzai_lint.lowered import lowered

__all__ = ["WORD_END", "Prefilter", "stored_word", "stored_words"]

WORD_END = "\0"
"""How a keyword's trailing `$` (the name ends here) is kept inside: a character no keyword
contains, so substring tests between keywords (`plan`) stay right, which a literal `$` would
not be (`*$` is in no `feat$`)."""
_NAME_END = "(?![a-z0-9_])"


def stored_word(word: str) -> str:
    """A keyword as the matchers keep it: lower case, a trailing `$` after a word as `WORD_END`."""
    word = word.lower()
    return word[:-1] + WORD_END if len(word) > 1 and word.endswith("$") and word != "*$" else word


def stored_words(words: list[str] | tuple[str, ...]) -> list[str]:
    """`stored_word` of each word, lower-cased in one call: a run's filters store ~4,500 words,
    and the call per word was the largest cost of a pre-commit run's first prefilter (~2 ms)."""
    if not words:
        return []
    joined = "\n".join(words)
    lowered_words = joined.lower().split("\n")
    if len(lowered_words) != len(words):  # a word with a line break
        return [stored_word(w) for w in words]
    if "$" in joined:
        return [w[:-1] + WORD_END if len(w) > 1 and w[-1] == "$" and w != "*$" else w for w in lowered_words]
    return lowered_words


class Prefilter:
    """Keywords match at a word start (`fer` never matches `transfer`); a keyword written with a
    leading `*` matches anywhere, for words embedded in identifiers (`FacialEmotionNet`)."""

    def __init__(self, keywords: Iterable[str] | None) -> None:
        words = None if keywords is None else sorted(set(stored_words([w for w in keywords if w])), key=len, reverse=True)
        self.keywords = words
        self._words = None if words is None else frozenset(words)
        self._matcher: _Matcher | None = None

    @property
    def passes_everything(self) -> bool:
        return self._words is None

    def may_match(self, text: str) -> bool:
        return self._words is None or self.may_match_lowered(lowered(text))

    def may_match_lowered(self, lowered: str) -> bool:
        """`may_match` for a text already lower-cased (a caller asking several filters)."""
        if self._words is None:
            return True
        matcher = self._matcher
        if matcher is None:  # built on first use: a cached run never needs it
            matcher = self._matcher = _matcher(self._words)
        return matcher.matches(lowered)

    def found_words(self, lowered: str) -> set[str]:
        """Every keyword occurrence in a lower-cased text, as the matched text, with a `*` in
        front when found inside a word (`*` alone: a bare `*` keyword). A keyword implied by a
        shorter one shows as the shorter (`suscept` for `susceptible`), a `$` keyword without
        its end. Empty when `may_match_lowered` is False, and costs about as much when it is."""
        if self._words is None:
            return {"*"}
        matcher = self._matcher
        if matcher is None:
            matcher = self._matcher = _matcher(self._words)
        return matcher.found(lowered)


ANYWHERE_REGEX_FROM = 8
"""`*keywords` from which one trie regex replaces the `in` tests: each `in` reads the whole text
when the word is absent, so 81 of them (the Python kinds' `, module` import words) took 2.8 s on
the 81 MB of transformers + diffusers, one regex 0.43 s."""


class _Matcher:
    """The compiled form of one keyword set (shared by every Prefilter with that set)."""

    __slots__ = ("anywhere", "anywhere_regex", "bounded", "bounded_needles", "everything")

    def __init__(self, anywhere: tuple[str, ...], bounded: re.Pattern[str] | None, anywhere_regex: re.Pattern[str] | None = None, bounded_needles: tuple[str, ...] | None = None) -> None:
        self.everything = "" in anywhere
        self.anywhere = anywhere
        self.anywhere_regex = anywhere_regex
        self.bounded = bounded
        # A few word-start keywords are first looked for as plain substrings (every word-start
        # match is one): `in` settles a text without them in ~1 us, where the word-start regex
        # stops at every non-alphanumeric character (~45 us on a 3.5 KB file).
        self.bounded_needles = bounded_needles

    def _bounded_may_occur(self, lowered: str) -> bool:
        needles = self.bounded_needles
        return self.bounded is not None and (needles is None or any(needle in lowered for needle in needles))

    def matches(self, lowered: str) -> bool:
        if self.everything:
            return True
        if self.anywhere_regex is not None:
            if self.anywhere_regex.search(lowered) is not None:
                return True
        else:
            for word in self.anywhere:
                if word in lowered:
                    return True
        return self._bounded_may_occur(lowered) and self.bounded.search(" " + lowered) is not None  # type: ignore[union-attr]

    def found(self, lowered: str) -> set[str]:
        """`Prefilter.found_words`. Each search starts one character after the last match began:
        keywords overlap (`you are a` and `are able`), and at one position at most one of the
        pruned keywords matches (none is a prefix of another)."""
        if self.everything:
            return {"*"}
        words: set[str] = set()
        if self.anywhere_regex is not None:
            words.update("*" + word for word in _all_matches(self.anywhere_regex, lowered, 0))
        else:
            words.update("*" + word for word in self.anywhere if word in lowered)
        if self._bounded_may_occur(lowered):
            words.update(word[1:] for word in _all_matches(self.bounded, " " + lowered, 0))  # type: ignore[arg-type]
        return words


def _all_matches(regex: re.Pattern[str], text: str, start: int) -> set[str]:
    found: set[str] = set()
    search = regex.search
    match = search(text, start)
    while match is not None:
        found.add(match.group())
        match = search(text, match.start() + 1)
    return found


@functools.lru_cache(maxsize=64)
def _matcher(words: frozenset[str]) -> _Matcher:
    """Cached per keyword set: the Python and notebook kinds, and the config kinds, share theirs."""
    from kzai_lint import regex_cache, startup_index

    key = "prefilter/" + blake2b("\n".join(sorted(words)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    # the trie of the `*` words too: built from ~200 words it took 12 ms of a pre-commit run
    anywhere, pattern, anywhere_trie = startup_index.get(key, lambda: _planned(words))
    many = (len(anywhere) >= ANYWHERE_REGEX_FROM or any(WORD_END in w for w in anywhere)) and "" not in anywhere
    anywhere_regex = regex_cache.compile(anywhere_trie or "(?!x)x") if many else None
    bounded_words = [w.rstrip(WORD_END) for w in words if not w.startswith("*")]
    needles = tuple(bounded_words) if len(bounded_words) < ANYWHERE_REGEX_FROM else None
    return _Matcher(tuple(anywhere), regex_cache.compile(pattern) if pattern is not None else None, anywhere_regex, needles)


def _planned(words: Iterable[str]) -> tuple[list[str], str | None, str | None]:
    anywhere, pattern = plan(words)
    return anywhere, pattern, _trie(anywhere)


def plan(words: Iterable[str]) -> tuple[list[str], str | None]:
    """(substrings that pass anywhere, the word-start regex or None): see the module docstring."""
    anywhere_all = {w[1:] for w in words if w.startswith("*")}
    if "" in anywhere_all:
        return [""], None  # a bare `*`: every text passes
    anywhere = sorted(w for w in anywhere_all if not any(v != w and v in w for v in anywhere_all))
    bounded = [w for w in words if not w.startswith("*") and not any(v in w for v in anywhere)]
    trie = _trie(bounded)
    if trie is None:
        return anywhere, None
    first = sorted({w[0] for w in bounded}, key=_rank)
    return anywhere, r"[^a-z0-9](?=" + _char_class(first) + ")" + trie


def _trie(words: Iterable[str]) -> str | None:
    """A regex matching any of `words` (None for none). A word that has a shorter keyword as
    prefix is dropped: the search only asks whether some keyword starts here."""
    root: dict[str, Any] = {}
    for word in sorted(set(words), key=len):
        node = root
        for ch in word:
            if _END in node:
                break
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[_END] = {}
    return None if not root else _emit(root)


def _emit(node: dict[str, Any]) -> str:
    if _END in node:
        return ""
    by_rest: dict[str, list[str]] = {}
    for ch, child in node.items():
        by_rest.setdefault(_emit(child), []).append(ch)
    groups = sorted(((sorted(chars, key=_rank), rest) for rest, chars in by_rest.items()), key=lambda g: _rank(g[0][0]))
    branches = [(_char(chars[0]) if len(chars) == 1 else _char_class(chars)) + rest for chars, rest in groups]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _char(ch: str) -> str:
    return _NAME_END if ch == WORD_END else re.escape(ch)


def _char_class(chars: list[str]) -> str:
    if WORD_END in chars:  # a name's end is no character: its own branch, tried last
        rest = [c for c in chars if c != WORD_END]
        return "(?:" + (_char_class(rest) if len(rest) > 1 else re.escape(rest[0])) + "|" + _NAME_END + ")"
    return "[" + "".join(re.escape(c) for c in chars) + "]"


# Letters in the order words in code and prose most often start with them: the alternation is
# tried in order, so the common letters are rejected or entered first.
_ORDER = {ch: i for i, ch in enumerate("stidrfpcaneolmbhguwvkyjqxz")}


def _rank(ch: str) -> tuple[int, str]:
    return (_ORDER.get(ch, len(_ORDER)), ch)


_END = ""
