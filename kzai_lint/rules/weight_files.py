"""KZ305/KZ306/KZ307: model weight files in the repository named for a catalogued capability.

A repository that ships `fer2013_mini_XCEPTION.102-0.66.hdf5` or `inswapper_128.onnx` ships the
model itself, whatever language loads it (an Android app's Kotlin, a browser's JavaScript, a C++
service). Only the catalogue's specific model names count (data sets, architectures, tool
names: `loader=False`), never a bare word such as `emotion`, which also names music-mood and
text-sentiment models. Weights are listed by discovery and never opened.

Repository-level rules run on every scan, so this module imports no analysis.
"""
from __future__ import annotations

import re
from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Confidence, Hit
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._messages import capability_message

_SHOWN = 3
_VAGUE = frozenset({"emotion", "emotion_text"})
"""Capabilities a file name cannot show: `emotion_model.h5` names music-mood and text models too
(the text-emotion patterns read model ids such as `org/emotion-model`, not file names)."""


class WeightFileRule(RepoRule):
    """Weight files whose names the catalogue classifies with this rule's code: one finding per
    capability, at the first such file, naming a few of the others."""

    #: names of models that detect the capability rather than have it (None: every name counts)
    detector_names: re.Pattern[str] | None = None

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        by_capability: dict[str, list[str]] = {}
        for path in repo.weights:
            if self.detector_names is not None and self.detector_names.search(path.lower()):
                continue
            match = self.catalogue.classify_model(path.rsplit("/", 1)[-1], loader=False)
            if match is None or match.capability in _VAGUE or self.catalogue.capabilities[match.capability].code != self.meta.code:
                continue
            by_capability.setdefault(match.capability, []).append(path)
        for capability, paths in by_capability.items():
            others = paths[1:_SHOWN]
            more = len(paths) - 1 - len(others)
            listed = (f" (also {', '.join(others)}" + (f" and {more} more" if more else "") + ")") if others else ""
            what = f"Model weights {paths[0]!r} in the repository{listed}"
            yield Hit(
                span=None,
                message=capability_message(self.catalogue, self.meta.code, what, capability),
                evidence=paths[0].rsplit("/", 1)[-1],
                anchor=f"weights.{capability}",
                capability=capability,
                confidence=Confidence.MEDIUM,
                path=paths[0],
            )


class EmotionWeightFile(WeightFileRule):
    """Emotion-recognition model weights shipped in the repository.

    ## What it finds
    Weight files (`.h5`, `.onnx`, `.pt`, `.tflite`, `.caffemodel`...) named for an emotion data set
    or model: `fer2013_mini_XCEPTION.102-0.66.hdf5`, `affectnet_*.pth`, `facial_expression*.onnx`,
    `speech_emotion*.pt`, `emotion2vec*`. A bare `emotion_model.h5` or `emotion_classifier.pt` is
    not enough (music-mood and text models carry such names too). One finding per capability.

    ## Why it matters
    The repository ships a model built to determine people's emotions, which Article 17(3)(6)
    prohibits without consent, in whatever language the model is run.

    ## Mitigation
    Obtain and record consent where the model runs, or remove the model from the product.

    ## Suppression
    A weight file has no comments: `"models/**" = ["KZ306"]` under
    `[tool.kzai-lint.per-file-ignores]`, with the reason in a comment beside it.
    """

    meta = RuleMeta(id="KZ306/weight-file", code="KZ306", kinds=frozenset(), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"app/src/main/assets/fer2013_mini_XCEPTION.102-0.66.hdf5": "binary weights", "app/src/main/java/Cam.kt": "class Cam\n"},
                finding_path="app/src/main/assets/fer2013_mini_XCEPTION.102-0.66.hdf5", line=None),
    )
    VALID = (
        Valid(files={"models/music_emotion_cnn.h5": "binary weights", "models/emotion_model.h5": "binary weights"},
              note="a bare `emotion` names music-mood and text models too"),
        Valid(files={"models/retinaface_resnet50.pth": "binary weights"}, note="face detection"),
    )


class BiometricWeightFile(WeightFileRule):
    """Race, ethnicity or face-attribute model weights shipped in the repository.

    ## What it finds
    Weight files named for FairFace, race or ethnicity classification, or age/gender estimation
    (`res34_fair_align_multi_7_20190809.pt`, `age_net.caffemodel`, `gender_deploy.prototxt`
    weights). One finding per capability.

    ## Why it matters
    A race or ethnicity classifier is biometric categorisation that Article 17(3)(5) prohibits;
    age and sex estimation from faces categorises people by biometric data (warning).

    ## Mitigation
    Remove the model, or declare the lawful purpose (e.g. fairness evaluation) in
    `[[tool.kzai-lint.system.purposes]]`.

    ## Suppression
    A weight file has no comments: `"models/**" = ["KZ305"]` under
    `[tool.kzai-lint.per-file-ignores]`, with the reason in a comment beside it.
    """

    meta = RuleMeta(id="KZ305/weight-file", code="KZ305", kinds=frozenset(), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"fair_face_models/res34_fair_align_multi_7_20190809.pt": "binary weights"},
                finding_path="fair_face_models/res34_fair_align_multi_7_20190809.pt", line=None),
    )
    VALID = (Valid(files={"weights/yolov8n-face.pt": "binary weights"}, note="a face detector"),)


class SyntheticWeightFile(WeightFileRule):
    """Face-swap, lip-sync or voice-cloning model weights shipped in the repository.

    ## What it finds
    Weight files named for face swapping (`inswapper_128.onnx`, SimSwap, DeepFaceLab), lip-sync
    and talking heads (`wav2lip_gan.pth`, SadTalker, LivePortrait) or voice cloning (XTTS,
    OpenVoice, RVC, so-vits). Weights of detectors (names or folders with `detect`, `classif`,
    `forensic`, `spoof`, FaceForensics++ or DFDC) are not counted. One finding per capability.

    ## Why it matters
    The repository ships a model that creates synthetic likenesses of real people; Article
    21(2) allows such results only when marked and noticed (Article 17(3)(7)).

    ## Mitigation
    Mark every output and show a visible notice; declare both in
    `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    A weight file has no comments: `"models/**" = ["KZ307"]` under
    `[tool.kzai-lint.per-file-ignores]`, with the reason in a comment beside it.
    """

    meta = RuleMeta(id="KZ307/weight-file", code="KZ307", kinds=frozenset(), confidence=Confidence.MEDIUM)
    # Deepfake detection trains on FaceForensics++'s "FaceSwap" and "Deepfakes" sets: its weights
    # and their folders name the manipulation they detect.
    detector_names = re.compile(r"detect|classif|discriminat|forensic|spoof|ffpp|ff\+\+|dfdc")
    INVALID = (
        Invalid(files={"models/inswapper_128.onnx": "binary weights", "models/wav2lip_gan.pth": "binary weights"},
                finding_path="models/inswapper_128.onnx", line=None),
    )
    VALID = (
        Valid(files={"checkpoints/deepfake_detector_efficientnet.pth": "binary weights"}, note="a deepfake detector"),
        Valid(files={"weights/ffpp_c23/faceswap_xception.pth": "binary weights", "models/faceswap_classifier.onnx": "binary weights"},
              note="detectors trained on FaceForensics++'s FaceSwap set"),
    )
