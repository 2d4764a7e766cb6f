"""A hostile repository for the issue-8 tests: every way a file can be broken, huge, deep,
binary, oddly encoded, oddly named or booby-trapped, next to a few real findings.

`build(tmp_path)` writes it and returns a `HostileRepo` that says which files must be reported
under `errors` (and with which kind), which findings must be found, and where the marker files
would appear if anything scanned were ever executed.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

EMOTION_CALL = 'DeepFace.analyze(frame, actions=["emotion"])'
EMOTION = f"from deepface import DeepFace\n\ndef mood(frame):\n    return {EMOTION_CALL}\n"


@dataclass
class HostileRepo:
    root: Path
    outside: Path
    #: path -> error kind every run must report for it
    errors: dict[str, str] = field(default_factory=dict)
    #: (path, line) of KZ306 findings every run must report
    findings: set[tuple[str, int]] = field(default_factory=set)
    #: files that would appear if scanned code, YAML tags or plugins were ever executed
    markers: list[Path] = field(default_factory=list)
    #: paths with characters that need escaping in some output format
    odd_names: list[str] = field(default_factory=list)


def build(tmp_path: Path, *, symlinks: bool = True) -> HostileRepo:
    root = tmp_path / "hostile"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    repo = HostileRepo(root, outside)
    marker = tmp_path / "EXECUTED"
    repo.markers.append(marker)
    _trap_files(repo, marker)
    _size_and_depth(repo)
    _encodings(repo)
    _broken_python(repo)
    _documents(repo)
    _odd_names(repo)
    if symlinks:
        _symlinks(repo)
    return repo


def write(root: Path, rel: str, data: str | bytes) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_bytes(data.encode("utf-8"))


def _trap_files(repo: HostileRepo, marker: Path) -> None:
    """Code and tags that would leave `marker` behind if anything imported or constructed them."""
    touch = f"open({str(marker)!r}, 'w').write('imported')\n"
    write(repo.root, "app/camera.py", EMOTION)
    repo.findings.add(("app/camera.py", 4))
    write(repo.root, "app/trap.py", f"import deepface\n{touch}")
    write(repo.root, "conftest.py", touch)
    write(repo.root, "setup.py", touch + "from setuptools import setup\nsetup(name='x')\n")
    write(repo.root, "evil_pack/__init__.py", touch)
    write(repo.root, "pyproject.toml", '[tool.kzai-lint]\nplugins = ["./evil_pack"]\n')
    write(repo.root, "config/tagged.yaml", f"run: !!python/object/apply:os.system [\"touch {marker}\"]\nobj: !!python/object:os.stat_result {{}}\nname: !!python/name:os.system\n")


def _size_and_depth(repo: HostileRepo) -> None:
    root = repo.root
    # Each document names a capability, so the prefilter lets it through to the parser.
    bomb = ["task: emotion-recognition", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]")
    write(root, "config/bomb.yaml", "\n".join(bomb) + "\n")
    repo.errors["config/bomb.yaml"] = "parse-error"
    write(root, "config/deep.yaml", "task: emotion\nx: " + "[" * 50_000 + "]" * 50_000 + "\n")
    repo.errors["config/deep.yaml"] = "parse-error"
    write(root, "config/deep.json", '["emotion", ' + "[" * 100_000 + "]" * 100_000 + "]")
    repo.errors["config/deep.json"] = "parse-error"
    write(root, "config/deep.toml", 'task = "emotion"\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n")
    repo.errors["config/deep.toml"] = "parse-error"
    # libcst 1.0.1 segfaults on the first two and takes minutes on the third (see syntax_guard).
    write(root, "deep/parens.py", "import deepface\nx = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n")
    repo.errors["deep/parens.py"] = "parse-error"
    write(root, "deep/unary.py", "import deepface\nx = " + "not " * 20_000 + "1\n")
    repo.errors["deep/unary.py"] = "parse-error"
    write(root, "deep/chain.py", "from deepface import DeepFace\nx = " + " + ".join(["1"] * 5_000) + f"\n{EMOTION_CALL}\n")
    repo.errors["deep/chain.py"] = "parse-error"
    repo.findings.add(("deep/chain.py", 3))
    _generated(repo)
    _notebook(repo)


def _generated(repo: HostileRepo) -> None:
    """5 MB of generated Python with a real finding on its last line."""
    lines = ["from deepface import DeepFace\n"]
    size = 0
    n = 0
    while size < 5 * 1024 * 1024:
        line = f'CONST_{n} = {{"name": "x{n}", "values": [1, 2, 3, {n}], "f": func_{n % 97}(a, b={n})}}\n'
        lines.append(line)
        size += len(line)
        n += 1
    lines.append(f"RESULT = {EMOTION_CALL}\n")
    write(repo.root, "generated/big_module.py", "".join(lines))
    repo.errors["generated/big_module.py"] = "too-large"
    repo.findings.add(("generated/big_module.py", len(lines)))


def _notebook(repo: HostileRepo) -> None:
    """A notebook whose one output is 30 MB (a base64 image); its code has a real finding."""
    cells = [
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["from deepface import DeepFace\n", EMOTION_CALL], "outputs": [
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo" * (30 * 1024 * 1024 // 11), "text/plain": ["<Figure>"]}},
        ]},
    ]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    write(repo.root, "notebooks/huge_output.ipynb", json.dumps(notebook))


def _encodings(repo: HostileRepo) -> None:
    root = repo.root
    write(root, "enc/latin1_cookie.py", b"# -*- coding: latin-1 -*-\nfrom deepface import DeepFace\nNAME = '\xe9motion'\n" + EMOTION_CALL.encode() + b"\n")
    repo.findings.add(("enc/latin1_cookie.py", 4))
    write(root, "enc/latin1_no_cookie.py", b"from deepface import DeepFace\nNAME = '\xe9motion'\n" + EMOTION_CALL.encode() + b"\n")
    repo.errors["enc/latin1_no_cookie.py"] = "encoding"
    write(root, "enc/bom.py", b"\xef\xbb\xbf" + EMOTION.encode())
    repo.findings.add(("enc/bom.py", 4))
    write(root, "enc/crlf.py", EMOTION.replace("\n", "\r\n"))
    repo.findings.add(("enc/crlf.py", 4))
    write(root, "enc/cr_only.py", EMOTION.replace("\n", "\r"))
    repo.findings.add(("enc/cr_only.py", 4))
    write(root, "enc/nul_late.py", EMOTION + "# " + "x" * 20_000 + "\0\n")
    repo.errors["enc/nul_late.py"] = "binary"
    write(root, "enc/nul.yaml", "key: value\n\0\n")
    repo.errors["enc/nul.yaml"] = "binary"
    write(root, "enc/utf16.json", '{"id2label": {"0": "angry"}}'.encode("utf-16"))
    write(root, "enc/bad_cookie.py", b"# coding: zlib_codec\nimport deepface\n")
    repo.errors["enc/bad_cookie.py"] = "encoding"
    write(root, "bin/model_weights.py", bytes(range(256)) * 64)
    repo.errors["bin/model_weights.py"] = "binary"


def _broken_python(repo: HostileRepo) -> None:
    root = repo.root
    write(root, "legacy/py2.py", f"from deepface import DeepFace\nprint 'python 2'\nexec 'x = 1'\nresult = {EMOTION_CALL}\n")
    repo.errors["legacy/py2.py"] = "parse-error"
    repo.findings.add(("legacy/py2.py", 4))
    write(root, "app/one_error.py", f"from deepface import DeepFace as DF\n\ndef ok(frame):\n    return DF.analyze(frame, actions=['emotion'])\n\ndef broken(:\n    pass\n")
    repo.errors["app/one_error.py"] = "parse-error"
    repo.findings.add(("app/one_error.py", 4))
    write(root, "legacy/tabs.py", "import deepface\n# frames go to deepface.DeepFace.analyze in the worker\ndef f():\n\tif x:\n        pass\n")
    repo.errors["legacy/tabs.py"] = "parse-error"


def _documents(repo: HostileRepo) -> None:
    root = repo.root
    write(root, "README.md", "---\nlicense: [mit\ntags: {{{\n---\n# Model\n\nThis model recognises emotions of people from their faces.\n")
    repo.errors["README.md"] = "parse-error"  # the front matter; the body is still scanned
    write(root, "docs/unclosed.md", "---\ntitle: x\n\nNo closing fence, and *bold* [link](\n")
    write(root, "notebooks/not_json.ipynb", '{ "cells": [ "emotion" this is not json')
    repo.errors["notebooks/not_json.ipynb"] = "parse-error"
    write(root, "data/people.csv", "name,iin,emotion\n" + "a,123456789012,happy\n" * 10 + "\0" * 10)
    write(root, "requirements.txt", "deepface==0.0.79\n-e git+https://example.invalid/x.git#egg=x\n--index-url http://evil.invalid/\n")


def _odd_names(repo: HostileRepo) -> None:
    for name in ("odd/we,ird:na%me.py", "odd/new\nline.py", "odd/esc\x1b[2J.py"):
        write(repo.root, name, EMOTION)
        repo.findings.add((name, 4))
        repo.odd_names.append(name)


def _symlinks(repo: HostileRepo) -> None:
    root, outside = repo.root, repo.outside
    write(outside, "secret.py", "from deepface import DeepFace\nSECRET = DeepFace.analyze(x, actions=['emotion'])  # OUTSIDE-ROOT\n")
    write(outside, "secret.yaml", "token: OUTSIDE-ROOT\n")
    os.symlink(outside / "secret.py", root / "app/secret_link.py")
    os.symlink("../../outside/secret.yaml", root / "config/secret_link.yaml")
    repo.errors["app/secret_link.py"] = "read-error"
    repo.errors["config/secret_link.yaml"] = "read-error"
    os.symlink(outside, root / "outside_dir")  # a directory link out of the root: not walked
    os.symlink("loop_b.py", root / "app/loop_a.py")
    os.symlink("loop_a.py", root / "app/loop_b.py")
    repo.errors["app/loop_a.py"] = "read-error"
    repo.errors["app/loop_b.py"] = "read-error"
    os.symlink("..", root / "app/parent")  # a directory loop
    os.symlink("camera.py", root / "app/camera_alias.py")  # inside the root: scanned
    repo.findings.add(("app/camera_alias.py", 4))
