"""SARIF 2.1.0: every fixture validates against the official schema (copied into tests/) and
matches its golden file; GitHub code scanning's documented requirements hold; suppressions,
related locations, notebook regions and file errors are encoded as documented."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import jsonschema
import pytest
from reporter_support import FIXTURE_NAMES, TESTS, check_golden, copy_fixture, make_finding, run_cli

from kzai_lint.model import FileError, Finding, RunResult, Status
from kzai_lint.reporters.sarif import result_to_sarif
from kzai_lint.rule_info import describe_rules

SCHEMA = json.loads((TESTS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def fixture_sarif(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    base = tmp_path_factory.mktemp("sarif")
    cache: dict[str, dict[str, Any]] = {}

    def get(name: str) -> dict[str, Any]:
        if name not in cache:
            code, out, err = run_cli(["check", str(copy_fixture(name, base)), "--format", "sarif", "--jobs", "1"])
            assert code in (0, 1), err
            cache[name] = json.loads(out)
        return cache[name]

    return get


def schema_errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]


def masked(log: dict[str, Any]) -> dict[str, Any]:
    """The log with version fields and the absolute root masked. The rule descriptors (the same
    for every fixture: the rule docs) are reduced to their ids, in order, so `ruleIndex` can still
    be read; `test_rule_descriptors_*` and the GitHub checks cover their content."""
    out = copy.deepcopy(log)
    run = out["runs"][0]
    driver = run["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "<version>"
    for ext in run["tool"].get("extensions", []):
        ext["version"] = "<version>"
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///SRCROOT/"
    driver["rules"] = [f"{n}: {rule['id']}" for n, rule in enumerate(driver["rules"])]
    return out


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_sarif_is_valid_and_matches_golden(name: str, fixture_sarif: Callable[[str], dict[str, Any]]) -> None:
    log = fixture_sarif(name)
    assert not schema_errors(log)
    check_golden(f"{name}.sarif.json", json.dumps(masked(log), indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_github_code_scanning_requirements(name: str, fixture_sarif: Callable[[str], dict[str, Any]]) -> None:
    """The properties GitHub's "SARIF support for code scanning" marks as required."""
    log = fixture_sarif(name)
    assert log["$schema"] and log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "kzai-lint"
    for rule in rules:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024
        assert len(rule.get("name", "")) <= 255
        assert "helpUri" not in rule  # no absolute documentation URL exists; see docs/ci.md
        severity = rule["properties"].get("security-severity")
        assert severity is None or 0.0 < float(severity) <= 10.0
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"] and res["partialFingerprints"]["primaryLocationLineHash"]
        assert res["level"] in ("error", "warning", "note")
        assert 1 <= len(res["locations"]) <= 10
        physical = res["locations"][0].get("physicalLocation")
        if physical is not None:
            assert not physical["artifactLocation"]["uri"].startswith(("/", "file:"))
            assert physical["region"]["startLine"] >= 1


def test_ruleset_is_every_rule_that_ran(tmp_path: Path) -> None:
    target = copy_fixture("emotion-app", tmp_path)
    _, out, _ = run_cli(["check", str(target), "--format", "sarif", "--select", "KZ306"])
    rules = [r["id"] for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]]
    assert rules and all(r.startswith("KZ306/") for r in rules)
    _, out, _ = run_cli(["check", str(target), "--format", "json", "--select", "KZ306"])
    assert json.loads(out)["findings"]


def test_rule_descriptors_carry_clause_text_and_severity() -> None:
    (info,) = describe_rules(["KZ306/library-call"])
    log = result_to_sarif(RunResult(".", (), (), 0, rules_run=(info.id,)), [info])
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["properties"]["clause"] == "17(3)(6)"
    assert {"article-17", "17(3)(6)", "emotion"} <= set(rule["properties"]["tags"])
    assert rule["properties"]["security-severity"] == "8.0"
    assert rule["defaultConfiguration"]["level"] == "error"
    clause = "determining the emotions of an individual without his consent"
    assert clause in rule["help"]["text"] and clause in rule["help"]["markdown"]
    assert "## What it finds" in rule["help"]["markdown"]
    assert not rule["help"]["markdown"].splitlines()[4].startswith("    ")  # dedented, not a code block




