"""KZ306/KZ307: a dependency on a capability library that no scanned code imports (information).

Repository-level rules run on every scan, also a cached one or a pre-commit run whose files the
prefilter rejects; so this module imports no analysis (the file rules of `artefacts` do).
"""
from __future__ import annotations

from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Confidence, Hit, Severity, Span
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._messages import capability_message


class DependencyRule(RepoRule):
    """A declared dependency on a capability library that no scanned code imports (S3, info)."""

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        deps = self.catalogue.extra.get("dependencies", {})
        imported: set[str] | None = None  # the modules scanned code imports: asked only when needed
        reported: set[str] = set()
        for path, (name, line, cell) in repo.fact("dependency"):
            entry = deps.get(name)
            if entry is None or name in reported:
                continue
            capability = entry["capability"]
            if self.catalogue.capabilities[capability].code != self.meta.code:
                continue
            if imported is None:
                imported = {v[0] for _, v in repo.fact("imports")}
            if imported & set(entry.get("modules", ())):
                continue  # the code's own use of the library decides (e.g. extract_faces only)
            reported.add(name)
            yield Hit(
                span=Span(line, 1, line, 1, cell=cell) if line else None,
                message=capability_message(self.catalogue, self.meta.code, f"Dependency {name!r}, not imported by any scanned code", capability) + " (dependency only: information)",
                evidence=name,
                anchor=f"dependency.{name}",
                capability=capability,
                confidence=Confidence.LOW,
                severity=Severity.INFO,
                path=path,
            )


class EmotionDependency(DependencyRule):
    """A dependency on an emotion-recognition library that no scanned code uses (information).

    ## What it finds
    `deepface`, `fer`, `hsemotion`, `py-feat` in requirements files, `pyproject.toml` or a
    notebook's `!pip install` when no scanned module imports the library. When code imports it,
    only the calls it makes decide (deepface's `extract_faces` for cropping is not a finding).

    ## Why it matters
    The dependency alone is a weak sign (S3) of the capability Article 17(3)(6) prohibits
    without consent; it is reported as `info` with low confidence.

    ## Mitigation
    Remove an unused dependency, or make sure the code that uses it asks for consent.

    ## Suppression
    `# kzai: ignore[KZ306] <reason>` on the requirement line.
    """

    meta = RuleMeta(id="KZ306/dependency", code="KZ306", kinds=frozenset(), confidence=Confidence.LOW)
    INVALID = (Invalid(files={"requirements.txt": "numpy\nfer==22.5.1\n", "app.py": "import numpy\n"}, finding_path="requirements.txt", line=2),)
    VALID = (Valid(files={"requirements.txt": "deepface\n", "crop.py": "from deepface import DeepFace\nDeepFace.extract_faces(img_path='a.jpg')\n"}),)


class SyntheticMediaDependency(DependencyRule):
    """A dependency on a face-swap tool that no scanned code uses (information).

    ## What it finds
    `facefusion` or `roop` declared as dependencies without scanned code importing them.

    ## Why it matters
    A weak sign (S3) of synthetic results of real people (Article 17(3)(7)).

    ## Mitigation
    Remove the dependency or label every output.

    ## Suppression
    `# kzai: ignore[KZ307] <reason>`.
    """

    meta = RuleMeta(id="KZ307/dependency", code="KZ307", kinds=frozenset(), confidence=Confidence.LOW)
    INVALID = (Invalid(files={"requirements.txt": "roop\n"}, finding_path="requirements.txt", line=1),)
    VALID = (Valid(files={"requirements.txt": "opencv-python\n"}),)
