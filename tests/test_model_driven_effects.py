"""KZ203 (low autonomy, yet model output acts) and KZ205 (decisions about persons without an
objection path) on small repositories scanned through the public `api.check`.

Each case states exactly which call lines are reported, with which status, so that the
"driven by model output" analysis is pinned down both ways: what reaches an effect (conditions,
early exits, loops, arguments, one level of calls, agents) and what does not (timers, metrics,
read-only agents, review queues, plain code that happens to call `predict`).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kzai_lint.api import check
from kzai_lint.model import Finding, Status


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def system(autonomy: str = "low", hooks: str = "", extra: str = "") -> str:
    tool = f'[tool.kzai-lint]\noversight-hooks = ["{hooks}"]\n\n' if hooks else ""
    return f'[project]\nname = "x"\n\n{tool}[tool.kzai-lint.system]\nrisk = "medium"\nautonomy = "{autonomy}"\nmode = "closed"\n{extra}'


def scan(root: Path, code: str) -> list[Finding]:
    return list(check([root], select=[code]).findings)


def lines(findings: list[Finding]) -> list[tuple[str, int | None, str]]:
    return sorted((f.path, f.line, f.status.value) for f in findings)


FRAUD = """
import joblib
{imports}

def run(api, cases):
    clf = joblib.load("models/fraud.joblib")
    for case in cases:
        score = clf.predict_proba([case.features])[0, 1]
        if score > 0.97{guard}:
            api.freeze_account(case.account_id)
        api.log_case(case.id)
"""


# ---- KZ203 ----------------------------------------------------------------------------------
def test_effect_decided_by_a_prediction_is_an_error_on_the_effect_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "fraud/worker.py": FRAUD.format(imports="", guard="")})
    findings = scan(root, "KZ203")
    assert [(f.path, f.line, f.status, f.severity.value, f.clause) for f in findings] == [
        ("fraud/worker.py", 9, Status.OPEN, "error", "17(2)"),
    ]
    assert "the condition on `score`" in findings[0].message and 'autonomy = "low"' in findings[0].message


def test_declared_oversight_hook_that_dominates_the_effect_mitigates_it(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(hooks="fraud.review.analyst_confirms"),
        "fraud/worker.py": FRAUD.format(imports="from fraud.review import analyst_confirms", guard=" and analyst_confirms(case.id)"),
    })
    findings = scan(root, "KZ203")
    assert lines(findings) == [("fraud/worker.py", 9, "mitigated")]
    assert "analyst_confirms" in (findings[0].mitigation or "")


def test_undeclared_review_call_leaves_the_finding_open(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": system(),
        "fraud/worker.py": FRAUD.format(imports="from fraud.review import analyst_confirms", guard=" and analyst_confirms(case.id)"),
    })
    assert lines(scan(root, "KZ203")) == [("fraud/worker.py", 9, "open")]


@pytest.mark.parametrize("pyproject", [system(autonomy="medium"), system(autonomy="high", extra='governing-law = "Law 1"\n'), '[project]\nname = "x"\n'])
def test_only_a_low_autonomy_declaration_is_held_to_it(tmp_path: Path, pyproject: str) -> None:
    root = write(tmp_path, {"pyproject.toml": pyproject, "fraud/worker.py": FRAUD.format(imports="", guard="")})
    assert scan(root, "KZ203") == []


def test_output_reaches_the_effect_through_a_helper_function(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "bot/act.py": """
        import requests
        from sklearn.linear_model import LogisticRegression

        def act(user, risk):
            if risk > 0.5:
                requests.post("https://crm.example.kz/block", json={"user": user})

        def main(model: LogisticRegression, rows):
            for user, x in rows:
                act(user, model.predict_proba([x])[0, 1])
        """})
    assert lines(scan(root, "KZ203")) == [("bot/act.py", 6, "open")]


def test_timers_metrics_and_ci_bots_are_not_model_decisions(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "ci/release.py": """
        import re
        import subprocess

        import requests
        import schedule
        from sklearn.metrics import accuracy_score

        def label_pull_requests(prs):
            for pr in prs:
                if re.search(r"^fix", pr["title"]):
                    requests.post(pr["labels_url"], json=["bug"])

        def promote(model, X, y):
            if accuracy_score(y, model.predict(X)) >= 0.92:
                subprocess.run(["mlflow", "models", "serve", "-m", "models:/clf/Staging"], check=True)

        schedule.every().monday.do(lambda: subprocess.run(["python", "retrain.py"]))
        """})
    assert scan(root, "KZ203") == []


def test_method_names_count_only_in_modules_that_use_a_model(tmp_path: Path) -> None:
    alerts = """
        import requests
        {ml}
        def warn(forecast, to):
            if forecast.predict("tomorrow").rain > 20:
                requests.post("https://sms.example.kz/send", json={{"to": to, "text": "Take an umbrella"}})
        """
    root = write(tmp_path, {"pyproject.toml": system(), "weather/alerts.py": alerts.format(ml=""), "ml/alerts.py": alerts.format(ml="import torch")})
    assert lines(scan(root, "KZ203")) == [("ml/alerts.py", 5, "open")]


def test_proposals_sent_to_a_review_queue_are_not_actions(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "mod/propose.py": """
        from kafka import KafkaProducer
        from transformers import pipeline

        TOPIC = "moderation.review-queue"
        clf = pipeline("text-classification", model="/srv/models/toxic")
        producer = KafkaProducer()

        def handle(comment):
            if clf(comment["text"])[0]["label"] == "toxic":
                producer.send(TOPIC, comment)
        """})
    assert scan(root, "KZ203") == []


def test_hand_off_calls_need_the_output_to_decide_whether_they_run(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "score/stream.py": """
        import requests
        from kafka import KafkaProducer
        from xgboost import XGBClassifier

        producer = KafkaProducer()

        def score(model: XGBClassifier, events):
            for event in events:
                p = float(model.predict_proba([event["x"]])[0, 1])
                producer.send("scores", {"id": event["id"], "p": p})
                requests.post("http://translate.internal/v1", json={"text": str(p)})
                requests.put(f"https://crm.internal/leads/{event['id']}", json={"priority": p})
                if p > 0.9:
                    producer.send("accounts.lock", {"id": event["id"]})
        """})
    assert lines(scan(root, "KZ203")) == [("score/stream.py", 12, "open"), ("score/stream.py", 14, "open")]


def test_agents_with_effectful_tools_read_only_tools_and_approval(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "assist/agents.py": """
        import requests
        from langchain_community.tools import ShellTool
        from langchain_core.tools import Tool
        from langgraph.prebuilt import create_react_agent

        def search(q):
            return requests.get("https://kb.internal/search", params={"q": q}).text

        def cancel_order(order_id):
            return requests.delete(f"https://shop.internal/orders/{order_id}").status_code

        READ_ONLY = [search]
        TOOLS = [search, Tool("cancel", cancel_order, "Cancel an order")]
        reader = create_react_agent(LLM, READ_ONLY)
        doer = create_react_agent(LLM, TOOLS)
        careful = create_react_agent(LLM, [ShellTool()], interrupt_before=["tools"])
        admin = create_react_agent(LLM, [ShellTool()])
        """})
    findings = scan(root, "KZ203")
    assert lines(findings) == [("assist/agents.py", 10, "open"), ("assist/agents.py", 17, "open")]
    assert "runs `cancel_order` as a tool" in findings[0].message and "runs shell commands" in findings[1].message


def test_decorated_tool_without_its_agent_in_view_is_medium_confidence(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "assist/tools.py": """
        import smtplib
        from langchain_core.tools import tool

        @tool
        def email_customer(to: str, body: str) -> str:
            smtplib.SMTP("mail.internal").sendmail("support@example.kz", [to], body)
            return "sent"
        """})
    findings = scan(root, "KZ203")
    assert [(f.line, f.confidence.value) for f in findings] == [(6, "medium")]


def test_tests_are_not_run_time(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "tests/test_worker.py": FRAUD.format(imports="", guard="")})
    assert scan(root, "KZ203") == []


# ---- KZ205 ----------------------------------------------------------------------------------
LOANS = """
import joblib

