#!/usr/bin/env bash
# docker-compose.yml for real, offline (docker-compose.offline.yml): up the warehouse and the
# S3-API server, `run seed` (the sample week into the raw bucket), run extract, transform, load,
# promote of one activity as the compose step services, check the warehouse, check that no
# secret of the generated .env is in any container's log, then `down -v` and check nothing is left.
#
#   scripts/test-compose.sh        # after scripts/compose-env.sh (it calls it)
#
# Exit 0 passed, 1 failed; exit 0 with "SKIPPED: reason" when no engine (or no Go toolchain for
# the Compose plugin) can be had here. Project name fitbit-it, no host port published: it does not
# collide with a developer's own `docker compose up`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
start=$SECONDS
say() { echo "test-compose: $1 ($((SECONDS - start)) s)"; }

rc=0
bash scripts/compose-env.sh || rc=$?
if [ "$rc" -eq 2 ]; then
  echo "test-compose: SKIPPED: no Docker engine or Compose plugin can be had on this machine (see above)"
  exit 0
fi
[ "$rc" -eq 0 ] || { echo "test-compose: scripts/compose-env.sh failed (exit $rc)" >&2; exit 1; }

work="$(mktemp -d)"
env_file="$work/compose.env"
# Fresh secrets for this run only (never committed, never printed).
umask 077
cat > "$env_file" << EOF
AIRFLOW_DB_PASSWORD=af-$(openssl rand -hex 12)
AIRFLOW_FERNET_KEY=$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
AIRFLOW_JWT_SECRET=$(openssl rand -hex 16)
AIRFLOW_ADMIN_PASSWORD=ad-$(openssl rand -hex 12)
MINIO_ROOT_USER=fitbit-it
MINIO_ROOT_PASSWORD=s3-$(openssl rand -hex 12)
WAREHOUSE_PASSWORD=wh-$(openssl rand -hex 12)
EOF
umask 022
compose=(/usr/bin/docker compose -p fitbit-it --env-file "$env_file" -f docker-compose.yml -f docker-compose.offline.yml)
WEEK=2026-W47
ACTIVITY=steps
status=0
fail() {
  echo "test-compose: FAILED: $*" >&2
  status=1
}

# shellcheck disable=SC2317,SC2329 # called by the EXIT trap
cleanup() {
  "${compose[@]}" down -v --remove-orphans > "$work/down.log" 2>&1 || fail "docker compose down failed: $(tail -n 3 "$work/down.log")"
  left="$(/usr/bin/docker ps -a --filter label=com.docker.compose.project=fitbit-it -q; /usr/bin/docker volume ls -q --filter label=com.docker.compose.project=fitbit-it)"
  [ -z "$left" ] || fail "containers or volumes left after down -v: $left"
  say "down -v: nothing left"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

"${compose[@]}" config -q || fail "docker compose config rejects the files"
if "${compose[@]}" up -d --wait --pull never warehouse minio > "$work/up.log" 2>&1; then
  say "up: warehouse and minio (s3proxy) healthy"
else
  fail "docker compose up: $(tail -n 5 "$work/up.log")"
  exit 1
fi

run() { # service args...: docker compose run, its output kept for the secret check
  local service="$1"
  shift
  local t=$SECONDS
  if "${compose[@]}" run --rm --pull never "$service" "$@" > "$work/run-$service.log" 2>&1; then
    say "run $service $*: exit 0 in $((SECONDS - t)) s"
  else
    fail "run $service exited $?: $(tail -n 5 "$work/run-$service.log")"
  fi
}
run seed
for step in extract transform load promote; do
  [ "$status" -eq 0 ] || break
  run "$step" --activity "$ACTIVITY" --week "$WEEK" --run-id compose-it
done
grep -q '"level"' "$work/run-extract.log" 2> /dev/null || fail "extract printed no JSON event line"

rows="$("${compose[@]}" exec -T warehouse psql -U fitbit -d fitbit -tAc 'SELECT count(*) FROM fitbit.steps_daily' 2>&1)"
[ "$rows" = 139 ] || fail "fitbit.steps_daily holds '$rows' rows, expected 139 (20 users x 7 days, less one)"
say "fitbit.steps_daily: $rows rows"
# The compose file's server settings reach the warehouse (the offline image takes them as the
# official one does).
setting="$("${compose[@]}" exec -T warehouse psql -U fitbit -d fitbit -tAc 'SHOW maintenance_work_mem' 2>&1)"
[ "$setting" = 256MB ] || fail "the warehouse runs with maintenance_work_mem '$setting', expected 256MB (docker-compose.yml)"
say "warehouse maintenance_work_mem: $setting"

"${compose[@]}" logs --no-color > "$work/services.log" 2>&1
while IFS='=' read -r key value; do
  case "$key" in *PASSWORD | *SECRET | *KEY)
    if grep -qF -- "$value" "$work"/*.log; then fail "the value of $key is in a container log"; fi ;;
  esac
done < "$env_file"
say "no secret of the .env in any log"
exit "$status"
