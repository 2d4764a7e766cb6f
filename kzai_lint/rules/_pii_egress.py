"""Which HTTP calls send a module's personal records, and to which public host (KZ304 egress).

The URL is read from literals and module-level constants only (f-strings, `+`, `urljoin`),
since scanning never runs the code; hosts that are private or declared in `allowed-endpoints`
are not third parties.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import libcst as cst

from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.context import FileContext
from kzai_lint.rules._pii_vocabulary import PersonalDataVocabulary, class_fields, dict_keys
from kzai_lint.rules._python_sites import display, python_sites, subscript_strings


class EgressSignals(PersonalDataVocabulary):
    """Personal fields of a module, HTTP clients and calls that send a body, public hosts."""

    def _personal_fields(self, facts: PythonModule) -> set[str]:
        names: set[str] = set()
        for coll in facts.collections:
            names.update(coll.items)
        for keys in dict_keys(facts):
            names.update(keys)
        for node, _ in python_sites(facts).classes:
            names.update(class_fields(node))
        for call in facts.calls:
            names.update(call.kwargs)
        for node in python_sites(facts).subscripts:  # row["iin"], df["full_name"]
            names.update(subscript_strings(node))
        sql = self.regex("sql")
        for literal in facts.strings:
            if sql.search(literal.value):
                names.update(re.findall(r"[^\W\d][\w]*", literal.value))
        return {n for n in names if self.is_iin_column(n) or self.is_pii_column(n)}

    def _with_clients(self, facts: PythonModule) -> dict[str, CallSite]:
        """`with httpx.Client(...) as client:` binds `client` (the analysis does not track it)."""
        by_node = {id(c.node): c for c in facts.calls}
        kinds = set(self.data.get("egress_clients") or ())
        out: dict[str, CallSite] = {}
        for node in python_sites(facts).withs:
            for item in node.items:
                site = by_node.get(id(item.item))
                if site is not None and site.qualname in kinds and item.asname is not None and isinstance(item.asname.name, cst.Name):
                    out[item.asname.name.value] = site
        return out

    def _egress(self, call: CallSite, clients: dict[str, CallSite]) -> tuple[str | None, CallSite | None]:
        calls = set(self.data.get("egress_calls") or ())
        ctor = call.receiver.ctor if call.receiver is not None else None
        if call.qualname in calls:
            return call.qualname, ctor
        base, _, method = call.display.rpartition(".")
        if base in clients and f"{clients[base].qualname}.{method}" in calls:
            return f"{clients[base].qualname}.{method}", clients[base]
        return None, None

    def _sends_body(self, call: CallSite, qualname: str) -> bool:
        if any(k in call.kwargs for k in self.data.get("body_args") or ()):
            return True
        position = 2 if qualname.endswith(".request") else 1
        return len(call.args) > position

    def _public_host(self, ctx: FileContext, call: CallSite, qualname: str, ctor: CallSite | None, constants: dict[str, str]) -> str | None:
        position = 1 if qualname.endswith(".request") else 0
        url = _url_text(call, position, constants)
        if url is not None and "://" not in url and ctor is not None:
            base = ctor.kwargs.get("base_url")
            url = base.rstrip("/") + "/" + url.lstrip("/") if isinstance(base, str) else None
        if not url or "://" not in url:
            return None
        host = (urlsplit(url).hostname or "").lower()
        if not host or "{" in host or self.regex("private_hosts").match(host) or host in _allowed_hosts(ctx):
            return None
        return host


def module_strings(module: cst.Module) -> dict[str, str]:
    """Module-level `NAME = "..."` constants, to read URLs built in f-strings."""
    out: dict[str, str] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.SimpleString):
                    value = small.value.evaluated_value
                    for target in small.targets:
                        if isinstance(target.target, cst.Name) and isinstance(value, str):
                            out[target.target.value] = value
    return out


def _url_text(call: CallSite, position: int, constants: dict[str, str]) -> str | None:
    value = call.argument("url", position)
    if isinstance(value, str):
        return value
    node = call.arg_nodes[position] if position < len(call.arg_nodes) else None
    for arg in call.node.args:
        if arg.keyword is not None and arg.keyword.value == "url":
            node = arg.value
    return _url_prefix(node, constants) if node is not None else None


def _url_prefix(node: cst.CSTNode, constants: dict[str, str]) -> str | None:
    """The known leading text of a URL expression: `f"{API}/x"`, `API + "/x"`, `urljoin(API, p)`
    with `API = "https://..."` at module level."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Name):
        return constants.get(node.value)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = _url_prefix(node.left, constants)
        return None if left is None else left + (_url_prefix(node.right, constants) or "{}")
    if isinstance(node, cst.Call) and display(node.func).rsplit(".", 1)[-1] == "urljoin" and node.args:
        return _url_prefix(node.args[0].value, constants)
    if isinstance(node, cst.FormattedString):
        return _fstring_prefix(node, constants)
    return None


def _fstring_prefix(node: cst.FormattedString, constants: dict[str, str]) -> str:
    out = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            out.append(part.value)
        elif isinstance(part.expression, cst.Name) and part.expression.value in constants:
            out.append(constants[part.expression.value])
        else:
            out.append("{}")
            break
    return "".join(out)


def _allowed_hosts(ctx: FileContext) -> set[str]:
    system = getattr(ctx.settings, "system", None) or {}
    raw = system.get("allowed-endpoints") or system.get("allowed_endpoints") or ()
    hosts = set()
    for entry in raw if isinstance(raw, (list, tuple)) else ():
        text = str(entry)
        hosts.add((urlsplit(text if "://" in text else "//" + text).hostname or "").lower())
    return hosts
