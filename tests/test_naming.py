"""`snake`: the one naming-style-free form of names, strings and (for the prefilter) whole files."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kzai_lint.naming import snake

# The original definition: a `_` at every camel-case boundary (zero-width), then separators.
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^0-9a-zа-яёәғқңөұүһі]+")


def reference(text: str) -> str:
    return _SEPARATORS.sub("_", _CAMEL.sub("_", text).lower()).strip("_")


def test_naming_styles_meet() -> None:
    assert snake("PersuasionBandit") == snake("persuasion-bandit") == snake("persuasion_bandit") == "persuasion_bandit"
    assert snake("HTTPServerError") == "http_server_error" and snake("isMinor2") == "is_minor2" and snake("a1B") == "a1_b"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aAbBzZ19_ -.\nЖж", max_size=30))
def test_two_substitutions_split_like_the_zero_width_pattern(text: str) -> None:
    assert snake(text) == reference(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aAbBzZ19_ -.\nЖж", min_size=150, max_size=400))
def test_names_and_whole_texts_are_snake_cased_alike(text: str) -> None:
    """Short texts are remembered (`naming.SHORT`), longer ones computed each time: the same."""
    assert snake(text) == reference(text)
    assert snake(text) == reference(text)  # the second time from the memo for short ones
