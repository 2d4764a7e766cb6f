"""The pack through kzai-lint's CLI: its rules are listed, its findings and cross-references are
in JSON and SARIF, and it is found through its entry point when installed."""
from __future__ import annotations

import json
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from kzai_lint import registry
from kzai_lint.cli import cli
from kzai_lint.testing import pack_loaded

from kzai_lint_eu_ai_act import PACK

FILES = {
    "app/camera.py": """
        from deepface import DeepFace
        def mood(frame):
            return DeepFace.analyze(frame, actions=["emotion"])
        """,
    "collect/scrape.py": """
        import requests
        from bs4 import BeautifulSoup
        from insightface.app import FaceAnalysis

        page = BeautifulSoup(requests.get("https://example.org/people").text, "html.parser")
        app = FaceAnalysis(name="buffalo_l")
        """,
    "models/risk.py": """
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        df = pd.read_csv("offenders.csv")
        X = df[["age", "sex", "marital_status", "priors_count"]]
        RandomForestClassifier().fit(X, df["is_recid"])
        """,
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path


@pytest.fixture(autouse=True)
def pack() -> Iterator[None]:
    with pack_loaded(PACK):
        yield


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout


def test_rules_are_listed_with_the_pack() -> None:
    code, out = run(["rules", "KZ3"])
    assert code == 0
    assert "KZ304/eu-face-scraping" in out and "KZ303/eu-predictive-policing" in out and "eu-ai-act 0.1.0" in out


def test_json_findings_carry_the_eu_reference(repo: Path) -> None:
    code, out = run(["check", str(repo), "--format", "json", "--select", "KZ303,KZ304,KZ306"])
    assert code == 1
    got = {(f["rule"], f["path"], f["line"]): f["eu_ai_act"]["article"] for f in json.loads(out)["findings"]}
    assert got[("KZ306/library-call", "app/camera.py", 3)] == "5(1)(f)"
    assert got[("KZ304/eu-face-scraping", "collect/scrape.py", 6)] == "5(1)(e)"
    assert got[("KZ303/eu-predictive-policing", "models/risk.py", 5)] == "5(1)(d)"


def test_sarif_lists_the_pack_and_carries_the_reference(repo: Path) -> None:
    code, out = run(["check", str(repo), "--format", "sarif", "--select", "KZ304"])
    assert code == 1
    (sarif_run,) = json.loads(out)["runs"]
    assert {"name": "eu-ai-act", "version": "0.1.0"} in sarif_run["tool"]["extensions"]
    assert [r["properties"]["eu_ai_act"]["article"] for r in sarif_run["results"]] == ["5(1)(e)"]


def test_explain_shows_the_rule_docs() -> None:
    code, out = run(["explain", "KZ304/eu-face-scraping"])
    assert code == 0 and "Article 5(1)(e)" in out and "17(3)(4)" in out


@pytest.mark.skipif(
    not any(ep.name == "eu-ai-act" for ep in metadata.entry_points(group="kzai_lint.rules")),
    reason="the distribution is not installed (pip install ./plugins/kzai-lint-eu-ai-act)",
)
def test_installed_entry_point_names_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(registry.AUTOLOAD_ENV)
    (ep,) = [ep for ep in metadata.entry_points(group="kzai_lint.rules") if ep.name == "eu-ai-act"]
    assert ep.value == "kzai_lint_eu_ai_act:PACK" and ep.load() is PACK
    assert "eu-ai-act" in {p.name for p in registry.load().packs}
