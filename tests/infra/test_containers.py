"""images/ (Dockerfiles, release.json, the Kafka broker's files), docker-compose.yml and the
image build loops of .github/workflows/ci.yml."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import IMAGES, LAKEHOUSE_ENV, REPO, SECRET_KEY, STEPS, release

# The batch DAG's steps (conftest.STEPS) and the workout lakehouse's (DAG fitbit_lakehouse).
LAKEHOUSE_STEPS = ("ingest", "silver", "gold")
# The weekly DAG's last task, the run report (images/release.json "report").
REPORT_STEPS = ("report",)
ALL_STEPS = (*STEPS, *REPORT_STEPS, *LAKEHOUSE_STEPS)

DOCKERFILES = {"native": IMAGES / "Dockerfile.native", "jvm": IMAGES / "Dockerfile.jvm"}
ALL_DOCKERFILES = {**DOCKERFILES, "tools": IMAGES / "Dockerfile.tools"}
COMPOSE = REPO / "docker-compose.yml"
KAFKA_DIR = IMAGES / "kafka"
KAFKA_ENTRYPOINT = KAFKA_DIR / "kafka-entrypoint.sh"
KAFKA_PROPERTIES = KAFKA_DIR / "server.properties"
CI = REPO / ".github" / "workflows" / "ci.yml"

CONTRACT_ENV = (
    "RAW_BUCKET",
    "RAW_PREFIX",
    "LAKE_BUCKET",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "WAREHOUSE_JDBC_URL",
    "WAREHOUSE_USER",
    "WAREHOUSE_PASSWORD",
    "WAREHOUSE_DIALECT",
)
# Secrets the DAGs only pass through private_environment (dags/fitbit_pipeline/config.py).
DAG_SECRET_ENV = {
    "WAREHOUSE_PASSWORD",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "KAFKA_SASL_PASSWORD",
}


# ----------------------------------------------------------------------------- Dockerfile parsing


def parse_dockerfile(path):
    """[(instruction, arguments)] with continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, rest = current.strip().partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def stages(path):
    result = []
    for keyword, args in parse_dockerfile(path):
        if keyword == "FROM":
            result.append({"from": args, "instructions": []})
        elif result:
            result[-1]["instructions"].append((keyword, args))
    return result


def global_args(path):
    values = {}
    for keyword, args in parse_dockerfile(path):
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in args:
            name, _, value = args.partition("=")
            values[name] = value
    return values


def resolve_from(path, text):
    image = text.split()[0]
    for name, value in global_args(path).items():
        image = image.replace("${" + name + "}", value)
    return image


# ----------------------------------------------------------------------------- release.json


def test_release_json_shape():
    data = release()
    assert set(data) == {"registry", "tag", "images"}
    assert isinstance(data["registry"], str)
    assert re.fullmatch(r"\d+\.\d+\.\d+([-.][0-9A-Za-z.]+)?", data["tag"])
    assert data["images"] == {step: f"fitbit-{step}" for step in ALL_STEPS}


# ----------------------------------------------------------------------------- Dockerfiles


@pytest.mark.parametrize("variant", ALL_DOCKERFILES)
def test_final_stage_runs_as_non_root(variant):
    final = stages(ALL_DOCKERFILES[variant])[-1]
    users = [args for keyword, args in final["instructions"] if keyword == "USER"]
    assert users, f"{variant}: final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"{variant}: runs as {user}"
    assert user == "1001"


@pytest.mark.parametrize("variant", ALL_DOCKERFILES)
def test_final_stage_is_a_configured_one_shot_job(variant):
    path = ALL_DOCKERFILES[variant]
    final = stages(path)[-1]
    keywords = [k for k, _ in final["instructions"]]
    envs = " ".join(args for k, args in final["instructions"] if k == "ENV")
    assert re.search(r"\bCONTAINER=true\b", envs), (
        f"{variant}: ENV CONTAINER=true missing"
    )
    entrypoint = [args for k, args in final["instructions"] if k == "ENTRYPOINT"]
    assert entrypoint and json.loads(entrypoint[-1]), (
        f"{variant}: ENTRYPOINT must be exec (JSON) form"
    )
    # one-shot: no HEALTHCHECK, and the file says why
    assert "HEALTHCHECK" not in keywords
    assert re.search(r"HEALTHCHECK|one-shot", path.read_text(encoding="utf-8"))
    # no secrets baked in
    for key_value in re.findall(r"(\w+)=", envs):
        assert not SECRET_KEY.search(key_value), (
            f"{variant}: secret-like ENV {key_value}"
        )
    assert "EXPOSE" not in keywords


