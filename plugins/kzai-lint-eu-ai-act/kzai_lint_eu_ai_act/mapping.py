"""Cross-references from Article 17(3) of the Kazakh AI law to Article 5 of the EU AI Act.

The correspondence and the differences follow the clause map's section 10. They are added to
every finding as the `eu_ai_act` field (JSON) and SARIF result property by the pack's
`finding_extras` hook, so a team that also ships to the EU sees both laws in one report. Where
Article 5 has no counterpart the field still says so (`article` is null), so a missing
cross-reference is never mistaken for a missing mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kzai_lint import Finding

REGULATION = "Regulation (EU) 2024/1689 (AI Act)"


@dataclass(frozen=True, slots=True)
class EuReference:
    article: str | None
    practice: str
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"regulation": REGULATION, "article": self.article, "practice": self.practice, "note": self.note}


BY_CODE: dict[str, EuReference] = {
    "KZ301": EuReference(
        "5(1)(a)",
        "subliminal, purposefully manipulative or deceptive techniques",
        "EU ban needs a material distortion of behaviour causing (or likely to cause) significant harm; "
        "Kazakh 17(3)(1) has no significance threshold: a threat of harm suffices",
    ),
    "KZ302": EuReference(
        "5(1)(b)",
        "exploiting vulnerabilities due to age, disability or a specific social or economic situation",
        "EU ban needs significant harm; Kazakh 17(3)(2) adds moral or physical vulnerability and "
        "'any other circumstance' but requires an aim to cause harm",
    ),
    "KZ303": EuReference(
        "5(1)(c)",
        "social scoring",
        "EU ban needs detrimental treatment in unrelated contexts or unjustified/disproportionate "
        "treatment; Kazakh 17(3)(3) has no such condition, and only a law can make an exception",
    ),
    "KZ304": EuReference(
        None,
        "no Article 5 counterpart",
        "unlawful personal-data processing is a Kazakh 17(3) prohibition only (in the EU: the GDPR); "
        "untargeted scraping of facial images is reported separately as 5(1)(e) by KZ304/eu-face-scraping",
    ),
    "KZ305": EuReference(
        "5(1)(g)",
        "biometric categorisation to deduce race, political opinions, trade-union membership, "
        "religious or philosophical beliefs, sex life or sexual orientation",
        "EU list of traits is closed and lawful labelling or filtering of lawfully acquired biometric "
        "datasets is excepted; Kazakh 17(3)(5) is open ('any other criteria') but requires a "
        "discriminatory purpose",
    ),
    "KZ306": EuReference(
        "5(1)(f)",
        "inferring emotions of a natural person in the workplace and education institutions",
        "EU ban limited to workplace/education; medical/safety exception; Kazakh 17(3)(6) applies "
        "in any context, with only consent or a statute as exceptions",
    ),
    "KZ307": EuReference(
        None,
        "no Article 5 counterpart",
        "prohibited results are a Kazakh-only 17(3) item; in the EU, marking synthetic content is a "
        "transparency obligation (Article 50), not an Article 5 prohibition",
    ),
}

BY_RULE: dict[str, EuReference] = {
    "KZ304/eu-face-scraping": EuReference(
        "5(1)(e)",
        "untargeted scraping of facial images from the internet or CCTV footage to create or expand "
        "facial-recognition databases",
        "a separate EU prohibition without exceptions; Kazakh law reaches it only as personal-data "
        "processing without consent, 17(3)(4)",
    ),
    "KZ303/eu-predictive-policing": EuReference(
        "5(1)(d)",
        "assessing the risk of a natural person committing a criminal offence based solely on "
        "profiling or personality traits",
        "EU exception: supporting a human assessment already based on objective, verifiable facts "
        "directly linked to a criminal activity; no separate Kazakh prohibition, nearest is 17(3)(3) "
        "(classification on predicted personal characteristics)",
    ),
}

OUTSIDE_17_3 = EuReference(
    None,
    "no Article 5 counterpart",
    "this Article 17 clause (risk class, autonomy or mode of use) is not a prohibited practice; "
    "compare the EU AI Act's risk-based obligations (Articles 6 ff.), not Article 5",
)


def reference(finding: Finding) -> EuReference | None:
    """The EU Article 5 reference for a finding; None when the finding has no clause."""
    if finding.rule in BY_RULE:
        return BY_RULE[finding.rule]
    if finding.code in BY_CODE:
        return BY_CODE[finding.code]
    if not finding.clause:
        return None
    return OUTSIDE_17_3


def finding_extras(finding: Finding) -> dict[str, Any]:
    """The pack's `finding_extras` hook: `{"eu_ai_act": {...}}` for each finding."""
    ref = reference(finding)
    return {} if ref is None else {"eu_ai_act": ref.to_json()}
