"""Parsing of dags/ and the structure of fitbit_intraday_weekly: schedule, tasks, alerts, params."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from conftest import DAG_ID, DAGS, LAKEHOUSE_DAG_ID
from fitbit_pipeline import ACTIVITIES, alerts, config

WEEK_START = datetime(2026, 11, 23, tzinfo=UTC)  # Monday of 2026-W48
WEEK_END = datetime(2026, 11, 30, tzinfo=UTC)
RUN_ID = "scheduled__2026-11-30T00:00:00+00:00"
WAREHOUSE_PASSWORD = "wh-pass-SECRET-1"
AWS_SECRET = "aws-secret-SECRET-2"
AWS_TOKEN = "aws-token-SECRET-3"
SECRETS = (WAREHOUSE_PASSWORD, AWS_SECRET, AWS_TOKEN)


@pytest.fixture
def connections(monkeypatch):
    """The two connections of the DAG, as environment-variable connections."""
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
        json.dumps(
            {
                "conn_type": "aws",
                "login": "AKIAEXAMPLE",
                "password": AWS_SECRET,
                "extra": {
                    "region_name": "eu-west-1",
                    "endpoint_url": "http://127.0.0.1:9000",
                    "aws_session_token": AWS_TOKEN,
                },
            }
        ),
    )


def render(task, params: dict | None = None):
    """Render the task's templates for the scheduled run of 2026-W48."""
    dag = task.dag
    resolved = copy.deepcopy(dag.params)
    for key, value in (params or {}).items():
        resolved[key] = value
    context = {
        "dag": dag,
        "task": task,
        "params": resolved.validate(),
        "run_id": RUN_ID,
        "logical_date": WEEK_START,
        "data_interval_start": WEEK_START,
        "data_interval_end": WEEK_END,
        "ds": "2026-11-23",
    }
    task.render_template_fields(context)
    return context


