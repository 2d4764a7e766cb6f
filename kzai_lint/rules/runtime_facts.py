"""17(4) run-time public-network use (KZ402), and the run-time facts the repository rules need.

One pass over a module's resolved calls answers three questions from `catalogue/signals/
runtime.yaml`: does the code reach a public network at run time (reported when the system is
declared `local`, always recorded as a `network` fact for KZ405), does it train or load a model
(`ai_signal`, which gates the missing-declaration findings), and does it act on the world
(`effect`, with whether a declared oversight hook guards it, for KZ203/KZ204). Keeping the three
in one rule means one catalogue walk per file and one place that knows what "local" means.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator, Mapping

from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Severity
from kzai_lint.rule import Invalid, PythonRule, RuleMeta, Valid
from kzai_lint.rules._call_arguments import argument, host_of, module_constants
from kzai_lint.rules._declaration_view import declared
from kzai_lint.rules._network_egress import Egress, ModuleView, egresses, offline_switches
from kzai_lint.rules._runtime_signals import effect_sites, fnmatch_any, load_runtime, matcher_keywords, model_loads


class PublicNetworkAtRuntime(PythonRule):
    """Run-time calls to public networks and hubs in a system declared `local`.

    ## What it finds
    When `[tool.kzai-lint.system] mode = "local"`, every call site that reaches a public host at
    run time: HTTP clients (`requests`, `httpx`, `urllib`, `aiohttp`) to a non-private URL, hosted
    model APIs (`openai.OpenAI()`, `anthropic.Anthropic()`, Gemini, Cohere, Mistral, Replicate,
    `boto3.client(...)`), hub downloads (`from_pretrained("org/model")`, `pipeline(model=...)`,
    `SentenceTransformer`, `hf_hub_download`, `load_dataset`, `torch.hub.load`,
    `timm.create_model(pretrained=True)`), telemetry (`wandb.init()`) and public tunnels
    (`launch(share=True)`). Loopback, private ranges (10/8, 172.16/12, 192.168/16), `*.internal`,
    `*.local`, `*.corp`, `*.lan` hosts and `allowed-endpoints` are not public; a hub loader with
    `local_files_only=True`, a local directory path, or `HF_HUB_OFFLINE=1` /
    `TRANSFORMERS_OFFLINE=1` set in the same module is offline. Test files are not run time;
    `scripts/download_*.py` are build time (information only). URLs are read from literals,
    module constants, f-strings and concatenations; a host that is not a literal is a
    low-confidence warning.

    ## Why it matters
    Article 17(4) defines a local system as one trained and operated inside the owner's own ICT
    infrastructure "without connection to public telecommunication networks"; restricted data is
    meant for such systems. A single hub download or hosted API call breaks the declaration.

    ## Mitigation
    Serve models inside your infrastructure (an OpenAI-compatible server on an internal host,
    weights copied in at build time and loaded with `local_files_only=True`), list internal
    mirrors in `allowed-endpoints`, or declare the mode the system really has. A hub download
    whose offline switch (`HF_HUB_OFFLINE=1`, `TRANSFORMERS_OFFLINE=1`) the deployment sets, in
    a Dockerfile `ENV`, a compose `environment:`, a Kubernetes `env:` entry or a `.env` file in
    the project folder or its `deploy/`, `docker/`, `k8s/`, `helm/`... folders, is reported as
    mitigated, with that line as the reason.

    ## Suppression
    `# kzai: ignore[KZ402] <reason>` on the call, e.g. for a code path disabled in production.
    """

    meta = RuleMeta(id="KZ402/public-network", code="KZ402", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH)
    LOCAL = '[tool.kzai-lint.system]\nrisk = "high"\nautonomy = "low"\nmode = "local"\n'
    INVALID = (
        Invalid("""
            import requests
            OCR = "https://api.ocr-cloud.io/v1/recognize"
            def ocr(img):
                return requests.post(OCR, files={"image": img}).json()
            """, config=LOCAL, line=4, message="api.ocr-cloud.io"),
        Invalid("""
            from openai import OpenAI as Client
            client = Client()
            """, config=LOCAL, line=2, message="api.openai.com", note="aliased import, default host"),
        Invalid("""
            from transformers import AutoModel
            MODEL_ID = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
            model = AutoModel.from_pretrained(MODEL_ID).eval()
            """, config=LOCAL, line=3, message="huggingface.co"),
        Invalid("""
            import httpx
            BASE = "https://translate.example.com"
            def tr(text):
                return httpx.post(f"{BASE}/v2/translate", json={"q": text})
            """, config=LOCAL, line=4, message="translate.example.com", note="f-string on a module constant"),
    )
    VALID = (
        Valid("""
            import os
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from transformers import AutoModel
            model = AutoModel.from_pretrained("intfloat/multilingual-e5-base")
            """, config=LOCAL, note="offline switch set in the module"),
        Valid("""
            from transformers import AutoModel
            model = AutoModel.from_pretrained("intfloat/multilingual-e5-base")
            """, config=LOCAL, files={"Dockerfile": "FROM python:3.11-slim\nCOPY models/ /root/.cache/huggingface/\nENV HF_HUB_OFFLINE=1\n"},
              note="offline switch set in the deployment: mitigated, with the Dockerfile line as the reason"),
        Valid("""
            import requests
            from openai import OpenAI
            from transformers import AutoTokenizer
            llm = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="none")
            requests.get("http://10.0.3.7:8080/health")
            tok = AutoTokenizer.from_pretrained("/srv/models/clf", local_files_only=True)
            """, config=LOCAL, note="loopback, private range and local directory"),
        Valid("""
            import requests
            requests.get("https://mlflow.corp.example.kz/api/2.0/runs")
            """, config=LOCAL + 'allowed-endpoints = ["https://mlflow.corp.example.kz"]\n', note="allow-listed endpoint"),
        Valid("""
            import openai
            client = openai.OpenAI()
            """, config='[tool.kzai-lint.system]\nmode = "closed"\n', note="only local systems must stay off public networks"),
    )

    def __init__(self, catalogue: Catalogue, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(catalogue, options)
        self.runtime = load_runtime(catalogue)

    def keywords(self) -> Iterable[str] | None:
        matchers = [s.match for s in (*self.runtime.network, *self.runtime.effects)] + list(self.runtime.model_loaders)
        return matcher_keywords(matchers, self.runtime.ai_modules)

    def keywords_for(self, settings: Any) -> Iterable[str] | None:
        """Network calls matter only for a system declared `local`, effects only for the declared
        autonomy classes that need them; otherwise almost every ML file (`import torch`) would be
        parsed for nothing. AI evidence for missing declarations comes from cheap import facts."""
        matchers = []
        if declared(settings, "mode") == "local":
            matchers += [s.match for s in self.runtime.network] + list(self.runtime.model_loaders)
        if declared(settings, "autonomy") in self.runtime.effect_autonomy:
            matchers += [s.match for s in self.runtime.effects]
        return matcher_keywords(matchers)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        if fnmatch_any(ctx.path, self.runtime.not_runtime_paths):
            return
        facts = ctx.python.facts
        roots = frozenset(m.split(".", 1)[0] for m in facts.imported_modules)
        system = getattr(ctx.settings, "system", None) or {}
        self._record_ai(ctx, facts, roots)
        if declared(ctx.settings, "autonomy") in self.runtime.effect_autonomy:
            self._record_effects(ctx, facts, roots)
        index = self.runtime.network_index
        if not any(index.lookup(site, roots) for site in facts.calls):
            return  # no network client called: the module's constants and switches are not needed
        allowed = system.get("allowed-endpoints") or ()
        view = ModuleView(facts, self.runtime, tuple(allowed) if isinstance(allowed, (list, tuple)) else (str(allowed),),
                          module_constants(facts.module), offline_switches(facts, ctx.python.text, self.runtime), roots)
        local = declared(ctx.settings, "mode") == "local"
        build_time = fnmatch_any(ctx.path, self.runtime.build_time_paths)
        for egress in egresses(view):
            if egress.host is None and not local:
                continue
            hit = self._hit(ctx, egress, build_time)
            line = hit.span.line if hit.span else None
            if egress.host is not None:
                ctx.add_fact("network", f"{egress.site.display}()", line, egress.host)
            if local:
                if egress.signal.offline_env and line is not None:
                    # which switches would keep it offline: set in the deployment, they mitigate it
                    ctx.add_fact("offline_switches", line, ",".join(egress.signal.offline_env))
                yield hit

    def _hit(self, ctx: FileContext, egress: Egress, build_time: bool) -> Hit:
        sig = egress.signal
        label = argument(egress.site, sig.label_arg, {}) if sig.label_arg is not None else None
        call = f"{egress.site.display}({label!r})" if isinstance(label, str) else f"{egress.site.display}()"
        when = "at build time" if build_time else "at run time"
        message = (
            f"{call} {egress.detail} {when}, but the system is declared mode = \"local\"; Article 17(4) requires a "
            f"local system to run without connection to public telecommunication networks. "
            f"Mitigation: {self.runtime.advice.get(sig.kind, 'keep the call inside your own infrastructure')}."
        )
        severity = Severity.INFO if build_time else (Severity.WARNING if egress.host is None else None)
        return ctx.python_hit(egress.site.node, message, scope=egress.site.scope, confidence=egress.confidence, severity=severity)

    def _record_ai(self, ctx: FileContext, facts: PythonModule, roots: frozenset[str]) -> None:
        text = ctx.python.text if ctx.python is not None else ctx.text
        found = sorted(m for m in self.runtime.ai_modules if m in roots or ("." in m and _imports(facts, m)))
        for module in found:
            ctx.add_fact("ai_signal", f"imports {module}", _import_line(text, module.split(".", 1)[0]))
        for site in model_loads(self.runtime, facts.calls, roots):
            ctx.add_fact("ai_signal", f"model loaded by {site.display}()", None)

    def _record_effects(self, ctx: FileContext, facts: PythonModule, roots: frozenset[str]) -> None:
        sinks = effect_sites(self.runtime, facts.calls, roots)
        if not sinks:
            return
        guarded = _guard_finder(ctx)
        assert ctx.python is not None
        for site, sink in sinks:
            span = ctx.python.span(site.node)
            ctx.add_fact("effect", f"{site.display}() {sink.what}", span.line if span else None, guarded(site))


def _imports(facts: PythonModule, dotted: str) -> bool:
    return any(m == dotted or m.startswith(dotted + ".") for m in facts.imported_modules)


def _import_line(text: str, root: str) -> int | None:
    found = re.search(rf"^[ \t]*(?:import|from)[ \t]+{re.escape(root)}\b", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _guard_finder(ctx: FileContext) -> Callable[[CallSite], bool]:
    """Whether a declared oversight hook dominates a call (clause map 7), via `mitigation`."""
    raw = getattr(ctx.settings, "oversight_hooks", ()) or ()
    if not raw or ctx.python is None:
        return lambda site: False
    from kzai_lint import mitigation

    try:
        hooks = mitigation.parse_hook_specs(list(raw), "oversight")
    except ValueError:
        return lambda site: False
    source = ctx.python
    same_cell = (lambda a, b: source.cell_of(a) == source.cell_of(b)) if source.line_map is not None else None
    return lambda site: mitigation.find_guard(site, source.facts, hooks, kind="oversight", purpose=None, same_cell=same_cell) is not None


__all__ = ["PublicNetworkAtRuntime", "fnmatch_any", "host_of", "load_runtime"]
