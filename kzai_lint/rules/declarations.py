"""Declarations (clause map 5): 17(1) risk, 17(2) autonomy and 17(4) mode, checked against the code.

The law puts the classification on the owner, so these repository rules read the scan root's own
`[tool.kzai-lint.system]` table (and `kzai-*` model-card tags, the secondary source) and compare it
with what the scan found: AI capability (`ai_signal`, `imports`, `dependency`, `capability` facts,
model cards, weights), file-level findings, effect sinks and published licences. Missing classes
are only asked of repositories that show AI capability, so a plain library stays quiet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, Iterator, Mapping, Sequence

from kzai_lint.catalogue import Catalogue
from kzai_lint.context import RepoIndex
from kzai_lint.model import Confidence, FileKind, Hit, Severity, Span, Status
from kzai_lint.rule import Invalid, RepoRule, RuleMeta, Valid

MAX_READ = 2 * 1024 * 1024
_IMPORT = re.compile(r"(?:^|[\s\"';])(?:import|from)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_FIELDS = ("risk", "autonomy", "mode")


@dataclass(frozen=True, slots=True)
class Source:
    """One place a class is declared: the system table or a model card's front matter."""

    value: Any
    path: str
    span: Span | None
    via: str

    @property
    def where(self) -> str:
        return f"{self.path}:{self.span.line}" if self.span else self.path


@dataclass(frozen=True)
class Card:
    path: str
    meta: Mapping[str, Any]
    doc: Any
    is_model_card: bool


def norm(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) else None


