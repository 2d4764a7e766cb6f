"""ConfigDocument look-ups, iterators and the pickled parse error."""
from __future__ import annotations

import pickle

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import ConfigNode
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.config_tree import iter_sequences
from kzai_lint.sources.config_tree import iter_strings
from kzai_lint.sources.config_tree import line_offsets
from kzai_lint.sources.config_tree import span_from_offsets


def _span(line: int) -> Span:
    return Span(line, 1, line, 2)


def _doc() -> ConfigDocument:
    value = {"heads": {"race": ["White", "Black"]}, "size": 224}
    return ConfigDocument(
        nodes=(
            ConfigNode((), value, _span(1)),
            ConfigNode(("heads",), value["heads"], _span(2), _span(1)),
            ConfigNode(("heads", "race"), ["White", "Black"], _span(3), _span(3)),
            ConfigNode(("heads", "race", 0), "White", _span(3)),
            ConfigNode(("heads", "race", 1), "Black", _span(4)),
            ConfigNode(("size",), 224, _span(5), _span(5)),
        )
    )


def test_get_by_key_path_and_index() -> None:
    doc = _doc()
    assert doc.get("heads", "race", 1) is not None
    assert doc.get("heads", "race", 1).span.line == 4  # type: ignore[union-attr]
    assert doc.get("heads", "race", "1") is None
    assert doc.get("missing") is None
    assert doc.root is not None and doc.root.key_path == ()


def test_children_and_iterators() -> None:
    doc = _doc()
    assert [n.key for n in doc.children("heads", "race")] == [0, 1]
    assert [n.key for n in doc.children()] == ["heads", "size"]
    assert [n.value for n in iter_strings(doc)] == ["White", "Black"]
    assert [n.key_path for n in iter_sequences(doc)] == [(), ("heads",), ("heads", "race")]


def test_documents_compare_by_nodes_only() -> None:
    assert _doc() == _doc()


def test_parse_error_keeps_position_through_pickle() -> None:
    error = pickle.loads(pickle.dumps(SourceParseError("bad", 3, 7)))
    assert (error.message, error.line, error.column) == ("bad", 3, 7)
    assert str(error) == "bad (line 3, column 7)"
    assert str(SourceParseError("bad")) == "bad"
    assert isinstance(error, ValueError)


def test_offsets_become_one_based_spans() -> None:
    text = "ab\ncd\n"
    starts = line_offsets(text)
    assert starts == [0, 3, 6]
    assert span_from_offsets(starts, 3, 5) == Span(2, 1, 2, 3)
    assert span_from_offsets(starts, 3, 5, first_line=10) == Span(11, 1, 11, 3)
