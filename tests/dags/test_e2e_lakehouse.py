"""End to end: fitbit_lakehouse in local mode with dag.test() against the real ingest, silver and
gold jars, a real Kafka broker, the S3-API server and PostgreSQL (`<repo>/pipeline serve`).

Hand-written inputs with known results: one registration (and one bad CSV row), one gym visit,
a profile and its update (and a record that is not JSON), a workout start (sent twice) and stop,
and heart-rate readings on two partitions: before the workout, inside it, one out of range and
one re-sent. The first DAG run must give exactly the silver and gold rows the contract
(LAKEHOUSE_FORMAT.md) prescribes; a second, manual run for the bpm topic only, with a late
reading whose ingest fails once after it has committed, must be retried, keep every Kafka record
exactly once in bronze, and update the workout's gold summary.

The Kafka topic names, consumer group and landing prefix come from the Variable
fitbit_pipeline_env (as Terraform writes it), the broker from the connection fitbit_kafka.

Skipped only while the lakehouse jars are not built and FITBIT_E2E is not 1 (the top-level test
command builds them and sets FITBIT_E2E=1, and then these tests must run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

import pytest

from conftest import LAKEHOUSE_DAG_ID, REPO, load_dag
from dagrun_helpers import fast_retries, rendered_fields, run_dag, xcom
from e2e_stack import PIPELINE, Stack, use_stack_in_airflow, work_folder
from fitbit_pipeline import LAKEHOUSE_STEPS

JARS = [REPO / "tasks" / step / "target" / "quarkus-app" / "quarkus-run.jar" for step in LAKEHOUSE_STEPS]

if os.environ.get("FITBIT_E2E") != "1" and not all(jar.is_file() for jar in JARS):
    pytest.skip(
        "end-to-end lakehouse DAG tests need the built ingest, silver and gold jars and FITBIT_E2E "
        "is not 1; build with mvn install or run the top-level test command",
        allow_module_level=True,
    )

TOPICS = {"user_info": "e2e.user_info", "workout": "e2e.workout", "bpm": "e2e.bpm"}
PARTITIONS = {"user_info": 1, "workout": 1, "bpm": 2}
PIPELINE_ENV = {  # what Terraform's fitbit_pipeline_env holds for the lakehouse (no broker: the connection)
    "KAFKA_AUTH": "none",
    "KAFKA_TOPIC_USER_INFO": TOPICS["user_info"],
    "KAFKA_TOPIC_WORKOUT": TOPICS["workout"],
    "KAFKA_TOPIC_BPM": TOPICS["bpm"],
    "KAFKA_CONSUMER_GROUP": "e2e-lakehouse",
    "LANDING_PREFIX": "incoming",
}

USER, DEVICE, MAC, GYM = 12140, 103001, "aa:bb:cc:dd:ee:01", 7
REGISTERED = 1763200000  # 2025-11-15 09:46:40 UTC
PROFILE_NEW, PROFILE_UPDATE = 1763280000, 1763290000
START, STOP = 1763283600, 1763287200  # 2025-11-16 09:00 .. 10:00 UTC
LOGIN, LOGOUT = 1763283000, 1763290800  # 08:50 .. 11:00 UTC

REGISTRATIONS_CSV = (
    "user_id,device_id,mac_address,registration_timestamp\n"
    f"{USER},{DEVICE},{MAC},{REGISTERED}\n"
    "12141,not-a-device,aa:bb:cc:dd:ee:02,1763200000\n"  # line 3: rejected
)
GYM_LOGINS_CSV = f"mac_address,gym,login,logout\n{MAC},{GYM},{LOGIN},{LOGOUT}\n"

PROFILE = {
    "user_id": USER,
    "update_type": "new",
    "timestamp": float(PROFILE_NEW),
    "dob": "09/13/1997",  # 28 on the workout's day: age band 25-35
    "sex": "F",
    "gender": "F",
    "first_name": "Ana",
    "last_name": "Lee",
    "address": {"street_address": "1 Main St", "city": "Austin", "state": "TX", "zip": 73301},
}
MOVED = {
    **PROFILE,
    "update_type": "update",
    "timestamp": float(PROFILE_UPDATE),
    "address": {"street_address": "9 Elm St", "city": "Dallas", "state": "TX", "zip": 75201},
}


def _workout(action: str, time: int) -> dict:
    return {"user_id": USER, "workout_id": 3, "timestamp": float(time), "action": action, "session_id": 1}


def _bpm(time: int, heartrate: float) -> dict:
    return {"device_id": DEVICE, "time": float(time), "heartrate": heartrate}


# (topic, partition, key, value): value is a dict (sent as JSON) or raw text
FIRST_BATCH = [
    ("user_info", 0, str(USER), PROFILE),
    ("user_info", 0, str(USER), MOVED),
    ("user_info", 0, None, "this is not JSON"),
    ("workout", 0, str(USER), _workout("start", START)),
    ("workout", 0, str(USER), _workout("start", START)),  # sent twice
    ("workout", 0, str(USER), _workout("stop", STOP)),
    ("bpm", 0, str(DEVICE), _bpm(START - 3600, 70.0)),  # before the workout
    ("bpm", 0, str(DEVICE), _bpm(START + 5, 112.4)),
    ("bpm", 1, str(DEVICE), _bpm(START + 400, 130.0)),
    ("bpm", 1, str(DEVICE), _bpm(START + 2400, 150.6)),
    ("bpm", 0, str(DEVICE), _bpm(START + 1400, 300.0)),  # out of range: not valid
    ("bpm", 1, str(DEVICE), _bpm(START + 400, 130.0)),  # re-sent
]
LATE_READING = ("bpm", 0, str(DEVICE), _bpm(START + 2900, 140.0))


# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir():
    yield from work_folder("fitbit-airflow-lakehouse-")


@pytest.fixture(scope="module")
def stack(workdir):
    """`pipeline serve` with its Kafka broker; the topics created with their partitions."""
    stack = Stack(workdir, "lakehouse", require=("WAREHOUSE_JDBC_URL", "KAFKA_BOOTSTRAP_SERVERS"))
    try:
        stack.create_topics({TOPICS[t]: PARTITIONS[t] for t in TOPICS})
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def airflow_lakehouse(airflow_db, stack, monkeypatch):
    """Connections and variables of the DAG pointing at the stack; steps run locally."""
    use_stack_in_airflow(
        stack.env, monkeypatch, step_env_keys={k for k in stack.env if not k.startswith("KAFKA_")}
    )
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_PIPELINE_ENV", json.dumps(PIPELINE_ENV))
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_KAFKA",
        json.dumps(
            {"conn_type": "kafka", "extra": {"bootstrap_servers": stack.env["KAFKA_BOOTSTRAP_SERVERS"]}}
        ),
    )
    return stack.env


def produce(stack: Stack, records) -> None:
    from confluent_kafka import Producer

    producer = Producer(
        {"bootstrap.servers": stack.env["KAFKA_BOOTSTRAP_SERVERS"], "enable.idempotence": True}
    )
    failures = []
    for topic, partition, key, value in records:
        text = value if isinstance(value, str) else json.dumps(value)
        producer.produce(
            TOPICS[topic],
            value=text.encode(),
            key=None if key is None else key.encode(),
            partition=partition,
            on_delivery=lambda err, _msg: failures.append(err) if err else None,
        )
    assert producer.flush(60) == 0 and failures == [], failures


def upload(stack: Stack, key: str, text: str) -> None:
    """PUT an object into the raw bucket of the local S3-API server (it runs without auth)."""
    import requests

    endpoint = stack.env["AWS_ENDPOINT_URL_S3"].rstrip("/")
    response = requests.put(f"{endpoint}/{stack.env['RAW_BUCKET']}/{key}", data=text.encode(), timeout=30)
    assert response.status_code == 200, response.text


def query(stack: Stack, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(**stack.dsn()) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def result(run_id: str, task_id: str) -> dict:
    value = xcom(LAKEHOUSE_DAG_ID, run_id, task_id)
    return json.loads(value) if isinstance(value, str) else value


def utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)


def bronze_counts(stack: Stack) -> dict[str, tuple[int, int]]:
    """{topic: (records, distinct (partition, offset))} of bronze.kafka_records."""
    rows = query(
        stack,
        'SELECT topic, count(*), count(DISTINCT ("partition", "offset")) '
        "FROM bronze.kafka_records GROUP BY topic",
    )
    return {topic: (n, distinct) for topic, n, distinct in rows}


def gold_summary(stack: Stack) -> list[tuple]:
    return query(
        stack,
        "SELECT user_id, workout_id, session_id, age, gender, city, state, "
        "round(min_bpm::numeric, 2), round(avg_bpm::numeric, 2), round(max_bpm::numeric, 2), num_recordings "
        "FROM gold.workout_bpm_summary",
    )


# --------------------------------------------------------------------------------------------
def test_a_scheduled_run_builds_bronze_silver_and_gold(stack, airflow_lakehouse):
    produce(stack, FIRST_BATCH)
    prefix = PIPELINE_ENV["LANDING_PREFIX"]
    upload(stack, f"{prefix}/registrations/2025-11-15.csv", REGISTRATIONS_CSV)
    upload(stack, f"{prefix}/gym_logins/2025-11-16.csv", GYM_LOGINS_CSV)

    dag = load_dag(LAKEHOUSE_DAG_ID)
    fast_retries(dag)  # a failure shows at once instead of after minutes of backoff
    state, tis, run_id = run_dag(dag, dt.datetime(2026, 11, 30, 10, 15, tzinfo=dt.UTC))
    assert state == "success", f"{tis}\n{stack.diagnostics()}"
    assert {t: s for t, (s, _) in tis.items()} == {t: "success" for t in dag.task_dict}

    # Bronze: every Kafka record exactly once, duplicates and invalid records included.
    assert bronze_counts(stack) == {
        TOPICS["user_info"]: (3, 3),
        TOPICS["workout"]: (3, 3),
        TOPICS["bpm"]: (6, 6),
    }
    assert query(stack, "SELECT source, count(*) FROM bronze.landing_rows GROUP BY source ORDER BY 1") == [
        ("gym_logins", 2),  # the header line included
        ("registrations", 3),
    ]

    # Silver, by the contract's rules.
    assert query(stack, "SELECT user_id, device_id, mac_address, registered_at FROM silver.users") == [
        (USER, DEVICE, MAC, utc(REGISTERED))
    ]
    assert query(stack, "SELECT mac_address, CAST(gym AS TEXT), login, logout FROM silver.gym_logs") == [
        (MAC, str(GYM), utc(LOGIN), utc(LOGOUT))
    ]
    assert query(stack, "SELECT user_id, dob, city, zip, updated_at FROM silver.user_profile") == [
        (USER, dt.date(1997, 9, 13), "Dallas", 75201, utc(PROFILE_UPDATE))
    ]
    assert query(
        stack,
        "SELECT city, valid_from, valid_to, is_current FROM silver.user_profile_history ORDER BY valid_from",
    ) == [
        ("Austin", utc(PROFILE_NEW), utc(PROFILE_UPDATE), False),
        ("Dallas", utc(PROFILE_UPDATE), None, True),
    ]
    assert query(stack, "SELECT action, time FROM silver.workouts ORDER BY time") == [
        ("start", utc(START)),
        ("stop", utc(STOP)),
    ]
    assert query(
        stack, "SELECT user_id, workout_id, session_id, start_time, end_time FROM silver.completed_workouts"
    ) == [(USER, 3, 1, utc(START), utc(STOP))]
    assert query(stack, "SELECT time, heartrate, valid FROM silver.heart_rate ORDER BY time") == [
        (utc(START - 3600), 70.0, True),
        (utc(START + 5), 112.4, True),
        (utc(START + 400), 130.0, True),
        (utc(START + 1400), 300.0, False),
        (utc(START + 2400), 150.6, True),
    ]
    assert query(stack, "SELECT time, heartrate FROM silver.workout_bpm ORDER BY time") == [
        (utc(START + 5), 112.4),
        (utc(START + 400), 130.0),
        (utc(START + 2400), 150.6),
    ]
    rejected = query(stack, 'SELECT source, "offset" FROM silver.rejected_records ORDER BY source')
    assert rejected == sorted([("registrations", 3), (TOPICS["user_info"], 2)])

    # Gold.
    assert gold_summary(stack) == [
        (USER, 3, 1, "25-35", "F", "Dallas", "TX", Decimal("112.40"), Decimal("131.00"), Decimal("150.60"), 3)
    ]
    assert query(
        stack,
        "SELECT date, CAST(gym AS TEXT), mac_address, workout_id, session_id, "
        "round(minutes_in_gym::numeric, 2), round(minutes_exercising::numeric, 2) FROM gold.gym_summary",
    ) == [(dt.date(2025, 11, 16), str(GYM), MAC, 3, 1, Decimal("130.00"), Decimal("60.00"))]

    # Each step's result JSON (its last stdout line) is its XCom: records read = written to bronze,
    # and each counted once as used, duplicate or rejected.
    for task_id, topic, records in (
        ("ingest_user_info", "user_info", 3),
        ("ingest_workout", "workout", 3),
        ("ingest_bpm", "bpm", 6),
    ):
        ingested = result(run_id, task_id)
        assert list(ingested) == [TOPICS[topic]] and ingested[TOPICS[topic]]["records"] == records, ingested
    landing = result(run_id, "ingest_landing")
    assert {s: r["records"] for s, r in landing.items()} == {"registrations": 3, "gym_logins": 2}
    silver = result(run_id, "silver")["sources"]
    assert silver == {
        TOPICS["user_info"]: {"records": 3, "used": 2, "duplicates": 0, "rejected": 1},
        TOPICS["workout"]: {"records": 3, "used": 2, "duplicates": 1, "rejected": 0},
        TOPICS["bpm"]: {"records": 6, "used": 5, "duplicates": 1, "rejected": 0},
        "registrations": {"records": 2, "used": 1, "duplicates": 0, "rejected": 1},
        "gym_logins": {"records": 1, "used": 1, "duplicates": 0, "rejected": 0},
    }
    gold = result(run_id, "gold")
    assert (gold["changedWorkouts"], gold["changedMacAddresses"]) == (1, 1)
    for task_id in dag.task_dict:
        password = airflow_lakehouse.get("WAREHOUSE_PASSWORD")
        if password:
            assert password not in json.dumps(rendered_fields(LAKEHOUSE_DAG_ID, run_id, task_id))


def test_a_manual_bpm_run_with_a_late_reading_and_a_failed_commit_is_retried_exactly_once(
    stack, airflow_lakehouse, workdir, monkeypatch
):
    marker = workdir / "ingest-bpm-failed-once"
    wrapper = workdir / "flaky-pipeline.sh"
    wrapper.write_text(
        f"""#!/usr/bin/env bash
