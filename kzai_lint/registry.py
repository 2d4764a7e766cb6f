"""Load rule packs and validate them: unique ids, known codes, documented, with examples.

A rule pack is a named, versioned sequence of rule classes with an optional catalogue extension
(same YAML shape as `catalogue/`) and an optional `finding_extras` hook that adds fields to each
finding in JSON and SARIF. Every pack comes through the `kzai_lint.rules` entry-point group, our
own `builtin` pack included (flake8's single loading path); when kzai-lint runs from a source
checkout without distribution metadata, the built-in pack object is used directly. Local packs
named in `[tool.kzai-lint] plugins` are imported only when explicitly allowed (`local_packs`),
because a linter runs on untrusted pull requests. Reporter plugins use `kzai_lint.reporters`.
Validation and the merged catalogue live in `pack_validation`.

A run (`load(..., lazy=True)`, used by `api.check`) gets the built-in pack as stand-in classes
built from the startup index (`lazy_rules`): a rule's module is imported only when the rule
runs. `builtin_pack()` is the same pack with the real classes, for everything else.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import os
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from kzai_lint.catalogue import Catalogue
from kzai_lint.config import KzaiLintError
from kzai_lint.model import Finding
from kzai_lint.rule import DOC_HEADINGS, DocumentRule, PythonRule, RepoRule, Rule

if TYPE_CHECKING:
    from importlib import metadata  # imported when entry points are read: ~15 ms

RULES_GROUP = "kzai_lint.rules"
REPORTERS_GROUP = "kzai_lint.reporters"
BUILTIN = "builtin"
BUILTIN_ENTRY_POINT = "kzai_lint.registry:BUILTIN_PACK"
AUTOLOAD_ENV = "KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD"
"""Set to 1 to load only the built-in pack (plus local packs); tests use it to stay hermetic."""

FindingExtras = Callable[[Finding], Mapping[str, Any]]

_RESERVED_FIELDS = frozenset(f.name for f in dataclasses.fields(Finding))


class PluginLoadError(KzaiLintError):
    """A rule pack could not be loaded or is invalid; names the pack and the cause (exit 2)."""

    def __init__(self, message: str, pack: str | None = None, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.pack = pack
        self.cause = cause


@dataclass(frozen=True, eq=False)
class RulePack:
    """A named, versioned set of rules; what an entry point in `kzai_lint.rules` names.

    `catalogue` extends the built-in catalogue (new signals, label sets, codes with their clause;
    it may add entries, never redefine built-in ones): a mapping, or the path of a YAML file,
    which kzai-lint parses once and remembers while the file is unchanged (no YAML parser is
    imported on a run that finds it unchanged). `finding_extras(finding)` returns extra
    JSON fields for a finding (e.g. a cross-reference to another law); it sees every finding.
    `distribution` and `origin` are filled in by the loader.
    """

    name: str
    version: str
    rules: tuple[type[Rule], ...]
    catalogue: Mapping[str, Any] | str | os.PathLike[str] | None = None
    finding_extras: FindingExtras | None = None
    description: str = ""
    distribution: str | None = None
    origin: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))


@dataclass(frozen=True)
class LoadedPacks:
    """The packs of one run, the catalogue extended by them, and warnings (skipped local packs)."""

    packs: tuple[RulePack, ...]
    catalogue: Catalogue
    warnings: tuple[str, ...] = ()
    skipped_local: tuple[str, ...] = ()

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        return tuple(r for p in self.packs for r in p.rules)


# ---------------------------------------------------------------------------------------------
# The built-in pack
# ---------------------------------------------------------------------------------------------

def _is_rule_class(obj: object, module_name: str) -> bool:
    import inspect

    return (
        inspect.isclass(obj)
        and issubclass(obj, Rule)
        and obj not in (Rule, PythonRule, DocumentRule, RepoRule)
        and not inspect.isabstract(obj)
        and obj.__module__ == module_name
        and hasattr(obj, "meta")
    )


def builtin_rules() -> tuple[type[Rule], ...]:
    """Every concrete rule class defined in the modules of `kzai_lint.rules`, sorted by id."""
    import inspect
    import pkgutil

    import kzai_lint.rules as pkg

    found: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        found.extend(obj for _, obj in inspect.getmembers(module) if _is_rule_class(obj, module.__name__))
    return tuple(sorted(found, key=lambda r: r.meta.id))


@functools.lru_cache(maxsize=1)
def builtin_pack() -> RulePack:
    """The built-in pack (one object per process, so the entry point and the fallback agree)."""
    from kzai_lint import __version__

    pack = RulePack(BUILTIN, __version__, builtin_rules(), description=BUILTIN_DESCRIPTION, distribution="kzai-lint", origin="builtin")
    _BUILTINS.append(pack)
    return pack


BUILTIN_DESCRIPTION = "Article 17 rules shipped with kzai-lint"
_BUILTINS: list[RulePack] = []
"""The built-in pack objects made in this process: the real one and the stand-in one."""
_STAND_IN_PACKS: list[RulePack] = []


def _is_stand_in_pack(pack: Any) -> bool:
    return any(pack is p for p in _STAND_IN_PACKS)


def is_builtin_pack(pack: Any) -> bool:
    """Whether `pack` is kzai-lint's own pack (real or stand-in classes), without building it."""
    return any(pack is p for p in _BUILTINS)


