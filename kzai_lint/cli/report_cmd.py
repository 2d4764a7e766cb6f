"""`kzai-lint report`: a clause-by-clause compliance report as Markdown or a self-contained HTML page.

The report is a document for people who sign off, not a CI gate, so it exits 0 whatever it
finds (2 on errors); `kzai-lint check` stays the gate. `--from-json` renders a saved run, so the
report archived with a release can be made from the very result CI produced.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from kzai_lint.cli import EXIT_CLEAN, cli, guarded, split_values
from kzai_lint.model import RunResult


def report_date() -> dt.datetime:
    """Now (UTC), or `SOURCE_DATE_EPOCH` when set, so that a rebuilt report is byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        from kzai_lint.config import UsageError

        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}") from None
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _selection(chosen: dict[str, Any]) -> list[str]:
    """The command-line choices that shaped the scan, shown in the report's header."""
    out = [f"--{key} {','.join(chosen[key])}" for key in ("select", "ignore") if chosen[key]]
    out += [f"--{key[:-5]} {chosen[key]}" for key in ("config_file", "baseline_file") if chosen[key] is not None]
    return out + (["--ignore-suppressions"] if chosen["ignore_suppressions"] else [])


def _scan(targets: list[Path], chosen: dict[str, Any], jobs: int, debug: bool) -> tuple[RunResult, dict[str, Any]]:
    """Scan as `check` does, with the same selection, config, baseline and audit switches."""
    from kzai_lint.api import check as api_check

    overrides: dict[str, Any] = {"ignore_suppressions": True} if chosen["ignore_suppressions"] else {}
    if chosen["baseline_file"] is not None:
        overrides["baseline"] = str(chosen["baseline_file"].resolve())
    result = api_check(
        targets,
        config_file=chosen["config_file"],
        select=chosen["select"],
        ignore=chosen["ignore"],
        jobs=jobs if jobs > 0 else (os.cpu_count() or 1),
        debug=debug,
        overrides=overrides,
    )
    return result, {"selection": _selection(chosen)}


def _saved(path: Path, targets: list[Path], chosen: dict[str, Any]) -> tuple[RunResult, dict[str, Any]]:
    """A saved result; scan options would be silently meaningless here, so they are an error."""
    from kzai_lint.config import UsageError
    from kzai_lint.report.saved import load_saved

    if any(chosen.values()):
        raise UsageError("--select, --ignore, --config, --baseline and --ignore-suppressions apply to a scan, not to --from-json")
    if len(targets) > 1 or not targets[0].is_dir():
        raise UsageError("with --from-json, give at most one PATH: the repository folder the result came from")
    saved = load_saved(path)
    options = {
        "tool_version": saved.tool_version,
        "catalogue_version": saved.catalogue_version,
        "source": str(path),
        "rules_recorded": saved.rules_recorded,
        "warnings": saved.warnings,
    }
    return saved.result, options


@cli.command(name="report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True, help="Markdown (PR comment, wiki) or one self-contained HTML page.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE (default: standard output).")
@click.option("--from-json", "from_json", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Render a saved `check --format json` result instead of scanning; PATHS then name the repository it came from (read for git and the declaration, not re-scanned).")
@click.option("--select", multiple=True, help="Codes, prefixes, clauses or rule ids to enable (as for check).")
@click.option("--ignore", multiple=True, help="Codes, prefixes, clauses or rule ids to disable (as for check).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Use this config file.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Report findings recorded in this baseline as `baselined` (as for check).")
@click.option("--ignore-suppressions", is_flag=True, help="Audit mode: inline suppressions do not apply.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: number of CPUs).")
@click.option("--debug", is_flag=True, help="Show tracebacks and re-raise rule errors.")
def report(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    from_json: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    baseline_file: Path | None,
    ignore_suppressions: bool,
    jobs: int,
    debug: bool,
) -> None:
    """Write a clause-by-clause Article 17 report for PATHS (default: the current directory)."""

    def run() -> int:
        from kzai_lint.api import scan_root
        from kzai_lint.report import build_report, render_html, render_markdown

        targets = list(paths) or [Path(".")]
        chosen = {"select": split_values(select), "ignore": split_values(ignore), "config_file": config_file, "baseline_file": baseline_file, "ignore_suppressions": ignore_suppressions}
        if from_json is not None:
            result, options = _saved(from_json, targets, chosen)
        else:
            result, options = _scan(targets, chosen, jobs, debug)
        view = build_report(result, root=scan_root(targets), generated=report_date(), scan_root=" ".join(str(p) for p in targets), **options)
        text = render_html(view) if fmt == "html" else render_markdown(view)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8", newline="\n")
        return EXIT_CLEAN

    raise SystemExit(guarded(debug, run))
