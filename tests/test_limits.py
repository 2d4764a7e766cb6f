"""Bounded cost per file (issue 8.3): size limits per kind, the parse limit, the per-file time
budget in the main process and in workers, deep nesting caught before libcst, notebook outputs
never analysed, data files read only by their head."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from kzai_lint import limits, syntax_guard
from kzai_lint.api import check
from kzai_lint.cli import cli
from kzai_lint.config import ConfigError, load_settings
from kzai_lint.discovery import DiscoveredFile
from kzai_lint.engine import read_text
from kzai_lint.model import FileKind
from kzai_lint.notebook_outputs import without_outputs
from kzai_lint.rules.emotion_recognition import EmotionRecognitionCall
from kzai_lint.sources.python import PythonParseError, parse_python

EMOTION = "from deepface import DeepFace\nr = DeepFace.analyze(img, actions=['emotion'])\n"


def test_limits_are_read_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "kzai-lint.toml").write_text("max-file-size = 1000\nmax-notebook-size = 2000\nmax-parse-size = 300\nfile-timeout = 2.5\n")
    settings = load_settings(tmp_path)
    assert limits.Limits.of(settings) == limits.Limits(1000, 2000, 300, 2.5)


@pytest.mark.parametrize("line", ["max-parse-size = 0", "max-notebook-size = true", 'file-timeout = "20s"', "file-timeout = -1"])
def test_bad_limit_values_are_config_errors(tmp_path: Path, line: str) -> None:
    (tmp_path / "kzai-lint.toml").write_text(line + "\n")
    with pytest.raises(ConfigError, match=line.split(" ")[0]):
        load_settings(tmp_path)


def test_config_show_lists_the_limits(tmp_path: Path) -> None:
    (tmp_path / "kzai-lint.toml").write_text("file-timeout = 5\n")
    result = CliRunner().invoke(cli, ["config", "show", str(tmp_path), "--format", "json"])
    settings = json.loads(result.stdout)["settings"]
    assert settings["file-timeout"]["value"] == 5.0 and settings["max-parse-size"]["value"] == limits.DEFAULT_MAX_PARSE_SIZE


def test_size_limits_per_kind(make_repo: Callable[..., Path]) -> None:
    big_output = {"output_type": "stream", "name": "stdout", "text": "x" * 3000}
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": EMOTION, "outputs": [big_output]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root = make_repo({
        "kzai-lint.toml": "max-file-size = 2000\n",
        "big.py": EMOTION + "# padding\n" * 300,
        "small.py": EMOTION,
        "analysis.ipynb": json.dumps(notebook),
    })
    result = check([root], select=("KZ306",))
    assert [(e.path, e.kind) for e in result.errors] == [("big.py", "too-large")]
    assert "max-file-size" in result.errors[0].message
    assert {f.path for f in result.findings} == {"small.py", "analysis.ipynb"}  # notebooks have their own limit


def test_a_file_that_grew_after_its_stat_is_read_whole_or_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read is sized by the stat (not by the limit); what was appended meanwhile is still
    read, and still held to the limit."""
    from kzai_lint import engine

    path = tmp_path / "grown.py"
    path.write_text(EMOTION * 50)
    real_stat = os.stat

    def earlier_stat(target: Any, *args: Any, **kwargs: Any) -> Any:
        info = real_stat(target, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:])) if str(target) == str(path) else info

    monkeypatch.setattr(engine.os, "stat", earlier_stat)
    text, data, error = read_text(DiscoveredFile(str(path), "grown.py", FileKind.PYTHON), None)
    assert error is None and text == EMOTION * 50
    settings = type("Settings", (), {"max_file_size": len(EMOTION) * 10})()
    text, data, error = read_text(DiscoveredFile(str(path), "grown.py", FileKind.PYTHON), settings)
    assert text is None and error is not None and error.kind == "too-large"


