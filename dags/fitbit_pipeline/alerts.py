"""Notifications of the Fitbit DAGs: task failures, the deadline (SLA) alerts, and the weekly
run's success.

``FitbitNotifier`` is an Airflow notifier, shared by both DAGs. It builds one message (DAG, task,
the run's scope: the week of a weekly run or the sources of a lakehouse run, try number, log URL;
for the weekly DAG also the run report in the lake, see below) and hands it to the notifier chosen
by the Variable ``fitbit_alert_notifier`` (environment FITBIT_ALERT_NOTIFIER), a JSON object:

    {"type": "smtp", "to": "ops@example.com", "conn_id": "smtp_default", "from_email": "..."}
    {"type": "slack", "conn_id": "slack_api_default", "channel": "#fitbit-alerts"}
    {"type": "slack_webhook", "conn_id": "slack_webhook_default"}
    {"type": "sns", "conn_id": "aws_default", "target_arn": "arn:aws:sns:...", "region_name": "..."}
    {"type": "log"}          (the default: the message is only written to the Airflow log)

Optional keys for every type: ``"success": false`` (no message when a weekly run succeeds) and
``"report_url"``, a template of the report's link with {bucket}, {key}, {uri} and {region} (e.g.
a CloudFront or intranet address); the default link is the AWS console's page of the object, or
{endpoint}/{bucket}/{key} with an S3-API endpoint (AWS_ENDPOINT_URL_S3).

The weekly DAG's last task, ``report``, writes the run report to
s3://LAKE_BUCKET/reports/{run_id}/index.html. A failure message of the weekly DAG names that
location (the report is written when the run ends, so it is there by the time anyone looks); the
success message names the one the report task wrote (its XCom). SMTP (an HTML link) and Slack (a
mrkdwn link) make it a link; log and SNS carry it as text.

Provider imports happen only when that notifier type is configured, so the DAG imports without
the Slack or Amazon providers installed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import quote

from airflow.sdk import BaseNotifier

from fitbit_pipeline import LAKEHOUSE_DAG_ID, REPORT_STEP, WEEKLY_DAG_ID, config

log = logging.getLogger(__name__)

NOTIFIER_TYPES = ("log", "smtp", "slack", "slack_webhook", "sns")
EVENTS = ("failure", "deadline", "success")


def notifier_config() -> dict[str, Any]:
    raw = config.setting("fitbit_alert_notifier")
    if not raw:
        return {"type": "log"}
    cfg = json.loads(raw) if isinstance(raw, str) else dict(raw)
    if cfg.get("type", "log") not in NOTIFIER_TYPES:
        raise ValueError(f"fitbit_alert_notifier type must be one of {NOTIFIER_TYPES}: {cfg!r}")
    return cfg


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _base_url() -> str:
    try:
        from airflow.configuration import conf

        return conf.get("api", "base_url", fallback="http://localhost:8080").rstrip("/")
    except Exception:
        return "http://localhost:8080"


def run_scope(dag_id: str | None, params: Any, data_interval_start: Any) -> str:
    """What the run processes: ``week 2026-W48`` (weekly) or ``sources user_info, bpm`` (lakehouse)."""
    try:
        if dag_id == LAKEHOUSE_DAG_ID:
            return "sources " + ", ".join(config.selected_sources(dict(params or {})))
        return config.window_args(dict(params or {}), data_interval_start).replace("--", "").strip()
    except Exception as exc:  # a bad manual param must not hide the alert itself
        return f"unknown ({exc})"


def _report_env() -> dict[str, str]:
    """The report step's public environment (LAKE_BUCKET, AWS_REGION, AWS_ENDPOINT_URL_S3)."""
    try:
        return config.step_environment(REPORT_STEP)[0]
    except Exception as exc:  # a broken setting must not cost the alert
        log.warning("no step environment for the report link: %s", exc)
        return {}


def report_link(uri: str, cfg: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> str:
    """A link a person can open for the report at ``uri`` (s3://bucket/key)."""
    cfg = cfg or {}
    env = _report_env() if env is None else env
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    region = env.get("AWS_REGION") or "us-east-1"
    if cfg.get("report_url"):
        return str(cfg["report_url"]).format(bucket=bucket, key=key, uri=uri, region=region)
    endpoint = env.get("AWS_ENDPOINT_URL_S3")
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}/{quote(key)}"
    return (
        f"https://s3.console.aws.amazon.com/s3/object/{bucket}?region={region}&prefix={quote(key, safe='')}"
    )


def planned_report(run_id: str | None, env: dict[str, str] | None = None) -> str | None:
    """Where the weekly run ``run_id``'s report task writes the report (s3://...)."""
    if not run_id:
        return None
    env = _report_env() if env is None else env
    return f"s3://{env.get('LAKE_BUCKET') or 'fitbit-lake'}/{config.report_key(run_id)}"