# --------------------------------------------------------------------------------------------
def test_dagbag_imports_without_errors_or_deprecation_warnings():
    """Parse dags/ in a fresh interpreter with every DeprecationWarning turned into an error."""
    script = (
        "import json, warnings\n"
        "warnings.simplefilter('error', DeprecationWarning)\n"
        "warnings.simplefilter('error', PendingDeprecationWarning)\n"
        "from pathlib import Path\n"
        "from airflow.dag_processing.dagbag import BundleDagBag\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    bag = BundleDagBag(dag_folder={str(DAGS)!r}, bundle_path=Path({str(DAGS)!r}))\n"
        "print(json.dumps({'errors': bag.import_errors, 'dags': sorted(bag.dag_ids),\n"
        "    'files': sorted(s.file for s in bag.dagbag_stats),\n"
        "    'warnings': [f'{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})' for w in caught\n"
        "                 if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    assert result["dags"] == sorted([DAG_ID, LAKEHOUSE_DAG_ID])
    assert result["files"] == ["fitbit_intraday_weekly.py", "fitbit_lakehouse.py"], (
        "helpers must be kept out by .airflowignore"
    )
    assert result["warnings"] == []


def test_dag_serializes_for_the_scheduler(dag):
    from airflow.serialization.serialized_objects import DagSerialization

    restored = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
    assert set(restored.task_dict) == set(dag.task_dict)


def test_schedule_is_weekly_on_monday_and_covers_the_previous_iso_week(dag):
    from airflow.sdk import CronDataIntervalTimetable
    from airflow.serialization.encoders import coerce_to_core_timetable

    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 0 * * 1"
    assert str(dag.timetable.timezone) in ("UTC", "Timezone('UTC')")
    assert dag.catchup is False
    assert dag.max_active_runs == 1

    core = coerce_to_core_timetable(dag.timetable)
    # The run that starts on Monday 2026-11-30 00:00 UTC covers Monday 23 .. Sunday 29 November.
    interval = core.infer_manual_data_interval(run_after=datetime(2026, 11, 30, 0, 0, 1, tzinfo=UTC))
    assert (interval.start, interval.end) == (WEEK_START, WEEK_END)
    assert config.week_of_interval(interval.start) == "2026-W48"
    assert interval.start.isoweekday() == 1
    assert interval.end - interval.start == timedelta(days=7)


def step_task(dag, task_id: str, shard: str = "1/1"):
    """The task as it runs: a mapped extract or transform unmapped for one shard."""
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    task = dag.task_dict[task_id]
    if isinstance(task, MappedOperator):
        task = task.unmap({"shard": shard})
        task.dag = dag
    return task


def test_tasks_and_dependencies(dag):
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    expected = {"shards", "promote", "publish_stats", "report"}
    for activity in ACTIVITIES:
        expected |= {f"{activity}.{t}" for t in ("selected", "extract", "transform", "load")}
    assert set(dag.task_dict) == expected

    # extract and transform of every group are mapped over the shards task's list.
    assert dag.task_dict["shards"].upstream_task_ids == set()
    assert dag.task_dict["shards"].downstream_task_ids == {
        f"{a}.{step}" for a in ACTIVITIES for step in ("extract", "transform")
    }
    for activity in ACTIVITIES:
        t = dag.task_dict
        for step in ("extract", "transform"):
            assert isinstance(t[f"{activity}.{step}"], MappedOperator)
            assert t[f"{activity}.{step}"].upstream_task_ids >= {"shards"}
        assert not isinstance(t[f"{activity}.load"], MappedOperator)  # one load per activity
        assert t[f"{activity}.selected"].downstream_task_ids == {f"{activity}.extract"}
        assert t[f"{activity}.extract"].downstream_task_ids == {f"{activity}.transform"}
        assert t[f"{activity}.transform"].downstream_task_ids == {f"{activity}.load"}
        assert t[f"{activity}.load"].downstream_task_ids == {"promote"}
        assert t[f"{activity}.selected"].upstream_task_ids == set()  # groups run in parallel
        assert t[f"{activity}.selected"].ignore_downstream_trigger_rules is False

    promote = dag.task_dict["promote"]
    assert promote.upstream_task_ids == {f"{a}.load" for a in ACTIVITIES}
    assert promote.trigger_rule == "none_failed_min_one_success"
    assert dag.task_dict["publish_stats"].upstream_task_ids == {"promote"}
    assert dag.task_dict["publish_stats"].trigger_rule == "all_success"

    # The run report comes last and runs whatever happened before (all done: no setup tasks).
    report = dag.task_dict["report"]
    assert report.upstream_task_ids == {"publish_stats"} and report.downstream_task_ids == set()
    assert report.trigger_rule == "all_done_setup_success"
    assert not any(t.is_setup for t in dag.tasks)
    # A teardown that does not decide the run's state: publish_stats (and through it promote and
    # the groups) does, so a failed promote fails the run although the report succeeds.
    assert report.is_teardown and not report.on_failure_fail_dagrun
    assert [t.task_id for t in dag.tasks if not t.downstream_list] == ["report"]


def test_the_run_state_ignores_the_report_but_not_what_failed_before_it(dag):
    from airflow.models.dagrun import DagRun
    from airflow.serialization.serialized_objects import DagSerialization

    scheduler_dag = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))

    class TI:
        def __init__(self, task_id):
            self.task_id, self.state = task_id, "success"

    tis = [TI(task_id) for task_id in dag.task_dict]
    counted = DagRun._tis_for_dagrun_state(None, dag=scheduler_dag, tis=tis)
    assert {ti.task_id for ti in counted} == {"publish_stats"}


