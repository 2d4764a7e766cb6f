"""Time kzai-lint against its peers on one large tree and print the ratios (issue 7).

    python bench/run.py                  # generate a realistic ML tree (3,000 files) and time it
    python bench/run.py PATH             # time an existing checkout instead (never written to)
    python bench/run.py --files 6000 --repeat 5

kzai-lint runs cold (no cache) with the default `--jobs` and with `--jobs 1`, cold while filling
a cache, warm from that cache, and on ten files as a pre-commit hook would (files no rule can
match, and files that all need libcst). The peers that are installed (`pip install .[bench]`)
run on the same tree in the same run: bandit (`-q -r`), semgrep (only the three local rules of
`bench/semgrep-rules.yml`, `--metrics=off`), ruff (`--select ALL --output-format concise`, and
one rule), and fixit (`fixit lint`, its built-in rules) when a `fixit` is on PATH: it is not in
the extra because it parses every file with libcst and its metadata (minutes on the default
tree) and wants its own virtualenv (`python -m venv /tmp/fixit && /tmp/fixit/bin/pip install
fixit`, then `PATH=$PATH:/tmp/fixit/bin python bench/run.py`). A worst-case tree where every file passes the prefilter compares kzai-lint with plain
`libcst.parse_module` on two workers (the two run in turns, `--repeat` times each). Wall time is the median of `--repeat` runs; CPU time
(user + system, workers included) and peak RSS (largest single process) come from `wait4`.

kzai-lint runs with its built-in rules only (KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD=1), so figures do
not depend on which rule packs happen to be installed. Never a unit test: timings are printed.
"""
from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402 - the generator next to this script

PY = sys.executable
KZAI = [PY, "-m", "kzai_lint", "check"]
GOAL_PRECOMMIT_NONE = 0.060
GOAL_PRECOMMIT_ALL = 0.350
GOAL_WARM = 0.2
GOAL_RSS_MIB = 256


@dataclass
class Sample:
    name: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mib: float = 0.0
    stats: dict[str, int] = field(default_factory=dict)
    failed: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else float("nan")


def run_once(cmd: list[str], cwd: Path | None, env: dict[str, str], sample: Sample) -> None:
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            sample.cpus.append(usage.ru_utime + usage.ru_stime)
            rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            sample.rss_mib = max(sample.rss_mib, rss)
        else:  # pragma: no cover - no per-child rusage on this platform
            proc.wait()
            wall = time.perf_counter() - start
        sample.walls.append(wall)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    for line in text.splitlines():
        if line.startswith("kzai-lint: stats: "):
            sample.stats = {k: int(v) for k, v in (kv.split("=") for kv in line.split(": ", 2)[2].split())}
    if proc.returncode not in (0, 1) and not sample.failed:
        sample.failed = f"exit {proc.returncode}: {text.strip().splitlines()[-1] if text.strip() else ''}"


def measure(name: str, cmd: list[str], repeat: int, env: dict[str, str], cwd: Path | None = None, before: Callable[[], None] | None = None) -> Sample:
    sample = Sample(name)
    for _ in range(repeat):
        if before is not None:
            before()
        run_once(cmd, cwd, env, sample)
    print(f"  {name:<44} {sample.wall:8.3f} s wall {sample.cpu:8.3f} s CPU {sample.rss_mib:7.1f} MiB" + (f"  [{sample.failed}]" if sample.failed else ""), flush=True)
    return sample


def measure_alternating(runs: list[tuple[str, list[str], Path | None]], repeat: int, env: dict[str, str]) -> list[Sample]:
    """`measure` for commands compared with each other, run in turns (A, B, A, B...): the
    machine's speed drifts between minutes, and a ratio of two medians taken apart drifts
    with it."""
    samples = [Sample(name) for name, _, _ in runs]
    for _ in range(repeat):
        for (_, cmd, cwd), sample in zip(runs, samples):
            run_once(cmd, cwd, env, sample)
    for sample in samples:
        print(f"  {sample.name:<44} {sample.wall:8.3f} s wall {sample.cpu:8.3f} s CPU {sample.rss_mib:7.1f} MiB" + (f"  [{sample.failed}]" if sample.failed else ""), flush=True)
    return samples


