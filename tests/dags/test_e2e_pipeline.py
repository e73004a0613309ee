"""End to end: the DAG in local mode with dag.test() against the real steps, S3 server and PostgreSQL.

`<repo>/pipeline serve --env-file F` starts the S3-API server and PostgreSQL; `pipeline seed`
uploads the sample week; the DAG runs that week with the built jars; the production tables are
then compared with those of a plain `pipeline run` of the same week on a second, fresh warehouse.
A second DAG run of the same week, whose steps.load fails once after it has loaded, must be
retried and leave the tables exactly as before (idempotent steps, no duplicate rows).

Skipped only while the jars are not built and FITBIT_E2E is not 1 (the top-level test command
builds them and sets FITBIT_E2E=1, and then these tests must run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import DAG_ID, REPO, load_dag
from dagrun_helpers import fast_retries, rendered_fields, run_dag, xcom
from fitbit_pipeline import ACTIVITIES

# The launcher; FITBIT_E2E_PIPELINE may name another one (e.g. one that never rebuilds).
PIPELINE = Path(os.environ.get("FITBIT_E2E_PIPELINE", REPO / "pipeline"))
SAMPLE_WEEK = "2026-W47"
SERVE_TIMEOUT_S = int(os.environ.get("FITBIT_E2E_SERVE_TIMEOUT", "600"))
META_COLUMN = re.compile(r"(run_id|_at$|loaded|ingest|batch|_ts$|updated|created|source_file|file_key)")
CONNECTION_KEYS = {
    "WAREHOUSE_JDBC_URL",
    "WAREHOUSE_USER",
    "WAREHOUSE_PASSWORD",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_S3",
}


def _jars_built() -> bool:
    target = REPO / "tasks" / "pipeline" / "target"
    return target.is_dir() and any(target.rglob("*.jar"))


if os.environ.get("FITBIT_E2E") != "1" and not _jars_built():
    pytest.skip(
        "end-to-end DAG tests need the built pipeline (tasks/pipeline/target has no jar) "
        "and FITBIT_E2E is not 1; build with ./pipeline or run the top-level test command",
        allow_module_level=True,
    )


# --------------------------------------------------------------------------------------------
class Stack:
    """One `pipeline serve` process (S3-API server + PostgreSQL) and the environment it wrote."""

    def __init__(self, workdir: Path, name: str) -> None:
        self.env_file = workdir / f"{name}.env"
        # Each stack keeps its servers' data (and ports) apart: the launcher's state directory.
        self.base_env = {k: v for k, v in os.environ.items() if k not in CONNECTION_KEYS}
        self.base_env["PIPELINE_STATE_DIR"] = str(workdir / f"{name}-state")
        self.log = open(workdir / f"{name}.log", "w")
        self.proc = subprocess.Popen(
            [str(PIPELINE), "serve", "--env-file", str(self.env_file)],
            cwd=REPO,
            env=self.base_env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.week: str | None = None
        try:
            self.env = self._wait_for_env(workdir / f"{name}.log")
        except BaseException:
            self.stop()
            raise

    def _wait_for_env(self, log: Path) -> dict[str, str]:
        deadline = time.monotonic() + SERVE_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"pipeline serve exited with {self.proc.returncode}:\n{log.read_text()[-4000:]}"
                )
            if self.env_file.is_file():
                text = self.env_file.read_text()
                if "WAREHOUSE_JDBC_URL=" in text and text.endswith("\n"):
                    env = {}
                    for line in text.splitlines():
                        if "=" in line and not line.lstrip().startswith("#"):
                            key, value = line.split("=", 1)
                            env[key.strip()] = value.strip()
                    return env
            time.sleep(0.5)
        raise TimeoutError(f"pipeline serve wrote no {self.env_file} in {SERVE_TIMEOUT_S}s")

    def run(self, *args: str, timeout: int = 900, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(PIPELINE), *args],
            cwd=REPO,
            env={**self.base_env, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert not check or result.returncode == 0, (
            f"pipeline {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
        return result

    def dsn(self) -> dict[str, str]:
        """libpq connection parameters from WAREHOUSE_JDBC_URL (+ user and password)."""
        url = urlparse(self.env["WAREHOUSE_JDBC_URL"].removeprefix("jdbc:"))
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        params = {
            "host": url.hostname or "127.0.0.1",
            "port": str(url.port or 5432),
            "dbname": url.path.lstrip("/") or "postgres",
            "user": self.env.get("WAREHOUSE_USER") or query.get("user", ""),
            "password": self.env.get("WAREHOUSE_PASSWORD") or query.get("password", ""),
        }
        if "sslmode" in query:
            params["sslmode"] = query["sslmode"]
        return params

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()


def seeded_week(stack: Stack) -> str:
    """Seed the sample week (FITBIT_E2E_WEEK, default the launcher's sample week 2026-W47)."""
    week = os.environ.get("FITBIT_E2E_WEEK", SAMPLE_WEEK)
    result = stack.run("seed", "--week", week, check=False)
    if result.returncode == 2:  # a seed without --week: the contract's deterministic sample week
        result = stack.run("seed")
        found = re.search(r"\b(\d{4}-W\d{2})\b", result.stdout + result.stderr)
        week = found.group(1) if found else week
    assert result.returncode == 0, f"pipeline seed failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return week


def monday_after(week: str) -> dt.datetime:
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1) + dt.timedelta(days=7)
    return dt.datetime(monday.year, monday.month, monday.day, tzinfo=dt.UTC)


