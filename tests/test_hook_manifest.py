"""`.pre-commit-hooks.yaml` passes kzai-lint every kind of file it reads (and no other text):
a suffix added to discovery without the hook's `files` pattern is never checked at commit time.
(The real pre-commit runs in tests/test_precommit.py, an integration test.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kzai_lint.discovery import classify

MANIFEST = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def file_pattern() -> re.Pattern[str]:
    hooks = {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}
    return re.compile(hooks["kzai-lint"]["files"])


@pytest.mark.parametrize("path", [
    "app/cam.py", "stubs/x.pyi", "nb/demo.ipynb", "conf/train.yaml", "conf/a.yml", "pyproject.toml", "model/config.json",
    "docs/card.md", "data/heads.csv", "data/rows.jsonl", "requirements-dev.txt", "requirements.in", "setup.cfg", "Pipfile",
    "web/kiosk.js", "web/app.mjs", "server/index.cjs", "src/App.jsx", "src/emotion.ts", "src/App.tsx", "lib/x.mts",
    "web/index.html", "web/page.htm", "src/App.vue", "src/Cam.svelte",
    "app/src/main/assets/labels.txt", "model/label_map.txt", "classes.txt", "cfg/class_names.txt", "cfg/coco.names",
])
def test_every_kind_kzai_lint_reads_reaches_the_hook(path: str) -> None:
    assert classify(path) is not None
    assert file_pattern().search(path), path


@pytest.mark.parametrize("path", ["notes.txt", "LICENSE", "img/logo.png", "Makefile", "web/style.css", "sublabels.txt", "labels.txt.bak"])
def test_other_files_do_not_reach_the_hook(path: str) -> None:
    assert not file_pattern().search(path)
