"""Which pyproject.toml holds the configuration: every way TOML can spell our table is found,
while files that cannot hold it are skipped without parsing."""
from __future__ import annotations

from pathlib import Path

import pytest

from kzai_lint.config import find_config, load_settings, read_declaration_file

SPELLINGS = [
    '[tool.kzai-lint]\nfail-on = "error"\n',
    '[tool."kzai-lint"]\nfail-on = "error"\n',
    "[tool.'kzai-lint']\nfail-on = \"error\"\n",
    '[tool]\nkzai-lint = { fail-on = "error" }\n',
    'tool.kzai-lint.fail-on = "error"\n',
    '[tool.kzai-lint.system]\nrisk = "high"\n[tool.kzai-lint]\nfail-on = "error"\n',
]


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_spelling_of_the_table_is_found(tmp_path: Path, text: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert load_settings(tmp_path).fail_on.value == "error"
    assert read_declaration_file(tmp_path)[2] is True


def test_a_pyproject_without_the_table_is_passed_over_for_one_further_up(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.kzai-lint]\nfail-on = "error"\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n# not a toml [table\n', encoding="utf-8")
    assert find_config(inner) == tmp_path / "pyproject.toml"
    assert read_declaration_file(inner) == (inner / "pyproject.toml", {}, False)


def test_a_broken_pyproject_that_names_the_table_is_still_judged_by_the_parser(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.kzai-lint\nfail-on = \n", encoding="utf-8")
    assert find_config(tmp_path) is None
    assert read_declaration_file(tmp_path) == (tmp_path / "pyproject.toml", {}, False)
