"""Where KZ304's IIN rules find IINs and records, and how they place and weigh the hits.

The rule classes in `personal_data.py` keep what users read (docs, examples, messages); the
bases here hold the searches behind them: string literals and what they are assigned to, data
columns, and the classes, collections, SQL and configs that link an IIN to a person.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

import libcst as cst

from kzai_lint.analysis.python_module import PythonModule
from kzai_lint.analysis.visitor import Visitor
from kzai_lint.context import FileContext
from kzai_lint.model import CONFIG_KINDS, Confidence, FileKind, Hit, Severity, Span
from kzai_lint.rules._config_nodes import anchor_of, list_items
from kzai_lint.rules._iin_numbers import MIN_VALID_SHARE, iin_candidates, iin_message, mask
from kzai_lint.rules._pii_vocabulary import PersonalDataVocabulary, class_fields, dict_keys
from kzai_lint.rules._python_sites import element_node, python_sites, subscript_strings
from kzai_lint.rules._vocabulary import locate
from kzai_lint.sources.config_tree import ConfigDocument, ConfigNode


# Twelve digits in a row, or digits on both sides of a join of implicitly concatenated string
# literals (`"0612116" "00012"`, also across lines, also JSON-escaped in a notebook). In a
# Python file only blanks, line continuations, quotes, string prefixes and whole comments can
# stand between the two (`"1", "2"` is a list of two strings, in most files).
_TWELVE_DIGITS = r"(?<![0-9])[0-9]{12}(?![0-9])"
_JOINED_DIGITS = r"[0-9]\\*[\"'][^0-9]{0,40}?[\"'][0-9]"
_JOINED_DIGITS_PYTHON = r"[0-9][\"'](?:[ \t\f\r\n\\\"']|#[^\n]*\n)*[rubf]{0,2}[\"'][0-9]"


class IinLiteralSignals(PersonalDataVocabulary):
    """Placement and severity of IIN literals (clause map 6.6)."""

    def requirements_for(self, settings: Any, kind: Any) -> list[tuple[tuple[str, ...], ...]] | None:
        """Its words, and an IIN-shaped number: `full_name` or `iin` alone are in many files
        (tokenizers, model cards' authors) that hold no 12-digit number."""
        needs = super().requirements_for(settings, kind)
        if needs is None:
            return None
        joined = _JOINED_DIGITS_PYTHON if kind is FileKind.PYTHON else _JOINED_DIGITS
        numbers = (f"re:{_TWELVE_DIGITS}",) if kind in CONFIG_KINDS else (f"re:{_TWELVE_DIGITS}", f"re:{joined}")
        return [alternative + (numbers,) for alternative in needs]

    def _python_hit(self, ctx: FileContext, node: cst.CSTNode, token: str, confidence: Confidence, severity: Severity | None, scope: str) -> Hit:
        span = ctx.python.span(node) if ctx.python is not None else None
        where = locate(ctx.text, span.line, span.end_line, token) if span is not None and ctx.kind is FileKind.PYTHON else None
        if where is not None:
            return self.span_hit(ctx, where, iin_message(token), "iin_literal", anchor=scope, confidence=confidence, severity=severity)
        return self.python_hit(ctx, node, iin_message(token), "iin_literal", scope=scope, confidence=confidence, severity=severity)

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


class IinColumnSignals(PersonalDataVocabulary):
    """Which columns of a data file hold IINs."""

    def _column_hit(self, ctx: FileContext, table: Any, index: int, column: str) -> Hit | None:
        named = self.is_iin_column(column)
        total, found = 0, []
        for row_number, row in enumerate(table.rows):
            if index < len(row):
                seen, iins = iin_candidates(row[index].strip(), named)
                total += seen
                found.extend((row_number, token, conf) for token, conf in iins)
        if not found or (not named and (len(found) < 2 or found and len(found) < total * MIN_VALID_SHARE)):
            return None
        row_number, token, confidence = found[0]
        line = table.row_lines[row_number] if row_number < len(table.row_lines) else row_number + 2
        text_line = ctx.text.splitlines()[line - 1] if line <= len(ctx.text.splitlines()) else ""
        column_at = text_line.find(token) + 1 if token in text_line else 1
        severity = None if named or len(found) >= 3 else Severity.WARNING
        what = f"Column `{column}` holds {len(found)} valid IIN{'s' if len(found) > 1 else ''} (first: {mask(token)})"
        return self.span_hit(ctx, Span(line, column_at, line, column_at + 12), what, "iin_literal", anchor=column, confidence=confidence, severity=severity)


class IinRecordSignals(PersonalDataVocabulary):
    """Records linking an IIN to a person: data headers, classes, collections, dicts, SQL, configs."""

    def _table_hits(self, ctx: FileContext) -> Iterator[Hit]:
        table = ctx.document
        record = self.record(getattr(table, "columns", ()) or ())
        if record is not None:
            header = ctx.text.splitlines()[0] if ctx.text else ""
            yield self.span_hit(ctx, Span(1, 1, 1, max(len(header), 1) + 1), _record_message(*record), "iin_record", anchor="header")

    def _class_hits(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        for node, scope in python_sites(facts).classes:
            fields = class_fields(node)
            record = self.record(fields)
            if record is not None:
                yield self.python_hit(ctx, fields[record[0]], _record_message(*record, f"class {node.name.value}"), "iin_record", scope=f"{scope}.{node.name.value}".strip("."))

    def _collection_hits(self, ctx: FileContext, facts: PythonModule) -> Iterator[Hit]:
        for coll in facts.collections:
            record = self.record(coll.items)
            if record is not None and not isinstance(coll.node, cst.Dict):
                yield self.python_hit(ctx, element_node(coll, record[0]), _record_message(*record, coll.name or ""), "iin_record", scope=coll.scope)
        for keys in dict_keys(facts):  # dicts of any size: {"iin": ..., "phone": ...}
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


def python_strings(facts: PythonModule) -> Iterator[tuple[cst.CSTNode, str, str]]:
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


class _Bindings(Visitor):
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


def bound_names(module: cst.Module) -> dict[int, list[str]]:
    collector = _Bindings()
    collector.walk(module)
    return collector.names


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
