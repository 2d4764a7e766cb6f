"""Stable finding fingerprints: survive line moves, change when what was found changes.

`code:path:h` where h hashes the anchor (enclosing qualified name, key path or heading path), the
normalised evidence and an occurrence index that tells identical hits in one anchor apart. Line
numbers never enter it (bandit and checkov baselines work the same way).
"""
from __future__ import annotations

import re

from kzai_lint.digest import sha256  # not hashlib: loading OpenSSL costs a small run ~3 ms

_WS = re.compile(r"\s+")


def fingerprint(code: str, path: str, anchor: str, evidence: str, occurrence: int) -> str:
    norm = _WS.sub(" ", evidence).strip()
    digest = sha256(f"{anchor}\0{norm}\0{occurrence}".encode("utf-8")).hexdigest()[:16]
    return f"{code}:{path}:{digest}"
