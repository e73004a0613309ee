"""Fitbit intraday pipeline, weekly.

Every Monday at 00:00 UTC the DAG processes the ISO week that has just ended (the run's data
interval is exactly that week, Monday 00:00 to the next Monday 00:00 UTC). For each activity a
task group runs extract >> transform >> load; the six groups run in parallel; when all have
loaded, promote moves the week from staging to the production tables and publish_stats writes
the run's statistics to the log and to XCom. The last task, report, writes the run report to the
lake (reports/{run_id}/index.html) whatever happened before it, as long as the run recorded
something; its location is in its XCom, in the task log, and in the notifications.

Each step runs its container with the DockerOperator (Variable ``fitbit_task_mode`` = docker,
the default) or, on a machine without a Docker engine, the same command as a subprocess with
the built jars (``fitbit_task_mode`` = local). See docs/airflow.md.

Manual runs take params: a week (or from/to dates), the activities, an optional user list, and
a dry-run flag. Groups of activities that are not selected are skipped; promote still runs.

Scale-out: the users are split into N shards (param ``shards``, else Variable ``fitbit_shards``,
else 1) by a stable hash of the user id. The first task, ``shards``, lists them ("1/N" ..
"N/N"); each group's extract and transform are mapped over that list (dynamic task mapping), so
N instances of each run in parallel on any workers; load then stages every shard of its activity
in one transaction (``--shards N``), and promote checks that every shard of every activity was
transformed before it moves anything. With N = 1 the commands are exactly the unsharded ones.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from airflow.providers.standard.operators.python import ShortCircuitOperator
from airflow.sdk import (
    DAG,
    AsyncCallback,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    TaskGroup,
    TriggerRule,
    task,
)

from fitbit_pipeline import ACTIVITIES, REPORT_STEP, config
from fitbit_pipeline.alerts import FitbitNotifier
from fitbit_pipeline.steps import RUN_ID, TEMPLATE_FILTERS, TEMPLATE_MACROS, FitbitStepOperator

WINDOW = "{{ fitbit_window(params, data_interval_start) }}"
DRY_RUN = "{{ ' --dry-run' if params.dry_run else '' }}"
SHARDS = "{{ fitbit_shards_args(params) }}"

DEADLINE_AFTER_QUEUED = timedelta(hours=6)


def is_selected(activity: str, params: dict) -> bool:
    """Short-circuit of a group: run it only when its activity was selected."""
    return activity in params["activities"]


default_args = {
    "owner": "data-engineering",
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": [FitbitNotifier()],
}

REPORT_TIMEOUT = timedelta(minutes=15)

with DAG(
    dag_id="fitbit_intraday_weekly",
    description="Weekly Fitbit intraday pipeline: extract, transform, load per activity, then promote",
    schedule=CronDataIntervalTimetable("0 0 * * 1", timezone="UTC"),
    start_date=datetime(2026, 1, 5),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=12),
    default_args=default_args,
    # The run's outcome with the report's link (the report task has run by then).
    on_success_callback=[FitbitNotifier(event="success")],
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=DEADLINE_AFTER_QUEUED,
        callback=AsyncCallback(FitbitNotifier, kwargs={"event": "deadline"}),
    ),
    user_defined_macros={
        **TEMPLATE_MACROS,
        "fitbit_window": config.window_args,
        "fitbit_activity_args": config.activity_args,
        "fitbit_shards_args": config.shards_args,
    },
    user_defined_filters=TEMPLATE_FILTERS,
    params={
        "week": Param(
            None,
            type=["null", "string"],
            pattern=r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$",
            title="ISO week",
            description="For example 2026-W47. Empty: the run's data interval (the week before).",
        ),
        "from_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="From date",
            description="First day (inclusive) instead of a week; needs To date.",
        ),
        "to_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="To date",
            description="Last day (inclusive) instead of a week; needs From date.",
        ),
        "activities": Param(
            list(ACTIVITIES),
            type="array",
            items={"type": "string", "enum": list(ACTIVITIES)},
            minItems=1,
            uniqueItems=True,
            title="Activities",
            description="The groups to run; the others are skipped.",
        ),
        "users": Param(
            [],
            type="array",
            items={"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            uniqueItems=True,
            title="Users",
            description="Only these Fitbit user ids (passed as FITBIT_USERS). Empty: all users.",
        ),
        "shards": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            maximum=config.MAX_SHARDS,
            title="User shards",
            description="Split the users into this many shards, extracted and transformed in parallel."
            " Empty: Variable fitbit_shards, else 1.",
        ),
        "dry_run": Param(
            False,
            type="boolean",
            title="Dry run",
            description="Extract only lists what it would process; transform, load, promote skip.",
        ),
    },
    tags=["fitbit", "weekly"],
    doc_md=__doc__,
) as dag:

    @task(execution_timeout=timedelta(minutes=5))
    def shards(params: dict | None = None) -> list[str]:
        """The run's user shards, "1/N" .. "N/N": what extract and transform are mapped over."""
        return config.shard_list(params or {})

    shard_list = shards()
    loads = []
    for activity in ACTIVITIES:
        with TaskGroup(group_id=activity) as group:
            selected = ShortCircuitOperator(
                task_id="selected",
                python_callable=is_selected,
                op_kwargs={"activity": activity},
                ignore_downstream_trigger_rules=False,  # skip this group only, not promote
                execution_timeout=timedelta(minutes=5),
            )
            # One task instance per shard (dynamic task mapping); one in all when unsharded.
            extract = FitbitStepOperator.partial(
                task_id="extract",
                step="extract",
                command=f"--activity {activity} {WINDOW} {RUN_ID}{DRY_RUN}",
            ).expand(shard=shard_list)
            transform = FitbitStepOperator.partial(
                task_id="transform",
                step="transform",
                command=f"--activity {activity} {WINDOW} {RUN_ID}",
            ).expand(shard=shard_list)
            load = FitbitStepOperator(
                task_id="load",
                step="load",
                command=f"--activity {activity} {WINDOW} {RUN_ID}{SHARDS}",
            )
            selected >> extract >> transform >> load
        loads.append(load)

    promote = FitbitStepOperator(
        task_id="promote",
        step="promote",
        command=f"{{{{ fitbit_activity_args(params) }}}} {WINDOW} {RUN_ID}{SHARDS}",
        trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS,  # skipped groups yes, failed no
        execution_timeout=timedelta(minutes=30),
    )

    @task(execution_timeout=timedelta(minutes=5))
    def publish_stats(stats_line: str | None) -> dict:
        """Write promote's statistics (its last stdout line) to the log and to XCom."""
        if not stats_line:
            raise ValueError("promote printed no statistics line")
        stats = json.loads(stats_line)
        logging.getLogger("airflow.task").info("Run statistics:\n%s", json.dumps(stats, indent=2))
        return stats

    # The run report, whatever happened before it: a run whose promote failed still has files,
    # rejects and per-activity status worth a page (production is unchanged, the page says which
    # step failed). A teardown task, so that it runs when all upstream tasks are done (trigger
    # rule all_done_setup_success, which without setup tasks is all_done) and does not decide
    # the run's state: a failed promote still fails the run, a failed report does not. It exits
    # 4 and is skipped when nothing of the run is recorded; in a dry run it is skipped.
    report = FitbitStepOperator(
        task_id=REPORT_STEP,
        step=REPORT_STEP,
        command=f"{WINDOW} {RUN_ID}",
        execution_timeout=REPORT_TIMEOUT,
    )

    loads >> promote
    publish_stats(promote.output) >> report.as_teardown()
