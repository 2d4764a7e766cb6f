"""A click progress bar on stderr for long scans; nothing at all for short or piped ones.

The bar is only drawn when stderr is a terminal and the scan has more than `THRESHOLD` files:
a CI log or an editor task should not fill up with redraws, and machine formats keep stdout for
the report alone (the bar never writes there).
"""
from __future__ import annotations

import sys
from typing import IO, Any

import click

THRESHOLD = 200


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ScanProgress:
    """The engine's `progress(done, total)` callback; `close()` finishes the bar."""

    def __init__(self, stream: IO[str] | None = None, threshold: int = THRESHOLD) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = threshold
        self.enabled = is_terminal(self.stream)
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= self.threshold:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Scanning", file=self.stream, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
