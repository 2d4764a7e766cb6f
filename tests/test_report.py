"""`kzai-lint report`: golden Markdown, the HTML page's structure, escaping of hostile values,
the CLI (including `--from-json`), and a real render of the page in headless Chromium."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kzai_lint.api import check
from kzai_lint.cli import main
from kzai_lint.model import Confidence, FileError, Finding, RunResult, Severity, Status
from kzai_lint.report import ARTICLE17_CLAUSES, RepoInfo, build_report, render_html, render_markdown

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "emotion-app.report.md"
FIXED_DATE = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone.utc)
FIXED_REPO = RepoInfo(name="emotion-app", commit="0123456789abcdef0123456789abcdef01234567", remote="https://git.example.invalid/acme/emotion-app.git")
HOSTILE = "<script>alert(1)</script> a|b `tick` ``double``"


def fixture_copy(tmp_path: Path, name: str = "emotion-app") -> Path:
    """A copy outside the repository: its own pyproject excludes `fixtures/**` from scans."""
    target = tmp_path / name
    shutil.copytree(ROOT / "fixtures" / name, target)
    return target


def emotion_view(tmp_path: Path, select: tuple[str, ...] = ()) -> tuple[Path, str, str]:
    root = fixture_copy(tmp_path)
    result = check([root], select=select)
    view = build_report(result, root=root, repo=FIXED_REPO, generated=FIXED_DATE, selection=[f"--select {','.join(select)}"] if select else [])
    return root, render_markdown(view), render_html(view)


# ---- Markdown ---------------------------------------------------------------------------------


def test_markdown_golden(tmp_path: Path) -> None:
    """The selection is pinned to the one rule that fires on the fixture, so rules added for other
    clauses do not churn this file; the full-rule run is checked structurally below."""
    _, markdown, _ = emotion_view(tmp_path, select=("KZ306/library-call",))
    if os.environ.get("KZAI_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(markdown, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert markdown == expected, "report changed: rerun with KZAI_UPDATE_GOLDEN=1 and review the diff of tests/golden/emotion-app.report.md"


def _cells(line: str) -> int:
    """Number of cells in a GFM table row: pipes not escaped with a backslash, minus one."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_markdown_tables_are_well_formed(tmp_path: Path) -> None:
    _, markdown, _ = emotion_view(tmp_path)
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| ---") or line.startswith("| --- |"):
            width = _cells(lines[i - 1])
            body = []
            for row in lines[i + 1 :]:
                if not row.startswith("|"):
                    break
                body.append(row)
            assert body and all(_cells(row) == width for row in body), lines[i - 1]
    section = markdown.split("## Article 17 matrix", 1)[1].split("\n## ", 1)[0]
    matrix = [line for line in section.splitlines() if re.match(r"^\| (\*\*)?17\(", line)]
    assert len(matrix) == len(ARTICLE17_CLAUSES) == 11
    assert any("17(3)(6)" in line and "Open findings" in line for line in matrix)


# ---- HTML -------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the tests look at: tags seen, matrix rows, declared values, all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.rows: dict[str, dict[str, str]] = {}
        self.declared: dict[str, str] = {}
        self._row: dict[str, str] | None = None
        self._decl: str | None = None
        self._cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.attrs.append(found)
        if tag == "tr" and found.get("data-clause"):
            self._row = {"status": found.get("data-status") or "", "text": ""}
            self.rows[found["data-clause"] or ""] = self._row
        if tag == "tr" and found.get("data-key"):
            self._decl, self._cells = found["data-key"], []
        if tag in ("td", "th") and self._decl is not None:
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            if self._decl is not None:
                self.declared[self._decl] = " | ".join(c.strip() for c in self._cells)
            self._row, self._decl = None, None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._row is not None:
            self._row["text"] += data
        if self._decl is not None and self._cells:
            self._cells[-1] += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_shows_matrix_evidence_and_declaration(tmp_path: Path) -> None:
    _, _, page = emotion_view(tmp_path)
    parsed = parse(page)
    assert [c for c, _ in ARTICLE17_CLAUSES] == list(parsed.rows)
    assert len(parsed.rows) == 11
    assert parsed.rows["17(3)(6)"]["status"] == "open"
    assert "Open findings" in parsed.rows["17(3)(6)"]["text"]
    assert parsed.rows["17(3)"]["status"] == "open"
    assert parsed.rows["17(3)(5)"]["status"] == "no-signal"
    text = "".join(parsed.text)
    assert 'DF.analyze(frame, actions=["emotion"]' in text
    assert "detector.detect_emotions(img)" in text
    assert "floorpulse/station_cam.py:45" in text
    assert parsed.declared["risk"].startswith("risk (17(1)) | high | pyproject.toml:")
    assert parsed.declared["autonomy"].startswith("autonomy (17(2)) | low | pyproject.toml:")
    assert parsed.declared["mode"].startswith("mode (17(4)) | closed | pyproject.toml:")


