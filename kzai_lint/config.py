"""Find, read and validate `[tool.kzai-lint]` (pyproject.toml) or `kzai-lint.toml` into Settings.

The closest config file above the scanned path wins (ruff). Unknown keys are errors with a
"did you mean" hint: in a compliance tool a typo that silently turns a rule off is a defect.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from kzai_lint import limits
from kzai_lint.model import Confidence, Severity


def _toml() -> Any:
    """`tomllib` (`tomli` on 3.10), imported only when a TOML file is parsed: its import
    compiles regexes (~3 ms), and most pre-commit runs parse none (see `_names_our_table`)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10
        import tomli as tomllib
    return tomllib


def _names_our_table(text: str) -> bool:
    """Whether a pyproject.toml can hold a [tool.kzai-lint] table: the key is spelled out in
    any form TOML allows for it (bare, quoted, dotted, inline), so a file without the word has
    none and is not parsed (the usual pyproject, in every folder a config is looked for in)."""
    return "kzai-lint" in text


class KzaiLintError(Exception):
    """Base of the errors that end a run with exit code 2 and one clear line."""


class ConfigError(KzaiLintError):
    def __init__(self, message: str, path: Path | None = None, key: str | None = None) -> None:
        where = f"{path}" if path else "configuration"
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.key = key


class UsageError(KzaiLintError):
    pass


SETTING_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "fail-on",
    "min-confidence",
    "consent-hooks",
    "oversight-hooks",
    "baseline",
    "require-reason",
    "system",
    "rule-options",
    "plugins",
    "require-plugins",
    "fail-on-incomplete",
    "max-file-size",
    "max-notebook-size",
    "max-parse-size",
    "file-timeout",
    "jobs",
    "cache-dir",
    "extend",
}

SYSTEM_KEYS = {
    "risk",
    "risk-rationale",
    "critical-ict-infrastructure",
    "state-information-resources",
    "information-security-statement",
    "risk-register",
    "risk-reviewed",
    "autonomy",
    "governing-law",
    "objection-path",
    "mode",
    "restricted-data",
    "informatization-compliance",
    "allowed-endpoints",
    "lawful-basis",
    "purposes",
    "synthetic-output",
    "sector",
}

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    ".env",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "site-packages",
    "build",
    "dist",
    ".eggs",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".kzai_lint_cache",
    ".ipynb_checkpoints",
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run; frozen so workers can share it."""

    root: Path
    config_path: Path | None = None
    select: tuple[str, ...] = ("KZ",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.INFO
    min_confidence: Confidence = Confidence.LOW
    consent_hooks: tuple[Any, ...] = ()
    oversight_hooks: tuple[Any, ...] = ()
    baseline: str | None = None
    require_reason: bool = True
    system: Mapping[str, Any] = field(default_factory=dict)
    has_tool_table: bool = False
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_on_incomplete: bool = False
    max_file_size: int = limits.DEFAULT_MAX_FILE_SIZE  # see `limits` for what each limit bounds
    max_notebook_size: int = limits.DEFAULT_MAX_NOTEBOOK_SIZE
    max_parse_size: int = limits.DEFAULT_MAX_PARSE_SIZE
    file_timeout: float = limits.DEFAULT_FILE_TIMEOUT
    raw: Mapping[str, Any] = field(default_factory=dict)
    ignore_suppressions: bool = False

    def with_overrides(self, **changes: Any) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def find_config(start: Path) -> Path | None:
    """The closest pyproject.toml with a [tool.kzai-lint] table, or kzai-lint.toml, upward."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        own = folder / "kzai-lint.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not _names_our_table(text):
                continue
            tomllib = _toml()
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                continue
            if "kzai-lint" in (data.get("tool") or {}):
                return pyproject
        if (folder / ".git").exists():
            break
    return None


def load_settings(root: Path, config_file: Path | None = None) -> Settings:
    path = config_file if config_file is not None else find_config(root)
    if path is None:
        return Settings(root=root)
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path) from exc
    if path.name == "kzai-lint.toml":
        table = data
    else:
        table = (data.get("tool") or {}).get("kzai-lint") or {}
    return settings_from_table(root, path, table)


