"""A killed or stopped run leaves nothing the next run trusts wrongly, and no process behind.

`ccperf run` runs as a user runs it (a subprocess) on one data folder:
- SIGTERM and SIGINT while dbt works: the run stops dbt and the temporary Prefect server, records itself as
  cancelled, prints its summary and exits with 128 + the signal; the publication is untouched.
- SIGKILL while dbt works, after a document was added: dbt and the temporary Prefect server end by themselves;
  the document is taken out again, and the next run does not answer "unchanged": it sees the run that did not
  finish, reconciles the warehouse with raw/ (the document leaves it) and publishes the marts of a clean run.
- SIGKILL at 20 random points of forced runs while a reader keeps reconnecting: after each kill no process of
  the run is left, data/marts is one complete publication matching its _publication.json, and every reader saw a
  complete publication; the run after the last kill ends with the marts of a clean run.

(A kill at each step of publishing: tests/test_publication_faults.py.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ccperf.publish import check_publication
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import (
    CLI,
    POLLER,
    RETTIFICA,
    Reader,
    checksums,
    cli,
    cli_env,
    flat,
    marts_snapshot,
    query,
    write_rettifica,
)

pytestmark = pytest.mark.slow
KILLS = 20


class Run:
    """`ccperf run` in a subprocess, with every process it starts remembered (to check none outlives it)."""

    def __init__(self, data: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.out = data.parent / f"run-{time.monotonic_ns()}.out"
        with self.out.open("w") as fh:
            self.proc = subprocess.Popen([sys.executable, "-c", CLI, "run", "--data-dir", str(data), *args],
                                         env=cli_env(env), stdout=fh, stderr=subprocess.STDOUT, text=True)
        self.children: dict[tuple[int, float], list[str]] = {}

    def watch(self) -> list[list[str]]:
        """Remember the run's descendants now; returns their command lines."""
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    self.children.setdefault((child.pid, child.create_time()), child.cmdline())
        return list(self.children.values())

    def wait_for(self, word: str, timeout: float = 240) -> None:
        """Wait until a descendant whose command line holds `word` runs (dbt, uvicorn)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(word in " ".join(cmd) for cmd in self.watch()):
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"the run ended before {word} started:\n{self.output()}")
            time.sleep(0.1)
        raise AssertionError(f"no {word} process within {timeout} s")

    def sleep_watching(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.proc.poll() is None:
            self.watch()
            time.sleep(0.05)

    def signal(self, signum: int) -> int:
        self.watch()
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        return self.proc.wait(timeout=120)

    def survivors(self, timeout: float = 20) -> list[list[str]]:
        """The run's descendants still running after `timeout` seconds (none may be)."""
        deadline = time.monotonic() + timeout
        while True:
            alive = []
            for (pid, created), cmd in self.children.items():
                try:
                    process = psutil.Process(pid)
                    if process.create_time() == created and process.status() != psutil.STATUS_ZOMBIE:
                        alive.append(cmd)
                except psutil.Error:
                    pass
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.2)

    def output(self) -> str:
        return self.out.read_text(errors="replace")


@dataclasses.dataclass
class Base:
    data: Path
    marts: dict[str, list[tuple]]  # the marts of a clean run
    seconds: float  # how long a run takes


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    data = tmp_path_factory.mktemp("kills") / "data"
    (data / "raw").mkdir(parents=True)
    for path in RAW_DIR.glob("*.txt"):
        shutil.copy(path, data / "raw" / path.name)
    started = time.monotonic()
    first = cli("run", "--data-dir", str(data))
    assert first.returncode == 0, first.stdout + first.stderr
    return Base(data, marts_snapshot(data / "warehouse.duckdb"), time.monotonic() - started)


def _last_run(data: Path) -> tuple:
    return query(data / "warehouse.duckdb", "select run_id, status, message from audit.runs "
                                            "order by started_at desc limit 1")[0]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_run_stops_its_children_records_itself_and_prints_its_summary(base: Base, signum: int,
                                                                               code: int) -> None:
    before = checksums(base.data / "marts")
    run = Run(base.data, "--force")
    run.wait_for("dbt")
    assert run.signal(signum) == code
    out = flat(run.output())
    name = signal.Signals(signum).name
    assert f"stopped by {name} during dbt: nothing was published, the previous publication stays in place" in out
    assert "cancelled in" in out and "the run was recorded as cancelled in audit.runs" in out
    assert "rows in the warehouse: 5 documents, 901 readings" in out  # the summary, read from the warehouse
    assert "Traceback" not in out
    assert run.survivors() == []  # dbt and the temporary Prefect server stopped with it
    assert any("dbt" in " ".join(cmd) for cmd in run.children.values())
    assert any("uvicorn" in " ".join(cmd) for cmd in run.children.values())
    assert checksums(base.data / "marts") == before
    run_id, status, message = _last_run(base.data)
    assert status == "cancelled" and message.startswith(f"stopped by {name} during dbt")


