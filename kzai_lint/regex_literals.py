"""Literal words that every match of a simple catalogue regex contains (for prefilters).

Context regexes in the catalogue (`person_context`: `(?<![a-z])(users?|customers?|...)`) are
conditions a rule checks before it reports; the words every match must contain let the
prefilter require the same condition. Only the simple shape is read (an optional look-behind
and one group of plain alternatives); anything else gives None, and the caller does without.
"""
from __future__ import annotations

import re

__all__ = ["required_words"]

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
