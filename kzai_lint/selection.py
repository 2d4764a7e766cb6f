"""Which rules run: select/ignore by code, prefix, clause or rule id (flake8's decision engine).

Between a select and an ignore that both match, the more specific one wins; a clause selector
(`17(3)` or `17(3)(6)`) is as specific as the code it stands for.
"""
from __future__ import annotations

import fnmatch
import re
from typing import Iterable, Sequence

from kzai_lint.config import UsageError

_CLAUSE = re.compile(r"^17\(\d\)(\(\d\))?$")
_CODE = re.compile(r"^KZ\d{0,3}$")


def validate_selector(selector: str, known_codes: Iterable[str], known_ids: Iterable[str]) -> None:
    codes = set(known_codes)
    if _CLAUSE.match(selector):
        return
    if _CODE.match(selector):
        if len(selector) == 5 and selector not in codes:
            raise UsageError(f"unknown code {selector!r}")
        return
    if selector in set(known_ids):
        return
    raise UsageError(f"unknown selector {selector!r} (use a code such as KZ306, a prefix such as KZ3, a clause such as 17(3)(6), or a rule id)")


def _specificity(selector: str, code: str, clause: str | None, rule_id: str) -> int | None:
    """How specifically `selector` matches this rule (higher = more specific), None if not."""
    if selector == rule_id:
        return 100
    if _CLAUSE.match(selector):
        if clause is None:
            return None
        if clause == selector:
            return 5
        if clause.startswith(selector + "("):
            return 4
        return None
    if code.startswith(selector):
        return len(selector)
    return None


def is_selected(code: str, clause: str | None, rule_id: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    best_select = max((s for s in (_specificity(x, code, clause, rule_id) for x in select) if s is not None), default=None)
    if best_select is None:
        return False
    best_ignore = max((s for s in (_specificity(x, code, clause, rule_id) for x in ignore) if s is not None), default=None)
    return best_ignore is None or best_select > best_ignore


def per_file_ignored(path: str, code: str, clause: str | None, per_file: dict[str, tuple[str, ...]] | object) -> bool:
    if not isinstance(per_file, dict):
        return False
    for pattern, codes in per_file.items():
        if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern.rstrip("/") + "/*"):
            if any(_specificity(c, code, clause, "") is not None for c in codes):
                return True
    return False
