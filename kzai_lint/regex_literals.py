"""Literal words that every match of a simple catalogue regex contains (for prefilters).

Context regexes in the catalogue (`person_context`: `(?<![a-z])(users?|customers?|...)`) are
conditions a rule checks before it reports; the words every match must contain let the
prefilter require the same condition. Only the simple shape is read (an optional look-behind
and one group of plain alternatives); anything else gives None, and the caller does without.
"""
from __future__ import annotations

import re
from typing import Any, Callable

__all__ = ["necessary_literals", "required_words", "solid_pieces", "solid_words"]

_SHAPE = re.compile(r"(?:\(\?<!\[[^\]]*\]\))?\((?!\?)([^()\[\]]*)\)", re.DOTALL)
_OPTIONAL = "?*{"  # the character before is optional (or may be absent)
_SPECIAL = "\\.^$+|"


def required_words(pattern: str, shortest: int = 3) -> list[str] | None:
    """For each alternative, the letters every match of it starts with (up to its first optional
    or special character); None when the pattern has another shape or an alternative would give
    fewer than `shortest` characters (too common a word to be worth requiring)."""
    found = _SHAPE.fullmatch(pattern)
    if found is None:
        return None
    words = []
    for alternative in found.group(1).split("|"):
        literal: list[str] = []
        for ch in alternative:
            if ch in _OPTIONAL:
                if literal:
                    literal.pop()
                break
            if ch in _SPECIAL:
                break
            literal.append(ch)
        word = "".join(literal).lower()
        if len(word) < shortest:
            return None
        words.append(word)
    return words


# ---------------------------------------------------------------------------------------------
# Necessary literals of any regex
# ---------------------------------------------------------------------------------------------

MAX_LITERALS = 64
"""Largest set of alternative literals kept (a product of character classes grows fast)."""
MIN_LENGTH = 3
"""Shortest literal worth testing before the regex (`in` finds 'ab' almost everywhere)."""


def necessary_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased strings one of which every match of `pattern` contains, or None when no such
    set of strings of at least `MIN_LENGTH` characters is found (or the pattern does not parse).

    Read from the parsed pattern (`re._parser`): runs of literal characters, small character
    classes, alternations of such runs and bounded repeats are multiplied out into the exact
    strings they match; zero-width items (`\\b`, `^`, look-arounds) keep a run going; anything
    else ends it. Of the runs and of what repeated or grouped parts must contain, the set whose
    shortest member is longest is kept. A regex searched in a lower-cased text can match only
    where one of these occurs, so `any(lit in text ...)` (a C scan) can rule the search out:
    the requirement patterns (`requirements`) are tried on every file that passes the keywords,
    and most of them start with an alternation that `re` tries at every position."""
    try:
        from re import _parser

        parsed = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - a pattern `re` rejects, or internals that differ
        return None
    try:
        found = _must(list(parsed))
    except Exception:  # noqa: BLE001 - an unknown node shape: no shortcut
        return None
    if not found:
        return None
    lowered = {w.lower() for w in found}
    # A literal that contains another one adds nothing: wherever it occurs, so does the other.
    words = tuple(sorted(w for w in lowered if not any(v != w and v in w for v in lowered)))
    return words if min(len(w) for w in words) >= MIN_LENGTH else None


_NOT_IN_PIECES = re.compile(r"[\s\"'{}\\]+")


def solid_pieces(words: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """For each word, a run of it without whitespace, quotes, braces or backslashes (one that
    other words share, else the longest); None when a word has none of `MIN_LENGTH`. A text rewritten by collapsing whitespace, resolving
    escapes and `{placeholders}` (the prose form of `requirements`) holds such a run only where
    the text it was made from holds it too."""
    if words is None:
        return None
    # Any piece of a word will do; the pieces many words share make the smallest set
    # (`emotion` and `affect` for "emotion recognition", "affect detection"..., not the
    # `recognition` or `analysis` that every ML file holds).
    split = [[p for p in _NOT_IN_PIECES.split(word) if len(p) >= MIN_LENGTH] for word in words]
    shared: dict[str, int] = {}
    for parts in split:
        for part in set(parts):
            shared[part] = shared.get(part, 0) + 1
    pieces = set()
    for parts in split:
        if not parts:
            return None
        pieces.add(max(parts, key=lambda p: (shared[p], len(p))))
    return tuple(sorted(w for w in pieces if not any(v != w and v in w for v in pieces)))


def solid_words(words: tuple[str, ...] | None) -> tuple[tuple[str, ...], ...] | None:
    """For each word, every run of it of `MIN_LENGTH` or more without whitespace, quotes, braces
    or backslashes; None when a word has none. Where the prose form of a text holds a word, the
    text holds all its runs: a stricter test than one piece (`solid_pieces`), which for "fer2013
    model" is the `model` of every ML file. A word whose runs each lie within a run of another
    is left out (wherever the other's runs occur, so do its)."""
    if words is None:
        return None
    split = []
    for word in words:
        parts = tuple(sorted({p for p in _NOT_IN_PIECES.split(word) if len(p) >= MIN_LENGTH}))
        if not parts:
            return None
        split.append(parts)
    unique = sorted(set(split), key=lambda parts: (len(parts), parts))
    kept: list[tuple[str, ...]] = []
    for parts in unique:
        if not any(all(any(small in big for big in parts) for small in other) for other in kept):
            kept.append(parts)
    return tuple(kept)


def _score(words: set[str] | None) -> int:
    return min((len(w) for w in words), default=0) if words else 0


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > MAX_LITERALS:
        return None
    return {a + b for a in left for b in right}


def _exact(items: list[Any]) -> set[str] | None:
    """Every string the sequence matches, when that is a small finite set."""
    out: set[str] | None = {""}
    for item in items:
        one = _exact_item(item)
        if one is None or out is None:
            return None
        out = _product(out, one)
    return out


def _exact_item(item: Any) -> set[str] | None:
    from re import _constants as c

    op, av = item
    if op is c.LITERAL:
        return {chr(av)}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}  # zero width: the literals on either side stay contiguous
    if op is c.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is not c.LITERAL:
                return None
            chars.add(chr(sub_av))
        return chars if 0 < len(chars) <= 8 else None
    if op is c.SUBPATTERN:
        return _exact(list(av[-1]))
    if op is c.BRANCH:
        return _union(av[1], _exact)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, high, sub = av
        one = _exact(list(sub))
        if one is None:
            return None
        if (low, high) == (0, 1):
            return one | {""}
        if low == high and low <= 3:
            out: set[str] | None = {""}
            for _ in range(low):
                out = _product(out, one) if out is not None else None
            return out
    return None


