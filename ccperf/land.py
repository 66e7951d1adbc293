"""Extraction results → DuckDB `raw` schema: one transaction per batch of documents, idempotent.

Re-landing a document replaces its rows (keyed by sha256), so running twice on the same documents never
duplicates anything; documents that left `data/raw/` are removed with `remove_absent`.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from types import UnionType

import duckdb
import polars as pl

from ccperf.model import (
    Document,
    ExtractionResult,
    Fact,
    Objective,
    Provenance,
    Quarantined,
    Reading,
    ReadingComponent,
    Segment,
    flatten,
)

_DUCK_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}
_POLARS_TYPES = {str: pl.String, int: pl.Int64, float: pl.Float64, bool: pl.Boolean}


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
    # Every file seen in data/raw and what happened to it (extracted, rejected, duplicate, ignored).
    "document_files": RawTable("document_files", None, (
        ("document_file", str), ("document_sha256", str), ("file_size", int), ("status", str), ("message", str),
        ("seen_at", str))),
}
_RESULT_LISTS = {
    "objectives": "objectives", "indicator_readings": "readings", "document_facts": "facts",
    "reading_components": "components", "quarantine": "quarantined", "segments": "segments",
}
assert Provenance  # provenance columns come first in every row table (see model.flatten)


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse), read_only=read_only)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
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


def _frame(table: RawTable, rows: list[dict[str, typing.Any]]) -> pl.DataFrame:
    schema = {name: _POLARS_TYPES[tp] for name, tp in table.columns()}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def content_fingerprint(result: ExtractionResult) -> str:
    """What a document says, independent of its bytes (extractor.content_sha256): the same text in two encodings
    or with other line endings must not be loaded twice."""
    if not result.content_sha256:
        raise ValueError(f"{result.document_file}: no content fingerprint (not extracted by extract_source)")
    return result.content_sha256


def frames_for(result: ExtractionResult, parser_version: str, now: str, override_key: str = ""
               ) -> dict[str, pl.DataFrame]:
    """The raw rows of one extracted document, one polars frame per raw table."""
    assert result.document is not None
    frames: dict[str, pl.DataFrame] = {}
    doc_row = {**flatten(result.document), "parser_version": parser_version, "extracted_at": now,
               "content_sha256": content_fingerprint(result), "override_key": override_key}
    frames["documents"] = _frame(RAW_TABLES["documents"], [doc_row])
    for table_name, attr in _RESULT_LISTS.items():
        table = RAW_TABLES[table_name]
        rows = []
        for seq, item in enumerate(getattr(result, attr)):
            row = flatten(item)
            if ("row_seq", int) in table.extra:
                row["row_seq"] = seq
            rows.append(row)
        frames[table_name] = _frame(table, rows)
    return frames


def land_documents(con: duckdb.DuckDBPyConnection, results: list[ExtractionResult], parser_version: str,
                   override_keys: dict[str, str] | None = None) -> dict[str, int]:
    """Replace the rows of these documents in every raw table, all in one transaction. Returns rows per table.

    One transaction for the whole batch: a crash leaves either every document landed or none (never half of one),
    and hundreds of documents cost a few bulk inserts instead of a transaction each.
    """
    if not results:
        return {}
    shas = [r.document.document_sha256 for r in results if r.document]
    # the same bytes extracted by the same parsers again keep their first extraction time: re-running the pipeline
    # on unchanged documents changes nothing in the marts
    con.register("landing_shas", pl.DataFrame({"sha": shas}).to_arrow())
    previous = dict(con.execute("select document_sha256, extracted_at from raw.documents join landing_shas "
                                "on document_sha256 = sha where parser_version = ?", [parser_version]).fetchall())
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    per_table: dict[str, list[pl.DataFrame]] = {name: [] for name in RAW_TABLES if name != "document_files"}
    for result in results:
        assert result.document is not None
        sha = result.document.document_sha256
        key = (override_keys or {}).get(result.document_file, "")
        for name, frame in frames_for(result, parser_version, previous.get(sha) or now, key).items():
            per_table[name].append(frame)
    counts: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for name, frames in per_table.items():
            con.execute(f"delete from raw.{name} where document_sha256 in (select sha from landing_shas)")
            frame = pl.concat(frames, how="vertical")
            if frame.height:
                con.register("incoming", frame.to_arrow())
                con.execute(f"insert into raw.{name} by name select * from incoming")
                con.unregister("incoming")
            counts[name] = frame.height
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("landing_shas")
    return counts


def record_files(con: duckdb.DuckDBPyConnection, rows: list[dict[str, typing.Any]]) -> None:
    """Replace the list of files seen in data/raw with this run's."""
    frame = _frame(RAW_TABLES["document_files"], rows)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.document_files")
        if frame.height:
            con.register("incoming", frame.to_arrow())
            con.execute("insert into raw.document_files by name select * from incoming")
            con.unregister("incoming")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def remove_absent(con: duckdb.DuckDBPyConnection, keep_sha256: set[str]) -> list[str]:
    """Delete every raw row of documents that are no longer in data/raw. Returns the removed files."""
    present = con.execute("select document_sha256, document_file from raw.documents").fetchall()
    gone = [(sha, name) for sha, name in present if sha not in keep_sha256]
    if not gone:
        return []
    con.register("gone_shas", pl.DataFrame({"sha": [sha for sha, _ in gone]}).to_arrow())
    con.execute("begin transaction")
    try:
        for name in RAW_TABLES:
            if name != "document_files":
                con.execute(f"delete from raw.{name} where document_sha256 in (select sha from gone_shas)")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("gone_shas")
    return [name for _, name in gone]

