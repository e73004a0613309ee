"""Running the DAG with dag.test() and reading back task states and XComs."""

from __future__ import annotations

from datetime import timedelta


def fast_retries(dag, delay: timedelta = timedelta(seconds=0)) -> None:
    """Keep the retry count but drop the waiting, so a retried run finishes quickly in a test."""
    for task in dag.tasks:
        task.retry_delay = delay
        task.retry_exponential_backoff = 0
        task.max_retry_delay = None


def _state(state) -> str:
    return str(getattr(state, "value", state))


def run_dag(dag, logical_date, run_conf: dict | None = None):
    """dag.test() for one logical date; returns (run state, {task_id: (state, try_number)}, run_id)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    # dag.test() of Airflow 3.3.2 cannot finish a run of a DAG that has a deadline: at the end it
    # looks the alerts up by id, but its in-memory copy of the DAG holds them unsaved (a dict,
    # "'dict' object has no attribute 'hex'"). The scheduler uses the saved DAG and is not affected.
    # The alert itself is still saved from the DAG file (see deadline_alert_rows).
    dag.deadline = None
    dr = dag.test(logical_date=logical_date, run_conf=run_conf or {})
    with create_session() as session:
        tis = session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == dag.dag_id, TaskInstance.run_id == dr.run_id)
        ).all()
        states = {ti.task_id: (_state(ti.state), ti.try_number) for ti in tis}
    return _state(dr.state), states, dr.run_id


def xcom(dag_id: str, run_id: str, task_id: str, key: str = "return_value"):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.scalars(
            XComModel.get_many(run_id=run_id, key=key, task_ids=task_id, dag_ids=dag_id)
        ).first()
        return None if row is None else XComModel.deserialize_value(row)


def rendered_fields(dag_id: str, run_id: str, task_id: str) -> dict:
    from airflow.models.renderedtifields import RenderedTaskInstanceFields as RTIF
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalars(
            select(RTIF).where(RTIF.dag_id == dag_id, RTIF.run_id == run_id, RTIF.task_id == task_id)
        ).first()
        return {} if row is None else dict(row.rendered_fields)


def deadline_alert_rows(dag_id: str) -> list[dict]:
    """Deadline alerts that the DAG-file sync saved for ``dag_id`` (reference, interval, callback)."""
    from airflow.models.deadline_alert import DeadlineAlert as DeadlineAlertModel
    from airflow.models.serialized_dag import SerializedDagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(
            select(DeadlineAlertModel)
            .join(SerializedDagModel, SerializedDagModel.id == DeadlineAlertModel.serialized_dag_id)
            .where(SerializedDagModel.dag_id == dag_id)
        ).all()
        return [{"reference": r.reference, "interval": r.interval, "callback": r.callback_def} for r in rows]
