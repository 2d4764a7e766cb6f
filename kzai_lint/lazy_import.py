"""Defer executing a heavy third-party module until one of its attributes is used.

`import libcst` costs about 0.2 s, more than a whole cached or pre-commit run should take, and
most files never reach a parser. `defer("libcst")` puts a placeholder module in `sys.modules`, so
the module-level `import libcst as cst` of rules and sources costs nothing; the first attribute
access (`cst.X`, `from libcst import X`, importing a submodule) executes the real module in the
placeholder, which from then on is an ordinary module.

Unlike `importlib.util.LazyLoader`, reading `__spec__` or `__class__` does not trigger the load:
Python 3.11's `import` statement reads `__spec__` of a module already in `sys.modules`, and
`isinstance` (e.g. `inspect.getmembers` filtering a rule module's names) reads `__class__`.
"""
from __future__ import annotations

import importlib.util
import sys
import types


class _DeferredModule(types.ModuleType):
    """A module whose code runs on first attribute access (except `__spec__`, `__class__`)."""

    def __getattribute__(self, attr: str) -> object:
        if attr in ("__spec__", "__class__"):  # read by `import` and `isinstance`
            return super().__getattribute__(attr)
        spec = super().__getattribute__("__spec__")
        self.__class__ = types.ModuleType  # stop intercepting before running the module's code
        try:
            spec.loader.exec_module(self)
        except BaseException:
            sys.modules.pop(spec.name, None)  # a failed import must not leave a half module
            raise
        return getattr(self, attr)


def defer(name: str) -> None:
    """Make `import name` lazy in this process (a no-op once imported, or if not installed)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _DeferredModule
    sys.modules[name] = module


def is_loaded(name: str) -> bool:
    """Whether `name` has been executed, not merely deferred (`type()` does not load it)."""
    module = sys.modules.get(name)
    return module is not None and type(module) is not _DeferredModule


def load(name: str) -> None:
    """Execute a deferred module now, e.g. before forking workers that will all parse."""
    module = sys.modules.get(name)
    if module is not None and type(module) is _DeferredModule:
        module.__dict__  # noqa: B018 - any attribute access runs the module
