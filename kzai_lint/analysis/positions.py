"""Positions of single syntax nodes, without libcst's PositionProvider over the whole module.

`MetadataWrapper(...).resolve(PositionProvider)` regenerates the entire module through a
position-tracking codegen state, which costs about 1.7 times the parse, although a file only needs
positions for its few findings. `NodePositions` gives the same `CodeRange`s (1-based lines, 0-based
columns, PositionProvider's own start/end rules) from a small piece of the tree:

- libcst prints every token it read back, so the code libcst generates for a node is a verbatim
  slice of the module's code, provided the codegen state holds the indentation of the enclosing
  blocks (`IndentedBlock` and `Match` push it; statements, decorators, `EmptyLine` and
  `ParenthesizedWhitespace` print it) and the keyword arguments the parent would pass (`elif`, an
  annotation's indicator, a parameter's star).
- The node is regenerated alone with PositionProvider's codegen state, which gives it and
  everything below it positions relative to its start. If its code occurs exactly once in the
  module, that occurrence is its own place (it does occur there), and the offset turns relative
  positions into absolute ones.
- Otherwise (`f(x)` twice) the node's place is found through an ancestor: the ancestor is
  regenerated with plain codegen (a sixth of the cost), noting where the node's code begins in it,
  and placed the same way. A repeated statement is first told apart by its neighbours in the
  block, which are printed right before and after it. The module itself is the last resort, and
  that is exactly PositionProvider.
- Ancestors come from a depth-first walk that stops at the requested node and resumes from there
  for the next one, reading only the fields that can hold more than whitespace and punctuation.

The module's code is the source text, except where libcst does not print back what it read: see
`_NOT_VERBATIM`. Measured on a generated tree of 3,000 files: three calls per file cost 0.16 of
the parse instead of 1.55, every call of a file 0.85. `tests/test_positions.py` compares every
node with PositionProvider.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst._nodes.base import CSTCodegenError
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

from kzai_lint.analysis.visitor import TRIVIA, child_fields, content_fields

__all__ = ["NodePositions"]

# Source that libcst does not print back character for character (found by fuzzing libcst 1.0.1):
# a byte-order mark, form feeds and vertical tabs, and a backslash continuation where a line's
# indentation is expected. Anything dropped at the very end of the file (trailing blank or comment
# lines, a lone `\r`) does not matter: it comes after every node, and the code is still a prefix.
_NOT_VERBATIM = re.compile(r"\A\ufeff|[\x0b\x0c]|^[ \t]*\\", re.MULTILINE)


class NodePositions:
    """PositionProvider's `CodeRange` for any node of one module, computed on demand and cached."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self._module = module
        self._text = text
        self._search: str | None = None
        self._line_starts: list[int] | None = None
        self._syntax_tree = _Ancestry(module, thorough=False)
        self._full_tree: _Ancestry | None = None
        self._windows: dict[int, _Window] = {}  # id(node) -> its window, covering its subtree
        self._placed: dict[int, int] = {}  # id(node) -> offset in the module's code
        self._ambiguous: set[int] = set()  # ids of nodes that cannot be placed by their code
        self._whole: _Window | None = None  # the whole module, once it had to be generated

    def range_of(self, node: cst.CSTNode) -> CodeRange | None:
        """The node's range, exactly as PositionProvider reports it (None if it has none)."""
        if self._whole is not None:
            return self._whole.get(node)
        path = self._path_to(node)
        if path is None or len(path) == 1:  # not in this tree, or the module itself
            return self._whole_module().get(node)
        found = self._placed_range(path)
        if found is None:
            window = self._window(path)
            found = None if window is None else window.get(node)
        return self._whole_module().get(node) if found is None else found

    def _placed_range(self, path: list[cst.CSTNode]) -> CodeRange | None:
        """The range from the window of the node or of its nearest placed ancestor, if any."""
        for ancestor in reversed(path):
            window = self._windows.get(id(ancestor))
            if window is not None:
                return window.get(path[-1])
        return None

    def _path_to(self, node: cst.CSTNode) -> list[cst.CSTNode] | None:
        if not _is_punctuation(type(node)):
            return self._syntax_tree.path_to(node)
        if self._full_tree is None:
            self._full_tree = _Ancestry(self._module, thorough=True)
        return self._full_tree.path_to(node)

    # ---- placing one node ----------------------------------------------------------------------
    def _window(self, path: list[cst.CSTNode]) -> _Window | None:
        """Positions of the node at the end of `path` and of everything below it.

        Its own codegen gives the positions relative to its start; where it starts comes from its
        code or, failing that, from an ancestor's (plain codegen, which costs a fraction).
        """
        node, depth = path[-1], len(path) - 1
        state = self._state(_indent_tokens(path, depth, self._module))
        try:
            node._codegen(state, **_context_kwargs(node, path[-2]))
        except CSTCodegenError:  # needs context this module does not reproduce
            return None
        code = "".join(state.tokens)
        start = self._offset_of(path, depth, code)
        depth -= 1
        while start is None and depth > 0:
            start = self._offset_within(path, depth)
            depth -= 1
        if start is None or not self._search_text().startswith(code, start):
            return None
        window = _Window(state.provider._computed, *self._line_column(start))
        self._windows[id(node)] = window
        return window

    def _offset_within(self, path: list[cst.CSTNode], depth: int) -> int | None:
        """The node's offset, found through its ancestor `path[depth]`."""
        ancestor = path[depth]
        if isinstance(ancestor, cst.IndentedBlock) or id(ancestor) in self._ambiguous:
            return None  # a block's statements were already placed by their neighbours
        indents = _indent_tokens(path, depth, self._module)
        module = self._module
        state = _MarkingState(module.default_indent, module.default_newline, indent_tokens=indents, target=path[-1])
        try:
            ancestor._codegen(state, **_context_kwargs(ancestor, path[depth - 1]))
        except CSTCodegenError:
            self._ambiguous.add(id(ancestor))
            return None
        if state.mark < 0:
            return None
        offset = self._offset_of(path, depth, "".join(state.tokens))
        return None if offset is None else offset + sum(map(len, state.tokens[: state.mark]))

    def _offset_of(self, path: list[cst.CSTNode], depth: int, code: str) -> int | None:
        """Where `path[depth]`, whose code this is, starts in the module's code, if certain."""
        node = path[depth]
        known = self._placed.get(id(node))
        if known is not None or id(node) in self._ambiguous:
            return known
        offset = _unique_offset(self._search_text(), code)
        parent = path[depth - 1]
        if offset is None and isinstance(parent, (cst.IndentedBlock, cst.Module)):
            indents = _indent_tokens(path, depth, self._module)
            offset = self._offset_among_siblings(parent.body, node, code, indents)
        if offset is None:
            self._ambiguous.add(id(node))
        else:
            self._placed[id(node)] = offset
        return offset

    def _offset_among_siblings(
        self, body: Sequence[cst.BaseStatement], statement: cst.CSTNode, code: str, indents: list[str]
    ) -> int | None:
        """Where a repeated statement is, told apart by its neighbours.

        A block prints its statements one after the other, so the statement's code is at its
        place preceded and followed by its siblings' code. Each occurrence of the code is checked
        against one more neighbour at a time (nearest first, alternating sides) until one is
        left; that is far cheaper than regenerating the whole enclosing block.
        """
        index = next((i for i, item in enumerate(body) if item is statement), None)
        search = self._search_text()
        places = _occurrences(search, code, _MAX_OCCURRENCES)
        if index is None or places is None:
            return None
        first, last, before, after = index, index, 0, len(code)  # body[first..last] checked
        while len(places) > 1 and (first > 0 or last < len(body) - 1):
            if first > 0 and (last == len(body) - 1 or index - first <= last - index):
                first -= 1
                piece = _plain_code(body[first], indents, self._module)
                before += len(piece)
                places = [at for at in places if at >= before and search.startswith(piece, at - before)]
            else:
                last += 1
                piece = _plain_code(body[last], indents, self._module)
                places = [at for at in places if search.startswith(piece, at + after)]
                after += len(piece)
        return places[0] if len(places) == 1 else None

    def _whole_module(self) -> _Window:
        """PositionProvider's own computation, for what the fast path cannot answer."""
        if self._whole is None:
            state = self._state([])
            self._module._codegen(state)
            self._whole = _Window(state.provider._computed, 1, 0)
            self._windows.clear()
        return self._whole

    def _state(self, indent_tokens: list[str]) -> PositionProvidingCodegenState:
        module = self._module
        return PositionProvidingCodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=_Positions(),  # type: ignore[arg-type]  # only `_computed` is used
            indent_tokens=indent_tokens,
        )

    # ---- the module's code ---------------------------------------------------------------------
    def _search_text(self) -> str:
        """The code that codegen produces for the module, before the final newline is dropped.

        Usually that is the source text itself (plus the newline libcst adds when the file does
        not end with one, since the last statement's code still carries it). Text libcst does not
        print back verbatim is regenerated instead, which is exact but costs a plain codegen.
        """
        if self._search is None:
            module = self._module
            if _NOT_VERBATIM.search(self._text) is None:
                tail = "" if module.has_trailing_newline else module.default_newline
                self._search = self._text + tail
            else:
                self._search = _generated_code(module)
        return self._search

    def _line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based column of an offset, with libcst's newlines (`\\r\\n?|\\n`)."""
        if self._line_starts is None:
            self._line_starts = [0, *(match.end() for match in NEWLINE_RE.finditer(self._search_text()))]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1]


