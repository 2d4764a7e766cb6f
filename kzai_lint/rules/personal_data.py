"""17(3)(4): personal data -- committed IINs, records linking an IIN to a person, data sent out.

IINs are recognised by their check digit and birth date (`kzai_lint.iin`, clause map 8.4); column
and field names and the HTTP clients come from the catalogue's `personal_data` section.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

import libcst as cst

from kzai_lint.analysis.python_module import CallSite, PythonModule
from kzai_lint.context import FileContext
from kzai_lint.iin import IIN_PATTERN, is_bin, is_valid_iin
from kzai_lint.model import CONFIG_KINDS, PYTHON_KINDS, Confidence, FileKind, Hit, Severity, Span
from kzai_lint.rule import Invalid, RuleMeta, Valid
from kzai_lint.rules._python_signals import GUARD_PURPOSE
from kzai_lint.rules.manipulation import (
    ALL_KINDS,
    VocabularyRule,
    anchor_of,
    display,
    documents,
    element_node,
    list_items,
    locate,
    python_sites,
    snake,
    spellings,
    subscript_strings,
)
from kzai_lint.sources.config_tree import ConfigDocument, ConfigNode

_IIN_WORD = re.compile(r"(?<![a-zа-яё])(iin|иин|жсн)(?![a-zа-яё])", re.IGNORECASE)
# A random 12-digit number passes the check digit about one time in eleven; when most 12-digit
# numbers of a file or column fail it, the few that pass are order ids by chance, not IINs.
_MIN_VALID_SHARE = 0.5
_SHARE_FROM = 4


class _PersonalDataVocabulary(VocabularyRule):
    section = "personal_data"

    def python_hit(self, ctx: FileContext, node: cst.CSTNode, what: str, capability: str, **kwargs: Any) -> Hit:
        return _masked(super().python_hit(ctx, node, what, capability, **kwargs))

    def span_hit(self, ctx: FileContext, span: Span | None, what: str, capability: str, **kwargs: Any) -> Hit:
        return _masked(super().span_hit(ctx, span, what, capability, **kwargs))

    def is_iin_column(self, name: Any) -> bool:
        if not isinstance(name, str) or not name or len(name) > 80:
            return False
        key = snake(name)
        return key in self.names("iin_columns") and not self.regex("depersonalised").search(key)

    def is_pii_column(self, name: Any) -> bool:
        if not isinstance(name, str) or not name or len(name) > 80:
            return False
        key = snake(name)
        return key in self.names("pii_columns") or any(key.endswith("_" + s) for s in self.names("pii_suffixes"))

    def record(self, names: Iterable[Any]) -> tuple[str, list[str]] | None:
        """(IIN column, other PII columns) when a set of names links an IIN to a person."""
        names = list(names)
        iin = next((n for n in names if self.is_iin_column(n)), None)
        others = [n for n in names if n != iin and self.is_pii_column(n)]
        return (iin, others) if iin is not None and others else None


def _iin_kind(token: str, named: bool) -> Confidence | None:
    """HIGH for a valid IIN with a real birth date; MEDIUM for a checksum-only match in an IIN
    field (clause map 8.5: the date raises confidence, it does not reject); None otherwise."""
    if is_bin(token):
        return None
    if is_valid_iin(token):
        return Confidence.HIGH
    if named and is_valid_iin(token, strict_date=False):
        return Confidence.MEDIUM
    return None


def _candidates(text: str, named: bool) -> tuple[int, list[tuple[str, Confidence]]]:
    """(12-digit tokens seen, the IINs among them) in one string."""
    tokens = [m.group() for m in IIN_PATTERN.finditer(text)]
    found = [(t, conf) for t in tokens if (conf := _iin_kind(t, named)) is not None]
    return len(tokens), found


def _mostly_invalid(total: int, valid: int) -> bool:
    return total >= _SHARE_FROM and valid < total * _MIN_VALID_SHARE


class IinLiteral(_PersonalDataVocabulary):
    """Individual identification numbers (IINs) written into code and configs.

    ## What it finds
    12-digit numbers in Python string literals and in YAML/JSON/TOML files that pass the IIN
    check digit and encode a real birth date and century digit (clause map 8.4), in files that
    deal with people (they mention IINs, customers, clients, passports …). Company BINs (fifth
    digit 4-6) and numbers that fail the check digit -- order ids, timestamps -- are skipped; so
    are files where most 12-digit numbers fail it (date-like ids pass by chance one time in 11).
    A checksum-valid number without a real birth date counts only in a field named like an IIN.

    ## Why it matters
    An IIN identifies a natural person and encodes their birth date and sex: it is personal data
    of restricted access. Committing real IINs processes personal data without consent or legal
    ground, which Article 17(3)(4) makes a prohibited capability of an AI system.

    ## Mitigation
    Remove the numbers from the repository and its history; load real data from a protected
    store with consent. Build test values at run time (e.g. `kzai_lint.iin.generate_iin`): in
    test folders that generate IINs, findings are `info`.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>` on the line (for example "synthetic, generated by ...").
    """

    meta = RuleMeta(id="KZ304/iin-literal", code="KZ304", kinds=frozenset(PYTHON_KINDS | CONFIG_KINDS), confidence=Confidence.HIGH, tags=("personal-data", "iin"))
    keyword_key = "context_words"
    INVALID = (
        Invalid("""
            from pydantic import BaseModel
            class Customer(BaseModel):
                iin: str
                full_name: str
            DEMO = [Customer(iin="791028302728", full_name="Test Person")]
            """, line=5),
        Invalid("""
            CLIENT_IIN = "0612116" "00012"
            """, line=1, note="implicitly concatenated literal"),
        Invalid(files={"fixtures/customers.json": """
            {"customers": [
              {"iin": "791028302728", "phone": "+77010000000"}
            ]}
            """}, line=2, finding_path="fixtures/customers.json"),
    )
    VALID = (
        Valid("""
            def synthetic_iin(prefix11, control_digit):
                return prefix11 + str(control_digit(prefix11))
            CUSTOMER_ID_EXAMPLE = "791028302727"
            """, note="wrong check digit; numbers built at run time"),
        Valid("""
            COMPANY_BIN = "180440000000"
            client_order = "202401011230"
            """, note="a BIN and a timestamp"),
    )

    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        strings = [s for s in _python_strings(facts) if IIN_PATTERN.search(s[1])]
        if not strings:
            return
        found: list[tuple[cst.CSTNode, str, str, Confidence, bool, str]] = []
        total = 0
        bound = _bound_names(facts.module)
        for node, value, scope in strings:
            named = any(self.is_iin_column(name) for name in bound.get(id(node), ()))
            seen, iins = _candidates(value, named)
            total += seen
            found.extend((node, value, token, conf, named, scope) for token, conf in iins)
        drop_unnamed = _mostly_invalid(total, len(found))
        severity = self._severity(ctx, len(found))
        lines: set[int] = set()
        for node, value, token, confidence, named, scope in found:
            if drop_unnamed and not named:
                continue
            hit = self._python_hit(ctx, node, token, confidence, severity if not named else self._named_severity(ctx), scope)
            if hit.span is not None and hit.span.line not in lines:
                lines.add(hit.span.line)
                yield hit

    def check_document(self, ctx: FileContext) -> Iterator[Hit]:
        found: list[tuple[int, int, str, Confidence, bool]] = []
        total = 0
        for number, line in enumerate(ctx.text.splitlines(), start=1):
            named = bool(_IIN_WORD.search(line))
            for match in IIN_PATTERN.finditer(line):
                total += 1
                confidence = _iin_kind(match.group(), named)
                if confidence is not None:
                    found.append((number, match.start() + 1, match.group(), confidence, named))
        drop_unnamed = _mostly_invalid(total, len(found))
        severity = self._severity(ctx, len(found))
        lines: set[int] = set()
        for number, column, token, confidence, named in found:
            if (drop_unnamed and not named) or number in lines:
                continue
            lines.add(number)
            span = Span(number, column, number, column + 12)
            yield self.span_hit(ctx, span, _iin_message(token), "iin_literal", confidence=confidence, severity=severity if not named else self._named_severity(ctx))

    def _python_hit(self, ctx: FileContext, node: cst.CSTNode, token: str, confidence: Confidence, severity: Severity | None, scope: str) -> Hit:
        span = ctx.python.span(node) if ctx.python is not None else None
        where = locate(ctx.text, span.line, span.end_line, token) if span is not None and ctx.kind is FileKind.PYTHON else None
        if where is not None:
            return self.span_hit(ctx, where, _iin_message(token), "iin_literal", anchor=scope, confidence=confidence, severity=severity)
        return self.python_hit(ctx, node, _iin_message(token), "iin_literal", scope=scope, confidence=confidence, severity=severity)

    def _severity(self, ctx: FileContext, count: int) -> Severity | None:
        """Clause map 6.6: error from three IINs in a file (or in an IIN field), else warning;
        generated test values are info."""
        if self._synthetic(ctx):
            return Severity.INFO
        return None if count >= 3 else Severity.WARNING

    def _named_severity(self, ctx: FileContext) -> Severity | None:
        return Severity.INFO if self._synthetic(ctx) else None

    def _synthetic(self, ctx: FileContext) -> bool:
        return ctx.low_weight and bool(self.regex("synthetic_markers").search(ctx.text))


class IinInData(_PersonalDataVocabulary):
    """IINs in committed data files (CSV, TSV, JSON Lines).

    ## What it finds
    Columns of a data file's header and first rows whose values are valid IINs: the check digit
    passes, the birth date and century digit are real and the number is not a company BIN. A
    column named like an IIN (`iin`, `ИИН`, `ЖСН` …) counts with one valid value; another column
    needs at least two and a majority of valid values among its 12-digit numbers, so date-like
    order ids are not mistaken for IINs. One finding per column, at the first row with an IIN.

    ## Why it matters
    A data file with IINs holds personal data of restricted access; committing and training on
    it without consent or legal ground is processing in breach of the personal-data law, which
    Article 17(3)(4) prohibits for AI systems.

    ## Mitigation
    Remove the file (and its history) from the repository, keep the data in a protected store in
    Kazakhstan with consent, and replace the IIN by a salted hash or token in training data.

    ## Suppression
    Exclude synthetic data files with `per-file-ignores` and a reason.
    """

    meta = RuleMeta(id="KZ304/iin-in-data", code="KZ304", kinds=frozenset({FileKind.TABULAR}), confidence=Confidence.HIGH, tags=("personal-data", "iin"))
    INVALID = (
        Invalid(files={"data/parcels.csv": """
            parcel_id,iin,full_name
            P-1,791028302728,Test Person
            P-2,061211600012,Test Person Two
            """}, line=2, finding_path="data/parcels.csv"),
        Invalid(files={"data/leads.jsonl": """
            {"lead": 1, "national_id": "791028302728", "city": "Almaty"}
            """}, line=1, finding_path="data/leads.jsonl", note="JSON Lines, IIN in an id column"),
    )
    VALID = (
        Valid(files={"data/orders.csv": """
            order_id,created_at,qty
            261001228244,2026-10-01T09:14:02,1
            261004214839,2026-10-04T18:40:51,2
            """}, note="12-digit order ids that fail the check digit"),
        Valid(files={"data/companies.csv": """
            bin,name
            180440000000,Example LLP
            """}, note="company BINs"),
    )

    def keywords(self) -> Iterable[str] | None:
        return None  # a data file with IINs need not name them; reading a header is cheap

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        table = ctx.document
        if table is None or not hasattr(table, "columns"):
            return
        for index, column in enumerate(table.columns):
            hit = self._column_hit(ctx, table, index, column)
            if hit is not None:
                yield hit

    def _column_hit(self, ctx: FileContext, table: Any, index: int, column: str) -> Hit | None:
        named = self.is_iin_column(column)
        total, found = 0, []
        for row_number, row in enumerate(table.rows):
            if index < len(row):
                seen, iins = _candidates(row[index].strip(), named)
                total += seen
                found.extend((row_number, token, conf) for token, conf in iins)
        if not found or (not named and (len(found) < 2 or found and len(found) < total * _MIN_VALID_SHARE)):
            return None
        row_number, token, confidence = found[0]
        line = table.row_lines[row_number] if row_number < len(table.row_lines) else row_number + 2
        text_line = ctx.text.splitlines()[line - 1] if line <= len(ctx.text.splitlines()) else ""
        column_at = text_line.find(token) + 1 if token in text_line else 1
        severity = None if named or len(found) >= 3 else Severity.WARNING
        what = f"Column `{column}` holds {len(found)} valid IIN{'s' if len(found) > 1 else ''} (first: {_mask(token)})"
        return self.span_hit(ctx, Span(line, column_at, line, column_at + 12), what, "iin_literal", anchor=column, confidence=confidence, severity=severity)


class IinRecord(_PersonalDataVocabulary):
    """Records that link an IIN to a person's name, phone or address (schemas, SQL, fields).

    ## What it finds
    An IIN column or field (`iin`, `IIN`, `ИИН`, `ЖСН`, `individual_identification_number`,
    `customer_iin` …) next to other personal data (full name, phone, address, date of birth,
    passport …) in: pydantic models, dataclasses and ORM classes; dict literals and column
    lists; SQL statements in strings; YAML/JSON/TOML schemas and column lists; the header of a
    CSV/TSV/JSONL file. Hashed or tokenised columns (`iin_hash`, `iin_token`) are not IINs.

    ## Why it matters
    A record joining the IIN with name and phone identifies a person completely; the IIN is
    restricted-access personal data. Processing it is lawful only with consent or a legal ground
    and with storage in Kazakhstan (Article 17(3)(4) and the personal-data law).

    ## Mitigation
    Replace the IIN by a salted hash or token before it reaches models, logs or exports; collect
    consent (declared consent hook) before processing; keep the database in Kazakhstan.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>` on the line of the field.
    """

    meta = RuleMeta(id="KZ304/iin-column", code="KZ304", kinds=frozenset(ALL_KINDS | {FileKind.TABULAR}), confidence=Confidence.MEDIUM, tags=("personal-data", "iin"))
    INVALID = (
        Invalid("""
            from dataclasses import dataclass
            @dataclass
            class Applicant:
                IIN: str
                phone_number: str
            """, line=4),
        Invalid("""
            import pandas as pd
            SQL = '''
                SELECT c.iin, c.full_name, c.phone
                FROM customers c
            '''
            leads = pd.read_sql(SQL, "postgresql://dwh")
            """, line=3, note="column in a multi-line SQL string"),
        Invalid("""
            def to_contact(row):
                return {
                    "external_id": row.id,
                    "ИИН": row.iin,
                    "name": row.full_name,
                }
            """, line=4),
        Invalid(files={"schema.yaml": """
            columns:
              client_iin: string
              surname: string
            """}, line=2, finding_path="schema.yaml"),
    )
    VALID = (
        Valid("""
            COLUMNS = ["iin_sha256", "full_name", "phone"]
            """, note="hashed IIN"),
        Valid("""
            __all__ = ["control_digit", "is_valid_iin", "mask_iin"]
            def mask_iin(value):
                return "*" * 10 + value[-2:]
            """, note="helpers named after the IIN"),
        Valid("""
            FIELDS = ["iin", "loan_amount", "term_months"]
            """, note="an IIN without other personal data"),
    )

    def keywords(self) -> Iterable[str] | None:
        return spellings([*self.names("iin_columns"), "iin"])

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.kind is FileKind.TABULAR:
            if self._gate.may_match(ctx.text):
                yield from self._table_hits(ctx)
            return
        yield from super().check(ctx)

    def _table_hits(self, ctx: FileContext) -> Iterator[Hit]:
        table = ctx.document
        record = self.record(getattr(table, "columns", ()) or ())
        if record is not None:
            header = ctx.text.splitlines()[0] if ctx.text else ""
            yield self.span_hit(ctx, Span(1, 1, 1, max(len(header), 1) + 1), _record_message(*record), "iin_record", anchor="header")

    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        lines: set[int] = set()
        hits = [*self._class_hits(ctx, facts), *self._collection_hits(ctx, facts), *self._sql_hits(ctx, facts)]
        for hit in hits:
            if hit.span is not None and hit.span.line not in lines:
                lines.add(hit.span.line)
                yield hit

    def _class_hits(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        for node, scope in python_sites(facts).classes:
            fields = _class_fields(node)
            record = self.record(fields)
            if record is not None:
                yield self.python_hit(ctx, fields[record[0]], _record_message(*record, f"class {node.name.value}"), "iin_record", scope=f"{scope}.{node.name.value}".strip("."))

    def _collection_hits(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        for coll in facts.collections:
            record = self.record(coll.items)
            if record is not None and not isinstance(coll.node, cst.Dict):
                yield self.python_hit(ctx, element_node(coll, record[0]), _record_message(*record, coll.name or ""), "iin_record", scope=coll.scope)
        for keys in _dict_keys(facts):  # dicts of any size: {"iin": ..., "phone": ...}
            record = self.record(keys)
            if record is not None:
                yield self.python_hit(ctx, keys[record[0]], _record_message(*record, "a dict"), "iin_record")

    def _sql_hits(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        sql = self.regex("sql")
        for literal in facts.strings:
            if not sql.search(literal.value):
                continue
            record = self.record(re.findall(r"[^\W\d][\w]*", literal.value))
            if record is None:
                continue
            span = ctx.python.span(literal.node) if ctx.python is not None else None
            where = _word_line(ctx.text, span, record[0]) if span is not None and ctx.kind is FileKind.PYTHON else None
            what = _record_message(*record, "SQL")
            if where is not None:
                yield self.span_hit(ctx, where, what, "iin_record", anchor=literal.scope)
            else:
                yield self.python_hit(ctx, literal.node, what, "iin_record", scope=literal.scope)

    def check_document(self, ctx: FileContext) -> Iterator[Hit]:
        lines: set[int] = set()
        for doc in documents(ctx):
            for node in doc.nodes:
                hit = self._config_hit(ctx, doc, node)
                if hit is not None and hit.span is not None and hit.span.line not in lines:
                    lines.add(hit.span.line)
                    yield hit

    def _config_hit(self, ctx: FileContext, doc: ConfigDocument, node: ConfigNode) -> Hit | None:
        if not isinstance(node.value, (list, dict)):
            return None
        by_key = isinstance(node.value, dict)
        children = list_items(doc, node)
        record = self.record(c.key if by_key else c.value for c in children)
        if record is None:
            return None
        child = next(c for c in children if (c.key if by_key else c.value) == record[0])
        span = child.key_span if by_key and child.key_span is not None else child.span
        return self.span_hit(ctx, span, _record_message(*record, anchor_of(node.key_path)), "iin_record", anchor=anchor_of(node.key_path))


class PersonalDataEgress(_PersonalDataVocabulary):
    """Personal data (IIN, names, phones) posted to public third-party endpoints.

    ## What it finds
    HTTP calls that send a body -- `requests.post/put/patch`, `requests.Session().post`,
    `httpx.post`, `httpx.Client(...).post` (also bound with `with ... as client`),
    `aiohttp.ClientSession().post` -- to a public host, in a module that handles records with an
    IIN or other personal data (fields, dict keys, SQL columns or keyword arguments named
    `iin`, `full_name`, `phone` …). Loopback, private-network and cluster-internal hosts and the
    endpoints declared in `allowed-endpoints` are not public.

    ## Why it matters
    Sending identifiable records to a third party is a transfer of personal data: it needs the
    person's consent with the transfer stated in it, and the database must stay in Kazakhstan
    (Law 94-V Art 8, 12, 16). Processing in breach of that law is prohibited for AI systems by
    Article 17(3)(4).

    ## Mitigation
    Send pseudonymised ids instead of IINs and names; check consent for the transfer with a
    declared consent hook guarding the call (the finding becomes `mitigated`); declare the
    partner's endpoint in `allowed-endpoints` only when it is covered by contract and consent.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>` on the line of the call.
    """

    meta = RuleMeta(id="KZ304/pii-egress", code="KZ304", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM, tags=("personal-data", "network"))

    keyword_key = "egress_keywords"
    INVALID = (
        Invalid("""
            import requests as http
            CRM = "https://api.example-crm.com/v2/contacts"
            def push(rows):
                contacts = [{"iin": r.iin, "phone": r.phone} for r in rows]
                return http.post(CRM, json={"contacts": contacts}, timeout=30)
            """, line=5),
        Invalid("""
            import httpx
            from pydantic import BaseModel
            class Customer(BaseModel):
                iin: str
                full_name: str
            API = "https://workspace.example.app/api"
            def seed(customers):
                with httpx.Client(timeout=20) as client:
                    for c in customers:
                        client.post(f"{API}/customers", json=c.model_dump())
            """, line=10, note="client bound by `with`, URL built in an f-string"),
    )
    VALID = (
        Valid("""
            import requests
            def push(rows):
                payload = [{"iin": r.iin, "full_name": r.name} for r in rows]
                return requests.post("http://localhost:8080/ingest", json=payload)
            """, note="loopback service"),
        Valid("""
            import requests
            def notify(build):
                return requests.post("https://hooks.slack.com/services/T000", json={"text": build.status})
            """, note="no personal data in the module"),
        Valid("""
            import requests
            def lookup(iin, full_name):
                return requests.get("https://api.example.com/check", params={"q": "x"})
            """, note="GET without a body"),
    )

    def check_python(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        fields = self._personal_fields(facts)
        if not fields:
            return
        has_iin = any(self.is_iin_column(f) for f in fields)
        if not has_iin and len(fields) < 2:
            return
        clients = self._with_clients(facts)
        constants = _module_strings(facts.module)
        for call in facts.calls:
            qualname, ctor = self._egress(call, clients)
            if qualname is None or not self._sends_body(call, qualname):
                continue
            host = self._public_host(ctx, call, qualname, ctor, constants)
            if host is None:
                continue
            shown = ", ".join(sorted(fields, key=lambda f: (not self.is_iin_column(f), f))[:4])
            what = f"{call.display}() sends records with personal data ({shown}) to {host}"
            severity = None if has_iin else Severity.WARNING
            yield self.python_hit(ctx, call.node, what, "pii_egress", scope=call.scope, severity=severity, guard_purpose=GUARD_PURPOSE[self.meta.code])

    def _personal_fields(self, facts: PythonModule) -> set[str]:
        names: set[str] = set()
        for coll in facts.collections:
            names.update(coll.items)
        for keys in _dict_keys(facts):
            names.update(keys)
        for node, _ in python_sites(facts).classes:
            names.update(_class_fields(node))
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


def _python_strings(facts: PythonModule) -> Iterator[tuple[cst.CSTNode, str, str]]:
    """String literals, with implicitly concatenated ones joined (`"0612116" "00012"`)."""
    parts: set[int] = set()
    for node, scope in python_sites(facts).concatenated:
        value = node.evaluated_value
        if isinstance(value, str):
            parts.update(id(p) for p in _string_parts(node))
            yield node, value, scope
    for literal in facts.strings:
        if id(literal.node) not in parts:
            yield literal.node, literal.value, literal.scope


def _string_parts(node: cst.CSTNode) -> list[cst.CSTNode]:
    if isinstance(node, cst.ConcatenatedString):
        return [*_string_parts(node.left), *_string_parts(node.right)]
    return [node]


class _Bindings(cst.CSTVisitor):
    """What each literal is given to: keyword, dict key or variable (`iin="..."`)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[int, list[str]] = {}

    def _bind(self, value: cst.CSTNode | None, names: list[str]) -> None:
        if value is None or not names:
            return
        self.names.setdefault(id(value), []).extend(names)
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                self._bind(element.value, names)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._bind(node.value, [node.keyword.value])

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if isinstance(node.key, cst.SimpleString) and isinstance(node.key.evaluated_value, str):
            self._bind(node.value, [node.key.evaluated_value])

    def visit_Assign(self, node: cst.Assign) -> None:
        self._bind(node.value, [n for t in node.targets for n in _target_names(t.target)])

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.value, _target_names(node.target))


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, cst.Attribute):
        return [target.attr.value]
    if isinstance(target, cst.Subscript):
        return subscript_strings(target)
    return []


