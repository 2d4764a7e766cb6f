"""Shared logic of the catalogue-driven Python rules (calls, model/dataset literals, label sets).

Each concrete rule names one code; these bases look the module's resolved calls, string literals
and string collections up in the catalogue and keep the capabilities whose code is the rule's.
Adding a library, model id or label set is a catalogue edit, not a change here.
"""
from __future__ import annotations

import functools
import itertools
import json
import re
from typing import Any, ClassVar, Iterable, Iterator, Sequence

import libcst as cst

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import MISSING, UNKNOWN, CallSite, PythonModule, StringLiteral
from kzai_lint.catalogue import CallSignal, Catalogue, LabelSet
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence, Hit, Severity
from kzai_lint.rule import PythonRule
from kzai_lint.rules._messages import clause_phrase
from kzai_lint.requirements import distinct_requirement, string_value_regex

# Hook purpose a guard must be bound to, per code (clause map 7, purpose binding).
GUARD_PURPOSE = {"KZ306": "emotion", "KZ305": "biometric", "KZ304": "personal_data", "KZ307": "synthetic"}


def call_capabilities(site: CallSite, signal: CallSignal, catalogue: Catalogue, lowered_text: str = "") -> list[tuple[str, Confidence, str]]:
    """(capability, confidence, why) of one call under one signal; empty when switched off
    (`lowered_text`: the file's, for a signal that `requires` something of it)."""
    if signal.requires is not None and not regex_cache.compile(signal.requires).search(lowered_text):
        return []
    ctor = site.receiver.ctor if site.receiver is not None else None
    for key, off in signal.unless.items():
        value = site.kwargs.get(key, MISSING)
        if value is MISSING and ctor is not None:
            value = ctor.kwargs.get(key, MISSING)
        if value is not MISSING and value is not UNKNOWN and value == off:
            return []
    if signal.when_kwarg and signal.when_kwarg not in site.kwargs:
        return []
    out: list[tuple[str, Confidence, str]] = [(c, Confidence.HIGH, "") for c in signal.capabilities]
    if signal.select is not None:
        out.extend(_selected(site, signal))
    if signal.model_arg is not None:
        value = site.argument(signal.model_arg.arg, signal.model_arg.position)
        if isinstance(value, str):
            found = _loaded_capability(value, signal.model_arg.kind, catalogue)
            if found is not None:
                out.append(found)
    return out


def _loaded_capability(value: str, kind: str, catalogue: Catalogue) -> tuple[str, Confidence, str] | None:
    """Capability of what a loader loads: a data-set loader is asked about data sets first."""
    ds = catalogue.classify_dataset(value, as_id=True)
    match = catalogue.classify_model(value, loader=True)
    if ds is not None and (kind == "dataset" or match is None):
        return ds.capability, Confidence.MEDIUM, f"data set {ds.name}"
    if match is not None:
        return match.capability, Confidence.HIGH if match.exact else Confidence.MEDIUM, f"model {value!r}"
    return None


def _selected(site: CallSite, signal: CallSignal) -> list[tuple[str, Confidence, str]]:
    sel = signal.select
    assert sel is not None
    value = site.argument(sel.arg, sel.position)
    if value is MISSING:
        return [(cap, Confidence.HIGH, f"default {sel.arg}") for cap in (sel.values.get(v) for v in sel.default) if cap]
    if value is UNKNOWN:
        return [(cap, Confidence.MEDIUM, f"{sel.arg} not a literal; defaults assumed") for cap in (sel.values.get(v) for v in sel.default) if cap]
    items = value if isinstance(value, (tuple, list)) else (value,)
    out = []
    for item in items:
        if isinstance(item, str):
            cap = sel.values.get(item) or sel.values.get(item.lower()) or sel.values.get(item.capitalize())
            if cap:
                out.append((cap, Confidence.HIGH, f"{sel.arg}={item!r}"))
        elif item is UNKNOWN:
            out.extend((cap, Confidence.MEDIUM, f"{sel.arg} element not a literal") for cap in (sel.values.get(v) for v in sel.default) if cap)
    return out


