"""Run a rule's embedded Valid/Invalid examples; used by our tests and by plugin authors.

Each example is written into a temporary folder and scanned through the public `api.check`
with only that rule selected, so an example exercises discovery, sources, the rule, guard
analysis and status exactly as a user's run would.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from kzai_lint.api import check
from kzai_lint.model import Finding, Status
from kzai_lint.rule import Example, Invalid, Rule, Valid


def examples(rule: type[Rule]) -> Iterator[tuple[str, Example]]:
    """(test id, example) for every example of a rule, e.g. `KZ306/library-call-invalid-0`."""
    for i, ex in enumerate(rule.INVALID):
        yield f"{rule.meta.id}-invalid-{i}", ex
    for i, ex in enumerate(rule.VALID):
        yield f"{rule.meta.id}-valid-{i}", ex


def run_example(rule: type[Rule], example: Example, folder: Path) -> list[Finding]:
    for rel, text in example.all_files().items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = check([folder], select=[rule.meta.id], jobs=1, debug=True)
    return [f for f in result.findings if f.rule == rule.meta.id]


def assert_example(rule: type[Rule], example: Example, folder: Path) -> None:
    findings = run_example(rule, example, folder)
    shown = "\n".join(f"  {f.path}:{f.line} {f.status.value} {f.message}" for f in findings) or "  (none)"
    if isinstance(example, Invalid):
        path = example.finding_path or example.path
        matching = [
            f
            for f in findings
            if f.path == path
            and (example.line is None or f.line == example.line)
            and (example.cell is None or f.cell == example.cell)
            and f.status is example.status
            and example.message in f.message
        ]
        assert matching, f"{rule.meta.id}: expected a {example.status.value} finding at {path}:{example.line}; got\n{shown}"
        if example.count is not None:
            assert len(findings) == example.count, f"{rule.meta.id}: expected {example.count} findings; got\n{shown}"
    elif isinstance(example, Valid):
        opened = [f for f in findings if f.status is Status.OPEN]
        assert not opened, f"{rule.meta.id}: expected no open finding ({example.note}); got\n{shown}"