def test_retries_backoff_and_timeouts_on_every_task(dag):
    for task in dag.tasks:
        assert task.retries >= 3, task.task_id
        assert task.retry_exponential_backoff >= 2, task.task_id
        assert task.retry_delay >= timedelta(minutes=1), task.task_id
        assert task.max_retry_delay is not None and task.max_retry_delay <= timedelta(hours=1)
        assert task.execution_timeout is not None and task.execution_timeout <= timedelta(hours=2)
    assert dag.dagrun_timeout is not None
    assert dag.task_dict["report"].execution_timeout == timedelta(minutes=15)


def test_deadline_alert_uses_the_failure_notifier(dag):
    from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference

    deadlines = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
    assert len(deadlines) == 1
    alert = deadlines[0]
    assert isinstance(alert, DeadlineAlert)
    assert alert.reference == DeadlineReference.DAGRUN_QUEUED_AT
    assert alert.interval == timedelta(hours=6)
    assert isinstance(alert.callback, AsyncCallback)
    assert alert.callback.path == "fitbit_pipeline.alerts.FitbitNotifier"
    assert alert.callback.kwargs == {"event": "deadline"}


def test_every_task_notifies_on_failure(dag):
    for task in dag.tasks:
        callbacks = task.on_failure_callback
        callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
        assert any(isinstance(cb, alerts.FitbitNotifier) for cb in callbacks), task.task_id


def test_the_run_notifies_its_success(dag):
    callbacks = dag.on_success_callback
    callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
    assert [cb.event for cb in callbacks if isinstance(cb, alerts.FitbitNotifier)] == ["success"]
    assert not dag.on_failure_callback  # failures are notified per task, once


class _FakeTI:
    dag_id = DAG_ID
    task_id = "steps.load"
    try_number = 4
    log_url = "http://airflow.example/dags/fitbit_intraday_weekly/runs/r/tasks/steps.load?try_number=4"


def _failure_context(dag):
    return {
        "ti": _FakeTI(),
        "task": dag.task_dict["steps.load"],
        "dag": dag,
        "run_id": RUN_ID,
        "params": dag.params.validate(),
        "data_interval_start": WEEK_START,
        "exception": RuntimeError("load exited with code 3"),
    }


def test_failure_message_has_dag_task_week_try_and_log_url(dag, caplog):
    caplog.set_level(logging.ERROR, logger="fitbit_pipeline.alerts")
    alerts.FitbitNotifier().notify(_failure_context(dag))
    text = caplog.text
    for expected in (DAG_ID, "steps.load", "week 2026-W48", "Try number: 4", _FakeTI.log_url):
        assert expected in text


REPORT_KEY = "reports/scheduled__2026-11-30T00_00_00_00_00/index.html"


def test_failure_message_names_the_run_report_and_its_link(dag, connections, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"LAKE_BUCKET": "lake-b"}))
    _, body = alerts.failure_message(_failure_context(dag))
    lines = body.splitlines()
    assert f"Report: s3://lake-b/{REPORT_KEY} (written by the report task when the run ends)" in lines
    # the fitbit_aws connection's S3-API endpoint
    assert f"Report link: http://127.0.0.1:9000/lake-b/{REPORT_KEY}" in lines

    monkeypatch.delenv("AIRFLOW_CONN_FITBIT_AWS")  # AWS itself: the console's page of the object
    _, body = alerts.failure_message(_failure_context(dag))
    assert (
        "Report link: https://s3.console.aws.amazon.com/s3/object/lake-b?region=us-east-1"
        "&prefix=reports%2Fscheduled__2026-11-30T00_00_00_00_00%2Findex.html"
    ) in body.splitlines()
    cfg = {"type": "log", "report_url": "https://reports.example/{key}?b={bucket}"}
    _, body = alerts.failure_message(_failure_context(dag), cfg)
    assert f"Report link: https://reports.example/{REPORT_KEY}?b=lake-b" in body.splitlines()

    context = {**_failure_context(dag), "ti": type("TI", (_FakeTI,), {"task_id": "report"})()}
    _, body = alerts.failure_message(context)
    assert body.splitlines()[-1] == "Report: not written (this task writes it)"


