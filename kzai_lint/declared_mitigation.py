"""Mitigations that come from the repository's declarations rather than from a guard in code.

Declared purposes (`[[tool.kzai-lint.system.purposes]]` with clause, purpose and a file scope),
declared lawful bases (`lawful-basis`) and declared labelling of synthetic output
(`synthetic-output` with machine-readable marking *and* a visible notice, plus a marking call
found in the code) and offline switches set in the deployment files for KZ402 hub calls turn a
finding `mitigated`, never delete it (clause map 5, 6.7, 6.9, 6.10).
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import replace
from typing import Any, Mapping

from kzai_lint.context import RepoIndex
from kzai_lint.model import Finding, Severity, Status

# Purposes that may mitigate a clause (clause map 6.4, 6.7): protective or aggregate uses.
MITIGATING_PURPOSES = {
    "17(3)(2)": {"protection", "age_gating", "accessibility", "responsible_gambling", "research_detection"},
    "17(3)(1)": {"research_detection"},
    "17(3)(5)": {"fairness_evaluation", "dataset_balancing", "demographic_research", "age_gating"},
}


def _in_scope(path: str, scope: Any) -> bool:
    if scope in (None, "", "*", "**"):
        return True
    scopes = scope if isinstance(scope, list) else [scope]
    return any(fnmatch.fnmatchcase(path, str(s)) or fnmatch.fnmatchcase(path, str(s).rstrip("/") + "/*") for s in scopes)


def _declared_purpose(finding: Finding, system: Mapping[str, Any]) -> str | None:
    for entry in system.get("purposes") or ():
        if not isinstance(entry, dict) or entry.get("clause") != finding.clause:
            continue
        purpose = str(entry.get("purpose", ""))
        if purpose in MITIGATING_PURPOSES.get(finding.clause, ()) and _in_scope(finding.path, entry.get("scope")):
            return f"declared purpose {purpose!r} for {finding.clause} (scope {entry.get('scope', '*')})"
    return None


def _lawful_basis(finding: Finding, system: Mapping[str, Any]) -> str | None:
    for entry in system.get("lawful-basis") or ():
        if isinstance(entry, dict) and entry.get("clause") == finding.clause and entry.get("law") and _in_scope(finding.path, entry.get("scope")):
            return f"declared lawful basis for {finding.clause}: {entry['law']}"
    return None


def _synthetic_output(finding: Finding, repo: RepoIndex) -> str | None:
    if finding.code != "KZ307" or finding.capability not in ("face_swap", "voice_clone", "talking_head"):
        return None
    decl = repo.declaration.get("synthetic-output") or {}
    if not isinstance(decl, dict):
        return None
    marking = decl.get("machine-readable-marking")
    notice = decl.get("visible-notice")
    marks = repo.fact("marking")
    if marking and notice is True and marks:
        where = ", ".join(sorted({f"{p}:{v[1]}" for p, v in marks})[:3])
        return f"synthetic output declared as marked ({marking}) with a visible notice; marking found at {where}"
    return None


def _deployment_offline(finding: Finding, repo: RepoIndex) -> str | None:
    """A KZ402 hub call whose offline switch (`HF_HUB_OFFLINE=1`...) the project's deployment
    files set (`deployment_env`): offline where the system runs (clause map 6.10)."""
    if finding.code != "KZ402":
        return None
    switches = [v[1] for path, v in repo.fact("offline_switches") if path == finding.path and v[0] == finding.line]
    if not switches:
        return None
    names = {name for joined in switches for name in str(joined).split(",") if name}
    offline = repo.catalogue.extra.get("offline_env") or {}
    for name, setting in sorted(_deployment_settings(repo, names).items()):
        if str(setting.value).lower() in {str(v).lower() for v in offline.get(name, ())}:
            return f"{name}={setting.value} is set for the deployment in {setting.path}:{setting.line}"
    return None


def _deployment_settings(repo: RepoIndex, names: set[str]) -> dict[str, Any]:
    """The project's deployment settings of `names`, read once per repository index."""
    cache = repo.__dict__.setdefault("_deployment_settings", {})
    missing = names - set(cache)
    if missing:
        from kzai_lint import deployment_env

        project = repo.root
        if repo.declaration_path:
            project = os.path.normpath(os.path.join(repo.root, os.path.dirname(repo.declaration_path)))
        found = deployment_env.settings(project, missing)
        for name in missing:
            cache[name] = found.get(name)
    return {name: cache[name] for name in names if cache.get(name) is not None}


def mitigate(finding: Finding, repo: RepoIndex) -> Finding:
    if finding.status is not Status.OPEN or finding.code == "KZ001":
        # KZ001 borrows a clause only to file the finding; a declaration cannot fix a comment.
        return finding
    system = repo.declaration
    reason = _lawful_basis(finding, system) or _declared_purpose(finding, system) or _synthetic_output(finding, repo) or _deployment_offline(finding, repo)
    if reason is None:
        return finding
    severity = Severity.INFO if finding.clause in MITIGATING_PURPOSES else finding.severity
    return replace(finding, status=Status.MITIGATED, mitigation=reason, severity=severity)
