"""Stand-ins for the built-in rule classes, so a run imports a rule's module only when it runs it.

Importing the 40 modules of `kzai_lint.rules` costs ~0.15 s, but most runs need few of them: a
warm run from the cache, or a pre-commit run whose files the prefilter rejects, needs only the
rules' metadata and keywords, and the repository-level rules. The startup index
(`startup_index`) keeps one *record* per built-in rule class: where it lives, its `RuleMeta`,
its docstring, and its keywords for the built-in catalogue without options.

`stand_in(record)` is a subclass of the rule's base (`PythonRule`, `DocumentRule`, `RepoRule`)
with that metadata, under the real class's module and name. Its instances answer `meta`,
`keywords`, `keywords_for` (from the record when the rule does not override `keywords_for` and
runs with the built-in catalogue and no options; otherwise from the real rule) and `doc`. Any
other use (`check`, an attribute only the real class has, pickling) *resolves* the instance in
place: its class becomes the real class and the real `__init__` runs with the same catalogue and
options, so the object afterwards is exactly a real rule instance (`isinstance` included) and
the engine's tuples of rules need not change. `resolve` does the same ahead of time (before a
file of that kind is analysed, before workers fork).
"""
from __future__ import annotations

import importlib
from typing import Any, Iterable, Sequence

from kzai_lint.model import Confidence, FileKind, Severity
from kzai_lint.rule import DocumentRule, PythonRule, RepoRule, Rule, RuleMeta

__all__ = ["is_stand_in", "record_of", "records", "resolve", "resolve_all", "stand_in"]

_BASES: dict[str, type[Rule]] = {"python": PythonRule, "document": DocumentRule, "repo": RepoRule}
_MARK = "_kz_record"

Record = tuple[Any, ...]
"""(module, qualname, base, id, code, kinds, confidence, severity, tags, since,
keywords_from_catalogue, doc, keywords or None, keywords static?) - marshal-able values only."""


def _base_of(cls: type[Rule]) -> str:
    for name, base in _BASES.items():
        if issubclass(cls, base):
            return name
    raise TypeError(f"{cls!r} is not a PythonRule, DocumentRule or RepoRule")


def record_of(cls: type[Rule], catalogue: Any) -> Record:
    """The record of a real rule class (its keywords computed with `catalogue`, no options)."""
    meta = cls.meta
    static = cls.keywords_for is Rule.keywords_for
    keywords = None
    if static:
        words = cls(catalogue, None).keywords()
        keywords = None if words is None else sorted(set(words))
    return (
        cls.__module__,
        cls.__qualname__,
        _base_of(cls),
        meta.id,
        meta.code,
        sorted(k.value for k in meta.kinds),
        meta.confidence.value,
        None if meta.severity is None else meta.severity.value,
        list(meta.tags),
        meta.since,
        meta.keywords_from_catalogue,
        cls.__doc__,
        keywords,
        static,
    )


def records(classes: Iterable[type[Rule]], catalogue: Any) -> list[Record]:
    return [record_of(cls, catalogue) for cls in classes]


def stand_in(record: Record) -> type[Rule]:
    """A stand-in class for the rule `record` describes (see the module docstring)."""
    module, qualname, base, rule_id, code, kinds, confidence, severity, tags, since, from_catalogue, doc, _, _ = record
    meta = RuleMeta(
        id=rule_id,
        code=code,
        kinds=frozenset(FileKind(k) for k in kinds),
        confidence=Confidence(confidence),
        severity=None if severity is None else Severity(severity),
        tags=tuple(tags),
        since=since,
        keywords_from_catalogue=from_catalogue,
    )
    namespace = {
        "__module__": module,
        "__qualname__": qualname,
        "__doc__": doc,
        "meta": meta,
        _MARK: record,
        "check": _check,
        "keywords": _keywords,
        "keywords_for": _keywords_for,
        "requirements_for": _requirements_for,
        "__getattr__": _getattr,
        "__reduce_ex__": _reduce_ex,
    }
    return type(qualname.rsplit(".", 1)[-1], (_BASES[base],), namespace)


