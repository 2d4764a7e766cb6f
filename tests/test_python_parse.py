"""`sources.python.parse_module` builds the same trees as `libcst.parse_module` and leaves
libcst's node validation as it found it."""
from __future__ import annotations

import inspect
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


def test_constructors_are_back_after_a_parse_and_after_a_failed_one() -> None:
    from kzai_lint.sources.parser_nodes import constructors

    owned = {cls: cls.__dict__["__init__"] for cls, _, _ in constructors()}
    assert len(owned) > 100  # every common node class: Name, Call, Attribute, ...
    assert cst.Name in owned and cst.SimpleStatementLine in owned
    names = [cls.__qualname__ for cls in owned]
    assert len(names) == len(set(names))  # not also the unslotted classes `add_slots` remade
    parse_module("x = f(y)\n")
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("def (:\n")
    assert {cls: cls.__dict__["__init__"] for cls in owned} == owned
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_a_plain_constructor_stores_what_libcsts_stores() -> None:
    """Same parameters, same defaults (a default factory included), same stored values."""
    from kzai_lint.sources.parser_nodes import constructors

    for cls, plain, own in constructors():
        assert inspect.signature(plain).parameters.keys() == inspect.signature(own).parameters.keys(), cls
    name = cst.Name.__new__(cst.Name)
    plain = {cls: fast for cls, fast, _ in constructors()}[cst.Name]
    plain(name, "value")
    assert name.deep_equals(cst.Name("value"))


def test_a_session_keeps_the_constructors_until_it_ends() -> None:
    from kzai_lint.sources import parser_nodes

    own = cst.Name.__dict__["__init__"]
    with parser_nodes.session():
        parse_module("x = 1\n")
        assert cst.Name.__dict__["__init__"] is not own  # still in place between files
        with parser_nodes.session():
            parse_module("y = 2\n")
        assert cst.Name.__dict__["__init__"] is not own  # an inner session ends, the outer holds
    assert cst.Name.__dict__["__init__"] is own
    with parser_nodes.session():
        pass  # nothing parsed: nothing to restore
    assert cst.Name.__dict__["__init__"] is own
