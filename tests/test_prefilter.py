"""The keyword prefilter: word-start and anywhere keywords; the trie regex agrees with a plain
search for each keyword."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kzai_lint.prefilter import Prefilter


def plain(words: list[str], text: str) -> bool:
    low = text.lower()
    for word in (w.lower() for w in words if w):
        if word.startswith("*"):
            if word[1:] in low:
                return True
        elif re.search(r"(?<![a-z0-9])" + re.escape(word), low):
            return True
    return False


def test_word_start_and_anywhere() -> None:
    gate = Prefilter(["fer", "*emotion", "deepface"])
    assert gate.may_match("import DeepFace") and gate.may_match("FacialEmotionNet") and gate.may_match("load('FER2013')")
    assert not gate.may_match("transfer learning") and not gate.may_match("")
    assert Prefilter(None).may_match("anything") and Prefilter(None).passes_everything
    assert not Prefilter([]).may_match("anything")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab0_ .(*йЖ", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="ab0_ .(Aйж\n", max_size=40),
)
def test_trie_agrees_with_a_plain_search(words: list[str], text: str) -> None:
    assert Prefilter(words).may_match(text) == plain(words, text)
