"""17(3)(3): social scoring -- person-level scores from social behaviour, and their use."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import libcst as cst

from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.analysis.visitor import Visitor
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Severity
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._config_nodes import anchor_of, documents, list_items
from kzai_lint.rules._python_sites import NameSite, display, python_sites, subscript_strings
from kzai_lint.rules._vocabulary import ALL_KINDS, VocabularyRule, is_identifier_like, snake
from kzai_lint.sources.config_tree import ConfigDocument, ConfigNode


class _Mentions(Visitor):
    """Names and string keys an expression reads, with the object they belong to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (name, owner)

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append((node.value, ""))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.found.append((node.attr.value, display(node.value)))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.found.extend((key, display(node.value)) for key in subscript_strings(node))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.found.append((value, ""))


def mentions(node: cst.CSTNode | None) -> list[tuple[str, str]]:
    if node is None:
        return []
    collector = _Mentions()
    collector.walk(node)
    return collector.found


class _ScoringVocabulary(VocabularyRule):
    """Shared look-ups: is a name a social score, is its owner a person, is it a decision."""

    section = "social_scoring"

    def person_context(self, text: str) -> bool:
        """Ambiguous scores (trust, reputation) count for files about people, not machines."""
        lowered = text.lower()
        return len(self.lowered_regex("person_context", lowered).findall(lowered)) > len(self.lowered_regex("thing_context", lowered).findall(lowered))

    def score_term(self, name: Any, owner: str, people: bool) -> str | None:
        if not isinstance(name, str):
            return None
        term = self.terms("scores").find(name)
        if term is not None:
            return term
        term = self.terms("person_scores").find(name)
        if term is not None and people and not self.regex("thing_context").search(snake(owner)):
            return term
        return None

    def behaviour_events(self, items: Iterable[Any]) -> list[str] | None:
        """Behavioural events of a weight table, when enough of them and one is social."""
        events = [x for x in items if is_identifier_like(x) and x in self.terms("behaviour_events")]
        if len(set(events)) < int(self.data.get("behaviour_min", 3)):
            return None
        return events if any(x in self.terms("social_events") for x in events) else None


