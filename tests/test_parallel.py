"""The process pool: used only when enough parse work passed the prefilter, and the run falls
back to serial scanning when the pool cannot start or a worker dies."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

from kzai_lint import parallel
from kzai_lint.api import check

EMOTION = 'from deepface import DeepFace\n\ndef mood(frame):\n    return DeepFace.analyze(frame, actions=["emotion"])\n'


def repo(make_repo: Callable[..., Path]) -> Path:
    files = {f"pkg/cam{i}.py": EMOTION + f"\nSTEP = {i}\n" for i in range(6)}
    files.update({f"pkg/util{i}.py": f"def add{i}(a, b):\n    return a + b\n" for i in range(6)})
    return make_repo(files)


def no_pool(plan: Any, jobs: int, **options: Any) -> Any:
    """`_new_pool` on a machine where no pool starts (no /dev/shm, a process limit)."""
    raise OSError(28, "No space left on device")


def outcome(result: Any) -> tuple[Any, ...]:
    return (result.findings, result.errors, result.warnings, result.files_scanned)


def test_small_inputs_are_scanned_serially(make_repo: Callable[..., Path]) -> None:
    result = check([repo(make_repo)], jobs=2)
    assert result.stats["workers"] == 0  # far below POOL_MIN_BYTES of files to parse
    assert result.stats["passed"] >= 6 and result.stats["parsed"] < result.stats["files"]


def test_the_pool_gives_the_serial_result(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)
    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    pooled = check([root], jobs=2)
    assert pooled.stats["workers"] == 2
    assert outcome(pooled) == outcome(serial)


def test_a_pool_that_cannot_start_falls_back_to_serial(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)

    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_new_pool", no_pool)
    fallback = check([root], jobs=2)
    assert fallback.stats["workers"] == 0
    assert outcome(fallback) == outcome(serial)


def test_a_dead_worker_falls_back_to_serial(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)

    def die(*args: Any) -> Any:
        os._exit(3)  # a worker killed mid-file (OOM killer, segfault in a parser)

    monkeypatch.setattr(parallel, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "_work", die)  # forked workers inherit it; the main process does not use it
    broken = check([root], jobs=2)
    assert outcome(broken) == outcome(serial)


def test_auto_jobs_reads_the_config(make_repo: Callable[..., Path]) -> None:
    from kzai_lint.config import load_settings

    root = repo(make_repo)
    config = root / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[tool.kzai-lint.system]", "[tool.kzai-lint]\njobs = 3\n\n[tool.kzai-lint.system]"), encoding="utf-8")
    assert parallel.auto_jobs(load_settings(root)) == 3
    assert outcome(check([root], jobs=0)) == outcome(check([root], jobs=1))  # 0 = auto


def sharded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large-tree mode for any input: the workers read, hash and prefilter, 3 files per task."""
    monkeypatch.setattr(parallel, "SHARD_MIN_FILES", 0)
    monkeypatch.setattr(parallel, "SHARD_FILES", 3)


def test_the_sharded_pool_gives_the_serial_result(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)
    sharded(monkeypatch)
    pooled = check([root], jobs=2)
    assert pooled.stats["workers"] == 2
    assert outcome(pooled) == outcome(serial)
    counters = ("files", "prefiltered", "passed", "parsed", "parsed_bytes", "facts_only")
    assert {k: pooled.stats[k] for k in counters} == {k: serial.stats[k] for k in counters}


