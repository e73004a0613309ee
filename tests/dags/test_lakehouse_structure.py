"""Structure of fitbit_lakehouse: schedule, tasks, retries, alerts, commands, environment, params."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from conftest import DAGS, LAKEHOUSE_DAG_ID, REPO
from fitbit_pipeline import LAKEHOUSE_SOURCES, TOPICS, alerts, config

LOGICAL_DATE = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
RUN_ID = "scheduled__2026-11-30T10:15:00+00:00"
INGESTS = ("ingest_user_info", "ingest_workout", "ingest_bpm", "ingest_landing")
TASKS = (*INGESTS, "silver", "gold")
WAREHOUSE_PASSWORD = "wh-pass-SECRET-1"
AWS_SECRET = "aws-secret-SECRET-2"
KAFKA_PASSWORD = "kafka-pass-SECRET-3"
SECRETS = (WAREHOUSE_PASSWORD, AWS_SECRET, KAFKA_PASSWORD)

# What Terraform writes into the Variable fitbit_pipeline_env (infra/terraform: pipeline_environment).
TERRAFORM_ENV = {
    "RAW_BUCKET": "acme-fitbit-raw",
    "RAW_PREFIX": "raw",
    "LAKE_BUCKET": "acme-fitbit-lake",
    "AWS_REGION": "eu-west-1",
    "WAREHOUSE_JDBC_URL": "jdbc:redshift://wg.123.eu-west-1.redshift-serverless.amazonaws.com:5439/dev",
    "WAREHOUSE_DIALECT": "redshift",
    "WAREHOUSE_IAM_AUTH": "true",
    "REDSHIFT_IAM_ROLE": "arn:aws:iam::123456789012:role/copy",
    "LANDING_PREFIX": "landing",
    "KAFKA_BOOTSTRAP_SERVERS": "boot-abc.c1.kafka-serverless.eu-west-1.amazonaws.com:9098",
    "KAFKA_AUTH": "msk-iam",
    "KAFKA_TOPIC_USER_INFO": "prod.user_info",
    "KAFKA_TOPIC_WORKOUT": "prod.workout",
    "KAFKA_TOPIC_BPM": "prod.bpm",
    "KAFKA_CONSUMER_GROUP": "fitbit-lakehouse-prod",
}


@pytest.fixture
def dag(lakehouse_dag):
    return lakehouse_dag


@pytest.fixture
def connections(monkeypatch):
    """The DAG's connections (environment-variable connections), Kafka with a SASL login."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_WAREHOUSE",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": "warehouse.internal",
                "port": 5432,
                "schema": "fitbit",
                "login": "loader",
                "password": WAREHOUSE_PASSWORD,
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_AWS",
        json.dumps({"conn_type": "aws", "login": "AKIAEXAMPLE", "password": AWS_SECRET}),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_KAFKA",
        json.dumps(
            {
                "conn_type": "kafka",
                "host": "kafka-1.internal,kafka-2.internal",
                "port": 9096,
                "login": "ingest",
                "password": KAFKA_PASSWORD,
                "extra": {"security_protocol": "sasl_ssl", "sasl_mechanism": "SCRAM-SHA-512"},
            }
        ),
    )


def render(task, params: dict | None = None):
    """Render the task's templates for the scheduled run of 2026-11-30 10:15 UTC."""
    dag = task.dag
    resolved = copy.deepcopy(dag.params)
    for key, value in (params or {}).items():
        resolved[key] = value
    context = {
        "dag": dag,
        "task": task,
        "params": resolved.validate(),
        "run_id": RUN_ID,
        "logical_date": LOGICAL_DATE,
        "data_interval_start": LOGICAL_DATE,
        "data_interval_end": LOGICAL_DATE,
        "ds": "2026-11-30",
    }
    task.render_template_fields(context)
    return context


@pytest.fixture
def docker_calls(monkeypatch):
    """DockerOperator.execute replaced: records the environment the container would get."""
    from airflow.providers.docker.operators.docker import DockerOperator

    seen = {}

    def fake_docker_execute(self, context):
        seen[self.task_id] = {
            "image": self.image,
            "command": self.command,
            "environment": dict(self.environment),
            "private": dict(self._private_environment),
        }
        return '{"ok": true}'

    monkeypatch.setattr(DockerOperator, "execute", fake_docker_execute)
    return seen


