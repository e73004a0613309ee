#!/usr/bin/env bash
# A local Docker engine with every step image of images/release.json (JVM variant), built
# offline: no image is ever pulled from a registry (none is reachable on the project's machines).
#
#   scripts/docker-env.sh          # prints what it did and how long each part took
#
# 1. Engine: reuses one that answers (DOCKER_HOST or /var/run/docker.sock); otherwise installs
#    Debian's docker.io (apt-get, as root) and starts one dockerd in the background
#    (--data-root FITBIT_DOCKER_DATA_ROOT, default /var/lib/docker; log /var/log/fitbit-dockerd.log).
#    Only one daemon ever runs: a lock serializes concurrent callers.
# 2. Base image fitbit-jre25:bookworm (Debian bookworm minbase with fontconfig and a font, made
#    with debootstrap from the Debian mirror of /etc/apt, plus a Java runtime linked with jlink
#    from the step JDK, scripts/step-jdk.sh, at /opt/java; then `docker import`): kept in the
#    engine's data root, made again only when its recipe or the JDK build changed (label
#    io.fitbitpipeline.base-input).
# 3. Step images {registry}{name}:{tag} from images/release.json, built with
#    images/Dockerfile.jvm-prebuilt from the Quarkus fast-jar in tasks/STEP/target/quarkus-app
#    (the reactor is built with Maven on the host first when a fast-jar is missing). An image is
#    rebuilt only when its fast-jar, the Dockerfile or the base image changed (label
#    io.fitbitpipeline.input).
#
# Exit 0 with the engine up and every image present; otherwise ONE line on stderr saying why
# (details, when any, in the log file it names) and exit 2 when no engine can run here (not root,
# apt-get failed, dockerd does not start), 1 for any other failure (base image, Maven, build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER=/usr/bin/docker          # Debian's client: BuildKit built in, no buildx needed
DATA_ROOT="${FITBIT_DOCKER_DATA_ROOT:-/var/lib/docker}"
DOCKERD_LOG="${FITBIT_DOCKERD_LOG:-/var/log/fitbit-dockerd.log}"
BASE_IMAGE="${FITBIT_BASE_IMAGE:-fitbit-jre25:bookworm}"
DOCKERFILE="$ROOT/images/Dockerfile.jvm-prebuilt"
LOG_DIR="${TMPDIR:-/tmp}/fitbit-docker-env"
mkdir -p "$LOG_DIR"
export DOCKER_BUILDKIT=1

START=$SECONDS
die() {
  echo "docker-env: $*" >&2
  exit 1
}
# No engine can be had on this machine (not root, no apt, dockerd refuses to start): exit 2, so
# that callers can skip the image tests rather than fail them.
no_engine() {
  echo "docker-env: no engine: $*" >&2
  exit 2
}
say() { printf 'docker-env: %-60s %4d s\n' "$1" "$((SECONDS - START))"; }

# One caller at a time: two concurrent calls must not start two daemons or build twice.
exec 9> "${TMPDIR:-/tmp}/fitbit-docker-env.lock"
flock -w 1800 9 || die "another docker-env.sh has held the lock for 30 min"

# ----------------------------------------------------------------------------- 1. engine

engine_up() { [ -x "$DOCKER" ] && timeout 10 "$DOCKER" version --format '{{.Server.APIVersion}}' > /dev/null 2>&1; }

install_packages() {
  local log="$LOG_DIR/apt.log"
  [ "$(id -u)" -eq 0 ] || no_engine "not root: cannot install docker.io/debootstrap"
  command -v apt-get > /dev/null || no_engine "none running and no apt-get to install one"
  {
    apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        docker.io containerd runc iptables debootstrap
  } > "$log" 2>&1 || no_engine "apt-get install docker.io containerd runc iptables debootstrap failed (see $log)"
}

if [ -x "$DOCKER" ] && command -v dockerd > /dev/null && command -v debootstrap > /dev/null; then
  :
else
  t=$SECONDS
  install_packages
  say "installed docker.io, containerd, runc, iptables, debootstrap ($((SECONDS - t)) s)"
fi

if engine_up; then
  say "engine already running (API $("$DOCKER" version --format '{{.Server.APIVersion}}'))"
