"""The prefilter, the result cache and the process pool change no finding (issue 7).

Every example of every built-in rule, and every fixture repository, is scanned five ways:
the reference run (prefilter on, serial, no cache), without the prefilter (every file parsed),
filling a fresh cache, again from that cache, and in a two-worker pool forced on for any input
size. Fixtures also run sharded (the workers read and prefilter too, as for large trees), and
again from the cache the sharded run filled. Findings, errors, warnings and the scanned count
must be identical.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kzai_lint import parallel
from kzai_lint.api import check
from kzai_lint.model import PYTHON_KINDS, RunResult
from kzai_lint.registry import builtin_rules
from kzai_lint.testing import examples

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RULES = builtin_rules()


def outcome(result: RunResult) -> tuple[Any, ...]:
    return (result.findings, result.errors, result.warnings, result.files_scanned)


def five_ways(root: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> dict[str, RunResult]:
    runs = {
        "reference": check([root], jobs=1, **kwargs),
        "no prefilter": check([root], jobs=1, use_prefilter=False, **kwargs),
        "cache cold": check([root], jobs=1, cache=True, cache_dir=cache_dir, **kwargs),
        "cache warm": check([root], jobs=1, cache=True, cache_dir=cache_dir, **kwargs),
    }
    with monkeypatch.context() as patched:
        patched.setattr(parallel, "POOL_MIN_BYTES", 0)
        runs["pool"] = check([root], jobs=2, **kwargs)
    return runs


def assert_equivalent(runs: dict[str, RunResult]) -> None:
    reference = outcome(runs["reference"])
    for name, result in runs.items():
        assert outcome(result) == reference, f"{name} differs from the reference run"
    warm = runs["cache warm"].stats
    assert warm["parsed"] == 0 or any(e.kind in ("timeout", "rule-error", "read-error") for e in runs["cache warm"].errors)


@pytest.mark.parametrize("rule", RULES, ids=[r.meta.id for r in RULES])
def test_rule_examples_are_found_the_same_way(rule: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for test_id, example in examples(rule):
        folder = tmp_path / test_id.replace("/", "_")
        for rel, text in example.all_files().items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        runs = five_ways(folder, tmp_path / "cache" / folder.name, monkeypatch, select=[rule.meta.id])
        assert_equivalent(runs)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_fixtures_are_found_the_same_way(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A copy: the repository's own config excludes fixtures/** from scans.
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    runs = five_ways(root, tmp_path / "cache", monkeypatch)
    with monkeypatch.context() as patched:
        # Sharded: the workers read, hash and prefilter too (large trees), filling a cache.
        patched.setattr(parallel, "SHARD_MIN_FILES", 0)
        patched.setattr(parallel, "SHARD_FILES", 2)
        runs["sharded"] = check([root], jobs=2, cache=True, cache_dir=tmp_path / "cache-sharded")
    runs["after sharded"] = check([root], jobs=1, cache=True, cache_dir=tmp_path / "cache-sharded")
    assert_equivalent(runs)
    pool = runs["pool"].stats
    if pool["parsed"] >= 2:
        assert pool["workers"] == 2, "the pool was not used"
    assert runs["sharded"].stats["workers"] == 2, "the sharded pool was not used"
    after = runs["after sharded"].stats
    assert after["cached"] == after["files"] or any(e.kind in ("timeout", "rule-error", "read-error") for e in runs["sharded"].errors), "a sharded run's cache was not found"


def test_no_python_rule_lets_every_file_through() -> None:
    """A rule without keywords (None) would make every Python file be parsed; a bare `*` too."""
    from kzai_lint.catalogue import load

    catalogue = load()
    for rule in RULES:
        if not rule.meta.kinds & PYTHON_KINDS:
            continue
        words = rule(catalogue).keywords()
        assert words is not None, f"{rule.meta.id} returns no keywords: every Python file would be parsed"
        words = list(words)
        assert all(w.strip("*") for w in words), f"{rule.meta.id} has an empty keyword: every file would pass"


def _catalogue_mentions() -> list[tuple[str, str, str]]:
    """(code, name, a file naming it) for every catalogue data set and model-id pattern: one of
    its necessary literals in a data path, when the signal's own regex reads it there."""
    import re

    from kzai_lint.catalogue import load
    from kzai_lint.regex_literals import necessary_literals

    catalogue = load()
    out = []
    signals = [(ds.name, ds.regex, ds.capability) for ds in catalogue.datasets]
    signals += [(p.regex.pattern[:40], p.regex, p.capability) for p in catalogue.model_patterns]
    for name, regex, capability in signals:
        for literal in necessary_literals(regex.pattern, re.IGNORECASE) or ():
            value = f"data/{literal}.csv"
            if regex.search(value):
                out.append((catalogue.capabilities[capability].code, name, f'import pandas as pd\nframe = pd.read_csv("{value}")\n'))
    return out


MENTIONS = _catalogue_mentions()


def test_every_catalogue_data_set_has_mentions_to_check() -> None:
    assert len(MENTIONS) > 60


@pytest.mark.parametrize(("code", "name", "text"), MENTIONS, ids=[f"{c}-{n}-{i}" for i, (c, n, _) in enumerate(MENTIONS)])
def test_a_catalogue_data_set_or_model_named_in_code_is_found_the_same_way(code: str, name: str, text: str, tmp_path: Path) -> None:
    """The artefact rules' keywords are a hand-kept list beside the patterns (ISEAR was missing
    from it, and `"data\\isear.csv"` was found only without the prefilter)."""
    (tmp_path / "load.py").write_text(text, encoding="utf-8")
    select = [code]
    assert check([tmp_path], jobs=1, select=select).findings == check([tmp_path], jobs=1, select=select, use_prefilter=False).findings, (name, text)
