"""`blake2b` without importing `hashlib`.

`import hashlib` loads OpenSSL's `_hashlib` (3-4 ms, a twentieth of a small pre-commit run) to
offer algorithms kzai-lint does not use on that path: every key it computes while starting up
(start-up index, regex cache, catalogue identity, result cache) is BLAKE2b, which CPython builds
in as `_blake2`, the very type `hashlib.blake2b` is. Elsewhere `hashlib` answers.
"""
from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without CPython's built-in module
    from hashlib import blake2b

__all__ = ["blake2b"]
