"""17(4) run-time public-network use (KZ402), and the run-time facts the repository rules need.

One pass over a module's resolved calls answers three questions from `catalogue/signals/
runtime.yaml`: does the code reach a public network at run time (reported when the system is
declared `local`, always recorded as a `network` fact for KZ405), does it train or load a model
(`ai_signal`, which gates the missing-declaration findings), and does it act on the world
(`effect`, with whether a declared oversight hook guards it, for KZ203/KZ204). Keeping the three
in one rule means one catalogue walk per file and one place that knows what "local" means.
"""
from __future__ import annotations

import fnmatch
import functools
import ipaddress
import itertools
import re
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, Iterator, Mapping, Sequence, TypeVar
from urllib.parse import urlsplit

import libcst as cst

from kzai_lint.analysis.python_module import MISSING, UNKNOWN, CallSite, PythonModule
from kzai_lint.catalogue import Catalogue, CatalogueError
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit, Severity
from kzai_lint.rule import Invalid, PythonRule, RuleMeta, Valid

_NETWORK_KEYS = {"name", "method", "kind", "role", "url_args", "receiver_url_args", "default_host", "id_arg", "any_id",
                 "missing_id", "when", "unless", "offline_env", "label_arg", "requires_import", "keyword"}
_EFFECT_KEYS = {"name", "method", "what", "sql_verbs", "requires_import", "keyword"}
T = TypeVar("T")
_KINDS = {"http", "hosted_api", "hub", "telemetry", "tunnel", "socket"}
_LOCAL_PATH = re.compile(r"^(/|\./|\.\./|~|[A-Za-z]:[\\/])")
_ENV_SUBSCRIPT = re.compile(r"environ\[\s*['\"](\w+)['\"]\s*\]\s*=\s*['\"]([^'\"]*)['\"]")
_FILE_NAME = re.compile(r"\.[A-Za-z]\w{0,11}$")
_ENV_CALLS = ("os.environ.setdefault", "os.putenv", "os.environ.__setitem__")


@dataclass(frozen=True, slots=True)
class ArgRef:
    arg: str
    position: int | None = None


@dataclass(frozen=True, slots=True)
class CallMatcher:
    """A resolved-name pattern (`*` = dotted parts, `{a,b}` alternatives) or a bare method name."""

    names: tuple[str, ...]
    method: str
    requires_import: str
    keyword: str
    patterns: tuple[re.Pattern[str], ...] = ()
    keyword_is_literal: bool = False

    def matches(self, site: CallSite, roots: frozenset[str]) -> bool:
        if self.requires_import and self.requires_import not in roots:
            return False
        if self.method:
            last = (site.qualname or site.display).rsplit(".", 1)[-1]
            return last == self.method
        return bool(site.qualname) and (site.qualname in self.names or any(rx.match(site.qualname or "") for rx in self.patterns))


class CallIndex(Generic[T]):
    """Catalogue entries by exact name and method name, so a call costs a dict look-up, not a scan."""

    def __init__(self, entries: Iterable[tuple[CallMatcher, T]]) -> None:
        self.exact: dict[str, list[tuple[int, CallMatcher, T]]] = {}
        self.methods: dict[str, list[tuple[int, CallMatcher, T]]] = {}
        self.patterns: list[tuple[int, CallMatcher, T]] = []
        for pos, (matcher, item) in enumerate(entries):
            entry = (pos, matcher, item)
            if matcher.method:
                self.methods.setdefault(matcher.method, []).append(entry)
            for name in matcher.names:
                self.exact.setdefault(name, []).append(entry)
            if matcher.patterns:
                self.patterns.append(entry)

    def lookup(self, site: CallSite, roots: frozenset[str]) -> list[T]:
        last = (site.qualname or site.display).rsplit(".", 1)[-1]
        candidates = [*self.exact.get(site.qualname or "", ()), *self.methods.get(last, ()), *self.patterns]
        return [item for _, matcher, item in sorted(candidates, key=lambda e: e[0]) if matcher.matches(site, roots)]


@dataclass(frozen=True, slots=True)
class NetworkSignal:
    match: CallMatcher
    kind: str
    role: str = "operation"
    url_args: tuple[ArgRef, ...] = ()
    receiver_url_args: tuple[str, ...] = ()
    default_host: str = ""
    id_arg: ArgRef | None = None
    any_id: bool = False
    missing_id: str = ""
    when: Mapping[str, Any] | None = None
    unless: Mapping[str, Any] | None = None
    offline_env: tuple[str, ...] = ()
    label_arg: ArgRef | None = None


