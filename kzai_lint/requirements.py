"""Whether any rule of a file kind could report in a text: its rules' keyword requirements.

A rule states what a file must contain for it to report (`Rule.requirements_for`): alternatives,
each a tuple of groups that must all occur. Most rules need one group (their keywords); some
need two or three things at once, and saying so keeps broad words from letting most files of a
large ML repository through (`age`, a model-id word, is in many files; with `import deepface` in
few).

A group holds keywords (`Prefilter` semantics: `word` at a word start, `*word` anywhere) and may
hold patterns, for conditions that words cannot state without letting through far too much:

- `token:FRAGMENT` -- the regex fragment matches whole snake_case tokens somewhere in the file,
  whatever the naming style (`token:ads?` holds for `show_ad`, `loadAd`, `AD_BANNER`; not for
  `adapter` or `threads`). The semantics of the vocabulary rules' `Terms`.
- `def:REGEX` -- a `def` or `class` name, lower-cased and with its underscores removed, matches
  REGEX as a whole (the semantics of the named-capability rules).
- `re:REGEX` -- REGEX is found in the lower-cased file.
- `distinct:JSON` -- `[n, [[word, ...], ...]]`: words of at least `n` of the listed classes
  occur at word starts (`distinct_requirement`): a label vocabulary needs five emotion classes,
  and one `sad` or `disgust` is in many files that hold no such list.
- `prose:REGEX` -- REGEX (case-insensitive) is found in the file read as text a person wrote:
  lower-cased, `\\n`/`\\t` escapes and runs of whitespace as one space, escaped quotes as
  quotes, and once more with `{placeholders}` as `{}` (what the prompt rules read in evaluated
  strings, f-strings and folded YAML scalars is then a substring, give or take whitespace).

A group holds when one of its keywords or patterns does. The check runs in two stages. The
first group of every alternative is a necessary condition, so their union is one `Prefilter` pass
over the text, which collects every first word it finds (and, for first groups with patterns,
those patterns: keep them cheap, such as `def:`, which reads only definition names). Only the
alternatives whose first words were found go on: their other keyword groups are looked for one
small keyword set at a time, and patterns are tried last, once per text, for the alternatives
that still can hold. (A `KeywordIndex` over every group of every alternative read each passing
file again for ~1,500 words: on transformers + diffusers that was a quarter of the prefilter.)
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Sequence

from kzai_lint import regex_cache
from kzai_lint.digest import blake2b
from kzai_lint.lowered import lowered
from kzai_lint.naming import snake_text, token_pattern
from kzai_lint.prefilter import Prefilter, stored_words

__all__ = ["Alternatives", "RequirementFilter", "distinct_requirement", "is_pattern", "string_value_regex", "token_regex"]

Alternatives = Sequence[tuple[tuple[str, ...], ...]]

_KINDS = ("token:", "def:", "re:", "prose:", "distinct:")
_WHITE_ESCAPE = re.compile(r"\\+(?:[nrt]|\r?\n)")  # `\n`, and a line continuation inside a string
_QUOTE_ESCAPE = re.compile(r"\\+(?=['\"])")
_PLACEHOLDER = re.compile(r"\{[^{}\n]*\}")
_WHITESPACE = re.compile(r"\s+")
# A definition's name in a file, whatever surrounds it (notebook JSON escapes the newline before
# it, so no word boundary is asked for; a line continuation may follow `def`). One regex per
# keyword, each starting with its literal, which `re` scans for fast (an alternation of the two
# is tried at every position: 3.4x slower on transformers + diffusers); the name is read by a
# look-ahead, so a `def` inside a name is still seen (`class undef x`).
_DEFINITIONS = (re.compile(r"def[\s\\]+(?=(\w+))"), re.compile(r"class[\s\\]+(?=(\w+))"))


# A regex that matches exactly one string: characters without special meaning and escapes of
# punctuation (`re.escape` output); `\d`, `\b`... are classes, not escapes of a character.
_LITERAL = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])+")
_ESCAPE = re.compile(r"\\(.)")


def _unescaped(pattern: str) -> str:
    return _ESCAPE.sub(r"\1", pattern)


def is_pattern(item: str) -> bool:
    """Whether a requirement item is a pattern (`token:`, `def:`, `re:`), not a keyword."""
    return item.startswith(_KINDS)


def string_value_regex(pattern: str) -> str:
    """A `re:` pattern for a value that a string literal holds, as its first non-blank line
    (a quote, blanks, then neither newline nor quote before the match): what `classify_model`
    reads is stripped and one line. `emotion` anywhere is in every prompt template and
    docstring about facial expressions."""
    return "[\"']\\s*[^\"'\\n]*?(?:" + pattern + ")"


def token_regex(fragments: Sequence[str]) -> str:
    """What `token:` items search in `snake_text`: `token_pattern`, but a token may also start
    after a digit (a word scan, `words_in`, reads `deposits` in `2deposits`, which the snake form
    keeps as one token). Empty without fragments."""
    pattern = token_pattern(fragments)
    return pattern.replace("(?:^|_)", "(?:^|_|(?<=[0-9]))", 1) if pattern else ""


class _Texts:
    """The forms of one text that patterns read, each computed once and only when asked."""

    __slots__ = ("text", "lowered", "_snake", "_names", "_prose")

    def __init__(self, text: str, lowered: str) -> None:
        self.text = text
        self.lowered = lowered
        self._snake: str | None = None
        self._names: list[str] | None = None
        self._prose: str | None = None

    @property
    def prose(self) -> str:
        if self._prose is None:
            text = _WHITESPACE.sub(" ", _QUOTE_ESCAPE.sub("", _WHITE_ESCAPE.sub(" ", self.lowered)))
            # and again with `{placeholders}` as f-strings show them to the rules (not only: a
            # JSON object or a dict literal is a pair of braces too)
            self._prose = text + "\n" + _PLACEHOLDER.sub("{}", text)
        return self._prose

    @property
    def snake(self) -> str:
        if self._snake is None:
            self._snake = snake_text(self.text)
        return self._snake

    @property
    def names(self) -> list[str]:
        if self._names is None:
            self._names = list({n.replace("_", "") for definition in _DEFINITIONS for n in definition.findall(self.lowered)})
        return self._names


class _Patterns:
    """The pattern items of one group: `holds(texts)` when any of them does. Each regex is
    compiled when a text first gets as far as searching it: most texts lack the literals that
    gate them, and compiling all of a group's regexes up front was a tenth of a pre-commit
    run's first prefilter pass."""

    def __init__(self, items: Sequence[str]) -> None:
        by_kind: dict[str, list[str]] = {kind: [] for kind in _KINDS}
        for item in items:
            kind = next(k for k in _KINDS if item.startswith(k))
            by_kind[kind].append(item[len(kind):])
        self._token_source = token_regex(by_kind["token:"]) or None
        self._def_source = "|".join(f"(?:{p})" for p in by_kind["def:"]) or None
        self._distinct_bodies = tuple(by_kind["distinct:"])
        self._compiled: dict[str, Any] = {}
        # One search per pattern, not one alternation of them all: most start with a literal,
        # which `re` finds with a fast scan, while an alternation of ~80 model ids and name
        # patterns tries every branch at every position (measured: 1.1 ms on a 4 KB file,
        # against 0.45 ms for the separate searches).
        # A pattern that is a plain (escaped) string, as a model id is, is looked for with `in`.
        plain = [_LITERAL.fullmatch(p) is not None for p in by_kind["re:"]]
        self._literals = tuple(_unescaped(p) for p, is_plain in zip(by_kind["re:"], plain) if is_plain)
        # Each regex with the literals one of which its every match contains (`necessary_literals`,
        # None: none known): searching those with `in` first spares most files the regex, which
        # for a pattern that starts with an alternation is tried at every position (measured on
        # transformers + diffusers: the requirement patterns were a fifth of a cold scan).
        self._re = tuple((p, pattern_literals(p)) for p, is_plain in zip(by_kind["re:"], plain) if not is_plain)
        # A prose pattern's literals as the runs each needs, all of them (`solid_words`).
        self._prose = tuple((p, _prose_words(p)) for p in by_kind["prose:"])
        # Every literal above, found in one pass when there are many (each `in` reads the whole
        # text when its literal is absent, as it is in most files: 40 model-id fragments were
        # 40 reads). Only the literals that contain a found one are then asked with `in`.
        words = {*self._literals, *(w for _, ws in self._re if ws for w in ws), *(w for _, ws in self._prose if ws for parts in ws for w in parts)}
        self._gate = Prefilter(["*" + w for w in words]) if len(words) >= LITERAL_GATE_FROM else None

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        """What `make` builds, made on first use and kept under `key` (see the class docstring)."""
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = make()
        return found

    def holds(self, texts: _Texts) -> bool:
        low = texts.lowered
        found = None if self._gate is None else [w[1:] for w in self._gate.found_words(low)]
        if self._literals and _may_hold(self._literals, low, found):
            return True
        if self._re:
            ascii_only = low.isascii()
            for pattern, words in self._re:
                if _may_hold(words, low, found):
                    # with its variant without case folding for ASCII texts, if it is one `(?i:...)` group
                    folded, plain = self._once("re:" + pattern, lambda: (regex_cache.compile(pattern), _unfolded(pattern)))
                    if (plain if plain is not None and ascii_only else folded).search(low):
                        return True
        if self._distinct_bodies and any(distinct.holds(low) for distinct in self._once("distinct:", lambda: tuple(_Distinct(body) for body in self._distinct_bodies))):
            return True
        if self._prose:
            prose = texts.prose
            ascii_only = prose.isascii()
            for pattern, words in self._prose:
                if _may_hold_all(words, low, found):
                    folded, plain = self._once("prose:" + pattern, lambda: (regex_cache.compile(pattern, re.IGNORECASE), _case_sensitive(pattern)))
                    if (plain if plain is not None and ascii_only else folded).search(prose):
                        return True
        if self._def_source is not None:
            definitions = self._once("def:", lambda: regex_cache.compile(self._def_source))
            if any(definitions.fullmatch(name) for name in texts.names):
                return True
        return self._token_source is not None and self._once("token:", lambda: regex_cache.compile(self._token_source)).search(texts.snake) is not None