def test_a_sharded_run_fills_the_cache_manifest(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = repo(make_repo)
    sharded(monkeypatch)
    cold = check([root], jobs=2, cache=True, cache_dir=tmp_path / "cache")
    warm = check([root], jobs=1, cache=True, cache_dir=tmp_path / "cache")
    assert outcome(warm) == outcome(cold)
    # Every file is known to the manifest by its stat: none is even read again.
    assert warm.stats["cached"] == warm.stats["files"] and warm.stats["prefiltered"] == 0


def test_a_sharded_pool_that_cannot_start_scans_in_the_main_process(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)

    sharded(monkeypatch)
    monkeypatch.setattr(parallel, "_new_pool", no_pool)
    fallback = check([root], jobs=2)
    assert fallback.stats["workers"] == 0
    assert outcome(fallback) == outcome(serial)


def test_a_dead_sharded_worker_falls_back_to_the_main_process(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(make_repo)
    serial = check([root], jobs=1)

    def die(*args: Any) -> Any:
        os._exit(3)

    sharded(monkeypatch)
    monkeypatch.setattr(parallel, "_work_shard", die)
    broken = check([root], jobs=2)
    assert outcome(broken) == outcome(serial)


@pytest.mark.parametrize("mode", ["pool", "sharded"])
def test_the_interpreter_exits_after_a_worker_died(mode: str, make_repo: Callable[..., Path]) -> None:
    """A process that gave up a broken pool must still exit. `shutdown(wait=False)` alone left
    idle workers behind on CPython < 3.14 (python/cpython#132969), which the interpreter joins
    at exit forever: the whole test suite once hung after its last test."""
    import subprocess
    import sys
    import textwrap

    root = repo(make_repo)
    script = textwrap.dedent(f"""
        import os, sys
        from kzai_lint import parallel
        from kzai_lint.api import check
        def die(*args):
            os._exit(3)
        parallel.POOL_MIN_BYTES = 0
        if {mode == "sharded"}:
            parallel.SHARD_MIN_FILES, parallel.SHARD_FILES = 0, 3
        parallel._work = parallel._work_shard = die
        for _ in range(3):
            result = check([sys.argv[1]], jobs=2)
        print(len(result.findings))
        """)
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 6  # every emotion file, scanned in the main process


def test_shards_cover_every_file_in_order_and_shrink_towards_the_end() -> None:
    todo: list[Any] = [(index, None, None) for index in range(300)]
    shards = parallel._shards(todo, 2)
    assert [entry for shard in shards for entry in shard] == todo
    sizes = [len(shard) for shard in shards]
    assert max(sizes) <= parallel.SHARD_FILES and sizes == sorted(sizes, reverse=True)
    assert sizes[0] > sizes[-2] == parallel.SHARD_LAST_FILES  # no long last task for one worker
    assert [len(shard) for shard in parallel._shards(todo[:3], 2)] == [3]


def test_a_few_hundred_files_are_sharded_by_size(tmp_path: Path) -> None:
    """A mid-sized tree goes to the workers whole when it holds enough bytes (where most files
    pass the prefilter the main process would otherwise read and prefilter beside two workers)."""
    from kzai_lint.discovery import DiscoveredFile
    from kzai_lint.model import FileKind

    def files(count: int, size: int) -> list[Any]:
        out = []
        for index in range(count):
            path = tmp_path / f"{count}-{size}-{index}.py"
            path.write_bytes(b"x" * size)
            out.append((index, DiscoveredFile(str(path), path.name, FileKind.PYTHON), parallel._NOT_STATTED))
        return out

    assert parallel._large(files(parallel.SHARD_SMALL_FILES, parallel.SHARD_MIN_BYTES // parallel.SHARD_SMALL_FILES + 1))
    assert not parallel._large(files(parallel.SHARD_SMALL_FILES, 100))
    assert not parallel._large(files(parallel.SHARD_SMALL_FILES - 1, parallel.SHARD_MIN_BYTES))  # a pre-commit run


def test_what_sharded_workers_compute_for_the_startup_index_is_kept(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Forked workers end without writing the startup index: the regexes and keyword sets only
    they needed reach it through the main process, so the next run computes none of them."""
    from kzai_lint import startup_index

    root = repo(make_repo)
    startup_index.reset()
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", str(tmp_path / "index"))
    startup_index.reset()
    try:
        sharded(monkeypatch)
        first = check([root], jobs=2)
        assert first.stats["workers"] == 2
        startup_index.flush()
        startup_index.reset()
        computed: list[str] = []
        real_get = startup_index.get

        def recording_get(name: str, compute: Callable[[], Any]) -> Any:
            return real_get(name, lambda: computed.append(name) or compute())

        monkeypatch.setattr(startup_index, "get", recording_get)
        again = check([root], jobs=1)
        assert outcome(again) == outcome(first)
        assert [name for name in computed if name.startswith("re/")] == []
    finally:
        monkeypatch.delenv("KZAI_LINT_INDEX_DIR")
        startup_index.reset()
