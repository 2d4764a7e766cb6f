"""Collector thresholds during a scan, and no reference cycles that would need the collector."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from kzai_lint import api, gc_tuning

SOURCE = '''
import cv2
from deepface import DeepFace as DF


def analyse(path):
    """Faces in a picture."""
    image = cv2.imread(path)
    return [DF.analyze(image, actions=["emotion"]) for _ in range(2)]


class Camera:
    def frames(self):
        while True:
            yield self.read()
'''


@pytest.fixture()
def collector_paused():
    """Automatic collection off, so what a scan leaves behind stays until counted."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def test_a_scanned_tree_is_freed_without_the_cyclic_collector(tmp_path: Path, collector_paused: None) -> None:
    """A reference cycle through the analysis (once: the fast walk's recursive closure) kept
    every file's libcst tree alive until a full collection."""
    import libcst

    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    api.check([tmp_path], jobs=1)  # warm: imports, caches and compiled regexes stay alive
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    result = api.check([tmp_path], jobs=1)
    assert result.findings, "the scan must have parsed and analysed the file"
    gc.collect()
    leaked = [obj for obj in gc.garbage if isinstance(obj, libcst.CSTNode)]
    assert not leaked, f"{len(leaked)} libcst nodes were freed only by the cyclic collector"


def test_thresholds_are_raised_for_the_scan_and_restored() -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, before[1], before[2])
    try:
        with gc_tuning.fewer_collections():
            assert gc.get_threshold()[0] == gc_tuning.YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == 700
    finally:
        gc.set_threshold(*before)


def test_thresholds_are_never_lowered_and_a_disabled_threshold_stays_off() -> None:
    before = gc.get_threshold()
    try:
        for young in (0, gc_tuning.YOUNG_THRESHOLD * 2):
            gc.set_threshold(young, before[1], before[2])
            with gc_tuning.fewer_collections():
                assert gc.get_threshold()[0] == young
            assert gc.get_threshold()[0] == young
    finally:
        gc.set_threshold(*before)


def test_the_scan_runs_with_the_raised_threshold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzai_lint import engine

    seen: list[int] = []
    scan_file = engine.scan_file

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold()[0])
        return scan_file(*args, **kwargs)

    monkeypatch.setattr(engine, "scan_file", spy)
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    before = gc.get_threshold()
    api.check([tmp_path], jobs=1)
    assert seen and all(young >= gc_tuning.YOUNG_THRESHOLD for young in seen)
    assert gc.get_threshold() == before