def peer(name: str) -> str | None:
    """A peer's executable next to this interpreter (same environment), else on PATH."""
    local = Path(PY).parent / name
    return str(local) if local.exists() else shutil.which(name)


# ---------------------------------------------------------------------------------------------
# In-process analysis of the tree (not timed): prefilter pass rates and the pre-commit file sets
# ---------------------------------------------------------------------------------------------

def analyse_tree(root: Path) -> tuple[list[str], list[str], list[tuple[str, float, str]]]:
    """(10 files no rule can match, 10 files that all need libcst, broad rules with examples)."""
    os.environ["KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    from kzai_lint import engine, registry
    from kzai_lint.api import enabled_rules
    from kzai_lint.config import load_settings
    from kzai_lint.discovery import discover
    from kzai_lint.facts import needs_facts
    from kzai_lint.model import FileKind
    from kzai_lint.prefilter import Prefilter

    settings = load_settings(root).with_overrides(root=root)
    loaded = registry.load(settings)
    rules = enabled_rules(settings, loaded=loaded)
    plan = engine.ScanPlan(tuple(rules), loaded.catalogue, settings)
    found = discover([root], root, tuple(settings.exclude) + tuple(settings.extend_exclude), explicit_files_ok=False)
    none, parse, texts = [], [], []
    for f in found.files:
        text, _, error = engine.read_text(f, settings)
        if error is not None or text is None:
            continue
        texts.append((f.kind, text.lower()))
        if f.kind is not FileKind.PYTHON:
            continue
        if engine.may_fire(f, plan, text):
            if len(parse) < 10:
                parse.append(f.relpath)
        elif not needs_facts(f.kind, f.relpath) and len(none) < 10:
            none.append(f.relpath)
    # Per rule, what this run's prefilter uses (`requirements_for`: declarations narrow some,
    # some rules need two keyword groups): which files it lets through, and how many only it does.
    from kzai_lint.requirements import RequirementFilter
    from kzai_lint.rule import RepoRule

    passing: dict[str, set[int]] = {}
    firsts: dict[str, list[str]] = {}
    for rule in rules:
        if isinstance(rule, RepoRule):
            continue
        gates = {kind: RequirementFilter(rule.requirements_for(settings, kind)) for kind in rule.meta.kinds}
        if any(g.passes_everything for g in gates.values()):
            continue
        passing[rule.meta.id] = {i for i, (k, t) in enumerate(texts) if k in gates and gates[k].may_match(t)}
        firsts[rule.meta.id] = sorted({w for g in gates.values() for w in g.keywords or ()})
    broad = []
    for rule in rules:
        mine = [i for i, (k, _) in enumerate(texts) if k in rule.meta.kinds]
        if rule.meta.id not in passing or not mine:
            continue
        passed = passing[rule.meta.id]
        share = len(passed) / len(mine)
        if share >= 0.05:
            others = set().union(*(v for k, v in passing.items() if k != rule.meta.id))
            sample = [texts[i][1] for i in sorted(passed)[:300]]  # which first-group words let them through
            counts = sorted(((sum(1 for t in sample if Prefilter([w]).may_match(t)), w) for w in firsts[rule.meta.id]), reverse=True)[:4]
            words = ", ".join(f"{w!r} {c / len(sample) * share:.0%}" for c, w in counts)
            broad.append((rule.meta.id, share, f"{words}; {len(passed - others)} files pass by this rule alone"))
    return none, parse, sorted(broad, key=lambda b: -b[1])


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, help="an existing tree to time (default: generate one)")
    parser.add_argument("--files", type=int, default=3000, help="files in the generated tree (default 3000)")
    parser.add_argument("--worst-files", type=int, default=300, help="files in the worst-case tree (default 300; 0 skips it)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per kzai-lint measurement and per quick peer (ruff); the cache fill, bandit, semgrep and fixit run once (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees")
    parser.add_argument("--analyse", type=Path, help=argparse.SUPPRESS)  # internal: the child that inspects the tree
    parser.add_argument("--snapshot", action="store_true", help="time a copy of the kzai_lint package taken now (a source checkout others keep editing would invalidate the cache mid-run)")
    args = parser.parse_args(argv)
    if args.analyse is not None:
        import json

        print(json.dumps(analyse_tree(args.analyse)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="kzai-bench-"))
    try:
        return _bench(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"trees kept in {work}")