class CatalogueCallRule(PythonRule):
    """Calls that resolve (through imports and aliases) to a catalogue call signal."""

    role_words: ClassVar[str] = "call"
    guard_purpose: ClassVar[str | None] = None  # the purpose a consent hook must be bound to

    def keywords(self) -> Iterable[str] | None:
        words: set[str] = set()
        for sig in self.catalogue.calls:
            if not self._signal_may_report(sig):
                continue
            if sig.model_arg is not None and not sig.capabilities and sig.select is None:
                words.update(model_keywords(self.catalogue))
            else:
                # Names resolve only through an import in the same file, so the file must import
                # the root module; `feat` or `fer` alone would match `feature` or `ferry`.
                root = sig.name.split(".", 1)[0].lower()
                if "*" in root:
                    return None
                words.update(import_words([root]))
        return words

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """As `keywords`, but a model loader (`pipeline`, `from_pretrained`: a signal whose
        capability comes from its model argument) needs a model-id word *and* its library
        imported, since the call resolves only through that import, *and* a string the catalogue
        classifies (its argument is a literal of the file). Model words alone (`age`,
        `expression`, `voice`) are in many files of any large ML repository."""
        if type(self).keywords is not CatalogueCallRule.keywords:
            return super().requirements_for(settings, kind)  # a rule with words of its own
        plain: dict[str, set[str]] = {}  # root module -> the called names' last spelled parts
        loaders: set[str] = set()
        for sig in self.catalogue.calls:
            if not self._signal_may_report(sig):
                continue
            root = sig.name.split(".", 1)[0].lower()
            if "*" in root:
                return None
            if sig.model_arg is not None and not sig.capabilities and sig.select is None:
                loaders.add(root)
            else:
                plain.setdefault(root, set()).add(last_spelled_part(sig.name))
        alternatives: list[tuple[tuple[str, ...], ...]] = []
        # Per imported root, the name called: `cv2` is imported by every image script, `cv2.seamlessClone`
        # is called in few, and a resolved name's parts are all spelled in the file (in the import,
        # the alias chain or the call), so its last one is a word of the file.
        for root, lasts in sorted(plain.items()):
            alternatives.append((*import_requirement([root]), tuple(sorted(lasts))))
        if loaders:
            values = tuple(f"re:{string_value_regex(p)}" for p in self.catalogue.value_patterns(loader=True))
            alternatives.append((tuple(sorted(model_keywords(self.catalogue))), import_requirement(loaders)[1], values))
        return alternatives

    def _signal_may_report(self, sig: CallSignal) -> bool:
        caps = set(sig.capabilities)
        if sig.select is not None:
            caps.update(c for c in sig.select.values.values() if c)
        if sig.model_arg is not None:
            return True
        return any(self.catalogue.capabilities[c].code == self.meta.code for c in caps)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        facts = ctx.python.facts
        operations = _operations(ctx, self.catalogue)
        vetoed: list[bool] = []  # asked only once a candidate appears: a regex over the whole file

        def non_persons() -> bool:
            if not vetoed:
                vetoed.append(about_non_persons(self.catalogue, ctx.lowered, self.meta.code))
            return vetoed[0]

        for site in facts.calls:
            if not site.qualname:
                continue
            for signal in self.catalogue.calls_for(site.qualname):
                if signal.model_arg is not None and not signal.capabilities:
                    ctx.add_fact("ai_signal", f"model loaded by {site.display}", None)
                if signal.role == "constructor" and any(op.startswith(site.qualname + ".") for op in operations):
                    continue
                found = [
                    (cap, conf, why)
                    for cap, conf, why in call_capabilities(site, signal, self.catalogue, ctx.lowered)
                    if self.catalogue.capabilities[cap].code == self.meta.code
                    # An emotion model applied to songs, lyrics or game characters judges no person.
                    and not (why.startswith(("model", "data set")) and conf is not Confidence.HIGH and non_persons())
                ]
                if not found:
                    continue
                # One finding per call site and code: the strongest capability names it.
                found.sort(key=lambda f: (self.catalogue.capabilities[f[0]].severity is None, f[1].rank), reverse=True)
                cap, confidence, why = found[0]
                capability = self.catalogue.capabilities[cap]
                detail = f" ({why})" if why else ""
                message = (
                    f"{site.display}(){detail} {capability.does}; {clause_phrase(self.catalogue, self.meta.code)}. "
                    f"Mitigation: {self.catalogue.codes[self.meta.code].advice}."
                )
                hit = ctx.python_hit(site.node, message, scope=site.scope, capability=cap, confidence=confidence, guard_purpose=self.guard_purpose or GUARD_PURPOSE.get(self.meta.code))
                ctx.add_fact("capability", cap, self.meta.code, hit.span.line if hit.span else None, "S1", confidence.value)
                yield hit
                break


