"""Bytes to text, per file kind, the way the tools that own each format decode them.

* Python follows PEP 263: a UTF-8 byte order mark, else a coding cookie on line 1 or 2
  (`# -*- coding: latin-1 -*-`), else UTF-8, which is what CPython itself does. A cookie that
  names an unknown codec, one that is not ASCII-compatible, or a BOM that contradicts the cookie
  is an `encoding` error, as it is for CPython.
* Every other kind is UTF-8, with or without a BOM; a UTF-16 or UTF-32 BOM (Windows tools write
  those) is honoured, since such a file is text even though it is full of NUL bytes.
* NUL bytes anywhere else mean the file is not text (`binary`). The whole buffer is checked, not a
  prefix: the check is one `memchr`, and libcst rejects a NUL even on a file's last line.
* Data files are decoded leniently (bad bytes replaced): only their header is read, and a column
  name with a stray byte is still a column name.

Line endings (LF, CRLF, lone CR) are left as they are: libcst, the YAML and JSON parsers and our
line maps all accept the three.
"""
from __future__ import annotations

import codecs
import io
import tokenize
import warnings

from kzai_lint.model import FileKind

__all__ = ["Decoded", "decode"]

#: (error kind or None, text or None, message)
Decoded = tuple[str | None, str | None, str]

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, kind: FileKind) -> Decoded:
    """(None, text, "") or (error kind, None, message) with kind `binary` or `encoding`."""
    if kind is FileKind.TABULAR:
        return None, data.decode("utf-8-sig", "replace"), ""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return _strict(data, codec, f"{codec.upper()} (byte order mark)")
    nul = data.find(b"\0")
    if nul >= 0:
        return "binary", None, f"binary content (NUL byte at offset {nul}); not scanned"
    if kind is FileKind.PYTHON:
        return _python(data)
    return _strict(data, "utf-8-sig", "UTF-8")


def _python(data: bytes) -> Decoded:
    try:
        codec, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing" not in exc.msg:  # unknown codec, or a BOM contradicting the cookie
            return "encoding", None, f"{exc.msg} (PEP 263 coding cookie); not scanned"
        codec = "utf-8"  # no cookie and not UTF-8 in the first two lines: say which byte
    if not _ascii_compatible(codec):
        return "encoding", None, f"coding cookie names {codec!r}, which cannot encode Python source; not scanned"
    where = "UTF-8" if codec in ("utf-8", "utf-8-sig") else f"{codec} (coding cookie)"
    decoded = _strict(data, codec, where)
    if decoded[0] == "encoding" and codec == "utf-8":
        return "encoding", None, decoded[2].replace("; not scanned", " and there is no PEP 263 coding cookie; not scanned")
    return decoded


def _ascii_compatible(codec: str) -> bool:
    sample = b"# coding check\n"
    try:
        return sample.decode(codec) == sample.decode("ascii")
    except (LookupError, UnicodeDecodeError, TypeError):
        return False


def _strict(data: bytes, codec: str, what: str) -> Decoded:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a cookie may name e.g. unicode_escape, which warns
            return None, data.decode(codec), ""
    except UnicodeDecodeError as exc:
        return "encoding", None, f"not valid {what} (byte {exc.start}); not scanned"
    except (LookupError, ValueError) as exc:  # e.g. a bytes-to-bytes codec such as zlib_codec
        return "encoding", None, f"{exc}; not scanned"
