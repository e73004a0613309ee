#!/usr/bin/env bash
# Every test of the project, against real servers (PostgreSQL, an S3-API server, Airflow):
#   1. Java: formatting (Spotless), unit and integration tests, and the step and launcher jars;
#      then a bounded fuzzing run of the raw-file reader (Jazzer)
#   2. Airflow: ruff, DAG import/structure tests, end-to-end DAG runs in local mode
#   3. Containers: the step images on a real Docker engine (Testcontainers) and both DAGs in
#      docker mode (scripts/test-containers.sh; skipped, saying why, where no engine can run)
#   4. UI: the Airflow UI of `./pipeline airflow` in headless chromium (scripts/test-ui.sh)
#   5. Deployment: Terraform (HCL checks + checkov), Dockerfiles, compose, yamllint, shellcheck
#   6. Faults: the fault-injection suite and the secrets test (scripts/test-faults.sh), which
#      rewrites docs/reliability.md
# Each part runs even when an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

# Free space where the servers' data folders go (TMPDIR): a full disk breaks every later part with
# errors far from the cause, so each part's line shows it and a start below MIN_FREE_GB warns.
free_gb() { df -P --block-size=1G "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }'; }
if [ "$(free_gb)" -lt "${MIN_FREE_GB:-10}" ]; then
  echo "WARNING: only $(free_gb) GB free in ${TMPDIR:-/tmp}; a full run needs about ${MIN_FREE_GB:-10} GB" >&2
fi

declare -A results
run_part() {
  local name="$1"
  shift
  echo "=== $name ==="
  local start=$SECONDS
  if "$@"; then results[$name]="passed"; else results[$name]="FAILED"; fi
  echo "=== $name: ${results[$name]} in $((SECONDS - start)) s ($(free_gb) GB free) ==="
}

run_part java bash -c "mvn -B -ntp install && touch tasks/pipeline/target/.built"
# Coverage-guided fuzzing of the raw-file reader for a bounded time (FUZZ_SECONDS, default 60) on
# the classes built above; a crashing input lands in FitbitDayFuzzTestInputs/ (commit it: it is a
# regression test from then on). docs/hostile-input.md.
run_part fuzz env JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${FUZZ_SECONDS:-60}s" \
  mvn -B -ntp -q -pl tasks/core surefire:test@fuzz -Dtest=FitbitDayFuzzTest \
  -Dsurefire.failIfNoSpecifiedTests=false
# The DAG's end-to-end tests run the jars built above (the docker-mode ones run in part containers).
rm -rf target/test-reports && mkdir -p target/test-reports
run_part airflow env FITBIT_E2E=1 FITBIT_AIRFLOW_JUNIT="$ROOT/target/test-reports/airflow.xml" bash scripts/test-airflow.sh \
  --ignore=tests/dags/test_e2e_docker.py
run_part containers bash scripts/test-containers.sh --junitxml="$ROOT/target/test-reports/containers.xml"
run_part ui bash scripts/test-ui.sh --junitxml="$ROOT/target/test-reports/ui.xml"
run_part infra bash scripts/test-infra.sh --junitxml="$ROOT/target/test-reports/infra.xml"
run_part faults bash scripts/test-faults.sh

# One closing line over every JUnit report (Surefire and pytest): tests, not parts.
python3 - tasks/*/target/surefire-reports/TEST-*.xml target/test-reports/*.xml <<'PY'
import sys
import xml.etree.ElementTree as ET

total = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        continue
    for suite in [root] if root.tag == "testsuite" else root.iter("testsuite"):
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
print(f"tests: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY

status=0
for part in java fuzz airflow containers ui infra faults; do
  echo "$part: ${results[$part]}"
  [ "${results[$part]}" = passed ] || status=1
done
exit $status
