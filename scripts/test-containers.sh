#!/usr/bin/env bash
# The container tests on a real Docker engine (the `containers` part of scripts/test.sh):
#   1. scripts/docker-env.sh: the engine, the offline base image and every step image
#   2. scripts/compose-env.sh: the server images fitbit-postgres and fitbit-pipeline-tools (s3proxy)
#   3. the Testcontainers tests (Maven profile docker-it, tag "docker"): every step image run
#      against the launcher's real servers (StepImagesDockerTest), and the batch steps against
#      PostgreSQL and s3proxy started as containers from those images (StepImagesOnContainersTest)
#   4. both DAGs in docker mode on a real Airflow: the DockerOperator starts the step containers
#      (tests/dags/test_e2e_docker.py)
#   5. docker-compose.yml with docker-compose.offline.yml: the Compose v2 plugin built from its Go
#      module, the local stack's data plane up, the sample week through the step services, down
#      (scripts/test-compose.sh)
#
#   scripts/test-containers.sh [--junitxml=FILE]
#
# When no engine can run on this machine (docker-env.sh exits 2: not root, no apt, dockerd does
# not start) nothing is failed: the reason is printed, and FILE gets one skipped test with it.
# Never pulls an image. Run after the Java build (`mvn install`, the `java` part): the step images
# are built from the fast-jars and Airflow's local steps from the jars.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

junit=""
for arg in "$@"; do
  case "$arg" in
    --junitxml=*) junit="${arg#--junitxml=}" ;;
    *) echo "usage: scripts/test-containers.sh [--junitxml=FILE]" >&2; exit 2 ;;
  esac
done

start=$SECONDS
step() { echo "test-containers: $1 ($((SECONDS - start)) s)"; }

skipped_report() {
  local reason="$1"
  echo "test-containers: SKIPPED: $reason"
  [ -n "$junit" ] || return 0
  mkdir -p "$(dirname "$junit")"
  python3 - "$junit" "$reason" << 'PY'
import sys
from xml.sax.saxutils import quoteattr

path, reason = sys.argv[1:3]
with open(path, "w", encoding="utf-8") as out:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<testsuite name="containers" tests="1" failures="0" errors="0" skipped="1">\n')
    out.write(f'  <testcase classname="containers" name="docker-env"><skipped message={quoteattr(reason)}/></testcase>\n')
    out.write("</testsuite>\n")
PY
}

env_log="$(mktemp)"
bash scripts/docker-env.sh 2>&1 | tee "$env_log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 2 ]; then
  skipped_report "no Docker engine on this machine: $(grep -m1 'docker-env: no engine' "$env_log" | sed 's/^docker-env: no engine: //')"
  rm -f "$env_log"
  exit 0
fi
rm -f "$env_log"
if [ "$rc" -ne 0 ]; then
  echo "test-containers: scripts/docker-env.sh failed (exit $rc)" >&2
  exit 1
fi
step "engine and images ready"

# The server images of docker-compose.offline.yml (fitbit-postgres, the tools image with s3proxy),
# which StepImagesOnContainersTest starts as containers too: built here, before the Testcontainers
# tests (cached: about 2 s when nothing changed). Exit 2 (no Go toolchain for the Compose plugin,
# built first) skips that test with the reason; the compose test below skips the same way.
status=0
data_log="$(mktemp)"
bash scripts/compose-env.sh 2>&1 | tee "$data_log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 2 ]; then
  FITBIT_NO_DATA_IMAGES="scripts/compose-env.sh exit 2: $(grep -m1 'compose-env: no engine' "$data_log" | sed 's/^compose-env: no engine: //')"
  export FITBIT_NO_DATA_IMAGES
elif [ "$rc" -ne 0 ]; then
  echo "test-containers: scripts/compose-env.sh failed (exit $rc)" >&2
  status=1
fi
rm -f "$data_log"
step "server images (PostgreSQL, s3proxy) $([ "$rc" -eq 0 ] && echo ready || echo "not built (exit $rc)")"

# Testcontainers against the engine of docker-env.sh: its API is 1.41 (Debian's docker 20.10), and
# Ryuk, Testcontainers' reaper, would be pulled from Docker Hub (the tests remove their containers).
# The engine runs on this machine, so its published ports are on localhost: without the override a
# machine that has /.dockerenv makes Testcontainers look for the engine's gateway by running an
# alpine container, which it tries to pull from Docker Hub for two minutes and fails.
export TESTCONTAINERS_RYUK_DISABLED=true DOCKER_API_VERSION=1.41 TESTCONTAINERS_HOST_OVERRIDE=localhost
mvn -B -ntp -o -pl tasks/pipeline -am -Pdocker-it test -Dgroups=docker \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Djacoco.skip=true || status=1
step "Testcontainers tests (docker-it) $([ $status -eq 0 ] && echo passed || echo FAILED)"

FITBIT_E2E_DOCKER=1 FITBIT_AIRFLOW_TESTS=tests/dags/test_e2e_docker.py \
  FITBIT_AIRFLOW_JUNIT="${junit:-/dev/null}" bash scripts/test-airflow.sh || status=1
step "both DAGs in docker mode $([ $status -eq 0 ] && echo passed || echo FAILED)"

bash scripts/test-compose.sh || status=1
step "docker compose $([ $status -eq 0 ] && echo passed || echo FAILED)"

echo "test-containers: finished in $((SECONDS - start)) s (exit $status)"
exit $status
