"""Hot analysis code compares libcst node classes by exact type (`type(x) is cst.Name`): a
failed `isinstance` against a libcst class runs `ABCMeta.__instancecheck__`. That is only the
same test while those classes have no subclasses; this checks it for the installed libcst."""
from __future__ import annotations

import re
from pathlib import Path

import libcst as cst

PACKAGE = Path(__file__).resolve().parent.parent / "kzai_lint"
EXACT = re.compile(r"type\([^()]*\) (?:is not|is|in) \(?((?:cst\.\w+(?:, )?)+)\)?")


def test_classes_compared_by_exact_type_have_no_subclasses() -> None:
    compared: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for match in EXACT.finditer(path.read_text(encoding="utf-8")):
            compared.update(name.strip()[len("cst."):] for name in match.group(1).split(",") if name.strip())
    assert {"Name", "Attribute", "Call", "SimpleString"} <= compared
    for name in sorted(compared):
        cls = getattr(cst, name)
        assert not cls.__subclasses__(), f"cst.{name} has subclasses: compare with isinstance"
        assert not getattr(cls, "__abstractmethods__", None), f"cst.{name} is abstract"