def last_spelled_part(name: str) -> str:
    """The last part of a catalogue call name that is not a wildcard, lower-cased
    (`roop.*.face_swapper.*` -> `face_swapper`): a word every file that calls it holds."""
    parts = [part for part in name.split(".") if part != "*"]
    return parts[-1].lower()


def import_words(roots: Iterable[str]) -> tuple[str, ...]:
    """Words one of which a file that imports one of these modules contains: `import x`,
    `from x`, and `, x` / `,x` for `import os, x`, each ending the name (`$`: `, feat` is in
    every `f(x, feature)` of a large code base). `import_requirement` adds the exact test."""
    return tuple(word for root in sorted(roots) for word in (f"import {root}$", f"from {root}$", f"*, {root}$", f"*,{root}$"))


def import_pattern(roots: Iterable[str]) -> str:
    """A regex (for the lower-cased text) that finds an import of one of these modules as a
    whole name: `import x`, `import x.y as z`, `import a, b as c, x`, `from x.y import z`; as
    a statement, which starts a line, follows `;` or `:` (`try: import x`), or starts a notebook
    source line in JSON (after `"` or a `\\n` escape). "a typo from API" in a comment is none."""
    names = "|".join(re.escape(root.lower()) for root in sorted(roots))
    return rf"(?m)(?:^|[;:\"]|\\n)[ \t\f]*(?:import|from)[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*(?:{names})(?![\w])"


