"""Helpers of the Fitbit DAGs (kept out of DAG parsing by .airflowignore).

Two DAGs, one platform: ``fitbit_intraday_weekly`` (the batch pipeline: extract, transform,
load, promote, then the run report) and ``fitbit_lakehouse`` (the workout lakehouse: ingest,
silver, gold). Both run their steps with the same operator, settings, connections and alerts:

- ``config``: settings from Airflow Variables / environment, images, the step environment
  built from Airflow connections, the week window of a run, the lakehouse sources of a run.
- ``steps``: ``FitbitStepOperator``, a DockerOperator that can also run the step locally.
- ``alerts``: the notifier used for task failures and for the deadline (SLA) alerts.
"""

WEEKLY_DAG_ID = "fitbit_intraday_weekly"
LAKEHOUSE_DAG_ID = "fitbit_lakehouse"

ACTIVITIES = ("heart_rate", "calories", "steps", "distance", "floors", "elevation")
BATCH_STEPS = ("extract", "transform", "load", "promote")
# The weekly DAG's last task: the run report, written to the lake (reports/{run_id}/index.html).
REPORT_STEP = "report"

# The workout lakehouse: three Kafka topics and the CSV landing files feed bronze.
TOPICS = ("user_info", "workout", "bpm")
LAKEHOUSE_SOURCES = (*TOPICS, "landing")
LAKEHOUSE_STEPS = ("ingest", "silver", "gold")

STEPS = (*BATCH_STEPS, REPORT_STEP, *LAKEHOUSE_STEPS)
