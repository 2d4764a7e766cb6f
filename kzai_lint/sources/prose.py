"""Sentences, negation and out-of-scope sections in model-card prose.

A card that says "This model does NOT perform emotion recognition" mentions the capability only
to rule it out, and so does everything under an "Out-of-scope use" heading. Rules that match
capability terms in prose ask these helpers before reporting, so disclaimers do not become
findings. The heuristics are deliberately lexical (cue words within the same clause, a bounded
word window) and conservative about phrases that look negative but are not ("including but not
limited to emotion recognition", "not only ... but also").
"""
from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["is_negated", "section_is_out_of_scope", "split_sentences"]

#: How many words before (after) a term a negation cue may sit and still apply to it.
WORDS_BEFORE = 12
WORDS_AFTER = 8

_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs cf al approx fig no nr dr mr mrs ms prof st incl resp esp ca".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+")
_HARD_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+][ \t]|\d{1,9}[.)][ \t]|\||#))")

_APOSTROPHE = "['\u2019]"
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|no|never|without|cannot|nor|neither|none|nothing)\b"
    rf"|n{_APOSTROPHE}t\b"
    r"|\b(?:prohibit|forbid|exclud|disallow)\w*"
    r"|\bout[- ]of[- ]scope\b|\binstead\s+of\b|\brather\s+than\b|\bfree\s+(?:of|from)\b"
    r"|\bavoid\s+using\b|\brefrain\s+from\b",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"\b(?:is|are|was|were|will\s+be|be)\s+(?:not|never)\s+(?:supported|intended|permitted"
    r"|allowed|provided|performed|included|offered|done|possible|in\s+scope|a\s+goal|part\s+of)\b"
    r"|\b(?:must|should|may|shall|will|can)\s+(?:not|never)\b|\bcannot\b"
    rf"|\b(?:must|should|ca|wo|is|are)n{_APOSTROPHE}t\b"
    r"|\bout[- ]of[- ]scope\b|\b(?:prohibited|forbidden|excluded|disallowed|unsupported)\b",
    re.IGNORECASE,
)
# Phrases with a negative word that do not negate what follows; masked before looking for cues.
_FALSE_NEGATION = re.compile(
    r"\bnot\s+(?:only|just|merely|least|necessarily|limited\s+to)\b"
    r"|\bwhether\s+or\s+not\b|\bno\s+(?:matter|doubt)\b|\bno\s*,",
    re.IGNORECASE,
)
# A negation does not reach across these.
_CLAUSE_BREAK = re.compile(
    r"[;!?]|\.(?=\s)|,\s*(?:and|so|which|then|it|this)\b"
    r"|\b(?:but|however|whereas|although|though|yet|except|unless|while|instead(?!\s+of)"
    r"|other\s+than|apart\s+from)\b",
    re.IGNORECASE,
)
_OUT_OF_SCOPE_HEADING = re.compile(
    r"out[- ]of[- ]scope|limitation|\bmis-?use|\bnot\s+intended|\bunintended|\bprohibited"
    r"|\bforbidden|\bbias|\brisks?\b|\bdo\s+not\s+use|\bdon[’']t\s+use",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[tuple[str, int]]:
    """Sentences of `text` as (sentence, offset of its first character in `text`).

    Splits after `.`, `!` or `?` followed by space and neither a lower-case letter nor a digit
    (skipping common abbreviations such as "e.g."), at blank lines, and before list items, table
    rows and headings.
    Sentences keep their inner newlines so offsets map back to lines.
    """
    cuts = sorted({0, len(text), *_hard_breaks(text), *_sentence_ends(text)})
    sentences = []
    for start, end in zip(cuts, cuts[1:]):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            sentences.append((stripped, start + len(chunk) - len(chunk.lstrip())))
    return sentences


def _hard_breaks(text: str) -> list[int]:
    return [match.end() for match in _HARD_BREAK.finditer(text)]


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following.islower() or following.isdigit():
            continue
        if match.group().startswith(".") and _word_before(text, match.start()) in _ABBREVIATIONS:
            continue
        ends.append(match.end())
    return ends


def _word_before(text: str, index: int) -> str:
    """The lower-cased word (dots allowed, as in "e.g") ending at `index`."""
    start = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    return text[start:index].lower()


def is_negated(sentence: str, term_start: int) -> bool:
    """Whether the term starting at `term_start` is negated within its clause.

    Looks for a cue ("not", "no", "without", "never", "n't", "prohibited", "out of scope",
    "instead of", ...) in the same clause up to `WORDS_BEFORE` words before the term, or a
    negated predicate ("is not supported", "must not", "is out of scope", "prohibited") up to
    `WORDS_AFTER` words after it.
    """
    masked = _FALSE_NEGATION.sub(lambda m: " " * len(m.group()), sentence)
    before = _clause_before(masked[:term_start])
    if _NEGATION_BEFORE.search(" ".join(before.split()[-WORDS_BEFORE:])):
        return True
    after = _clause_after(masked[term_start:])
    return bool(_NEGATION_AFTER.search(" ".join(after.split()[:WORDS_AFTER])))


def _clause_before(prefix: str) -> str:
    last = None
    for last in _CLAUSE_BREAK.finditer(prefix):
        pass
    return prefix[last.end() :] if last else prefix


def _clause_after(suffix: str) -> str:
    match = _CLAUSE_BREAK.search(suffix)
    return suffix[: match.start()] if match else suffix


def section_is_out_of_scope(heading_path: Sequence[str]) -> bool:
    """Whether any enclosing heading is about out-of-scope use, misuse, limitations or risks."""
    return any(_OUT_OF_SCOPE_HEADING.search(heading) for heading in heading_path)
