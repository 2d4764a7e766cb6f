"""Notebooks: cells, neutralised IPython syntax, exact line maps, installs and bad cells."""
from __future__ import annotations

import json
from typing import Any

import libcst
import pytest

from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.notebook import cell_parses
from kzai_lint.sources.notebook import neutralize_cell
from kzai_lint.sources.notebook import parse_notebook


def _notebook(*cells: dict[str, Any], metadata: dict[str, Any] | None = None) -> str:
    kernel = {"kernelspec": {"name": "python3", "language": "python"}}
    metadata = kernel if metadata is None else metadata
    return json.dumps({"cells": list(cells), "metadata": metadata, "nbformat": 4})


def _code(*lines: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": list(lines)}


WEBCAM = _notebook(
    {"cell_type": "markdown", "source": ["# Live emotion demo\n", "Press q to stop."]},
    _code(
        "!pip install -q fer==22.5.1 'deepface>=0.0.9'\n",
        "import cv2\n",
        "from deepface import DeepFace\n",
        "%matplotlib inline",
    ),
    _code(
        "for frame in frames:\n",
        "    faces = DeepFace.analyze(frame, actions=['emotion'])\n",
        "    !echo {len(faces)}\n",
        "files = !ls data\n",
        "DeepFace.analyze?",
    ),
    {"cell_type": "raw", "source": "!pip install not-code"},
    _code("%%time\n", "%pip install hsemotion\n", "x = DeepFace.analyze(img)\n"),
)


def test_cells_are_read_with_indexes_and_types() -> None:
    notebook = parse_notebook(WEBCAM)
    assert [(c.index, c.cell_type) for c in notebook.cells] == [
        (0, "markdown"), (1, "code"), (2, "code"), (3, "raw"), (4, "code"),
    ]
    assert notebook.cells[0].source == "# Live emotion demo\nPress q to stop."
    assert notebook.language == "python" and notebook.bad_cells == ()


def test_code_keeps_line_count_and_indentation() -> None:
    notebook = parse_notebook(WEBCAM)
    lines = notebook.code.splitlines()
    assert lines == [
        "pass  # !pip install -q fer==22.5.1 'deepface>=0.0.9'",
        "import cv2",
        "from deepface import DeepFace",
        "pass  # %matplotlib inline",
        "for frame in frames:",
        "    faces = DeepFace.analyze(frame, actions=['emotion'])",
        "    pass  # !echo {len(faces)}",
        "files = None  # !ls data",
        "pass  # DeepFace.analyze?",
        "pass  # %%time",
        "pass  # %pip install hsemotion",
        "x = DeepFace.analyze(img)",
    ]
    libcst.parse_module(notebook.code)


def test_line_map_points_into_cells() -> None:
    notebook = parse_notebook(WEBCAM)
    assert len(notebook.line_map) == len(notebook.code.splitlines())
    assert notebook.line_map[5] == (2, 2)  # the DeepFace.analyze call in cell 2, line 2
    assert notebook.line_map[11] == (4, 3)
    cell, line = notebook.line_map[5]
    assert notebook.cells[cell].source.splitlines()[line - 1].strip().startswith("faces = DeepFace")


def test_pip_installs_with_cell_and_line() -> None:
    assert parse_notebook(WEBCAM).pip_installs == (
        ("fer", 1, 1),
        ("deepface", 1, 1),
        ("hsemotion", 4, 2),
    )


def test_shell_cell_magic_is_neutralised_whole_and_scanned_for_installs() -> None:
    shell = _code("%%bash\n", "pip install py-feat\n", "  cd /tmp\n")
    notebook = parse_notebook(_notebook(shell, _code("y = 1")))
    assert notebook.code.splitlines() == [
        "pass  # %%bash",
        "pass  # pip install py-feat",
        "pass  # cd /tmp",
        "y = 1",
    ]
    assert notebook.pip_installs == (("py-feat", 0, 2),)
    assert notebook.bad_cells == ()


def test_bad_cell_becomes_pass_lines_and_is_reported() -> None:
    notebook = parse_notebook(_notebook(_code("def broken(:\n", "    pass\n"), _code("import fer")))
    assert notebook.code == "pass\npass\nimport fer\n"
    assert notebook.line_map == ((0, 1), (0, 2), (1, 1))
    assert [cell for cell, _ in notebook.bad_cells] == [0]
    assert "line 1" in notebook.bad_cells[0][1]


def test_valid_python_is_left_alone() -> None:
    source = "total = (a\n    % b)\nresult = await fetch()\n"
    assert cell_parses(source)
    assert neutralize_cell(source) == source


def test_cell_parses() -> None:
    assert cell_parses("x = 1\n") and not cell_parses("%matplotlib inline\n")
    assert not cell_parses("x = '\0'\x00\n")


def test_nbformat3_worksheets_and_input() -> None:
    text = json.dumps(
        {
            "metadata": {"language": "python"},
            "nbformat": 3,
            "worksheets": [
                {"cells": [
                    {"cell_type": "heading", "level": 1, "source": "Demo"},
                    {"cell_type": "code", "input": ["import fer\n", "!pip install fer"]},
                ]},
            ],
        }
    )
    notebook = parse_notebook(text)
    assert [(c.index, c.cell_type) for c in notebook.cells] == [(0, "markdown"), (1, "code")]
    assert notebook.code == "import fer\npass  # !pip install fer\n"
    assert notebook.pip_installs == (("fer", 1, 2),)


def test_missing_fields_are_tolerated() -> None:
    cells = [{"cell_type": "code"}, "junk", {"source": "x"}]
    notebook = parse_notebook(json.dumps({"cells": cells}))
    summary = [(c.index, c.cell_type, c.source) for c in notebook.cells]
    assert summary == [(0, "code", ""), (2, "raw", "x")]
    assert notebook.code == "" and notebook.language == "python"


def test_non_python_kernel_has_no_code() -> None:
    text = _notebook(_code("library(ggplot2)"), metadata={"kernelspec": {"language": "R"}})
    notebook = parse_notebook(text)
    assert notebook.language == "r" and notebook.code == "" and notebook.line_map == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [("{\n  \"cells\": [\n}", 3), ("[1, 2]", 1), ('{"metadata": {}}', 1), ("[" * 100_000, None)],
)
def test_not_a_notebook(text: str, line: int | None) -> None:
    with pytest.raises(SourceParseError) as caught:
        parse_notebook(text)
    assert caught.value.line == line
