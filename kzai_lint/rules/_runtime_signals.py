"""The run-time catalogue (`catalogue/signals/runtime.yaml`) validated into call matchers.

Network calls, model loaders and effect sinks are all "a resolved call name or a method name,
maybe only where a module is imported", so they share one matcher and one index. Validation
happens once per rule instance and rejects unknown keys, so a typo in the catalogue fails in the
tests rather than silently matching nothing. Read by KZ402 (`runtime_facts`) and by the 17(2)
rules that need to know when code acts on the world (`autonomous_effects`, `person_decisions`).
"""
from __future__ import annotations

import fnmatch
import functools
import ipaddress
import itertools
import re
from dataclasses import dataclass
from typing import Any, Generic, Iterable, Mapping, Sequence, TypeVar

from kzai_lint import regex_cache
from kzai_lint.analysis.python_module import CallSite
from kzai_lint.catalogue import Catalogue, CatalogueError

_NETWORK_KEYS = {"name", "method", "kind", "role", "url_args", "receiver_url_args", "default_host", "id_arg", "any_id",
                 "missing_id", "when", "unless", "offline_env", "label_arg", "requires_import", "keyword"}
_EFFECT_KEYS = {"name", "method", "what", "sql_verbs", "requires_import", "keyword", "decides", "hand_off"}
T = TypeVar("T")
_KINDS = {"http", "hosted_api", "hub", "telemetry", "tunnel", "socket"}


@dataclass(frozen=True, slots=True)
class ArgRef:
    """Where a call takes a value: by keyword, or by position when passed positionally."""

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
        return self.matches_name(site)

    def matches_name(self, site: CallSite) -> bool:
        """The part of `matches` that depends on the call alone, not on the file's imports."""
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
        self._by_name: dict[tuple[str | None, str], list[tuple[str, T]]] = {}  # by (resolved name, display)

    def lookup(self, site: CallSite, roots: frozenset[str]) -> list[T]:
        """Matching entries in catalogue order. Which entries a name matches depends only on the
        resolved and the method name, which recur across calls and files: kept, and only the
        import condition is checked per call."""
        key = (site.qualname, site.display)  # the method name is the last part of either
        named = self._by_name.get(key)
        if named is None:
            if len(self._by_name) > 20_000:
                self._by_name.clear()
            last = (site.qualname or site.display).rsplit(".", 1)[-1]
            candidates = [*self.exact.get(site.qualname or "", ()), *self.methods.get(last, ()), *self.patterns]
            named = self._by_name[key] = [(m.requires_import, item) for _, m, item in sorted(candidates, key=lambda e: e[0]) if m.matches_name(site)]
        if not named:  # most calls: nothing in this index
            return []
        return [item for needs, item in named if not needs or needs in roots]


@dataclass(frozen=True, slots=True)
class NetworkSignal:
    """A call that reaches the network (a hub download, an API client), with where its URL or id is."""

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
    """A call that acts on the world; `decides` names the kind of decision about a person it
    carries out (credit, hiring, benefits, admission, moderation), empty for other effects;
    `hand_off` marks calls that may only pass data on (an HTTP query, a queue message)."""

    match: CallMatcher
    what: str
    sql_verbs: frozenset[str] = frozenset()
    decides: str = ""
    hand_off: bool = False


@dataclass(frozen=True, slots=True)
class LocalHosts:
    """Hosts that count as local (loopback, private networks, named services), so local mode is not flagged."""

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


def call_matcher(where: str, entry: Mapping[str, Any]) -> CallMatcher:
    """A matcher from a catalogue entry's `name` or `method`, `requires_import` and `keyword`."""
    name, method = str(entry.get("name", "")), str(entry.get("method", ""))
    if bool(name) == bool(method):
        raise CatalogueError(f"{where}: give exactly one of name or method")
    expanded = _expand(name) if name else []
    patterns = tuple(regex_cache.compile(re.escape(n).replace(r"\*", r"[\w.]+") + r"\Z") for n in expanded if "*" in n)
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
        call_matcher(where, e), str(e["kind"]), str(e.get("role", "operation")),
        tuple(ArgRef(str(r["arg"]), r.get("position")) for r in e.get("url_args") or ()),
        tuple(e.get("receiver_url_args") or ()), str(e.get("default_host", "")), _ref(e.get("id_arg")),
        bool(e.get("any_id")), str(e.get("missing_id", "")), e.get("when"), e.get("unless"),
        tuple(e.get("offline_env") or ()), _ref(e.get("label_arg")),
    )


