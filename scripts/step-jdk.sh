#!/usr/bin/env bash
# Prints the home of the step runtime: the JDK whose runtime the step images ship and the
# benchmark measures (JDK 25: its AOT cache, JEP 483/514/515, starts a step's classes linked and
# its JIT with profiles; docs/performance.md, "Java 25 and its AOT cache"). The code is compiled
# for Java 17, and the build and tests run on the JDK 17 that Maven uses; only the images'
# runtime is this one.
#
#   scripts/step-jdk.sh      # e.g. /usr/lib/jvm/temurin-25-jdk-amd64
#
# STEP_JDK_HOME names it; otherwise the first JDK 25 under /usr/lib/jvm (the project's machines
# ship a Temurin 25 there). Exit 1 with the reason on stderr when there is none.
set -euo pipefail
WANT=25

is_step_jdk() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/jlink" ] || return 1
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | grep -qE "^ *java\.specification\.version = $WANT\$"
}

if [ -n "${STEP_JDK_HOME:-}" ]; then
  is_step_jdk "$STEP_JDK_HOME" \
    || { echo "step-jdk: STEP_JDK_HOME=$STEP_JDK_HOME is no JDK $WANT (bin/java and bin/jlink)" >&2; exit 1; }
  echo "$STEP_JDK_HOME"
  exit 0
fi
for home in /usr/lib/jvm/*; do
  if is_step_jdk "$home"; then
    echo "$home"
    exit 0
  fi
done
echo "step-jdk: no JDK $WANT under /usr/lib/jvm (install one there, or set STEP_JDK_HOME)" >&2
exit 1
