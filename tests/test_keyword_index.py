"""`KeywordIndex` opens exactly the gates that one `Prefilter` per keyword set would open."""
from __future__ import annotations

import random

from kzai_lint.keyword_index import KeywordIndex
from kzai_lint.prefilter import Prefilter

SETS = {
    "emotion": ["emotion", "emotional distress", "*facialemotion", "fer"],
    "age": ["age", "age-", "aged_", "(0-2)", "0-2"],
    "debt": ["debt", "*arrear", "days to payday", "payday"],
    "nested": ["a", "ab", "abc", "*bc", "*c"],
    "import": ["import fer$", "*, fer$", "import fer.x"],
    "name-end": ["emotion$", "*bc$"],
    "none-left": [],
}
ALPHABET = ["emotion", "emotional", " distress", "facial", "fer", "transfer", "age", "image", "aged_", "(0-2)", "0-2", "debt", "arrears", "payday", "days to ", "a", "b", "c", "x", " ", "_", "-", "\n", "9", "é", "import ", ", ", ".", "$", "\0"]


def _expected(text: str) -> frozenset[str]:
    return frozenset(name for name, words in SETS.items() if Prefilter(words).may_match(text))


def test_matches_one_prefilter_per_set_on_generated_texts() -> None:
    index = KeywordIndex(SETS)
    rng = random.Random(17)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        assert index.present(text.lower()) == _expected(text), text


def test_keywords_inside_a_longer_keyword_are_found() -> None:
    index = KeywordIndex({"long": ["fear of missing out"], "short": ["missing"], "inner": ["*of"]})
    assert index.present("the fear of missing out") == {"long", "short", "inner"}
    assert index.present("fear of missing") == {"short", "inner"}


def test_a_set_without_keywords_is_always_present() -> None:
    index = KeywordIndex({"all": None, "some": ["debt"]})
    assert index.present("nothing here") == {"all"}
    assert index.present("debt") == {"all", "some"}


def test_the_run_index_opens_the_gates_each_rule_would_open_itself() -> None:
    """Built-in rules' gates, on every rule example and every fixture file."""
    from pathlib import Path

    from kzai_lint import api, config, registry
    from kzai_lint.registry import builtin_rules
    from kzai_lint.testing import examples

    root = Path(__file__).resolve().parent.parent / "fixtures"
    settings = config.load_settings(root).with_overrides(root=root)
    rules = api.enabled_rules(settings, loaded=registry.load(settings))
    gates: dict[str, object] = {}
    for rule in rules:
        if callable(getattr(rule, "gates", None)):
            gates.update(rule.gates())
    assert len(gates) > 10
    index = KeywordIndex(gates)  # type: ignore[arg-type]
    one_by_one = {name: Prefilter(words) for name, words in gates.items()}  # type: ignore[arg-type]
    texts = [text for rule in builtin_rules() for _, example in examples(rule) for text in example.all_files().values()]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*") if p.is_file() and p.stat().st_size < 200_000]
    assert len(texts) > 100
    for text in texts:
        expected = frozenset(name for name, gate in one_by_one.items() if gate.may_match(text))
        assert index.present(text.lower()) == expected


def test_a_bare_star_is_every_text_as_for_the_prefilter() -> None:
    """`*` is the empty word matched anywhere: `Prefilter` passes every text; the index used to
    skip it and call the set absent."""
    index = KeywordIndex({"star": ["*"], "words": ("fer", "*emotion"), "gen": (w for w in ["deepface"])})
    for text in ("", "plain text", "deepface"):
        assert ("star" in index.present(text)) == Prefilter(["*"]).may_match(text)
    assert index.present("import deepface") == {"star", "gen"}
