"""Declared dependencies from every place a Python project declares them.

Dependency rules (an emotion-recognition package in `requirements.txt`, a face-attribute library in
`environment.yml`) need the package names with their positions, whatever the file format. Each
reader here returns `Requirement`s with PEP 503-normalised names, so `DeepFace`, `deep_face` and
`deep.face` compare equal. Nothing is resolved or installed; files named by `-r`/`-c` are returned
for the caller to read, since only the caller knows the repository layout.
"""
from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kzai_lint.model import Span
from kzai_lint.sources.config_tree import ConfigDocument
from kzai_lint.sources.config_tree import ConfigNode
from kzai_lint.sources.pep508 import looks_like_path
from kzai_lint.sources.pep508 import name_from_location
from kzai_lint.sources.pep508 import normalize_name
from kzai_lint.sources.pep508 import parse_conda_spec
from kzai_lint.sources.pep508 import parse_pep508

__all__ = [
    "Requirement",
    "normalize_name",
    "parse_pep508",
    "parse_requirements_txt",
    "pip_install_args",
    "requirements_from_environment_yml",
    "requirements_from_pipfile",
    "requirements_from_pyproject",
    "requirements_from_setup_cfg",
]

_COMMENT = re.compile(r"(^|\s+)#.*$")
_LINE_OPTION = re.compile(r"\s+--?[A-Za-z]")
_INCLUDE_OPTION = re.compile(
    r"^(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+|(?<=-r)|(?<=-c))(\S+)"
)
_EDITABLE_OPTION = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)")
_INSTALLERS = frozenset("pip pip3 conda mamba micromamba uv poetry pdm pipenv".split())
_PIP_VERSION = re.compile(r"pip3?\.\d+")
_ADDERS = frozenset({"uv", "poetry", "pdm"})
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ">", ">>", "2>&1", "<"})
_VALUE_OPTIONS = frozenset(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f "
    "--find-links -t --target --prefix --root --src --upgrade-strategy --python-version "
    "--platform --implementation --abi --only-binary --no-binary --progress-bar --trusted-host "
    "--proxy --cache-dir --log --retries --timeout --exists-action --cert --client-cert "
    "--global-option --config-settings -C --report --root-user-action -p --python -n --name "
    "--channel --group -G --extra --optional --source".split()
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """A declared dependency; `raw` is the text as written (for key-based formats such as
    Poetry or Pipfile tables: the key and its version string)."""

    name: str
    raw: str
    span: Span
    extras: tuple[str, ...] = ()
    specifier: str = ""
    marker: str = ""




def _requirement(text: str, span: Span, raw: str | None = None) -> Requirement | None:
    parsed = parse_pep508(text)
    if parsed is None:
        return None
    name, extras, specifier, marker = parsed
    return Requirement(name, text.strip() if raw is None else raw, span, extras, specifier, marker)



def parse_requirements_txt(text: str) -> tuple[list[Requirement], list[str]]:
    """(requirements, files named by -r/-c lines as written); option lines are skipped."""
    requirements: list[Requirement] = []
    includes: list[str] = []
    for content, span in _logical_lines(text):
        include = _INCLUDE_OPTION.match(content)
        if include:
            includes.append(include.group(1))
            continue
        requirement = _requirement_line(content, span)
        if requirement is not None:
            requirements.append(requirement)
    return requirements, includes


def _logical_lines(text: str) -> Iterator[tuple[str, Span]]:
    """Comment-free logical lines (continuations joined) with the span of their text."""
    physical = text.removeprefix("\ufeff").splitlines()
    index = 0
    while index < len(physical):
        first, parts = index, []
        while True:
            line = physical[index]
            index += 1
            if not line.endswith("\\") or index >= len(physical):
                parts.append(line)
                break
            parts.append(line[:-1])
        content = _COMMENT.sub("", "".join(parts)).strip()
        if content:
            yield content, _logical_span(physical, first, index - 1)


def _logical_span(physical: list[str], first: int, last: int) -> Span:
    start_text = physical[first]
    column = len(start_text) - len(start_text.lstrip()) + 1
    end_text = _COMMENT.sub("", physical[last]).rstrip().removesuffix("\\").rstrip()
    return Span(first + 1, column, last + 1, len(end_text) + 1)


def _requirement_line(content: str, span: Span) -> Requirement | None:
    """A requirement from one logical line; None for option lines and unnamed paths."""
    editable = _EDITABLE_OPTION.match(content)
    if editable:
        return _located_requirement(editable.group(1), content, span)
    if content.startswith("-"):
        return None
    option = _LINE_OPTION.search(content)  # per-requirement options such as --hash
    requirement_text = content[: option.start()] if option else content
    if "://" in requirement_text.split("@")[0] or looks_like_path(requirement_text):
        return _located_requirement(requirement_text, content, span)
    return _requirement(requirement_text, span, raw=content)



def _located_requirement(location: str, raw: str, span: Span) -> Requirement | None:
    name = name_from_location(location.strip())
    return None if name is None else Requirement(name, raw, span)


_GROUP_TABLES = (
    ("project", "optional-dependencies"),
    ("dependency-groups",),
    ("tool", "pdm", "dev-dependencies"),
)


def requirements_from_pyproject(doc: ConfigDocument) -> list[Requirement]:
    """[project] dependencies and optional-dependencies, PEP 735 [dependency-groups], Poetry
    (main, dev and group tables, keys are names, `python` skipped), uv and PDM dev dependencies.
    `[build-system] requires` is not included: build tools are not the system's dependencies."""
    found = list(_string_requirements(doc, ("project", "dependencies")))
    for path in _GROUP_TABLES:
        for group in doc.children(*path):
            found.extend(_string_requirements(doc, group.key_path))
    found.extend(_string_requirements(doc, ("tool", "uv", "dev-dependencies")))
    poetry_tables = [("tool", "poetry", "dependencies"), ("tool", "poetry", "dev-dependencies")]
    poetry_tables += [
        group.key_path + ("dependencies",) for group in doc.children("tool", "poetry", "group")
    ]
    for table in poetry_tables:
        found.extend(_keyed_requirements(doc, table, skip=("python",)))
    return found


def requirements_from_pipfile(doc: ConfigDocument) -> list[Requirement]:
    """[packages] and [dev-packages]; `"*"` means no specifier."""
    return [
        requirement
        for table in (("packages",), ("dev-packages",))
        for requirement in _keyed_requirements(doc, table, skip=())
    ]


def requirements_from_environment_yml(doc: ConfigDocument) -> list[Requirement]:
    """Conda `dependencies` ("numpy=1.26", "conda-forge::pytorch") and the nested `pip:` list."""
    found: list[Requirement] = []
    for node in doc.children("dependencies"):
        if isinstance(node.value, str):
            requirement = _conda_requirement(node)
            if requirement is not None:
                found.append(requirement)
        elif isinstance(node.value, dict) and "pip" in node.value:
            for item in doc.children(*node.key_path, "pip"):
                if isinstance(item.value, str):
                    requirement = _requirement_line(item.value.strip(), item.span)
                    if requirement is not None:
                        found.append(requirement)
    return found


def _string_requirements(doc: ConfigDocument, path: tuple[str | int, ...]) -> Iterator[Requirement]:
    for node in doc.children(*path):
        if isinstance(node.value, str):
            requirement = _requirement(node.value, node.span)
            if requirement is not None:
                yield requirement


def _keyed_requirements(
    doc: ConfigDocument, table: tuple[str | int, ...], skip: tuple[str, ...]
) -> Iterator[Requirement]:
    """Tables whose keys are package names and values a version string or a table."""
    for node in doc.children(*table):
        name = str(node.key)
        if name.lower() in skip:
            continue
        version, extras = _version_and_extras(node.value)
        specifier = "" if version in ("*", "") else re.sub(r"\s+", "", version)
        raw = f"{name} {version}".strip()
        yield Requirement(normalize_name(name), raw, node.key_span or node.span, extras, specifier)


def _version_and_extras(value: Any) -> tuple[str, tuple[str, ...]]:
    if isinstance(value, str):
        return value, ()
    if isinstance(value, dict):
        extras = value.get("extras", ())
        extras_tuple = tuple(str(e) for e in extras) if isinstance(extras, list) else ()
        return str(value.get("version", "")), extras_tuple
    return "", ()


def _conda_requirement(node: ConfigNode) -> Requirement | None:
    parsed = parse_conda_spec(node.value)
    if parsed is None:
        return None
    return Requirement(parsed[0], node.value.strip(), node.span, (), parsed[1])


def requirements_from_setup_cfg(text: str) -> list[Requirement]:
    """`[options] install_requires` and every `[options.extras_require]` entry.

    Like setuptools, a multi-line value holds one requirement per line and a single-line value
    is split on `;`. Positions are exact because we scan lines instead of using configparser.
    """
    found: list[Requirement] = []
    for entries, single_line in _setup_cfg_values(text.removeprefix("\ufeff").splitlines()):
        if single_line:
            entries = _split_semicolons(*entries[0])
        for entry_text, span in entries:
            requirement = _requirement(entry_text, span)
            if requirement is not None:
                found.append(requirement)
    return found


_CfgEntry = tuple[str, Span]
_CFG_OPTION = re.compile(r"([^=:]+?)\s*([=:])\s*(.*)$")


def _setup_cfg_values(lines: list[str]) -> Iterator[tuple[list[_CfgEntry], bool]]:
    """The (text, span) lines of each requirement-list value, and whether it is one line."""
    section, current, single_line = "", None, False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if line[0] in " \t":
            if current is not None:
                current.append(_cfg_entry(line, number))
                single_line = False
            continue
        if current:
            yield current, single_line
        current = None
        if stripped.startswith("["):
            section = stripped[1:].split("]")[0].strip().lower()
            continue
        match = _CFG_OPTION.match(line)
        if match and _is_requirement_list(section, match.group(1).strip().lower()):
            single_line = bool(match.group(3).strip())
            current = [_cfg_entry(line, number, match.start(3))] if single_line else []
    if current:
        yield current, single_line


def _is_requirement_list(section: str, key: str) -> bool:
    return section == "options.extras_require" or (section, key) == ("options", "install_requires")


def _cfg_entry(line: str, number: int, start: int = 0) -> _CfgEntry:
    body = line[start:]
    column = start + len(body) - len(body.lstrip()) + 1
    text = _COMMENT.sub("", body).strip()
    return text, Span(number, column, number, column + len(text))


def _split_semicolons(text: str, span: Span) -> list[_CfgEntry]:
    entries, offset = [], 0
    for part in text.split(";"):
        column = span.column + offset + len(part) - len(part.lstrip())
        entry = part.strip()
        entries.append((entry, Span(span.line, column, span.line, column + len(entry))))
        offset += len(part) + 1
    return entries


def pip_install_args(command: str) -> list[str]:
    """Normalised package names installed by a shell command line.

    Understands `pip`/`pip3`/`python -m pip`/`uv pip`/`conda`/`mamba install` (and `uv`,
    `poetry`, `pdm add`), several commands joined with `&&` or `;`, quoted specs, and skips
    options with their values, requirement files and local paths.
    """
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        tokens = command.split()
    names: list[str] = []
    for segment in _command_segments(tokens):
        names.extend(_installed_names(segment))
    return names


def _command_segments(tokens: list[str]) -> Iterator[list[str]]:
    segment: list[str] = []
    for token in tokens:
        if token in _SHELL_OPERATORS:
            yield segment
            segment = []
        elif token.endswith(";"):  # `pip install a; pip install b`
            segment.append(token.rstrip(";"))
            yield segment
            segment = []
        else:
            segment.append(token)
    yield segment


def _installed_names(tokens: list[str]) -> list[str]:
    words = [token.rsplit("/", 1)[-1].lstrip("!%") for token in tokens]
    start = _install_start(words)
    if start is None:
        return []
    conda = bool({"conda", "mamba", "micromamba"} & set(words[:start]))
    return [name for name in _argument_names(tokens[start:], conda) if name]


def _install_start(words: list[str]) -> int | None:
    """Index of the first argument after `<installer> ... install` (or `add`)."""
    for index, word in enumerate(words):
        before = set(words[:index])
        installer = bool(_INSTALLERS & before) or any(_PIP_VERSION.fullmatch(w) for w in before)
        if installer and (word == "install" or (word == "add" and _ADDERS & before)):
            return index + 1
    return None


def _argument_names(arguments: list[str], conda: bool) -> Iterator[str]:
    skip_next = False
    for argument in arguments:
        if skip_next:
            skip_next = False
            continue
        if argument.startswith("-"):
            skip_next = argument in _VALUE_OPTIONS
            continue
        yield _argument_name(argument, conda) or ""


def _argument_name(argument: str, conda: bool) -> str | None:
    if "://" in argument or looks_like_path(argument) or argument.startswith(("git+", "hg+")):
        return name_from_location(argument)
    if conda:
        conda_spec = parse_conda_spec(argument)
        return conda_spec[0] if conda_spec else None
    parsed = parse_pep508(argument)
    return parsed[0] if parsed else None
