"""images/ (Dockerfiles, release.json) and docker-compose.yml."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from conftest import IMAGES, REPO, SECRET_KEY, STEPS, release

DOCKERFILES = {"native": IMAGES / "Dockerfile.native", "jvm": IMAGES / "Dockerfile.jvm"}
ALL_DOCKERFILES = {**DOCKERFILES, "tools": IMAGES / "Dockerfile.tools"}
COMPOSE = REPO / "docker-compose.yml"


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
    assert data["images"] == {step: f"fitbit-{step}" for step in STEPS}


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
    assert re.search(r"\bCONTAINER=true\b", envs), f"{variant}: ENV CONTAINER=true missing"
    entrypoint = [args for k, args in final["instructions"] if k == "ENTRYPOINT"]
    assert entrypoint and json.loads(entrypoint[-1]), f"{variant}: ENTRYPOINT must be exec (JSON) form"
    # one-shot: no HEALTHCHECK, and the file says why
    assert "HEALTHCHECK" not in keywords
    assert re.search(r"HEALTHCHECK|one-shot", path.read_text(encoding="utf-8"))
    # no secrets baked in
    for key_value in re.findall(r"(\w+)=", envs):
        assert not SECRET_KEY.search(key_value), f"{variant}: secret-like ENV {key_value}"
    assert "EXPOSE" not in keywords


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
    assert any(f.startswith("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-21") for f in froms)
    assert froms[-1] == "quay.io/quarkus/ubi9-quarkus-micro-image:2.0"
    copies = [a for k, a in stages(path)[-1]["instructions"] if k == "COPY"]
    assert any("--from=build" in c and "/work/application" in c for c in copies)


def test_jvm_uses_openjdk_runtime_and_fast_jar():
    path = DOCKERFILES["jvm"]
    final = stages(path)[-1]
    assert resolve_from(path, final["from"]).startswith("registry.access.redhat.com/ubi9/openjdk-")
    assert "quarkus-run.jar" in " ".join(a for k, a in final["instructions"] if k == "ENTRYPOINT")


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
    "airflow-db", "airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
    "airflow-triggerer", "minio", "minio-init", "warehouse", "seed", *STEPS,
}


def test_required_services_present(compose):
    assert REQUIRED_SERVICES <= set(compose["services"]), REQUIRED_SERVICES - set(compose["services"])


def test_airflow_3_with_local_executor(compose):
    services = compose["services"]
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-init"):
        image = services[name]["image"]
        assert re.fullmatch(r"\$\{AIRFLOW_IMAGE:-apache/airflow:3\.3\.\d+\}", image) or re.fullmatch(
            r"apache/airflow:3\.3\.\d+", image), image
        assert services[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    commands = {services[n]["command"][0] for n in services if n.startswith("airflow-") and "command" in services[n]}
    assert {"api-server", "scheduler", "dag-processor", "triggerer"} <= commands


def test_scheduler_mounts_dags_and_docker_socket(compose):
    volumes = compose["services"]["airflow-scheduler"]["volumes"]
    assert any(v.startswith("./dags:/opt/airflow/dags") for v in volumes)
    assert "/var/run/docker.sock:/var/run/docker.sock" in volumes
    assert any(v.startswith("./images/release.json:") for v in volumes)


def test_step_images_match_release_json(compose):
    data = release()
    for step, name in data["images"].items():
        service = compose["services"][step]
        match = re.fullmatch(r"\$\{PIPELINE_REGISTRY:-\}([a-z0-9-]+):\$\{PIPELINE_IMAGE_TAG:-([^}]+)\}", service["image"])
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
    for step in STEPS:
        assert compose["services"][step]["networks"] == ["pipeline"]


def _long_running(name, service):
    return service.get("restart") not in ("no", None) and not service.get("profiles")


def test_long_running_services_have_healthchecks(compose):
    long_running = {n: s for n, s in compose["services"].items() if _long_running(n, s)}
    assert {"airflow-apiserver", "airflow-scheduler", "minio", "warehouse", "airflow-db"} <= set(long_running)
    for name, service in long_running.items():
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_seed_service_runs_the_launcher(compose):
    seed = compose["services"]["seed"]
    dockerfile = REPO / seed["build"]["dockerfile"]
    assert dockerfile == ALL_DOCKERFILES["tools"] and dockerfile.is_file()
    assert seed["command"] == ["seed"]
    assert seed["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
    assert "tasks/pipeline" in dockerfile.read_text(encoding="utf-8")


def test_one_shot_services_do_not_restart(compose):
    for name in ("airflow-init", "minio-init", "seed", *STEPS):
        assert compose["services"][name].get("restart") == "no", name


def test_init_services_gate_the_stack(compose):
    scheduler = compose["services"]["airflow-scheduler"]["depends_on"]
    assert scheduler["airflow-init"]["condition"] == "service_completed_successfully"
    assert scheduler["minio-init"]["condition"] == "service_completed_successfully"
    assert scheduler["warehouse"]["condition"] == "service_healthy"
    command = "\n".join(compose["services"]["minio-init"]["command"])
    assert "mc mb --ignore-existing" in command and "RAW_BUCKET" in command and "LAKE_BUCKET" in command


def _env_items(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return env.items()


def test_no_literal_secrets_in_compose(compose):
    for name, service in compose["services"].items():
        for key, value in _env_items(service):
            value = str(value)
            if SECRET_KEY.search(key) or key in ("AWS_ACCESS_KEY_ID", "MINIO_ROOT_USER"):
                assert value.startswith("${"), f"{name}: {key} is a literal, use ${{VAR}} from .env"
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                assert password.startswith("${"), f"{name}: {key} embeds a literal password"


def test_env_example_defines_every_required_variable():
    text = COMPOSE.read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z_0-9]+):\?", text))
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_0-9]+)=", example, re.M))
    assert required and required <= defined, required - defined


def test_dot_env_is_not_committed():
    result = subprocess.run(["git", "ls-files", "--error-unmatch", ".env"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0, ".env is tracked by git: it holds secrets"