def header_comment(path):
    """The comment block at the top of a file (before its first instruction)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def test_jvm_step_images_cap_memory_with_the_same_flags():
    """Both JVM step images run java with the same flags, and those flags cap every memory area,
    so a step stays under 256 MB whatever its input (measured: docs/performance.md)."""
    entrypoints = []
    for variant in ("jvm", "jvm-prebuilt"):
        final = stages(IMAGES / f"Dockerfile.{variant}")[-1]
        entry = [args for k, args in final["instructions"] if k == "ENTRYPOINT"][-1]
        entrypoints.append(json.loads(entry))
    assert entrypoints[0] == entrypoints[1]
    flags = entrypoints[0][1 : entrypoints[0].index("-jar")]
    for cap in (
        "-Xmx",
        "-Xss",
        "-XX:MaxMetaspaceSize=",
        "-XX:ReservedCodeCacheSize=",
        "-XX:MaxDirectMemorySize=",
    ):
        assert any(flag.startswith(cap) for flag in flags), f"no {cap} among {flags}"
    assert "-XX:+ExitOnOutOfMemoryError" in flags
    heap = next(flag for flag in flags if flag.startswith("-Xmx"))
    assert int(heap[4:-1]) * {"m": 1, "g": 1024}[heap[-1]] < 256, heap


@pytest.mark.parametrize("variant", ("jvm", "jvm-prebuilt"))
def test_jvm_step_images_map_the_aot_cache_their_build_trained(variant):
    """AOT cache (JDK 25): the final stage runs the step's training once under -XX:AOTCacheOutput,
    after the application is copied in, with the very JVM flags of the ENTRYPOINT (a cache made
    under other flags serves a JVM less well or not at all), and the ENTRYPOINT maps that file."""
    final = stages(IMAGES / f"Dockerfile.{variant}")[-1]
    keywords = [k for k, _ in final["instructions"]]
    runs = [args for k, args in final["instructions"] if k == "RUN"]
    training = [r for r in runs if "--train-class-archive" in r]
    assert len(training) == 1, runs
    dumped = re.search(r"-XX:AOTCacheOutput=(\S+)", training[0])
    assert dumped and "-jar /deployments/quarkus-run.jar" in training[0], training[0]
    trained_at = next(
        i
        for i, (k, a) in enumerate(final["instructions"])
        if "--train-class-archive" in a
    )
    assert trained_at > max(i for i, k in enumerate(keywords) if k == "COPY")
    entry = json.loads(
        [args for k, args in final["instructions"] if k == "ENTRYPOINT"][-1]
    )
    entry_flags = entry[1 : entry.index("-jar")]
    assert f"-XX:AOTCache={dumped.group(1)}" in entry_flags, entry
    words = training[0].split()
    trained_flags = words[words.index("java") + 1 : words.index("-jar")]
    assert [f for f in trained_flags if not f.startswith("-XX:AOTCacheOutput=")] == [
        f for f in entry_flags if not f.startswith("-XX:AOTCache=")
    ], (trained_flags, entry_flags)


@pytest.mark.parametrize("variant", DOCKERFILES)
def test_step_dockerfiles_document_every_step(variant):
    """The header lists the STEP values: every image of release.json, batch and lakehouse."""
    header = header_comment(DOCKERFILES[variant])
    for step in release()["images"]:
        assert re.search(rf"\b{step}\b", header), (
            f"{variant}: {step} missing from the header comment"
        )
    assert not re.search(r"\bfour\b", header), f"{variant}: still speaks of four steps"


@pytest.mark.parametrize("variant", DOCKERFILES)
def test_one_parameterized_dockerfile_builds_the_step_module(variant):
    path = DOCKERFILES[variant]
    text = path.read_text(encoding="utf-8")
    build = stages(path)[-2]
    assert ("ARG", "STEP=extract") in build["instructions"]
    runs = " ".join(args for k, args in build["instructions"] if k == "RUN")
    assert re.search(r'mvn .*-pl "?tasks/\$\{STEP\}"? -am package', runs), runs
    if variant == "native":
        assert "-Dnative" in runs
    assert "latest" not in text


def test_native_uses_mandrel_builder_and_micro_runtime():
    path = DOCKERFILES["native"]
    froms = [resolve_from(path, s["from"]) for s in stages(path)]
    assert any(
        f.startswith("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21")
        for f in froms
    )
    assert froms[-1] == "quay.io/quarkus/ubi9-quarkus-micro-image:2.0"
    copies = [a for k, a in stages(path)[-1]["instructions"] if k == "COPY"]
    assert any("--from=build" in c and "/work/application" in c for c in copies)


def test_jvm_uses_openjdk_runtime_and_fast_jar():
    path = DOCKERFILES["jvm"]
    final = stages(path)[-1]
    assert resolve_from(path, final["from"]).startswith(
        "registry.access.redhat.com/ubi9/openjdk-"
    )
    assert "quarkus-run.jar" in " ".join(
        a for k, a in final["instructions"] if k == "ENTRYPOINT"
    )


@pytest.mark.parametrize("variant", ALL_DOCKERFILES)
def test_dockerignore_keeps_context_small(variant):
    ignore = IMAGES / f"Dockerfile.{variant}.dockerignore"
    lines = ignore.read_text(encoding="utf-8").splitlines()
    assert "*" in lines and "!pom.xml" in lines and "!tasks/" in lines


# ----------------------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


REQUIRED_SERVICES = {
    "airflow-db",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "minio",
    "minio-init",
    "warehouse",
    "seed",
    "kafka",
    "simulator",
    *ALL_STEPS,
}
# Long-running clients: nothing depends on their health, so no healthcheck (see the test below).
CLIENT_SERVICES = {"simulator"}


def test_required_services_present(compose):
    assert REQUIRED_SERVICES <= set(compose["services"]), REQUIRED_SERVICES - set(
        compose["services"]
    )


def test_airflow_3_with_local_executor(compose):
    services = compose["services"]
    for name in (
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-init",
    ):
        image = services[name]["image"]
        assert re.fullmatch(
            r"\$\{AIRFLOW_IMAGE:-apache/airflow:3\.3\.\d+\}", image
        ) or re.fullmatch(r"apache/airflow:3\.3\.\d+", image), image
        assert (
            services[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        )
    commands = {
        services[n]["command"][0]
        for n in services
        if n.startswith("airflow-") and "command" in services[n]
    }
    assert {"api-server", "scheduler", "dag-processor", "triggerer"} <= commands


def test_scheduler_mounts_dags_and_docker_socket(compose):
    volumes = compose["services"]["airflow-scheduler"]["volumes"]
    assert any(v.startswith("./dags:/opt/airflow/dags") for v in volumes)
    assert "/var/run/docker.sock:/var/run/docker.sock" in volumes
    assert any(v.startswith("./images/release.json:") for v in volumes)


def test_step_images_match_release_json(compose):
    data = release()
    assert set(data["images"]) == set(ALL_STEPS)
    for step, name in data["images"].items():
        service = compose["services"][step]
        match = re.fullmatch(
            r"\$\{PIPELINE_REGISTRY:-\}([a-z0-9-]+):\$\{PIPELINE_IMAGE_TAG:-([^}]+)\}",
            service["image"],
        )
        assert match, service["image"]
        assert match.group(1) == name
        assert match.group(2) == data["tag"]
        assert service["build"]["args"]["STEP"] == step
        assert service["build"]["context"] == "."
        assert "images/Dockerfile." in service["build"]["dockerfile"]


def test_step_containers_share_the_named_network(compose):
    network = compose["networks"]["pipeline"]["name"]
    env = compose["services"]["airflow-scheduler"]["environment"]
    assert env["PIPELINE_DOCKER_NETWORK"] == network
    assert (
        env["FITBIT_DOCKER_NETWORK"] == network
    )  # what dags/fitbit_pipeline/config.py reads
    for step in ALL_STEPS:
        assert compose["services"][step]["networks"] == ["pipeline"]
        assert compose["services"][step]["profiles"] == ["build"]


def _long_running(name, service):
    return service.get("restart") not in ("no", None) and not service.get("profiles")


def test_long_running_services_have_healthchecks(compose):
    long_running = {n: s for n, s in compose["services"].items() if _long_running(n, s)}
    assert {
        "airflow-apiserver",
        "airflow-scheduler",
        "minio",
        "warehouse",
        "airflow-db",
        "kafka",
    } <= set(long_running)
    for name, service in long_running.items():
        if name in CLIENT_SERVICES:
            continue
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), (
            f"{name} has no healthcheck"
        )
    # A client is exempt only while no service waits for it to be healthy.
    for name, service in compose["services"].items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            if dependency in CLIENT_SERVICES:
                assert condition.get("condition") != "service_healthy", (
                    f"{name} waits for {dependency}'s health"
                )


def test_seed_service_runs_the_launcher(compose):
    seed = compose["services"]["seed"]
    dockerfile = REPO / seed["build"]["dockerfile"]
    assert dockerfile == ALL_DOCKERFILES["tools"] and dockerfile.is_file()
    assert seed["command"] == ["seed"]
    assert (
        seed["depends_on"]["minio-init"]["condition"]
        == "service_completed_successfully"
    )
    assert "tasks/pipeline" in dockerfile.read_text(encoding="utf-8")


def test_one_shot_services_do_not_restart(compose):
    for name in ("airflow-init", "minio-init", "seed", *ALL_STEPS):
        assert compose["services"][name].get("restart") == "no", name


def test_init_services_gate_the_stack(compose):
    scheduler = compose["services"]["airflow-scheduler"]["depends_on"]
    assert scheduler["airflow-init"]["condition"] == "service_completed_successfully"
    assert scheduler["minio-init"]["condition"] == "service_completed_successfully"
    assert scheduler["warehouse"]["condition"] == "service_healthy"
    command = "\n".join(compose["services"]["minio-init"]["command"])
    assert (
        "mc mb --ignore-existing" in command
        and "RAW_BUCKET" in command
        and "LAKE_BUCKET" in command
    )


def _env_items(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return env.items()


def test_no_literal_secrets_in_compose(compose):
    for name, service in compose["services"].items():
        for key, value in _env_items(service):
            value = str(value)
            if SECRET_KEY.search(key) or key in (
                "AWS_ACCESS_KEY_ID",
                "MINIO_ROOT_USER",
            ):
                assert value.startswith("${"), (
                    f"{name}: {key} is a literal, use ${{VAR}} from .env"
                )
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                assert password.startswith("${"), (
                    f"{name}: {key} embeds a literal password"
                )


def test_env_example_defines_every_required_variable():
    text = COMPOSE.read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z_0-9]+):\?", text))
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_0-9]+)=", example, re.MULTILINE))
    assert required and required <= defined, required - defined


def test_dot_env_is_not_committed():
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", ".env"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0, ".env is tracked by git: it holds secrets"


# ----------------------------------------------------------------------------- the workout lakehouse


PLACEHOLDER = re.compile(r"\$\{([A-Z_0-9]+)(?::?[-?][^}]*)?\}")


def placeholder_json(value):
    """A JSON value of the compose file with its ${VAR...} placeholders replaced by "x"."""
    return json.loads(PLACEHOLDER.sub("x", str(value)))


def properties(path):
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def listeners(text):
    """'NAME://host:port,...' -> {NAME: (host, port)}"""
    result = {}
    for item in filter(None, (i.strip() for i in text.split(","))):
        match = re.fullmatch(r"([A-Z_]+)://([^:]*):(\d+|\$\{[^}]+\})", item)
        assert match, item
        result[match.group(1)] = (match.group(2), match.group(3))
    return result


@pytest.mark.parametrize("step", LAKEHOUSE_STEPS)
def test_lakehouse_step_services_get_the_kafka_environment(compose, step):
    env = dict(_env_items(compose["services"][step]))
    for key in (*CONTRACT_ENV, *LAKEHOUSE_ENV):
        assert key in env, f"{step}: {key} missing"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["KAFKA_AUTH"] == "none"
    assert env["WAREHOUSE_DIALECT"] == "postgresql"
    assert env["AWS_ENDPOINT_URL_S3"] == "http://minio:9000"
    # the compose broker has no login: nothing secret to pass
    assert not any(k.startswith("KAFKA_SASL_") for k in env), env
    service = compose["services"][step]
    assert service["restart"] == "no" and service["build"]["args"]["STEP"] == step


def test_kafka_service_runs_the_broker_from_the_tools_image(compose):
    kafka, seed = compose["services"]["kafka"], compose["services"]["seed"]
    assert kafka["image"] == seed["image"], (
        "one tools image for seed, simulator and the broker"
    )
    assert REPO / kafka["build"]["dockerfile"] == ALL_DOCKERFILES["tools"]
    entrypoint = kafka["entrypoint"]
    assert entrypoint == ["/deployments/kafka/kafka-entrypoint.sh"], entrypoint
    assert "command" not in kafka, (
        "the entrypoint takes no arguments (compose clears the image's CMD)"
    )
    assert kafka["restart"] == "unless-stopped" and kafka["networks"] == ["pipeline"]
    assert "profiles" not in kafka
    assert kafka.get("stop_grace_period"), "give the broker time for a clean shutdown"


def test_kafka_image_ships_the_entrypoint_and_a_data_folder():
    tools = ALL_DOCKERFILES["tools"]
    final = stages(tools)[-1]
    copies = [a for k, a in final["instructions"] if k == "COPY"]
    assert any(
        re.search(r"\bimages/kafka/\s+/deployments/kafka/$", c) for c in copies
    ), copies
    runs = " ".join(a for k, a in final["instructions"] if k == "RUN")
    assert (
        "mkdir -p /var/lib/kafka/data" in runs
        and "chown -R 1001:0 /var/lib/kafka" in runs
    ), runs
    assert "chmod 0555 /deployments/kafka/kafka-entrypoint.sh" in runs, runs
    assert (
        "!images/kafka/"
        in (IMAGES / "Dockerfile.tools.dockerignore")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    # the broker's jars come with the launcher's lib/: the build checks they are there
    build_runs = " ".join(a for k, a in stages(tools)[-2]["instructions"] if k == "RUN")
    assert "kafka_2.13-" in build_runs
    mode = KAFKA_ENTRYPOINT.stat().st_mode
    assert mode & stat.S_IXUSR, "kafka-entrypoint.sh must be executable"
    assert KAFKA_ENTRYPOINT.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert {"server.properties", "logback.xml", "healthcheck.properties"} <= {
        p.name for p in KAFKA_DIR.iterdir()
    }


def test_kafka_service_has_a_healthcheck_and_a_volume(compose):
    kafka = compose["services"]["kafka"]
    check = kafka["healthcheck"]
    assert check["test"] == [
        "CMD",
        "/deployments/kafka/kafka-entrypoint.sh",
        "healthcheck",
    ]
    for key in ("interval", "timeout", "retries", "start_period"):
        assert check.get(key), f"healthcheck.{key} missing"
    seconds = {
        k: int(re.fullmatch(r"(\d+)s", check[k]).group(1))
        for k in ("interval", "timeout", "start_period")
    }
    assert seconds["interval"] >= 15, (
        "each check starts a JVM: not more often than every 15 s"
    )
    assert seconds["timeout"] >= 15, "the admin probe gives up after about 10 s"
    # a named volume, declared, on the broker's data folder
    mounts = [v.split(":") for v in kafka["volumes"]]
    assert mounts == [["kafka-data", "/var/lib/kafka"]], kafka["volumes"]
    assert "kafka-data" in compose["volumes"]
    script = KAFKA_ENTRYPOINT.read_text(encoding="utf-8")
    assert 'KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-/var/lib/kafka/data}"' in script


def test_kafka_listeners_reach_the_compose_network_and_the_host(compose):
    props = properties(KAFKA_PROPERTIES)
    assert props["process.roles"] == "broker,controller"  # KRaft, one node
    node = props["node.id"]
    voters = props["controller.quorum.voters"]
    assert re.fullmatch(rf"{node}@localhost:\d+", voters), voters
    bound = listeners(props["listeners"])
    protocols = dict(
        p.split(":") for p in props["listener.security.protocol.map"].split(",")
    )
    assert set(bound) <= set(protocols)
    controller = props["controller.listener.names"]
    assert bound[controller][0] == "localhost", (
        "the controller stays inside the container"
    )
    assert voters.endswith(":" + bound[controller][1])
    assert (
        bound["PLAINTEXT"] == ("0.0.0.0", "9092") and bound["EXTERNAL"][0] == "0.0.0.0"
    )
    assert props["inter.broker.listener.name"] == "PLAINTEXT"
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "default.replication.factor",
        "transaction.state.log.min.isr",
        "min.insync.replicas",
    ):
        assert props[key] == "1", key
    assert "log.dirs" not in props, "the entrypoint sets log.dirs from KAFKA_DATA_DIR"

    kafka = compose["services"]["kafka"]
    advertised = listeners(kafka["environment"]["KAFKA_CFG_ADVERTISED_LISTENERS"])
    assert set(advertised) == {"PLAINTEXT", "EXTERNAL"}
    # containers: the service name and the PLAINTEXT port, as the clients are told
    assert advertised["PLAINTEXT"] == ("kafka", bound["PLAINTEXT"][1])
    for name in (*LAKEHOUSE_STEPS, "simulator", "airflow-scheduler"):
        env = dict(_env_items(compose["services"][name]))
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092", name
    # the host: a loopback port published onto the EXTERNAL listener, advertised as that port
    (port,) = kafka["ports"]
    match = re.fullmatch(r"127\.0\.0\.1:(\$\{[A-Z_]+:-\d+\}|\d+):(\d+)", port)
    assert match, f"{port}: publish on loopback only"
    host_port, container_port = match.groups()
    assert container_port == bound["EXTERNAL"][1]
    assert advertised["EXTERNAL"] == ("localhost", host_port)


def test_simulator_streams_into_kafka_and_the_raw_bucket(compose):
    simulator = compose["services"]["simulator"]
    assert simulator["image"] == compose["services"]["seed"]["image"]
    command = simulator["command"]
    assert command[:2] == ["stream", "simulate"] and "--follow" in command
    for option in ("--users", "--days", "--rate"):
        if option in command:
            value = command[command.index(option) + 1]
            assert re.fullmatch(r"\d+(\.\d+)?|\$\{[A-Z_]+:-\d+(\.\d+)?\}", value), (
                option,
                value,
            )
    depends = simulator["depends_on"]
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["minio-init"]["condition"] == "service_completed_successfully"
    env = dict(_env_items(simulator))
    for key in (*CONTRACT_ENV, *LAKEHOUSE_ENV):
        assert key in env, f"simulator: {key} missing"
    assert simulator["restart"] == "on-failure"
    assert simulator["networks"] == ["pipeline"]


def test_airflow_gets_the_lakehouse_environment(compose):
    for name in (
        "airflow-scheduler",
        "airflow-apiserver",
        "airflow-dag-processor",
        "airflow-triggerer",
    ):
        env = compose["services"][name]["environment"]
        for key in LAKEHOUSE_ENV:
            assert key in env, f"{name}: {key} missing"
    env = compose["services"]["airflow-scheduler"]["environment"]
    step_env = placeholder_json(env["FITBIT_PIPELINE_ENV"])
    for key in (
        "RAW_BUCKET",
        "RAW_PREFIX",
        "LAKE_BUCKET",
        "AWS_REGION",
        "AWS_ENDPOINT_URL_S3",
        "WAREHOUSE_JDBC_URL",
        "WAREHOUSE_DIALECT",
        *LAKEHOUSE_ENV,
    ):
        assert key in step_env, f"FITBIT_PIPELINE_ENV: {key} missing"
    assert (
        step_env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        and step_env["KAFKA_AUTH"] == "none"
    )
    assert step_env["AWS_ENDPOINT_URL_S3"] == "http://minio:9000"
    # the DAG refuses secrets in this variable (they go through the connections)
    leaked = {k for k in step_env if k in DAG_SECRET_ENV or SECRET_KEY.search(k)}
    assert not leaked, leaked
    # the same values as the step services get directly
    ingest = dict(_env_items(compose["services"]["ingest"]))
    raw = re.findall(r'"([A-Z_0-9]+)": "([^"]*)"', env["FITBIT_PIPELINE_ENV"])
    for key, value in raw:
        if key in ingest:
            assert value == str(ingest[key]), key


def test_airflow_connections_take_their_credentials_from_env_file(compose):
    env = compose["services"]["airflow-scheduler"]["environment"]
    warehouse = placeholder_json(env["AIRFLOW_CONN_FITBIT_WAREHOUSE"])
    assert warehouse["conn_type"] == "postgres" and warehouse["host"] == "warehouse"
    assert warehouse["extra"]["dialect"] == "postgresql"
    aws = placeholder_json(env["AIRFLOW_CONN_FITBIT_AWS"])
    assert (
        aws["conn_type"] == "aws"
        and aws["extra"]["endpoint_url_s3"] == "http://minio:9000"
    )
    for name in ("AIRFLOW_CONN_FITBIT_WAREHOUSE", "AIRFLOW_CONN_FITBIT_AWS"):
        data = json.loads(re.sub(r"\$\{[^}]*\}", "PLACEHOLDER", env[name]))
        assert data["login"] == "PLACEHOLDER" and data["password"] == "PLACEHOLDER", (
            name
        )
        for key in ("login", "password"):
            assert re.search(rf'"{key}": "\$\{{[A-Z_]+(:[-?][^}}]*)?\}}"', env[name]), (
                name,
                key,
            )


def test_no_secret_in_json_values_of_compose(compose):
    """Secret-looking keys inside JSON environment values are ${VAR} placeholders as well."""
    for name, service in compose["services"].items():
        for key, value in _env_items(service):
            value = str(value)
            if not value.lstrip().startswith("{"):
                continue
            for inner_key, inner_value in re.findall(
                r'"([A-Za-z_0-9]+)": "([^"]*)"', value
            ):
                if SECRET_KEY.search(inner_key) or inner_key.upper() in DAG_SECRET_ENV:
                    assert inner_value.startswith("${"), (
                        f"{name}: {key}.{inner_key} is a literal"
                    )
    assert "KAFKA_SASL_PASSWORD" not in COMPOSE.read_text(encoding="utf-8")


def compose_variables():
    """The variables that compose interpolates: not in comments, not escaped as $${...}."""
    text = "\n".join(
        l
        for l in COMPOSE.read_text(encoding="utf-8").splitlines()
        if not l.lstrip().startswith("#")
    )
    return set(re.findall(r"(?<!\$)\$\{([A-Z_0-9]+)", text))


def test_env_example_documents_every_compose_variable():
    used = compose_variables()
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_0-9]+)=", example, re.MULTILINE))
    assert {
        "KAFKA_PORT",
        "KAFKA_TOPIC_BPM",
        "LANDING_PREFIX",
        "SIMULATOR_USERS",
    } <= used
    assert used <= defined, sorted(used - defined)


def test_env_example_matches_compose_defaults():
    text = COMPOSE.read_text(encoding="utf-8")
    defaults = dict(re.findall(r"\$\{([A-Z_0-9]+):-([^}]*)\}", text))
    example = dict(
        re.findall(
            r"^([A-Z_0-9]+)=(.*)$",
            (REPO / ".env.example").read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )
    different = {
        k: (v, example[k])
        for k, v in defaults.items()
        if k in example and example[k] != v
    }
    assert not different, different


def compose_command():
    """Compose v2 as a command list: COMPOSE_BIN, the docker CLI plugin, or docker-compose; else None."""
    candidates = []
    if os.environ.get("COMPOSE_BIN"):
        candidates.append([os.environ["COMPOSE_BIN"]])
    candidates += [["docker", "compose"], ["docker-compose"]]
    for command in candidates:
        try:
            result = subprocess.run(
                [*command, "version", "--short"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = result.stdout.strip()
        # v2 prints 2.x (or "dev" when built with go install); the old Python v1 prints 1.x
        if result.returncode == 0 and version and not re.match(r"v?1\.", version):
            return command
    return None


@pytest.mark.parametrize(
    "profile", [[], ["--profile", "build"]], ids=["default", "build"]
)
def test_docker_compose_config_accepts_the_file(profile):
    """The real `docker compose config` (no engine needed) with .env.example, where Compose v2 is
    installed (CI runs it too; COMPOSE_BIN=/path/to/docker-compose points at a standalone one)."""
    command = compose_command()
    if command is None:
        pytest.skip(
            "no Docker Compose v2 here (CI's images job runs docker compose config)"
        )
    result = subprocess.run(
        [
            *command,
            "--env-file",
            str(REPO / ".env.example"),
            "-f",
            str(COMPOSE),
            *profile,
            "config",
            "--format",
            "json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    env = config["services"]["airflow-scheduler"]["environment"]
    for name in (
        "FITBIT_PIPELINE_ENV",
        "AIRFLOW_CONN_FITBIT_WAREHOUSE",
        "AIRFLOW_CONN_FITBIT_AWS",
    ):
        assert isinstance(json.loads(env[name]), dict), (
            name
        )  # valid JSON once interpolated
    assert config["services"]["kafka"]["healthcheck"]["test"][-1] == "healthcheck"


# ----------------------------------------------------------------------------- kafka-entrypoint.sh


JAVA_STUB = """#!/bin/sh
# Stands in for java: records its arguments, answers random-uuid and the healthcheck.
printf '%s\\n' "$*" >> "${JAVA_STUB_LOG}"
case "$*" in
  *" random-uuid"*) echo "${JAVA_STUB_UUID:-Mk3OEXBSQ2mQ4LbYkV3z0A}" ;;
  *kafka.admin.ConfigCommand*) exit "${JAVA_STUB_HEALTH:-0}" ;;
