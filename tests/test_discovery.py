"""Discovery: gitignore via git, default skips, excludes, kinds."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kzai_lint.discovery import classify, discover
from kzai_lint.model import FileKind


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("a/b.py", FileKind.PYTHON),
        ("stubs/x.pyi", FileKind.PYTHON),
        ("nb/demo.ipynb", FileKind.NOTEBOOK),
        ("configs/x.yaml", FileKind.YAML),
        ("pyproject.toml", FileKind.TOML),
        ("model/config.json", FileKind.JSON),
        ("README.md", FileKind.MODEL_CARD),
        ("docs/usage.md", FileKind.MODEL_CARD),
        ("CONTRIBUTING.md", None),
        ("requirements-dev.txt", FileKind.REQUIREMENTS),
        ("setup.cfg", FileKind.REQUIREMENTS),
        ("data/train.csv", FileKind.TABULAR),
        ("image.png", None),
    ],
)
def test_classify(path: str, kind: FileKind | None) -> None:
    assert classify(path) is kind


def test_default_skips_and_excludes(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/main.py": "x = 1\n",
        ".venv/lib/site.py": "x = 1\n",
        "node_modules/pkg/index.py": "x = 1\n",
        "build/lib/app.py": "x = 1\n",
        "pkg/__pycache__/m.py": "x = 1\n",
        "data/raw/big.py": "x = 1\n",
        "weights/model.safetensors": "x",
    })
    found = discover([tmp_path], tmp_path, ["data/raw/**"])
    assert [f.relpath for f in found.files] == ["app/main.py"]
    assert found.weights == ("weights/model.safetensors",)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_is_honoured(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, {".gitignore": "generated/\n*.tmp.py\n", "app.py": "x = 1\n", "generated/out.py": "x = 1\n", "scratch.tmp.py": "x\n"})
    found = discover([tmp_path], tmp_path, [])
    assert [f.relpath for f in found.files] == ["app.py"]


def test_symlink_out_of_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    write(outside, {"secret.py": "x = 1\n"})
    write(root, {"a.py": "x = 1\n"})
    (root / "link.py").symlink_to(outside / "secret.py")
    found = discover([root], root, [])
    assert [f.relpath for f in found.files] == ["a.py"]
