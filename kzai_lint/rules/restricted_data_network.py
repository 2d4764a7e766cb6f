"""17(4): restricted data processed by a system connected to public networks (KZ405)."""
from __future__ import annotations

from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Confidence, Hit, Status
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid

_STATEMENTS = ("informatization-compliance", "information-security-statement")


class RestrictedDataOnPublicNetwork(RepoRule):
    """A closed system that processes restricted data and imports public-network clients.

    ## What it finds
    A repository declared `mode = "closed"` that processes data whose access is restricted by
    law — declared in `restricted-data` (personal data, biometrics, IINs …) or shown by open
    KZ304 findings — while its code imports clients of public networks (`requests`, `httpx`,
    `openai`, `boto3` …), with no informatization-compliance or information-security
    statement. Reported once, at the declaration.

    ## Why it matters
    Article 17(4) reserves local systems (no connection to public telecommunication networks)
    for processing data whose access is restricted by law; personal data (IINs in particular)
    are restricted-access data and must be stored in Kazakhstan.

    ## Mitigation
    Declare `mode = "local"` and keep the system off public networks, or document how the
    informatization and localisation requirements are met in `informatization-compliance`.

    ## Suppression
    `# kzai: ignore[KZ405] <reason>` next to the declaration, or `per-file-ignores`.
    """

    meta = RuleMeta(id="KZ405/restricted-data-network", code="KZ405", kinds=frozenset(), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid(
            files={"crm/sync.py": "import requests as http\n\ndef push(rows):\n    http.post(URL, json=rows)\n"},
            config="""
            [tool.kzai-lint.system]
            risk = "high"
            autonomy = "low"
            mode = "closed"
            restricted-data = ["personal_data", "iin"]
            """,
            finding_path="pyproject.toml",
            line=None,
        ),
    )
    VALID = (
        Valid(
            files={"crm/sync.py": "import requests\n"},
            config="""
            [tool.kzai-lint.system]
            mode = "closed"
            restricted-data = ["iin"]
            informatization-compliance = "docs/informatization.md"
            """,
            note="compliance documented",
        ),
        Valid(
            files={"crm/sync.py": "import requests\n"},
            config="""
            [tool.kzai-lint.system]
            mode = "local"
            restricted-data = ["iin"]
            """,
            note="local systems are KZ402's concern",
        ),
        Valid(files={"crm/sync.py": "import requests\n"}, config='[tool.kzai-lint.system]\nmode = "closed"\n', note="no restricted data"),
    )

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        system = repo.declaration
        if str(system.get("mode", "")).strip().lower() != "closed" or any(system.get(k) for k in _STATEMENTS):
            return
        restricted = [str(x) for x in system.get("restricted-data") or () if x]
        personal = sorted({f.path for f in repo.findings if f.code == "KZ304" and f.status is Status.OPEN})
        if not (restricted or personal):
            return
        modules = set(self.catalogue.extra.get("public_network_modules", ()))
        clients = sorted({f"{value[0]} ({path})" for path, value in repo.fact("imports") if value and value[0] in modules})
        if not clients:
            return
        what = f"declared restricted data {restricted}" if restricted else f"personal data in {', '.join(personal[:3])}"
        yield Hit(
            span=None,
            path=repo.declaration_path or ".",
            message=(
                f"The system is declared closed and processes {what}, while its code uses public-network clients "
                f"{', '.join(clients[:4])}; Article 17(4) reserves local systems for restricted data. Mitigation: "
                "declare mode = \"local\" and keep it off public networks, or document informatization and localisation "
                "compliance in `informatization-compliance`."
            ),
            evidence=", ".join(clients[:4]),
            anchor="system.mode",
        )
