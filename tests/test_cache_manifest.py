"""The cache manifest: untouched files are served by their stat signature (no read, no hash),
touched ones never are, files modified just before a run are not trusted, and a damaged
manifest is ignored and rewritten. Results are those of an uncached run."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from kzai_lint import cache_manifest
from kzai_lint.api import check
from kzai_lint.cache import pack_result, unpack_result
from kzai_lint.engine import FileResult
from kzai_lint.model import Confidence, FileError, Finding, RunWarning, Severity, Status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EMOTION = "from deepface import DeepFace\n\ndef mood(frame):\n    return DeepFace.analyze(frame, actions=['emotion'])\n"
PLAIN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test itself count as old enough to trust."""
    monkeypatch.setattr(cache_manifest, "RACY_NS", -10**12)


def outcome(result: Any) -> tuple[Any, ...]:
    return (result.findings, result.errors, result.warnings, result.files_scanned)


def manifests(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob(f"*/{cache_manifest.MANIFEST_NAME}"))


def test_untouched_files_come_from_the_manifest_without_reading_entries(make_repo: Callable[..., Path], tmp_path: Path, trusting: None) -> None:
    root = make_repo({"app/camera.py": EMOTION, "app/maths.py": PLAIN, "requirements.txt": "deepface\n"})
    reference = check([root])
    check([root], cache=True, cache_dir=tmp_path / "c")
    assert manifests(tmp_path / "c")
    for entry in (tmp_path / "c").glob("*/*.json"):
        entry.unlink()  # only the manifest can serve the next run
    warm = check([root], cache=True, cache_dir=tmp_path / "c")
    assert warm.stats["cached"] == warm.stats["files"] and warm.stats["parsed"] == 0
    assert outcome(warm) == outcome(reference)


def test_a_file_changed_behind_an_unchanged_mtime_is_read_again(make_repo: Callable[..., Path], tmp_path: Path, trusting: None) -> None:
    root = make_repo({"app/camera.py": EMOTION, "app/maths.py": PLAIN})
    check([root], cache=True, cache_dir=tmp_path / "c")
    target = root / "app" / "maths.py"
    before = target.stat()
    target.write_text(EMOTION.replace("mood", "feel")[: len(PLAIN)].ljust(len(PLAIN)), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime; ctime moves
    again = check([root], cache=True, cache_dir=tmp_path / "c")
    assert again.stats["cached"] == again.stats["files"] - 1
    assert outcome(again) == outcome(check([root]))


def test_files_modified_just_before_the_run_are_not_trusted(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"app/maths.py": PLAIN})
    check([root], cache=True, cache_dir=tmp_path / "c")  # files just written: hashed, not recorded
    assert not manifests(tmp_path / "c") or "maths.py" not in manifests(tmp_path / "c")[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"schema":1,"run_key":"other","files":[]}', b'{"schema":1,"run_key":"%s","files":[["app/maths.py",[1,2,3,4,5,6],"k",[7]]]}', b"[1,2]"])
def test_a_damaged_manifest_is_ignored_and_rewritten(garbage: bytes, make_repo: Callable[..., Path], tmp_path: Path, trusting: None) -> None:
    root = make_repo({"app/camera.py": EMOTION, "app/maths.py": PLAIN})
    reference = check([root])
    check([root], cache=True, cache_dir=tmp_path / "c")
    (manifest,) = manifests(tmp_path / "c")
    manifest.write_bytes(garbage.replace(b"%s", manifest.parent.name.encode()))
    healed = check([root], cache=True, cache_dir=tmp_path / "c")
    assert outcome(healed) == outcome(reference)
    assert manifest.read_bytes() != garbage
    assert check([root], cache=True, cache_dir=tmp_path / "c").stats["cached"] == healed.stats["files"]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_fixtures_from_the_manifest_match_an_uncached_run(name: str, tmp_path: Path, trusting: None) -> None:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    reference = check([root], jobs=1)
    cold = check([root], jobs=1, cache=True, cache_dir=tmp_path / "c")
    warm = check([root], jobs=1, cache=True, cache_dir=tmp_path / "c")
    assert outcome(cold) == outcome(warm) == outcome(reference)
    transient = any(e.kind in ("timeout", "rule-error", "read-error") for e in warm.errors)
    assert warm.stats["parsed"] == 0 or transient


FINDING = Finding(code="KZ306", clause="17(3)(6)", title="t", severity=Severity.ERROR, confidence=Confidence.HIGH, status=Status.OPEN, path="a.py", line=1, column=1, end_line=1, end_column=2, message="m", evidence="e", mitigation=None, fingerprint="f", rule="KZ306/x", capability="emotion", cell=None)


@pytest.mark.parametrize(
    "result",
    [
        FileResult("a.py"),
        FileResult("a.py", facts={"imports": [("os",), ("numpy",)], "dependency": [("fer", 3, None)], "x": [(1.5, True, None, "ü\ud800")]}, scanned=False),
        FileResult("a.py", findings=(FINDING,), facts={"imports": [("os",)]}),
        FileResult("a.py", errors=(FileError("a.py", "parse-error", "bad", 1, 2),)),
        FileResult("a.py", warnings=(RunWarning("a.py", 1, "KZ001", "unused-suppression", "w"),)),
        FileResult("a.py", facts={"nested": [(("a", 1), [2])], "enum": [(Severity.ERROR,)]}),
    ],
)
def test_packed_results_unpack_to_equal_results(result: FileResult) -> None:
    import json

    packed = pack_result(result)
    assert packed is not None
    again = unpack_result(json.loads(json.dumps(packed, ensure_ascii=False)))
    assert again == result and type(again.facts) is dict
    assert all(type(v) is tuple for values in again.facts.values() for v in values)


def test_results_that_depend_on_the_moment_are_not_packed() -> None:
    assert pack_result(FileResult("a.py", errors=(FileError("a.py", "timeout", "over"),))) is None


def test_entries_round_trip_in_either_form_and_bad_ones_miss(tmp_path: Path) -> None:
    from kzai_lint.cache import ResultCache

    cache = ResultCache(tmp_path, "k")
    cache.folder.mkdir()
    plain = FileResult("a.py", facts={"imports": [("os",)]})
    rich = FileResult("b.py", findings=(FINDING,))
    assert cache.put("p", plain) is not None and cache.put("r", rich) is not None
    assert cache.get("p") == plain and cache.get("r") == rich
    for bad in (b'{"schema":1,"key":"x","result":[0,"a.py"]}', b'{"schema":1,"key":"x","result":[0,1,true,{}]}', b'{"schema":1,"key":"x","result":[9]}'):
        (cache.folder / "x.json").write_bytes(bad)
        assert cache.get("x") is None
    cache.empty = True  # a folder this run created: nothing to read
    assert cache.get("p") is None


def test_a_pickled_manifest_leaves_its_records_behind(make_repo: Callable[..., Path], tmp_path: Path, trusting: None) -> None:
    import pickle

    from kzai_lint.cache import ResultCache

    root = make_repo({"app/maths.py": PLAIN})
    check([root], cache=True, cache_dir=tmp_path / "c")
    (folder,) = [p for p in (tmp_path / "c").iterdir() if p.is_dir()]
    cache = ResultCache(tmp_path / "c", folder.name)
    assert cache.manifest._load()
    copied = pickle.loads(pickle.dumps(cache))
    assert copied.manifest.records is None and copied.manifest.changed is False
