"""`kzai-lint rules` and `kzai-lint explain`: rule docs, metadata, examples and the clause text.

The clause text is read from the copy of Article 17 shipped in the package (data/article17.txt)
and split into clauses here, so the explanation always quotes the law as shipped.
"""
from __future__ import annotations

import functools
import json
import re
import textwrap
from importlib import resources

from kzai_lint import registry
from kzai_lint.config import UsageError
from kzai_lint.rule import Invalid, Rule

_CLAUSE_RX = re.compile(r"^17\((\d)\)(?:\((\d)\))?$")


@functools.lru_cache(maxsize=1)
def clause_texts() -> dict[str, str]:
    """{"17(1)": text, "17(3)": intro, "17(3)(6)": item text, ...} from the shipped law text."""
    text = resources.files("kzai_lint").joinpath("data/article17.txt").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    current = None
    parent = None
    for raw in text.splitlines()[1:]:
        line = raw.strip()
        if not line or line.startswith("The Law of the Republic") or line in ("President", "Republic of Kazakhstan"):
            continue
        top = re.match(r"^(\d)\.\s+(.*)$", line)
        item = re.match(r"^(\d)\)\s+(.*)$", line)
        if top:
            parent = f"17({top.group(1)})"
            current = parent
            out[current] = [top.group(2)]
        elif item and parent == "17(3)":
            current = f"{parent}({item.group(1)})"
            out[current] = [item.group(2)]
        elif current is not None:
            out.setdefault(current, []).append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def clause_text(clause: str) -> str:
    texts = clause_texts()
    if clause in texts:
        m = _CLAUSE_RX.match(clause)
        if m and m.group(2):
            return f"{texts['17(3)']}\n{m.group(2)}) {texts[clause]}"
        return texts[clause]
    return ""


def _all_rules() -> list[type[Rule]]:
    return list(registry.load().rules)


def _matches(rule: type[Rule], selector: str, clause: str | None) -> bool:
    if selector == rule.meta.id or rule.meta.code.startswith(selector):
        return True
    return clause is not None and (clause == selector or clause.startswith(selector + "("))


def list_rules(selectors: list[str], fmt: str) -> str:
    loaded = registry.load()
    cat = loaded.catalogue
    versions = {p.name: p.version for p in loaded.packs}
    rows = []
    for rule in _all_rules():
        info = cat.codes[rule.meta.code]
        if selectors and not any(_matches(rule, s, info.clause) for s in selectors):
            continue
        rows.append(
            {
                "id": rule.meta.id,
                "code": rule.meta.code,
                "clause": info.clause,
                "title": info.title,
                "severity": (rule.meta.severity or info.severity).value,
                "confidence": rule.meta.confidence.value,
                "kinds": sorted(k.value for k in rule.meta.kinds),
                "pack": rule.pack,
                "pack_version": versions.get(rule.pack, ""),
                "summary": rule.summary(),
            }
        )
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    width = max((len(r["id"]) for r in rows), default=10)
    packs = {r["id"]: f"{r['pack']} {r['pack_version']}" for r in rows}
    pack_width = max((len(p) for p in packs.values()), default=4)
    lines = [f"{'RULE'.ljust(width)}  CLAUSE     SEVERITY  {'PACK'.ljust(pack_width)}  SUMMARY"]
    for r in rows:
        lines.append(f"{r['id'].ljust(width)}  {(r['clause'] or '-').ljust(9)}  {r['severity'].ljust(8)}  {packs[r['id']].ljust(pack_width)}  {r['summary']}")
    return "\n".join(lines) + "\n"


def _example_text(example: object) -> str:
    files = example.all_files()  # type: ignore[attr-defined]
    chunks = []
    for path, text in files.items():
        chunks.append(f"# {path}\n{text.rstrip()}")
    return "\n".join(chunks)


def explain(target: str) -> str:
    cat = registry.load().catalogue
    rules = _all_rules()
    if _CLAUSE_RX.match(target):
        chosen = [r for r in rules if _matches(r, target, cat.codes[r.meta.code].clause)]
        header = f"Article {target}\n\n{textwrap.indent(clause_text(target) or '(no text)', '    ')}\n"
    else:
        chosen = [r for r in rules if r.meta.id == target or r.meta.code == target or (len(target) < 5 and r.meta.code.startswith(target))]
        if not chosen and target in cat.codes:
            info = cat.codes[target]
            return f"{target} [{info.clause}] {info.title}\n\n{clause_text(info.clause)}\n"
        if not chosen:
            raise UsageError(f"nothing to explain for {target!r}: give a code (KZ306), a rule id (KZ306/library-call) or a clause (17(3)(6))")
        clauses = sorted({c for r in chosen if (c := cat.codes[r.meta.code].clause)})  # KZ0xx: no clause
        header = "".join(f"Article {c}\n\n{textwrap.indent(clause_text(c) or '(no text)', '    ')}\n\n" for c in clauses)
    parts = [header]
    for rule in chosen:
        info = cat.codes[rule.meta.code]
        parts.append(f"{'=' * 78}\n{rule.meta.id}  [{info.clause or 'no clause'}]  {info.title}\nseverity {(rule.meta.severity or info.severity).value}, confidence {rule.meta.confidence.value}\n")
        parts.append(rule.doc() + "\n")
        for label, examples in (("Flagged", rule.INVALID), ("Not flagged", rule.VALID)):
            for ex in examples:
                extra = f" ({ex.status.value})" if isinstance(ex, Invalid) and ex.status.value != "open" else ""
                note = f" — {ex.note}" if ex.note else ""
                parts.append(f"{label}{extra}{note}:\n{textwrap.indent(_example_text(ex), '    ')}\n")
    return "\n".join(parts)
