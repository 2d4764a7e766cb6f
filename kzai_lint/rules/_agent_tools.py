"""Agent frameworks that run effectful tools, or model-written code, without an approval step.

With an agent the model chooses which tool runs and with which arguments, so a tool that acts
(pays, sends, deletes, runs a shell) acts on the model's output. What an agent is, which ready-made
tools act and what counts as an approval step (LangGraph interrupts, AutoGen's `ALWAYS` human
input) is data in `catalogue/signals/autonomy.yaml`; the tools are read from the agent's `tools`
argument (a list, or a name bound to one), following `Tool(func=...)` wrappers to the project's
own functions, whose effect calls are then the places to report. Read-only agents (search,
retrieval) have no effectful tool and are not reported.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import libcst as cst

from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.analysis.scopes import dotted_name
from kzai_lint.catalogue import Catalogue, CatalogueError
from kzai_lint.model import Confidence
from kzai_lint.rules._call_arguments import arg_node, holds
from kzai_lint.rules._cst_nodes import bound_values, children
from kzai_lint.rules._runtime_signals import ArgRef, CallIndex, CallMatcher, EffectSink, call_matcher

_EMPTY = (None, False, (), [])
_RUNNER_KEYS = {"name", "tools", "runs_code", "when", "unless", "requires_kwargs", "approval_kwargs", "approval_calls", "approval_in_module"}


@dataclass(frozen=True, slots=True)
class AgentRunner:
    """A call that runs an LLM agent, and where its tools and approval switches are passed."""

    match: CallMatcher
    tools: ArgRef | None = None
    runs_code: str = ""
    when: Mapping[str, Any] | None = None
    unless: Mapping[str, Any] | None = None
    requires_kwargs: tuple[str, ...] = ()
    approval_kwargs: tuple[str, ...] = ()
    approval_calls: tuple[str, ...] = ()
    approval_in_module: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentSignals:
    """The catalogue's agent knowledge, indexed for call lookup once per catalogue."""

    runners: CallIndex[AgentRunner]
    tools: CallIndex[str]  # effectful ready-made tool -> what it does
    wrappers: CallIndex[ArgRef]  # tool wrapper -> the argument holding the function
    decorators: frozenset[str]
    runner_matchers: tuple[CallMatcher, ...]


@dataclass(frozen=True, slots=True)
class AgentEffect:
    """A call the model's choice sets off: an effect inside a tool, a tool, or a code-running agent."""

    site: CallSite
    what: str
    how: str
    confidence: Confidence


def _runner(where: str, e: Mapping[str, Any]) -> AgentRunner:
    if set(e) - _RUNNER_KEYS:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(set(e) - _RUNNER_KEYS)}")
    tools = e.get("tools")
    return AgentRunner(call_matcher(where, e), ArgRef(str(tools["arg"]), tools.get("position")) if tools else None,
                       str(e.get("runs_code", "")), e.get("when"), e.get("unless"), tuple(e.get("requires_kwargs") or ()),
                       tuple(e.get("approval_kwargs") or ()), tuple(e.get("approval_calls") or ()), tuple(e.get("approval_in_module") or ()))


def load_agent_signals(catalogue: Catalogue) -> AgentSignals:
    x = catalogue.extra
    runners = [_runner(f"agent_runners[{i}]", e) for i, e in enumerate(x.get("agent_runners") or ())]
    tools = [(call_matcher(f"effectful_tools[{i}]", e), str(e["what"])) for i, e in enumerate(x.get("effectful_tools") or ())]
    wrappers = [(call_matcher(f"tool_wrappers[{i}]", e), ArgRef(str(e["func"]["arg"]), e["func"].get("position")))
                for i, e in enumerate(x.get("tool_wrappers") or ())]
    return AgentSignals(CallIndex((r.match, r) for r in runners), CallIndex(tools), CallIndex(wrappers),
                        frozenset(str(d) for d in x.get("tool_decorators") or ()), tuple(r.match for r in runners))


