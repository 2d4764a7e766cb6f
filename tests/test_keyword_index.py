"""`KeywordIndex` opens exactly the gates that one `Prefilter` per keyword set would open."""
from __future__ import annotations

import random

from kzai_lint.keyword_index import KeywordIndex
from kzai_lint.prefilter import Prefilter

SETS = {
    "emotion": ["emotion", "emotional distress", "*facialemotion", "fer"],
    "age": ["age", "age-", "aged_", "(0-2)", "0-2"],
    "debt": ["debt", "*arrear", "days to payday", "payday"],
    "nested": ["a", "ab", "abc", "*bc", "*c"],
    "none-left": [],
}
ALPHABET = ["emotion", "emotional", " distress", "facial", "fer", "transfer", "age", "image", "aged_", "(0-2)", "0-2", "debt", "arrears", "payday", "days to ", "a", "b", "c", "x", " ", "_", "-", "\n", "9", "é"]


def _expected(text: str) -> frozenset[str]:
    return frozenset(name for name, words in SETS.items() if Prefilter(words).may_match(text))


def test_matches_one_prefilter_per_set_on_generated_texts() -> None:
    index = KeywordIndex(SETS)
    rng = random.Random(17)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        assert index.present(text.lower()) == _expected(text), text


def test_keywords_inside_a_longer_keyword_are_found() -> None:
    index = KeywordIndex({"long": ["fear of missing out"], "short": ["missing"], "inner": ["*of"]})
    assert index.present("the fear of missing out") == {"long", "short", "inner"}
    assert index.present("fear of missing") == {"short", "inner"}


def test_a_set_without_keywords_is_always_present() -> None:
    index = KeywordIndex({"all": None, "some": ["debt"]})
    assert index.present("nothing here") == {"all"}
    assert index.present("debt") == {"all", "some"}
