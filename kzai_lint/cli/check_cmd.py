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
@click.option("--format", "fmt", metavar="FORMAT", default="text", show_default=True, help="text, json (the contract), sarif (2.1.0), github (Actions annotations), gitlab (Code Quality), junit (XML), or a reporter plugin's name.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE.")
@click.option("--select", multiple=True, help="Codes (KZ306), prefixes (KZ3), clauses (17(3)) or rule ids to enable; comma-separated or repeated.")
@click.option("--ignore", multiple=True, help="Codes, prefixes, clauses or rule ids to disable.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Use this config file.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Report findings recorded in this baseline as `baselined` (see `kzai-lint baseline`).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with open findings (errors still exit 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only; no summary when clean.")
@click.option("--show-mitigated", is_flag=True, help="Also list mitigated, suppressed and baselined findings in text output.")
@click.option("--ignore-suppressions", is_flag=True, help="Audit mode: inline suppressions do not apply.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be scanned.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: `jobs` from the config, else the number of CPUs); small inputs are scanned serially.")
@click.option("--no-prefilter", is_flag=True, hidden=True, help="Parse every file (for equivalence tests).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), envvar="KZAI_LINT_CACHE_DIR", help="Result cache folder (default: `cache-dir` from the config, else .kzai_lint_cache in the scanned root). Also KZAI_LINT_CACHE_DIR.")
@click.option("--diff", "--changed-since", "diff_base", metavar="REF", help="Pull-request mode: only findings on lines added or changed since the git revision REF (plus untracked files and file- or repository-level findings).")
@click.option("--stdin-filename", type=click.Path(path_type=Path, dir_okay=False), help="Read the content from standard input and report it as this path (editors); the config is resolved for it.")
@click.option("--statistics", is_flag=True, help="After the report, print counts per code and clause (on stderr for machine formats).")
@click.option("--allow-local-plugins", is_flag=True, default=None, help="Import the local rule packs named in the config's `plugins` (code from the scanned repository: only for repositories you trust). Also KZAI_LINT_ALLOW_LOCAL_PLUGINS=1.")
@click.option("--debug", is_flag=True, help="Show tracebacks and re-raise rule errors.")
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    baseline_file: Path | None,
    exit_zero: bool,
    quiet: bool,
    show_mitigated: bool,
    ignore_suppressions: bool,
    strict: bool,
    jobs: int,
    no_prefilter: bool,
    no_cache: bool,
    cache_dir: Path | None,
    diff_base: str | None,
    stdin_filename: Path | None,
    statistics: bool,
    allow_local_plugins: bool | None,
    debug: bool,
) -> None:
    """Scan PATHS (default: the current directory) and report findings."""

    def run() -> int:
        from kzai_lint.api import check as api_check
        from kzai_lint.model import Status
        from kzai_lint.reporters import get_reporter

        from kzai_lint.cli.progress import ScanProgress
        from kzai_lint.config import UsageError

        from kzai_lint.reporters import FORMATS, available_formats

        if fmt not in FORMATS and fmt not in available_formats():  # plugins join at run time: no click.Choice
            raise UsageError(f"unknown format {fmt!r}; available formats: {', '.join(available_formats())}")
        targets = list(paths) or [Path(".")]
        buffers: dict[Path, str] | None = None
        if stdin_filename is not None:
            if paths:
                raise UsageError("--stdin-filename reads one file from standard input: give no PATHS")
            targets, buffers = [stdin_filename], {stdin_filename: _read_stdin()}
        progress = ScanProgress()
        overrides: dict[str, Any] = {}
        if ignore_suppressions:
            overrides["ignore_suppressions"] = True
        if baseline_file is not None:
            overrides["baseline"] = str(baseline_file.resolve())
        result = api_check(
            targets,
            config_file=config_file,
            select=split_values(select),
            ignore=split_values(ignore),
            jobs=max(jobs, 0),  # 0: the config's `jobs`, else the CPUs
            debug=debug,
            use_prefilter=not no_prefilter,
            cache=not no_cache,
            cache_dir=cache_dir,
            overrides=overrides,
            buffers=buffers,
            changed_since=diff_base,
            progress=progress,
            allow_local_plugins=allow_local_plugins or None,
        )
        progress.close()
        if os.environ.get("KZAI_LINT_STATS"):  # diagnostics for bench/: what the per-file stage did
            click.echo("kzai-lint: stats: " + " ".join(f"{k}={v}" for k, v in result.stats.items()), err=True)
        out: IO[str] = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            rules: Any = ()
            if fmt == "sarif":
                from kzai_lint.rule_info import describe_rules

                rules = describe_rules(result.rules_run)
            reporter = get_reporter(fmt, color=fmt == "text" and output is None and use_color(sys.stdout), show_mitigated=show_mitigated, quiet=quiet, rules=rules)
            reporter.render(result, out)
            if statistics:
                from kzai_lint.reporters.statistics import render_statistics

                render_statistics(result, out if fmt == "text" else sys.stderr)
        finally:
            if output:
                out.close()
        if fmt == "text":
            from kzai_lint.reporters.notices import notice_lines

            for line in notice_lines(result):  # warnings and stale baseline entries
                click.echo(line, err=True)
        else:
            for warning in result.warnings:  # skipped local packs are said on stderr in every format
                if warning.kind == "local-plugins-skipped":
                    click.echo(f"kzai-lint: warning: {warning.message}", err=True)
        failing = [f for f in result.findings if f.status is Status.OPEN and f.severity.rank >= result.fail_on.rank]
        if (strict or result.fail_on_incomplete) and result.errors:
            why = "--strict" if strict else "fail-on-incomplete"
            click.echo(f"kzai-lint: {len(result.errors)} file(s) could not be fully scanned ({why})", err=True)
            return EXIT_ERROR
        crashed = [e for e in result.errors if e.kind == "rule-error"]
        if crashed and not exit_zero:
            click.echo(f"kzai-lint: {len(crashed)} rule error(s): the run is incomplete (exit 2; --exit-zero to ignore)", err=True)
            return EXIT_ERROR
        if failing and not exit_zero:
            return EXIT_FINDINGS
        return EXIT_CLEAN

    raise SystemExit(guarded(debug, run))


def _read_stdin() -> str:
    """The editor's buffer: UTF-8 (a BOM dropped) whatever the locale says, undecodable bytes kept
    as surrogates, as `click.get_text_stream` did before Click deprecated it."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text-only stand-in (an embedding program's)
        return sys.stdin.read()
    return raw.read().decode("utf-8-sig", "surrogateescape")
