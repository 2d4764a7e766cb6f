"""Literal values of call arguments: URLs and hub ids from literals, constants and f-strings.

The network judgement needs "where does this call go"; a URL is rarely a bare literal at the call
site, so the leading text of f-strings and concatenations on module constants is read too. What
cannot be read statically is `UNKNOWN`, never a guess.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

import libcst as cst

from kzai_lint.analysis.python_module import MISSING, UNKNOWN, CallSite
from kzai_lint.rules._runtime_signals import ArgRef


def module_constants(module: cst.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` constants, for URLs built in f-strings or by concatenation."""
    out: dict[str, str] = {}
    for stmt in module.body:
        if type(stmt) is not cst.SimpleStatementLine:
            continue
        for small in stmt.body:
            if type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name:
                value = _static_text(small.value, out)
                if value is not None:
                    out[small.targets[0].target.value] = value
    return out


def _static_text(node: cst.BaseExpression, consts: Mapping[str, str]) -> str | None:
    """The literal text, or the leading literal part, of a string expression."""
    if type(node) in (cst.SimpleString, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if type(node) is cst.Name:
        return consts.get(node.value)
    if type(node) is cst.BinaryOperation and type(node.operator) is cst.Add:
        return _static_text(node.left, consts)
    if type(node) is cst.FormattedString:
        text = ""
        for part in node.parts:
            if type(part) is cst.FormattedStringText:
                text += part.value
            elif type(part.expression) is cst.Name and part.expression.value in consts:
                text += consts[part.expression.value]
            else:
                break
        return text or None
    return None


def arg_node(site: CallSite, ref: ArgRef) -> cst.BaseExpression | None:
    positional = [a for a in site.node.args if a.keyword is None and not a.star]
    for a in site.node.args:
        if a.keyword is not None and a.keyword.value == ref.arg:
            return a.value
    if ref.position is not None and ref.position < len(positional):
        return positional[ref.position].value
    return None


def argument(site: CallSite, ref: ArgRef, consts: Mapping[str, str]) -> Any:
    """Literal value of an argument, the leading text of a built string, UNKNOWN or MISSING."""
    value = site.argument(ref.arg, ref.position)
    if value is UNKNOWN:
        node = arg_node(site, ref)
        if type(node) is cst.Call and node.args and node.args[0].keyword is None:
            node = node.args[0].value  # urlopen(Request(URL)), get(urljoin(BASE, path))
        text = _static_text(node, consts) if node is not None else None
        return text if text else UNKNOWN
    return value


def host_of(value: Any, bare: bool) -> str | None:
    """The host of a URL (or, for sockets, of `host:port` / `(host, port)`)."""
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return value[0] or None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "://" not in text and not bare:
        return None
    try:
        return urlsplit(text if "://" in text else "//" + text).hostname
    except ValueError:
        return None


def holds(site: CallSite, conditions: Mapping[str, Any] | None) -> Iterator[bool]:
    for key, want in (conditions or {}).items():
        value = site.kwargs.get(key, MISSING)
        wants = want if isinstance(want, list) else [want]
        yield value is not MISSING and value is not UNKNOWN and (value in wants or str(value).lower() in [str(w).lower() for w in wants])


__all__ = ["arg_node", "argument", "holds", "host_of", "module_constants"]
