"""EU AI Act 5(1)(d): predicting an individual's risk of offending from profiling."""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from kzai_lint import PYTHON_KINDS, Confidence, FileContext, Hit, Invalid, PythonRule, RuleMeta, Status, Valid
from kzai_lint_eu_ai_act._common import clause_phrase, normalise, pack_data

_MAX_LABEL_WORDS = 6  # longer strings are prose (docstrings, messages), not column or label names


class IndividualCrimeRiskPrediction(PythonRule):
    """A model trained to predict a person's crime, recidivism or re-arrest risk from who they are.

    ## What it finds
    A module that trains a model (`fit`, `train`, `cross_val_score`, ... with scikit-learn,
    XGBoost, LightGBM, PyTorch, Keras and similar imported) whose target or label names a person's
    risk of offending (`two_year_recid`, `is_recid`, `reoffended`, `rearrest`, `crime_risk`,
    `likely_to_offend`, ...) while its inputs name at least two personal characteristics (age,
    sex, race, nationality, marital or employment status, neighbourhood, personality, prior
    counts, ...). The finding points at the target name. Forecasts for places or time periods
    (crime counts per district) are not about a person and are not reported, nor is "arrest" in
    a medical module (cardiac arrest, re-arrest after resuscitation).

    ## Why it matters
    Article 5(1)(d) of the EU AI Act (Regulation (EU) 2024/1689) prohibits AI systems "for making
    risk assessments of natural persons in order to assess or predict the risk of a natural person
    committing a criminal offence, based solely on the profiling of a natural person or on
    assessing their personality traits and characteristics". Kazakhstan's Article 17 has no
    separate prohibition; the nearest clause is 17(3)(3), which prohibits "assessment and
    classification of individuals or groups of individuals over a certain period of time based on
    their social behavior or known, assumed or predicted personal characteristics, except in cases
    provided for by the laws of the Republic of Kazakhstan". The finding is reported under KZ303.

    ## Mitigation
    Do not predict individuals' criminality from their characteristics. The EU text exempts
    systems that support a human assessment already based on objective and verifiable facts
    directly linked to a criminal activity; keep such a system's inputs to those facts. If a law
    of Kazakhstan provides for the assessment, declare it in
    `[[tool.kzai-lint.system.lawful-basis]]` with `clause = "17(3)(3)"`, the law and a `scope`;
    findings in scope become `mitigated` (the EU prohibition is not lifted by that).

    ## Suppression
    `# kzai: ignore[KZ303] <reason>` on the target line.
    """

    meta = RuleMeta(id="KZ303/eu-predictive-policing", code="KZ303", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM, tags=("eu-ai-act", "5(1)(d)"), since="0.1.0")
    INVALID = (
        Invalid("""
            import pandas as pd
            from sklearn.linear_model import LogisticRegression

            df = pd.read_csv("compas-scores-two-years.csv")
            X = pd.get_dummies(df[["age", "sex", "race", "priors_count", "juv_fel_count"]])
            y = df["two_year_recid"]
            LogisticRegression(max_iter=1000).fit(X, y)
            """, line=6),
        Invalid("""
            from xgboost import XGBClassifier as Booster
            from .columns import load

            TARGET = "Reoffended"
            PROFILE = ["gender", "employment_status", "neighbourhood", "marital_status"]

            def train(frame):
                model = Booster(n_estimators=200)
                model.fit(frame[PROFILE], frame[TARGET])
                return model
            """, line=4, note="alias, target through a constant, label in mixed case"),
        Invalid(
            """
            import torch
            LABEL = "crime_risk"
            FEATURES = ("age", "nationality", "personality")
            def step(model, batch, optimiser):
                loss = model.train_on_batch(batch[FEATURES], batch[LABEL])
            """,
            path="probation/risk.py",
            config="""
            [tool.kzai-lint.system]
            [[tool.kzai-lint.system.lawful-basis]]
            clause = "17(3)(3)"
            law = "Law on probation, article 12 (example)"
            scope = "probation/**"
            """,
            line=2,
            status=Status.MITIGATED,
            note="a declared lawful basis for 17(3)(3) in scope",
        ),
    )
    VALID = (
        Valid("""
            from sklearn.ensemble import GradientBoostingRegressor
            FEATURES = ["district", "week", "month", "holiday", "temperature"]
            model = GradientBoostingRegressor().fit(frame[FEATURES], frame["burglary_count"])
            """, note="place-based forecast of crime counts, not a person's risk"),
        Valid("""
            import pandas as pd
            df = pd.read_csv("compas-scores-two-years.csv")
            print(df.groupby(["race", "sex"])["two_year_recid"].mean())
            """, note="describing an existing score's outcomes, no model trained"),
        Valid("""
            from sklearn.linear_model import LogisticRegression
            X = applicants[["age", "income", "employment_status"]]
            LogisticRegression().fit(X, applicants["defaulted"])
            """, note="credit default, not crime risk (KZ303 built-in rules judge scoring)"),
        Valid("""
            from sklearn.linear_model import LogisticRegression
            TARGET = "rearrest_within_24h"
            X = icu_patients[["age", "sex", "initial_rhythm", "time_to_rosc"]]
            LogisticRegression().fit(X, icu_patients[TARGET])
            """, note="cardiac re-arrest after resuscitation is medicine, not crime"),
    )

    def keywords(self) -> Iterable[str] | None:
        return {"recid", "reoffen", "re_offen", "rearrest", "re_arrest", "crime", "criminal", "criminality", "offend", "offender", "offending", "arrest", "*recid", "*offend", "*crime", "*criminal", "*arrest"}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        data = pack_data(ctx)
        facts = ctx.python.facts
        if not self._trains_model(facts, data):
            return
        targets = [re.compile(p) for p in data["crime_risk_targets"]]
        people = {normalise(p) for p in data["person_features"]}
        features = sorted({normalise(s.value) for s in facts.strings} & people)
        if len(features) < 2:
            return
        medical = re.compile(data["arrest_medical_context"], re.IGNORECASE).search(ctx.text) is not None
        for literal in facts.strings:
            label = normalise(literal.value)
            if not label or label.count("_") >= _MAX_LABEL_WORDS or not any(rx.search(label) for rx in targets):
                continue
            if medical and "arrest" in label:
                continue  # cardiac arrest, re-arrest after resuscitation
            message = (
                f"Model trained on the target {literal.value!r} (a person's risk of offending) from personal characteristics "
                f"({', '.join(features[:6])}): individual crime-risk prediction from profiling (EU AI Act Article 5(1)(d)); "
                f"nearest Kazakh clause {clause_phrase(ctx, self.meta.code)}, classification on predicted personal characteristics. Mitigation: do not predict criminality from who a person is; "
                f"keep inputs to objective, verifiable facts of a criminal activity assessed by a human, or declare the law."
            )
            yield ctx.python_hit(literal.node, message, scope=literal.scope, capability="eu_crime_risk_prediction")
            return

    @staticmethod
    def _trains_model(facts: Any, data: Any) -> bool:
        ml = set(data["ml_modules"])
        if not any(m.split(".", 1)[0] in ml for m in facts.imported_modules):
            return False
        calls = set(data["training_calls"])
        return any((site.qualname or site.display).rsplit(".", 1)[-1] in calls for site in facts.calls)