def test_a_killed_run_is_reconciled_by_the_next_one(base: Base) -> None:
    before = checksums(base.data / "marts")
    write_rettifica(base.data / "raw")
    run = Run(base.data)
    run.wait_for("dbt")
    assert run.signal(signal.SIGKILL) == -signal.SIGKILL
    assert run.survivors() == []  # dbt and the temporary Prefect server end by themselves
    assert checksums(base.data / "marts") == before  # killed before publishing: the publication is untouched
    db = base.data / "warehouse.duckdb"
    assert RETTIFICA in {r[0] for r in query(db, "select document_file from raw.documents")}  # landed, then killed
    assert _last_run(base.data)[1] == "running"  # a start record and no end
    status = cli("status", "--data-dir", str(base.data))
    assert "did not finish: run" in flat(status.stdout) and "has no end record (killed or crashed)" in flat(
        status.stdout)
    (base.data / "raw" / RETTIFICA).unlink()  # the input goes back to what was published
    after = cli("run", "--data-dir", str(base.data))
    out = flat(after.stdout)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "unchanged in" not in out
    assert "did not finish (no end record): the warehouse is reconciled with raw/ and published again" in out
    assert f"removed from the warehouse (no longer in raw/): {RETTIFICA}" in out
    assert RETTIFICA not in {r[0] for r in query(db, "select document_file from raw.documents")}
    assert marts_snapshot(db) == base.marts
    statuses = [r[0] for r in query(db, "select status from audit.runs order by started_at")]
    assert statuses[-2:] == ["interrupted", "succeeded"]
    assert check_publication(base.data / "marts").ok


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_twenty_kills_at_random_points_leave_a_whole_publication(base: Base, tmp_path: Path) -> None:
    from ccperf import serve

    api = serve.start_server(_free_port(), tmp_path / "prefect-home")  # runs skip starting a temporary server
    env = {"PREFECT_API_URL": api.url}
    serving = base.data / "marts" / "ccperf.duckdb"
    poller = Reader(POLLER, str(serving), str(base.data / "marts" / "fact_indicator_reading.parquet"),
                    str(tmp_path / "polled.json"), str(tmp_path / "stop"))
    rng = random.Random(17)
    killed_at: list[str] = []
    try:
        timed = Run(base.data, "--force", env=env)
        started = time.monotonic()
        timed.proc.wait(timeout=600)
        duration = time.monotonic() - started
        assert timed.proc.returncode == 0, timed.output()
        for number in range(KILLS):
            run = Run(base.data, "--force", env=env)
            # half the kills anywhere in the run, half in its last quarter (quality gate, publication)
            run.sleep_watching(rng.uniform(0.2, duration) if number % 2 else rng.uniform(0.75, 1.0) * duration)
            finished = run.proc.poll() is not None
            run.signal(signal.SIGKILL)
            stages = [line for line in run.output().splitlines() if "Task run '" in line]
            killed_at.append("after the end" if finished else ("after " + stages[-1].split("Task run '")[1].split("'")[0]
                                                                if stages else "before the first stage"))
            assert run.survivors() == [], killed_at[-1]
            check = check_publication(base.data / "marts")
            assert check.ok, (killed_at[-1], check.problems)
            assert query(serving, "select count(*) from marts.fact_indicator_reading") == [(901,)]
        final = cli("run", "--data-dir", str(base.data), env=env)
        (tmp_path / "stop").touch()
        poller.finish()
    finally:
        poller.kill()
        serve.stop_server(api)
    out = flat(final.stdout)
    assert final.returncode == 0, final.stdout + final.stderr
    if killed_at[-1] != "after the end":
        assert "did not finish (no end record)" in out and "succeeded in" in out
    db = base.data / "warehouse.duckdb"
    assert marts_snapshot(db) == base.marts
    assert check_publication(base.data / "marts").ok
    assert not list(base.data.glob(".marts-next-*"))
    assert query(db, "select count(*) from audit.runs where status = 'running'") == [(0,)]
    # every connection of the reader saw one whole publication: all the readings of the five documents
    polled = json.loads((tmp_path / "polled.json").read_text())
    assert not [p for p in polled if p["kind"] == "error"]
    serving_seen = [p for p in polled if p["kind"] == "serving"]
    assert len({p["run_id"] for p in serving_seen}) > 2
    assert all(sum(p["counts"].values()) == 901 and len(p["documents"]) == 5 for p in serving_seen)
    assert {p["rows"] for p in polled if p["kind"] == "parquet"} == {901}
    print("killed during:", killed_at)