def test_the_report_is_a_link_in_smtp_and_slack_and_text_elsewhere(dag, monkeypatch):
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    sent = []
    monkeypatch.setattr(SmtpNotifier, "notify", lambda self, context: sent.append(self))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"LAKE_BUCKET": "lake-b"}))
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_ALERT_NOTIFIER", json.dumps({"type": "smtp", "to": "ops@example.com"})
    )
    alerts.FitbitNotifier().notify(_failure_context(dag))
    (mail,) = sent
    link = "https://s3.console.aws.amazon.com/s3/object/lake-b?region=us-east-1&amp;prefix=reports%2F"
    assert f'<a href="{link}' in mail.html_content and "Open the run report</a>" in mail.html_content
    assert f"s3://lake-b/{REPORT_KEY}" in mail.html_content

    body = "DAG: d\nReport: s3://b/k\nReport link: https://x.example/k"
    assert alerts._slack_text("s", body, alerts._link_in(body)).endswith(
        "\n<https://x.example/k|Open the run report>"
    )
    assert alerts._slack_text("s", "DAG: d", None) == "*s*\nDAG: d"


class _ReportTI:
    def __init__(self, value):
        self.value = value

    def xcom_pull(self, task_ids):
        assert task_ids == "report"
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def _success_context(dag, value):
    return {
        "ti": _ReportTI(value),
        "dag": dag,
        "run_id": RUN_ID,
        "params": dag.params.validate(),
        "data_interval_start": WEEK_START,
        "reason": "success",
    }


def test_success_message_links_the_report_the_report_task_wrote(dag, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="fitbit_pipeline.alerts")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"LAKE_BUCKET": "lake-b"}))
    written = json.dumps({"report": "s3://lake-b/reports/r1/index.html", "run_id": "r1"})
    alerts.FitbitNotifier(event="success").notify(_success_context(dag, written))
    assert f"[Airflow] {DAG_ID} succeeded (week 2026-W48)" in caplog.text
    assert "Report: s3://lake-b/reports/r1/index.html\n" in caplog.text
    assert "Report link: https://s3.console.aws.amazon.com/s3/object/lake-b?" in caplog.text

    _, body = alerts.success_message(_success_context(dag, None))  # skipped: dry run, nothing recorded
    assert "Report: none (the report task was skipped" in body and "Report link" not in body

    # where the XCom cannot be read (no Task SDK channel, no database), the location the report
    # task writes to
    def no_database(dag_id, run_id):
        raise LookupError("no database")

    monkeypatch.setattr(alerts, "_xcom_from_metadata_db", no_database)
    _, body = alerts.success_message(_success_context(dag, RuntimeError("no comms")))
    assert f"Report: s3://lake-b/{REPORT_KEY}" in body.splitlines()

    caplog.clear()
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_ALERT_NOTIFIER", json.dumps({"type": "log", "success": False}))
    alerts.FitbitNotifier(event="success").notify(_success_context(dag, written))
    assert "succeeded" not in caplog.text


def test_failure_goes_to_the_configured_smtp_notifier(dag, monkeypatch):
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    sent = []
    monkeypatch.setattr(SmtpNotifier, "notify", lambda self, context: sent.append(self))
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_ALERT_NOTIFIER",
        json.dumps({"type": "smtp", "to": "ops@example.com", "conn_id": "smtp_fitbit"}),
    )
    alerts.FitbitNotifier().notify(_failure_context(dag))
    assert len(sent) == 1
    assert sent[0].to == "ops@example.com" and sent[0].smtp_conn_id == "smtp_fitbit"
    assert "steps.load" in sent[0].subject and "2026-W48" in sent[0].subject
    assert "Try number: 4" in sent[0].html_content and _FakeTI.log_url in sent[0].html_content


