"""kzai_lint.digest: CPython's built-in hash modules give the digests `hashlib` gives.

Fingerprints are stored in users' baselines: a different implementation must never change one."""
from __future__ import annotations

import hashlib

import pytest

from kzai_lint import digest
from kzai_lint.fingerprint import fingerprint


@pytest.mark.parametrize("data", [b"", b"abc", "KZ306\0deepface.analyze(img, actions=['emotion'])\x000".encode(), bytes(range(256)) * 300])
def test_builtin_hashes_match_hashlib(data: bytes) -> None:
    assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert digest.blake2b(data, digest_size=16).hexdigest() == hashlib.blake2b(data, digest_size=16).hexdigest()


def test_fingerprint_is_the_documented_sha256_prefix() -> None:
    expected = hashlib.sha256("main.run\0DeepFace.analyze(img)\x002".encode()).hexdigest()[:16]
    assert fingerprint("KZ306", "app.py", "main.run", "DeepFace.analyze(img)", 2) == f"KZ306:app.py:{expected}"
    assert fingerprint("KZ306", "app.py", "main.run", "DeepFace.analyze(\n   img)", 2) == fingerprint("KZ306", "app.py", "main.run", "DeepFace.analyze( img)", 2)
