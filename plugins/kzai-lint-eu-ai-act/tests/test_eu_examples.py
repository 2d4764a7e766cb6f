"""Every rule's embedded examples, exactly as kzai-lint tests its own rules."""
from __future__ import annotations

from pathlib import Path

from kzai_lint.rule import Example, Rule
from kzai_lint.testing import assert_example, check_pack, parametrize_examples

from kzai_lint_eu_ai_act import PACK


def test_pack_loads_cleanly() -> None:
    assert check_pack(PACK) == []


@parametrize_examples(PACK)
def test_example(rule: type[Rule], example: Example, tmp_path: Path) -> None:
    assert_example(rule, example, tmp_path)
