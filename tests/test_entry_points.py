"""Entry points read from the startup index (`entry_points`) are the ones `importlib.metadata`
reads, and a changed environment is read again."""
from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

import pytest

from kzai_lint import entry_points, startup_index
from kzai_lint.entry_points import IndexedDistribution, IndexedEntryPoint


@pytest.fixture()
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "index"
    monkeypatch.setenv(startup_index.ENV, str(folder))
    startup_index.reset()
    yield folder
    startup_index.reset()


def fake_distribution(site: Path, name: str, value: str) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[kzai_lint.rules]\n{name} = {value}\n", encoding="utf-8")


def described(eps: list[object]) -> set[tuple[str, str, str | None]]:
    return {(ep.name, ep.value, ep.dist.name if ep.dist is not None else None) for ep in eps}  # type: ignore[attr-defined]


def test_same_entry_points_as_importlib_metadata(index: Path) -> None:
    expected = described(list(metadata.entry_points(group="kzai_lint.rules")))
    first = entry_points.installed("kzai_lint.rules")
    startup_index.reset()  # writes the index; the next read comes from it
    second = entry_points.installed("kzai_lint.rules")
    assert described(first) == described(second) == expected
    assert all(isinstance(ep, IndexedEntryPoint) for ep in second)


def test_a_new_distribution_is_seen(index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    before = described(entry_points.installed("kzai_lint.rules"))
    startup_index.reset()
    fake_distribution(site, "acme_pack", "acme_pack.rules:PACK")
    after = described(entry_points.installed("kzai_lint.rules"))
    assert after - before == {("acme_pack", "acme_pack.rules:PACK", "acme_pack")}


def test_path_key_follows_sys_path_and_distribution_folders(tmp_path: Path) -> None:
    key = entry_points.path_key([str(tmp_path)])
    assert entry_points.path_key([str(tmp_path)]) == key
    (tmp_path / "notes.txt").write_text("a repository's root changes all the time", encoding="utf-8")
    assert entry_points.path_key([str(tmp_path)]) == key
    (tmp_path / "acme-1.0.dist-info").mkdir()
    with_dist = entry_points.path_key([str(tmp_path)])
    assert with_dist != key
    os.utime(tmp_path / "acme-1.0.dist-info", ns=(1, 1))  # reinstalled: the same name, new folder
    assert entry_points.path_key([str(tmp_path)]) != with_dist
    assert entry_points.path_key([str(tmp_path), str(tmp_path / "missing")]) != entry_points.path_key([str(tmp_path)])


def test_without_an_index_importlib_metadata_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(startup_index.ENV, "")
    got = entry_points.installed("kzai_lint.rules")
    assert described(got) == described(list(metadata.entry_points(group="kzai_lint.rules")))


def test_indexed_entry_point_loads_like_entry_point_load() -> None:
    ep = IndexedEntryPoint("join", "os.path:join", "g", IndexedDistribution("d", "1"))
    assert ep.load() is os.path.join
    assert IndexedEntryPoint("m", "os.path", "g").load() is os.path
    assert IndexedEntryPoint("x", "os : path.join [extra]", "g").load() is os.path.join
    with pytest.raises(ValueError, match="module:attribute"):
        IndexedEntryPoint("bad", "not a value!", "g").load()
    with pytest.raises(AttributeError):
        IndexedEntryPoint("missing", "os:no_such_thing", "g").load()
