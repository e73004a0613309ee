"""Shared helpers for the deployment tests (Terraform, images, compose, linters)."""

from __future__ import annotations

import json
import os
import re
import shutil
from functools import cache
from pathlib import Path

import hcl2
import pytest

REPO = Path(__file__).resolve().parents[2]
TF_ROOT = REPO / "infra" / "terraform"
MODULES = TF_ROOT / "modules"
IMAGES = REPO / "images"
STEPS = ("extract", "transform", "load", "promote")

# Folders that never hold project sources worth linting.
EXCLUDED_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "target",
    ".terraform",
    ".pipeline-local",
    "__pycache__",
}


def _unquote(value):
    """python-hcl2 8 keeps HCL string quotes ('"abc"'); strip them and the parser's markers."""
    if isinstance(value, str):
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            return value[1:-1]
        return value
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    if isinstance(value, dict):
        return {
            _unquote(k): _unquote(v) for k, v in value.items() if k != "__is_block__"
        }
    return value


@cache
def load_hcl(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return _unquote(hcl2.load(handle))


def tf_files() -> list[Path]:
    return sorted(p for p in TF_ROOT.rglob("*.tf") if ".terraform" not in p.parts)


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def blocks(directory: Path, kind: str) -> dict:
    """All blocks of one kind in a module folder.

    resource/data -> {(type, name): body}; variable/output/module -> {name: body};
    locals -> merged dict.
    """
    found: dict = {}
    for path in sorted(directory.glob("*.tf")):
        for entry in load_hcl(path).get(kind, []):
            if kind in ("resource", "data"):
                for rtype, named in entry.items():
                    for name, body in named.items():
                        found[(rtype, name)] = body
            elif kind == "locals":
                found.update(entry)
            else:
                found.update(entry)
    return found


def resources(directory: Path, rtype: str) -> dict:
    return {
        name: body
        for (t, name), body in blocks(directory, "resource").items()
        if t == rtype
    }


def policy_documents(directory: Path) -> dict:
    return {
        name: body
        for (t, name), body in blocks(directory, "data").items()
        if t == "aws_iam_policy_document"
    }


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: dict) -> list[dict]:
    """Statements of an aws_iam_policy_document, dynamic "statement" blocks included."""
    result = [s for s in as_list(document.get("statement"))]
    for dyn in as_list(document.get("dynamic")):
        for name, body in dyn.items():
            if name == "statement":
                result.extend(as_list(body.get("content")))
    return result


def release() -> dict:
    return json.loads((IMAGES / "release.json").read_text(encoding="utf-8"))


def project_files(pattern: str) -> list[Path]:
    out = []
    for path in REPO.rglob(pattern):
        rel = path.relative_to(REPO)
        if any(part in EXCLUDED_DIRS for part in rel.parts):
            continue
        if path.is_file():
            out.append(path)
    return sorted(out)


def tool(env_name: str, exe: str) -> str:
    """A tool from the infra venv (scripts/test-infra.sh exports its path) or PATH."""
    candidate = os.environ.get(env_name)
    if candidate and Path(candidate).exists():
        return candidate
    venv_candidate = (
        REPO
        / ".venv"
        / ("infra-checkov" if exe == "checkov" else "infra")
        / "bin"
        / exe
    )
    if venv_candidate.exists():
        return str(venv_candidate)
    found = shutil.which(exe)
    if not found:
        pytest.fail(
            f"{exe} not found: run scripts/setup-infra.sh (or scripts/test-infra.sh)"
        )
    return found


SECRET_KEY = re.compile(
    r"(PASSWORD|SECRET|TOKEN|FERNET|_KEY$|ACCESS_KEY)", re.IGNORECASE
)


# What every lakehouse step (and the simulator) reads besides the batch environment: one list for
# the container checks and the Terraform checks.
LAKEHOUSE_ENV = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_AUTH",
    "KAFKA_TOPIC_USER_INFO",
    "KAFKA_TOPIC_WORKOUT",
    "KAFKA_TOPIC_BPM",
    "KAFKA_CONSUMER_GROUP",
    "LANDING_PREFIX",
)
