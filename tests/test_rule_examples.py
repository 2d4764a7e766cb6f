"""Every registered rule's embedded examples, one test each (ids like KZ306/library-call-invalid-0)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kzai_lint.registry import builtin_rules
from kzai_lint.rule import Example, Rule
from kzai_lint.testing import assert_example, examples

CASES = [(rule, ex, test_id) for rule in builtin_rules() for test_id, ex in examples(rule)]


@pytest.mark.parametrize(("rule", "example"), [(r, e) for r, e, _ in CASES], ids=[t for _, _, t in CASES])
def test_example(rule: type[Rule], example: Example, tmp_path: Path) -> None:
    assert_example(rule, example, tmp_path)
