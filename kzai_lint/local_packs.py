"""Rule packs that live in the scanned repository (`[tool.kzai-lint] plugins = ["./lint_rules"]`).

A linter runs on untrusted pull requests, so importing code from the scanned tree is opt-in:
local packs load only with `--allow-local-plugins` or `KZAI_LINT_ALLOW_LOCAL_PLUGINS=1`.
Otherwise they are skipped with a warning and nothing from the repository is imported (Fixit
imports local rules unconditionally; we do not). A pack is a Python file or a package folder,
imported by path under a private module name (`kzai_local_<hash>`), exposing `PACK` (a
`RulePack`) or `RULES` (a sequence of rule classes).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from kzai_lint.config import ConfigError

ALLOW_ENV = "KZAI_LINT_ALLOW_LOCAL_PLUGINS"

_LOADED: dict[str, Any] = {}


def allowed(flag: bool | None) -> bool:
    """The command-line flag if given, else the environment variable."""
    if flag is not None:
        return flag
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def configured(settings: Any) -> tuple[str, ...]:
    """The `plugins` entries of the configuration (paths relative to the config file)."""
    raw = getattr(settings, "raw", None) or {}
    value = raw.get("plugins")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError("must be a list of paths to local rule packs", getattr(settings, "config_path", None), "plugins")
    return tuple(value)


def _base(settings: Any) -> Path:
    config_path = getattr(settings, "config_path", None)
    return Path(config_path).parent if config_path is not None else Path(getattr(settings, "root", "."))


def load_configured(settings: Any, *, allowed: bool) -> tuple[list[Any], tuple[str, ...]]:
    """(packs loaded, entries skipped): all skipped unless allowed."""
    entries = configured(settings)
    if not entries:
        return [], ()
    if not allowed:
        return [], entries
    base = _base(settings)
    return [load_path((base / entry).resolve(), label=entry) for entry in entries], ()


def skipped_warning(settings: Any, skipped: Sequence[str]) -> str:
    where = getattr(settings, "config_path", None) or "configuration"
    names = ", ".join(repr(s) for s in skipped)
    return (
        f"local rule pack(s) {names} from {where} were skipped: nothing from the scanned repository is "
        f"imported unless you pass --allow-local-plugins (or set {ALLOW_ENV}=1) for a repository you trust"
    )


def module_name(path: Path) -> str:
    return "kzai_local_" + hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:12]


def load_path(path: Path, *, label: str) -> Any:
    """Import the pack at `path` (a .py file or a package folder) and return its RulePack."""
    from kzai_lint.registry import PluginLoadError, as_pack

    key = str(path)
    if key in _LOADED:
        return _LOADED[key]
    name = module_name(path)
    if path.is_dir():
        init = path / "__init__.py"
        if not init.is_file():
            raise PluginLoadError(f"local rule pack {label!r}: {path} is a folder without __init__.py", label)
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(path)])
    elif path.is_file():
        spec = importlib.util.spec_from_file_location(name, path)
    else:
        raise PluginLoadError(f"local rule pack {label!r}: {path} does not exist", label)
    if spec is None or spec.loader is None:
        raise PluginLoadError(f"local rule pack {label!r}: cannot import {path}", label)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - whatever the pack raises, name it
        sys.modules.pop(name, None)
        raise PluginLoadError(f"local rule pack {label!r} failed to load ({path}): {type(exc).__name__}: {exc}", label, exc) from exc
    if not hasattr(module, "PACK") and not hasattr(module, "RULES"):
        raise PluginLoadError(f"local rule pack {label!r} ({path}) defines neither PACK nor RULES", label)
    pack = as_pack(module, name=f"local:{label}", version="local", origin=f"local {label} ({path})")
    _LOADED[key] = pack
    return pack
