"""Command line: `kzai-lint check | rules | explain | ...`. Exit codes 0 clean, 1 open findings, 2 errors.

Only this package imports click; each command lives in its own module and calls `api` and a
reporter, so the same behaviour is reachable from tests and IDE integrations without a subprocess.
A command's module is imported only when that command runs (or `--help` lists them), so
`--version` and `check` do not pay for defining the other commands' options.
"""
from __future__ import annotations

import os
import sys
from typing import IO, Callable, NoReturn

import click

from kzai_lint import __version__


def _tune_gc() -> None:
    """A run allocates mostly long-lived objects (results, syntax trees, the cache manifest);
    with the default threshold (700) the collector walks them over and over: 3-4% of a run's
    instructions. A larger first generation keeps cycles collected, just less often. Only the
    command line does this: the API leaves the embedding process's settings alone."""
    import gc

    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, 10_000), max(second, 20), max(third, 20))

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def fail(message: str, debug: bool) -> None:
    if debug:
        import traceback  # only with --debug: it imports linecache, tokenize, textwrap (~2 ms)

        traceback.print_exc()
    click.echo(f"kzai-lint: error: {message}", err=True)
    raise SystemExit(EXIT_ERROR)


def guarded(debug: bool, fn: Callable[[], int]) -> int:
    """Run a command body; known errors become one line on stderr and exit code 2."""
    from kzai_lint.config import KzaiLintError

    try:
        return fn()
    except KzaiLintError as exc:
        fail(str(exc), debug)
    except (OSError, ValueError) as exc:
        fail(f"{type(exc).__name__}: {exc}", debug)
    except Exception as exc:  # noqa: BLE001 - internal error: one line, traceback with --debug
        fail(f"internal error: {exc!r}", debug)
    return EXIT_ERROR


def split_values(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


#: command name -> the module that defines it (it adds itself to `cli` on import)
COMMAND_MODULES = {
    "baseline": "kzai_lint.cli.baseline_cmd",
    "check": "kzai_lint.cli.check_cmd",
    "config": "kzai_lint.cli.config_cmd",
    "explain": "kzai_lint.cli.rules_cmd",
    "report": "kzai_lint.cli.report_cmd",
    "rules": "kzai_lint.cli.rules_cmd",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, not when the CLI is imported."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            import importlib

            importlib.import_module(COMMAND_MODULES[cmd_name])
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kzai-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Find functionality regulated or prohibited by Article 17 of Kazakhstan's AI law
    (Law No. 230-VIII) in ML repositories."""




def main(argv: list[str] | None = None) -> int:
    from kzai_lint import codegen_cache

    _tune_gc()
    codegen_cache.install()  # the command's process: dataclasses (ours, libcst's) reuse their code
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


def entry() -> NoReturn:
    """The console script and `python -m kzai_lint`: `main`, then the process ends without the
    interpreter's teardown. Tearing down the modules and collecting every object once more cost
    ~13 ms of a 10-file pre-commit run (more than the run's own rules); the exit handlers (our
    caches' writes, any plugin's) and the flush of stdout/stderr still happen, as mypy does with
    its default fast exit. `main` itself returns, for tests and embedding processes."""
    code = main()
    _exit_without_teardown(code)


def _exit_without_teardown(code: int) -> NoReturn:
    """Run the exit handlers, flush the standard streams and end the process. A thread still
    running (an embedding host's, a pool's manager) gets the ordinary exit, which waits for it;
    so does an interpreter without `atexit._run_exitfuncs` (it is CPython's and PyPy's)."""
    import atexit

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    threading = sys.modules.get("threading")
    if run_handlers is None or (threading is not None and threading.active_count() > 1):
        raise SystemExit(code)
    run_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (`| head`): what the interpreter would report
        code = code or 120
    os._exit(code)
