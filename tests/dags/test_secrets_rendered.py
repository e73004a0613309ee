"""No secret in any rendered template of either DAG (issue 11, secrets).

Every connection the DAGs may read holds a known, distinctive secret (warehouse password, AWS
secret key and session token, Kafka SASL password, the notifiers' SMTP password and Slack token),
the Variables name them, and then every task of both DAGs has all its templated fields rendered.
No secret may appear in a rendered value, and after ``execute`` (the container call replaced)
secrets may be only in the operator's private environment, never in a templated field or the log.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime

import pytest

from conftest import DAG_ID, LAKEHOUSE_DAG_ID, load_dag

SECRETS = {
    "warehouse password": "whSECRET-render-7Kq2",
    "AWS secret key": "awsSECRET-render-3Pz8",
    "AWS session token": "awsTOKEN-render-9Lm4",
    "Kafka SASL password": "kafkaSECRET-render-5Xw1",
    "SMTP password": "smtpSECRET-render-2Hd6",
    "Slack token": "slackSECRET-render-8Vb3",
}
LOGICAL_DATE = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
def secret_connections(monkeypatch):
    conns = {
        "FITBIT_WAREHOUSE": {
            "conn_type": "postgres",
            "host": "warehouse.internal",
            "port": 5432,
            "schema": "fitbit",
            "login": "loader",
            "password": SECRETS["warehouse password"],
        },
        "FITBIT_AWS": {
            "conn_type": "aws",
            "login": "AKIAEXAMPLE",
            "password": SECRETS["AWS secret key"],
            "extra": {"region_name": "eu-west-1", "aws_session_token": SECRETS["AWS session token"]},
        },
        "FITBIT_KAFKA": {
            "conn_type": "kafka",
            "host": "kafka-1.internal",
            "port": 9096,
            "login": "ingest",
            "password": SECRETS["Kafka SASL password"],
            "extra": {"security_protocol": "sasl_ssl", "sasl_mechanism": "SCRAM-SHA-512"},
        },
        "SMTP_DEFAULT": {
            "conn_type": "smtp",
            "host": "smtp.internal",
            "login": "alerts",
            "password": SECRETS["SMTP password"],
        },
        "SLACK_WEBHOOK_DEFAULT": {
            "conn_type": "slackwebhook",
            "password": SECRETS["Slack token"],
        },
    }
    for name, conn in conns.items():
        monkeypatch.setenv(f"AIRFLOW_CONN_{name}", json.dumps(conn))
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_ALERT_NOTIFIER",
        json.dumps({"type": "slack_webhook", "conn_id": "slack_webhook_default"}),
    )
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"RAW_BUCKET": "raw-b", "LAKE_BUCKET": "lake-b"})
    )


class _UpstreamResults:
    """What a task instance answers to XCom pulls while rendering: a step's last stdout line."""

    map_index = -1

    def xcom_pull(self, *args, **kwargs):
        return '{"ok": true}'


def _render(task) -> dict:
    dag = task.dag
    context = {
        "dag": dag,
        "task": task,
        "params": copy.deepcopy(dag.params).validate(),
        "run_id": "scheduled__2026-11-23T00:00:00+00:00",
        "logical_date": LOGICAL_DATE,
        "data_interval_start": LOGICAL_DATE,
        "data_interval_end": LOGICAL_DATE,
        "ds": "2026-11-23",
        "ti": _UpstreamResults(),
    }
    task.render_template_fields(context)
    return context


def _leaks(where: str, value) -> list[str]:
    text = json.dumps(value, default=str)
    return [f"{name} in {where}" for name, secret in SECRETS.items() if secret in text]


@pytest.mark.parametrize("dag_id", [DAG_ID, LAKEHOUSE_DAG_ID])
def test_no_secret_in_any_rendered_field_of_any_task(dag_id, secret_connections, monkeypatch, caplog):
    from airflow.providers.docker.operators.docker import DockerOperator

    private = {}

    def no_container(self, context):
        private[self.task_id] = dict(self._private_environment)
        return '{"ok": true}'

    monkeypatch.setattr(DockerOperator, "execute", no_container)
    dag = load_dag(dag_id)
    leaks: list[str] = []
    rendered_fields = 0
    executed = 0
    caplog.set_level(logging.INFO)
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    for task in dag.tasks:
        if isinstance(task, MappedOperator):  # extract, transform: one instance per user shard
            task = task.unmap({"shard": "2/3"})
            task.dag = dag
        context = _render(task)
        for field in task.template_fields:
            rendered_fields += 1
            leaks += _leaks(f"{dag_id}.{task.task_id}.{field} (rendered)", getattr(task, field))
        if isinstance(task, DockerOperator):
            try:
                task.execute(context)
            except Exception as exc:  # a skip (e.g. a source not selected) is fine; a leak is not
                leaks += _leaks(f"{dag_id}.{task.task_id} exception", str(exc))
            else:
                executed += 1
            for field in task.template_fields:
                leaks += _leaks(f"{dag_id}.{task.task_id}.{field} (after execute)", getattr(task, field))
    leaks += _leaks(f"{dag_id} task logs", caplog.text)
    assert leaks == []
    assert rendered_fields > len(dag.tasks), "every task's templated fields were rendered"
    assert executed > 0
    # The secrets did reach the steps, through the private (untemplated, unlogged) environment.
    reached = json.dumps(private)
    assert SECRETS["warehouse password"] in reached
    assert SECRETS["AWS secret key"] in reached
