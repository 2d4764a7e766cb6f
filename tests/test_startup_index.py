"""The startup index (`startup_index`) and the rule stand-ins (`lazy_rules`) change no result: a
run from the index finds what a run without it finds, imports only the rule modules it runs,
and a damaged index is rebuilt."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kzai_lint import catalogue, lazy_rules, registry, startup_index
from kzai_lint.api import check
from kzai_lint.config import Settings
from kzai_lint.rule import RepoRule, Rule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run_python(code: str, env: dict[str, str], cwd: Path | None = None) -> list[str]:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, cwd=cwd, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def child_env(index: Path | str) -> dict[str, str]:
    env = {**os.environ, startup_index.ENV: str(index), "KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")])
    return env


def file_rule_only_modules() -> set[str]:
    """Modules that define file rules and no repository rule: a run whose files all miss the
    prefilter (or come from the cache) has no reason to import them."""
    by_module: dict[str, set[bool]] = {}
    for rule in registry.builtin_rules():
        by_module.setdefault(rule.__module__, set()).add(issubclass(rule, RepoRule))
    return {m for m, repo in by_module.items() if True not in repo}


SCAN = """
import json, sys
from kzai_lint.cli import main
main(["check", "--format", "json", "-o", sys.argv[1], *sys.argv[2:]])
from kzai_lint import lazy_import
print(json.dumps(sorted(m for m in sys.modules if m.startswith("kzai_lint.rules."))))
print(lazy_import.is_loaded("libcst"))
"""


def scan(root: Path, index: Path | str, *args: str) -> tuple[list[str], str, str]:
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as out:  # the report is not written into the scanned tree
        report = Path(out) / "out.json"
        done = subprocess.run([sys.executable, "-c", SCAN, str(report), *args], capture_output=True, text=True, timeout=300, cwd=root, env=child_env(index), check=False)
        assert done.returncode == 0, done.stderr
        modules, libcst = done.stdout.splitlines()[-2:]
        return json.loads(modules), libcst, report.read_text(encoding="utf-8")


def test_runs_that_analyse_nothing_import_no_file_rule_and_no_libcst(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("import os\n\nHOME = os.environ.get('HOME')\n", encoding="utf-8")
    (repo / "b.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    index = tmp_path / "index"
    _, _, first = scan(repo, index, "a.py", "b.py", "--no-cache")  # builds the index
    modules, libcst, again = scan(repo, index, "a.py", "b.py", "--no-cache")
    assert again == first and libcst == "False"
    assert not set(modules) & file_rule_only_modules(), set(modules) & file_rule_only_modules()
    # A warm run from the result cache: nothing is analysed either.
    scan(repo, index, ".")
    modules, libcst, _ = scan(repo, index, ".")
    assert libcst == "False" and not set(modules) & file_rule_only_modules()


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())[:3])
def test_findings_are_the_same_with_and_without_the_index(name: str, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    _, _, without = scan(root, "", ".", "--no-cache")
    _, _, building = scan(root, tmp_path / "index", ".", "--no-cache")
    _, _, indexed = scan(root, tmp_path / "index", ".", "--no-cache")
    assert without == building == indexed


def test_a_damaged_index_is_rebuilt(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "cam.py").write_text("from deepface import DeepFace\nDeepFace.analyze('x.jpg', actions=['emotion'])\n", encoding="utf-8")
    index = tmp_path / "index"
    _, _, good = scan(repo, index, "cam.py", "--no-cache")
    files = sorted(index.glob("*.marshal"))
    assert files
    for path in files:
        path.write_bytes(path.read_bytes()[:100])  # truncated
    _, _, again = scan(repo, index, "cam.py", "--no-cache")
    assert again == good
    for path in files:
        path.write_bytes(b"\x00garbage")
    _, _, once_more = scan(repo, index, "cam.py", "--no-cache")
    assert once_more == good
    assert all(path.stat().st_size > 100 for path in index.glob("index-*.marshal"))


def stand_ins() -> list[type[Rule]]:
    records = lazy_rules.records(registry.builtin_rules(), catalogue.load())
    return [lazy_rules.stand_in(tuple(r)) for r in records]


@pytest.mark.parametrize("system", [{}, {"mode": "local", "autonomy": "high"}, {"mode": "closed", "autonomy": "low"}])
def test_stand_ins_give_the_real_rules_metadata_and_keywords(system: dict[str, Any], tmp_path: Path) -> None:
    settings = Settings(root=tmp_path, system=system)
    cat = catalogue.load()
    for real, stand_in in zip(registry.builtin_rules(), stand_ins()):
        assert lazy_rules.is_stand_in(stand_in) and not lazy_rules.is_stand_in(real)
        assert (stand_in.__name__, stand_in.__module__, stand_in.__qualname__, stand_in.meta) == (real.__name__, real.__module__, real.__qualname__, real.meta)
        assert stand_in.summary() == real.summary() and stand_in.doc() == real.doc()
        assert issubclass(stand_in, RepoRule) == issubclass(real, RepoRule)
        expected = real(cat, None).keywords_for(settings)
        found = stand_in(cat, None).keywords_for(settings)
        assert (None if expected is None else set(expected)) == (None if found is None else set(found)), real.meta.id


@pytest.mark.parametrize("system", [{}, {"mode": "local", "autonomy": "high"}])
def test_stand_ins_give_the_real_rules_requirements(system: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Per kind, from one index section per settings: a section per rule and kind crowded the
    catalogue and rule sections out of the index (its size is bounded)."""
    from kzai_lint import startup_index

    startup_index.reset()
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", str(tmp_path / "index"))
    startup_index.reset()
    try:
        settings = Settings(root=tmp_path, system=system)
        cat = catalogue.load()
        before = {name for name in startup_index._sections() if name.startswith("requirements/")}
        for real, stand_in in zip(registry.builtin_rules(), stand_ins()):
            for kind in real.meta.kinds:
                expected = real(cat, None).requirements_for(settings, kind)
                found = stand_in(cat, None).requirements_for(settings, kind)
                assert _normal(found) == _normal(expected), (real.meta.id, kind)
        sections = {name for name in startup_index._sections() if name.startswith("requirements/")} - before
        assert len(sections) == 1, sorted(sections)[:3]
    finally:
        startup_index.reset()
        monkeypatch.delenv("KZAI_LINT_INDEX_DIR")
        startup_index.reset()


