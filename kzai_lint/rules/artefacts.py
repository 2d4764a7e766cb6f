"""KZ305/KZ306/KZ307 signals in configs, model cards, data headers and class-list files (dependencies: `dependencies`)."""
from __future__ import annotations

from kzai_lint.model import CONFIG_KINDS, Confidence, FileKind
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._artefact_signals import ConfigSignalRule, DataColumnsRule, LabelFileRule, ModelCardRule

_CARD = frozenset({FileKind.MODEL_CARD, FileKind.NOTEBOOK})
_TABLE = frozenset({FileKind.TABULAR})

NOTEBOOK_FACE_SWAP = """{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Demo\\n", "\\n", "Swap faces between two selfies in a few lines.\\n"]},
 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["print('hi')\\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
"""


class EmotionConfig(ConfigSignalRule):
    """Emotion label lists, emotion model ids and emotion data sets in YAML/JSON/TOML configs.

    ## What it finds
    A label list (or HF `config.json` `id2label`) with at least five basic emotions in a config
    that trains or serves a model, an emotion model id (`j-hartmann/emotion-english-…`) or an
    emotion data set (FER2013, AffectNet, RAVDESS …) in a config value. One finding per file.

    ## Why it matters
    The model is built to determine people's emotions, which Article 17(3)(6) prohibits
    without the person's consent.

    ## Mitigation
    Guard inference with a declared consent hook, or declare the lawful basis.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line before the key.
    """

    meta = RuleMeta(id="KZ306/config", code="KZ306", kinds=frozenset(CONFIG_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"configs/train.yaml": """
            data:
              csv: data/faces/train.csv
              labels: [angry, disgust, fear, happy, sad, surprise, neutral]
            model:
              arch: resnet18
            """}, finding_path="configs/train.yaml", line=3),
        Invalid(files={"model/config.json": """
            {
              "architectures": ["ViTForImageClassification"],
              "id2label": {"0": "anger", "1": "disgust", "2": "fear", "3": "happiness", "4": "sadness", "5": "surprise", "6": "neutral"}
            }
            """}, finding_path="model/config.json", line=3),
        Invalid(files={"conf/serve.yaml": """
            emotion:
              checkpoint: j-hartmann/emotion-english-distilroberta-base
            """}, finding_path="conf/serve.yaml", line=2),
    )
    VALID = (
        Valid(files={"data/npcs.yaml": """
            innkeeper:
              barks:
                neutral: ["What'll it be?"]
                happy: ["Welcome!"]
                angry: ["Out!"]
            """}, note="a game character's barks"),
        Valid(files={"configs/yolo.yaml": """
            names:
              0: person
              1: forklift
              2: pallet
            """}),
    )


class BiometricConfig(ConfigSignalRule):
    """Race, religion or political label heads and race-classifier models in configs.

    ## What it finds
    A label list with at least three race/ethnicity, religion or political classes in a config
    whose model takes faces or voices (or under a key naming the attribute, e.g. `race:`), and
    FairFace/UTKFace data or race-classifier weights.

    ## Why it matters
    Article 17(3)(5) prohibits classifying people from biometric data by race, political views,
    religion or other criteria.

    ## Mitigation
    Remove the head; declare `fairness_evaluation` only for aggregate bias audits.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>`.
    """

    meta = RuleMeta(id="KZ305/config", code="KZ305", kinds=frozenset(CONFIG_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"configs/heads.yaml": """
            backbone: resnet34
            heads:
              race: [White, Black, Latino_Hispanic, East Asian, Indian, Middle Eastern]
              gender: [Male, Female]
            """}, finding_path="configs/heads.yaml", line=3),
        Invalid(files={"cfg.yaml": """
            data: {images: photos/, face_crop: true}
            target: {column: religion, labels: [christian, muslim, jewish, hindu]}
            """}, finding_path="cfg.yaml", line=2),
        Invalid(files={"config.json": """
            {"secondary": {"path": "./intel/age-gender-recognition-retail-0013/FP16/age-gender-recognition-retail-0013",
                           "device": "CPU"}}
            """}, finding_path="config.json", line=1, note="an Open Model Zoo id at the end of a local model path"),
    )
    VALID = (
        Valid(files={"palette.yaml": """
            colors: [white, black, asian_red, indian_yellow]
            """}, note="no biometric input"),
    )


