"""GitHub Actions annotations, GitLab Code Quality and JUnit XML: golden files on one fixture,
escaping with hostile messages and paths, and the shapes the CI systems read."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from reporter_support import check_golden, copy_fixture, make_finding, run_cli

from kzai_lint.model import FileError, RunResult, Severity, Status
from kzai_lint.reporters import FORMATS, get_reporter
from kzai_lint.reporters.github import annotation, escape_data, escape_property
from kzai_lint.reporters.gitlab import result_to_codequality
from kzai_lint.reporters.junit import build

GOLDEN_FIXTURE = "emotion-app"
HOSTILE_MESSAGE = "100% sure: a,b\r\nnext line: done, [x](1) <tag> & \"q\" \x01"
HOSTILE_PATH = "we ird/a,b:c%d\n.py"




def rendered(fmt: str, result: RunResult) -> str:
    import io

    buf = io.StringIO()
    get_reporter(fmt).render(result, buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,suffix", [("github", "github.txt"), ("gitlab", "gitlab.json"), ("junit", "junit.xml")])
def test_golden_on_fixture(fmt: str, suffix: str, tmp_path: Path) -> None:
    target = copy_fixture(GOLDEN_FIXTURE, tmp_path)
    code, out, err = run_cli(["check", str(target), "--format", fmt, "--jobs", "1"])
    assert code == 1, err
    assert err == ""  # machine formats: nothing but the report, and that on stdout
    check_golden(f"{GOLDEN_FIXTURE}.{suffix}", out)


def test_all_formats_are_cli_choices(tmp_path: Path) -> None:
    target = copy_fixture("clean-sentiment", tmp_path)
    for fmt in FORMATS:
        code, out, err = run_cli(["check", str(target), "--format", fmt])
        assert code == 0, (fmt, err)
        assert out or fmt == "github"  # no annotation for a clean repository


# --- GitHub -----------------------------------------------------------------------------------

def unescape(text: str) -> str:
    """What the Actions runner does with a value (the reverse of actions/toolkit's escaping)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    m = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert m, line
    props = dict(item.split("=", 1) for item in m.group(2).split(",")) if m.group(2) else {}
    return m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))


def test_github_escaping_round_trips_hostile_values() -> None:
    line = annotation(make_finding(path=HOSTILE_PATH, message=HOSTILE_MESSAGE, title="a, b: c"))
    assert "\n" not in line and "\r" not in line
    name, props, message = parse_command(line)
    assert name == "error"
    assert props == {"file": HOSTILE_PATH, "line": "4", "col": "12", "endLine": "4", "endColumn": "40", "title": "KZ306 [17(3)(6)] a, b: c"}
    assert message == HOSTILE_MESSAGE
    assert escape_data("50%\r\n") == "50%25%0D%0A"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_levels_notebooks_and_repository_findings() -> None:
    result = RunResult(".", (
        make_finding(severity=Severity.WARNING),
        make_finding(severity=Severity.INFO, path="nb.ipynb", cell=3, line=2),
        make_finding(path=".", line=None, column=None, end_line=None, end_column=None),
        make_finding(path="quiet.py", status=Status.MITIGATED, mitigation="consent hook"),
    ), (FileError("bad.py", "parse-error", "invalid syntax\nmore", 3),), 4)
    lines = rendered("github", result).splitlines()
    assert len(lines) == 4  # the mitigated finding is not annotated
    assert lines[0].startswith("::warning file=app/cam.py,line=4,col=12,endLine=4,endColumn=40,title=")
    name, props, message = parse_command(lines[1])
    assert name == "notice" and "line" not in props and message.startswith("cell 3, line 2: ")
    name, props, _ = parse_command(lines[2])
    assert name == "error" and "file" not in props
    assert parse_command(lines[3]) == ("warning", {"file": "bad.py", "line": "3", "title": "kzai-lint parse-error"}, "invalid syntax")


# --- GitLab -----------------------------------------------------------------------------------

def test_gitlab_code_quality_fields_and_unique_fingerprints() -> None:
    same = "KZ306:app/cam.py:0123456789abcdef"
    result = RunResult(".", (
        make_finding(fingerprint=same),
        make_finding(fingerprint=same, line=9),
        make_finding(severity=Severity.WARNING, path=HOSTILE_PATH, message=HOSTILE_MESSAGE, fingerprint="x"),
        make_finding(severity=Severity.INFO, path="nb.ipynb", cell=2, line=5, fingerprint="y"),
        make_finding(status=Status.SUPPRESSED, fingerprint="z"),
    ), (), 1)
    issues = json.loads(rendered("gitlab", result))
    assert len(issues) == 4
    assert len({i["fingerprint"] for i in issues}) == 4
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["location"]["lines"]["begin"] >= 1
    assert [i["severity"] for i in issues] == ["critical", "critical", "major", "info"]
    assert issues[2]["location"]["path"] == HOSTILE_PATH and HOSTILE_MESSAGE in issues[2]["description"]
    assert issues[3]["location"]["lines"]["begin"] == 1 and "cell 2, line 5" in issues[3]["description"]
    assert result_to_codequality(RunResult(".", (), (), 0)) == []


# --- JUnit ------------------------------------------------------------------------------------

def test_junit_parses_and_counts_with_hostile_values() -> None:
    result = RunResult(".", (
        make_finding(path=HOSTILE_PATH, message=HOSTILE_MESSAGE),
        make_finding(path=HOSTILE_PATH, line=9),
        make_finding(path="ok.py", status=Status.MITIGATED, mitigation="consent hook <h> & co"),
    ), (FileError("bad.py", "parse-error", "invalid <syntax> \x02", 3),), 3, rules_run=("KZ306/library-call", "KZ305/config"))
    text = rendered("junit", result)
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    cases = suites["KZ306/library-call"].findall("testcase")
    failing = next(c for c in cases if c.find("failure") is not None)
    assert failing.get("name") == HOSTILE_PATH.replace("\n", "\n")
    failure = failing.find("failure")
    assert failure is not None and failure.get("type") == "KZ306"
    assert "100% sure: a,b" in (failure.text or "") and len((failure.text or "").splitlines()) == 2
    passing = next(c for c in cases if c.get("name") == "ok.py")
    assert passing.find("failure") is None and "consent hook <h> & co" in (passing.findtext("system-out") or "")
    assert suites["KZ305/config"].find("testcase").get("name") == "(all scanned files)"  # type: ignore[union-attr]
    error = suites["kzai-lint/errors"].find("testcase/error")
    assert error is not None and error.get("type") == "parse-error" and "\x02" not in (error.text or "")
    assert build(RunResult(".", (), (), 0)).get("tests") == "0"
