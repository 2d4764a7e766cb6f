"""Inline suppression parsing for Python, `#`-comment formats and Markdown, and `find`."""
from __future__ import annotations

import textwrap

import pytest

from kzai_lint.suppression import FILE_END
from kzai_lint.suppression import Suppression
from kzai_lint.suppression import SuppressionProblem
from kzai_lint.suppression import find
from kzai_lint.suppression import parse_hash_comments
from kzai_lint.suppression import parse_markdown
from kzai_lint.suppression import parse_python

KNOWN = frozenset({"KZ101", "KZ304", "KZ305", "KZ306", "KZ401"})


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def spans(found: list[Suppression]) -> list[tuple[int, int, int, tuple[str, ...]]]:
    return [(s.line, s.first_line, s.last_line, s.codes) for s in found]


def kinds(problems: list[SuppressionProblem]) -> list[tuple[int, str]]:
    return [(p.line, p.kind) for p in problems]


# ---- Python -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("x = DeepFace.analyze(img)  # kzai: ignore[KZ306] demo kiosk\n", [(1, 1, 1, ("KZ306",))], id="trailing"),
        pytest.param(
            """
            r = DeepFace.analyze(  # kzai: ignore[KZ306] demo
                img,
                actions=["emotion"],
            )
            """,
            [(1, 1, 4, ("KZ306",))],
            id="trailing-on-first-line-of-multiline-call",
        ),
        pytest.param(
            """
            r = DeepFace.analyze(
                img,
            )  # kzai: ignore[KZ306] demo
            """,
            [(3, 1, 3, ("KZ306",))],
            id="trailing-on-last-line-of-multiline-call",
        ),
        pytest.param(
            """
            r = DeepFace.analyze(
                # kzai: ignore[KZ306] demo
                img,
            )
            """,
            [(2, 1, 4, ("KZ306",))],
            id="own-line-inside-brackets-covers-statement",
        ),
        pytest.param(
            """
            import x
            # kzai: ignore[KZ306] consent collected on paper
            r = DeepFace.analyze(
                img,
                actions=["emotion"],
            )
            y = 2
            """,
            [(2, 3, 6, ("KZ306",))],
            id="own-line-covers-next-multiline-call",
        ),
        pytest.param(
            """
            # kzai: ignore[KZ306] first
            # kzai: ignore[KZ305] second

            r = DeepFace.analyze(img)
            """,
            [(1, 4, 4, ("KZ306",)), (2, 4, 4, ("KZ305",))],
            id="stacked-own-line-comments",
        ),
        pytest.param(
            """
            # kzai: ignore[KZ306] whole function reviewed
            @cache
            def mood(img):
                return DeepFace.analyze(img)
            x = 1
            """,
            [(1, 2, 4, ("KZ306",))],
            id="own-line-before-decorated-def",
        ),
        pytest.param(
            """
            for img in imgs:  # kzai: ignore[KZ306] header only
                DeepFace.analyze(img)
            """,
            [(1, 1, 1, ("KZ306",))],
            id="trailing-on-compound-header",
        ),
        pytest.param("x = 1\n# kzai: ignore[KZ306] nothing follows\n", [(2, 2, 2, ("KZ306",))], id="own-line-at-end"),
        pytest.param("x = 1  # kzai:ignore[KZ306] no space\n", [(1, 1, 1, ("KZ306",))], id="no-space"),
        pytest.param("x = 1  # KZAI: IGNORE[kz306] shouting\n", [(1, 1, 1, ("KZ306",))], id="upper-case"),
        pytest.param("x = 1  # kzai: ignore[KZ3] all prohibited practices\n", [(1, 1, 1, ("KZ3",))], id="prefix"),
        pytest.param("x = 1  # kzai: ignore[KZ306, KZ305]: both\n", [(1, 1, 1, ("KZ306", "KZ305"))], id="two-codes"),
        pytest.param("x = 1  # noqa: E501  # kzai: ignore[KZ306] combined\n", [(1, 1, 1, ("KZ306",))], id="after-other-tool"),
        pytest.param('s = "# kzai: ignore[KZ306] in a string"\n', [], id="inside-string"),
        pytest.param('s = """\n# kzai: ignore[KZ306] in a docstring\n"""\n', [], id="inside-triple-string"),
        pytest.param("x = 1  # see kzai: ignore[KZ306] in prose\n", [], id="prose-mention"),
    ],
)
def test_python_coverage(text: str, expected: list[tuple[int, int, int, tuple[str, ...]]]) -> None:
    found, problems = parse_python(src(text), known=KNOWN)
    assert spans(found) == expected
    assert problems == []


