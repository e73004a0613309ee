#!/usr/bin/env bash
# Creates (or reuses) the Airflow virtualenv used by the DAG tests: <repo>/.venv/airflow.
# The top-level packages are pinned in dags/requirements.txt, everything else in
# dags/constraints.txt. A hash of both files is kept in the venv, so a warm machine skips pip.
# Environment: PYTHON (default python3), FITBIT_AIRFLOW_VENV (default <repo>/.venv/airflow).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${FITBIT_AIRFLOW_VENV:-$ROOT/.venv/airflow}
REQUIREMENTS=$ROOT/dags/requirements.txt
CONSTRAINTS=$ROOT/dags/constraints.txt
PYTHON=${PYTHON:-python3}
STAMP_FILE=$VENV/.fitbit-requirements.sha256

stamp=$(cat "$REQUIREMENTS" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/airflow" ] \
    && [ "$(cat "$STAMP_FILE" 2>/dev/null)" = "$stamp" ]; then
    echo "setup-airflow: $VENV is up to date"
    exit 0
fi

if ! "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))'; then
    echo "setup-airflow: Airflow 3.3 needs Python 3.10 to 3.13; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup-airflow: creating $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
fi

echo "setup-airflow: installing dags/requirements.txt into $VENV"
rm -f "$STAMP_FILE"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$REQUIREMENTS" -c "$CONSTRAINTS"
"$VENV/bin/python" -m pip check
echo "$stamp" > "$STAMP_FILE"
echo "setup-airflow: done ($("$VENV/bin/python" -c 'import airflow; print("apache-airflow", airflow.__version__)'))"
