"""17(3)(5): biometric categorisation (race, religion, politics, other traits) in Python code."""
from __future__ import annotations

from kzai_lint.model import PYTHON_KINDS, Confidence
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._python_signals import ArtefactLiteralRule, CatalogueCallRule, LabelVocabularyRule


class BiometricCategorisationCall(CatalogueCallRule):
    """Library calls that infer race, ethnicity or other personal traits from a face or voice.

    ## What it finds
    `DeepFace.analyze` with `"race"` (or the default actions, which include race), age or gender
    in `actions`; loaders of race/ethnicity classifiers (FairFace, model ids naming ethnicity);
    deepface's race model builders. Names are resolved through imports and aliases.

    ## Why it matters
    Article 17(3)(5) prohibits "classification of individuals based on their biometric data to
    form conclusions about their race, political views, religious affiliation, and any other
    circumstances (criteria) in order to use for any discrimination". Age and sex inferred from a
    face are such "other criteria" (reported as warnings).

    ## Mitigation
    Remove the attribute inference. For aggregate bias audits of your own model, declare a
    `fairness_evaluation` purpose scoped to the audit code in
    `[[tool.kzai-lint.system.purposes]]`.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>` on the line.
    """

    meta = RuleMeta(id="KZ305/library-call", code="KZ305", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            from deepface import DeepFace as DF
            faces = DF.analyze(frame, actions=["race"], enforce_detection=False)
            """, line=2),
        Invalid("""
            from deepface import DeepFace
            def profile(path):
                return DeepFace.analyze(img_path=path)
            """, line=3, note="default actions include race"),
        Invalid("""
            import timm
            model = timm.create_model("hf-hub:acme/convnext-tiny-face-ethnicity", pretrained=True)
            """, line=2),
        Invalid("""
            from datasets import load_dataset as load
            NAME = "HuggingFaceM4/FairFace"
            ds = load(NAME, split="train")
            """, line=3, note="data set id through a constant"),
    )
    VALID = (
        Valid("""
            from deepface import DeepFace
            emo = DeepFace.analyze(frame, actions=["emotion"])
            """, note="emotion only: KZ306, not KZ305"),
        Valid("""
            import threading
            race_detected = 0
            lock = threading.Lock()
            """, note="a race condition is not about people"),
        Valid("""
            import mediapipe as mp
            det = mp.solutions.face_detection.FaceDetection(model_selection=1)
            """, note="face detection for blurring is not categorisation"),
    )


class BiometricModelArtefact(ArtefactLiteralRule):
    """Race/ethnicity classifier weights, model ids and data sets (FairFace, UTKFace) named in code.

    ## What it finds
    String literals naming FairFace/UTKFace data, race or ethnicity model ids and weight files
    (e.g. `res34_fair_align_multi_7_20190809.pt`).

    ## Why it matters
    Training or shipping a classifier of race from faces gives the system the capability
    Article 17(3)(5) prohibits.

    ## Mitigation
    Remove the capability; for aggregate fairness audits declare the purpose.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>`.
    """

    meta = RuleMeta(id="KZ305/model-or-dataset", code="KZ305", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            SOURCES = {"faces": "HuggingFaceM4/FairFace", "split": "train"}
            """, line=1),
        Invalid("""
            WEIGHTS = "checkpoints/res34_fair_align_multi_7_20190809.pt"
            """, line=1),
        Invalid("""
            ROOT = "D://DeepLearningData/AFAD-Full/"
            """, line=1, note="the Asian Face Age Dataset"),
    )
    VALID = (
        Valid("""
            RACE_RESULTS = "results/race_condition_report.txt"
            """),
        Valid("""
            DATA = "data/celeba/img_align_celeba"
            """, note="CelebA alone (e.g. for GAN training) is not categorisation"),
        Valid("""
            EVENTS = "data/afad_earthquakes_2023.csv"
            """, note="AFAD is also Turkey's disaster agency"),
    )


class BiometricLabelVocabulary(LabelVocabularyRule):
    """Race, religion or political-view class lists next to face or voice input.

    ## What it finds
    A list, tuple, set, dict or enum with at least three race/ethnicity, religion or political
    labels in a file that handles faces, voices or other biometrics.

    ## Why it matters
    A classifier with these outputs over biometric input categorises people by the criteria
    Article 17(3)(5) names.

    ## Mitigation
    Remove the capability; declare an aggregate `fairness_evaluation` purpose for bias audits.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>`.
    """

    meta = RuleMeta(id="KZ305/label-vocabulary", code="KZ305", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            from voiceprint.embed import voice_embedding
            VIEWS = ["liberal", "conservative", "nationalist", "socialist"]
            """, line=2),
        Invalid("""
            import torch
            face_crop = True
            RACES = ("White", "Black", "Asian", "Indian", "Others")
            """, line=3),
    )
    VALID = (
        Valid("""
            COLORS = ["white", "black", "red", "green", "blue"]
            """, note="colour names"),
        Valid("""
            SEGMENTS = ["liberal", "conservative", "socialist"]
            survey = load_survey_answers()
            """, note="stated survey answers, no biometric input"),
    )
