"""pre-commit integration: the real pre-commit, a temporary git repository and this checkout.

The hooks are taken from this checkout's `.pre-commit-hooks.yaml` (entry, `types_or`, `files`,
`pass_filenames`, ...) and run as a `repo: local` hook whose environment pip-installs a copy of
this checkout's sources (`additional_dependencies`), so the test exercises the working tree, not
the last commit. pre-commit builds that environment from the package registry once per test run
(about half a minute); the default test run includes it, CI too. Deselect locally with
`-m "not integration"`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import DECLARATION as CONFTEST_DECLARATION

pytest.importorskip("pre_commit", reason="pre-commit is not installed: `pip install '.[test]'` brings it (CI runs this test)")

pytestmark = pytest.mark.integration

CHECKOUT = Path(__file__).resolve().parent.parent
DECLARATION = CONFTEST_DECLARATION.replace('name = "sample"', 'name = "camera-demo"')
EMOTION = """
from deepface import DeepFace as DF


def mood(frame):
    return DF.analyze(frame, actions=["emotion"])
"""


def package_copy(dest: Path) -> Path:
    """The files pip needs to build kzai-lint, copied so the build never writes into the checkout."""
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (CHECKOUT / name).exists():
            shutil.copy2(CHECKOUT / name, dest / name)
    shutil.copytree(CHECKOUT / "kzai_lint", dest / "kzai_lint", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def local_hooks(package: Path) -> list[dict[str, object]]:
    manifest = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hooks = []
    for hook in manifest:
        hook = {k: v for k, v in hook.items() if k != "description"}
        hook["additional_dependencies"] = [str(package)]
        hooks.append(hook)
    assert {h["id"] for h in hooks} == {"kzai-lint", "kzai-lint-repo"}
    return hooks


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("precommit")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(base / "cache"),  # one hook environment for the whole module
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
        PACKAGE=str(package_copy(base / "kzai-lint-src")),
    )
    return env


def sh(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def repo(environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    config = {"repos": [{"repo": "local", "hooks": local_hooks(Path(environment["PACKAGE"]))}]}
    files = {
        ".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False),
        "pyproject.toml": textwrap.dedent(DECLARATION).lstrip(),
        "docs/risk-register.md": "Last review: 2026-09-01\n",
        "app/__init__.py": "",
        "app/reviews.py": "def total(prices):\n    return sum(prices)\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for args in (["git", "init", "-q"], [sys.executable, "-m", "pre_commit", "install"]):
        proc = sh(args, root, environment)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def commit(root: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    assert sh(["git", "add", "-A"], root, env).returncode == 0
    return sh(["git", "commit", "-m", message], root, env)


def test_clean_commit_passes(repo: Path, environment: dict[str, str]) -> None:
    proc = commit(repo, environment, "clean")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kzai-lint" in proc.stdout + proc.stderr


def test_emotion_recognition_commit_fails_with_the_finding(repo: Path, environment: dict[str, str]) -> None:
    (repo / "app/camera.py").write_text(textwrap.dedent(EMOTION).lstrip(), encoding="utf-8")
    proc = commit(repo, environment, "add camera")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "app/camera.py:5:12: KZ306 [17(3)(6)]" in output
    assert "Failed" in output
    # the commit did not happen; a clean version of the file commits
    (repo / "app/camera.py").write_text("def mood(frame):\n    return None\n", encoding="utf-8")
    proc = commit(repo, environment, "camera without emotions")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_file_filter_passes_requirements_and_skips_other_text(repo: Path, environment: dict[str, str]) -> None:
    (repo / "requirements.txt").write_text("requests>=2\n", encoding="utf-8")
    (repo / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    for name, skipped in (("requirements.txt", False), ("notes.txt", True)):
        proc = sh([sys.executable, "-m", "pre_commit", "run", "kzai-lint", "--files", name], repo, environment)
        output = proc.stdout + proc.stderr
        assert ("(no files to check)" in output) is skipped, output
        assert proc.returncode == 0, output
