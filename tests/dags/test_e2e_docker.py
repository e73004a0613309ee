"""End to end in docker mode: both DAGs with dag.test() on a real Airflow, the real DockerOperator
starting the real step containers (the images of images/release.json, built offline by
scripts/docker-env.sh) with ``--network host`` against the real servers of `pipeline serve`
(S3-API server, PostgreSQL, Kafka broker on loopback).

- the weekly DAG runs one activity of the sample week: extract, transform, load, promote and the
  report, each a container; the production table is filled, promote's and report's last output
  lines are their XComs;
- the lakehouse DAG ingests Kafka records and landing files, builds silver and gold;
- a step that cannot reach the warehouse fails in its container (exit 3), is retried, and the
  failure notifier fires once with the last try (the real notifier, spied on: type "log").

Local mode is made impossible (the local launcher is a script that fails loudly): every step ran
in a container. Run by scripts/test-containers.sh (FITBIT_E2E_DOCKER=1), after
scripts/docker-env.sh; skipped, with the reason, otherwise or when no engine answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest

from conftest import DAG_ID, LAKEHOUSE_DAG_ID, load_dag
from dagrun_helpers import fast_retries, rendered_fields, run_dag, xcom
from e2e_stack import Stack, use_stack_in_airflow, work_folder
from fitbit_pipeline import BATCH_STEPS, LAKEHOUSE_STEPS, REPORT_STEP, config

if os.environ.get("FITBIT_E2E_DOCKER") != "1":
    pytest.skip(
        "docker-mode DAG tests run from scripts/test-containers.sh (FITBIT_E2E_DOCKER=1), "
        "after scripts/docker-env.sh has started the engine and built the step images",
        allow_module_level=True,
    )


def _engine_problem() -> str | None:
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
    except Exception as exc:
        return f"no Docker engine answers ({exc}); start one with scripts/docker-env.sh"
    missing = []
    for step in (*BATCH_STEPS, REPORT_STEP, *LAKEHOUSE_STEPS):
        image = config.image_name(step)
        try:
            client.images.get(image)
        except docker.errors.ImageNotFound:
            missing.append(image)
    # An engine without the images is a failure, not a skip: the DockerOperator would pull them.
    assert not missing, f"not in the engine (never pulled): {missing}; build them with scripts/docker-env.sh"
    return None


_problem = _engine_problem()
if _problem:
    pytest.skip(_problem, allow_module_level=True)

SAMPLE_WEEK = "2026-W47"
TOPICS = {"user_info": "docker.user_info", "workout": "docker.workout", "bpm": "docker.bpm"}
PIPELINE_ENV = {
    "KAFKA_AUTH": "none",
    "KAFKA_TOPIC_USER_INFO": TOPICS["user_info"],
    "KAFKA_TOPIC_WORKOUT": TOPICS["workout"],
    "KAFKA_TOPIC_BPM": TOPICS["bpm"],
    "KAFKA_CONSUMER_GROUP": "docker-lakehouse",
    "LANDING_PREFIX": "landing",
}
USER, DEVICE, MAC = 12140, 103001, "aa:bb:cc:dd:ee:01"
START, STOP = 1763283600, 1763287200  # 2025-11-16 09:00 .. 10:00 UTC
PROFILE = {
    "user_id": USER,
    "update_type": "new",
    "timestamp": float(START - 86400),
    "dob": "09/13/1997",
    "sex": "F",
    "gender": "F",
    "first_name": "Ana",
    "last_name": "Lee",
    "address": {"street_address": "1 Main St", "city": "Austin", "state": "TX", "zip": 73301},
}


@pytest.fixture(scope="module")
def workdir():
    yield from work_folder("fitbit-airflow-docker-")


@pytest.fixture(scope="module")
def stack(workdir):
    """`pipeline serve` (S3, PostgreSQL, Kafka), the sample week seeded, the topics created."""
    stack = Stack(workdir, "docker", require=("WAREHOUSE_JDBC_URL", "KAFKA_BOOTSTRAP_SERVERS"))
    try:
        stack.run("seed", "--week", SAMPLE_WEEK)
        stack.create_topics({t: 1 for t in TOPICS.values()})
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def docker_mode(airflow_db, stack, workdir, monkeypatch):
    """The DAGs' connections and variables pointing at the stack, steps in docker mode."""
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
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "docker")
    # The servers listen on the host's loopback: the containers share the host's network.
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_DOCKER_NETWORK", "host")
    # Were a step to run locally after all, it would leave this marker and fail.
    marker = workdir / "ran-locally"
    launcher = workdir / "no-local-steps.sh"
    launcher.write_text(
        f'#!/usr/bin/env bash\necho "$@" >> {marker}\necho "ERROR: ran locally" >&2\nexit 3\n'
    )
    launcher.chmod(0o755)
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_LOCAL_LAUNCHER", str(launcher))
    yield stack.env
    assert not marker.exists(), f"steps ran locally, not in containers: {marker.read_text()}"


