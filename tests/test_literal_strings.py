"""String literals are read without `ast.literal_eval` when they can be; the value must be the
same either way."""
from __future__ import annotations

import ast
import warnings

import libcst as cst
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kzai_lint.analysis.literals import literal_value

_QUOTES = ['"', "'", '"""', "'''"]


def _source(body: str, quote: str, prefix: str) -> str | None:
    source = f"{prefix}{quote}{body}{quote}"
    try:
        _evaluate(source)
    except (SyntaxError, ValueError):
        return None
    return source


def _evaluate(source: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes are part of the generated input
        return ast.literal_eval(source)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\"'\\\n\r\tx{}")), max_size=12), st.sampled_from(_QUOTES), st.sampled_from(["", "r", "u", "b", "R"]))
@example(body='"b"', quote='"', prefix="b")  # b""b"": implicitly joined bytes literals
def test_string_values_match_python(body: str, quote: str, prefix: str) -> None:
    source = _source(body, quote, prefix)
    if source is None:
        return
    try:
        node = cst.parse_expression(source)
    except cst.ParserSyntaxError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert literal_value(node, lambda name: None) == _evaluate(source)


def test_implicitly_joined_literals_join_like_python() -> None:
    for source, value in (('"a" "b"', "ab"), ('b"a" b"b"', b"ab"), ("b'' b''", b"")):
        assert literal_value(cst.parse_expression(source), lambda name: None) == value
