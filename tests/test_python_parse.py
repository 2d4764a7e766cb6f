"""`sources.python.parse_module` builds the same trees as `libcst.parse_module` and leaves
libcst's node validation as it found it."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from kzai_lint.sources.python import parse_module

REPO = Path(__file__).resolve().parent.parent


def test_trees_equal_libcsts_own() -> None:
    paths = sorted((REPO / "fixtures").rglob("*.py")) + sorted((REPO / "kzai_lint").rglob("*.py"))[::8]
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        ours = parse_module(text)
        assert ours.deep_equals(cst.parse_module(text)), path
        assert ours.code == text


def test_validation_is_back_after_a_parse_and_after_a_failed_one() -> None:
    parse_module("x = 1\n")
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