# --------------------------------------------------------------------------------------------
def test_dag_serializes_for_the_scheduler(dag):
    from airflow.serialization.serialized_objects import DagSerialization

    restored = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
    assert set(restored.task_dict) == set(TASKS)


def test_schedule_is_every_15_minutes_without_catchup_one_run_at_a_time(dag):
    import pendulum
    from airflow.sdk import CronTriggerTimetable
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import TimeRestriction

    assert isinstance(dag.timetable, CronTriggerTimetable)
    assert dag.timetable.expression == "*/15 * * * *"
    assert "UTC" in str(dag.timetable.timezone)
    assert dag.catchup is False
    assert dag.max_active_runs == 1

    core = coerce_to_core_timetable(dag.timetable)
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 11, 30, 10, 7), latest=None, catchup=True)
    first = core.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    second = core.next_dagrun_info(last_automated_data_interval=first.data_interval, restriction=restriction)
    assert first.run_after == pendulum.datetime(2026, 11, 30, 10, 15)
    assert second.run_after - first.run_after == timedelta(minutes=15)


def test_tasks_and_dependencies(dag):
    t = dag.task_dict
    assert set(t) == set(TASKS)
    for task_id in INGESTS:
        assert t[task_id].upstream_task_ids == set(), task_id  # the four ingests run in parallel
        assert t[task_id].downstream_task_ids == {"silver"}, task_id
    assert t["silver"].upstream_task_ids == set(INGESTS)
    assert t["silver"].downstream_task_ids == {"gold"}
    assert t["silver"].trigger_rule == "none_failed_min_one_success"  # unselected sources are fine
    assert t["gold"].upstream_task_ids == {"silver"}
    assert t["gold"].trigger_rule == "all_success"
    assert {task_id: t[task_id].source for task_id in INGESTS} == dict(
        zip(INGESTS, LAKEHOUSE_SOURCES, strict=True)
    )
    # no run report and no success message: those are the weekly DAG's
    assert not any(task.step == "report" for task in dag.tasks if hasattr(task, "step"))
    assert not dag.on_success_callback and not any(task.is_teardown for task in dag.tasks)


def test_retries_backoff_and_timeouts_on_every_task(dag):
    for task in dag.tasks:
        assert task.retries >= 3, task.task_id
        assert task.retry_exponential_backoff >= 2, task.task_id
        assert task.retry_delay >= timedelta(minutes=1), task.task_id
        assert task.max_retry_delay is not None and task.max_retry_delay <= timedelta(minutes=15)
        assert task.execution_timeout is not None, task.task_id
        assert task.execution_timeout <= timedelta(minutes=30), task.task_id
    assert dag.dagrun_timeout is not None and dag.dagrun_timeout <= timedelta(hours=2)


def test_deadline_alert_30_minutes_after_queued_uses_the_failure_notifier(dag):
    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference

    deadlines = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
    assert len(deadlines) == 1
    alert = deadlines[0]
    assert isinstance(alert, DeadlineAlert)
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval == timedelta(minutes=30)
    assert isinstance(alert.callback, AsyncCallback)
    assert alert.callback.path == "fitbit_pipeline.alerts.FitbitNotifier"
    assert alert.callback.kwargs == {"event": "deadline"}


def test_every_task_notifies_on_failure(dag):
    for task in dag.tasks:
        callbacks = task.on_failure_callback
        callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
        assert any(isinstance(cb, alerts.FitbitNotifier) for cb in callbacks), task.task_id


