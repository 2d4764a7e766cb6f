"""`check(paths, ...) -> RunResult`: the one entry point used by the CLI, tests and IDE tasks."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from kzai_lint import catalogue as catalogue_mod
from kzai_lint import registry, selection
from kzai_lint.config import Settings, UsageError, load_settings
from kzai_lint.discovery import discover
from kzai_lint.engine import ScanPlan, run
from kzai_lint.model import RunResult
from kzai_lint.rule import Rule


def scan_root(paths: Sequence[Path]) -> Path:
    """The root findings are relative to: the one directory given, else the current directory."""
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0].resolve()
    return Path.cwd().resolve()


def enabled_rules(settings: Settings, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Rule]:
    cat = catalogue_mod.load()
    packs = registry.load_packs(cat)
    classes = [r for p in packs for r in p.rules]
    known_codes = set(cat.codes)
    known_ids = {r.meta.id for r in classes}
    chosen_select = list(select) or list(settings.select) + list(settings.extend_select)
    chosen_ignore = list(settings.ignore) + list(ignore)
    for sel in (*chosen_select, *chosen_ignore):
        selection.validate_selector(sel, known_codes, known_ids)
    out = []
    for cls in classes:
        clause = cat.codes[cls.meta.code].clause
        if selection.is_selected(cls.meta.code, clause, cls.meta.id, chosen_select, chosen_ignore):
            out.append(cls(cat, settings.rule_options.get(cls.meta.id)))
    return out


def check(
    paths: Sequence[str | os.PathLike[str]] = (".",),
    *,
    settings: Settings | None = None,
    config_file: Path | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: int = 1,
    debug: bool = False,
    use_prefilter: bool = True,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    resolved = [Path(p) for p in paths] or [Path(".")]
    for p in resolved:
        if not p.exists():
            raise UsageError(f"path does not exist: {p}")
    root = scan_root(resolved)
    if settings is None:
        start = resolved[0].resolve() if len(resolved) == 1 else root
        settings = load_settings(start if start.is_dir() else start.parent, config_file)
        settings = settings.with_overrides(root=root, **(overrides or {}))
    rules = enabled_rules(settings, select, ignore)
    plan = ScanPlan(tuple(rules), catalogue_mod.load(), settings, debug=debug, use_prefilter=use_prefilter)
    excludes = tuple(settings.exclude) + tuple(settings.extend_exclude)
    found = discover(resolved, root, excludes, explicit_files_ok=False)
    return run(root, found, plan, jobs=jobs)
