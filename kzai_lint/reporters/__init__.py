"""Reporters render a RunResult; they see values, never the engine (flake8, checkov)."""
from __future__ import annotations

from typing import IO, Protocol

from kzai_lint.model import RunResult


class Reporter(Protocol):
    name: str

    def render(self, result: RunResult, out: IO[str]) -> None: ...


def get_reporter(name: str, *, color: bool = False, show_mitigated: bool = False, quiet: bool = False) -> Reporter:
    if name == "json":
        from kzai_lint.reporters.json import JsonReporter

        return JsonReporter()
    if name == "text":
        from kzai_lint.reporters.text import TextReporter

        return TextReporter(color=color, show_mitigated=show_mitigated, quiet=quiet)
    raise ValueError(f"unknown format {name!r}")
