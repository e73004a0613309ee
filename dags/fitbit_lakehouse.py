"""Fitbit workout lakehouse, every 15 minutes.

Four ingest tasks run in parallel, each reading one input into bronze exactly once: the Kafka
topics user_info, workout and bpm (each up to its current end) and the CSV landing files
(registrations, gym logins). Then silver conforms the new bronze records (clean, deduplicated,
late records included) and gold recomputes the analytics rows they changed. See
docs/airflow.md and the table rules in the lakehouse contract.

Each step runs its container with the DockerOperator (Variable ``fitbit_task_mode`` = docker,
the default) or, on a machine without a Docker engine, the same command as a subprocess with
the built jars (``fitbit_task_mode`` = local), exactly like the weekly DAG.

Manual runs take one param, the sources to ingest; the other ingest tasks are skipped, and
silver and gold still run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import (
    DAG,
    AsyncCallback,
    CronTriggerTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    TriggerRule,
)

from fitbit_pipeline import LAKEHOUSE_SOURCES, TOPICS
from fitbit_pipeline.alerts import FitbitNotifier
from fitbit_pipeline.steps import RUN_ID, TEMPLATE_FILTERS, TEMPLATE_MACROS, FitbitStepOperator

DEADLINE_AFTER_QUEUED = timedelta(minutes=30)

default_args = {
    "owner": "data-engineering",
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": [FitbitNotifier()],
}

with DAG(
    dag_id="fitbit_lakehouse",
    description="Workout lakehouse: Kafka topics and CSV landing files -> bronze -> silver -> gold",
    schedule=CronTriggerTimetable("*/15 * * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    default_args=default_args,
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=DEADLINE_AFTER_QUEUED,
        callback=AsyncCallback(FitbitNotifier, kwargs={"event": "deadline"}),
    ),
    user_defined_macros=TEMPLATE_MACROS,
    user_defined_filters=TEMPLATE_FILTERS,
    params={
        "sources": Param(
            list(LAKEHOUSE_SOURCES),
            type="array",
            items={"type": "string", "enum": list(LAKEHOUSE_SOURCES)},
            minItems=1,
            uniqueItems=True,
            title="Sources",
            description="Kafka topics and/or the CSV landing files to ingest; the others are skipped. "
            "silver and gold always run.",
        ),
    },
    tags=["fitbit", "lakehouse"],
    doc_md=__doc__,
) as dag:
    ingests = [
        FitbitStepOperator(
            task_id=f"ingest_{topic}",
            step="ingest",
            source=topic,
            command=f"--topic {topic} {RUN_ID}",
        )
        for topic in TOPICS
    ]
    ingest_landing = FitbitStepOperator(
        task_id="ingest_landing",
        step="ingest",
        source="landing",
        command=f"--landing {RUN_ID}",
        execution_timeout=timedelta(minutes=15),
    )
    silver = FitbitStepOperator(
        task_id="silver",
        step="silver",
        command=RUN_ID,
        trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS,  # skipped sources yes, failed no
    )
    gold = FitbitStepOperator(
        task_id="gold",
        step="gold",
        command=RUN_ID,
        execution_timeout=timedelta(minutes=15),
    )

    [*ingests, ingest_landing] >> silver >> gold