@functools.lru_cache(maxsize=1)
def lazy_builtin_pack() -> RulePack:
    """The built-in pack with stand-in classes (`lazy_rules`) from the startup index, so no rule
    module is imported until a rule runs; the real pack when there is no index to keep them."""
    from kzai_lint import __version__, lazy_rules, startup_index

    records = startup_index.get("rules/builtin", _builtin_records)
    if records is None:
        return builtin_pack()
    rules = tuple(lazy_rules.stand_in(tuple(r)) for r in records)
    pack = RulePack(BUILTIN, __version__, rules, description=BUILTIN_DESCRIPTION, distribution="kzai-lint", origin="builtin")
    _BUILTINS.append(pack)
    _STAND_IN_PACKS.append(pack)
    return pack


def _builtin_records() -> list[Any] | None:
    """The records of the real built-in classes (imports them all: once per installation)."""
    from kzai_lint import catalogue as catalogue_mod
    from kzai_lint import lazy_rules, startup_index

    if startup_index.directory() is None:
        return None
    pack = builtin_pack()
    catalogue = _validated((pack,))  # only records of classes that pass validation are kept
    return lazy_rules.records(pack.rules, catalogue) if catalogue is catalogue_mod.load() else None


def __getattr__(name: str) -> Any:
    # `BUILTIN_PACK` is what our entry point names; built lazily so importing the registry stays cheap.
    if name == "BUILTIN_PACK":
        return builtin_pack()
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------
# Turning an entry point's object into a RulePack
# ---------------------------------------------------------------------------------------------

def as_pack(obj: Any, *, name: str, version: str | None = None, distribution: str | None = None, origin: str = "") -> RulePack:
    """Normalise what a pack entry point or local pack names: a `RulePack`, any object or module
    with `name`/`version`/`rules` (optional `catalogue`, `finding_extras`), a module with `PACK`
    or `RULES`, or a plain sequence of rule classes."""
    if isinstance(obj, RulePack):
        if obj.distribution or obj.origin:
            return obj
        return dataclasses.replace(obj, distribution=distribution, origin=origin)
    if isinstance(obj, ModuleType) and hasattr(obj, "PACK"):
        return as_pack(obj.PACK, name=name, version=version, distribution=distribution, origin=origin)
    rules = getattr(obj, "rules", None)
    if rules is None and isinstance(obj, ModuleType):
        rules = getattr(obj, "RULES", None)
    if rules is None and isinstance(obj, (list, tuple)):
        rules = obj
    if rules is None or isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable):
        raise PluginLoadError(f"rule pack {name!r} ({origin or 'no origin'}) names {type(obj).__name__}, not a rule pack: expected a RulePack, an object with `rules`, a module with PACK or RULES, or a sequence of rule classes", name)
    return RulePack(
        name=str(getattr(obj, "name", None) or getattr(obj, "NAME", None) or name),
        version=str(getattr(obj, "version", None) or getattr(obj, "VERSION", None) or version or "0"),
        rules=tuple(rules),
        catalogue=getattr(obj, "catalogue", None) or getattr(obj, "CATALOGUE", None),
        finding_extras=getattr(obj, "finding_extras", None),
        description=str(getattr(obj, "description", "") or ""),
        distribution=distribution,
        origin=origin,
    )