@dataclass
class _MarkingState(CodegenState):
    """Plain codegen that notes how many tokens precede one node's code."""

    target: Any = None
    mark: int = -1

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node is self.target:
            self.mark = len(self.tokens)


class _Positions:
    """What PositionProvidingCodegenState needs of a provider: somewhere to record ranges."""

    __slots__ = ("_computed",)

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


class _Window:
    """Ranges relative to a regenerated piece of code, and where that piece starts."""

    __slots__ = ("column", "computed", "line")

    def __init__(self, computed: dict[cst.CSTNode, CodeRange], line: int, column: int) -> None:
        self.computed = computed
        self.line = line
        self.column = column

    def get(self, node: cst.CSTNode) -> CodeRange | None:
        relative = self.computed.get(node)
        if relative is None or (self.line == 1 and self.column == 0):
            return relative
        return CodeRange(self._absolute(relative.start), self._absolute(relative.end))

    def _absolute(self, position: CodePosition) -> CodePosition:
        """Lines add up; columns only on the piece's first line, which starts mid-line."""
        if position.line == 1:
            return CodePosition(self.line, self.column + position.column)
        return CodePosition(self.line + position.line - 1, position.column)


def _unique_offset(haystack: str, needle: str) -> int | None:
    """Where `needle` occurs if it occurs exactly once (overlapping occurrences count)."""
    first = haystack.find(needle)
    if first == -1 or haystack.find(needle, first + 1) != -1:
        return None
    return first


