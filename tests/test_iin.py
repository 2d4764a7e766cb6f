"""IIN / BIN check digits (clause map 8.4) -- worked examples and properties."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kzai_lint.iin import find_iins, generate_iin, iin_control_digit, is_bin, is_valid_iin

# --- an independent reference (written from the clause map, not imported) -----------------------

_REF_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_REF_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def ref_control(first11: str) -> int | None:
    a = [int(c) for c in first11]
    r1 = sum(x * w for x, w in zip(a, _REF_W1)) % 11
    if r1 != 10:
        return r1
    r2 = sum(x * w for x, w in zip(a, _REF_W2)) % 11
    return None if r2 == 10 else r2


def ref_valid(value: str, strict_date: bool = True) -> bool:
    if len(value) != 12 or not all("0" <= c <= "9" for c in value):
        return False
    if ref_control(value[:11]) != int(value[11]):
        return False
    if not strict_date:
        return True
    if value[6] not in "123456":
        return False
    year = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[value[6]] + int(value[:2])
    try:
        dt.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError:
        return False
    return True


# --- worked examples of clause map 8.4 ---------------------------------------------------------


def test_worked_example_first_pass():
    assert iin_control_digit("79102830272") == 8
    assert is_valid_iin("791028302728")


def test_worked_example_second_pass():
    assert iin_control_digit("06121160001") == 2
    assert is_valid_iin("061211600012")


def test_wrong_control_digit():
    assert not is_valid_iin("791028302727")
    assert not is_valid_iin("791028302727", strict_date=False)


def test_prefix_without_control_digit():
    assert iin_control_digit("90010130080") is None
    assert not any(is_valid_iin(f"90010130080{d}", strict_date=False) for d in range(10))


def test_timestamp_fails_date_check():
    assert not is_valid_iin("202401011230")
    assert find_iins("run started 202401011230, finished 202401011301") == []


@pytest.mark.parametrize(
    "value",
    ["", "79102830272", "7910283027280", "79102830272a", " 791028302728", "７９１０２８３０２７２８"],
)
def test_malformed_values_are_not_iins(value):
    assert not is_valid_iin(value)
    assert not is_valid_iin(value, strict_date=False)
    assert not is_bin(value)


@pytest.mark.parametrize("bad", ["", "1234567890", "123456789012", "1234567890x", "１２３４５６７８９０１"])
def test_control_digit_rejects_malformed_prefix(bad):
    with pytest.raises(ValueError):
        iin_control_digit(bad)


def test_generate_matches_worked_examples():
    assert generate_iin(dt.date(1979, 10, 28), "M", 272) == "791028302728"
    assert generate_iin(dt.date(2006, 12, 11), "female", 1) == "061211600012"


@pytest.mark.parametrize(
    "birth, sex, serial",
    [(dt.date(1799, 12, 31), "M", 1), (dt.date(2100, 1, 1), "F", 1), (dt.date(1990, 1, 1), "X", 1),
     (dt.date(1990, 1, 1), "M", -1), (dt.date(1990, 1, 1), "M", 10000)],
)
def test_generate_rejects_bad_arguments(birth, sex, serial):
    with pytest.raises(ValueError):
        generate_iin(birth, sex, serial)


@pytest.mark.parametrize(
    "year, sex, digit",
    [(1850, "M", "1"), (1850, "F", "2"), (1960, "M", "3"), (1960, "F", "4"), (2020, "M", "5"), (2020, "F", "6")],
)
def test_century_and_sex_digit(year, sex, digit):
    iins = [generate_iin(dt.date(year, 3, 1), sex, serial) for serial in range(1, 20)]
    iins = [i for i in iins if i is not None]
    assert iins and all(i[6] == digit and is_valid_iin(i) for i in iins)


def test_find_iins_offsets_and_token_boundaries():
    a, b = "791028302728", "061211600012"
    text = f"iin={a}; ИИН {b}\nlonger 1{a} and {a}9 are not tokens; card 4{a}000"
    assert find_iins(text) == [(4, a), (text.index(b), b)]


def test_find_iins_skips_bins():
    bin_ = _make_bin("0704", "4", "0", "12345")
    assert bin_ is not None and is_bin(bin_)
    assert find_iins(f"supplier BIN {bin_}") == []
    assert find_iins(f"supplier BIN {bin_}", strict_date=False) == []


# --- properties ---------------------------------------------------------------------------------

births = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31))
sexes = st.sampled_from(["M", "F", "m", "f", "male", "female"])
serials = st.integers(min_value=0, max_value=9999)


@given(births, sexes, serials)
@example(dt.date(1979, 10, 28), "M", 272)
@example(dt.date(2006, 12, 11), "F", 1)
def test_generated_iins_are_valid(birth, sex, serial):
    iin = generate_iin(birth, sex, serial)
    if iin is None:
        # Only prefixes with no control digit are refused.
        male = sex.lower().startswith("m")
        digit = 1 + 2 * ((birth.year - 1800) // 100) + (0 if male else 1)
        prefix = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{digit}{serial:04d}"
        assert ref_control(prefix) is None
        return
    assert is_valid_iin(iin)
    assert is_valid_iin(iin, strict_date=False)
    assert ref_valid(iin)
    assert not is_bin(iin)
    assert find_iins(f"name,iin\nA,{iin}\n") == [(11, iin)]


@given(births, sexes, serials, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_single_digit_corruption(birth, sex, serial, position, shift):
    iin = generate_iin(birth, sex, serial)
    assume(iin is not None)
    new_digit = str((int(iin[position]) + shift) % 10)
    corrupted = iin[:position] + new_digit + iin[position + 1:]
    assert corrupted != iin
    # The corruption is caught unless the algorithm itself accepts the new number.
    assert is_valid_iin(corrupted) == ref_valid(corrupted)
    assert is_valid_iin(corrupted, strict_date=False) == ref_valid(corrupted, strict_date=False)
    if position == 11:
        assert not is_valid_iin(corrupted, strict_date=False)


@given(births, sexes, serials, st.integers(min_value=1, max_value=9))
def test_eleventh_digit_blind_spot_of_first_pass(birth, sex, serial, shift):
    """Weight 11 is 0 mod 11: when the first pass decides, changing d11 keeps the checksum valid."""
    iin = generate_iin(birth, sex, serial)
    assume(iin is not None)
    a = [int(c) for c in iin[:11]]
    assume(sum(x * w for x, w in zip(a, _REF_W1)) % 11 != 10)
    corrupted = iin[:10] + str((a[10] + shift) % 10) + iin[11]
    assert is_valid_iin(corrupted)


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=1, max_value=12),
    st.sampled_from("456"),
    st.sampled_from("0123"),
    st.integers(min_value=0, max_value=99999),
)
def test_bins_are_detected_and_never_reported_as_iins(yy, mm, entity, attribute, serial):
    bin_ = _make_bin(f"{yy:02d}{mm:02d}", entity, attribute, f"{serial:05d}")
    assume(bin_ is not None)
    assert is_bin(bin_)
    assert is_valid_iin(bin_, strict_date=False)  # same check digit ...
    assert not is_valid_iin(bin_)  # ... but day 40-69 is no date of birth
    assert find_iins(f"bin: {bin_}") == []
    assert find_iins(f"bin: {bin_}", strict_date=False) == []


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_bin_requires_checksum_and_entity_digit(value):
    assert is_bin(value) == (ref_valid(value, strict_date=False) and value[4] in "456")
    if is_bin(value):
        assert not is_valid_iin(value)


@given(st.datetimes(min_value=dt.datetime(2013, 1, 1), max_value=dt.datetime(2099, 12, 31, 23, 59)))
@example(dt.datetime(2024, 1, 1, 12, 30))
def test_timestamps_are_rejected(moment):
    """YYYYMMDDhhmm from 2013 on: the year's last two digits land on the month (13-99)."""
    stamp = moment.strftime("%Y%m%d%H%M")
    assert not is_valid_iin(stamp)
    assert find_iins(f"{stamp} INFO job finished") == []


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_matches_reference_on_random_digits(value):
    assert is_valid_iin(value) == ref_valid(value)
    assert is_valid_iin(value, strict_date=False) == ref_valid(value, strict_date=False)


@given(st.lists(st.tuples(births, sexes, serials), min_size=1, max_size=5), st.sampled_from([",", ";", " ", "\n", "|"]))
def test_find_iins_finds_every_generated_iin(people, sep):
    iins = [i for i in (generate_iin(*p) for p in people) if i is not None]
    text = sep.join(["header"] + iins + ["end"])
    assert [v for _, v in find_iins(text)] == iins
    for offset, value in find_iins(text):
        assert text[offset:offset + 12] == value


def _make_bin(yymm: str, entity: str, attribute: str, serial5: str) -> str | None:
    first11 = f"{yymm}{entity}{attribute}{serial5}"
    control = ref_control(first11)
    return None if control is None else first11 + str(control)