class SocialScore(_ScoringVocabulary):
    """Social scores of persons (citizen score, social credit, trustworthiness) and their use.

    ## What it finds
    - Where a person-level score is defined: functions, variables, data-frame columns or config
      targets named `citizen_score`, `social_score`, `social_credit`, `behaviour_score`,
      `good_citizen`, or -- in files about people rather than machines -- `trust_score`,
      `trustworthiness_score`, `reputation_score`; Russian `социальный рейтинг`, `рейтинг
      благонадёжности`, `балл доверия` in strings.
    - Where the score decides about people: assignments to `declined`, `restricted_*`,
      `*_priority`, `eligible`, `rank`, `tier` computed from the score, `if score < T:` branches
      that deny or restrict, and rankings (`.rank()`, `sort_values(score)`).

    Trust scores of nodes, hosts, devices and transactions, product or seller ratings, Elo and
    ML metrics (`f1_score`) are not social scores.

    ## Why it matters
    Article 17(3)(3) prohibits the "assessment and classification of individuals or groups of
    individuals over a certain period of time based on their social behavior or known, assumed
    or predicted personal characteristics, except in cases provided for by the laws". Unlike the
    EU AI Act it does not require the score to be used in an unrelated context.

    ## Mitigation
    Do not score people on social behaviour. If a law provides for the evaluation (for example a
    credit-bureau regime), declare it: `[[tool.kzai-lint.system.lawful-basis]]` with
    `clause = "17(3)(3)"`, `law = "..."` and a `scope`; findings in scope become `mitigated`.

    ## Suppression
    `# kzai: ignore[KZ303] <reason>` on the line.
    """

    meta = RuleMeta(id="KZ303/social-score", code="KZ303", kinds=ALL_KINDS, confidence=Confidence.MEDIUM, tags=("social-scoring",))
    INVALID = (
        Invalid("""
            import pandas as pd
            def compute_citizen_score(events: pd.DataFrame) -> pd.DataFrame:
                df = events.copy()
                df["citizen_score"] = 700 + events.sum(axis=1)
                return df
            """, line=2, count=1, note="definition only: one finding per function"),
        Invalid("""
            def shortlist(applicants, model, cutoff):
                scored = applicants.copy()
                scored["trustworthiness_score"] = model.predict(scored)
                scored["declined"] = scored["trustworthiness_score"] < cutoff
                return scored
            """, line=4, message="decides"),
        Invalid("""
            from scoring import score_of as rate
            def admit(resident):
                social_credit = rate(resident)
                if social_credit < 400:
                    deny_benefit(resident)
            """, line=4, message="decides"),
        Invalid(files={"configs/model.yaml": """
            target: trustworthiness_score
            features: [friends_avg_trust, flagged_posts_12m, complaints_against_user]
            reject_below: 0.35
            """}, line=1, finding_path="configs/model.yaml"),
        Invalid("""
            LABEL = "рейтинг благонадёжности жителя"
            """, line=1),
    )
    VALID = (
        Valid("""
            import pandas as pd
            def node_trust_scores(telemetry: pd.DataFrame) -> pd.DataFrame:
                per_node = telemetry.groupby("node_id").sum()
                per_node["trust_score"] = 1.0 - per_node["ecc_errors"] / 100
                per_node["quarantine"] = per_node["trust_score"] < 0.35
                return per_node
            """, note="machines, not people"),
        Valid("""
            from sklearn.metrics import f1_score
            def evaluate(y, p):
                return {"f1": f1_score(y, p), "elo_rating": 1500}
            """, note="ML metrics and Elo"),
        Valid("""
            def seller_reputation(sellers):
                sellers["reputation_score"] = sellers["avg_rating"] * sellers["orders"]
                return sellers.sort_values("reputation_score")
            """, note="seller and product ratings"),
    )

    # ---- Python ---------------------------------------------------------------------------
    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        people = self.person_context(ctx.text) or any(self.behaviour_events(c.items) for c in facts.collections)
        decisions = list(self._decisions(ctx, facts, people))
        seen = {h.span.line for h in decisions if h.span is not None}
        yield from decisions
        severity = None if decisions else Severity.WARNING
        for site, term in self._definitions(facts, people):
            hit = self.python_hit(ctx, site.node, f"{_KINDS.get(site.kind, 'Name')} `{site.name}` scores persons (`{term}`)", "social_score", scope=site.scope, severity=severity)
            if hit.span is not None and hit.span.line not in seen:
                seen.add(hit.span.line)
                yield hit
        for literal in facts.strings:
            if self.regex("phrases").search(literal.value):
                hit = self.python_hit(ctx, literal.node, "A string names a social rating of persons", "social_score", scope=literal.scope, severity=severity)
                if hit.span is not None and hit.span.line not in seen:
                    seen.add(hit.span.line)
                    yield hit

    def _definitions(self, facts: PythonModule, people: bool) -> Iterator[tuple[NameSite, str]]:
        """First definition of a score per function (a def named after it counts for its body)."""
        scopes: set[str] = set()
        for site in python_sites(facts).names:
            if site.kind not in ("class", "function", "target"):
                continue
            term = self.score_term(site.name, site.owner, people)
            scope = site.qualname if site.kind != "target" else site.scope
            if term is None or scope in scopes:
                continue
            scopes.add(scope)
            yield site, term

    def _decisions(self, ctx: FileContext, facts: PythonModule, people: bool) -> Iterator[Hit]:
        seen: set[int] = set()
        sites = python_sites(facts)
        for site in sites.names:
            if site.kind == "target" and self.terms("decisions").find(site.name) and not self.score_term(site.name, site.owner, people):
                term = self._score_in(site.value, people)
                if term is not None:
                    yield from _once(self._decision_hit(ctx, site.node, site.scope, term, f"`{site.name}`"), seen)
        for node, scope in sites.ifs:
            term = self._score_in(node.test, people)
            decision = next((w for w, _ in mentions(node.body) if self.terms("decisions").find(w)), None) if term else None
            if term is not None and decision is not None:
                yield from _once(self._decision_hit(ctx, node.test, scope, term, f"`{decision}`"), seen)
        rank_calls = set(self.data.get("rank_calls") or ())
        for call in facts.calls:
            if call.display.rsplit(".", 1)[-1] in rank_calls:
                term = self._score_in(call.node, people)
                if term is not None:
                    yield from _once(self._decision_hit(ctx, call.node, call.scope, term, "a ranking"), seen)

    def _score_in(self, node: cst.CSTNode | None, people: bool) -> str | None:
        return next((t for name, owner in mentions(node) if (t := self.score_term(name, owner, people))), None)

    def _decision_hit(self, ctx: FileContext, node: cst.CSTNode, scope: str, term: str, decision: str) -> Hit:
        what = f"The social score `{term}` decides {decision} about persons"
        return self.python_hit(ctx, node, what, "social_score", scope=scope, confidence=Confidence.HIGH)

    # ---- configs --------------------------------------------------------------------------
    def check_document(self, ctx: FileContext) -> Iterator[Hit]:
        seen: set[int] = set()
        for doc in documents(ctx):
            people = self.person_context(ctx.text) or any(self.behaviour_events(_values(n)) for n in doc.nodes)
            decides = any(isinstance(n.key, str) and self.terms("decisions").find(n.key) for n in doc.nodes)
            for node in doc.nodes:
                hit = self._config_hit(ctx, node, people, decides)
                if hit is not None and hit.span is not None and hit.span.line not in seen:
                    seen.add(hit.span.line)
                    yield hit

    def _config_hit(self, ctx: FileContext, node: ConfigNode, people: bool, decides: bool) -> Hit | None:
        severity = None if decides else Severity.WARNING
        for name, span in ((node.value, node.span), (node.key, node.key_span)):
            if span is None or not is_identifier_like(name):
                continue
            term = self.score_term(name, "", people)
            if term is not None:
                return self.span_hit(ctx, span, f"`{anchor_of(node.key_path)}` is the social score `{name}`", "social_score", anchor=anchor_of(node.key_path), severity=severity)
        if isinstance(node.value, str) and self.regex("phrases").search(node.value):
            return self.span_hit(ctx, node.span, f"`{anchor_of(node.key_path)}` names a social rating of persons", "social_score", anchor=anchor_of(node.key_path), severity=severity)
        return None