def _occurrences(haystack: str, needle: str, limit: int) -> list[int] | None:
    """Every offset where `needle` occurs (overlapping too); None if more than `limit`."""
    places: list[int] = []
    at = haystack.find(needle)
    while at != -1:
        if len(places) == limit:
            return None
        places.append(at)
        at = haystack.find(needle, at + 1)
    return places


# Beyond this many occurrences a statement is better placed by regenerating its parent.
_MAX_OCCURRENCES = 256


def _plain_code(node: cst.CSTNode, indents: list[str], module: cst.Module) -> str:
    """The node's code inside blocks indented by `indents`, without recording positions."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline, indent_tokens=list(indents))
    node._codegen(state)
    return "".join(state.tokens)


def _generated_code(module: cst.Module) -> str:
    """The module's code as codegen produces it, including the final newline `Module` drops."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for part in (module.header, module.body, module.footer):
        for node in part:
            node._codegen(state)
    return "".join(state.tokens)


def _indent_tokens(path: Sequence[cst.CSTNode], depth: int, module: cst.Module) -> list[str]:
    """The indentation pushed by the blocks around `path[depth]`, outermost first."""
    tokens: list[str] = []
    for index in range(depth):
        ancestor, child = path[index], path[index + 1]
        if _pushes_indent(ancestor, child):
            indent = ancestor.indent  # type: ignore[attr-defined]  # IndentedBlock or Match
            tokens.append(module.default_indent if indent is None else indent)
    return tokens


def _pushes_indent(ancestor: cst.CSTNode, child: cst.CSTNode) -> bool:
    """Whether `ancestor` has pushed its indentation when it prints `child` (a block's header
    and a match's subject come before the push)."""
    if isinstance(ancestor, cst.IndentedBlock):
        return ancestor.header is not child
    if isinstance(ancestor, cst.Match):
        return _is_among(child, ancestor.cases) or _is_among(child, ancestor.footer)
    return False


