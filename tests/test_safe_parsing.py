"""Safe parsing and no escape from the root (issue 8.4, 8.5): YAML tags construct nothing, alias
bombs and deep nesting fail fast as parse errors, decoding follows PEP 263 and BOMs, NUL bytes
mean binary, symlinks never lead out of the root (with git and without)."""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from kzai_lint.api import check
from kzai_lint.decoding import decode
from kzai_lint.discovery import OUTSIDE_ROOT, discover
from kzai_lint.model import FileKind
from kzai_lint.sources import DocumentError, load_document
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.json_doc import parse_json
from kzai_lint.sources.notebook import parse_notebook
from kzai_lint.sources.toml_doc import parse_toml
from kzai_lint.sources.yaml_doc import parse_yaml

EMOTION = "from deepface import DeepFace\n\ndef mood(frame):\n    return DeepFace.analyze(frame, actions=['emotion'])\n"


@pytest.mark.parametrize(("data", "kind", "expected"), [
    (b"# -*- coding: latin-1 -*-\nname = '\xe9'\n", FileKind.PYTHON, (None, "# -*- coding: latin-1 -*-\nname = '\xe9'\n")),
    (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1251 :\nx = '\xe0'\n", FileKind.PYTHON, (None, "#!/usr/bin/env python\n# vim: set fileencoding=cp1251 :\nx = '\u0430'\n")),
    (b"\xef\xbb\xbfx = 1\r\n", FileKind.PYTHON, (None, "x = 1\r\n")),
    (b"name = '\xe9'\n", FileKind.PYTHON, ("encoding", None)),
    (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", FileKind.PYTHON, ("encoding", None)),
    (b"# coding: rot13\nx = 1\n", FileKind.PYTHON, ("encoding", None)),
    (b"# coding: no-such-codec\nx = 1\n", FileKind.PYTHON, ("encoding", None)),
    (b"x = 1\n" + b"#" * 9000 + b"\0\n", FileKind.PYTHON, ("binary", None)),
    (codecs.BOM_UTF16_LE + "a: b\n".encode("utf-16-le"), FileKind.YAML, (None, "a: b\n")),
    (codecs.BOM_UTF8 + b'{"a": 1}', FileKind.JSON, (None, '{"a": 1}')),
    (b"a: \xff\n", FileKind.YAML, ("encoding", None)),
    (b"name,iin\n\xff,1\n", FileKind.TABULAR, (None, "name,iin\n\ufffd,1\n")),
])
def test_decoding(data: bytes, kind: FileKind, expected: tuple[str | None, str | None]) -> None:
    error, text, message = decode(data, kind)
    assert (error, text) == expected
    assert bool(message) == (error is not None)


def test_yaml_tags_construct_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    marker = tmp_path / "marker"
    docs = parse_yaml(
        f'run: !!python/object/apply:os.system ["touch {marker}"]\n'
        "new: !!python/object/new:subprocess.Popen [[ls]]\n"
        "name: !!python/name:os.system\n"
        "mod: !!python/module:os\n"
        "obj: !!python/object:collections.OrderedDict {a: 1}\n"
    )
    values = {node.key_path[0]: node.value for node in docs[0].nodes if len(node.key_path) == 1}
    assert values == {"run": [f"touch {marker}"], "new": [["ls"]], "name": None, "mod": None, "obj": {"a": 1}}
    assert not called and not marker.exists()


def test_alias_bomb_is_rejected_in_milliseconds() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghijk":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]")
    started = time.monotonic()
    with pytest.raises(SourceParseError, match="alias"):
        parse_yaml("\n".join(lines))
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(("kind", "text"), [
    (FileKind.YAML, "x: " + "[" * 100_000 + "]" * 100_000),
    (FileKind.YAML, "x:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1000))),
    (FileKind.JSON, "[" * 200_000 + "]" * 200_000),
    (FileKind.JSON, '{"a":' * 100_000 + "1" + "}" * 100_000),
    (FileKind.TOML, "x = " + "[" * 100_000 + "]" * 100_000),
    (FileKind.TOML, "x = " + "{a = " * 5_000 + "1" + "}" * 5_000),
    (FileKind.MODEL_CARD, "---\nx: " + "[" * 100_000 + "]" * 100_000 + "\n---\n# Card\n"),
])
def test_deep_nesting_fails_as_a_parse_error(kind: FileKind, text: str) -> None:
    started = time.monotonic()
    try:
        document = load_document(kind, text, "deep." + kind.value)
    except DocumentError as exc:
        assert "nesting" in str(exc) or "deep" in str(exc)
    else:  # a model card keeps its body and reports the front matter
        assert kind is FileKind.MODEL_CARD and document.front_matter_error is not None
    assert time.monotonic() - started < 10


def test_notebook_json_too_deep_is_a_parse_error() -> None:
    with pytest.raises(SourceParseError):
        parse_notebook('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_number_and_string_bombs_stay_cheap() -> None:
    started = time.monotonic()
    with pytest.raises(SourceParseError):
        parse_json("[" + "9" * 100_000 + "]")  # more digits than int() accepts
    parse_toml('x = "' + "a" * 1_000_000 + '"')
    assert time.monotonic() - started < 5


def test_line_endings_keep_positions(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"lf.py": EMOTION})
    (root / "crlf.py").write_bytes(EMOTION.replace("\n", "\r\n").encode())
    (root / "cr.py").write_bytes(EMOTION.replace("\n", "\r").encode())
    result = check([root], select=("KZ306",))
    assert sorted((f.path, f.line, f.column) for f in result.findings) == [("cr.py", 4, 12), ("crlf.py", 4, 12), ("lf.py", 4, 12)]


def _symlinked_repo(tmp_path: Path, git: bool) -> tuple[Path, Path]:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "pkg").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.py").write_text(EMOTION)
    (outside / "lib").mkdir()
    (outside / "lib" / "leak.py").write_text(EMOTION)
    (root / "pkg" / "app.py").write_text(EMOTION)
    (root / "pkg" / "secret.py").symlink_to(outside / "secret.py")
    (root / "pkg" / "lib").symlink_to(outside / "lib")
    (root / "pkg" / "alias.py").symlink_to("app.py")
    (root / "pkg" / "loop_a.py").symlink_to("loop_b.py")
    (root / "pkg" / "loop_b.py").symlink_to("loop_a.py")
    (root / "pkg" / "up").symlink_to("..")
    if git:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root, outside


@pytest.mark.parametrize("git", [False, True], ids=["plain", "git"])
def test_symlinks_never_lead_out_of_the_root(tmp_path: Path, git: bool) -> None:
    root, _ = _symlinked_repo(tmp_path, git)
    found = discover([root], root, [])
    assert [f.relpath for f in found.files] == ["pkg/alias.py", "pkg/app.py", "pkg/loop_a.py", "pkg/loop_b.py"]
    assert found.outside_root == ("pkg/secret.py",)
    result = check([root], select=("KZ306",))
    assert sorted(f.path for f in result.findings) == ["pkg/alias.py", "pkg/app.py"]
    assert sorted((e.path, e.kind) for e in result.errors) == [
        ("pkg/loop_a.py", "read-error"), ("pkg/loop_b.py", "read-error"), ("pkg/secret.py", "read-error"),
    ]
    assert [e.message for e in result.errors if e.path == "pkg/secret.py"] == [OUTSIDE_ROOT]
    assert result.files_discovered == 5 and result.files_scanned == 2


def test_a_walked_directory_reached_through_a_link_stays_inside_that_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _symlinked_repo(tmp_path, git=False)
    monkeypatch.chdir(root)
    found = discover([Path("pkg"), Path("pkg/lib")], root, [])
    assert "pkg/lib/leak.py" not in [f.relpath for f in found.files]
    assert "pkg/lib/leak.py" in found.outside_root


def test_json_output_names_the_coverage(make_repo: Callable[..., Path]) -> None:
    from kzai_lint.reporters.json import result_to_json

    root = make_repo({"a.py": EMOTION, "b.py": b"\0\0".decode("latin-1")})
    data = json.loads(json.dumps(result_to_json(check([root]))))
    summary = data["summary"]
    assert summary["files_discovered"] == summary["files_scanned"] + 1
    assert summary["errors_by_kind"] == {"binary": 1}
