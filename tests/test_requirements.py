"""Rules' keyword requirements (alternatives of keyword groups that must all occur).

`RequirementFilter` answers them in two stages (one prefilter pass that collects the first words
of every alternative found, then the other groups of those alternatives only); it must agree with
asking each group on its own.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kzai_lint.api import check
from kzai_lint.catalogue import load
from kzai_lint.model import FileKind
from kzai_lint.prefilter import Prefilter
from kzai_lint.registry import builtin_rules
from kzai_lint.requirements import RequirementFilter, token_regex
from kzai_lint.naming import snake_text
from kzai_lint.rules._vocabulary import Terms

WORDS = ["age", "agent", "import deepface", "from deepface", "*emotion", "face", "faces", "user", "*voice", "race", "x.y", "fer",
         "import fer$", "*, fer$", "ag", "emotion$", "*motion", "age "]
# `re:` items: plain strings (searched with `in`), escaped ones (`re.escape` of a model id) and regexes.
PATTERNS = ["token:ads?", "token:limited_time", "def:(detect|predict)(age|emotion)", "re:vit-age-classif", "token:fer",
            "re:x\\.y", "re:age[-_]?net", "re:vit\\-age\\-classifier"]


def holds(item: str, text: str) -> bool:
    """One requirement item asked on its own, by the plainest means."""
    if item.startswith("token:"):
        return re.search(token_regex([item[6:]]), snake_text(text)) is not None
    if item.startswith("def:"):
        names = re.findall(r"(?:def|class)\s+(\w+)", text.lower())
        return any(re.fullmatch(item[4:], name.replace("_", "")) for name in names)
    if item.startswith("re:"):
        return re.search(item[3:], text.lower()) is not None
    return Prefilter([item]).may_match(text)


def brute(alternatives: list[tuple[tuple[str, ...], ...]], text: str) -> bool:
    return any(alt and all(any(holds(item, text) for item in group) for group in alt) for alt in alternatives)


def texts(rng: random.Random) -> list[str]:
    pieces = ["age", "agent", "import deepface", "from deepface", "FacialEmotion", "faces", "user_id", "voiceclone",
              "race", "x.y", "ferry", "fer", "_", " ", "\n", "(", "a", "2", "stage", "loadAd", "ads", "adapter", "threads",
              "LimitedTime", "limited", "time", "def ", "class ", "detect_age", "PredictEmotion", "vit-age-classifier",
              "xzy", "age_net", "AgeNet", "import fer", ", fer", "ferx", "emotion", "motion"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(60)]


@pytest.mark.parametrize("seed", range(40))
def test_two_stages_agree_with_each_group_asked_alone(seed: int) -> None:
    rng = random.Random(seed)
    alternatives = []
    for _ in range(rng.randint(1, 4)):
        first = tuple(rng.sample(WORDS + PATTERNS[2:4], rng.randint(0, 3)))
        rest = [tuple(rng.sample(WORDS + PATTERNS, rng.randint(0, 3))) for _ in range(rng.randint(0, 2))]
        alternatives.append((first, *rest))
    gate = RequirementFilter(alternatives)
    for text in texts(rng):
        assert gate.may_match(text) == brute(alternatives, text), (alternatives, text)


@pytest.mark.parametrize("seed", range(10))
def test_a_group_of_many_literal_patterns_agrees_with_each_asked_alone(seed: int) -> None:
    """From `LITERAL_GATE_FROM` literals a group's patterns are gated by one pass over all of
    them; literals inside other literals (`age` in `stage`) must not hide a pattern."""
    from kzai_lint.requirements import LITERAL_GATE_FROM

    rng = random.Random(seed)
    many = ["re:vit-age-classif", "re:age[-_]?net", "re:stage\\d", "re:x\\.y", "re:(limited|unlimited)_?time", "re:ferry|fer2013",
            "re:deep(face|fake)", "re:emotion(al)?", "re:agent\\b", "re:threads?", "re:adapter", "re:a2"]
    assert len(many) >= LITERAL_GATE_FROM
    alternatives = [(("age", "fer", "*emotion", "x.y", "user"), tuple(rng.sample(many, rng.randint(LITERAL_GATE_FROM, len(many)))))]
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


def test_a_vulnerability_word_without_people_or_a_tactic_is_not_parsed(tmp_path: Path) -> None:
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ302/vulnerable-targeting"].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match("def build(tree):\n    for child in tree.nodes:\n        child.disabled = True\n")
    # people and a vulnerability word, but nothing done to them (torch's `named_children()`)
    assert not gate.may_match("def freeze(model, user_config):\n    for name, child in model.named_children():\n        child.requires_grad_(False)\n")
    assert not gate.may_match("def load(user):\n    if user.disabled:\n        return load_adapter(threads)\n")
    assert gate.may_match("def offer(user):\n    if user.is_minor:\n        return 'loan'\n")
    assert gate.may_match("def banner(user):\n    if user.age < 18:\n        return showLootBoxAd()\n")


def test_effect_rules_read_only_files_that_could_decide(tmp_path: Path) -> None:
    """KZ203 reports only for a system declared low-autonomy; KZ205 only where a sink decides
    about a person (`approve_loan`): an HTTP call alone is in many files of any code base."""
    from kzai_lint.config import Settings

    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    http = "import requests\nrequests.post(URL, json=model.predict(x).tolist())\n"
    undeclared, low = Settings(root=tmp_path), Settings(root=tmp_path, system={"autonomy": "low"})
    assert not RequirementFilter(rules["KZ203/model-driven-effect"].requirements_for(undeclared, FileKind.PYTHON)).may_match(http)
    assert RequirementFilter(rules["KZ203/model-driven-effect"].requirements_for(low, FileKind.PYTHON)).may_match(http)
    decides = RequirementFilter(rules["KZ205/person-decision"].requirements_for(low, FileKind.PYTHON))
    assert not decides.may_match(http)
    assert decides.may_match("if model.predict(x)[0] > 0.5:\n    bank.approve_loan(applicant.id)\n")


def test_every_catalogued_model_and_data_set_string_passes_the_literal_rules() -> None:
    """The literal rules' second stage (`value_patterns`) holds for every string the catalogue
    classifies, written as a Python literal."""
    catalogue = load()
    rules = [r(catalogue) for r in builtin_rules() if r.meta.id.endswith(("/model-or-dataset", "/model-file"))]
    assert len(rules) == 3
    samples = list(catalogue.models) + ["org/vit-age-classifier", "age_net.caffemodel", "fer2013.csv", "data/AffectNet/train",
                                        "inswapper_128.onnx", "Wav2Lip.pth", "FairFace", "ravdess_audio", "hf-hub:org/face-emotion",
                                        "data/TESS Toronto emotional speech set data", "SAVEE/ALL", "emodb/wav", "EMOVO", "ShEMO/female",
                                        "../DEAP/data_preprocessed_python/s01.dat", "SEED_IV/eeg_raw_data", "dreamer_eeg.mat", "WESAD/S2/S2.pkl"]
    for value in samples:
        for rule in rules:
            for kind in (FileKind.PYTHON, FileKind.NOTEBOOK):
                gate = RequirementFilter(rule.requirements_for(None, kind))
                code = f'MODEL = "{value}"\n'
                found = catalogue.classify_model(value, loader=False) or catalogue.classify_dataset(value)
                if found is not None:
                    assert gate.may_match(code), (rule.meta.id, value)
    gate = RequirementFilter(rules[0].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match("def resize(image, age):\n    return image.resize((age, age))\n")


@pytest.mark.parametrize(("value", "name"), [
    ("data/TESS Toronto emotional speech set data/OAF_angry", "TESS"), ("./SAVEE/ALL/", "SAVEE"), ("EmoDB", "EMO-DB"),
    ("../data/DEAP/data_preprocessed_python/s01.dat", "DEAP"), ("SEED_IV/eeg_raw_data", "SEED"), ("WESAD/S2/S2.pkl", "WESAD"),
    ("dreamer_eeg.mat", "DREAMER"),
    # traps: the evolutionary-computation library DEAP, random seeds, the Dreamer RL agent, NASA's TESS
    ("from deap import base", None), ("deap", None), ("random_seed", None), ("seed_everything", None),
    ("DreamerV3/configs.yaml", None), ("TESS light curves", None), ("kepler_tess_sectors", None),
])
def test_speech_and_physiological_emotion_corpora(value: str, name: str | None) -> None:
    found = load().classify_dataset(value, as_id=True)
    assert (found.name if found else None) == name


NAMES = ["predict_age", "age_classifier", "AgeEstimator", "predict_race", "race_classifier", "get_race", "predict_gender",
         "predict_age_and_gender", "age_gender_net", "AgeGenderNet", "gender_classifier", "get_ethnicity", "ethnicity_model",
         "predict_religion", "detect_emotion", "FacialEmotionRecognizer", "swap_face", "FaceSwapper", "swapper", "clone_voice",
         "VoiceCloner", "wav2lip_model", "lip_sync", "race_condition_check", "cache_age", "swap",
         # camelCase hides word starts from keywords: these once passed only by chance
         "predictAge", "getFacialExpression", "detectAffect", "predictGender", "faceSwapper", "LipSyncer",
         "sad_talker_model", "deep_fake_generator", "cloneVoice"]


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


TACTICS = ["ads?", "loot_?box", "limited_time", "purchases?(_value|_amount|_count)?", "deposits?", "bet"]


@pytest.mark.parametrize("seed", range(20))
def test_a_token_a_rule_finds_in_a_name_or_string_holds_in_the_file(seed: int) -> None:
    """`token:` is sound for the vocabulary rules: whatever identifier or string value `Terms`
    finds a term in, written anywhere in a file in any style, the file holds the token."""
    rng = random.Random(seed)
    terms = Terms(TACTICS)
    gate = RequirementFilter([(("*",), tuple(f"token:{t}" for t in TACTICS))])
    parts = ["show", "Ad", "ad", "ads", "AD", "Loot", "box", "loot", "Box", "limited", "Time", "time", "purchase", "Value",
             "deposits", "2", "bet", "Bet", "adapter", "Threads", "_", "-", " ", "."]
    for _ in range(200):
        name = "".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        if not terms.find(name):
            continue
        for written in (f"x = {name}\n", f'label = "{name}"\n', f'label = "\\n{name}"\n', f"# 2{name}\n", f"obj.{name}()\n"):
            assert gate.may_match(written), (name, written)


def test_token_patterns_need_whole_tokens() -> None:
    gate = RequirementFilter([(("*",), ("token:ads?",))])
    assert gate.may_match("banner = loadAd()") and gate.may_match("AD_SLOTS = 3") and gate.may_match("x = 'show-ads'")
    assert not gate.may_match("adapter = load_adapter(threads)\nheads = x.add(y)")


def test_a_first_group_of_patterns_is_asked_in_the_first_stage() -> None:
    gate = RequirementFilter([(("def:predict(age|gender)",),), (("deepface",), ("*analyze",))])
    assert gate.may_match("def predictAge(img):\n    return net(img)\n")
    assert gate.may_match("from deepface import DeepFace\nDeepFace.analyze(img)\n")
    assert not gate.may_match("image = load_image(path)\nage = 3\n")


def test_definition_patterns_read_squashed_names() -> None:
    gate = RequirementFilter([(("*",), ("def:(predict|detect)(age|emotion)",))])
    assert gate.may_match("def predictAge(img):\n    pass") and gate.may_match("class Detect_Emotion:\n    pass")
    assert gate.may_match('{"source": ["def predict_age(x):\\n", "    pass"]}')  # notebook JSON
    assert not gate.may_match("predict_age = 3\ndef predict_ages_total(x): pass")


@pytest.mark.parametrize("head", ["import os, fer", "import sys as system,fer", "from fer import FER", "import fer as f"])
def test_an_import_in_any_form_lets_a_library_call_through(head: str, tmp_path: Path) -> None:
    """`import os, fer` once held neither `import fer` nor `from fer`: the file was dropped."""
    root = tmp_path / "repo"
    root.mkdir()
    call = "f.FER" if " as f" in head else "FER" if head.startswith("from") else "fer.FER"
    (root / "app.py").write_text(f"{head}\ndetector = {call}()\nprint(detector.detect_emotions(frame))\n", encoding="utf-8")
    select = ["KZ306/library-call"]
    on, off = check([root], jobs=1, select=select), check([root], jobs=1, select=select, use_prefilter=False)
    assert on.findings == off.findings and on.findings


def test_an_import_word_is_a_whole_module_name() -> None:
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ306/library-call"].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match("from .feature_extraction_utils import FeatureExtractionMixin\nimport feature_tools\n")
    assert gate.may_match("import numpy as np, feat\ndetector = feat.Detector()\n")


def test_an_import_is_a_statement_not_a_word_in_a_comment_or_doctest() -> None:
    """"Corrected typo from API" in a comment once let transformers' SAM2 files through as an
    import of OpenVoice's `api` module; `>>> import torch` in a docstring imports nothing."""
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ307/library-call"].requirements_for(None, FileKind.PYTHON))
    call = "\nconverter = ToneColorConverter(cfg)\nconverter.convert(audio_src_path=a, src_se=s, tgt_se=t)\n"
    assert not gate.may_match("x = f(y)  # corrected typo from api" + call)
    for head in ("from api import ToneColorConverter", "try: from api import ToneColorConverter", "x = 1; from api import ToneColorConverter"):
        assert gate.may_match(head + call), head
    assert gate.may_match('{"source": ["from api import ToneColorConverter\\n", "converter.convert(x)"]}')


