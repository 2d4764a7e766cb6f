"""`kzai-lint rules` and `kzai-lint explain`."""
from __future__ import annotations

import click

from kzai_lint.cli import EXIT_CLEAN, cli, guarded


@cli.command(name="rules")
@click.argument("selectors", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_cmd(selectors: tuple[str, ...], fmt: str) -> None:
    """List the rules (optionally only those matching codes, prefixes or clauses)."""

    def run() -> int:
        from kzai_lint.explain import list_rules

        click.echo(list_rules(list(selectors), fmt), nl=False)
        return EXIT_CLEAN

    raise SystemExit(guarded(False, run))


@cli.command()
@click.argument("target")
def explain(target: str) -> None:
    """Explain a code (KZ306), a rule id (KZ306/library-call) or a clause (17(3)(6))."""

    def run() -> int:
        from kzai_lint.explain import explain as explain_target

        click.echo(explain_target(target))
        return EXIT_CLEAN

    raise SystemExit(guarded(False, run))
