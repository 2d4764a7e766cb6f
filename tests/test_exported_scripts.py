"""Python scripts exported from Colab/Jupyter keep `!pip` and `%magic` lines; they are read the
way notebook cells are (same line count), not lost as parse errors."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from kzai_lint.api import check

SCRIPT = """
!pip install -q datasets transformers
%matplotlib inline
from datasets import load_dataset
from transformers import pipeline
ds = load_dataset("dair-ai/emotion")
clf = pipeline("text-classification", model="j-hartmann/emotion-english-distilroberta-base")
"""


def test_exported_script_with_magics_is_analysed(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"emotionsense_ai.py": SCRIPT})
    result = check([root], select=["KZ306"], jobs=1)
    assert not result.errors
    lines = sorted((f.line, f.capability) for f in result.findings)
    assert lines == [(5, "emotion_text"), (6, "emotion_text")]


def test_real_syntax_error_is_still_reported(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"broken.py": "!pip install deepface\nfrom deepface import DeepFace\ndef f(:\n    pass  # DeepFace.analyze comes later\n"})
    result = check([root], select=["KZ306"], jobs=1)
    assert [(e.path, e.kind) for e in result.errors] == [("broken.py", "parse-error")]
