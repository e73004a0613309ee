#!/usr/bin/env bash
# `./pipeline airflow`: a local Airflow with both DAGs, for a machine without Docker.
#
#   ./pipeline airflow [--port N] [--seed | --seed-week YYYY-Www]
#
# 1. The Airflow virtualenv (scripts/setup-airflow.sh) and the jars (./pipeline builds them).
# 2. `./pipeline serve` in the background: the S3-API server, PostgreSQL and a Kafka broker on
#    loopback, the variables that reach them in STATE/airflow/serve.env. With --seed, the sample
#    week 2026-W47 is uploaded to the raw bucket first (--seed-week: that week's sample instead).
# 3. `airflow standalone` (api-server on http://localhost:PORT, scheduler, dag-processor,
#    triggerer; SQLite in STATE/airflow) with dags/, the steps in local task mode (the built jars
#    as subprocesses), the connections fitbit_warehouse, fitbit_aws, fitbit_kafka and the
#    variables pointing at the servers of step 2. Every user is an admin (no login: a developer's
#    machine, loopback only). The DAGs start paused.
# Ctrl-C (SIGINT/SIGTERM) stops Airflow, then the servers. STATE is PIPELINE_STATE_DIR (default
# .pipeline-local); the settings stay in STATE/airflow between starts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FITBIT_AIRFLOW_VENV:-$ROOT/.venv/airflow}"
STATE="${PIPELINE_STATE_DIR:-$ROOT/.pipeline-local}"
PORT=8080
SEED=false
SEED_WEEK=2026-W47
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --seed) SEED=true; shift ;;
    --seed-week) SEED=true; SEED_WEEK="$2"; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ERROR: unknown option $1 (usage: ./pipeline airflow [--port N] [--seed | --seed-week YYYY-Www])" >&2; exit 2 ;;
  esac
done

"$ROOT/scripts/setup-airflow.sh" >&2
mkdir -p "$STATE/airflow"
# PostgreSQL runs as user postgres when we are root: its folders must be reachable by it.
chmod 755 "$STATE" "$STATE/airflow"
env_file="$STATE/airflow/serve.env"
rm -f "$env_file"

serve_pid=""
airflow_pid=""
stop() {
  trap - INT TERM EXIT
  [ -z "$airflow_pid" ] || { kill -TERM "$airflow_pid" 2> /dev/null; wait "$airflow_pid" 2> /dev/null || true; }
  [ -z "$serve_pid" ] || { kill -TERM "$serve_pid" 2> /dev/null; wait "$serve_pid" 2> /dev/null || true; }
}
trap stop INT TERM EXIT

PIPELINE_STATE_DIR="$STATE" "$ROOT/pipeline" serve --env-file "$env_file" > "$STATE/airflow/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 600); do
  [ -s "$env_file" ] && [ "$(tail -c 1 "$env_file")" = "" ] && grep -q '^KAFKA_BOOTSTRAP_SERVERS=' "$env_file" && break
  kill -0 "$serve_pid" 2> /dev/null || { echo "ERROR: pipeline serve stopped: $(tail -n 5 "$STATE/airflow/serve.log")" >&2; exit 3; }
  sleep 0.5
done
[ -s "$env_file" ] || { echo "ERROR: pipeline serve wrote no $env_file in 5 min" >&2; exit 3; }
echo "airflow: servers up (pipeline serve, log $STATE/airflow/serve.log)" >&2

# The servers' variables: connections for the secrets, fitbit_step_env for the rest.
eval "$(python3 - "$env_file" << 'PY'
import json, shlex, sys

env = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if "=" in line and not line.lstrip().startswith("#"):
        key, value = line.rstrip("\n").split("=", 1)
        env[key.strip()] = value.strip()
connections = {
    "AIRFLOW_CONN_FITBIT_WAREHOUSE": {
        "conn_type": "postgres",
        "login": env.get("WAREHOUSE_USER"),
        "password": env.get("WAREHOUSE_PASSWORD"),
        "extra": {"jdbc_url": env["WAREHOUSE_JDBC_URL"]},
    },
    "AIRFLOW_CONN_FITBIT_AWS": {
        "conn_type": "aws",
        "login": env.get("AWS_ACCESS_KEY_ID"),
        "password": env.get("AWS_SECRET_ACCESS_KEY"),
        "extra": {"region_name": env.get("AWS_REGION", "us-east-1"), "endpoint_url": env.get("AWS_ENDPOINT_URL_S3")},
    },
    "AIRFLOW_CONN_FITBIT_KAFKA": {"conn_type": "kafka", "extra": {"bootstrap_servers": env["KAFKA_BOOTSTRAP_SERVERS"]}},
}
secret = {"WAREHOUSE_JDBC_URL", "WAREHOUSE_USER", "WAREHOUSE_PASSWORD", "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_S3"}
step_env = {k: v for k, v in env.items() if k not in secret and not k.startswith("KAFKA_")}
out = {**{k: json.dumps(v) for k, v in connections.items()}, "AIRFLOW_VAR_FITBIT_STEP_ENV": json.dumps(step_env)}
for key, value in out.items():
    print(f"export {key}={shlex.quote(value)}")
PY
)"

if $SEED; then
  echo "airflow: seeding the sample week $SEED_WEEK" >&2
  # shellcheck disable=SC1090 # written by pipeline serve above
  (set -a && . "$env_file" && PIPELINE_STATE_DIR="$STATE" "$ROOT/pipeline" seed --week "$SEED_WEEK" >&2)
fi

export AIRFLOW_HOME="$STATE/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=True
export AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__BASE_URL="http://localhost:$PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:$PORT/execution/"
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=30
export AIRFLOW_VAR_FITBIT_TASK_MODE=local
export AIRFLOW_VAR_FITBIT_REPO_ROOT="$ROOT"
export PATH="$VENV/bin:$PATH"

echo "airflow: starting Airflow on http://localhost:$PORT (Ctrl-C stops it and the servers)" >&2
"$VENV/bin/airflow" standalone &
airflow_pid=$!
wait "$airflow_pid"
