"""Validation of rule packs and the catalogue their extensions build.

Rule ids unique across packs (the error names both packs), concrete rule classes with a
`RuleMeta`, known codes, ids of the form `CODE/slug`; for third-party packs also the
documentation headings and examples (the built-ins' are enforced by tests/test_rule_contract.py).
Catalogue extensions may only add entries; new codes need an Article 17 clause.
"""
from __future__ import annotations

import inspect
import os
import re
from typing import Any, Mapping, Sequence

from kzai_lint import catalogue as catalogue_mod
from kzai_lint.catalogue import Catalogue
from kzai_lint.registry import PluginLoadError, RulePack, is_builtin_pack, missing_doc_headings
from kzai_lint.rule import DocumentRule, PythonRule, RepoRule, RuleMeta

_CODE = re.compile(r"^KZ\d{3}$")
_CLAUSE = re.compile(r"^17\(\d\)(\(\d\))?$")


def _check_rule_class(pack: RulePack, rule: Any, catalogue: Catalogue) -> None:
    if not (inspect.isclass(rule) and issubclass(rule, (PythonRule, DocumentRule, RepoRule))) or inspect.isabstract(rule):
        raise PluginLoadError(f"rule pack {pack.name!r}: {rule!r} is not a concrete PythonRule, DocumentRule or RepoRule class", pack.name)
    meta = getattr(rule, "meta", None)
    if not isinstance(meta, RuleMeta):
        raise PluginLoadError(f"rule pack {pack.name!r}: {rule.__name__} has no `meta = RuleMeta(...)`", pack.name)
    if meta.code not in catalogue.codes:
        raise PluginLoadError(f"rule {meta.id!r} ({pack.name}) uses unknown code {meta.code!r}", pack.name)
    if not meta.id.startswith(meta.code + "/") or len(meta.id) == len(meta.code) + 1:
        raise PluginLoadError(f"rule id {meta.id!r} ({pack.name}) must be its code and a slug, e.g. {meta.code}/my-pattern", pack.name)
    if is_builtin_pack(pack):
        return  # the built-ins' docs and examples are enforced by tests/test_rule_contract.py
    missing = missing_doc_headings(rule)
    if missing:
        raise PluginLoadError(f"rule {meta.id!r} ({pack.name}) docstring lacks the heading(s) {', '.join('## ' + h for h in missing)}", pack.name)
    if not rule.VALID or not rule.INVALID:
        raise PluginLoadError(f"rule {meta.id!r} ({pack.name}) needs at least one Valid and one Invalid example", pack.name)


def validate(packs: Sequence[RulePack], catalogue: Catalogue) -> None:
    """Unique pack names and rule ids (the error names both packs), rule classes, known codes,
    and for third-party packs the documentation headings and examples."""
    pack_names: dict[str, RulePack] = {}
    owners: dict[str, str] = {}
    for pack in packs:
        if pack.name in pack_names:
            raise PluginLoadError(f"two rule packs are named {pack.name!r} ({pack_names[pack.name].origin or 'injected'}; {pack.origin or 'injected'})", pack.name)
        pack_names[pack.name] = pack
        for rule in pack.rules:
            _check_rule_class(pack, rule, catalogue)
            meta = rule.meta
            if meta.id in owners:
                raise PluginLoadError(f"rule id {meta.id!r} is defined by both {owners[meta.id]!r} and {pack.name!r}", pack.name)
            owners[meta.id] = pack.name


def _extension_conflicts(pack: RulePack, ext: Mapping[str, Any], base: Mapping[str, Any], owners: dict[tuple[str, str], str]) -> None:
    for section, value in ext.items():
        if section == "x-sections":
            continue
        if isinstance(value, Mapping):
            for key in value:
                if key in (base.get(section) or {}):
                    raise PluginLoadError(f"rule pack {pack.name!r}: its catalogue extension redefines the built-in {section}.{key}; extensions may only add entries", pack.name)
                owner = owners.get((section, str(key)))
                if owner is not None:
                    raise PluginLoadError(f"catalogue entry {section}.{key} is defined by both {owner!r} and {pack.name!r}", pack.name)
                owners[(section, str(key))] = pack.name
        elif not isinstance(value, list):
            raise PluginLoadError(f"rule pack {pack.name!r}: catalogue extension section {section!r} must be a table or a list (built-in settings cannot be replaced)", pack.name)
    for code, info in (ext.get("codes") or {}).items():
        clause = info.get("clause") if isinstance(info, Mapping) else None
        if not _CODE.match(str(code)):
            raise PluginLoadError(f"rule pack {pack.name!r}: new code {code!r} must look like KZ308", pack.name)
        if not isinstance(clause, str) or not _CLAUSE.match(clause):
            raise PluginLoadError(f"rule pack {pack.name!r}: code {code} needs an Article 17 clause such as 17(3) or 17(3)(4), got {clause!r}", pack.name)


def extension_data(pack: RulePack) -> Any:
    """A pack's catalogue extension as data: the mapping it holds, or its file parsed."""
    ext = pack.catalogue
    if isinstance(ext, (str, os.PathLike)):
        try:
            return catalogue_mod.read_extension(ext)
        except (OSError, ValueError) as exc:
            raise PluginLoadError(f"rule pack {pack.name!r}: cannot read its catalogue file {os.fspath(ext)!r}: {type(exc).__name__}: {exc}", pack.name, exc) from exc
        except Exception as exc:  # noqa: BLE001 - the YAML parser's errors: name the pack
            raise PluginLoadError(f"rule pack {pack.name!r}: its catalogue file {os.fspath(ext)!r} is not valid YAML: {exc}", pack.name, exc) from exc
    return ext


def pack_catalogue(packs: Sequence[RulePack]) -> Catalogue:
    """The built-in catalogue with every pack's extension merged in."""
    extensions = [(p, extension_data(p)) for p in packs if p.catalogue]
    extensions = [(p, ext) for p, ext in extensions if ext]
    if not extensions:
        return catalogue_mod.load()
    base = catalogue_mod.builtin_raw()
    owners: dict[tuple[str, str], str] = {}
    combined: dict[str, Any] = {}
    single: Catalogue | None = None
    for pack, ext in extensions:
        if not isinstance(ext, Mapping):
            raise PluginLoadError(f"rule pack {pack.name!r}: `catalogue` must be a mapping in the catalogue's YAML shape (or the path of such a YAML file)", pack.name)
        _extension_conflicts(pack, ext, base, owners)
        try:
            single = catalogue_mod.extend(None, ext)
        except (catalogue_mod.CatalogueError, KeyError, TypeError, ValueError) as exc:
            raise PluginLoadError(f"rule pack {pack.name!r}: invalid catalogue extension: {type(exc).__name__}: {exc}", pack.name, exc) from exc
        for section, value in ext.items():
            if isinstance(value, Mapping):
                combined.setdefault(section, {}).update(value)
            else:
                combined.setdefault(section, []).extend(value)
    if len(extensions) == 1 and single is not None:
        return single  # the one extension merged is the combination
    try:
        return catalogue_mod.extend(None, combined)
    except (catalogue_mod.CatalogueError, KeyError, TypeError, ValueError) as exc:
        names = ", ".join(p.name for p, _ in extensions)
        raise PluginLoadError(f"catalogue extensions of {names} do not combine: {type(exc).__name__}: {exc}", None, exc) from exc
