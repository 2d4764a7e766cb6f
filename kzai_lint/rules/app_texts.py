"""KZ305/KZ306/KZ307 in the texts an app shows about itself (titles, descriptions, help)."""
from __future__ import annotations

from kzai_lint.model import PYTHON_KINDS, Confidence
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._app_text import AppTextRule


class EmotionAppText(AppTextRule):
    """An app or command whose title or description says it recognises emotions.

    ## What it finds
    Literal titles and descriptions of Streamlit pages (`st.title`, `st.set_page_config`),
    Gradio interfaces, FastAPI services, Tk and OpenCV windows, `argparse` commands and `setup()`, read
    with the model-card prose phrases: "Facial Emotion Recognition", "EEG Emotional State
    Classifier", "detects the user's emotions". Music, game and speech-synthesis apps, and
    negated sentences, are not findings.

    ## Why it matters
    The app states its purpose to its users: emotion recognition, which Article 17(3)(6)
    prohibits without the person's consent. Often the only statement of it in a repository
    without a README. Information, like model-card prose: the code that does it is found by the
    other KZ306 rules.

    ## Mitigation
    Ask for and record consent before any analysis; declare the consent hook.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>`.
    """

    meta = RuleMeta(id="KZ306/app-text", code="KZ306", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.LOW)
    INVALID = (
        Invalid("""
            from fastapi import FastAPI
            app = FastAPI(title="EEG Emotional State Classifier", version="0.1.0")
            """, line=2),
        Invalid("""
            import streamlit as st
            st.set_page_config(page_title="Emotion Detector", layout="wide")
            st.title("Real-time Facial Emotion Recognition")
            """, line=3),
        Invalid("""
            import argparse
            parser = argparse.ArgumentParser(description="Detects the emotions of people in a video stream.")
            """, line=2),
    )
    VALID = (
        Valid("""
            import streamlit as st
            st.title("Song Emotion Classifier")
            st.caption("Upload a Spotify playlist: every song gets a mood.")
            """, note="emotions of music"),
        Valid("""
            import gradio as gr
            demo = gr.Interface(fn=classify, inputs="text", outputs="label", title="Tweet sentiment analysis")
            """, note="sentiment of texts"),
        Valid("""
            from fastapi import FastAPI
            app = FastAPI(description="This service does not perform emotion recognition.")
            """, note="negated"),
        Valid("""
            TITLE = "Facial Emotion Recognition"
            print(TITLE)
            """, note="a string that no app shows as its own description"),
        Valid("""
            import cv2
            cv2.namedWindow("Face Detection")
            cv2.imshow("Face Detection", frame)
            """, note="a face detector's window"),
    )


class BiometricAppText(AppTextRule):
    """An app or command whose title or description says it infers race, ethnicity or similar.

    ## What it finds
    App titles and descriptions (see `KZ306/app-text`) such as "Ethnicity recognition from a
    photo" or "predicts a person's race". Horse and F1 races, race conditions and sentiment are
    not findings.

    ## Why it matters
    Categorising people by race, religion or political views from biometric data is prohibited
    by Article 17(3)(5).

    ## Mitigation
    Remove the categorisation; aggregate fairness audits can declare their purpose.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>`.
    """

    meta = RuleMeta(id="KZ305/app-text", code="KZ305", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.LOW)
    INVALID = (
        Invalid("""
            import gradio as gr
            demo = gr.Interface(fn=predict, inputs=gr.Image(), outputs="label", title="Ethnicity recognition", description="Upload a face photo.")
            """, line=2),
    )
    VALID = (
        Valid("""
            import streamlit as st
            st.title("F1 race prediction")
            st.markdown("Predicts the race winner from qualifying times.")
            """, note="a motor race"),
        Valid("""
            import argparse
            parser = argparse.ArgumentParser(description="Detect race conditions in a thread trace.")
            """, note="a race condition"),
    )


class SyntheticMediaAppText(AppTextRule):
    """An app or command whose title or description says it swaps faces, clones voices or
    animates faces.

    ## What it finds
    App titles and descriptions (see `KZ306/app-text`) such as "Face swap", "Clone any voice",
    "Lip-sync a portrait to audio". Texts of deepfake detectors are not findings.

    ## Why it matters
    Synthetic results of real people need machine-readable marking and a visible notice
    (Article 21(2)); unmarked ones fall under Article 17(3)(7).

    ## Mitigation
    Mark every output and declare `[tool.kzai-lint.system.synthetic-output]`.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/app-text", code="KZ307", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.LOW)
    INVALID = (
        Invalid("""
            import tkinter as tk
            root = tk.Tk()
            root.title("FaceSwap Studio")
            """, line=3),
        Invalid("""
            import streamlit as st
            st.header("Clone any voice from a ten-second sample")
            """, line=2),
        Invalid("""
            import cv2
            swapped = swap(cv2.imread("a.jpg"), cv2.imread("b.jpg"))
            cv2.imshow("Face Swap 1: ", swapped)
            """, line=3, note="an OpenCV window's title"),
    )
    VALID = (
        Valid("""
            import streamlit as st
            st.title("Deepfake detection")
            st.markdown("Upload a video: the model tells whether faces were swapped.")
            """, note="a detector of fakes"),
        Valid("""
            import argparse
            parser = argparse.ArgumentParser(description="Swap two columns of a CSV file.")
            """),
    )
