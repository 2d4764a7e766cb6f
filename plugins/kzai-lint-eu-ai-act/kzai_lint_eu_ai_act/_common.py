"""Small helpers shared by the pack's rules: catalogue data, name matching, clause phrases."""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from kzai_lint import FileContext


def pack_data(ctx_or_catalogue: Any) -> Mapping[str, Any]:
    """The pack's own catalogue section (`eu_ai_act`), from a FileContext or a Catalogue."""
    catalogue = getattr(ctx_or_catalogue, "catalogue", ctx_or_catalogue)
    data = catalogue.extra.get("eu_ai_act")
    if not isinstance(data, Mapping):
        raise LookupError("the eu_ai_act catalogue section is missing: is the pack's catalogue extension loaded?")
    return data


def under(qualname: str | None, prefixes: Iterable[str]) -> str | None:
    """The prefix a dotted name equals or lies under (`icrawler` covers `icrawler.builtin.X`)."""
    if not qualname:
        return None
    for prefix in prefixes:
        if qualname == prefix or qualname.startswith(prefix + "."):
            return prefix
    return None


def clause_phrase(ctx: FileContext, code: str) -> str:
    info = ctx.catalogue.codes[code]
    return f"Article {info.clause} ({info.title[:1].lower()}{info.title[1:]})"


def normalise(text: str) -> str:
    """Lower case with runs of other characters turned into `_` (column names, label ids)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
