"""KZ305/KZ306/KZ307 from the project's own function and class names."""
from __future__ import annotations

from kzai_lint.model import PYTHON_KINDS, Confidence
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._identifier_signals import IdentifierRule


class EmotionRecognitionName(IdentifierRule):
    """Functions and classes named for emotion recognition (`detect_emotion`, `EmotionRecognizer`).

    ## What it finds
    Definitions such as `def detect_emotion(frame)`, `def predict_emotion_from_voice(...)`,
    `class FacialEmotionRecognizer` or `class SpeechEmotionClassifier` in a file that trains or
    runs a model or handles faces or voices. One finding per file.

    ## Why it matters
    Many projects wrap their own emotion model in such functions; the name states the
    capability Article 17(3)(6) prohibits without the person's consent.

    ## Mitigation
    Guard the function's callers with a declared consent hook, or declare the lawful basis.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line before the definition.
    """

    meta = RuleMeta(id="KZ306/named-capability", code="KZ306", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import cv2
            from keras.models import load_model
            model = load_model("model.h5")
            def detect_emotion(face):
                return model.predict(face)
            """, line=4),
        Invalid("""
            import torch
            class FacialEmotionRecognizer(torch.nn.Module):
                pass
            """, line=2),
    )
    VALID = (
        Valid("""
            import random
            def pick_emotion(npc):
                return random.choice(["happy", "sad"])
            """, note="no model in sight"),
        Valid("""
            import librosa
            import torch
            def predict_emotion(song_path):
                return model(librosa.load(song_path))
            """, note="emotion of music"),
        Valid("""
            import torch
            def emotional_tts(text, emotion="happy"):
                return synthesize(text, emotion)
            """, note="speech synthesis conditioned on an emotion is generation"),
        Valid("""
            import torch
            from sympy import sympify
            def get_expression(tokens):
                return sympify(" ".join(tokens))
            """, note="a math expression: only a facial expression is an emotion"),
    )


class BiometricCategorisationName(IdentifierRule):
    """Functions and classes named for inferring race, ethnicity, religion, age or gender.

    ## What it finds
    Definitions such as `def predict_ethnicity(face)`, `class RaceClassifier`,
    `def estimate_age_gender(img)` or `class AgeGenderNet` in model or face code.

    ## Why it matters
    Article 17(3)(5) prohibits classifying people from biometric data by race, religion,
    political views and other criteria (age and sex are reported as warnings).

    ## Mitigation
    Remove the inference; aggregate fairness audits can declare their purpose.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>`.
    """

    meta = RuleMeta(id="KZ305/named-capability", code="KZ305", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import torch
            def predict_ethnicity(face_crop):
                return net(face_crop).argmax()
            """, line=2),
        Invalid("""
            import cv2
            class AgeGenderEstimator:
                pass
            """, line=2),
        Invalid("""
            import torch.nn as nn
            class AgeGenderModel(nn.Module):
                pass
            """, line=2),
        Invalid("""
            import pickle
            class EthnicClassifier:
                '''Predict the ethnic class of a face embedding.'''
            """, line=2, note="`ethnic` with a face in view"),
        Invalid("""
            import cv2
            class RaceModel:
                def detect_race(self, img):
                    faces = self.crop_face(img)
                    return [self.net(face).argmax() for face in faces]
            """, line=3, note="`detect_race` on face crops"),
    )
    VALID = (
        Valid("""
            import threading
            import torch
            def detect_race_condition(lock):
                return lock.locked()
            """, note="a race condition"),
        Valid("""
            import threading
            def detect_race(trace):
                '''Report two unsynchronised writes to one address in a thread trace.'''
                return [w for w in trace if w.unlocked]
            """, note="a data-race detector: no face or voice in view"),
        Valid("""
            import pandas as pd
            def predict_price(df):
                return df["age"] * 2
            """),
        Valid("""
            import pandas as pd
            from sklearn.ensemble import RandomForestClassifier
            def predict_race(driver_stats: pd.DataFrame):
                return RandomForestClassifier().fit(driver_stats, wins).predict(driver_stats)
            """, note="a motor race winner, not a person's race"),
        Valid("""
            import torch
            def predict_age(dog_scan):
                return model(dog_scan)
            """, note="no face or voice in view"),
        Valid("""
            import pandas as pd
            class EthnicGroupPredictor:
                '''Census statistics: the share of each ethnic group by district.'''
            """, note="census statistics: no face or voice in view"),
    )


class SyntheticMediaName(IdentifierRule):
    """Functions and classes named for face swapping, voice cloning or lip-sync.

    ## What it finds
    Definitions such as `class FaceSwapper`, `def swap_face(...)`, `def clone_voice(...)`,
    `class LipSyncer` in model or media code.

    ## Why it matters
    Synthetic results imitating real people need machine-readable marking and a visible
    notice (Article 21(2)); unmarked ones fall under Article 17(3)(7).

    ## Mitigation
    Mark every output and declare `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/named-capability", code="KZ307", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import torch.nn as nn
            class Wav2Lip(nn.Module):
                pass
            """, line=2),
        Invalid("""
            import cv2
            import insightface
            class FaceSwapper:
                def __init__(self, model_path):
                    self.model = load(model_path)
            """, line=3),
        Invalid("""
            import onnxruntime
            class LivePortraitWrapper:
                pass
            """, line=2, note="LivePortrait: a portrait animated by a driving face"),
        Invalid("""
            import torch
            def generate_voice_clone(text, ref_audio, ref_text):
                return model.synthesize(text, ref_audio)
            """, line=2),
    )
    VALID = (
        Valid("""
            import torch
            class DeepfakeDetector(torch.nn.Module):
                pass
            """, note="detection of fakes"),
        Valid("""
            import numpy as np
            def swap_rows(a, i, j):
                a[[i, j]] = a[[j, i]]
            """),
        Valid("""
            import torch
            def swap(x):
                return x.transpose(0, 1)
            class Swapper:
                pass
            """, note="a swap of tensor axes, no face in the name"),
    )
