from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path
from typing import Callable

import pytest

DECLARATION = """
[project]
name = "sample"
version = "0.1.0"

[tool.kzai-lint.system]
risk = "high"
risk-rationale = "test repository"
critical-ict-infrastructure = false
state-information-resources = false
risk-register = "docs/risk-register.md"
risk-reviewed = 2026-09-01
autonomy = "low"
mode = "closed"
"""


def pytest_configure(config: pytest.Config) -> None:
    """The suite keeps its start-up index (`kzai_lint.startup_index`) in a folder of its own:
    hundreds of temporary repositories' settings and keyword sets would otherwise fill the
    developer's index, which every later run of kzai-lint reads (subprocesses inherit it too)."""
    # The fixtures declare `risk-reviewed = 2026-09-01`; KZ106 reports reviews over a year old.
    # The suite scans as of one fixed day, so that it gives the same findings next year.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1795737600")  # 2026-11-27 00:00 UTC
    if "KZAI_LINT_INDEX_DIR" not in os.environ:
        os.environ["KZAI_LINT_INDEX_DIR"] = os.path.join(tempfile.gettempdir(), f"kzai-lint-test-index-{os.getuid() if hasattr(os, 'getuid') else 'user'}")


@pytest.fixture(autouse=True)
def _builtin_packs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed rule packs (CI installs the EU pack) must not change the core suite's results;
    tests/test_plugins.py opts back in. Local packs stay off unless a test allows them."""
    monkeypatch.setenv("KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("KZAI_LINT_ALLOW_LOCAL_PLUGINS", raising=False)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Write files (dedented) into a fresh folder; a complete declaration unless given."""

    def make(files: dict[str, str], *, declaration: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        if declaration and "pyproject.toml" not in files:
            files = {"pyproject.toml": DECLARATION, "docs/risk-register.md": "Last review: 2026-09-01\n", **files}
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make