class BehaviourWeights(_ScoringVocabulary):
    """Weight tables over people's behavioural events (fines, complaints, posts, protests).

    ## What it finds
    A dict or config mapping from at least three behavioural events -- fines, complaints, late
    payments, flagged or social-media posts, protest attendance, group memberships, volunteer
    hours, donations … -- to numeric points or weights, at least one of them social behaviour.
    Such a table turns a person's conduct over time into a score.

    ## Why it matters
    Article 17(3)(3) prohibits evaluating and classifying natural persons over a period of time
    on the basis of their social behaviour; a points table over fines, posts and protests is the
    evaluation rule itself.

    ## Mitigation
    Remove social behaviour from person-level scoring. Where a law provides for such an
    evaluation, declare the lawful basis for 17(3)(3).

    ## Suppression
    `# kzai: ignore[KZ303] <reason>` on the line of the table.
    """

    keyword_key = "event_keywords"
    meta = RuleMeta(id="KZ303/behaviour-weights", code="KZ303", kinds=ALL_KINDS, confidence=Confidence.MEDIUM, severity=Severity.WARNING, tags=("social-scoring",))
    INVALID = (
        Invalid("""
            # Points per event over the trailing 12 months.
            BEHAVIOUR_WEIGHTS = {
                "late_utility_payments": -35,
                "traffic_fines": -20,
                "flagged_social_posts": -40,
                "unauthorised_protest_attendance": -80,
                "volunteer_hours": 2,
            }
            """, line=2),
        Invalid(files={"scoring.yaml": """
            points:
              noise_complaints: -15
              protest_attendance: -80
              blood_donations: 25
            """}, line=1, finding_path="scoring.yaml"),
    )
    VALID = (
        Valid("""
            WEIGHTS = {"ecc_errors": 3, "xid_events": 2, "nccl_timeouts": 5, "job_failures": 1}
            """, note="hardware events"),
        Valid("""
            FEATURES = ["late_payments", "debts", "income", "tenure"]
            """, note="credit features without social behaviour or weights"),
        Valid("""
            LOSS_WEIGHTS = {"flagged_samples": 2.0, "fine_tune": 0.5, "violations": 1.0}
            """, note="`fine` of fine-tuning is no traffic fine"),
    )

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """In Python a weight table needs one social event among its keys, and a key is a token
        of the file (`Terms` reads it so): `likes` or `fines` as a whole token, not only the word
        start `flagged` or `demonstration` that many docstrings hold."""
        needs = super().requirements_for(settings, kind)
        social = tuple(f"token:{term}" for term in self.data.get("social_events") or ())
        if needs is None or kind not in PYTHON_KINDS or not social:
            return needs
        return [alternative + (social,) for alternative in needs]

    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        for coll in facts.collections:
            if not (isinstance(coll.node, cst.Dict) and _numeric_values(coll.node)):
                continue
            events = self.behaviour_events(coll.items)
            if events:
                what = f"Weights {coll.name or ''} score persons on behavioural events ({', '.join(events[:5])})".replace("  ", " ")
                yield self.python_hit(ctx, coll.node, what, "social_score", scope=coll.scope)

    def check_document(self, ctx: FileContext) -> Iterator[Hit]:
        for doc in documents(ctx):
            for node in doc.nodes:
                value = node.value
                if not (isinstance(value, dict) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values())):
                    continue
                events = self.behaviour_events(list(value))
                if events:
                    span = node.key_span or _first_child_span(doc, node)
                    what = f"`{anchor_of(node.key_path) or 'weights'}` scores persons on behavioural events ({', '.join(events[:5])})"
                    yield self.span_hit(ctx, span, what, "social_score", anchor=anchor_of(node.key_path))


_KINDS = {"class": "Class", "function": "Function"}


def _numeric_values(node: cst.Dict) -> bool:
    values = [el.value for el in node.elements if isinstance(el, cst.DictElement)]
    return bool(values) and all(_is_number(v) for v in values)


def _is_number(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.UnaryOperation):
        return _is_number(expr.expression)
    return isinstance(expr, (cst.Integer, cst.Float))


def _values(node: ConfigNode) -> list[Any]:
    value = node.value
    if isinstance(value, dict):
        return list(value)
    return list(value) if isinstance(value, list) else []


def _first_child_span(doc: ConfigDocument, node: ConfigNode) -> Any:
    children = list_items(doc, node)
    return (children[0].key_span or children[0].span) if children else node.span


def _once(hit: Hit, seen: set[int]) -> Iterator[Hit]:
    line = hit.span.line if hit.span is not None else -1
    if line not in seen:
        seen.add(line)
        yield hit
