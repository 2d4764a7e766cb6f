from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Run from a checkout without installing: the package sits next to this folder (flat layout).
PLUGIN_ROOT = Path(__file__).resolve().parent.parent
if str(PLUGIN_ROOT) not in sys.path:
    sys.path.insert(0, str(PLUGIN_ROOT))


@pytest.fixture(autouse=True)
def _only_this_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other installed packs must not change these results; the tests inject PACK themselves."""
    monkeypatch.setenv("KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD", "1")
