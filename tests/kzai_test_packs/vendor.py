"""A complete small pack: a new code with its clause (catalogue extension), a rule with examples,
a `finding_extras` hook, and a reporter plugin."""
from __future__ import annotations

from typing import IO, Any, Iterable, Iterator

from kzai_lint import PYTHON_KINDS, Confidence, FileContext, Finding, Hit, Invalid, PythonRule, RuleMeta, RulePack, Valid

CATALOGUE = {
    "x-sections": ["acme"],
    "codes": {
        "KZ399": {"clause": "17(3)(4)", "title": "Forbidden vendor SDK receives personal data", "severity": "warning", "hooks": ["consent"], "advice": "use the approved vendor"},
    },
    "acme": {"forbidden_vendors": ["shadyvendor"]},
}


class ForbiddenVendorCall(PythonRule):
    """Calls into a vendor SDK our organisation forbids.

    ## What it finds
    Any call into a module listed in the catalogue's `acme.forbidden_vendors`.

    ## Why it matters
    Article 17(3)(4): "collection and processing of personal data in violation of the
    legislation of the Republic of Kazakhstan on personal data and their protection".

    ## Mitigation
    Use the approved vendor.

    ## Suppression
    `# kzai: ignore[KZ399] <reason>`.
    """

    meta = RuleMeta(id="KZ399/forbidden-vendor", code="KZ399", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("import shadyvendor\nshadyvendor.upload(profile)\n", line=2),
        Invalid("from shadyvendor import upload as send\nsend(profile)\n", line=2),
    )
    VALID = (Valid("import goodvendor\ngoodvendor.upload(profile)\n"),)

    def keywords(self) -> Iterable[str] | None:
        return set(self.catalogue.extra["acme"]["forbidden_vendors"])

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        vendors = self.catalogue.extra["acme"]["forbidden_vendors"]
        for site in ctx.python.facts.calls:
            root = (site.qualname or "").split(".", 1)[0]
            if root in vendors:
                yield ctx.python_hit(site.node, f"{site.display}() sends data to the forbidden vendor {root}", scope=site.scope)


def extras(finding: Finding) -> dict[str, Any]:
    # `code` is a contract field: the registry must drop it rather than let a plugin override it.
    return {"acme_ticket": f"ACME-{finding.code}", "code": "HIJACKED"}


PACK = RulePack(name="acme", version="1.2.0", rules=(ForbiddenVendorCall,), catalogue=CATALOGUE, finding_extras=extras)


class CountReporter:
    """A reporter plugin: one line with the number of findings."""

    name = "count"

    def render(self, result: Any, out: IO[str]) -> None:
        out.write(f"{len(result.findings)} finding(s)\n")