def _effect(where: str, e: Mapping[str, Any]) -> EffectSink:
    if set(e) - _EFFECT_KEYS:
        raise CatalogueError(f"{where}: unknown key(s) {sorted(set(e) - _EFFECT_KEYS)}")
    verbs = frozenset(str(v).lower() for v in e.get("sql_verbs") or ())
    return EffectSink(call_matcher(where, e), str(e["what"]), verbs, str(e.get("decides", "")), bool(e.get("hand_off")))


def load_runtime(catalogue: Catalogue) -> RuntimeCatalogue:
    x = catalogue.extra
    hosts = x.get("local_hosts") or {}
    return RuntimeCatalogue(
        ai_modules=frozenset(str(m) for m in x.get("ai_modules") or ()),
        model_loaders=tuple(call_matcher("model_loader_calls", {"name": n}) for n in x.get("model_loader_calls") or ()),
        network=tuple(_network(f"network_calls[{i}]", e) for i, e in enumerate(x.get("network_calls") or ())),
        advice=dict(x.get("network_advice") or {}),
        offline_env={k: frozenset(str(v).lower() for v in vals) for k, vals in (x.get("offline_env") or {}).items()},
        local_hosts=LocalHosts(
            frozenset(hosts.get("names") or ()), tuple(hosts.get("suffixes") or ()),
            tuple(ipaddress.ip_network(n) for n in hosts.get("networks") or ()), bool(hosts.get("dotless_is_local")),
        ),
        hub_id_exclude=regex_cache.compile(str(x.get("hub_id_exclude", "(?!x)x")), re.IGNORECASE),
        not_runtime_paths=tuple(x.get("not_runtime_paths") or ()),
        build_time_paths=tuple(x.get("build_time_paths") or ()),
        effects=tuple(_effect(f"effect_sinks[{i}]", e) for i, e in enumerate(x.get("effect_sinks") or ())),
        effect_autonomy=frozenset(str(a) for a in x.get("effect_sink_autonomy") or ()),
    )



def _sql_ok(site: CallSite, sink: EffectSink) -> bool:
    """Sinks with SQL verbs count only for a literal statement that changes records."""
    if not sink.sql_verbs:
        return True
    sql = site.args[0] if site.args else site.kwargs.get("statement", site.kwargs.get("sql"))
    words = sql.split(None, 1) if isinstance(sql, str) else []
    return bool(words) and words[0].lower() in sink.sql_verbs


def effect_sites(runtime: RuntimeCatalogue, calls: Iterable[CallSite], roots: frozenset[str]) -> list[tuple[CallSite, EffectSink]]:
    """Calls that act on the world, one per call site (the last matching sink names it)."""
    index = runtime.effect_index
    sinks = [(site, sink) for site in calls for sink in index.lookup(site, roots) if _sql_ok(site, sink)]
    return list({id(s.node): (s, k) for s, k in sinks}.values())


def fnmatch_any(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def matcher_keywords(matchers: Iterable[CallMatcher], modules: Iterable[str] = ()) -> set[str]:
    """Prefilter words for these matchers: a module root counts only where it is imported or used
    (`import fer`, `from fer`, `fer.`), since roots such as `fer` or `feat` are prefixes of common
    words; a method name counts where it is called (`ban_user(`)."""
    matchers = list(matchers)
    roots = {m.split(".", 1)[0] for m in modules}
    words = {m.keyword for m in matchers if m.keyword_is_literal}
    words.update(f"{m.method}(" for m in matchers if m.method and not m.requires_import)
    roots.update(m.keyword for m in matchers if not m.keyword_is_literal and not (m.method and not m.requires_import))
    for root in roots:
        words.update((f"import {root}", f"from {root}", f"{root}."))
    return {w.lower() for w in words}


def model_loads(runtime: RuntimeCatalogue, calls: Iterable[CallSite], roots: frozenset[str]) -> list[CallSite]:
    """Calls that load a trained model (catalogued loaders and hub downloads): AI evidence."""
    return [site for site in calls if runtime.loader_index.lookup(site, roots)]


def loader_keywords(runtime: RuntimeCatalogue) -> set[str]:
    """Prefilter words of `model_loads`."""
    return matcher_keywords([*runtime.model_loaders, *(s.match for s in runtime.network if s.kind == "hub")])


__all__ = ["ArgRef", "CallIndex", "CallMatcher", "EffectSink", "LocalHosts", "NetworkSignal", "RuntimeCatalogue", "call_matcher", "effect_sites", "fnmatch_any", "load_runtime", "loader_keywords", "matcher_keywords", "model_loads"]
