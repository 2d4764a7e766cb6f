"""`kzai-lint config show` (values and their sources) and config errors: exit 2, one line naming
the file and the key."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from kzai_lint.cli import cli

CONFIG = """
[tool.kzai-lint]
ignore = ["KZ307"]
extend-ignore = ["KZ305/model-card"]
fail-on = "warning"
consent-hooks = [{ name = "app.privacy.require_consent", raises = true }]
baseline = "ci/baseline.json"

[tool.kzai-lint.per-file-ignores]
"notebooks/**" = ["KZ306"]

[tool.kzai-lint.system]
risk = "high"
"""


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def show_json(*args: str) -> dict[str, Any]:
    code, out, err = run(["config", "show", *args, "--format", "json"])
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_json_values_and_sources(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"pyproject.toml": CONFIG, "app/a.py": "x = 1\n"})
    data = show_json(str(root / "app" / "a.py"))
    config = str(root / "pyproject.toml")
    assert data["config"] == config
    settings = data["settings"]
    assert settings["select"] == {"value": ["KZ"], "source": "default"}
    assert settings["ignore"] == {"value": ["KZ307", "KZ305/model-card"], "source": f"{config}:ignore + {config}:extend-ignore"}
    assert settings["fail-on"] == {"value": "warning", "source": f"{config}:fail-on"}
    assert settings["min-confidence"] == {"value": "low", "source": "default"}
    assert settings["consent-hooks"]["value"] == [{"name": "app.privacy.require_consent", "raises": True}]
    assert settings["baseline"] == {"value": str(root / "ci" / "baseline.json"), "source": f"{config}:baseline"}
    assert settings["per-file-ignores"]["value"] == {"notebooks/**": ["KZ306"]}
    assert settings["system"]["value"] == {"risk": "high"}
    assert settings["require-reason"] == {"value": True, "source": "default"}
    assert "KZ306/library-call" in data["rules"] and not any(r.startswith("KZ307") for r in data["rules"])


def test_cli_overrides_are_marked(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"pyproject.toml": CONFIG})
    settings = show_json(str(root), "--select", "KZ3", "--ignore", "KZ304", "--ignore-suppressions")["settings"]
    assert settings["select"] == {"value": ["KZ3"], "source": "CLI --select"}
    assert settings["ignore"]["value"] == ["KZ307", "KZ305/model-card", "KZ304"]
    assert settings["ignore"]["source"].endswith(" + CLI --ignore")
    assert settings["ignore-suppressions"] == {"value": True, "source": "CLI --ignore-suppressions"}


def test_defaults_without_a_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # stop the upward search here
    data = show_json(str(tmp_path))
    assert data["config"] is None
    assert all(row["source"] == "default" for row in data["settings"].values())


def test_text_is_toml_like_with_sources(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"pyproject.toml": CONFIG})
    code, out, _ = run(["config", "show", str(root)])
    assert code == 0
    config = root / "pyproject.toml"
    assert f"# config: {config}" in out
    assert f'fail-on = "warning"  # {config}:fail-on' in out
    assert 'select = ["KZ"]  # default' in out
    assert f'consent-hooks = [{{ name = "app.privacy.require_consent", raises = true }}]  # {config}:consent-hooks' in out
    assert '"notebooks/**" = ["KZ306"]' in out
    assert "rule(s) enabled:" in out


@pytest.mark.parametrize(
    ("snippet", "key", "hint"),
    [
        ('select = ["KZ36"]', "select", "did you mean 'KZ306'?"),
        ('extend-select = ["17(3)(9)"]', "extend-select", "unknown clause '17(3)(9)'"),
        ('ignore = ["KZ306/libary-call"]', "ignore", "did you mean 'KZ306/library-call'?"),
        ('extend-ignore = ["KZ9"]', "extend-ignore", "unknown code 'KZ9'"),
        ('[tool.kzai-lint.per-file-ignores]\n"tests/**" = ["KZ3066"]', 'per-file-ignores."tests/**"', "did you mean 'KZ306'?"),
        ('[tool.kzai-lint.rule-options."KZ306/libary-call"]\nx = 1', 'rule-options."KZ306/libary-call"', "did you mean 'KZ306/library-call'?"),
        ("rule-options = 3", "rule-options", "must be a table"),
        ('consent-hooks = ["require_consent"]', "consent-hooks[0]", "must be fully qualified"),
        ('oversight-hooks = [{ name = "app.review.approve", purpose = ["x"] }]', "oversight-hooks[0]", "unknown key 'purpose'"),
        ('consent-hooks = "app.privacy.require_consent"', "consent-hooks", "must be a list"),
        ('require-reason = "no"', "require-reason", "must be true or false"),
        ("baseline = 3", "baseline", "must be the path"),
        ('selekt = ["KZ3"]', "selekt", "did you mean 'select'?"),
    ],
)
def test_config_errors_exit_2_with_one_line(make_repo: Callable[..., Path], snippet: str, key: str, hint: str) -> None:
    root = make_repo({"pyproject.toml": f"[tool.kzai-lint]\n{snippet}\n", "a.py": "x = 1\n"})
    for command in (["check", str(root)], ["config", "show", str(root)]):
        code, _, err = run(command)
        assert code == 2, (command, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in err
        assert f"pyproject.toml: {key}: " in lines[0] and hint in lines[0], lines[0]


def test_valid_selectors_in_config_are_accepted(make_repo: Callable[..., Path]) -> None:
    config = '[tool.kzai-lint]\nselect = ["KZ3", "17(4)", "KZ101", "KZ306/library-call"]\nignore = ["17(3)(7)"]\n'
    root = make_repo({"pyproject.toml": config, "a.py": "x = 1\n"})
    assert run(["check", str(root)])[0] == 0