def _unfolded(pattern: str) -> re.Pattern[str] | None:
    """A `re:` pattern that is one case-insensitive group, `(?i:...)` (`biometric_requirement`),
    without the case folding, for the lower-cased text when it is ASCII (None: not such a group,
    or the flag could matter). The group wraps the whole pattern when what it encloses is a
    regex on its own: its brackets balance, so the opening one closes at the end."""
    if not (pattern.startswith("(?i:") and pattern.endswith(")")):
        return None
    inner = pattern[len("(?i:") : -1]
    try:
        return regex_cache.case_sensitive_variant(inner)  # compiles `inner`: it must balance
    except re.error:
        return None


def _case_sensitive(pattern: str) -> re.Pattern[str] | None:
    """The prose pattern without `re.IGNORECASE`, for ASCII texts (None: keep the flag). The
    prose form is lower-cased, so a pattern with no upper-case letter (nor an escape that could
    spell one) matches an ASCII one alike either way, and case folding makes `re` ~1.5x slower
    (measured on the deepfake and talking-head phrases of the app-text rule)."""
    return regex_cache.case_sensitive_variant(pattern)


class _Distinct:
    """A `distinct:` item: how many classes must show, and one regex of all their words at word
    starts (the longest first, so a word is read whole: `sadness`, not `sad`)."""

    def __init__(self, body: str) -> None:
        import json  # only for files that reach a `distinct:` group

        needed, classes = json.loads(body)
        self.needed = int(needed)
        self.class_of = {word: i for i, words in enumerate(classes) for word in words}
        alternation = "|".join(re.escape(w) for w in sorted(self.class_of, key=lambda w: (-len(w), w)))
        # a word start: no letter or digit before, in any script (a term in a collection is
        # quoted or separated; `[a-z0-9]` would let a Cyrillic word start anywhere in one)
        self.regex = regex_cache.compile(f"(?<![^\\W_])(?:{alternation})") if alternation else None

    def holds(self, lowered: str) -> bool:
        if self.regex is None:
            return self.needed <= 0
        seen: set[int] = set()
        for match in self.regex.finditer(lowered):
            seen.add(self.class_of[match.group()])
            if len(seen) >= self.needed:
                return True
        return False


