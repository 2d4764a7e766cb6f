"""YAML: values like safe_load, exact positions, aliases, tags and hostile documents."""
from __future__ import annotations

import datetime
import textwrap

import pytest
import yaml

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.config_tree import iter_strings
from kzai_lint.sources import yaml_doc
from kzai_lint.sources.yaml_doc import parse_yaml

FAIRFACE = textwrap.dedent(
    """\
    backbone: resnet34
    input_size: 224
    heads:
      race: [White, Black, Latino_Hispanic, East Asian]
      gender:
        - Male
        - Female
      age: ["0-2", "3-9"]
    detector:
      padding: 0.25
      enabled: yes
      upsample: ~
    reviewed: 2026-10-15
    """
)


def test_values_match_safe_load() -> None:
    (doc,) = parse_yaml(FAIRFACE)
    assert doc.root is not None
    assert doc.root.value == yaml.safe_load(FAIRFACE)
    assert doc.get("detector", "enabled").value is True  # type: ignore[union-attr]
    assert doc.get("reviewed").value == datetime.date(2026, 10, 15)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "line", "column", "end_column"),
    [
        (("backbone",), 1, 11, 19),
        (("heads", "race"), 4, 9, 52),
        (("heads", "race", 3), 4, 41, 51),
        (("heads", "gender", 0), 6, 7, 11),
        (("heads", "gender", 1), 7, 7, 13),
        (("heads", "age", 1), 8, 16, 21),
        (("detector", "padding"), 10, 12, 16),
    ],
)
def test_value_spans(path: tuple[str | int, ...], line: int, column: int, end_column: int) -> None:
    node = parse_yaml(FAIRFACE)[0].get(*path)
    assert node is not None
    assert (node.span.line, node.span.column, node.span.end_column) == (line, column, end_column)


def test_key_spans_and_block_collection_extent() -> None:
    doc = parse_yaml(FAIRFACE)[0]
    race = doc.get("heads", "race")
    assert race is not None and race.key_span == Span(4, 3, 4, 7)
    heads = doc.get("heads")
    assert heads is not None
    assert heads.key_span == Span(3, 1, 3, 6)
    assert (heads.span.line, heads.span.end_line) == (4, 8)
    assert doc.get("heads", "race", 0).key_span is None  # type: ignore[union-attr]


def test_nodes_are_in_pre_order_with_root_first() -> None:
    doc = parse_yaml("a: [x, y]\nb: z\n")[0]
    assert [n.key_path for n in doc.nodes] == [(), ("a",), ("a", 0), ("a", 1), ("b",)]
    assert [n.value for n in iter_strings(doc)] == ["x", "y", "z"]


def test_multi_document_stream() -> None:
    docs = parse_yaml("a: 1\n---\nb: 2\n---\n- c\n")
    assert [d.document_index for d in docs] == [0, 1, 2]
    assert docs[1].get("b").span.line == 3  # type: ignore[union-attr]
    assert docs[2].get(0).value == "c"  # type: ignore[union-attr]
    assert parse_yaml("") == [] and parse_yaml("# only a comment\n") == []


def test_aliases_resolve_to_anchored_value_with_original_positions() -> None:
    text = "labels: &emo [angry, happy]\ntrain:\n  classes: *emo\n"
    doc = parse_yaml(text)[0]
    alias = doc.get("train", "classes")
    assert alias is not None and alias.value == ["angry", "happy"]
    assert alias.span.line == 3  # the alias itself
    assert doc.get("train", "classes", 1).span == Span(1, 22, 1, 27)  # type: ignore[union-attr]


def test_merge_keys_like_safe_load() -> None:
    text = "base: &b\n  lr: 0.1\n  labels: [a]\ntrain:\n  <<: *b\n  lr: 0.2\n"
    doc = parse_yaml(text)[0]
    assert doc.get("train").value == yaml.safe_load(text)["train"]  # type: ignore[union-attr]
    assert doc.get("train", "lr").span.line == 6  # type: ignore[union-attr]
    assert doc.get("train", "labels", 0).span.line == 3  # type: ignore[union-attr]
    assert doc.get("train", "<<") is None


def test_flow_mappings_and_non_string_keys() -> None:
    doc = parse_yaml("temperament: {angry: 0.6, fear: 0.8}\nid2label:\n  0: angry\n  1: happy\n")[0]
    assert doc.get("temperament", "fear").span == Span(1, 33, 1, 36)  # type: ignore[union-attr]
    assert doc.get("id2label").value == {0: "angry", 1: "happy"}  # type: ignore[union-attr]
    assert doc.get("id2label", "1").span.line == 4  # type: ignore[union-attr]


def test_tags_never_construct_objects() -> None:
    text = (
        "a: !!python/object/apply:os.system ['echo hi']\n"
        "b: !custom 12\nc: !!str 12\nd: !!int '7'\n"
    )
    doc = parse_yaml(text)[0]
    assert doc.root is not None
    assert doc.root.value == {"a": ["echo hi"], "b": 12, "c": "12", "d": 7}


def test_first_line_offsets_positions() -> None:
    doc = parse_yaml("license: mit\ntags: [a]\n", first_line=2)[0]
    assert doc.get("tags", 0).span.line == 3  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: [1, 2\nb: 3\n", "did not find expected", 2),
        ("a: *nope\n", "undefined alias", 1),
        ("a: &x [*x]\n", "recursive alias", 1),
        ("? [a]\n: 1\n", "unhashable", 1),
        ("ok: 1\nbad: \x01\n", "invalid character", 2),
    ],
)
def test_errors_carry_positions(text: str, message: str, line: int) -> None:
    with pytest.raises(SourceParseError, match=message) as caught:
        parse_yaml(text)
    assert caught.value.line == line


def test_billion_laughs_fails_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(SourceParseError, match="too many alias expansions"):
        parse_yaml("\n".join(lines))


def test_deep_nesting_is_a_parse_error_not_a_recursion_error() -> None:
    with pytest.raises(SourceParseError, match="nesting"):
        parse_yaml("[" * 10_000 + "]" * 10_000)


def test_pure_python_loader_gives_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = parse_yaml(FAIRFACE)
    monkeypatch.setattr(yaml_doc, "_LOADER", yaml.SafeLoader)
    assert parse_yaml(FAIRFACE) == expected
    with pytest.raises(SourceParseError) as caught:
        parse_yaml("a: [1, 2\nb: 3\n")
    assert caught.value.line == 2
