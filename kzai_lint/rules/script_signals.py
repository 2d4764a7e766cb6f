"""KZ306/KZ305 signals in JavaScript and TypeScript: the browser libraries and vendor SDKs that
recognise emotions or estimate age, sex or ethnicity from a face (catalogue `script_signals`)."""
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
_KEYS = frozenset({"name", "keywords", "pattern", "requires", "unless", "capability", "verified_in"})


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
        try:
            out.append(ScriptSignal(
                str(entry["name"]),
                keywords,
                regex_cache.compile(str(entry["pattern"]), re.IGNORECASE),
                regex_cache.compile(str(entry["requires"]), re.IGNORECASE) if entry.get("requires") else None,
                regex_cache.compile(str(entry["unless"]), re.IGNORECASE) if entry.get("unless") else None,
                str(entry["capability"]),
                Prefilter(keywords),
            ))
        except re.error as exc:
            raise CatalogueError(f"{where}: bad pattern: {exc}") from exc
    return tuple(out)


class ScriptSignalRule(DocumentRule):
    """Catalogue `script_signals` whose capability has this rule's code, one finding per signal
    and file (its first use). Comments are not read and library bundles are skipped."""

    @functools.cached_property
    def _signals(self) -> list[ScriptSignal]:
        return [s for s in load_script_signals(self.catalogue) if self.catalogue.capabilities[s.capability].code == self.meta.code]

    def keywords(self) -> Iterable[str] | None:
        return {k for s in self._signals for k in s.keywords}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        script: Any = ctx.document
        if script is None or script.bundled:
            return
        code = script.code
        lowered = code.lower()
        for signal in self._signals:
            if not signal.gate.may_match_lowered(lowered):
                continue  # the prefilter's words, asked again: the same answer with or without it
            match = signal.pattern.search(code)
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
