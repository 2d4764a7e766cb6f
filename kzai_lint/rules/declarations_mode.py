"""17(4) mode: declared, valid, and consistent with what is published and what data is processed.

KZ401 (missing, invalid or conflicting), KZ403 (closed but an open licence on the model card),
KZ404 (open with restricted data and no informatization-compliance statement) and KZ406 (open but
nothing published). Public-network use of a `local` system (KZ402) is a file rule, `runtime_facts`.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from kzai_lint.catalogue import Catalogue
from kzai_lint.context import RepoIndex
from kzai_lint.model import Confidence, Hit, Severity, Status
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import view_of
from kzai_lint.rules._declared_class import MODE_LAW, PYPROJECT, InvalidClass, MissingClass


class ModeMissing(MissingClass):
    """Mode (17(4): open, closed or local) not declared in a repository that trains or runs models.

    ## What it finds
    A repository with AI capability whose declaration has no `mode` (and no `kzai-mode-*` tag).

    ## Why it matters
    Article 17(4) classifies systems as open, closed or local; a local system must run without
    public networks and is the one to use for restricted data.

    ## Mitigation
    Add `mode = "open" | "closed" | "local"` to `[tool.kzai-lint.system]`.

    ## Suppression
    Repository-level: `ignore = ["KZ401"]` in `[tool.kzai-lint]`, with a comment saying why.
    """

    meta = RuleMeta(id="KZ401/mode-missing", code="KZ401", kinds=frozenset())
    field = "mode"
    law = MODE_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "minimal"\nautonomy = "low"\n', files={"models/clf.onnx": "weights"}, finding_path="pyproject.toml", line=None, note="weights"),
        Invalid(files={"serve.py": "from transformers import pipeline\nclf = pipeline('text-classification')\n"}, finding_path=".", line=None),
    )
    VALID = (
        Valid(files={"app.py": "from flask import Flask\napp = Flask(__name__)\n"}),
        Valid("import keras\n", config=PYPROJECT + 'mode = "closed"\n'),
    )


class ModeInvalid(InvalidClass):
    """Mode declared with an invalid value, or declared inconsistently.

    ## What it finds
    `mode` values other than open, closed or local, and `kzai-mode-*` model-card tags that
    disagree with the system table.

    ## Why it matters
    Article 17(4) defines three modes; the mode decides whether public networks (local) or
    restricted data (open) are allowed.

    ## Mitigation
    Use one of `open`, `closed`, `local` everywhere.

    ## Suppression
    Fix the value; a suppression (`# kzai: ignore[KZ401] reason` on the line) is for migrations.
    """

    meta = RuleMeta(id="KZ401/mode-invalid", code="KZ401", kinds=frozenset(), severity=Severity.ERROR)
    field = "mode"
    law = MODE_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'mode = "on-prem"\n', finding_path="pyproject.toml", line=2),
        Invalid(config=PYPROJECT + 'mode = "closed"\n', files={"README.md": "---\npipeline_tag: fill-mask\ntags: [kzai-mode-open]\n---\n"},
                finding_path="pyproject.toml", line=2, message="Conflicting"),
    )
    VALID = (Valid(config=PYPROJECT + 'mode = "local"\n'),)


def _open_licence(catalogue: Catalogue, value: Any) -> bool:
    patterns = catalogue.extra.get("open_licences") or ()
    return isinstance(value, str) and any(re.fullmatch(p, value.strip(), re.IGNORECASE) for p in patterns)


class ClosedButOpenLicence(RepoRule):
    """Declared closed, but a model card publishes the model under an open licence.

    ## What it finds
    `mode = "closed"` and a model card whose front matter `license:` is an open licence
    (apache-2.0, mit, cc-by-*, openrail*, llama community licences, …). The finding is on the
    card's licence line.

    ## Why it matters
    Article 17(4): a closed system's architecture and parameters are not openly accessible; an
    open licence on the card says the opposite.

    ## Mitigation
    Remove the open licence (use `license: other` with the closed terms) or declare `mode =
    "open"`.

    ## Suppression
    `<!-- kzai: ignore[KZ403] reason -->` before the front matter's block, with a reason.
    """

    meta = RuleMeta(id="KZ403/open-licence", code="KZ403", kinds=frozenset(), confidence=Confidence.MEDIUM)
    INVALID = (Invalid(config=PYPROJECT + 'mode = "closed"\n', files={"README.md": "---\nlicense: apache-2.0\npipeline_tag: text-classification\n---\n# Model\n"},
                       finding_path="README.md", line=2),)
    VALID = (Valid(config=PYPROJECT + 'mode = "closed"\n', files={"README.md": "---\nlicense: other\npipeline_tag: text-classification\n---\n"}),
             Valid(config=PYPROJECT + 'mode = "open"\n', files={"README.md": "---\nlicense: mit\n---\n"}))

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.value("mode") != "closed":
            return
        for card in view.cards:
            node = card.doc.get("license")
            if node is not None and _open_licence(self.catalogue, node.value):
                span = node.key_span or node.span
                yield Hit(span=span, path=card.path, evidence=view.evidence(card.path, span), anchor="license", message=(
                    f"Model card {card.path} publishes the model under the open licence {node.value!r} but the system is declared "
                    f"mode = \"closed\" ({view.file}); Article 17(4) closed systems do not open their architecture and parameters. "
                    f"Mitigation: use closed licence terms or declare mode = \"open\"."
                ))


class OpenWithRestrictedData(RepoRule):
    """Declared open while processing restricted data, without an informatization-compliance statement.

    ## What it finds
    `mode = "open"` with a non-empty `restricted-data` list or open KZ304 (personal data)
    findings, and no `informatization-compliance` document.

    ## Why it matters
    Article 17(4): an open system may process data whose access is restricted by law only if the
    informatization-law requirements are met.

    ## Mitigation
    Point `informatization-compliance` at the document showing how the requirements are met, or
    run the system as `local`.

    ## Suppression
    None advisable: document compliance.
    """

    meta = RuleMeta(id="KZ404/restricted-data", code="KZ404", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'mode = "open"\nrestricted-data = ["iin", "personal_data"]\n', finding_path="pyproject.toml", line=2),)
    VALID = (Valid(config=PYPROJECT + 'mode = "open"\nrestricted-data = ["iin"]\ninformatization-compliance = "docs/informatization.md"\n'),
             Valid(config=PYPROJECT + 'mode = "open"\nrestricted-data = []\n'))

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.value("mode") != "open" or view.decl.get("informatization-compliance"):
            return
        restricted = view.decl.get("restricted-data") or []
        pd = sorted({f"{f.path}:{f.line}" for f in repo.findings if f.code == "KZ304" and f.status is Status.OPEN})
        if not restricted and not pd:
            return
        what = ", ".join(map(str, restricted)) if isinstance(restricted, list) and restricted else f"personal data ({', '.join(pd[:3])})"
        yield view.hit("mode", (
            f"Declared mode = \"open\" and the system processes restricted data ({what}) without `informatization-compliance`; "
            f"Article 17(4) lets open systems process such data only under the informatization-law requirements. "
            f"Mitigation: document compliance in `informatization-compliance` or run the system as local."
        ))


class OpenButNothingPublished(RepoRule):
    """Declared open, but no licence is published.

    ## What it finds
    `mode = "open"` with neither a licence in any model card's front matter nor a LICENSE /
    COPYING file at the repository root.

    ## Why it matters
    Article 17(4): an open system's architecture and parameters are accessible to others; without
    a licence nothing is actually made available.

    ## Mitigation
    Publish the licence (model card `license:` and a LICENSE file) or declare the real mode.

    ## Suppression
    `ignore = ["KZ406"]` with a reason (e.g. the weights are published from another repository).
    """

    meta = RuleMeta(id="KZ406/no-licence", code="KZ406", kinds=frozenset(), confidence=Confidence.MEDIUM)
    INVALID = (Invalid(config=PYPROJECT + 'mode = "open"\n', files={"README.md": "---\npipeline_tag: fill-mask\n---\n"}, finding_path="pyproject.toml", line=2),)
    VALID = (Valid(config=PYPROJECT + 'mode = "open"\n', files={"LICENSE": "Apache License 2.0\n"}),
             Valid(config=PYPROJECT + 'mode = "open"\n', files={"README.md": "---\nlicense: apache-2.0\n---\n"}))

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        if view.value("mode") != "open":
            return
        if any(card.meta.get("license") for card in view.cards):
            return
        if any((view.base / name).is_file() for name in self.catalogue.extra.get("licence_files") or ()):
            return
        yield view.hit("mode", (
            "Declared mode = \"open\" but no licence is published (no model-card `license:`, no LICENSE file); Article 17(4) open "
            "systems make architecture and parameters available. Mitigation: publish the licence or declare the real mode."
        ))


__all__ = ["ClosedButOpenLicence", "ModeInvalid", "ModeMissing", "OpenButNothingPublished", "OpenWithRestrictedData"]