def _xcom_from_metadata_db(dag_id: str | None, run_id: str | None) -> Any:
    """The report task's XCom read from the metadata database, where a process has no Task SDK
    channel but the database (``dag.test()`` runs the DAG's callbacks so)."""
    try:
        from airflow.models.xcom import XComModel
        from airflow.utils.session import create_session

        with create_session() as session:
            row = session.scalars(
                XComModel.get_many(run_id=run_id, key="return_value", task_ids=REPORT_STEP, dag_ids=dag_id)
            ).first()
            return None if row is None else XComModel.deserialize_value(row)
    except Exception as exc:
        raise LookupError(str(exc)) from exc


def written_report(context: Any) -> str | None:
    """The location in the report task's XCom (its last stdout line), or None when it wrote none;
    LookupError when the XCom cannot be read in this process."""
    ti = context.get("ti") or context.get("task_instance")
    try:
        value = ti.xcom_pull(task_ids=REPORT_STEP)
    except Exception as exc:
        dag_id = _get(context.get("dag_run"), "dag_id") or _get(context.get("dag"), "dag_id")
        run_id = context.get("run_id") or _get(context.get("dag_run"), "run_id")
        try:
            value = _xcom_from_metadata_db(dag_id, run_id)
        except LookupError as db_exc:
            log.info("the report task's XCom cannot be read here (%s; %s)", exc, db_exc)
            raise
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value.get("report") if isinstance(value, dict) else None


def _report_lines(uri: str | None, note: str, cfg: dict[str, Any], env: dict[str, str]) -> list[str]:
    if not uri:
        return [f"Report: {note}"]
    link = report_link(uri, cfg, env)
    return [f"Report: {uri}" + (f" ({note})" if note else ""), f"Report link: {link}"]


