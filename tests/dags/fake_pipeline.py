"""Stand-in for `<repo>/pipeline STEP ARGS` in the DAG-run tests that need no Java.

Records each call as a JSON line in $FAKE_PIPELINE_LOG; promote prints a statistics JSON object
as its last stdout line. $FAKE_PIPELINE_FAIL = "step:activity:code[:once]" makes that call fail
with that exit code (only the first time with "once"; the state lives in $FAKE_PIPELINE_STATE).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    step, args = sys.argv[1], sys.argv[2:]
    activities = [args[i + 1] for i, a in enumerate(args) if a == "--activity"]
    record = {
        "step": step,
        "args": args,
        "users": os.environ.get("FITBIT_USERS"),
        "jdbc_url": os.environ.get("WAREHOUSE_JDBC_URL"),
        "has_password": "WAREHOUSE_PASSWORD" in os.environ,
    }
    with open(os.environ["FAKE_PIPELINE_LOG"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")

    fail = os.environ.get("FAKE_PIPELINE_FAIL")
    if fail:
        f_step, f_activity, code, *once = fail.split(":")
        if f_step == step and f_activity in activities:
            marker = Path(os.environ.get("FAKE_PIPELINE_STATE", "/tmp")) / f"failed-{step}-{f_activity}"
            if not once or not marker.exists():
                marker.touch()
                print(f"{step} started", flush=True)
                print(f"ERROR: injected failure of {step} {f_activity}", file=sys.stderr, flush=True)
                return int(code)

    print(f"{step} {' '.join(args)}: done", flush=True)
    print("a log line on stderr", file=sys.stderr, flush=True)
    if step == "promote":
        run_id = args[args.index("--run-id") + 1]
        stats = {"run_id": run_id, "activities": {a: {"rows_loaded": 10} for a in activities}}
        print(json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
