"""Scheduling against a real Prefect server on 127.0.0.1: `pipeline serve` registers the nightly deployment
with its cron schedule; a run triggered through the REST API completes, writes curated data and publishes
its artifacts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

from tests.conftest import ROOT

pytestmark = pytest.mark.prefect
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(what: str, check: Callable[[], Any], timeout: float, procs: list[subprocess.Popen[bytes]]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            assert proc.poll() is None, f"{proc.args!r} exited early while waiting for {what}"
        try:
            result = check()
        except requests.ConnectionError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A real `prefect server start` on a free port of 127.0.0.1, with its own home and database."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PYTHONPATH": str(ROOT),
    }
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _wait_for("the Prefect server", lambda: requests.get(f"{api}/health", timeout=2).ok, 120, [proc])
        yield api, env, home
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _post(api: str, path: str, body: dict[str, Any]) -> Any:
    """POST to the Prefect API. A 503 (Service Unavailable: seen once in CI on create_flow_run while
    `pipeline serve` was polling the same SQLite-backed server) is retried for up to 30 s; any other error
    fails at once."""
    deadline = time.monotonic() + 30
    while True:
        response = requests.post(f"{api}{path}", json=body, timeout=10)
        if response.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    response.raise_for_status()
    return response.json()


def test_serve_registers_the_nightly_schedule_and_a_triggered_run_writes_curated_data(
    server: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    api, env, _ = server
    args = ["serve", "--raw-dir", str(tmp_path / "raw"), "--curated-dir", str(tmp_path / "curated"), "--name", "test"]
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    serve = subprocess.Popen(
        [str(BIN / "pipeline"), *args], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path
    )
    try:
        deployments = _wait_for(
            "the deployment",
            lambda: _post(api, "/deployments/filter", {"deployments": {"name": {"any_": ["test"]}}}),
            120,
            [serve],
        )
        (deployment,) = deployments
        (schedule,) = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *"
        assert schedule["schedule"]["timezone"] == "Europe/London"
        assert deployment["parameters"]["curated_dir"] == str(tmp_path / "curated")

        run = _post(api, f"/deployments/{deployment['id']}/create_flow_run", {})
        final = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

        def finished() -> dict[str, Any] | None:
            state = requests.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state"]
            return state if state["type"] in final else None

        state = _wait_for("the flow run", finished, 300, [serve])
        assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        log.close()
    vacancies = pd.read_parquet(tmp_path / "curated" / "vacancies")
    assert len(vacancies) == 14
    nights = pd.read_parquet(tmp_path / "curated" / "source_nights")
    assert len(nights) == 9, "one row per bundled source"
    artifacts = _post(api, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}})
    kinds = {a["key"]: a["type"] for a in artifacts}
    assert kinds == {"nightly-source-counts": "table", "nightly-summary": "markdown"}
    summary = next(a for a in artifacts if a["key"] == "nightly-summary")["data"]
    assert "| nottinghamshire-childrens-homes | 1 | 1 | 0 | 4 | 0 | 0 | 0 | 0 |" in summary


def test_prefect_yaml_deploys_to_a_work_pool_and_a_worker_runs_it(
    server: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    api, env, _ = server
    prefect = str(BIN / "prefect")
    subprocess.run([prefect, "work-pool", "create", "recruitment", "--type", "process"], env=env, check=True)
    subprocess.run([prefect, "--no-prompt", "deploy", "--name", "nightly"], env=env, cwd=ROOT, check=True)
    (deployment,) = _post(api, "/deployments/filter", {"deployments": {"name": {"any_": ["nightly"]}}})
    assert deployment["schedules"][0]["schedule"]["cron"] == "0 2 * * *"
    assert deployment["work_pool_name"] == "recruitment"
    parameters = {
        "sources_file": "samples/sources.yaml",  # relative to the project folder, where the pull step goes
        "raw_dir": str(tmp_path / "raw"),
        "curated_dir": str(tmp_path / "curated"),
    }
    run = _post(api, f"/deployments/{deployment['id']}/create_flow_run", {"parameters": parameters})
    worker = subprocess.run(
        [prefect, "worker", "start", "--pool", "recruitment", "--run-once"],
        env={**env, "PIPELINE_HOME": str(ROOT)},
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    state = requests.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state"]
    assert state["type"] == "COMPLETED", worker.stdout.decode(errors="replace")[-3000:]
    assert len(pd.read_parquet(tmp_path / "curated" / "vacancies")) == 14