def _may_overlap(word: str, other: str) -> bool:
    """Whether the scan, reading the longest word at each word start, might read `other` where
    `word` starts (or the reverse): one is a prefix of the other (`fear`/`fearful`). Words of
    different things cannot overlap otherwise: each thing a collection counts is its own quoted
    item or identifier, so its words start where no other thing's match runs (`asian` inside
    `caucasian` starts no word; `0-2` inside `(0-2)` is the same item)."""
    return word.startswith(other) or other.startswith(word)


def distinct_requirement(needed: int, words_of: Iterable[Iterable[str]]) -> str | None:
    """A `distinct:` item for "at least `needed` of these things occur", each thing given as the
    words (lower-case, read at a word start) one of which shows it; None when it cannot rule out
    more than its words do (fewer than two classes needed). Words of different things that one
    could be read as the other (`_may_overlap`: `fear` and `fearful`) form one class, so the
    class count never exceeds the things found: `needed` is lowered to the number of the
    largest classes that hold `needed` things. (Reading one thing as two classes, `east` and
    `asian` of "east asian", only lets more texts through.)"""
    groups = [sorted(set(words)) for words in words_of]
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: list[tuple[str, int]] = [(w, i) for i, words in enumerate(groups) for w in words]
    for word, i in owner:
        for other, j in owner:
            if i != j and _may_overlap(word, other):
                parent[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(groups)):
        members.setdefault(root(i), []).append(i)
    sizes = sorted((len(m) for m in members.values()), reverse=True)
    classes_needed, covered = 0, 0
    for size in sizes:
        if covered >= needed:
            break
        covered += size
        classes_needed += 1
    if covered < needed or classes_needed < 2:
        return None
    classes = [sorted({w for i in m for w in groups[i]}) for m in members.values()]
    import json

    return "distinct:" + json.dumps([classes_needed, sorted(classes)], ensure_ascii=False)


