"""Which values in a module are a model's output, and whether one of them drives a given call.

Article 17(2) asks who makes the final choice, so an effect only counts against a low-autonomy
declaration when the model's output decides it: the call sits in a branch or loop whose condition
uses the output, follows an early `continue`/`return` on it, or gets it as an argument. We answer
that inside one function (plus one level of same-module calls), from the libcst tree: prediction
calls come from `catalogue/signals/autonomy.yaml`, names assigned from them (directly or through
subscripts, arithmetic, comparisons, loops) carry the output, and evaluation metrics end it (an
F1 score is a number about the model, not a decision about a case).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import libcst as cst

from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.catalogue import Catalogue
from kzai_lint.rules._cst_nodes import SCOPES, innermost_scope, reference, target_names, value_children, walk
from kzai_lint.rules._runtime_signals import CallIndex, CallMatcher, call_matcher

_EXITS = ("Continue", "Return", "Break", "Raise")  # type names: see `_cst_nodes.SCOPES`


@dataclass(frozen=True)
class OutputSignals:
    """`model_output_calls`, `model_objects` and `output_sanitizers` of the catalogue."""

    calls: CallIndex[CallMatcher]
    objects: CallIndex[CallMatcher]
    sanitizers: CallIndex[CallMatcher]


def load_output_signals(catalogue: Catalogue) -> OutputSignals:
    x = catalogue.extra
    names = {key: [{"name": str(n)} for n in x.get(key) or ()] for key in ("model_objects", "output_sanitizers")}
    return OutputSignals(_index("model_output_calls", list(x.get("model_output_calls") or ())),
                         _index("model_objects", names["model_objects"]), _index("output_sanitizers", names["output_sanitizers"]))


def _index(key: str, entries: list[Any]) -> CallIndex[CallMatcher]:
    matchers = [call_matcher(f"{key}[{i}]", e) for i, e in enumerate(entries)]
    return CallIndex((m, m) for m in matchers)


class ModelOutputs:
    """The model output of one module; `driver(site)` says what output decides a call, if any."""

    def __init__(self, facts: PythonModule, signals: OutputSignals, roots: frozenset[str], *, ai_module: bool) -> None:
        self.facts = facts
        self.signals = signals
        self.roots = roots
        self.ai_module = ai_module
        self.sites = {id(site.node): site for site in facts.calls}
        self.objects = {name for site in facts.calls if signals.objects.lookup(site, roots) for name in _assigned_to(site)}
        self._taint: dict[int, set[str]] = {}
        self._params: dict[int, set[str]] = {}
        self._params = self._tainted_parameters()
        self._taint.clear()  # computed without the callers' output; recompute with it

    # ---- what is a prediction ----------------------------------------------------------------
    def is_prediction(self, site: CallSite) -> bool:
        found = self.signals.calls.lookup(site, self.roots)
        if any(not m.method or self.ai_module for m in found):
            return True
        func = site.node.func
        key = func.value if isinstance(func, cst.Name) else next(target_names(func), None) if isinstance(func, cst.Attribute) else None
        return key is not None and key in self.objects

    # ---- what carries it ---------------------------------------------------------------------
    def carrier(self, expr: cst.CSTNode, scope: cst.CSTNode | None) -> str | None:
        """The prediction call or output-carrying name inside `expr`, as written, or None."""
        names = self._names(scope)
        stack: list[cst.CSTNode] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call):
                site = self.sites.get(id(node))
                if site is not None and self.is_prediction(site):
                    return f"{site.display}()"
                if site is not None and self.signals.sanitizers.lookup(site, self.roots):
                    continue
            key = reference(node)
            if key is not None and key in names:
                return key
            stack.extend(value_children(node))
        return None

    def _names(self, scope: cst.CSTNode | None) -> set[str]:
        key = id(scope) if scope is not None else 0
        if key not in self._taint:
            self._taint[key] = set()  # recursion guard while the scope's own calls are looked at
            self._taint[key] = self._propagate(scope, set(self._params.get(key, ())))
        return self._taint[key]

    def _propagate(self, scope: cst.CSTNode | None, names: set[str]) -> set[str]:
        body = scope if scope is not None else self.facts.module
        bindings = [b for node in walk(body) for b in _bindings(node)]
        for _ in range(4):  # loops can carry a name back to an earlier statement
            self._taint[id(scope) if scope is not None else 0] = names
            grown = {t for targets, value in bindings if self.carrier(value, scope) for t in targets}
            if grown <= names:
                break
            names = names | grown
        return names

    def _tainted_parameters(self) -> dict[int, set[str]]:
        """One level across functions: `act(user, score)` called with model output taints `score`."""
        defs = {f.qualname: f.node for f in self.facts.functions if "." not in f.qualname}
        out: dict[int, set[str]] = {}
        for site in self.facts.calls:
            func = site.node.func
            target = defs.get(func.value) if isinstance(func, cst.Name) else None
            if target is None:
                continue
            scope = innermost_scope(site.ancestors)
            params = [p.name.value for p in target.params.params]
            for i, arg in enumerate(site.node.args):
                name = arg.keyword.value if arg.keyword is not None else (params[i] if i < len(params) and not arg.star else None)
                if name is not None and self.carrier(arg.value, scope):
                    out.setdefault(id(target), set()).add(name)
        return out

    # ---- what decides a call -----------------------------------------------------------------
    def driver(self, site: CallSite, *, arguments: bool = True) -> str | None:
        """How model output decides `site`: an argument (unless `arguments` is False: the call may
        only pass the output on), an enclosing condition or loop, or an early exit before it in an
        enclosing block; None when no output reaches it."""
        scope = innermost_scope(site.ancestors)
        for arg in site.node.args if arguments else ():
            found = self.carrier(arg.value, scope)
            if found:
                return f"its argument uses `{found}`"
        path = (*site.ancestors, site.node)
        for parent, child in reversed(list(zip(path, path[1:]))):
            if type(parent).__name__ in SCOPES:
                break
            found = self._deciding(parent, child, scope)
            if found:
                return found
        return None

    def _deciding(self, parent: cst.CSTNode, child: cst.CSTNode, scope: cst.CSTNode | None) -> str | None:
        test = None
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and child is not parent.test:
            test, how = parent.test, "the condition on"
        elif isinstance(parent, cst.For) and child is not parent.iter:
            test, how = parent.iter, "the loop over"
        elif isinstance(parent, cst.Match) and child is not parent.subject:
            test, how = parent.subject, "the match on"
        elif isinstance(parent, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)) and child is not parent.for_in:
            test, how = parent.for_in, "the loop over"
        if test is not None:
            found = self.carrier(test, scope)
            return f"{how} `{found}`" if found else None
        for stmt in _preceding(parent, child):
            if isinstance(stmt, cst.If) and _exits(stmt.body):
                found = self.carrier(stmt.test, scope)
                if found:
                    return f"an early exit on `{found}`"
        return None


def _assigned_to(site: CallSite) -> Iterator[str]:
    """Names the statement holding `site` assigns (`model = YOLO(...).to("cuda")` gives `model`)."""
    for node in reversed(site.ancestors):
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            yield from (name for t in targets for name in target_names(t))
            return
        if isinstance(node, (cst.BaseStatement, cst.BaseSmallStatement)):
            return


def _bindings(node: cst.CSTNode) -> Iterator[tuple[tuple[str, ...], cst.BaseExpression]]:
    if isinstance(node, cst.Assign):
        yield tuple(n for t in node.targets for n in target_names(t.target)), node.value
    elif isinstance(node, (cst.AnnAssign, cst.AugAssign)) and node.value is not None:
        yield tuple(target_names(node.target)), node.value
    elif isinstance(node, (cst.For, cst.CompFor)):
        yield tuple(target_names(node.target)), node.iter
    elif isinstance(node, cst.NamedExpr):
        yield tuple(target_names(node.target)), node.value
    elif isinstance(node, cst.WithItem) and node.asname is not None:
        yield tuple(target_names(node.asname.name)), node.item


def _preceding(parent: cst.CSTNode, child: cst.CSTNode) -> Iterator[cst.CSTNode]:
    body = parent.body if isinstance(parent, (cst.IndentedBlock, cst.Module)) else ()
    for stmt in body:
        if stmt is child:
            return
        yield stmt


def _exits(body: cst.BaseSuite) -> bool:
    last = body.body[-1] if body.body else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    return type(last).__name__ in _EXITS


__all__ = ["ModelOutputs", "OutputSignals", "load_output_signals"]
