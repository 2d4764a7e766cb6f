"""`necessary_literals`: every match of a regex contains one of the literals it gives.

The requirement patterns of the prefilter are tried only where one of their literals occurs
(`requirements._Patterns`), so a literal set that a match could avoid would drop files a rule
flags. Checked on hand-made shapes, and for every `re:`/`prose:` requirement of the built-in
rules on every rule example, every fixture file, and texts made of each pattern's own matches.
The prose patterns' case-sensitive variants (`_case_sensitive`, for ASCII texts) are checked on
the same texts.
"""
from __future__ import annotations

import random
import re

import pytest
from example_texts import example_and_fixture_texts

from kzai_lint.catalogue import load
from kzai_lint.model import FileKind
from kzai_lint.registry import builtin_rules
from kzai_lint.regex_literals import necessary_literals, solid_pieces, solid_words
from kzai_lint.requirements import _case_sensitive, _Texts, is_pattern


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"(?i:\b(face|faces)x)", 0, ("facesx", "facex")),
        (r"\b(facial )?(emotion|affect) (recognition|detection)\b", re.I, ("affect detection", "affect recognition", "emotion detection", "emotion recognition")),
        (r"(?:age|age_years|years_old)[\"']?\]?\s*[<>]=?\s*\d|\d\s*[<>]=?\s*[\w.]*(?:age|years_old)(?![a-z0-9_])", 0, ("age", "years_old")),
        (r"(?:import|from)[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*(?:cv2|keras)(?![\w])", 0, ("from", "import")),
        (r"colou?r", 0, ("color", "colour")),
        (r"[a-z]+_id", 0, ("_id",)),
        (r"ab(?=cd)cde", 0, ("abcde",)),
        # 48 spellings of the last branch would overflow the union: it gives `driven ` instead
        (r"\blip[- ]?sync(ing|ed)?\b|\btalking[- ](head|face)s?\b|\bface reenactment\b|\b(audio|speech)[- ]driven (talking )?(face|portrait|head)s?\b", re.I,
         ("driven ", "face reenactment", "lip sync", "lip-sync", "lipsync", "talking face", "talking head", "talking-face", "talking-head")),
        (r"x(abc)+y", 0, ("abc",)),
    ],
)
def test_literals_of_known_shapes(pattern: str, flags: int, expected: tuple[str, ...]) -> None:
    assert necessary_literals(pattern, flags) == expected


@pytest.mark.parametrize("pattern", [r"\d+", r"a|bcd", r"(ab)*", r"x?y?z?", r"(?P<q>['\"]).*(?P=q)", "(", r"[^abc]{3}"])
def test_no_literals_when_a_match_can_avoid_every_long_one(pattern: str) -> None:
    assert necessary_literals(pattern) is None


def test_solid_pieces_survive_the_prose_rewriting() -> None:
    assert solid_pieces(("emotion recognition", "don't swap")) == ("recognition", "swap")
    assert solid_pieces(("a b",)) is None
    assert solid_pieces(None) is None


def test_solid_words_need_every_run_of_a_literal() -> None:
    assert solid_words(("fer2013 model", "fer+ model", "trained on ", "fer 2013 model")) == (
        ("trained",), ("fer+", "model"), ("fer2013", "model"), ("2013", "fer", "model"))
    # "swap the face" needs no more than "face swap" does
    assert solid_words(("face swap", "swap the face", "deepfake")) == (("deepfake",), ("face", "swap"))
    assert solid_words(("a b",)) is None


def _requirement_patterns() -> list[str]:
    catalogue = load()
    found: set[str] = set()
    for rule_class in builtin_rules():
        rule = rule_class(catalogue)
        for kind in rule.meta.kinds:
            for alternative in rule.requirements_for(None, kind) or ():
                for group in alternative:
                    found.update(item for item in group if is_pattern(item) and item.split(":", 1)[0] in ("re", "prose"))
    return sorted(found)


PATTERNS = _requirement_patterns()
TEXTS = example_and_fixture_texts()


def test_the_requirements_have_patterns_to_check() -> None:
    assert len(PATTERNS) > 20 and len(TEXTS) > 200


@pytest.mark.parametrize("item", PATTERNS, ids=[p[:60] for p in PATTERNS])
def test_every_match_contains_a_literal(item: str) -> None:
    kind, body = item.split(":", 1)
    flags = re.IGNORECASE if kind == "prose" else 0
    literals = necessary_literals(body, flags)
    # a prose pattern's gate needs all the runs of one literal (`solid_words`)
    words = solid_words(literals) if kind == "prose" else None if literals is None else tuple((w,) for w in literals)
    if words is None:
        return
    regex = re.compile(body, flags)
    rng = random.Random(7)
    samples = list(TEXTS)
    # Texts made of the pattern's own matches in the corpus, glued to random neighbours.
    for text in TEXTS:
        for m in regex.finditer(text.lower()):
            samples.append(rng.choice(TEXTS)[:200] + m.group(0) + rng.choice(TEXTS)[:200])
    for text in samples:
        texts = _Texts(text, text.lower())
        searched = texts.prose if kind == "prose" else texts.lowered
        if regex.search(searched):
            assert any(all(piece in texts.lowered for piece in parts) for parts in words), (item[:80], words)


@pytest.mark.parametrize("item", [p for p in PATTERNS if p.startswith("prose:")], ids=lambda p: p[:60])
def test_prose_patterns_match_alike_without_case_folding(item: str) -> None:
    body = item.split(":", 1)[1]
    plain = _case_sensitive(body)
    if plain is None:
        return
    folded = re.compile(body, re.IGNORECASE)
    samples = list(TEXTS)
    for text in TEXTS:
        samples.extend(m.group(0).upper() + " " + m.group(0).title() for m in folded.finditer(text))
    for text in samples:
        prose = _Texts(text, text.lower()).prose
        if prose.isascii():
            found = plain.search(prose)
            assert (found and found.span()) == ((m := folded.search(prose)) and m.span()), (item[:80], text[:200])


def test_patterns_that_could_spell_a_capital_keep_case_folding() -> None:
    assert _case_sensitive(r"\bdeep ?fakes?\b") is not None
    assert _case_sensitive(r"\bASVspoof\b") is None
    assert _case_sensitive(r"\x41i") is None
    assert _case_sensitive("рейтинг") is None
