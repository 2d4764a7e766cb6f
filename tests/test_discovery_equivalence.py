"""The faster discovery (scandir walk, string classification, one lstat per listed file) finds
exactly what the original pathlib implementation (tests/_discovery_reference.py) found, on
random trees with links into and out of the root, broken links, excluded folders, explicit
files and git listings."""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import _discovery_reference as reference
from kzai_lint import discovery

FOLDERS = ["src", "docs", "model_cards", "Docs", "build", ".venv", "pkg.egg-info", "data", "a b", "ü", "node_modules", "nested"]
FILES = ["m.py", "M.PY", "x.pyi", "n.ipynb", "README.md", "readme.MD", "notes.md", "c.yaml", "c.yml", "p.toml", "d.json", "requirements-dev.txt", "requirements.in", "setup.cfg", "Pipfile", "w.safetensors", "w.PT", "t.csv", "e.jsonl", "noext", ".hidden", "a.", "..b", "environment.yml", ".kzai-lint-baseline.json"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", ".", "..", "docs", "model_cards", "x.py", "r.md", "README.md", "w.pt", "", "ü.Yaml", "requirements.txt"]), min_size=1, max_size=5))
def test_classify_agrees(parts: list[str]) -> None:
    for path in ("/".join(parts), "./" + "/".join(parts), "/".join(parts) + "/", "//".join(parts)):
        assert discovery.classify(path) is reference.classify(path), path
        assert discovery._is_weight(path) == (reference.PurePosixPath(path).suffix.lower() in reference.WEIGHT_SUFFIXES), path


def build_tree(rng: random.Random, root: Path, outside: Path) -> list[Path]:
    """Files, folders and links (in, out, broken, to folders, a loop); returns what it made."""
    made = []
    folders = [root]
    for _ in range(rng.randint(2, 8)):
        parent = rng.choice(folders)
        folder = parent / rng.choice(FOLDERS)
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    for _ in range(rng.randint(3, 20)):
        path = rng.choice(folders) / rng.choice(FILES)
        path.write_text("x = 1\n", encoding="utf-8")
        made.append(path)
    (outside / "out.py").write_text("import os\n", encoding="utf-8")
    (outside / "sub").mkdir(exist_ok=True)
    (outside / "sub" / "deep.md").write_text("# x\n", encoding="utf-8")
    targets = [outside / "out.py", outside / "sub", outside / "missing.py", *made[:3], *folders[1:3]]
    for i in range(rng.randint(0, 5)):
        link = rng.choice(folders) / f"link{i}{rng.choice(['.py', '.md', '', '.pt'])}"
        if not link.exists() and not link.is_symlink():
            try:
                link.symlink_to(rng.choice(targets))
            except OSError:
                continue
            made.append(link)
    if rng.random() < 0.3:
        loop = rng.choice(folders) / "loop"
        if not loop.exists():
            loop.symlink_to(root)
    return made


def same(paths: list[Path], root: Path, exclude: list[str], explicit_files_ok: bool) -> None:
    discovery._REAL_DIRS.clear()
    new = discovery.discover(paths, root, exclude, explicit_files_ok=explicit_files_ok)
    reference._REAL_DIRS.clear()
    old = reference.discover(paths, root, exclude, explicit_files_ok=explicit_files_ok)
    assert new == old, (paths, exclude)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
@pytest.mark.parametrize("seed", range(40))
def test_random_trees_agree(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    made = build_tree(rng, root, outside)
    if seed % 3 == 0 and shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / ".gitignore").write_text(rng.choice(["", "*.md\n", "data/\n", "link*\n"]), encoding="utf-8")
    excludes = rng.choice([[], [".kzai-lint-baseline.json"], ["docs"], ["src/*"], ["*.md", "data/**"], ["nested/"], ["a b", "**/x"]])
    monkeypatch.chdir(root)
    same([root], root, excludes, False)
    same([Path(".")], root, excludes, True)
    subfolders = [p for p in root.rglob("*") if p.is_dir() and not p.is_symlink()]
    if subfolders:
        same([rng.choice(subfolders).relative_to(root)], root, excludes, False)
    explicit = rng.sample(made, k=min(len(made), 4))
    same([p.relative_to(root) if rng.random() < 0.5 else p for p in explicit], root, excludes, rng.random() < 0.5)
    same([root / "nope.py", *explicit[:1]], root, excludes, True)
    # A folder written outside the root (`..`), and the root itself reached through a link.
    same([Path("..") / "outside"], root, excludes, False)
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    same([alias], root, excludes, False)
