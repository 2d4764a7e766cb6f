"""Effects a model's output sets off in one module: the shared evidence of KZ203 and KZ205.

An effect sink (`effect_sinks` in runtime.yaml) counts when model output decides it (`_model_output`)
or when an agent runs it as a tool on the model's choice (`_agent_tools`). A sink that may only
pass data on (`hand_off`: an HTTP POST to a spell checker, a queue message, a stored score) counts
only when the output decides whether it runs, not when the output is merely its payload. A sink whose literal
destination is a review queue or a moderators' channel hands the proposal to a person, and test
files are not run time; neither is an effect here. CI jobs and schedulers that act on a timer or a
metric carry no per-case model output, so they never reach this list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.model import Confidence
from kzai_lint.rules._agent_tools import AgentSignals, AgentTools, load_agent_signals
from kzai_lint.rules._call_arguments import argument, module_constants
from kzai_lint.rules._model_output import ModelOutputs, OutputSignals, load_output_signals
from kzai_lint.rules._runtime_signals import ArgRef, RuntimeCatalogue, effect_sites, fnmatch_any, load_runtime, matcher_keywords


@dataclass(frozen=True, slots=True)
class DrivenEffect:
    """An effect call and how the model's output decides it; `decides` names a decision about a
    person (credit, hiring, ...) or is empty."""

    site: CallSite
    what: str
    how: str
    decides: str
    confidence: Confidence


@dataclass(frozen=True)
class EffectSignals:
    """Everything that makes a model-driven effect: sinks, outputs, agents, and human-review words."""

    runtime: RuntimeCatalogue
    outputs: OutputSignals
    agents: AgentSignals
    human: re.Pattern[str]

    def keywords(self) -> set[str]:
        """A module must name an effect sink, an agent or a tool decorator to be worth analysing."""
        matchers = [s.match for s in self.runtime.effects] + list(self.agents.runner_matchers)
        return matcher_keywords(matchers, self.agents.decorators)


def load_effect_signals(catalogue: Catalogue) -> EffectSignals:
    human = str(catalogue.extra.get("human_destinations") or "(?!x)x")
    return EffectSignals(load_runtime(catalogue), load_output_signals(catalogue), load_agent_signals(catalogue), regex_cache.compile(human))


def driven_effects(ctx: FileContext, signals: EffectSignals) -> list[DrivenEffect]:
    """Effects in `ctx`'s module that model output or an agent's choice sets off, in call order."""
    if ctx.python is None or fnmatch_any(ctx.path, signals.runtime.not_runtime_paths):
        return []
    facts = ctx.python.facts
    roots = frozenset(m.split(".", 1)[0] for m in facts.imported_modules)
    sinks = effect_sites(signals.runtime, facts.calls, roots)
    if sinks:  # the module's constants only for a sink's destination
        consts = module_constants(facts.module)
        sinks = [(s, k) for s, k in sinks if not _to_a_person(s, signals.human, consts)]
    decides = {id(s.node): k.decides for s, k in sinks}
    found: dict[int, DrivenEffect] = {}
    for e in AgentTools(facts, signals.agents, roots, sinks).effects_on_model_choice():
        found[id(e.site.node)] = DrivenEffect(e.site, e.what, e.how, decides.get(id(e.site.node), ""), e.confidence)
    if sinks:
        outputs = ModelOutputs(facts, signals.outputs, roots, ai_module=_is_ai_module(facts, roots, signals.runtime))
        for site, sink in sinks:
            driver = None if id(site.node) in found else outputs.driver(site, arguments=not sink.hand_off)
            if driver:
                found[id(site.node)] = DrivenEffect(site, sink.what, f"model output decides it ({driver})", sink.decides, Confidence.HIGH)
    order = {id(s.node): i for i, s in enumerate(facts.calls)}
    return sorted(found.values(), key=lambda e: order.get(id(e.site.node), 0))


def _to_a_person(site: CallSite, human: re.Pattern[str], consts: dict[str, str]) -> bool:
    """The sink's literal destination is a review queue or a channel people read."""
    refs = [ArgRef("", i) for i in range(len(site.args))] + [ArgRef(k) for k in site.kwargs]
    return any(isinstance(v, str) and human.search(v) for v in (argument(site, r, consts) for r in refs))


def _is_ai_module(facts: PythonModule, roots: frozenset[str], runtime: RuntimeCatalogue) -> bool:
    """Imports an AI library or loads a model: only then do method names such as `predict` count."""
    if roots & {m.split(".", 1)[0] for m in runtime.ai_modules}:
        return True
    return any(runtime.loader_index.lookup(site, roots) for site in facts.calls)


__all__ = ["DrivenEffect", "EffectSignals", "driven_effects", "load_effect_signals"]
