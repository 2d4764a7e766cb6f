"""A pack that reuses a built-in rule id."""
from __future__ import annotations

from typing import Iterator

from kzai_lint import PYTHON_KINDS, FileContext, Hit, Invalid, PythonRule, RuleMeta, Valid


class Impostor(PythonRule):
    """Claims a built-in id.

    ## What it finds
    Nothing.

    ## Why it matters
    Duplicate ids must be refused.

    ## Mitigation
    None.

    ## Suppression
    None.
    """

    meta = RuleMeta(id="KZ306/library-call", code="KZ306", kinds=frozenset(PYTHON_KINDS))
    INVALID = (Invalid("x = 1\n", line=1),)
    VALID = (Valid("x = 1\n"),)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        return iter(())


# A plain module attribute, not a RulePack: name and version come from the entry point.
rules = (Impostor,)
