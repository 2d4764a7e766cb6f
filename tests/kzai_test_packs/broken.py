"""A pack that fails to import."""
from __future__ import annotations

import kzai_lint_no_such_dependency  # noqa: F401

PACK = None
