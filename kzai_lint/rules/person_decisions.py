"""17(2) KZ205: automated decisions about natural persons with no explanation or objection path.

A person refused credit, a job, a benefit or admission, or banned from a platform, by a model's
output is entitled to learn why and to object (Art 7(2), Art 16(1)(4)-(5), Art 21(4) of the AI law,
and the personal-data law on decisions made solely by automated processing). The finding is each
person-decision call (`effect_sinks` with `decides` in runtime.yaml) that model output sets off,
while the declaration names no objection path; it is `info`, as the clause map sets, and
`mitigated` when a declared oversight hook dominates the call (a person then makes the decision).
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Status
from kzai_lint.rule import Invalid, PythonRule, RuleMeta, Valid
from kzai_lint.rules._driven_effects import DrivenEffect, driven_effects, load_effect_signals
from kzai_lint.rules._runtime_signals import matcher_keywords

SYSTEM = '[tool.kzai-lint.system]\nrisk = "high"\nautonomy = "medium"\nmode = "closed"\n'


class PersonDecisionWithoutRecourse(PythonRule):
    """Model decisions about persons (credit, hiring, benefits, admission, bans) with no objection path.

    ## What it finds
    Calls that carry out a decision about a natural person — `approve_loan`, `reject_loan`,
    `set_credit_limit`, `reject_candidate`, `deny_claim`, `deny_benefit`, `reject_applicant`,
    `reject_application`, `ban_user`, `suspend_user`, `block_account`, … (catalogue
    `effect_sinks` with `decides`) — set off by model output (a branch, loop or early exit on a
    prediction, or the prediction as an argument; an agent running the call as a tool), when
    `[tool.kzai-lint.system]` has no `objection-path`. Any declared autonomy. Not findings:
    decisions made by fixed rules (`if age < 18`), effects on content rather than people
    (taking a listing down), test files, and decisions a declared oversight hook puts before a
    person (reported as `mitigated`).

    ## Why it matters
    Article 17(2) classifies systems by who makes the final decision; for decisions about
    people, the AI law (Art 7(2), Art 16(1)(4)-(5), Art 21(4)) and the personal-data law give the
    person the right to an explanation of an automated decision and to object to it. The path
    has to exist before the first refusal, and auditors will ask where it is.

    ## Mitigation
    Declare where a person gets the reasons and objects — `objection-path = "docs/appeals.md"`
    (a document, URL or the operator's procedure) in `[tool.kzai-lint.system]` — and keep the
    reasons (features, score, model version) with each decision; or have a person make the
    decision (a review function declared in `oversight-hooks`).

    ## Suppression
    `# kzai: ignore[KZ205] <reason>` on the call, or `ignore = ["KZ205"]` with the reason when the
    objection path lives in another system.
    """

    meta = RuleMeta(id="KZ205/person-decision", code="KZ205", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            import joblib
            def decide(bank, applicant):
                model = joblib.load("models/scorecard.joblib")
                if model.predict_proba([applicant.features])[0, 1] > 0.35:
                    bank.reject_loan(applicant.id)
            """, config=SYSTEM, line=5, message="rejects a loan"),
        Invalid("""
            from openai import OpenAI
            llm = OpenAI(base_url="http://llm.internal/v1")
            def review(platform, report):
                answer = llm.chat.completions.create(model="mod", messages=[{"role": "user", "content": report.text}])
                verdict = answer.choices[0].message.content.strip().lower()
                ban = verdict.startswith("ban")
                if ban:
                    platform.ban_user(report.author_id)
            """, config=SYSTEM, line=8, note="indirect: the LLM's answer flows through two names"),
        Invalid("""
            import joblib
            from hr.review import require_recruiter
            def screen(ats, candidate):
                clf = joblib.load("models/cv.joblib")
                if clf.predict([candidate.cv_text])[0] == 0 and require_recruiter(candidate.id):
                    ats.reject_candidate(candidate.id)
            """, config='[tool.kzai-lint]\noversight-hooks = ["hr.review.require_recruiter"]\n\n' + SYSTEM, line=6,
            status=Status.MITIGATED, note="a recruiter confirms each rejection"),
    )
    VALID = (
        Valid("""
            import joblib
            def decide(bank, applicant):
                model = joblib.load("models/scorecard.joblib")
                if model.predict_proba([applicant.features])[0, 1] > 0.35:
                    bank.reject_loan(applicant.id)
            """, config=SYSTEM + 'objection-path = "https://bank.example.kz/appeal"\n', note="objection path declared"),
        Valid("""
            def admit(registry, applicant):
                if applicant.age < 16 or applicant.score < 140:
                    registry.reject_applicant(applicant.id)
            """, config=SYSTEM, note="a fixed rule, not a model, decides"),
        Valid("""
            import joblib
            def moderate(shop, listing):
                clf = joblib.load("models/prohibited.joblib")
                if clf.predict([listing.text])[0] == 1:
                    shop.unpublish(listing.id)
            """, config=SYSTEM, note="content taken down, no decision about a person"),
    )

    def __init__(self, catalogue: Catalogue, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(catalogue, options)
        self.signals = load_effect_signals(catalogue)
        self.keys = tuple(str(k) for k in catalogue.extra.get("objection_keys") or ())

    def keywords(self) -> Iterable[str] | None:
        """Only a sink that decides about a person (`decides`: `approve_loan`, `ban_user`) makes a
        finding, called directly on the model's output or as an agent's tool; an HTTP call or a
        subprocess alone never does."""
        return matcher_keywords(s.match for s in self.signals.runtime.effects if s.decides)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        system = getattr(ctx.settings, "system", None) or {}
        if any(isinstance(system.get(k), str) and system[k].strip() for k in self.keys):
            return
        for effect in driven_effects(ctx, self.signals):
            if effect.decides:
                yield ctx.python_hit(effect.site.node, self._message(effect), scope=effect.site.scope, confidence=effect.confidence)

    def _message(self, effect: DrivenEffect) -> str:
        return (
            f"`{effect.site.display}()` {effect.what}, a decision about a person ({effect.decides}), and {effect.how}; no "
            f"`{self.keys[0] if self.keys else 'objection-path'}` is declared. The person is entitled to the reasons for an "
            f"automated decision and to object (Article 17(2); Art 7(2), 16, 21(4)). Mitigation: declare where they get the "
            f"reasons and object in [tool.kzai-lint.system], or have a person make the decision (a declared oversight hook)."
        )


__all__ = ["PersonDecisionWithoutRecourse"]
