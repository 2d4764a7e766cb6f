"""KZ306/KZ305 signals in JavaScript and TypeScript: the browser libraries and vendor SDKs that
recognise emotions or estimate age, sex or ethnicity from a face (catalogue `script_signals`);
and the same vendors' REST parameters in Python, where `requests` or `httpx` calls the API and no
library call shows what is asked for."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from kzai_lint import regex_cache
from kzai_lint.catalogue import Catalogue, CatalogueError
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, FileKind, Hit
from kzai_lint.prefilter import Prefilter
from kzai_lint.rule import DocumentRule, Invalid, RuleMeta, Valid
from kzai_lint.rules._messages import capability_message
from kzai_lint.rules._vocabulary import collapse
from kzai_lint.sources.config_tree import line_offsets, span_from_offsets

_SCRIPTS = frozenset({FileKind.JAVASCRIPT})
_PYTHON_SOURCE = frozenset({FileKind.PYTHON})
_KEYS = frozenset({"name", "keywords", "pattern", "requires", "unless", "capability", "languages", "verified_in"})
LANGUAGES = frozenset({"javascript", "python"})


@dataclass(frozen=True)
class ScriptSignal:
    """A capability recognised in JavaScript/TypeScript text, with the words that gate the search."""

    name: str
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    capability: str
    gate: Prefilter  # its keywords: the prefilter's words, asked again by the rule
    languages: frozenset[str] = frozenset({"javascript"})


def load_script_signals(catalogue: Catalogue) -> tuple[ScriptSignal, ...]:
    out = []
    for i, entry in enumerate(catalogue.extra.get("script_signals") or ()):
        where = f"script_signals[{i}] {entry.get('name', '')}".rstrip()
        if set(entry) - _KEYS:
            raise CatalogueError(f"{where}: unknown key(s) {sorted(set(entry) - _KEYS)}")
        keywords = tuple(str(k).lower() for k in entry.get("keywords") or ())
        if not keywords:
            raise CatalogueError(f"{where}: needs keywords (the words every match contains)")
        if entry.get("capability") not in catalogue.capabilities:
            raise CatalogueError(f"{where}: unknown capability {entry.get('capability')!r}")
        languages = frozenset(str(x) for x in entry.get("languages") or ("javascript",))
        if not languages or languages - LANGUAGES:
            raise CatalogueError(f"{where}: languages must be among {sorted(LANGUAGES)}")
        try:
            out.append(ScriptSignal(
                str(entry["name"]),
                keywords,
                regex_cache.compile(str(entry["pattern"]), re.IGNORECASE),
                regex_cache.compile(str(entry["requires"]), re.IGNORECASE) if entry.get("requires") else None,
                regex_cache.compile(str(entry["unless"]), re.IGNORECASE) if entry.get("unless") else None,
                str(entry["capability"]),
                Prefilter(keywords),
                languages,
            ))
        except re.error as exc:
            raise CatalogueError(f"{where}: bad pattern: {exc}") from exc
    return tuple(out)


class ScriptSignalRule(DocumentRule):
    """Catalogue `script_signals` whose capability has this rule's code, one finding per signal
    and file (its first use). Comments are not read and library bundles are skipped."""

    LANGUAGE = "javascript"

    @functools.cached_property
    def _signals(self) -> list[ScriptSignal]:
        return [s for s in load_script_signals(self.catalogue) if self.LANGUAGE in s.languages and self.catalogue.capabilities[s.capability].code == self.meta.code]

    def keywords(self) -> Iterable[str] | None:
        return {k for s in self._signals for k in s.keywords}

    def _code(self, ctx: FileContext) -> str | None:
        """The text the signals are searched in: a script's code without comments."""
        script: Any = ctx.document
        if script is None or script.bundled:
            return None
        return str(script.code)

    def _first_match(self, signal: ScriptSignal, code: str) -> re.Match[str] | None:
        return signal.pattern.search(code)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        code = self._code(ctx)
        if code is None:
            return
        lowered = code.lower()
        for signal in self._signals:
            if not signal.gate.may_match_lowered(lowered):
                continue  # the prefilter's words, asked again: the same answer with or without it
            match = self._first_match(signal, code)
            if match is None:
                continue
            if signal.requires is not None and not signal.requires.search(code):
                continue
            if signal.unless is not None and signal.unless.search(code):
                continue
            span = span_from_offsets(line_offsets(code), match.start(), match.end())
            what = f"{signal.name}: `{collapse(match.group(0), 80)}`"
            ctx.add_fact("capability", signal.capability, self.meta.code, span.line, "S1", "high")
            yield Hit(
                span=span,
                message=capability_message(self.catalogue, self.meta.code, what, signal.capability),
                evidence=collapse(match.group(0), 120),
                anchor=f"script.{signal.name}",
                capability=signal.capability,
                confidence=Confidence.HIGH,
            )


