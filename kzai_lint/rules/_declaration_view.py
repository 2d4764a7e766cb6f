"""The declaration of one scan (clause map 5) and the repository's AI evidence, read once.

The law puts the classification on the owner, so the declaration rules read the scan root's own
`[tool.kzai-lint.system]` table (and `kzai-*` model-card tags, the secondary source) and compare it
with what the scan found: AI capability (`ai_signal`, `imports`, `dependency`, `capability` facts,
model cards, weights), file-level findings, effect sinks and published licences. This module is
the shared view those rules (`declarations_*`) read; it holds no rule itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator, Mapping

from kzai_lint.context import RepoIndex
from kzai_lint.model import FileKind, Hit, Severity, Span

MAX_READ = 2 * 1024 * 1024
_IMPORT = re.compile(r"(?:^|[\s\"';])(?:import|from)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


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
    """A model card or README as the declaration rules read it: front matter and body."""

    path: str
    meta: Mapping[str, Any]
    doc: Any
    is_model_card: bool


def norm(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) else None


def _python_facts(path: str, kind: FileKind, text: str, limits: Any) -> Any:
    """The `PythonModule` of a Python file or notebook as the file rules get it; None when it
    does not parse or is over the parse limit."""
    from kzai_lint.sources.python import PythonParseError, parse_python, python_code

    try:
        code, line_map, _ = python_code(text, notebook=kind is FileKind.NOTEBOOK)
        if limits.too_large_to_parse(len(code.encode("utf-8", "surrogatepass"))) is not None:
            return None
        return parse_python(code, path, line_map=line_map).facts
    except (PythonParseError, ValueError):
        return None


def declared(settings: Any, field: str) -> str | None:
    """A declared class (`risk`, `autonomy`, `mode`) as file rules read it from the run's settings,
    normalised; None when it is not declared as a string."""
    return norm((getattr(settings, "system", None) or {}).get(field))


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

    @property
    def base(self) -> Path:
        """The folder paths in the declaration are relative to: the declaration file's own folder.

        It is not the scan root when explicit files are checked from a subfolder (the root is then
        the current directory and the declaration is found further up, e.g. `../pyproject.toml`).
        """
        return (self.root / self.file).parent if self.file else self.root

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
        keys = set(self.extra.get("model_card_keys") or ())
        for path, kind in sorted(self.repo.files.items()):
            if kind is not FileKind.MODEL_CARD:
                continue
            text = read_text(self.root / path)
            if not text or not text.lstrip("\ufeff").startswith("---"):
                continue
            # Imported here, for a card with front matter: it brings the YAML reader, which a
            # run over a repository without model cards (most pre-commit runs) never needs.
            from kzai_lint.sources.markdown import parse_model_card

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
            self._ai = (self._facts_evidence() or self._artefact_evidence() or self._scanned_imports() or self._scanned_loads(),)
        return self._ai[0]

    def _facts_evidence(self) -> str | None:
        modules = {m.split(".", 1)[0] for m in self.extra.get("ai_modules") or ()}
        packages = {dist_name(p) for p in self.extra.get("ai_packages") or ()}
        # Capabilities and imports first: every file that has them records them whether or not
        # the prefilter let it through to the rules, so the evidence named does not depend on it.
        for path, value in self.repo.fact("capability"):
            return f"capability {value[0]} in {location(path, value[2] if len(value) > 2 else None)}"
        for path, value in self.repo.fact("imports"):
            if value and value[0] in modules:
                return f"imports {value[0]} in {location(path, value[1] if len(value) > 1 else None)}"
        for path, value in self.repo.fact("ai_signal"):
            return f"{value[0]} in {location(path, value[1] if len(value) > 1 else None)}"
        for path, value in self.repo.fact("dependency"):
            if value and isinstance(value[0], str) and dist_name(value[0]) in packages:
                return f"depends on {value[0]} in {location(path, value[1] if len(value) > 1 else None)}"
        return None

    def _artefact_evidence(self) -> str | None:
        card = next((c for c in self.cards if c.is_model_card), None)
        if card is not None:
            return f"model card {card.path}"
        return f"model weights {self.repo.weights[0]}" if self.repo.weights else None

    def _scanned_loads(self) -> str | None:
        """A model loaded by a catalogued loader (`joblib.load(path)` in a script that imports
        no ML library, `cv2.dnn.readNetFromCaffe`). The run-time rule records such a load when it reads a file, but the
        prefilter lets it read only files that some rule could report in: read here, when
        nothing else shows AI, are the other files that name a loader, parsed as that rule
        would parse them, so the evidence never depends on the prefilter."""
        from kzai_lint.limits import Limits
        from kzai_lint.prefilter import Prefilter
        from kzai_lint.rules._runtime_signals import fnmatch_any, load_runtime, loader_keywords, model_loads

        catalogue = self.repo.catalogue
        runtime = load_runtime(catalogue)
        # the library-call rules record a catalogued call with a model argument (`cv2.dnn.*`)
        roots = {sig.name.split(".", 1)[0].lower() for sig in catalogue.calls if sig.model_arg is not None and not sig.capabilities}
        gate = Prefilter(loader_keywords(runtime) | {w for root in roots for w in (f"import {root}", f"from {root}", f"{root}.")})
        limits = Limits.of(self.repo.settings)
        for path, kind in sorted(self.repo.files.items()):
            if kind not in (FileKind.PYTHON, FileKind.NOTEBOOK) or fnmatch_any(path, runtime.not_runtime_paths):
                continue
            text = read_text(self.root / path)
            if not text or not gate.may_match(text):
                continue
            facts = _python_facts(path, kind, text, limits)
            if facts is None:
                continue
            imported = frozenset(m.split(".", 1)[0] for m in facts.imported_modules)
            for site in model_loads(runtime, facts.calls, imported):
                return f"model loaded by {site.display}() in {path}"
            for site in facts.calls:
                if site.qualname and any(sig.model_arg is not None and not sig.capabilities for sig in catalogue.calls_for(site.qualname)):
                    return f"model loaded by {site.display} in {path}"
        return None

    def _scanned_imports(self) -> str | None:
        # Facts are gathered only by the rules that ran; when the run-time rule was not selected,
        # a cheap import scan keeps the missing-declaration findings independent of selection.
        modules = {m.split(".", 1)[0] for m in self.extra.get("ai_modules") or ()}
        for path, kind in sorted(self.repo.files.items()):
            if kind in (FileKind.PYTHON, FileKind.NOTEBOOK):
                found = next((m for m in _IMPORT.findall(read_text(self.root / path)) if m in modules), None)
                if found:
                    return f"imports {found} in {path}"
        return None


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_READ:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def dist_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def location(path: str, line: Any) -> str:
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


__all__ = ["Card", "DeclarationView", "Source", "as_date", "dist_name", "location", "norm", "read_text", "view_of"]