def _byte_compile(env: dict[str, str], cwd: Path) -> None:
    """Compile the kzai_lint package that will be timed, as `pip install` does. A source checkout
    run with PYTHONDONTWRITEBYTECODE (set on some CI machines and containers) would otherwise
    compile every imported module again in every run and time that instead of the tool."""
    probe = "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('kzai_lint').origin))"
    found = subprocess.run([PY, "-c", probe], env=env, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([PY, "-m", "compileall", "-q", found], env=env, stdout=subprocess.DEVNULL, check=False)
    snapshot = env.get("PYTHONPATH", "").split(os.pathsep)[0] if "PYTHONPATH" in env else ""
    if snapshot.endswith("snapshot") and not found.startswith(snapshot):
        print(f"warning: {found} shadows the snapshot; timing it instead")
    print(f"byte-compiled {found}" + (" (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""))


def _bench(args: argparse.Namespace, work: Path) -> int:
    if args.path is not None:
        tree = args.path.resolve()
        print(f"tree: {tree}")
    else:
        tree = work / "tree"
        counts = corpus.generate(tree, args.files)
        print(f"tree: {tree} (generated: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")
    size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file() and ".kzai_lint_cache" not in p.parts)
    nfiles = sum(1 for p in tree.rglob("*") if p.is_file() and ".kzai_lint_cache" not in p.parts)
    print(f"{nfiles} files, {size / 1e6:.1f} MB; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; {datetime.date.today()}")
    env = {**os.environ, "KZAI_LINT_DISABLE_PLUGIN_AUTOLOAD": "1", "KZAI_LINT_STATS": "1", "NO_COLOR": "1"}
    if args.snapshot:
        import importlib.util

        spec = importlib.util.find_spec("kzai_lint")  # found, not imported: this process stays small
        assert spec is not None and spec.origin is not None
        shutil.copytree(Path(spec.origin).parent, work / "snapshot" / "kzai_lint", ignore=shutil.ignore_patterns("__pycache__"))
        env["PYTHONPATH"] = os.pathsep.join([str(work / "snapshot"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        print(f"timing a snapshot of kzai_lint in {work / 'snapshot'}")
    # kzai-lint runs from a folder of its own: `python -m` puts the working directory first on
    # sys.path, so started from a checkout it would time the checkout, not the snapshot.
    _byte_compile(env, work)
    cache = work / "cache"
    quick, once = args.repeat, 1
    # In a child process: this one stays small, since a child's peak RSS starts from its parent's.
    import json

    analysis = subprocess.run([PY, __file__, "--analyse", str(tree)], env=env, capture_output=True, text=True, check=True)
    none, parse, broad = json.loads(analysis.stdout.strip().splitlines()[-1])

    print("\nkzai-lint")
    s: dict[str, Sample] = {}
    s["version"] = measure("kzai-lint --version", [PY, "-m", "kzai_lint", "--version"], quick, env, cwd=work)
    # One untimed run first: the first run of a kzai-lint installation builds its startup index
    # (rule metadata, compiled regexes, literal sets; see README), as the first run of a fresh
    # snapshot would here. Every later run, on any tree, starts from it, as the warm and
    # pre-commit runs below do; "cold" means no result cache.
    run_once([*KZAI, str(tree), "--no-cache", "--exit-zero"], work, env, Sample("prime"))
    s["cold"] = measure("cold, no cache, default --jobs", [*KZAI, str(tree), "--no-cache", "--exit-zero"], quick, env, cwd=work)
    s["cold1"] = measure("cold, no cache, --jobs 1", [*KZAI, str(tree), "--no-cache", "--jobs", "1", "--exit-zero"], quick, env, cwd=work)
    s["fill"] = measure("cold, filling the cache", [*KZAI, str(tree), "--cache-dir", str(cache), "--exit-zero"], once, env, before=lambda: shutil.rmtree(cache, ignore_errors=True), cwd=work)
    s["warm"] = measure("warm, unchanged tree from the cache", [*KZAI, str(tree), "--cache-dir", str(cache), "--exit-zero"], quick, env, cwd=work)
    # Start-up and the pre-commit runs in turns: their goals are differences between them.
    short = [("python -c pass (interpreter start-up)", [PY, "-c", "pass"], work)]
    if none:
        short.append((f"pre-commit, {len(none)} files no rule can match", [*KZAI, *none, "--no-cache", "--exit-zero"], tree))
    if parse:
        short.append((f"pre-commit, {len(parse)} files that all need libcst", [*KZAI, *parse, "--no-cache", "--exit-zero"], tree))
    for key, sample in zip(["startup", *(["pc_none"] if none else []), *(["pc_all"] if parse else [])], measure_alternating(short, quick, env)):
        s[key] = sample

    print("\npeers (same tree)")
    skipped = []
    tools = {name: peer(name) for name in ("bandit", "semgrep", "ruff", "fixit")}
    if tools["bandit"]:
        s["bandit"] = measure("bandit -q -r", [tools["bandit"], "-q", "-r", str(tree)], once, env)
    if tools["semgrep"]:
        s["semgrep"] = measure("semgrep, 3 local rules", [tools["semgrep"], "scan", "--metrics=off", "--disable-version-check", "--config", str(HERE / "semgrep-rules.yml"), "--quiet", str(tree)], once, env)
    if tools["ruff"]:
        s["ruff_all"] = measure("ruff --select ALL --output-format concise", [tools["ruff"], "check", "--no-cache", "--select", "ALL", "--output-format", "concise", "--exit-zero", str(tree)], quick, env)
        s["ruff_one"] = measure("ruff --select F401 (one rule)", [tools["ruff"], "check", "--no-cache", "--select", "F401", "--exit-zero", str(tree)], quick, env)
    if tools["fixit"]:  # libcst with metadata for every file: minutes on the default tree
        s["fixit"] = measure("fixit lint (its built-in rules)", [tools["fixit"], "lint", str(tree)], once, env)
    skipped = [name for name, exe in tools.items() if exe is None]

    if args.worst_files > 0:
        worst = work / "worst"
        corpus.generate_worst_case(worst, args.worst_files)
        print(f"\nworst case: {args.worst_files} Python files, every one passes the prefilter")
        s["worst"], s["worst_parse"] = measure_alternating(
            [("kzai-lint --jobs 2, no cache", [*KZAI, str(worst), "--no-cache", "--jobs", "2", "--exit-zero"], work),
             ("libcst.parse_module only, 2 workers", [PY, "-c", _PARSE_ONLY, str(worst)], work)],
            quick, env,
        )

    report(s, skipped, broad, none, parse)
    return 0


_PARSE_ONLY = """
import multiprocessing, os, sys
import libcst

def parse(path):
    with open(path, encoding="utf-8") as fh:
        libcst.parse_module(fh.read())

files = sorted(os.path.join(d, n) for d, _, names in os.walk(sys.argv[1]) for n in names if n.endswith(".py"))
with multiprocessing.get_context("fork").Pool(2) as pool:
    pool.map(parse, files, chunksize=4)
"""


def paired(a: Sample, b: Sample, combine: Callable[[float, float], float]) -> tuple[float, float, float]:
    """(median, lowest, highest) of `combine(a, b)` round by round, for two commands run in
    turns (`measure_alternating`): each round's two runs see the machine at the same speed, so
    the median of the rounds' ratios drifts less than the ratio of the two medians."""
    values = sorted(combine(x, y) for x, y in zip(a.walls, b.walls))
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), values[0], values[-1]


def report(s: dict[str, Sample], skipped: list[str], broad: list[tuple[str, float, str]], none: list[str], parse: list[str]) -> None:
    def ratio(a: str, b: str) -> str:
        return f"{s[a].wall / s[b].wall:.2f}" if a in s and b in s else "n/a"

    def rounds(a: str, b: str, combine: Callable[[float, float], float], form: str) -> str:
        if a not in s or b not in s:
            return "n/a"
        middle, low, high = paired(s[a], s[b], combine)
        return f"{middle:{form}} (rounds {low:{form}} to {high:{form}})"

    cold = s["cold"]
    print("\nprefilter and cache")
    st = cold.stats
    if st.get("prefiltered"):
        print(f"  prefilter let {st['passed']} of {st['prefiltered']} files through ({st['passed'] / st['prefiltered']:.1%}); "
              f"{st['parsed']} parsed ({st['parsed_bytes'] / 1e6:.1f} MB), {st.get('facts_only', 0)} read for repository facts only; pool workers: {st['workers']}")
    if s["warm"].stats:
        w = s["warm"].stats
        print(f"  warm run: {w['cached']} of {w['files']} files from the cache, {w['parsed']} parsed")
    for rule_id, share, words in broad:
        print(f"  broad keywords: {rule_id} lets {share:.0%} of its files through ({words})")

    print("\nratios (median wall; kzai-lint / peer, < 1 means kzai-lint is faster; commands run in turns: median of the rounds)")
    print(f"  cold / semgrep            {ratio('cold', 'semgrep')}   goal < 1.0")
    print(f"  cold / ruff ALL           {ratio('cold', 'ruff_all')}   goal <= 2.0")
    print(f"  bandit / cold             {ratio('bandit', 'cold')}   goal >= 15")
    print(f"  fixit / cold              {ratio('fixit', 'cold')}   goal >= 100")
    print(f"  warm / ruff one rule      {ratio('warm', 'ruff_one')}   goal <= 2.0")
    print(f"  cold --jobs 1 / default   {ratio('cold1', 'cold')}   (speed-up of the pool: its inverse)")
    worst = s["worst"].stats if "worst" in s else {}
    passed = f"; {worst['passed']} of {worst['prefiltered']} files passed the prefilter" if worst.get("prefiltered") else ""
    print(f"  worst case / libcst parse {rounds('worst', 'worst_parse', lambda x, y: x / y, '.2f')}   goal <= 1.3{passed}")
    start = s["startup"].wall
    print("\ngoals")
    print(f"  warm rescan               {s['warm'].wall:.3f} s   goal < {GOAL_WARM} s")
    if "pc_none" in s:
        print(f"  pre-commit, none match    {rounds('pc_none', 'startup', lambda x, y: x - y, '+.3f')} s beyond start-up   goal < {GOAL_PRECOMMIT_NONE} s")
    if "pc_all" in s:
        print(f"  pre-commit, all libcst    {rounds('pc_all', 'startup', lambda x, y: x - y, '+.3f')} s beyond start-up   goal < {GOAL_PRECOMMIT_ALL} s")
    print(f"  --version                 {s['version'].wall - start:+.3f} s beyond start-up")
    peers = {"bandit", "semgrep", "ruff_all", "ruff_one", "fixit", "worst_parse", "startup"}
    peak = max(x.rss_mib for k, x in s.items() if k not in peers)
    print(f"  kzai-lint peak RSS        {peak:.0f} MiB (largest single process, workers included)   goal < {GOAL_RSS_MIB} MiB")
    print(f"\nskipped peers (not installed; pip install .[bench], and fixit on PATH from its own virtualenv): {', '.join(skipped) if skipped else 'none'}")
    if len(none) < 10 or len(parse) < 10:
        print(f"note: the tree has only {len(none)} files no rule can match and {len(parse)} that need parsing for the pre-commit runs")


if __name__ == "__main__":
    raise SystemExit(main())
