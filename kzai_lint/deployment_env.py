"""Environment variables a repository's deployment files set: Dockerfile `ENV`, compose
`environment:`, Kubernetes `env:` entries and `.env` files.

A system declared `local` may keep its hub loaders offline where it is deployed rather than in
the code (`ENV HF_HUB_OFFLINE=1` in the Dockerfile): the clause map counts that as a mitigation
of KZ402. The files are found by name in the project folder and in the folders deployments
usually live in, whatever the scan was given (a pre-commit run of one file sees the same
Dockerfile as a full scan), and read only for the variables asked about. Nothing is executed and
no variable is expanded: `ENV HF_HUB_OFFLINE=$OFFLINE` is not a literal value and does not count.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

__all__ = ["Setting", "deployment_files", "settings"]

DEPLOY_DIRS = frozenset({"deploy", "deployment", "deployments", "docker", "k8s", "kubernetes", "helm", "charts", "infra", "ops", "manifests", ".devcontainer"})
MAX_DEPTH = 4
MAX_FILES = 200
MAX_BYTES = 1 << 20

_YAML = (".yaml", ".yml")
_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$")


@dataclass(frozen=True)
class Setting:
    """An environment variable a deployment file sets (Dockerfile, compose, Kubernetes), with its line."""

    name: str
    value: str
    path: str  # relative to the project folder, `/`-separated
    line: int


def is_deployment_file(name: str, in_deploy_dir: bool) -> bool:
    low = name.lower()
    if low in ("dockerfile", "containerfile") or low.startswith(("dockerfile.", "containerfile.")) or low.endswith(".dockerfile"):
        return True
    if _COMPOSE.match(low):
        return True
    if low == ".env" or low.startswith(".env.") or low.endswith(".env"):
        return True
    return in_deploy_dir and low.endswith((*_YAML, ".json"))


def deployment_files(project: str) -> list[str]:
    """Deployment files in `project` and in its deployment folders (`DEPLOY_DIRS`, a few levels
    down), relative paths, sorted; symbolic links are not followed."""
    found: list[str] = []
    stack: list[tuple[str, int, bool]] = [("", 0, False)]
    while stack and len(found) < MAX_FILES:
        rel, depth, in_deploy = stack.pop()
        try:
            entries = sorted(os.scandir(os.path.join(project, rel) if rel else project), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_symlink():
                continue
            if entry.is_dir():
                deploy = in_deploy or entry.name.lower() in DEPLOY_DIRS
                if deploy and depth < MAX_DEPTH:
                    stack.append((path, depth + 1, True))
            elif entry.is_file() and is_deployment_file(entry.name, in_deploy):
                found.append(path)
    return sorted(found[:MAX_FILES])


def settings(project: str, names: Iterable[str]) -> dict[str, Setting]:
    """The first literal value each of `names` gets in the project's deployment files."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    out: dict[str, Setting] = {}
    for rel in deployment_files(project):
        try:
            with open(os.path.join(project, rel), "rb") as fh:
                text = fh.read(MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        for name, value, line in _assignments(text, wanted):
            out.setdefault(name, Setting(name, value, rel, line))
    return out


def _assignments(text: str, names: list[str]) -> Iterator[tuple[str, str, int]]:
    alternatives = "|".join(re.escape(n) for n in names)
    # NAME=VALUE (Dockerfile ENV, compose list form, .env), NAME: VALUE (compose map form),
    # `ENV NAME VALUE` (the Dockerfile's older form); values with `$` are not literals.
    inline = re.compile(rf"(?<![\w$])({alternatives})[\"']?\s*[=:]\s*[\"']?([^\s\"'#$,\]}}]+)")
    env_space = re.compile(rf"^\s*ENV\s+({alternatives})\s+[\"']?([^\s\"'#$]+)", re.IGNORECASE)
    k8s_name = re.compile(rf"^\s*-?\s*name\s*:\s*[\"']?({alternatives})[\"']?\s*$")
    k8s_value = re.compile(r"^\s*value\s*:\s*[\"']?([^\s\"'#$]+)")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        spaced = env_space.match(line)
        if spaced:
            yield spaced.group(1), spaced.group(2), index + 1
            continue
        named = k8s_name.match(line)
        if named:
            for offset, after in enumerate(lines[index + 1 : index + 4], start=1):
                value = k8s_value.match(after)
                if value:
                    yield named.group(1), value.group(1), index + 1 + offset
                    break
            continue
        for match in inline.finditer(line):
            yield match.group(1), match.group(2), index + 1
