"""Negation, out-of-scope headings and sentence splitting for model-card prose."""
from __future__ import annotations

import pytest

from kzai_lint.sources.markdown import is_negated
from kzai_lint.sources.markdown import section_is_out_of_scope
from kzai_lint.sources.markdown import split_sentences

NEGATED = [
    ("This model does NOT perform emotion recognition.", "emotion"),
    ("It must not be used to infer a person's emotions, age, gender or ethnicity.", "ethnicity"),
    ("It must not be used to infer a person's emotions, age, gender or ethnicity.", "emotions"),
    ("This model is not intended for emotion detection.", "emotion"),
    ("We do not infer race from faces.", "race"),
    ("Works without emotion labels.", "emotion"),
    ("The landmarks are points only; no expression or attribute labels were used.", "attribute"),
    ("We don\u2019t do emotion recognition.", "emotion"),
    ("Emotion recognition is out of scope.", "Emotion"),
    ("Emotion labels must not be inferred from the output.", "Emotion"),
    ("Prohibited uses: emotion recognition in the workplace.", "emotion"),
    ("Use landmarks instead of emotion labels.", "emotion"),
]

AFFIRMED = [
    ("This model predicts the ethnicity of a person from a face photo.", "ethnicity"),
    ("Facial analysis, including but not limited to emotion recognition.", "emotion"),
    ("It detects not only emotions but also age.", "age"),
    ("It detects not only emotions but also age.", "emotions"),
    ("It cannot tell posed from real smiles, and it predicts emotion from faces.", "emotion"),
    ("Emotion recognition is not accurate for children.", "Emotion"),
    ("The points are not labelled; the head predicts emotion.", "emotion"),
    ("No, it is used for emotion recognition.", "emotion"),
]


@pytest.mark.parametrize(("sentence", "term"), NEGATED)
def test_negated(sentence: str, term: str) -> None:
    assert is_negated(sentence, sentence.index(term))


@pytest.mark.parametrize(("sentence", "term"), AFFIRMED)
def test_not_negated(sentence: str, term: str) -> None:
    assert not is_negated(sentence, sentence.index(term))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("landmarks68", "Out of scope"), True),
        (("Model", "Out-of-Scope Use"), True),
        (("Bias, Risks, and Limitations",), True),
        (("Limitations", "Known failure modes"), True),
        (("Misuse and malicious use",), True),
        (("Uses not intended",), True),
        (("Prohibited uses",), True),
        (("vit-fer-small", "Intended use"), False),
        (("Training data",), False),
        ((), False),
    ],
)
def test_out_of_scope_sections(path: tuple[str, ...], expected: bool) -> None:
    assert section_is_out_of_scope(path) is expected


def test_split_sentences_offsets_point_into_text() -> None:
    text = (
        "Trained e.g. on FER2013 (acc. 0.71). It works well.\n"
        "A second line! Is it?\n\n- item one\n- item two\n| a | b |"
    )
    sentences = split_sentences(text)
    assert [s for s, _ in sentences] == [
        "Trained e.g. on FER2013 (acc. 0.71).",
        "It works well.",
        "A second line!",
        "Is it?",
        "- item one",
        "- item two",
        "| a | b |",
    ]
    for sentence, offset in sentences:
        assert text[offset : offset + len(sentence)] == sentence


def test_split_keeps_inner_newlines_for_line_mapping() -> None:
    text = "This model does NOT perform emotion\nrecognition. Next one."
    (first, offset), (second, second_offset) = split_sentences(text)
    assert first == "This model does NOT perform emotion\nrecognition."
    assert text[:second_offset].count("\n") == 1 and second == "Next one."
    assert is_negated(first, first.index("emotion"))
