#!/usr/bin/env bash
# The fault-injection suite (issue 11) and the secrets test, on real servers on loopback:
#   scripts/test-faults.sh
# Runs the JUnit tests tagged "faults" (tasks/pipeline: FaultInjectionTest, SecretsTest) and
# regenerates docs/reliability.md from docs/reliability.template.md with the table of cases, their
# results and times. Exit code: Maven's (non-zero if any case failed). Bounded by FAULTS_TIMEOUT
# seconds (default 900). The disk case mounts a small tmpfs: as a user without mount rights it is
# reported as skipped.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

RESULTS="$ROOT/tasks/pipeline/target/faults/cases.tsv"
rm -f "$RESULTS"
start=$SECONDS
timeout "${FAULTS_TIMEOUT:-900}" mvn -B -ntp ${MAVEN_OFFLINE:+-o} -pl tasks/pipeline -am test \
    -Dtest='FaultInjectionTest,SecretsTest' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dspotless.check.skip=true -Dsurefire.excludedGroups=docker -Dgroups=faults \
    -Dfaults.results="$RESULTS"
status=$?
python3 "$ROOT/scripts/reliability_doc.py" "$RESULTS" "$ROOT/docs/reliability.template.md" \
    "$ROOT/docs/reliability.md" "$((SECONDS - start))" "$status"
echo "test-faults: finished in $((SECONDS - start)) s (exit $status); table in docs/reliability.md"
exit "$status"