def decide(bank, applicant):
    model = joblib.load("models/scorecard.joblib")
    approved = model.predict([applicant.features])[0] == 1
    if approved:
        bank.approve_loan(applicant.id)
    else:
        bank.reject_loan(applicant.id)
    bank.notify(applicant.id)
"""


def test_automated_credit_decisions_are_info_in_any_autonomy(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(autonomy="high", extra='governing-law = "Law 1"\n'), "credit/decide.py": LOANS})
    findings = scan(root, "KZ205")
    assert [(f.line, f.severity.value, f.status.value, f.clause) for f in findings] == [(7, "info", "open", "17(2)"), (9, "info", "open", "17(2)")]
    assert "(credit)" in findings[1].message


def test_declared_objection_path_answers_kz205(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(extra='objection-path = "docs/appeals.md"\n'), "credit/decide.py": LOANS})
    assert scan(root, "KZ205") == []


def test_content_takedowns_and_rule_based_decisions_are_not_person_decisions(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(), "shop/moderate.py": """
        import joblib

        def moderate(shop, registry, listing, applicant):
            clf = joblib.load("models/prohibited.joblib")
            if clf.predict([listing.text])[0] == 1:
                shop.unpublish(listing.id)
            if applicant.age < 18:
                registry.reject_application(applicant.id)
        """})
    assert scan(root, "KZ205") == []


def test_person_decision_confirmed_by_a_declared_hook_is_mitigated(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": system(hooks="trust.review.moderator_agrees"), "trust/bans.py": """
        from openai import OpenAI
        from trust.review import moderator_agrees

        llm = OpenAI(base_url="http://llm.internal/v1")

        def review(platform, report):
            answer = llm.chat.completions.create(model="mod", messages=[{"role": "user", "content": report.text}])
            if "ban" in answer.choices[0].message.content:
                if not moderator_agrees(report.id):
                    return
                platform.ban_user(report.author_id)
        """})
    assert lines(scan(root, "KZ205")) == [("trust/bans.py", 11, "mitigated")]