def test_python_reason_text() -> None:
    cases = {
        "# kzai: ignore[KZ306] consent at kiosk\nx = 1\n": "consent at kiosk",
        "# kzai: ignore[KZ306]: consent at kiosk\nx = 1\n": "consent at kiosk",
        "# kzai: ignore[KZ306] -- consent at kiosk\nx = 1\n": "consent at kiosk",
    }
    for text, reason in cases.items():
        assert parse_python(text)[0][0].reason == reason


def test_python_file_level() -> None:
    found, problems = parse_python(src("""
        '''Research notebook export.'''
        # kzai: ignore-file[KZ306] offline research on FER2013, ethics approval 2024-17
        x = 1
        """))
    assert problems == []
    assert found == [Suppression(("KZ306",), "offline research on FER2013, ethics approval 2024-17", 2, 1, FILE_END, True)]
    assert parse_python("# kzai: file-ignore[KZ4] local only\n")[0][0].file_level


@pytest.mark.parametrize(
    ("text", "found", "problems"),
    [
        pytest.param("x = 1  # kzai: ignore\n", [], [(1, "blanket")], id="blanket"),
        pytest.param("x = 1  # kzai: ignore[] reason\n", [], [(1, "blanket")], id="empty-brackets"),
        pytest.param("x = 1  # kzai: ignore-file\n", [], [(1, "blanket")], id="blanket-file"),
        pytest.param("x = 1  # kzai: ignore[KZ306]\n", [(1, 1, 1, ("KZ306",))], [(1, "no-reason")], id="no-reason"),
        pytest.param("x = 1  # kzai: ignore[KZ999] reason\n", [], [(1, "unknown-code")], id="unknown-code"),
        pytest.param("x = 1  # kzai: ignore[E501] reason\n", [], [(1, "unknown-code")], id="foreign-code"),
        pytest.param(
            "x = 1  # kzai: ignore[KZ306,KZ999] reason\n", [(1, 1, 1, ("KZ306",))], [(1, "unknown-code")], id="partly-unknown"
        ),
        pytest.param("x = 1  # kzai: ignor[KZ306] typo\n", [], [(1, "syntax")], id="typo"),
        pytest.param("x = (\n  1  # kzai: ignore[KZ306] r\n", [], [(3, "unreadable")], id="tokenize-error"),
    ],
)
def test_python_problems(text: str, found: list[tuple[int, int, int, tuple[str, ...]]], problems: list[tuple[int, str]]) -> None:
    got, got_problems = parse_python(text, known=KNOWN)
    assert spans(got) == found
    assert kinds(got_problems) == problems


def test_problem_messages() -> None:
    _, problems = parse_python("a = 1  # kzai: ignore\nb = 2  # kzai: ignore[KZ306]\nc = 3  # kzai: ignore[KZ999] r\n", known=KNOWN)
    assert [p.message for p in problems] == [
        "blanket suppression without codes is not allowed",
        "suppression of KZ306 has no reason",
        "unknown code 'KZ999'",
    ]


def test_unknown_codes_are_syntactic_without_a_catalogue() -> None:
    found, problems = parse_python("x = 1  # kzai: ignore[KZ999] plugin code\n")
    assert spans(found) == [(1, 1, 1, ("KZ999",))] and problems == []


def test_python_unparsable_but_tokenizable_falls_back_to_logical_line() -> None:
    found, _ = parse_python("# kzai: ignore[KZ306] r\nx = analyze(\n  img)\ny = = 1\n")
    assert spans(found) == [(1, 2, 3, ("KZ306",))]