elif [ -z "${DOCKER_HOST:-}" ] && pgrep -x dockerd > /dev/null; then
  # A daemon is starting (or stuck): wait for it rather than start a second one.
  for _ in $(seq 1 30); do engine_up && break; sleep 1; done
  engine_up || no_engine "a dockerd process exists but does not answer on /var/run/docker.sock"
  say "engine was starting, now up"
else
  [ -z "${DOCKER_HOST:-}" ] || no_engine "DOCKER_HOST=$DOCKER_HOST does not answer"
  [ "$(id -u)" -eq 0 ] || no_engine "none running and not root: cannot start dockerd"
  t=$SECONDS
  mkdir -p "$DATA_ROOT" "$(dirname "$DOCKERD_LOG")"
  # setsid: the daemon outlives this script and its caller's process group; 9>&-: it must not
  # inherit (and so hold forever) the lock.
  setsid nohup dockerd --data-root "$DATA_ROOT" > "$DOCKERD_LOG" 2>&1 < /dev/null 9>&- &
  pid=$!
  for _ in $(seq 1 60); do
    engine_up && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.5
  done
  if ! engine_up; then
    why="$(grep -E 'level=(fatal|error)|failed to start' "$DOCKERD_LOG" | tail -n 1 | cut -c1-200)"
    no_engine "dockerd did not start (${why:-no error logged}; see $DOCKERD_LOG)"
  fi
  say "started dockerd (pid $pid, data root $DATA_ROOT) in $((SECONDS - t)) s"
fi

# ----------------------------------------------------------------------------- 2. base image

debian_mirror() {
  # The first Debian archive of /etc/apt (deb822 "URIs:" or one-line "deb" entries), not -security.
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2> /dev/null \
    | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i} /^deb / {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' \
    | grep -E '/debian/?$' | head -n 1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

# Debian packages beyond minbase: fontconfig and one font family, which the report's charts
# (JFreeChart, java.awt fonts) need to measure text.
BASE_PACKAGES=libfontconfig1,fonts-dejavu-core
# The runtime: the Java SE modules and the JDK ones that the apps, Kafka and s3proxy reach (Unsafe,
# zip file systems, EC and PKCS#11 crypto, DNS, JMX, JFR, Kerberos/SASL, locales and charsets).
JLINK_MODULES=java.se,jdk.unsupported,jdk.zipfs,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.naming.dns,jdk.management,jdk.management.agent,jdk.jfr,jdk.security.auth,jdk.security.jgss,jdk.localedata,jdk.charsets,jdk.net,jdk.httpserver
jdk="$("$ROOT/scripts/step-jdk.sh")" || die "no step JDK for the base image (scripts/step-jdk.sh)"
# What the base image is made of (label io.fitbitpipeline.base-input): a base made from another
# recipe or another JDK build is made again.
base_input="$( {
  echo "$BASE_PACKAGES $JLINK_MODULES"
  cat "$jdk/release"
  sed -n '/^# -\+ 2\. base image/,/^# -\+ 3\. step images/p' "$0"
} | sha256sum | cut -c1-32)"
current_base="$("$DOCKER" image inspect --format '{{index .Config.Labels "io.fitbitpipeline.base-input"}}' "$BASE_IMAGE" 2> /dev/null || true)"
if [ "$current_base" = "$base_input" ]; then
  say "base image $BASE_IMAGE present"
