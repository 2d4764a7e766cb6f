"""JUnit XML: one test suite per rule that ran, one test case per rule × file it reported on.

CI servers (GitLab `reports: junit`, Jenkins, Azure DevOps) list test cases, so a rule that found
nothing is one passing case and each file a rule reported on is a case that fails while it has
open findings (mitigated, suppressed and baselined ones are listed in `system-out` and pass).
Files that could not be scanned are `error` cases in a `kzai-lint/errors` suite. Built with
ElementTree, so every attribute and text is escaped; characters XML 1.0 cannot carry are dropped.
No timestamps, so the report is reproducible.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import IO

from kzai_lint.model import Finding, RunResult, Status
from kzai_lint.reporters.text import format_finding

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ERRORS_SUITE = "kzai-lint/errors"


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _line(f: Finding) -> str:
    return xml_text(format_finding(f))


def _case(suite: ET.Element, rule: str, path: str, findings: list[Finding]) -> tuple[int, int]:
    case = ET.SubElement(suite, "testcase", classname=rule, name=xml_text(path))
    opened = [f for f in findings if f.status is Status.OPEN]
    others = [f for f in findings if f.status is not Status.OPEN]
    if opened:
        first = opened[0]
        failure = ET.SubElement(case, "failure", type=first.code, message=xml_text(f"{len(opened)} open finding(s): {first.message}"))
        failure.text = "\n".join(_line(f) for f in opened)
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(f"{_line(f)} ({f.status.value}: {xml_text(f.mitigation or '')})" for f in others)
    return 1, 1 if opened else 0


def build(result: RunResult) -> ET.Element:
    by_rule: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in result.findings:
        by_rule[f.rule][f.path].append(f)
    rules = list(dict.fromkeys([*result.rules_run, *by_rule]))
    root = ET.Element("testsuites", name="kzai-lint")
    total = failures = 0
    for rule in rules:
        suite = ET.SubElement(root, "testsuite", name=rule)
        tests = fails = 0
        files = by_rule.get(rule, {})
        for path in sorted(files):
            t, n = _case(suite, rule, path, files[path])
            tests, fails = tests + t, fails + n
        if not files:
            ET.SubElement(suite, "testcase", classname=rule, name="(all scanned files)")
            tests += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(fails))
        suite.set("errors", "0")
        total, failures = total + tests, failures + fails
    if result.errors:
        suite = ET.SubElement(root, "testsuite", name=ERRORS_SUITE, tests=str(len(result.errors)), failures="0", errors=str(len(result.errors)))
        for e in result.errors:
            case = ET.SubElement(suite, "testcase", classname=ERRORS_SUITE, name=xml_text(e.path))
            error = ET.SubElement(case, "error", type=e.kind, message=xml_text((e.message.splitlines() or [e.kind])[0]))
            error.text = xml_text(e.message)
    root.set("tests", str(total + len(result.errors)))
    root.set("failures", str(failures))
    root.set("errors", str(len(result.errors)))
    return root


class JunitReporter:
    name = "junit"

    def render(self, result: RunResult, out: IO[str]) -> None:
        tree = build(result)
        ET.indent(tree)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(tree, encoding="unicode"))
        out.write("\n")
