"""`--statistics` (after the report; stderr for machine formats) and the progress bar (stderr,
terminals only, large scans only)."""
from __future__ import annotations

import io
import json
from pathlib import Path

from reporter_support import copy_fixture, run_cli

from kzai_lint.api import check
from kzai_lint.cli.progress import ScanProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_statistics_after_text_report(tmp_path: Path) -> None:
    code, out, err = run_cli(["check", str(copy_fixture("emotion-app", tmp_path)), "--select", "KZ306", "--statistics"])
    assert code == 1
    lines = out.splitlines()
    start = lines.index("Statistics per code (open / all findings):")
    assert lines[start - 1].startswith("Found 2 open finding(s)")
    assert lines[start + 1].split() == ["2", "/", "2", "KZ306", "17(3)(6)", "Emotion", "recognition", "without", "a", "consent", "hook"]
    assert lines[start + 2] == "Statistics per clause (open / all findings):"
    assert lines[start + 3].split() == ["2", "/", "2", "17(3)(6)"]


def test_statistics_go_to_stderr_for_machine_formats(tmp_path: Path) -> None:
    target = copy_fixture("consent-guarded", tmp_path)
    for fmt in ("json", "sarif", "gitlab"):
        code, out, err = run_cli(["check", str(target), "--select", "KZ306", "--format", fmt, "--statistics"])
        assert code == 0
        json.loads(out)  # stdout is the report alone
        assert "0 / 1      KZ306" in err  # one mitigated finding, none open


def test_progress_bar_only_on_a_terminal_for_large_scans() -> None:
    tty = Terminal()
    bar = ScanProgress(tty, threshold=200)
    for n in range(1, 301):
        bar(n, 300)
    bar.close()
    assert "Scanning" in tty.getvalue() and "300/300" in tty.getvalue()
    small, piped = Terminal(), io.StringIO()
    for stream, total in ((small, 150), (piped, 300)):
        quiet = ScanProgress(stream, threshold=200)
        for n in range(1, total + 1):
            quiet(n, total)
        quiet.close()
        assert stream.getvalue() == ""


def test_engine_reports_progress_per_file(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = check([copy_fixture("emotion-app", tmp_path)], progress=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen == [(n, total) for n in range(1, total + 1)] and total >= result.files_scanned


def test_statistics_group_one_capability_in_several_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    from kzai_lint.api import check
    from kzai_lint.reporters.statistics import capability_lines

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "fer2013-training"
    shutil.copytree(fixture, tmp_path / "repo")
    lines = capability_lines(check([tmp_path / "repo"], jobs=1))
    assert any("KZ306 [17(3)(6)]" in line and "configs/train.yaml:10" in line and "mini48/data.py:10" in line for line in lines)