def test_failure_and_deadline_messages_name_the_sources(dag, caplog):
    caplog.set_level(logging.ERROR, logger="fitbit_pipeline.alerts")

    class FakeTI:
        dag_id = LAKEHOUSE_DAG_ID
        task_id = "ingest_bpm"
        try_number = 2
        log_url = "http://airflow.example/dags/fitbit_lakehouse/runs/r/tasks/ingest_bpm?try_number=2"

    params = copy.deepcopy(dag.params)
    params["sources"] = ["bpm", "landing"]
    context = {
        "ti": FakeTI(),
        "task": dag.task_dict["ingest_bpm"],
        "dag": dag,
        "run_id": RUN_ID,
        "params": params.validate(),
        "data_interval_start": LOGICAL_DATE,
        "exception": RuntimeError("ingest exited with code 3"),
    }
    subject, body = alerts.failure_message(context)
    assert subject == "[Airflow] fitbit_lakehouse.ingest_bpm failed (sources bpm, landing)"
    for expected in (RUN_ID, "Scope: sources bpm, landing", "Try number: 2", FakeTI.log_url):
        assert expected in body
    assert "Report" not in body  # the run report is the weekly DAG's

    deadline_context = {
        "dag_run": {
            "dag_id": LAKEHOUSE_DAG_ID,
            "dag_run_id": RUN_ID,
            "data_interval_start": "2026-11-30T10:15:00Z",
            "queued_at": "2026-11-30T10:15:02Z",
            "state": "running",
            "conf": {},
        },
        "deadline": {"id": "d1", "deadline_time": "2026-11-30T10:45:02Z"},
    }

    async def fire():  # what the triggerer's CallbackTrigger does
        await alerts.FitbitNotifier(event="deadline", context=deadline_context)

    asyncio.run(fire())
    assert "fitbit_lakehouse missed its deadline (sources user_info, workout, bpm, landing)" in caplog.text
    assert "2026-W" not in caplog.text  # no week: a lakehouse run has none


# --------------------------------------------------------------------------------------------
def test_step_operators_are_docker_operators_with_the_step_commands(dag, monkeypatch):
    from airflow.providers.docker.operators.docker import DockerOperator

    monkeypatch.setenv("FITBIT_RELEASE_JSON", str(REPO / "images" / "release.json"))
    release = json.loads((REPO / "images" / "release.json").read_text())
    registry = release.get("registry") or ""
    prefix = f"{registry.rstrip('/')}/" if registry else ""
    expected = {
        "ingest_user_info": ("ingest", f"--topic user_info --run-id {RUN_ID}"),
        "ingest_workout": ("ingest", f"--topic workout --run-id {RUN_ID}"),
        "ingest_bpm": ("ingest", f"--topic bpm --run-id {RUN_ID}"),
        "ingest_landing": ("ingest", f"--landing --run-id {RUN_ID}"),
        "silver": ("silver", f"--run-id {RUN_ID}"),
        "gold": ("gold", f"--run-id {RUN_ID}"),
    }
    for task_id, (step, command) in expected.items():
        task = dag.task_dict[task_id]
        assert isinstance(task, DockerOperator)
        assert task.step == step
        assert task.auto_remove == "force"
        assert task.mount_tmp_dir is False
        assert not task.mounts
        assert task.do_xcom_push is True and task.xcom_all is False  # the last line: the result JSON
        render(task)
        assert task.command == command
        assert task.image == f"{prefix}{release['images'][step]}:{release['tag']}"
        assert task.environment == {}
    assert release["images"]["ingest"] == "fitbit-ingest"
    assert release["images"]["silver"] == "fitbit-silver"
    assert release["images"]["gold"] == "fitbit-gold"


def test_image_registry_and_tag_variables_apply_to_the_lakehouse_steps(dag, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_IMAGE_TAG", "2.0.0")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_IMAGE_REGISTRY", "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    task = dag.task_dict["gold"]
    render(task)
    assert task.image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fitbit-gold:2.0.0"


def test_run_ids_with_colon_and_plus_reach_the_steps_unchanged(dag):
    task = dag.task_dict["silver"]
    context = render(task)
    context["run_id"] = "manual__2026-11-30T10:11:12.123456+00:00"
    task.command = "--run-id {{ run_id | fitbit_run_id }}"
    task.render_template_fields(context)
    assert task.command == "--run-id manual__2026-11-30T10:11:12.123456+00:00"


def test_secrets_only_in_private_environment_and_kafka_login_only_for_ingest(
    dag, connections, docker_calls, monkeypatch
):
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_PIPELINE_ENV",
        json.dumps({"LAKE_BUCKET": "lake-b", "KAFKA_TOPIC_BPM": "prod.bpm", "KAFKA_BOOTSTRAP_SERVERS": ""}),
    )
    for task_id in ("ingest_bpm", "silver"):
        task = dag.task_dict[task_id]
        context = render(task)
        for field in task.template_fields:
            rendered = json.dumps(getattr(task, field), default=str)
            assert not any(secret in rendered for secret in SECRETS), f"a secret in {task_id}.{field}"
        assert task.execute(context) == '{"ok": true}'
        for field in task.template_fields:  # the secrets never go back into a templated field
            rendered = json.dumps(getattr(task, field), default=str)
            assert not any(secret in rendered for secret in SECRETS), f"a secret in {task_id}.{field}"
    assert "private_environment" not in dag.task_dict["ingest_bpm"].template_fields

    common = {
        "LAKE_BUCKET": "lake-b",
        "KAFKA_TOPIC_BPM": "prod.bpm",  # topic names reach every step: silver maps topics to sources
        "WAREHOUSE_JDBC_URL": "jdbc:postgresql://warehouse.internal:5432/fitbit",
        "WAREHOUSE_USER": "loader",
    }
    assert docker_calls["ingest_bpm"]["environment"] == {
        **common,
        "KAFKA_BOOTSTRAP_SERVERS": "kafka-1.internal:9096,kafka-2.internal:9096",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": "ingest",
    }
    assert docker_calls["ingest_bpm"]["private"] == {
        "WAREHOUSE_PASSWORD": WAREHOUSE_PASSWORD,
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
        "KAFKA_SASL_PASSWORD": KAFKA_PASSWORD,
    }
    assert docker_calls["silver"]["environment"] == common
    assert docker_calls["silver"]["private"] == {
        "WAREHOUSE_PASSWORD": WAREHOUSE_PASSWORD,
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
    }


