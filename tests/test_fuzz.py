"""Property-based tests (issue 8.7): arbitrary bytes and generated-but-valid Python, YAML, JSON,
TOML, notebooks and model cards go to every source parser and to the whole engine. No exception
escapes (a parser raises only its documented error), every file is scanned or under `errors`,
and the output is valid JSON per the contract.

The default run is short for CI; `KZAI_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py` runs longer.
"""
from __future__ import annotations

import json
import math
import os
import string
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzai_lint import code_text
from kzai_lint.api import check
from kzai_lint.decoding import decode
from kzai_lint.model import ERROR_KINDS, FileKind
from kzai_lint.notebook_outputs import without_outputs
from kzai_lint.reporters.json import result_to_json
from kzai_lint.reporters.text import TextReporter
from kzai_lint.sources import DocumentError, load_document
from kzai_lint.sources.config_tree import SourceParseError
from kzai_lint.sources.json_doc import parse_json
from kzai_lint.sources.markdown import parse_model_card
from kzai_lint.sources.notebook import parse_notebook
from kzai_lint.sources.python import PythonParseError, parse_python
from kzai_lint.sources.toml_doc import parse_toml
from kzai_lint.sources.yaml_doc import parse_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLES = int(os.environ.get("KZAI_FUZZ_EXAMPLES", "30"))
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=_QUIET)

# ---- generators ---------------------------------------------------------------------------

_words = st.sampled_from(["emotion", "happy", "sad", "angry", "face", "model", "race", "age", "x", "data", "deepface", "iin"])
_keys = st.one_of(_words, st.text(string.ascii_letters + "_-", min_size=1, max_size=8))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False), _words, st.text(max_size=20))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=25)

_names = st.sampled_from(["frame", "img", "x", "model", "self.rec", "faces"])
_literals = st.one_of(st.integers(0, 999).map(str), _words.map(repr), st.lists(_words, max_size=3).map(repr))
_calls = st.sampled_from([
    "DeepFace.analyze({a}, actions={l})", "DF.analyze({a})", "FER(mtcnn=True).detect_emotions({a})",
    "pipeline('image-classification', model={l})", "print({a}, {l})", "len({l})", "rek.detect_faces(Image={a}, Attributes=['ALL'])",
])
_expressions = st.recursive(
    st.one_of(_names, _literals),
    lambda inner: st.one_of(
        st.tuples(_calls, inner, _literals).map(lambda t: t[0].format(a=t[1], l=t[2])),
        st.tuples(inner, st.sampled_from(["+", "==", " and ", " if x else "]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    ),
    max_leaves=10,
)
_imports = st.sampled_from([
    "from deepface import DeepFace", "import deepface.DeepFace as DF", "from fer import FER",
    "from transformers import pipeline", "import boto3", "import os",
])


@st.composite
def python_modules(draw: Any) -> str:
    """Syntactically valid Python built from a small grammar around catalogue calls."""
    lines = [draw(_imports) for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["assign", "if", "def", "comment", "expr"]))
        expression = draw(_expressions)
        if kind == "assign":
            lines.append(f"value = {expression}")
        elif kind == "if":
            lines.append(f"if {draw(_expressions)}:\n    result = {expression}\nelse:\n    pass")
        elif kind == "def":
            lines.append(f"def handler(frame, img, x, model, faces):\n    return {expression}")
        elif kind == "comment":
            lines.append(f"# kzai: ignore[KZ306] {draw(_words)}\n_ = {expression}")
        else:
            lines.append(expression)
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")  # DEL must be escaped in TOML


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


_toml_scalars = st.one_of(st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False), _words, st.text(max_size=20))
_toml_values = st.recursive(_toml_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)), max_leaves=15)
toml_documents = st.dictionaries(_keys, _toml_values, max_size=5).map(lambda d: "".join(f"{_toml_string(k)} = {_toml_value(v)}\n" for k, v in d.items()))


@st.composite
def notebooks(draw: Any) -> str:
    cells = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["code", "markdown", "raw"]))
        source = draw(st.one_of(python_modules(), st.text(max_size=80), st.sampled_from(["%matplotlib inline", "!pip install deepface", "%%bash\necho hi", "x = !ls"])))
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": draw(st.sampled_from([source, source.splitlines(keepends=True)]))}
        if kind == "code":
            cell["outputs"] = draw(st.lists(st.fixed_dictionaries({"output_type": st.just("stream"), "text": st.text(max_size=40)}), max_size=2))
        cells.append(cell)
    language = draw(st.sampled_from(["python", "python3", "r", ""]))
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"language": language}}, "nbformat": 4, "nbformat_minor": 5})


@st.composite
def model_cards(draw: Any) -> str:
    front = ""
    if draw(st.booleans()):
        front = "---\n" + yaml.safe_dump(draw(st.dictionaries(_keys, _values, max_size=4)), allow_unicode=True) + draw(st.sampled_from(["---\n", "...\n", ""]))
    blocks = draw(st.lists(st.one_of(
        _words.map(lambda w: f"# {w.title()}"),
        st.text(max_size=60),
        st.lists(_words, min_size=1, max_size=4).map(lambda ws: "\n".join(f"- {w}" for w in ws)),
        st.just("```python\nDeepFace.analyze(img, actions=['emotion'])\n```"),
        st.just("| label | emotion |\n|---|---|\n| 0 | happy |"),
        st.just("<!-- kzai: ignore[KZ306] demo only -->"),
        st.just("This model recognises the emotions of people from their faces."),
    ), max_size=6))
    return front + "\n\n".join(blocks) + "\n"


