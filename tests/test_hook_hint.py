"""Open sinks guarded by an undeclared consent/review-looking check name it in the message."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from kzai_lint.api import check
from kzai_lint.model import Finding, Status

GUARDED = """
from deepface import DeepFace
from app import privacy

def mood(frame, user):
    if privacy.has_consent(user, "emotion"):
        return DeepFace.analyze(frame, actions=["emotion"])
"""


def emotion_finding(root: Path) -> Finding:
    [finding] = [f for f in check([root], select=["KZ306"], jobs=1, debug=True).findings if f.code == "KZ306"]
    return finding


def test_undeclared_lookalike_stays_open_and_suggests_declaring(make_repo: Callable[..., Path]) -> None:
    finding = emotion_finding(make_repo({"app/cam.py": GUARDED}))
    assert finding.status is Status.OPEN
    assert "app.privacy.has_consent looks like a consent check" in finding.message
    assert finding.message.endswith("declare it in [tool.kzai-lint] consent-hooks.")


def test_declared_hook_mitigates_without_a_note(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": GUARDED, "pyproject.toml": '[tool.kzai-lint]\nconsent-hooks = ["app.privacy.has_consent"]\n'})
    finding = emotion_finding(root)
    assert finding.status is Status.MITIGATED
    assert "Note:" not in finding.message


def test_declared_hook_with_the_wrong_purpose_says_so(make_repo: Callable[..., Path]) -> None:
    config = '[tool.kzai-lint]\nconsent-hooks = [{ name = "app.privacy.has_consent", purposes = ["marketing"] }]\n'
    finding = emotion_finding(make_repo({"app/cam.py": GUARDED, "pyproject.toml": config}))
    assert finding.status is Status.OPEN
    assert "is declared in consent-hooks" in finding.message and "does not count" in finding.message


def test_unguarded_call_has_no_note(make_repo: Callable[..., Path]) -> None:
    code = "from deepface import DeepFace\n\ndef mood(frame):\n    return DeepFace.analyze(frame, actions=['emotion'])\n"
    assert "Note:" not in emotion_finding(make_repo({"app/cam.py": code})).message


def test_fingerprint_does_not_depend_on_the_note(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/cam.py": GUARDED})
    before = emotion_finding(root).fingerprint
    (root / "pyproject.toml").write_text('[tool.kzai-lint]\nconsent-hooks = [{ name = "app.privacy.has_consent", purposes = ["marketing"] }]\n')
    assert emotion_finding(root).fingerprint == before
