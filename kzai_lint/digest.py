"""`blake2b` and `sha256` without importing `hashlib`.

`import hashlib` loads OpenSSL's `_hashlib` (3-4 ms, a twentieth of a small pre-commit run) to
offer algorithms kzai-lint does not use on that path: every key it computes while starting up
(start-up index, regex cache, catalogue identity, result cache) is BLAKE2b, which CPython builds
in as `_blake2`, the very type `hashlib.blake2b` is. Finding fingerprints are SHA-256 (their
format predates this module), which CPython also builds in (`_sha2` since 3.12, `_sha256`
before); the digest is the same whichever implementation computes it. Where an interpreter was
built without them, `hashlib` answers.
"""
from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without CPython's built-in module
    from hashlib import blake2b

try:
    from _sha2 import sha256  # CPython 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[no-redef]  # CPython 3.11
    except ImportError:  # pragma: no cover - built without the module
        from hashlib import sha256  # type: ignore[assignment]

__all__ = ["blake2b", "sha256"]
