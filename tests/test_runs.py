"""Run records: a start record before a run changes anything, an end record when it ends. A run without an end
record whose process is gone did not finish (interrupted): the next run says so, marks it and does not answer
"unchanged"; one whose process still runs is in progress, and a second run is refused."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ccperf import planning, runs
from ccperf.config import Settings
from ccperf.errors import PipelineError
from ccperf.summary import new_summary
from ccperf.warehouse import connect, ensure_schema
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import query

CREMONA = "000_b94ecf89defcc372.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings.load(tmp_path, env={})
    settings.raw_dir.mkdir()
    (settings.raw_dir / CREMONA).write_bytes((RAW_DIR / CREMONA).read_bytes())
    con = connect(settings.warehouse)
    ensure_schema(con)
    con.close()
    return settings


def _open_record(settings: Settings, run_id: str, pid: int, created: float | None) -> None:
    con = connect(settings.warehouse)
    try:
        con.execute("insert into audit.runs by name select ? as run_id, current_timestamp as started_at, "
                    "'running' as status, 'started' as message, ? as pid, ? as host, ? as process_started",
                    [run_id, pid, runs.this_process()[1], created])
    finally:
        con.close()


def test_a_run_whose_process_is_gone_is_interrupted_and_the_next_run_says_so(settings: Settings) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    created = psutil.Process(gone.pid).create_time()
    gone.wait()
    _open_record(settings, "killed-run", gone.pid, created)
    assert planning.quick_plan(settings) is None  # no shortcut while a run has no end record
    summary = new_summary()
    run_plan, _ = planning.plan(settings, {}, summary=summary)
    assert not run_plan.nothing_changed
    assert run_plan.why_work()[0].startswith("run killed-run (started ")
    assert "did not finish (no end record): the warehouse is reconciled with raw/ and published again" in \
        run_plan.why_work()[0]
    records = dict(query(settings.warehouse, "select run_id, status from audit.runs"))
    assert records == {"killed-run": "interrupted", summary.run_id: "running"}
    message = query(settings.warehouse, "select message from audit.runs where run_id = 'killed-run'")[0][0]
    assert message.startswith(f"did not finish (no end record: process {gone.pid} ended without finishing")


def test_a_reused_pid_is_not_taken_for_the_run(settings: Settings) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _open_record(settings, "old-run", other.pid, psutil.Process(other.pid).create_time() - 3600)
        assert [r.run_id for r in runs.interrupted_runs(connect(settings.warehouse, read_only=True))] == ["old-run"]
    finally:
        other.kill()
        other.wait()


def test_a_second_run_while_one_is_in_progress_is_refused(settings: Settings) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.1)
        _open_record(settings, "busy-run", other.pid, psutil.Process(other.pid).create_time())
        with pytest.raises(PipelineError) as err:
            planning.plan(settings, {}, summary=new_summary())
        assert str(err.value).startswith("another ccperf run is in progress: run busy-run (started ")
        assert str(err.value).endswith("wait for it to finish (nothing was done)")
        assert query(settings.warehouse, "select count(*) from audit.runs") == [(1,)]  # no start record written
    finally:
        other.kill()
        other.wait()
    # once that process is gone, the run is interrupted and the next one goes ahead
    planning.plan(settings, {}, summary=new_summary())
    assert query(settings.warehouse, "select status from audit.runs where run_id = 'busy-run'") == [("interrupted",)]


def test_the_end_record_replaces_the_start_record(settings: Settings) -> None:
    from ccperf import stages

    summary = new_summary()
    planning.plan(settings, {}, summary=summary)
    summary.status, summary.message = "failed", "dbt build failed"
    stages.record_run(settings, summary)
    assert query(settings.warehouse, "select status, message, n_documents, n_readings from audit.runs") == [
        ("failed", "dbt build failed", 0, 0)]
    assert summary.warehouse_rows == {"documents": 0, "readings": 0, "objectives": 0, "facts": 0, "components": 0,
                                      "quarantined": 0}
