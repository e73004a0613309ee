"""FitbitStepOperator: one step of either DAG (extract, transform, load, promote and the run
report of the weekly batch pipeline; ingest, silver, gold of the workout lakehouse).

It is a DockerOperator: in docker mode (the default, production) it runs the step's image with
the rendered command. In local mode (Variable ``fitbit_task_mode`` = ``local``) it runs the very
same command line as a subprocess of the worker, with the built jars of the repository, for
machines without a Docker engine. The DAG is the same in both modes.

Configuration reaches the step as environment: non-secret values through ``environment``,
secrets (passwords, keys) through ``private_environment``, which is neither templated nor shown
among the rendered fields. Both are resolved from the connections when the task executes.

Every step shares the exit codes 0 (done), 2 (bad command line: failed at once, never retried)
and 3 (configuration or infrastructure: retried). promote, report and the lakehouse steps print
their result as one JSON object on the last stdout line, which becomes the task's XCom. report
exits 4 when the warehouse records nothing of the run: there is nothing to report, the task is
skipped.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

from airflow.providers.docker.exceptions import DockerContainerFailedException
from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from fitbit_pipeline import BATCH_STEPS, LAKEHOUSE_SOURCES, REPORT_STEP, STEPS, config

EXIT_BAD_COMMAND_LINE = 2
# Steps whose last stdout line is their result (a JSON object), pushed to XCom.
XCOM_STEPS = ("promote", REPORT_STEP, "ingest", "silver", "gold")
# Exit codes that mean "nothing to do" for a step: the task is skipped, not failed. report: the
# warehouse records nothing of the run (every step failed before it could record itself).
SKIP_EXIT_CODES = {REPORT_STEP: 4}

# The run id argument every step gets (Airflow's run ids, ':' and '+' included, are accepted).
RUN_ID = "--run-id {{ run_id | fitbit_run_id }}"
# Template macros and filters the operator's templates use: pass them to the DAG.
TEMPLATE_MACROS = {"fitbit_image": config.image_for}
TEMPLATE_FILTERS = {"fitbit_run_id": config.safe_run_id}

_STATUS_CODE = re.compile(r"['\"]StatusCode['\"]:\s*(\d+)")
# The step images' Dockerfile: its ENTRYPOINT holds the JVM flags every step runs with (heap and
# memory caps measured in docs/performance.md); local mode passes the same flags to ``java``.
STEP_DOCKERFILE = Path("images") / "Dockerfile.jvm-prebuilt"
_ENTRYPOINT = re.compile(r"^ENTRYPOINT\s+(\[.*?\])", re.MULTILINE | re.DOTALL)


# The image's AOT cache, made while the image builds (it serves only that image's JVM).
_IMAGE_AOT_CACHE = "-XX:AOTCache="


def step_jvm_flags(root: Path) -> list[str]:
    """The JVM options of the step images' ENTRYPOINT (between ``java`` and ``-jar``), so a local
    task runs with the memory caps a container has; none when the repository has no Dockerfile.
    The image's AOT cache is left out: its path is inside the image, and only the image's JDK 25
    knows the flag (a local ``java`` may be the build's JDK 17)."""
    try:
        text = (root / STEP_DOCKERFILE).read_text(encoding="utf-8").replace("\\\n", " ")
    except OSError:
        return []
    found = _ENTRYPOINT.search(text)
    if not found:
        return []
    words = json.loads(found.group(1))
    if not words or words[0] != "java" or "-jar" not in words:
        return []
    return [w for w in words[1 : words.index("-jar")] if not w.startswith(_IMAGE_AOT_CACHE)]


class FitbitStepOperator(DockerOperator):
    """Run pipeline step ``step`` with the (templated) argument string ``command``.

    ``source`` (lakehouse ingest tasks): the task runs only when that source is among the run's
    ``sources`` param, and is skipped otherwise.

    ``shard`` (weekly extract and transform, mapped with ``.expand(shard=...)``): "i/n", appended
    to the command as ``--shard i/n``; "1/1" (one shard, the default) appends nothing.
    """

    ui_color = "#d7ecfb"

    def __init__(
        self,
        *,
        step: str,
        command: str,
        source: str | None = None,
        shard: str | None = None,
        **kwargs: Any,
    ) -> None:
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, not {step!r}")
        if source is not None and source not in LAKEHOUSE_SOURCES:
            raise ValueError(f"source must be one of {LAKEHOUSE_SOURCES}, not {source!r}")
        kwargs.setdefault("image", f"{{{{ fitbit_image('{step}') }}}}")
        kwargs.setdefault("auto_remove", "force")  # the log is kept by Airflow, not the container
        kwargs.setdefault("mount_tmp_dir", False)  # no host mounts needed
        kwargs.setdefault("do_xcom_push", step in XCOM_STEPS)  # the last line = the step's result
        if step in BATCH_STEPS:
            kwargs.setdefault("environment", {"FITBIT_USERS": "{{ params.users | join(',') }}"})
        super().__init__(command=command, **kwargs)
        self.step = step
        self.source = source
        self.shard = shard
        self._process: subprocess.Popen | None = None

    # -----------------------------------------------------------------------------------------
    def execute(self, context: Any) -> Any:
        params = context["params"]
        if params.get("dry_run") and self.step != "extract":
            raise AirflowSkipException(f"dry run: extract only lists the input, {self.step} skipped")
        if self.source is not None and self.source not in config.selected_sources(params):
            raise AirflowSkipException(f"source {self.source} is not among this run's sources")

        # After rendering, so both modes (container and subprocess) run the same command line.
        self.command = f"{self.command}{config.shard_arg(self.shard)}"

        public, secret = config.step_environment(self.step)
        rendered = {k: str(v) for k, v in (self.environment or {}).items() if v not in (None, "")}
        self.environment = {**public, **rendered}
        self._private_environment = secret

        mode = config.task_mode()
        self.log.info(
            "Step %s in %s mode, args: %s; environment: %s; secret environment: %s",
            self.step,
            mode,
            self.command,
            sorted(self.environment),
            sorted(secret),
        )
        if mode == "docker":
            self.network_mode = config.setting("fitbit_docker_network") or self.network_mode
            try:
                return self.result(super().execute(context))
            except DockerContainerFailedException as exc:
                found = _STATUS_CODE.search(str(exc))
                code = int(found.group(1)) if found else None
                if code == EXIT_BAD_COMMAND_LINE:
                    # a retry cannot fix the command line
                    raise AirflowFailException(f"{self.step} exited with code 2: {exc}") from exc
                if code is not None and code == SKIP_EXIT_CODES.get(self.step):
                    raise AirflowSkipException(f"{self.step} exited with code {code}: {exc}") from exc
                raise
        return self.result(self.run_local())

    def result(self, line: Any) -> Any:
        """The step's result (its last stdout line, the XCom); the report's location is logged."""
        if self.step == REPORT_STEP and line:
            try:
                location = json.loads(line).get("report") if isinstance(line, str) else line.get("report")
            except (ValueError, AttributeError):
                location = None
            if not location:
                raise AirflowException(f"report printed no location as its last line: {line!r}")
            self.log.info("Run report: %s", location)
        return line

    # -----------------------------------------------------------------------------------------
    def args(self) -> list[str]:
        command = self.command
        return list(command) if isinstance(command, (list, tuple)) else shlex.split(command or "")

    def local_command(self) -> list[str]:
        """The local equivalent of the container: LAUNCHER STEP ARGS, java -jar, or ./pipeline
        (``pipeline STEP`` for the batch steps, ``pipeline stream STEP`` for the lakehouse's; the
        report needs its jar)."""
        root = config.repo_root()
        launcher = config.setting("fitbit_local_launcher")
        if launcher:
            return [*shlex.split(launcher), self.step, *self.args()]
        jar = root / "tasks" / self.step / "target" / "quarkus-app" / "quarkus-run.jar"
        if jar.is_file():
            return ["java", *step_jvm_flags(root), "-jar", str(jar), *self.args()]
        if self.step == REPORT_STEP:
            # `./pipeline report` is the launcher's own command (a local file, other options); the
            # launcher builds this jar with every other on first use.
            raise AirflowException(
                f"{jar} is not built: run ./pipeline once (it builds every step) or mvn install"
            )
        group = [] if self.step in BATCH_STEPS else ["stream"]
        return [str(root / "pipeline"), *group, self.step, *self.args()]

    def run_local(self) -> str | None:
        cmd = self.local_command()
        env = {**os.environ, **self.environment, **self._private_environment}
        self.log.info("Running %s", " ".join(shlex.quote(c) for c in cmd))
        errors: list[str] = []
        last_line: str | None = None

        def pump_stderr(stream) -> None:
            for line in stream:
                line = line.rstrip("\n")
                self.log.info("%s", line)
                if line.startswith("ERROR:"):
                    errors.append(line)

        self._process = proc = subprocess.Popen(
            cmd,
            cwd=str(config.repo_root()) if Path(config.repo_root()).is_dir() else None,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        reader = threading.Thread(target=pump_stderr, args=(proc.stderr,), daemon=True)
        reader.start()
        try:
            for line in proc.stdout:
                line = line.rstrip("\n")
                self.log.info("%s", line)
                if line.strip():
                    last_line = line.strip()
            rc = proc.wait()
            reader.join(timeout=10)
        finally:
            if proc.poll() is None:  # timeout or kill while the step runs
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            self._process = None
        if rc != 0:
            reason = errors[-1] if errors else "no ERROR line on stderr"
            message = f"{self.step} exited with code {rc}: {reason}"
            if rc == EXIT_BAD_COMMAND_LINE:
                raise AirflowFailException(message)  # a retry cannot fix the command line
            if rc == SKIP_EXIT_CODES.get(self.step):
                raise AirflowSkipException(message)
            raise AirflowException(message)
        return last_line if self.do_xcom_push else None

    def on_kill(self) -> None:
        proc = self._process
        if proc is not None and proc.poll() is None:
            self.log.info("Stopping the local step process %s", proc.pid)
            proc.terminate()
            return
        super().on_kill()
