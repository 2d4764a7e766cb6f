"""17(4): code that publishes the model openly in a system declared `closed` (KZ403), from the
catalogue's `publication_calls` (the model-card licence side is `declarations_mode`)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from kzai_lint.analysis.python_module import UNKNOWN
from kzai_lint.catalogue import Catalogue, CatalogueError
from kzai_lint.context import FileContext
from kzai_lint.model import PYTHON_KINDS, Confidence, Hit
from kzai_lint.rule import Invalid, PythonRule, RuleMeta, Valid
from kzai_lint.rules._call_arguments import holds
from kzai_lint.rules._declaration_view import declared
from kzai_lint.rules._runtime_signals import CallIndex, CallMatcher, call_matcher, matcher_keywords

_KEYS = frozenset({"name", "method", "requires_import", "keyword", "when", "unless", "what", "verified_in"})
CLOSED = '[tool.kzai-lint.system]\nrisk = "medium"\nautonomy = "low"\nmode = "closed"\n'


@dataclass(frozen=True)
class PublicationCall:
    """A call that publishes a model openly (push to a hub), with the conditions that make it public."""

    match: CallMatcher
    what: str
    when: Mapping[str, Any] | None
    unless: Mapping[str, Any] | None


def load_publication_calls(catalogue: Catalogue) -> tuple[PublicationCall, ...]:
    out = []
    for i, entry in enumerate(catalogue.extra.get("publication_calls") or ()):
        where = f"publication_calls[{i}]"
        if set(entry) - _KEYS or not entry.get("what"):
            raise CatalogueError(f"{where}: unknown key(s) {sorted(set(entry) - _KEYS)} or no `what`")
        out.append(PublicationCall(call_matcher(where, entry), str(entry["what"]), entry.get("when"), entry.get("unless")))
    return tuple(out)


def _declared_closed(settings: Any) -> bool:
    return declared(settings, "mode") == "closed"


class PublicPushWhileClosed(PythonRule):
    """Code that publishes the model openly although the system is declared `closed`.

    ## What it finds
    When `[tool.kzai-lint.system] mode = "closed"`: `push_to_hub(...)` without `private=True`
    (transformers, datasets, diffusers, sentence-transformers...: a new Hub repository is public
    by default), `huggingface_hub.create_repo(...)` without `private=True`,
    `update_repo_settings(..., private=False)`, and `TrainingArguments(push_to_hub=True)` without
    `hub_private_repo=True`. A `private=` given as a variable is the author's decision and is
    not reported. Test files are scanned like other code.

    ## Why it matters
    Article 17(4) defines a closed system as one whose owner or holder restricts access to its
    architecture and parameters; pushing the weights to a public repository opens them.

    ## Mitigation
    Pass `private=True` (`hub_private_repo=True` for the Trainer), push to an internal registry,
    or declare the mode the system really has (`open`).

    ## Suppression
    `# kzai: ignore[KZ403] <reason>` on the call, e.g. for a public demo model that is not the
    closed system's.
    """

    meta = RuleMeta(id="KZ403/public-push", code="KZ403", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.MEDIUM)
    INVALID = (
        Invalid("""
            from transformers import AutoModelForSequenceClassification
            model = AutoModelForSequenceClassification.from_pretrained("./checkpoints/best")
            model.push_to_hub("acme/credit-scoring")
            """, config=CLOSED, line=3),
        Invalid("""
            from transformers import TrainingArguments
            args = TrainingArguments(output_dir="out", push_to_hub=True, hub_model_id="acme/triage")
            """, config=CLOSED, line=2),
        Invalid("""
            from huggingface_hub import HfApi
            HfApi().update_repo_settings("acme/triage", private=False)
            """, config=CLOSED, line=2),
    )
    VALID = (
        Valid("""
            from transformers import AutoModel
            model = AutoModel.from_pretrained("./checkpoints/best")
            model.push_to_hub("acme/credit-scoring", private=True)
            """, config=CLOSED, note="a private repository"),
        Valid("""
            def publish(model, args):
                model.push_to_hub(args.repo, private=args.private)
            """, config=CLOSED, note="visibility decided by a variable"),
        Valid("""
            from transformers import AutoModel
            AutoModel.from_pretrained("./checkpoints/best").push_to_hub("acme/open-model")
            """, config=CLOSED.replace('"closed"', '"open"'), note="declared open"),
        Valid("""
            from transformers import TrainingArguments
            args = TrainingArguments(output_dir="out", push_to_hub=True, hub_private_repo=True)
            """, config=CLOSED),
    )

    @functools.cached_property
    def _calls(self) -> tuple[PublicationCall, ...]:
        return load_publication_calls(self.catalogue)

    @functools.cached_property
    def _index(self) -> CallIndex[PublicationCall]:
        return CallIndex((c.match, c) for c in self._calls)

    def keywords(self) -> Iterable[str] | None:
        return matcher_keywords(c.match for c in self._calls)

    def keywords_for(self, settings: Any) -> Iterable[str] | None:
        """Nothing to look for unless the system is declared closed (`check`'s first test): a
        `push_to_hub(` is in many training scripts of open models."""
        return self.keywords() if _declared_closed(settings) else ()

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        if not _declared_closed(ctx.settings):
            return
        facts = ctx.python.facts
        roots = frozenset(m.split(".", 1)[0] for m in facts.imported_modules)
        for site in facts.calls:
            for call in self._index.lookup(site, roots):
                if any(site.kwargs.get(key) is UNKNOWN for key in (call.unless or {})):
                    continue  # `private=args.private`: the author decides at run time
                if not all(holds(site, call.when)) or any(holds(site, call.unless)):
                    continue
                message = (
                    f"{site.display}() {call.what}, but the system is declared mode = \"closed\"; Article 17(4) closed "
                    f"systems restrict access to their architecture and parameters. Mitigation: publish privately "
                    f"(private=True) or to an internal registry, or declare the mode the system really has."
                )
                yield ctx.python_hit(site.node, message, scope=site.scope)
                break
