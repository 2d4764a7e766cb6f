"""A byte-level prefilter derived from the enabled rules' catalogue keywords.

One compiled regex over the lower-cased text decides whether a file can possibly match; a file
that cannot is never parsed into a CST (the parse is 100x the cost of this scan). Rules that
declare no keywords make the prefilter pass everything for their file kinds.
"""
from __future__ import annotations

import re
from typing import Iterable


class Prefilter:
    """Keywords match at a word start (`fer` never matches `transfer`); a keyword written with a
    leading `*` matches anywhere, for words embedded in identifiers (`FacialEmotionNet`)."""

    def __init__(self, keywords: Iterable[str] | None) -> None:
        words = None if keywords is None else sorted({w.lower() for w in keywords if w}, key=len, reverse=True)
        self.keywords = words
        if words is None:
            self._rx = None
        elif not words:
            self._rx = re.compile(r"(?!x)x")
        else:
            anywhere = "|".join(re.escape(w[1:]) for w in words if w.startswith("*"))
            bounded = "|".join(re.escape(w) for w in words if not w.startswith("*"))
            parts = []
            if bounded:
                parts.append(r"(?<![a-z0-9])(?:" + bounded + r")")
            if anywhere:
                parts.append(r"(?:" + anywhere + r")")
            self._rx = re.compile("|".join(parts))

    @property
    def passes_everything(self) -> bool:
        return self._rx is None

    def may_match(self, text: str) -> bool:
        return self._rx is None or self._rx.search(text.lower()) is not None
