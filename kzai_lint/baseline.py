"""Baselines: record today's open findings by fingerprint, so `check` reports only new ones.

A baseline is debt (Fixit's `lint-fixme`), a suppression is a reviewed decision. Entries are
keyed by fingerprint, which ignores line numbers (bandit and checkov baselines do the same), so
unrelated edits above a finding keep it baselined. A file move changes the fingerprint (the path
is part of it) and is deliberately *not* absorbed: a compliance baseline must not follow code to
places nobody reviewed. Such a finding stays open with a note naming the old path, and its old
entry is listed as stale with `moved_to`.

File format (sorted, no timestamps, so it diffs well in review):
`{"schema_version": 1, "tool": {...}, "entries": [{fingerprint, code, path, message, evidence}]}`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from kzai_lint import __version__
from kzai_lint.config import ConfigError, Settings
from kzai_lint.model import BaselineEntry, BaselineReport, Finding, RunResult, Status

__all__ = [
    "DEFAULT_NAME",
    "SCHEMA_VERSION",
    "Baseline",
    "apply",
    "configured",
    "default_output",
    "discovery_excludes",
    "dumps",
    "entries_from",
    "read",
    "write",
]

SCHEMA_VERSION = 1
DEFAULT_NAME = ".kzai-lint-baseline.json"
_LOCATION = re.compile(r"\b(?:line|lines|cell)\s+\d+(?:-\d+)?|:\d+(?::\d+)?")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Baseline:
    """A saved baseline file: the findings a team accepted, matched by fingerprint on later runs."""

    path: Path
    display: str
    entries: tuple[BaselineEntry, ...]


# ---- writing ------------------------------------------------------------------------------------
def entries_from(findings: Iterable[Finding]) -> list[BaselineEntry]:
    """One sorted entry per open finding (mitigated, suppressed and baselined ones are not debt)."""
    entries = {
        f.fingerprint: BaselineEntry(f.fingerprint, f.code, f.path, f.message, f.evidence)
        for f in findings
        if f.status is Status.OPEN
    }
    return sorted(entries.values(), key=lambda e: (e.path, e.code, e.fingerprint))


def dumps(entries: Sequence[BaselineEntry]) -> str:
    data = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "kzai-lint", "version": __version__},
        "entries": [e.to_json() for e in entries],
    }
    import json  # here: a run without a baseline file does not need the json module

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, result: RunResult) -> int:
    """Write the baseline for `result`'s open findings; returns the number of entries."""
    entries = entries_from(result.findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(entries), encoding="utf-8")
    return len(entries)


# ---- reading ------------------------------------------------------------------------------------
def read(path: Path, display: str | None = None) -> Baseline:
    """Load and validate a baseline file; problems are `ConfigError`s naming the file."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror or exc}", path) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"not a kzai-lint baseline (invalid JSON: {exc})", path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError("not a kzai-lint baseline (expected an object with an 'entries' list)", path)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ConfigError(f"unsupported baseline schema_version {data.get('schema_version')!r} (expected {SCHEMA_VERSION})", path)
    entries = tuple(_entry(path, i, raw) for i, raw in enumerate(data["entries"]))
    return Baseline(path, display or str(path), entries)


def _entry(path: Path, index: int, raw: Any) -> BaselineEntry:
    keys = ("fingerprint", "code", "path")
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in keys):
        raise ConfigError(f"entries[{index}] needs string fields {', '.join(keys)}", path)
    return BaselineEntry(raw["fingerprint"], raw["code"], raw["path"], str(raw.get("message", "")), str(raw.get("evidence", "")))


def configured(settings: Settings) -> Baseline | None:
    """The baseline named by `--baseline` or `baseline = ...` (already resolved to a path)."""
    if not settings.baseline:
        return None
    path = Path(settings.baseline)
    if not path.is_file():
        from_config = settings.config_path is not None and "baseline" in settings.raw
        raise ConfigError(
            f"baseline file {path} does not exist; create it with `kzai-lint baseline -o {path.name}`",
            settings.config_path if from_config else None,
            "baseline" if from_config else "--baseline",
        )
    return read(path, _display(path, settings.root))


def _display(path: Path, root: Path) -> str:
    """The path as shown in reports: relative to the scan root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def discovery_excludes(settings: Settings, root: Path) -> tuple[str, ...]:
    """Baseline files are never scanned: their messages and evidence quote the findings."""
    patterns = [DEFAULT_NAME]
    if settings.baseline:
        shown = _display(Path(settings.baseline), root)
        if not os.path.isabs(shown):
            patterns.append(shown)
    return tuple(patterns)


