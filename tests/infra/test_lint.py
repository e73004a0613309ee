"""yamllint on every YAML file and shellcheck on every shell script of the project."""

from __future__ import annotations

import subprocess

import pytest
from conftest import REPO, project_files, tool


def yaml_files():
    return (
        project_files("*.yml")
        + project_files("*.yaml")
        + [p for p in [REPO / ".yamllint"] if p.exists()]
    )


def shell_scripts():
    scripts = set(project_files("*.sh"))
    for extra in (REPO / ".ci" / "run", REPO / "pipeline"):
        if extra.is_file():
            scripts.add(extra)
    return sorted(scripts)


def test_there_is_yaml_and_shell_to_lint():
    names = {p.relative_to(REPO).as_posix() for p in yaml_files()}
    assert "docker-compose.yml" in names and ".github/workflows/ci.yml" in names
    assert {"scripts/setup-infra.sh", "scripts/test-infra.sh"} <= {
        p.relative_to(REPO).as_posix() for p in shell_scripts()
    }


@pytest.mark.parametrize(
    "path", yaml_files(), ids=lambda p: p.relative_to(REPO).as_posix()
)
def test_yamllint(path):
    result = subprocess.run(
        [
            tool("YAMLLINT_BIN", "yamllint"),
            "--strict",
            "-c",
            str(REPO / ".yamllint"),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path", shell_scripts(), ids=lambda p: p.relative_to(REPO).as_posix()
)
def test_shellcheck(path):
    result = subprocess.run(
        [
            tool("SHELLCHECK_BIN", "shellcheck"),
            "--severity=style",
            "--external-sources",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