def test_html_is_self_contained_and_accessible(tmp_path: Path) -> None:
    _, _, page = emotion_view(tmp_path)
    parsed = parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert not re.search(r"(?i)(src=|@import|url\(|https?://)", page.replace("https://git.example.invalid", ""))
    assert parsed.attrs[parsed.tags.index("html")].get("lang") == "en"
    assert "caption" in parsed.tags and "@media print" in page
    scopes = {a.get("scope") for t, a in zip(parsed.tags, parsed.attrs) if t == "th"}
    assert {"col", "row"} <= scopes
    headings = [int(t[1]) for t in parsed.tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:])), headings


# ---- hostile input ----------------------------------------------------------------------------


def hostile_result() -> RunResult:
    finding = Finding(
        code="KZ306",
        clause="17(3)(6)",
        title="Emotion recognition without a consent hook",
        severity=Severity.ERROR,
        confidence=Confidence.HIGH,
        status=Status.SUPPRESSED,
        path=f"app/{HOSTILE}.py",
        line=3,
        column=1,
        end_line=3,
        end_column=9,
        message=f"message {HOSTILE}",
        evidence=f"evidence {HOSTILE}",
        mitigation=f"reason {HOSTILE}",
        fingerprint="KZ306:x:1",
        rule="KZ306/library-call",
    )
    error = FileError(path=f"bad/{HOSTILE}.py", kind="parse-error", message=f"cannot parse {HOSTILE}", line=2)
    return RunResult(root=".", findings=(finding,), errors=(error,), files_scanned=2, rules_run=("KZ306/library-call",))


@pytest.fixture
def hostile_root(make_repo) -> Path:  # type: ignore[no-untyped-def]
    risk = HOSTILE.replace("`", "'")  # a TOML basic string; the backticks come from the other values
    return make_repo({"pyproject.toml": f'[tool.kzai-lint.system]\nrisk = "{risk}"\nautonomy = "low"\nmode = "closed"\n'})


def test_hostile_values_are_inert_in_html(hostile_root: Path) -> None:
    view = build_report(hostile_result(), root=hostile_root, repo=RepoInfo(name=HOSTILE), generated=FIXED_DATE)
    page = render_html(view)
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert "<script>" not in page
    text = "".join(parsed.text)
    for value in (f"message {HOSTILE}", f"evidence {HOSTILE}", f"reason {HOSTILE}", f"cannot parse {HOSTILE}", f"app/{HOSTILE}.py:3:1"):
        assert value in text, value
    assert parsed.declared["risk"].startswith("risk (17(1)) | <script>alert(1)</script>")


def test_hostile_values_are_inert_in_markdown(hostile_root: Path) -> None:
    view = build_report(hostile_result(), root=hostile_root, repo=RepoInfo(name=HOSTILE), generated=FIXED_DATE)
    markdown = render_markdown(view)
    assert "<script" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    hostile_lines = [line for line in markdown.splitlines() if "alert(1)" in line]
    assert len(hostile_lines) >= 5
    for line in hostile_lines:
        assert not re.search(r"(?<!\\)`", line), line
    header = next(line for line in markdown.splitlines() if line.startswith("| # | Status"))
    row = next(line for line in markdown.splitlines() if line.startswith("| 1 | suppressed"))
    assert _cells(row) == _cells(header)


# ---- CLI --------------------------------------------------------------------------------------


def test_cli_writes_html_and_renders_saved_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = fixture_copy(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "report.html"
    assert main(["report", str(root), "--format", "html", "-o", str(out), "-j", "1"]) == 0
    parsed = parse(out.read_text(encoding="utf-8"))
    assert parsed.rows["17(3)(6)"]["status"] == "open"

    saved = tmp_path / "result.json"
    assert main(["check", str(root), "--format", "json", "-o", str(saved), "-j", "1"]) == 1
    capsys.readouterr()
    assert main(["report", "--from-json", str(saved), str(root)]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Article 17 compliance report")
    assert "saved result" in markdown and "2026-09-21" in markdown
    assert re.search(r"\| 17\(3\)\(6\) \| .* \| \*\*. Open findings\*\* \| 2 \|", markdown)
    assert main(["report", "--from-json", str(saved), "--select", "KZ3"]) == 2


def test_cli_rejects_a_file_that_is_not_a_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"schema_version": 99}), encoding="utf-8")
    assert main(["report", "--from-json", str(bad), str(tmp_path)]) == 2
    assert "schema_version" in capsys.readouterr().err


# ---- headless Chromium ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def png_rows(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG: width, height, bytes per pixel, rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride) if kind else ():
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