def import_requirement(roots: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two requirement groups for a file that imports one of these modules (calls resolve only
    through an import): the words of `import_words`, then the import itself (`import_pattern`)."""
    roots = sorted(roots)
    return import_words(roots), (f"re:{import_pattern(roots)}",)


def _label_words(label_set: LabelSet, common: Sequence[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """(the prefilter words of each term, the terms that may be left out, in that order)."""
    rank = {word: i for i, word in enumerate(common)}
    singles = {term for term in label_set.terms if " " not in term}
    words_of: dict[str, tuple[str, ...]] = {}
    for term in sorted(label_set.terms):
        if not term[:1].isalpha():  # `(0-2)`, `(0_2)`, `(0 2)`
            words_of[term] = tuple(term.replace(" ", sep) for sep in "-_ ")
            continue
        parts = term.split(" ")
        known = [w for w in parts if w in singles]
        words_of[term] = (known[0] if known else max(parts, key=lambda w: (w not in rank, len(w), w)),)
    droppable = sorted((t for t in singles if words_of[t][0] in rank), key=lambda t: (rank[t], t))
    return words_of, droppable


def label_count_requirement(label_set: LabelSet, common: Sequence[str] = ()) -> str | None:
    """A `distinct:` requirement: the words of several of the set's terms, not one, since a
    collection counts with `min` distinct terms. Up to `min - 1` common terms may be among
    them unseen; leaving out fewer asks for more of the rest, and the choice asking for the
    most classes is kept. None when no choice needs two."""
    words_of, droppable = _label_words(label_set, common)
    # Every word of a term starts a word where the term is written, so a term of several words
    # is shown by whichever of them sets it apart best: `east` for "east asian" and `south`
    # for "south asian", where the keywords share `asian`.
    chosen = [w for t, words in words_of.items() if " " not in t or not t[:1].isalpha() for w in words]
    for term in sorted(t for t in words_of if " " in t and t[:1].isalpha()):
        word = min(term.split(" "), key=lambda part: (sum(1 for w in chosen if w.startswith(part) or part.startswith(w)), -len(part), part))
        words_of[term] = (word,)
        chosen.append(word)
    best: tuple[int, str] | None = None
    for dropped in range(min(len(droppable), label_set.min - 1) + 1):
        left_out = set(droppable[:dropped])
        item = distinct_requirement(label_set.min - dropped, [w for t, w in words_of.items() if t not in left_out])
        if item is not None:
            needed = int(json.loads(item.partition(":")[2])[0])
            if best is None or needed >= best[0]:
                best = (needed, item)
    return None if best is None else best[1]


def label_keywords(label_set: LabelSet, common: Sequence[str] = ()) -> set[str]:
    """Prefilter words for a label set. Terms are matched after `-`, `_` and runs of whitespace
    became one space, so every word of a term starts a word in the file: a term of several words
    needs only one of them, the one the set already needs or else the longest uncommon one
    (`wing` for `right wing`: `right` is in every licence header). A collection counts with `min`
    distinct terms, so a file that counts holds a term outside any min - 1 of them: up to min - 1
    terms whose words are all `common` (`label_prefilter_common`) are left out. A term such as
    an age bucket `(0 2)` counts whole, since a bare digit would let every file through."""
    words_of, droppable = _label_words(label_set, common)
    dropped = set(droppable[: max(label_set.min - 1, 0)])
    return {w for t, words in words_of.items() if t not in dropped for w in words}


def model_keywords(catalogue: Catalogue) -> set[str]:
    words = {m.rsplit("/", 1)[-1] for m in catalogue.models}
    words.update(str(w).lower() for w in catalogue.extra.get("model_keywords", ()))
    return words


def _operations(ctx: FileContext, catalogue: Catalogue) -> set[str]:
    """Resolved names of the file's calls that a catalogue signal reads as an operation (a
    constructor whose operation is called is judged there); once per file for every call rule."""
    found = ctx.shared.get("operations")
    if found is None:
        assert ctx.python is not None
        calls_for = catalogue.calls_for
        found = ctx.shared["operations"] = {
            s.qualname for s in ctx.python.facts.calls if s.qualname and any(sig.role == "operation" for sig in calls_for(s.qualname))
        }
    return found


def consumed_literals(facts: PythonModule, catalogue: Catalogue) -> set[int]:
    """ids of string nodes already judged as a model-loader argument (by the call rules)."""
    out: set[int] = set()
    for site in facts.calls:
        if not site.qualname:
            continue
        if any(sig.model_arg is not None for sig in catalogue.calls_for(site.qualname)):
            out.update(id(n) for n in site.arg_nodes)
            out.update(id(n) for n in site.literal_origins)
    return out


class ArtefactLiteralRule(PythonRule):
    """String literals naming a model id, weight file or data set that carries a capability."""

    def keywords(self) -> Iterable[str] | None:
        words = model_keywords(self.catalogue)
        words.update(str(w).lower() for w in self.catalogue.extra.get("dataset_keywords", ()))
        return words

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """A model or data-set word, then a string the catalogue would classify (`age` is in
        many files; `age_net.caffemodel` or `vit-age-classifier` in few)."""
        words = self.keywords_for(settings)
        if words is None:
            return None
        return [(tuple(sorted(words)), tuple(f"re:{p}" for p in self.catalogue.value_patterns(loader=False)))]

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        vetoed: bool | None = None  # the veto is a regex over the whole file: asked once needed
        for lit, names in artefact_candidates(ctx, self.catalogue):
            found = next(filter(None, map(self.classify, names)), None)
            if found is None:
                continue
            cap, what, value = found
            capability = self.catalogue.capabilities[cap]
            if vetoed is None:
                vetoed = about_non_persons(self.catalogue, ctx.lowered, self.meta.code)
            if vetoed:
                return  # model and data names in music, game or speech-synthesis code
            message = f"{what} {value!r} shows the system {capability.does}; {clause_phrase(self.catalogue, self.meta.code)}."
            message += f" Mitigation: {self.catalogue.codes[self.meta.code].advice}."
            hit = ctx.python_hit(lit.node, message, scope=lit.scope, capability=cap, confidence=Confidence.MEDIUM, severity=artefact_severity(capability.severity))
            ctx.add_fact("capability", cap, self.meta.code, hit.span.line if hit.span else None, "S2", "medium")
            yield hit

    def classify(self, value: str) -> tuple[str, str, str] | None:
        """(capability, what the string is, the string) when `value` names a model, weight file
        or data set whose capability is this rule's code; the text fallback asks the same."""
        match = self.catalogue.classify_model(value, loader=False)
        if match is not None:
            found = match.capability, "Model" if "/" in value and "." not in value.rsplit("/", 1)[-1] else "Model file"
        else:
            ds = self.catalogue.classify_dataset(value)
            found = None if ds is None else (ds.capability, f"Data set {ds.name} in")
        if found is None or self.catalogue.capabilities[found[0]].code != self.meta.code:
            return None
        return found[0], found[1], value


