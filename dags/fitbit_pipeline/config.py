"""Settings of the Fitbit DAGs: Airflow Variables (falling back to environment variables),
images from images/release.json, the step environment from Airflow connections and variables,
the week window of a weekly run and the sources of a lakehouse run.

Nothing here reads Variables or connections at import time: the functions are called while a
task runs (or while its templates render), never while the DAG file is parsed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from fitbit_pipeline import ACTIVITIES, LAKEHOUSE_SOURCES, STEPS

WAREHOUSE_CONN_ID = "fitbit_warehouse"
AWS_CONN_ID = "fitbit_aws"
KAFKA_CONN_ID = "fitbit_kafka"

# Variable name -> environment variable used when the Variable does not exist.
SETTINGS = {
    "fitbit_task_mode": "FITBIT_TASK_MODE",  # docker (default) | local
    "fitbit_image_registry": "FITBIT_IMAGE_REGISTRY",  # overrides release.json "registry"
    "fitbit_image_tag": "FITBIT_IMAGE_TAG",  # overrides release.json "tag"
    "fitbit_repo_root": "FITBIT_REPO_ROOT",  # local mode: repository with the built jars
    "fitbit_local_launcher": "FITBIT_LOCAL_LAUNCHER",  # local mode: command run as LAUNCHER STEP ARGS
    "fitbit_docker_network": "FITBIT_DOCKER_NETWORK",  # docker mode: network of the step containers
    "fitbit_pipeline_env": "FITBIT_PIPELINE_ENV",  # JSON step environment (Terraform output)
    "fitbit_step_env": "FITBIT_STEP_ENV",  # JSON object of extra non-secret step environment
    "fitbit_alert_notifier": "FITBIT_ALERT_NOTIFIER",  # JSON, see alerts.py
    "fitbit_shards": "FITBIT_SHARDS",  # weekly DAG: user shards per activity (default 1)
}

# The steps' limit (Shard.MAX_COUNT in tasks/core).
MAX_SHARDS = 1024

TASK_MODES = ("docker", "local")

# Environment variables that carry secrets: only ever passed through private_environment
# (docker) or the subprocess environment (local), never through a templated field.
SECRET_ENV = frozenset(
    {
        "WAREHOUSE_PASSWORD",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "KAFKA_SASL_PASSWORD",
    }
)

# Connection -> the steps that get its environment. Only ingest talks to Kafka: the other steps
# never see the Kafka login (topic names and the group are plain variables, for every step).
STEP_CONNECTIONS = {
    WAREHOUSE_CONN_ID: STEPS,
    AWS_CONN_ID: STEPS,
    KAFKA_CONN_ID: ("ingest",),
}

KAFKA_AUTH_MODES = ("none", "msk-iam")

DEFAULT_RELEASE = {
    "registry": "",
    "tag": "latest",
    "images": {step: f"fitbit-{step}" for step in STEPS},
}

RUN_ID_RE = re.compile(r"[^A-Za-z0-9_.:+-]")
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def dags_folder() -> Path:
    return Path(__file__).resolve().parent.parent


def setting(name: str, default: str | None = None) -> str | None:
    """Airflow Variable ``name``, else environment variable SETTINGS[name], else ``default``."""
    from airflow.sdk import Variable

    fallback = os.environ.get(SETTINGS[name], default)
    try:
        value = Variable.get(name, default=fallback)
    except Exception:  # no Airflow context at all (e.g. a plain unit test): environment only
        value = fallback
    if isinstance(value, str):
        value = value.strip()
    return value or default


def task_mode() -> str:
    mode = (setting("fitbit_task_mode", "docker") or "docker").lower()
    if mode not in TASK_MODES:
        raise ValueError(f"fitbit_task_mode must be one of {TASK_MODES}, not {mode!r}")
    return mode


def repo_root() -> Path:
    return Path(setting("fitbit_repo_root") or dags_folder().parent).resolve()


# ---------------------------------------------------------------------------------------------
# Images


@functools.lru_cache(maxsize=4)
def _read_release(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    merged = dict(DEFAULT_RELEASE)
    merged.update({k: v for k, v in data.items() if k != "images"})
    merged["images"] = {**DEFAULT_RELEASE["images"], **(data.get("images") or {})}
    return merged


def release_file() -> Path:
    """images/release.json of the repository (FITBIT_RELEASE_JSON overrides the path)."""
    override = os.environ.get("FITBIT_RELEASE_JSON")
    if override:
        return Path(override)
    for base in (dags_folder().parent, dags_folder()):
        candidate = base / "images" / "release.json"
        if candidate.is_file():
            return candidate
    return dags_folder().parent / "images" / "release.json"


def release() -> dict[str, Any]:
    path = release_file()
    if not path.is_file():
        return DEFAULT_RELEASE
    return _read_release(str(path), path.stat().st_mtime)


def image_name(step: str, registry: str | None = None, tag: str | None = None) -> str:
    """Full image name {registry}/{image}:{tag}; registry and tag default to release.json."""
    rel = release()
    registry = rel.get("registry", "") if registry is None else registry
    tag = (rel.get("tag") or "latest") if tag is None else tag
    image = rel["images"][step]
    registry = (registry or "").rstrip("/")
    return f"{registry}/{image}:{tag}" if registry else f"{image}:{tag}"


def image_for(step: str) -> str:
    """Template macro ``fitbit_image(step)``: release.json, overridable by Variables."""
    return image_name(step, registry=setting("fitbit_image_registry"), tag=setting("fitbit_image_tag"))


# ---------------------------------------------------------------------------------------------
# Window of a run


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_of_interval(data_interval_start: dt.datetime | None) -> str:
    """ISO week of the run's data interval; a run without one takes the last complete week."""
    if data_interval_start is None:
        day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)
    else:
        day = data_interval_start.astimezone(dt.UTC).date()
    return iso_week(day)