def _normal(alternatives: Any) -> Any:
    return None if alternatives is None else sorted(tuple(tuple(sorted(set(g))) for g in alt) for alt in alternatives)


def test_a_stand_in_becomes_the_real_rule_in_place() -> None:
    cat = catalogue.load()
    for real, stand_in in zip(registry.builtin_rules(), stand_ins()):
        rule = stand_in(cat, {"x": 1})
        same = lazy_rules.resolve(rule)
        assert same is rule and type(rule) is real and isinstance(rule, real) and rule.options == {"x": 1} and rule.catalogue is cat
        assert vars(rule).keys() == vars(real(cat, {"x": 1})).keys()
    # Pickling (a spawned worker) and unknown attributes resolve too.
    rule = stand_ins()[0](cat, None)
    copied = pickle.loads(pickle.dumps(rule))
    assert type(copied) is registry.builtin_rules()[0] and type(rule) is registry.builtin_rules()[0]


def test_the_stamp_follows_the_package_files() -> None:
    stamp = startup_index.package_stamp()
    names = {name for name, _, _ in stamp}
    assert "rules/emotion_recognition.py" in names and "catalogue/codes.yaml" in names and "registry.py" in names
    assert not any("__pycache__" in name for name in names)


def test_no_index_folder_means_no_index(tmp_path: Path) -> None:
    out = run_python(
        """
        from kzai_lint import registry, startup_index
        pack = registry.lazy_builtin_pack()
        print(startup_index.directory(), pack is registry.builtin_pack())
        """,
        child_env(""),
    )
    assert out[-1] == "None True"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_stand_ins_and_real_classes_find_the_same(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    lazy = check([root], jobs=1)
    monkeypatch.setattr(registry, "lazy_builtin_pack", registry.builtin_pack)
    real = check([root], jobs=1)
    assert (lazy.findings, lazy.errors, lazy.warnings, lazy.rules_run) == (real.findings, real.errors, real.warnings, real.rules_run)


DATACLASSES = """
import dataclasses, inspect, json, sys
__name__ = "kzai_lint_dataclass_test"  # a package whose dataclasses are cached
sys.modules[__name__] = sys.modules["__main__"]
from typing import Optional
from kzai_lint import codegen_cache
if sys.argv[1] == "on":
    codegen_cache.install()

@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Point:
    x: int
    y: Optional[str] = None
    tags: tuple = ()

@dataclasses.dataclass
class Box:
    items: list = dataclasses.field(default_factory=list)
    size: int = dataclasses.field(default=3, repr=False)

p, q = Point(1, "a"), Point(1, "a")
facts = [repr(p), p == q, hash(p) == hash(q), p < Point(2), str(inspect.signature(Point)), repr(Point.__init__.__annotations__),
         repr(Box()), Box() == Box(), Point.__init__.__code__.co_filename, Point.__doc__]
try:
    p.x = 3
except dataclasses.FrozenInstanceError:
    facts.append("frozen")
store = codegen_cache._STORE
facts.append(None if store is None else store.compiled)
print(json.dumps(facts))
"""


@pytest.mark.parametrize("module", ["kzai_lint_dataclass_test", "__main__"])
def test_dataclasses_from_the_code_cache_behave_the_same(module: str, tmp_path: Path) -> None:
    """Same classes with and without the cache, for a package it caches and for one it does not
    (whose code it compiles as `dataclasses` would, without this module's `__future__` flags)."""
    env = child_env(tmp_path / "index")
    runs = []
    code = DATACLASSES.replace("kzai_lint_dataclass_test", module)
    for mode in ("off", "on", "on"):
        done = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, timeout=300, env=env, check=False)
        assert done.returncode == 0, done.stderr
        runs.append(__import__("json").loads(done.stdout.splitlines()[-1]))
    without, compiling, cached = runs
    assert without[:-1] == compiling[:-1] == cached[:-1]
    if module == "__main__":
        assert compiling[-1] == cached[-1] == 0 and not list((tmp_path / "index").glob("dataclass-code-*"))
        return
    assert without[-1] is None and compiling[-1] > 0 and cached[-1] == 0  # the third run compiled nothing
    assert list((tmp_path / "index").glob("dataclass-code-kzai_lint*.marshal"))


