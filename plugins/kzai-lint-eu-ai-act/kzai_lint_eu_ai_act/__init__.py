"""kzai-lint rule pack for teams that also ship to the EU: Article 5 of the EU AI Act.

The pack (1) adds an `eu_ai_act` cross-reference to every finding (JSON field, SARIF result
property) through its `finding_extras` hook, and (2) adds rules where the EU text reaches further
than Article 17 of Kazakhstan's AI law: untargeted scraping of facial images (5(1)(e), reported
under KZ304) and individual crime-risk prediction from profiling (5(1)(d), reported under KZ303).
It is registered through the `kzai_lint.rules` entry point `eu-ai-act = "kzai_lint_eu_ai_act:PACK"`.
"""
from __future__ import annotations

from pathlib import Path

from kzai_lint import RulePack
from kzai_lint_eu_ai_act.face_scraping import UntargetedFaceScraping
from kzai_lint_eu_ai_act.mapping import finding_extras
from kzai_lint_eu_ai_act.predictive_policing import IndividualCrimeRiskPrediction

__version__ = "0.1.0"


RULES = (IndividualCrimeRiskPrediction, UntargetedFaceScraping)

PACK = RulePack(
    name="eu-ai-act",
    version=__version__,
    rules=RULES,
    catalogue=Path(__file__).with_name("catalogue.yaml"),  # parsed by kzai-lint, kept while unchanged
    finding_extras=finding_extras,
    description="EU AI Act (Regulation (EU) 2024/1689) Article 5 cross-references and rules",
)

__all__ = ["PACK", "RULES", "IndividualCrimeRiskPrediction", "UntargetedFaceScraping", "finding_extras", "__version__"]
