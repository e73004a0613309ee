"""Whole fitbit_lakehouse runs with dag.test() in local mode, the steps replaced by
tests/dags/fake_pipeline.py (no Java, no servers): ordering, skipped sources, XComs, retries,
a bad command line, the failure notification, the Kafka settings each step gets.
The same DAG against the real steps, Kafka, S3 and PostgreSQL is in test_e2e_lakehouse.py.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import LAKEHOUSE_DAG_ID, load_dag
from dagrun_helpers import deadline_alert_rows, fast_retries, rendered_fields, run_dag, xcom

FAKE = Path(__file__).with_name("fake_pipeline.py")
PASSWORD = "fake-SECRET-pw"
KAFKA_PASSWORD = "fake-SECRET-kafka"
INGESTS = ("ingest_user_info", "ingest_workout", "ingest_bpm", "ingest_landing")


def result(run_id: str, task_id: str):
    """A step's XCom: its last stdout line, a JSON object (stored as text or already decoded)."""
    value = xcom(LAKEHOUSE_DAG_ID, run_id, task_id)
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def fake_pipeline(airflow_db, tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    log.touch()
    monkeypatch.setenv("FAKE_PIPELINE_LOG", str(log))
    monkeypatch.setenv("FAKE_PIPELINE_STATE", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "local")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_LOCAL_LAUNCHER", f"{sys.executable} {FAKE}")
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_WAREHOUSE",
        json.dumps(
            {
                "conn_type": "postgres",
                "login": "u",
                "password": PASSWORD,
                "extra": {"jdbc_url": "jdbc:postgresql://127.0.0.1:1/x"},
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_KAFKA",
        json.dumps(
            {
                "conn_type": "kafka",
                "host": "127.0.0.1:19092",
                "login": "ingest",
                "password": KAFKA_PASSWORD,
                "extra": {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN"},
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_PIPELINE_ENV",
        json.dumps({"KAFKA_TOPIC_BPM": "t.bpm", "KAFKA_CONSUMER_GROUP": "g1", "LANDING_PREFIX": "landing"}),
    )

    def calls():
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    return calls


def test_scheduled_run_ingests_every_source_then_silver_then_gold(fake_pipeline):
    dag = load_dag(LAKEHOUSE_DAG_ID)
    state, tis, run_id = run_dag(dag, datetime(2026, 11, 30, 10, 15, tzinfo=UTC))
    assert state == "success", tis
    assert {t: s for t, (s, _) in tis.items()} == {t: "success" for t in dag.task_dict}

    calls = fake_pipeline()
    commands = [(c["step"], " ".join(c["args"])) for c in calls]
    assert sorted(commands[:4]) == sorted(
        [
            ("ingest", f"--topic user_info --run-id {run_id}"),
            ("ingest", f"--topic workout --run-id {run_id}"),
            ("ingest", f"--topic bpm --run-id {run_id}"),
            ("ingest", f"--landing --run-id {run_id}"),
        ]
    )
    assert commands[4:] == [("silver", f"--run-id {run_id}"), ("gold", f"--run-id {run_id}")]

    for call in calls:
        assert call["jdbc_url"] == "jdbc:postgresql://127.0.0.1:1/x" and call["has_password"]
        assert call["users"] is None  # no FITBIT_USERS for the lakehouse
        assert call["kafka"]["KAFKA_TOPIC_BPM"] == "t.bpm" and call["kafka"]["KAFKA_CONSUMER_GROUP"] == "g1"
        if call["step"] == "ingest":  # the Kafka connection reaches ingest only
            assert call["has_kafka_password"]
            assert call["kafka"]["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:19092"
            assert call["kafka"]["KAFKA_SASL_USERNAME"] == "ingest"
        else:
            assert not call["has_kafka_password"] and "KAFKA_SASL_USERNAME" not in call["kafka"]

    # Each step's last stdout line (its result JSON) is the task's XCom.
    assert result(run_id, "ingest_bpm") == {"bpm": {"source": "bpm", "records": 5, "run_id": run_id}}
    assert set(result(run_id, "ingest_landing")) == {"registrations", "gym_logins"}
    assert result(run_id, "gold")["run_id"] == run_id
    for task_id in (*INGESTS, "silver", "gold"):
        rendered = json.dumps(rendered_fields(LAKEHOUSE_DAG_ID, run_id, task_id))
        assert PASSWORD not in rendered and KAFKA_PASSWORD not in rendered, task_id

    alerts = deadline_alert_rows(LAKEHOUSE_DAG_ID)
    assert alerts, "no deadline alert saved for the DAG"
    assert "DagRunQueuedAtDeadline" in json.dumps(alerts[-1]["reference"])
    assert "1800" in json.dumps(alerts[-1]["interval"])  # 30 minutes
    assert "fitbit_pipeline.alerts.FitbitNotifier" in json.dumps(alerts[-1]["callback"])


def test_manual_run_for_some_sources_skips_the_others_but_runs_silver_and_gold(fake_pipeline):
    dag = load_dag(LAKEHOUSE_DAG_ID)
    state, tis, run_id = run_dag(
        dag, datetime(2026, 11, 30, 11, 3, tzinfo=UTC), {"sources": ["bpm", "landing"]}
    )
    assert state == "success", tis
    assert {t: s for t, (s, _) in tis.items()} == {
        "ingest_user_info": "skipped",
        "ingest_workout": "skipped",
        "ingest_bpm": "success",
        "ingest_landing": "success",
        "silver": "success",
        "gold": "success",
    }
    commands = sorted(" ".join(c["args"]) for c in fake_pipeline() if c["step"] == "ingest")
    assert commands == [f"--landing --run-id {run_id}", f"--topic bpm --run-id {run_id}"]


def test_an_ingest_that_fails_once_is_retried_and_the_run_succeeds(fake_pipeline, monkeypatch):
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "ingest:workout:3:once")
    dag = load_dag(LAKEHOUSE_DAG_ID)
    fast_retries(dag)
    state, tis, _ = run_dag(dag, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert state == "success", tis
    assert tis["ingest_workout"] == ("success", 2)
    assert tis["ingest_bpm"] == ("success", 1)
    assert tis["gold"][0] == "success"


def test_a_bad_command_line_fails_without_retry_blocks_silver_and_notifies(fake_pipeline, monkeypatch):
    from fitbit_pipeline import alerts

    sent = []
    monkeypatch.setattr(
        alerts.FitbitNotifier, "notify", lambda self, context: sent.append(alerts.failure_message(context))
    )
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "ingest:bpm:2")
    dag = load_dag(LAKEHOUSE_DAG_ID)
    fast_retries(dag)
    state, tis, _ = run_dag(dag, datetime(2026, 11, 30, 12, 15, tzinfo=UTC))
    assert state == "failed"
    assert tis["ingest_bpm"] == ("failed", 1)  # exit code 2: no retry
    assert tis["ingest_workout"][0] == "success"
    assert tis["silver"][0] == "upstream_failed" and tis["gold"][0] == "upstream_failed"
    assert len(sent) == 1
    subject, body = sent[0]
    assert (
        subject == "[Airflow] fitbit_lakehouse.ingest_bpm failed (sources user_info, workout, bpm, landing)"
    )
    assert "Try number: 1" in body and "/dags/fitbit_lakehouse/" in body
