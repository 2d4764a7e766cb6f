"""The detection catalogue: codes, capabilities, call signals, model ids, datasets, label sets.

Knowledge lives in the YAML files beside this module so that new libraries, model ids and label
vocabularies are added as data, not as if-chains in rules. The loader validates every entry into
frozen dataclasses and rejects unknown keys, so a typo in the catalogue fails loudly in tests.
Plugins can extend the catalogue with the same YAML shape (`extend`).

Start-up cost (issue 7): the parsed YAML is kept in the startup index (`startup_index`, keyed by
the files' sizes and mtimes), so a run parses no YAML and imports no `yaml`; patterns compile
through `regex_cache`, whose opcodes come from the same index.
"""
from __future__ import annotations

import fnmatch
import functools
import marshal
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from kzai_lint import regex_cache
from kzai_lint.digest import blake2b
from kzai_lint.model import Severity

CATALOGUE_VERSION = "2026.11.27"


class CatalogueError(ValueError):
    """A catalogue file is malformed (unknown key, unknown capability, bad pattern)."""


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a finding code (KZ3xx...) means: its Article 17 clause, title and default severity."""

    code: str
    clause: str | None  # None for KZ0xx: about kzai-lint's own inputs, not an Article 17 clause
    title: str
    severity: Severity
    hooks: tuple[str, ...]
    advice: str = ""


@dataclass(frozen=True, slots=True)
class Capability:
    """A regulated capability (emotion recognition, face swap...) that signals point to, with its code."""

    name: str
    code: str
    does: str
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class ArgSelect:
    """Capabilities chosen by a call argument (e.g. DeepFace.analyze `actions`)."""

    arg: str
    position: int | None
    values: Mapping[str, str | None]
    default: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArgRef:
    """The argument naming what a loader loads; `kind` says whether it names a model or a data set."""

    arg: str
    position: int | None
    kind: str = "model"


@dataclass(frozen=True, slots=True)
class CallSignal:
    """A library call (by qualified name) and the capabilities it gives, maybe only with some arguments."""

    name: str
    role: str
    capabilities: tuple[str, ...] = ()
    select: ArgSelect | None = None
    model_arg: ArgRef | None = None
    unless: Mapping[str, Any] = field(default_factory=dict)
    when_kwarg: str | None = None
    verified_in: str = ""
    #: a regex the lower-cased file must hold for the call to count (a generic call such as
    #: OpenCV's `seamlessClone` is a face swap only next to face landmarks)
    requires: str | None = None

    @property
    def is_pattern(self) -> bool:
        return "*" in self.name


@dataclass(frozen=True, slots=True)
class ModelPattern:
    """A model-id or weight-file pattern; `loader_only` ones count only as a loading call's argument."""

    regex: re.Pattern[str]
    capability: str
    loader_only: bool = False


@dataclass(frozen=True, slots=True)
class DatasetSignal:
    """A data set whose use implies a capability (FER2013: emotion recognition)."""

    name: str
    regex: re.Pattern[str]
    capability: str
    ids_only: bool = False


@dataclass(frozen=True, slots=True)
class LabelSet:
    """A label vocabulary (emotions, races...) that a class list must overlap by `min` terms."""

    name: str
    capability: str
    min: int
    context: str
    terms: frozenset[str]


@dataclass(frozen=True, slots=True)
class ModelMatch:
    """The capability a string names as a model, and whether it named an exact catalogued id."""

    capability: str
    exact: bool
    source: str


