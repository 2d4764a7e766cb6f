"""Load rule packs and validate them: unique ids, known codes, documented, with examples.

Built-in rules are the `builtin` pack, collected from the modules of `kzai_lint.rules`, and
third-party packs come through the `kzai_lint.rules` entry-point group: one loading path (flake8).
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from typing import Iterable, Sequence

from kzai_lint.catalogue import Catalogue
from kzai_lint.config import KzaiLintError
from kzai_lint.rule import DOC_HEADINGS, DocumentRule, PythonRule, RepoRule, Rule


class PluginLoadError(KzaiLintError):
    pass


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    rules: tuple[type[Rule], ...]


def _is_rule_class(obj: object, module_name: str) -> bool:
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
    import kzai_lint.rules as pkg

    found: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        found.extend(obj for _, obj in inspect.getmembers(module) if _is_rule_class(obj, module.__name__))
    return tuple(sorted(found, key=lambda r: r.meta.id))


def builtin_pack() -> RulePack:
    from kzai_lint import __version__

    return RulePack("builtin", __version__, builtin_rules())


def validate(packs: Sequence[RulePack], catalogue: Catalogue) -> None:
    owners: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            meta = rule.meta
            if meta.id in owners:
                raise PluginLoadError(f"rule id {meta.id!r} is defined by both {owners[meta.id]!r} and {pack.name!r}")
            owners[meta.id] = pack.name
            if meta.code not in catalogue.codes:
                raise PluginLoadError(f"rule {meta.id!r} ({pack.name}) uses unknown code {meta.code!r}")
            if not meta.id.startswith(meta.code + "/"):
                raise PluginLoadError(f"rule id {meta.id!r} must start with its code {meta.code}/")


def missing_doc_headings(rule: type[Rule]) -> list[str]:
    doc = rule.doc()
    return [h for h in DOC_HEADINGS if f"## {h}" not in doc]


def load_packs(catalogue: Catalogue, extra: Iterable[RulePack] = ()) -> tuple[RulePack, ...]:
    packs = (builtin_pack(), *extra)
    validate(packs, catalogue)
    return packs
