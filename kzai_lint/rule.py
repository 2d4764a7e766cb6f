"""The rule API: metadata, the three rule bases and the embedded Valid/Invalid examples.

A rule reports `Hit`s; the engine adds code, clause, title, severity, status and fingerprint.
Clause and title come from the catalogue's code table, never from the rule, so a clause cannot be
retyped wrongly. The class docstring is the user documentation (Markdown with the headings
**What it finds**, **Why it matters**, **Mitigation**, **Suppression**); one generic test runs every
rule's examples and checks the headings.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Mapping

from kzai_lint.model import Confidence, FileKind, Hit, Severity, Span, Status

if TYPE_CHECKING:
    from kzai_lint.catalogue import Catalogue
    from kzai_lint.context import FileContext, RepoIndex

DOC_HEADINGS = ("What it finds", "Why it matters", "Mitigation", "Suppression")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """Metadata validated when the rule is loaded (see `registry`)."""

    id: str
    code: str
    kinds: frozenset[FileKind]
    confidence: Confidence = Confidence.HIGH
    severity: Severity | None = None
    tags: tuple[str, ...] = ()
    since: str = "0.1.0"
    keywords_from_catalogue: bool = True


@dataclass(frozen=True)
class Example:
    """One embedded example. `code` is dedented Python in `path`; `files` gives several files.

    `config` is a pyproject.toml snippet placed at the example's root (e.g. hooks, declarations).
    """

    code: str = ""
    path: str = "example.py"
    files: Mapping[str, str] = field(default_factory=dict)
    config: str = ""
    note: str = ""

    def all_files(self) -> dict[str, str]:
        import textwrap  # examples are read by tests and `explain`, not by a scan

        files = {p: textwrap.dedent(t).lstrip("\n") for p, t in self.files.items()}
        if self.code:
            files[self.path] = textwrap.dedent(self.code).lstrip("\n")
        if self.config:
            files["pyproject.toml"] = textwrap.dedent(self.config).lstrip("\n")
        return files


@dataclass(frozen=True)
class Valid(Example):
    """An example on which the rule must report nothing open."""


@dataclass(frozen=True)
class Invalid(Example):
    """An example on which the rule must report; `line` (and optional `cell`) of the finding."""

    line: int | None = None
    cell: int | None = None
    count: int | None = None
    status: Status = Status.OPEN
    message: str = ""
    finding_path: str | None = None


class Rule(abc.ABC):
    """Base of every rule. Subclasses set `meta`, `VALID`, `INVALID` and a Markdown docstring."""

    meta: ClassVar[RuleMeta]
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()
    pack: ClassVar[str] = "builtin"

    def __init__(self, catalogue: "Catalogue", options: Mapping[str, Any] | None = None) -> None:
        self.catalogue = catalogue
        self.options = dict(options or {})

    def keywords(self) -> Iterable[str] | None:
        """Literal strings a file must contain for this rule to fire (lower case), or None
        when the rule must see every file of its kinds. The engine's prefilter unions them."""
        return None

    def keywords_for(self, settings: Any) -> Iterable[str] | None:
        """Prefilter words under these settings; rules whose findings depend on a declaration
        (e.g. `mode = "local"`) narrow them when the declaration makes them irrelevant."""
        return self.keywords()

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """What a file of `kind` must contain for this rule to report in it: alternatives, each a
        tuple of keyword groups that must all occur (a word of each; `Prefilter` semantics), or
        None for every file. The first group of each alternative is the one the one-pass
        prefilter looks for; the others are checked only for files that pass it. By default a
        single group, `keywords_for`; a rule whose matches need two things (a library call needs
        the library imported *and* a model id) says so here."""
        words = self.keywords_for(settings)
        return None if words is None else [(tuple(words),)]

    @classmethod
    def doc(cls) -> str:
        import textwrap

        return textwrap.dedent(cls.__doc__ or "").strip()

    @classmethod
    def summary(cls) -> str:
        return cls.doc().splitlines()[0] if cls.__doc__ else cls.meta.id


class PythonRule(Rule):
    """Reads the facts of one Python module or notebook (imports resolved, literals evaluated)."""

    @abc.abstractmethod
    def check(self, ctx: "FileContext") -> Iterable[Hit]:
        """Hits for the module in `ctx.python`."""


class DocumentRule(Rule):
    """Reads one non-Python artefact: config, model card, requirements, data header."""

    @abc.abstractmethod
    def check(self, ctx: "FileContext") -> Iterable[Hit]:
        """Hits for the document in `ctx`."""


class RepoRule(Rule):
    """Reads facts gathered from the whole repository (declarations, capabilities found)."""

    @abc.abstractmethod
    def check(self, repo: "RepoIndex") -> Iterable[Hit]:
        """Hits about the repository; `Hit.path` names the file they point at ('.' if none)."""


def file_level_span() -> Span | None:
    return None
