#!/usr/bin/env bash
# What `docker compose -f docker-compose.yml -f docker-compose.offline.yml` needs on a machine
# that reaches no image registry, built offline and cached:
#   1. the engine and the step images (scripts/docker-env.sh)
#   2. the Compose v2 CLI plugin, built from its Go module (Debian's docker-compose is v1) into
#      FITBIT_COMPOSE_CACHE (default /var/cache/fitbit-compose) once, installed as
#      ~/.docker/cli-plugins/docker-compose
#   3. fitbit-postgres:bookworm (debootstrap --include=postgresql + images/offline/Dockerfile.postgres)
#   4. fitbit-pipeline-tools:TAG from the launcher built on the host (images/offline/Dockerfile.tools-prebuilt)
# Exit 0 when all is there; 2 when no engine or no Go toolchain can be had here (callers skip);
# 1 for any other failure. One line per action with its time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER=/usr/bin/docker
CACHE="${FITBIT_COMPOSE_CACHE:-/var/cache/fitbit-compose}"
COMPOSE_MODULE="github.com/docker/compose/v2/cmd@${FITBIT_COMPOSE_VERSION:-v2.32.4}"
PLUGIN="$HOME/.docker/cli-plugins/docker-compose"
BASE_IMAGE="${FITBIT_BASE_IMAGE:-fitbit-jre25:bookworm}"
PG_BASE=fitbit-postgres-base:bookworm
PG_IMAGE=fitbit-postgres:bookworm
TAG="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tag"])' "$ROOT/images/release.json")"
TOOLS_IMAGE="fitbit-pipeline-tools:${PIPELINE_IMAGE_TAG:-$TAG}"
LOG_DIR="${TMPDIR:-/tmp}/fitbit-docker-env"
mkdir -p "$LOG_DIR"
export DOCKER_BUILDKIT=1

START=$SECONDS
say() { printf 'compose-env: %-60s %4d s\n' "$1" "$((SECONDS - START))"; }
die() {
  echo "compose-env: $*" >&2
  exit 1
}

rc=0
bash "$ROOT/scripts/docker-env.sh" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"

# One caller at a time (the same lock as docker-env.sh: builds on the one engine).
exec 9> "${TMPDIR:-/tmp}/fitbit-docker-env.lock"
flock -w 1800 9 || die "another docker-env.sh/compose-env.sh has held the lock for 30 min"

# ----------------------------------------------------------------------------- compose plugin
if ! "$DOCKER" compose version > /dev/null 2>&1; then
  if [ ! -x "$CACHE/bin/cmd" ]; then
    command -v go > /dev/null || { echo "compose-env: no engine: no Go toolchain to build the Compose v2 plugin" >&2; exit 2; }
    t=$SECONDS
    mkdir -p "$CACHE/bin"
    GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "$COMPOSE_MODULE" > "$LOG_DIR/compose-go.log" 2>&1 \
      || die "go install $COMPOSE_MODULE failed (see $LOG_DIR/compose-go.log)"
    say "built the Compose plugin from $COMPOSE_MODULE ($((SECONDS - t)) s)"
  fi
  mkdir -p "$(dirname "$PLUGIN")"
  install -m 0755 "$CACHE/bin/cmd" "$PLUGIN"
  say "installed $PLUGIN"
fi
say "compose plugin: $("$DOCKER" compose version --short 2> /dev/null || echo '?') ($COMPOSE_MODULE)"

# ----------------------------------------------------------------------------- postgres image
label() { "$DOCKER" image inspect --format '{{index .Config.Labels "io.fitbitpipeline.input"}}' "$1" 2> /dev/null || true; }

if ! "$DOCKER" image inspect "$PG_BASE" > /dev/null 2>&1; then
  t=$SECONDS
  mirror="$(awk '/^URIs:/ {print $2} /^deb / {print $2}' /etc/apt/sources.list /etc/apt/sources.list.d/* 2> /dev/null \
    | grep -E '/debian/?$' | head -n 1 || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  rootfs="$(mktemp -d /var/tmp/fitbit-pg-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include=postgresql bookworm "$rootfs" "$mirror" > "$LOG_DIR/debootstrap-postgres.log" 2>&1 \
    || die "debootstrap of PostgreSQL failed (see $LOG_DIR/debootstrap-postgres.log)"
  chroot "$rootfs" apt-get clean > /dev/null 2>&1 || true
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/var/lib/postgresql/*/main "$rootfs"/etc/postgresql/*
  tar -C "$rootfs" -c . | "$DOCKER" import -c 'ENV LANG=C.UTF-8' - "$PG_BASE" > /dev/null || die "docker import of $PG_BASE failed"
  rm -rf "$rootfs"
  trap - EXIT
  say "built base image $PG_BASE from $mirror ($((SECONDS - t)) s)"
fi
input="$( { sha256sum "$ROOT"/images/offline/Dockerfile.postgres "$ROOT"/images/offline/postgres-entrypoint.sh; "$DOCKER" image inspect --format '{{.Id}}' "$PG_BASE"; } | sha256sum | cut -c1-32)"
if [ "$(label "$PG_IMAGE")" != "$input" ]; then
  t=$SECONDS
  "$DOCKER" build --network=none -f "$ROOT/images/offline/Dockerfile.postgres" --build-arg BASE_IMAGE="$PG_BASE" \
    --label "io.fitbitpipeline.input=$input" -t "$PG_IMAGE" "$ROOT/images/offline" > "$LOG_DIR/build-postgres.log" 2>&1 \
    || die "docker build of $PG_IMAGE failed (see $LOG_DIR/build-postgres.log)"
  say "built $PG_IMAGE ($((SECONDS - t)) s)"
fi

# ----------------------------------------------------------------------------- tools image
jar="$ROOT/tasks/pipeline/target/pipeline.jar"
if [ ! -f "$jar" ] || [ ! -d "$ROOT/tasks/pipeline/target/lib" ]; then
  die "no $jar: build the reactor first (mvn install or ./pipeline)"
fi
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp -a "$ROOT/tasks/pipeline/target/lib" "$jar" "$ROOT/images/kafka" "$ROOT/images/offline/s3proxy-entrypoint.sh" "$context/"
input="$( { (cd "$context" && find . -type f -printf '%p %s %T@\n' | LC_ALL=C sort); sha256sum < "$ROOT/images/offline/Dockerfile.tools-prebuilt"; "$DOCKER" image inspect --format '{{.Id}}' "$BASE_IMAGE"; } | sha256sum | cut -c1-32)"
if [ "$(label "$TOOLS_IMAGE")" != "$input" ]; then
  t=$SECONDS
  "$DOCKER" build --network=none -f "$ROOT/images/offline/Dockerfile.tools-prebuilt" --build-arg RUNTIME_IMAGE="$BASE_IMAGE" \
    --label "io.fitbitpipeline.input=$input" -t "$TOOLS_IMAGE" "$context" > "$LOG_DIR/build-tools.log" 2>&1 \
    || die "docker build of $TOOLS_IMAGE failed (see $LOG_DIR/build-tools.log)"
  say "built $TOOLS_IMAGE ($((SECONDS - t)) s)"
fi
"$DOCKER" image prune -f --filter label=io.fitbitpipeline.input > /dev/null 2>&1 || true
say "done: $PG_IMAGE, $TOOLS_IMAGE, compose plugin"
