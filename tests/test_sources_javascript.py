"""JavaScript/TypeScript: comments blanked (strings kept), bundles recognised, generated files not
discovered, unreadable `.ts` files passed over, `//` suppressions."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from kzai_lint.api import check
from kzai_lint.discovery import classify
from kzai_lint.model import FileKind
from kzai_lint.sources.javascript import blank_comments, looks_bundled
from kzai_lint.suppression import parse_script_comments

PAGE = """\
const video = document.getElementById('video')
const url = "https://cdn.example.com/models"  // a URL is not a comment start
/* faceapi.nets.faceExpressionNet is loaded below
   only when the visitor agreed */
const tpl = `// not a comment ${video.id}`
"""


def test_comments_become_spaces_and_everything_else_stays() -> None:
    blanked = blank_comments(PAGE)
    assert len(blanked) == len(PAGE) and blanked.count("\n") == PAGE.count("\n")
    assert "a URL is not" not in blanked and "faceExpressionNet" not in blanked
    assert '"https://cdn.example.com/models"' in blanked
    assert "`// not a comment ${video.id}`" in blanked
    assert blank_comments("a = 'it''s' // x\nb = \"\\\"//\" // y\n") == "a = 'it''s'     \nb = \"\\\"//\"     \n"


def test_unterminated_string_and_comment_end_at_their_limits() -> None:
    assert blank_comments("a = 'open\nb // c") == "a = 'open\nb     "
    assert blank_comments("x /* never closed\nstill comment") == "x " + " " * 15 + "\n" + " " * 13


def test_markup_comments_are_blanked_in_pages_only() -> None:
    from kzai_lint.sources.javascript import parse_script

    page = "<p>hi</p>\n<!-- old:\nwithFaceExpressions() -->\n<script>x()</script>\n"
    assert "withFaceExpressions" not in parse_script(page, "web/index.html").code
    assert parse_script(page, "web/index.html").code.count("\n") == page.count("\n")
    assert "withFaceExpressions" in parse_script(page, "web/legacy.js").code


def test_bundles_and_minified_files_are_recognised() -> None:
    assert looks_bundled("(function (global, factory) {\n  factory(exports)\n}(this, function (exports) {}))\n")
    assert looks_bundled("/******/ (() => { // webpackBootstrap\nvar __webpack_require__ = {}\n")
    assert looks_bundled("var __defProp = Object.defineProperty;\nexport {}\n")
    assert looks_bundled("!function(e){" + "var a=1;" * 200 + "}()\n")
    assert not looks_bundled(PAGE)


def test_generated_files_are_not_discovered() -> None:
    assert classify("web/app.js") is FileKind.JAVASCRIPT
    assert classify("src/App.tsx") is FileKind.JAVASCRIPT
    assert classify("server/main.mjs") is FileKind.JAVASCRIPT
    assert classify("web/index.html") is FileKind.JAVASCRIPT and classify("src/App.vue") is FileKind.JAVASCRIPT
    for generated in ("public/face-api.min.js", "types/index.d.ts", "static/app.bundle.js"):
        assert classify(generated) is None, generated


def test_binary_or_oversized_ts_files_are_passed_over_without_an_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"web/app.ts": "export const x = 1\n"})
    (root / "videos").mkdir()
    (root / "videos" / "clip.ts").write_bytes(b"\x47\x00\x11\x10" * 500)  # an MPEG-TS segment
    result = check([root], overrides={"max_file_size": 10_000_000})
    assert not result.errors
    assert result.files_discovered == result.files_scanned + 1


def test_own_line_comment_covers_the_chained_call_below(make_repo: Callable[..., Path]) -> None:
    code = """\
    // kzai: ignore[KZ306] consent is collected in ConsentModal before the camera starts
    const detections = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions())
      .withFaceLandmarks()
      .withFaceExpressions()
    """
    root = make_repo({"web/app.js": code})
    findings = [f for f in check([root]).findings if f.rule == "KZ306/script-api"]
    assert findings and all(f.status.value == "suppressed" for f in findings)


def test_script_suppressions_parse_like_the_others() -> None:
    found, problems = parse_script_comments("x() // kzai: ignore[KZ306]\n/* kzai: ignore-file[KZ305] demo page */\n", known={"KZ305", "KZ306"})
    assert [(s.codes, s.first_line, s.file_level) for s in found] == [(("KZ306",), 1, False), (("KZ305",), 1, True)]
    assert found[0].reason == "" and [p.kind for p in problems] == ["no-reason"]  # as for `#` comments


def test_long_strings_and_lines_are_skipped_whole() -> None:
    """The scanner jumps between quotes and slashes: a 3 MB data URI is one step, not 3 million."""
    data = 'const img = "data:image/png;base64,' + "A" * 3_000_000 + '" // the logo\nx() /* end */\n'
    blanked = blank_comments(data)
    assert blanked.endswith('"' + " " * 12 + "\nx() " + " " * 9 + "\n")
    assert len(blanked) == len(data)
