"""The prefilter's matcher (substring tests for `*keywords`, pruned keyword sets, a trie regex
behind a leading character class) decides exactly as the original single regex did: a
`(?<![a-z0-9])` lookbehind before the trie of word-start keywords, or the trie of `*keywords`."""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzai_lint import prefilter, regex_cache
from kzai_lint.prefilter import Prefilter

ROOT = Path(__file__).resolve().parent.parent


# ---- the original implementation, kept here as the reference ---------------------------------

def _old_trie(words: Iterable[str]) -> str | None:
    root: dict[str, Any] = {}
    for word in sorted(set(words), key=len):
        node = root
        for ch in word:
            if "" in node:
                break
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}
    return None if not root else _old_emit(root)


def _old_emit(node: dict[str, Any]) -> str:
    if "" in node:
        return ""
    branches = [re.escape(ch) + _old_emit(node[ch]) for ch in sorted(node)]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def reference_regex(words: Iterable[str]) -> re.Pattern[str]:
    lowered = {w.lower() for w in words if w}
    if any(len(w) > 1 and w.endswith("$") and w != "*$" for w in lowered):  # `word$`: a name ends there
        return _alternation(lowered)
    anywhere = _old_trie(w[1:] for w in lowered if w.startswith("*"))
    bounded = _old_trie(w for w in lowered if not w.startswith("*"))
    parts = ([r"(?<![a-z0-9])" + bounded] if bounded is not None else []) + ([anywhere] if anywhere is not None else [])
    return re.compile("|".join(parts) if parts else r"(?!x)x")


def _alternation(words: set[str]) -> re.Pattern[str]:
    """One branch per keyword, for sets with `$` keywords (which the original did not have)."""
    branches = []
    for word in sorted(words):
        anywhere = word.startswith("*")
        body = word[1:] if anywhere else word
        ends_name = len(word) > 1 and word.endswith("$") and word != "*$"
        body = re.escape(body[:-1] if ends_name else body) + (r"(?![a-z0-9_])" if ends_name else "")
        branches.append(body if anywhere else r"(?<![a-z0-9])" + body)
    return re.compile("|".join(branches))


def reference(words: Iterable[str], text: str) -> bool:
    return reference_regex(words).search(text.lower()) is not None


# ---- random and adversarial inputs ------------------------------------------------------------

ALPHABET = "ab0_- .(*[]^$\\йЖ"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), max_size=10), st.text(alphabet=ALPHABET + "AB\n\t", max_size=60))
def test_matcher_agrees_with_the_original_regex(words: list[str], text: str) -> None:
    assert Prefilter(words).may_match(text) == reference(words, text)


def test_separator_variants_and_contained_keywords() -> None:
    words = ["false countdown", "false-countdown", "false_countdown", "falsecountdown", "*emotion", "emotion_net", "*fake", "*deepfake", "fer"]
    texts = ["a false countdown", "false-countdown!", "xfalse_countdown", "FALSECOUNTDOWN", "false  countdown", "facialEmotionNet", "deep_fake", "transfer", "ferry", "", "a-fer", "9fer", "_fer"]
    for text in texts:
        assert Prefilter(words).may_match(text) == reference(words, text), text
    anywhere, pattern = prefilter.plan([w.lower() for w in words])
    assert anywhere == ["emotion", "fake"]  # `deepfake` implies `fake`; `emotion_net` implies `emotion`
    assert pattern is not None and "emotion" not in pattern and "[" in pattern


def test_a_bare_star_passes_everything() -> None:
    assert Prefilter(["*", "abc"]).may_match("") and Prefilter(["*"]).may_match("x")


def _builtin_keyword_sets() -> dict[str, list[str]]:
    from kzai_lint import registry
    from kzai_lint.api import enabled_rules
    from kzai_lint.config import Settings
    from kzai_lint.engine import ScanPlan

    settings_ = Settings(root=ROOT)
    loaded = registry.load(settings_)
    plan = ScanPlan(tuple(enabled_rules(settings_, loaded=loaded)), loaded.catalogue, settings_)
    # as written (`Prefilter.keywords` keeps a `$` keyword's end as `WORD_END`)
    return {kind.value: [w.replace(prefilter.WORD_END, "$") for w in gate.keywords] for kind, gate in plan.prefilters.items() if gate.keywords is not None}


def _corpus() -> list[str]:
    texts = []
    for folder in ("fixtures", "kzai_lint/rules", "kzai_lint/catalogue", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".md", ".yaml", ".ipynb", ".json", ".toml", ".txt", ".csv"):
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def test_builtin_keyword_sets_decide_like_the_original_on_real_and_mangled_text() -> None:
    rng = random.Random(7)
    corpus = _corpus()
    for kind, words in sorted(_builtin_keyword_sets().items()):
        gate, original = Prefilter(words), reference_regex(words)
        samples = list(corpus)
        # Mangled text: keywords cut, glued to letters, separators swapped, upper-cased.
        for _ in range(300):
            pieces = []
            for _ in range(rng.randint(1, 6)):
                word = rng.choice(words).lstrip("*")
                cut = rng.randint(0, len(word))
                piece = rng.choice([word, word[:cut], word[cut:], word.upper(), word.replace(" ", rng.choice(["-", "_", "", "  "]))])
                pieces.append(rng.choice(["", "x", "9", " ", "\n", "(", "й", "_"]) + piece)
            samples.append("".join(pieces))
        for text in samples:
            assert gate.may_match(text) == (original.search(text.lower()) is not None), (kind, text[:200])


@pytest.mark.parametrize("pattern, flags", [(r"(?P<a>x)(y)?", 0), (r"\bface\w*", re.IGNORECASE), ("[^a-z0-9](?=[ab])(?:ab|b[cd])", 0), ("(?!x)x", 0)])
def test_compiled_from_the_index_is_the_same_pattern(pattern: str, flags: int) -> None:
    regex_cache.compile(pattern, flags)  # computed (and kept in the index when there is one)
    regex_cache.compile.cache_clear()
    first, again = regex_cache.compile(pattern, flags), re.compile(pattern, flags)  # from the index
    assert (first.pattern, first.flags, first.groups, first.groupindex) == (again.pattern, again.flags, again.groups, again.groupindex)
    for text in ("xy", "x", "Faces and more", "zab", " bc", "", "  bd"):
        found, expected = first.search(text), again.search(text)
        assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups()))