def _bound_names(module: cst.Module) -> dict[int, list[str]]:
    collector = _Bindings()
    module.visit(collector)
    return collector.names


_MASKABLE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _mask_iins(text: str) -> str:
    """Evidence without the identifiers themselves (reports end up in CI logs)."""
    return _MASKABLE.sub(lambda m: _mask(m.group()) if _iin_kind(m.group(), True) else m.group(), text)


def _masked(hit: Hit) -> Hit:
    return Hit(hit.span, hit.message, _mask_iins(hit.evidence), hit.anchor, hit.capability, hit.confidence, hit.severity, hit.path, hit.node, hit.guard_purpose)


def _class_fields(node: cst.ClassDef) -> dict[str, cst.CSTNode]:
    """Annotated and assigned names of a class body (pydantic, dataclass, ORM columns)."""
    out: dict[str, cst.CSTNode] = {}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: Sequence[cst.BaseExpression] = ()
            if isinstance(small, cst.AnnAssign):
                targets = (small.target,)
            elif isinstance(small, cst.Assign):
                targets = tuple(t.target for t in small.targets)
            for target in targets:
                if isinstance(target, cst.Name):
                    out.setdefault(target.value, stmt)
    return out


def _dict_keys(facts: PythonModule) -> list[dict[str, cst.CSTNode]]:
    """String keys (and their nodes) of every dict literal, whatever its size."""
    out: list[dict[str, cst.CSTNode]] = []
    for node in python_sites(facts).dicts:
        keys = {el.key.evaluated_value: el.key for el in node.elements if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString) and isinstance(el.key.evaluated_value, str)}
        if keys:
            out.append(keys)
    return out


def _module_strings(module: cst.Module) -> dict[str, str]:
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


def _word_line(text: str, span: Span, word: str) -> Span | None:
    lines = text.splitlines()
    pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")
    for number in range(span.line, min(span.end_line, len(lines)) + 1):
        match = pattern.search(lines[number - 1])
        if match:
            return Span(number, match.start() + 1, number, match.end() + 1)
    return None


def _record_message(iin: str, others: list[str], where: str = "") -> str:
    place = f" in {where}" if where else ""
    return f"IIN column `{iin}` is stored with {', '.join(f'`{o}`' for o in others[:4])}{place}"


def _iin_message(token: str) -> str:
    return f"Valid IIN {_mask(token)} (birth date and check digit pass) is committed in the repository"


def _mask(token: str) -> str:
    """Findings must not repeat the identifier they report."""
    return token[:2] + "*" * 8 + token[-2:]