def artefact_candidates(ctx: FileContext, catalogue: Catalogue) -> list[tuple[StringLiteral, list[str]]]:
    """The string literals of a Python file that may name a model, weight file or data set,
    each with those names (`named_artefacts`): not a model loader's argument (the call rules
    judge those), not in a documentation decorator, not prose. The same for KZ305, KZ306 and
    KZ307, so computed once per file (`FileContext.shared`): three walks over every literal
    were ~5 % of a worst-case scan."""
    found = ctx.shared.get("artefact_candidates")
    if found is None:
        assert ctx.python is not None
        facts = ctx.python.facts
        consumed = consumed_literals(facts, catalogue)
        found = []
        for lit in itertools.chain(facts.strings, facts.fstring_texts):
            if id(lit.node) in consumed or in_documentation_decorator(lit.ancestors, catalogue):
                continue
            triple = _triple_quoted(lit)
            if triple and not isinstance(lit.node, cst.SimpleString):
                continue  # a piece of a multi-line f-string is prose
            names = named_artefacts(lit.value, catalogue, one_line=not triple)
            if names:
                found.append((lit, names))
        ctx.shared["artefact_candidates"] = found
    return found


def _triple_quoted(lit: StringLiteral) -> bool:
    """A docstring-like literal: triple-quoted (an f-string's text piece: its f-string is)."""
    node = lit.node
    if isinstance(node, cst.SimpleString):
        return node.quote in ('"""', "'''")
    parent = lit.ancestors[-1] if lit.ancestors else None
    return isinstance(parent, cst.FormattedString) and parent.start.endswith(('"""', "'''"))


_SPACE = re.compile(r"\s")
_COMMAND_WORD = re.compile(r"[^\s=,;'\"`()\[\]]+")


def named_artefacts(value: str, catalogue: Catalogue, *, one_line: bool = True) -> list[str]:
    """The strings of a literal that may name a model, weight file or data set: the literal
    itself when it is one word; in a one-line string with spaces (a shell command, `python
    inference.py --checkpoint_path checkpoints/wav2lip_gan.pth`), its words that are weight-file
    names. Prose (docstrings, multi-line strings) names no file this way."""
    value = value.strip()
    if not value:
        return []
    if _SPACE.search(value) is None:  # `\s` is `str.isspace`, without a call per character
        return [value]
    if not one_line or "\n" in value:
        return []
    return [word for word in _COMMAND_WORD.findall(value) if catalogue.is_weight_file(word.lower())]


def in_documentation_decorator(ancestors: Sequence[cst.CSTNode], catalogue: Catalogue) -> bool:
    """Whether a node is an argument of a decorator that only renders documentation (the
    catalogue's `documentation_decorators`, searched in the decorator's lower-cased name)."""
    pattern = catalogue.extra.get("documentation_decorators")
    if not pattern:
        return False
    decorator = cst.Decorator
    for node in ancestors:
        if type(node) is decorator:  # asked for every literal: no ABC isinstance per ancestor
            target = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
            name = target.attr.value if isinstance(target, cst.Attribute) else target.value if isinstance(target, cst.Name) else ""
            if name and regex_cache.compile(str(pattern)).search(name.lower()):
                return True
    return False


def artefact_severity(cap_severity: Severity | None) -> Severity:
    """An artefact names a capability without using it: never above a warning."""
    return Severity.INFO if cap_severity is Severity.INFO else Severity.WARNING


def code_label_keywords(catalogue: Catalogue, code: str) -> set[str]:
    """Prefilter words of every label set whose capability has `code` (`label_keywords`)."""
    common = catalogue.extra.get("label_prefilter_common", ())
    words: set[str] = set()
    for ls in catalogue.label_sets:
        if catalogue.capabilities[ls.capability].code == code:
            words.update(label_keywords(ls, common))
    return words


