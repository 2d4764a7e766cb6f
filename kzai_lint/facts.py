"""Repository facts gathered from each file for repository-level rules.

Declared dependencies, pip installs in notebooks and imported modules are recorded for every
file that declares or imports them, independently of which rules fire in that file, so that a
dependency-only signal can be judged against what the code actually imports.
"""
from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath
from typing import Iterable, Iterator

from kzai_lint.context import FileContext
from kzai_lint.model import FileKind


def needs_facts(kind: FileKind, path: str) -> bool:
    """Files whose facts matter even when no file rule reads them (a notebook's imports and
    `!pip install`s: `collect_unparsed` reads them without a CST)."""
    name = PurePosixPath(path).name.lower()
    return kind in (FileKind.REQUIREMENTS, FileKind.NOTEBOOK) or (kind is FileKind.TOML and name == "pyproject.toml")


# After a newline (the text is read with one in front): a literal first character lets `re`
# jump from line to line, where `^` with MULTILINE is tried at every position (2.4x slower).
_IMPORT = re.compile(r"\n[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)")
# Machine-readable marking of synthetic output: invisible watermarks, C2PA manifests, provenance
# metadata. A text scan is enough: these only need to exist somewhere in the output path.
_MARKING = re.compile(r"(imwatermark|WatermarkEncoder|invisible[-_]watermark|\bc2pa\b|PngInfo\(|add_text\(\s*[\"'](?:ai[_-]?generated|parameters|provenance)|add_watermarker\s*=\s*True|\bXMP\b|trainedAlgorithmicMedia)", re.IGNORECASE)


_MARKING_WORDS = ("watermark", "c2pa", "pnginfo", "add_text", "xmp", "trainedalgorithmicmedia")


def collect_text(ctx: FileContext) -> None:
    """Facts a regex over the text gives (no parse): imports (with the line of the first) and
    marking of synthetic output. Every Python file gives them, whichever rules run on it."""
    if ctx.kind is not FileKind.PYTHON:
        return
    first: dict[str, int] = {}
    text = "\n" + ctx.text
    line, last = 0, 0
    for m in _IMPORT.finditer(text):
        line += text.count("\n", last, m.start() + 1)  # the newline ending the line before
        last = m.start() + 1
        first.setdefault(m.group(1), line)
    for module in sorted(first):
        ctx.add_fact("imports", module, first[module])
    lowered = ctx.lowered
    # Case-insensitive alternations are slow over whole files: look for the literals first.
    if not any(word in lowered for word in _MARKING_WORDS):
        return
    for m in _MARKING.finditer(ctx.text):
        ctx.add_fact("marking", m.group(1), ctx.text.count("\n", 0, m.start()) + 1)


def collect(ctx: FileContext) -> None:
    if ctx.kind is FileKind.NOTEBOOK and ctx.python is not None:
        _imports(ctx, ctx.python.facts.imported_modules)
    if ctx.kind is FileKind.NOTEBOOK and ctx.document is not None:
        _installs(ctx, getattr(ctx.document, "pip_installs", ()))
    elif ctx.kind is FileKind.REQUIREMENTS and isinstance(ctx.document, list):
        for req in ctx.document:
            ctx.add_fact("dependency", req.name, req.span.line, None)
    elif ctx.kind is FileKind.TOML and PurePosixPath(ctx.path).name.lower() == "pyproject.toml" and ctx.document:
        from kzai_lint.sources.requirements import requirements_from_pyproject

        for req in requirements_from_pyproject(ctx.document[0]):
            ctx.add_fact("dependency", req.name, req.span.line, None)


def collect_unparsed(ctx: FileContext) -> None:
    """The facts `collect` gives for a notebook that no rule reads, without a CST: its imports
    from CPython ASTs of the cells that can import, and its pip installs. libcst would cost ten
    times more, and nearly every notebook imports something a repository-level rule counts."""
    if ctx.kind is not FileKind.NOTEBOOK:
        return
    from kzai_lint.sources.notebook import imports_and_installs

    try:
        trees, installs = imports_and_installs(ctx.text)
    except (ValueError, RecursionError):
        return  # not read by any rule: its problems are not reported, as for any prefiltered file
    _imports(ctx, notebook_imports(trees, ctx.path))
    _installs(ctx, installs)


def notebook_imports(trees: Iterable[ast.Module], path: str) -> set[str]:
    """The modules the code imports, named as the CST analysis names them
    (`PythonModule.imported_modules`: `a.b` for `import a.b`, `m` and `m.x` for `from m import x`,
    relative imports made absolute)."""
    from kzai_lint.analysis.module_names import absolute_module, module_name_for

    module_name = module_name_for(path)
    is_package = path.endswith("__init__.py")
    modules: set[str] = set()
    for tree in trees:
        for node in _statements(tree.body):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = absolute_module(node.module or "", node.level, module_name, is_package)
                modules.add(base)
                modules.update(f"{base}.{a.name}" if base else a.name for a in node.names if a.name != "*")
    return modules


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without entering expressions: an import is a
    statement, and `ast.walk` over every expression node cost more than the cells' compile."""
    for node in body:
        yield node
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if block:
                yield from _statements(block)


def _imports(ctx: FileContext, modules: Iterable[str]) -> None:
    for module in sorted(modules):
        ctx.add_fact("imports", module.split(".", 1)[0])


def _installs(ctx: FileContext, installs: Iterable[tuple[str, int, int]]) -> None:
    for name, cell, line in installs:
        ctx.add_fact("dependency", _norm(name), line, cell)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
