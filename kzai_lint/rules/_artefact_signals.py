"""Shared logic of the artefact rules: configs, model cards and data headers.

Like the Python bases, these look everything up in the catalogue and keep the capabilities whose
code is the concrete rule's. Per file and code they report the strongest signal once (clause map
11: one capability, many places; never one finding per word).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable, Iterator

from kzai_lint import regex_cache
from kzai_lint.catalogue import Catalogue
from kzai_lint.context import FileContext
from kzai_lint.discovery import is_label_file
from kzai_lint.model import Confidence, FileKind, Hit, Severity, Span
from kzai_lint.rule import DocumentRule
from kzai_lint.rules._messages import capability_message
from kzai_lint.rules._python_signals import about_non_persons, artefact_severity, code_label_keywords, context_allows, model_keywords


def _rx(catalogue: Catalogue, key: str) -> re.Pattern[str]:
    return regex_cache.compile(str(catalogue.extra.get(key, "(?!x)x")), re.IGNORECASE)


class ConfigSignalRule(DocumentRule):
    """Label vocabularies, model ids, data sets and Hydra targets in YAML/JSON/TOML configs."""

    def keywords(self) -> Iterable[str] | None:
        words = model_keywords(self.catalogue) | {str(w).lower() for w in self.catalogue.extra.get("dataset_keywords", ())}
        words |= code_label_keywords(self.catalogue, self.meta.code)
        words.add("_target_")
        return words

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        docs = ctx.document or []
        lowered = ctx.lowered
        if ctx.path.rsplit("/", 1)[-1].lower() == "pyproject.toml":
            return
        best: tuple[int, Hit] | None = None
        for doc in docs:
            for rank, hit in self._hits(doc, lowered):
                if best is None or rank > best[0]:
                    best = (rank, hit)
        if best is not None:
            hit = best[1]
            ctx.add_fact("capability", hit.capability, self.meta.code, hit.span.line if hit.span else None, "S2", "medium")
            yield hit

    def _hits(self, doc: Any, lowered: str) -> Iterator[tuple[int, Hit]]:
        cat = self.catalogue
        label_keys = _rx(cat, "label_keys")
        model_keys = _rx(cat, "model_keys")
        for node in doc.nodes:
            key = str(node.key) if node.key is not None else ""
            value = node.value
            if isinstance(value, (list, dict)):
                items = list(value.values()) if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()) else (list(value.keys()) if isinstance(value, dict) else value)
                for label_set, terms in cat.label_matches(x for x in items if isinstance(x, str)):
                    capability = cat.capabilities[label_set.capability]
                    if capability.code != self.meta.code:
                        continue
                    person_key = bool(label_keys.search(key)) and key.lower() not in ("labels", "label", "classes", "names", "targets", "target", "categories", "class_names", "heads", "id2label", "label2id")
                    classifier_key = key.lower() in ("id2label", "label2id")
                    if not (person_key or context_allows(cat, label_set.context, lowered) or (classifier_key and not about_non_persons(cat, lowered, self.meta.code))):
                        continue
                    what = f"Label list `{'.'.join(str(k) for k in node.key_path)}` with {len(terms)} {label_set.name} classes ({', '.join(sorted(terms)[:7])})"
                    yield 3, self._hit(node, what, label_set.capability, key_path=node.key_path)
            elif isinstance(value, str) and 2 < len(value) < 300 and not any(c.isspace() for c in value.strip()):
                loader = bool(model_keys.search(key)) or key == "_target_"
                match = cat.classify_model(value, loader=loader)
                if match is not None and cat.capabilities[match.capability].code == self.meta.code:
                    yield (4 if match.exact else 2), self._hit(node, f"Model {value!r} in `{'.'.join(str(k) for k in node.key_path)}`", match.capability, key_path=node.key_path)
                    continue
                if key == "_target_":
                    for sig in cat.calls_for(value):
                        for capname in sig.capabilities:
                            if cat.capabilities[capname].code == self.meta.code:
                                yield 3, self._hit(node, f"Hydra target {value!r}", capname, key_path=node.key_path)
                ds = cat.classify_dataset(value, as_id=bool(re.search(r"(^|_)(dataset|data|path|name|csv)", key)))
                if ds is not None and cat.capabilities[ds.capability].code == self.meta.code:
                    yield 1, self._hit(node, f"Data set {ds.name} in `{'.'.join(str(k) for k in node.key_path)}`", ds.capability, key_path=node.key_path)

    def _hit(self, node: Any, what: str, capability: str, key_path: tuple[Any, ...]) -> Hit:
        span: Span = node.key_span if isinstance(node.value, (list, dict)) and node.key_span is not None else node.span
        evidence = what.split(":")[0][:200]
        return Hit(
            span=Span(span.line, span.column, span.line, span.end_column if span.end_line == span.line else span.column + 1),
            message=capability_message(self.catalogue, self.meta.code, what, capability),
            evidence=evidence,
            anchor=".".join(str(k) for k in key_path),
            capability=capability,
            confidence=Confidence.MEDIUM,
            severity=artefact_severity(self.catalogue.capabilities[capability].severity),
        )


# Words every card tag, prose phrase, data set or model signal needs (prefilter; `*` = anywhere).
CARD_WORDS = ("*emotion", "affect", "expression", "facial", "fer", "ser", "race", "ethnic", "religio", "political",
               "sexual", "gender", "age", "*fake", "swap", "*faceswap", "clon", "voice", "lip", "talking", "portrait",
               "reenact", "face", "audio", "speech", "fairface", "utk")


class ModelCardRule(DocumentRule):
    """Model-card front matter (tags, pipeline_tag, datasets, base_model) and prose."""

    def keywords(self) -> Iterable[str] | None:
        words = set(CARD_WORDS) | model_keywords(self.catalogue)
        words.update(str(w).lower() for w in self.catalogue.extra.get("dataset_keywords", ()))
        return words

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.kind is FileKind.NOTEBOOK:
            yield from self._notebook_prose(ctx)
            return
        card = ctx.document
        if card is None:
            return
        meta_hit = self._metadata_hit(card)
        if meta_hit is not None:
            ctx.add_fact("capability", meta_hit.capability, self.meta.code, meta_hit.span.line if meta_hit.span else None, "S2", "medium")
            yield meta_hit
            return
        prose_hit = self._prose_hit(card)
        if prose_hit is not None:
            ctx.add_fact("capability", prose_hit.capability, self.meta.code, prose_hit.span.line if prose_hit.span else None, "S4", "low")
            yield prose_hit

    def _notebook_prose(self, ctx: FileContext) -> Iterator[Hit]:
        """Markdown cells are prose: the first capability sentence, located in its cell."""
        from kzai_lint.sources.markdown import parse_model_card

        notebook = ctx.document
        for cell in getattr(notebook, "cells", ()):
            if cell.cell_type != "markdown":
                continue
            hit = self._prose_hit(parse_model_card(cell.source))
            if hit is not None and hit.span is not None:
                span = Span(hit.span.line, hit.span.column, hit.span.end_line, hit.span.end_column, cell=cell.index)
                hit = replace(hit, span=span, anchor=f"cell.{hit.anchor}")
                ctx.add_fact("capability", hit.capability, self.meta.code, span.line, "S4", "low")
                yield hit
                return

    def _metadata_hit(self, card: Any) -> Hit | None:
        fm = card.front_matter
        if fm is None:
            return None
        cat = self.catalogue
        tag_rules = [(regex_cache.compile(r"^(" + t["pattern"] + r")$", re.IGNORECASE), t["capability"]) for t in cat.extra.get("card_tags", ())]
        for node in fm.nodes:
            top = node.key_path[0] if node.key_path else None
            if not isinstance(node.value, str):
                continue
            value = node.value.strip()
            capability = None
            if top in ("tags", "pipeline_tag"):
                capability = next((cap for rx, cap in tag_rules if rx.match(value)), None)
            elif top == "datasets":
                ds = cat.classify_dataset(value, as_id=True)
                capability = ds.capability if ds else None
            elif top in ("base_model", "model-index", "model_name"):
                match = cat.classify_model(value, loader=True)
                capability = match.capability if match else None
            if capability is not None and cat.capabilities[capability].code == self.meta.code:
                what = f"Model card metadata `{top}: {value}`"
                return Hit(
                    span=node.span,
                    message=capability_message(cat, self.meta.code, what, capability),
                    evidence=f"{top}: {value}",
                    anchor=f"front-matter.{top}",
                    capability=capability,
                    confidence=Confidence.MEDIUM,
                    severity=artefact_severity(cat.capabilities[capability].severity),
                )
        return None

    def _prose_hit(self, card: Any) -> Hit | None:
        from kzai_lint.sources.markdown import section_is_out_of_scope

        cat = self.catalogue
        whole = " ".join(p.text for p in card.paragraphs).lower()
        # Emotion words in a card about music, games or speech synthesis describe those (KZ306 only:
        # voice cloning and lip-sync cards always speak of TTS and vocoders), unless the card also
        # captures a person's face or voice.
        title = next((p.text for p in card.paragraphs if p.kind == "heading" and len(p.heading_path) == 1), "")
        if _rx(cat, "reading_list_title").search(title.strip().lower()):
            return None  # a list of papers or resources about the field, not a system
        emotion_vetoed = len(regex_cache.for_lowered(cat.not_person_context, whole).findall(whole)) >= 2 and about_non_persons(cat, whole)
        # A card about detecting deepfakes names them without making them (KZ307 only).
        detects_fakes = len(regex_cache.for_lowered(synthetic_detection_context(cat), whole).findall(whole)) >= 2
        for para in card.paragraphs:
            if para.kind in ("code", "html-comment", "table") or section_is_out_of_scope(para.heading_path):
                continue
            if para.kind == "heading" and len(para.heading_path) != 1:
                continue  # a top-level title states what the project is; sub-headings do not
            text = _mask_inline(_IN_PAGE_LINK.sub("", para.text))
            para_vetoed = emotion_vetoed or about_non_persons(cat, text.lower())
            found = prose_capability(cat, self.meta.code, text, emotion_vetoed=para_vetoed, detects_fakes=detects_fakes)
            if found is None:
                continue
            capability, offset, sentence, m = found
            line = para.line + para.text[: offset + m.start()].count("\n")
            original = para.text[offset : offset + len(sentence)]
            what = f"Model card prose \"{original[m.start():m.end()]}\""
            return Hit(
                span=Span(line, 1, line, 1),
                message=capability_message(cat, self.meta.code, what, capability) + " (prose only: information)",
                evidence=" ".join(original.split())[:200],
                anchor=" > ".join(para.heading_path),
                capability=capability,
                confidence=Confidence.LOW,
                severity=Severity.INFO,
            )
        return None


def synthetic_detection_context(catalogue: Catalogue) -> re.Pattern[str]:
    """Words of a text about detecting deepfakes (two or more: it names fakes without making them)."""
    return _rx(catalogue, "synthetic_detection_context")


def prose_capability(catalogue: Catalogue, code: str, text: str, *, emotion_vetoed: bool = False, detects_fakes: bool = False) -> tuple[str, int, str, re.Match[str]] | None:
    """The first sentence of `text` that states a capability of `code` in the catalogue's prose
    phrases: (capability, the sentence's offset, the sentence, the match). Sentences with an
    exclusion phrase (sentiment, deepfake detection, horse races) or a negation before the
    phrase do not count; `emotion_vetoed` (music, games, speech synthesis) switches KZ306 off,
    `detects_fakes` KZ307."""
    from kzai_lint.sources.markdown import is_negated, split_sentences

    if (code == "KZ306" and emotion_vetoed) or (code == "KZ307" and detects_fakes):
        return None
    phrases = [(regex_cache.compile(p["pattern"], re.IGNORECASE), p["capability"]) for p in catalogue.extra.get("prose", ()) if catalogue.capabilities[p["capability"]].code == code]
    if not phrases:
        return None
    exclude = _rx(catalogue, "prose_exclude")
    for sentence, offset in split_sentences(text):
        if exclude.search(sentence):
            continue
        for rx, capability in phrases:
            m = rx.search(sentence)
            if m is not None and not is_negated(sentence, m.start()):
                return capability, offset, sentence, m
    return None


# A link to a heading of the same page (`[Emotion Recognition](#emotion-recognition)`): a table
# of contents repeats the sub-headings, which do not state what the project is either.
_IN_PAGE_LINK = re.compile(r"\[[^\]\n]*\]\(#[^)\s]*\)")
_INLINE_NOISE = re.compile(r"`[^`\n]*`|\]\([^)\s]*\)|(?:https?|ftp)://\S+")


def _mask_inline(text: str) -> str:
    """Blank inline code spans, link targets and URLs (same length, so offsets still map to
    lines): `/data/deepfake/test` or `kaggle.com/c/deepfake-detection` are not prose."""
    return _INLINE_NOISE.sub(lambda m: " " * len(m.group(0)), text)


_LABEL_LINE_INDEX = re.compile(r"^\s*\d+\s*[:,\t ]\s*|\s*[:,\t ]\s*\d+\s*$")
MAX_LABEL_LINES = 2000


class LabelFileRule(DocumentRule):
    """A classifier's class-list file (`labels.txt`, `coco.names`...) whose labels reach a label
    set of the rule's code. The file is a model's output vocabulary by its role, so a set whose
    context is `ml` needs no more; a `biometric` set still needs face or voice words in it."""

    def keywords(self) -> Iterable[str] | None:
        return code_label_keywords(self.catalogue, self.meta.code)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        if not is_label_file(ctx.path.rsplit("/", 1)[-1].lower()):
            return
        cat = self.catalogue
        lines = ctx.text.splitlines()[:MAX_LABEL_LINES]
        labels = [_LABEL_LINE_INDEX.sub("", line).strip().strip("'\"") for line in lines]
        for label_set, terms in cat.label_matches(label for label in labels if label):
            capability = cat.capabilities[label_set.capability]
            if capability.code != self.meta.code:
                continue
            if label_set.context != "ml" and not context_allows(cat, label_set.context, ctx.lowered):
                continue
            if about_non_persons(cat, ctx.lowered, self.meta.code):
                return
            line = next((i for i, label in enumerate(labels, 1) if label.lower() in terms), 1)
            what = f"Label file with {len(terms)} {label_set.name} classes ({', '.join(sorted(terms)[:7])})"
            ctx.add_fact("capability", label_set.capability, self.meta.code, line, "S2", "medium")
            yield Hit(
                span=Span(line, 1, line, len(lines[line - 1]) + 1 if line <= len(lines) else 1),
                message=capability_message(cat, self.meta.code, what, label_set.capability),
                evidence=" ".join(label for label in labels if label)[:200],
                anchor="labels",
                capability=label_set.capability,
                confidence=Confidence.MEDIUM,
                severity=artefact_severity(capability.severity),
            )
            return


class DataColumnsRule(DocumentRule):
    """CSV/TSV/JSONL headers with a person-attribute target next to biometric input columns."""

    def keywords(self) -> Iterable[str] | None:
        words: set[str] = set()
        for entry in self.catalogue.extra.get("data_columns", ()):
            if self.catalogue.capabilities[entry["capability"]].code == self.meta.code:
                words.update(entry["columns"])
        return words

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        header = ctx.document
        if header is None:
            return
        columns = [c.strip().lower() for c in header.columns]
        for entry in self.catalogue.extra.get("data_columns", ()):
            capability = entry["capability"]
            if self.catalogue.capabilities[capability].code != self.meta.code:
                continue
            targets = [c for c in columns if c in entry["columns"]]
            inputs = [c for c in columns if c in entry["with"]]
            if targets and inputs:
                what = f"Data columns {targets} next to {inputs}"
                yield Hit(
                    span=Span(1, 1, 1, 1),
                    message=capability_message(self.catalogue, self.meta.code, what, capability),
                    evidence=",".join(header.columns)[:200],
                    anchor="header",
                    capability=capability,
                    confidence=Confidence.MEDIUM,
                    severity=artefact_severity(self.catalogue.capabilities[capability].severity),
                )
                return
