#!/usr/bin/env bash
# Every test of the project, against real servers (PostgreSQL, an S3-API server, Airflow):
#   1. Java: formatting (Spotless), unit and integration tests, and the step and launcher jars
#   2. Airflow: ruff, DAG import/structure tests, end-to-end DAG runs in local mode
#   3. Deployment: Terraform (HCL checks + checkov), Dockerfiles, compose, yamllint, shellcheck
# Each part runs even when an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

declare -A results
run_part() {
  local name="$1"
  shift
  echo "=== $name ==="
  local start=$SECONDS
  if "$@"; then results[$name]="passed"; else results[$name]="FAILED"; fi
  echo "=== $name: ${results[$name]} in $((SECONDS - start)) s ==="
}

run_part java bash -c "mvn -B -ntp install && touch tasks/pipeline/target/.built"
# The DAG's end-to-end tests run the jars built above.
run_part airflow env FITBIT_E2E=1 bash scripts/test-airflow.sh
run_part infra bash scripts/test-infra.sh

status=0
for part in java airflow infra; do
  echo "$part: ${results[$part]}"
  [ "${results[$part]}" = passed ] || status=1
done
exit $status
