"""Guard analysis (clause map §7): which hook placements mitigate a sink call, table-driven.

Each case is a small module, the declared hooks, and the expected `Guard.how` (None = the sink
stays open). The sink is the call whose display ends with `sink`.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import libcst as cst
import pytest

from kzai_lint.analysis.python_module import CallSite
from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.analysis.python_module import analyse
from kzai_lint.mitigation import Guard
from kzai_lint.mitigation import HookSpec
from kzai_lint.mitigation import find_guard
from kzai_lint.mitigation import lookalike_guard
from kzai_lint.mitigation import parse_hook_specs

HAS = "pkg.privacy.has_consent"
REQUIRE = {"name": "pkg.privacy.require_consent", "raises": True}
SCOPE = "pkg.privacy.consent_scope"
DECO = {"name": "pkg.privacy.requires_consent", "decorator": True}
EMOTION_ONLY = {"name": HAS, "purposes": ["emotion_recognition"]}
APPROVED = "pkg.review.human_approved"

IMPORTS = """\
from deepface import DeepFace
from pkg.privacy import consent_scope, has_consent, require_consent, requires_consent
from pkg.review import human_approved
"""


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    expected: str | None
    hooks: tuple[Any, ...] = (HAS,)
    oversight: tuple[Any, ...] = ()
    kind: str = "consent"
    purpose: str | None = None
    confidence: str = "high"
    sink: str = "DeepFace.analyze"
    same_cell: bool | None = None
    imports: bool = True


CASES = [
    # ---- the sink inside a guarded construct
    Case("if", """
        def f(u, img):
            if has_consent(u, "emotion"):
                return DeepFace.analyze(img)
        """, "if"),
    Case("if-and", """
        def f(u, img):
            if has_consent(u) and img is not None:
                DeepFace.analyze(img)
        """, "if"),
    Case("if-is-true", """
        def f(u, img):
            if has_consent(u) is True:
                DeepFace.analyze(img)
        """, "if"),
    Case("elif", """
        def f(u, img):
            if img is None:
                return None
            elif has_consent(u):
                return DeepFace.analyze(img)
        """, "if"),
    Case("elif-after-hook-if", """
        def f(u, img):
            if has_consent(u):
                pass
            elif img:
                DeepFace.analyze(img)
        """, None),
    Case("while", """
        def f(u, frames):
            while has_consent(u):
                DeepFace.analyze(next(frames))
        """, "while"),
    Case("inverted-if-body", """
        def f(u, img):
            if not has_consent(u):
                DeepFace.analyze(img)
        """, None),
    Case("else-branch", """
        def f(u, img):
            if has_consent(u):
                pass
            else:
                DeepFace.analyze(img)
        """, None),
    Case("else-of-inverted", """
        def f(u, img):
            if not has_consent(u):
                print("no")
            else:
                DeepFace.analyze(img)
        """, "if"),
    Case("if-or", """
        def f(u, img, debug):
            if has_consent(u) or debug:
                DeepFace.analyze(img)
        """, None),
    Case("with", """
        def f(u, imgs):
            with consent_scope(u, "emotion"):
                for img in imgs:
                    DeepFace.analyze(img)
        """, "with", hooks=(SCOPE,)),
    Case("ternary", """
        def f(u, img):
            return DeepFace.analyze(img) if has_consent(u) else None
        """, "if"),
    Case("short-circuit-and", """
        def f(u, img):
            return has_consent(u) and DeepFace.analyze(img)
        """, "if"),
    Case("comprehension-if", """
        def f(pairs):
            return [DeepFace.analyze(i) for u, i in pairs if has_consent(u)]
        """, "if"),
    Case("await-in-test", """
        async def f(u, img):
            if await has_consent(u):
                DeepFace.analyze(img)
        """, "if"),
    Case("walrus-in-test", """
        def f(u, img):
            if (ok := has_consent(u)):
                DeepFace.analyze(img)
        """, "if"),
    # ---- an earlier statement exits without consent
    Case("early-return", """
        def f(u, img):
            if not has_consent(u, "emotion"):
                return None
            img = img.copy()
            return DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-raise", """
        def f(u, img):
            if not has_consent(u):
                log("refused")
                raise PermissionError(u)
            DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-is-false", """
        def f(u, img):
            if has_consent(u) is False:
                raise PermissionError(u)
            DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-eq-false", """
        def f(u, img):
            if has_consent(u) == False:  # noqa: E712
                return
            DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-continue", """
        def f(pairs):
            for u, img in pairs:
                if not has_consent(u):
                    continue
                DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-break", """
        def f(u, cam):
            while True:
                img = cam.read()
                if not has_consent(u):
                    break
                DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-if-else-exits", """
        def f(u, img):
            if has_consent(u):
                print("ok")
            else:
                return None
            DeepFace.analyze(img)
        """, "early-exit"),
    Case("early-body-falls-through", """
        def f(u, img):
            if not has_consent(u):
                print("no consent")
            DeepFace.analyze(img)
        """, None),
    Case("outer-block-then-loop", """
        def f(u, frames):
            if not has_consent(u):
                return []
            out = []
            for img in frames:
                if img is not None:
                    out.append(DeepFace.analyze(img))
            return out
        """, "early-exit"),
    Case("module-level-sys-exit", """
        import sys
        if not has_consent(USER):
            sys.exit(1)
        DeepFace.analyze(IMG)
        """, "early-exit"),
    Case("raising-call", """
        def f(u, img):
            require_consent(u, purpose="emotion")
            return DeepFace.analyze(img)
        """, "raising-call", hooks=(REQUIRE,)),
    Case("raising-call-assigned", """
        def f(u, img):
            token = require_consent(u)
            return DeepFace.analyze(img)
        """, "raising-call", hooks=(REQUIRE,)),
    Case("non-raising-statement", """
        def f(u, img):
            has_consent(u)
            return DeepFace.analyze(img)
        """, None),
    Case("assert", """
        def f(u, img):
            assert has_consent(u), "no consent"
            return DeepFace.analyze(img)
        """, "assert"),
    # ---- decorators
    Case("decorator-bare", """
        from pkg.privacy import consent_required

        @consent_required
        def f(u, img):
            return DeepFace.analyze(img)
        """, "decorator", hooks=("pkg.privacy.consent_required",)),
    Case("decorator-args", """
        @requires_consent("emotion")
        def f(u, img):
            return DeepFace.analyze(img)
        """, "decorator", hooks=(DECO,)),
    Case("decorator-on-class-method", """
        class Mood:
            @requires_consent(purpose="emotion")
            def read(self, u, img):
                return DeepFace.analyze(img)
        """, "decorator", hooks=(DECO,)),
    Case("decorator-wrong-purpose", """
        @requires_consent("marketing")
        def f(u, img):
            return DeepFace.analyze(img)
        """, None, hooks=({**DECO, "purposes": ["emotion"]},)),
    Case("decorator-disallowed", """
        @has_consent
        def f(u, img):
            return DeepFace.analyze(img)
        """, None, hooks=({"name": HAS, "decorator": False},)),
    Case("decorator-only-hook-in-if", """
        def f(u, img):
            if requires_consent("emotion"):
                return DeepFace.analyze(img)
        """, None, hooks=(DECO,)),
    # ---- purpose binding
    Case("wrong-purpose-literal", """
        def f(u, img):
            if has_consent(u, purpose="marketing"):
                DeepFace.analyze(img)
        """, None, hooks=(EMOTION_ONLY,)),
    Case("purpose-prefix-matches", """
        def f(u, img):
            if has_consent(u, "Emotion"):
                DeepFace.analyze(img)
        """, "if", hooks=(EMOTION_ONLY,)),
    Case("purpose-not-literal", """
        def f(u, img, p):
            if has_consent(u, p):
                DeepFace.analyze(img)
        """, "if", hooks=(EMOTION_ONLY,)),
    Case("sink-purpose-binds-undeclared", """
        def f(u, img):
            if has_consent(u, "marketing"):
                DeepFace.analyze(img)
        """, None, purpose="emotion"),
    Case("sink-purpose-matches", """
        def f(u, img):
            if has_consent(u, "emotion_recognition"):
                DeepFace.analyze(img)
        """, "if", purpose="emotion"),
    # ---- placement that does not dominate
    Case("guard-after-call", """
        def f(u, img):
            r = DeepFace.analyze(img)
            if not has_consent(u):
                return None
            return r
        """, None),
    Case("guard-in-other-function", """
        def check(u):
            if not has_consent(u):
                raise PermissionError(u)

        def analyse_face(img):
            return DeepFace.analyze(img)
        """, None),
    Case("guard-inside-for-loop", """
        def f(users, img):
            for u in users:
                if not has_consent(u):
                    return None
            return DeepFace.analyze(img)
        """, None),
    Case("raising-call-inside-for-loop", """
        def f(users, img):
            for u in users:
                require_consent(u)
            return DeepFace.analyze(img)
        """, None, hooks=(REQUIRE,)),
    Case("dead-if-false", """
        def f(u, img):
            if False:
                require_consent(u)
            return DeepFace.analyze(img)
        """, None, hooks=(REQUIRE,)),
    Case("dead-early-exit-under-if-false", """
        def f(u, img):
            if False:
                if not has_consent(u):
                    return None
            return DeepFace.analyze(img)
        """, None),
    Case("dead-after-return", """
        def f(u, img):
            if img is None:
                return None
                require_consent(u)
            return DeepFace.analyze(img)
        """, None, hooks=(REQUIRE,)),
    Case("exit-under-if-false-not-an-exit", """
        def f(u, img):
            if not has_consent(u):
                if False:
                    return None
            return DeepFace.analyze(img)
        """, None),
    # ---- try blocks
    Case("raising-call-inside-try", """
        def f(u, img):
            try:
                require_consent(u)
                result = DeepFace.analyze(img)
            except PermissionError:
                result = None
            return result
        """, "raising-call", hooks=(REQUIRE,)),
    Case("try-swallows-refusal", """
        def f(u, img):
            try:
                require_consent(u)
            except PermissionError:
                pass
            return DeepFace.analyze(img)
        """, None, hooks=(REQUIRE,)),
    Case("try-handler-returns", """
        def f(u, img):
            try:
                require_consent(u)
            except PermissionError:
                return None
            return DeepFace.analyze(img)
        """, "raising-call", hooks=(REQUIRE,)),
    Case("try-else", """
        def f(u, img):
            try:
                require_consent(u)
            except PermissionError:
                log("refused")
            else:
                return DeepFace.analyze(img)
        """, "raising-call", hooks=(REQUIRE,)),
    Case("sink-in-except-handler", """
        def f(u, img):
            try:
                require_consent(u)
            except PermissionError:
                return DeepFace.analyze(img)
        """, None, hooks=(REQUIRE,)),
    # ---- names bound to a hook result
    Case("assigned-then-if", """
        def f(u, img):
            ok = has_consent(u, "emotion")
            if ok:
                return DeepFace.analyze(img)
        """, "if"),
    Case("assigned-then-early-exit", """
        def f(u, img):
            ok = has_consent(u)
            if not ok:
                return None
            return DeepFace.analyze(img)
        """, "early-exit"),
    Case("assigned-only", """
        def f(u, img):
            tagged = has_consent(u, "emotion")
            if tagged:
                log.info("consent on file")
            result = DeepFace.analyze(img)
            return {"user": u if tagged else None, "r": result}
        """, None),
    Case("assigned-then-overwritten", """
        def f(u, img):
            ok = has_consent(u)
            ok = True
            if ok:
                return DeepFace.analyze(img)
        """, None),
    Case("parameter-same-name", """
        def f(u, img, ok):
            if ok:
                return DeepFace.analyze(img)
        """, None),
    # ---- nested functions and lambdas
    Case("lambda-under-outer-guard", """
        def f(u, imgs):
            if has_consent(u):
                return list(map(lambda img: DeepFace.analyze(img), imgs))
        """, None),
    Case("guard-inside-lambda", """
        def f(imgs):
            return map(lambda u, img: DeepFace.analyze(img) if has_consent(u) else None, imgs)
        """, "if"),
    Case("nested-def-under-outer-guard", """
        def f(u, imgs):
            if not has_consent(u):
                return None

            def one(img):
                return DeepFace.analyze(img)

            return [one(i) for i in imgs]
        """, None),
    Case("guard-inside-nested-def", """
        def f(imgs):
            def one(u, img):
                if not has_consent(u):
                    return None
                return DeepFace.analyze(img)

            return [one(u, i) for u, i in imgs]
        """, "early-exit"),
    Case("decorated-outer-covers-nested", """
        @requires_consent("emotion")
        def f(u, imgs):
            def one(img):
                return DeepFace.analyze(img)
            return [one(i) for i in imgs]
        """, "decorator", hooks=(DECO,)),
    # ---- one level across functions
    Case("helper-called-only-under-guard", """
        def _emotion(img):
            return DeepFace.analyze(img)

        def handle(u, img):
            if has_consent(u, "emotion"):
                return _emotion(img)
            return None

        def batch(u, imgs):
            if not has_consent(u):
                return []
            return [_emotion(i) for i in imgs]
        """, "caller", confidence="medium"),
    Case("helper-also-called-unguarded", """
        def _emotion(img):
            return DeepFace.analyze(img)

        def handle(u, img):
            if has_consent(u):
                return _emotion(img)

        def preview(img):
            return _emotion(img)
        """, None),
    Case("helper-never-called", """
        def _emotion(img):
            return DeepFace.analyze(img)
        """, None),
    Case("helper-escapes-as-callback", """
        def _emotion(img):
            return DeepFace.analyze(img)

        def handle(u, img, pool):
            if has_consent(u):
                pool.submit(_emotion, img)
                return _emotion(img)
        """, None),
    Case("helper-with-registering-decorator", """
        @app.route("/mood")
        def _emotion(img):
            return DeepFace.analyze(img)

        def handle(u, img):
            if has_consent(u):
                return _emotion(img)
        """, None),
    Case("method-helper-called-via-self-under-guard", """
        class Mood:
            def _read(self, img):
                return DeepFace.analyze(img)

            def run(self, u, img):
                if not has_consent(u):
                    raise PermissionError(u)
                return self._read(img)
        """, "caller", confidence="medium"),
    Case("method-helper-called-on-unknown-receiver", """
        class Mood:
            def _read(self, img):
                return DeepFace.analyze(img)

            def run(self, u, img):
                if has_consent(u):
                    return self._read(img)

        def elsewhere(obj, img):
            return obj._read(img)
        """, None),
    # ---- how the hook is imported
    Case("method-self-hook-alias", """
        from deepface import DeepFace
        from pkg.privacy import has_consent as consented

        class MoodEstimator:
            def __init__(self, backend):
                self.backend = backend

            def read(self, u, img):
                if consented(u, "emotion"):
                    return DeepFace.analyze(img, detector_backend=self.backend)
                return None
        """, "if", imports=False),
    Case("import-module-as", """
        import pkg.privacy as priv
        from deepface import DeepFace

        def f(u, img):
            if priv.has_consent(u):
                return DeepFace.analyze(img)
        """, "if", imports=False),
    Case("method-on-imported-module", """
        from deepface import DeepFace
        from pkg import privacy

        def f(u, img):
            if privacy.has_consent(u, "emotion"):
                return DeepFace.analyze(img)
        """, "if", imports=False),
    Case("src-prefix", """
        from deepface import DeepFace
        from src.pkg.privacy import has_consent

        def f(u, img):
            if has_consent(u):
                return DeepFace.analyze(img)
        """, "if", imports=False),
    Case("module-from-other-root", """
        from deepface import DeepFace
        from privacy import has_consent

        def f(u, img):
            if has_consent(u):
                return DeepFace.analyze(img)
        """, "if", imports=False),
    Case("same-name-other-module", """
        from deepface import DeepFace
        from other.lib import has_consent

        def f(u, img):
            if has_consent(u):
                return DeepFace.analyze(img)
        """, None, imports=False),
    # ---- several hooks and kinds
    Case("multiple-hooks-second-used", """
        from pkg.privacy import consent_given

        def f(u, img):
            if consent_given(u):
                return DeepFace.analyze(img)
        """, "if", hooks=(HAS, "pkg.privacy.consent_given")),
    Case("oversight-hook-not-consent", """
        def f(decision):
            if human_approved(decision):
                return bank.decide(decision)
        """, None, hooks=(HAS,), oversight=(APPROVED,), sink="bank.decide"),
    Case("oversight-kind", """
        def f(decision):
            if human_approved(decision):
                return bank.decide(decision)
        """, "if", hooks=(HAS,), oversight=(APPROVED,), kind="oversight", sink="bank.decide"),
    Case("consent-hook-not-oversight", """
        def f(u, decision):
            if has_consent(u):
                return bank.decide(decision)
        """, None, kind="oversight", oversight=(APPROVED,), sink="bank.decide"),
    # ---- notebooks
    Case("notebook-other-cell", """
        if not has_consent(USER):
            raise SystemExit
        DeepFace.analyze(IMG)
        """, None, same_cell=False),
    Case("notebook-same-cell", """
        if not has_consent(USER):
            raise SystemExit
        DeepFace.analyze(IMG)
        """, "early-exit", same_cell=True),
]


def build(source: str, imports: bool = True) -> PythonModule:
    text = (IMPORTS if imports else "") + textwrap.dedent(source).lstrip("\n")
    return analyse(cst.parse_module(text), "pkg.mod", text=text)


def sink_of(module: PythonModule, name: str) -> CallSite:
    return next(c for c in module.calls if c.display.endswith(name))


def specs(case: Case) -> list[HookSpec]:
    return parse_hook_specs(list(case.hooks), "consent") + parse_hook_specs(list(case.oversight), "oversight")


def run(case: Case) -> Guard | None:
    module = build(case.source, case.imports)
    same_cell = None if case.same_cell is None else (lambda guard, sink: bool(case.same_cell))
    return find_guard(
        sink_of(module, case.sink), module, specs(case), kind=case.kind, purpose=case.purpose, same_cell=same_cell
    )


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_guard(case: Case) -> None:
    guard = run(case)
    assert (guard.how if guard else None) == case.expected
    if guard is not None:
        assert guard.confidence == case.confidence
        assert guard.hook in {h if isinstance(h, str) else h["name"] for h in (*case.hooks, *case.oversight)}


def test_guard_points_at_the_hook_call() -> None:
    module = build("""
        def f(u, img):
            if has_consent(u):
                return DeepFace.analyze(img)
        """)
    guard = find_guard(sink_of(module, "DeepFace.analyze"), module, specs(Case("x", "", None)), kind="consent")
    assert guard is not None and isinstance(guard.line_node, cst.Call)
    assert module.module.code_for_node(guard.line_node) == "has_consent(u)"


def test_caller_guard_points_at_the_callers_hook() -> None:
    case = next(c for c in CASES if c.id == "helper-called-only-under-guard")
    module = build(case.source)
    guard = find_guard(sink_of(module, case.sink), module, specs(case), kind="consent")
    assert guard is not None and guard.how == "caller"
    assert module.module.code_for_node(guard.line_node) == 'has_consent(u, "emotion")'


def test_same_cell_gets_guard_and_sink_nodes() -> None:
    seen: list[tuple[cst.CSTNode, cst.CSTNode]] = []
    module = build("""
        if not has_consent(USER):
            raise SystemExit
        DeepFace.analyze(IMG)
        """)
    sink = sink_of(module, "DeepFace.analyze")

    def same_cell(guard: cst.CSTNode, target: cst.CSTNode) -> bool:
        seen.append((guard, target))
        return True

    assert find_guard(sink, module, [HookSpec(HAS, "consent")], kind="consent", same_cell=same_cell) is not None
    assert seen and seen[0][1] is sink.node


# ---- look-alike hooks -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("""
        from deepface import DeepFace
        from vibe.privacy import has_consent

        def f(u, img):
            if has_consent(u, "emotion"):
                return DeepFace.analyze(img)
        """, "vibe.privacy.has_consent"),
        ("""
        from deepface import DeepFace

        def f(u, img, svc):
            if not svc.user_approved(u):
                return None
            return DeepFace.analyze(img)
        """, "svc.user_approved"),
        ("""
        from deepface import DeepFace

        def f(u, img, reviews):
            require_human_review(u)
            return DeepFace.analyze(img)
        """, "require_human_review"),
        ("""
        from deepface import DeepFace

        def f(u, img, reviews):
            log_review(u)
            return DeepFace.analyze(img)
        """, None),
        ("""
        from deepface import DeepFace
        from store import consent

        def f(u, img):
            tagged = consent.has_consent(u, "emotion")
            if tagged:
                print("ok")
            return DeepFace.analyze(img)
        """, None),
        ("""
        from deepface import DeepFace

        def f(u, img):
            if is_ready(u):
                return DeepFace.analyze(img)
        """, None),
    ],
    ids=["if-undeclared", "unresolved-method", "raising-verb", "non-raising-statement", "assigned-only", "unrelated"],
)
def test_lookalike(source: str, expected: str | None) -> None:
    module = build(source, imports=False)
    assert lookalike_guard(sink_of(module, "DeepFace.analyze"), module) == expected


# ---- declarations -----------------------------------------------------------------------------
def test_parse_hook_specs_strings_and_tables() -> None:
    value = [
        "app.privacy.has_consent",
        {"name": "app.privacy.require_consent", "raises": True, "purposes": ["emotion_recognition"]},
        {"name": "app.privacy.requires_consent", "decorator": True},
    ]
    assert parse_hook_specs(value, "consent") == [
        HookSpec("app.privacy.has_consent", "consent"),
        HookSpec("app.privacy.require_consent", "consent", raises=True, purposes=("emotion_recognition",)),
        HookSpec("app.privacy.requires_consent", "consent", decorator=True),
    ]
    assert parse_hook_specs(None, "oversight") == []
    assert parse_hook_specs([], "oversight") == []


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        ("app.privacy.has_consent", "consent", "must be a list"),
        ([42], "consent", "consent-hooks[0]: expected a hook name or a table"),
        (["has_consent"], "consent", "must be fully qualified"),
        (["app.privacy.has-consent"], "consent", "not a dotted Python name"),
        ([""], "consent", "non-empty string"),
        ([{"raises": True}], "oversight", "oversight-hooks[0]: missing 'name'"),
        ([{"name": "a.b", "purpose": ["x"]}], "consent", "unknown key 'purpose'"),
        ([{"name": "a.b", "raises": "yes"}], "consent", "'raises' must be true or false"),
        ([{"name": "a.b", "decorator": 1}], "consent", "'decorator' must be true or false"),
        ([{"name": "a.b", "purposes": "emotion"}], "consent", "'purposes' must be a list"),
        (["a.b"], "lawful_basis", "unknown hook kind"),
    ],
)
def test_parse_hook_specs_rejects(value: Any, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_hook_specs(value, kind)