def failure_message(context: Any, cfg: dict[str, Any] | None = None) -> tuple[str, str]:
    """Subject and body for a failed task instance (weekly DAG: with the run report's location)."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = _get(ti, "dag_id") or _get(context.get("dag"), "dag_id")
    task_id = _get(ti, "task_id")
    try_number = _get(ti, "try_number")
    max_tries = _get(context.get("task"), "retries")
    try:
        log_url = ti.log_url
    except Exception:
        log_url = f"{_base_url()}/dags/{dag_id}/runs/{context.get('run_id')}"
    scope = run_scope(dag_id, context.get("params"), context.get("data_interval_start"))
    exception = context.get("exception")
    subject = f"[Airflow] {dag_id}.{task_id} failed ({scope})"
    body = "\n".join(
        [
            f"DAG: {dag_id}",
            f"Task: {task_id}",
            f"Run: {context.get('run_id')}",
            f"Scope: {scope}",
            f"Try number: {try_number} (retries: {max_tries})",
            f"Error: {exception!r}" if exception is not None else "Error: see the log",
            f"Log: {log_url}",
        ]
    )
    if dag_id == WEEKLY_DAG_ID:
        if task_id == REPORT_STEP:
            body += "\nReport: not written (this task writes it)"
        else:
            env = _report_env()
            uri = planned_report(context.get("run_id"), env)
            body += "\n" + "\n".join(
                _report_lines(uri, "written by the report task when the run ends", cfg or {}, env)
            )
    return subject, body


def success_message(context: Any, cfg: dict[str, Any] | None = None) -> tuple[str, str]:
    """Subject and body for a weekly run that succeeded (the DAG's success callback)."""
    dag_run = context.get("dag_run")
    dag_id = _get(dag_run, "dag_id") or _get(context.get("dag"), "dag_id")
    run_id = context.get("run_id") or _get(dag_run, "run_id")
    scope = run_scope(dag_id, context.get("params"), context.get("data_interval_start"))
    env = _report_env()
    try:
        uri, note = (
            written_report(context),
            "none (the report task was skipped: a dry run, or nothing of the run recorded)",
        )
    except LookupError:  # no XCom access in this process: where the report task writes it
        uri, note = planned_report(run_id, env), ""
    subject = f"[Airflow] {dag_id} succeeded ({scope})"
    body = "\n".join(
        [
            f"DAG: {dag_id}",
            f"Run: {run_id}",
            f"Scope: {scope}",
            *_report_lines(uri, note if not uri else "", cfg or {}, env),
            f"Log: {_base_url()}/dags/{dag_id}/runs/{run_id}",
        ]
    )
    return subject, body


def deadline_message(context: Any) -> tuple[str, str]:
    """Subject and body for a missed deadline; context is the deadline's simple context."""
    dag_run = context.get("dag_run") or {}
    deadline = context.get("deadline") or {}
    dag_id = _get(dag_run, "dag_id")
    run_id = _get(dag_run, "dag_run_id") or _get(dag_run, "run_id")
    scope = run_scope(dag_id, _get(dag_run, "conf"), _parse_dt(_get(dag_run, "data_interval_start")))
    url = f"{_base_url()}/dags/{dag_id}/runs/{run_id}"
    subject = f"[Airflow] {dag_id} missed its deadline ({scope})"
    body = "\n".join(
        [
            f"DAG: {dag_id}",
            f"Run: {run_id}",
            f"Scope: {scope}",
            f"Queued at: {_get(dag_run, 'queued_at')}",
            f"Deadline: {_get(deadline, 'deadline_time')}",
            f"State: {_get(dag_run, 'state')}",
            f"Log: {url}",
        ]
    )
    return subject, body


def _parse_dt(value: Any):
    if value is None or not isinstance(value, str):
        return value
    import datetime as dt

    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _link_in(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("Report link: "):
            return line.removeprefix("Report link: ").strip()
    return None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def build_notifier(cfg: dict[str, Any], subject: str, body: str) -> BaseNotifier | None:
    """The provider notifier for ``cfg`` (imported lazily); None for type ``log``. The body's
    ``Report link:`` line becomes a link where the notifier has links (SMTP, Slack)."""
    kind = cfg.get("type", "log")
    link = _link_in(body)
    if kind == "smtp":
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        html = "<pre>" + _html(body) + "</pre>"
        if link:
            html += f'<p><a href="{_html(link)}">Open the run report</a></p>'

        return SmtpNotifier(
            to=cfg["to"],
            from_email=cfg.get("from_email"),
            subject=subject,
            html_content=html,
            smtp_conn_id=cfg.get("conn_id", "smtp_default"),
        )
    if kind == "slack":
        from airflow.providers.slack.notifications.slack import SlackNotifier

        return SlackNotifier(
            slack_conn_id=cfg.get("conn_id", "slack_api_default"),
            text=_slack_text(subject, body, link),
            channel=cfg.get("channel", "#general"),
        )
    if kind == "slack_webhook":
        from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier

        return SlackWebhookNotifier(
            slack_webhook_conn_id=cfg.get("conn_id", "slack_webhook_default"),
            text=_slack_text(subject, body, link),
        )
    if kind == "sns":
        from airflow.providers.amazon.aws.notifications.sns import SnsNotifier

        kwargs = {"region_name": cfg["region_name"]} if cfg.get("region_name") else {}
        return SnsNotifier(
            aws_conn_id=cfg.get("conn_id", "aws_default"),
            target_arn=cfg["target_arn"],
            message=body,
            subject=subject[:100],
            **kwargs,
        )
    return None


def _slack_text(subject: str, body: str, link: str | None) -> str:
    text = f"*{subject}*\n{body}"
    return text + f"\n<{link}|Open the run report>" if link else text


class FitbitNotifier(BaseNotifier):
    """Notifier for task failures (``event="failure"``), missed deadlines (``"deadline"``) and
    the weekly run's success (``"success"``).

    Used as ``on_failure_callback=FitbitNotifier()``, as the weekly DAG's
    ``on_success_callback=FitbitNotifier(event="success")`` and, for the Deadline Alert, as
    ``AsyncCallback(FitbitNotifier, kwargs={"event": "deadline"})`` (the triggerer builds it
    with the deadline's context and awaits it).
    """

    def __init__(self, event: str = "failure", context: Any = None) -> None:
        super().__init__(context=context)
        if event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}, not {event!r}")
        self.event = event

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        """Nothing to render: the message is built from the context. (The base class would still
        ask the context's DAG for a Jinja environment, which the serialized DAG that ``dag.test()``
        hands to the DAG's own callbacks does not have.)"""
        if self.template_fields:
            super().render_template_fields(context, jinja_env)

    def message(self, context: Any, cfg: dict[str, Any] | None = None) -> tuple[str, str]:
        if self.event == "deadline":
            return deadline_message(context)
        if self.event == "success":
            return success_message(context, cfg)
        return failure_message(context, cfg)

    def notify(self, context: Any) -> None:
        cfg = notifier_config()
        if self.event == "success" and cfg.get("success", True) is False:
            return
        subject, body = self.message(context, cfg)
        (log.info if self.event == "success" else log.error)("%s\n%s", subject, body)
        notifier = build_notifier(cfg, subject, body)
        if notifier is not None:
            notifier.notify(context)

    async def async_notify(self, context: Any) -> None:
        subject, body = self.message(context)
        log.error("%s\n%s", subject, body)
        cfg = await asyncio.to_thread(notifier_config)
        notifier = build_notifier(cfg, subject, body)
        if notifier is None:
            return
        try:
            await notifier.async_notify(context)
        except NotImplementedError:
            await asyncio.to_thread(notifier.notify, context)
