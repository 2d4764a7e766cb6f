"""Kazakhstan IIN / BIN check digits (clause map 8.4, 8.5).

An IIN (individual identification number) is 12 digits: ``YYMMDD`` date of birth, one digit for
century and sex (1/2 = male/female born 1800-1899, 3/4 = 1900-1999, 5/6 = 2000-2099), a four-digit
serial and a control digit. A BIN (business identification number) has the same length and the
same control digit, but its fifth digit (entity type) is 4, 5 or 6 -- never a possible tens digit
of a day of birth -- so BINs are told apart from IINs by that digit.

Control digit (two-pass mod 11): weights 1..11 over the first eleven digits; if the remainder is
10, weights 3..11,1,2; if that remainder is 10 as well, no number is formed from those eleven
digits.

Standard library only; this module imports nothing else from kzai_lint (layering rule).
"""
from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "IIN_PATTERN",
    "find_iins",
    "generate_iin",
    "iin_control_digit",
    "is_bin",
    "is_valid_iin",
]

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Century/sex digit (d7) -> first year of the century.
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}

# d5 of a BIN: 4 resident legal entity, 5 non-resident, 6 individual entrepreneur (joint form).
_BIN_TYPE_DIGITS = frozenset("456")

# A run of exactly 12 ASCII digits not touching another digit (of any script).
IIN_PATTERN = re.compile(r"(?<!\d)[0-9]{12}(?!\d)")


def _is_ascii_digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


def iin_control_digit(first11: str) -> int | None:
    """Control digit for the first eleven digits of an IIN/BIN.

    Returns None when no IIN or BIN can start with these digits (both passes give remainder 10).
    Raises ValueError when ``first11`` is not exactly eleven ASCII digits.
    """
    if not _is_ascii_digits(first11, 11):
        raise ValueError(f"expected 11 ASCII digits, got {first11!r}")
    digits = [ord(c) - 48 for c in first11]
    for weights in (_W1, _W2):
        remainder = sum(d * w for d, w in zip(digits, weights)) % 11
        if remainder < 10:
            return remainder
    return None


def _checksum_ok(value: str) -> bool:
    return _is_ascii_digits(value, 12) and iin_control_digit(value[:11]) == ord(value[11]) - 48


def _birth_date(value: str) -> _dt.date | None:
    """Date of birth encoded in a 12-digit IIN, or None when d1-d7 are not a real date/century."""
    century = _CENTURY.get(value[6])
    if century is None:
        return None
    try:
        return _dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def is_valid_iin(value: str, *, strict_date: bool = True) -> bool:
    """True when ``value`` is 12 digits with a correct control digit.

    With ``strict_date`` (the default) the century/sex digit must also be 1-6 and ``YYMMDD`` a real
    calendar date. Without it only the check digit is verified (assigned IINs of foreigners and
    historical registrations can break the date semantics, clause map 8.5), so a BIN passes too.
    """
    if not _checksum_ok(value):
        return False
    if not strict_date:
        return True
    return _birth_date(value) is not None


def is_bin(value: str) -> bool:
    """True when ``value`` is checksum-valid and its fifth digit (entity type) is 4, 5 or 6.

    Such a number identifies a legal entity (a business), not a natural person.
    """
    return _checksum_ok(value) and value[4] in _BIN_TYPE_DIGITS


def find_iins(text: str, *, strict_date: bool = True) -> list[tuple[int, str]]:
    """``(offset, number)`` for every 12-digit token in ``text`` that is a valid IIN and not a BIN.

    A token is a run of exactly twelve digits (``(?<!\\d)\\d{12}(?!\\d)``), so longer digit runs
    (card numbers, 13-digit barcodes) are never split into candidates.
    """
    found: list[tuple[int, str]] = []
    for match in IIN_PATTERN.finditer(text):
        token = match.group()
        if is_valid_iin(token, strict_date=strict_date) and not is_bin(token):
            found.append((match.start(), token))
    return found


_SEX_CODES = {"m": 0, "male": 0, "м": 0, "f": 1, "female": 1, "ж": 1}


def generate_iin(birth: _dt.date, sex: str, serial: int) -> str | None:
    """Build an IIN for tests and fixtures (invented people only).

    ``sex`` is "M"/"male" or "F"/"female" (case-insensitive); ``serial`` is 0..9999. Returns None
    when these eleven digits have no control digit (about 1 prefix in 121); choose another serial.
    Raises ValueError for a year outside 1800-2099, an unknown sex or a serial out of range.
    """
    if not 1800 <= birth.year <= 2099:
        raise ValueError(f"IINs encode birth years 1800-2099, got {birth.year}")
    try:
        sex_offset = _SEX_CODES[sex.strip().lower()]
    except KeyError:
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}") from None
    if not 0 <= serial <= 9999:
        raise ValueError(f"serial must be 0..9999, got {serial}")
    century_digit = 1 + 2 * ((birth.year - 1800) // 100) + sex_offset
    first11 = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{century_digit}{serial:04d}"
    control = iin_control_digit(first11)
    if control is None:
        return None
    return f"{first11}{control}"
