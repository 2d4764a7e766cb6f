"""17(1) risk class: declared at all, declared validly, consistent with what the code does, explained.

KZ101 (missing), KZ102 (invalid or conflicting), KZ103 (minimal or medium risk next to prohibited
or biometric functionality) and KZ107 (no rationale). What a declared class then requires (an
information-security statement, a reviewed risk register) is in `declarations_risk_duties`.
"""
from __future__ import annotations

from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Hit, Severity, Status
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import location, view_of
from kzai_lint.rules._declared_class import PYPROJECT, RISK_LAW, InvalidClass, MissingClass


class RiskMissing(MissingClass):
    """Risk class (17(1)) not declared in a repository that trains or runs models.

    ## What it finds
    A repository with AI capability (ML imports, model loading, a model card, weight files or ML
    dependencies) whose `[tool.kzai-lint.system]` has no `risk`, and no model card carries a
    `kzai-risk-*` tag. A library without any AI signal gets no finding.

    ## Why it matters
    Article 17(1): AI systems are classified by the owner by degree of risk (minimal, medium,
    high), which drives the documentation and the yearly risk review (Art 18).

    ## Mitigation
    Add `risk = "minimal" | "medium" | "high"` to `[tool.kzai-lint.system]` in pyproject.toml
    (or `[system]` in kzai-lint.toml), with a `risk-rationale`.

    ## Suppression
    Repository-level: `ignore = ["KZ101"]` in `[tool.kzai-lint]`, with a comment saying why.
    """

    meta = RuleMeta(id="KZ101/risk-missing", code="KZ101", kinds=frozenset())
    field = "risk"
    law = RISK_LAW
    INVALID = (
        Invalid(config='[project]\nname = "forecast"\ndependencies = ["lightgbm", "pandas"]\n', finding_path="pyproject.toml", line=None),
        Invalid(files={"train.py": "import torch.nn as nn\nmodel = nn.Linear(4, 2)\n"}, finding_path=".", line=None, note="no config file at all"),
        Invalid(files={"predict.py": "import joblib\n\nmodel = joblib.load('race_model.pkl')\nprint(model.predict([[1, 2]]))\n"}, finding_path=".", line=None,
                note="a trained model loaded with joblib, no ML import"),
        Invalid(files={"detect.py": "import cv2\n\nnet = cv2.dnn.readNetFromCaffe('deploy.prototxt', 'res10_300x300.caffemodel')\n"}, finding_path=".", line=None,
                note="a network loaded with OpenCV's dnn module"),
    )
    VALID = (
        Valid(files={"util.py": "import json\ndef load(p):\n    return json.load(open(p))\n"}, note="a library without AI capability"),
        Valid("import torch\n", config=PYPROJECT + 'risk = "medium"\n'),
    )


class RiskInvalid(InvalidClass):
    """Risk class declared with a value outside the law's classes, or declared inconsistently.

    ## What it finds
    `risk` values other than minimal, medium or high, and a system table and model-card tags
    (`kzai-risk-*`, `kzai: {risk: ...}`) that declare different classes.

    ## Why it matters
    Article 17(1) knows exactly three risk degrees; any other value, or two values, leaves the
    system unclassified and its documentation duties unknown.

    ## Mitigation
    Use one of `minimal`, `medium`, `high` and make every source say the same.

    ## Suppression
    Fix the value; a suppression (`# kzai: ignore[KZ102] reason` on the line) is for migrations.
    """

    meta = RuleMeta(id="KZ102/risk-invalid", code="KZ102", kinds=frozenset())
    field = "risk"
    law = RISK_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "extreme"\n', finding_path="pyproject.toml", line=2),
        Invalid(config=PYPROJECT + 'risk = "minimal"\n',
                files={"README.md": "---\npipeline_tag: image-classification\ntags: [vision, kzai-risk-high]\n---\n# Model\n"},
                finding_path="pyproject.toml", line=2, message="Conflicting", note="model-card tag disagrees"),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "Medium"\n', note="case is not significant"),
        Valid(config=PYPROJECT + 'risk = "high"\n', files={"README.md": "---\ntags: [kzai-risk-high]\n---\n"}),
    )