@dataclass(frozen=True)
class Catalogue:
    """All detection knowledge as data (libraries, model ids, data sets, label sets), so rules hold no lists."""

    codes: Mapping[str, CodeInfo]
    capabilities: Mapping[str, Capability]
    calls: tuple[CallSignal, ...]
    models: Mapping[str, str]
    model_patterns: tuple[ModelPattern, ...]
    exclude_patterns: tuple[re.Pattern[str], ...]
    weight_extensions: frozenset[str]
    datasets: tuple[DatasetSignal, ...]
    label_sets: tuple[LabelSet, ...]
    biometric_context: re.Pattern[str]
    ml_context: re.Pattern[str]
    not_person_context: re.Pattern[str]
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ---- look-ups used by rules -------------------------------------------------------------
    def code_info(self, code: str) -> CodeInfo:
        return self.codes[code]

    def capability(self, name: str) -> Capability:
        return self.capabilities[name]

    @functools.cached_property
    def _exact_calls(self) -> dict[str, tuple[CallSignal, ...]]:
        table: dict[str, list[CallSignal]] = {}
        for sig in self.calls:
            if not sig.is_pattern:
                table.setdefault(sig.name, []).append(sig)
        return {k: tuple(v) for k, v in table.items()}

    @functools.cached_property
    def _pattern_calls(self) -> tuple[tuple[re.Pattern[str], CallSignal], ...]:
        out = []
        for sig in self.calls:
            if sig.is_pattern:
                rx = re.escape(sig.name).replace(r"\*", r"[\w.]+")
                out.append((regex_cache.compile(rx + r"\Z"), sig))
        return tuple(out)

    @functools.cached_property
    def _dataset_gate(self) -> re.Pattern[str] | None:
        """One regex of the strings one of which every match of some data set's pattern contains
        (`requirements.pattern_literals`), so that a string that holds none (most strings of a
        file) costs one search, not one per data set (~40 searches each were ~1 % of a
        worst-case scan). An alternation of plain strings lets `re` skip to where one can start.
        For ASCII strings only, which case folding cannot change (every pattern must be
        case-free); None when a pattern has no such strings."""
        from kzai_lint.requirements import pattern_literals

        words: set[str] = set()
        for ds in self.datasets:
            found = pattern_literals(ds.regex.pattern) if regex_cache.case_free(ds.regex.pattern) else None
            if not found:
                return None
            words.update(found)
        return regex_cache.compile("|".join(re.escape(w) for w in sorted(words))) if words else None

    @functools.cached_property
    def _memo(self) -> dict[tuple[Any, ...], Any]:
        """Answers of the look-ups below, by argument: every rule asks about every call and
        string of a file, and the same names and strings recur across a tree's files."""
        return {}

    def _remember(self, key: tuple[Any, ...], answer: Any) -> Any:
        memo = self._memo
        if len(memo) > 50_000:  # bounded: a worker scans arbitrarily many files
            memo.clear()
        memo[key] = answer
        return answer

    def calls_for(self, qualname: str) -> tuple[CallSignal, ...]:
        """Call signals whose name matches a resolved dotted call name."""
        key = ("call", qualname)
        found = self._memo.get(key)
        if found is None:
            hits = list(self._exact_calls.get(qualname, ()))
            hits.extend(sig for rx, sig in self._pattern_calls if rx.match(qualname))
            found = self._remember(key, tuple(hits))
        return found

    def classify_model(self, value: str, *, loader: bool) -> ModelMatch | None:
        """Capability of a model id, hub id or weight file name, if it carries one.

        `loader` says the string was passed to a model-loading call, which admits the broad
        patterns; a bare string needs an exact id, a hub-like id or a weight file name.
        """
        key = ("model", value, loader)
        memo = self._memo
        if key in memo:
            return memo[key]
        return self._remember(key, self._classify_model(value, loader=loader))

    def _classify_model(self, value: str, *, loader: bool) -> ModelMatch | None:
        text = value.strip()
        for prefix in ("hf-hub:", "hf_hub:", "hf://", "https://huggingface.co/"):
            if text.lower().startswith(prefix):
                text = text[len(prefix):]
        key = text.lower().rstrip("/")
        if key in self.models:
            return ModelMatch(self.models[key], True, text)
        if not text or len(text) > 300 or "\n" in text:
            return None
        tail = key.rsplit("/", 1)[-1]
        if "/" in key and tail in self.models and "/" not in tail:
            # a model-zoo id at the end of a local path (`./intel/age-gender-recognition-retail-0013/FP16/age-gender-recognition-retail-0013`)
            return ModelMatch(self.models[tail], True, text)
        if any(rx.search(key) for rx in self.exclude_patterns):
            return None
        ext = tail.rsplit(".", 1)[-1] if "." in tail else ""
        is_weight_file = self.is_weight_file(tail)
        is_hub_id = bool(_HUB_ID.match(text)) and (not ext or ext.isdigit() or len(ext) > 5)
        if not (loader or is_weight_file or is_hub_id):
            return None
        for pat in self.model_patterns:
            if pat.loader_only and not loader:
                continue
            if pat.regex.search(tail):
                return ModelMatch(pat.capability, False, text)
        return None

    def is_weight_file(self, name: str) -> bool:
        """Whether a (lower-cased) file name has a model-weight extension (`.onnx`, `.pth`...,
        and PyTorch's old `.pth.tar` checkpoint convention)."""
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        return ext in self.weight_extensions or name.endswith((".pth.tar", ".pt.tar", ".ckpt.tar"))

    def classify_dataset(self, value: str, *, as_id: bool = False) -> DatasetSignal | None:
        key = ("dataset", value, as_id)
        memo = self._memo
        if key in memo:
            return memo[key]
        return self._remember(key, self._classify_dataset(value, as_id=as_id))

    def _classify_dataset(self, value: str, *, as_id: bool) -> DatasetSignal | None:
        text = value.strip().lower()
        if not text or len(text) > 300:
            return None
        gate = self._dataset_gate
        if gate is not None and text.isascii() and gate.search(text) is None:
            return None  # every data set's pattern would match one of the gate's strings
        for ds in self.datasets:
            if ds.ids_only and not as_id:
                continue
            if ds.regex.search(text):
                return ds
        return None

    def label_matches(self, terms: Iterable[str]) -> list[tuple[LabelSet, frozenset[str]]]:
        """Label sets reaching their minimum overlap with these terms."""
        normalised = {_norm_label(t) for t in terms if isinstance(t, str)}
        normalised.discard("")
        out = []
        for ls in self.label_sets:
            hit = frozenset(normalised & ls.terms)
            if len(hit) >= ls.min:
                out.append((ls, hit))
        return out

    def value_patterns(self, *, loader: bool) -> tuple[str, ...]:
        """Regexes one of which every string that `classify_model` / `classify_dataset` give a
        capability (as a loader's argument, or a bare string) matches in the lower-cased file
        holding it: exact ids, and the patterns without their `^`/`$` anchors, since the value
        sits between quotes in the file. For the prefilter's second stage (`requirements`)."""
        out = [re.escape(model_id) for model_id in self.models]
        out.extend(_without_optional_edges(_unanchored(p.regex.pattern)) for p in self.model_patterns if loader or not p.loader_only)
        out.extend(_without_optional_edges(_unanchored(ds.regex.pattern)) for ds in self.datasets if loader or not ds.ids_only)
        return tuple(out)

    @functools.cached_property
    def keywords(self) -> frozenset[str]:
        """Literal strings any catalogue signal needs; feeds the prefilter."""
        words: set[str] = set()
        for sig in self.calls:
            root = sig.name.split(".", 1)[0]
            words.add(root.lower())
        for model_id in self.models:
            words.add(model_id.rsplit("/", 1)[-1])
        return frozenset(words)


