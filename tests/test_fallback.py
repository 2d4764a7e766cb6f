"""Parse failures degrade, they do not blind (issue 8.2): Python that does not parse is reported
as `parse-error` with line and column, and a text pass still finds the catalogue's library
calls, at confidence `low`, with the rule's usual code and clause."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from kzai_lint import code_text
from kzai_lint.api import check
from kzai_lint.model import Confidence, Status


def _kz3(root: Path, select: tuple[str, ...] = ("KZ3",)) -> tuple[list[tuple[str, str, int | None, str]], list[tuple[str, str, int | None, int | None]]]:
    result = check([root], select=select)
    findings = [(f.code, f.path, f.line, f.confidence.value) for f in result.findings]
    errors = [(e.path, e.kind, e.line, e.column) for e in result.errors]
    return findings, errors


def test_emotion_call_in_a_file_with_one_syntax_error_is_found(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/kiosk.py": """
        from deepface import DeepFace

        def mood(frame):
            return DeepFace.analyze(frame, actions=["emotion"])

        def broken(:
            pass
        """})
    result = check([root], select=("KZ306",))
    [finding] = result.findings
    assert (finding.code, finding.clause, finding.path, finding.line, finding.column) == ("KZ306", "17(3)(6)", "app/kiosk.py", 4, 12)
    assert finding.confidence is Confidence.LOW and finding.status is Status.OPEN
    assert "was not parsed (invalid syntax)" in finding.message
    assert finding.evidence == 'DeepFace.analyze(frame, actions=["emotion"])'
    [error] = result.errors
    assert (error.kind, error.line, error.column) == ("parse-error", 6, 12)
    assert "text fallback" in error.message


def test_python2_module_with_aliases_and_continued_imports(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"vendor/legacy.py": """
        # -*- coding: utf-8 -*-
        import deepface.DeepFace as DF, os
        from fer import (FER as Recogniser,
                         Video)
        from TTS.api import \\
            TTS
        print "loading"
        detector = Recogniser(mtcnn=True)
        mood = DF . analyze(img,
                            actions=['emotion', 'race'])
        voice = TTS("xtts").tts_to_file(text, speaker_wav="ceo.wav")
        """})
    findings, errors = _kz3(root)
    assert ("vendor/legacy.py", "parse-error", 7, 1) in errors
    assert ("KZ306", "vendor/legacy.py", 9, "low") in findings
    assert ("KZ305", "vendor/legacy.py", 9, "low") in findings  # race, in the same call
    # A constructor counts when no operation on its object is seen, as in the rule.
    assert ("KZ306", "vendor/legacy.py", 8, "low") in findings
    assert len(findings) == 3


def test_comments_docstrings_definitions_and_other_arguments_are_not_calls(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/notes.py": '''
        """Never call DeepFace.analyze(img, actions=["emotion"]) here."""
        from deepface import DeepFace
        from deepface.DeepFace import analyze
        # DeepFace.analyze(img, actions=["emotion"])
        label = "DeepFace.analyze(img)"
        def analyze(img):
            return DeepFace.analyze(img, actions=["age"])
        print "python 2"
        '''})
    findings, _ = _kz3(root, ("KZ306",))
    assert findings == []
    findings, _ = _kz3(root, ("KZ305",))
    assert findings == [("KZ305", "app/notes.py", 7, "low")]  # age is KZ305, never KZ306


def test_unparsable_arguments_assume_the_library_defaults(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/old.py": """
        from deepface import *
        result = DeepFace.analyze(frame, actions=[ur'emotion' if fast else `mode`])
        """})
    findings, _ = _kz3(root, ("KZ306",))
    assert findings == [("KZ306", "app/old.py", 2, "low")]


def test_suppression_applies_to_fallback_findings(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/legacy.py": """
        from deepface import DeepFace
        print "x"
        r = DeepFace.analyze(img, actions=["emotion"])  # kzai: ignore[KZ306] consent collected by the kiosk UI
        """})
    result = check([root], select=("KZ306",))
    assert [(f.line, f.status) for f in result.findings] == [(3, Status.SUPPRESSED)]


def test_file_over_the_parse_limit_gets_the_fallback(make_repo: Callable[..., Path]) -> None:
    filler = "".join(f"VALUE_{i} = {i}\n" for i in range(2000))
    root = make_repo({
        "pyproject.toml": "[tool.kzai-lint]\nmax-parse-size = 4096\n",
        "gen/table.py": "from deepface import DeepFace\n" + filler + 'DeepFace.analyze(img, actions=["emotion"])\n',
    })
    findings, errors = _kz3(root, ("KZ306",))
    assert findings == [("KZ306", "gen/table.py", 2002, "low")]
    [(path, kind, line, _)] = errors
    assert (path, kind, line) == ("gen/table.py", "too-large", None)


def _notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": source} for source in cells],
        "metadata": {"kernelspec": {"language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    })


def test_notebook_code_too_deep_for_a_tree_is_scanned_by_cell(make_repo: Callable[..., Path]) -> None:
    chain = "x = " + " + ".join(["1"] * 700)  # CPython compiles it; deeper than syntax_guard allows
    root = make_repo({"analysis.ipynb": _notebook("from deepface import DeepFace", chain, "\nDeepFace.analyze(img, actions=['emotion'])")})
    result = check([root], select=("KZ306",))
    assert [(f.path, f.cell, f.line, f.confidence.value) for f in result.findings] == [("analysis.ipynb", 2, 2, "low")]
    assert [e.kind for e in result.errors] == ["parse-error"]


def test_import_table_and_mask() -> None:
    source = 'import a.b as c, d.e\nfrom f import (g as h,\n  i)\nfrom .rel import j\nfrom k import *\ns = "import x"  # import y\n'
    masked = code_text.mask(source)
    assert len(masked) == len(source) and masked.count("\n") == source.count("\n")
    assert code_text.import_table(masked) == {
        "c": frozenset({"a.b"}),
        "d": frozenset({"d"}),
        "h": frozenset({"f.g"}),
        "i": frozenset({"f.i"}),
        "*": frozenset({"k"}),
    }


@pytest.mark.parametrize("source", [
    'x = """never closed\nDeepFace.analyze(1)\n',
    "x = 'open\nDeepFace.analyze(1)  # ' + \"\"\"\n",
    "\\\n" * 50 + "'''" * 7,
])
def test_mask_survives_unterminated_literals(source: str) -> None:
    masked = code_text.mask(source)
    assert len(masked) == len(source)


