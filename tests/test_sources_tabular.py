"""Table heads: columns, a bounded sample of rows and the lines they sit on."""
from __future__ import annotations

import pytest

from kzai_lint.sources.tabular import read_table_head

PARCELS = (
    "parcel_id,iin,full_name,city\n"
    "P-1,720708487992,Aigerim Bekova,Karaganda\n"
    'P-2,030126699950,"Seitkali, Aigerim",Shymkent\n'
    "P-3,730826378108,Bauyrzhan Karimov,Almaty\n"
).encode()


def test_csv_columns_rows_and_lines() -> None:
    head = read_table_head(PARCELS, suffix=".csv")
    assert head is not None
    assert head.columns == ("parcel_id", "iin", "full_name", "city")
    assert head.delimiter == ","
    assert head.rows[1] == ("P-2", "030126699950", "Seitkali, Aigerim", "Shymkent")
    assert head.row_lines == (2, 3, 4)  # row i on line i + 2


def test_max_rows_and_max_bytes_bound_the_read() -> None:
    head = read_table_head(PARCELS, suffix="csv", max_rows=1)
    assert head is not None and len(head.rows) == 1
    cut = read_table_head(PARCELS, suffix=".csv", max_bytes=80)
    assert cut is not None and cut.rows == (("P-1", "720708487992", "Aigerim Bekova", "Karaganda"),)
    big = b"a,b\n" + b"1,2\n" * 100_000
    head = read_table_head(big, suffix=".csv", max_bytes=1024)
    assert head is not None and len(head.rows) == 20


def test_sniffed_semicolons_blank_lines_and_multiline_fields() -> None:
    data = b'name;iin\n\n"Saule\nTulegenova";880220443028\nNurlan;960127311540\n'
    head = read_table_head(data, suffix=".CSV")
    assert head is not None and head.delimiter == ";"
    assert head.rows == (("Saule\nTulegenova", "880220443028"), ("Nurlan", "960127311540"))
    assert head.row_lines == (3, 5)


def test_tsv_and_bom() -> None:
    head = read_table_head("\ufeffiin\tname\n720708487992\tA\n".encode(), suffix=".tsv")
    assert head is not None and head.columns == ("iin", "name") and head.delimiter == "\t"


def test_jsonl_first_record() -> None:
    data = b'\n{"iin": "720708487992", "age": 41, "tags": ["a"]}\n{"other": 1}\n'
    head = read_table_head(data, suffix=".jsonl")
    assert head is not None
    assert head.columns == ("iin", "age", "tags")
    assert head.rows == (("720708487992", "41", '["a"]'),)
    assert head.row_lines == (2,) and head.delimiter == ""


@pytest.mark.parametrize(
    ("data", "suffix"),
    [
        (b"", ".csv"),
        (b"a,b\x00c\n", ".csv"),
        (b"a,b\n", ".parquet"),
        (b"[1, 2]\n", ".ndjson"),
        (b'{"broken": \n', ".jsonl"),
    ],
)
def test_nothing_to_read(data: bytes, suffix: str) -> None:
    assert read_table_head(data, suffix=suffix) is None
