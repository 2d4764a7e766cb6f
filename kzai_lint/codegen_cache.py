"""Remember the code `dataclasses` generates, so defining a dataclass does not compile it again.

`@dataclass` writes `__init__`, `__eq__`, `__repr__`... as source text and compiles it with
`exec` each time a class is defined. That compile is 70% of the cost of defining a dataclass:
~35 ms of a pre-commit run for kzai-lint's own classes, and 0.13 s of libcst's 0.24 s import.
The compiled code objects depend only on the source text and the interpreter, so the CLI keeps
them in the user's cache folder (`startup_index.directory()`), one file per top-level package
whose classes they belong to (`kzai_lint`, `libcst`...) holding one entry per module. A module's
entry is decoded when it defines its first dataclass and rewritten at exit when it compiled
something, with exactly the code it ran, so old versions' code does not pile up.

`install()` puts a caching `exec` into the `dataclasses` module's namespace (where its code
generator looks `exec` up); it compiles exactly as that `exec` would (`dont_inherit`: no
`__future__` flags, like `dataclasses` itself) and runs the same code. Code objects are read
with `marshal`, like `__pycache__`: the folder is the user's own. Only the command line installs
it (in `cli.main`), and only for the packages in `CACHED_PACKAGES`; `KZAI_LINT_INDEX_DIR=`
(empty) turns it off with the rest of the startup index.
"""
from __future__ import annotations

import builtins
import marshal
import os
import sys
from types import CodeType
from typing import Any

from kzai_lint.atomic_file import read_marshal, write_atomically

__all__ = ["install", "installed", "run"]

_HEAD = ("kzai-lint-dataclass-code", 2, sys.version, sys.flags.optimize)
MAX_BYTES = 16 << 20
"""Bytes kept per package file (a bound, not an expected size: libcst's is ~0.8 MB)."""


class _Store:
    """Code objects by package file, then by module, each module's kept as marshalled bytes and
    decoded when that module defines its first dataclass: a pre-commit run defines a few dozen
    of kzai-lint's ~200 dataclasses, and decoding all of them cost ~2 ms."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.raw: dict[str, dict[str, bytes]] = {}  # package -> module -> marshalled {source: code}
        self.codes: dict[str, dict[str, CodeType]] = {}  # module -> source -> code, as read
        self.used: dict[str, dict[str, CodeType]] = {}  # module -> the code this process ran
        self.stale: dict[str, set[str]] = {}  # package -> modules that compiled something
        self.compiled = 0

    def path(self, package: str) -> str:
        return os.path.join(self.folder, f"dataclass-code-{package}.marshal")

    def module_codes(self, package: str, module: str) -> dict[str, CodeType]:
        codes = self.codes.get(module)
        if codes is None:
            modules = self.raw.get(package)
            if modules is None:
                modules = self.raw[package] = _read(self.path(package))
            codes = self.codes[module] = _decode(modules.get(module))
        return codes


_STORE: _Store | None = None


def _read(path: str) -> dict[str, bytes]:
    data = read_marshal(path)
    if isinstance(data, tuple) and len(data) == 2 and data[0] == _HEAD and isinstance(data[1], dict):
        return {name: blob for name, blob in data[1].items() if isinstance(name, str) and isinstance(blob, bytes)}
    return {}


def _decode(blob: bytes | None) -> dict[str, CodeType]:
    if blob is None:
        return {}
    try:
        codes = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return {}  # a damaged entry: compiled again and rewritten
    return codes if isinstance(codes, dict) else {}


CACHED_PACKAGES = ("kzai_lint", "libcst")
"""Top-level packages whose dataclasses are cached (rule packs named kzai_lint_* included):
what a run defines every time. Others (an embedding program's) compile as usual."""


def _package(namespace: Any) -> str | None:
    name = namespace.get("__name__") if isinstance(namespace, dict) else None
    if not isinstance(name, str) or not name:
        return None
    top = name.split(".", 1)[0]
    return top if top.isidentifier() and top.startswith(CACHED_PACKAGES) else None


def _exec(source: Any, globals: Any = None, locals: Any = None) -> None:  # noqa: A002 - exec's names
    """`exec` for the `dataclasses` module: compiled source text comes from the store."""
    store = _STORE
    package = _package(globals) if store is not None and type(source) is str else None
    if store is None or package is None:
        if type(source) is str:  # not this module's `__future__` flags: the `dataclasses` module's (none)
            source = compile(source, "<string>", "exec", dont_inherit=True)
        return builtins.exec(source, globals, locals)
    module: str = globals["__name__"]
    codes = store.module_codes(package, module)
    code = codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        codes[source] = code
        store.stale.setdefault(package, set()).add(module)
        store.compiled += 1
    store.used.setdefault(module, {})[source] = code
    return builtins.exec(code, globals, locals)


def run(source: str, namespace: dict[str, Any]) -> None:
    """Run generated `source` in `namespace` (whose `__name__` names its module), its compiled
    code kept like a dataclass's when the store is installed: for kzai-lint's own generated
    code (`sources.parser_nodes`)."""
    _exec(source, namespace)


def installed() -> bool:
    import dataclasses

    return getattr(dataclasses, "exec", None) is _exec


def install() -> None:
    """Cache the code of dataclasses defined from now on in this process (see the docstring)."""
    global _STORE
    from kzai_lint import startup_index

    folder = startup_index.directory()
    if folder is None or installed():
        return
    import atexit
    import dataclasses

    _STORE = _Store(folder)
    dataclasses.exec = _exec  # type: ignore[attr-defined] - shadows the builtin for that module only
    atexit.register(_flush)


def _flush() -> None:
    """Rewrite the entries of modules that compiled something, with the code they ran in this
    process (merged with what another process wrote meanwhile). A module's earlier code goes:
    an edited checkout or an upgrade would otherwise make the file grow with every version."""
    store = _STORE
    if store is None:
        return
    for package, modules in store.stale.items():
        path = store.path(package)
        merged = _read(path)
        try:
            for module in modules:
                merged[module] = marshal.dumps(store.used.get(module, {}))
        except ValueError:
            continue
        if sum(len(blob) for blob in merged.values()) > MAX_BYTES:
            merged = {module: merged[module] for module in modules}
        write_atomically(path, marshal.dumps((_HEAD, merged)))
    store.stale.clear()