class DeclarationView:
    """The declaration of one scan, its positions and the repository's AI evidence (read once)."""

    def __init__(self, repo: RepoIndex) -> None:
        self.repo = repo
        self.extra = repo.catalogue.extra
        self.decl: Mapping[str, Any] = dict(repo.declaration or {})
        self.file = repo.declaration_path
        self.root = Path(repo.root)
        self._doc = self._parse_declaration()
        self.cards = tuple(self._cards())
        self._ai: tuple[str | None] | None = None

    # ---- positions ---------------------------------------------------------------------------
    def _parse_declaration(self) -> Any:
        if self.file is None:
            return None
        from kzai_lint.sources.toml_doc import parse_toml

        try:
            return parse_toml((self.root / self.file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None

    def span(self, key: str) -> Span | None:
        """The `key = value` line in the declaration file, if the locator finds it."""
        if self._doc is None:
            return None
        prefix = ("system",) if self.file == "kzai-lint.toml" else ("tool", "kzai-lint", "system")
        node = self._doc.get(*prefix, key)
        if node is None:
            return None
        start = node.key_span or node.span
        return Span(start.line, start.column, node.span.end_line, node.span.end_column)

    def evidence(self, path: str, span: Span | None) -> str:
        if span is None:
            return ""
        try:
            lines = (self.root / path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return ""
        return " ".join(lines[span.line - 1].split())[:200] if 0 < span.line <= len(lines) else ""

    def hit(self, key: str | None, message: str, *, severity: Severity | None = None) -> Hit:
        """A finding on the declaration file's `key` line, or on the file (or '.') as a whole."""
        path = self.file or "."
        span = self.span(key) if key and self.file else None
        return Hit(span=span, message=message, evidence=self.evidence(path, span), anchor=f"system.{key or ''}", severity=severity, path=path)

    # ---- model cards -------------------------------------------------------------------------
    def _cards(self) -> Iterator[Card]:
        from kzai_lint.sources.markdown import parse_model_card

        keys = set(self.extra.get("model_card_keys") or ())
        for path, kind in sorted(self.repo.files.items()):
            if kind is not FileKind.MODEL_CARD:
                continue
            text = _read(self.root / path)
            if not text or not text.lstrip("\ufeff").startswith("---"):
                continue
            doc = parse_model_card(text).front_matter
            meta = doc.root.value if doc is not None and doc.root is not None else None
            if isinstance(meta, dict):
                yield Card(path, meta, doc, bool(keys & set(meta)))

    def sources(self, field: str) -> list[Source]:
        """Every declaration of `field`: the system table first, then model-card tags and `kzai:`."""
        out = []
        if field in self.decl:
            out.append(Source(self.decl[field], self.file or ".", self.span(field), f"`{field}` in {self.file}"))
        spec = (self.extra.get("card_declarations") or {}).get(field) or {}
        for card in self.cards:
            for node in card.doc.children("tags"):
                tag = norm(node.value) or ""
                if spec.get("tag_prefix") and tag.startswith(spec["tag_prefix"]):
                    out.append(Source(tag[len(spec["tag_prefix"]):], card.path, node.span, f"tag {tag!r} in {card.path}"))
            for key in spec.get("keys") or ():
                node = card.doc.get("kzai", key)
                if node is not None:
                    out.append(Source(node.value, card.path, node.span, f"`kzai.{key}` in {card.path}"))
        return out

    def value(self, field: str) -> str | None:
        """The declared class if a source gives a valid one (the system table wins)."""
        allowed = self.allowed(field)
        return next((norm(s.value) for s in self.sources(field) if norm(s.value) in allowed), None)

    def allowed(self, field: str) -> tuple[str, ...]:
        return tuple((self.extra.get("declaration_enums") or {}).get(field) or ())

    # ---- AI capability -----------------------------------------------------------------------
    def ai_evidence(self) -> str | None:
        """What shows the repository trains or runs models, or None for a plain library."""
        if self._ai is None:
            self._ai = (self._facts_evidence() or self._artefact_evidence() or self._scanned_imports(),)
        return self._ai[0]

    def _facts_evidence(self) -> str | None:
        modules = {m.split(".", 1)[0] for m in self.extra.get("ai_modules") or ()}
        packages = {_dist(p) for p in self.extra.get("ai_packages") or ()}
        for path, value in self.repo.fact("ai_signal"):
            return f"{value[0]} in {_at(path, value[1] if len(value) > 1 else None)}"
        for path, value in self.repo.fact("capability"):
            return f"capability {value[0]} in {_at(path, value[2] if len(value) > 2 else None)}"
        for path, value in self.repo.fact("imports"):
            if value and value[0] in modules:
                return f"imports {value[0]} in {path}"
        for path, value in self.repo.fact("dependency"):
            if value and isinstance(value[0], str) and _dist(value[0]) in packages:
                return f"depends on {value[0]} in {_at(path, value[1] if len(value) > 1 else None)}"
        return None

    def _artefact_evidence(self) -> str | None:
        card = next((c for c in self.cards if c.is_model_card), None)
        if card is not None:
            return f"model card {card.path}"
        return f"model weights {self.repo.weights[0]}" if self.repo.weights else None

    def _scanned_imports(self) -> str | None:
        # Facts are gathered only by the rules that ran; when the run-time rule was not selected,
        # a cheap import scan keeps the missing-declaration findings independent of selection.
        modules = {m.split(".", 1)[0] for m in self.extra.get("ai_modules") or ()}
        for path, kind in sorted(self.repo.files.items()):
            if kind in (FileKind.PYTHON, FileKind.NOTEBOOK):
                found = next((m for m in _IMPORT.findall(_read(self.root / path)) if m in modules), None)
                if found:
                    return f"imports {found} in {path}"
        return None


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_READ:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _at(path: str, line: Any) -> str:
    return f"{path}:{line}" if isinstance(line, int) else path


_LAST: list[tuple[RepoIndex, DeclarationView]] = []


def view_of(repo: RepoIndex) -> DeclarationView:
    """One view per scan, shared by the rules of this module (they run one after another)."""
    if _LAST and _LAST[0][0] is repo:
        return _LAST[0][1]
    view = DeclarationView(repo)
    _LAST[:] = [(repo, view)]
    return view


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


PYPROJECT = "[tool.kzai-lint.system]\n"


# ---- missing and invalid classes (KZ101, KZ102, KZ201, KZ401) -------------------------------------
class _MissingClass(RepoRule):
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


class _InvalidClass(RepoRule):
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


RISK_LAW = "Article 17(1) makes the owner classify the system by the consequences of its failure (minimal, medium or high risk)."
AUTONOMY_LAW = "Article 17(2) classifies systems as of low, medium or high autonomy (who makes the final decision)."
MODE_LAW = "Article 17(4) classifies systems as open, closed or local (how architecture and parameters are accessible)."


class RiskMissing(_MissingClass):
    """Risk class (17(1)) not declared in a repository that trains or runs models.

    ## What it finds
    A repository with AI capability (ML imports, model loading, a model card, weight files or ML
    dependencies) whose `[tool.kzai-lint.system]` has no `risk`, and no model card carries a
    `kzai-risk-*` tag. A library without any AI signal gets no finding.

    ## Why it matters
    Article 17(1): AI systems are classified by the owner by degree of risk (minimal, medium,
    high), which drives the documentation and the yearly risk review (Art 18).

    ## Mitigation
    Add `risk = "minimal" | "medium" | "high"` to `[tool.kzai-lint.system]` in pyproject.toml
    (or `[system]` in kzai-lint.toml), with a `risk-rationale`.

    ## Suppression
    Repository-level: `ignore = ["KZ101"]` in `[tool.kzai-lint]`, with a comment saying why.
    """

    meta = RuleMeta(id="KZ101/risk-missing", code="KZ101", kinds=frozenset())
    field = "risk"
    law = RISK_LAW
    INVALID = (
        Invalid(config='[project]\nname = "forecast"\ndependencies = ["lightgbm", "pandas"]\n', finding_path="pyproject.toml", line=None),
        Invalid(files={"train.py": "import torch.nn as nn\nmodel = nn.Linear(4, 2)\n"}, finding_path=".", line=None, note="no config file at all"),
    )
    VALID = (
        Valid(files={"util.py": "import json\ndef load(p):\n    return json.load(open(p))\n"}, note="a library without AI capability"),
        Valid("import torch\n", config=PYPROJECT + 'risk = "medium"\n'),
    )


class RiskInvalid(_InvalidClass):
    """Risk class declared with a value outside the law's classes, or declared inconsistently.

    ## What it finds
    `risk` values other than minimal, medium or high, and a system table and model-card tags
    (`kzai-risk-*`, `kzai: {risk: ...}`) that declare different classes.

    ## Why it matters
    Article 17(1) knows exactly three risk degrees; any other value, or two values, leaves the
    system unclassified and its documentation duties unknown.

    ## Mitigation
    Use one of `minimal`, `medium`, `high` and make every source say the same.

    ## Suppression
    Fix the value; a suppression (`# kzai: ignore[KZ102] reason` on the line) is for migrations.
    """

    meta = RuleMeta(id="KZ102/risk-invalid", code="KZ102", kinds=frozenset())
    field = "risk"
    law = RISK_LAW
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "extreme"\n', finding_path="pyproject.toml", line=2),
        Invalid(config=PYPROJECT + 'risk = "minimal"\n',
                files={"README.md": "---\npipeline_tag: image-classification\ntags: [vision, kzai-risk-high]\n---\n# Model\n"},
                finding_path="pyproject.toml", line=2, message="Conflicting", note="model-card tag disagrees"),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "Medium"\n', note="case is not significant"),
        Valid(config=PYPROJECT + 'risk = "high"\n', files={"README.md": "---\ntags: [kzai-risk-high]\n---\n"}),
    )


class AutonomyMissing(_MissingClass):
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


class AutonomyInvalid(_InvalidClass):
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


class ModeMissing(_MissingClass):
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


class ModeInvalid(_InvalidClass):
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


# ---- 17(1) consistency (KZ103, KZ105, KZ106, KZ107) ------------------------------------------------
class RiskInconsistentWithCapabilities(RepoRule):
    """Declared minimal or medium risk, but the repository has prohibited or biometric functionality.

    ## What it finds
    `risk = "minimal"` with any open KZ301–KZ306 finding or any biometric processing (emotion
    recognition, face or voice attribute inference, face embeddings, face swap: capability facts
    or weight files named after such models) — an error; `risk = "medium"` with an open
    KZ301–KZ306 error — a warning. The message lists the findings.

    ## Why it matters
    Article 17(1) ties the risk class to the consequences of failure; a system that processes
    biometrics or performs functions Article 17(3) prohibits cannot have minimal consequences.

    ## Mitigation
    Remove the functionality, or raise the declared risk and add what the higher class needs
    (rationale, information-security statement, risk register).

    ## Suppression
    `ignore = ["KZ103"]` only with a documented reason; better fix the class.
    """

    meta = RuleMeta(id="KZ103/risk-vs-capabilities", code="KZ103", kinds=frozenset())
    INVALID = (
        Invalid(config=PYPROJECT + 'risk = "minimal"\n', files={"models/fer2013_mini_XCEPTION.hdf5": "weights"}, finding_path="pyproject.toml", line=2),
    )
    VALID = (
        Valid(config=PYPROJECT + 'risk = "medium"\n', files={"models/fer2013_mini_XCEPTION.hdf5": "weights"}, note="medium: only open errors count"),
        Valid("import sklearn\n", config=PYPROJECT + 'risk = "minimal"\n'),
    )

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        risk = view.value("risk")
        if risk not in ("minimal", "medium"):
            return
        codes = set(self.catalogue.extra.get("prohibited_codes") or ())
        open_findings = [f for f in repo.findings if f.code in codes and f.status is Status.OPEN]
        if risk == "medium":
            found = [f"{f.code} {f.path}:{f.line}" for f in open_findings if f.severity is Severity.ERROR]
            severity = Severity.WARNING
        else:
            found = [f"{f.code} {f.path}:{f.line}" for f in open_findings] + self._biometric(repo)
            severity = None
        if found:
            listed = ", ".join(sorted(set(found))[:6]) + (" …" if len(set(found)) > 6 else "")
            yield view.hit("risk", (
                f"Declared risk = \"{risk}\", but the repository has prohibited or biometric functionality ({listed}); Article 17(1) "
                f"ties the risk class to the consequences of failure. Mitigation: remove the functionality or raise the declared risk."
            ), severity=severity)

    def _biometric(self, repo: RepoIndex) -> list[str]:
        biometric = set(self.catalogue.extra.get("biometric_capabilities") or ())
        out = [f"{v[0]} {_at(p, v[2] if len(v) > 2 else None)}" for p, v in repo.fact("capability") if v and v[0] in biometric]
        for weight in repo.weights:
            match = self.catalogue.classify_model(weight, loader=False)
            if match is not None and match.capability in biometric:
                out.append(f"{match.capability} weights {weight}")
        return out


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
    option `scan-date` fixes the date for reproducible runs.

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
        if isinstance(register, str) and "://" not in register and not (view.root / register).exists():
            return "risk-register", f"Risk register {register!r} does not exist"
        if reviewed is None:
            return None, "No `risk-reviewed` date declared"
        when = as_date(reviewed)
        if when is None:
            return "risk-reviewed", f"`risk-reviewed` = {reviewed!r} is not a date"
        today = as_date(self.options.get("scan-date")) or date.today()
        max_age = int(self.catalogue.extra.get("review_max_age_days", 365))
        if (today - when).days > max_age:
            return "risk-reviewed", f"Risks last reviewed {when.isoformat()}, {(today - when).days} days before the scan"
        return None, None


class RiskRationale(RepoRule):
    """Risk class declared without the reasoning behind it.

    ## What it finds
    A declared `risk` without a non-empty `risk-rationale`.

    ## Why it matters
    Article 17(1) leaves the classification to the owner under the rules for classifying
    informatization objects; an auditor needs the reasoning, not only the result.

    ## Mitigation
    Add `risk-rationale = "..."`: what happens when the system fails, who is affected, which
    classification rules were applied.

    ## Suppression
    `ignore = ["KZ107"]` with a reason.
    """

    meta = RuleMeta(id="KZ107/risk-rationale", code="KZ107", kinds=frozenset())
    INVALID = (Invalid(config=PYPROJECT + 'risk = "minimal"\n', finding_path="pyproject.toml", line=2),)
    VALID = (Valid(config=PYPROJECT + 'risk = "minimal"\nrisk-rationale = "Suggestions only; failures leave pages unmerged."\n'),)

    def check(self, repo: RepoIndex) -> Iterator[Hit]:
        view = view_of(repo)
        rationale = view.decl.get("risk-rationale")
        if view.value("risk") is None or (isinstance(rationale, str) and rationale.strip()):
            return
        yield view.hit("risk", (
            "Risk class declared without `risk-rationale`; Article 17(1) classification should be explained (consequences of "
            "failure, who is affected, rules applied). Mitigation: add `risk-rationale` to [tool.kzai-lint.system]."
        ))


# ---- 17(2) consistency (KZ202, KZ204) --------------------------------------------------------------
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
        found = sorted({f"{v[0]} at {_at(p, v[1] if len(v) > 1 else None)}" for p, v in effects})
        seen = f" Unguarded effects: {'; '.join(found[:3])}{' …' if len(found) > 3 else ''}." if found else ""
        yield view.hit("autonomy", (
            "Declared autonomy = \"medium\" but no correction or cancel path is declared (`oversight-hooks`) or found; Article 17(2) "
            f"defines medium autonomy by the user's ability to correct or cancel decisions.{seen} Mitigation: guard the effects with "
            "a review/cancel function and declare it in `oversight-hooks`."
        ))


# ---- 17(4) consistency (KZ403, KZ404, KZ406) --------------------------------------------------------
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

    # TODO(#4): also report push_to_hub(private=False) / upload_folder to public repos.
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
        if any((view.root / name).is_file() for name in self.catalogue.extra.get("licence_files") or ()):
            return
        yield view.hit("mode", (
            "Declared mode = \"open\" but no licence is published (no model-card `license:`, no LICENSE file); Article 17(4) open "
            "systems make architecture and parameters available. Mitigation: publish the licence or declare the real mode."
        ))


RULES: Sequence[type[RepoRule]] = (
    RiskMissing, RiskInvalid, RiskInconsistentWithCapabilities, HighRiskSecurityStatement, RiskRegister, RiskRationale,
    AutonomyMissing, AutonomyInvalid, HighAutonomyWithoutLaw, MediumAutonomyWithoutOversight,
    ModeMissing, ModeInvalid, ClosedButOpenLicence, OpenWithRestrictedData, OpenButNothingPublished,
)
__all__ = ["DeclarationView", "RULES", "view_of"] + [r.__name__ for r in RULES]
