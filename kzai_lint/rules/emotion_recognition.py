"""17(3)(6): emotion recognition in Python code (calls, model/data artefacts, label vocabularies)."""
from __future__ import annotations

from kzai_lint.model import PYTHON_KINDS, Confidence, Status
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._python_signals import ArtefactLiteralRule, CatalogueCallRule, LabelVocabularyRule


class EmotionRecognitionCall(CatalogueCallRule):
    """Emotion-recognition library calls, resolved through imports and aliases.

    ## What it finds
    Calls that determine a person's emotions: `DeepFace.analyze` with `"emotion"` in `actions`
    (or with the default actions, which include emotion), `DeepFace.stream`, `fer.FER`
    (`detect_emotions`, `top_emotion`), HSEmotion recognisers, py-feat `Detector` with an
    emotion model, transformers/SpeechBrain/FunASR loaders given an emotion model id, and cloud
    face APIs asked for emotions (AWS Rekognition `Attributes=["ALL"]`, Google Vision face
    detection). Names are resolved through `import ... as`, `from ... import`, rebinding
    (`analyse = DeepFace.analyze`) and objects (`det = FER(); det.detect_emotions(img)`).

    ## Why it matters
    Article 17(3)(6) prohibits "determining the emotions of an individual without his consent,
    except in cases provided for by the laws of the Republic of Kazakhstan". Unlike the EU AI
    Act, it is not limited to workplaces or schools and has no medical exception.

    ## Mitigation
    Ask for consent before the analysis and guard the call with a consent hook declared in
    `[tool.kzai-lint] consent-hooks` (the finding becomes `mitigated`), or declare the law that
    allows the processing in `[[tool.kzai-lint.system.lawful-basis]]`.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line or the line before, with a reason an auditor
    can read.
    """

    meta = RuleMeta(id="KZ306/library-call", code="KZ306", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            import deepface.DeepFace as DF
            def mood(frame):
                return DF.analyze(frame, actions=["emotion"])
            """, line=3),
        Invalid("""
            from deepface import DeepFace
            result = DeepFace.analyze(img_path="visitor.jpg")
            """, line=2, note="default actions include emotion"),
        Invalid("""
            from fer import FER as Recogniser
            detector = Recogniser(mtcnn=True)
            faces = detector.detect_emotions(frame)
            """, line=3),
        Invalid("""
            from transformers import pipeline as make
            CHECKPOINT = "trpakov/vit-face-expression"
            clf = make("image-classification", model=CHECKPOINT)
            """, line=3),
        Invalid("""
            from hsemotion.facial_emotions import HSEmotionRecognizer
            class Tracker:
                def __init__(self):
                    self.rec = HSEmotionRecognizer(model_name="enet_b0_8_best_afew")
                def label(self, face):
                    return self.rec.predict_emotions(face, logits=False)
            """, line=6),
        Invalid("""
            from deepface import DeepFace
            analyse = DeepFace.analyze
            def score(frame):
                return analyse(frame, ("emotion", "age"))
            """, line=4),
        Invalid("""
            from keras.models import load_model as lm
            WEIGHTS = "models/emotion_model.hdf5"
            model = lm(WEIGHTS)
            """, line=3, note="an emotion model file through a constant into a loader"),
        Invalid("""
            from datasets import load_dataset
            tweets = load_dataset(path="tweet_eval", name="emotion")
            """, line=2, note="the task is in the configuration name"),
        Invalid("""
            import boto3
            rek = boto3.client("rekognition")
            resp = rek.detect_faces(Image={"Bytes": data}, Attributes=["ALL"])
            """, line=3),
        Invalid("""
            from hume import HumeBatchClient
            from hume.models.config import FaceConfig, ProsodyConfig
            client = HumeBatchClient(api_key)
            job = client.submit_job([video_url], [FaceConfig(identify_faces=True), ProsodyConfig()])
            """, line=4, note="Hume AI expression measurement of faces and voices"),
        Invalid("""
            from aniemore.recognizers.voice import VoiceRecognizer
            from aniemore.models import HuggingFaceModel
            vr = VoiceRecognizer(model=HuggingFaceModel.Voice.WavLM, device="cpu")
            label = vr.recognize("call.wav", return_single_label=True)
            """, line=4, note="Aniemore speech emotion recognition"),
        Invalid("""
            from src.fermodel import FERModel
            model = FERModel(["calm", "anger", "happiness"], verbose=True)
            model.predict("image_data/sample_happy_image.png")
            """, line=3, note="EmoPy, imported from its repository root"),
        Invalid(
            """
            from deepface import DeepFace
            from kiosk import consent
            def feedback(user_id, frame):
                if consent.has_consent(user_id, "emotion"):
                    return DeepFace.analyze(frame, actions=["emotion"])
            """,
            path="kiosk/feedback.py",
            config="""
            [tool.kzai-lint]
            consent-hooks = ["kiosk.consent.has_consent"]
            """,
            line=5,
            status=Status.MITIGATED,
            note="guarded by a declared consent hook",
        ),
    )
    VALID = (
        Valid("""
            from deepface import DeepFace
            faces = DeepFace.extract_faces(img_path="id.jpg", detector_backend="retinaface")
            """, note="face detection and alignment only"),
        Valid("""
            import insightface
            app = insightface.app.FaceAnalysis(name="buffalo_l", allowed_modules=["detection", "recognition"])
            """, note="face recognition models without attribute heads"),
        Valid("""
            from deepface import DeepFace
            age = DeepFace.analyze(img, actions=["age"])
            """, note="age only: not emotion (KZ305 may apply)"),
        Valid("""
            def transfer(buffer, offer):
                return buffer.detect_emotions(offer)
            """, note="unresolved names are never guessed; `fer` inside transfer/buffer/offer"),
        Valid("""
            from transformers import pipeline
            clf = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")
            """, note="sentiment polarity of reviews is not a person's emotions"),
        Valid("""
            from deepface import DeepFace
            DeepFace.stream(db_path="faces/", enable_face_analysis=False)
            """, note="face recognition stream with attribute analysis switched off"),
    )


class EmotionModelArtefact(ArtefactLiteralRule):
    """Emotion-recognition model ids, weight files and training data sets named in code.

    ## What it finds
    String literals that name an emotion model or data set without a resolved call: Hub ids
    (`"j-hartmann/emotion-english-distilroberta-base"`), weight files
    (`"fer2013_mini_XCEPTION.hdf5"`, `"emotion-ferplus-8.onnx"`) and data sets (FER2013,
    AffectNet, RAF-DB, RAVDESS, IEMOCAP, GoEmotions …).

    ## Why it matters
    A system trained or shipped to recognise emotions has the functional capability that
    Article 17(3)(6) prohibits without consent, even when the inference call is elsewhere.

    ## Mitigation
    Make sure every deployment asks for consent (declared consent hook guarding the inference)
    or declare the lawful basis; research use on consented data sets can be suppressed with a
    reason.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line.
    """

    meta = RuleMeta(id="KZ306/model-or-dataset", code="KZ306", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import pandas as pd
            df = pd.read_csv("data/fer2013/fer2013.csv")
            """, line=2),
        Invalid("""
            ONNX_MODELS = {"expression": "weights/emotion-ferplus-8.onnx"}
            """, line=1),
        Invalid("""
            MODELS = {"voice": "ehcalabres/wav2vec2-lg-xlsr-en-speech-emotion-recognition"}
            """, line=1),
        Invalid("""
            data = pd.read_csv("data/isear.csv", names=["emotion", "text"])
            """, line=1, note="ISEAR: sentences labelled with the emotion their writer felt"),
        Invalid("""
            model = load_model(f"{MODEL_DIR}/fer2013_mini_XCEPTION.102-0.66.hdf5", compile=False)
            """, line=1, note="the text of an f-string"),
    )
    VALID = (
        Valid("""
            RESULTS = "results/emotion"
            print("emotion recognition is out of scope for this model")
            """, note="a folder name and prose are not models"),
        Valid("""
            MODEL = "nlptown/bert-base-multilingual-uncased-sentiment"
            """, note="sentiment, not emotion"),
        Valid("""
            REPORT = f'''Baseline for {task}:
            fer2013_mini_XCEPTION.hdf5'''
            """, note="a multi-line f-string is prose"),
        Valid("""
            from transformers.utils import add_code_sample_docstrings

            class RobertaForSequenceClassification(RobertaPreTrainedModel):
                @add_code_sample_docstrings(checkpoint="cardiffnlp/twitter-roberta-base-emotion", expected_output="'optimism'")
                def forward(self, input_ids=None):
                    ...
            """, note="a model id in a decorator that only renders the documentation's example"),
        Valid("""
            from transformers import pipeline
            asr = pipeline("automatic-speech-recognition", model="openai/whisper-small")
            """),
    )


