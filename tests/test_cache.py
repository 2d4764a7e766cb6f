"""The result cache (`.kzai_lint_cache/`): hits and misses, self-healing, invalidation by
settings, atomic and concurrent use, and a warm run that never imports libcst."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

from click.testing import CliRunner

from kzai_lint.api import check
from kzai_lint.cache import CACHE_DIR_NAME
from kzai_lint.cli import cli

EMOTION = """
from deepface import DeepFace

def mood(frame):
    return DeepFace.analyze(frame, actions=["emotion"])
"""
PLAIN = "def add(a, b):\n    return a + b\n"


def tree(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"app/camera.py": EMOTION, "app/maths.py": PLAIN, "requirements.txt": "deepface\n"})


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*/*.json"))


def test_second_run_is_served_from_the_cache(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    first = check([root], cache=True, cache_dir=tmp_path / "c")
    second = check([root], cache=True, cache_dir=tmp_path / "c")
    assert first.stats["cached"] == 0 and first.stats["parsed"] >= 1
    assert second.stats["cached"] == second.stats["files"] and second.stats["parsed"] == 0
    assert (second.findings, second.errors, second.warnings) == (first.findings, first.errors, first.warnings)
    assert [f.code for f in second.findings if f.path == "app/camera.py"] == ["KZ306"]


def test_a_changed_file_misses_and_the_others_hit(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    check([root], cache=True, cache_dir=tmp_path / "c")
    (root / "app" / "maths.py").write_text(PLAIN + "\n\ndef sub(a, b):\n    return a - b\n", encoding="utf-8")
    again = check([root], cache=True, cache_dir=tmp_path / "c")
    assert again.stats["cached"] == again.stats["files"] - 1


def test_corrupted_entries_are_ignored_and_rewritten(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    reference = check([root])
    check([root], cache=True, cache_dir=tmp_path / "c")
    stored = entries(tmp_path / "c")
    assert stored
    garbage = [b"", b"{not json", b'{"schema": 1, "key": "other", "result": null}', b'{"schema":1,"key":"%s","result":{"$c":"Nope","f":{}}}']
    for i, path in enumerate(stored):
        key = path.stem.encode()
        path.write_bytes(garbage[i % len(garbage)].replace(b"%s", key))
    healed = check([root], cache=True, cache_dir=tmp_path / "c")
    assert healed.stats["cached"] == 0
    assert (healed.findings, healed.errors) == (reference.findings, reference.errors)
    for path in entries(tmp_path / "c"):
        assert json.loads(path.read_text(encoding="utf-8"))["schema"] == 1
    assert check([root], cache=True, cache_dir=tmp_path / "c").stats["cached"] == healed.stats["files"]


def test_a_settings_change_invalidates_the_cache(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    check([root], cache=True, cache_dir=tmp_path / "c")
    config = root / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[tool.kzai-lint.per-file-ignores]\n"app/camera.py" = ["KZ306"]\n', encoding="utf-8")
    changed = check([root], cache=True, cache_dir=tmp_path / "c")
    assert changed.stats["cached"] == 0
    assert [f.status.value for f in changed.findings if f.path == "app/camera.py" and f.code == "KZ306"] == ["suppressed"]
    assert len(list((tmp_path / "c").iterdir())) >= 2  # one folder per run key


def test_rule_selection_and_prefilter_are_part_of_the_key(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    check([root], cache=True, cache_dir=tmp_path / "c")
    assert check([root], cache=True, cache_dir=tmp_path / "c", select=["KZ306"]).stats["cached"] == 0
    assert check([root], cache=True, cache_dir=tmp_path / "c", use_prefilter=False).stats["cached"] == 0


def test_the_cache_folder_is_never_committed(make_repo: Callable[..., Path]) -> None:
    root = tree(make_repo)
    result = CliRunner().invoke(cli, ["check", str(root), "--exit-zero"])
    assert result.exit_code == 0, result.output
    folder = root / CACHE_DIR_NAME
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert entries(folder)


def test_cli_cache_options(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    assert CliRunner().invoke(cli, ["check", str(root), "--no-cache", "--exit-zero"]).exit_code == 0
    assert not (root / CACHE_DIR_NAME).exists()
    elsewhere = tmp_path / "elsewhere"
    assert CliRunner().invoke(cli, ["check", str(root), "--cache-dir", str(elsewhere), "--exit-zero"]).exit_code == 0
    assert entries(elsewhere) and not (root / CACHE_DIR_NAME).exists()


def test_cache_dir_from_the_config(make_repo: Callable[..., Path]) -> None:
    root = tree(make_repo)
    config = root / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[tool.kzai-lint.system]", '[tool.kzai-lint]\ncache-dir = "build/kzai"\n\n[tool.kzai-lint.system]'), encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", str(root), "--exit-zero"]).exit_code == 0
    assert entries(root / "build" / "kzai")


def test_results_that_depend_on_the_moment_are_not_stored(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    from kzai_lint.cache import ResultCache
    from kzai_lint.engine import FileResult
    from kzai_lint.model import FileError

    cache = ResultCache(tmp_path, "k")
    cache.folder.mkdir()
    cache.put("a", FileResult("x.py", errors=(FileError("x.py", "timeout", "over 10 s"),)))
    cache.put("b", FileResult("x.py", facts={"imports": [("os",)]}))
    assert cache.get("a") is None
    assert cache.get("b") == FileResult("x.py", facts={"imports": [("os",)]})


def test_concurrent_runs_share_the_cache_safely(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({f"pkg/m{i}.py": EMOTION if i % 3 == 0 else PLAIN + f"\nX = {i}\n" for i in range(24)})
    reference = check([root])
    script = f"from kzai_lint.api import check; r = check([{str(root)!r}], cache=True, cache_dir={str(tmp_path / 'c')!r}); print(len(r.findings))"
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs == [str(len(reference.findings))] * 3
    warm = check([root], cache=True, cache_dir=tmp_path / "c")
    assert warm.stats["cached"] == warm.stats["files"]
    assert warm.findings == reference.findings
    assert not list((tmp_path / "c").glob("*/.*.tmp"))


def test_a_warm_run_does_not_import_libcst(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tree(make_repo)
    script = textwrap.dedent(
        f"""
        import sys
        from kzai_lint.cli import main
        code = main(["check", {str(root)!r}, "--cache-dir", {str(tmp_path / 'c')!r}, "-q"])
        print(code, "libcst._nodes.base" in sys.modules)
        """
    )
    cold = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert cold.stdout.split()[-2:] == ["1", "True"], cold.stdout + cold.stderr  # the emotion file was parsed
    assert warm.stdout.split()[-2:] == ["1", "False"], warm.stdout + warm.stderr