class LabelVocabularyRule(PythonRule):
    """A list/tuple/set/dict/enum of labels reaching a label set's minimum overlap."""

    def keywords(self) -> Iterable[str] | None:
        return {word for alternative in self.requirements_for(None, None) for word in alternative[0]}

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """A set whose context is `biometric` counts only in a file with face or voice input
        (`context_allows`): its label words and a biometric word (`white`, `asian` or `indian`
        alone are in many files that have no face in view)."""
        common = self.catalogue.extra.get("label_prefilter_common", ())
        biometric = biometric_requirement(self.catalogue)
        alternatives: list[tuple[tuple[str, ...], ...]] = []
        for ls in self.catalogue.label_sets:
            if self.catalogue.capabilities[ls.capability].code != self.meta.code:
                continue
            words = tuple(sorted(label_keywords(ls, common)))
            count = label_count_requirement(ls, common)
            alternative: tuple[tuple[str, ...], ...] = (words,) if count is None else (words, (count,))
            alternatives.append((*alternative, biometric) if ls.context == "biometric" and biometric else alternative)
        return alternatives

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        lowered = ctx.lowered
        for coll in ctx.python.facts.collections:
            for label_set, terms in self.catalogue.label_matches(coll.items):
                capability = self.catalogue.capabilities[label_set.capability]
                if capability.code != self.meta.code or not context_allows(self.catalogue, label_set.context, lowered):
                    continue
                named = f"{coll.name} " if coll.name else ""
                message = (
                    f"Label vocabulary {named}holds {len(terms)} {label_set.name} classes ({', '.join(sorted(terms)[:7])}): the model "
                    f"{capability.does}; {clause_phrase(self.catalogue, self.meta.code)}. Mitigation: {self.catalogue.codes[self.meta.code].advice}."
                )
                hit = ctx.python_hit(coll.node, message, scope=coll.scope + (f".{coll.name}" if coll.name else ""), capability=label_set.capability, confidence=Confidence.MEDIUM, severity=artefact_severity(capability.severity))
                ctx.add_fact("capability", label_set.capability, self.meta.code, hit.span.line if hit.span else None, "S2", "medium")
                yield hit
                break


def biometric_requirement(catalogue: Catalogue) -> tuple[str, ...]:
    """A requirement group that every text in a biometric context holds: the `biometric_context`
    regex itself, as `context_allows` searches it (`*face` words matched `huggingface`, which the
    regex's look-behind excludes, in every file of a Hugging Face code base)."""
    return (f"re:(?i:{catalogue.biometric_context.pattern})",)


def context_allows(catalogue: Catalogue, context: str, lowered_text: str) -> bool:
    """Clause map 11's context gates: label sets need an ML or biometric context and must not
    describe music, games or speech generation."""
    if about_non_persons(catalogue, lowered_text):
        return False
    if context == "biometric":
        return regex_cache.for_lowered(catalogue.biometric_context, lowered_text).search(lowered_text) is not None
    if context == "ml":
        return regex_cache.for_lowered(catalogue.ml_context, lowered_text).search(lowered_text) is not None
    return True


def about_non_persons(catalogue: Catalogue, lowered_text: str, code: str | None = None) -> bool:
    """Text about music, games or speech synthesis, where emotion words describe no person.

    The veto is for emotion signals (KZ306; `code=None` applies it to label sets of any code):
    voice cloning and lip-sync code (KZ307) always speaks of TTS and vocoders. It is lifted when
    the same text captures a person's face or voice (`person_input_context` in labels.yaml, e.g.
    a webcam emotion detector that recommends songs).
    """
    if code is not None and code != "KZ306":
        return False
    key = (id(catalogue), lowered_text)  # several rules ask about the same file; str hashes are cached
    if key not in _NON_PERSON_CACHE:
        if len(_NON_PERSON_CACHE) > 32:
            _NON_PERSON_CACHE.clear()
        _NON_PERSON_CACHE[key] = _about_non_persons(catalogue, lowered_text)
    return _NON_PERSON_CACHE[key]


_NON_PERSON_CACHE: dict[tuple[int, str], bool] = {}


def _about_non_persons(catalogue: Catalogue, lowered_text: str) -> bool:
    if regex_cache.for_lowered(catalogue.not_person_context, lowered_text).search(lowered_text) is None:
        return False
    person_input = _person_input_rx(str(catalogue.extra.get("person_input_context", "")))
    return person_input is None or regex_cache.for_lowered(person_input, lowered_text).search(lowered_text) is None


@functools.lru_cache(maxsize=8)
def _person_input_rx(pattern: str) -> re.Pattern[str] | None:
    return regex_cache.compile(pattern, re.IGNORECASE) if pattern else None


def node_text(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def literal_value(value: Any) -> Any:
    return None if value is UNKNOWN or value is MISSING else value
