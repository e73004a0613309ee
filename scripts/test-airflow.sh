#!/usr/bin/env bash
# Lints and tests the Airflow DAGs on a real Airflow 3 (installed by scripts/setup-airflow.sh).
#   scripts/test-airflow.sh [pytest args...]
# The end-to-end tests (tests/dags/test_e2e_pipeline.py, test_e2e_lakehouse.py) run when the
# jars are built or FITBIT_E2E=1 (then they must pass); otherwise pytest reports them as skipped.
# FITBIT_E2E_PIPELINE names a launcher to use instead of ./pipeline (e.g. one that never rebuilds).
# FITBIT_AIRFLOW_TESTS: the test files or folders to run (default tests/dags; the docker-mode
# tests, tests/dags/test_e2e_docker.py, run from scripts/test-containers.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${FITBIT_AIRFLOW_VENV:-$ROOT/.venv/airflow}
start=$(date +%s)

"$ROOT/scripts/setup-airflow.sh"

cd "$ROOT"
echo "test-airflow: ruff check"
"$VENV/bin/ruff" check dags tests/dags tests/ui tests/infra
"$VENV/bin/ruff" format --check dags tests/dags tests/ui tests/infra

echo "test-airflow: pytest"
status=0
# shellcheck disable=SC2086 # a list of paths
"$VENV/bin/python" -m pytest ${FITBIT_AIRFLOW_TESTS:-tests/dags} -p no:cacheprovider -o console_output_style=classic \
    --junitxml="${FITBIT_AIRFLOW_JUNIT:-/dev/null}" -rs "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "test-airflow: pytest collected no tests" >&2
fi
echo "test-airflow: finished in $(( $(date +%s) - start ))s (pytest exit $status)"
exit "$status"