def window_args(params: dict, data_interval_start: dt.datetime | None) -> str:
    """Template macro ``fitbit_window``: ``--week W`` or ``--from D --to D`` for the run."""
    week = params.get("week")
    start, end = params.get("from_date"), params.get("to_date")
    if week and (start or end):
        raise ValueError("give either the week param or from_date/to_date, not both")
    if week:
        match = WEEK_RE.match(week)
        if not match or not 1 <= int(match.group(2)) <= 53:
            raise ValueError(f"week must look like 2026-W47, not {week!r}")
        return f"--week {week}"
    if start or end:
        if not (start and end):
            raise ValueError("from_date and to_date must be given together")
        if dt.date.fromisoformat(start) > dt.date.fromisoformat(end):
            raise ValueError(f"from_date {start} is after to_date {end}")
        return f"--from {start} --to {end}"
    return f"--week {week_of_interval(data_interval_start)}"


def activity_args(params: dict) -> str:
    """Template macro ``fitbit_activity_args``: ``--activity A`` for each selected activity."""
    return " ".join(f"--activity {a}" for a in selected_activities(params))


def shard_count(params: dict) -> int:
    """The run's user shards: param ``shards``, else Variable ``fitbit_shards``, else 1."""
    value = params.get("shards")
    if value is None:
        value = setting("fitbit_shards", "1")
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"shards must be a whole number from 1 to {MAX_SHARDS}, not {value!r}") from None
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"shards must be a whole number from 1 to {MAX_SHARDS}, not {value!r}")
    return count


def shard_list(params: dict) -> list[str]:
    """The shards extract and transform fan out over: ["1/n", ..., "n/n"] (["1/1"]: unsharded)."""
    count = shard_count(params)
    return [f"{i}/{count}" for i in range(1, count + 1)]


def shard_arg(shard: str | None) -> str:
    """``--shard i/n`` for one shard of extract or transform; nothing for the whole run (1/1)."""
    if not shard or shard.split("/")[-1] == "1":
        return ""
    return f" --shard {shard}"


def shards_args(params: dict) -> str:
    """Template macro ``fitbit_shards_args``: `` --shards N`` for load and promote when N > 1."""
    count = shard_count(params)
    return "" if count == 1 else f" --shards {count}"