def test_optional_providers_are_imported_only_when_configured():
    import importlib.util

    for kind, module in (("slack", "airflow.providers.slack"), ("sns", "airflow.providers.amazon")):
        installed = importlib.util.find_spec(module.rsplit(".", 1)[0]) is not None and (
            importlib.util.find_spec(module) is not None
        )
        cfg = {"type": kind, "target_arn": "arn:aws:sns:eu-west-1:1:t"}
        if installed:
            assert alerts.build_notifier(cfg, "s", "b") is not None
        else:
            with pytest.raises(ImportError):
                alerts.build_notifier(cfg, "s", "b")
    assert alerts.build_notifier({"type": "log"}, "s", "b") is None


def test_deadline_callback_is_awaitable_and_sends_the_same_alert(caplog):
    from airflow.sdk._shared.module_loading import import_string

    caplog.set_level(logging.ERROR, logger="fitbit_pipeline.alerts")
    notifier_cls = import_string("fitbit_pipeline.alerts.FitbitNotifier")
    context = {
        "dag_run": {
            "dag_id": DAG_ID,
            "dag_run_id": RUN_ID,
            "data_interval_start": "2026-11-23T00:00:00Z",
            "queued_at": "2026-11-30T00:00:05Z",
            "state": "running",
            "conf": {},
        },
        "deadline": {"id": "d1", "deadline_time": "2026-11-30T06:00:05Z"},
    }

    async def fire():  # what the triggerer's CallbackTrigger does
        await notifier_cls(event="deadline", context=context)

    asyncio.run(fire())
    assert "missed its deadline" in caplog.text
    assert "2026-W48" in caplog.text and RUN_ID in caplog.text


# --------------------------------------------------------------------------------------------
def test_step_operators_are_docker_operators_with_the_week_command(dag, connections, monkeypatch):
    from airflow.providers.docker.operators.docker import DockerOperator

    monkeypatch.setenv("FITBIT_RELEASE_JSON", str(DAGS.parent / "images" / "release.json"))
    release = config.release()
    registry = release.get("registry") or ""
    prefix = f"{registry.rstrip('/')}/" if registry else ""

    for activity in ACTIVITIES:
        for step in ("extract", "transform", "load"):
            task = step_task(dag, f"{activity}.{step}")
            assert isinstance(task, DockerOperator)
            assert task.auto_remove == "force"
            assert task.mount_tmp_dir is False
            assert not task.mounts
            render(task)
            dry = ""
            assert task.command == f"--activity {activity} --week 2026-W48 --run-id {RUN_ID}{dry}"
            assert task.image == f"{prefix}fitbit-{step}:{release['tag']}"
            assert task.environment == {"FITBIT_USERS": ""}

    promote = dag.task_dict["promote"]
    render(promote)
    activity_args = " ".join(f"--activity {a}" for a in ACTIVITIES)
    assert promote.command == f"{activity_args} --week 2026-W48 --run-id {RUN_ID}"
    assert promote.do_xcom_push is True and promote.xcom_all is False

    report = dag.task_dict["report"]
    render(report)
    assert isinstance(report, DockerOperator)
    assert report.command == f"--week 2026-W48 --run-id {RUN_ID}"
    assert report.image == f"{prefix}fitbit-report:{release['tag']}"
    assert report.do_xcom_push is True and report.xcom_all is False
    assert not report.environment  # no FITBIT_USERS: a report covers the whole run


