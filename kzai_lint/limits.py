"""Bounded cost per file: how much of a file is read, which Python is parsed into a syntax tree,
and how long one file may take.

kzai-lint runs in pull-request CI on code nobody has reviewed yet, so no single file may make the
run slow, hungry or stuck. Measured on libcst 1.0.1 (the CST behind every Python rule), parsing
costs about 30-90 microseconds and 2-3 KB of memory per syntax node: a dense 1 MB generated module
takes some 18 s and 1.5 GB. Hence three limits, all configurable under `[tool.kzai-lint]`:

* `max-file-size` (bytes): larger files are not read (`too-large`). Data files are exempt (only
  their head is ever read) and notebooks have their own, larger `max-notebook-size`, since only
  their cell sources are analysed, never their outputs.
* `max-parse-size` (bytes): larger Python sources are not parsed into a CST; the text fallback
  (`kzai_lint.fallback`) still scans them for library calls, and the file is listed as
  `too-large` so the partial coverage is visible.
* `file-timeout` (seconds, 0 = off): the time budget of one file (parse and rules), enforced with
  a POSIX interval timer in the process that scans the file. The timer interrupts Python code
  only; native parsing is bounded by `max-parse-size` and `syntax_guard` instead.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any, Iterator

from kzai_lint.model import FileKind

__all__ = [
    "DATA_HEAD_BYTES",
    "DEFAULT_FILE_TIMEOUT",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_NOTEBOOK_SIZE",
    "DEFAULT_MAX_PARSE_SIZE",
    "FileTimeout",
    "Limits",
    "can_time",
    "time_budget",
]

MIB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 10 * MIB
DEFAULT_MAX_NOTEBOOK_SIZE = 100 * MIB
DEFAULT_MAX_PARSE_SIZE = 512 * 1024
DEFAULT_FILE_TIMEOUT = 20.0
#: Bytes read from a data file (CSV, TSV, JSON Lines): its header and first rows, never more.
DATA_HEAD_BYTES = 65536


@dataclass(frozen=True, slots=True)
class Limits:
    """The per-file limits of one run (see the module docstring for what each one bounds)."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_notebook_size: int = DEFAULT_MAX_NOTEBOOK_SIZE
    max_parse_size: int = DEFAULT_MAX_PARSE_SIZE
    file_timeout: float = DEFAULT_FILE_TIMEOUT

    @classmethod
    def of(cls, settings: Any) -> "Limits":
        """The limits in `settings`; attributes a settings object lacks keep their defaults."""
        return cls(
            max_file_size=getattr(settings, "max_file_size", DEFAULT_MAX_FILE_SIZE),
            max_notebook_size=getattr(settings, "max_notebook_size", DEFAULT_MAX_NOTEBOOK_SIZE),
            max_parse_size=getattr(settings, "max_parse_size", DEFAULT_MAX_PARSE_SIZE),
            file_timeout=getattr(settings, "file_timeout", DEFAULT_FILE_TIMEOUT),
        )

    def read_limit(self, kind: FileKind) -> tuple[int | None, str]:
        """(bytes over which a file of `kind` is not read, the setting that says so); None for
        data files, of which only the first `DATA_HEAD_BYTES` are read whatever their size."""
        if kind is FileKind.TABULAR:
            return None, ""
        if kind is FileKind.NOTEBOOK:
            return self.max_notebook_size, "max-notebook-size"
        return self.max_file_size, "max-file-size"

    def too_large_to_parse(self, size: int) -> str | None:
        """Why Python source of `size` bytes is not parsed into a CST, or None when it may be."""
        if size <= self.max_parse_size:
            return None
        return (
            f"{size} bytes of Python is over the {self.max_parse_size}-byte parse limit (max-parse-size); "
            "not parsed, scanned by the text fallback for library calls and model names only"
        )


class FileTimeout(BaseException):
    """One file used up its time budget.

    A BaseException on purpose: the engine keeps one crashing rule from stopping the others with
    `except Exception`, and a timeout must stop the whole file, not just the rule it hit.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"gave up after {seconds:g} s (file-timeout); not scanned")
        self.seconds = seconds


def can_time(seconds: float) -> bool:
    """Whether a budget of `seconds` can be enforced here: POSIX interval timers exist, this is
    the main thread (signals are delivered there only) and no other timer is running."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise `FileTimeout` in the body after `seconds`; a no-op where `can_time` says no (an
    editor calling the API from a thread, Windows, a host that runs its own timer)."""
    if not can_time(seconds):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: the previous handler was not set from Python; the default is the closest we have
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
