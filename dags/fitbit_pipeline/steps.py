"""FitbitStepOperator: one pipeline step (extract, transform, load, promote).

It is a DockerOperator: in docker mode (the default, production) it runs the step's image with
the rendered command. In local mode (Variable ``fitbit_task_mode`` = ``local``) it runs the very
same command line as a subprocess of the worker, with the built jars of the repository, for
machines without a Docker engine. The DAG is the same in both modes.

Configuration reaches the step as environment: non-secret values through ``environment``,
secrets (passwords, keys) through ``private_environment``, which is neither templated nor shown
among the rendered fields. Both are resolved from the connections when the task executes.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

from airflow.providers.docker.operators.docker import DockerOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

from fitbit_pipeline import STEPS, config

EXIT_BAD_COMMAND_LINE = 2


class FitbitStepOperator(DockerOperator):
    """Run pipeline step ``step`` with the (templated) argument string ``command``."""

    ui_color = "#d7ecfb"

    def __init__(self, *, step: str, command: str, **kwargs: Any) -> None:
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, not {step!r}")
        kwargs.setdefault("image", f"{{{{ fitbit_image('{step}') }}}}")
        kwargs.setdefault("auto_remove", "force")  # the log is kept by Airflow, not the container
        kwargs.setdefault("mount_tmp_dir", False)  # no host mounts needed
        kwargs.setdefault("do_xcom_push", step == "promote")  # promote's last line = run stats
        kwargs.setdefault("environment", {"FITBIT_USERS": "{{ params.users | join(',') }}"})
        super().__init__(command=command, **kwargs)
        self.step = step
        self._process: subprocess.Popen | None = None

    # -----------------------------------------------------------------------------------------
    def execute(self, context: Any) -> Any:
        params = context["params"]
        if params.get("dry_run") and self.step != "extract":
            raise AirflowSkipException(f"dry run: extract only lists the input, {self.step} skipped")

        public, secret = config.step_environment()
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
            return super().execute(context)
        return self.run_local()

    # -----------------------------------------------------------------------------------------
    def args(self) -> list[str]:
        command = self.command
        return list(command) if isinstance(command, (list, tuple)) else shlex.split(command or "")

    def local_command(self) -> list[str]:
        """The local equivalent of the container: LAUNCHER STEP ARGS, java -jar, or ./pipeline."""
        root = config.repo_root()
        launcher = config.setting("fitbit_local_launcher")
        if launcher:
            return [*shlex.split(launcher), self.step, *self.args()]
        jar = root / "tasks" / self.step / "target" / "quarkus-app" / "quarkus-run.jar"
        if jar.is_file():
            return ["java", "-jar", str(jar), *self.args()]
        return [str(root / "pipeline"), self.step, *self.args()]

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
            raise AirflowException(message)
        return last_line if self.do_xcom_push else None

    def on_kill(self) -> None:
        proc = self._process
        if proc is not None and proc.poll() is None:
            self.log.info("Stopping the local step process %s", proc.pid)
            proc.terminate()
            return
        super().on_kill()
