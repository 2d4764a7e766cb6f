"""bench/ is run by hand, never timed here; this only keeps its untimed parts working (the tree
generator and the prefilter analysis), so that `python bench/run.py` does not break unnoticed.
In a child process: the bench switches plugin autoloading off for its process."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"

CODE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import corpus, run
tree = Path(sys.argv[2])
counts = corpus.generate(tree, files=150)
none, parse, broad = run.analyse_tree(tree)
print(json.dumps({"counts": counts, "none": none, "parse": parse, "broad": broad}))
"""


def test_the_generated_tree_is_analysed(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CODE), str(BENCH), str(tmp_path / "tree")], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert sum(out["counts"].values()) >= 100
    assert out["none"], "files no rule can match, for the pre-commit run"
    assert all((tmp_path / "tree" / p).is_file() for p in out["none"] + out["parse"])
    assert all(0 < share <= 1 for _, share, _ in out["broad"])


def test_commands_run_in_turns_are_compared_round_by_round() -> None:
    """A machine that slows down half-way changes both commands of a round alike: the median
    of the rounds' ratios stays put where the ratio of the medians would not."""
    sys.path.insert(0, str(BENCH))
    try:
        import run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    kzai, libcst = run.Sample("kzai"), run.Sample("libcst")
    kzai.walls, libcst.walls = [1.2, 1.2, 2.4, 2.4, 2.4], [1.0, 1.0, 2.0, 2.0, 2.0]
    assert run.paired(kzai, libcst, lambda x, y: x / y) == (1.2, 1.2, 1.2)
    middle, low, high = run.paired(kzai, libcst, lambda x, y: x - y)
    assert (round(low, 3), round(middle, 3), round(high, 3)) == (0.2, 0.4, 0.4)