def test_report_exit_code_4_skips_in_docker_mode_and_its_location_is_logged(dag, monkeypatch, capsys):
    from airflow.providers.docker.exceptions import DockerContainerFailedException
    from airflow.providers.docker.operators.docker import DockerOperator
    from airflow.sdk.exceptions import AirflowSkipException

    task = dag.task_dict["report"]
    context = render(task)

    def exits_with(code):
        def fake_execute(self, context):
            raise DockerContainerFailedException(
                f"Docker container failed: {{'Error': None, 'StatusCode': {code}}}"
            )

        return fake_execute

    monkeypatch.setattr(DockerOperator, "execute", exits_with(4))
    with pytest.raises(AirflowSkipException, match="code 4"):
        task.execute(context)
    monkeypatch.setattr(DockerOperator, "execute", exits_with(3))
    with pytest.raises(DockerContainerFailedException):
        task.execute(context)
    # extract's code 4 (a missing manifest) stays a failure
    monkeypatch.setattr(DockerOperator, "execute", exits_with(4))
    with pytest.raises(DockerContainerFailedException):
        transform = step_task(dag, "steps.transform")
        transform.execute(render(transform))

    line = json.dumps({"report": "s3://lake-b/reports/r/index.html", "run_id": "r"})
    monkeypatch.setattr(DockerOperator, "execute", lambda self, context: line)
    capsys.readouterr()
    assert task.execute(context) == line
    assert "Run report: s3://lake-b/reports/r/index.html" in capsys.readouterr().out  # the task log


def test_local_mode_runs_the_report_jar(dag, monkeypatch, tmp_path):
    from airflow.sdk.exceptions import AirflowException

    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_REPO_ROOT", str(tmp_path))
    task = dag.task_dict["report"]
    render(task)
    with pytest.raises(AirflowException, match="not built"):  # ./pipeline report is another command
        task.local_command()
    jar = tmp_path / "tasks" / "report" / "target" / "quarkus-app" / "quarkus-run.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    assert task.local_command() == ["java", "-jar", str(jar), "--week", "2026-W48", "--run-id", RUN_ID]