def selected_activities(params: dict) -> list[str]:
    chosen = params.get("activities") or list(ACTIVITIES)
    unknown = sorted(set(chosen) - set(ACTIVITIES))
    if unknown:
        raise ValueError(f"unknown activities: {unknown}")
    return [a for a in ACTIVITIES if a in chosen]


def selected_sources(params: dict) -> list[str]:
    """The lakehouse sources a run ingests (param ``sources``; all four when not given)."""
    chosen = params.get("sources") or list(LAKEHOUSE_SOURCES)
    unknown = sorted(set(chosen) - set(LAKEHOUSE_SOURCES))
    if unknown:
        raise ValueError(f"unknown sources: {unknown}")
    return [s for s in LAKEHOUSE_SOURCES if s in chosen]


def safe_run_id(run_id: str) -> str:
    """Template filter ``fitbit_run_id``: the run id in the steps' --run-id alphabet."""
    return RUN_ID_RE.sub("_", run_id)[:200]


def report_key(run_id: str) -> str:
    """Where the report step writes the run report of Airflow run ``run_id`` in the lake bucket
    (LakeLayout.report: the run id as the steps get it, ':' and '+' replaced by '_')."""
    key_safe = safe_run_id(run_id).replace(":", "_").replace("+", "_")
    return f"reports/{key_safe}/index.html"


# ---------------------------------------------------------------------------------------------
# Step environment from connections and variables


def _get_connection(conn_id: str):
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def _truthy(value: Any) -> str:
    return "true" if str(value).strip().lower() in ("1", "true", "yes", "on") else "false"


def warehouse_env(conn) -> tuple[dict[str, str], dict[str, str]]:
    """(public, secret) environment for connection ``fitbit_warehouse``."""
    public: dict[str, str] = {}
    secret: dict[str, str] = {}
    if conn is None:
        return public, secret
    extra = conn.extra_dejson or {}
    dialect = extra.get("dialect") or ("redshift" if conn.conn_type == "redshift" else "postgresql")
    url = extra.get("jdbc_url")
    if not url and conn.host:
        port = conn.port or (5439 if dialect == "redshift" else 5432)
        url = f"jdbc:{dialect}://{conn.host}:{port}/{conn.schema or ''}"
    if url:
        public["WAREHOUSE_JDBC_URL"] = url
    if conn.login:
        public["WAREHOUSE_USER"] = conn.login
    if extra.get("dialect"):
        public["WAREHOUSE_DIALECT"] = extra["dialect"]
    if "iam_auth" in extra or "iam" in extra:  # "iam": the Amazon provider's (and Terraform's) name
        public["WAREHOUSE_IAM_AUTH"] = _truthy(extra.get("iam_auth", extra.get("iam")))
    if extra.get("redshift_iam_role"):
        public["REDSHIFT_IAM_ROLE"] = extra["redshift_iam_role"]
    if conn.password:
        secret["WAREHOUSE_PASSWORD"] = conn.password
    return public, secret


def aws_env(conn) -> tuple[dict[str, str], dict[str, str]]:
    """(public, secret) environment for connection ``fitbit_aws``; none = worker's IAM role."""
    public: dict[str, str] = {}
    secret: dict[str, str] = {}
    if conn is None:
        return public, secret
    extra = conn.extra_dejson or {}
    region = extra.get("region_name") or extra.get("region")
    if region:
        public["AWS_REGION"] = region
    s3_config = (extra.get("service_config") or {}).get("s3") or {}
    endpoint = extra.get("endpoint_url_s3") or s3_config.get("endpoint_url") or extra.get("endpoint_url")
    if endpoint:
        public["AWS_ENDPOINT_URL_S3"] = endpoint
    if conn.login:
        secret["AWS_ACCESS_KEY_ID"] = conn.login
    if conn.password:
        secret["AWS_SECRET_ACCESS_KEY"] = conn.password
    token = extra.get("aws_session_token")
    if token:
        secret["AWS_SESSION_TOKEN"] = token
    return public, secret