FACE_API_PAGE = """
const video = document.getElementById('video')
Promise.all([
  faceapi.nets.tinyFaceDetector.loadFromUri('/models'),
  faceapi.nets.faceExpressionNet.loadFromUri('/models'),
]).then(start)

video.addEventListener('play', () => {
  setInterval(async () => {
    const faces = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions()
    console.log(faces)
  }, 100)
})
"""

FACE_DETECTION_ONLY = """
// Blur every face before upload; we do not run faceExpressionNet or withFaceExpressions().
const detections = await faceapi.detectAllFaces(image, new faceapi.TinyFaceDetectorOptions())
blur(image, detections)
"""


class ScriptEmotionRecognition(ScriptSignalRule):
    """Emotion recognition through a JavaScript/TypeScript library or vendor SDK.

    ## What it finds
    In `.js`/`.ts`/`.jsx`/`.tsx`/`.mjs` source and the scripts of `.html`, `.vue` and `.svelte`
    files (comments excluded; minified files, bundles and `.d.ts` declarations skipped): face-api.js expression recognition (`faceExpressionNet`,
    `.withFaceExpressions()`), ml5.js `ml5.faceApi(...)` (expressions on unless switched off),
    Human (`new Human(config)` with its face emotion model on, as by default), clmtrackr's `emotionClassifier`, Affectiva's `detectAllEmotions()`, AWS Rekognition
    DetectFaces with `Attributes: ['ALL'|'EMOTIONS']`, Azure Face `returnFaceAttributes` with
    `emotion`, and Google Cloud Vision `faceDetection` (emotion likelihoods). One finding per
    signal and file.

    ## Why it matters
    The page or service determines the emotions of the people in front of the camera, which
    Article 17(3)(6) prohibits without their consent.

    ## Mitigation
    Ask for and record consent before the camera starts, and declare the lawful basis; or use face
    detection without the expression model.

    ## Suppression
    `// kzai: ignore[KZ306] <reason>` on the line or on the line before.
    """

    meta = RuleMeta(id="KZ306/script-api", code="KZ306", kinds=_SCRIPTS, confidence=Confidence.HIGH)
    INVALID = (
        Invalid(files={"public/script.js": FACE_API_PAGE}, finding_path="public/script.js", line=4),
        Invalid(files={"src/emotion.ts": """
            import Human from '@vladmandic/human'
            const human = new Human({ modelBasePath: '/models', face: { enabled: true } })
            export const analyse = (video: HTMLVideoElement) => human.detect(video)
            """}, finding_path="src/emotion.ts", line=2),
        Invalid(files={"index.html": """
            <!DOCTYPE html>
            <html>
            <head><script defer src="face-api.min.js"></script></head>
            <body>
              <video id="video" autoplay muted></video>
              <script>
                video.addEventListener('play', async () => {
                  const found = await faceapi.detectSingleFace(video).withFaceExpressions()
                })
              </script>
            </body>
            </html>
            """}, finding_path="index.html", line=8, note="an inline script of a page"),
        Invalid(files={"sketch/sketch.js": """
            let faceapi
            function setup () {
              const video = createCapture(VIDEO)
              faceapi = ml5.faceApi(video, modelReady)
            }
            function modelReady () { faceapi.detect(gotResults) }
            """}, finding_path="sketch/sketch.js", line=4, note="ml5.js: expressions are on by default"),
        Invalid(files={"server/faces.mjs": """
            import { RekognitionClient, DetectFacesCommand } from '@aws-sdk/client-rekognition'
            const client = new RekognitionClient({})
            export const moods = (bytes) => client.send(new DetectFacesCommand({ Image: { Bytes: bytes }, Attributes: ['ALL'] }))
            """}, finding_path="server/faces.mjs", line=3),
    )
    VALID = (
        Valid(files={"public/blur.js": FACE_DETECTION_ONLY}, note="face detection only; the expression model is named in a comment"),
        Valid(files={"sketch/blur.js": """
            const faceapi = ml5.faceApi(video, { withLandmarks: true, withExpressions: false, withDescriptors: false }, ready)
            """}, note="ml5.js with the expression model switched off"),
        Valid(files={"src/humanize.ts": """
            import Human from '@vladmandic/human'
            const human = new Human({ face: { enabled: true, emotion: { enabled: false } } })
            """}, note="Human with its emotion model switched off"),
        Valid(files={"public/face-api.js": """
            (function (global, factory) {
              typeof exports === 'object' && typeof module !== 'undefined' ? factory(exports) : factory(global.faceapi = {})
            }(this, function (exports) {
              DetectAllFacesTask.prototype.withFaceExpressions = function () { return new PredictAllFaceExpressionsTask(this) }
              exports.nets = { faceExpressionNet: new FaceExpressionNet() }
            }))
            """}, note="the library's own bundle copied into the repository defines the API; the page that calls it is what counts"),
        Valid(files={"index.html": """
            <html><body>
            <!-- v1 used faceapi.nets.faceExpressionNet.loadFromUri('/models'); removed -->
            <script>faceapi.nets.tinyFaceDetector.loadFromUri('/models')</script>
            </body></html>
            """}, note="an HTML comment"),
        Valid(files={"src/styles.ts": """
            import styled from '@emotion/styled'
            import { css } from '@emotion/react'
            export const Card = styled.div`padding: 8px;`
            """}, note="the CSS-in-JS library named emotion"),
    )


