"""`re.compile` whose work is remembered across runs in the startup index.

Compiling the prefilter's keyword regex (17,000 opcodes) costs 20-80 ms and the catalogue's
patterns another 10 ms, every run, although they change only with kzai-lint's code. `re` compiles
in two steps: a pure-Python parser and code generator produce a list of opcodes, then
`_sre.compile` turns that list into a pattern object in microseconds (and validates it, so a bad
list raises instead of crashing). The opcode list is a plain value, so it is kept in the startup
index (whose stamp includes the Python version and `_sre.MAGIC`); any mismatch or error falls
back to `re.compile`, which always gives the same pattern.
"""
from __future__ import annotations

import array
import functools
import re
from typing import Any

from kzai_lint.digest import blake2b

__all__ = ["case_free", "case_sensitive_variant", "compile", "for_lowered"]

_OPCODE = "I" if array.array("I").itemsize == 4 else "L"  # `_sre.CODESIZE` is in the index stamp


@functools.lru_cache(maxsize=512)
def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re.compile
    """`re.compile(pattern, flags)`, from the startup index's opcodes when they are there."""
    from kzai_lint import startup_index

    flags = int(flags)
    if startup_index.directory() is None:
        return re.compile(pattern, flags)
    key = "re/" + blake2b(f"{flags}\0{pattern}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    try:
        parts = startup_index.get(key, lambda: _parts(pattern, flags))
        if parts is not None:
            return _build(pattern, parts)
    except Exception:  # noqa: BLE001 - an index from another engine, or a changed `re`: compile
        pass
    return re.compile(pattern, flags)


def _parts(pattern: str, flags: int) -> tuple[Any, ...] | None:
    """What `re._compiler.compile` hands to `_sre.compile`, checked against `re.compile`."""
    try:
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        ops = array.array(_OPCODE, [int(op) for op in code]).tobytes()  # 4 bytes an opcode, not 5
        parts = (int(flags | parsed.state.flags), ops, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        built, reference = _build(pattern, parts), re.compile(pattern, flags)
    except Exception:  # noqa: BLE001 - internals differ on this interpreter: never stored
        return None
    same = (built.flags, built.groups, built.groupindex) == (reference.flags, reference.groups, reference.groupindex)
    return parts if same else None


def _build(pattern: str, parts: tuple[Any, ...]) -> re.Pattern[str]:
    import _sre

    flags, ops, groups, groupindex, indexgroup = parts
    code = array.array(_OPCODE, ops).tolist()
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)  # type: ignore[no-any-return]


_CASE_FREE = re.compile(r"(?:[^A-Z\\]|\\[^xuUN0-9])*")
"""A pattern in which `re.IGNORECASE` changes nothing on a lower-cased ASCII text: no upper-case
letter, and no escape that could spell one (`\\x41`, `\\N{...}`, an octal)."""


def case_free(pattern: str) -> bool:
    """Whether `re.IGNORECASE` cannot change what `pattern` matches in a lower-cased ASCII text:
    no upper-case letter, no escape that could spell one, no non-ASCII character (`K` folds to
    the Kelvin sign). Lower-cased ASCII text has no upper-case letter for the flag to match."""
    return pattern.isascii() and _CASE_FREE.fullmatch(pattern) is not None


def case_sensitive_variant(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """`pattern` compiled without `re.IGNORECASE`, or None when the flag could matter on a
    lower-cased ASCII text (`case_free`)."""
    return compile(pattern, int(flags) & ~re.IGNORECASE) if case_free(pattern) else None


_FOR_LOWERED: dict[re.Pattern[str], re.Pattern[str]] = {}


def for_lowered(regex: re.Pattern[str], lowered: str) -> re.Pattern[str]:
    """The regex to search `lowered`, a lower-cased text, with: `regex` itself, or, when the text
    is ASCII (`str.isascii` reads a flag, it does not scan), the same pattern without
    `re.IGNORECASE` wherever the flag cannot change a match (`case_sensitive_variant`).

    Case folding stops `re` from skipping ahead in C to where a match can begin: an alternation
    of words (`music|song|lyric|...`) is then tried at every position of the file, measured
    7-9x slower on the benchmark's worst-case files (230 against 26 us for a 3 KB file)."""
    if not regex.flags & re.IGNORECASE or not lowered.isascii():
        return regex
    plain = _FOR_LOWERED.get(regex)
    if plain is None:
        if len(_FOR_LOWERED) > 1024:  # bounded: packs may add patterns, a run asks about a few dozen
            _FOR_LOWERED.clear()
        plain = _FOR_LOWERED[regex] = case_sensitive_variant(regex.pattern, regex.flags) or regex
    return plain