def load_entry_point(ep: metadata.EntryPoint) -> RulePack:
    """Import one `kzai_lint.rules` entry point; any failure is a PluginLoadError naming it."""
    dist = getattr(ep, "dist", None)
    dist_name = dist.name if dist is not None else None
    where = f"entry point {ep.name} = {ep.value}" + (f" from {dist_name} {dist.version}" if dist is not None else "")
    try:
        obj = ep.load()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - whatever the plugin raises, name the pack
        raise PluginLoadError(f"rule pack {ep.name!r} failed to load ({where}): {type(exc).__name__}: {exc}", ep.name, exc) from exc
    if is_builtin_pack(obj):
        return obj
    return as_pack(obj, name=ep.name, version=dist.version if dist is not None else None, distribution=dist_name, origin=where)


# ---------------------------------------------------------------------------------------------
# Discovery (with injection points for tests and `kzai_lint.testing`)
# ---------------------------------------------------------------------------------------------

@dataclass
class _State:
    """Process-wide registry state: entry points read once, injected packs, validated catalogues."""

    rule_eps: list[Sequence[metadata.EntryPoint]] = field(default_factory=list)
    reporter_eps: list[Sequence[metadata.EntryPoint]] = field(default_factory=list)
    injected: list[RulePack] = field(default_factory=list)
    last: LoadedPacks | None = None
    pack_cache: dict[tuple[tuple[str, str, str], ...], tuple[RulePack, ...]] = field(default_factory=dict)
    validated: dict[tuple[int, ...], tuple[tuple[RulePack, ...], Catalogue]] = field(default_factory=dict)
    broken_extras: set[str] = field(default_factory=set)


_STATE = _State()


@contextlib.contextmanager
def use_entry_points(rules: Sequence[metadata.EntryPoint] | None = None, reporters: Sequence[metadata.EntryPoint] | None = None) -> Iterator[None]:
    """Replace the installed entry points (e.g. with constructed `importlib.metadata.EntryPoint`s)
    for the duration of a block; the built-in pack is still added when none of them provides it."""
    if rules is not None:
        _STATE.rule_eps.append(tuple(rules))
    if reporters is not None:
        _STATE.reporter_eps.append(tuple(reporters))
    try:
        yield
    finally:
        if rules is not None:
            _STATE.rule_eps.pop()
        if reporters is not None:
            _STATE.reporter_eps.pop()


@contextlib.contextmanager
def injected_packs(*packs: RulePack) -> Iterator[None]:
    """Load these pack objects in addition to (and instead of same-named) installed packs."""
    _STATE.injected.extend(packs)
    try:
        yield
    finally:
        del _STATE.injected[len(_STATE.injected) - len(packs):]


def autoload_disabled() -> bool:
    """True when installed packs are not loaded (the env variable, and no injected entry points)."""
    return not _STATE.rule_eps and _autoload_env_set()