def snapshot(stack: Stack) -> dict[str, tuple[int, str, int]]:
    """{table: (rows, checksum of the data columns, duplicate keys)} of schema fitbit."""
    import psycopg

    out = {}
    with psycopg.connect(**stack.dsn()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'fitbit' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        for (table,) in cur.fetchall():
            cur.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'fitbit' AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
            columns = [c for (c,) in cur.fetchall() if not META_COLUMN.search(c)]
            cols = ", ".join(f'"{c}"' for c in columns)
            cur.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary",
                (f'fitbit."{table}"',),
            )
            key = [c for (c,) in cur.fetchall()] or columns  # the primary key, else the whole row
            key_cols = ", ".join(f'"{c}"' for c in key)
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(r, '|' ORDER BY r), '')) "
                f'FROM (SELECT ROW({cols})::text AS r FROM fitbit."{table}") t'
            )
            rows, checksum = cur.fetchone()
            cur.execute(
                f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {key_cols} "
                f'FROM fitbit."{table}") d) FROM fitbit."{table}"'
            )
            (duplicates,) = cur.fetchone()
            out[table] = (rows, checksum, duplicates)
    return out


# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir():
    """Work folder of the stacks. PostgreSQL runs as user postgres (we may be root), so the
    folder must be traversable by others, which pytest's private tmp_path is not."""
    path = Path(tempfile.mkdtemp(prefix="fitbit-airflow-e2e-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def reference(workdir):
    """A plain `pipeline run` of the seeded week on its own fresh stack."""
    stack = Stack(workdir, "reference")
    try:
        week = seeded_week(stack)
        stack.run("run", "--week", week, "--run-id", "e2e-reference")
        yield week, snapshot(stack)
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def stack(workdir):
    """The stack the DAG runs against, seeded with the sample week (stack.week)."""
    stack = Stack(workdir, "airflow")
    try:
        stack.week = seeded_week(stack)
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def airflow_local_mode(airflow_db, stack, monkeypatch):
    """Connections and variables of the DAG pointing at the stack; steps run locally."""
    env = stack.env
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_WAREHOUSE",
        json.dumps(
            {
                "conn_type": "postgres",
                "login": env.get("WAREHOUSE_USER"),
                "password": env.get("WAREHOUSE_PASSWORD"),
                "extra": {"jdbc_url": env["WAREHOUSE_JDBC_URL"]},
            }
        ),
    )
    aws_extra = {
        k: v
        for k, v in (("region_name", env.get("AWS_REGION")), ("endpoint_url", env.get("AWS_ENDPOINT_URL_S3")))
        if v
    }
    if env.get("AWS_SESSION_TOKEN"):
        aws_extra["aws_session_token"] = env["AWS_SESSION_TOKEN"]
    monkeypatch.setenv(
        "AIRFLOW_CONN_FITBIT_AWS",
        json.dumps(
            {
                "conn_type": "aws",
                "login": env.get("AWS_ACCESS_KEY_ID"),
                "password": env.get("AWS_SECRET_ACCESS_KEY"),
                "extra": aws_extra,
            }
        ),
    )
    others = {k: v for k, v in env.items() if k not in CONNECTION_KEYS}
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps(others))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "local")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_REPO_ROOT", str(REPO))
    for key in CONNECTION_KEYS | set(others):  # the steps get these only through Airflow
        monkeypatch.delenv(key, raising=False)
    return env