def _context_kwargs(node: cst.CSTNode, parent: cst.CSTNode) -> dict[str, Any]:
    """The codegen arguments a parent passes that change what the node prints.

    The others (`default_comma`, `default_semicolon`, ...) only matter for a missing comma or
    semicolon, which a parsed tree never has where the parent would add one.
    """
    if isinstance(node, cst.If):
        return {"is_elif": isinstance(parent, cst.If) and parent.orelse is node}
    if isinstance(node, cst.Annotation):
        returns = isinstance(parent, cst.FunctionDef) and parent.returns is node
        return {"default_indicator": "->" if returns else ":"}
    if isinstance(node, cst.Param) and isinstance(parent, cst.Parameters):
        star = "*" if parent.star_arg is node else "**" if parent.star_kwarg is node else ""
        return {"default_star": star}
    return {}


def _is_among(node: cst.CSTNode, nodes: Sequence[cst.CSTNode]) -> bool:
    return any(item is node for item in nodes)


class _Ancestry:
    """Parents of the nodes of one tree, found by a depth-first walk that stops at the node
    asked for and resumes from there for the next question.

    Most of a libcst tree is whitespace and punctuation (`SimpleWhitespace` alone is 40% of the
    nodes), which findings never point at. Unless the tree is `thorough`, the fields declared to
    hold only such nodes are not even read, and nodes with nothing else below them (`Name`) are
    recorded but not entered: the walk is several times cheaper.
    """

    def __init__(self, root: cst.Module, *, thorough: bool) -> None:
        self._root = root
        self._thorough = thorough
        self._parents: dict[int, cst.CSTNode] = {}  # id(child) -> parent; the tree keeps both alive
        self._stack: list[cst.CSTNode] = [root]
        self._shared = False  # a node reached twice: paths would be ambiguous

    def path_to(self, node: cst.CSTNode) -> list[cst.CSTNode] | None:
        """The module, the node's ancestors and the node; None if not found or ambiguous."""
        if node is not self._root and id(node) not in self._parents and not self._walk_until(node):
            return None
        if self._shared:
            return None
        path = [node]
        while path[-1] is not self._root:
            path.append(self._parents[id(path[-1])])
        path.reverse()
        return path

    def _walk_until(self, target: cst.CSTNode) -> bool:
        """Walk on until the target's parent is known; False once the whole tree was walked."""
        parents, stack, wanted, thorough = self._parents, self._stack, id(target), self._thorough
        fields, node_class = _ALL_FIELDS if thorough else _SYNTAX_FIELDS, cst.CSTNode
        while stack:
            node = stack.pop()
            known, recorded = len(parents), 0
            names = fields.get(type(node))
            if names is None:
                names = _learn_fields(node, thorough)
            for name in names:
                value = getattr(node, name)
                for item in value if isinstance(value, (list, tuple)) else (value,):
                    if isinstance(item, node_class):
                        parents[id(item)] = node
                        recorded += 1
                        below = fields.get(type(item))
                        if below is None:
                            below = _learn_fields(item, thorough)
                        if below:  # nothing to find below a `Name` or a `Comma`
                            stack.append(item)
            if len(parents) - known != recorded:
                self._shared = True
            if wanted in parents:
                return True
        return False


# The fields to walk, per node type: every child (`_ALL_FIELDS`, libcst's order) or only those that
# can hold more than whitespace and punctuation (`visitor.content_fields`).
_ALL_FIELDS: dict[type, tuple[str, ...]] = {}
_SYNTAX_FIELDS: dict[type, tuple[str, ...]] = {}


def _learn_fields(node: cst.CSTNode, thorough: bool) -> tuple[str, ...]:
    """The fields of the node's type to walk (all, if `thorough`), learnt once per type."""
    node_type = type(node)
    names = child_fields(node)
    syntax = () if _is_punctuation(node_type) else content_fields(node)
    _ALL_FIELDS[node_type], _SYNTAX_FIELDS[node_type] = names, syntax
    return names if thorough else syntax


def _is_punctuation(node_type: type) -> bool:
    """Whitespace, comments, operators, brackets: nodes a finding never points at."""
    return node_type.__name__ in TRIVIA