#!/usr/bin/env bash
# The Airflow UI in a real headless browser (tests/ui/test_airflow_ui.py): Playwright from PyPI
# (its own virtualenv, .venv/ui; no browser is downloaded) drives Debian's /usr/bin/chromium
# against `./pipeline airflow --seed` on a free port. Screenshots to docs/images (or
# FITBIT_UI_SCREENSHOTS).
#   scripts/test-ui.sh [pytest args...]
# Time-bounded: FITBIT_UI_TIMEOUT seconds (default 1200). Skipped (pytest says why) without chromium.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${FITBIT_UI_VENV:-$ROOT/.venv/ui}
REQUIREMENTS=$ROOT/tests/ui/requirements.txt
start=$SECONDS
stamp=$(sha256sum < "$REQUIREMENTS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.fitbit-requirements.sha256" 2> /dev/null)" != "$stamp" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
  echo "$stamp" > "$VENV/.fitbit-requirements.sha256"
fi
cd "$ROOT"
status=0
timeout --kill-after=60 "${FITBIT_UI_TIMEOUT:-1200}" "$VENV/bin/python" -m pytest tests/ui -p no:cacheprovider \
  -o console_output_style=classic -rs "$@" || status=$?
[ "$status" -ne 124 ] || echo "test-ui: stopped after ${FITBIT_UI_TIMEOUT:-1200} s" >&2
echo "test-ui: finished in $((SECONDS - start)) s (exit $status)"
exit "$status"
