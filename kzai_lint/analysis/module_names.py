"""Module names from paths and imports, without libcst.

The CST analysis (`scopes`, `python_module`) and the CST-free import facts of notebooks that no
rule reads (`facts.collect_unparsed`) must name modules identically, and the latter must not
import libcst: so the two pure functions live here.
"""
from __future__ import annotations

__all__ = ["absolute_module", "module_name_for"]


def module_name_for(rel_path: str) -> str:
    """Dotted module name of a file from its path relative to the scan root."""
    parts = rel_path.replace("\\", "/").split("/")
    if parts and parts[-1].endswith((".py", ".pyi", ".ipynb")):
        parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(p for p in parts if p)


def absolute_module(module: str, level: int, module_name: str, is_package: bool) -> str:
    """The absolute module of `from <level dots><module> import` written in `module_name`
    (shared with the CST-free import facts of notebooks, `facts.collect_unparsed`)."""
    if level == 0:
        return module
    package = module_name.split(".")
    if not is_package:
        package = package[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)] if level - 1 <= len(package) else []
    return ".".join([p for p in package if p] + ([module] if module else []))
