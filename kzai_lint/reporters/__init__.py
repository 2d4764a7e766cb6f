"""Reporters render a RunResult; they see values, never the engine (flake8, checkov)."""
from __future__ import annotations

from typing import IO, TYPE_CHECKING, Protocol, Sequence

from kzai_lint.model import RunResult

if TYPE_CHECKING:
    from kzai_lint.rule_info import RuleInfo  # imports inspect: only SARIF needs rule docs

#: Every built-in format, in the order `check --format` lists them.
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


class Reporter(Protocol):
    name: str

    def render(self, result: RunResult, out: IO[str]) -> None: ...


def get_reporter(
    name: str,
    *,
    color: bool = False,
    show_mitigated: bool = False,
    quiet: bool = False,
    rules: Sequence["RuleInfo"] = (),
) -> Reporter:
    """The reporter for a format; `rules` describes the rules that ran (SARIF lists them)."""
    if name == "sarif":
        from kzai_lint.reporters.sarif import SarifReporter

        return SarifReporter(rules)
    if name == "github":
        from kzai_lint.reporters.github import GithubReporter

        return GithubReporter()
    if name == "gitlab":
        from kzai_lint.reporters.gitlab import GitlabReporter

        return GitlabReporter()
    if name == "junit":
        from kzai_lint.reporters.junit import JunitReporter

        return JunitReporter()
    if name == "json":
        from kzai_lint.reporters.json import JsonReporter

        return JsonReporter()
    if name == "text":
        from kzai_lint.reporters.text import TextReporter

        return TextReporter(color=color, show_mitigated=show_mitigated, quiet=quiet)
    from kzai_lint import registry

    plugin = registry.load_reporter(name)
    if plugin is not None:
        return plugin  # type: ignore[no-any-return]
    raise ValueError(f"unknown format {name!r}; available formats: {', '.join(available_formats())}")


def available_formats() -> list[str]:
    """Built-in formats, then reporter plugins (`kzai_lint.reporters` entry points) by name."""
    from kzai_lint import registry

    return [*FORMATS, *(n for n in registry.reporter_plugin_names() if n not in FORMATS)]
