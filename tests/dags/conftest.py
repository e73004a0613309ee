"""Shared set-up of the DAG tests: a throw-away AIRFLOW_HOME with a SQLite metadata database.

The environment is set when this file is imported, before any test module imports Airflow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
DAG_ID = "fitbit_intraday_weekly"
LAKEHOUSE_DAG_ID = "fitbit_lakehouse"

_HOME = Path(tempfile.mkdtemp(prefix="fitbit-airflow-home-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME}/airflow.db",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
    }
)
# Settings of the DAG that a developer's shell may carry must not leak into the tests.
_DAG_SETTINGS = ("FITBIT_", "AIRFLOW_VAR_FITBIT", "AIRFLOW_CONN_FITBIT")
for _name in list(os.environ):
    if _name.startswith(_DAG_SETTINGS) and not _name.startswith("FITBIT_E2E"):
        del os.environ[_name]
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Migrate the SQLite metadata database once per session (dag.test needs it)."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, text=True)
    return _HOME


def load_dag(dag_id: str = DAG_ID):
    """Parse dags/ like the DAG processor and return one DAG (fresh objects each call)."""
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags[dag_id]


@pytest.fixture
def dag():
    return load_dag()


@pytest.fixture
def lakehouse_dag():
    return load_dag(LAKEHOUSE_DAG_ID)