@dataclass(frozen=True, slots=True)
class EffectSink:
    match: CallMatcher
    what: str
    sql_verbs: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LocalHosts:
    names: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    dotless_is_local: bool

    def is_local(self, host: str) -> bool:
        host = host.lower().rstrip(".").strip("[]")
        if host in self.names or host.endswith(self.suffixes):
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return self.dotless_is_local and "." not in host
        return any(address in net for net in self.networks if net.version == address.version)


@dataclass(frozen=True)
class RuntimeCatalogue:
    """`runtime.yaml`, validated into frozen values once per rule instance."""

    ai_modules: frozenset[str]
    model_loaders: tuple[CallMatcher, ...]
    network: tuple[NetworkSignal, ...]
    advice: Mapping[str, str]
    offline_env: Mapping[str, frozenset[str]]
    local_hosts: LocalHosts
    hub_id_exclude: re.Pattern[str]
    not_runtime_paths: tuple[str, ...]
    build_time_paths: tuple[str, ...]
    effects: tuple[EffectSink, ...]
    effect_autonomy: frozenset[str]

    @functools.cached_property
    def network_index(self) -> CallIndex[NetworkSignal]:
        return CallIndex((s.match, s) for s in self.network)

    @functools.cached_property
    def effect_index(self) -> CallIndex[EffectSink]:
        return CallIndex((s.match, s) for s in self.effects)

    @functools.cached_property
    def loader_index(self) -> CallIndex[str]:
        hub = [(s.match, "hub") for s in self.network if s.kind == "hub"]
        return CallIndex([*((m, "loader") for m in self.model_loaders), *hub])


def _expand(name: str) -> list[str]:
    parts = re.split(r"(\{[^}]*\})", name)
    choices = [p[1:-1].split(",") if p.startswith("{") else [p] for p in parts]
    return ["".join(c) for c in itertools.product(*choices)]


def _matcher(where: str, entry: Mapping[str, Any]) -> CallMatcher:
    name, method = str(entry.get("name", "")), str(entry.get("method", ""))
    if bool(name) == bool(method):
        raise CatalogueError(f"{where}: give exactly one of name or method")
    expanded = _expand(name) if name else []
    patterns = tuple(re.compile(re.escape(n).replace(r"\*", r"[\w.]+") + r"\Z") for n in expanded if "*" in n)
    needs = str(entry.get("requires_import", ""))
    root = name.split(".", 1)[0] if name else (needs or method)
    exact = tuple(n for n in expanded if "*" not in n)
    return CallMatcher(exact, method, needs, str(entry.get("keyword") or root), patterns, "keyword" in entry)


def _ref(value: Any) -> ArgRef | None:
    return None if value is None else ArgRef(str(value["arg"]), value.get("position"))


def _network(where: str, e: Mapping[str, Any]) -> NetworkSignal:
    unknown = set(e) - _NETWORK_KEYS
    if unknown or e.get("kind") not in _KINDS or e.get("role", "operation") not in ("operation", "constructor"):
        raise CatalogueError(f"{where}: unknown key(s) {sorted(unknown)}, kind {e.get('kind')!r} or role {e.get('role')!r}")
    return NetworkSignal(
        _matcher(where, e), str(e["kind"]), str(e.get("role", "operation")),
        tuple(ArgRef(str(r["arg"]), r.get("position")) for r in e.get("url_args") or ()),
        tuple(e.get("receiver_url_args") or ()), str(e.get("default_host", "")), _ref(e.get("id_arg")),
        bool(e.get("any_id")), str(e.get("missing_id", "")), e.get("when"), e.get("unless"),
        tuple(e.get("offline_env") or ()), _ref(e.get("label_arg")),
    )


def _effect(where: str, e: Mapping[str, Any]) -> EffectSink:
    if set(e) - _EFFECT_KEYS:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(set(e) - _EFFECT_KEYS)}")
    return EffectSink(_matcher(where, e), str(e["what"]), frozenset(str(v).lower() for v in e.get("sql_verbs") or ()))


