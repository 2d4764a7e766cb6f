"""JSON: positions for every value, json.loads-compatible values, depth limit, JSON Lines."""
from __future__ import annotations

import json
import textwrap

import pytest

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.json_doc import parse_json
from kzai_lint.sources.json_doc import parse_jsonl_first_record

HF_CONFIG = textwrap.dedent(
    """\
    {
      "architectures": ["ViTForImageClassification"],
      "id2label": {
        "0": "angry",
        "1": "disgust",
        "2": "fear"
      },
      "label2id": {"angry": 0, "disgust": 1, "fear": 2},
      "image_size": 224,
      "layer_norm_eps": 1e-12,
      "qkv_bias": true,
      "problem_type": null,
      "empty": [], "nothing": {}
    }
    """
)


def test_values_match_json_loads() -> None:
    doc = parse_json(HF_CONFIG)
    assert doc.root is not None and doc.root.value == json.loads(HF_CONFIG)


@pytest.mark.parametrize(
    ("path", "span"),
    [
        (("architectures", 0), Span(2, 21, 2, 48)),
        (("id2label",), Span(3, 15, 7, 4)),
        (("id2label", "0"), Span(4, 10, 4, 17)),
        (("id2label", "1"), Span(5, 10, 5, 19)),
        (("id2label", "2"), Span(6, 10, 6, 16)),
        (("label2id", "fear"), Span(8, 50, 8, 51)),
        (("layer_norm_eps",), Span(10, 21, 10, 26)),
        (("nothing",), Span(13, 27, 13, 29)),
    ],
)
def test_value_spans(path: tuple[str | int, ...], span: Span) -> None:
    node = parse_json(HF_CONFIG).get(*path)
    assert node is not None and node.span == span


def test_key_spans_give_the_line_of_each_entry() -> None:
    doc = parse_json(HF_CONFIG)
    lines = [n.key_span.line for n in doc.children("id2label") if n.key_span is not None]
    assert lines == [4, 5, 6]
    assert doc.get("id2label", "2").key_span == Span(6, 5, 6, 8)  # type: ignore[union-attr]


def test_pre_order() -> None:
    doc = parse_json('{"a": [1, {"b": 2}], "c": 3}')
    paths = [n.key_path for n in doc.nodes]
    assert paths == [(), ("a",), ("a", 0), ("a", 1), ("a", 1, "b"), ("c",)]


def test_scalars_and_specials() -> None:
    doc = parse_json('[-0.5, 10, "\\u00e9\\n", NaN, -Infinity, false]')
    values = [n.value for n in doc.children()]
    assert values[:3] == [-0.5, 10, "\u00e9\n"]
    assert values[3] != values[3] and values[4] == float("-inf") and values[5] is False


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 1, 1),
        ('{\n  "a": 1,\n}', 3, 1),
        ('{"a" 1}', 1, 6),
        ("[1 2]", 1, 4),
        ('{"a": 1}\nx', 2, 1),
        ('{"a": tru}', 1, 7),
    ],
)
def test_errors_have_positions(text: str, line: int, column: int) -> None:
    with pytest.raises(SourceParseError) as caught:
        parse_json(text)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_depth_limit() -> None:
    with pytest.raises(SourceParseError, match="nesting"):
        parse_json("[" * 10_000 + "]" * 10_000)
    assert parse_json("[" * 400 + "]" * 400).root is not None


def test_jsonl_first_record_positions_in_file() -> None:
    text = '\n  \n{"iin": "720708487992", "city": "Astana"}\n{"iin": 1}\n'
    doc = parse_jsonl_first_record(text)
    assert doc is not None
    assert doc.get("city").span == Span(3, 33, 3, 41)  # type: ignore[union-attr]
    assert parse_jsonl_first_record("\n\n") is None
    with pytest.raises(SourceParseError) as caught:
        parse_jsonl_first_record('\n{"a": }\n')
    assert caught.value.line == 2
