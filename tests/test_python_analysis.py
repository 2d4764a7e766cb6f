"""Import resolution and literal argument extraction."""
from __future__ import annotations

import libcst as cst
import pytest

from kzai_lint.analysis.python_module import UNKNOWN, analyse


def calls(source: str, module: str = "pkg.mod") -> dict[str, object]:
    facts = analyse(cst.parse_module(source), module)
    return {c.display: c for c in facts.calls}


@pytest.mark.parametrize(
    ("source", "display", "qualname"),
    [
        ("import deepface\ndeepface.DeepFace.analyze(x)", "deepface.DeepFace.analyze", "deepface.DeepFace.analyze"),
        ("from deepface import DeepFace as DF\nDF.analyze(x)", "DF.analyze", "deepface.DeepFace.analyze"),
        ("import deepface.DeepFace as DF\nDF.analyze(x)", "DF.analyze", "deepface.DeepFace.analyze"),
        ("import fer as f\nf.FER()", "f.FER", "fer.FER"),
        ("from transformers import pipeline as p\np('x')", "p", "transformers.pipeline"),
        ("from deepface import DeepFace\nanalyse = DeepFace.analyze\nanalyse(x)", "analyse", "deepface.DeepFace.analyze"),
        ("from fer import FER\ndetector = FER()\ndetector.detect_emotions(x)", "detector.detect_emotions", "fer.FER.detect_emotions"),
        ("from fer import FER\nclass A:\n    def __init__(self):\n        self.d = FER()\n    def run(self, x):\n        return self.d.top_emotion(x)", "self.d.top_emotion", "fer.FER.top_emotion"),
        ("from . import consent\nconsent.has_consent(1)", "consent.has_consent", "pkg.consent.has_consent"),
        ("from .consent import has_consent as ok\nok(1)", "ok", "pkg.consent.has_consent"),
        ("import os.path\nos.path.join('a')", "os.path.join", "os.path.join"),
    ],
)
def test_resolution(source: str, display: str, qualname: str) -> None:
    assert calls(source)[display].qualname == qualname  # type: ignore[attr-defined]


def test_unresolved_names_are_not_guessed() -> None:
    site = calls("def f(fer):\n    fer.FER()\n")["fer.FER"]
    assert site.qualname is None  # type: ignore[attr-defined]


def test_parameter_shadows_import() -> None:
    site = calls("from deepface import DeepFace\ndef f(DeepFace):\n    DeepFace.analyze(x)\n")["DeepFace.analyze"]
    assert site.qualname is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "qualname"),
    [
        ("from fer import FER\ndef f(d: FER):\n    d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("import fer\ndef f(d: fer.FER | None = None):\n    d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("from typing import Optional\nfrom fer import FER\ndef f(d: Optional[FER]):\n    d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("from fer import FER\ndef f(d: 'FER'):\n    d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("from fer import FER\nclass A:\n    d: FER\n    def run(self):\n        self.d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("from fer import FER\nclass A:\n    def __init__(self, d: FER):\n        self.d = d\n    def run(self):\n        self.d.detect_emotions(x)", "fer.FER.detect_emotions"),
        ("from fer import FER\nd: FER\nd.detect_emotions(x)", "fer.FER.detect_emotions"),
    ],
)
def test_annotated_names_are_objects_of_their_class(source: str, qualname: str) -> None:
    """A typed parameter or attribute stands for an object built elsewhere (another module)."""
    assert [c.qualname for c in analyse(cst.parse_module(source), "pkg.mod").calls if c.display.endswith("detect_emotions")] == [qualname]


@pytest.mark.parametrize(
    "source",
    [
        "from fer import FER\ndef f(d: list[FER]):\n    d.detect_emotions(x)",
        "from fer import FER\ndef f(*d: FER):\n    d.detect_emotions(x)",
        "from fer import FER\ndef f(**d: FER):\n    d.detect_emotions(x)",
        "def f(d: FER):\n    d.detect_emotions(x)",
        "from fer import FER\ndef f(d: 'FER | Other'):\n    d.detect_emotions(x)",
        "import fer\nlimit = 3\ndef f(d: limit):\n    d.detect_emotions(x)",
    ],
)
def test_annotations_that_name_no_single_known_class_type_nothing(source: str) -> None:
    assert [c.qualname for c in analyse(cst.parse_module(source), "pkg.mod").calls if c.display.endswith("detect_emotions")] == [None]


def test_literal_arguments() -> None:
    src = 'MODEL = "a/b"\nACTIONS = ("emotion", "race")\nf(1, MODEL, actions=ACTIONS, n=-2, flag=True, d={"k": [1, 2]}, v=var)\n'
    site = calls(src)["f"]
    assert site.args == (1, "a/b")  # type: ignore[attr-defined]
    assert site.kwargs["actions"] == ("emotion", "race")  # type: ignore[attr-defined]
    assert site.kwargs["n"] == -2 and site.kwargs["flag"] is True  # type: ignore[attr-defined]
    assert site.kwargs["d"] == {"k": (1, 2)}  # type: ignore[attr-defined]
    assert site.kwargs["v"] is UNKNOWN  # type: ignore[attr-defined]


def test_collections_and_enums_recorded() -> None:
    facts = analyse(cst.parse_module('L = ["a", "b", "c"]\nclass E:\n    X = "x"\n    Y = "y"\n    Z = "z"\n'), "m")
    assert {c.name for c in facts.collections} == {"L", "E"}
