#!/usr/bin/env bash
# Create (or refresh) the Python virtual environments for tests/infra:
#   .venv/infra          pytest, python-hcl2, PyYAML, yamllint, shellcheck (tests/infra/requirements.txt)
#   .venv/infra-checkov  checkov and its pinned dependencies (tests/infra/requirements-checkov.txt)
# A venv is reinstalled only when its requirements file changed (hash kept in the venv).
# Needs python3 with the venv module and access to PyPI; no root.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"

hash_of() {
  # sha256 of the requirements file plus the interpreter version
  { cat "$1"; "${python}" --version 2>&1; } | sha256sum | cut -d' ' -f1
}

ensure_venv() {
  local venv="$1" requirements="$2" stamp wanted
  stamp="${venv}/.requirements.sha256"
  wanted="$(hash_of "${requirements}")"
  if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${wanted}" ]]; then
    echo "setup-infra: ${venv#"${repo_root}"/} is up to date"
    return 0
  fi
  echo "setup-infra: installing ${requirements#"${repo_root}"/} into ${venv#"${repo_root}"/}"
  if [[ ! -x "${venv}/bin/python" ]]; then
    "${python}" -m venv "${venv}"
  fi
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${requirements}"
  echo "${wanted}" > "${stamp}"
}

mkdir -p "${repo_root}/.venv"
ensure_venv "${repo_root}/.venv/infra" "${repo_root}/tests/infra/requirements.txt"
ensure_venv "${repo_root}/.venv/infra-checkov" "${repo_root}/tests/infra/requirements-checkov.txt"
