"""`require-plugins = ["kzai-lint-eu-ai-act>=0.1"]`: fail loudly when a pack is missing or too old.

A requirement names a pack (`eu-ai-act`) or the distribution that installs it
(`kzai-lint-eu-ai-act`), with optional version specifiers. `packaging` is used when it is
installed (it nearly always is); otherwise a small comparison of numeric release segments.
"""
from __future__ import annotations

import re
from importlib import metadata
from typing import Any, Sequence

from kzai_lint.config import ConfigError

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")
_CLAUSE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\d[A-Za-z0-9.*+!_-]*)\s*$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(name, [(operator, version), ...]); raises ValueError on malformed text."""
    match = _NAME.match(text)
    if not match:
        raise ValueError(f"not a requirement: {text!r}")
    name, rest = match.group(1), match.group(2).strip()
    clauses: list[tuple[str, str]] = []
    if rest:
        for part in rest.split(","):
            found = _CLAUSE.match(part)
            if not found:
                raise ValueError(f"bad version specifier {part.strip()!r} in {text!r}")
            clauses.append((found.group(1), found.group(2)))
    return name, clauses


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for piece in re.split(r"[.+-]", version):
        digits = re.match(r"\d+", piece)
        if not digits:
            break
        parts.append(int(digits.group(0)))
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _fallback_satisfies(version: str, clauses: Sequence[tuple[str, str]]) -> bool:
    have = _release(version)
    for op, want_text in clauses:
        if want_text.endswith(".*") and op in ("==", "!="):
            prefix = _release(want_text[:-2])
            same = have[: len(prefix)] == prefix or (not prefix)
            if (op == "==") != same:
                return False
            continue
        want = _release(want_text)
        ok = {
            ">=": have >= want,
            ">": have > want,
            "<=": have <= want,
            "<": have < want,
            "==": have == want,
            "===": version == want_text,
            "!=": have != want,
            "~=": have >= want and have[: max(len(want) - 1, 1)] == want[: max(len(want) - 1, 1)],
        }[op]
        if not ok:
            return False
    return True


def satisfies(version: str, clauses: Sequence[tuple[str, str]]) -> bool:
    if not clauses:
        return True
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import InvalidVersion
    except ImportError:  # pragma: no cover - packaging is almost always present
        return _fallback_satisfies(version, clauses)
    try:
        return SpecifierSet(",".join(op + v for op, v in clauses)).contains(version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return _fallback_satisfies(version, clauses)


def _installed_version(pack: Any) -> str:
    if pack.distribution:
        try:
            return metadata.version(pack.distribution)
        except metadata.PackageNotFoundError:
            pass
    return str(pack.version)


def check(settings: Any, packs: Sequence[Any]) -> None:
    """Raise PluginLoadError for the first requirement no loaded pack satisfies."""
    from kzai_lint.registry import PluginLoadError, autoload_disabled

    raw = getattr(settings, "raw", None) or {}
    value = raw.get("require-plugins")
    if value is None:
        return
    path = getattr(settings, "config_path", None)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError('must be a list of requirements such as "kzai-lint-eu-ai-act>=0.1"', path, "require-plugins")
    by_name = {}
    for pack in packs:
        by_name.setdefault(normalise(pack.name), pack)
        if pack.distribution:
            by_name.setdefault(normalise(pack.distribution), pack)
    for text in value:
        try:
            name, clauses = parse(text)
        except ValueError as exc:
            raise ConfigError(str(exc), path, "require-plugins") from None
        pack = by_name.get(normalise(name))
        if pack is None:
            installed = ", ".join(f"{p.name} {p.version}" for p in packs)
            hint = f" (plugin autoloading is disabled by {_autoload_env()})" if autoload_disabled() else f"; install it, e.g. pip install '{text}'"
            raise PluginLoadError(f"required plugin {text!r} ({path}: require-plugins) is not installed{hint}; loaded packs: {installed}", name)
        version = _installed_version(pack)
        if not satisfies(version, clauses):
            raise PluginLoadError(f"required plugin {text!r} ({path}: require-plugins) is not satisfied: {pack.name} {version} is installed", name)


def _autoload_env() -> str:
    from kzai_lint.registry import AUTOLOAD_ENV

    return AUTOLOAD_ENV