_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}/[A-Za-z0-9][\w.\-]{0,95}$")


def _regex_pieces(pattern: str) -> Iterator[tuple[int, str, bool]]:
    """(position, piece, inside a character class) of a regex: an escape (`\\x`) is one piece,
    and a class's opening (`[`, `[^`, with a leading `]` that is a literal) is one piece. The
    one reading of the syntax that the pattern rewrites below share."""
    i, in_class = 0, False
    while i < len(pattern):
        if pattern[i] == "\\":
            piece = pattern[i : i + 2]
        elif not in_class and pattern[i] == "[":
            piece = "[^" if pattern.startswith("[^", i) else "["
            if pattern.startswith("]", i + len(piece)):
                piece += "]"
            yield i, piece, False
            i, in_class = i + len(piece), True
            continue
        else:
            piece = pattern[i]
        yield i, piece, in_class
        if in_class and piece == "]":
            in_class = False
        i += len(piece)


def _unanchored(pattern: str) -> str:
    """`pattern` without its `^` and `$` anchors (a character class's `^` stays): it then
    matches wherever the anchored one matched in a part of the text, and more."""
    return "".join(piece for _, piece, in_class in _regex_pieces(pattern) if in_class or piece not in ("^", "$"))


def _without_optional_edges(pattern: str) -> str:
    """`pattern` without a leading or trailing group that may match nothing (`(|[^a-z])` once
    its anchor is gone): such an edge only narrows where a match may start or end, and a
    pattern that starts with it makes `re` try every position of the text."""
    groups = _top_level_groups(pattern)
    if groups and groups[0][0] == 0:
        end = groups[0][1]
        if pattern[end + 1 : end + 2] in ("?", "*") and pattern[end + 2 : end + 3] not in ("?", "+"):
            return _without_optional_edges(pattern[end + 2 :])  # `(dair-ai/)?emotion`
        if _may_be_empty(pattern[1:end]):
            return _without_optional_edges(pattern[end + 1 :])
    if groups and groups[-1][1] == len(pattern) - 1 and _may_be_empty(pattern[groups[-1][0] + 1 : -1]):
        return _without_optional_edges(pattern[: groups[-1][0]])
    return pattern


