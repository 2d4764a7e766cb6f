"""One plain, order-independent value for settings and options, for hashing into keys.

The result cache's run key and the startup index's per-settings keywords both need "equal
settings give an equal value" whatever the order of sets and tables; this is that value.
"""
from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

__all__ = ["canonical"]


def canonical(value: Any) -> Any:
    """A JSON value that is equal for equal settings, whatever the set or dict order."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, Mapping):
        return sorted(([str(k), canonical(v)] for k, v in value.items()), key=lambda item: item[0])
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (PurePath, datetime.date, datetime.time)):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, canonical({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})]
    return repr(value)