# LAUNCHER STEP ARGS: run the real step; the first `ingest --topic bpm` then reports a failure.
step=$1; shift
jar={REPO}/tasks/$step/target/quarkus-app/quarkus-run.jar
if [ -f "$jar" ]; then java -jar "$jar" "$@"; else {PIPELINE} stream "$step" "$@"; fi
rc=$?
if [ $rc -eq 0 ] && [ "$step" = ingest ] && [[ " $* " == *" --topic bpm "* ]] && [ ! -e {marker} ]; then
    touch {marker}
    echo "ERROR: injected failure after a successful ingest" >&2
    exit 3
fi
exit $rc
"""
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_LOCAL_LAUNCHER", str(wrapper))
    produce(stack, [LATE_READING])

    dag = load_dag(LAKEHOUSE_DAG_ID)
    fast_retries(dag)
    state, tis, run_id = run_dag(dag, dt.datetime(2026, 11, 30, 10, 30, tzinfo=dt.UTC), {"sources": ["bpm"]})
    assert marker.exists(), "the failure was not injected"
    assert state == "success", f"{tis}\n{stack.diagnostics()}"
    assert {t: s for t, (s, _) in tis.items()} == {
        "ingest_user_info": "skipped",
        "ingest_workout": "skipped",
        "ingest_bpm": "success",
        "ingest_landing": "skipped",
        "silver": "success",
        "gold": "success",
    }
    assert tis["ingest_bpm"][1] == 2  # the retry

    # The late reading once in bronze, although the ingest that committed it was reported failed.
    assert bronze_counts(stack)[TOPICS["bpm"]] == (7, 7)
    assert result(run_id, "ingest_bpm")[TOPICS["bpm"]]["records"] == 0  # the retry found nothing new
    assert result(run_id, "silver")["sources"][TOPICS["bpm"]] == {
        "records": 1,
        "used": 1,
        "duplicates": 0,
        "rejected": 0,
    }
    assert query(stack, "SELECT count(*) FROM silver.workout_bpm") == [(4,)]
    assert gold_summary(stack) == [
        (USER, 3, 1, "25-35", "F", "Dallas", "TX", Decimal("112.40"), Decimal("133.25"), Decimal("150.60"), 4)
    ]