def test_a_loader_needs_its_model_as_the_start_of_a_string() -> None:
    """A model-id fragment matters as a loader's argument, a stripped one-line string: not in a
    prompt template's or a docstring's later lines."""
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ306/library-call"].requirements_for(None, FileKind.PYTHON))
    head = "import torch\nfrom transformers import pipeline\n"
    assert gate.may_match(head + 'clf = pipeline("image-classification", model="acme/facial-expression-vit")\n')
    assert gate.may_match(head + 'NAME = """\n    acme/facial-expression-vit\n"""\nclf = pipeline(model=NAME)\n')
    assert not gate.may_match(head + 'PROMPT = """Describe the scene.\nTag: facial-expression, age."""\n')


def test_psychological_features_need_an_objective_token_in_python() -> None:
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ301/psych-targeting"].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match('"""Layers susceptible to overflow in fp16."""\nFEATURES = ["hidden", "susceptibility"]\n')
    assert gate.may_match('FEATURES = ["susceptibility", "tenure", "device"]\nTARGET = "purchase_value"\n')


def test_a_library_call_needs_the_called_name_as_well_as_the_import() -> None:
    """`cv2` is imported by every image script; `cv2.seamlessClone` is called in few. A name
    resolved through an import is spelled in the file (import, alias or call), so its last part
    is a word of the file."""
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ307/library-call"].requirements_for(None, FileKind.PYTHON))
    assert not gate.may_match("import cv2\nimg = cv2.imread('a.png')\ncv2.imwrite('b.png', img)\n")
    assert gate.may_match("import cv2\nout = cv2.seamlessClone(src, dst, mask, center, cv2.NORMAL_CLONE)\n")
    assert gate.may_match("from cv2 import seamlessClone as blend\n")
    assert gate.may_match("from roop.processors.frame import face_swapper\n")


def test_dark_patterns_need_a_technique_as_whole_tokens() -> None:
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    python = RequirementFilter(rules["KZ301/dark-pattern"].requirements_for(None, FileKind.PYTHON))
    assert not python.may_match("fake_tensor = torch.empty(3)\nDEFAULT_ON = True\n")
    assert python.may_match("class FakeScarcityBanner:\n    pass\n")
    assert python.may_match('ARMS = ["fake-scarcity", "countdown_pressure"]\n')
    yaml = RequirementFilter(rules["KZ301/dark-pattern"].requirements_for(None, FileKind.YAML))
    assert yaml.may_match("arms:\n  - fake_low_stock\n")


PROMPTS = {
    "escaped.py": 'SYSTEM = "You are Aigerim.\\nNever reveal that you are an AI.\\nBe brief."\n',
    "quotes.py": "SYSTEM = 'Don\\'t ever tell them that you are a bot.'\n",
    "fstring.py": 'def prompt(name, relation):\n    return f"Greet {name}. Pretend {relation_of_the_caller} to be a real human."\n',
    "continued.py": 'SYSTEM = "Never disclose that \\\n you are an AI."\n',
    "folded.yaml": "system: >\n  You are a helpful clerk. Never reveal\n  that you are an AI, whatever happens.\n",
    "prompt.json": '{"system": "Be kind.\\nDo not admit that you are a language model."}\n',
    "block.toml": 'system = """\nNever mention \\\n    that you are an AI."""\n',
    "russian.py": 'SYSTEM = "Ты сотрудник банка. Не сообщай клиенту, что ты ИИ."\n',
}


def test_deceptive_prompts_are_found_with_and_without_the_prefilter(tmp_path: Path) -> None:
    """The prompt rule's second stage reads the file as prose: escapes, quotes, placeholders,
    folded YAML and string continuations must not hide a prompt it would report."""
    root = tmp_path / "repo"
    root.mkdir()
    for name, text in PROMPTS.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "docs.py").write_text('"""Make sure that you are logged in. Do not allow the cache to grow."""\n', encoding="utf-8")
    select = ["KZ301/deceptive-prompt"]
    on, off = check([root], jobs=1, select=select), check([root], jobs=1, select=select, use_prefilter=False)
    assert on.findings == off.findings
    assert {f.path for f in on.findings} >= set(PROMPTS), {f.path for f in on.findings}
    assert on.stats["passed"] < on.stats["files"]  # the docstring with the words but no prompt


def test_a_biometric_context_is_the_context_regex_not_a_substring() -> None:
    """`huggingface` holds `face`, but not after a non-letter: the rules' context regex never
    counts it, so the prefilter must not either (every file of a Hugging Face code base)."""
    rules = {r.meta.id: r(load()) for r in builtin_rules()}
    gate = RequirementFilter(rules["KZ305/label-vocabulary"].requirements_for(None, FileKind.PYTHON))
    buckets = 'AGE_BUCKETS = ["0-2", "4-6", "8-12", "15-20", "25-32", "38-43", "48-53", "60-100"]\n'
    assert not gate.may_match("from huggingface_hub import hf_hub_download\n" + buckets)
    assert gate.may_match("import cv2\nfaces = detector(frame)\n" + buckets)


def test_value_patterns_lose_anchors_and_optional_edges_only() -> None:
    from kzai_lint.catalogue import _unanchored, _without_optional_edges

    assert _unanchored("(^|[^a-z])emotions?([^a-z]|$)") == "(|[^a-z])emotions?([^a-z]|)"
    assert _unanchored("[]^]x^") == "[]^]x" and _unanchored("a\\^b$") == "a\\^b"
    assert _unanchored("[[]^x$") == "[[]x"  # `[[]` is a class holding `[`, then two anchors
    assert _without_optional_edges("(|[^a-z])fer[-_ ]?2013([^0-9]|)") == "fer[-_ ]?2013"
    assert _without_optional_edges("(dair-ai/)?emotion") == "emotion"
    assert _without_optional_edges("(a|b)c(d|)") == "(a|b)c"
    assert _without_optional_edges("(x)?+y") == "(x)?+y"


# ---------------------------------------------------------------------------------------------
# `distinct:` items: label vocabularies need several of their terms, not one
# ---------------------------------------------------------------------------------------------

def _distinct_holds(item: str, text: str) -> bool:
    from kzai_lint.requirements import _Patterns, _Texts

    return _Patterns((item,)).holds(_Texts(text, text.lower()))


def test_distinct_classes_join_words_one_could_be_read_as_the_other() -> None:
    from kzai_lint.requirements import distinct_requirement

    assert distinct_requirement(3, [["fear"], ["fearful"], ["sad"], ["angry"]]) == 'distinct:[2, [["angry"], ["fear", "fearful"], ["sad"]]]'
    # words one could be read as the other are one class; a word inside another is not
    assert distinct_requirement(2, [["fear"], ["fearful"], ["fearless"]]) is None
    assert distinct_requirement(2, [["asian"], ["caucasian"]]) == 'distinct:[2, [["asian"], ["caucasian"]]]'
    assert distinct_requirement(2, [["0-2"], ["(0-2)"], ["4-6"]]) is not None
    assert distinct_requirement(1, [["sad"], ["angry"]]) is None


def test_distinct_counts_words_at_word_starts() -> None:
    from kzai_lint.requirements import distinct_requirement

    item = distinct_requirement(5, [["sad"], ["angry"], ["disgust"], ["fear"], ["contempt"]])
    assert item is not None
    assert _distinct_holds(item, 'EMOTIONS = ["Angry", "Disgust", "Fear", "Sad", "Contempt"]')
    assert _distinct_holds(item, "class Emotion(Enum):\n    ANGRY = 0\n    SAD = 1\n    FEAR_FACE = 2\n    DISGUST = 3\n    CONTEMPT = 4\n")
    assert not _distinct_holds(item, "loss = disgust_weight * x  # the sad truth about sadness")
    assert not _distinct_holds(item, "fearless = besadangry = 1")
    assert not _distinct_holds(item, "гнев = 1")  # not a word of the set, and no Latin word
    cyrillic = distinct_requirement(2, [["гнев"], ["страх"]])
    assert cyrillic is not None and _distinct_holds(cyrillic, 'LABELS = ["Гнев", "Страх"]')
    assert not _distinct_holds(cyrillic, "игнев астрах")


@pytest.mark.parametrize("label_set", [ls for ls in load().label_sets], ids=lambda ls: ls.name)
def test_a_collection_that_counts_holds_the_label_requirement(label_set) -> None:
    """Any `min` distinct terms of a set, common ones first, in the styles collections are
    written in, pass the count requirement (and one term never does, when there is one)."""
    from kzai_lint.rules._python_signals import label_count_requirement

    common = load().extra.get("label_prefilter_common", ())
    item = label_count_requirement(label_set, common)
    if item is None:
        return
    rng = random.Random(label_set.name)
    terms = sorted(label_set.terms)
    commons = [t for t in terms if t in common]
    for _ in range(200):
        chosen = rng.sample(commons, min(len(commons), rng.randint(0, label_set.min - 1)))
        chosen += rng.sample([t for t in terms if t not in chosen], label_set.min - len(chosen))
        style = rng.choice(["list", "enum", "dict"])
        if style == "list":
            text = "LABELS = [" + ", ".join(f'"{rng.choice([t, t.title(), t.upper(), t.replace(" ", "-")])}"' for t in chosen) + "]\n"
        elif style == "enum":
            text = "class Label(Enum):\n" + "".join(f"    {t.upper().replace(' ', '_')} = {i}\n" for i, t in enumerate(chosen))
        else:
            text = "idx2label = {" + ", ".join(f'{i}: "{t.replace(" ", "_")}"' for i, t in enumerate(chosen)) + "}\n"
        assert _distinct_holds(item, text), (item[:80], text)
    assert not _distinct_holds(item, f'LABEL = "{terms[0]}"\n')


def _python_gate(rule_id: str) -> RequirementFilter:
    """The prefilter of one built-in rule for Python files."""
    rule = next(r for r in builtin_rules() if r.meta.id == rule_id)(load())
    return RequirementFilter(rule.requirements_for(None, FileKind.PYTHON))


def test_an_iin_column_is_a_whole_token_not_the_start_of_iinfo() -> None:
    gate = _python_gate("KZ304/iin-column")
    assert not gate.may_match("import torch\nfill_value = torch.iinfo(scores.dtype).min\n")
    assert gate.may_match('def row(r):\n    return {"ИИН": r.iin, "name": r.full_name}\n')
    assert gate.may_match("class Client(BaseModel):\n    clientIin: str\n    phone: str\n")


def test_a_label_word_alone_is_no_label_vocabulary() -> None:
    gate = _python_gate("KZ306/label-vocabulary")
    assert not gate.may_match('import torch\n# a sad truth: attention masks disgust everyone\nmask = torch.ones(4)\n')
    assert gate.may_match('import torch\nEMOTIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]\n')


def test_definition_names_are_read_even_inside_another_definition_name() -> None:
    from kzai_lint.requirements import _Texts

    text = "class Undef predictAge_def x\ndef \\\n  detect_race(img):\n"
    names = set(_Texts(text, text.lower()).names)
    assert {"undef", "x", "detectrace"} <= names
