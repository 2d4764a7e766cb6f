"""One parser per file kind; `load_document` picks the parser for a kind.

Parsers convert positions once, here, to 1-based lines and columns (end exclusive), so rules and
reporters never deal with 0-based libcst or PyYAML marks.
"""
from __future__ import annotations

from typing import Any

from kzai_lint.model import FileKind


class DocumentError(ValueError):
    """A document could not be parsed; carries a 1-based line when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_document(kind: FileKind, text: str, path: str, data: bytes | None = None) -> Any:
    """Parse a non-Python artefact into its source object (see the per-kind modules)."""
    try:
        return _load(kind, text, path, data)
    except RecursionError:
        raise DocumentError("nesting too deep to parse") from None
    except DocumentError:
        raise
    except ValueError as exc:  # SourceParseError and friends
        raise DocumentError(str(exc), getattr(exc, "line", None)) from None


def _load(kind: FileKind, text: str, path: str, data: bytes | None) -> Any:
    if kind is FileKind.YAML:
        from kzai_lint.sources.yaml_doc import parse_yaml

        return parse_yaml(text)
    if kind is FileKind.TOML:
        from kzai_lint.sources.toml_doc import parse_toml

        return [parse_toml(text)]
    if kind is FileKind.JSON:
        from kzai_lint.sources.json_doc import parse_json

        return [parse_json(text)]
    if kind is FileKind.MODEL_CARD:
        from kzai_lint.sources.markdown import parse_model_card

        return parse_model_card(text)
    if kind is FileKind.REQUIREMENTS:
        from kzai_lint.sources import requirements as req

        name = path.rsplit("/", 1)[-1].lower()
        if name == "setup.cfg":
            return req.requirements_from_setup_cfg(text)
        if name in ("environment.yml", "environment.yaml", "conda.yml", "conda.yaml"):
            from kzai_lint.sources.yaml_doc import parse_yaml

            docs = parse_yaml(text)
            return req.requirements_from_environment_yml(docs[0]) if docs else []
        if name == "pipfile":
            from kzai_lint.sources.toml_doc import parse_toml

            return req.requirements_from_pipfile(parse_toml(text))
        return req.parse_requirements_txt(text)[0]
    if kind is FileKind.TABULAR:
        from kzai_lint.sources.tabular import read_table_head

        return read_table_head(data if data is not None else text.encode("utf-8"), suffix="." + path.rsplit(".", 1)[-1].lower())
    if kind is FileKind.JAVASCRIPT:
        from kzai_lint.sources.javascript import parse_script

        return parse_script(text, path)
    raise DocumentError(f"no parser for {kind.value}")