def _union(alternatives: Any, each: Callable[[list[Any]], set[str] | None]) -> set[str] | None:
    """What `each` gives for every alternative of a branch, together; None when one gives
    nothing (that alternative can match without any of the others' strings). When the union is
    too large, the alternatives with the most strings give a smaller set instead (`_compact`:
    `driven` for the 48 spellings of "(audio|speech)[- ]driven (talking )?(face|head)s?")."""
    sets: list[set[str]] = []
    for alternative in alternatives:
        one = each(list(alternative))
        if not one:
            return None
        sets.append(one)
    if each is _must:
        for index in sorted(range(len(sets)), key=lambda i: -len(sets[i])):
            if len(set().union(*sets)) <= MAX_LITERALS:
                break
            smaller = _compact(list(alternatives[index]))
            if smaller is not None and len(smaller) < len(sets[index]):
                sets[index] = smaller
    union = set().union(*sets)
    return union if len(union) <= MAX_LITERALS else None


def _compact(items: list[Any]) -> set[str] | None:
    """The fewest strings (of `MIN_LENGTH` or more; the longer of equally few) one of which
    every match of the sequence contains: from a contiguous run of its exact items, or from a
    group or repeat inside it. Asked only when the best sets of a branch are too many."""
    exact = [_exact_item(item) for item in items]
    best: set[str] | None = None

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if found and _score(found) >= MIN_LENGTH and (best is None or (len(found), -_score(found)) < (len(best), -_score(best))):
            best = found

    for start in range(len(items)):
        run: set[str] | None = {""}
        for end in range(start, len(items)):
            one = exact[end]
            if one is None or run is None:
                break
            run = _product(run, one)
            consider(run)
        if exact[start] is None:
            inner = _must_item(items[start])
            consider(inner)
    return best


def _must(items: list[Any]) -> set[str] | None:
    """A set of strings one of which every match of the sequence contains (the best found)."""
    candidates: list[set[str]] = []
    run: set[str] | None = None
    for item in items:
        one = _exact_item(item)
        if one is not None:
            joined = _product(run, one) if run is not None else one
            if joined is None:  # too many combinations: keep what the run had, start again
                if run:
                    candidates.append(run)
                joined = one
            run = joined
            continue
        if run:
            candidates.append(run)
        run = None
        inner = _must_item(item)
        if inner:
            candidates.append(inner)
    if run:
        candidates.append(run)
    candidates = [c for c in candidates if _score(c) > 0]
    return max(candidates, key=lambda c: (_score(c), -len(c))) if candidates else None


def _must_item(item: Any) -> set[str] | None:
    from re import _constants as c

    op, av = item
    if op is c.SUBPATTERN:
        return _must(list(av[-1]))
    if op is c.BRANCH:
        return _union(av[1], _must)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _must(list(av[2]))
    return None