# ---- YAML, TOML, requirements -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("model: trpakov/vit-face-expression  # kzai: ignore[KZ306] eval only\n", [(1, 1, 1, ("KZ306",))], id="yaml-trailing"),
        pytest.param(
            """
            # kzai: ignore[KZ306] research model, ethics approval 17
            emotion_model:
              name: trpakov/vit-face-expression
              labels: [angry, happy]

              device: cpu
            other: 1
            """,
            [(1, 2, 6, ("KZ306",))],
            id="yaml-own-line-covers-indented-block",
        ),
        pytest.param(
            """
            url: http://example.org/#kzai: ignore[KZ306] not a comment
            q: "quoted # kzai: ignore[KZ306] not a comment"
            s: 'it''s # kzai: ignore[KZ306] still quoted'
            say: don't  # kzai: ignore[KZ306] apostrophe in a plain scalar
            """,
            [(4, 4, 4, ("KZ306",))],
            id="yaml-quotes",
        ),
        pytest.param(
            """
            description: |
              # kzai: ignore[KZ306] content of a block scalar
              more text
            key: v  # kzai: ignore[KZ305] after the block
            """,
            [(4, 4, 4, ("KZ305",))],
            id="yaml-block-scalar",
        ),
        pytest.param(
            '''
            notes = """
            # kzai: ignore[KZ306] inside a multi-line string
            """
            # kzai: ignore[KZ306] hub ids reviewed
            models = [
              "trpakov/vit-face-expression",
            ]
            x = 1
            ''',
            [(4, 5, 7, ("KZ306",))],
            id="toml-triple-string-and-array",
        ),
        pytest.param(
            "deepface==0.0.93  # kzai: ignore[KZ3] pinned for the red-team suite\nfer>=22\n",
            [(1, 1, 1, ("KZ3",))],
            id="requirements-trailing",
        ),
        pytest.param("# kzai: ignore-file[KZ306] offline eval\nfer>=22\n", [(1, 1, FILE_END, ("KZ306",))], id="file-level"),
    ],
)
def test_hash_comments(text: str, expected: list[tuple[int, int, int, tuple[str, ...]]]) -> None:
    found, problems = parse_hash_comments(src(text), known=KNOWN)
    assert spans(found) == expected
    assert problems == []


def test_hash_comment_problems() -> None:
    found, problems = parse_hash_comments("a: 1  # kzai: ignore\nb: 2  # kzai: ignore[KZ306]\n", known=KNOWN)
    assert spans(found) == [(2, 2, 2, ("KZ306",))]
    assert kinds(problems) == [(1, "blanket"), (2, "no-reason")]


# ---- Markdown -----------------------------------------------------------------------------------
CARD = """\
---
tags: [emotion, fer]  # kzai: ignore[KZ306] front matter tags are descriptive
---
# Model card

<!-- kzai: ignore[KZ306] research use only, see ethics section -->
This model recognises facial expressions
trained on FER2013.

Bias evaluation <!-- kzai: ignore[KZ305] documented limitation -->

```
<!-- kzai: ignore[KZ306] inside a fence is an example -->
```
Write `<!-- kzai: ignore[KZ306] reason -->` to suppress.
<!-- kzai: ignore[KZ306] the example config -->
```yaml
labels: [angry, happy]

task: emotion
```
<!-- an ordinary comment -->
<!-- kzai: ignore -->
"""


def test_markdown() -> None:
    found, problems = parse_markdown(CARD, known=KNOWN)
    assert spans(found) == [
        (2, 2, 2, ("KZ306",)),
        (6, 7, 8, ("KZ306",)),
        (10, 10, 10, ("KZ305",)),
        (16, 17, 21, ("KZ306",)),
    ]
    assert found[1].reason == "research use only, see ethics section"
    assert kinds(problems) == [(23, "blanket")]


def test_markdown_file_level_and_no_mention() -> None:
    found, _ = parse_markdown("<!-- kzai: ignore-file[KZ3] red-team corpus -->\n# Title\n")
    assert found[0].file_level and found[0].first_line == 1
    assert parse_markdown("# Title\n\nno suppressions here\n") == ([], [])


# ---- find ----------------------------------------------------------------------------------------
def test_find() -> None:
    line = Suppression(("KZ306",), "line", 3, 3, 6)
    prefix = Suppression(("KZ3",), "prefix", 10, 10, 10)
    whole = Suppression(("KZ4",), "file", 1, 1, FILE_END, True)
    sups = [whole, line, prefix]
    assert find(sups, "KZ306", 4, 4) is line
    assert find(sups, "KZ306", 4, 9) is line
    assert find(sups, "KZ306", 2, 4) is None  # only the first line decides
    assert find(sups, "KZ305", 4, 4) is None
    assert find(sups, "KZ301", 10, 10) is prefix
    assert find(sups, "kz306", 10, 10) is prefix
    assert find(sups, "KZ402", 500, 500) is whole
    assert find(sups, "KZ306", 7, 7) is None
    assert find([], "KZ306", 1, 1) is None


def test_find_prefers_narrowest() -> None:
    broad = Suppression(("KZ3",), "file", 1, 1, FILE_END, True)
    block = Suppression(("KZ3",), "block", 1, 2, 20)
    exact = Suppression(("KZ306",), "exact", 5, 5, 5)
    assert find([broad, block, exact], "KZ306", 5, 5) is exact
    assert find([broad, block], "KZ306", 5, 5) is block
