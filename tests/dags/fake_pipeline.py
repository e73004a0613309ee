"""Stand-in for `<repo>/pipeline STEP ARGS` in the DAG-run tests that need no Java.

Records each call as a JSON line in $FAKE_PIPELINE_LOG; promote, report, ingest, silver and gold
print a result JSON object as their last stdout line, as the real steps do (report: where it
would be in s3://$LAKE_BUCKET, nothing is written). $FAKE_PIPELINE_FAIL =
"step:what:code[:once]" makes that call fail with that exit code (only the first time with
"once"; the state lives in $FAKE_PIPELINE_STATE); `what` is an --activity, a --topic, `landing`
(ingest --landing) or `all` (any call of the step).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _values(args: list[str], option: str) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == option]


def main() -> int:
    step, args = sys.argv[1], sys.argv[2:]
    activities = _values(args, "--activity")
    topics = _values(args, "--topic")
    selectors = {*activities, *topics, "all"} | ({"landing"} if "--landing" in args else set())
    record = {
        "step": step,
        "args": args,
        "users": os.environ.get("FITBIT_USERS"),
        "jdbc_url": os.environ.get("WAREHOUSE_JDBC_URL"),
        "has_password": "WAREHOUSE_PASSWORD" in os.environ,
        "kafka": {k: v for k, v in os.environ.items() if k.startswith("KAFKA_") and "PASSWORD" not in k},
        "has_kafka_password": "KAFKA_SASL_PASSWORD" in os.environ,
    }
    with open(os.environ["FAKE_PIPELINE_LOG"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")

    fail = os.environ.get("FAKE_PIPELINE_FAIL")
    if fail:
        f_step, f_what, code, *once = fail.split(":")
        if f_step == step and f_what in selectors:
            marker = Path(os.environ.get("FAKE_PIPELINE_STATE", "/tmp")) / f"failed-{step}-{f_what}"
            if not once or not marker.exists():
                marker.touch()
                print(f"{step} started", flush=True)
                print(f"ERROR: injected failure of {step} {f_what}", file=sys.stderr, flush=True)
                return int(code)

    print(f"{step} {' '.join(args)}: done", flush=True)
    print("a log line on stderr", file=sys.stderr, flush=True)
    run_id = args[args.index("--run-id") + 1] if "--run-id" in args else None
    if step == "promote":
        stats = {"run_id": run_id, "activities": {a: {"rows_loaded": 10} for a in activities}}
        print(json.dumps(stats), flush=True)
    elif step == "ingest":
        sources = topics + (["registrations", "gym_logins"] if "--landing" in args else [])
        print(json.dumps({s: {"source": s, "records": 5, "run_id": run_id} for s in sources}), flush=True)
    elif step == "report":
        key_safe = run_id.replace(":", "_").replace("+", "_")
        location = f"s3://{os.environ.get('LAKE_BUCKET', 'fitbit-lake')}/reports/{key_safe}/index.html"
        print(json.dumps({"report": location, "run_id": run_id, "activities": {}}), flush=True)
    elif step in ("silver", "gold"):
        print(json.dumps({"step": step, "run_id": run_id, "seconds": 0.1}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
