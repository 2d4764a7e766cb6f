"""TOML: values from tomllib, lines and columns from the locator."""
from __future__ import annotations

import sys
import textwrap

import pytest

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.toml_doc import parse_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = textwrap.dedent(
    '''\
    # Model card tooling
    [project]
    name = "vit-fer-small"  # the hub id
    dependencies = [
        "transformers>=4.40",  # a comment with ] and "quotes"
        "torch",
    ]
    optional-dependencies.dev = ["pytest"]

    [tool.kzai-lint]
    select = ["KZ3"]

    [tool.kzai-lint.system]
    risk = "high"
    risk-reviewed = 2026-10-15
    "quoted.key" = { labels = ["angry", "happy"], nested = { depth = 2 } }
    notes = """
    multi-line "text"
    """

    [[tool.kzai-lint.system.purposes]]
    name = "triage"

    [[tool.kzai-lint.system.purposes]]
    name = "audit"
    [tool.kzai-lint.system.purposes.limits]
    max = 3
    '''
)


def test_values_are_tomllib_values() -> None:
    doc = parse_toml(PYPROJECT)
    assert doc.root is not None and doc.root.value == tomllib.loads(PYPROJECT)


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("project",), 2, 1),
        (("project", "name"), 3, 8),
        (("project", "dependencies"), 4, 16),
        (("project", "dependencies", 0), 5, 5),
        (("project", "dependencies", 1), 6, 5),
        (("project", "optional-dependencies"), 8, 1),
        (("project", "optional-dependencies", "dev", 0), 8, 30),
        (("tool",), 10, 1),
        (("tool", "kzai-lint", "select", 0), 11, 11),
        (("tool", "kzai-lint", "system"), 13, 1),
        (("tool", "kzai-lint", "system", "risk"), 14, 8),
        (("tool", "kzai-lint", "system", "risk-reviewed"), 15, 17),
        (("tool", "kzai-lint", "system", "quoted.key", "labels", 1), 16, 37),
        (("tool", "kzai-lint", "system", "quoted.key", "nested", "depth"), 16, 66),
        (("tool", "kzai-lint", "system", "notes"), 17, 9),
        (("tool", "kzai-lint", "system", "purposes"), 21, 1),
        (("tool", "kzai-lint", "system", "purposes", 0, "name"), 22, 8),
        (("tool", "kzai-lint", "system", "purposes", 1), 24, 1),
        (("tool", "kzai-lint", "system", "purposes", 1, "name"), 25, 8),
        (("tool", "kzai-lint", "system", "purposes", 1, "limits", "max"), 27, 7),
    ],
)
def test_locations(path: tuple[str | int, ...], line: int, column: int) -> None:
    node = parse_toml(PYPROJECT).get(*path)
    assert node is not None
    assert (node.span.line, node.span.column) == (line, column)


def test_key_spans_and_value_extent() -> None:
    doc = parse_toml(PYPROJECT)
    risk = doc.get("tool", "kzai-lint", "system", "risk")
    assert risk is not None
    assert risk.key_span == Span(14, 1, 14, 5)
    assert risk.span == Span(14, 8, 14, 14)
    deps = doc.get("project", "dependencies")
    assert deps is not None and (deps.span.line, deps.span.end_line) == (4, 7)
    header = doc.get("tool", "kzai-lint", "system")
    assert header is not None and header.key_span == Span(13, 17, 13, 23)


def test_quoted_header_keys_and_literal_strings() -> None:
    doc = parse_toml("[tool.\"x.y\"]\nq = 'C:\\\\x'\n[a]\nb.c = 1\n")
    assert doc.get("tool", "x.y", "q").span == Span(2, 5, 2, 12)  # type: ignore[union-attr]
    assert doc.get("a", "b").span.line == 4  # type: ignore[union-attr]
    assert doc.get("a", "b", "c").span == Span(4, 7, 4, 8)  # type: ignore[union-attr]


def test_nodes_are_pre_order_with_root_first() -> None:
    doc = parse_toml("a = 1\n[t]\nx = [1, 2]\n")
    paths = [n.key_path for n in doc.nodes]
    assert paths == [(), ("a",), ("t",), ("t", "x"), ("t", "x", 0), ("t", "x", 1)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a = 1\nb = \n", 2, 5), ("[a]\nx = 1\n[a]\n", 3, 3), ('s = "open\n', 1, 10)],
)
def test_decode_errors_have_positions(text: str, line: int, column: int) -> None:
    with pytest.raises(SourceParseError) as caught:
        parse_toml(text)
    assert (caught.value.line, caught.value.column) == (line, column)


def test_deep_arrays_fail_cleanly() -> None:
    with pytest.raises(SourceParseError):
        parse_toml("a = " + "[" * 2000 + "]" * 2000)


def test_bom_is_ignored() -> None:
    assert parse_toml("\ufeffa = 1\n").get("a").span.line == 1  # type: ignore[union-attr]
