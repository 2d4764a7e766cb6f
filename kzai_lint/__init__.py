"""kzai-lint: a policy-as-code linter mapping ML repositories to Article 17 of Kazakhstan's
Law No. 230-VIII "On Artificial Intelligence".

The public API for rule authors is re-exported lazily, so `kzai-lint --version` never pays for
importing libcst.
"""
from __future__ import annotations

from typing import Any

from kzai_lint.lazy_import import defer as _defer

__version__ = "0.1.0"

# Rules and sources import libcst at module level; it loads (0.2 s) only when a file is parsed.
_defer("libcst")

_LAZY = {
    "RuleMeta": "kzai_lint.rule",
    "PythonRule": "kzai_lint.rule",
    "DocumentRule": "kzai_lint.rule",
    "RepoRule": "kzai_lint.rule",
    "Valid": "kzai_lint.rule",
    "Invalid": "kzai_lint.rule",
    "Finding": "kzai_lint.model",
    "Hit": "kzai_lint.model",
    "Span": "kzai_lint.model",
    "FileKind": "kzai_lint.model",
    "Severity": "kzai_lint.model",
    "Confidence": "kzai_lint.model",
    "Status": "kzai_lint.model",
    "check": "kzai_lint.api",
    # Plugin API (docs/plugins.md)
    "Rule": "kzai_lint.rule",
    "Example": "kzai_lint.rule",
    "RulePack": "kzai_lint.registry",
    "PluginLoadError": "kzai_lint.registry",
    "FileContext": "kzai_lint.context",
    "RepoIndex": "kzai_lint.context",
    "PYTHON_KINDS": "kzai_lint.model",
    "CONFIG_KINDS": "kzai_lint.model",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
