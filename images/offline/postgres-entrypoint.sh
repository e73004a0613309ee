#!/bin/bash
# First start (no PG_VERSION in PGDATA): initdb with POSTGRES_USER as superuser and
# POSTGRES_PASSWORD (scram-sha-256 for every TCP client), create POSTGRES_DB, run
# /docker-entrypoint-initdb.d/*.sql in it. Then postgres replaces this script (PID 1), with the
# command's -c settings.
set -euo pipefail
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n 1)"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" -A scram-sha-256 --auth-local=trust -E UTF8 > /dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start > /dev/null
  [ "$db" = postgres ] || "$bin/psql" -h /var/run/postgresql -U "$user" -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE DATABASE \"$db\""
  for f in /docker-entrypoint-initdb.d/*.sql; do
    [ -f "$f" ] || continue
    echo "postgres-entrypoint: running $f"
    "$bin/psql" -h /var/run/postgresql -U "$user" -d "$db" -v ON_ERROR_STOP=1 -q -f "$f"
  done
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop > /dev/null
fi
# Arguments as the official image takes them ("postgres -c name=value ..."): the server's settings
# from the compose file's command reach this image too.
if [ "${1:-}" = postgres ]; then
  shift
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
