"""One way to compare names whatever their naming style: snake_case tokens.

Rules compare identifiers, strings and config keys in this form (`PersuasionBandit`,
`persuasion-bandit` and `persuasion_bandit` are one name), and the prefilter asks the same
question of a whole file (`requirements`), so it lives in a module that imports nothing heavy.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

__all__ = ["snake", "snake_text", "token_pattern"]

# Where a camel-case word splits: `aB` -> `a_B`, `ABc` -> `A_Bc`. Two substitutions that each
# start with a character class, not one zero-width pattern that starts with a look-behind: that
# is tried at every position of a file (the prefilter snake-cases whole files; 1.6x slower).
_LOWER_UPPER = re.compile(r"([a-z0-9])([A-Z])")
_UPPER_WORD = re.compile(r"([A-Z])([A-Z][a-z])")
_SEPARATORS = re.compile(r"[^0-9a-zа-яёәғқңөұүһі]+")
# What a string literal's escapes hide from a plain split: `"\nbuy"` is the word `buy` to a rule
# that reads the evaluated string.
_ESCAPE = re.compile(r"\\[A-Za-z]")
_ESCAPED_LINE = re.compile(r"^.*\\[A-Za-z].*$", re.MULTILINE)


def snake(text: str) -> str:
    """`PersuasionBandit`, `fake-scarcity banner` -> `persuasion_bandit`, `fake_scarcity_banner`.

    Every signal is compared in this one form, so a term matches whatever the naming style.
    Names and short strings are remembered (`_snake_short`): rules ask about every name of a
    file, term list by term list, and names recur across a tree's files.
    """
    return _snake_short(text) if len(text) <= SHORT else _snake(text)


SHORT = 200
"""Texts up to this length are names or labels, kept by `snake`; longer ones are whole files."""


def _snake(text: str) -> str:
    split = _UPPER_WORD.sub(r"\1_\2", _LOWER_UPPER.sub(r"\1_\2", text))
    return _SEPARATORS.sub("_", split.lower()).strip("_")


_snake_short = functools.lru_cache(maxsize=16384)(_snake)


def snake_text(text: str) -> str:
    """Every snake_case token sequence a rule could read in `text`, joined by `_`: the file as
    written, then its lines with escapes again with the escape letters taken out (a rule reads
    `"\\nbuy"` evaluated, as `buy`; a raw string keeps `\\buy` whole). A token sequence a rule
    finds in one of its identifiers or strings is a token sequence here."""
    plain = snake(text)
    escaped = _ESCAPED_LINE.findall(text) if "\\" in text else ()
    return plain + "_" + snake(_ESCAPE.sub("_", "\n".join(escaped))) if escaped else plain


def token_pattern(fragments: Iterable[object]) -> str:
    """A regex matching any fragment as whole tokens of a `snake` form (its group 1 is the
    match); empty when there are no fragments."""
    parts = [f"(?:{f})" for f in (str(x) for x in fragments) if f]
    return r"(?:^|_)(" + "|".join(parts) + r")(?=_|$)" if parts else ""
