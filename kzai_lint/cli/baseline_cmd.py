"""`kzai-lint baseline`: record today's open findings so `check --baseline` reports only new ones."""
from __future__ import annotations

import os
from pathlib import Path

import click

from kzai_lint.cli import EXIT_CLEAN, cli, guarded, split_values


@cli.command(name="baseline")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Baseline file to write (default: `baseline` from the config, else .kzai-lint-baseline.json).")
@click.option("--select", multiple=True, help="Codes, prefixes, clauses or rule ids to record (as for `check`).")
@click.option("--ignore", multiple=True, help="Codes, prefixes, clauses or rule ids to leave out.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Use this config file.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: number of CPUs).")
@click.option("--debug", is_flag=True, help="Show tracebacks and re-raise rule errors.")
def baseline_cmd(
    paths: tuple[Path, ...],
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    jobs: int,
    debug: bool,
) -> None:
    """Scan PATHS like `check` and write every open finding's fingerprint to a baseline file.

    Commit the file and review it like code: it is debt, not a decision. An existing baseline
    is not applied while recording, so the new file holds every finding that is open today.
    """

    def run() -> int:
        from kzai_lint import baseline
        from kzai_lint.api import check as api_check

        targets = list(paths) or [Path(".")]
        target = output if output is not None else baseline.default_output(targets, config_file)
        result = api_check(
            targets,
            config_file=config_file,
            select=split_values(select),
            ignore=split_values(ignore),
            jobs=jobs if jobs > 0 else (os.cpu_count() or 1),
            debug=debug,
            overrides={"baseline": str(target.resolve())},  # never scan the file being written
            apply_baseline=False,
        )
        count = baseline.write(target, result)
        click.echo(f"kzai-lint: wrote {count} baseline entr{'y' if count == 1 else 'ies'} to {target}", err=True)
        return EXIT_CLEAN

    raise SystemExit(guarded(debug, run))
