"""The real servers of the end-to-end DAG tests: `<repo>/pipeline serve --env-file F` starts the
S3-API server, PostgreSQL and (unless --no-kafka) a Kafka broker, and writes the variables that
reach them to F. Shared by test_e2e_pipeline.py (weekly DAG) and test_e2e_lakehouse.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

from conftest import REPO

# The launcher; FITBIT_E2E_PIPELINE may name another one (e.g. one that never rebuilds).
PIPELINE = Path(os.environ.get("FITBIT_E2E_PIPELINE", REPO / "pipeline"))
SERVE_TIMEOUT_S = int(os.environ.get("FITBIT_E2E_SERVE_TIMEOUT", "600"))

# Variables that reach the steps through the Airflow connections, not through fitbit_step_env.
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


class Stack:
    """One `pipeline serve` process and the environment it wrote (``require``: keys to wait for)."""

    def __init__(
        self, workdir: Path, name: str, *serve_args: str, require: tuple[str, ...] = ("WAREHOUSE_JDBC_URL",)
    ) -> None:
        self.env_file = workdir / f"{name}.env"
        self.require = require
        # Each stack keeps its servers' data (and ports) apart: the launcher's state directory.
        self.base_env = {k: v for k, v in os.environ.items() if k not in CONNECTION_KEYS}
        self.base_env = {k: v for k, v in self.base_env.items() if not k.startswith("KAFKA_")}
        self.base_env["PIPELINE_STATE_DIR"] = str(workdir / f"{name}-state")
        self.log_path = workdir / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(PIPELINE), "serve", "--env-file", str(self.env_file), *serve_args],
            cwd=REPO,
            env=self.base_env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.week: str | None = None
        try:
            self.env = self._wait_for_env()
        except BaseException:
            self.stop()
            raise

    def _wait_for_env(self) -> dict[str, str]:
        deadline = time.monotonic() + SERVE_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"pipeline serve exited with {self.proc.returncode}:\n{self.log_path.read_text()[-4000:]}"
                )
            if self.env_file.is_file():
                text = self.env_file.read_text()
                if text.endswith("\n"):
                    env = {}
                    for line in text.splitlines():
                        if "=" in line and not line.lstrip().startswith("#"):
                            key, value = line.split("=", 1)
                            env[key.strip()] = value.strip()
                    missing = [k for k in self.require if not env.get(k)]
                    if not missing:
                        return env
                    raise RuntimeError(f"pipeline serve wrote {self.env_file} without {missing}:\n{text}")
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

    def s3_get(self, bucket: str, key: str) -> tuple[int, dict[str, str], bytes]:
        """GET one object from the stack's S3-API server (AWS Signature Version 4, path style):
        (status, headers with lower-case names, body)."""
        endpoint = self.env["AWS_ENDPOINT_URL_S3"].rstrip("/")
        region = self.env.get("AWS_REGION") or "us-east-1"
        path = f"/{bucket}/{quote(key, safe='/-_.~')}"
        now = dt.datetime.now(dt.UTC)
        amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        payload = hashlib.sha256(b"").hexdigest()
        headers = {"host": urlparse(endpoint).netloc, "x-amz-content-sha256": payload, "x-amz-date": amz_date}
        signed = ";".join(sorted(headers))
        canonical = "\n".join(
            ["GET", path, "", *(f"{k}:{headers[k]}" for k in sorted(headers)), "", signed, payload]
        )
        scope = f"{day}/{region}/s3/aws4_request"
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        key_bytes = ("AWS4" + self.env["AWS_SECRET_ACCESS_KEY"]).encode()
        for part in (day, region, "s3", "aws4_request"):
            key_bytes = hmac.new(key_bytes, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key_bytes, to_sign.encode(), hashlib.sha256).hexdigest()
        url = urlparse(endpoint)
        connection_class = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(url.netloc, timeout=30)
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "x-amz-content-sha256": payload,
                    "x-amz-date": amz_date,
                    "Authorization": f"AWS4-HMAC-SHA256 Credential={self.env['AWS_ACCESS_KEY_ID']}/{scope}, "
                    f"SignedHeaders={signed}, Signature={signature}",
                },
            )
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def diagnostics(self, chars: int = 3000) -> str:
        """The end of the serve log and of the PostgreSQL server log, for a failure message."""
        parts = []
        state = Path(self.base_env["PIPELINE_STATE_DIR"])
        for path in (self.log_path, state / "postgres" / "server.log"):
            if path.is_file():
                parts.append(f"--- {path} (serve {'running' if self.proc.poll() is None else 'exited'})")
                parts.append(path.read_text(errors="replace")[-chars:])
        return "\n".join(parts)

    def create_topics(self, partitions: dict[str, int]) -> None:
        """Creates the topics (name -> partitions) on the stack's broker and waits for them."""
        from confluent_kafka.admin import AdminClient, NewTopic

        admin = AdminClient({"bootstrap.servers": self.env["KAFKA_BOOTSTRAP_SERVERS"]})
        futures = admin.create_topics(
            [NewTopic(name, num_partitions=n, replication_factor=1) for name, n in partitions.items()]
        )
        for future in futures.values():
            future.result(timeout=60)
        del admin, futures  # no client left to reconnect while the broker stops

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()


def work_folder(prefix: str) -> Iterator[Path]:
    """A module's work folder for its stacks, removed afterwards. PostgreSQL runs as user
    postgres (we may be root), so the folder must be traversable by others, which pytest's private
    tmp_path is not."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def use_stack_in_airflow(env: dict[str, str], monkeypatch, step_env_keys=None) -> dict[str, str]:
    """Point the DAGs' connections and variables at a stack and run the steps locally.

    The warehouse and S3 settings become the connections fitbit_warehouse and fitbit_aws; the
    other variables of the stack (those in ``step_env_keys``, default all) become fitbit_step_env.
    The steps get them only through Airflow: they are removed from the test's environment.
    Returns what went into fitbit_step_env.
    """
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
    others = {
        k: v
        for k, v in env.items()
        if k not in CONNECTION_KEYS and (step_env_keys is None or k in step_env_keys)
    }
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_STEP_ENV", json.dumps(others))
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_TASK_MODE", "local")
    monkeypatch.setenv("AIRFLOW_VAR_FITBIT_REPO_ROOT", str(REPO))
    for key in CONNECTION_KEYS | set(env):  # the steps get these only through Airflow
        monkeypatch.delenv(key, raising=False)
    return others
