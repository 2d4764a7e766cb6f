"""Every name an identifier pattern matches holds one of the pattern's prefilter `words`.

The named-capability rules' prefilter first asks for a `words` entry anywhere in the file, then
for a definition whose name matches the pattern; a word missing from some matching name would
drop that file. Names are derived from each pattern (every alternative, optional parts present
and absent), so a new pattern or alternative is checked without a hand-written list.
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Iterator

import pytest

from kzai_lint.catalogue import load

try:  # the regex parser moved in Python 3.11
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

ENTRIES = load().extra["identifiers"]
LIMIT = 4000  # names per pattern; the patterns here give a few hundred


def strings(parsed: Any) -> Iterator[str]:
    """Strings of a parsed regex: every branch, each optional part with and without, one letter
    for a character class, `x` for one repetition of a `\\w*`."""
    parts = [list(_node(op, av)) for op, av in parsed]
    for combo in itertools.islice(itertools.product(*parts), LIMIT):
        yield "".join(combo)


def _node(op: Any, av: Any) -> Iterator[str]:
    name = str(op)
    if name == "LITERAL":
        yield chr(av)
    elif name == "IN":
        kind, value = av[0]
        yield chr(value) if str(kind) == "LITERAL" else chr(value[0]) if str(kind) == "RANGE" else "x"  # `\\w`: a letter
    elif name == "SUBPATTERN":
        yield from strings(av[-1])
    elif name == "BRANCH":
        for branch in av[1]:
            yield from strings(branch)
    elif name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, body = av
        inner = list(strings(body))
        for count in sorted({low, min(low + 1, high)}):
            for combo in itertools.islice(itertools.product(inner, repeat=count), 50):
                yield "".join(combo)
    else:
        raise AssertionError(f"unexpected regex element {name}")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["pattern"][:40] for e in ENTRIES])
def test_every_matching_name_holds_a_word(entry: dict[str, Any]) -> None:
    rx = re.compile(f"(?:{entry['pattern']})\\Z", re.IGNORECASE)
    words = [str(w).lower() for w in entry.get("words") or ()]
    assert words, "an identifier pattern needs prefilter words"
    names = [n for n in strings(sre_parse.parse(entry["pattern"])) if rx.match(n)]
    assert names, "the pattern gives no name"
    missing = [n for n in names if not any(w in n.lower() for w in words)]
    assert not missing, f"names without any of {words}: {missing[:5]}"


def test_the_name_generator_covers_alternatives_and_options() -> None:
    found = set(strings(sre_parse.parse("(get|read)(the)?(age)s?")))
    assert {"getage", "readtheages", "gettheage", "readages"} <= found