def render(*findings: Finding, errors: tuple[FileError, ...] = ()) -> dict[str, Any]:
    infos = describe_rules(["KZ306/library-call", "KZ306/config"])
    result = RunResult("/tmp/project", tuple(findings), errors, 3, rules_run=tuple(i.id for i in infos))
    log = result_to_sarif(result, infos)
    assert not schema_errors(log)
    return log


def test_suppressions_in_source_and_external() -> None:
    log = render(
        make_finding(status=Status.SUPPRESSED, mitigation="inline suppression at line 3: consent collected upstream"),
        make_finding(path="b.py", status=Status.MITIGATED, mitigation="consent hook app.consent.ok (if-guard, b.py:3) guards this call"),
        make_finding(path="c.py", status=Status.BASELINED, mitigation="baselined in .kzai-lint-baseline.json"),
        make_finding(path="d.py", status=Status.SUPPRESSED, mitigation="per-file-ignores in configuration"),
        make_finding(path="e.py"),
    )
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]}
    assert results["app/cam.py"]["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification": "inline suppression at line 3: consent collected upstream"}]
    assert results["b.py"]["suppressions"][0]["kind"] == "external"
    assert "app.consent.ok" in results["b.py"]["suppressions"][0]["justification"]
    assert results["c.py"]["suppressions"][0]["kind"] == "external"
    assert results["d.py"]["suppressions"][0]["kind"] == "external"
    assert "suppressions" not in results["e.py"]


def test_related_locations_for_one_capability_in_several_artefacts() -> None:
    log = render(
        make_finding(),
        make_finding(path="configs/train.yaml", line=10, column=1, end_column=30, rule="KZ306/config", fingerprint="KZ306:configs/train.yaml:aa"),
        make_finding(path="app/cam.py", line=9, fingerprint="KZ306:app/cam.py:bb"),
        make_finding(path="other.py", capability="emotion_voice", fingerprint="KZ306:other.py:cc"),
    )
    results = log["runs"][0]["results"]
    first = results[0]
    related = first["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == ["configs/train.yaml"]
    assert related[0]["id"] == 1 and "[configs/train.yaml line 10](1)" in first["message"]["text"]
    assert "relatedLocations" not in results[3]  # another capability


def test_notebook_region_names_the_cell_and_file_level_findings() -> None:
    log = render(
        make_finding(path="nb/demo.ipynb", cell=4, line=8, column=27, end_line=8, end_column=74),
        make_finding(path="README.md", line=None, column=None, end_line=None, end_column=None, capability=None),
        make_finding(path=".", line=None, column=None, end_line=None, end_column=None, capability=None),
    )
    nb, card, repo = log["runs"][0]["results"]
    region = nb["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 8, "startColumn": 27, "endLine": 8, "endColumn": 74, "properties": {"cell": 4}}
    assert card["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert card["properties"]["wholeFile"] is True
    assert "physicalLocation" not in repo["locations"][0] and repo["locations"][0]["logicalLocations"]


def test_file_errors_are_tool_execution_notifications() -> None:
    log = render(errors=(FileError("broken.py", "parse-error", "invalid syntax", 2), FileError("x.py", "rule-error", "KZ306/x crashed")))
    invocation = log["runs"][0]["invocations"][0]
    notes = invocation["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "parse-error: invalid syntax"
    assert notes[0]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "broken.py", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 2}}
    assert notes[1]["level"] == "error" and invocation["executionSuccessful"] is False
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/project/"


def test_hostile_paths_and_messages_stay_valid() -> None:
    log = render(make_finding(path="we ird/%20,a:b\n.py", message="see [x](1) and 100% of\nlines, a:b"))
    res = log["runs"][0]["results"][0]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "we%20ird/%2520%2Ca%3Ab%0A.py"
    assert res["message"]["text"].startswith("see \\[x\\](1) and 100% of\nlines, a:b")
