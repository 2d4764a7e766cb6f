"""Command line: `kzai-lint check | rules | explain`. Exit codes 0 clean, 1 open findings, 2 errors.

Only this module imports click; everything it does is call `api` and a reporter, so the same
behaviour is reachable from tests and IDE integrations without a subprocess.
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import IO, Any, Callable

import click

from kzai_lint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"kzai-lint: error: {message}", err=True)
    raise SystemExit(EXIT_ERROR)


def _guarded(debug: bool, fn: Callable[[], int]) -> int:
    from kzai_lint.config import KzaiLintError

    try:
        return fn()
    except KzaiLintError as exc:
        _fail(str(exc), debug)
    except (OSError, ValueError) as exc:
        _fail(f"{type(exc).__name__}: {exc}", debug)
    except Exception as exc:  # noqa: BLE001 - internal error: one line, traceback with --debug
        _fail(f"internal error: {exc!r}", debug)
    return EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kzai-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Find functionality regulated or prohibited by Article 17 of Kazakhstan's AI law
    (Law No. 230-VIII) in ML repositories."""


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
            select=_split(select),
            ignore=_split(ignore),
            jobs=jobs if jobs > 0 else (os.cpu_count() or 1),
            debug=debug,
            use_prefilter=not no_prefilter,
            overrides=overrides,
        )
        out: IO[str] = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            reporter = get_reporter(fmt, color=fmt == "text" and output is None and _use_color(sys.stdout), show_mitigated=show_mitigated, quiet=quiet)
            reporter.render(result, out)
        finally:
            if output:
                out.close()
        from kzai_lint.config import load_settings

        fail_on = _fail_on(targets, config_file)
        failing = [f for f in result.findings if f.status is Status.OPEN and f.severity.rank >= fail_on]
        if strict and result.errors:
            click.echo(f"kzai-lint: {len(result.errors)} file(s) could not be fully scanned (--strict)", err=True)
            return EXIT_ERROR
        del load_settings
        if failing and not exit_zero:
            return EXIT_FINDINGS
        return EXIT_CLEAN

    raise SystemExit(_guarded(debug, run))


def _fail_on(targets: list[Path], config_file: Path | None) -> int:
    from kzai_lint.api import scan_root
    from kzai_lint.config import load_settings

    root = scan_root(targets)
    settings = load_settings(targets[0].resolve() if targets[0].is_dir() else root, config_file)
    return settings.fail_on.rank


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@cli.command(name="rules")
@click.argument("selectors", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_cmd(selectors: tuple[str, ...], fmt: str) -> None:
    """List the rules (optionally only those matching codes, prefixes or clauses)."""

    def run() -> int:
        from kzai_lint.explain import list_rules

        click.echo(list_rules(list(selectors), fmt), nl=False)
        return EXIT_CLEAN

    raise SystemExit(_guarded(False, run))


@cli.command()
@click.argument("target")
def explain(target: str) -> None:
    """Explain a code (KZ306), a rule id (KZ306/library-call) or a clause (17(3)(6))."""

    def run() -> int:
        from kzai_lint.explain import explain as explain_target

        click.echo(explain_target(target))
        return EXIT_CLEAN

    raise SystemExit(_guarded(False, run))


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="kzai-lint", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        return EXIT_ERROR
    return EXIT_CLEAN
