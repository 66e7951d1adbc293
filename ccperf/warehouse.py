"""The warehouse: its connection (waiting while another process holds the file) and the DDL of every table the
pipeline writes itself, raw and audit, in one place (dbt builds the rest).

The raw tables are derived from the model's dataclasses (ccperf.model), so a new field reaches DuckDB without
hand-written DDL, and an older warehouse gains the new columns on the next run.
"""

from __future__ import annotations

import re
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from types import UnionType

import duckdb
import polars as pl

from ccperf.config import Settings
from ccperf.errors import PipelineError, TransientError
from ccperf.model import (
    Document,
    DocumentPage,
    Fact,
    Objective,
    Provenance,
    Quarantined,
    Reading,
    ReadingComponent,
    Segment,
    SourceLine,
)

_DUCK_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}
POLARS_TYPES = {str: pl.String, int: pl.Int64, float: pl.Float64, bool: pl.Boolean}


def _columns(cls: type) -> list[tuple[str, type]]:
    """(name, python type) of a model dataclass, provenance inlined, Optional unwrapped."""
    hints = typing.get_type_hints(cls)
    out: list[tuple[str, type]] = []
    for f in fields(cls):
        tp = hints[f.name]
        if is_dataclass(tp):
            out += _columns(tp)
            continue
        if isinstance(tp, UnionType) or typing.get_origin(tp) is typing.Union:
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        if typing.get_origin(tp) is typing.Literal:
            tp = str
        out.append((f.name, tp))
    return out


@dataclass(frozen=True)
class RawTable:
    name: str
    model: type | None
    extra: tuple[tuple[str, type], ...] = ()

    def columns(self) -> list[tuple[str, type]]:
        base = _columns(self.model) if self.model else []
        return [*base, *self.extra]


# row_seq: position of the row among the document's rows of that table (a stable part of the row key).
_SEQ = (("row_seq", int),)
RAW_TABLES: dict[str, RawTable] = {
    # content_sha256: what the document yields, independent of its bytes (see content_fingerprint)
    # override_key: the manifest override the rows were extracted with ('' for none; see incremental.override_key)
    "documents": RawTable("documents", Document, (("parser_version", str), ("extracted_at", str),
                                                  ("content_sha256", str), ("override_key", str))),
    "segments": RawTable("segments", Segment),
    "objectives": RawTable("objectives", Objective, _SEQ),
    "indicator_readings": RawTable("indicator_readings", Reading, _SEQ),
    "document_facts": RawTable("document_facts", Fact, _SEQ),
    "reading_components": RawTable("reading_components", ReadingComponent, _SEQ),
    "quarantine": RawTable("quarantine", Quarantined, _SEQ),
    # A PDF's converted text, line by line (source_line of every row points into it), and how each page was read.
    "document_text": RawTable("document_text", SourceLine),
    "document_pages": RawTable("document_pages", DocumentPage),
    # Every file seen in data/raw and what happened to it (extracted, rejected, duplicate, ignored).
    "document_files": RawTable("document_files", None, (
        ("document_file", str), ("document_sha256", str), ("file_size", int), ("status", str), ("message", str),
        ("seen_at", str))),
}
assert Provenance  # provenance columns come first in every row table (see model.flatten)


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


# The audit tables: the runs, the publications (with the inputs they were built from) and the quality results.
# Columns added after a first version are listed apart, so an older warehouse gains them.
AUDIT_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "runs": ("run_id varchar, started_at timestamp, finished_at timestamp, status varchar, message varchar, "
             "n_files integer, n_documents integer, n_readings integer, n_quarantined integer, elapsed_s double",
             ("n_extracted integer", "stage_seconds varchar", "pid integer", "host varchar",
              "process_started double")),
    "publications": ("run_id varchar, published_at timestamp, inputs_fingerprint varchar", ()),
    "quality_results": ("run_id varchar, checked_at timestamp, suite varchar, expectation varchar, "
                        "column_name varchar, severity varchar, success boolean, observed_value varchar, "
                        "unexpected_count bigint, details varchar",
                        ("unexpected_rows varchar", "description varchar")),
}


def ensure_audit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists audit")
    for name, (columns, added) in AUDIT_TABLES.items():
        con.execute(f"create table if not exists audit.{name} ({columns})")
        for column in added:
            con.execute(f"alter table audit.{name} add column if not exists {column}")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every table the pipeline writes: raw (from the model) and audit."""
    ensure_audit(con)
    con.execute("create schema if not exists raw")
    for table in RAW_TABLES.values():
        cols = ", ".join(f"{name} {_DUCK_TYPES[tp]}" for name, tp in table.columns())
        con.execute(f"create table if not exists raw.{table.name} ({cols})")
        # A warehouse from an older version gains the columns added since (new columns are nullable).
        existing = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
            [table.name]).fetchall()}
        for name, tp in table.columns():
            if name not in existing:
                con.execute(f"alter table raw.{table.name} add column {name} {_DUCK_TYPES[tp]}")


def is_lock_error(exc: BaseException | str) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


def lock_message(path: Path, error: BaseException | str, waited_s: float | None = None) -> str:
    holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(error))
    who = f"process {holder.group(2)} ({holder.group(1)})" if holder else "another process"
    waited = f" after waiting {waited_s:.0f} s" if waited_s else ""
    return (f"the warehouse {path} is locked by {who}{waited}: close the DuckDB session or BI tool holding it "
            "(analysts can read data/marts/ccperf.duckdb or the Parquet files instead) and run again; "
            "CCPERF_LOCK_TIMEOUT_S sets how long a run waits")


@contextmanager
def warehouse(settings: Settings, timeout_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection; waits while another process holds the file (up to `timeout_s`, default the
    settings' lock timeout), then fails with a PipelineError naming the holder."""
    timeout = settings.lock_timeout_s if timeout_s is None else timeout_s
    started = time.monotonic()
    pause = 0.25
    while True:
        try:
            con = connect(settings.warehouse)
            break
        except duckdb.IOException as exc:
            waited = time.monotonic() - started
            if not is_lock_error(exc):
                raise PipelineError(f"cannot open the warehouse {settings.warehouse}: {exc}") from exc
            if waited >= timeout:
                raise TransientError(lock_message(settings.warehouse, exc, waited)) from exc
            time.sleep(min(pause, max(timeout - waited, 0.05)))
            pause = min(pause * 2, 2.0)
    try:
        yield con
    finally:
        con.close()