def test_local_mode_runs_a_jar_with_the_step_images_jvm_flags(dag, monkeypatch, tmp_path):
    from fitbit_pipeline import steps

    repo = DAGS.parent
    flags = steps.step_jvm_flags(repo)
    assert "-XX:+UseSerialGC" in flags and any(f.startswith("-Xmx") for f in flags), flags
    # The image's AOT cache is a path inside the image: a local JVM runs without it.
    dockerfile = (repo / "images" / "Dockerfile.jvm-prebuilt").read_text(encoding="utf-8")
    assert '"-XX:AOTCache=/deployments/app.aot"' in dockerfile
    assert not any(f.startswith("-XX:AOTCache") for f in flags), flags
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "Dockerfile.jvm-prebuilt").write_text(
        (repo / "images" / "Dockerfile.jvm-prebuilt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_REPO_ROOT", str(tmp_path))
    task = dag.task_dict["report"]
    render(task)
    jar = tmp_path / "tasks" / "report" / "target" / "quarkus-app" / "quarkus-run.jar"
    jar.parent.mkdir(parents=True)
    jar.touch()
    assert task.local_command() == [
        "java",
        *flags,
        "-jar",
        str(jar),
        "--week",
        "2026-W48",
        "--run-id",
        RUN_ID,
    ]


def test_report_key_is_the_steps_lake_layout():
    assert config.report_key(RUN_ID) == REPORT_KEY
    assert config.report_key("manual__2026-11-24T10:11:12.123+00:00") == (
        "reports/manual__2026-11-24T10_11_12.123_00_00/index.html"
    )


def test_image_tag_and_registry_come_from_variables(dag, monkeypatch, tmp_path):
    release = tmp_path / "release.json"
    release.write_text(json.dumps({"registry": "reg.example/fitbit", "tag": "1.2.3"}))
    monkeypatch.setenv("FITBIT_RELEASE_JSON", str(release))
    task = step_task(dag, "steps.extract")
    render(task)
    assert task.image == "reg.example/fitbit/fitbit-extract:1.2.3"

    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_IMAGE_TAG", "2.0.0-rc1")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_IMAGE_REGISTRY", "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    task = step_task(dag, "steps.transform")
    render(task)
    assert task.image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fitbit-transform:2.0.0-rc1"


def test_manual_params_shape_the_commands(dag):
    extract = step_task(dag, "steps.extract")
    render(extract, {"week": "2026-W05", "users": ["ABC123", "XYZ9"], "dry_run": True})
    assert extract.command == f"--activity steps --week 2026-W05 --run-id {RUN_ID} --dry-run"
    assert extract.environment == {"FITBIT_USERS": "ABC123,XYZ9"}

    load = dag.task_dict["calories.load"]
    render(load, {"from_date": "2026-11-16", "to_date": "2026-11-18"})
    assert load.command == f"--activity calories --from 2026-11-16 --to 2026-11-18 --run-id {RUN_ID}"

    promote = dag.task_dict["promote"]
    render(promote, {"activities": ["steps", "floors"]})
    assert promote.command == f"--activity steps --activity floors --week 2026-W48 --run-id {RUN_ID}"


def test_no_secret_in_rendered_fields_and_secrets_only_in_private_environment(dag, connections, monkeypatch):
    from airflow.providers.docker.operators.docker import DockerOperator

    seen = {}

    def fake_docker_execute(self, context):
        seen["environment"] = dict(self.environment)
        seen["private"] = dict(self._private_environment)
        return None

    monkeypatch.setattr(DockerOperator, "execute", fake_docker_execute)
    monkeypatch.setenv(
        "AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"RAW_BUCKET": "raw-b", "LAKE_BUCKET": "lake-b"})
    )
    task = dag.task_dict["steps.load"]
    context = render(task, {"users": ["U1"]})
    for field in task.template_fields:
        rendered = json.dumps(getattr(task, field), default=str)
        for secret in SECRETS:
            assert secret not in rendered, f"{secret} in rendered field {field}"

    task.execute(context)
    assert seen["environment"] == {
        "RAW_BUCKET": "raw-b",
        "LAKE_BUCKET": "lake-b",
        "WAREHOUSE_JDBC_URL": "jdbc:postgresql://warehouse.internal:5432/fitbit",
        "WAREHOUSE_USER": "loader",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000",
        "FITBIT_USERS": "U1",
    }
    assert seen["private"] == {
        "WAREHOUSE_PASSWORD": WAREHOUSE_PASSWORD,
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
        "AWS_SESSION_TOKEN": AWS_TOKEN,
    }
    assert "private_environment" not in task.template_fields
    # The secrets never go back into a templated field.
    for field in task.template_fields:
        rendered = json.dumps(getattr(task, field), default=str)
        assert not any(secret in rendered for secret in SECRETS), field


def test_secrets_are_refused_in_the_step_env_variable(monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps({"WAREHOUSE_PASSWORD": "x"}))
    with pytest.raises(ValueError, match="must not hold secrets"):
        config.extra_step_env()


def test_redshift_connection_maps_to_the_contract_environment():
    from airflow.sdk import Connection

    conn = Connection(
        conn_id="fitbit_warehouse",
        conn_type="redshift",
        host="cluster.abc.eu-west-1.redshift.amazonaws.com",
        schema="dev",
        login="etl",
        extra=json.dumps({"iam_auth": True, "redshift_iam_role": "arn:aws:iam::1:role/copy"}),
    )
    public, secret = config.warehouse_env(conn)
    assert public == {
        "WAREHOUSE_JDBC_URL": "jdbc:redshift://cluster.abc.eu-west-1.redshift.amazonaws.com:5439/dev",
        "WAREHOUSE_USER": "etl",
        "WAREHOUSE_IAM_AUTH": "true",
        "REDSHIFT_IAM_ROLE": "arn:aws:iam::1:role/copy",
    }
    assert secret == {}


def test_task_mode_is_chosen_by_variable_then_environment(monkeypatch):
    assert config.task_mode() == "docker"
    monkeypatch.setenv("FITBIT_TASK_MODE", "local")
    assert config.task_mode() == "local"
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "docker")
    assert config.task_mode() == "docker"
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "kubernetes")
    with pytest.raises(ValueError):
        config.task_mode()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("week", "2026-W60"),
        ("week", "2026-47"),
        ("week", "W47"),
        ("from_date", "2026-13-01"),
        ("activities", ["steps", "sleep"]),
        ("activities", []),
        ("users", ["bad user;rm"]),
        ("dry_run", "yes"),
        ("shards", 0),
        ("shards", 1025),
        ("shards", "3"),
    ],
)
def test_params_reject_bad_values(dag, key, value):
    from airflow.sdk.exceptions import ParamValidationError

    params = copy.deepcopy(dag.params)
    with pytest.raises(ParamValidationError):
        params[key] = value
        params.validate()


