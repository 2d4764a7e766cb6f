"""17(3)(4): biometric templates (face or voice embeddings) created and stored."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Status
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._python_signals import CatalogueCallRule, import_requirement, import_words


class BiometricTemplateStore(CatalogueCallRule):
    """Face or voice embeddings computed in a module that also stores data.

    ## What it finds
    `face_recognition.face_encodings`, `DeepFace.represent`, SpeechBrain speaker `encode_batch`
    and FaceNet encoders, in a module that writes to a file, database or vector index
    (`pickle.dump`, `numpy.save`, `to_csv`, `faiss.write_index`, `insert_many` …). Computing an
    embedding for a one-off comparison without storing it is not reported.

    ## Why it matters
    Biometric data are personal data (Law No. 94-V, Art. 1); a stored template database needs
    the subjects' consent. Processing personal data in breach of that law is a prohibited
    capability under Article 17(3)(4).

    ## Mitigation
    Collect consent before enrolment and guard the enrolment call with a consent hook declared
    in `[tool.kzai-lint] consent-hooks` (the finding becomes `mitigated`), or declare the lawful
    basis in `[[tool.kzai-lint.system.lawful-basis]]`.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>`.
    """

    guard_purpose = "biometric"
    meta = RuleMeta(id="KZ304/biometric-template", code="KZ304", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            import pickle
            import face_recognition as fr
            def enrol(people):
                known = {name: fr.face_encodings(fr.load_image_file(path))[0] for name, path in people}
                with open("known_faces.pkl", "wb") as fh:
                    pickle.dump(known, fh)
            """, line=4),
        Invalid(
            """
            import numpy as np
            from deepface import DeepFace
            from app import consent
            def enrol(user_id, img):
                if consent.has_consent(user_id, "biometric"):
                    vec = DeepFace.represent(img_path=img)[0]["embedding"]
                    np.save(f"templates/{user_id}.npy", vec)
            """,
            path="app/enrol.py",
            config="""
            [tool.kzai-lint]
            consent-hooks = ["app.consent.has_consent"]
            """,
            line=6,
            status=Status.MITIGATED,
        ),
    )
    VALID = (
        Valid("""
            import face_recognition
            def same_person(a, b):
                ea, eb = face_recognition.face_encodings(a)[0], face_recognition.face_encodings(b)[0]
                return face_recognition.compare_faces([ea], eb)[0]
            """, note="a one-off comparison, nothing stored"),
        Valid("""
            import pickle
            import face_recognition
            boxes = face_recognition.face_locations(image)
            pickle.dump(boxes, open("boxes.pkl", "wb"))
            """, note="face detection only"),
    )

    def keywords(self) -> Iterable[str] | None:
        return set(import_words(self._roots()))

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """The template calls resolve only through an import of their library (`represent` or
        `encode_batch` alone are words of every other ML file)."""
        return [import_requirement(self._roots())]

    def _roots(self) -> set[str]:
        return {sig.name.split(".", 1)[0].lower() for sig in self.catalogue.calls if any(self.catalogue.capabilities[c].code == self.meta.code for c in sig.capabilities)}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        if not self._stores_data(ctx):
            return
        yield from super().check(ctx)

    def _stores_data(self, ctx: FileContext) -> bool:
        sinks = self.catalogue.extra.get("template_sinks", {})
        qualified = set(sinks.get("qualified", ()))
        methods = set(sinks.get("methods", ()))
        assert ctx.python is not None
        for site in ctx.python.facts.calls:
            if site.qualname in qualified or site.display.rsplit(".", 1)[-1] in methods:
                return True
        return False
