"""The wording every capability finding shares, without importing any analysis.

Repository-level rules (the dependency rules) build the same messages as the file rules, and run
on every scan, also a cached or pre-commit one that parses nothing: so this lives apart from the
Python signal helpers and their CST analysis.
"""
from __future__ import annotations

from kzai_lint.catalogue import Catalogue

__all__ = ["capability_message", "clause_phrase"]


def clause_phrase(catalogue: Catalogue, code: str) -> str:
    info = catalogue.codes[code]
    return f"Article {info.clause} ({info.title.lower()})"


def capability_message(catalogue: Catalogue, code: str, what: str, capability: str) -> str:
    """`<what>: the system <does>; Article <clause> (<title>). Mitigation: <advice>.`"""
    cap = catalogue.capabilities[capability]
    return f"{what}: the system {cap.does}; {clause_phrase(catalogue, code)}. Mitigation: {catalogue.codes[code].advice}."
