"""Offline switches set by the deployment files mitigate KZ402 hub downloads (`deployment_env`)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from kzai_lint.api import check
from kzai_lint.deployment_env import _assignments, deployment_files, settings

LOCAL = """
[tool.kzai-lint.system]
risk = "medium"
autonomy = "low"
mode = "local"
"""
LOADER = """
from transformers import AutoModel
model = AutoModel.from_pretrained("intfloat/multilingual-e5-base")
"""
NAMES = ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"]


@pytest.mark.parametrize(("text", "expected"), [
    ("FROM python:3.11\nENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1\n", [("HF_HUB_OFFLINE", "1", 2), ("TRANSFORMERS_OFFLINE", "1", 2)]),
    ("ENV HF_HUB_OFFLINE 1\n", [("HF_HUB_OFFLINE", "1", 1)]),
    ("services:\n  app:\n    environment:\n      - HF_HUB_OFFLINE=1\n", [("HF_HUB_OFFLINE", "1", 4)]),
    ("services:\n  app:\n    environment:\n      HF_HUB_OFFLINE: \"1\"\n", [("HF_HUB_OFFLINE", "1", 4)]),
    ("env:\n  - name: HF_HUB_OFFLINE\n    value: \"1\"\n", [("HF_HUB_OFFLINE", "1", 3)]),
    ('{"containerEnv": {"TRANSFORMERS_OFFLINE": "1"}}', [("TRANSFORMERS_OFFLINE", "1", 1)]),
    ("# ENV HF_HUB_OFFLINE=1\nENV HF_HUB_OFFLINE=$OFFLINE\n", []),  # a comment, and not a literal
])
def test_assignment_forms(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert list(_assignments(text, NAMES)) == expected


def test_deployment_files_by_name_and_folder(tmp_path: Path) -> None:
    for rel in ("Dockerfile", "docker/api.Dockerfile", "compose.yaml", ".env.production", "deploy/k8s/app.yaml",
                "src/config.yaml", "src/Dockerfile.txt", "notes.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n", encoding="utf-8")
    assert deployment_files(str(tmp_path)) == [".env.production", "Dockerfile", "compose.yaml", "deploy/k8s/app.yaml", "docker/api.Dockerfile"]


def test_first_value_wins_and_records_where(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python\nENV HF_HUB_OFFLINE=1\n", encoding="utf-8")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "job.yaml").write_text("env:\n  - name: HF_HUB_OFFLINE\n    value: \"0\"\n", encoding="utf-8")
    found = settings(str(tmp_path), NAMES)
    assert (found["HF_HUB_OFFLINE"].value, found["HF_HUB_OFFLINE"].path, found["HF_HUB_OFFLINE"].line) == ("1", "Dockerfile", 2)


def test_dockerfile_offline_switch_mitigates_the_hub_download(make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"pyproject.toml": LOCAL, "app/embed.py": LOADER, "Dockerfile": "FROM python:3.11\nENV HF_HUB_OFFLINE=1\n"})
    (finding,) = [f for f in check([root]).findings if f.code == "KZ402"]
    assert finding.status.value == "mitigated"
    assert finding.mitigation == "HF_HUB_OFFLINE=1 is set for the deployment in Dockerfile:2"
    # A pre-commit run on the one file sees the same Dockerfile.
    monkeypatch.chdir(root)
    (alone,) = [f for f in check(["app/embed.py"]).findings if f.code == "KZ402"]
    assert alone.status.value == "mitigated"


@pytest.mark.parametrize("dockerfile", ["FROM python:3.11\n", "FROM python:3.11\nENV HF_HUB_OFFLINE=0\n", "FROM python:3.11\nENV WANDB_MODE=offline\n"])
def test_without_the_switch_it_stays_open(make_repo: Callable[..., Path], dockerfile: str) -> None:
    root = make_repo({"pyproject.toml": LOCAL, "app/embed.py": LOADER, "Dockerfile": dockerfile})
    (finding,) = [f for f in check([root]).findings if f.code == "KZ402"]
    assert finding.status.value == "open"


def test_http_calls_are_not_mitigated_by_hub_switches(make_repo: Callable[..., Path]) -> None:
    code = 'import requests\nrequests.post("https://api.ocr-cloud.io/v1/recognize", data=b"")\n'
    root = make_repo({"pyproject.toml": LOCAL, "app/ocr.py": code, "Dockerfile": "ENV HF_HUB_OFFLINE=1\n"})
    (finding,) = [f for f in check([root]).findings if f.code == "KZ402"]
    assert finding.status.value == "open"
