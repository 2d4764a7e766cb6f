"""Rule templates for a declared class (17(1) risk, 17(2) autonomy, 17(4) mode): missing or invalid.

The three classes are checked the same way, so the checks live here once and each clause's
module (`declarations_risk`, `declarations_autonomy`, `declarations_mode`) names the field, the
law and its own documentation and examples. Missing classes are only asked of repositories that
show AI capability, so a plain library stays quiet.
"""
from __future__ import annotations

from typing import ClassVar, Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Hit
from kzai_lint.rule import RepoRule
from kzai_lint.rules._declaration_view import DeclarationView, Source, norm, view_of

PYPROJECT = "[tool.kzai-lint.system]\n"
RISK_LAW = "Article 17(1) makes the owner classify the system by the consequences of its failure (minimal, medium or high risk)."
AUTONOMY_LAW = "Article 17(2) classifies systems as of low, medium or high autonomy (who makes the final decision)."
MODE_LAW = "Article 17(4) classifies systems as open, closed or local (how architecture and parameters are accessible)."


class MissingClass(RepoRule):
    """No declaration of `field` anywhere, in a repository that shows AI capability."""

    field: ClassVar[str]
    law: ClassVar[str]

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.sources(self.field):
            return
        evidence = view.ai_evidence()
        if evidence is None:
            return
        choices = " | ".join(f'"{v}"' for v in view.allowed(self.field))
        yield view.hit(None, (
            f"No `{self.field}` declared although the repository shows AI capability ({evidence}); {self.law} "
            f"Mitigation: add `{self.field} = {choices}` to [tool.kzai-lint.system] in pyproject.toml (or kzai-lint.toml)."
        ))


class InvalidClass(RepoRule):
    """A declared value outside the law's classes, or two sources that disagree (both named)."""

    field: ClassVar[str]
    law: ClassVar[str]

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        sources = view.sources(self.field)
        allowed = view.allowed(self.field)
        for src in sources:
            if norm(src.value) not in allowed:
                yield self._hit(view, src, f"{src.via} is {src.value!r}, not one of {', '.join(allowed)}; {self.law}")
        valid = [s for s in sources if norm(s.value) in allowed]
        if len({norm(s.value) for s in valid}) > 1:
            listed = "; ".join(f"{norm(s.value)!r} ({s.via}, {s.where})" for s in valid)
            yield self._hit(view, valid[0], f"Conflicting `{self.field}` declarations: {listed}; {self.law}")

    def _hit(self, view: DeclarationView, src: Source, text: str) -> Hit:
        message = f"{text} Mitigation: declare one valid `{self.field}` and keep model-card tags in step with it."
        return Hit(span=src.span, message=message, evidence=view.evidence(src.path, src.span), anchor=f"system.{self.field}", path=src.path)


__all__ = ["AUTONOMY_LAW", "InvalidClass", "MODE_LAW", "MissingClass", "PYPROJECT", "RISK_LAW"]
