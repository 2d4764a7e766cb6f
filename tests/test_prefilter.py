"""The keyword prefilter: word-start and anywhere keywords; the trie regex agrees with a plain
search for each keyword."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kzai_lint.prefilter import Prefilter, stored_word, stored_words


def plain(words: list[str], text: str) -> bool:
    low = text.lower()
    for word in (w.lower() for w in words if w):
        anywhere = word.startswith("*")
        body = word[1:] if anywhere else word
        ends_name = len(word) > 1 and word.endswith("$") and word != "*$"
        if ends_name:
            body = body[:-1]
        pattern = ("" if anywhere else r"(?<![a-z0-9])") + re.escape(body) + (r"(?![a-z0-9_])" if ends_name else "")
        if re.search(pattern, low):
            return True
    return False


def test_word_start_and_anywhere() -> None:
    gate = Prefilter(["fer", "*emotion", "deepface"])
    assert gate.may_match("import DeepFace") and gate.may_match("FacialEmotionNet") and gate.may_match("load('FER2013')")
    assert not gate.may_match("transfer learning") and not gate.may_match("")
    assert Prefilter(None).may_match("anything") and Prefilter(None).passes_everything
    assert not Prefilter([]).may_match("anything")


def test_a_dollar_keyword_ends_a_name() -> None:
    gate = Prefilter(["import feat$", "*, feat$"])
    assert gate.may_match("import feat") and gate.may_match("import feat.utils") and gate.may_match("import os, feat as f")
    assert not gate.may_match("import feature_extractor") and not gate.may_match("x = f(a, feature)")
    assert Prefilter(["$"]).may_match("cost: $5") and Prefilter(["*$"]).may_match("a$") and not Prefilter(["*$"]).may_match("ab")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab0_ .(*$йЖ", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="ab0_ .(A$йж\n", max_size=40),
)
def test_trie_agrees_with_a_plain_search(words: list[str], text: str) -> None:
    assert Prefilter(words).may_match(text) == plain(words, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aB0_ *$\nΣσЙß\u0130", max_size=6), max_size=8))
def test_words_stored_together_are_stored_as_one_by_one(words: list[str]) -> None:
    # one lower() over the joined words must not differ from lower() per word (final sigma,
    # dotted capital I, line breaks inside a word, `$` endings)
    assert stored_words(words) == [stored_word(w) for w in words]
    assert stored_words(tuple(words)) == [stored_word(w) for w in words]


def test_stored_words_examples() -> None:
    assert stored_words(["DeepFace", "import feat$", "*$", "$", "ΟΔΟΣ"]) == ["deepface", "import feat\0", "*$", "$", "οδος"]
    assert stored_words(["ΟΔΟΣ"]) == [stored_word("ΟΔΟΣ")]