def _first(extra: dict, *keys: str) -> str | None:
    for key in keys:
        value = extra.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def kafka_env(conn) -> tuple[dict[str, str], dict[str, str]]:
    """(public, secret) environment for connection ``fitbit_kafka`` (optional; ingest only).

    Bootstrap servers: extra ``bootstrap_servers`` (or the Kafka provider's ``bootstrap.servers``),
    else host (a comma-separated list may carry ports) and port. Login and password are the SASL
    user and (secret) password. Extras ``auth`` (none | msk-iam), ``security_protocol`` and
    ``sasl_mechanism`` (dotted Kafka names work too) become KAFKA_AUTH, KAFKA_SECURITY_PROTOCOL
    and KAFKA_SASL_MECHANISM.
    """
    public: dict[str, str] = {}
    secret: dict[str, str] = {}
    if conn is None:
        return public, secret
    extra = conn.extra_dejson or {}
    servers = _first(extra, "bootstrap_servers", "bootstrap.servers")
    if not servers and conn.host:
        hosts = [h.strip() for h in conn.host.split(",") if h.strip()]
        servers = ",".join(h if ":" in h or not conn.port else f"{h}:{conn.port}" for h in hosts)
    if servers:
        public["KAFKA_BOOTSTRAP_SERVERS"] = servers
    auth = _first(extra, "auth", "kafka_auth")
    if auth:
        auth = auth.lower()
        if auth not in KAFKA_AUTH_MODES:
            raise ValueError(f"connection {KAFKA_CONN_ID}: extra auth must be one of {KAFKA_AUTH_MODES}")
        public["KAFKA_AUTH"] = auth
    protocol = _first(extra, "security_protocol", "security.protocol")
    if protocol:
        public["KAFKA_SECURITY_PROTOCOL"] = protocol.upper()
    mechanism = _first(extra, "sasl_mechanism", "sasl.mechanism", "sasl.mechanisms")
    if mechanism:
        public["KAFKA_SASL_MECHANISM"] = mechanism.upper()
    user = conn.login or _first(extra, "sasl.username")
    password = conn.password or _first(extra, "sasl.password")
    if user:
        if not mechanism and auth != "msk-iam":
            raise ValueError(
                f"connection {KAFKA_CONN_ID} has a login but no extra sasl_mechanism "
                "(PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"
            )
        public["KAFKA_SASL_USERNAME"] = user
    if password:
        secret["KAFKA_SASL_PASSWORD"] = password
    return public, secret


CONNECTION_MAPPERS = {WAREHOUSE_CONN_ID: warehouse_env, AWS_CONN_ID: aws_env, KAFKA_CONN_ID: kafka_env}


def _env_variable(name: str) -> dict[str, str]:
    raw = setting(name)
    if not raw:
        return {}
    data = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(data, dict):
        raise ValueError(f"{name} must be a JSON object of NAME: value")
    leaked = sorted(SECRET_ENV & set(data))
    if leaked:
        raise ValueError(
            f"{name} must not hold secrets {leaked}: use the connections "
            f"{WAREHOUSE_CONN_ID}, {AWS_CONN_ID} or {KAFKA_CONN_ID}"
        )
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def extra_step_env() -> dict[str, str]:
    """Non-secret step variables: ``fitbit_pipeline_env`` (the Terraform output
    ``airflow_variables.fitbit_pipeline_env``), overridden by ``fitbit_step_env``."""
    return {**_env_variable("fitbit_pipeline_env"), **_env_variable("fitbit_step_env")}


def step_environment(step: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(public, secret) environment of ``step``: the variables, then its connections (which win).

    Empty values are left out (Terraform writes KAFKA_BOOTSTRAP_SERVERS = "" without the cluster),
    so the step's own default applies.
    """
    public = {k: v for k, v in extra_step_env().items() if v != ""}
    secret: dict[str, str] = {}
    for conn_id, mapper in CONNECTION_MAPPERS.items():
        if step is not None and step not in STEP_CONNECTIONS[conn_id]:
            continue
        pub, sec = mapper(_get_connection(conn_id))
        public.update(pub)
        secret.update(sec)
    return public, secret