def test_terraform_pipeline_env_variable_configures_the_steps(dag, docker_calls, monkeypatch):
    """On AWS: no Kafka connection; MSK with IAM auth comes from Terraform's fitbit_pipeline_env."""
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_PIPELINE_ENV", json.dumps(TERRAFORM_ENV))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"LOG_FORMAT": "json", "RAW_PREFIX": "r2"}))
    task = dag.task_dict["ingest_workout"]
    task.execute(render(task))
    assert docker_calls["ingest_workout"]["environment"] == {
        **TERRAFORM_ENV,
        "LOG_FORMAT": "json",
        "RAW_PREFIX": "r2",
    }
    assert docker_calls["ingest_workout"]["private"] == {}


def test_the_variable_holds_every_variable_terraform_writes():
    """The keys of Terraform's pipeline_environment are the ones this DAG's tests feed the steps."""
    main_tf = REPO / "infra" / "terraform" / "main.tf"
    if not main_tf.is_file():
        pytest.skip("no infra/terraform/main.tf")
    block = re.search(r"pipeline_environment\s*=\s*\{(.*?)\n\s*\}", main_tf.read_text(), re.S)
    assert block, "pipeline_environment not found in infra/terraform/main.tf"
    keys = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s*=", block.group(1), re.M))
    assert keys == set(TERRAFORM_ENV)
    assert not keys & config.SECRET_ENV


