"""Shared files are written whole or not at all, and read back without trusting them."""
from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from kzai_lint.atomic_file import read_marshal, write_atomically


def test_a_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "index.marshal"
    assert write_atomically(target, marshal.dumps({"a": 1}))
    assert write_atomically(target, marshal.dumps({"a": 2}))
    assert read_marshal(target) == {"a": 2}
    assert sorted(p.name for p in target.parent.iterdir()) == ["index.marshal"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_failed_write_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert not write_atomically(folder / "x", b"data")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_missing_or_damaged_file_reads_as_none(tmp_path: Path) -> None:
    assert read_marshal(tmp_path / "absent") is None
    (tmp_path / "bad").write_bytes(b"\x00garbage")
    assert read_marshal(tmp_path / "bad") is None
