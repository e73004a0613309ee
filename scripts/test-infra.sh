#!/usr/bin/env bash
# Deployment tests: Terraform (HCL promises + checkov), Dockerfiles, docker-compose.yml,
# yamllint and shellcheck. Exits non-zero on any failure.
#   scripts/test-infra.sh [extra pytest args]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

start=${SECONDS}
bash scripts/setup-infra.sh

export CHECKOV_BIN="${repo_root}/.venv/infra-checkov/bin/checkov"
export SHELLCHECK_BIN="${repo_root}/.venv/infra/bin/shellcheck"
export YAMLLINT_BIN="${repo_root}/.venv/infra/bin/yamllint"

status=0
if command -v terraform > /dev/null 2>&1; then
  echo "test-infra: terraform fmt -check -recursive infra/terraform"
  if ! terraform fmt -check -recursive -diff infra/terraform; then
    echo "test-infra: terraform fmt found unformatted files" >&2
    status=1
  fi
else
  echo "test-infra: no terraform binary on PATH, skipping terraform fmt (CI runs it)"
fi

"${repo_root}/.venv/infra/bin/python" -m pytest -p no:cacheprovider tests/infra "$@" || status=$?

echo "test-infra: finished in $((SECONDS - start)) s (exit ${status})"
exit "${status}"