def test_params_accept_good_values_and_defaults(dag):
    params = copy.deepcopy(dag.params)
    assert params.validate() == {
        "week": None,
        "from_date": None,
        "to_date": None,
        "activities": list(ACTIVITIES),
        "users": [],
        "shards": None,
        "dry_run": False,
    }
    params["week"] = "2026-W53"
    params["activities"] = ["heart_rate"]
    params["users"] = ["A1B2C3"]
    params["dry_run"] = True
    params.validate()


def test_window_rejects_contradicting_params():
    with pytest.raises(ValueError, match="not both"):
        config.window_args({"week": "2026-W01", "from_date": "2026-01-01"}, WEEK_START)
    with pytest.raises(ValueError, match="together"):
        config.window_args({"from_date": "2026-01-01"}, WEEK_START)
    with pytest.raises(ValueError, match="after"):
        config.window_args({"from_date": "2026-01-09", "to_date": "2026-01-01"}, WEEK_START)
    assert config.window_args({}, datetime(2027, 1, 4, tzinfo=UTC)) == "--week 2027-W01"
    assert config.window_args({}, datetime(2026, 12, 28, tzinfo=UTC)) == "--week 2026-W53"


def test_run_id_is_made_safe_for_the_step_cli():
    assert config.safe_run_id("manual__2026-11-24T10:11:12.123+00:00") == (
        "manual__2026-11-24T10:11:12.123+00:00"
    )
    assert config.safe_run_id("my run/1") == "my_run_1"
    assert len(config.safe_run_id("x" * 300)) == 200


def test_shards_fan_out_extract_and_transform_and_load_and_promote_take_them_all(dag, monkeypatch):
    assert config.shard_list({}) == ["1/1"]  # default: one shard, the unsharded commands
    assert config.shard_list({"shards": 3}) == ["1/3", "2/3", "3/3"]
    monkeypatch.setenv("FITBIT_SHARDS", "4")  # the Variable's environment fallback
    assert config.shard_list({}) == ["1/4", "2/4", "3/4", "4/4"]
    assert config.shard_list({"shards": 2}) == ["1/2", "2/2"], "the param wins"
    monkeypatch.setenv("FITBIT_SHARDS", "many")
    with pytest.raises(ValueError, match="whole number from 1 to 1024"):
        config.shard_list({})
    monkeypatch.delenv("FITBIT_SHARDS")

    load = dag.task_dict["steps.load"]
    render(load, {"shards": 3})
    assert load.command == f"--activity steps --week 2026-W48 --run-id {RUN_ID} --shards 3"
    promote = dag.task_dict["promote"]
    render(promote, {"activities": ["steps"], "shards": 3})
    assert promote.command == f"--activity steps --week 2026-W48 --run-id {RUN_ID} --shards 3"

    # A mapped instance appends its shard when it runs (both modes run that command line).
    transform = step_task(dag, "steps.transform", "2/3")
    render(transform, {"shards": 3})
    assert transform.shard == "2/3"
    assert f"{transform.command}{config.shard_arg(transform.shard)}" == (
        f"--activity steps --week 2026-W48 --run-id {RUN_ID} --shard 2/3"
    )
    assert config.shard_arg("1/1") == "" and config.shard_arg("3/11") == " --shard 3/11"
