"""Issue 8, done when: a full scan of a hostile repository finishes, exits 0 or 1, reports the
real findings, lists every unscannable file under `errors`, reads nothing outside the root,
opens no socket and executes nothing; with git and without.

The repository is built by `hostile_repo.build` (alias bomb, python-tagged YAML, deep JSON, YAML,
TOML and Python, 5 MB of generated Python, a notebook with a 30 MB output, binary data named
`.py`, Latin-1 with and without a coding cookie, BOM, CRLF, lone CR, NUL bytes, Python 2, a file
with one syntax error, malformed front matter, symlink loops and links out of the root, file
names with commas, colons, `%`, newlines and escape sequences).
"""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from hostile_repo import HostileRepo, build
from kzai_lint.cli import cli
from kzai_lint.reporters.github import GithubReporter
from kzai_lint.reporters.json import result_from_json
from kzai_lint.reporters.text import TextReporter

#: Generous: the scan takes a few seconds; this only catches a hang or a quadratic blow-up.
TIME_BOUND = 180.0


@dataclass
class Guards:
    """What the scan tried that it must not: sockets, URLs, non-git processes, opens outside."""

    network: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    recording: bool = False


_GUARDS = Guards()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _GUARDS.recording and event == "open" and args and isinstance(args[0], (str, bytes)):
        _GUARDS.opened.append(args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace"))


sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only while a scan runs


@pytest.fixture
def guards(monkeypatch: pytest.MonkeyPatch) -> Iterator[Guards]:
    """Network blocked, only `git` may be started, every open() recorded."""
    seen = Guards()
    real_popen = subprocess.Popen

    def no_network(what: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            seen.network.append(what)
            raise OSError(f"network blocked by the test: {what}")

        return refuse

    class GitOnly(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            program = args if isinstance(args, str) else args[0]
            if Path(str(program)).name != "git":
                seen.processes.append(str(program))
                raise OSError(f"process blocked by the test: {program}")
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(socket, "socket", no_network("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", no_network("socket.create_connection"))
    monkeypatch.setattr(urllib.request, "urlopen", no_network("urllib.request.urlopen"))
    monkeypatch.setattr(subprocess, "Popen", GitOnly)
    _GUARDS.opened = seen.opened
    _GUARDS.recording = True
    try:
        yield seen
    finally:
        _GUARDS.recording = False


@pytest.fixture(scope="module", params=["plain", "git"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> HostileRepo:
    repo = build(tmp_path_factory.mktemp(request.param))
    if request.param == "git":
        subprocess.run(["git", "init", "-q"], cwd=repo.root, check=True)
    return repo


def test_hostile_repository(hostile: HostileRepo, guards: Guards, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check", str(hostile.root), "--format", "json", "-o", str(report), "--jobs", "1"])
    elapsed = time.monotonic() - started
    print(f"hostile scan: {elapsed:.1f} s")
    assert elapsed < TIME_BOUND
    assert result.exit_code in (0, 1), result.output + result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))

    found = {(f["path"], f["line"]) for f in data["findings"] if f["code"] == "KZ306"}
    assert hostile.findings <= found, hostile.findings - found
    errors = {(e["path"], e["kind"]) for e in data["errors"]}
    assert set(hostile.errors.items()) <= errors, set(hostile.errors.items()) - errors
    _assert_coverage(data)

    outside = str(hostile.outside)
    assert any(p.startswith(str(hostile.root)) for p in guards.opened)  # the audit hook works
    assert not [p for p in guards.opened if p.startswith(outside)]
    assert "OUTSIDE-ROOT" not in report.read_text(encoding="utf-8")
    assert not any(marker.exists() for marker in hostile.markers)
    assert guards.network == [] and guards.processes == []


def _assert_coverage(data: dict[str, Any]) -> None:
    """Every discovered file is scanned or under errors (a scanned file may also have errors,
    e.g. bad front matter, so the unscanned ones are at most the files with errors)."""
    summary = data["summary"]
    with_errors = {e["path"] for e in data["errors"] if e["path"] != "."}
    assert summary["files_scanned"] <= summary["files_discovered"]
    assert summary["files_discovered"] - summary["files_scanned"] <= len(with_errors)
    assert summary["errors_by_kind"] == dict(sorted(_count(e["kind"] for e in data["errors"]).items()))


def _count(kinds: Iterator[str] | Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind in kinds:
        out[kind] = out.get(kind, 0) + 1
    return out


def test_every_unscannable_file_is_reported_without_the_prefilter(hostile: HostileRepo) -> None:
    """The prefilter skips files that cannot match (they count as scanned); parsing every file,
    the hostile ones are still reported and the run still finishes."""
    from kzai_lint.api import check

    result = check([hostile.root], use_prefilter=False)
    errors = {(e.path, e.kind) for e in result.errors}
    assert set(hostile.errors.items()) <= errors
    assert ("config/tagged.yaml", "parse-error") not in errors  # a python tag is just data
    assert not any(marker.exists() for marker in hostile.markers)


def test_text_and_annotations_keep_one_line_per_finding(hostile: HostileRepo, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    CliRunner().invoke(cli, ["check", str(hostile.root), "--format", "json", "-o", str(report), "--jobs", "1"])
    result = result_from_json(json.loads(report.read_text(encoding="utf-8")))

    text = StringIO()
    TextReporter().render(result, text)
    lines = text.getvalue().splitlines()
    assert len(lines) == len(result.open_findings()) + len(result.errors) + 1
    assert "\x1b" not in text.getvalue()
    assert any(line.startswith("odd/new\\nline.py:4:") for line in lines)
    assert any(line.startswith("odd/esc\\x1b[2J.py:4:") for line in lines)
    assert any(line.startswith("odd/we,ird:na%me.py:4:") for line in lines)
    assert re.fullmatch(r"Found \d+ open finding\(s\); \d+ of \d+ file\(s\) scanned, .*binary.*parse-error.*too-large.*\.", lines[-1])

    annotations = StringIO()
    GithubReporter().render(result, annotations)
    commands = annotations.getvalue().splitlines()
    assert all(line.startswith("::") for line in commands)
    assert any("file=odd/new%0Aline.py," in line for line in commands)
    assert any("file=odd/we%2Cird%3Ana%25me.py," in line for line in commands)


def test_report_pages_keep_hostile_file_names_inert(hostile: HostileRepo, tmp_path: Path) -> None:
    """The Markdown and HTML compliance reports (`kzai-lint report`) on the same scan."""
    import datetime as dt

    from kzai_lint.report import RepoInfo, build_report, render_html, render_markdown

    report = tmp_path / "report.json"
    CliRunner().invoke(cli, ["check", str(hostile.root), "--format", "json", "-o", str(report), "--jobs", "1"])
    result = result_from_json(json.loads(report.read_text(encoding="utf-8")))
    view = build_report(result, root=hostile.root, repo=RepoInfo(name="hostile"), generated=dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc))
    markdown = render_markdown(view)
    assert "\x1b" not in markdown
    rows = [line for line in markdown.splitlines() if "line.py" in line or "na%me.py" in line]
    assert rows and all(line.startswith("|") and line.endswith("|") for line in rows)  # still table rows
    page = render_html(view)
    assert "\x1b" not in page and "<script" not in page
    assert "odd/we,ird:na%me.py" in page
