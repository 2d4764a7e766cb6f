"""Which call sites reach a public network at run time, and where (KZ402, `network` facts).

A call reaches a public network when its URL or hub id points at a host that is neither local
(loopback, private ranges, internal DNS suffixes from the catalogue) nor allow-listed, and no
offline switch set in the module keeps it off-line. A hub loader given a local directory or a
folder-like name stays local; a host that cannot be read statically is reported with low
confidence rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

from kzai_lint.analysis.python_module import MISSING, UNKNOWN, CallSite, PythonModule
from kzai_lint.model import Confidence
from kzai_lint.rules._call_arguments import argument, holds, host_of
from kzai_lint.rules._runtime_signals import NetworkSignal, RuntimeCatalogue

_LOCAL_PATH = re.compile(r"^(/|\./|\.\./|~|[A-Za-z]:[\\/])")
_ENV_SUBSCRIPT = re.compile(r"environ\[\s*['\"](\w+)['\"]\s*\]\s*=\s*['\"]([^'\"]*)['\"]")
_FILE_NAME = re.compile(r"\.[A-Za-z]\w{0,11}$")
_ENV_CALLS = ("os.environ.setdefault", "os.putenv", "os.environ.__setitem__")


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
    if not all(holds(site, signal.when)) or any(holds(site, signal.unless)):
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


__all__ = ["Egress", "ModuleView", "egresses", "is_allowed", "judge", "offline_switches"]
