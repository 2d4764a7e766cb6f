"""Which 12-digit numbers are IINs, and how findings show them without repeating them.

A number counts by its check digit and birth date (`kzai_lint.iin`, clause map 8.4); the share of
valid numbers around it decides whether the few that pass are IINs or order ids by chance.
"""
from __future__ import annotations

import re

from kzai_lint.iin import IIN_PATTERN, is_bin, is_valid_iin
from kzai_lint.model import Confidence

IIN_WORD = re.compile(r"(?<![a-zа-яё])(iin|иин|жсн)(?![a-zа-яё])", re.IGNORECASE)
# A random 12-digit number passes the check digit about one time in eleven; when most 12-digit
# numbers of a file or column fail it, the few that pass are order ids by chance, not IINs.
MIN_VALID_SHARE = 0.5
_SHARE_FROM = 4


def iin_kind(token: str, named: bool) -> Confidence | None:
    """HIGH for a valid IIN with a real birth date; MEDIUM for a checksum-only match in an IIN
    field (clause map 8.5: the date raises confidence, it does not reject); None otherwise."""
    if is_bin(token):
        return None
    if is_valid_iin(token):
        return Confidence.HIGH
    if named and is_valid_iin(token, strict_date=False):
        return Confidence.MEDIUM
    return None


def iin_candidates(text: str, named: bool) -> tuple[int, list[tuple[str, Confidence]]]:
    """(12-digit tokens seen, the IINs among them) in one string."""
    tokens = [m.group() for m in IIN_PATTERN.finditer(text)]
    found = [(t, conf) for t in tokens if (conf := iin_kind(t, named)) is not None]
    return len(tokens), found


def mostly_invalid(total: int, valid: int) -> bool:
    return total >= _SHARE_FROM and valid < total * MIN_VALID_SHARE


_MASKABLE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def mask_iins(text: str) -> str:
    """Evidence without the identifiers themselves (reports end up in CI logs)."""
    return _MASKABLE.sub(lambda m: mask(m.group()) if iin_kind(m.group(), True) else m.group(), text)


def iin_message(token: str) -> str:
    return f"Valid IIN {mask(token)} (birth date and check digit pass) is committed in the repository"


def mask(token: str) -> str:
    """Findings must not repeat the identifier they report."""
    return token[:2] + "*" * 8 + token[-2:]
