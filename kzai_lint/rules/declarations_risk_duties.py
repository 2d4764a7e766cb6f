"""What a declared 17(1) risk class requires: KZ105 (security statement) and KZ106 (risk register).

A high-risk system that is critical ICT infrastructure or feeds state information resources must
meet state information-security requirements (17(1), last paragraph), and every class needs its
risks reviewed at least once a year (Article 18(1)(4)). Both are answered in the declaration.
"""
from __future__ import annotations

from datetime import date
from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Hit, Severity
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import DeclarationView, as_date, view_of
from kzai_lint.rules._declared_class import PYPROJECT


class HighRiskSecurityStatement(RepoRule):
    """High risk declared without the information-security / critical-infrastructure answers.

    ## What it finds
    `risk = "high"` when neither `critical-ict-infrastructure` nor `state-information-resources`
    is answered and no `information-security-statement` is given, or when either is `true` and
    no statement is given.

    ## Why it matters
    Article 17(1), last paragraph: a high-risk system that is critical ICT infrastructure or feeds
    state information resources must meet state information-security requirements.

    ## Mitigation
    Answer both questions (`critical-ict-infrastructure = false`, `state-information-resources =
    false`) or point `information-security-statement` at the document.

    ## Suppression
    `ignore = ["KZ105"]` with a reason.
    """

    meta = RuleMeta(id="KZ105/infosec-statement", code="KZ105", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'risk = "high"\n', finding_path="pyproject.toml", line=2),
               Invalid(config=PYPROJECT + 'risk = "high"\ncritical-ict-infrastructure = true\n', finding_path="pyproject.toml", line=2))
    VALID = (
        Valid(config=PYPROJECT + 'risk = "high"\ncritical-ict-infrastructure = false\nstate-information-resources = false\n'),
        Valid(config=PYPROJECT + 'risk = "high"\ncritical-ict-infrastructure = true\ninformation-security-statement = "docs/infosec.md"\n'),
    )

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.value("risk") != "high" or view.decl.get("information-security-statement"):
            return
        answers = [view.decl.get(k) for k in ("critical-ict-infrastructure", "state-information-resources")]
        if all(a is None for a in answers):
            why = "neither `critical-ict-infrastructure` nor `state-information-resources` is answered"
        elif any(a is True for a in answers):
            why = "the system is declared critical ICT infrastructure or a state information resource"
        else:
            return
        yield view.hit("risk", (
            f"Declared risk = \"high\" but {why} and no `information-security-statement` is given; Article 17(1) applies state "
            f"information-security requirements to such systems. Mitigation: answer both keys or add the statement."
        ))


class RiskRegister(RepoRule):
    """Risk-management record missing, or its last review older than 12 months.

    ## What it finds
    A declared risk class without `risk-register` (or naming a file that does not exist), without
    `risk-reviewed`, or with a `risk-reviewed` date (TOML date or ISO string) more than 365 days
    before the scan date. Warning for medium and high risk, information for minimal. The rule
    option `scan-date`, else `SOURCE_DATE_EPOCH`, fixes the date for reproducible runs. A relative `risk-register` path is
    read from the folder of the file that declares it, wherever the scan starts.

    ## Why it matters
    Article 18(1)(4) requires the owner to manage risks and review them "not less than once a
    year"; the class declared under Article 17(1) says how much is at stake.

    ## Mitigation
    Keep a risk register in the repository, point `risk-register` at it and update
    `risk-reviewed` at each review.

    ## Suppression
    `ignore = ["KZ106"]` with a reason (e.g. the register lives in another system).
    """

    meta = RuleMeta(id="KZ106/risk-register", code="KZ106", kinds=frozenset())
    _OPTIONS = '\n[tool.kzai-lint.rule-options."KZ106/risk-register"]\nscan-date = 2026-11-27\n'
    _REGISTER = {"docs/risk-register.md": "# Risk register\n"}
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "medium"\nrisk-register = "docs/risk-register.md"\nrisk-reviewed = 2024-05-01\n' + _OPTIONS,
                files=_REGISTER, finding_path="pyproject.toml", line=4),
        Invalid(config=PYPROJECT + 'risk = "high"\n', finding_path="pyproject.toml", line=None, message="`risk-register`"),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "medium"\nrisk-register = "docs/risk-register.md"\nrisk-reviewed = "2026-03-01"\n' + _OPTIONS, files=_REGISTER),
    )

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        risk = view.value("risk")
        if risk is None:
            return
        key, why = self._problem(view)
        if why is None:
            return
        yield view.hit(key, (
            f"{why}; Article 18(1)(4) requires risks of the declared {risk}-risk system to be reviewed at least once a year. "
            f"Mitigation: keep a risk register, point `risk-register` at it and set `risk-reviewed` to the last review date."
        ), severity=Severity.INFO if risk == "minimal" else None)

    def _problem(self, view: DeclarationView) -> tuple[str | None, str | None]:
        register, reviewed = view.decl.get("risk-register"), view.decl.get("risk-reviewed")
        if not register:
            return None, "No `risk-register` declared"
        if isinstance(register, str) and "://" not in register and not (view.base / register).exists():
            return "risk-register", f"Risk register {register!r} does not exist"
        if reviewed is None:
            return None, "No `risk-reviewed` date declared"
        when = as_date(reviewed)
        if when is None:
            return "risk-reviewed", f"`risk-reviewed` = {reviewed!r} is not a date"
        today = as_date(self.options.get("scan-date")) or _epoch_date() or date.today()
        max_age = int(self.catalogue.extra.get("review_max_age_days", 365))
        if (today - when).days > max_age:
            return "risk-reviewed", f"Risks last reviewed {when.isoformat()}, {(today - when).days} days before the scan"
        return None, None


def _epoch_date() -> date | None:
    """The UTC date of `SOURCE_DATE_EPOCH` (the reproducible-builds convention the report
    command also follows), so that a rebuilt report or a test suite gives the same answer next
    year; None when unset or not a number of seconds."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch else None
    except (ValueError, OverflowError, OSError):
        return None


__all__ = ["HighRiskSecurityStatement", "RiskRegister"]
