"""Faults: a crash in the middle of landing, a dbt failure, a GX failure, a warehouse locked by another process.
Each ends with a clear message and no traceback, never touches the last good publication, and the next run
recovers to exactly the marts of a clean run (idempotency).

The sequence runs on the session's data folder after the shared end-to-end run (`pipeline_run`), so the marts
it must get back to are those of the real documents; its last step is a full run that leaves the folder as the
end-to-end tests expect it.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ccperf import quality, stages, warehouse
from ccperf.config import Settings
from ccperf.errors import PipelineError
from ccperf.summary import RunSummary
from ccperf.warehouse import RAW_TABLES
from tests.pipeline_helpers import BRESCIA, marts_snapshot, query, run_flow

# Lands every document like the pipeline (one transaction for the batch), but the third document arrives changed
# (half its readings) and the process is killed (SIGKILL: no cleanup, no rollback of its own) in the middle of the
# transaction, after the documents, segments, objectives and readings tables were already replaced.
CRASH_WHILE_LANDING = r"""
import os, signal, sys
from ccperf import land, planning
from ccperf.extract import batch
from ccperf.config import Settings

settings = Settings.load(sys.argv[1])
original_frames, original_concat = land.frames_for, land.pl.concat
calls, tables = [], []

def frames_for(result, *args):
    calls.append(result.document_file)
    if len(calls) == 3:
        result.readings = result.readings[: len(result.readings) // 2]
    return original_frames(result, *args)

def concat(frames, *args, **kwargs):
    tables.append(len(frames))
    if len(tables) == 5:
        print("killing myself while landing", len(calls), "documents", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    return original_concat(frames, *args, **kwargs)

land.frames_for, land.pl.concat = frames_for, concat
results = [batch.extract(p, {}) for p in planning.discover(settings)]
documents, outcomes = land.classify(results)
land.land(settings, documents, outcomes)
print("not killed", flush=True)
"""

HOLD_WAREHOUSE = r"""
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _raw_counts(db: Path) -> dict[tuple[str, str], int]:
    counts = {}
    for table in RAW_TABLES:
        if table == "document_files":
            continue
        for sha, n in query(db, f"select document_sha256, count(*) from raw.{table} group by 1"):
            counts[(table, sha)] = n
    return counts


def _published(marts: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(marts.iterdir()) if p.is_file()}


def _holder(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WAREHOUSE, str(db), str(seconds)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclasses.dataclass
class Faults:
    baseline_marts: dict[str, list[tuple]]
    baseline_raw: dict[tuple[str, str], int]
    baseline_publication: dict[str, bytes]
    dbt_failure: RunSummary
    publication_after_dbt_failure: dict[str, bytes]
    locked_exit_code: int
    locked_output: str
    locked_logs: list[logging.LogRecord]
    locked_seconds: float
    publication_after_lock: dict[str, bytes]
    crash_output: str
    crash_returncode: int
    raw_after_crash: dict[tuple[str, str], int]
    third_document: str
    recovery: RunSummary
    recovered_marts: dict[str, list[tuple]]


@pytest.fixture(scope="module")
def faults(pipeline_run: RunSummary, data_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Faults:
    assert pipeline_run.status == "succeeded"
    settings = Settings.load(data_copy)
    db, marts = settings.warehouse, settings.marts_dir
    baseline_marts, baseline_raw, baseline_publication = marts_snapshot(db), _raw_counts(db), _published(marts)

    # 1. dbt fails: a mart model raises while it is built
    broken = tmp_path_factory.mktemp("broken-dbt") / "dbt_project"
    shutil.copytree(settings.dbt_project_dir, broken, ignore=shutil.ignore_patterns("target", "logs"))
    model = broken / "models" / "marts" / "dim_year.sql"
    model.write_text(model.read_text().replace("where year is not null",
                                               "where year is not null and error('injected dbt failure') is null"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Settings, "dbt_project_dir", property(lambda self: broken))
        dbt_failure = run_flow(data_copy)
    publication_after_dbt_failure = _published(marts)

    # 2. the warehouse is locked by another process for longer than the run waits
    from typer.testing import CliRunner

    from ccperf.cli import app

    records = _Records()
    loggers = [logging.getLogger(n) for n in ("prefect.flow_runs", "prefect.task_runs")]
    holder = _holder(db, 60)
    try:
        for logger in loggers:
            logger.addHandler(records)
        started = time.perf_counter()
        result = CliRunner().invoke(app, ["run", "--data-dir", str(data_copy)], env={"CCPERF_LOCK_TIMEOUT_S": "1"})
        locked_seconds = time.perf_counter() - started
    finally:
        for logger in loggers:
            logger.removeHandler(records)
        holder.kill()
        holder.wait()
    publication_after_lock = _published(marts)

    # 3. a crash in the middle of landing
    crash = subprocess.run([sys.executable, "-c", CRASH_WHILE_LANDING, str(data_copy)], capture_output=True,
                           text=True, timeout=300)
    third = sorted(p.name for p in settings.raw_dir.iterdir())[2]
    raw_after_crash = _raw_counts(db)

    # 4. the next run recovers
    recovery = run_flow(data_copy)
    return Faults(baseline_marts, baseline_raw, baseline_publication, dbt_failure, publication_after_dbt_failure,
                  result.exit_code, result.output, records.records, locked_seconds, publication_after_lock,
                  crash.stdout + crash.stderr, crash.returncode, raw_after_crash, third, recovery,
                  marts_snapshot(db))


def test_a_dbt_failure_stops_the_run_and_keeps_the_publication(faults: Faults) -> None:
    summary = faults.dbt_failure
    assert summary.status == "failed"
    assert summary.message.startswith("dbt build failed; nothing was published:")
    assert "model.ccperf.dim_year" in summary.message and "injected dbt failure" in summary.message
    assert not summary.published and not summary.quality_checked
    assert faults.publication_after_dbt_failure == faults.baseline_publication


def test_a_locked_warehouse_gives_a_clear_error_not_a_traceback(faults: Faults) -> None:
    assert faults.locked_exit_code == 1
    output = " ".join(faults.locked_output.split())  # the console wraps long lines
    assert "the warehouse " in output and "is locked by process " in output and "after waiting 1 s" in output
    assert "close the DuckDB session or BI tool holding it" in output
    assert "nothing was published: the previous publication (run " in output
    assert "rows in the warehouse: unknown (the warehouse could not be read after the run)" in output
    assert "Traceback" not in faults.locked_output
    failed = [r for r in faults.locked_logs if r.levelno >= logging.ERROR]
    assert failed and all(r.exc_info is None for r in failed)  # Prefect logged the message, not a traceback
    assert faults.locked_seconds < 60  # waited about the timeout, then gave up
    assert faults.publication_after_lock == faults.baseline_publication


def test_a_run_waits_for_a_short_lock(data_copy: Path, faults: Faults) -> None:
    settings = Settings.load(data_copy)
    holder = _holder(settings.warehouse, 1.5)
    try:
        started = time.perf_counter()
        with warehouse.warehouse(settings, timeout_s=30) as con:
            assert con.execute("select count(*) from raw.documents").fetchone()[0] == 5
        assert time.perf_counter() - started >= 0.5
    finally:
        holder.wait()


def test_dbt_on_a_locked_warehouse_says_so(data_copy: Path, faults: Faults) -> None:
    settings = Settings.load(data_copy)
    holder = _holder(settings.warehouse, 60)
    try:
        with pytest.raises(PipelineError) as err:
            stages.build_marts(settings)
    finally:
        holder.kill()
        holder.wait()
    assert str(err.value).startswith("dbt build could not open the warehouse; nothing was published: the warehouse ")
    assert f"is locked by process {holder.pid}" in str(err.value)


def test_a_crash_while_landing_leaves_the_warehouse_consistent(faults: Faults) -> None:
    assert faults.crash_returncode == -signal.SIGKILL, faults.crash_output
    assert "killing myself while landing" in faults.crash_output
    # every document has exactly the rows it had before: the interrupted batch was rolled back whole (the third
    # document kept its readings, not the half it was being replaced by, though its table was already replaced)
    assert faults.raw_after_crash == faults.baseline_raw
    assert faults.third_document == "002_4c02911812a27649.txt"


def test_the_next_run_recovers_to_the_same_marts(faults: Faults) -> None:
    assert faults.recovery.status == "succeeded", faults.recovery.message
    assert not faults.recovery.quality_failures
    # idempotency: after a clean run, a failed dbt build, a locked run and a crash, the marts are the same rows
    # with the same keys, every column of every mart
    assert faults.recovered_marts.keys() == faults.baseline_marts.keys()
    for table, rows in faults.baseline_marts.items():
        assert faults.recovered_marts[table] == rows, table
    assert faults.recovery.published


def test_a_gx_failure_blocks_the_gate_with_a_clear_message(data_copy: Path, faults: Faults, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.load(data_copy)
    # GX cannot start at all (here: cannot be imported)
    monkeypatch.setitem(sys.modules, "great_expectations", None)
    monkeypatch.setattr(quality, "_prefetch", None)
    with pytest.raises(PipelineError) as err:
        stages.check_quality(settings, "gx-cannot-start")
    assert str(err.value).startswith("the quality gate could not run; nothing was published: Great Expectations "
                                     "could not start: ")
    monkeypatch.undo()
    # GX runs but cannot run a suite (an expectation it does not know) or a suite's query fails
    suites = tmp_path / "suites"
    suites.mkdir()
    shutil.copy(settings.expectations_dir / "marts_current_readings.json", suites)
    (suites / "unknown.json").write_text('{"name": "unknown", "meta": {"query": "select 1 as x"}, "expectations": '
                                         '[{"type": "expect_column_values_to_be_purple", "kwargs": {"column": "x"}, '
                                         '"meta": {"severity": "warning"}}]}')
    (suites / "bad_query.json").write_text('{"name": "bad_query", "meta": {"query": "select * from marts.nope"}, '
                                           '"expectations": []}')
    monkeypatch.setattr(Settings, "expectations_dir", property(lambda self: suites))
    report = stages.check_quality(settings, "gx-cannot-run-a-suite")
    failed = {(o.suite, o.expectation): o for o in report.critical_failures}
    assert set(failed) == {("unknown", "suite runs"), ("bad_query", "query runs")}
    assert "expect_column_values_to_be_purple not found" in (failed[("unknown", "suite runs")].details or "")
    assert not report.passed
    stored = query(settings.warehouse, "select suite, expectation, success from audit.quality_results "
                   "where run_id = 'gx-cannot-run-a-suite' order by all")
    assert stored == [("bad_query", "query runs", False),
                      ("marts_current_readings", "expect_column_values_to_not_be_null", True),
                      ("marts_current_readings", "expect_compound_columns_to_be_unique", True),
                      ("marts_current_readings", "expect_compound_columns_to_be_unique", True),
                      ("unknown", "suite runs", False)]


def test_the_run_summary_of_a_failure_is_recorded(data_copy: Path, faults: Faults) -> None:
    runs = query(Settings.load(data_copy).warehouse, "select run_id, status, message from audit.runs")
    by_id = {r[0]: r for r in runs}
    assert by_id[faults.dbt_failure.run_id][1] == "failed"
    assert by_id[faults.recovery.run_id][1] == "succeeded"
    assert BRESCIA in {r[0] for r in query(Settings.load(data_copy).warehouse,
                                          "select document_file from raw.documents")}


def test_the_serving_file_can_be_opened_while_the_warehouse_is_locked(data_copy: Path, faults: Faults) -> None:
    settings = Settings.load(data_copy)
    holder = _holder(settings.warehouse, 60)
    try:
        con = duckdb.connect(str(settings.serving_db), read_only=True)
        assert con.execute("select count(*) from marts.fact_indicator_reading").fetchone()[0] == 901
        con.close()
    finally:
        holder.kill()
        holder.wait()
