"""Notifications of the Fitbit DAG: task failures and the deadline (SLA) alert.

``FitbitNotifier`` is an Airflow notifier. It builds one message (DAG, task, week, try number,
log URL) and hands it to the notifier chosen by the Variable ``fitbit_alert_notifier``
(environment FITBIT_ALERT_NOTIFIER), a JSON object:

    {"type": "smtp", "to": "ops@example.com", "conn_id": "smtp_default", "from_email": "..."}
    {"type": "slack", "conn_id": "slack_api_default", "channel": "#fitbit-alerts"}
    {"type": "slack_webhook", "conn_id": "slack_webhook_default"}
    {"type": "sns", "conn_id": "aws_default", "target_arn": "arn:aws:sns:...", "region_name": "..."}
    {"type": "log"}          (the default: the message is only written to the Airflow log)

Provider imports happen only when that notifier type is configured, so the DAG imports without
the Slack or Amazon providers installed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from airflow.sdk import BaseNotifier

from fitbit_pipeline import config

log = logging.getLogger(__name__)

NOTIFIER_TYPES = ("log", "smtp", "slack", "slack_webhook", "sns")


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


def _week(params: Any, data_interval_start: Any) -> str:
    try:
        return config.window_args(dict(params or {}), data_interval_start).replace("--", "").strip()
    except Exception as exc:  # a bad manual param must not hide the alert itself
        return f"unknown ({exc})"


def failure_message(context: Any) -> tuple[str, str]:
    """Subject and body for a failed task instance."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = _get(ti, "dag_id") or _get(context.get("dag"), "dag_id")
    task_id = _get(ti, "task_id")
    try_number = _get(ti, "try_number")
    max_tries = _get(context.get("task"), "retries")
    try:
        log_url = ti.log_url
    except Exception:
        log_url = f"{_base_url()}/dags/{dag_id}/runs/{context.get('run_id')}"
    week = _week(context.get("params"), context.get("data_interval_start"))
    exception = context.get("exception")
    subject = f"[Airflow] {dag_id}.{task_id} failed ({week})"
    body = "\n".join(
        [
            f"DAG: {dag_id}",
            f"Task: {task_id}",
            f"Run: {context.get('run_id')}",
            f"Week: {week}",
            f"Try number: {try_number} (retries: {max_tries})",
            f"Error: {exception!r}" if exception is not None else "Error: see the log",
            f"Log: {log_url}",
        ]
    )
    return subject, body


def deadline_message(context: Any) -> tuple[str, str]:
    """Subject and body for a missed deadline; context is the deadline's simple context."""
    dag_run = context.get("dag_run") or {}
    deadline = context.get("deadline") or {}
    dag_id = _get(dag_run, "dag_id")
    run_id = _get(dag_run, "dag_run_id") or _get(dag_run, "run_id")
    week = _week(_get(dag_run, "conf"), _parse_dt(_get(dag_run, "data_interval_start")))
    url = f"{_base_url()}/dags/{dag_id}/runs/{run_id}"
    subject = f"[Airflow] {dag_id} missed its deadline ({week})"
    body = "\n".join(
        [
            f"DAG: {dag_id}",
            f"Run: {run_id}",
            f"Week: {week}",
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


def build_notifier(cfg: dict[str, Any], subject: str, body: str) -> BaseNotifier | None:
    """The provider notifier for ``cfg`` (imported lazily); None for type ``log``."""
    kind = cfg.get("type", "log")
    if kind == "smtp":
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        html = "<pre>" + body.replace("&", "&amp;").replace("<", "&lt;") + "</pre>"
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
            text=f"*{subject}*\n{body}",
            channel=cfg.get("channel", "#general"),
        )
    if kind == "slack_webhook":
        from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier

        return SlackWebhookNotifier(
            slack_webhook_conn_id=cfg.get("conn_id", "slack_webhook_default"),
            text=f"*{subject}*\n{body}",
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


class FitbitNotifier(BaseNotifier):
    """Notifier for task failures (``event="failure"``) and missed deadlines (``"deadline"``).

    Used as ``on_failure_callback=FitbitNotifier()`` and, for the Deadline Alert, as
    ``AsyncCallback(FitbitNotifier, kwargs={"event": "deadline"})`` (the triggerer builds it
    with the deadline's context and awaits it).
    """

    def __init__(self, event: str = "failure", context: Any = None) -> None:
        super().__init__(context=context)
        if event not in ("failure", "deadline"):
            raise ValueError(f"event must be failure or deadline, not {event!r}")
        self.event = event

    def message(self, context: Any) -> tuple[str, str]:
        if self.event == "deadline":
            return deadline_message(context)
        return failure_message(context)

    def notify(self, context: Any) -> None:
        subject, body = self.message(context)
        log.error("%s\n%s", subject, body)
        notifier = build_notifier(notifier_config(), subject, body)
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
