"""Model cards: front matter positions, block kinds, lines and heading paths."""
from __future__ import annotations

import textwrap

from kzai_lint.sources.markdown import Paragraph
from kzai_lint.sources.markdown import parse_model_card

CARD = textwrap.dedent(
    """\
    ---
    license: apache-2.0
    pipeline_tag: image-classification
    tags: [facial-expression, vision]
    ---

    # vit-fer-small

    A ViT model fine-tuned to classify a face crop
    into one of seven expressions.

    ## Intended use

    <!-- kzai: ignore[KZ306] reviewed by the DPO, ticket 42 -->
    Audience reaction measurement.

    - angry
    - happy,
      continued
    1. numbered

    | split | accuracy |
    |-------|----------|
    | test  | 0.71     |

    ```python
    # not a heading

    clf = pipeline("image-classification")
    ```

    Out-of-scope use
    ----------------

    ~~~
    never closed
    """
)


def _blocks() -> list[Paragraph]:
    return list(parse_model_card(CARD).paragraphs)


def test_front_matter_positions_are_file_lines() -> None:
    card = parse_model_card(CARD)
    assert card.front_matter_error is None and card.front_matter is not None
    assert card.front_matter.get("license").span.line == 2  # type: ignore[union-attr]
    tag = card.front_matter.get("tags", 1)
    assert tag is not None and tag.value == "vision" and (tag.span.line, tag.span.column) == (4, 27)


def test_block_kinds_and_lines() -> None:
    summary = [(b.kind, b.line, b.end_line) for b in _blocks()]
    assert summary == [
        ("heading", 7, 7),
        ("paragraph", 9, 10),
        ("heading", 12, 12),
        ("html-comment", 14, 14),
        ("paragraph", 15, 15),
        ("list", 17, 20),
        ("table", 22, 24),
        ("code", 26, 30),
        ("heading", 32, 33),
        ("code", 35, 36),
    ]


def test_heading_paths() -> None:
    blocks = _blocks()
    assert blocks[0].heading_path == ("vit-fer-small",)
    assert blocks[4].heading_path == ("vit-fer-small", "Intended use")
    assert blocks[8].text == "Out-of-scope use"
    assert blocks[9].heading_path == ("vit-fer-small", "Out-of-scope use")


def test_text_lines_map_to_file_lines() -> None:
    blocks = _blocks()
    code = blocks[7]
    assert code.text.splitlines()[3] == 'clf = pipeline("image-classification")'
    assert CARD.splitlines()[code.line - 1 + 3] == 'clf = pipeline("image-classification")'
    assert blocks[3].text == "<!-- kzai: ignore[KZ306] reviewed by the DPO, ticket 42 -->"
    assert blocks[1].text == (
        "A ViT model fine-tuned to classify a face crop\ninto one of seven expressions."
    )


def test_atx_closing_hashes_and_levels() -> None:
    card = parse_model_card("# A #\n## B ##\n### C\n## D\ntext\n#hashtag is text\n")
    headings = [b for b in card.paragraphs if b.kind == "heading"]
    assert [h.heading_path for h in headings] == [("A",), ("A", "B"), ("A", "B", "C"), ("A", "D")]
    assert card.paragraphs[-1].kind == "paragraph" and card.paragraphs[-1].line == 5
    assert card.paragraphs[-1].end_line == 6


def test_multi_line_html_comment_is_one_block() -> None:
    card = parse_model_card("intro\n\n<!--\nkzai: ignore[KZ3] why\n-->\nafter\n")
    kinds = [(b.kind, b.line, b.end_line) for b in card.paragraphs]
    assert kinds == [("paragraph", 1, 1), ("html-comment", 3, 5), ("paragraph", 6, 6)]


def test_bad_front_matter_does_not_stop_the_body() -> None:
    card = parse_model_card("---\nlicense: [unclosed\n---\n# Title\nBody text.\n")
    assert card.front_matter is None and card.front_matter_error is not None
    assert card.front_matter_error.line == 3
    assert [(b.kind, b.line) for b in card.paragraphs] == [("heading", 4), ("paragraph", 5)]


def test_unclosed_front_matter_is_reported_and_read_as_body() -> None:
    card = parse_model_card("---\nlicense: mit\n\nThe model predicts emotions.\n")
    assert card.front_matter is None
    assert card.front_matter_error is not None and card.front_matter_error.line == 1
    assert [(b.text, b.line) for b in card.paragraphs] == [
        ("license: mit", 2),
        ("The model predicts emotions.", 4),
    ]


def test_no_front_matter_and_crlf() -> None:
    card = parse_model_card("\ufeff# T\r\n\r\nline one\r\nline two\r\n")
    assert card.front_matter is None and card.front_matter_error is None
    assert [(b.kind, b.line, b.end_line) for b in card.paragraphs] == [
        ("heading", 1, 1),
        ("paragraph", 3, 4),
    ]


def test_empty_front_matter() -> None:
    card = parse_model_card("---\n---\ntext\n")
    assert card.front_matter is None and card.front_matter_error is None
    assert card.paragraphs[0].line == 3