else
  [ "$(id -u)" -eq 0 ] || die "base image $BASE_IMAGE missing or stale and not root: cannot debootstrap"
  t=$SECONDS
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d /var/tmp/fitbit-rootfs.XXXXXX)"
  log="$LOG_DIR/debootstrap.log"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$rootfs" "$mirror" > "$log" 2>&1 \
    || die "debootstrap bookworm from $mirror failed: $(tail -n 1 "$log" | cut -c1-160) (see $log)"
  # With the JDK's own CDS archive; no compiler, tools, man pages or headers.
  "$jdk/bin/jlink" --add-modules "$JLINK_MODULES" \
    --strip-debug --no-man-pages --no-header-files --generate-cds-archive --output "$rootfs/opt/java" >> "$log" 2>&1 \
    || die "jlink of the runtime from $jdk failed (see $log)"
  ln -s /opt/java/bin/java "$rootfs/usr/local/bin/java"
  # The runtime user of the Dockerfiles (uid 1001, group 0) with a home; nothing cached.
  chroot "$rootfs" useradd --uid 1001 --gid 0 --home-dir /home/app --create-home --shell /usr/sbin/nologin app >> "$log" 2>&1
  chroot "$rootfs" apt-get clean >> "$log" 2>&1
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/*.log
  tar -C "$rootfs" -c . | "$DOCKER" import -c 'ENV LANG=C.UTF-8' -c 'ENV JAVA_HOME=/opt/java' \
    -c "LABEL io.fitbitpipeline.base-input=$base_input" - "$BASE_IMAGE" > /dev/null \
    || die "docker import of the bookworm root file system failed"
  rm -rf "$rootfs"
  trap - EXIT
  say "built base image $BASE_IMAGE from $mirror and $jdk ($((SECONDS - t)) s)"
fi

# ----------------------------------------------------------------------------- 3. step images

release="$ROOT/images/release.json"
[ -f "$release" ] || die "missing $release"
# release.json without jq: python3 is on every machine of this project.
mapfile -t entries < <(python3 - "$release" << 'PY'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
for step, name in data["images"].items():
    print(step, data.get("registry", "") + name + ":" + data["tag"])
PY
) || die "cannot read $release"
[ "${#entries[@]}" -gt 0 ] || die "no images in $release"

missing_jars=()
for entry in "${entries[@]}"; do
  step="${entry%% *}"
  [ -f "$ROOT/tasks/$step/target/quarkus-app/quarkus-run.jar" ] || missing_jars+=("$step")
done
if [ ${#missing_jars[@]} -gt 0 ]; then
  t=$SECONDS
  log="$LOG_DIR/mvn.log"
  (cd "$ROOT" && mvn -B -ntp -q install -DskipTests -Dspotless.check.skip=true) > "$log" 2>&1 \
    || die "mvn install (fast-jars of ${missing_jars[*]}) failed: $(grep -m1 -E '\[ERROR\]' "$log" | cut -c1-160) (see $log)"
  say "built the reactor with Maven (${missing_jars[*]} had no fast-jar) ($((SECONDS - t)) s)"
fi

base_id="$("$DOCKER" image inspect --format '{{.Id}}' "$BASE_IMAGE")"
built=0
for entry in "${entries[@]}"; do
  step="${entry%% *}"
  image="${entry#* }"
  app="$ROOT/tasks/$step/target/quarkus-app"
  [ -f "$app/quarkus-run.jar" ] || die "tasks/$step/target/quarkus-app/quarkus-run.jar missing after the Maven build"
  # What the image is made of: every file of the fast-jar (path, size, mtime), the Dockerfile, the base.
  input="$( {
    (cd "$app" && find . -type f -printf '%p %s %T@\n' | LC_ALL=C sort)
    sha256sum < "$DOCKERFILE"
    echo "$base_id $step"
  } | sha256sum | cut -c1-32)"
  current="$("$DOCKER" image inspect --format '{{index .Config.Labels "io.fitbitpipeline.input"}}' "$image" 2> /dev/null || true)"
  if [ "$current" = "$input" ]; then
    continue
  fi
  t=$SECONDS
  log="$LOG_DIR/build-$step.log"
  "$DOCKER" build --network=none --progress=plain -f "$DOCKERFILE" \
    --build-arg RUNTIME_IMAGE="$BASE_IMAGE" --build-arg STEP="$step" \
    --label "io.fitbitpipeline.input=$input" -t "$image" "$app" > "$log" 2>&1 \
    || die "docker build of $image failed: $(grep -m1 -iE 'error|failed' "$log" | cut -c1-160) (see $log)"
  built=$((built + 1))
  size="$("$DOCKER" image inspect --format '{{.Size}}' "$image")"
  say "built $image ($((size / 1000000)) MB) in $((SECONDS - t)) s"
done
if [ "$built" -gt 0 ]; then
  # The images these builds replaced, now untagged (only ours: they carry the input label).
  "$DOCKER" image prune -f --filter label=io.fitbitpipeline.input > /dev/null 2>&1 || true
fi
say "${#entries[@]} step images present, $built built, $(( ${#entries[@]} - built )) up to date"
say "done"