# ---- applying -----------------------------------------------------------------------------------
def apply(result: RunResult, baseline: Baseline) -> RunResult:
    """Mark open findings recorded in the baseline `baselined`; report stale entries and moves.

    Only entries for codes whose rules ran can be stale: a run narrowed with `--select` says
    nothing about the other entries.
    """
    recorded = {e.fingerprint: e for e in baseline.entries}
    codes_run = {rule_id.split("/", 1)[0] for rule_id in result.rules_run}
    matched: set[str] = set()
    findings: list[Finding] = []
    for f in result.findings:
        if f.status is Status.OPEN and f.fingerprint in recorded:
            matched.add(f.fingerprint)
            f = replace(f, status=Status.BASELINED, mitigation=f"in baseline {baseline.display}")
        findings.append(f)
    stale = [e for e in baseline.entries if e.fingerprint not in matched and e.code in codes_run]
    findings, stale = _report_moves(findings, stale)
    report = BaselineReport(baseline.display, tuple(stale))
    return replace(result, findings=tuple(findings), baseline=report)


def _report_moves(findings: list[Finding], stale: list[BaselineEntry]) -> tuple[list[Finding], list[BaselineEntry]]:
    """Open findings that look like a stale entry under another path get a note; the entry
    records where its finding went. Each entry explains at most one finding."""
    out: list[Finding] = []
    for f in findings:
        entry = next((e for e in stale if e.moved_to is None and f.status is Status.OPEN and _same_finding(f, e)), None)
        if entry is not None:
            stale[stale.index(entry)] = replace(entry, moved_to=f.path)
            note = f" (file moved from {entry.path}: its baseline entry does not cover the new path; review it and re-record the baseline)"
            f = replace(f, message=f.message + note)
        out.append(f)
    return out, stale


def _same_finding(f: Finding, e: BaselineEntry) -> bool:
    if f.code != e.code or f.path == e.path:
        return False
    if f.fingerprint.rsplit(":", 1)[-1] == e.fingerprint.rsplit(":", 1)[-1]:
        return True  # same anchor, evidence and occurrence: only the path changed
    same_evidence = _WS.sub(" ", f.evidence).strip() == _WS.sub(" ", e.evidence).strip()
    return same_evidence and _unlocated(f.message, f.path) == _unlocated(e.message, e.path)


def _unlocated(message: str, path: str) -> str:
    """The message without its own path, module name and line/column references."""
    module = re.sub(r"\.pyi?$|\.ipynb$", "", path).replace("/", ".")
    for text in (path, module):
        if text:
            message = message.replace(text, "")
    return _WS.sub(" ", _LOCATION.sub("", message)).strip()


def default_output(paths: Sequence[Path], config_file: Path | None) -> Path:
    """Where `kzai-lint baseline` writes without `-o`: the configured `baseline`, else
    `.kzai-lint-baseline.json` in the current directory."""
    from kzai_lint.config import load_settings

    start = paths[0].resolve() if len(paths) == 1 else Path.cwd()
    settings = load_settings(start if start.is_dir() else start.parent, config_file)
    return Path(settings.baseline) if settings.baseline else Path(DEFAULT_NAME)
