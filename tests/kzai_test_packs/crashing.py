"""A pack whose only rule raises on every Python file: proves a crashing rule is isolated."""
from __future__ import annotations

from typing import Iterator

from kzai_lint import PYTHON_KINDS, FileContext, Hit, Invalid, PythonRule, RuleMeta, RulePack, Valid


class AlwaysCrashes(PythonRule):
    """Raises on every file.

    ## What it finds
    Nothing; it crashes.

    ## Why it matters
    It proves that one crashing plugin rule does not stop the others.

    ## Mitigation
    None.

    ## Suppression
    None.
    """

    meta = RuleMeta(id="KZ306/test-crash", code="KZ306", kinds=frozenset(PYTHON_KINDS))
    INVALID = (Invalid("x = 1\n", line=1),)
    VALID = (Valid("x = 1\n"),)

    def keywords(self) -> None:
        return None

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        raise RuntimeError("deliberate crash in a test plugin")


PACK = RulePack(name="crashing", version="9.9.9", rules=(AlwaysCrashes,))
