"""Validate the parts of a config file that need the catalogue and the loaded rules.

`config.py` checks shapes and keys while reading TOML; whether `KZ36` is a code, `17(3)(9)` a
clause, `KZ306/libary-call` a rule id or `consent-hooks[0]` a usable hook can only be answered
once the catalogue and rule packs are loaded. A wrong value here would silently switch a rule
off, so each one is a `ConfigError` (exit 2) naming the file and the key, with a "did you mean".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Collection, Iterable

from kzai_lint.catalogue import Catalogue
from kzai_lint.config import ConfigError, Settings

__all__ = ["known_clauses", "selector_problem", "validate"]

_CLAUSE = re.compile(r"^17\(\d+\)(?:\(\d+\))?$")
_CODE = re.compile(r"^KZ\d{0,3}$")
_SELECTOR_KEYS = ("select", "extend-select", "ignore", "extend-ignore")


def known_clauses(catalogue: Catalogue) -> set[str]:
    """Every clause a code maps to, plus its paragraph (`17(3)(6)` also gives `17(3)`)."""
    clauses = {info.clause for info in catalogue.codes.values() if info.clause}
    return clauses | {c.split(")(")[0] + ")" for c in clauses}


def selector_problem(value: str, codes: Collection[str], clauses: Collection[str], rule_ids: Collection[str]) -> str | None:
    """Why `value` is not a code, code prefix, clause or rule id; None when it is one."""
    if value in rule_ids or value in clauses:
        return None
    if _CODE.match(value) and any(code.startswith(value) for code in codes):
        return None
    kind = "clause" if _CLAUSE.match(value) else "code" if re.match(r"^KZ\d+$", value) else "selector"
    return f"unknown {kind} {value!r}{_did_you_mean(value, [*codes, *clauses, *rule_ids])}"


def validate(settings: Settings, catalogue: Catalogue, rule_ids: Collection[str]) -> None:
    """Raise `ConfigError` for the first unknown selector, rule id or malformed hook."""
    path = settings.config_path
    if path is None:
        return
    raw = settings.raw
    codes = set(catalogue.codes)
    clauses = known_clauses(catalogue)
    for key in _SELECTOR_KEYS:
        _check_selectors(path, key, raw.get(key), codes, clauses, rule_ids)
    per_file = raw.get("per-file-ignores")
    if isinstance(per_file, dict):
        for glob, values in per_file.items():
            _check_selectors(path, f'per-file-ignores."{glob}"', values, codes, clauses, rule_ids)
    options = raw.get("rule-options")
    if isinstance(options, dict):
        for rule_id in options:
            if rule_id not in rule_ids:
                raise ConfigError(f"unknown rule id {rule_id!r}{_did_you_mean(rule_id, rule_ids)}", path, f'rule-options."{rule_id}"')
    if any(key.endswith("-hooks") for key in raw):
        # mitigation imports libcst (0.2 s): only when hooks are configured.
        from kzai_lint.mitigation import HOOK_KINDS

        for kind in HOOK_KINDS:
            _check_hooks(path, f"{kind}-hooks", kind, raw.get(f"{kind}-hooks"))


def _check_selectors(path: Path, key: str, values: Any, codes: set[str], clauses: set[str], rule_ids: Collection[str]) -> None:
    for value in _strings(values):
        problem = selector_problem(value, codes, clauses, rule_ids)
        if problem is not None:
            raise ConfigError(problem, path, key)


def _check_hooks(path: Path, key: str, kind: str, value: Any) -> None:
    if value is None:
        return
    from kzai_lint.mitigation import parse_hook_specs

    try:
        parse_hook_specs(value, kind)
    except ValueError as exc:
        message = str(exc)
        # parse_hook_specs names the entry ("consent-hooks[1]: ..."): keep that as the key.
        where, sep, rest = message.partition(": ")
        if sep and where.startswith(key):
            raise ConfigError(rest, path, where) from None
        raise ConfigError(message, path, key) from None


def _strings(values: Any) -> Iterable[str]:
    if isinstance(values, str):
        return (values,)
    if isinstance(values, list):
        return (v for v in values if isinstance(v, str))
    return ()


def _did_you_mean(value: str, options: Iterable[str]) -> str:
    import difflib  # only when a value is wrong

    close = difflib.get_close_matches(value, sorted(set(options)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
