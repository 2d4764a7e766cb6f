"""Run a rule's embedded Valid/Invalid examples; used by our tests and by plugin authors.

Each example is written into a temporary folder and scanned through the public `api.check`
with only that rule selected, so an example exercises discovery, sources, the rule, guard
analysis and status exactly as a user's run would.

A plugin author's whole example suite (what tests/test_rule_examples.py does for the built-ins):

    from kzai_lint.testing import assert_example, parametrize_examples
    from my_pack import PACK

    @parametrize_examples(PACK)
    def test_example(rule, example, tmp_path):
        assert_example(rule, example, tmp_path)

The pack is loaded for these runs even when it is not installed (no entry point needed), and
`check_pack(PACK)` reports what the loader would reject (ids, codes, doc headings, examples).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, TypeVar

from kzai_lint.api import check
from kzai_lint.model import Finding, Status
from kzai_lint.rule import Example, Invalid, Rule, Valid

if TYPE_CHECKING:
    from kzai_lint.registry import RulePack

F = TypeVar("F", bound=Callable[..., Any])

# Rules whose pack was handed to `example_cases`, so their examples run with that pack loaded.
_PACK_OF: dict[type[Rule], "RulePack"] = {}


def examples(rule: type[Rule]) -> Iterator[tuple[str, Example]]:
    """(test id, example) for every example of a rule, e.g. `KZ306/library-call-invalid-0`."""
    for i, ex in enumerate(rule.INVALID):
        yield f"{rule.meta.id}-invalid-{i}", ex
    for i, ex in enumerate(rule.VALID):
        yield f"{rule.meta.id}-valid-{i}", ex


def _rules_of(pack: "RulePack | Iterable[type[Rule]]") -> tuple[type[Rule], ...]:
    rules = getattr(pack, "rules", pack)
    return tuple(sorted(rules, key=lambda r: r.meta.id))


def example_cases(pack: "RulePack | Iterable[type[Rule]]") -> list[tuple[type[Rule], Example, str]]:
    """(rule, example, test id) for every example of every rule of a pack (or of some rules)."""
    rules = _rules_of(pack)
    if hasattr(pack, "rules"):
        for rule in rules:
            _PACK_OF[rule] = pack  # type: ignore[assignment]
    return [(rule, ex, test_id) for rule in rules for test_id, ex in examples(rule)]


def parametrize_examples(pack: "RulePack | Iterable[type[Rule]]") -> Callable[[F], F]:
    """`pytest.mark.parametrize(("rule", "example"), ...)` over a pack's examples, one test each."""
    import pytest

    cases = example_cases(pack)
    return pytest.mark.parametrize(("rule", "example"), [(r, e) for r, e, _ in cases], ids=[t for _, _, t in cases])  # type: ignore[no-any-return]


@contextlib.contextmanager
def pack_loaded(pack: "RulePack | None") -> Iterator[None]:
    """Make `pack` part of every run in the block (a no-op for None or the built-in pack)."""
    from kzai_lint import registry

    if pack is None or pack is registry.builtin_pack():
        yield
        return
    with registry.injected_packs(pack):
        yield


def check_pack(pack: "RulePack") -> list[str]:
    """What the loader would reject in this pack, as messages (empty when it loads cleanly)."""
    from kzai_lint import registry

    try:
        with registry.injected_packs(pack):
            registry.load()
    except registry.PluginLoadError as exc:
        return [str(exc)]
    return []


def run_example(rule: type[Rule], example: Example, folder: Path, pack: "RulePack | None" = None) -> list[Finding]:
    for rel, text in example.all_files().items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with pack_loaded(pack or _PACK_OF.get(rule)):
        result = check([folder], select=[rule.meta.id], jobs=1, debug=True)
    return [f for f in result.findings if f.rule == rule.meta.id]


def assert_example(rule: type[Rule], example: Example, folder: Path, pack: "RulePack | None" = None) -> None:
    findings = run_example(rule, example, folder, pack)
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


__all__ = ["assert_example", "check_pack", "example_cases", "examples", "pack_loaded", "parametrize_examples", "run_example"]
