"""The record of each run in audit.runs: a start record before the run changes anything, an end record when it
ends (succeeded, unchanged, failed, cancelled).

A run that has a start record and no end record did not finish: it was killed (SIGKILL, out of memory, a power
cut) or its end could not be written. The process that wrote the start record is known (pid, host and the
process's start time, so a reused pid is not mistaken for it): when that process is gone, the run is
`interrupted`, and the next run reconciles the warehouse with raw/ and builds and publishes again instead of
answering "unchanged". When it is still running, another run is in progress and a second one is refused.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass

import duckdb
import psutil

from ccperf.summary import RunSummary
from ccperf.warehouse import ensure_audit

RUNNING = "running"
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: object
    pid: int | None
    host: str | None
    process_started: float | None

    def describe(self) -> str:
        return f"run {self.run_id} (started {str(self.started_at)[:19]}, process {self.pid} on {self.host})"


def this_process() -> tuple[int, str, float]:
    pid = os.getpid()
    return pid, socket.gethostname(), round(psutil.Process(pid).create_time(), 2)


def is_alive(record: RunRecord) -> bool:
    """Whether the process that started the run still runs (on another host: assumed to)."""
    pid, host, _ = this_process()
    if record.host and record.host != host:
        return True
    if record.pid is None:
        return False
    if record.pid == pid:
        return False  # this process runs one run at a time: an open record of its own is a run that ended badly
    try:
        process = psutil.Process(record.pid)
        started = round(process.create_time(), 2)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
        return False
    if process.status() == psutil.STATUS_ZOMBIE:
        return False
    return record.process_started is None or abs(started - record.process_started) < 1.0


def open_runs(con: duckdb.DuckDBPyConnection) -> list[RunRecord]:
    """Runs with a start record and no end record."""
    try:
        rows = con.execute("select run_id, started_at, pid, host, process_started from audit.runs "
                           "where status = ? order by started_at", [RUNNING]).fetchall()
    except duckdb.Error:  # no audit.runs yet, or one from an older version
        return []
    return [RunRecord(*row) for row in rows]


def interrupted_runs(con: duckdb.DuckDBPyConnection) -> list[RunRecord]:
    return [r for r in open_runs(con) if not is_alive(r)]


def runs_in_progress(con: duckdb.DuckDBPyConnection) -> list[RunRecord]:
    return [r for r in open_runs(con) if is_alive(r)]


def start(con: duckdb.DuckDBPyConnection, summary: RunSummary) -> list[RunRecord]:
    """Write the run's start record; first mark the runs that did not finish as interrupted. Returns them."""
    ensure_audit(con)
    gone = interrupted_runs(con)
    for record in gone:
        con.execute("update audit.runs set status = ?, message = ? where run_id = ? and status = ?", [
            INTERRUPTED, f"did not finish (no end record: process {record.pid} ended without finishing, killed or "
                         f"crashed); run {summary.run_id} reconciled the warehouse with raw/", record.run_id,
            RUNNING])
    pid, host, created = this_process()
    con.execute("delete from audit.runs where run_id = ?", [summary.run_id])
    con.execute("insert into audit.runs by name select ? as run_id, ? as started_at, ? as status, ? as message, "
                "? as pid, ? as host, ? as process_started",
                [summary.run_id, summary.started_at, RUNNING, "started", pid, host, created])
    return gone


def finish(con: duckdb.DuckDBPyConnection, summary: RunSummary, counts: dict[str, int] | None) -> None:
    """Replace the start record by the end record."""
    ensure_audit(con)
    pid, host, created = this_process()
    counts = counts or {}
    con.execute("begin transaction")
    try:
        con.execute("delete from audit.runs where run_id = ?", [summary.run_id])
        con.execute(
            "insert into audit.runs by name select ? as run_id, ? as started_at, current_timestamp as finished_at, "
            "? as status, ? as message, ? as n_files, ? as n_documents, ? as n_readings, ? as n_quarantined, "
            "? as elapsed_s, ? as n_extracted, ? as stage_seconds, ? as pid, ? as host, ? as process_started", [
                summary.run_id, summary.started_at, summary.status, summary.message, len(summary.documents),
                counts.get("documents"), counts.get("readings"), counts.get("quarantined"), summary.elapsed_s,
                len(summary.files_with_status("extracted")), json.dumps(summary.stage_seconds), pid, host, created])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
