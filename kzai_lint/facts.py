"""Repository facts gathered from each file for repository-level rules.

Declared dependencies, pip installs in notebooks and imported modules are recorded for every
file that declares or imports them, independently of which rules fire in that file, so that a
dependency-only signal can be judged against what the code actually imports.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from kzai_lint.context import FileContext
from kzai_lint.model import FileKind


def needs_facts(kind: FileKind, path: str) -> bool:
    """Files whose facts matter even when no file rule reads them."""
    name = PurePosixPath(path).name.lower()
    return kind is FileKind.REQUIREMENTS or (kind is FileKind.TOML and name == "pyproject.toml")


_IMPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
# Machine-readable marking of synthetic output: invisible watermarks, C2PA manifests, provenance
# metadata. A text scan is enough: these only need to exist somewhere in the output path.
_MARKING = re.compile(r"(imwatermark|WatermarkEncoder|invisible[-_]watermark|\bc2pa\b|PngInfo\(|add_text\(\s*[\"'](?:ai[_-]?generated|parameters|provenance)|add_watermarker\s*=\s*True|\bXMP\b|trainedAlgorithmicMedia)", re.IGNORECASE)


_MARKING_WORDS = ("watermark", "c2pa", "pnginfo", "add_text", "xmp", "trainedalgorithmicmedia")


def collect_text(ctx: FileContext) -> None:
    """Facts a regex over the text gives (no parse): imports and marking of synthetic output."""
    if ctx.kind is not FileKind.PYTHON:
        return
    for module in sorted(set(_IMPORT.findall(ctx.text))):
        ctx.add_fact("imports", module)
    lowered = ctx.lowered
    # Case-insensitive alternations are slow over whole files: look for the literals first.
    if not any(word in lowered for word in _MARKING_WORDS):
        return
    for m in _MARKING.finditer(ctx.text):
        ctx.add_fact("marking", m.group(1), ctx.text.count("\n", 0, m.start()) + 1)


def collect(ctx: FileContext) -> None:
    if ctx.kind is FileKind.NOTEBOOK and ctx.python is not None:
        for module in sorted(ctx.python.facts.imported_modules):
            ctx.add_fact("imports", module.split(".", 1)[0])
    if ctx.kind is FileKind.NOTEBOOK and ctx.document is not None:
        for name, cell, line in getattr(ctx.document, "pip_installs", ()):
            ctx.add_fact("dependency", _norm(name), line, cell)
    elif ctx.kind is FileKind.REQUIREMENTS and isinstance(ctx.document, list):
        for req in ctx.document:
            ctx.add_fact("dependency", req.name, req.span.line, None)
    elif ctx.kind is FileKind.TOML and PurePosixPath(ctx.path).name.lower() == "pyproject.toml" and ctx.document:
        from kzai_lint.sources.requirements import requirements_from_pyproject

        for req in requirements_from_pyproject(ctx.document[0]):
            ctx.add_fact("dependency", req.name, req.span.line, None)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