def _did_you_mean(key: str, options: set[str]) -> str:
    import difflib  # only when a key is wrong

    close = difflib.get_close_matches(key, sorted(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _str_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("must be a list of strings", path, key)
    return tuple(value)


def settings_from_table(root: Path, path: Path, table: Mapping[str, Any]) -> Settings:
    for key in table:
        if key not in SETTING_KEYS:
            raise ConfigError(f"unknown key{_did_you_mean(key, SETTING_KEYS)}", path, key)
    system = table.get("system") or {}
    if not isinstance(system, dict):
        raise ConfigError("must be a table", path, "system")
    for key in system:
        if key not in SYSTEM_KEYS:
            raise ConfigError(f"unknown key{_did_you_mean(key, SYSTEM_KEYS)}", path, f"system.{key}")
    kwargs: dict[str, Any] = {"root": root, "config_path": path, "system": system, "raw": dict(table)}
    kwargs["has_tool_table"] = any(k != "system" for k in table) or bool(system)
    for key, attr in (
        ("select", "select"),
        ("extend-select", "extend_select"),
        ("ignore", "ignore"),
        ("exclude", "exclude"),
        ("extend-exclude", "extend_exclude"),
    ):
        if key in table:
            kwargs[attr] = _str_list(path, key, table[key])
    if "extend-ignore" in table:
        kwargs["ignore"] = kwargs.get("ignore", ()) + _str_list(path, "extend-ignore", table["extend-ignore"])
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError("must be a table of glob = [codes]", path, "per-file-ignores")
        kwargs["per_file_ignores"] = {g: _str_list(path, f"per-file-ignores.{g}", v) for g, v in pfi.items()}
    if "fail-on" in table:
        kwargs["fail_on"] = _enum(path, "fail-on", table["fail-on"], Severity)
    if "min-confidence" in table:
        kwargs["min_confidence"] = _enum(path, "min-confidence", table["min-confidence"], Confidence)
    for key, attr in (("consent-hooks", "consent_hooks"), ("oversight-hooks", "oversight_hooks")):
        if key in table:
            value = table[key]
            if not isinstance(value, list):
                raise ConfigError("must be a list of hook names or tables", path, key)
            kwargs[attr] = tuple(value)
    if "baseline" in table:
        if not isinstance(table["baseline"], str) or not table["baseline"].strip():
            raise ConfigError("must be the path of a baseline file, relative to this config file", path, "baseline")
        # Relative to the config file, not the working directory, so every checkout agrees.
        kwargs["baseline"] = str(path.parent / table["baseline"])
    if "require-reason" in table:
        kwargs["require_reason"] = _bool(path, "require-reason", table["require-reason"])
    if "fail-on-incomplete" in table:
        kwargs["fail_on_incomplete"] = _bool(path, "fail-on-incomplete", table["fail-on-incomplete"])
    for key in ("max-file-size", "max-notebook-size", "max-parse-size"):
        if key in table:
            if not isinstance(table[key], int) or isinstance(table[key], bool) or table[key] <= 0:
                raise ConfigError("must be a positive number of bytes", path, key)
            kwargs[key.replace("-", "_")] = table[key]
    if "file-timeout" in table:
        if not isinstance(table["file-timeout"], (int, float)) or isinstance(table["file-timeout"], bool) or table["file-timeout"] < 0:
            raise ConfigError("must be a number of seconds (0 turns the per-file time budget off)", path, "file-timeout")
        kwargs["file_timeout"] = float(table["file-timeout"])
    if "rule-options" in table:
        options = table["rule-options"]
        if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
            raise ConfigError('must be a table of rule id = table, e.g. [tool.kzai-lint.rule-options."KZ306/library-call"]', path, "rule-options")
        kwargs["rule_options"] = dict(options)
    return Settings(**kwargs)


def _bool(path: Path, key: str, value: Any) -> bool:
    # `require-reason = "no"` must not silently mean True.
    if not isinstance(value, bool):
        raise ConfigError(f"must be true or false, got {value!r}", path, key)
    return value


def _enum(path: Path, key: str, value: Any, enum_type: type[Severity] | type[Confidence]) -> Any:
    try:
        return enum_type(str(value))
    except ValueError:
        allowed = {e.value for e in enum_type}
        raise ConfigError(f"{value!r} is not one of {sorted(allowed)}{_did_you_mean(str(value), allowed)}", path, key) from None


def read_declaration_file(root: Path) -> tuple[Path | None, Mapping[str, Any], bool]:
    """The repository's own pyproject.toml / kzai-lint.toml at the scan root: (path, system
    table, whether any [tool.kzai-lint] table exists). Used by the declaration rules, which judge
    the scanned repository even when the settings came from a config further up."""
    for name in ("kzai-lint.toml", "pyproject.toml"):
        path = root / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return path, {}, False
        if name == "pyproject.toml" and not _names_our_table(text):
            return path, {}, False
        tomllib = _toml()
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return path, {}, False
        table = data if name == "kzai-lint.toml" else (data.get("tool") or {}).get("kzai-lint")
        if table is None:
            if name == "pyproject.toml":
                return path, {}, False
            continue
        return path, table.get("system") or {}, True
    return None, {}, False
