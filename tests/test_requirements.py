"""Rules' keyword requirements (alternatives of keyword groups that must all occur).

`RequirementFilter` answers them in two stages (one prefilter pass over every alternative's first
group, then a keyword index for the rest); it must agree with asking each group on its own.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from kzai_lint.api import check
from kzai_lint.catalogue import load
from kzai_lint.model import FileKind
from kzai_lint.prefilter import Prefilter
from kzai_lint.registry import builtin_rules
from kzai_lint.requirements import RequirementFilter

WORDS = ["age", "agent", "import deepface", "from deepface", "*emotion", "face", "faces", "user", "*voice", "race", "x.y", "fer"]


def brute(alternatives: list[tuple[tuple[str, ...], ...]], text: str) -> bool:
    return any(alt and all(Prefilter(group).may_match(text) for group in alt) for alt in alternatives)


def texts(rng: random.Random) -> list[str]:
    pieces = ["age", "agent", "import deepface", "from deepface", "FacialEmotion", "faces", "user_id", "voiceclone",
              "race", "x.y", "ferry", "fer", "_", " ", "\n", "(", "a", "2", "stage"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(60)]


@pytest.mark.parametrize("seed", range(40))
def test_two_stages_agree_with_each_group_asked_alone(seed: int) -> None:
    rng = random.Random(seed)
    alternatives = [tuple(tuple(rng.sample(WORDS, rng.randint(0, 3))) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
    gate = RequirementFilter(alternatives)
    for text in texts(rng):
        assert gate.may_match(text) == brute(alternatives, text), (alternatives, text)


def test_none_lets_everything_through() -> None:
    gate = RequirementFilter(None)
    assert gate.passes_everything and gate.may_match("") and gate.keywords is None


def test_a_model_loader_needs_its_library_and_a_model_word(tmp_path: Path) -> None:
    """`age` (a model-id word) in a file that imports no model library lets nothing through;
    with `from transformers import pipeline` the file is parsed and the call found."""
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    needs = rules["KZ305/library-call"].requirements_for(None, FileKind.PYTHON)
    gate = RequirementFilter(needs)
    assert not gate.may_match("def update(state, age):\n    return state.age + age\n")
    assert gate.may_match('from transformers import pipeline\nclf = pipeline("image-classification", model="nateraw/vit-age-classifier")\n')
    root = tmp_path / "repo"
    root.mkdir()
    (root / "ages.py").write_text('from transformers import pipeline\nclf = pipeline("image-classification", model="nateraw/vit-age-classifier")\nprint(clf("face.jpg"))\n', encoding="utf-8")
    (root / "other.py").write_text("def update(state, age):\n    return state.age + age\n", encoding="utf-8")
    on, off = check([root], jobs=1, select=["KZ305/library-call"]), check([root], jobs=1, select=["KZ305/library-call"], use_prefilter=False)
    assert on.findings == off.findings and any(f.path == "ages.py" for f in on.findings)
    assert on.stats["passed"] == 1


def test_required_words_of_simple_context_regexes() -> None:
    import re

    from kzai_lint.regex_literals import required_words

    assert required_words("(?<![a-z])(users?|people|kids|пользовател)") == ["user", "people", "kids", "пользовател"]
    assert required_words("(users?|x|children)") is None  # `x` is too short to require
    assert required_words("(?<![a-z])(face[-_ ]?(detect|detection))") is None  # not the simple shape
    pattern = str(load().extra["vulnerability"]["person_context"])
    words = required_words(pattern)
    assert words, "the vulnerability rule's person context has the simple shape"
    rx = re.compile(pattern)
    for sample in ("users", "user", "customers", "people", "children", "kids", "segments", "клиенты", "пользователи"):
        if rx.search(sample):
            assert any(w in sample for w in words), sample


def test_a_vulnerability_word_without_people_is_not_parsed(tmp_path: Path) -> None:
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ302/vulnerable-targeting"].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match("def build(tree):\n    for child in tree.nodes:\n        child.disabled = True\n")
    assert gate.may_match("def offer(user):\n    if user.is_minor:\n        return 'loan'\n")


NAMES = ["predict_age", "age_classifier", "AgeEstimator", "predict_race", "race_classifier", "get_race", "predict_gender",
         "predict_age_and_gender", "age_gender_net", "AgeGenderNet", "gender_classifier", "get_ethnicity", "ethnicity_model",
         "predict_religion", "detect_emotion", "FacialEmotionRecognizer", "swap_face", "FaceSwapper", "swapper", "clone_voice",
         "VoiceCloner", "wav2lip_model", "lip_sync", "race_condition_check", "cache_age", "swap"]


@pytest.mark.parametrize("face", [False, True], ids=["no face", "face input"])
def test_named_capabilities_are_found_with_and_without_the_prefilter(face: bool, tmp_path: Path) -> None:
    """Names whose words count only with face input (`race`, `age`) need a biometric word too:
    the prefilter must never drop a file the rule would report in."""
    root = tmp_path / "repo"
    root.mkdir()
    for i, name in enumerate(NAMES):
        head = "import torch\nimport cv2\nfaces = cv2.CascadeClassifier('haarcascade_frontalface_default.xml')\n" if face else "import torch\n"
        (root / f"m{i}.py").write_text(f"{head}\ndef {name}(x):\n    return torch.relu(x)\n", encoding="utf-8")
        (root / f"c{i}.py").write_text(f"{head}\nclass {name[:1].upper() + name[1:]}(torch.nn.Module):\n    pass\n", encoding="utf-8")
    select = ["KZ305/named-capability", "KZ306/named-capability", "KZ307/named-capability"]
    on, off = check([root], jobs=1, select=select), check([root], jobs=1, select=select, use_prefilter=False)
    assert on.findings == off.findings
    assert on.findings, "some names are findings"


@pytest.mark.parametrize("face", [False, True], ids=["no face", "face input"])
def test_label_sets_are_found_with_and_without_the_prefilter(face: bool, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    head = "import torch\nfrom facenet_pytorch import MTCNN\ndetector = MTCNN()  # face crops\n" if face else "import torch\n"
    sets = {
        "race": '["White", "Black", "East_Asian", "Indian", "Middle Eastern", "Latino_Hispanic"]',
        "political": '["left-wing", "right-wing", "green", "liberal"]',
        "religion": '["muslim", "christian", "jewish"]',
        "emotion": '["happy", "sad", "neutral", "angry", "fear", "surprise", "disgust"]',
    }
    for name, labels in sets.items():
        (root / f"{name}.py").write_text(f"{head}\nLABELS = {labels}\nmodel = torch.nn.Linear(512, len(LABELS))\n", encoding="utf-8")
    select = ["KZ305/label-vocabulary", "KZ306/label-vocabulary"]
    on, off = check([root], jobs=1, select=select), check([root], jobs=1, select=select, use_prefilter=False)
    assert on.findings == off.findings
    assert {f.path for f in on.findings} >= ({"race.py", "religion.py", "political.py", "emotion.py"} if face else {"emotion.py"})