def test_a_broken_notebook_cell_is_scanned_by_text(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"kiosk.ipynb": _notebook(
        "from deepface import DeepFace",
        "print 'python 2 in a cell'\nmood = DeepFace.analyze(img, actions=['emotion'])",
        "ok = DeepFace.analyze(img, actions=['emotion'])",
    )})
    result = check([root], select=("KZ306",))
    assert sorted((f.cell, f.line, f.confidence.value) for f in result.findings) == [(1, 2, "low"), (2, 1, "high")]
    [error] = result.errors
    assert error.kind == "parse-error" and error.message.startswith("cell 1: ") and "text fallback" in error.message


def test_adversarial_text_costs_bounded_time() -> None:
    import time

    from kzai_lint.catalogue import load

    catalogue = load()
    text = "from deepface import DeepFace\n" + "DeepFace.analyze(" * 300_000  # 5 MB, one line, never closed
    started = time.monotonic()
    masked = code_text.mask(text)
    calls = list(code_text.call_sites(text, masked, code_text.import_table(masked), lambda q: bool(catalogue.calls_for(q))))
    assert len(calls) == code_text.MAX_CALLS and calls[0].arguments is None
    assert time.monotonic() - started < 30


def test_model_names_in_strings_of_a_python2_module(make_repo: Callable[..., Path]) -> None:
    """The text pass reads one-line string literals as the model-literal rules read strings:
    a Python 2 demo names its emotion model in a variable that a call then loads."""
    root = make_repo({"demo/video_emotion.py": """
        from keras.models import load_model
        emotion_model_path = '../trained_models/emotion_models/fer2013_mini_XCEPTION.102-0.66.hdf5'
        gender_model_path = "../trained_models/gender_models/simple_CNN.81-0.96.hdf5"
        # emotion_model_path = 'old/fer2013_big_XCEPTION.54-0.66.hdf5' (a comment: not code)
        NOTE = '''trained on fer2013 (a docstring-like block)'''
        print "loading", emotion_model_path
        emotion_classifier = load_model(emotion_model_path, compile=False)
        """})
    findings, errors = _kz3(root)
    assert ("demo/video_emotion.py", "parse-error", 6, 1) in errors
    assert findings == [("KZ306", "demo/video_emotion.py", 2, "low")]
    [finding] = check([root], select=("KZ306",)).findings
    assert "Found by a text scan because the code was not parsed" in finding.message and finding.evidence.startswith("../trained_models")


def test_model_names_in_broken_code_keep_the_rules_vetoes(make_repo: Callable[..., Path]) -> None:
    """Emotion model names in music code are not a person's emotions, in broken code too."""
    root = make_repo({"player/mood.py": """
        print "song mood"
        MODEL = "weights/emotion_model.hdf5"
        playlist = spotify.recommend(genre="lofi", mood=predict(MODEL, song))
        """, "chat/mood.py": """
        print "mood"
        MODEL = "weights/emotion_model.hdf5"
        reply = bot.answer(text, mood=predict(MODEL, text))
        """})
    assert _kz3(root)[0] == [("KZ306", "chat/mood.py", 2, "low")]


def test_string_literals_of_broken_code() -> None:
    text = "x = 'a/b'  # 'c'\ny = r'C:\\m\\fer.h5'; z = 'C:\\\\m'; d = '''doc 'q' '''\nprint 'hi'\nbad = 'x\\N{nope}'\nopen = 'unterminated\n"
    assert [value for _, value in code_text.string_literals(text)] == ["a/b", "C:\\m\\fer.h5", "C:\\m", "hi"]
