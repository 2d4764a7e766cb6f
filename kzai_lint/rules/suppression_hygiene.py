"""KZ001: suppression comments that do not hold up (no reason, or never used).

The findings are made by the engine (`kzai_lint.suppression_report`), not by `check`: whether a
suppression was used is only known after every other rule has run on the file, and a KZ001
finding takes the clause of the code its comment names, which a `Hit` cannot carry. This class
exists so the code has a documented, selectable rule (`--ignore KZ001`) with tested examples.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from kzai_lint.model import FileKind, Hit, Severity
from kzai_lint.rule import DocumentRule, Invalid, RuleMeta, Valid

if TYPE_CHECKING:
    from kzai_lint.context import FileContext

__all__ = ["SUPPRESSION_KINDS", "SuppressionHygiene"]

SUPPRESSION_KINDS = frozenset(
    {FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.YAML, FileKind.TOML, FileKind.MODEL_CARD, FileKind.REQUIREMENTS}
)
"""File kinds that can hold a `kzai:` comment (JSON has no comments)."""


class SuppressionHygiene(DocumentRule):
    """Suppression comments that name no codes, give no reason, or suppress nothing.

    ## What it finds
    A `# kzai: ignore[...]` (or `<!-- kzai: ignore[...] -->` in Markdown) that
    - gives no reason while `require-reason = true` (the default); the comment is then ignored
      and the finding it meant to hide stays open;
    - is **unused**: it matched no finding in its file under the rules that ran, e.g. because
      the code changed or the comment sits on the wrong line;
    - is blanket (`# kzai: ignore` without codes), names an unknown code or cannot be read.

    A KZ001 finding carries the clause of the first code the comment names (`KZ306` →
    `17(3)(6)`, a prefix such as `KZ3` → `17(3)`). Blanket comments and unknown codes name no
    clause, so they are listed under `warnings` in JSON (and on stderr in text output) instead.

    ## Why it matters
    A suppression is a reviewed decision that a practice regulated by Article 17 is acceptable
    here: "It is prohibited to create and put into operation artificial intelligence systems
    that have the following functional capabilities ..." (17(3)). Without a reason an auditor
    cannot review it, and an unused suppression is a hole waiting for the next prohibited call
    to fall into.

    ## Mitigation
    Name the codes and say why, e.g. `# kzai: ignore[KZ306] consent collected by the kiosk
    (PRIV-12)`; delete suppressions that no longer match a finding. Run with
    `--ignore-suppressions` to audit what the suppressions hide.

    ## Suppression
    KZ001 findings cannot be suppressed inline; use `ignore = ["KZ001"]` or `per-file-ignores`
    in the configuration.
    """

    meta = RuleMeta(
        id="KZ001/suppression",
        code="KZ001",
        kinds=SUPPRESSION_KINDS,
        severity=Severity.WARNING,
        tags=("suppression",),
        keywords_from_catalogue=False,
    )
    INVALID = (
        Invalid(
            code="""
            from deepface import DeepFace

            def mood(frame):
                return DeepFace.analyze(frame, actions=["emotion"])  # kzai: ignore[KZ306]
            """,
            line=4,
            message="has no reason",
        ),
        Invalid(
            files={"configs/train.yaml": """
                # kzai: ignore[KZ3]
                labels: [angry, disgust, fear, happy, sad, surprise, neutral]
                """},
            finding_path="configs/train.yaml",
            line=1,
            message="KZ3",
        ),
        Invalid(
            files={"README.md": """
                # Mood model

                <!-- kzai: ignore[KZ306] -->
                Classifies facial expressions into seven emotions.
                """},
            finding_path="README.md",
            line=3,
            message="has no reason",
        ),
    )
    VALID = (
        Valid(
            code="""
            from deepface import DeepFace

            def mood(frame):
                # kzai: ignore[KZ306] consent collected by the kiosk before capture (PRIV-12)
                return DeepFace.analyze(frame, actions=["emotion"])
            """,
            note="codes and a reason",
        ),
        Valid(
            code="""
            HELP = "write '# kzai: ignore[KZ306]' to suppress"
            """,
            note="text inside a string is not a comment",
        ),
        Valid(
            code="""
            x = 1  # kzai: ignore[KZ306]
            """,
            config="""
            [tool.kzai-lint]
            require-reason = false
            """,
            note="reasons not required by the configuration",
        ),
    )

    def keywords(self) -> Iterable[str] | None:
        return ("kzai",)

    def check(self, ctx: "FileContext") -> Iterable[Hit]:
        """Nothing here: `kzai_lint.suppression_report` reports KZ001 after the other rules."""
        return ()