# ---- parsers ------------------------------------------------------------------------------

_text = st.one_of(st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("latin-1")))


@FUZZ
@given(_text)
def test_every_parser_accepts_arbitrary_text(text: str) -> None:
    for kind in FileKind:
        try:
            load_document(kind, text, f"fuzz.{kind.value}", text.encode("utf-8", "surrogatepass"))
        except DocumentError:
            pass
    _only(PythonParseError, parse_python, text, "fuzz.py")
    _only(SourceParseError, parse_notebook, text)
    parse_model_card(text)
    masked = code_text.mask(text)
    assert len(masked) == len(text)
    list(code_text.call_sites(text, masked, code_text.import_table(masked), lambda qualname: qualname.startswith(("deepface", "fer"))))
    without_outputs(text)


@FUZZ
@given(st.binary(max_size=600), st.sampled_from(list(FileKind)))
def test_decoding_arbitrary_bytes(data: bytes, kind: FileKind) -> None:
    error, text, message = decode(data, kind)
    assert (error is None) == (text is not None)
    assert error in (None, "binary", "encoding") and (error is None or message)


@FUZZ
@given(python_modules())
def test_generated_python_parses(source: str) -> None:
    parse_python(source, "generated.py")


@FUZZ
@given(_values)
def test_generated_yaml_and_json_keep_their_values(value: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    [document] = parse_yaml(text)
    assert document.nodes[0].value == yaml.safe_load(text)
    assert parse_json(json.dumps(value)).nodes[0].value == value


@FUZZ
@given(toml_documents)
def test_generated_toml_keeps_its_values(text: str) -> None:
    document = parse_toml(text)
    assert document.nodes[0].value == tomllib.loads(text)


@FUZZ
@given(notebooks())
def test_generated_notebooks_parse(text: str) -> None:
    notebook = parse_notebook(text)
    if notebook.code:
        try:
            parse_python(notebook.code, "generated.ipynb", line_map=notebook.line_map)
        except PythonParseError:
            pass  # a cell libcst rejects but CPython compiles; reported, never raised further


@FUZZ
@given(model_cards())
def test_generated_model_cards_parse(text: str) -> None:
    parse_model_card(text)


def _only(expected: type[BaseException], fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except expected:
        pass


# ---- the whole engine ---------------------------------------------------------------------

_NAMES = ["app/main.py", "legacy/old.py", "config/model.yaml", "pyproject.toml", "config/labels.json", "analysis.ipynb", "README.md", "requirements.txt", "data/people.csv", "environment.yml"]
_CONTENT: dict[str, Any] = {
    ".py": python_modules().map(str.encode),
    ".yaml": _values.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
    ".yml": _values.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
    ".toml": toml_documents.map(str.encode),
    ".json": _values.map(lambda v: json.dumps(v).encode()),
    ".ipynb": notebooks().map(str.encode),
    ".md": model_cards().map(str.encode),
    ".txt": st.lists(st.sampled_from(["deepface==0.0.79", "fer", "-r other.txt", "torch>=2", "# c", "--index-url http://x.invalid"]), max_size=4).map(lambda xs: "\n".join(xs).encode()),
    ".csv": st.lists(st.lists(_words, min_size=1, max_size=4).map(",".join), max_size=5).map(lambda rows: "\n".join(rows).encode()),
}


@st.composite
def repositories(draw: Any) -> dict[str, bytes]:
    names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=6, unique=True))
    files = {}
    for name in names:
        valid = _CONTENT[Path(name).suffix]
        files[name] = draw(st.one_of(valid, valid, st.binary(max_size=300)))
    return files


@settings(max_examples=max(10, EXAMPLES // 3), deadline=None, database=None, suppress_health_check=_QUIET)
@given(repositories())
def test_the_engine_never_raises_and_reports_every_file(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        try:
            result = check([root])
        except Exception as exc:  # a config error in a generated pyproject.toml is a usage error
            from kzai_lint.config import KzaiLintError

            assert isinstance(exc, KzaiLintError), exc
            return
    data = json.loads(json.dumps(result_to_json(result), allow_nan=False))
    _assert_contract(data)
    with_errors = {e["path"] for e in data["errors"] if e["path"] != "."}
    summary = data["summary"]
    assert summary["files_discovered"] == len(files)
    assert summary["files_discovered"] - summary["files_scanned"] <= len(with_errors)
    TextReporter().render(result, _Sink())


def _assert_contract(data: dict[str, Any]) -> None:
    assert data["schema_version"] == 1 and isinstance(data["root"], str)
    for finding in data["findings"]:
        for key in ("code", "clause", "title", "severity", "confidence", "status", "path", "message", "evidence", "fingerprint"):
            assert isinstance(finding[key], str), key
        for key in ("line", "column", "end_line", "end_column"):
            assert finding[key] is None or (isinstance(finding[key], int) and finding[key] >= 1), key
        assert finding["severity"] in ("error", "warning", "info") and finding["confidence"] in ("high", "medium", "low")
        assert finding["status"] in ("open", "mitigated", "suppressed", "baselined")
    for error in data["errors"]:
        assert error["kind"] in ERROR_KINDS and isinstance(error["message"], str) and isinstance(error["path"], str)
        assert error["line"] is None or isinstance(error["line"], int)
    summary = data["summary"]
    assert summary["findings"] == len(data["findings"])
    assert sum(summary["errors_by_kind"].values()) == len(data["errors"])
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in summary.values())


class _Sink:
    def write(self, text: str) -> int:
        return len(text)