class ScriptFaceAttributes(ScriptSignalRule):
    """Age, sex or ethnicity estimated from a face by a JavaScript/TypeScript library or SDK.

    ## What it finds
    In JavaScript/TypeScript source (comments excluded; bundles skipped): face-api.js age and
    gender estimation (`ageGenderNet`, `.withAgeAndGender()`), Affectiva's
    `detectAllAppearance()` (age, gender and ethnicity) and Azure Face `returnFaceAttributes`
    with `age` or `gender`. One finding per signal and file.

    ## Why it matters
    Inferring ethnicity from a face is biometric categorisation by race, which Article 17(3)(5)
    prohibits; estimating age and sex from a face categorises people by biometric data, a
    personal-characteristics inference that the risk classification of Article 17(1) must take
    into account (warning).

    ## Mitigation
    Remove the attribute model, or declare the purpose and the lawful basis and keep the output
    away from decisions about people.

    ## Suppression
    `// kzai: ignore[KZ305] <reason>` on the line or on the line before.
    """

    meta = RuleMeta(id="KZ305/script-api", code="KZ305", kinds=_SCRIPTS, confidence=Confidence.HIGH)
    INVALID = (
        Invalid(files={"src/App.jsx": """
            import * as faceapi from 'face-api.js'
            export async function describe(img) {
              await faceapi.nets.ageGenderNet.loadFromUri('/models')
              return faceapi.detectSingleFace(img).withAgeAndGender()
            }
            """}, finding_path="src/App.jsx", line=3),
        Invalid(files={"js/detector.js": """
            var detector = new affdex.CameraDetector(root, 640, 480, affdex.FaceDetectorMode.LARGE_FACES)
            detector.detectAllAppearance()
            detector.start()
            """}, finding_path="js/detector.js", line=2),
    )
    VALID = (
        Valid(files={"src/age.ts": """
            // Ask the user's age on sign-up; no face model involved.
            export const isAdult = (age: number, gender?: string) => age >= 18
            """}),
        Valid(files={"src/App.jsx": """
            import * as faceapi from 'face-api.js'
            // faceapi.nets.ageGenderNet.loadFromUri('/models')  (removed: we only detect faces)
            export const find = (img) => faceapi.detectAllFaces(img)
            """}, note="the attribute model is commented out"),
    )


class _PythonRequestSignalRule(ScriptSignalRule):
    """The signals marked `python`, in Python source: a vendor's REST API called with an HTTP
    client, whose request parameters say what is asked for. A match on a comment line is not
    read (the request it described is not the code)."""

    LANGUAGE = "python"

    def _code(self, ctx: FileContext) -> str | None:
        return ctx.text

    def _first_match(self, signal: ScriptSignal, code: str) -> re.Match[str] | None:
        for match in signal.pattern.finditer(code):
            line_start = code.rfind("\n", 0, match.start()) + 1
            if not code[line_start : match.start()].lstrip().startswith("#"):
                return match
        return None


