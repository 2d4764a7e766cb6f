"""Searching lower-cased text without case folding (`regex_cache.for_lowered`) finds the same.

Rules search a file's lower-cased text with the catalogue's case-insensitive context regexes;
for ASCII texts a variant without `re.IGNORECASE` is used where the flag cannot matter, because
case folding keeps `re` from skipping ahead to where a match can start. These tests compare both
on the rule examples and fixtures and on texts built from each regex's own matches in upper and
title case (then lower-cased, as the rules do), and check the data sets' literal
gate and the `(?i:...)` requirement groups the same way.
"""
from __future__ import annotations

import re

import pytest
from example_texts import example_and_fixture_texts

from kzai_lint import regex_cache
from kzai_lint.catalogue import Catalogue, load
from kzai_lint.requirements import _unfolded


def _case_insensitive_regexes() -> list[re.Pattern[str]]:
    catalogue = load()
    found = [catalogue.biometric_context, catalogue.ml_context, catalogue.not_person_context]
    found.extend(ds.regex for ds in catalogue.datasets)
    found.extend(catalogue.exclude_patterns)
    for value in catalogue.extra.values():  # every rule section's `*_context`-style patterns
        sections = value if isinstance(value, dict) else {}
        for key, pattern in sections.items():
            if isinstance(pattern, str) and any(ch in pattern for ch in "|\\(["):
                try:
                    found.append(re.compile(pattern, re.IGNORECASE))
                except re.error:
                    continue  # a word list's entry, not a pattern
    for key in ("synthetic_detection_context", "person_input_context", "prose_exclude"):
        if isinstance(catalogue.extra.get(key), str):
            found.append(re.compile(catalogue.extra[key], re.IGNORECASE))
    return found


REGEXES = _case_insensitive_regexes()
TEXTS = example_and_fixture_texts()


def test_there_are_regexes_and_texts_to_compare() -> None:
    assert len(REGEXES) > 40 and len(TEXTS) > 200
    assert sum(regex_cache.for_lowered(rx, "ascii") is not rx for rx in REGEXES) > 20


@pytest.mark.parametrize("regex", REGEXES, ids=lambda rx: rx.pattern[:50])
def test_lowered_ascii_texts_match_alike_without_case_folding(regex: re.Pattern[str]) -> None:
    samples = list(TEXTS)
    for text in TEXTS:
        samples.extend(f"{m.group(0).upper()} x {m.group(0).title()}" for m in regex.finditer(text.lower()))
    for text in samples:
        lowered = text.lower()
        chosen = regex_cache.for_lowered(regex, lowered)
        if not lowered.isascii():
            assert chosen is regex
            continue
        assert [m.span() for m in chosen.finditer(lowered)] == [m.span() for m in regex.finditer(lowered)], (regex.pattern[:80], text[:200])


def test_folding_is_kept_where_it_can_matter() -> None:
    spelled = re.compile(r"\x41i|ASVspoof", re.IGNORECASE)
    assert regex_cache.for_lowered(spelled, "ai") is spelled
    kelvin = re.compile("\u212a", re.IGNORECASE)  # the Kelvin sign folds to an ASCII `k`
    assert regex_cache.for_lowered(kelvin, "k") is kelvin
    words = re.compile("music|song", re.IGNORECASE)
    assert regex_cache.for_lowered(words, "a song").flags & re.IGNORECASE == 0
    assert regex_cache.for_lowered(words, "a ſong") is words  # non-ASCII: `ſ` folds to `s`
    assert regex_cache.for_lowered(words, "a ſong").search("a ſong")
    plain = re.compile("music")
    assert regex_cache.for_lowered(plain, "music") is plain


def _strings(texts: list[str]) -> list[str]:
    """Every quoted string and path-like word of the texts, as rules classify them."""
    out = set()
    for text in texts:
        out.update(re.findall(r"[\"']([^\"'\n]{1,120})[\"']", text))
        out.update(re.findall(r"[\w./+-]{3,80}", text))
    return sorted(out)


def _one_by_one(catalogue: Catalogue, value: str, as_id: bool) -> str | None:
    text = value.strip().lower()
    if not text or len(text) > 300:
        return None
    return next((ds.name for ds in catalogue.datasets if (as_id or not ds.ids_only) and ds.regex.search(text)), None)


def test_looking_for_literals_first_changes_no_data_set_classification() -> None:
    catalogue = load()
    assert catalogue._dataset_gate is not None
    names = [ds.name for ds in catalogue.datasets]
    strings = _strings(TEXTS) + names + [n.upper() for n in names] + [f"data/{n.lower()}_v2/train" for n in names] + [f"ſ{n}" for n in names]
    for value in strings:
        for as_id in (False, True):
            found = catalogue._classify_dataset(value, as_id=as_id)
            assert (found.name if found else None) == _one_by_one(catalogue, value, as_id), value


def test_a_pattern_without_known_literals_is_still_searched() -> None:
    catalogue = load()
    first = catalogue.datasets[0]
    numbered = type(first)("numbered", re.compile(r"\d{4}x", re.IGNORECASE), first.capability, False)
    both = Catalogue(**{**{f: getattr(catalogue, f) for f in catalogue.__dataclass_fields__}, "datasets": (first, numbered)})
    assert both._dataset_gate is None
    assert both._classify_dataset("set 2024x", as_id=False) is numbered
    assert both._classify_dataset("fer2013", as_id=False) is first


def test_only_a_whole_case_insensitive_group_is_unfolded() -> None:
    assert _unfolded("(?i:face|person)") is not None
    assert _unfolded("(?i:face)|(?i:person)") is None  # two groups: the first closes early
    assert _unfolded("(?i:Face)") is None
    assert _unfolded("face") is None
    unfolded = _unfolded("(?i:(?<![a-z])face|portrait)")
    assert unfolded is not None and unfolded.search("a face") and not unfolded.search("surface")