EXTENSION = {
    "models": {"acme/moodnet-xl": {"capability": "emotion_face", "source": "test"}},
    "calls": [{"name": "moodlib.read_face", "role": "operation", "capabilities": ["emotion_face"]}],
}


@pytest.mark.parametrize("system", [{}, {"mode": "local", "autonomy": "high"}])
def test_stand_ins_follow_an_extended_catalogue(system: dict[str, Any], tmp_path: Path) -> None:
    """With a pack's catalogue extension the keywords come from the index per catalogue
    identity, computed by the real rule: the same words as the real class."""
    settings = Settings(root=tmp_path, system=system)
    extended = catalogue.extend(catalogue.load(), EXTENSION)
    assert catalogue.identity(extended) not in (None, catalogue.identity(catalogue.load()))
    assert catalogue.identity(catalogue.extend(catalogue.load(), EXTENSION)) == catalogue.identity(extended)
    for real, stand_in in zip(registry.builtin_rules(), stand_ins()):
        expected = real(extended, None).keywords_for(settings)
        for _ in range(2):  # computed, then from the index
            found = stand_in(extended, None).keywords_for(settings)
            assert (None if expected is None else set(expected)) == (None if found is None else set(found)), real.meta.id
    assert any("moodlib" in w for r in registry.builtin_rules() for w in (r(extended, None).keywords_for(settings) or ()))


