"""`kzai-lint config show`: the resolved settings for a path and where each value came from.

When a compliance check passes, the first question is "with which settings?". Ruff answers it
with `--show-settings` and Fixit with `debug`; we print every setting with its source (the
default, `file:key` of the config file that won, or the command line), as TOML-like text or JSON.
Loading goes through the same functions as `check` and validates the same way, so a config error
shows up here exactly as it would in a run.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from kzai_lint.config import Settings, load_settings

__all__ = ["SettingRow", "SettingsView", "render_json", "render_text", "resolve"]

# (config key, Settings attribute); extend-ignore is folded into `ignore` by the loader.
_ROWS = (
    ("select", "select"),
    ("extend-select", "extend_select"),
    ("ignore", "ignore"),
    ("per-file-ignores", "per_file_ignores"),
    ("exclude", "exclude"),
    ("extend-exclude", "extend_exclude"),
    ("fail-on", "fail_on"),
    ("min-confidence", "min_confidence"),
    ("consent-hooks", "consent_hooks"),
    ("oversight-hooks", "oversight_hooks"),
    ("baseline", "baseline"),
    ("require-reason", "require_reason"),
    ("ignore-suppressions", "ignore_suppressions"),
    ("fail-on-incomplete", "fail_on_incomplete"),
    ("max-file-size", "max_file_size"),
    ("max-notebook-size", "max_notebook_size"),
    ("max-parse-size", "max_parse_size"),
    ("file-timeout", "file_timeout"),
    ("rule-options", "rule_options"),
    ("system", "system"),
)
_CLI_FLAGS = {"select": "--select", "ignore": "--ignore", "baseline": "--baseline", "ignore-suppressions": "--ignore-suppressions"}


@dataclass(frozen=True, slots=True)
class SettingRow:
    """One effective setting and where its value came from, for `kzai-lint config`."""

    key: str
    value: Any
    source: str  # "default", "<config file>:<key>" or "CLI --flag"


@dataclass(frozen=True, slots=True)
class SettingsView:
    """The effective settings for one path, as `kzai-lint config` shows them."""

    path: str
    config: str | None
    rows: tuple[SettingRow, ...]
    rules: tuple[str, ...]


def resolve(
    path: Path,
    *,
    config_file: Path | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: Path | None = None,
    ignore_suppressions: bool = False,
) -> SettingsView:
    """Settings for scanning `path`, validated against the catalogue and the loaded rules."""
    from kzai_lint.api import enabled_rules

    target = path.resolve()
    settings = load_settings(target if target.is_dir() else target.parent, config_file)
    cli: dict[str, Any] = {}
    if baseline is not None:
        cli["baseline"] = str(baseline.resolve())
    if ignore_suppressions:
        cli["ignore_suppressions"] = True
    settings = settings.with_overrides(root=target if target.is_dir() else target.parent, **cli)
    rules = enabled_rules(settings, select, ignore)
    rows = [_row(key, attr, settings, select, ignore, cli) for key, attr in _ROWS]
    covered = {key for key, _ in _ROWS} | {"extend-ignore"}
    rows += [SettingRow(key, _plain(value), _file_source(settings, key)) for key, value in sorted(settings.raw.items()) if key not in covered]
    config = str(settings.config_path) if settings.config_path is not None else None
    return SettingsView(str(path), config, tuple(rows), tuple(r.meta.id for r in rules))


def _row(key: str, attr: str, settings: Settings, select: Sequence[str], ignore: Sequence[str], cli: Mapping[str, Any]) -> SettingRow:
    value = _plain(getattr(settings, attr))
    if key == "select" and select:
        return SettingRow(key, list(select), "CLI --select")
    if key == "ignore":
        sources = [_file_source(settings, k) for k in ("ignore", "extend-ignore") if k in settings.raw]
        if ignore:
            value = [*value, *ignore]
            sources.append("CLI --ignore")
        return SettingRow(key, value, " + ".join(sources) or "default")
    if attr in cli:
        return SettingRow(key, value, f"CLI {_CLI_FLAGS[key]}")
    if key in settings.raw:
        return SettingRow(key, value, _file_source(settings, key))
    return SettingRow(key, value, "default")


def _file_source(settings: Settings, key: str) -> str:
    return f"{settings.config_path}:{key}"


def _plain(value: Any) -> Any:
    """JSON-ready: enums by value, tuples as lists, mappings as dicts."""
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def render_json(view: SettingsView) -> str:
    data = {
        "path": view.path,
        "config": view.config,
        "settings": {row.key: {"value": row.value, "source": row.source} for row in view.rows},
        "rules": list(view.rules),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(view: SettingsView) -> str:
    """TOML-like lines, `key = value  # source`; tables (system, rule-options) in TOML syntax."""
    lines = [f"# kzai-lint settings for {view.path}", f"# config: {view.config or '(none found; defaults)'}", ""]
    for row in view.rows:
        if row.value is None:
            lines.append(f"# {row.key} is not set  # {row.source}")
        else:
            lines.append(f"{row.key} = {_toml(row.value)}  # {row.source}")
    lines.append(f"# {len(view.rules)} rule(s) enabled: {', '.join(view.rules)}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() else json.dumps(key, ensure_ascii=False)
