"""JavaScript and TypeScript source (and the scripts of HTML pages and Vue/Svelte components)
read as text: comments blanked, bundles recognised.

Browser projects run emotion recognition and face-attribute models through JavaScript libraries
(face-api.js, Human, clmtrackr, vendor SDKs); their signs are member names and option objects
(`.withFaceExpressions()`, `nets.ageGenderNet`, `new Human(config)`), which a scan of the code
finds without a JavaScript parser. What such a scan must not read:

- comments (`// .withFaceExpressions()` commented out is not a use): `code` is the text with
  every comment replaced by spaces, newlines kept, so offsets, lines and columns stay those of
  the file; strings and template literals are kept (option values such as `['ALL']` live there);
- a library's own bundle copied into the repository (`face-api.js` from the library's `dist/`
  beside the page that uses it): its code *defines* every API it offers. `bundled` says the file
  looks generated: a minified or UMD/webpack/esbuild bundle. Rules skip such files; the page's
  own script, which calls the library, is what shows the project's functionality.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

__all__ = ["ScriptSource", "blank_comments", "comments", "looks_bundled", "parse_script"]

_BUNDLE_HEAD = re.compile(
    r"\(function\s*\(\s*global\s*,\s*factory\s*\)"  # UMD
    r"|typeof\s+exports\s*===?\s*['\"]object['\"]\s*&&\s*typeof\s+module\s*!==?\s*['\"]undefined['\"]"
    r"|__webpack_require__|webpackBootstrap|/\*!\s*For license information"
    r"|var\s+__defProp\s*=\s*Object\.defineProperty"  # esbuild
    r"|System\.register\(|define\.amd"
)
_SPECIAL = re.compile(r"['\"`/]")
_NOT_NEWLINE = re.compile(r"[^\n]")
_HEAD_CHARS = 4000
_MINIFIED_LINE = 1000
"""A line this long (outside the first lines' licence banner) is a minifier's, not a person's."""


@dataclass(frozen=True)
class ScriptSource:
    """What the script rules read: the code without comments, and whether it is a bundle."""

    code: str
    bundled: bool


MARKUP_SUFFIXES = (".html", ".htm", ".vue", ".svelte")
"""Pages and single-file components: their scripts sit inside markup, whose `<!-- -->` comments
are blanked too (a page that merely shows code, in `<pre>`, is rare in an ML repository)."""
_MARKUP_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def parse_script(text: str, path: str = "") -> ScriptSource:
    if looks_bundled(text):
        return ScriptSource(text, True)  # not read by the rules: no need to blank its comments
    code = blank_comments(text)
    if path.lower().endswith(MARKUP_SUFFIXES):
        code = _MARKUP_COMMENT.sub(lambda m: _spaces(m.group(0)), code)
    return ScriptSource(code, False)


def looks_bundled(text: str) -> bool:
    """A minified file or a UMD / AMD / webpack / esbuild / SystemJS bundle."""
    if _BUNDLE_HEAD.search(text[:_HEAD_CHARS]):
        return True
    return any(len(line) > _MINIFIED_LINE for line in text.split("\n", 200)[:200])


def blank_comments(text: str) -> str:
    """`text` with `//` and `/* */` comments replaced by spaces (newlines kept)."""
    out: list[str] = []
    start = 0
    for begin, end in comments(text):
        out.append(text[start:begin])
        out.append(_spaces(text[begin:end]))
        start = end
    out.append(text[start:])
    return "".join(out)


def _spaces(text: str) -> str:
    """`text` blanked: every character but a newline becomes a space (lines and columns stay)."""
    return _NOT_NEWLINE.sub(" ", text)


def comments(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of every `//` and `/* */` comment, delimiters included.

    Strings ('...', "...") and template literals are skipped whole, so a `//` in a URL string is
    not a comment. A `/` that starts a regular-expression literal is not told apart from
    division; a regex literal holding a quote or `//` is rare enough (and costs at most a missed
    or extra comment) that a tokenizer is not worth it here.
    """
    i, n = 0, len(text)
    while i < n:
        found = _SPECIAL.search(text, i)  # jump to the next quote or slash: the rest is code
        if found is None:
            return
        i = found.start()
        ch = text[i]
        if ch in "'\"`":
            i = _string_end(text, i, ch)
            continue
        if ch == "/" and i + 1 < n and text[i + 1] in "/*":
            if text[i + 1] == "/":
                end = text.find("\n", i)
                end = n if end < 0 else end
            else:
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
            yield i, end
            i = end
            continue
        i += 1


def _string_end(text: str, i: int, quote: str) -> int:
    """The index after the string or template literal that opens at `i` (the end of its line
    for an unterminated '...' or "...": JavaScript strings do not span lines)."""
    stops = _STRING_STOPS[quote]
    j = i + 1
    while True:
        found = stops.search(text, j)
        if found is None:
            return len(text)
        j = found.start()
        ch = text[j]
        if ch == "\\":
            j += 2
        elif ch == quote:
            return j + 1
        else:  # a newline ends an unterminated one-line string
            return j


_STRING_STOPS = {q: re.compile("[\\\\" + q + ("" if q == "`" else "\\n") + "]") for q in "'\"`"}