def load_runtime(catalogue: Catalogue) -> RuntimeCatalogue:
    x = catalogue.extra
    hosts = x.get("local_hosts") or {}
    return RuntimeCatalogue(
        ai_modules=frozenset(str(m) for m in x.get("ai_modules") or ()),
        model_loaders=tuple(_matcher("model_loader_calls", {"name": n}) for n in x.get("model_loader_calls") or ()),
        network=tuple(_network(f"network_calls[{i}]", e) for i, e in enumerate(x.get("network_calls") or ())),
        advice=dict(x.get("network_advice") or {}),
        offline_env={k: frozenset(str(v).lower() for v in vals) for k, vals in (x.get("offline_env") or {}).items()},
        local_hosts=LocalHosts(
            frozenset(hosts.get("names") or ()), tuple(hosts.get("suffixes") or ()),
            tuple(ipaddress.ip_network(n) for n in hosts.get("networks") or ()), bool(hosts.get("dotless_is_local")),
        ),
        hub_id_exclude=re.compile(str(x.get("hub_id_exclude", "(?!x)x")), re.IGNORECASE),
        not_runtime_paths=tuple(x.get("not_runtime_paths") or ()),
        build_time_paths=tuple(x.get("build_time_paths") or ()),
        effects=tuple(_effect(f"effect_sinks[{i}]", e) for i, e in enumerate(x.get("effect_sinks") or ())),
        effect_autonomy=frozenset(str(a) for a in x.get("effect_sink_autonomy") or ()),
    )