class SyntheticMediaConfig(ConfigSignalRule):
    """Face-swap, lip-sync and voice-cloning models named in configs.

    ## What it finds
    Config values naming `inswapper_128.onnx`, SimSwap, Wav2Lip, XTTS and similar models.

    ## Why it matters
    Synthetic results imitating real people may be disseminated only with machine-readable
    marking and a visible notice (Article 21(2)); unmarked results fall under Article 17(3)(7).

    ## Mitigation
    Mark outputs and declare `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/config", code="KZ307", kinds=frozenset(CONFIG_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"config.yaml": """
            swapper:
              model_path: models/inswapper_128.onnx
            """}, finding_path="config.yaml", line=2),
    )
    VALID = (
        Valid(files={"config.yaml": """
            detector:
              model_path: models/deepfake_detector.onnx
            """}),
    )


class EmotionModelCard(ModelCardRule):
    """Model cards describing emotion recognition (metadata, or prose as information).

    ## What it finds
    Front matter `tags`/`pipeline_tag` such as `emotion-recognition`, `facial-expression`,
    `speech-emotion-recognition`; `datasets` such as `fer2013`; a `base_model` that is an emotion
    model. Without metadata, sentences that say the model recognises emotions are reported as
    `info`. Negated sentences ("does NOT perform emotion recognition") and out-of-scope or
    limitation sections are not findings.

    ## Why it matters
    Publishing an emotion-recognition model gives its users the capability Article 17(3)(6)
    prohibits without consent.

    ## Mitigation
    State the consent requirement in the card and in the serving code's consent hook.

    ## Suppression
    `<!-- kzai: ignore[KZ306] <reason> -->` before the block.
    """

    meta = RuleMeta(id="KZ306/model-card", code="KZ306", kinds=_CARD, confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"README.md": """
            ---
            pipeline_tag: image-classification
            tags: [vision, facial-expression]
            ---
            # face-mood
            """}, finding_path="README.md", line=3),
        Invalid(files={"MODEL_CARD.md": """
            # voice-affect

            This model recognises emotions in call-centre audio.
            """}, finding_path="MODEL_CARD.md", line=3),
        Invalid(files={"README.md": """
            # eeg-transformer

            Emotion recognise with EEG signals (SEED and DEAP).
            """}, finding_path="README.md", line=3, note="emotions from physiological signals"),
        Invalid(files={"README.md": """
            # mini-xception

            A small CNN trained on FER2013, exported to ONNX for the Android app.
            """}, finding_path="README.md", line=3, note="the card names the emotion data set its model learnt"),
    )
    VALID = (
        Valid(files={"README.md": """
            ---
            tags: [face-landmarks]
            ---
            # landmarks

            ## Out-of-scope use

            Emotion recognition and inferring ethnicity.

            ## Notes

            This model does NOT perform emotion recognition.
            """}),
        Valid(files={"README.md": """
            # playlist-mood

            Music emotion recognition for songs in your library.
            """}, note="emotions of songs"),
        Valid(files={"README.md": """
            # Awesome Affective Computing

            A curated collection of papers on multimodal emotion recognition and emotional intelligence.
            """}, note="a reading list describes a field, not a system"),
        Valid(files={"README.md": """
            # signals-toolkit

            ## Contents
            - [Datasets](#datasets)
            - [Multimodal Emotion Recognition](#multimodal-emotion-recognition)

            ## Multimodal Emotion Recognition

            Links to the papers we cite.
            """}, note="a table of contents repeats sub-headings, which do not state what the project is"),
    )


class BiometricModelCard(ModelCardRule):
    """Model cards describing race, ethnicity or similar classification from faces or voices.

    ## What it finds
    Tags such as `ethnicity-classification`, FairFace data sets, and (as information) prose that
    says the model predicts ethnicity, race or political views, or age and gender.

    ## Why it matters
    Article 17(3)(5) prohibits biometric categorisation by race, politics, religion and other
    criteria.

    ## Mitigation
    Withdraw the capability; aggregate fairness audits can declare their purpose.

    ## Suppression
    `<!-- kzai: ignore[KZ305] <reason> -->`.
    """

    meta = RuleMeta(id="KZ305/model-card", code="KZ305", kinds=_CARD, confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"README.md": """
            ---
            tags: [vision, ethnicity-classification]
            ---
            # model
            """}, finding_path="README.md", line=2),
        Invalid(files={"README.md": """
            # age-gender-cnn

            A CNN to predict age and gender based on facial images.
            """}, finding_path="README.md", line=3, note="the verb form"),
    )
    VALID = (
        Valid(files={"README.md": """
            # race-condition-finder

            Finds data races in multithreaded code.
            """}),
    )


class SyntheticMediaModelCard(ModelCardRule):
    """Project or model cards describing deepfakes, face swapping or voice cloning.

    ## What it finds
    Tags such as `deepfake`, `face-swap`, `voice-cloning`, and (as information) prose that says
    the project swaps faces, clones voices or lip-syncs. Deepfake *detection* is not a finding.

    ## Why it matters
    Synthetic results of real people need machine-readable marking and a visible notice
    (Article 21(2)); otherwise they are prohibited results (Article 17(3)(7)).

    ## Mitigation
    Mark outputs and declare `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    `<!-- kzai: ignore[KZ307] <reason> -->`.
    """

    meta = RuleMeta(id="KZ307/model-card", code="KZ307", kinds=_CARD, confidence=Confidence.LOW)
    INVALID = (
        Invalid(files={"demo.ipynb": NOTEBOOK_FACE_SWAP}, finding_path="demo.ipynb", line=3, cell=0, note="a notebook's markdown cell is prose"),
        Invalid(files={"README.md": """
            # swapcam

            Real-time face swap for your webcam streams.
            """}, finding_path="README.md", line=3),
        Invalid(files={"README.md": """
            # Real-Time Voice Cloning

            An encoder, a synthesizer and a vocoder (TTS) that work in real time.
            """}, finding_path="README.md", line=1, note="the title says it; TTS words do not hide voice cloning"),
    )
    VALID = (
        Valid(files={"README.md": """
            # fakeguard

            A deepfake detection benchmark: detects face swaps in video.
            """}),
        Valid(files={"README.md": """
            # dfdc-solution

            Our solution to the [Deepfake Detection Challenge](https://kaggle.com/c/deepfake-detection-challenge).
            Deepfakes are fake videos in which a face is replaced; this model classifies videos as real or fake.
            """}, note="deepfake detection explained, not generation"),
        Valid(files={"README.md": """
            # DeepFake Detection

            The model was trained on three major deepfake datasets: FaceForensics++, Celeb-DF (v2) and DFDC.
            """}, note="the detection benchmarks' data sets say which side of deepfakes the card is on"),
        Valid(files={"README.md": """
            # Voice Cloning & Impersonation Defense Platform

            A real-time platform designed to detect and prevent AI-generated voice cloning and deepfake audio during live calls.
            """}, note="defence against cloned voices"),
    )


class EmotionLabelFile(LabelFileRule):
    """A model's class-list file that lists emotions (`labels.txt` of a TFLite app, `*.names`).

    ## What it finds
    `labels.txt`, `labelmap.txt`, `classes.txt`, `class_names.txt` or a Darknet `*.names` file
    with at least five basic emotions, one label a line (a leading or trailing class index is
    ignored): the output vocabulary of an emotion classifier, in whatever language the app
    that loads it is written (Android, iOS, C++). One finding per file.

    ## Why it matters
    The model it belongs to determines people's emotions, which Article 17(3)(6) prohibits
    without the person's consent.

    ## Mitigation
    Ask for consent before the app runs the model; declare the consent hook or the lawful basis.

    ## Suppression
    A class-list file has no comments: use `per-file-ignores` in `[tool.kzai-lint]`.
    """

    meta = RuleMeta(id="KZ306/label-file", code="KZ306", kinds=_TABLE, confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(files={"app/src/main/assets/labels.txt": """
            Angry
            Disgust
            Fear
            Happy
            Sad
            Surprise
            Neutral
            """}, finding_path="app/src/main/assets/labels.txt", line=1),
        Invalid(files={"cfg/emotion.names": """
            0 anger
            1 contempt
            2 disgust
            3 fear
            4 happy
            5 sadness
            6 surprise
            """}, finding_path="cfg/emotion.names", line=1, note="a Darknet class file with indices"),
    )
    VALID = (
        Valid(files={"models/coco.names": """
            person
            bicycle
            car
            motorbike
            aeroplane
            """}),
        Valid(files={"docs/labels.txt": """
            happy
            sad
            """}, note="fewer than five emotions"),
        Valid(files={"data/emotions.csv": """
            label
            happy
            sad
            angry
            fear
            surprise
            neutral
            """}, note="not a class-list file by name (a data file's header decides there)"),
    )


class EmotionDataColumns(DataColumnsRule):
    """Data files with an emotion target column next to face, image or audio columns.

    ## What it finds
    CSV/TSV/JSONL headers such as `emotion,pixels,Usage` or `path,emotion` (read only up to the
    header and first rows).

    ## Why it matters
    Training data for emotion recognition shows the capability Article 17(3)(6) prohibits
    without consent.

    ## Mitigation
    Use data of persons who consented; guard inference with a declared consent hook.

    ## Suppression
    Configure `per-file-ignores` for the data folder with a reason in review.
    """

    meta = RuleMeta(id="KZ306/data-columns", code="KZ306", kinds=_TABLE, confidence=Confidence.MEDIUM)
    INVALID = (Invalid(files={"data/train.csv": "emotion,pixels,Usage\n0,70 80 82,Training\n"}, finding_path="data/train.csv", line=1),)
    VALID = (Valid(files={"data/songs.csv": "track,emotion,tempo\nx,happy,120\n"}, note="no biometric input column"),)


class BiometricDataColumns(DataColumnsRule):
    """Data files with race, ethnicity, religion or political-view columns next to biometric input.

    ## What it finds
    Headers such as `file,age,gender,race` or `wav_path,political_view`.

    ## Why it matters
    Such data trains classifiers that Article 17(3)(5) prohibits.

    ## Mitigation
    Drop the attribute, or restrict it to aggregate fairness evaluation with a declared purpose.

    ## Suppression
    `per-file-ignores` for the data folder.
    """

    meta = RuleMeta(id="KZ305/data-columns", code="KZ305", kinds=_TABLE, confidence=Confidence.MEDIUM)
    INVALID = (Invalid(files={"labels.csv": "file,age,gender,race,service_test\nimg/1.jpg,20-29,Male,White,True\n"}, finding_path="labels.csv", line=1),)
    VALID = (Valid(files={"survey.csv": "respondent_id,age,religion\n1,34,none\n"}, note="survey answers, no biometric input"),)