@pytest.fixture
def notifications(monkeypatch):
    """Every FitbitNotifier call (event, subject, body); the real notify still runs."""
    from fitbit_pipeline import alerts

    sent = []
    real_notify = alerts.FitbitNotifier.notify

    def spy(self, context):
        sent.append((self.event, *self.message(context)))
        real_notify(self, context)

    monkeypatch.setattr(alerts.FitbitNotifier, "notify", spy)
    return sent


def query(stack: Stack, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(**stack.dsn()) as conn, conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def monday_after(week: str) -> dt.datetime:
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1) + dt.timedelta(days=7)
    return dt.datetime(monday.year, monday.month, monday.day, tzinfo=dt.UTC)


def _containers_left() -> list[str]:
    import docker

    return [
        c.name
        for c in docker.from_env().containers.list(all=True)
        if c.image.tags and "fitbit-" in c.image.tags[0]
    ]


# --------------------------------------------------------------------------------------------
def test_the_weekly_dag_runs_one_activity_in_containers(stack, docker_mode, notifications):
    dag = load_dag(DAG_ID)
    fast_retries(dag)
    state, tis, run_id = run_dag(
        dag, monday_after(SAMPLE_WEEK) + dt.timedelta(seconds=1), {"activities": ["steps"]}
    )
    assert state == "success", f"{tis}\n{stack.diagnostics()}"
    for step in BATCH_STEPS[:3]:
        assert tis[f"steps.{step}"] == ("success", 1), tis
    assert tis["calories.extract"][0] == "skipped"
    assert tis["promote"][0] == "success" and tis["report"][0] == "success", tis
    assert query(stack, "SELECT count(*) FROM fitbit.steps_daily") == [(139,)], "20 users x 7 days, less one"

    # promote's and report's last stdout lines, read from the containers' logs, are their XComs.
    promoted = _json(xcom(DAG_ID, run_id, "promote"))
    assert isinstance(promoted, dict) and promoted, promoted
    report = _json(xcom(DAG_ID, run_id, "report"))
    assert report["report"] == f"s3://{stack.env['LAKE_BUCKET']}/{config.report_key(run_id)}", report
    status, _, body = stack.s3_get(stack.env["LAKE_BUCKET"], config.report_key(run_id))
    assert status == 200 and run_id in body.decode(), status
    assert [e for e, _, _ in notifications] == ["success"], notifications
    # The secret values reach the containers only through private_environment: never rendered.
    for secret in (docker_mode["WAREHOUSE_PASSWORD"], docker_mode["AWS_SECRET_ACCESS_KEY"]):
        if secret:
            for task_id in ("steps.extract", "promote", "report"):
                assert secret not in json.dumps(rendered_fields(DAG_ID, run_id, task_id))
    assert _containers_left() == [], "auto_remove: no step container is left behind"


