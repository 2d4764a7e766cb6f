"""Notebooks no rule reads are not parsed into a CST, yet give the repository the same facts.

Every notebook carries `"nbformat_minor"`, which once let every notebook through the prefilter
(keyword `minor`); the prefilter now ignores the schema's key names, and a notebook it rejects
gives its imports (from the ASTs its cells were compiled to anyway) and pip installs without a
CST. These tests hold both to the parsed path: same facts, same findings.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kzai_lint import config, engine, facts, registry
from kzai_lint.api import check, enabled_rules
from kzai_lint.discovery import DiscoveredFile
from kzai_lint.model import FileKind
from kzai_lint.notebook_outputs import schema_keys_masked
from kzai_lint.sources.notebook import imports_and_installs, parse_notebook
from kzai_lint.sources.python import parse_python

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def notebook(*cells: list[str], kernel: str = "python", minor: int = 5) -> str:
    """nbformat 4 JSON as Jupyter writes it (indent 1), one code cell per list of lines."""
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": lines} for i, lines in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": kernel, "name": "python3"},
                     "language_info": {"name": kernel, "version": "3.11.7", "mimetype": "text/x-python"}},
        "nbformat": 4, "nbformat_minor": minor,
    }, indent=1)


CELLS: dict[str, list[list[str]]] = {
    "plain": [["import os, sys\n", "import torch.nn as nn\n"], ["from transformers import AutoModel, pipeline\n"]],
    "relative": [["from . import utils\n", "from ..pkg.sub import thing as t\n", "from .mod import *\n"]],
    "nested": [["def f():\n", "    import numpy as np\n", "    from scipy import stats\n", "    return np\n"]],
    "blocks": [[
        "try:\n", "    import ujson as json\n", "except ImportError:\n", "    import json\n", "else:\n", "    import a1\n", "finally:\n", "    import a2\n",
        "class C:\n", "    import a3\n", "with open('x') as f:\n", "    import a4\n", "while False:\n", "    pass\n", "else:\n", "    import a5\n",
        "match 1:\n", "    case 1:\n", "        import a6\n", "async def g():\n", "    async with x:\n", "        from a7 import b\n",
        "for i in []:\n", "    pass\n", "else:\n", "    if True:\n", "        pass\n", "    elif False:\n", "        import a8\n",
    ]],
    "magics": [["!pip install -q fer==22.5.1\n", "%matplotlib inline\n", "import cv2\n"], ["%%bash\n", "echo import nothing\n"]],
    "bad cell": [["import pandas\n"], ["def broken(:\n", "    import sklearn\n"]],
    "top-level await": [["import asyncio\n", "await asyncio.sleep(0)\n"]],
    "empty": [[]],
}


def cst_imports(text: str, path: str) -> set[str]:
    nb = parse_notebook(text)
    return set(parse_python(nb.code, path, line_map=nb.line_map or [(0, 1)]).facts.imported_modules)


@pytest.mark.parametrize("name", sorted(CELLS))
@pytest.mark.parametrize("path", ["nb.ipynb", "pkg/sub/analysis.ipynb"])
def test_imports_without_a_cst_are_the_cst_analysis_imports(name: str, path: str) -> None:
    text = notebook(*CELLS[name])
    trees, installs = imports_and_installs(text)
    assert facts.notebook_imports(trees, path) == cst_imports(text, path)
    assert installs == parse_notebook(text).pip_installs


def test_fixture_notebooks_give_the_same_imports() -> None:
    found = sorted(FIXTURES.rglob("*.ipynb"))
    assert found, "the fixtures have notebooks"
    for file in found:
        text = file.read_text(encoding="utf-8")
        rel = file.relative_to(FIXTURES).as_posix()
        trees, installs = imports_and_installs(text)
        assert facts.notebook_imports(trees, rel) == cst_imports(text, rel), rel
        assert installs == parse_notebook(text).pip_installs, rel


def test_a_non_python_notebook_has_no_imports() -> None:
    text = notebook(["library(ggplot2)\n", "import(x)\n"], kernel="R")
    assert imports_and_installs(text)[0] == ()


def scan(text: str, fires: bool) -> engine.FileResult:
    file = DiscoveredFile(relpath="notebooks/demo.ipynb", abspath="/nonexistent/demo.ipynb", kind=FileKind.NOTEBOOK)
    settings = config.Settings(root=Path("/nonexistent"))
    loaded = registry.load(settings)
    plan = engine.ScanPlan(tuple(enabled_rules(settings, loaded=loaded)), loaded.catalogue, settings)
    return engine.scan_file(file, plan, read=(text, text.encode(), None), fires=fires)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_a_rejected_notebook_gives_the_facts_of_a_parsed_one(name: str) -> None:
    text = notebook(*CELLS[name])
    unparsed, parsed = scan(text, fires=False), scan(text, fires=True)
    for kind in ("imports", "dependency"):
        assert unparsed.facts.get(kind) == parsed.facts.get(kind), kind
    assert parsed.facts.get("imports") or name == "empty"


def test_schema_keys_do_not_pass_the_prefilter() -> None:
    quiet = notebook(["import os\n", "print(os.getcwd())\n"])
    assert '"nbformat_minor"' in quiet
    masked = schema_keys_masked(quiet)
    assert "minor" not in masked and "print(os.getcwd())" in masked
    for key in ("cells", "source", "metadata", "kernelspec", "language_info", "nbformat"):
        assert f'"{key}":' not in masked


def test_content_is_never_masked() -> None:
    text = notebook(['row = {"source": 1, "name": "minor"}\n'], ["# notes on the minor version\n"])
    masked = schema_keys_masked(text)
    assert '\\"source\\": 1' in masked and '\\"name\\": \\"minor\\"' in masked
    assert "notes on the minor version" in masked


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


REPOS: dict[str, dict[str, str]] = {
    # A notebook only installs an emotion library (no keyword of any file rule): the dependency
    # rule still sees the install.
    "pip install only": {"notebooks/setup.ipynb": notebook(["!pip install py-feat==0.6.1\n", "print('ready')\n"])},
    # The only AI evidence is a notebook's import: the declaration rules still see it.
    "ai import only": {"train.ipynb": notebook(["import torch\n", "net = torch.nn.Linear(2, 2)\n"]), "README.md": "# Demo\n"},
    # Requirements name a library a notebook imports: not an unused dependency.
    "imported dependency": {"requirements.txt": "fer==22.5.1\n", "nb.ipynb": notebook(["from fer import FER\n"])},
    # The same for a Python file: the evidence named must not depend on which files the
    # prefilter let through (it once said `train.py:1` without the prefilter, `train.py` with it).
    "python ai import only": {"train.py": "import os\nimport torch\nnet = torch.nn.Linear(2, 2)\n", "deepface_demo.py": "from deepface import DeepFace\n"},
    # A minor in a cell still passes the prefilter.
    "keyword in a cell": {"offers.ipynb": notebook(["def offer(user):\n", "    if user.is_minor:\n", "        return 'loan'\n"])},
}


@pytest.mark.parametrize("name", sorted(REPOS))
def test_prefilter_on_and_off_agree_on_notebook_repositories(name: str, tmp_path: Path) -> None:
    root = write(tmp_path / "repo", REPOS[name])
    with_prefilter = check([root], jobs=1)
    without = check([root], jobs=1, use_prefilter=False)
    assert (with_prefilter.findings, with_prefilter.errors) == (without.findings, without.errors)


def test_a_notebook_without_keywords_is_not_parsed(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {f"nb{i}.ipynb": notebook(["import numpy as np\n", "x = np.ones(3)\n"]) for i in range(3)})
    result = check([root], jobs=1)
    assert result.stats["passed"] == 0


def test_the_pip_install_of_an_unparsed_notebook_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", REPOS["pip install only"])
    result = check([root], jobs=1, select=["KZ306"])
    assert [(f.path, f.rule) for f in result.findings] == [("notebooks/setup.ipynb", "KZ306/dependency")]
    assert result.stats["passed"] == 0
