"""Start-up stays cheap: `--version` and a pre-commit run on files no rule can match never
import libcst (a real import loads `libcst._nodes.base`; the deferred placeholder does not)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

LOADED = '"libcst._nodes.base" in sys.modules'


def run_python(code: str, cwd: Path | None = None) -> list[str]:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_version_does_not_import_libcst() -> None:
    out = run_python(
        f"""
        import sys
        from kzai_lint.cli import main
        code = main(["--version"])
        print(code, {LOADED}, "yaml" in sys.modules)
        """
    )
    assert out[-3:] == ["0", "False", "False"]


def test_precommit_run_without_possible_matches_does_not_import_libcst(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("import os\n\nHOME = os.environ.get('HOME')\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("optimizer: adamw\nlr: 3.0e-4\n", encoding="utf-8")
    out = run_python(
        f"""
        import sys
        from kzai_lint.cli import main
        code = main(["check", "a.py", "b.py", "c.yaml", "--no-cache"])
        print(code, {LOADED})
        """,
        cwd=tmp_path,
    )
    assert out[-2:] == ["0", "False"]


def test_a_file_that_can_match_is_parsed(tmp_path: Path) -> None:
    (tmp_path / "cam.py").write_text("from deepface import DeepFace\nDeepFace.analyze('x.jpg', actions=['emotion'])\n", encoding="utf-8")
    out = run_python(
        f"""
        import sys
        from kzai_lint.cli import main
        code = main(["check", "cam.py", "--no-cache", "-q"])
        print(code, {LOADED})
        """,
        cwd=tmp_path,
    )
    assert out[-2:] == ["1", "True"]


def test_deferred_module_behaves_like_the_module() -> None:
    out = run_python(
        """
        import sys, inspect
        from kzai_lint import lazy_import
        lazy_import.defer("csv")
        import csv
        before = lazy_import.is_loaded("csv")
        members = inspect.getmembers(sys.modules[__name__])  # isinstance(csv, type) must not load it
        after_members = lazy_import.is_loaded("csv")
        rows = list(csv.reader(["a,b"]))
        print(before, after_members, lazy_import.is_loaded("csv"), rows == [["a", "b"]])
        """
    )
    assert out[-4:] == ["False", "False", "True", "True"]


def test_version_imports_no_command_module() -> None:
    """Commands are imported when they run (`cli.LazyGroup`): `--version` defines none of them."""
    out = run_python(
        """
        import sys
        from kzai_lint.cli import main
        code = main(["--version"])
        print(code, sorted(m for m in sys.modules if m.startswith("kzai_lint.cli.")) or "none", "kzai_lint.api" in sys.modules)
        """
    )
    assert out[-3:] == ["0", "none", "False"]


def test_help_lists_every_command() -> None:
    from click.testing import CliRunner

    from kzai_lint.cli import COMMAND_MODULES, cli

    listed = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMAND_MODULES:
        assert f"  {name} " in listed


def test_warm_and_no_match_runs_import_only_repository_rules(tmp_path: Path) -> None:
    """A run that analyses no file (all from the cache, or none passes the prefilter) imports no
    libcst and no module of a file rule: rules are stand-ins until they run (`lazy_rules`); the
    repository-level rules always run. (More in tests/test_startup_index.py.)"""
    from kzai_lint.registry import builtin_rules
    from kzai_lint.rule import RepoRule

    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.py").write_text("import os\n\nHOME = os.environ.get('HOME')\n", encoding="utf-8")
    (root / "b.md").write_text("# notes\n", encoding="utf-8")
    code = f"""
        import sys
        from kzai_lint.cli import main
        main(["check", ".", "--cache-dir", {str(tmp_path / "cache")!r}, "-q"])
        print({LOADED}, ",".join(sorted(m for m in sys.modules if m.startswith("kzai_lint.rules."))))
        """
    index = {"KZAI_LINT_INDEX_DIR": str(tmp_path / "index")}
    import os

    env = {**os.environ, **index}
    for _ in range(2):  # the first run builds the start-up index and the cache
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=root, env=env, check=False)
        assert done.returncode == 0, done.stderr
    loaded, modules = done.stdout.split()[-2:]
    file_rule_modules = {r.__module__ for r in builtin_rules()} - {r.__module__ for r in builtin_rules() if issubclass(r, RepoRule)}
    assert loaded == "False" and not set(modules.split(",")) & file_rule_modules


def test_second_precommit_run_imports_no_metadata_reader_yaml_or_openssl(tmp_path: Path) -> None:
    """Entry points, a pack's catalogue file and every start-up key come from the start-up index
    or built-in modules: `importlib.metadata` (~25 ms with its scan), PyYAML (~15 ms) and
    OpenSSL's `_hashlib` (~3 ms) each cost more than the rest of such a run once did. Installed
    packs load as for a user (CI installs the EU pack, whose catalogue is a YAML file). The run
    reports findings, so their fingerprints (SHA-256) are computed without OpenSSL too."""
    import os

    (tmp_path / "a.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("deepface==0.0.93\n", encoding="utf-8")
    code = """
        import sys
        from kzai_lint.cli import main
        code = main(["check", "a.py", "requirements.txt", "--no-cache"])
        print(code, *(name in sys.modules for name in ("importlib.metadata", "yaml", "_hashlib")))
        """
    env = {**os.environ, "KZAI_LINT_INDEX_DIR": str(tmp_path / "index")}
    env.pop("KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD", None)
    for _ in range(2):  # the first run fills the start-up index
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env, check=False)
        assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-4:] == ["1", "False", "False", "False"]


def test_a_run_no_rule_can_match_imports_no_json_textwrap_or_literal_reader(tmp_path: Path) -> None:
    """What only some runs need is imported there: `json` (~1 ms; the result cache and the
    `distinct:` groups use it), `textwrap` (rule examples and docs) and the regex literal reader
    (only when the start-up index lacks an answer)."""
    import os

    (tmp_path / "a.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    code = """
        import sys
        from kzai_lint.cli import main
        code = main(["check", "a.py", "--no-cache"])
        print(code, *(name in sys.modules for name in ("json", "textwrap", "kzai_lint.regex_literals")))
        """
    env = {**os.environ, "KZAI_LINT_INDEX_DIR": str(tmp_path / "index")}
    for _ in range(2):  # the first run fills the start-up index
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env, check=False)
        assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-4:] == ["0", "False", "False", "False"]


def test_a_pyproject_without_our_table_is_not_parsed(tmp_path: Path) -> None:
    """Every folder's pyproject.toml is read while looking for the config; one that cannot hold
    a [tool.kzai-lint] table costs no TOML parser (its import alone is ~3 ms)."""
    (tmp_path / ".git").mkdir()
    project = tmp_path / "trainer"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "trainer"\ndependencies = ["torch"]\n', encoding="utf-8")
    (project / "a.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    out = run_python(
        """
        import sys
        from kzai_lint.cli import main
        code = main(["check", "trainer/a.py", "--no-cache"])
        print(code, "tomllib" in sys.modules or "tomli" in sys.modules)
        """,
        cwd=tmp_path,
    )
    assert out[-2:] == ["0", "False"]


def test_every_dataclass_has_a_docstring_of_its_own() -> None:
    """`@dataclass` writes a missing docstring from `inspect.signature` at import time (~60 us
    a class: 1 ms of every run's start-up for the 19 that had none); a docstring saying why the
    record exists is better anyway."""
    import dataclasses
    import importlib
    import pkgutil

    import kzai_lint

    missing = []
    for info in pkgutil.walk_packages(kzai_lint.__path__, "kzai_lint."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                if "__doc__" not in value.__dict__ or (value.__doc__ or "").startswith(value.__name__ + "("):
                    missing.append(f"{module.__name__}.{value.__qualname__}")
    assert not missing, missing