def _check_tables(tables: dict, expected: dict) -> None:
    for activity in ACTIVITIES:
        assert tables.get(f"{activity}_intraday", (0,))[0] > 0, f"fitbit.{activity}_intraday is empty"
    assert {t: d for t, (_, _, d) in tables.items() if d} == {}, "duplicate keys"
    assert tables == expected


def test_dag_run_loads_the_same_tables_as_pipeline_run(reference, stack, airflow_local_mode):
    week, expected = reference
    assert stack.week == week

    dag = load_dag()
    state, tis, run_id = run_dag(dag, monday_after(week) + dt.timedelta(seconds=1))
    assert state == "success", tis
    assert {t: s for t, (s, _) in tis.items()} == {t: "success" for t in dag.task_dict}

    _check_tables(snapshot(stack), expected)

    stats = xcom(DAG_ID, run_id, "publish_stats")
    assert isinstance(stats, dict) and stats.get("run_id") == run_id, stats
    assert set(stats.get("activities", {})) == set(ACTIVITIES), stats
    password = airflow_local_mode.get("WAREHOUSE_PASSWORD")
    if password:
        for task_id in ("steps.extract", "steps.load", "promote"):
            assert password not in json.dumps(rendered_fields(DAG_ID, run_id, task_id))


def test_a_load_that_fails_once_after_loading_is_retried_without_duplicates(
    reference, stack, airflow_local_mode, workdir, monkeypatch
):
    week, expected = reference
    marker = workdir / "load-steps-failed-once"
    wrapper = workdir / "flaky-pipeline.sh"
    wrapper.write_text(
        f"""#!/usr/bin/env bash
# LAUNCHER STEP ARGS: run the real step; the first `load --activity steps` then reports a failure.
step=$1; shift
jar={REPO}/tasks/$step/target/quarkus-app/quarkus-run.jar
if [ -f "$jar" ]; then java -jar "$jar" "$@"; else {PIPELINE} "$step" "$@"; fi
rc=$?
if [ $rc -eq 0 ] && [ "$step" = load ] && [[ " $* " == *" --activity steps "* ]] && [ ! -e {marker} ]; then
    touch {marker}
    echo "ERROR: injected failure after a successful load" >&2
    exit 3
fi
exit $rc
"""
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_LOCAL_LAUNCHER", str(wrapper))

    dag = load_dag()
    fast_retries(dag)
    # The same week again (a rerun), one minute later as logical date; the steps group only,
    # to keep the test short (the other groups are skipped, promote runs for steps).
    state, tis, _ = run_dag(dag, monday_after(week) + dt.timedelta(minutes=1), {"activities": ["steps"]})
    assert marker.exists(), "the failure was not injected"
    assert state == "success", tis
    assert tis["steps.load"] == ("success", 2)
    assert tis["promote"][0] == "success" and tis["calories.load"][0] == "skipped"
    _check_tables(snapshot(stack), expected)
