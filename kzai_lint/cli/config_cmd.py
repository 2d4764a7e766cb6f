"""`kzai-lint config show`: print the resolved settings and where each came from."""
from __future__ import annotations

from pathlib import Path

import click

from kzai_lint.cli import EXIT_CLEAN, cli, guarded, split_values


@cli.group(name="config")
def config_group() -> None:
    """Inspect kzai-lint's configuration."""


@config_group.command(name="show")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Use this config file.")
@click.option("--select", multiple=True, help="As for `check`: shows how it overrides the config.")
@click.option("--ignore", multiple=True, help="As for `check`.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="As for `check`.")
@click.option("--ignore-suppressions", is_flag=True, help="As for `check`.")
def show(
    path: Path | None,
    fmt: str,
    config_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline_file: Path | None,
    ignore_suppressions: bool,
) -> None:
    """Print the settings `check` would use for PATH (default: the current directory), with the
    source of each value: the default, the config file and key, or the command line."""

    def run() -> int:
        from kzai_lint.settings_report import render_json, render_text, resolve

        view = resolve(
            path or Path("."),
            config_file=config_file,
            select=split_values(select),
            ignore=split_values(ignore),
            baseline=baseline_file,
            ignore_suppressions=ignore_suppressions,
        )
        click.echo(render_json(view) if fmt == "json" else render_text(view), nl=False)
        return EXIT_CLEAN

    raise SystemExit(guarded(False, run))