@pytest.mark.skipif(CHROMIUM is None, reason="no `chromium` or `chromium-browser` on PATH (Debian package `chromium`; .ci/run installs it)")
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    _, _, page = emotion_view(tmp_path)
    html_file = tmp_path / "report.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        html_file.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert shot.is_file(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    width, height, bpp, rows = png_rows(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    pixels = [row[x : x + 3] for row in rows[::4] for x in range(0, len(row), bpp * 4)]
    assert len(set(pixels)) > 20, "screenshot is (nearly) one colour"
    background = max(set(pixels), key=pixels.count)
    inked = sum(1 for p in pixels if p != background)
    assert inked > 0.02 * len(pixels), "screenshot is blank"


# ---- view model -------------------------------------------------------------------------------


def _finding(status: Status, clause: str = "17(3)(6)", code: str = "KZ306", **changes: object) -> Finding:
    base = hostile_result().findings[0]
    fields = {"status": status, "clause": clause, "code": code, "path": "app/cam.py", "message": "m", "evidence": "e", "mitigation": None}
    fields.update(changes)
    return Finding(**{**{s: getattr(base, s) for s in Finding.__slots__}, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((Status.MITIGATED, Status.OPEN), "open"),
        ((Status.MITIGATED, Status.BASELINED, Status.SUPPRESSED), "baselined"),
        ((Status.MITIGATED, Status.SUPPRESSED), "suppressed"),
        ((Status.MITIGATED, Status.MITIGATED), "mitigated"),
        ((), "no-signal"),
    ],
)
def test_clause_status_takes_the_worst_finding(statuses: tuple[Status, ...], expected: str) -> None:
    result = RunResult(".", tuple(_finding(s) for s in statuses), (), 1, rules_run=("KZ306/library-call",))
    view = build_report(result, root=None, repo=FIXED_REPO, generated=FIXED_DATE)
    row = next(r for r in view.clauses if r.clause == "17(3)(6)")
    assert row.status.value == expected
    assert sum(row.count(s) for s in Status) == len(statuses)


def test_clause_without_a_rule_is_not_checked_and_unknown_rules_claim_nothing() -> None:
    result = RunResult(".", (), (), 1, rules_run=("KZ306/library-call",))
    view = build_report(result, root=None, repo=FIXED_REPO, generated=FIXED_DATE)
    status = {r.clause: r.status.value for r in view.clauses}
    assert status["17(3)(6)"] == "no-signal" and status["17(3)(5)"] == "not-checked" and status["17(3)"] == "not-checked"
    saved = build_report(result, root=None, repo=FIXED_REPO, generated=FIXED_DATE, rules_recorded=False)
    assert saved.rules is None and "Not recorded in the saved result" in render_markdown(saved)


def test_declaration_findings_are_shown_with_the_declaration(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({"src/app.py": "x = 1\n"})
    conflict = _finding(Status.OPEN, clause="17(1)", code="KZ102", path="pyproject.toml", message="risk declared as 'high' here and 'low' in README.md")
    view = build_report(RunResult(".", (conflict,), (), 1), root=root, repo=FIXED_REPO, generated=FIXED_DATE)
    assert view.declaration_findings == (conflict,)
    section = render_markdown(view).split("## Declared classification", 1)[1].split("\n## ", 1)[0]
    assert "risk declared as 'high' here and 'low' in README.md" in section
    assert "| risk (17(1)) | <code>high</code> | <code>pyproject.toml:" in section


def test_notebook_and_repository_locations() -> None:
    from kzai_lint.report.view import location

    assert location(_finding(Status.OPEN, path="nb/a.ipynb", cell=3, line=5, column=2)) == "nb/a.ipynb, cell 3, line 5"
    assert location(_finding(Status.OPEN, path="app/cam.py", line=7, column=4)) == "app/cam.py:7:4"
    assert location(_finding(Status.OPEN, path=".", line=None, column=None)) == "repository"


def test_saved_json_round_trips_and_bad_values_are_named() -> None:
    from kzai_lint.reporters.json import result_from_json, result_to_json

    result = hostile_result()
    data = result_to_json(result)
    back = result_from_json(json.loads(json.dumps(data)))
    assert back.findings == result.findings and back.errors == result.errors
    data["findings"][0]["line"] = "three"
    with pytest.raises(ValueError, match=r"findings\[0\]\.line"):
        result_from_json(data)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_repo_info_from_git_redacts_credentials(tmp_path: Path) -> None:
    from kzai_lint.report.repo_info import discover_repo

    repo = tmp_path / "work"
    (repo / "svc").mkdir(parents=True)
    (repo / "svc" / "a.py").write_text("x = 1\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "init"], ["remote", "add", "origin", "https://user:s3cret@git.example.invalid/acme/floor.git"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    info = discover_repo(repo / "svc")
    assert info.name == "floor" and info.subdir == "svc" and not info.dirty
    assert info.commit is not None and len(info.commit) == 40
    assert info.remote == "https://git.example.invalid/acme/floor.git"
    (repo / "svc" / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert discover_repo(repo / "svc").dirty
    assert discover_repo(tmp_path).commit is None
