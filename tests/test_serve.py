"""`ccperf serve` and prefect.yaml against a real Prefect server on loopback (its own PREFECT_HOME in tmp).

One server and one `ccperf serve` process for the module; a run is triggered through the API, executed by the
serve process, and must publish the marts. Every process started here is stopped at the end (process groups).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from typer.testing import CliRunner

from ccperf.config import PROJECT_ROOT
from ccperf.serve import start_server, stop_server
from tests.conftest import RAW_DIR

CRON = "15 4 * * 2"  # Tuesdays at 04:15 (Rome): not the default, and never due while the tests run
TIMEZONE = "Europe/Rome"
DEPLOYMENT = "ccperf-pipeline/ccperf-serve"
RUN_TIMEOUT_S = 240  # a full run takes ~40 s alone; the 2 cores may be shared
BIN = Path(sys.executable).parent


@dataclass
class Server:
    url: str
    home: Path


@dataclass
class Served:
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL if it lingers: no server, runner or flow-run process left behind."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def env_for(server: Server, **extra: str) -> dict[str, str]:
    return {**os.environ, "PREFECT_API_URL": server.url, "PREFECT_HOME": str(server.home / "client"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", **extra}


@contextmanager
def client_of(server: Server) -> Iterator:
    """A client of this server, whatever API the session's Prefect test harness set up in this process."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.url, PREFECT_HOME: server.home / "client"}), \
            get_client(sync_client=True) as client:
        yield client


def wait_for(what: str, check, timeout_s: float, log: Path | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"{what}: not within {timeout_s:.0f} s" + (f"; log:\n{tail(log)}" if log else ""))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real Prefect server on loopback, started apart from `ccperf serve` (which finds it by PREFECT_API_URL)."""
    home = tmp_path_factory.mktemp("prefect-server")
    api = start_server(free_port(), home, timeout_s=120)
    try:
        yield Server(api.url, home)
    finally:
        stop_server(api)


@pytest.fixture(scope="module")
def served(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("serve-data")
    (data / "raw").mkdir()
    for document in RAW_DIR.glob("*.txt"):
        (data / "raw" / document.name).write_bytes(document.read_bytes())
    log = data / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BIN / "ccperf"), "serve", "--data-dir", str(data), "--cron", CRON],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env_for(server), start_new_session=True)
    try:
        wait_for("ccperf serve prints its deployment", lambda: process.poll() is not None or "stop with Ctrl+C"
                 in log.read_text(errors="replace"), 90, log)
        assert process.poll() is None, f"ccperf serve stopped:\n{tail(log)}"
        yield Served(data, process, log)
    finally:
        stop_group(process)


@pytest.mark.slow
def test_serve_creates_the_deployment_of_the_pipeline_on_the_schedule(server: Server, served: Served) -> None:
    with client_of(server) as client:
        deployment = client.read_deployment_by_name(DEPLOYMENT)
    assert [(s.schedule.cron, s.schedule.timezone, s.active) for s in deployment.schedules] == [(CRON, TIMEZONE, True)]
    assert deployment.parameters == {"data_dir": str(served.data_dir)}
    assert deployment.entrypoint == "flows.pipeline.pipeline"
    assert not deployment.paused
    printed = served.log.read_text()
    assert server.url in printed and DEPLOYMENT in printed and f"'{CRON}' ({TIMEZONE}); next run: " in printed


@pytest.mark.slow
def test_a_triggered_run_is_executed_by_serve_and_publishes_the_marts(server: Server, served: Served) -> None:
    triggered_at = datetime.now()
    with client_of(server) as client:
        deployment = client.read_deployment_by_name(DEPLOYMENT)
        flow_run = client.create_flow_run_from_deployment(deployment.id)

        def ended():
            current = client.read_flow_run(flow_run.id)
            return current if current.state and current.state.is_final() else None

        final = wait_for("the triggered run ends", ended, RUN_TIMEOUT_S, served.log)
    assert final.state.is_completed(), f"{final.state.name}: {final.state.message}\n{tail(served.log)}"
    assert final.parameters == {"data_dir": str(served.data_dir)}

    marts = served.data_dir / "marts"
    manifest = json.loads((marts / "_publication.json").read_text())
    assert datetime.fromisoformat(manifest["published_at"]) >= triggered_at.replace(microsecond=0)
    assert manifest["serving_db"] == "ccperf.duckdb" and (marts / "ccperf.duckdb").is_file()
    assert manifest["files"]["fact_indicator_reading.parquet"] > 0
    assert all((marts / name).is_file() for name in manifest["files"])
    con = duckdb.connect(str(served.data_dir / "warehouse.duckdb"), read_only=True)
    try:  # the publication is this run's: the last run recorded in the warehouse
        last = con.execute("select run_id, status from audit.runs order by started_at desc limit 1").fetchone()
    finally:
        con.close()
    assert last == (manifest["run_id"], "succeeded")


@pytest.mark.slow
def test_the_server_schedules_the_next_runs_on_the_cron(server: Server, served: Served) -> None:
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with client_of(server) as client:
        deployment = client.read_deployment_by_name(DEPLOYMENT)
        scheduled = FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id]),
                                  state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])))
        runs = wait_for("the server schedules runs", lambda: client.read_flow_runs(flow_run_filter=scheduled), 10)
    starts = sorted(r.expected_start_time.astimezone(ZoneInfo(TIMEZONE)) for r in runs)
    assert starts[0] > datetime.now(UTC)
    assert all((s.isoweekday(), s.hour, s.minute) == (2, 4, 15) for s in starts)


@pytest.mark.slow
def test_prefect_yaml_deploys_to_a_process_work_pool(server: Server) -> None:
    env = env_for(server, PWD=str(PROJECT_ROOT))  # prefect.yaml fills "{{ $PWD }}" at deploy time
    pool = subprocess.run([str(BIN / "prefect"), "work-pool", "create", "ccperf", "--type", "process"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    deploy = subprocess.run([str(BIN / "prefect"), "--no-prompt", "deploy", "-n", "ccperf-daily"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, env=env, timeout=180)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    with client_of(server) as client:
        deployment = client.read_deployment_by_name("ccperf-pipeline/ccperf-daily")
    assert deployment.entrypoint == "flows/pipeline.py:pipeline"
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [("0 6 * * *", TIMEZONE)]
    assert deployment.parameters == {"data_dir": f"{PROJECT_ROOT}/data"}
    assert deployment.work_pool_name == "ccperf"
    assert deployment.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(PROJECT_ROOT)}}]


def test_an_unreachable_prefect_api_url_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    dead = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    started = time.monotonic()
    result = subprocess.run([str(BIN / "ccperf"), "serve", "--data-dir", str(tmp_path)], capture_output=True,
                            text=True, timeout=60, start_new_session=True,
                            env={**os.environ, "PREFECT_API_URL": dead, "PREFECT_HOME": str(tmp_path / "home")})
    assert result.returncode == 1
    assert time.monotonic() - started < 30
    assert f"no Prefect API answers at PREFECT_API_URL={dead}" in " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in result.stdout + result.stderr


def test_a_bad_schedule_is_refused_before_anything_starts(tmp_path: Path) -> None:
    from ccperf.cli import app

    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path), "--cron", "every morning"])
    assert result.exit_code == 2
    assert "not a valid cron schedule" in result.output
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path), "--timezone", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "not a time zone" in result.output