def test_data_files_are_read_only_by_their_head(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    with open(path, "wb") as fh:
        fh.write(b"name,iin\n" + b"a,123456789012\n" * 10)
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper
    text, data, error = read_text(DiscoveredFile(str(path), "people.csv", FileKind.TABULAR), None)
    assert error is None and data is not None and len(data) == limits.DATA_HEAD_BYTES
    assert text is not None and text.startswith("name,iin")


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "pipe.py")
    _, _, error = read_text(DiscoveredFile(str(tmp_path / "pipe.py"), "pipe.py", FileKind.PYTHON), None)
    assert error is not None and error.kind == "read-error"


def test_notebook_outputs_are_never_analysed(make_repo: Callable[..., Path]) -> None:
    output = {"output_type": "stream", "name": "stdout", "text": [EMOTION, "emotion " * 10_000]}
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": "print(report)", "outputs": [output]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook)
    assert "emotion" not in without_outputs(text)
    root = make_repo({"report.ipynb": text})
    result = check([root])
    assert result.findings == () and result.errors == ()


def test_a_30_mb_output_is_cheap(make_repo: Callable[..., Path]) -> None:
    output = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo" * (30 * 1024 * 1024 // 11)}}
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": EMOTION, "outputs": [output]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    root = make_repo({"plots.ipynb": json.dumps(notebook)})
    started = time.monotonic()
    result = check([root], select=("KZ306",))
    elapsed = time.monotonic() - started
    print(f"30 MB notebook: {elapsed:.2f} s")
    assert [(f.cell, f.line) for f in result.findings] == [(0, 2)]
    assert elapsed < 30  # measured about 1 s; libcst never sees the output


@pytest.mark.parametrize("source", [
    "x = " + "(" * 100_000 + "1" + ")" * 100_000,  # libcst: segmentation fault
    "x = " + "not " * 20_000 + "1",  # libcst: segmentation fault
    "x = " + "[" * 150 + "]" * 150 + "\ny = a" + "[0]" * 800,  # libcst: quadratic, seconds
    "x = " + " + ".join(["1"] * 50_000),
    "def f():\n" + "".join(" " * i + "if x:\n" for i in range(1, 150)) + " " * 150 + "pass\n",
])
def test_deep_nesting_is_a_parse_error_before_libcst(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(PythonParseError, match="nesting too deep|too many levels"):
        parse_python(source, "deep.py")
    assert time.monotonic() - started < 5


def test_syntax_errors_carry_cpython_messages_and_positions() -> None:
    problem = syntax_guard.check("x = 1\nprint 'hi'\n")
    assert problem == syntax_guard.SyntaxProblem("Missing parentheses in call to 'print'. Did you mean print(...)?", 2, 1)
    assert syntax_guard.check("await job()\nreturn 1\n") is None  # notebook code is a module too


def _slow_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """EmotionRecognitionCall sleeps for a minute on files called `name`."""
    original = EmotionRecognitionCall.check

    def check_slowly(self: Any, ctx: Any) -> Any:
        if ctx.path.endswith(name):
            time.sleep(60)
        return original(self, ctx)

    monkeypatch.setattr(EmotionRecognitionCall, "check", check_slowly)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_over_its_time_budget_is_a_timeout_and_the_run_goes_on(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    _slow_on(monkeypatch, "slow.py")
    padding = 'BLOB = """' + "x" * 200_000 + '"""\n'  # over 512 KB in all (so jobs=2 forks workers), one token
    files = {f"app/m{i}.py": EMOTION + padding for i in range(4)}
    root = make_repo({"kzai-lint.toml": "file-timeout = 1.5\n", "app/slow.py": EMOTION, **files})
    started = time.monotonic()
    result = check([root], select=("KZ306",), jobs=jobs)
    assert time.monotonic() - started < 30
    assert [(e.path, e.kind) for e in result.errors] == [("app/slow.py", "timeout")]
    assert "file-timeout" in result.errors[0].message
    assert {f.path for f in result.findings} == set(files)
    assert result.files_discovered == result.files_scanned + 1


def test_the_budget_is_a_no_op_where_it_cannot_be_enforced() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(limits.can_time(1.0)))
    thread.start()
    thread.join()
    assert seen == [False] and not limits.can_time(0)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers")
def test_the_budget_restores_the_previous_handler() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(limits.FileTimeout):
        with limits.time_budget(0.05):
            while True:
                pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