class RiskInconsistentWithCapabilities(RepoRule):
    """Declared minimal or medium risk, but the repository has prohibited or biometric functionality.

    ## What it finds
    `risk = "minimal"` with any open KZ301–KZ306 finding or any biometric processing (emotion
    recognition, face or voice attribute inference, face embeddings, face swap: capability facts
    or weight files named after such models) — an error; `risk = "medium"` with an open
    KZ301–KZ306 error — a warning. The message lists the findings.

    ## Why it matters
    Article 17(1) ties the risk class to the consequences of failure; a system that processes
    biometrics or performs functions Article 17(3) prohibits cannot have minimal consequences.

    ## Mitigation
    Remove the functionality, or raise the declared risk and add what the higher class needs
    (rationale, information-security statement, risk register).

    ## Suppression
    `ignore = ["KZ103"]` only with a documented reason; better fix the class.
    """

    meta = RuleMeta(id="KZ103/risk-vs-capabilities", code="KZ103", kinds=frozenset())
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "minimal"\n', files={"models/fer2013_mini_XCEPTION.hdf5": "weights"}, finding_path="pyproject.toml", line=2),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "medium"\n', files={"models/fer2013_mini_XCEPTION.hdf5": "weights"}, note="medium: only open errors count"),
        Valid("import sklearn\n", config=PYPROJECT + 'risk = "minimal"\n'),
    )

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        risk = view.value("risk")
        if risk not in ("minimal", "medium"):
            return
        codes = set(self.catalogue.extra.get("prohibited_codes") or ())
        open_findings = [f for f in repo.findings if f.code in codes and f.status is Status.OPEN]
        if risk == "medium":
            found = [f"{f.code} {f.path}:{f.line}" for f in open_findings if f.severity is Severity.ERROR]
            severity = Severity.WARNING
        else:
            found = [f"{f.code} {f.path}:{f.line}" for f in open_findings] + self._biometric(repo)
            severity = None
        if found:
            listed = ", ".join(sorted(set(found))[:6]) + (" …" if len(set(found)) > 6 else "")
            yield view.hit("risk", (
                f"Declared risk = \"{risk}\", but the repository has prohibited or biometric functionality ({listed}); Article 17(1) "
                f"ties the risk class to the consequences of failure. Mitigation: remove the functionality or raise the declared risk."
            ), severity=severity)

    def _biometric(self, repo: RepoIndex) -> list[str]:
        biometric = set(self.catalogue.extra.get("biometric_capabilities") or ())
        out = [f"{v[0]} {location(p, v[2] if len(v) > 2 else None)}" for p, v in repo.fact("capability") if v and v[0] in biometric]
        for weight in repo.weights:
            match = self.catalogue.classify_model(weight, loader=False)
            if match is not None and match.capability in biometric:
                out.append(f"{match.capability} weights {weight}")
        return out


class RiskRationale(RepoRule):
    """Risk class declared without the reasoning behind it.

    ## What it finds
    A declared `risk` without a non-empty `risk-rationale`.

    ## Why it matters
    Article 17(1) leaves the classification to the owner under the rules for classifying
    informatization objects; an auditor needs the reasoning, not only the result.

    ## Mitigation
    Add `risk-rationale = "..."`: what happens when the system fails, who is affected, which
    classification rules were applied.

    ## Suppression
    `ignore = ["KZ107"]` with a reason.
    """

    meta = RuleMeta(id="KZ107/risk-rationale", code="KZ107", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'risk = "minimal"\n', finding_path="pyproject.toml", line=2),)
    VALID = (Valid(config=PYPROJECT + 'risk = "minimal"\nrisk-rationale = "Suggestions only; failures leave pages unmerged."\n'),)

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        rationale = view.decl.get("risk-rationale")
        if view.value("risk") is None or (isinstance(rationale, str) and rationale.strip()):
            return
        yield view.hit("risk", (
            "Risk class declared without `risk-rationale`; Article 17(1) classification should be explained (consequences of "
            "failure, who is affected, rules applied). Mitigation: add `risk-rationale` to [tool.kzai-lint.system]."
        ))


__all__ = ["RiskInconsistentWithCapabilities", "RiskInvalid", "RiskMissing", "RiskRationale"]