esac
exit 0
"""


@pytest.fixture
def entrypoint_env(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text(JAVA_STUB, encoding="utf-8")
    java.chmod(0o755)
    return {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "JAVA_STUB_LOG": str(tmp_path / "java.log"),
        "KAFKA_DATA_DIR": str(tmp_path / "data"),
        "KAFKA_RUNTIME_CONFIG": str(tmp_path / "run" / "server.properties"),
        "KAFKA_CLASSPATH": "/deployments/lib/*",
    }


def run_entrypoint(env, *args):
    return subprocess.run(
        ["sh", str(KAFKA_ENTRYPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def java_calls(env):
    log = Path(env["JAVA_STUB_LOG"])
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_entrypoint_formats_once_then_execs_the_broker(entrypoint_env):
    env = {
        **entrypoint_env,
        "KAFKA_CFG_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092,EXTERNAL://localhost:19094",
        "KAFKA_CFG_NUM_PARTITIONS": "5",
    }
    result = run_entrypoint(env)
    assert result.returncode == 0, result.stderr
    calls = java_calls(env)
    assert len(calls) == 3, calls  # random-uuid, format, broker
    assert "kafka.tools.StorageTool random-uuid" in calls[0]
    config = env["KAFKA_RUNTIME_CONFIG"]
    assert re.search(
        rf"kafka\.tools\.StorageTool format --config {re.escape(config)} "
        r"--cluster-id Mk3OEXBSQ2mQ4LbYkV3z0A --ignore-formatted$",
        calls[1],
    ), calls[1]
    assert calls[2].endswith(f"-cp /deployments/lib/* kafka.Kafka {config}"), calls[2]
    assert f"-Dlogback.configurationFile={KAFKA_DIR}/logback.xml" in calls[2]

    # the configuration: the template, overridden keys once, log.dirs = the data folder
    written = Path(config).read_text(encoding="utf-8")
    keys = [
        line.split("=", 1)[0]
        for line in written.splitlines()
        if line and not line.startswith("#")
    ]
    assert len(keys) == len(set(keys)), "a key written twice"
    props = properties(Path(config))
    assert (
        props["advertised.listeners"]
        == "PLAINTEXT://kafka:9092,EXTERNAL://localhost:19094"
    )
    assert props["num.partitions"] == "5"
    assert props["log.dirs"] == env["KAFKA_DATA_DIR"]
    template = properties(KAFKA_PROPERTIES)
    assert {
        k: v
        for k, v in props.items()
        if k not in ("advertised.listeners", "num.partitions", "log.dirs")
    } == {
        k: v
        for k, v in template.items()
        if k not in ("advertised.listeners", "num.partitions")
    }

    # a later start on the formatted volume: no format, same broker command
    (Path(env["KAFKA_DATA_DIR"]) / "meta.properties").write_text(
        "cluster.id=Mk3OEXBSQ2mQ4LbYkV3z0A\n"
    )
    Path(env["JAVA_STUB_LOG"]).unlink()
    result = run_entrypoint(env)
    assert result.returncode == 0, result.stderr
    calls = java_calls(env)
    assert len(calls) == 1 and calls[0].endswith(f"kafka.Kafka {config}"), calls


def test_entrypoint_takes_a_given_cluster_id_and_refuses_a_bad_one(entrypoint_env):
    result = run_entrypoint(
        {**entrypoint_env, "KAFKA_CLUSTER_ID": "4L6g3nShT-eMCtK--X86sw"}
    )
    assert result.returncode == 0, result.stderr
    calls = java_calls(entrypoint_env)
    assert not any("random-uuid" in c for c in calls)
    assert any("--cluster-id 4L6g3nShT-eMCtK--X86sw" in c for c in calls)

    Path(entrypoint_env["JAVA_STUB_LOG"]).unlink()
    result = run_entrypoint({**entrypoint_env, "KAFKA_CLUSTER_ID": "-bad id"})
    assert result.returncode == 3
    assert not any("kafka.Kafka" in c for c in java_calls(entrypoint_env)), (
        "the broker must not start"
    )


@pytest.mark.parametrize("health", [0, 1])
def test_entrypoint_healthcheck_asks_the_broker(entrypoint_env, health):
    result = run_entrypoint(
        {**entrypoint_env, "JAVA_STUB_HEALTH": str(health)}, "healthcheck"
    )
    assert result.returncode == health
    (call,) = java_calls(entrypoint_env)
    assert "kafka.admin.ConfigCommand --bootstrap-server localhost:9092" in call
    assert f"--command-config {KAFKA_DIR}/healthcheck.properties" in call
    assert "--describe --entity-type brokers --entity-name 1" in call
    assert not Path(entrypoint_env["KAFKA_RUNTIME_CONFIG"]).exists(), (
        "a healthcheck writes nothing"
    )


# ----------------------------------------------------------------------------- CI image loops


def test_ci_image_loops_cover_every_release_image():
    workflow = yaml.safe_load(CI.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["images"]["steps"]
    loops = [s["run"] for s in steps if "run" in s and "for step in" in s["run"]]
    assert len(loops) >= 3, "JVM build, JVM smoke test, native build"
    for run in loops:
        assert (
            "for step in $(jq -r '.images | keys[]' images/release.json); do" in run
        ), run
        assert not re.search(r"for step in [a-z ]+;", run), "hard-coded list of steps"
    built = " ".join(loops)
    assert "images/Dockerfile.jvm" in built and "images/Dockerfile.native" in built
