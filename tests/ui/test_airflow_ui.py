"""The Airflow UI in a real headless browser (Debian's chromium driven by Playwright from PyPI),
against `./pipeline airflow`: a local Airflow (standalone) with both DAGs in local task mode and
the launcher's real servers, the sample week seeded.

The DAGs are listed; a manual run of the weekly DAG is triggered from the params form for one
week (2026-W40, seeded) and one activity (steps); the run turns green in the UI; the promote task's log
shows the step's summary (its JSON result line with the run id and the week's daily rows). Screenshots go to
FITBIT_UI_SCREENSHOTS (default docs/images).

Run with scripts/test-ui.sh. FITBIT_UI_BASE_URL reuses an Airflow that is already running.
Skipped, saying why, when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FITBIT_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("FITBIT_UI_SCREENSHOTS", REPO / "docs" / "images"))
DAG_ID = "fitbit_intraday_weekly"
# Not the sample week 2026-W47: unpausing the DAG (the form's checkbox) also starts the scheduled
# run of the last week, whose extract looks back 4 weeks for late files and would load W47 first.
WEEK, ACTIVITY = "2026-W40", "steps"
START_TIMEOUT_S = 600
RUN_TIMEOUT_S = 900

if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (http://localhost only)
        return json.loads(response.read())


@pytest.fixture(scope="module")
def airflow():
    """The base URL of `./pipeline airflow --seed` on a free port (or FITBIT_UI_BASE_URL)."""
    if os.environ.get("FITBIT_UI_BASE_URL"):
        yield os.environ["FITBIT_UI_BASE_URL"].rstrip("/")
        return
    port = _free_port()
    state = Path(tempfile.mkdtemp(prefix="fitbit-airflow-ui-"))
    state.chmod(0o755)
    log = open(state / "pipeline-airflow.log", "w")
    proc = subprocess.Popen(
        [str(REPO / "pipeline"), "airflow", "--port", str(port), "--seed-week", WEEK],
        cwd=REPO,
        env={**os.environ, "PIPELINE_STATE_DIR": str(state)},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert proc.poll() is None, (state / "pipeline-airflow.log").read_text()[-4000:]
            try:
                dags = {d["dag_id"] for d in _get(f"{base}/api/v2/dags")["dags"]}
                if {DAG_ID, "fitbit_lakehouse"} <= dags:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "./pipeline airflow did not serve both DAGs in time"
            time.sleep(2)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        log.close()
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_trigger_a_week_of_one_activity_from_the_form_and_see_it_succeed(airflow, page):
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)  # a loaded 2-core machine: the UI can take seconds
    SHOTS.mkdir(parents=True, exist_ok=True)
    # The DAG list shows both DAGs.
    page.goto(f"{airflow}/dags", wait_until="networkidle")
    expect(page.get_by_role("link", name=DAG_ID, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="fitbit_lakehouse", exact=True)).to_be_visible()
    page.screenshot(path=str(SHOTS / "airflow-dags.png"))

    # The params form: one week, one activity (the DAG is unpaused by the form's checkbox).
    before = {r["dag_run_id"] for r in _get(f"{airflow}/api/v2/dags/{DAG_ID}/dagRuns")["dag_runs"]}
    page.goto(f"{airflow}/dags/{DAG_ID}", wait_until="networkidle")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog").filter(has_text=f"Trigger Dag - {DAG_ID}")
    page.locator("#element_week").fill(WEEK)
    page.locator("#element_activities").fill(ACTIVITY)
    page.screenshot(path=str(SHOTS / "airflow-trigger.png"))
    dialog.get_by_role("button", name="Trigger", exact=True).click()

    # The new run, followed until it ends.
    deadline = time.monotonic() + RUN_TIMEOUT_S
    run = None
    while time.monotonic() < deadline:
        runs = [
            r
            for r in _get(f"{airflow}/api/v2/dags/{DAG_ID}/dagRuns")["dag_runs"]
            if r["dag_run_id"] not in before
        ]
        run = runs[0] if runs else None
        if run and run["state"] in ("success", "failed"):
            break
        time.sleep(5)
    assert run is not None, "the form created no run"
    assert run["run_type"] == "manual" and run["conf"].get("week") == WEEK, run
    assert run["conf"].get("activities") == [ACTIVITY], run["conf"]
    run_id = run["dag_run_id"]
    tasks = {
        t["task_id"]: t["state"]
        for t in _get(f"{airflow}/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    }
    assert run["state"] == "success", tasks
    assert tasks[f"{ACTIVITY}.load"] == "success" and tasks["calories.load"] == "skipped", tasks

    # Green in the UI: the run's page says success.
    page.goto(f"{airflow}/dags/{DAG_ID}/runs/{run_id}", wait_until="networkidle")
    expect(page.get_by_text("success", exact=False).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "airflow-run.png"))

    # promote's log shows the step's summary: its JSON result line for this run.
    page.goto(f"{airflow}/dags/{DAG_ID}/runs/{run_id}/tasks/promote", wait_until="networkidle")
    summary = page.get_by_text('"activities"', exact=False).first
    expect(summary).to_be_visible(timeout=120_000)
    log_text = page.content()
    assert run_id in log_text, "promote's log does not name the run"
    daily = re.search(r'"steps_daily":\s*(\d+)', log_text)
    assert daily and int(daily.group(1)) > 0, "promote's summary shows no daily rows of the week"
    page.screenshot(path=str(SHOTS / "airflow-log.png"))
