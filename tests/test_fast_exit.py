"""The command line ends its process without the interpreter's teardown (`cli.entry`): what a
normal exit would do that matters still happens (exit code, flushed output, exit handlers such
as the startup index's write), and a process with other threads running exits normally."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kzai_lint import cli

SAMPLE = 'from deepface import DeepFace\nDeepFace.analyze("x.jpg", actions=["emotion"])\n'


class Exited(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def record_exit(code: int) -> None:
    raise Exited(code)


def test_console_script_and_module_use_the_fast_exit() -> None:
    from kzai_lint.config import _toml

    pyproject = _toml().loads((Path(cli.__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["kzai-lint"] == "kzai_lint.cli:entry"
    main_module = (Path(cli.__file__).parents[1] / "__main__.py").read_text(encoding="utf-8")
    assert "entry()" in main_module


def test_a_subprocess_run_keeps_its_exit_code_output_and_exit_handlers(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SAMPLE, encoding="utf-8")
    index = tmp_path / "index"
    env = {**os.environ, "KZAI_LINT_INDEX_DIR": str(index)}
    done = subprocess.run([sys.executable, "-m", "kzai_lint", "check", "app.py", "--no-cache", "--format", "json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    assert '"KZ' in done.stdout and done.stdout.rstrip().endswith("}")  # the whole report was flushed
    assert any(index.iterdir()), "the exit handlers wrote the startup index"
    written = subprocess.run([sys.executable, "-m", "kzai_lint", "check", "app.py", "--no-cache", "--format", "sarif", "--output", "report.sarif"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert written.returncode == 1, written.stderr
    import json

    assert json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]  # closed before the exit


def test_exit_handlers_run_and_streams_are_flushed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(os, "_exit", record_exit)
    import atexit

    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("handlers"))
    with pytest.raises(Exited) as ended:
        cli._exit_without_teardown(1)
    assert ended.value.code == 1 and calls == ["handlers"]


def test_a_closed_output_pipe_exits_with_the_interpreters_code(monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(os, "_exit", record_exit)
    import atexit

    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: None)
    with pytest.raises(Exited) as ended:
        cli._exit_without_teardown(0)
    assert ended.value.code == 120
    with pytest.raises(Exited) as ended:
        cli._exit_without_teardown(1)
    assert ended.value.code == 1  # findings stay findings


def test_another_running_thread_gets_the_ordinary_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "_exit", record_exit)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, daemon=True)
    worker.start()
    try:
        with pytest.raises(SystemExit) as ended:
            cli._exit_without_teardown(2)
        assert ended.value.code == 2
    finally:
        stop.set()
        worker.join()