FACEPP_WEBCAM = """
import cv2
import requests

http_url = "https://api-us.faceplusplus.com/facepp/v3/detect"
data = {"api_key": key, "api_secret": secret, "return_attributes": "gender,age,smiling,emotion"}
cap = cv2.VideoCapture(0)
while True:
    ok, frame = cap.read()
    files = {"image_file": cv2.imencode(".jpg", frame)[1].tobytes()}
    faces = requests.post(http_url, data=data, files=files).json()["faces"]
"""


class PythonRequestEmotionRecognition(_PythonRequestSignalRule):
    """Emotion recognition through a vendor's face API called over HTTP from Python.

    ## What it finds
    In Python source, the request parameters of a face API that return emotions: Azure Face
    `returnFaceAttributes` with `emotion`, and Face++ (`faceplusplus.com/facepp/v3/detect`)
    `return_attributes` with `emotion`, sent with `requests`, `httpx`, `urllib` or any other
    client (the catalogue's `script_signals` marked `python`). Library calls of the same
    vendors (the Azure SDK, boto3's Rekognition) are the library-call rule's. One finding per
    signal and file; comment lines are not read.

    ## Why it matters
    The service determines the emotions of the people in the images sent to it, which Article
    17(3)(6) prohibits without their consent.

    ## Mitigation
    Ask for and record consent before images are sent, and declare the lawful basis; or ask the
    API for face detection only.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the line or on the line before.
    """

    meta = RuleMeta(id="KZ306/http-api", code="KZ306", kinds=_PYTHON_SOURCE, confidence=Confidence.HIGH)
    INVALID = (
        Invalid(FACEPP_WEBCAM, line=5, note="Face++ detect with the emotion attribute"),
        Invalid("""
            import requests
            face_api_url = "https://westeurope.api.cognitive.microsoft.com/face/v1.0/detect"
            params = {
                "returnFaceId": "true",
                "returnFaceAttributes": "age,gender,emotion",
            }
            response = requests.post(face_api_url, params=params, headers=headers, data=image)
            """, line=5, note="Azure Face REST"),
    )
    VALID = (
        Valid("""
            import requests
            http_url = "https://api-us.faceplusplus.com/facepp/v3/detect"
            data = {"api_key": key, "api_secret": secret, "return_landmark": 1}
            faces = requests.post(http_url, data=data, files=files).json()["faces"]
            """, note="face detection and landmarks only"),
        Valid("""
            import requests
            # v1 sent "returnFaceAttributes": "emotion"; removed, we only count faces
            params = {"returnFaceId": "false"}
            response = requests.post(face_api_url, params=params, data=image)
            """, note="the emotion attribute only in a comment"),
        Valid("""
            def describe(task):
                options = {"return_attributes": "emotion,summary"}
                return llm.run(task, **options)
            """, note="the parameter name of another API: no Face++ in the file"),
    )


class PythonRequestFaceAttributes(_PythonRequestSignalRule):
    """Age, sex or ethnicity estimated by a vendor's face API called over HTTP from Python.

    ## What it finds
    In Python source, the request parameters of a face API that return a person's ethnicity, age
    or sex: Face++ `return_attributes` with `ethnicity`, `age` or `gender`, and Azure Face
    `returnFaceAttributes` with `age` or `gender` (the catalogue's `script_signals` marked
    `python`). One finding per signal and file; comment lines are not read.

    ## Why it matters
    Inferring ethnicity from a face is biometric categorisation by race, which Article 17(3)(5)
    prohibits; estimating age and sex from a face categorises people by biometric data, a
    personal-characteristics inference that the risk classification of Article 17(1) must take
    into account (warning).

    ## Mitigation
    Remove the attributes from the request, or declare the purpose and the lawful basis and keep
    the output away from decisions about people.

    ## Suppression
    `# kzai: ignore[KZ305] <reason>` on the line or on the line before.
    """

    meta = RuleMeta(id="KZ305/http-api", code="KZ305", kinds=_PYTHON_SOURCE, confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            import requests
            FACEPP = "https://api-us.faceplusplus.com/facepp/v3/detect"
            def ethnicity(image_path):
                payload = {"api_key": KEY, "api_secret": SECRET, "return_attributes": "ethnicity"}
                return requests.post(FACEPP, data=payload, files={"image_file": open(image_path, "rb")}).json()
            """, line=4, note="Face++ ethnicity"),
    )
    VALID = (
        Valid("""
            import requests
            FACEPP = "https://api-us.faceplusplus.com/facepp/v3/compare"
            result = requests.post(FACEPP, data={"api_key": KEY, "api_secret": SECRET, "face_token1": a, "face_token2": b})
            """, note="face comparison, no attributes asked for"),
    )
