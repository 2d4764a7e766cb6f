"""Plain constructors for the libcst nodes its parser builds.

libcst's native parser builds the tree by calling each node class with keyword arguments, so
every node goes through the `__init__` that `dataclasses` wrote for a frozen class: one
`object.__setattr__(self, "name", value)` per field (a global, an attribute lookup and a generic
attribute set) and then `__post_init__`, which validates the node. Validation is for trees built
by hand and never fails on the parser's output (`sources.python.parse_module` says more); the
rest is about a fifth of a parse. The constructors made here take the same parameters with the
same defaults and store each field through its slot's own setter, with no validation: measured,
the parse of 60 files costs 7 % fewer instructions, and the tree is the same
(`tests/test_python_parse.py` compares it with libcst's own on many files).

They are made once per process, from the classes' own dataclass fields (so they follow the
installed libcst), and only for classes whose construction they reproduce exactly: slotted
frozen dataclasses whose fields are all plain `__init__` parameters and which define no
`__post_init__` of their own. Any other class keeps its generated `__init__`, with validation
switched off. The code is run through `codegen_cache`, which remembers the compiled code between
runs of the command line.

`parse` puts them in place for one parse and restores libcst's own afterwards. Replacing a
class's `__init__` makes CPython update the class's slots: 161 classes twice per file cost ~4 %
of a parse. So a run's per-file stage holds a `session`: the first parse in it puts the
constructors in place and they stay until the session ends (a pool worker's lasts its life).
Nothing else builds nodes meanwhile but kzai-lint's own analysis, which never relies on
validation; a session that parses nothing never imports libcst.
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    import libcst

__all__ = ["Constructors", "constructors", "parse", "session", "session_for_life"]

Constructors = list[tuple[type, Callable[..., None], Callable[..., None]]]
"""(class, fast `__init__`, the class's own `__init__`) for each class made fast."""

_MADE: Constructors | None = None
_SESSIONS = 0  # sessions open in this process
_IN_PLACE: Any = None  # libcst's own `CSTNode.__post_init__` while the constructors are in place


def parse(text: str) -> "libcst.Module":
    """`libcst.parse_module(text)` with the plain constructors (see the module docstring)."""
    import libcst

    if _IN_PLACE is None and not _put_in_place():
        return libcst.parse_module(text)  # a libcst without the validation hook: as it is
    try:
        return libcst.parse_module(text)
    finally:
        if not _SESSIONS:
            _restore()


@contextmanager
def session() -> Iterator[None]:
    """Keep the constructors in place from the first `parse` until the outermost session ends."""
    global _SESSIONS
    _SESSIONS += 1
    try:
        yield
    finally:
        _SESSIONS -= 1
        if not _SESSIONS:
            _restore()


def session_for_life() -> None:
    """A session that never ends: a pool worker's, which only scans."""
    global _SESSIONS
    _SESSIONS += 1


def _put_in_place() -> bool:
    global _IN_PLACE
    from libcst import CSTNode

    validate = CSTNode.__dict__.get("__post_init__")
    if validate is None:
        return False
    made = constructors()
    _IN_PLACE = validate
    CSTNode.__post_init__ = _built_by_the_parser  # type: ignore[method-assign]
    for cls, plain, _ in made:
        type.__setattr__(cls, "__init__", plain)
    return True


def _restore() -> None:
    global _IN_PLACE
    if _IN_PLACE is None:
        return
    from libcst import CSTNode

    for cls, _, own in constructors():
        type.__setattr__(cls, "__init__", own)
    CSTNode.__post_init__ = _IN_PLACE  # type: ignore[method-assign]
    _IN_PLACE = None


def _built_by_the_parser(self: Any) -> None:
    return None


def constructors() -> Constructors:
    """The fast constructors of this process, made on first use."""
    global _MADE
    if _MADE is None:
        _MADE = _make()
    return _MADE


def _node_classes() -> list[type]:
    """Every subclass of `CSTNode` that owns a dataclass `__init__`, in a stable order (by
    module and name) so that the generated source, and with it the cached code, is the same
    in every run."""
    from libcst import CSTNode

    seen: set[type] = set()
    stack = [CSTNode]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    owning = [cls for cls in seen if "__init__" in cls.__dict__ and "__dataclass_fields__" in cls.__dict__]
    # libcst's `add_slots` remakes each class with slots; the class it was made from is still a
    # subclass of CSTNode, with the same name, and is left out by `_plain` (no slots of its own).
    return sorted(owning, key=lambda cls: (cls.__module__, cls.__qualname__, "__slots__" not in cls.__dict__))


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The `__set__` of the slot that holds field `name`, or None when it is not a slot."""
    for owner in cls.__mro__:
        found = owner.__dict__.get(name)
        if found is not None:
            return found.__set__ if type(found) is MemberDescriptorType else None
    return None


def _plain(cls: type) -> bool:
    """Whether the dataclass `__init__` of `cls` only stores its parameters (and validates)."""
    from libcst import CSTNode

    if "__slots__" not in cls.__dict__ or not dataclasses.is_dataclass(cls) or not getattr(cls, "__dataclass_params__").frozen:
        return False  # not slotted: also the class libcst's `add_slots` remade (never built)
    if any(owner.__dict__.get("__post_init__") is not None for owner in cls.__mro__ if owner is not CSTNode):
        return False  # a class of its own post-init work: not only validation
    kinds = {field._field_type for field in getattr(cls, "__dataclass_fields__").values()}  # type: ignore[attr-defined]
    if kinds - {dataclasses._FIELD, dataclasses._FIELD_CLASSVAR}:  # type: ignore[attr-defined]
        return False  # InitVar
    return all(field.init and field.kw_only is not True for field in dataclasses.fields(cls))


def _make() -> Constructors:
    from kzai_lint import codegen_cache

    values: dict[str, Any] = {"_MISSING": dataclasses.MISSING}
    functions: list[str] = []
    owners: list[type] = []
    for cls in _node_classes():
        function = _constructor(cls, len(owners), values) if _plain(cls) else None
        if function is not None:
            functions.append(function)
            owners.append(cls)
    names = sorted(values)
    source = f"def make({', '.join(names)}):\n{''.join(functions)}    return [{', '.join(f'__init__{n}' for n in range(len(owners)))}]\n"
    namespace: dict[str, Any] = {"__name__": __name__}
    codegen_cache.run(source, namespace)
    built = namespace["make"](*[values[name] for name in names])
    for function, cls in zip(built, owners):
        function.__qualname__ = f"{cls.__qualname__}.__init__"
    return [(cls, function, cls.__dict__["__init__"]) for cls, function in zip(owners, built)]


def _constructor(cls: type, number: int, values: dict[str, Any]) -> str | None:
    """The source of `__init__{number}` for `cls`, the objects it names put in `values`; None
    when a field is not stored in a slot."""
    params: list[str] = []
    body: list[str] = []
    named: dict[str, Any] = {}
    for position, field in enumerate(dataclasses.fields(cls)):
        setter = _slot_setter(cls, field.name)
        if setter is None:
            return None
        slot, default = f"_s{number}_{position}", f"_d{number}_{position}"
        named[slot] = setter
        if field.default is not dataclasses.MISSING:
            named[default] = field.default
            params.append(f"{field.name}={default}")
            body.append(f"{slot}(self, {field.name})")
        elif field.default_factory is not dataclasses.MISSING:
            named[default] = field.default_factory
            params.append(f"{field.name}=_MISSING")
            body.append(f"{slot}(self, {default}() if {field.name} is _MISSING else {field.name})")
        else:
            params.append(field.name)
            body.append(f"{slot}(self, {field.name})")
    values.update(named)
    lines = "".join(f"        {line}\n" for line in body or ["pass"])
    return f"    def __init__{number}({', '.join(['self', *params])}):\n{lines}"
