"""Package names and version specifiers as pip, conda and PEP 508 write them.

Every dependency reader (requirements files, manifests, shell commands in notebooks) needs the
same two answers: which project a requirement names, normalised per PEP 503 so spellings compare
equal, and which version specifier it carries. A string that is not a requirement gives None
rather than a guess, so option lines and prose never become dependencies.
"""
from __future__ import annotations

import re

__all__ = [
    "looks_like_path",
    "name_from_location",
    "normalize_name",
    "parse_conda_spec",
    "parse_pep508",
]

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PEP508 = re.compile(rf"^\s*({_NAME})\s*(?:\[([^\]]*)\])?\s*(.*)$", re.DOTALL)
_SPECIFIER = re.compile(r"^(?:(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*|$))+$")
_CONDA_SPEC = re.compile(r"^\s*(?:[^:\s]+::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*(.*)$")
_EGG = re.compile(rf"[#&]egg=({_NAME})")
_VCS_URL = re.compile(
    r"^(?:git|hg|svn|bzr)\+\S+?/([A-Za-z0-9._-]+?)(?:\.git)?(?:@[^#/]*)?(?:#.*)?$"
)
_ARCHIVE = re.compile(rf"(?:^|/)({_NAME})-\d[^/]*\.(?:whl|tar\.gz|tar\.bz2|zip)$")


def normalize_name(name: str) -> str:
    """PEP 503: lower-case, runs of `-`, `_` and `.` become one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pep508(text: str) -> tuple[str, tuple[str, ...], str, str] | None:
    """(normalised name, extras, specifier, marker) of a PEP 508 string, or None if not one."""
    match = _PEP508.match(text)
    if not match:
        return None
    name, extras_text, rest = match.groups()
    extras = tuple(e.strip() for e in (extras_text or "").split(",") if e.strip())
    if rest.startswith("@"):  # a direct reference: `name @ url ; marker`
        return normalize_name(name), extras, "", rest.partition(" ;")[2].strip()
    spec_text, _, marker = rest.partition(";")
    specifier = re.sub(r"\s+", "", spec_text.strip().strip("()"))
    if specifier and not _SPECIFIER.match(specifier):
        return None
    return normalize_name(name), extras, specifier, marker.strip()


def name_from_location(location: str) -> str | None:
    """The project name of a URL or path requirement (`#egg=`, VCS repository, archive name)."""
    for pattern in (_EGG, _VCS_URL, _ARCHIVE):
        match = pattern.search(location)
        if match:
            return normalize_name(match.group(1))
    return None


def looks_like_path(text: str) -> bool:
    """A local path or an archive file rather than a project name."""
    return text.startswith((".", "/", "~")) or bool(_ARCHIVE.search(text.split(";")[0].strip()))


def parse_conda_spec(text: str) -> tuple[str, str] | None:
    """(normalised name, version spec) of a conda match spec ("conda-forge::numpy >=1.26")."""
    match = _CONDA_SPEC.match(text)
    if not match:
        return None
    return normalize_name(match.group(1)), re.sub(r"\s+", "", match.group(2))