_LITERALS_SECTION = "regex-literals"


def pattern_literals(pattern: str) -> tuple[str, ...] | None:
    """`necessary_literals` of a pattern searched in lower-cased text, as a `re:` requirement
    is (kept in the startup index, `_stored`)."""
    def compute() -> tuple[str, ...] | None:
        from kzai_lint.regex_literals import necessary_literals  # only when the index lacks them

        return necessary_literals(pattern)

    words = _stored("r:", pattern, compute)
    return tuple(words) if words else None


def _prose_words(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    """`solid_words` of a `prose:` pattern's `necessary_literals` (`_stored`)."""
    def compute() -> tuple[tuple[str, ...], ...] | None:
        from kzai_lint.regex_literals import necessary_literals, solid_words

        return solid_words(necessary_literals(pattern, re.IGNORECASE))

    words = _stored("w:", pattern, compute)
    return tuple(tuple(parts) for parts in words) if words else None


def _stored(prefix: str, pattern: str, compute: Callable[[], Sequence[Any] | None]) -> Any:
    """What `compute` gives for a pattern, kept in the startup index (as JSON lists; empty for
    None): reading a pattern with `re._parser` costs ~1 ms, and a run builds hundreds."""
    from kzai_lint import startup_index

    key = prefix + blake2b(pattern.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    table = startup_index.get(_LITERALS_SECTION, dict)
    if isinstance(table, dict) and key in table:
        return table[key]
    words = compute()
    stored = [list(w) if isinstance(w, tuple) else w for w in words] if words else []
    startup_index.update(_LITERALS_SECTION, key, stored)
    return stored


LITERAL_GATE_FROM = 8
"""Literals of one pattern group from which they are looked for in one pass (`_Patterns`)."""


def _may_hold(words: tuple[str, ...] | None, lowered: str, found: list[str] | None = None) -> bool:
    """Whether one of `words` occurs in `lowered`. `found`: what one pass over all the group's
    literals found, each a part of a literal that occurs (pruning keeps the shorter of two)."""
    if words is None:
        return True
    if found is not None:
        return any(word in lowered for word in words if any(part in word for part in found))
    return any(word in lowered for word in words)


def _may_hold_all(words: tuple[tuple[str, ...], ...] | None, lowered: str, found: list[str] | None = None) -> bool:
    """Whether all the runs of one of `words` occur in `lowered` (`found` as for `_may_hold`)."""
    if words is None:
        return True
    if found is not None:
        return any(all(any(part in piece for part in found) and piece in lowered for piece in parts) for parts in words)
    return any(all(piece in lowered for piece in parts) for parts in words)


def _cost(patterns: tuple[str, ...]) -> int:
    """Which of an alternative's pattern groups to try first: the one whose costliest pattern
    reads the cheapest form of the text (the lower-cased text, definition names, prose, the
    snake-case form); a group that fails spares the others."""
    return max(_COSTS.get(item.partition(":")[0], 0) for item in patterns)


_COSTS = {"re": 0, "distinct": 0, "def": 1, "prose": 2, "token": 3}


def _split(group: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keywords, patterns) of a requirement group."""
    if ":" not in "\0".join(group):  # most groups are words only (some hold hundreds)
        return group, ()
    return tuple(w for w in group if not is_pattern(w)), tuple(w for w in group if is_pattern(w))


class RequirementFilter:
    """`may_match(text)`: some alternative has a word of each of its groups in `text`
    (None: every text passes). `keywords` are the first-stage words (None: every text)."""

    def __init__(self, alternatives: Alternatives | None) -> None:
        self.alternatives = None if alternatives is None else [tuple(tuple(g) for g in alt) for alt in alternatives]
        # Each group split once into its keywords and its patterns (both compiled on first use,
        # shared by equal groups).
        self._split = [[_split(group) for group in alt] for alt in self.alternatives or ()]
        self.first = Prefilter(None if self.alternatives is None else [w for alt in self._split if alt for w in alt[0][0]])
        self.keywords = self.first.keywords
        # First groups with patterns (a `def:` name needs no word a keyword could state cheaply:
        # `def predictAge` holds `age` only inside a word, like every `image`).
        self._first_patterns = [alt[0][1] for alt in self._split if alt and alt[0][1]]
        self._patterns: dict[tuple[str, ...], _Patterns] = {}
        self._groups: dict[tuple[str, ...], Prefilter] = {}
        self._owners: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._first_words: list[tuple[frozenset[str], tuple[str, ...]]] | None = None
        self._conjunctive = self.alternatives is not None and any(len(alt) > 1 for alt in self.alternatives)

    @property
    def passes_everything(self) -> bool:
        return self.first.passes_everything

    def may_match(self, text: str) -> bool:
        if not self._conjunctive:
            if self.first.may_match(text):
                return True
            if not self._first_patterns:
                return False
            texts = _Texts(text, lowered(text))
            return any(self._holds(patterns, texts, {}) for patterns in self._first_patterns)
        low = lowered(text)
        texts = _Texts(text, low)
        known: dict[tuple[str, ...], bool] = {}
        # The alternatives whose first words occur, from one pass that collects every first
        # word found (as cheap as the yes/no pass on the many files with none); then only their
        # other groups are looked for, each a small keyword set, before any pattern.
        live: set[int] = set()
        for word in self.first.found_words(low):
            exact, maybe = self._owners_of(word)
            live.update(exact)
            live.update(i for i in maybe if i not in live and self._words_occur(self._split[i][0][0], low, known))
        if not live and not self._first_patterns:
            return False
        undecided: list[list[tuple[str, ...]]] = []
        for i in sorted(live):
            missing = []
            for keywords, patterns in self._split[i][1:]:
                if keywords and self._words_occur(keywords, low, known):
                    continue
                if not patterns:
                    break
                missing.append(patterns)
            else:
                if not missing:
                    return True
                undecided.append(missing)
        if any(all(self._holds(patterns, texts, known) for patterns in sorted(missing, key=_cost)) for missing in undecided):
            return True
        # Alternatives whose first group is missing as words but has patterns.
        for i, alt in enumerate(self._split):
            if i in live or not alt or not alt[0][1] or not self._holds(alt[0][1], texts, known):
                continue
            if all((keywords and self._words_occur(keywords, low, known)) or self._holds(patterns, texts, known) for keywords, patterns in alt[1:]):
                return True
        return False

    def _owners_of(self, found: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(alternatives a found word shows to have a first-group keyword, alternatives it may:
        the found word is part of a keyword of theirs, which pruning hid behind it, a shorter
        keyword or a `*` one; those are asked on their own)."""
        owners = self._owners.get(found)
        if owners is None:
            firsts = self._first_words
            if firsts is None:  # each alternative's first words as stored, once per filter
                firsts = self._first_words = []
                for alt in self._split:
                    words = stored_words(alt[0][0]) if alt else []
                    firsts.append((frozenset(words), tuple(w.lstrip("*") for w in words)))
            core = found.lstrip("*")
            exact: list[int] = []
            maybe: list[int] = []
            for i, (words, cores) in enumerate(firsts):
                if found in words or (found == core and "*" + core in words) or "*" in words:
                    exact.append(i)
                elif any(core in w for w in cores):
                    maybe.append(i)
            owners = self._owners[found] = (tuple(exact), tuple(maybe))
        return owners

    def _words_occur(self, keywords: tuple[str, ...], lowered: str, known: dict[tuple[str, ...], bool]) -> bool:
        """Whether a word of a (later) group occurs, asked once per text and group."""
        if keywords not in known:
            gate = self._groups.get(keywords)
            if gate is None:
                gate = self._groups[keywords] = Prefilter(keywords)
            known[keywords] = gate.may_match_lowered(lowered)
        return known[keywords]

    def _holds(self, items: tuple[str, ...], texts: _Texts, known: dict[tuple[str, ...], bool]) -> bool:
        """Whether one of a group's patterns holds in the text (asked once per text)."""
        if not items:
            return False
        if items not in known:
            patterns = self._patterns.get(items)
            if patterns is None:
                patterns = self._patterns[items] = _Patterns(items)
            known[items] = patterns.holds(texts)
        return known[items]