class AgentTools:
    """The agents of one module and the effects their tools have."""

    def __init__(self, facts: PythonModule, signals: AgentSignals, roots: frozenset[str], effects: list[tuple[CallSite, EffectSink]]) -> None:
        self.facts, self.signals, self.roots = facts, signals, roots
        self.sites = {id(site.node): site for site in facts.calls}
        self.functions = {f.qualname: f for f in facts.functions}
        self.effects = effects

    @functools.cached_property
    def values(self) -> dict[str, cst.BaseExpression]:
        return bound_values(self.facts.module)

    def effects_on_model_choice(self) -> list[AgentEffect]:
        """Effects of unapproved agents' tools and code, and of decorated tool functions."""
        if not self._may_have_agents():
            return []
        out: dict[int, AgentEffect] = {}
        approved: set[str] = set()
        for site in self.facts.calls:
            for runner in self.signals.runners.lookup(site, self.roots):
                if self._approved(site, runner):
                    approved.update(self._tool_functions(site, runner))
                    continue
                for effect in self._runner_effects(site, runner):
                    out.setdefault(id(effect.site.node), effect)
        for effect in self._decorated_tool_effects(approved):
            out.setdefault(id(effect.site.node), effect)
        return list(out.values())

    def _may_have_agents(self) -> bool:
        """Cheap test first: most modules build no agent and decorate no function."""
        if any(f.decorators for f in self.facts.functions):
            return True
        return any(self.signals.runners.lookup(site, self.roots) for site in self.facts.calls)

    def _approved(self, site: CallSite, runner: AgentRunner) -> bool:
        if any(k in site.kwargs and site.kwargs[k] not in _EMPTY for k in runner.approval_kwargs):
            return True
        calls = (self.sites.get(id(n)) for arg in site.node.args for n in _calls_in(arg.value))
        if any(c is not None and _last(c) in runner.approval_calls for c in calls):
            return True
        wanted = set(runner.approval_in_module)
        return bool(wanted) and any(_last(c) in wanted or wanted & {k for k, v in c.kwargs.items() if v not in _EMPTY} for c in self.facts.calls)

    def _runner_effects(self, site: CallSite, runner: AgentRunner) -> Iterator[AgentEffect]:
        agent = f"`{site.display}()`"
        if runner.runs_code and all(holds(site, runner.when)) and not any(holds(site, runner.unless)) \
                and all(k in site.kwargs for k in runner.requires_kwargs):
            yield AgentEffect(site, runner.runs_code, "no person approves that code before it runs", Confidence.HIGH)
        for tool in self._tools(site, runner):
            if isinstance(tool, str):
                how = f"the agent {agent} runs `{tool}` as a tool on the model's choice without an approval step"
                yield from self._function_effects(tool, how, Confidence.HIGH)
            else:
                what = self.signals.tools.lookup(tool, self.roots)
                if what:
                    yield AgentEffect(tool, what[0], f"the agent {agent} runs it on the model's choice without an approval step", Confidence.HIGH)

    def _tool_functions(self, site: CallSite, runner: AgentRunner) -> Iterator[str]:
        return (t for t in self._tools(site, runner) if isinstance(t, str))

    def _tools(self, site: CallSite, runner: AgentRunner) -> Iterator[str | CallSite]:
        """The agent's tools: names of the module's functions, or ready-made tool constructor calls."""
        if runner.tools is None:
            return
        expr = arg_node(site, runner.tools)
        if isinstance(expr, cst.Name) and isinstance(self.values.get(expr.value), (cst.List, cst.Tuple)):
            expr = self.values[expr.value]
        for el in expr.elements if isinstance(expr, (cst.List, cst.Tuple)) else ():
            yield from self._tool(el.value, depth=0)

    def _tool(self, expr: cst.BaseExpression, depth: int) -> Iterator[str | CallSite]:
        if isinstance(expr, cst.Name) and expr.value in self.functions:
            yield expr.value
        elif isinstance(expr, cst.Name) and depth < 2 and expr.value in self.values:
            yield from self._tool(self.values[expr.value], depth + 1)
        elif isinstance(expr, cst.Call) and id(expr) in self.sites:
            site = self.sites[id(expr)]
            func = next((arg_node(site, ref) for ref in self.signals.wrappers.lookup(site, self.roots)), None)
            if func is not None and depth < 2:
                yield from self._tool(func, depth + 1)
            else:
                yield site

    def _function_effects(self, name: str, how: str, confidence: Confidence) -> Iterator[AgentEffect]:
        node = self.functions[name].node
        for site, sink in self.effects:
            if any(a is node for a in site.ancestors):
                yield AgentEffect(site, sink.what, how, confidence)

    def _decorated_tool_effects(self, approved: set[str]) -> Iterator[AgentEffect]:
        """Functions decorated as tools run on the model's choice even when the agent is built
        elsewhere; without that agent in view, medium confidence."""
        for info in self.facts.functions:
            if info.qualname in approved or not any(self._is_tool_decorator(d) for d in info.decorators):
                continue
            how = f"`{info.qualname}` is an agent tool, run on the model's choice (no agent with an approval step uses it here)"
            yield from self._function_effects(info.qualname, how, Confidence.MEDIUM)

    def _is_tool_decorator(self, deco: cst.Decorator) -> bool:
        expr = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
        site = self.sites.get(id(deco.decorator)) if isinstance(deco.decorator, cst.Call) else None
        qualname = site.qualname if site is not None else _resolved(expr, self.facts)
        return qualname in self.signals.decorators


def _last(site: CallSite) -> str:
    return site.display.rsplit(".", 1)[-1]


def _calls_in(expr: cst.CSTNode) -> Iterator[cst.Call]:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            yield node
        stack.extend(children(node))


def _resolved(expr: cst.BaseExpression, facts: PythonModule) -> str | None:
    """The qualified name of a decorator written as a name (`@tool`), from the module's imports."""
    dotted = "" if isinstance(expr, cst.Call) else dotted_name(expr)  # a decorator call is not a name
    if not dotted:
        return None
    head, _, rest = dotted.partition(".")
    imported = next((m for m in facts.imported_modules if m.rsplit(".", 1)[-1] == head and "." in m), None)
    base = imported or (head if head in facts.imported_modules else None)
    return None if base is None else f"{base}.{rest}" if rest else base


__all__ = ["AgentEffect", "AgentSignals", "AgentTools", "load_agent_signals"]