def test_a_full_index_drops_per_settings_sections_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzai_lint import startup_index

    startup_index.reset()  # what this process computed so far goes to its own index, not this one
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setattr(startup_index, "MAX_SECTIONS", 4)
    startup_index.reset()
    try:
        startup_index.get("catalogue/test", lambda: [1])
        startup_index.get("rules/test", lambda: [2])
        for i in range(5):
            startup_index.get(f"requirements/{i}", dict)
            startup_index.update(f"requirements/{i}", "KZ000/x/python", [0])
        startup_index.flush()
        startup_index.reset()
        kept = set(startup_index._sections())
        assert {"catalogue/test", "rules/test"} <= kept and len(kept) == 4
        requirements = [name for name in kept if name.startswith("requirements/")]
        assert len(requirements) == 2
        assert all(startup_index._sections()[name] == {"KZ000/x/python": [0]} for name in requirements)
    finally:
        monkeypatch.delenv("KZAI_LINT_INDEX_DIR")
        startup_index.reset()


def test_a_full_index_keeps_what_this_run_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index filled with sections other runs wrote (a test suite's regexes and keyword sets)
    once evicted the per-settings requirements section of every run that wrote it: each warm
    run then imported every rule module to recompute it. Idle sections go first now."""
    from kzai_lint import startup_index

    startup_index.reset()
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setattr(startup_index, "MAX_SECTIONS", 5)
    startup_index.reset()
    try:
        for i in range(5):  # an earlier run's sections fill the index
            startup_index.get(f"re/{i}", lambda: [i])
        startup_index.flush()
        startup_index.reset()
        startup_index.get("requirements/mine", dict)
        startup_index.update("requirements/mine", "KZ000/x/python", [0])
        startup_index.get("re/4", lambda: [99])  # used again by this run
        startup_index.flush()
        startup_index.reset()
        kept = startup_index._sections()
        assert kept.get("requirements/mine") == {"KZ000/x/python": [0]}
        assert "re/4" in kept and "re/0" not in kept and len(kept) == 5
    finally:
        monkeypatch.delenv("KZAI_LINT_INDEX_DIR")
        startup_index.reset()


@pytest.fixture()
def own_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from kzai_lint import startup_index

    startup_index.reset()
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", str(tmp_path / "index"))
    startup_index.reset()
    yield startup_index
    startup_index.reset()
    monkeypatch.delenv("KZAI_LINT_INDEX_DIR")
    startup_index.reset()


def test_sections_are_decoded_only_when_asked_for(own_index: Any) -> None:
    """A full index (a few MB after a test suite) cost 30 ms to decode at every start-up."""
    for i in range(20):
        own_index.get(f"re/{i}", lambda i=i: list(range(i)))
    own_index.flush()
    own_index.reset()
    assert own_index.get("re/7", lambda: None) == list(range(7))
    assert set(own_index._STATE.sections.values) == {"re/7"}
    assert len(own_index._sections()) == 20 and "re/19" in own_index._sections()


def test_a_damaged_section_is_computed_again(own_index: Any) -> None:
    import marshal

    own_index.get("re/ok", lambda: [1])
    own_index.flush()
    path = own_index._path()
    head, stamp, sections = marshal.loads(Path(path).read_bytes())
    sections["re/bad"] = b"\xff\x00 not marshal"
    Path(path).write_bytes(marshal.dumps((head, stamp, sections)))
    own_index.reset()
    assert own_index.get("re/bad", lambda: [2]) == [2]
    assert own_index.get("re/ok", lambda: [3]) == [1]


def test_index_size_is_bounded_in_bytes(own_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzai_lint import startup_index

    monkeypatch.setattr(startup_index, "MAX_BYTES", 50_000)
    for i in range(10):
        own_index.get(f"requirements/{i}", lambda i=i: {"x": "y" * 10_000 + str(i)})
    own_index.get("rules/builtin-test", lambda: ["kept"])
    own_index.flush()
    own_index.reset()
    kept = own_index._sections()
    assert sum(len(kept.encoded(name)) for name in kept) <= 50_000
    assert kept["rules/builtin-test"] == ["kept"] and 0 < len(kept) < 11


VERSIONED = r"""
import dataclasses, sys
__name__ = "kzai_lint_dataclass_versions"
sys.modules[__name__] = sys.modules["__main__"]
from kzai_lint import codegen_cache
codegen_cache.install()
exec("@dataclasses.dataclass(frozen=True)\nclass Record:\n" + "".join(f"    {name}: int\n" for name in sys.argv[1].split(",")))
print(codegen_cache._STORE.compiled)
"""


def test_code_cache_keeps_only_the_code_a_module_last_ran(tmp_path: Path) -> None:
    """Each new version of a module (an edited checkout, an upgrade) replaces that module's
    entry instead of adding to it, so the file does not grow with every version."""
    env = child_env(tmp_path / "index")

    def run(fields: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", VERSIONED, fields], capture_output=True, text=True, timeout=300, env=env, check=False)
        assert done.returncode == 0, done.stderr
        (store,) = (tmp_path / "index").glob("dataclass-code-kzai_lint_dataclass_versions.marshal")
        return int(done.stdout.split()[-1]), store.stat().st_size

    compiled, first = run("a,b")
    assert compiled > 0
    assert run("a,b")[0] == 0  # read back: nothing compiled
    sizes = [run(",".join(f"field{i}_{n}" for n in range(3)))[1] for i in range(6)]
    assert max(sizes) < 2 * first  # six versions later: one version's code, not seven
    assert run(",".join(f"field5_{n}" for n in range(3)))[0] == 0


def test_sections_a_worker_computed_are_adopted_and_written(own_index: Any) -> None:
    """A forked pool worker ends without writing the index: what it computed must reach the
    main process (`new_sections` -> `adopt`), or every sharded run computes it again."""
    own_index.get("re/parent", lambda: [0])
    before = own_index.pending()
    own_index.get("re/worker", lambda: [1, 2])
    sent = own_index.new_sections(before)
    assert set(sent) == {"re/worker"}  # what the worker inherited is not sent back
    own_index.reset()  # the main process: another _STATE, the file not written yet
    own_index.get("re/main", lambda: [3])
    own_index.get("rules/table", lambda: {"b": 2})
    own_index.adopt({**sent, "rules/table": __import__("marshal").dumps({"a": 1, "c": 3}), "junk": 5})  # type: ignore[dict-item]
    assert own_index.get("re/worker", lambda: None) == [1, 2]
    assert own_index._sections()["rules/table"] == {"a": 1, "b": 2, "c": 3}
    own_index.flush()
    own_index.reset()
    assert own_index.get("re/worker", lambda: None) == [1, 2]
    assert own_index.get("re/main", lambda: None) == [3]
    assert "junk" not in own_index._sections()


def test_the_default_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from kzai_lint import startup_index

    monkeypatch.delenv("KZAI_LINT_INDEX_DIR", raising=False)
    if sys.platform in ("win32", "darwin"):
        pytest.skip("XDG_CACHE_HOME is the Linux and BSD convention")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a"))
    assert startup_index.directory() == str(tmp_path / "a" / "kzai-lint")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))
    assert startup_index.directory() == str(tmp_path / "b" / "kzai-lint")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert startup_index.directory() == str(tmp_path / "home" / ".cache" / "kzai-lint")
    monkeypatch.setenv("KZAI_LINT_INDEX_DIR", " ")
    assert startup_index.directory() is None


def test_builtin_requirements_do_not_depend_on_where_the_settings_were_read(tmp_path: Path) -> None:
    """The index keys keywords and requirements by the settings without their place
    (`lazy_rules.PLACE_FIELDS`), so repositories with the same configuration share a section:
    that is only right while no built-in rule reads the root or the config file's path."""
    import dataclasses

    pack = registry.builtin_pack()
    assert len(pack.rules) > 20
    here = Settings(root=tmp_path / "a", consent_hooks=("app.consent.ok",), rule_options={"KZ302": {}})
    there = dataclasses.replace(here, root=tmp_path / "b", config_path=tmp_path / "b" / "pyproject.toml")
    for rule in pack.rules:
        instance = rule(catalogue.load(), None) if isinstance(rule, type) else rule
        for kind in sorted(instance.meta.kinds, key=lambda k: k.value):
            assert instance.requirements_for(here, kind) == instance.requirements_for(there, kind), instance.meta.id
    assert lazy_rules.placeless(here) == lazy_rules.placeless(there)
    assert lazy_rules._settings_key(here, None, "c") == lazy_rules._settings_key(there, None, "c")
    assert lazy_rules._settings_key(here, None, "c") != lazy_rules._settings_key(dataclasses.replace(here, consent_hooks=()), None, "c")
