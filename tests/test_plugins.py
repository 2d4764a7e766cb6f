"""Rule packs: one loading path for built-in and third-party packs, clear load errors, isolation of
crashing rules, local packs only when allowed, reporter plugins, and the EU AI Act reference pack."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from click.testing import CliRunner

from kzai_lint import registry
from kzai_lint.cli import cli
from kzai_lint.plugin_requirements import _fallback_satisfies, parse, satisfies
from kzai_lint.rule import Example, Rule
from kzai_lint.testing import assert_example, check_pack, example_cases, parametrize_examples

from kzai_test_packs import vendor

ROOT = Path(__file__).resolve().parent.parent
EU_PLUGIN_DIR = ROOT / "plugins" / "kzai-lint-eu-ai-act"
BUILTIN_EP = metadata.EntryPoint("builtin", registry.BUILTIN_ENTRY_POINT, registry.RULES_GROUP)

EMOTION = """
from deepface import DeepFace as DF

def mood(frame):
    return DF.analyze(frame, actions=["emotion"])
"""

SCRAPER = """
from icrawler.builtin import GoogleImageCrawler
import face_recognition

GoogleImageCrawler(storage={"root_dir": "faces"}).crawl(keyword="crowd", max_num=5000)
vectors = [face_recognition.face_encodings(face_recognition.load_image_file(p)) for p in paths]
"""

VENDOR_CALL = """
import shadyvendor
shadyvendor.upload(profile)
"""


def rule_ep(name: str, value: str) -> metadata.EntryPoint:
    return metadata.EntryPoint(name, value, registry.RULES_GROUP)


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _restore_last_run() -> Iterator[None]:
    """Reporters describe the packs of the last run in this process; leave no fake pack behind."""
    saved = registry._STATE.last
    yield
    registry._STATE.last = saved


@pytest.fixture
def acme() -> Iterator[None]:
    """The fake `acme` pack (new code, rule, finding_extras) installed through an entry point."""
    with registry.use_entry_points([BUILTIN_EP, rule_ep("acme", "kzai_test_packs.vendor:PACK")]):
        yield


# ---- one loading path ------------------------------------------------------------------------

def test_builtin_pack_without_distribution_metadata() -> None:
    with registry.use_entry_points([]):
        packs = registry.load().packs
    assert [p.name for p in packs] == ["builtin"]
    assert packs[0] is registry.builtin_pack()
    assert len(packs[0].rules) == len(registry.builtin_rules())


def test_builtin_pack_through_its_entry_point_is_loaded_once() -> None:
    with registry.use_entry_points([BUILTIN_EP]):
        packs = registry.load().packs
    assert [p.name for p in packs] == ["builtin"]
    assert packs[0] is registry.builtin_pack()


def test_pyproject_declares_the_builtin_entry_point() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["entry-points"]["kzai_lint.rules"]["builtin"] == registry.BUILTIN_ENTRY_POINT


def test_rules_command_shows_pack_and_version(acme: None) -> None:
    code, out, _ = run(["rules", "--format", "json"])
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert (rows["KZ399/forbidden-vendor"]["pack"], rows["KZ399/forbidden-vendor"]["pack_version"]) == ("acme", "1.2.0")
    assert rows["KZ306/library-call"]["pack"] == "builtin"
    code, out, _ = run(["rules", "KZ399"])
    assert code == 0 and "acme 1.2.0" in out and "17(3)(4)" in out


# ---- catalogue extensions and finding extras -------------------------------------------------

def test_pack_code_catalogue_and_extras_reach_json(acme: None, make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION, "app/sync.py": VENDOR_CALL})
    code, out, _ = run(["check", str(root), "--format", "json", "--select", "KZ306,KZ399"])
    assert code == 1
    findings = {f["rule"]: f for f in json.loads(out)["findings"]}
    vendor_finding = findings["KZ399/forbidden-vendor"]
    assert (vendor_finding["code"], vendor_finding["clause"], vendor_finding["line"]) == ("KZ399", "17(3)(4)", 2)
    assert vendor_finding["title"] == "Forbidden vendor SDK receives personal data"
    assert vendor_finding["acme_ticket"] == "ACME-KZ399"
    # The hook sees every finding, and can never override a contract field.
    assert findings["KZ306/library-call"]["acme_ticket"] == "ACME-KZ306"
    assert findings["KZ306/library-call"]["code"] == "KZ306"


def test_pack_in_sarif_extensions_and_extras_in_result_properties(acme: None, make_repo: Callable[..., Path]) -> None:
    import jsonschema

    root = make_repo({"app/camera.py": EMOTION, "app/sync.py": VENDOR_CALL})
    code, out, _ = run(["check", str(root), "--format", "sarif", "--select", "KZ306"])  # acme's rule not selected
    assert code == 1
    log = json.loads(out)
    schema = json.loads((ROOT / "tests" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft4Validator(schema).iter_errors(log))
    (sarif_run,) = log["runs"]
    assert sarif_run["tool"]["extensions"] == [{"name": "acme", "version": "1.2.0"}]
    (result,) = sarif_run["results"]
    assert result["properties"]["acme_ticket"] == "ACME-KZ306" and result["properties"]["code"] == "KZ306"


@pytest.mark.parametrize(
    ("catalogue", "message"),
    [
        ({"codes": {"KZ306": {"clause": "17(3)(6)", "title": "x", "severity": "error"}}}, "redefines the built-in codes.KZ306"),
        ({"codes": {"KZ398": {"clause": "18(2)", "title": "x", "severity": "error"}}}, "needs an Article 17 clause"),
        ({"codes": {"EU005": {"clause": "17(3)", "title": "x", "severity": "error"}}}, "must look like KZ308"),
        ({"capabilities": {"x": {"code": "KZ999", "does": "y"}}}, "invalid catalogue extension"),
        ({"ml_context": "anything"}, "must be a table or a list"),
        ({"calls": [{"name": "cv2.seamlessClone", "role": "operation", "capabilities": ["face_swap"], "requires": "face(("}]}, "requires: not a regular expression"),
    ],
)
def test_bad_catalogue_extensions_are_refused(catalogue: dict[str, Any], message: str) -> None:
    pack = replace(vendor.PACK, name="bad", catalogue=catalogue, rules=())
    with registry.use_entry_points([]), registry.injected_packs(pack), pytest.raises(registry.PluginLoadError) as info:
        registry.load()
    assert message in str(info.value) and "'bad'" in str(info.value)


def write_catalogue_file(path: Path, catalogue: dict[str, Any]) -> Path:
    path.write_text(json.dumps(catalogue), encoding="utf-8")  # JSON is YAML
    return path


def test_catalogue_given_as_a_yaml_file_is_the_same_extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzai_lint import catalogue as catalogue_mod, startup_index

    monkeypatch.setenv(startup_index.ENV, str(tmp_path / "index"))
    startup_index.reset()
    path = write_catalogue_file(tmp_path / "catalogue.yaml", vendor.CATALOGUE)
    with registry.use_entry_points([]):
        with registry.injected_packs(vendor.PACK):
            from_mapping = registry.load().catalogue
        for _ in range(2):  # parsed, then (after the index is written) from the index
            with registry.injected_packs(replace(vendor.PACK, catalogue=path)):
                from_file = registry.load().catalogue
            assert from_file.codes["KZ399"] == from_mapping.codes["KZ399"]
            assert from_file.extra["acme"] == from_mapping.extra["acme"]
            assert catalogue_mod.identity(from_file) == catalogue_mod.identity(from_mapping)
            startup_index.reset()
        # An edited file (new size and mtime) is read again, not taken from the index.
        changed = {**vendor.CATALOGUE, "acme": {"forbidden_vendors": ["shadyvendor", "othervendor"]}}
        write_catalogue_file(path, changed)
        os.utime(path, ns=(1_800_000_000_000_000_000, 1_800_000_000_000_000_000))
        with registry.injected_packs(replace(vendor.PACK, catalogue=path)):
            assert registry.load().catalogue.extra["acme"]["forbidden_vendors"] == ["shadyvendor", "othervendor"]
    startup_index.reset()


@pytest.mark.parametrize(("content", "message"), [(None, "cannot read its catalogue file"), ("codes: [unclosed", "is not valid YAML"), ("- a list\n", "must be a mapping")])
def test_unusable_catalogue_file_names_the_pack(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "catalogue.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    pack = replace(vendor.PACK, name="filed", catalogue=path, rules=())
    with registry.use_entry_points([]), registry.injected_packs(pack), pytest.raises(registry.PluginLoadError) as info:
        registry.load()
    assert message in str(info.value) and "'filed'" in str(info.value)


# ---- load errors -----------------------------------------------------------------------------

def test_duplicate_rule_id_names_both_packs(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    with registry.use_entry_points([rule_ep("impostor", "kzai_test_packs.duplicate")]):
        with pytest.raises(registry.PluginLoadError, match="'KZ306/library-call' is defined by both 'builtin' and 'impostor'"):
            registry.load()
        code, _, err = run(["check", str(root)])
    assert code == 2
    assert "'KZ306/library-call' is defined by both 'builtin' and 'impostor'" in err


def test_pack_that_fails_to_import_exits_2_naming_it(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    with registry.use_entry_points([rule_ep("broken-pack", "kzai_test_packs.broken:PACK")]):
        code, _, err = run(["check", str(root)])
        rules_code, _, rules_err = run(["rules"])
    assert code == 2 and rules_code == 2
    assert "rule pack 'broken-pack' failed to load" in err
    assert "ModuleNotFoundError" in err and "kzai_lint_no_such_dependency" in err
    assert "broken-pack" in rules_err


def test_entry_point_naming_something_else_is_refused() -> None:
    with registry.use_entry_points([rule_ep("odd", "kzai_test_packs.vendor:CountReporter")]), pytest.raises(registry.PluginLoadError, match="'odd'.*not a rule pack"):
        registry.load()


def test_pack_rules_must_be_documented_with_examples() -> None:
    undocumented = type("Undocumented", (vendor.ForbiddenVendorCall,), {"__doc__": "No headings.", "meta": replace(vendor.ForbiddenVendorCall.meta, id="KZ399/undocumented")})
    pack = registry.RulePack("sloppy", "0.1", (undocumented,), catalogue=vendor.CATALOGUE)
    assert any("lacks the heading" in m for m in check_pack(pack))


# ---- require-plugins -------------------------------------------------------------------------

REQUIRE = """
[tool.kzai-lint]
require-plugins = [{requirements}]
"""


@pytest.mark.parametrize(
    ("requirement", "expected_code", "message"),
    [
        ('"acme>=1.0"', 1, ""),
        ('"ACME==1.2.*"', 1, ""),
        ('"acme>=2"', 2, "acme 1.2.0 is installed"),
        ('"kzai-lint-eu-ai-act>=0.1"', 2, "'kzai-lint-eu-ai-act>=0.1'"),
        ('"acme >= one"', 2, "require-plugins"),
    ],
)
def test_require_plugins(acme: None, make_repo: Callable[..., Path], requirement: str, expected_code: int, message: str) -> None:
    root = make_repo({"pyproject.toml": REQUIRE.format(requirements=requirement), "app/sync.py": VENDOR_CALL})
    code, _, err = run(["check", str(root), "--select", "KZ399"])
    assert code == expected_code, err
    assert message in err
    if "eu-ai-act" in requirement:
        assert "is not installed" in err


@pytest.mark.parametrize(
    ("version", "spec", "ok"),
    [
        ("0.1.0", ">=0.1", True),
        ("0.1.0", ">=0.2", False),
        ("1.2.0", ">=1.0,<2", True),
        ("2.0", "<2", False),
        ("1.2.3", "~=1.2", True),
        ("2.0.0", "~=1.2", False),
        ("1.2.9", "==1.2.*", True),
        ("1.10.0", ">1.9", True),
        ("1.0", "==1.0.0", True),
    ],
)
def test_version_comparison_with_and_without_packaging(version: str, spec: str, ok: bool) -> None:
    _, clauses = parse("x" + spec)
    assert _fallback_satisfies(version, clauses) is ok
    assert satisfies(version, clauses) is ok


# ---- isolation of a crashing rule ------------------------------------------------------------

def test_crashing_plugin_rule_is_a_rule_error_and_exit_2(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    with registry.use_entry_points([BUILTIN_EP, rule_ep("crashing", "kzai_test_packs.crashing:PACK")]):
        code, out, err = run(["check", str(root), "--format", "json", "--select", "KZ306"])
        zero_code, _, _ = run(["check", str(root), "--select", "KZ306", "--exit-zero"])
    data = json.loads(out)
    assert code == 2 and zero_code == 0
    crashes = [e for e in data["errors"] if e["kind"] == "rule-error"]
    assert [(e["path"], e["kind"]) for e in crashes] == [("app/camera.py", "rule-error")]
    assert "KZ306/test-crash crashed" in crashes[0]["message"] and "deliberate crash" in crashes[0]["message"]
    # The other rules ran on the same file.
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("KZ306/library-call", 4)]
    assert "rule error" in err


# ---- local packs -----------------------------------------------------------------------------

LOCAL_CONFIG = """
[tool.kzai-lint]
plugins = ["./lint_rules"]
"""

LOCAL_PACK = '''
from pathlib import Path
from typing import Iterator

from kzai_lint import PYTHON_KINDS, FileContext, Hit, Invalid, PythonRule, RuleMeta, Valid

Path({marker!r}).write_text("imported", encoding="utf-8")


class AcmeTracker(PythonRule):
    """Calls into the acme tracker.

    ## What it finds
    `acme_tracker.track(...)`.

    ## Why it matters
    Article 17(3)(4).

    ## Mitigation
    Remove it.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>`.
    """

    meta = RuleMeta(id="KZ304/acme-tracker", code="KZ304", kinds=frozenset(PYTHON_KINDS))
    INVALID = (Invalid("import acme_tracker\\nacme_tracker.track(user)\\n", line=2),)
    VALID = (Valid("import other\\nother.track(user)\\n"),)

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        for site in ctx.python.facts.calls:
            if site.qualname == "acme_tracker.track":
                yield ctx.python_hit(site.node, "acme tracker call", scope=site.scope)


RULES = [AcmeTracker]
'''


@pytest.fixture
def local_repo(make_repo: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "local-pack-imported"
    root = make_repo(
        {
            "pyproject.toml": LOCAL_CONFIG,
            "lint_rules/__init__.py": LOCAL_PACK.format(marker=str(marker)),
            "app/track.py": "import acme_tracker\nacme_tracker.track(user)\n",
        }
    )
    return root, marker


def test_local_pack_is_skipped_with_a_warning_by_default(local_repo: tuple[Path, Path]) -> None:
    root, marker = local_repo
    code, out, err = run(["check", str(root), "--format", "json", "--select", "KZ304"])
    assert code in (0, 1)
    assert not marker.exists(), "a local pack was imported without --allow-local-plugins"
    warnings = json.loads(out)["warnings"]
    assert [(w["kind"], w["path"]) for w in warnings if w["kind"] == "local-plugins-skipped"] == [("local-plugins-skipped", "pyproject.toml")]
    assert "--allow-local-plugins" in err and "'./lint_rules'" in err and "skipped" in err
    code, _, err = run(["check", str(root), "--select", "KZ304"])
    assert "--allow-local-plugins" in err and not marker.exists()
    assert "KZ304/acme-tracker" not in {r.meta.id for r in registry.loaded_packs()[0].rules}


def test_local_pack_loads_with_the_flag(local_repo: tuple[Path, Path]) -> None:
    root, marker = local_repo
    code, out, err = run(["check", str(root), "--format", "json", "--select", "KZ304", "--allow-local-plugins"])
    assert marker.exists()
    found = [(f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"] if f["rule"] == "KZ304/acme-tracker"]
    assert found == [("KZ304/acme-tracker", "app/track.py", 2)]
    assert code == 1 and "skipped" not in err
    assert "local:./lint_rules" in {p.name for p in registry.loaded_packs()}


def test_local_pack_loads_with_the_environment_variable_relative_to_the_config(local_repo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, marker = local_repo
    monkeypatch.setenv("KZAI_LINT_ALLOW_LOCAL_PLUGINS", "1")
    code, out, _ = run(["check", str(root / "app"), "--format", "json", "--select", "KZ304"])  # config found above
    assert marker.exists()
    assert ("KZ304/acme-tracker", "track.py") in {(f["rule"], f["path"]) for f in json.loads(out)["findings"]}
    assert code == 1


@pytest.mark.parametrize("statement", ["raise RuntimeError('boom')", "raise SystemExit('boom')"])
def test_local_pack_that_fails_to_import_exits_2(make_repo: Callable[..., Path], statement: str) -> None:
    root = make_repo({"pyproject.toml": LOCAL_CONFIG, "lint_rules/__init__.py": statement + "\n", "a.py": "x = 1\n"})
    code, _, err = run(["check", str(root), "--allow-local-plugins"])
    assert code == 2 and "local rule pack './lint_rules' failed to load" in err and "boom" in err


# ---- reporter plugins ------------------------------------------------------------------------

def test_reporter_plugin_and_unknown_format(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"app/camera.py": EMOTION})
    reporters = [metadata.EntryPoint("count", "kzai_test_packs.vendor:CountReporter", registry.REPORTERS_GROUP)]
    with registry.use_entry_points(reporters=reporters):
        code, out, _ = run(["check", str(root), "--select", "KZ306", "--format", "count"])
        bad_code, _, err = run(["check", str(root), "--format", "nope"])
    assert code == 1 and out == "1 finding(s)\n"
    assert bad_code == 2 and "unknown format 'nope'" in err and "text, json" in err and "count" in err


# ---- kzai_lint.testing for plugin authors ----------------------------------------------------

def test_example_cases_name_each_example() -> None:
    ids = [test_id for _, _, test_id in example_cases(vendor.PACK)]
    assert ids == ["KZ399/forbidden-vendor-invalid-0", "KZ399/forbidden-vendor-invalid-1", "KZ399/forbidden-vendor-valid-0"]
    assert check_pack(vendor.PACK) == []


@parametrize_examples(vendor.PACK)
def test_uninstalled_pack_examples_run_through_the_helper(rule: type[Rule], example: Example, tmp_path: Path) -> None:
    assert_example(rule, example, tmp_path)


# ---- the EU AI Act reference pack ------------------------------------------------------------

def _eu_installed() -> bool:
    try:
        metadata.distribution("kzai-lint-eu-ai-act")
    except metadata.PackageNotFoundError:
        return False
    return True


def _check_eu_pack_end_to_end(make_repo: Callable[..., Path]) -> None:
    code, out, _ = run(["rules", "--format", "json"])
    rows = {r["id"]: r for r in json.loads(out)}
    for rule_id in ("KZ304/eu-face-scraping", "KZ303/eu-predictive-policing"):
        assert (rows[rule_id]["pack"], rows[rule_id]["pack_version"]) == ("eu-ai-act", "0.1.0")
    root = make_repo({"app/camera.py": EMOTION, "collect/scrape.py": SCRAPER})
    code, out, _ = run(["check", str(root), "--format", "json", "--select", "KZ304,KZ306"])
    assert code == 1
    findings = {(f["rule"], f["path"]): f for f in json.loads(out)["findings"]}
    emotion = findings[("KZ306/library-call", "app/camera.py")]["eu_ai_act"]
    assert emotion["article"] == "5(1)(f)" and "workplace" in emotion["note"] and "medical" in emotion["note"]
    scraping = findings[("KZ304/eu-face-scraping", "collect/scrape.py")]
    assert scraping["clause"] == "17(3)(4)" and scraping["line"] == 5
    assert scraping["eu_ai_act"]["article"] == "5(1)(e)"
    code, out, _ = run(["check", str(root), "--format", "sarif", "--select", "KZ304,KZ306"])
    (sarif_run,) = json.loads(out)["runs"]
    assert {"name": "eu-ai-act", "version": "0.1.0"} in sarif_run["tool"]["extensions"]
    articles = {r["ruleId"]: r["properties"]["eu_ai_act"]["article"] for r in sarif_run["results"]}
    assert articles == {"KZ306/library-call": "5(1)(f)", "KZ304/eu-face-scraping": "5(1)(e)"}


def test_eu_pack_from_the_source_tree(monkeypatch: pytest.MonkeyPatch, make_repo: Callable[..., Path]) -> None:
    """The reference pack through a constructed entry point: no install step needed."""
    monkeypatch.syspath_prepend(str(EU_PLUGIN_DIR))
    with registry.use_entry_points([BUILTIN_EP, rule_ep("eu-ai-act", "kzai_lint_eu_ai_act:PACK")]):
        _check_eu_pack_end_to_end(make_repo)


@pytest.mark.skipif(not _eu_installed(), reason="kzai-lint-eu-ai-act is not installed (pip install ./plugins/kzai-lint-eu-ai-act; .ci/run does)")
def test_installed_eu_pack_end_to_end(monkeypatch: pytest.MonkeyPatch, make_repo: Callable[..., Path]) -> None:
    monkeypatch.delenv(registry.AUTOLOAD_ENV)
    _check_eu_pack_end_to_end(make_repo)
    root = make_repo({"collect/scrape.py": SCRAPER, "pyproject.toml": REQUIRE.format(requirements='"kzai-lint-eu-ai-act>=0.1"')})
    env = {k: v for k, v in os.environ.items() if k != registry.AUTOLOAD_ENV}
    proc = subprocess.run(
        [sys.executable, "-m", "kzai_lint", "check", str(root), "--format", "json", "--select", "KZ304"],
        capture_output=True, text=True, check=False, env=env,
    )
    assert proc.returncode == 1, proc.stderr
    (finding,) = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "KZ304/eu-face-scraping"]
    assert finding["eu_ai_act"]["article"] == "5(1)(e)"


def test_local_pack_source_is_not_in_sys_modules_when_skipped(local_repo: tuple[Path, Path]) -> None:
    from kzai_lint.local_packs import module_name

    root, _ = local_repo
    run(["check", str(root), "--select", "KZ304"])
    assert module_name((root / "lint_rules").resolve()) not in sys.modules

