"""The head of a data file: column names and a few rows, never the whole file.

Rules that look for personal identifiers in datasets (an `iin` column, 12-digit values) only need
the header and a sample, and data files can be gigabytes, so we read at most `max_bytes` and at
most `max_rows` rows. For CSV/TSV, row i (0-based) of `rows` is on file line i + 2 (the header is
line 1) as long as no quoted field spans lines and there are no blank lines; `row_lines` holds the
exact 1-based line each row starts on. For JSON Lines, the columns are the first record's keys and
its values are the only row (on the first non-empty line, also in `row_lines`).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["TableHeader", "read_table_head"]

_SNIFF_BYTES = 8192
_DELIMITERS = ",;\t|"


@dataclass(frozen=True, slots=True)
class TableHeader:
    """The header and first rows of a CSV/TSV/JSONL file: label columns show what a data set is for."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    delimiter: str  # "" for JSON Lines
    row_lines: tuple[int, ...] = ()


def read_table_head(
    data: bytes, *, suffix: str, max_rows: int = 20, max_bytes: int = 65536
) -> TableHeader | None:
    """The header and first rows of a `.csv`, `.tsv`, `.jsonl` or `.ndjson` file.

    Returns None for other suffixes, binary or empty data, and records that are not objects.
    """
    kind = suffix.lower().lstrip(".")
    if kind not in ("csv", "tsv", "jsonl", "ndjson"):
        return None
    text = _head_text(data, max_bytes)
    if text is None:
        return None
    if kind in ("jsonl", "ndjson"):
        return _jsonl_head(text)
    return _csv_head(text, "\t" if kind == "tsv" else _sniff_delimiter(text), max_rows)


def _head_text(data: bytes, max_bytes: int) -> str | None:
    """Decoded head of `data`, cut after its last complete line when the file is longer."""
    head = data[:max_bytes]
    if b"\x00" in head:
        return None
    if len(data) > max_bytes and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    text = head.decode("utf-8-sig", errors="replace")
    return text if text.strip() else None


def _sniff_delimiter(text: str) -> str:
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","


def _csv_head(text: str, delimiter: str, max_rows: int) -> TableHeader | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    try:
        previous_end = 0
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record:
                continue
            if columns is None:
                columns = tuple(column.strip() for column in record)
            elif len(rows) < max_rows:
                rows.append(tuple(record))
                lines.append(start)
            else:
                break
    except csv.Error:
        pass  # keep what was read before the malformed record
    if columns is None:
        return None
    return TableHeader(columns, tuple(rows), delimiter, tuple(lines))


def _jsonl_head(text: str) -> TableHeader | None:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(record, dict):
            return None
        values = tuple(_cell_text(value) for value in record.values())
        return TableHeader(tuple(str(key) for key in record), (values,), "", (number,))
    return None


def _cell_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