def test_a_connection_overrides_the_variables(connections, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_PIPELINE_ENV", json.dumps(TERRAFORM_ENV))
    public, secret = config.step_environment("ingest")
    assert public["KAFKA_BOOTSTRAP_SERVERS"] == "kafka-1.internal:9096,kafka-2.internal:9096"
    assert public["KAFKA_TOPIC_WORKOUT"] == "prod.workout"
    assert public["WAREHOUSE_JDBC_URL"] == "jdbc:postgresql://warehouse.internal:5432/fitbit"
    assert secret["KAFKA_SASL_PASSWORD"] == KAFKA_PASSWORD


@pytest.mark.parametrize("variable", ["AIRFLOW_VAR_FITBIT_PIPELINE_ENV", "AIRFLOW_VAR_FITBIT_STEP_ENV"])
def test_secrets_are_refused_in_the_env_variables(monkeypatch, variable):
    monkeypatch.setenv(variable, json.dumps({"KAFKA_SASL_PASSWORD": "x"}))
    with pytest.raises(ValueError, match="must not hold secrets"):
        config.step_environment("ingest")


def test_kafka_connection_mapping():
    from airflow.sdk import Connection

    provider_style = Connection(
        conn_id="fitbit_kafka",
        conn_type="kafka",
        extra=json.dumps(
            {
                "bootstrap.servers": "b-1:9096,b-2:9096",
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "PLAIN",
                "sasl.username": "u",
                "sasl.password": KAFKA_PASSWORD,
            }
        ),
    )
    assert config.kafka_env(provider_style) == (
        {
            "KAFKA_BOOTSTRAP_SERVERS": "b-1:9096,b-2:9096",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": "u",
        },
        {"KAFKA_SASL_PASSWORD": KAFKA_PASSWORD},
    )
    msk = Connection(conn_id="fitbit_kafka", conn_type="kafka", host="b-1:9098", extra='{"auth": "MSK-IAM"}')
    assert config.kafka_env(msk) == ({"KAFKA_BOOTSTRAP_SERVERS": "b-1:9098", "KAFKA_AUTH": "msk-iam"}, {})
    assert config.kafka_env(None) == ({}, {})
    with pytest.raises(ValueError, match="auth must be one of"):
        config.kafka_env(Connection(conn_id="fitbit_kafka", conn_type="kafka", extra='{"auth": "oauth"}'))
    with pytest.raises(ValueError, match="no extra sasl_mechanism"):
        config.kafka_env(Connection(conn_id="fitbit_kafka", conn_type="kafka", host="b", login="u"))


def test_terraform_style_redshift_connection_means_iam_auth():
    from airflow.sdk import Connection

    conn = Connection(
        conn_id="fitbit_warehouse",
        conn_type="redshift",
        host="wg.1.eu-west-1.redshift-serverless.amazonaws.com",
        port=5439,
        schema="dev",
        extra=json.dumps({"iam": True, "is_serverless": True, "region": "eu-west-1"}),
    )
    public, secret = config.warehouse_env(conn)
    assert public["WAREHOUSE_IAM_AUTH"] == "true" and secret == {}


# --------------------------------------------------------------------------------------------
def test_an_unselected_source_is_skipped(dag, docker_calls):
    from airflow.sdk.exceptions import AirflowSkipException

    task = dag.task_dict["ingest_workout"]
    context = render(task, {"sources": ["bpm"]})
    with pytest.raises(AirflowSkipException, match="not among"):
        task.execute(context)
    assert docker_calls == {}
    task = dag.task_dict["ingest_bpm"]
    task.execute(render(task, {"sources": ["bpm"]}))
    assert set(docker_calls) == {"ingest_bpm"}


def test_docker_exit_code_2_fails_without_retry_and_3_is_retried(dag, monkeypatch):
    from airflow.providers.docker.exceptions import DockerContainerFailedException
    from airflow.providers.docker.operators.docker import DockerOperator
    from airflow.sdk.exceptions import AirflowFailException

    def exits_with(code):
        def fake_execute(self, context):
            raise DockerContainerFailedException(
                f"Docker container failed: {{'Error': None, 'StatusCode': {code}}}"
            )

        return fake_execute

    task = dag.task_dict["gold"]
    context = render(task)
    monkeypatch.setattr(DockerOperator, "execute", exits_with(2))
    with pytest.raises(AirflowFailException, match="code 2"):
        task.execute(context)
    monkeypatch.setattr(DockerOperator, "execute", exits_with(3))
    with pytest.raises(DockerContainerFailedException) as raised:
        task.execute(context)
    assert not isinstance(raised.value, AirflowFailException)


def test_local_mode_runs_the_built_jar_of_the_step(dag, monkeypatch, tmp_path):
    jar = tmp_path / "tasks" / "ingest" / "target" / "quarkus-app" / "quarkus-run.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_REPO_ROOT", str(tmp_path))
    task = dag.task_dict["ingest_landing"]
    render(task)
    assert task.local_command() == ["java", "-jar", str(jar), "--landing", "--run-id", RUN_ID]
    task = dag.task_dict["gold"]
    render(task)
    assert task.local_command() == [str(tmp_path / "pipeline"), "stream", "gold", "--run-id", RUN_ID]


# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [[], ["kafka"], ["bpm", "bpm"], "bpm", ["BPM"], [1], None],
)
def test_params_reject_bad_sources(dag, value):
    from airflow.sdk.exceptions import ParamValidationError

    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError):
        params["sources"] = value
        params.validate()


def test_params_defaults_and_good_values(dag):
    params = copy.deepcopy(dag.params)
    assert params.validate() == {"sources": ["user_info", "workout", "bpm", "landing"]}
    assert list(TOPICS) == ["user_info", "workout", "bpm"]
    params["sources"] = ["landing", "workout"]
    assert params.validate() == {"sources": ["landing", "workout"]}
    assert config.selected_sources({"sources": ["landing", "workout"]}) == ["workout", "landing"]
    assert DAGS.joinpath("fitbit_lakehouse.py").is_file()
