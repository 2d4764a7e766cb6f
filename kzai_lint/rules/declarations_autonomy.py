"""17(2) autonomy class: declared, valid, and backed by a law or a correction path where the class needs one.

KZ201 (missing, invalid or conflicting), KZ202 (high autonomy without a governing law) and KZ204
(medium autonomy without a human correction or cancel path). Whether the code acts on model output
without a human (KZ203) is a file rule, `autonomous_effects`.
"""
from __future__ import annotations

from typing import Iterator

from kzai_lint.context import RepoIndex
from kzai_lint.model import Hit, Severity
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import location, view_of
from kzai_lint.rules._declared_class import AUTONOMY_LAW, PYPROJECT, InvalidClass, MissingClass


class AutonomyMissing(MissingClass):
    """Autonomy class (17(2)) not declared in a repository that trains or runs models.

    ## What it finds
    A repository with AI capability whose declaration has no `autonomy` (and no
    `kzai-autonomy-*` model-card tag).

    ## Why it matters
    Article 17(2) classifies systems by autonomy: low (a human always makes the final choice),
    medium (a human can correct or cancel), high (no human control; lawful only where laws allow).

    ## Mitigation
    Add `autonomy = "low" | "medium" | "high"` to `[tool.kzai-lint.system]`.

    ## Suppression
    Repository-level: `ignore = ["KZ201"]` in `[tool.kzai-lint]`, with a comment saying why.
    """

    meta = RuleMeta(id="KZ201/autonomy-missing", code="KZ201", kinds=frozenset())
    field = "autonomy"
    law = AUTONOMY_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "minimal"\n', files={"requirements.txt": "scikit-learn==1.5.0\n"}, finding_path="pyproject.toml", line=None),
        Invalid(files={"infer.py": "from ultralytics import YOLO\nYOLO('best.pt')('frame.jpg')\n"}, finding_path=".", line=None),
    )
    VALID = (
        Valid(files={"cli.py": "import argparse\nargparse.ArgumentParser().parse_args()\n"}),
        Valid("import sklearn\n", config=PYPROJECT + 'autonomy = "low"\n'),
    )


class AutonomyInvalid(InvalidClass):
    """Autonomy class declared with an invalid value, or declared inconsistently.

    ## What it finds
    `autonomy` values other than low, medium or high, and model-card `kzai-autonomy-*` tags that
    disagree with the system table.

    ## Why it matters
    Article 17(2) defines three autonomy classes; the class decides whether human oversight is
    required (low, medium) or a governing law must allow the system (high).

    ## Mitigation
    Use one of `low`, `medium`, `high` everywhere.

    ## Suppression
    Fix the value; a suppression (`# kzai: ignore[KZ201] reason` on the line) is for migrations.
    """

    meta = RuleMeta(id="KZ201/autonomy-invalid", code="KZ201", kinds=frozenset(), severity=Severity.ERROR)
    field = "autonomy"
    law = AUTONOMY_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "minimal"\nautonomy = "full"\n', finding_path="pyproject.toml", line=3),
        Invalid(config=PYPROJECT + 'autonomy = "low"\n', files={"model_card.md": "---\nlibrary_name: transformers\ntags: [kzai-autonomy-high]\n---\n"},
                finding_path="pyproject.toml", line=2, message="Conflicting"),
    )
    VALID = (Valid(config=PYPROJECT + 'autonomy = "medium"\n'),)


class HighAutonomyWithoutLaw(RepoRule):
    """High autonomy declared without the law that allows it.

    ## What it finds
    `autonomy = "high"` without a `governing-law` reference.

    ## Why it matters
    Article 17(2), last paragraph: highly autonomous systems may be created and used only in the
    cases the laws of the Republic of Kazakhstan provide.

    ## Mitigation
    Name the law and article in `governing-law`, or lower the autonomy by adding human control.

    ## Suppression
    None advisable: declare the law.
    """

    meta = RuleMeta(id="KZ202/governing-law", code="KZ202", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'autonomy = "high"\n', finding_path="pyproject.toml", line=2),)
    VALID = (Valid(config=PYPROJECT + 'autonomy = "high"\ngoverning-law = "Law of RK No. 123-VIII, Article 4"\n'),)

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        law = view.decl.get("governing-law")
        if view.value("autonomy") == "high" and not (isinstance(law, str) and law.strip()):
            yield view.hit("autonomy", (
                "Declared autonomy = \"high\" without `governing-law`; Article 17(2) allows highly autonomous systems only where "
                "the laws provide for them. Mitigation: name the law in `governing-law` or add human control and lower the class."
            ))


class MediumAutonomyWithoutOversight(RepoRule):
    """Medium autonomy declared, but no human correction or cancel path is declared or found.

    ## What it finds
    `autonomy = "medium"` when `[tool.kzai-lint] oversight-hooks` is empty and no effect sink in
    the code (Kafka publish, HTTP write, `unpublish`, `ban_user`, `approve_loan`, …) is guarded by
    an oversight hook. The message names the unguarded effects found.

    ## Why it matters
    Article 17(2): a system of medium autonomy is one whose decisions a user can correct or
    cancel; without such a path it is highly autonomous in fact.

    ## Mitigation
    Route decisions through a review, correction or cancel function and declare it in
    `oversight-hooks`; guard the effectful calls with it.

    ## Suppression
    `ignore = ["KZ204"]` with a reason (e.g. the correction path lives in another service).
    """

    meta = RuleMeta(id="KZ204/no-correction-path", code="KZ204", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'risk = "medium"\nautonomy = "medium"\n', finding_path="pyproject.toml", line=3),)
    VALID = (Valid(config='[tool.kzai-lint]\noversight-hooks = ["moderation.review.require_human_approval"]\n\n' + PYPROJECT + 'autonomy = "medium"\n'),)

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.value("autonomy") != "medium" or getattr(repo.settings, "oversight_hooks", ()):
            return
        effects = repo.fact("effect")
        if any(len(v) > 2 and v[2] for _, v in effects):
            return
        found = sorted({f"{v[0]} at {location(p, v[1] if len(v) > 1 else None)}" for p, v in effects})
        seen = f" Unguarded effects: {'; '.join(found[:3])}{' …' if len(found) > 3 else ''}." if found else ""
        yield view.hit("autonomy", (
            "Declared autonomy = \"medium\" but no correction or cancel path is declared (`oversight-hooks`) or found; Article 17(2) "
            f"defines medium autonomy by the user's ability to correct or cancel decisions.{seen} Mitigation: guard the effects with "
            "a review/cancel function and declare it in `oversight-hooks`."
        ))


__all__ = ["AutonomyInvalid", "AutonomyMissing", "HighAutonomyWithoutLaw", "MediumAutonomyWithoutOversight"]