def is_stand_in(obj: Any) -> bool:
    """Whether a rule class or instance is a stand-in (not yet resolved)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return _MARK in cls.__dict__


def real_class(cls: type[Rule]) -> type[Rule]:
    """The class a stand-in class stands for (imports its module); a real class is itself."""
    record = cls.__dict__.get(_MARK)
    if record is None:
        return cls
    found: Any = importlib.import_module(record[0])
    for part in record[1].split("."):
        found = getattr(found, part)
    return found  # type: ignore[no-any-return]


def resolve(rule: Rule) -> Rule:
    """Turn a stand-in instance into an instance of the real class, in place; returns it."""
    cls = type(rule)
    if _MARK not in cls.__dict__:
        return rule
    real = real_class(cls)
    state = object.__getattribute__(rule, "__dict__")
    catalogue, options = state.get("catalogue"), state.get("options")
    rule.__class__ = real
    state.clear()
    real.__init__(rule, catalogue, options)
    return rule


def resolve_all(rules: Sequence[Rule], kinds: Iterable[FileKind] | None = None) -> None:
    """Resolve the stand-ins among `rules` that read files of `kinds` (all when None), e.g.
    before a file of that kind is analysed or workers are forked."""
    wanted = None if kinds is None else set(kinds)
    for rule in rules:
        if _MARK in type(rule).__dict__ and (wanted is None or wanted & rule.meta.kinds):
            resolve(rule)


# ---- the stand-ins' methods -------------------------------------------------------------------

def _static_keywords(rule: Rule) -> tuple[bool, Any]:
    """(usable, keywords) from the record: only for the built-in catalogue and no options."""
    record = type(rule).__dict__[_MARK]
    if not record[13] or rule.options or not _builtin_catalogue(rule):
        return False, None
    words = record[12]
    return True, None if words is None else tuple(words)


def _builtin_catalogue(rule: Rule) -> bool:
    from kzai_lint import catalogue as catalogue_mod

    return rule.catalogue is catalogue_mod.load()


def _keywords(self: Rule) -> Any:
    usable, words = _static_keywords(self)
    return words if usable else resolve(self).keywords()


def _keywords_for(self: Rule, settings: Any) -> Any:
    """From the record when the rule runs as recorded (built-in catalogue, no options, no
    `keywords_for` of its own); otherwise from the startup index per rule, settings, options and
    catalogue identity, computed by the real rule the first time."""
    usable, words = _static_keywords(self)
    if usable:
        return words
    from kzai_lint import catalogue as catalogue_mod
    from kzai_lint import startup_index

    made_of = catalogue_mod.identity(self.catalogue)  # e.g. extended by an installed pack
    if made_of is None:
        return resolve(self).keywords_for(settings)
    key = f"keywords/{self.meta.id}/{_settings_key(settings, self.options, made_of)}"

    def compute() -> list[Any]:
        found = resolve(self).keywords_for(settings)
        return [0] if found is None else [1, sorted(set(found))]

    value = startup_index.get(key, compute)
    return None if not value[0] else tuple(value[1])


def _requirements_for(self: Rule, settings: Any, kind: Any) -> Any:
    """From the startup index per rule, kind, settings, options and catalogue identity (computed
    by the real rule the first time): whether the rule overrides `requirements_for` is known only
    to its real class."""
    from kzai_lint import catalogue as catalogue_mod
    from kzai_lint import startup_index

    made_of = catalogue_mod.identity(self.catalogue)
    if made_of is None:
        return resolve(self).requirements_for(settings, kind)
    # One section per settings and catalogue, holding every rule's answer per kind: one section
    # each would crowd the index's other sections out.
    section = f"requirements/{_settings_key(settings, None, made_of)}"
    entry = f"{self.meta.id}/{getattr(kind, 'value', kind)}"
    if self.options:
        entry += "/" + _settings_key(None, self.options, made_of)
    table = startup_index.get(section, dict)
    value = table.get(entry)
    if value is None:
        # A separate real instance: resolving this one in place would bypass the index for the
        # rule's other kinds, asked next.
        state = object.__getattribute__(self, "__dict__")
        found = real_class(type(self))(state.get("catalogue"), state.get("options")).requirements_for(settings, kind)
        value = [0] if found is None else [1, [[sorted(set(group)) for group in alternative] for alternative in found]]
        startup_index.update(section, entry, value)
    return None if not value[0] else [tuple(tuple(group) for group in alternative) for alternative in value[1]]


_SETTINGS_KEYS: dict[int, tuple[Any, str]] = {}


def _settings_key(settings: Any, options: Any, catalogue: str) -> str:
    """A hash of every settings value, the rule's options and the catalogue's identity: keywords
    may depend on any of them. Not on where the settings were read (`PLACE_FIELDS`): the
    built-in rules' keywords and requirements depend on configured values only (a test checks
    every rule), and with the scanned root in the key every repository got its own ~90 KB
    section, until the index reached its 4 MiB bound and reading it cost ~7 ms of every run."""
    from kzai_lint.canonical import canonical
    from kzai_lint.digest import blake2b

    known = _SETTINGS_KEYS.get(id(settings))
    if known is None or known[0] is not settings:
        text = repr(canonical(placeless(settings)))
        known = _SETTINGS_KEYS[id(settings)] = (settings, text)
        while len(_SETTINGS_KEYS) > 8:
            del _SETTINGS_KEYS[next(iter(_SETTINGS_KEYS))]
    text = known[1] + "\0" + repr(canonical(options)) + "\0" + catalogue
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


PLACE_FIELDS = ("root", "config_path")


def placeless(settings: Any) -> Any:
    """`settings` without the fields that say where they were read (`PLACE_FIELDS`)."""
    import dataclasses

    if settings is None or isinstance(settings, type) or not dataclasses.is_dataclass(settings):
        return settings
    present = {f.name for f in dataclasses.fields(settings)}
    changes = {name: None for name in PLACE_FIELDS if name in present}
    return dataclasses.replace(settings, **changes) if changes else settings


def _check(self: Rule, target: Any) -> Any:
    return resolve(self).check(target)


def _getattr(self: Rule, name: str) -> Any:
    if name.startswith("__") and name.endswith("__") or name in ("catalogue", "options"):
        raise AttributeError(name)  # protocol probes (copy, pickle) and a half-built instance
    return getattr(resolve(self), name)


def _reduce_ex(self: Rule, protocol: Any) -> Any:
    return resolve(self).__reduce_ex__(protocol)