def _top_level_groups(pattern: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level `( ... )`."""
    out: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, piece, in_class in _regex_pieces(pattern):
        if in_class:
            continue
        if piece == "(":
            start = i if depth == 0 else start
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0:
                out.append((start, i))
    return out


def _may_be_empty(body: str) -> bool:
    """A group body with an empty top-level alternative (`|x`, `x|`)."""
    body = body[2:] if body.startswith("?:") else body
    depth, length = 0, 0  # nesting, and the length of the current top-level alternative
    for _, piece, in_class in _regex_pieces(body):
        if not in_class and piece == "|" and depth == 0:
            if length == 0:
                return True
            length = 0
            continue
        if not in_class:
            depth += {"(": 1, ")": -1}.get(piece, 0)
        length += 1
    return length == 0


def _norm_label(term: str) -> str:
    t = term.strip().lower().replace("-", " ").replace("_", " ")
    return " ".join(t.split())


def _check_keys(where: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _compile(where: str, pattern: str) -> re.Pattern[str]:
    try:
        return regex_cache.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CatalogueError(f"{where}: bad pattern {pattern!r}: {exc}") from exc


def _arg_ref(where: str, data: Mapping[str, Any]) -> ArgRef:
    _check_keys(where, data, {"arg", "position", "kind"})
    kind = str(data.get("kind", "model"))
    if kind not in ("model", "dataset"):
        raise CatalogueError(f"{where}: kind must be model or dataset")
    return ArgRef(str(data["arg"]), data.get("position"), kind)


def _call(where: str, data: Mapping[str, Any]) -> CallSignal:
    _check_keys(
        where,
        data,
        {"name", "role", "capabilities", "select", "model_arg", "unless", "when_kwarg", "verified_in", "requires"},
    )
    if "requires" in data:
        try:
            regex_cache.compile(str(data["requires"]))  # the pattern call_capabilities searches
        except re.error as exc:
            raise CatalogueError(f"{where}.requires: not a regular expression: {exc}") from exc
    select = None
    if "select" in data:
        s = data["select"]
        _check_keys(where + ".select", s, {"arg", "position", "values", "default"})
        select = ArgSelect(
            str(s["arg"]),
            s.get("position"),
            {str(k): (None if v is None else str(v)) for k, v in (s.get("values") or {}).items()},
            tuple(str(x) for x in s.get("default") or ()),
        )
    role = str(data.get("role", "operation"))
    if role not in ("operation", "constructor"):
        raise CatalogueError(f"{where}: role must be operation or constructor")
    return CallSignal(
        name=str(data["name"]),
        role=role,
        capabilities=tuple(data.get("capabilities") or ()),
        select=select,
        model_arg=_arg_ref(where + ".model_arg", data["model_arg"]) if "model_arg" in data else None,
        unless=dict(data.get("unless") or {}),
        when_kwarg=data.get("when_kwarg"),
        verified_in=str(data.get("verified_in", "")),
        requires=str(data["requires"]) if "requires" in data else None,
    )


_SECTIONS = {
    "codes",
    "capabilities",
    "calls",
    "models",
    "model_patterns",
    "exclude_patterns",
    "weight_extensions",
    "datasets",
    "label_sets",
    "biometric_context",
    "ml_context",
    "not_person_context",
}


def _merge(raw: dict[str, Any], doc: Mapping[str, Any], where: str, extra_sections: set[str]) -> None:
    for key, value in doc.items():
        if key not in _SECTIONS and key not in extra_sections:
            raise CatalogueError(f"{where}: unknown section {key!r}")
        if isinstance(value, dict):
            raw.setdefault(key, {}).update(value)
        elif isinstance(value, list):
            raw.setdefault(key, []).extend(value)
        else:
            raw[key] = value


def build(raw: Mapping[str, Any]) -> Catalogue:
    """Validate merged raw YAML into a Catalogue."""
    codes = {}
    for code, info in (raw.get("codes") or {}).items():
        _check_keys(f"codes.{code}", info, {"clause", "title", "severity", "hooks", "advice"})
        clause = info["clause"]
        if clause is not None and not isinstance(clause, str):
            raise CatalogueError(f"codes.{code}: clause must be a string such as 17(3)(6) or null")
        codes[code] = CodeInfo(code, clause, info["title"], Severity(info["severity"]), tuple(info.get("hooks") or ()), str(info.get("advice", "")))
    caps = {}
    for name, info in (raw.get("capabilities") or {}).items():
        _check_keys(f"capabilities.{name}", info, {"code", "does", "severity"})
        if info["code"] not in codes:
            raise CatalogueError(f"capabilities.{name}: unknown code {info['code']}")
        sev = Severity(info["severity"]) if info.get("severity") else None
        caps[name] = Capability(name, info["code"], info["does"], sev)

    def need_cap(where: str, cap: str | None) -> None:
        if cap is not None and cap not in caps:
            raise CatalogueError(f"{where}: unknown capability {cap!r}")

    calls = []
    for i, entry in enumerate(raw.get("calls") or []):
        sig = _call(f"calls[{i}] {entry.get('name')}", entry)
        for cap in sig.capabilities:
            need_cap(sig.name, cap)
        if sig.select:
            for cap in sig.select.values.values():
                need_cap(sig.name, cap)
        calls.append(sig)
    models = {}
    for model_id, info in (raw.get("models") or {}).items():
        _check_keys(f"models.{model_id}", info, {"capability", "source"})
        need_cap(model_id, info["capability"])
        models[str(model_id).lower()] = info["capability"]
    patterns = []
    for i, entry in enumerate(raw.get("model_patterns") or []):
        _check_keys(f"model_patterns[{i}]", entry, {"pattern", "capability", "loader_only"})
        need_cap(f"model_patterns[{i}]", entry["capability"])
        patterns.append(ModelPattern(_compile(f"model_patterns[{i}]", entry["pattern"]), entry["capability"], bool(entry.get("loader_only"))))
    datasets = []
    for i, entry in enumerate(raw.get("datasets") or []):
        _check_keys(f"datasets[{i}]", entry, {"name", "pattern", "capability", "ids_only"})
        need_cap(entry["name"], entry["capability"])
        datasets.append(DatasetSignal(entry["name"], _compile(entry["name"], entry["pattern"]), entry["capability"], bool(entry.get("ids_only"))))
    label_sets = []
    for name, entry in (raw.get("label_sets") or {}).items():
        _check_keys(f"label_sets.{name}", entry, {"capability", "min", "context", "terms"})
        need_cap(name, entry["capability"])
        label_sets.append(LabelSet(name, entry["capability"], int(entry["min"]), str(entry.get("context", "ml")), frozenset(_norm_label(t) for t in entry["terms"])))
    extra = {k: v for k, v in raw.items() if k not in _SECTIONS and k != "x-sections"}
    return Catalogue(
        codes=codes,
        capabilities=caps,
        calls=tuple(calls),
        models=models,
        model_patterns=tuple(patterns),
        exclude_patterns=tuple(_compile("exclude_patterns", p) for p in raw.get("exclude_patterns") or ()),
        weight_extensions=frozenset(str(x).lower() for x in raw.get("weight_extensions") or ()),
        datasets=tuple(datasets),
        label_sets=tuple(label_sets),
        biometric_context=_compile("biometric_context", raw.get("biometric_context", "(?!x)x")),
        ml_context=_compile("ml_context", raw.get("ml_context", "(?!x)x")),
        not_person_context=_compile("not_person_context", raw.get("not_person_context", "(?!x)x")),
        extra=extra,
    )


EXTRA_SECTIONS: set[str] = set()
"""Sections that rule modules register for their own data (e.g. prose phrases, PII columns)."""


def register_section(name: str) -> None:
    """Let a rule family keep its own data in the catalogue under a new top-level key."""
    EXTRA_SECTIONS.add(name)


def builtin_raw() -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name, doc in _fresh_documents():  # fresh objects: `_merge` shares them
        _merge(raw, doc, name, EXTRA_SECTIONS | _known_extra_sections(doc))
    return raw


def builtin_digest() -> str:
    """A hash of the shipped catalogue files (part of the result cache's key)."""
    return _builtin_documents()[0]


def _fresh_documents() -> list[tuple[str, Any]]:
    _, codec, blob = _builtin_documents()
    if codec == "marshal":
        return marshal.loads(blob)  # type: ignore[no-any-return]
    import pickle  # our own bytes (a document marshal could not hold), made in this process

    return pickle.loads(blob)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _builtin_documents() -> tuple[str, str, bytes]:
    """(digest, codec, the parsed files): from the startup index, else parsed here."""
    from kzai_lint import startup_index

    indexed = startup_index.get("catalogue/documents", _indexable_documents)
    if indexed is not None:
        return indexed[0], "marshal", indexed[1]
    import pickle

    digest, docs = _parse_documents()
    return digest, "pickle", pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)


def _indexable_documents() -> tuple[str, bytes] | None:
    digest, docs = _parse_documents()
    try:
        return digest, marshal.dumps(docs)
    except ValueError:  # e.g. a YAML date: not a plain value, parsed every run instead
        return None


def _catalogue_files() -> list[tuple[str, str]]:
    """(name, text) of codes.yaml and signals/*.yaml, in merge order."""
    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.isfile(os.path.join(here, "codes.yaml")):
        signals = os.path.join(here, "signals")
        names = sorted(n for n in os.listdir(signals) if n.endswith(".yaml"))
        paths = [os.path.join(here, "codes.yaml"), *(os.path.join(signals, n) for n in names)]
        out = []
        for path in paths:
            with open(path, encoding="utf-8") as fh:
                out.append((os.path.basename(path), fh.read()))
        return out
    from importlib import resources  # not on disk (a zip): the package's resources

    base = resources.files(__name__)
    files = [base / "codes.yaml"] + sorted((p for p in (base / "signals").iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def _parse_documents() -> tuple[str, list[tuple[str, Any]]]:
    """The shipped YAML files, parsed (libyaml when available: 8x faster), and their digest."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    digest = blake2b(digest_size=16)
    docs = []
    for name, text in _catalogue_files():
        digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
        docs.append((name, yaml.load(text, Loader=loader) or {}))
    return digest.hexdigest(), docs


def _known_extra_sections(doc: Mapping[str, Any]) -> set[str]:
    """A signals file may add sections of its own by naming them in its `x-sections` list."""
    return set(doc.get("x-sections") or ()) | ({"x-sections"} if "x-sections" in doc else set())


@functools.lru_cache(maxsize=1)
def load() -> Catalogue:
    """The built-in catalogue (cached per process)."""
    catalogue = build(builtin_raw())
    catalogue.__dict__["_identity"] = builtin_digest()
    return catalogue


def extend(base: Catalogue | None, extension: Mapping[str, Any]) -> Catalogue:
    """A catalogue with a plugin's extension merged in (same YAML shape as the built-in files).
    The base is always the built-in catalogue (`load()`); None says so without building it."""
    raw = builtin_raw()
    _merge(raw, extension, "extension", EXTRA_SECTIONS | _known_extra_sections(extension))
    catalogue = build(raw)
    from kzai_lint.canonical import canonical

    text = builtin_digest() + "\0" + repr(canonical(extension))
    catalogue.__dict__["_identity"] = blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return catalogue


def read_extension(path: str | os.PathLike[str]) -> Any:
    """A catalogue extension file (YAML in the shape of the built-in files), parsed.

    A rule pack may name its file instead of parsing it at import: then a run that finds the
    file unchanged (same path, size and mtime) takes the parsed data from the startup index and
    imports no YAML parser, which costs more than the rest of a small pre-commit run."""
    from kzai_lint import startup_index

    path = os.path.abspath(os.fspath(path))
    info = os.stat(path)
    key = blake2b(f"{path}\0{info.st_size}\0{info.st_mtime_ns}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return startup_index.get(f"catalogue/extension/{key}", lambda: _parse_extension(path))


def _parse_extension(path: str) -> Any:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def identity(catalogue: Catalogue) -> str | None:
    """A hash of what a catalogue was made from (the shipped files, and the extension merged in
    by `extend`); None for one `build` made from other data. Equal hashes, equal catalogues: the
    startup index keys what rules compute from a catalogue by it."""
    found = catalogue.__dict__.get("_identity")
    return found if isinstance(found, str) else None


def match_glob(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)
