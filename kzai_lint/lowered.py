"""The lower-cased form of the file text being scanned, computed once for the whole pipeline.

The prefilter (`requirements`), the text facts (`facts.collect_text`) and the rules
(`FileContext.lowered`) all read a file lower-cased; on transformers + diffusers each
`str.lower()` of every file costs ~0.35 s. The last text asked for is remembered by identity
(the same `str` object, not an equal one), so a file is lowered once however many of them ask,
and at most one file's text is held beyond its scan.
"""
from __future__ import annotations

__all__ = ["lowered"]

_last: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """`text.lower()`, shared with the previous caller that asked for this very object."""
    global _last
    if _last[0] is text:
        return _last[1]
    result = text.lower()
    _last = (text, result)
    return result
