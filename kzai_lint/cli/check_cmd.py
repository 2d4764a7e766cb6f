"""`kzai-lint check`: scan paths and report findings."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from kzai_lint.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, cli, guarded, split_values, use_color


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE.")
@click.option("--select", multiple=True, help="Codes (KZ306), prefixes (KZ3), clauses (17(3)) or rule ids to enable; comma-separated or repeated.")
@click.option("--ignore", multiple=True, help="Codes, prefixes, clauses or rule ids to disable.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Use this config file.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with open findings (errors still exit 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only; no summary when clean.")
@click.option("--show-mitigated", is_flag=True, help="Also list mitigated, suppressed and baselined findings in text output.")
@click.option("--ignore-suppressions", is_flag=True, help="Audit mode: inline suppressions do not apply.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be scanned.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: number of CPUs).")
@click.option("--no-prefilter", is_flag=True, hidden=True, help="Parse every file (for equivalence tests).")
@click.option("--debug", is_flag=True, help="Show tracebacks and re-raise rule errors.")
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    exit_zero: bool,
    quiet: bool,
    show_mitigated: bool,
    ignore_suppressions: bool,
    strict: bool,
    jobs: int,
    no_prefilter: bool,
    debug: bool,
) -> None:
    """Scan PATHS (default: the current directory) and report findings."""

    def run() -> int:
        from kzai_lint.api import check as api_check
        from kzai_lint.model import Status
        from kzai_lint.reporters import get_reporter

        targets = list(paths) or [Path(".")]
        overrides: dict[str, Any] = {}
        if ignore_suppressions:
            overrides["ignore_suppressions"] = True
        result = api_check(
            targets,
            config_file=config_file,
            select=split_values(select),
            ignore=split_values(ignore),
            jobs=jobs if jobs > 0 else (os.cpu_count() or 1),
            debug=debug,
            use_prefilter=not no_prefilter,
            overrides=overrides,
        )
        out: IO[str] = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            reporter = get_reporter(fmt, color=fmt == "text" and output is None and use_color(sys.stdout), show_mitigated=show_mitigated, quiet=quiet)
            reporter.render(result, out)
        finally:
            if output:
                out.close()
        failing = [f for f in result.findings if f.status is Status.OPEN and f.severity.rank >= result.fail_on.rank]
        if strict and result.errors:
            click.echo(f"kzai-lint: {len(result.errors)} file(s) could not be fully scanned (--strict)", err=True)
            return EXIT_ERROR
        if failing and not exit_zero:
            return EXIT_FINDINGS
        return EXIT_CLEAN

    raise SystemExit(guarded(debug, run))


