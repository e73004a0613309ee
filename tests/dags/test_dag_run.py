"""Whole DAG runs with dag.test() in local mode, the steps replaced by tests/dags/fake_pipeline.py.

These need no Java and no servers: they check what Airflow does with the DAG (ordering,
skipping of unselected groups, dry run, retries, failure notification, the statistics XCom, the
run report as the last task, also after a failure, and the success notification).
The same runs against the real steps are in test_e2e_pipeline.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import DAG_ID, load_dag
from dagrun_helpers import deadline_alert_rows, fast_retries, rendered_fields, run_dag, xcom
from fitbit_pipeline import ACTIVITIES

FAKE = Path(__file__).with_name("fake_pipeline.py")
PASSWORD = "fake-SECRET-pw"


@pytest.fixture
def notifications(monkeypatch):
    """What FitbitNotifier would send: (event, subject, body) for each call."""
    from fitbit_pipeline import alerts

    sent = []
    monkeypatch.setattr(
        alerts.FitbitNotifier,
        "notify",
        lambda self, context: sent.append((self.event, *self.message(context))),
    )
    return sent


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def report_of(run_id: str) -> str:
    """Where the report of ``run_id`` is (fake_pipeline.py's and the notifier's LAKE_BUCKET)."""
    return f"s3://lake-fake/reports/{run_id.replace(':', '_').replace('+', '_')}/index.html"


@pytest.fixture
def fake_pipeline(airflow_db, tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    log.touch()
    monkeypatch.setenv("FAKE_PIPELINE_LOG", str(log))
    monkeypatch.setenv("FAKE_PIPELINE_STATE", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "local")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_LOCAL_LAUNCHER", f"{sys.executable} {FAKE}")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"LAKE_BUCKET": "lake-fake"}))
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

    def calls():
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    return calls


def test_weekly_run_runs_every_group_then_promote_and_publishes_stats(fake_pipeline, notifications):
    dag = load_dag()
    # logical date of the scheduled run for 2026-W44 (data interval Mon 26 Oct .. Mon 2 Nov)
    state, tis, run_id = run_dag(dag, datetime(2026, 11, 2, 0, 0, 1, tzinfo=UTC))
    assert state == "success", tis
    assert {t: s for t, (s, _) in tis.items()} == {t: "success" for t in dag.task_dict}

    calls = fake_pipeline()
    run_arg = f"--run-id {run_id}"
    by_step = {}
    for call in calls:
        by_step.setdefault(call["step"], []).append(" ".join(call["args"]))
        assert call["jdbc_url"] == "jdbc:postgresql://127.0.0.1:1/x" and call["has_password"]
        assert call["users"] is None  # no user list: FITBIT_USERS is not set
    for step in ("extract", "transform", "load"):
        assert sorted(by_step[step]) == sorted(
            f"--activity {a} --week 2026-W44 {run_arg}" for a in ACTIVITIES
        )
    assert by_step["promote"] == [
        " ".join(f"--activity {a}" for a in ACTIVITIES) + f" --week 2026-W44 {run_arg}"
    ]
    assert [c["step"] for c in calls][-2:] == ["promote", "report"]
    assert by_step["report"] == [f"--week 2026-W44 {run_arg}"]

    stats = xcom(DAG_ID, run_id, "publish_stats")
    assert stats["run_id"] == run_id and set(stats["activities"]) == set(ACTIVITIES)
    promoted = xcom(DAG_ID, run_id, "promote")  # the last stdout line, as pushed by the operator
    assert (json.loads(promoted) if isinstance(promoted, str) else promoted) == stats
    report = _json(xcom(DAG_ID, run_id, "report"))  # the report step's last stdout line
    assert report["report"] == report_of(run_id) and report["run_id"] == run_id

    # One notification: the run's success, with the report's location.
    assert [(event, subject) for event, subject, _ in notifications] == [
        ("success", f"[Airflow] {DAG_ID} succeeded (week 2026-W44)")
    ]
    assert f"Report: {report_of(run_id)}" in notifications[0][2].splitlines()
    for task_id in ("steps.load", "promote"):
        assert PASSWORD not in json.dumps(rendered_fields(DAG_ID, run_id, task_id))

    # The DAG file's deadline alert was saved with the DAG, as the scheduler will use it.
    alerts = deadline_alert_rows(DAG_ID)
    assert alerts, "no deadline alert saved for the DAG"
    assert "DagRunQueuedAtDeadline" in json.dumps(alerts[-1]["reference"])
    assert "21600" in json.dumps(alerts[-1]["interval"])  # 6 hours
    assert "fitbit_pipeline.alerts.FitbitNotifier" in json.dumps(alerts[-1]["callback"])


def test_a_run_in_three_shards_maps_extract_and_transform_per_shard(fake_pipeline):
    """Dynamic task mapping: 3 instances of extract and of transform per activity, then one load
    per activity and one promote, which take every shard (--shards 3)."""
    dag = load_dag()
    state, _, run_id = run_dag(dag, datetime(2026, 11, 2, 0, 0, 1, tzinfo=UTC), {"shards": 3})
    assert state == "success"
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        mapped = session.scalars(
            select(TaskInstance).where(
                TaskInstance.dag_id == DAG_ID,
                TaskInstance.run_id == run_id,
                TaskInstance.task_id == "steps.transform",
            )
        ).all()
    assert sorted((ti.map_index, str(getattr(ti.state, "value", ti.state))) for ti in mapped) == [
        (0, "success"),
        (1, "success"),
        (2, "success"),
    ]

    calls = fake_pipeline()
    by_step = {}
    for call in calls:
        by_step.setdefault(call["step"], []).append(" ".join(call["args"]))
    base = f"--week 2026-W44 --run-id {run_id}"
    for step in ("extract", "transform"):
        assert sorted(by_step[step]) == sorted(
            f"--activity {a} {base} --shard {i}/3" for a in ACTIVITIES for i in (1, 2, 3)
        )
    assert sorted(by_step["load"]) == sorted(f"--activity {a} {base} --shards 3" for a in ACTIVITIES)
    assert by_step["promote"] == [" ".join(f"--activity {a}" for a in ACTIVITIES) + f" {base} --shards 3"]


def test_manual_run_for_one_activity_skips_the_other_groups_but_promotes(fake_pipeline):
    dag = load_dag()
    conf = {"week": "2026-W40", "activities": ["steps"], "users": ["U1", "U2"]}
    state, tis, run_id = run_dag(dag, datetime(2026, 10, 26, 0, 0, 1, tzinfo=UTC), conf)
    assert state == "success", tis
    for activity in ACTIVITIES:
        expected = "success" if activity == "steps" else "skipped"
        assert tis[f"{activity}.selected"][0] == "success"
        for step in ("extract", "transform", "load"):
            assert tis[f"{activity}.{step}"][0] == expected, (activity, step, tis)
    assert tis["promote"][0] == "success" and tis["publish_stats"][0] == "success"
    assert tis["report"][0] == "success"

    calls = fake_pipeline()
    assert [(c["step"], " ".join(c["args"])) for c in calls] == [
        ("extract", f"--activity steps --week 2026-W40 --run-id {run_id}"),
        ("transform", f"--activity steps --week 2026-W40 --run-id {run_id}"),
        ("load", f"--activity steps --week 2026-W40 --run-id {run_id}"),
        ("promote", f"--activity steps --week 2026-W40 --run-id {run_id}"),
        ("report", f"--week 2026-W40 --run-id {run_id}"),
    ]
    assert {c["users"] for c in calls if c["step"] != "report"} == {"U1,U2"}  # a report covers all


def test_dry_run_only_extracts(fake_pipeline):
    dag = load_dag()
    conf = {
        "from_date": "2026-10-05",
        "to_date": "2026-10-07",
        "activities": ["floors", "calories"],
        "dry_run": True,
    }
    state, tis, run_id = run_dag(dag, datetime(2026, 10, 19, 0, 0, 1, tzinfo=UTC), conf)
    assert state == "success", tis
    for activity in ("floors", "calories"):
        assert tis[f"{activity}.extract"][0] == "success"
        assert tis[f"{activity}.transform"][0] == "skipped"
        assert tis[f"{activity}.load"][0] == "skipped"
    assert tis["promote"][0] == "skipped" and tis["publish_stats"][0] == "skipped"
    assert tis["report"][0] == "skipped"  # nothing was processed: nothing to report
    assert sorted(" ".join(c["args"]) for c in fake_pipeline()) == sorted(
        f"--activity {a} --from 2026-10-05 --to 2026-10-07 --run-id {run_id} --dry-run"
        for a in ("floors", "calories")
    )


def test_a_step_that_fails_once_is_retried_and_the_run_succeeds(fake_pipeline, monkeypatch):
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "load:distance:3:once")
    dag = load_dag()
    fast_retries(dag)
    state, tis, _ = run_dag(
        dag, datetime(2026, 10, 12, 0, 0, 1, tzinfo=UTC), {"activities": ["distance", "steps"]}
    )
    assert state == "success", tis
    assert tis["distance.load"] == ("success", 2)
    assert tis["steps.load"] == ("success", 1)
    loads = [c for c in fake_pipeline() if c["step"] == "load" and "distance" in c["args"]]
    assert len(loads) == 2


def test_a_bad_command_line_fails_without_retry_and_notifies(fake_pipeline, notifications, monkeypatch):
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "extract:elevation:2")
    dag = load_dag()
    fast_retries(dag)
    state, tis, run_id = run_dag(
        dag, datetime(2026, 10, 5, 0, 0, 1, tzinfo=UTC), {"activities": ["elevation", "floors"]}
    )
    assert state == "failed"
    assert tis["elevation.extract"] == ("failed", 1)  # exit code 2: no retry
    assert tis["elevation.load"][0] == "upstream_failed"
    assert tis["floors.load"][0] == "success"
    assert tis["promote"][0] == "upstream_failed"  # a failed group blocks promote
    # the report is still written: floors went through, elevation did not
    assert tis["report"][0] == "success"
    assert [c["step"] for c in fake_pipeline()][-1] == "report"
    assert len(notifications) == 1
    event, subject, body = notifications[0]
    assert event == "failure" and "elevation.extract" in subject and "2026-W40" in subject
    assert "Try number: 1" in body and "/dags/fitbit_intraday_weekly/" in body
    assert f"Report: {report_of(run_id)} (written by the report task when the run ends)" in body


def test_a_failed_promote_still_gets_its_report_and_fails_the_run(fake_pipeline, notifications, monkeypatch):
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "promote:all:1")  # a promote check failed
    dag = load_dag()
    fast_retries(dag)
    state, tis, run_id = run_dag(dag, datetime(2026, 9, 28, 0, 0, 1, tzinfo=UTC), {"activities": ["steps"]})
    assert state == "failed", tis  # the report's success does not hide the failed promote
    assert tis["promote"] == ("failed", 4)  # retried: exit code 1 is not a bad command line
    assert tis["publish_stats"][0] == "upstream_failed"
    assert tis["report"] == ("success", 1)
    assert _json(xcom(DAG_ID, run_id, "report"))["report"] == report_of(run_id)
    assert [(event, subject.split(" failed")[0]) for event, subject, _ in notifications] == [
        ("failure", f"[Airflow] {DAG_ID}.promote")
    ]
    assert (
        f"Report: {report_of(run_id)} (written by the report task when the run ends)" in notifications[0][2]
    )


def test_a_run_that_recorded_nothing_skips_its_report(fake_pipeline, notifications, monkeypatch):
    monkeypatch.setenv("FAKE_PIPELINE_FAIL", "report:all:4")  # the warehouse knows nothing of the run
    dag = load_dag()
    fast_retries(dag)
    state, tis, _ = run_dag(dag, datetime(2026, 9, 21, 0, 0, 1, tzinfo=UTC), {"activities": ["floors"]})
    assert state == "success", tis
    assert tis["report"] == ("skipped", 1)  # exit code 4: not retried, not failed
    assert [event for event, _, _ in notifications] == ["success"]
    assert "Report: none (the report task was skipped" in notifications[0][2]


def test_backfill_over_past_weeks_plans_one_run_per_week(airflow_db):
    """catchup is off, but `airflow backfill create` still plans every past week."""
    airflow = str(Path(sys.executable).with_name("airflow"))
    subprocess.run([airflow, "dags", "reserialize"], check=True, capture_output=True, text=True)
    window = ["--from-date", "2026-09-01", "--to-date", "2026-09-30"]
    result = subprocess.run(
        [airflow, "backfill", "create", "--dag-id", DAG_ID, *window, "--dry-run"],
        check=True,
        capture_output=True,
        text=True,
    )
    planned = re.findall(r"\| (\d{4}-\d{2}-\d{2}) 00:00:00\+00:00", result.stdout)
    # logical date = the Monday that starts the processed ISO week
    assert planned == ["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28"], result.stdout