# ---- values of arguments ------------------------------------------------------------------------
def module_constants(module: cst.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` constants, for URLs built in f-strings or by concatenation."""
    out: dict[str, str] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                value = _static_text(small.value, out)
                if value is not None:
                    out[small.targets[0].target.value] = value
    return out


def _static_text(node: cst.BaseExpression, consts: Mapping[str, str]) -> str | None:
    """The literal text, or the leading literal part, of a string expression."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Name):
        return consts.get(node.value)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _static_text(node.left, consts)
    if isinstance(node, cst.FormattedString):
        text = ""
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text += part.value
            elif isinstance(part.expression, cst.Name) and part.expression.value in consts:
                text += consts[part.expression.value]
            else:
                break
        return text or None
    return None


def _arg_node(site: CallSite, ref: ArgRef) -> cst.BaseExpression | None:
    positional = [a for a in site.node.args if a.keyword is None and not a.star]
    for a in site.node.args:
        if a.keyword is not None and a.keyword.value == ref.arg:
            return a.value
    if ref.position is not None and ref.position < len(positional):
        return positional[ref.position].value
    return None


def argument(site: CallSite, ref: ArgRef, consts: Mapping[str, str]) -> Any:
    """Literal value of an argument, the leading text of a built string, UNKNOWN or MISSING."""
    value = site.argument(ref.arg, ref.position)
    if value is UNKNOWN:
        node = _arg_node(site, ref)
        if isinstance(node, cst.Call) and node.args and node.args[0].keyword is None:
            node = node.args[0].value  # urlopen(Request(URL)), get(urljoin(BASE, path))
        text = _static_text(node, consts) if node is not None else None
        return text if text else UNKNOWN
    return value


def host_of(value: Any, bare: bool) -> str | None:
    """The host of a URL (or, for sockets, of `host:port` / `(host, port)`)."""
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return value[0] or None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "://" not in text and not bare:
        return None
    try:
        return urlsplit(text if "://" in text else "//" + text).hostname
    except ValueError:
        return None


def _holds(site: CallSite, conditions: Mapping[str, Any] | None) -> Iterator[bool]:
    for key, want in (conditions or {}).items():
        value = site.kwargs.get(key, MISSING)
        wants = want if isinstance(want, list) else [want]
        yield value is not MISSING and value is not UNKNOWN and (value in wants or str(value).lower() in [str(w).lower() for w in wants])


@dataclass(frozen=True, slots=True)
class Egress:
    """One call site that reaches a public network; `host` None when not known statically."""

    site: CallSite
    signal: NetworkSignal
    host: str | None
    detail: str
    confidence: Confidence


@dataclass
class ModuleView:
    """What the network judgement needs to know about one module besides the call itself."""

    facts: PythonModule
    runtime: RuntimeCatalogue
    allowed: tuple[str, ...]
    consts: dict[str, str]
    offline: frozenset[str]
    roots: frozenset[str]

    def is_private(self, host: str, url: str) -> bool:
        return self.runtime.local_hosts.is_local(host) or is_allowed(host, url, self.allowed)


def is_allowed(host: str, url: str, allowed: Sequence[str]) -> bool:
    """`allowed-endpoints` entries: URLs (same host, path prefix), hosts, or `*.suffix` patterns."""
    host = host.lower()
    for entry in allowed:
        e = str(entry).strip().lower()
        if "://" in e:
            parts = urlsplit(e)
            prefix = parts.path.rstrip("/")
            if parts.hostname == host and (not prefix or urlsplit(url.lower()).path.startswith(prefix)):
                return True
        elif host == e or (e.startswith(("*.", ".")) and host.endswith(e.lstrip("*"))):
            return True
    return False


def offline_switches(facts: PythonModule, text: str, runtime: RuntimeCatalogue) -> frozenset[str]:
    """Environment switches (HF_HUB_OFFLINE, ...) set to an offline value in this module."""
    found: set[str] = set()
    pairs = [(m[1], m[2]) for m in _ENV_SUBSCRIPT.finditer(text)]
    for site in facts.calls:
        if site.qualname in _ENV_CALLS and len(site.args) >= 2:
            pairs.append((site.args[0], site.args[1]))
        elif site.qualname == "os.environ.update":
            mapping = site.args[0] if site.args and isinstance(site.args[0], dict) else site.kwargs
            pairs.extend(mapping.items())
    for name, value in pairs:
        if isinstance(name, str) and str(value).lower() in runtime.offline_env.get(name, ()):
            found.add(name)
    return frozenset(found)


def judge(site: CallSite, signal: NetworkSignal, view: ModuleView) -> Egress | None:
    """Whether this call reaches a public network at run time, and where."""
    if not all(_holds(site, signal.when)) or any(_holds(site, signal.unless)):
        return None
    if any(name in view.offline for name in signal.offline_env):
        return None
    if signal.id_arg is not None:
        return _judge_id(site, signal, view)
    return _judge_url(site, signal, view)


def _judge_id(site: CallSite, signal: NetworkSignal, view: ModuleView) -> Egress | None:
    assert signal.id_arg is not None
    value = argument(site, signal.id_arg, view.consts)
    host = signal.default_host
    if value is MISSING:
        return Egress(site, signal, host, f"downloads {signal.missing_id} from {host}", Confidence.MEDIUM) if signal.missing_id else None
    if not isinstance(value, str) or not value.strip() or _LOCAL_PATH.match(value.strip()):
        return None
    text = value.strip()
    url_host = host_of(text, bare=False)
    if url_host is not None:
        return None if view.is_private(url_host, text) else Egress(site, signal, url_host, f"downloads {text!r}", Confidence.HIGH)
    text = text.removeprefix("hf-hub:").removeprefix("hf_hub:")
    confidence = _hub_id_confidence(text, signal.any_id, view.runtime.hub_id_exclude)
    if confidence is None or view.is_private(host, f"https://{host}/{text}"):
        return None
    return Egress(site, signal, host, f"downloads {text!r} from {host}", confidence)


def _hub_id_confidence(text: str, any_id: bool, exclude: re.Pattern[str]) -> Confidence | None:
    """`org/name` is a hub id; a bare name counts when it looks like one (`bert-base-uncased`,
    `gpt2`), not like a folder (`outputs`, `checkpoint-500`) or a file (`clf.joblib`)."""
    if "\\" in text or text.count("/") > 1 or text.endswith("/") or _FILE_NAME.search(text):
        return None
    if "/" in text or any_id:
        return Confidence.HIGH
    if exclude.match(text) or not re.search(r"[-\d]", text):
        return None
    return Confidence.MEDIUM


def _judge_url(site: CallSite, signal: NetworkSignal, view: ModuleView) -> Egress | None:
    bare = signal.kind == "socket"
    unknown = False
    for ref in signal.url_args:
        value = argument(site, ref, view.consts)
        if value is MISSING:
            continue
        if value is UNKNOWN:
            unknown = True
            continue
        host = host_of(value, bare) or _receiver_host(site, signal, view)
        if host is not None:
            url = value if isinstance(value, str) and "://" in value else f"https://{host}/"
            return None if view.is_private(host, url) else Egress(site, signal, host, f"reaches {host}", Confidence.HIGH)
    host = _receiver_host(site, signal, view)
    if host is not None:
        return None if view.is_private(host, f"https://{host}/") else Egress(site, signal, host, f"reaches {host}", Confidence.HIGH)
    if unknown:
        return Egress(site, signal, None, "reaches a host that is not a literal (check where it points)", Confidence.LOW)
    if signal.default_host and not view.is_private(signal.default_host, f"https://{signal.default_host}/"):
        return Egress(site, signal, signal.default_host, f"reaches {signal.default_host}", Confidence.HIGH)
    return None


def _receiver_host(site: CallSite, signal: NetworkSignal, view: ModuleView) -> str | None:
    ctor = site.receiver.ctor if site.receiver is not None else None
    for key in signal.receiver_url_args if ctor is not None else ():
        host = host_of(ctor.kwargs.get(key), bare=False)
        if host is not None:
            return host
    return None


def egresses(view: ModuleView) -> list[Egress]:
    """Public-network call sites of a module; a constructor only when no call on its object is."""
    index = view.runtime.network_index
    matched = [(site, sig) for site in view.facts.calls for sig in index.lookup(site, view.roots)]
    operations = {site.qualname for site, sig in matched if sig.role == "operation" and site.qualname}
    out: list[Egress] = []
    seen: set[int] = set()
    for site, sig in matched:
        if id(site.node) in seen:
            continue
        if sig.role == "constructor" and site.qualname and any(op.startswith(site.qualname + ".") for op in operations):
            continue
        found = judge(site, sig, view)
        if found is not None:
            seen.add(id(site.node))
            out.append(found)
    return out


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
    mirrors in `allowed-endpoints`, or declare the mode the system really has.

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
        # Roots such as `fer`, `feat` or `google` are prefixes of common words, so a module counts
        # only where it is imported or used (`import fer`, `from fer`, `fer.`), a method where called.
        roots = {m.split(".", 1)[0] for m in self.runtime.ai_modules}
        matchers = [s.match for s in (*self.runtime.network, *self.runtime.effects)] + list(self.runtime.model_loaders)
        words = {m.keyword for m in matchers if m.keyword_is_literal}
        words.update(f"{m.method}(" for m in matchers if m.method and not m.requires_import)
        roots.update(m.keyword for m in matchers if not m.keyword_is_literal and not (m.method and not m.requires_import))
        for root in roots:
            words.update((f"import {root}", f"from {root}", f"{root}."))
        return {w.lower() for w in words}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        if fnmatch_any(ctx.path, self.runtime.not_runtime_paths):
            return
        facts = ctx.python.facts
        roots = frozenset(m.split(".", 1)[0] for m in facts.imported_modules)
        system = getattr(ctx.settings, "system", None) or {}
        self._record_ai(ctx, facts, roots)
        if str(system.get("autonomy", "")).strip().lower() in self.runtime.effect_autonomy:
            self._record_effects(ctx, facts, roots)
        allowed = system.get("allowed-endpoints") or ()
        view = ModuleView(facts, self.runtime, tuple(allowed) if isinstance(allowed, (list, tuple)) else (str(allowed),),
                          module_constants(facts.module), offline_switches(facts, ctx.python.text, self.runtime), roots)
        local = str(system.get("mode", "")).strip().lower() == "local"
        build_time = fnmatch_any(ctx.path, self.runtime.build_time_paths)
        for egress in egresses(view):
            if egress.host is None and not local:
                continue
            hit = self._hit(ctx, egress, build_time)
            line = hit.span.line if hit.span else None
            if egress.host is not None:
                ctx.add_fact("network", f"{egress.site.display}()", line, egress.host)
            if local:
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
        for site in facts.calls:
            if self.runtime.loader_index.lookup(site, roots):
                ctx.add_fact("ai_signal", f"model loaded by {site.display}()", None)

    def _record_effects(self, ctx: FileContext, facts: PythonModule, roots: frozenset[str]) -> None:
        index = self.runtime.effect_index
        sinks = [(site, sink) for site in facts.calls for sink in index.lookup(site, roots) if _sql_ok(site, sink)]
        if not sinks:
            return
        guarded = _guard_finder(ctx)
        assert ctx.python is not None
        for site, sink in {id(s.node): (s, k) for s, k in sinks}.values():
            span = ctx.python.span(site.node)
            ctx.add_fact("effect", f"{site.display}() {sink.what}", span.line if span else None, guarded(site))


def _imports(facts: PythonModule, dotted: str) -> bool:
    return any(m == dotted or m.startswith(dotted + ".") for m in facts.imported_modules)


def fnmatch_any(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def _import_line(text: str, root: str) -> int | None:
    found = re.search(rf"^[ \t]*(?:import|from)[ \t]+{re.escape(root)}\b", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _sql_ok(site: CallSite, sink: EffectSink) -> bool:
    """Sinks with SQL verbs count only for a literal statement that changes records."""
    if not sink.sql_verbs:
        return True
    sql = site.args[0] if site.args else site.kwargs.get("statement", site.kwargs.get("sql"))
    words = sql.split(None, 1) if isinstance(sql, str) else []
    return bool(words) and words[0].lower() in sink.sql_verbs


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