def _autoload_env_set() -> bool:
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _dist_name(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else ""


def _unique(eps: Iterable[metadata.EntryPoint]) -> list[metadata.EntryPoint]:
    seen: set[tuple[str, str]] = set()
    out = []
    for ep in sorted(eps, key=lambda e: (e.name, e.value)):
        if (ep.name, ep.value) not in seen:
            seen.add((ep.name, ep.value))
            out.append(ep)
    return out


def rule_entry_points() -> list[metadata.EntryPoint]:
    """The `kzai_lint.rules` entry points in effect: injected ones, else the installed ones."""
    if _STATE.rule_eps:
        return _unique(_STATE.rule_eps[-1])
    if _autoload_env_set():
        return []
    from kzai_lint import entry_points

    return _unique(entry_points.installed(RULES_GROUP))


def reporter_entry_points() -> dict[str, metadata.EntryPoint]:
    if _STATE.reporter_eps:
        eps = _unique(_STATE.reporter_eps[-1])
    elif _autoload_env_set():
        eps = []
    else:
        from kzai_lint import entry_points

        eps = _unique(entry_points.installed(REPORTERS_GROUP))
    return {ep.name: ep for ep in eps}


def installed_packs() -> tuple[RulePack, ...]:
    """The built-in pack first, then the entry-point packs by name (cached per entry-point set)."""
    eps = rule_entry_points()

    def builtin_first(loaded: list[RulePack]) -> tuple[RulePack, ...]:
        builtin = builtin_pack()
        return (builtin, *(p for p in loaded if p is not builtin))

    return _entry_point_packs(tuple((ep.name, ep.value, _dist_name(ep)) for ep in eps), eps, builtin_first)


def lazy_installed_packs() -> tuple[RulePack, ...]:
    """`installed_packs` with the stand-in built-in pack; our own entry point is not loaded
    (loading it builds the real pack), other packs are loaded as usual."""
    builtin = lazy_builtin_pack()
    eps = [ep for ep in rule_entry_points() if ep.value != BUILTIN_ENTRY_POINT]
    key = (("lazy", BUILTIN, str(id(builtin))), *((ep.name, ep.value, _dist_name(ep)) for ep in eps))
    return _entry_point_packs(key, eps, lambda loaded: (builtin, *(p for p in loaded if not is_builtin_pack(p))))


def _entry_point_packs(key: tuple[Any, ...], eps: Sequence[Any], assemble: Callable[[list[RulePack]], tuple[RulePack, ...]]) -> tuple[RulePack, ...]:
    """The packs of `eps` (each loaded once, duplicates dropped) put in order by `assemble`,
    cached under `key`."""
    cached = _STATE.pack_cache.get(key)
    if cached is not None:
        return cached
    loaded: list[RulePack] = []
    for ep in eps:
        pack = load_entry_point(ep)
        if not any(p is pack for p in loaded):
            loaded.append(pack)
    packs = _STATE.pack_cache[key] = assemble(loaded)
    return packs


def _with_injected(packs: Sequence[RulePack]) -> list[RulePack]:
    injected = [p for p in _STATE.injected]
    names = {p.name for p in injected}
    return [p for p in packs if p.name not in names or is_builtin_pack(p)] + [p for p in injected if not is_builtin_pack(p)]


# ---------------------------------------------------------------------------------------------
# Validation and the extended catalogue
# ---------------------------------------------------------------------------------------------

def missing_doc_headings(rule: type[Rule]) -> list[str]:
    doc = rule.doc()
    return [h for h in DOC_HEADINGS if f"## {h}" not in doc]


def validate(packs: Sequence[RulePack], catalogue: Catalogue) -> None:
    """Unique pack names and rule ids, rule classes, known codes, docs and examples
    (`pack_validation`); raises PluginLoadError naming the pack."""
    from kzai_lint import pack_validation

    pack_validation.validate(packs, catalogue)


def pack_catalogue(packs: Sequence[RulePack]) -> Catalogue:
    """The built-in catalogue with every pack's extension merged in (`pack_validation`)."""
    from kzai_lint import pack_validation

    return pack_validation.pack_catalogue(packs)



def _validated(packs: tuple[RulePack, ...]) -> Catalogue:
    key = tuple(id(p) for p in packs)
    cached = _STATE.validated.get(key)
    if cached is not None:
        return cached[1]
    if len(packs) == 1 and _is_stand_in_pack(packs[0]):
        # Built from the records of the real pack, which `_builtin_records` validated.
        from kzai_lint import catalogue as catalogue_mod

        catalogue = catalogue_mod.load()
    else:
        catalogue = pack_catalogue(packs)
        validate(packs, catalogue)
    for pack in packs:
        for rule in pack.rules:
            if rule.__dict__.get("pack") != pack.name:
                rule.pack = pack.name  # type: ignore[misc] - the loader records who provided it
    _STATE.validated[key] = (packs, catalogue)  # keeps the packs alive, so ids stay unique
    return catalogue


# ---------------------------------------------------------------------------------------------
# Loading for a run
# ---------------------------------------------------------------------------------------------

def load(settings: Any = None, *, allow_local: bool | None = None, lazy: bool = False) -> LoadedPacks:
    """Every pack for a run: built-in, entry points, injected, and (with `settings`) local packs
    when allowed; validated, with `require-plugins` checked. Remembered for `loaded_packs`.
    `lazy` gives the built-in pack as stand-ins (`lazy_builtin_pack`): what a scan uses."""
    packs = _with_injected(lazy_installed_packs() if lazy else installed_packs())
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    raw = (getattr(settings, "raw", None) or {}) if settings is not None else {}
    if "plugins" in raw:
        from kzai_lint import local_packs

        local, skipped = local_packs.load_configured(settings, allowed=local_packs.allowed(allow_local))
        packs.extend(local)
        if skipped:
            warnings = (local_packs.skipped_warning(settings, skipped),)
    chosen = tuple(packs)
    catalogue = _validated(chosen)
    if "require-plugins" in raw:
        from kzai_lint import plugin_requirements  # reads distribution metadata: only when asked

        plugin_requirements.check(settings, chosen)
    result = LoadedPacks(chosen, catalogue, warnings, skipped)
    if settings is not None or _STATE.last is None:
        _STATE.last = result  # a run's packs (with its local ones) stay what reporters describe
    return result


def load_packs(catalogue: Catalogue | None = None, extra: Iterable[RulePack] = ()) -> tuple[RulePack, ...]:
    """The packs without configuration (no local packs); `extra` packs are added for this call."""
    with injected_packs(*extra):
        return load().packs


def loaded_packs() -> tuple[RulePack, ...]:
    """The packs of the most recent run (`load` with settings) in this process, empty before
    any: what the reporters describe, e.g. as SARIF `tool.extensions` (all but `builtin`)."""
    return _STATE.last.packs if _STATE.last is not None else ()


def last_loaded() -> LoadedPacks:
    """The most recent run's packs and extended catalogue (loading the defaults if none ran)."""
    return _STATE.last if _STATE.last is not None else load()


def finding_extras(finding: Finding) -> dict[str, Any]:
    """Extra JSON fields the loaded packs add to a finding (never overriding contract fields).

    A hook that raises is skipped with one warning on stderr per pack; the report still renders.
    """
    out: dict[str, Any] = {}
    for pack in loaded_packs():
        if pack.finding_extras is None or pack.name in _STATE.broken_extras:
            continue
        try:
            extra = pack.finding_extras(finding)
        except Exception as exc:  # noqa: BLE001 - a plugin hook never breaks the report
            _STATE.broken_extras.add(pack.name)
            sys.stderr.write(f"kzai-lint: warning: finding_extras of rule pack {pack.name!r} failed: {type(exc).__name__}: {exc}\n")
            continue
        for key, value in (extra or {}).items():
            if isinstance(key, str) and key not in _RESERVED_FIELDS and key not in out:
                out[key] = value
    return out


def pack_versions() -> dict[str, str]:
    return {p.name: p.version for p in (loaded_packs() or load().packs)}


# ---------------------------------------------------------------------------------------------
# Reporter plugins
# ---------------------------------------------------------------------------------------------

def reporter_plugin_names() -> list[str]:
    return sorted(reporter_entry_points())


def load_reporter(name: str) -> Any | None:
    """An instance of the reporter plugin `name` (a class with `render(result, out)`), or None."""
    import inspect

    ep = reporter_entry_points().get(name)
    if ep is None:
        return None
    try:
        obj = ep.load()
        reporter = obj() if inspect.isclass(obj) else obj
    except Exception as exc:  # noqa: BLE001 - name the plugin whatever it raised
        raise PluginLoadError(f"reporter plugin {name!r} failed to load (entry point {ep.value}): {type(exc).__name__}: {exc}", name, exc) from exc
    if not callable(getattr(reporter, "render", None)):
        raise PluginLoadError(f"reporter plugin {name!r} ({ep.value}) has no render(result, out) method", name)
    return reporter


__all__ = [
    "BUILTIN",
    "LoadedPacks",
    "PluginLoadError",
    "RulePack",
    "as_pack",
    "builtin_pack",
    "builtin_rules",
    "finding_extras",
    "injected_packs",
    "is_builtin_pack",
    "last_loaded",
    "lazy_builtin_pack",
    "load",
    "load_packs",
    "load_reporter",
    "loaded_packs",
    "missing_doc_headings",
    "pack_catalogue",
    "reporter_plugin_names",
    "use_entry_points",
    "validate",
]