def test_the_lakehouse_dag_runs_in_containers(stack, docker_mode):
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": stack.env["KAFKA_BOOTSTRAP_SERVERS"]})
    records = [
        ("user_info", PROFILE),
        (
            "workout",
            {"user_id": USER, "workout_id": 3, "timestamp": float(START), "action": "start", "session_id": 1},
        ),
        (
            "workout",
            {"user_id": USER, "workout_id": 3, "timestamp": float(STOP), "action": "stop", "session_id": 1},
        ),
        ("bpm", {"device_id": DEVICE, "time": float(START + 5), "heartrate": 110.0}),
        ("bpm", {"device_id": DEVICE, "time": float(START + 600), "heartrate": 130.0}),
        ("bpm", {"device_id": DEVICE, "time": float(START + 1200), "heartrate": 150.0}),
    ]
    for topic, value in records:
        producer.produce(TOPICS[topic], value=json.dumps(value).encode(), key=str(USER).encode())
    assert producer.flush(60) == 0
    import requests

    endpoint, bucket = stack.env["AWS_ENDPOINT_URL_S3"].rstrip("/"), stack.env["RAW_BUCKET"]
    registrations = (
        f"user_id,device_id,mac_address,registration_timestamp\n{USER},{DEVICE},{MAC},{START - 90000}\n"
    )
    response = requests.put(
        f"{endpoint}/{bucket}/landing/registrations/docker.csv", data=registrations, timeout=30
    )
    assert response.status_code == 200, response.text

    dag = load_dag(LAKEHOUSE_DAG_ID)
    fast_retries(dag)
    state, tis, run_id = run_dag(dag, dt.datetime(2026, 11, 30, 10, 15, tzinfo=dt.UTC))
    assert state == "success", f"{tis}\n{stack.diagnostics()}"
    assert {t: s for t, (s, _) in tis.items()} == {t: "success" for t in dag.task_dict}
    assert _json(xcom(LAKEHOUSE_DAG_ID, run_id, "ingest_bpm"))[TOPICS["bpm"]]["records"] == 3
    assert query(stack, "SELECT count(*) FROM bronze.kafka_records") == [(6,)]
    assert query(stack, "SELECT user_id, num_recordings FROM gold.workout_bpm_summary") == [(USER, 3)]
    assert _containers_left() == []


def test_a_step_that_fails_in_its_container_is_retried_then_alerts(
    stack, docker_mode, notifications, monkeypatch
):
    # The warehouse connection names a port nothing listens on: every step exits 3 (infrastructure).
    connection = json.loads(os.environ["AIRFLOW_CONN_FITBIT_WAREHOUSE"])
    connection["extra"]["jdbc_url"] = re.sub(r":\d+/", ":1/", connection["extra"]["jdbc_url"])
    monkeypatch.setenv("AIRFLOW_CONN_FITBIT_WAREHOUSE", json.dumps(connection))

    dag = load_dag(DAG_ID)
    fast_retries(dag)
    retries = dag.task_dict["floors.extract"].retries
    assert retries >= 1
    state, tis, _ = run_dag(
        dag, monday_after(SAMPLE_WEEK) + dt.timedelta(minutes=1), {"activities": ["floors"]}
    )
    assert state == "failed", tis
    assert tis["floors.extract"] == ("failed", retries + 1), tis  # every try ran, in a container
    assert tis["promote"][0] == "upstream_failed"
    failures = [(subject, body) for event, subject, body in notifications if event == "failure"]
    extract = [
        body for subject, body in failures if "fitbit_intraday_weekly.floors.extract failed" in subject
    ]
    assert len(extract) == 1, failures  # one alert, after the last try, not one per try
    assert f"Try number: {retries + 1}" in extract[0] and "2026-W47" in extract[0], extract[0]
    assert "exit" in extract[0].lower() or "StatusCode" in extract[0], extract[0]
    assert _containers_left() == []
