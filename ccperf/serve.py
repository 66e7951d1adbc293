"""`ccperf serve`: the pipeline as a Prefect deployment on a cron schedule, served by this process.

The API is the one named by PREFECT_API_URL (environment or active Prefect profile); without it, a Prefect
server on 127.0.0.1:<port>, started here when none answers (and stopped when `ccperf serve` stops). The deployment
is of the real flow, `flows/pipeline.py:pipeline`; its runs execute on this machine, one at a time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ccperf.lifecycle import child_command
from ccperf.local_server import is_healthy, log_tail, wait_until_healthy

DEFAULT_CRON = "0 6 * * *"  # every day at 06:00
DEFAULT_TIMEZONE = "Europe/Rome"  # the chambers' time: a 06:00 run stays at 06:00 across daylight saving
DEFAULT_PORT = 4200  # Prefect's own default, so `prefect` commands find the server without configuration
DEPLOYMENT_NAME = "ccperf-serve"
SERVER_START_TIMEOUT_S = 120.0  # the first start migrates a new database: ~10 s alone, more on a busy machine
Say = Callable[[str], None]


class ServeError(Exception):
    """A problem the user can fix, said in plain words (no traceback)."""


@dataclass
class Api:
    """The Prefect API in use, and the server process when ccperf started it (None: someone else's)."""

    url: str
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def ui_url(self) -> str:
        return self.url.rstrip("/").removesuffix("/api")


def schedule_from_env() -> str:
    return os.environ.get("CCPERF_SCHEDULE", "").strip() or DEFAULT_CRON


def timezone_from_env() -> str:
    return os.environ.get("CCPERF_TIMEZONE", "").strip() or DEFAULT_TIMEZONE


def check_schedule(cron: str, timezone: str) -> None:
    """Refuse a bad cron string or time zone before anything is started (ValueError in plain words)."""
    from prefect.schedules import Cron

    try:
        Cron(cron)  # validates the cron string
    except ValueError as exc:
        raise ValueError(f"{cron!r} is not a valid cron schedule (e.g. '0 6 * * *': every day at 06:00)") from exc
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{timezone!r} is not a time zone (e.g. Europe/Rome, UTC)") from exc



def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile (`prefect config set ...`)."""
    from prefect.settings import get_current_settings

    return os.environ.get("PREFECT_API_URL") or get_current_settings().api.url


def local_api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


def prefect_home(data_dir: Path) -> Path:
    """Where a server started by ccperf keeps its database: PREFECT_HOME if set, else <data_dir>/.prefect."""
    return Path(os.environ.get("PREFECT_HOME") or data_dir / ".prefect").expanduser().resolve()



def start_server(port: int, home: Path, timeout_s: float = SERVER_START_TIMEOUT_S) -> Api:
    """Start `prefect server start` on loopback with this Python and wait until it answers."""
    home.mkdir(parents=True, exist_ok=True)
    log = home / "ccperf-server.log"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    with log.open("ab") as out:
        # own session: the server and its workers are stopped together, and Ctrl+C reaches ccperf first
        # and it ends with ccperf even when ccperf is killed (parent-death signal, see ccperf.lifecycle)
        process = subprocess.Popen(child_command([sys.executable, "-m", "prefect", "server", "start", "--host",
                                                  "127.0.0.1", "--port", str(port)]),
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                   start_new_session=True)
    api = Api(local_api_url(port), process, log)
    try:
        exit_code = wait_until_healthy(process, api.url, timeout_s)
    except TimeoutError:
        stop_server(api)
        raise ServeError(f"the Prefect server on 127.0.0.1:{port} did not answer within {timeout_s:.0f} s; "
                         f"last lines of {log}:\n{log_tail(log)}") from None
    if exit_code is not None:
        raise ServeError(f"the Prefect server stopped at start (exit code {exit_code}); "
                         f"last lines of {log}:\n{log_tail(log)}")
    return api


def stop_server(api: Api, timeout_s: float = 20.0) -> None:
    """Stop the server ccperf started (never one it found running), its worker processes with it."""
    if api.process is None or api.process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(api.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            api.process.wait(timeout=timeout_s)
            return
        except subprocess.TimeoutExpired:
            continue


def find_api(data_dir: Path, port: int, say: Say = print) -> Api:
    """The API named by PREFECT_API_URL (it must answer), else a local server on <port>, started if needed."""
    configured = configured_api_url()
    if configured:
        if not is_healthy(configured):
            raise ServeError(f"no Prefect API answers at PREFECT_API_URL={configured} ({configured.rstrip('/')}"
                             "/health): start that server, or unset PREFECT_API_URL to let ccperf start one on "
                             f"127.0.0.1:{port}")
        return Api(configured)
    url = local_api_url(port)
    if is_healthy(url):
        return Api(url)
    home = prefect_home(data_dir)
    say(f"starting a Prefect server on 127.0.0.1:{port} (PREFECT_HOME={home}, log {home / 'ccperf-server.log'})")
    return start_server(port, home)


async def next_run_time(cron: str, timezone: str) -> datetime | None:
    # the server's own schedule arithmetic: its scheduler creates the runs only on its next pass (up to a minute)
    from prefect.server.schemas.schedules import CronSchedule

    dates = await CronSchedule(cron=cron, timezone=timezone).get_dates(n=1)
    return dates[0] if dates else None


async def _serve(flow: Any, data_dir: Path, cron: str, timezone: str, run_now: bool, api: Api, say: Say) -> None:
    from prefect import get_client
    from prefect.runner import Runner
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    # limit=1: two runs at once would only wait for each other's lock on the warehouse
    runner = Runner(name=DEPLOYMENT_NAME, pause_on_shutdown=True, limit=1)
    # add_flow, as flow.serve does: the deployment of the real flow, runs started from the flow object here
    deployment_id: UUID = await runner.aadd_flow(
        flow, name=DEPLOYMENT_NAME, schedules=[Cron(cron, timezone=timezone)], paused=False,
        parameters={"data_dir": str(data_dir)}, tags=["ccperf"],
        description=f"ccperf pipeline on {data_dir}, scheduled by `ccperf serve`",
        entrypoint_type=EntrypointType.MODULE_PATH)  # flows.pipeline.pipeline, whatever the working directory
    full_name = f"{flow.name}/{DEPLOYMENT_NAME}"
    nxt = await next_run_time(cron, timezone)
    say(f"Prefect API: {api.url} (UI: {api.ui_url}/deployments/deployment/{deployment_id})")
    say(f"deployment: {full_name}, on the documents in {data_dir / 'raw'}, publishing to {data_dir / 'marts'}")
    say(f"schedule: '{cron}' ({timezone}); next run: "
        + (nxt.strftime("%Y-%m-%d %H:%M %Z") if nxt else "none (the schedule has no future date)"))
    if run_now:
        async with get_client() as client:
            flow_run = await client.create_flow_run_from_deployment(deployment_id)
        say(f"run now: flow run {flow_run.name} ({flow_run.id}) starts in a few seconds")
    say(f"run it any time with: prefect deployment run '{full_name}'")
    say("stop with Ctrl+C (the schedule is paused until `ccperf serve` runs again"
        + ("; the Prefect server started here stops too)" if api.process else ")"))
    serving = asyncio.create_task(runner.start())
    await asyncio.sleep(0)  # let runner.start install its SIGTERM handler, then replace it:
    # Prefect's handler calls sys.exit inside the event loop (tracebacks); cancelling stops the runner cleanly
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, serving.cancel)
    with suppress(asyncio.CancelledError):  # SIGTERM or Ctrl+C: the runner paused the schedule, stopped its runs
        await serving


@contextmanager
def api_settings(api_url: str) -> Iterator[None]:
    """Point this process and the flow-run processes it starts at the API."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url  # inherited by the flow-run subprocesses
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):  # prefect already read the environment
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def serve(data_dir: Path, cron: str, timezone: str, port: int = DEFAULT_PORT, run_now: bool = False,
          say: Say = print) -> None:
    """Create the deployment and run its scheduled (and requested) runs until interrupted."""
    check_schedule(cron, timezone)
    if not (data_dir / "raw").is_dir():
        raise ServeError(f"no documents folder {data_dir / 'raw'}: give the data folder holding raw/ (--data-dir)")
    api = find_api(data_dir, port, say)
    try:
        with api_settings(api.url):
            from flows.pipeline import pipeline

            asyncio.run(_serve(pipeline, data_dir, cron, timezone, run_now, api, say))
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(api)
    say("stopped")