class EmotionLabelVocabulary(LabelVocabularyRule):
    """Emotion class lists used by a model (≥5 of the basic emotions).

    ## What it finds
    A list, tuple, set, dict or enum with at least five distinct emotion classes (angry,
    disgust, fear, happy, sad, surprise, neutral, contempt … also in Russian and Kazakh) in a
    file that trains or runs a model. The same words in game, music or speech-synthesis code
    are not findings.

    ## Why it matters
    An emotion classifier's output vocabulary is the clearest sign of emotion recognition,
    which Article 17(3)(6) prohibits without the person's consent.

    ## Mitigation
    Guard the inference with a declared consent hook, or declare the lawful basis.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line before the list.
    """

    meta = RuleMeta(id="KZ306/label-vocabulary", code="KZ306", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import cv2
            from keras.models import load_model
            EMOTIONS = ["angry", "disgust", "scared", "happy", "sad", "surprised", "neutral"]
            model = load_model("model.h5")
            """, line=3),
        Invalid("""
            import torch
            idx2label = {0: "Angry", 1: "Disgust", 2: "Fear", 3: "Happy", 4: "Sad", 5: "Surprise", 6: "Neutral"}
            """, line=2, note="dict values"),
    )
    VALID = (
        Valid("""
            from enum import Enum
            class Mood(Enum):
                NEUTRAL = "neutral"
                HAPPY = "happy"
                ANGRY = "angry"
                SAD = "sad"
                FEAR = "fear"
            """, note="a game NPC's own mood: no model in sight"),
        Valid("""
            import librosa
            SONG_MOODS = ["happy", "sad", "angry", "calm", "fear", "surprise"]
            model = train(features)
            """, note="emotions of songs, not of persons"),
        Valid("""
            import torch
            LEVELS = ["happy", "sad", "neutral"]
            """, note="below the minimum overlap"),
        Valid("""
            from utils.generation import SAMPLE_RATE, generate_audio, preload_models
            REFERENCE_CLIP = {"neutral": 1, "calm": 2, "happy": 3, "sad": 4, "angry": 5, "fearful": 6, "disgust": 7}
            preload_models()
            audio = generate_audio(text, prompt=f"refs/{REFERENCE_CLIP[style]:02d}.wav")
            """, note="emotional speech generation (VALL-E X, Bark): the style of the voice produced, not a person's emotion"),
    )
