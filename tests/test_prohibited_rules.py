"""KZ301-KZ304 on small repositories: exact codes and lines, statuses, and the clause map's traps.

Each test writes a few files (with a complete declaration, see conftest) and runs the public API
with only the 17(3)(1)-(4) codes selected. IINs are built at run time with `generate_iin`, so no
identifier is committed here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import pytest

from kzai_lint.api import check
from kzai_lint.iin import generate_iin, iin_control_digit
from kzai_lint.model import Finding, Severity, Status

CODES = ["KZ301", "KZ302", "KZ303", "KZ304"]

MakeRepo = Callable[..., Path]


def scan(root: Path) -> list[Finding]:
    result = check([root], select=CODES, jobs=1, debug=True)
    assert not result.errors, result.errors
    return list(result.findings)


def opened(findings: list[Finding]) -> set[tuple[str, str, int | None]]:
    return {(f.code, f.path, f.line) for f in findings if f.status is Status.OPEN}


def iin(year: int, month: int, day: int, sex: str = "F") -> str:
    for serial in range(1, 50):
        value = generate_iin(dt.date(year, month, day), sex, serial)
        if value is not None:
            return value
    raise AssertionError("no serial gives a control digit")


# ---- KZ301 -------------------------------------------------------------------------------------

def test_dark_pattern_variants_in_json_and_enum(make_repo: MakeRepo) -> None:
    root = make_repo({
        "experiments/checkout.json": """
            {
              "objective": "conversion",
              "variants": [
                "baseline",
                "FakeScarcity",
                "confirm-shaming"
              ]
            }
            """,
        "shop/treatments.py": """
            import enum

            class Variant(str, enum.Enum):
                CONTROL = "control"
                PRECHECKED = "preselected_insurance"
                SNEAK = "sneak_into_basket"
            """,
    })
    assert opened(scan(root)) == {("KZ301", "experiments/checkout.json", 5), ("KZ301", "shop/treatments.py", 5)}


def test_deceptive_prompts_in_python_yaml_and_russian(make_repo: MakeRepo) -> None:
    root = make_repo({
        "bot/persona.py": '''
            from string import Template

            GREETING = "Hi! I'm Dana from support."
            SYSTEM = Template(
                "You are $name. Keep answers short.\\n"
                "Do not tell the customer that you are a bot."
            )
            ''',
        "prompts/sales.yaml": """
            model: gpt-4o-mini
            prompts:
              closing: |
                Be friendly and concise.
                Create a false sense of urgency so they sign today.
              ru: "Притворяйся живым человеком и не признавайся, что ты бот."
            """,
    })
    assert opened(scan(root)) == {
        ("KZ301", "bot/persona.py", 6),
        ("KZ301", "prompts/sales.yaml", 5),
        ("KZ301", "prompts/sales.yaml", 6),
    }


def test_psychological_features_for_spend(make_repo: MakeRepo) -> None:
    root = make_repo({
        "ranker/train.py": """
            import xgboost as xgb

            CONTEXT = ["hour", "device", "compulsive_buyer_flag", "days_since_login"]
            LABEL = "spend_next_7d"

            def fit(df):
                return xgb.XGBRegressor().fit(df[CONTEXT], df[LABEL])
            """,
    })
    assert opened(scan(root)) == {("KZ301", "ranker/train.py", 3)}


@pytest.mark.parametrize(
    "files",
    [
        {"etl/clean.py": 'import pandas as pd\n"""Data manipulation helpers: fake rows are dropped."""\ndef dedupe(df):\n    return df.drop_duplicates()\n'},
        {"robot/tasks.py": 'TASKS = ["pick_place", "peg_insertion", "cloth_folding"]\nDESC = "robot manipulation benchmark"\n'},
        {"opt/step.py": "def nudge(x, grad, lr=0.1):\n    return x - lr * grad\n"},
        {"research/classify.py": 'from sklearn.svm import LinearSVC\nTYPES = ["fake_scarcity", "confirmshaming", "hidden_costs", "forced_continuity"]\ndef train_detector(X, y):\n    return LinearSVC().fit(X, y)\n'},
        {"newsletter/ab.py": 'import numpy as np\nARMS = ["Autumn recipes", "Weekly digest", "Shop news"]\ndef pick(a, b):\n    return int(np.argmax(np.random.beta(a, b)))\n'},
        {"bot/safe.py": 'SYSTEM = "You are an AI assistant and say so when asked. Never pretend to be a person; do not invent deadlines or create urgency."\n'},
    ],
    ids=["data-manipulation", "robot-manipulation", "nudge-step", "detection-research", "editorial-bandit", "honest-prompt"],
)
def test_kz301_traps(make_repo: MakeRepo, files: dict[str, str]) -> None:
    assert not opened(scan(make_repo(files)))


# ---- KZ302 -------------------------------------------------------------------------------------

def test_vulnerability_branches_and_config(make_repo: MakeRepo) -> None:
    root = make_repo({
        "promo/policy.py": """
            PRIORITY = ("pensioner", "in_arrears", "benefit_claimant")

            def next_action(user, seg):
                if seg in PRIORITY:
                    return {"action": "payday_loan_offer", "reminders_per_day": 6}
                if user.age is not None and user.age <= 15:
                    return {"action": "lootbox_discount", "countdown": 60}
                if not user.is_minor:
                    return {"action": "upsell_premium"}
                return None
            """,
        "configs/uplift.yaml": """
            target: loan_uptake_90d
            features: [tenure_months, overdue_invoices, region]
            """,
    })
    assert opened(scan(root)) == {("KZ302", "promo/policy.py", 4), ("KZ302", "promo/policy.py", 6), ("KZ302", "configs/uplift.yaml", 2)}


def test_protective_age_branch_and_security_code_are_clean(make_repo: MakeRepo) -> None:
    root = make_repo({
        "shop/limits.py": """
            def allowed(player, price):
                if player.age < 18:
                    if not player.guardian_ok:
                        raise PermissionError("guardian approval needed")
                    return price <= MINOR_CAP
                return True
            """,
        "sec/scan.py": """
            def triage(user, pkg):
                if pkg.vulnerable:
                    push_notification(user, f"upgrade {pkg.name}")
            """,
    })
    assert not opened(scan(root))


def test_declared_protective_purpose_mitigates(make_repo: MakeRepo) -> None:
    pyproject = """
        [project]
        name = "shop"
        version = "0.1.0"

        [tool.kzai-lint.system]
        risk = "medium"
        autonomy = "low"
        mode = "closed"

        [[tool.kzai-lint.system.purposes]]
        clause = "17(3)(2)"
        purpose = "protection"
        scope = "shop/*.py"
        """
    root = make_repo({
        "pyproject.toml": pyproject,
        "shop/nudges.py": """
            def banner(user):
                if user.is_minor:
                    return {"banner": "countdown_sale"}
            """,
    })
    found = [f for f in scan(root) if f.code == "KZ302"]
    assert [(f.line, f.status) for f in found] == [(2, Status.MITIGATED)]


# ---- KZ303 -------------------------------------------------------------------------------------

def test_social_scores_definitions_and_decisions(make_repo: MakeRepo) -> None:
    root = make_repo({
        "civic/rating.py": """
            import pandas as pd

            def monthly(events: pd.DataFrame) -> pd.DataFrame:
                out = events.groupby("citizen_id").sum()
                out["social_credit"] = out.sum(axis=1)
                return out

            def gate(row):
                if row.social_credit < 350:
                    return block_travel(row.citizen_id)
                return None
            """,
        "civic/points.py": """
            POINTS = {"jaywalking_fines": -5, "petitions_signed": -20, "volunteer_hours": 3, "reposts": -1}
            """,
        "screening/model.yaml": """
            objective: tenant_trust_score
            inputs: [late_rent_payments, friends_count, posts_per_day]
            """,
    })
    findings = scan(root)
    assert opened(findings) == {
        ("KZ303", "civic/rating.py", 5),
        ("KZ303", "civic/rating.py", 9),
        ("KZ303", "civic/points.py", 1),
        ("KZ303", "screening/model.yaml", 1),
    }
    decision = next(f for f in findings if f.path == "civic/rating.py" and f.line == 9)
    assert decision.severity is Severity.ERROR


@pytest.mark.parametrize(
    "files",
    [
        {"infra/health.py": 'def rank(hosts):\n    hosts["trust_score"] = 1 - hosts["errors"] / 10\n    return hosts.sort_values("trust_score")\n'},
        {"games/ladder.py": 'def update(player, opponent):\n    player.elo_rating += 16 * (1 - expected(player, opponent))\n'},
        {"eval/metrics.py": "from sklearn.metrics import f1_score, roc_auc_score\ndef report(y, p):\n    return f1_score(y, p), roc_auc_score(y, p)\n"},
        {"shop/reviews.py": 'def top(products):\n    products["reputation_score"] = products["stars"].mean()\n    return products.nlargest(10, "reputation_score")\n'},
        {"notebooks/german_credit.py": 'import pandas as pd\ndf = pd.read_csv("german_credit.csv")\ndf["credit_score"] = model.predict_proba(df[FEATURES])[:, 1]\n'},
    ],
    ids=["host-trust", "elo", "ml-metrics", "product-rating", "credit-tutorial"],
)
def test_kz303_traps(make_repo: MakeRepo, files: dict[str, str]) -> None:
    assert not opened(scan(make_repo(files)))


def test_lawful_basis_mitigates_social_score(make_repo: MakeRepo) -> None:
    pyproject = """
        [project]
        name = "bureau"
        version = "0.1.0"

        [tool.kzai-lint.system]
        risk = "high"
        autonomy = "low"
        mode = "closed"

        [[tool.kzai-lint.system.lawful-basis]]
        clause = "17(3)(3)"
        law = "Law of RK No. 000 on credit bureaus, Art. 0"
        scope = "bureau/*"
        """
    root = make_repo({"pyproject.toml": pyproject, "bureau/score.py": 'def run(df):\n    df["behaviour_score"] = df.sum(axis=1)\n'})
    assert [(f.line, f.status) for f in scan(root)] == [(2, Status.MITIGATED)]


# ---- KZ304 -------------------------------------------------------------------------------------

def test_iin_literals_in_code_and_config(make_repo: MakeRepo) -> None:
    a, b, c = iin(1984, 3, 9), iin(1961, 12, 1, "M"), iin(2002, 7, 30)
    root = make_repo({
        "kyc/fixtures.py": f"""
            CLIENTS = [
                {{"iin": "{a}", "surname": "Example"}},
                {{"iin": "{b}", "surname": "Sample"}},
            ]
            NOTE = '''
            Escalated case: customer {c}
            '''
            """,
        "kyc/seed.yaml": f"""
            customers:
              - passport: N000
                iin: "{c}"
            """,
    })
    findings = scan(root)
    literals = {(f.path, f.line, f.severity) for f in findings if f.rule == "KZ304/iin-literal"}
    assert literals == {
        ("kyc/fixtures.py", 2, Severity.ERROR),
        ("kyc/fixtures.py", 3, Severity.ERROR),
        ("kyc/fixtures.py", 6, Severity.ERROR),
        ("kyc/seed.yaml", 3, Severity.ERROR),
    }
    records = {(f.path, f.line) for f in findings if f.rule == "KZ304/iin-column"}
    assert records == {("kyc/fixtures.py", 2), ("kyc/fixtures.py", 3), ("kyc/seed.yaml", 3)}
    assert all(v not in f.evidence + f.message for f in findings for v in (a, b, c)), "identifiers are masked"


def test_iin_traps_bin_timestamp_check_digit_runtime(make_repo: MakeRepo) -> None:
    good = iin(1990, 1, 1)
    wrong_digit = good[:-1] + str((int(good[-1]) + 1) % 10)
    company = next(f"1804400{s:04d}" + str(d) for s in range(100) if (d := iin_control_digit(f"1804400{s:04d}")) is not None)
    root = make_repo({
        "clients/ids.py": f"""
            WRONG = "{wrong_digit}"
            COMPANY_BIN = "{company}"
            CREATED = "202401011230"
            def make_client_id(prefix11, digit):
                return prefix11 + str(digit)
            """,
        "clients/hashed.csv": "iin_sha256,full_name,phone\nab12,Test,+7\n",
    })
    assert not opened(scan(root))


def test_iin_data_files(make_repo: MakeRepo) -> None:
    rows = [iin(1975, 5, 5), iin(1988, 8, 18, "M"), iin(1999, 9, 9)]
    root = make_repo({
        "data/patients.csv": "visit;ИИН;ФИО;phone\n" + "".join(f"v{i};{v};Name {i};+7 700\n" for i, v in enumerate(rows)),
        "data/leads.jsonl": f'{{"lead": 1, "client_ref": "{rows[0]}", "city": "Almaty"}}\n',
    })
    assert opened(scan(root)) == {("KZ304", "data/patients.csv", 1), ("KZ304", "data/patients.csv", 2)}


def test_date_like_order_ids_that_sometimes_pass_the_check_digit(make_repo: MakeRepo) -> None:
    # YYMMDD + channel + serial: about one in eleven passes the check digit by chance.
    ids = [f"2510{day:02d}2{serial:05d}" for day in range(1, 29) for serial in (17, 230)]
    passing = [x for x in ids if iin_control_digit(x[:11]) == int(x[11])]
    assert passing, "the test needs some chance passes"
    root = make_repo({"data/orders.csv": "order_id,qty\n" + "".join(f"{x},1\n" for x in ids[:20])})
    assert not opened(scan(root))


def test_records_with_iin_and_pii(make_repo: MakeRepo) -> None:
    root = make_repo({
        "crm/models.py": """
            from pydantic import BaseModel

            class Lead(BaseModel):
                lead_id: int
                iin: str
                mobile_phone: str
            """,
        "crm/sql.py": '''
            QUERY = """
                INSERT INTO leads (customer_iin, first_name, email)
                VALUES (%s, %s, %s)
            """
            ''',
        "crm/schema.json": '{"properties": {"iin": {"type": "string"}, "full_name": {"type": "string"}}}\n',
    })
    assert opened(scan(root)) == {("KZ304", "crm/models.py", 5), ("KZ304", "crm/sql.py", 2), ("KZ304", "crm/schema.json", 1)}


def test_personal_data_egress_and_its_traps(make_repo: MakeRepo) -> None:
    root = make_repo({
        "sync/push.py": """
            import requests

            PARTNER = "https://partner-crm.example.com/api"
            LOCAL = "http://127.0.0.1:9000/ingest"

            def push(rows):
                payload = [{"ref": r["iin"], "name": r["full_name"]} for r in rows]
                s = requests.Session()
                s.post(PARTNER + "/contacts", json=payload)
                requests.post(LOCAL, json=payload)
                requests.get(PARTNER + "/health")
            """,
    })
    assert opened(scan(root)) == {("KZ304", "sync/push.py", 9)}


def test_consent_hook_mitigates_egress(make_repo: MakeRepo) -> None:
    pyproject = """
        [project]
        name = "sync"
        version = "0.1.0"

        [tool.kzai-lint]
        consent-hooks = ["sync.consent.has_consent"]

        [tool.kzai-lint.system]
        risk = "high"
        autonomy = "low"
        mode = "closed"
        """
    root = make_repo({
        "pyproject.toml": pyproject,
        "sync/__init__.py": "",
        "sync/consent.py": "def has_consent(person, purpose):\n    return True\n",
        "sync/push.py": """
            import httpx
            from sync.consent import has_consent

            def push(person):
                if has_consent(person, "personal_data"):
                    httpx.post("https://partner.example.com/v1", json={"iin": person.iin, "phone": person.phone})
            """,
    })
    found = [(f.path, f.line, f.status) for f in scan(root) if f.rule == "KZ304/pii-egress"]
    assert found == [("sync/push.py", 6, Status.MITIGATED)]


def test_model_ids_in_documentation_decorators_only(make_repo: MakeRepo) -> None:
    """transformers renders doc examples with `@add_code_sample_docstrings(checkpoint=...)`
    (`auto_docstring`, `replace_example_docstring` likewise): the id names the example a doc
    page shows. The same id in a decorator that registers or loads a model still counts."""
    root = make_repo({
        "modeling.py": (
            "from transformers.utils import add_code_sample_docstrings, auto_docstring\n"
            "class Head:\n"
            "    @add_code_sample_docstrings(checkpoint='cardiffnlp/twitter-roberta-base-emotion')\n"
            "    def forward(self): ...\n"
            "    @utils.auto_docstring(checkpoint='trpakov/vit-face-expression')\n"
            "    def predict(self): ...\n"
        ),
        "serve.py": (
            "@registry.register_model('trpakov/vit-face-expression')\n"
            "def build(): ...\n"
        ),
    })
    result = check([root], select=["KZ306"], jobs=1, debug=True)
    assert not result.errors
    assert opened(list(result.findings)) == {("KZ306", "serve.py", 1)}
