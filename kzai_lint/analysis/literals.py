"""Values of literal expressions, as far as they can be known without running the code.

Rules ask for literal arguments (`model="gpt-4o"`, `labels=("happy", "sad")`), including names
bound to constants earlier in scope; anything else is `UNKNOWN`, never a guess.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import libcst as cst

if TYPE_CHECKING:
    from kzai_lint.analysis.scopes import Binding

UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN", "__bool__": lambda self: False})()
"""Sentinel for an argument whose value is not a literal we can evaluate."""

_CONSTANTS = {"True": True, "False": False, "None": None}


def literal_value(expr: cst.BaseExpression, lookup: Callable[[str], Binding | None]) -> Any:
    """Evaluate literal constants, collections of them and names bound to them (via `lookup`)."""
    # By exact type: these are libcst's concrete node classes (the parser builds no subclass),
    # and a failed `isinstance` against a libcst class goes through `ABCMeta.__instancecheck__`;
    # most arguments are none of them, and this is asked for every argument and assignment.
    evaluate = (_EVALUATE or _evaluators()).get(type(expr))
    return UNKNOWN if evaluate is None else evaluate(expr, lookup)


def _simple_string(expr: cst.SimpleString, lookup: Callable[[str], Binding | None]) -> Any:
    raw = expr.value
    if raw[:1] in ("'", '"') and "\\" not in raw and "\r" not in raw:
        # No prefix, no escapes, no carriage returns: the value is what is between the
        # quotes (`evaluated_value` runs `ast.literal_eval`, a compile per string).
        return raw[3:-3] if raw[:3] in ('"""', "'''") else raw[1:-1]
    try:
        return expr.evaluated_value
    except Exception:  # noqa: BLE001 - exotic prefixes; treat as unknown
        return UNKNOWN


def _concatenated(expr: cst.ConcatenatedString, lookup: Callable[[str], Binding | None]) -> Any:
    left, right = literal_value(expr.left, lookup), literal_value(expr.right, lookup)
    if type(left) is type(right) and isinstance(left, (str, bytes)):  # Python joins only like with like
        return left + right
    return UNKNOWN


def _integer(expr: cst.Integer, lookup: Callable[[str], Binding | None]) -> Any:
    return int(expr.value.replace("_", ""), 0) if expr.value[:2].lower() in ("0x", "0o", "0b") else int(expr.value.replace("_", ""))


def _float(expr: cst.Float, lookup: Callable[[str], Binding | None]) -> Any:
    try:
        return float(expr.value.replace("_", ""))
    except ValueError:
        return UNKNOWN


def _name(expr: cst.Name, lookup: Callable[[str], Binding | None]) -> Any:
    if expr.value in _CONSTANTS:
        return _CONSTANTS[expr.value]
    b = lookup(expr.value)
    return b.value if b is not None and b.kind == "value" else UNKNOWN


def _sequence(expr: cst.List | cst.Tuple | cst.Set, lookup: Callable[[str], Binding | None]) -> Any:
    return tuple(literal_value(el.value, lookup) if not isinstance(el, cst.StarredElement) else UNKNOWN for el in expr.elements)


def _negative(expr: cst.UnaryOperation, lookup: Callable[[str], Binding | None]) -> Any:
    if not isinstance(expr.operator, cst.Minus):
        return UNKNOWN
    inner = literal_value(expr.expression, lookup)
    return -inner if isinstance(inner, (int, float)) else UNKNOWN


def _dict_value(expr: cst.Dict, lookup: Callable[[str], Binding | None]) -> dict[Any, Any]:
    """Entries with a hashable literal key; `**spread` and other keys are left out."""
    out: dict[Any, Any] = {}
    for el in expr.elements:
        if isinstance(el, cst.DictElement):
            key = literal_value(el.key, lookup)
            if isinstance(key, (str, int, float, bool)) or key is None:
                out[key] = literal_value(el.value, lookup)
    return out


_EVALUATE: dict[type, Callable[[Any, Callable[[str], Any]], Any]] = {}
"""The node types `literal_value` can evaluate (everything else is UNKNOWN), filled on first use:
naming libcst's classes at import would load libcst in runs that parse nothing."""


def _evaluators() -> dict[type, Callable[[Any, Callable[[str], Any]], Any]]:
    _EVALUATE.update({
        cst.SimpleString: _simple_string,
        cst.ConcatenatedString: _concatenated,
        cst.Integer: _integer,
        cst.Float: _float,
        cst.Name: _name,
        cst.List: _sequence,
        cst.Tuple: _sequence,
        cst.Set: _sequence,
        cst.Dict: _dict_value,
        cst.UnaryOperation: _negative,
    })
    return _EVALUATE
