"""17(2) KZ203: a system declared of low autonomy whose code acts on model output by itself.

Low autonomy means the system only recommends: the final choice and the actions are always a
person's. So the finding is an effect call (catalogue `effect_sinks`) that model output decides,
or that an agent runs as a tool on the model's choice, in a repository declaring
`autonomy = "low"`. It sits on the effect call, where a declared oversight hook that dominates the
call makes it `mitigated` (the engine's guard analysis, `kzai_lint.mitigation.find_guard`).
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Status
from kzai_lint.rule import Invalid, PythonRule, RuleMeta, Valid
from kzai_lint.rules._declaration_view import declared
from kzai_lint.rules._driven_effects import DrivenEffect, driven_effects, load_effect_signals

LOW = '[tool.kzai-lint.system]\nrisk = "medium"\nautonomy = "low"\nmode = "closed"\n'
HOOKED = '[tool.kzai-lint]\noversight-hooks = ["ops.review.require_human_approval"]\n\n' + LOW


class ModelDrivenEffect(PythonRule):
    """Declared low autonomy, but model output sets off an action without a person confirming it.

    ## What it finds
    With `[tool.kzai-lint.system] autonomy = "low"`, every call that acts on the world (catalogue
    `effect_sinks`: HTTP writes, message queues, e-mail and SMS, database writes, payments,
    shell commands, `ban_user`, `approve_loan`, PLC writes, …) and is decided by a model's output
    in the same function: inside a branch or loop whose condition uses a prediction
    (`predict`, `predict_proba`, calling a `pipeline` or loaded model, `generate`,
    `chat.completions.create`, LangChain `invoke`), after an early `continue`/`return` on one, or
    with the output as an argument (except for calls that may only pass data on — an HTTP POST, a
    queue message, an e-mail, an SQL write — where the output must decide whether they run);
    names assigned from predictions are followed, and one level of calls within the module.
    Agents count too: LangChain/LangGraph/CrewAI/smolagents agents whose tools act (the project's
    own tool functions, `ShellTool`, `PythonREPLTool`, HTTP-write and Gmail tools) with no
    approval step (`interrupt_before`, HITL middleware, LangGraph `interrupt()`), and AutoGen
    agents that run model-written code with `human_input_mode` other than `ALWAYS`. Not
    findings: effects on a timer or a metric (CI jobs, schedulers, a `f1_score` gate), read-only
    agents (search, retrieval), proposals sent to a review queue, test files.

    ## Why it matters
    Article 17(2)(1): in a system of low autonomy the final choice and the actions are *always*
    made by a person; the system only processes data and forms recommendations. Code that acts on
    its own prediction is of medium or high autonomy in fact, whatever the declaration says.

    ## Mitigation
    Let a person confirm before the effect: guard the call with a review function declared in
    `[tool.kzai-lint] oversight-hooks` (the finding becomes `mitigated`), write the proposal to a
    review queue instead of acting, add an approval step to the agent, or declare the autonomy
    the system really has (medium needs a correction path, high a governing law).

    ## Suppression
    `# kzai: ignore[KZ203] <reason>` on the effect call, e.g. for an effect that only touches the
    system's own scratch data.
    """

    meta = RuleMeta(id="KZ203/model-driven-effect", code="KZ203", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    INVALID = (
        Invalid("""
            import joblib
            from kafka import KafkaProducer
            def run(listings):
                clf = joblib.load("models/spam.joblib")
                producer = KafkaProducer(bootstrap_servers="kafka-0.internal:9092")
                for listing in listings:
                    p = float(clf.predict_proba([listing["text"]])[0, 1])
                    if p < 0.9:
                        continue
                    producer.send("listings.unpublish", {"id": listing["id"]})
            """, config=LOW, line=10, message="early exit on `p`", note="indirect: a name carries the score, early continue"),
        Invalid("""
            from transformers import pipeline as make
            clf = make("text-classification", model="/srv/models/abuse")
            def moderate(platform, post):
                if clf(post.text)[0]["label"] == "ABUSE":
                    platform.ban_user(post.author_id)
            """, config=LOW, line=5, note="aliased pipeline object called as the model"),
        Invalid("""
            import json, subprocess
            from openai import OpenAI
            client = OpenAI(base_url="http://llm.internal/v1")
            def step(messages):
                reply = client.chat.completions.create(model="ops", messages=messages, tools=TOOLS)
                for call in reply.choices[0].message.tool_calls:
                    args = json.loads(call.function.arguments)
                    subprocess.run(args["command"], shell=True)
            """, config=LOW, line=8, note="LLM tool-calling loop executes the chosen command"),
        Invalid("""
            import requests
            from langgraph.prebuilt import create_react_agent
            def refund(order_id: str) -> str:
                return requests.post(f"https://pay.example.kz/refunds/{order_id}").text
            def lookup(order_id: str) -> str:
                return requests.get(f"https://shop.example.kz/orders/{order_id}").text
            agent = create_react_agent(LLM, [lookup, refund])
            """, config=LOW, line=4, message="runs `refund` as a tool", note="agent tool with an effect, no interrupt"),
        Invalid("""
            from autogen import UserProxyAgent
            runner = UserProxyAgent("runner", human_input_mode="NEVER", code_execution_config={"work_dir": "out"})
            """, config=LOW, line=2, message="runs code the model wrote", note="AutoGen never asks a person"),
        Invalid("""
            import joblib
            from ops.review import require_human_approval
            def run(api, cases):
                clf = joblib.load("models/fraud.joblib")
                for case in cases:
                    if clf.predict([case.features])[0] == 1 and require_human_approval(case.id):
                        api.freeze_account(case.account_id)
            """, config=HOOKED, line=7, status=Status.MITIGATED, note="a declared oversight hook dominates the effect"),
    )
    VALID = (
        Valid("""
            import subprocess
            import schedule
            from sklearn.metrics import f1_score
            def promote(model, X, y):
                if f1_score(y, model.predict(X)) > 0.9:
                    subprocess.run(["dvc", "push"])
            schedule.every().day.at("02:00").do(lambda: subprocess.run(["python", "train.py"]))
            """, config=LOW, note="CI gate on a metric and a scheduler: no decision about a case"),
        Valid("""
            import requests
            from langchain_community.tools import DuckDuckGoSearchRun
            from langgraph.prebuilt import create_react_agent
            def wiki(q: str) -> str:
                return requests.get("https://kb.internal/search", params={"q": q}).text
            agent = create_react_agent(LLM, [wiki, DuckDuckGoSearchRun()])
            """, config=LOW, note="read-only agent: search and retrieval tools"),
        Valid("""
            import joblib
            from kafka import KafkaProducer
            def propose(listings):
                clf = joblib.load("models/spam.joblib")
                producer = KafkaProducer()
                for listing in listings:
                    if clf.predict([listing["text"]])[0] == 1:
                        producer.send("listings.review", {"id": listing["id"]})
            """, config=LOW, note="the proposal goes to a review queue; a person acts"),
        Valid("""
            import requests
            from openai import OpenAI
            llm = OpenAI(base_url="http://127.0.0.1:8000/v1")
            def draft(text):
                reply = llm.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
                checked = requests.post("http://localhost:8081/v2/check", data={"text": reply.choices[0].message.content})
                return checked.json()
            """, config=LOW, note="the draft only goes to a spell checker and back to a person"),
        Valid("""
            import joblib
            def run(api, cases):
                clf = joblib.load("models/fraud.joblib")
                for case in cases:
                    if clf.predict([case.features])[0] == 1:
                        api.freeze_account(case.account_id)
            """, config=LOW.replace('"low"', '"medium"'), note="medium autonomy is KZ204's question"),
        Valid("""
            import requests
            from langgraph.prebuilt import create_react_agent
            def refund(order_id: str) -> str:
                return requests.post(f"https://pay.example.kz/refunds/{order_id}").text
            agent = create_react_agent(LLM, [refund], interrupt_before=["tools"])
            """, config=LOW, note="the agent stops for approval before every tool call"),
        Valid("""
            import joblib, requests
            def test_alert_is_sent(httpserver):
                clf = joblib.load("tests/data/tiny.joblib")
                if clf.predict([[0.1, 0.2]])[0] == 1:
                    requests.post(httpserver.url_for("/alert"), json={"ok": True})
            """, path="tests/test_alerts.py", config=LOW, note="test files are not run time"),
    )

    def __init__(self, catalogue: Catalogue, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(catalogue, options)
        self.signals = load_effect_signals(catalogue)
        self.low = frozenset(str(a) for a in catalogue.extra.get("low_autonomy") or ())

    def keywords(self) -> Iterable[str] | None:
        return self.signals.keywords()

    def keywords_for(self, settings: Any) -> Iterable[str] | None:
        """Nothing to look for unless the system is declared low-autonomy (`check`'s first test):
        an HTTP call or a subprocess is in many files of any large code base."""
        return self.keywords() if self._declared_low(settings) else ()

    def _declared_low(self, settings: Any) -> bool:
        return declared(settings, "autonomy") in self.low

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        if not self._declared_low(ctx.settings):
            return
        for effect in driven_effects(ctx, self.signals):
            yield ctx.python_hit(effect.site.node, self._message(effect), scope=effect.site.scope, confidence=effect.confidence)

    @staticmethod
    def _message(effect: DrivenEffect) -> str:
        return (
            f"`{effect.site.display}()` {effect.what}, and {effect.how}; the system is declared autonomy = \"low\", but "
            f"Article 17(2)(1) requires that a person always makes the final choice and takes the actions. Mitigation: let a "
            f"person confirm first (a review function declared in `oversight-hooks`, a review queue, an agent approval step) "
            f"or declare the autonomy the system really has."
        )


__all__ = ["ModelDrivenEffect"]
