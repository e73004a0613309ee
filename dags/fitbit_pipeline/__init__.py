"""Helpers for the fitbit_intraday_weekly DAG (kept out of DAG parsing by .airflowignore).

- ``config``: settings from Airflow Variables / environment, images, the step environment
  built from Airflow connections, the week window of a run.
- ``steps``: ``FitbitStepOperator``, a DockerOperator that can also run the step locally.
- ``alerts``: the notifier used for task failures and for the deadline (SLA) alert.
"""

ACTIVITIES = ("heart_rate", "calories", "steps", "distance", "floors", "elevation")
STEPS = ("extract", "transform", "load", "promote")
