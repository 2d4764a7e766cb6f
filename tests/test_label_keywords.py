"""Label-set prefilter words stay sound while leaving out the words ordinary code is full of.

A collection counts when it holds `min` distinct terms of a set (after `-`, `_` and whitespace
runs become one space). The prefilter words of a set must therefore let through every text that
holds any `min` of its terms, in any of those spellings; `right`, `left`, `white` and `black`
(licence headers, sides, colours) once let most files of a large ML repository through.
"""
from __future__ import annotations

import itertools
import random

import pytest

from kzai_lint.catalogue import LabelSet, load
from kzai_lint.prefilter import Prefilter
from kzai_lint.rules._python_signals import label_keywords

CATALOGUE = load()
COMMON = tuple(CATALOGUE.extra.get("label_prefilter_common", ()))


def spellings(term: str, rng: random.Random) -> list[str]:
    """How a term can be written in a file and still normalise to itself."""
    words = term.split(" ")
    out = ["_".join(words), "-".join(words), " ".join(words)]
    if term[:1].isalpha():  # age buckets such as `(0-2)` are matched in these usual spellings only
        out.append("  ".join(words).upper())
        out.append("".join(w + rng.choice(["_", "-", " ", "\t", " - "]) for w in words[:-1]) + words[-1])
    return out


@pytest.mark.parametrize("label_set", CATALOGUE.label_sets, ids=[s.name for s in CATALOGUE.label_sets])
def test_any_min_terms_pass_the_prefilter(label_set: LabelSet) -> None:
    gate = Prefilter(label_keywords(label_set, COMMON))
    rng = random.Random(label_set.name)
    terms = sorted(label_set.terms)
    combos = list(itertools.combinations(terms, label_set.min))
    for combo in rng.sample(combos, min(len(combos), 400)):
        for _ in range(3):
            items = ", ".join(repr(rng.choice(spellings(t, rng))) for t in combo)
            text = f"LABELS = [{items}]\n"
            assert gate.may_match(text), f"{label_set.name}: {text!r} would be a finding but is never parsed"


@pytest.mark.parametrize("label_set", CATALOGUE.label_sets, ids=[s.name for s in CATALOGUE.label_sets])
def test_at_most_min_minus_one_terms_are_left_out(label_set: LabelSet) -> None:
    words = label_keywords(label_set, COMMON)
    gate = Prefilter(words)
    missed = [t for t in label_set.terms if not gate.may_match(f"x = {t.replace(' ', '_')!r}")]
    assert len(missed) <= label_set.min - 1, missed
    assert all(t.split(" ")[0] in COMMON or t in COMMON for t in missed), missed


def test_common_words_and_parts_of_terms_are_not_keywords() -> None:
    race = next(s for s in CATALOGUE.label_sets if s.name == "race")
    political = next(s for s in CATALOGUE.label_sets if s.name == "political")
    assert not {"white", "black", "middle", "east", "south"} & label_keywords(race, COMMON)
    assert not {"right", "left"} & label_keywords(political, COMMON)
    gate = Prefilter(set(label_keywords(race, COMMON)) | set(label_keywords(political, COMMON)))
    licence = "# Copyright 2024 The HuggingFace Team. All rights reserved.\nx = pad(left=1, right=2, color='white')\n"
    assert not gate.may_match(licence)


def test_without_common_words_every_term_has_a_word() -> None:
    for label_set in CATALOGUE.label_sets:
        gate = Prefilter(label_keywords(label_set))
        for term in label_set.terms:
            assert gate.may_match(f"x = {term.replace(' ', '-')!r}"), term
