"""Publish the marts for readers: one Parquet file per mart and a read-only serving DuckDB file, in data/marts/.

Everything is written into a staging folder first, then moved into place with atomic renames:

- `ccperf.duckdb` (schema `marts`, the same relations and columns as the warehouse's) is replaced as one file. A
  reader that opened the previous file keeps reading it, whole, until it reconnects (on POSIX the old file lives on
  while it is open); a reader that connects after the swap reads the new one. Nobody ever sees a mix, and a reader
  holding it never blocks the pipeline, which only writes the warehouse and the staging folder.
- each Parquet file is replaced on its own: a reader of one file sees the old or the new file, never a half-written
  one; for a consistent view across several marts, use the serving file.
- `_publication.json` (run id, files, rows) is replaced last.

Besides the marts, the serving file carries schema `audit`: the publishing run's quality results
(`audit.quality_results`), the blocks set aside by the extraction (`audit.quarantine`, from raw.quarantine) and what
happened to every file (`audit.document_files`), so that a reader of the publication (the HTML report) sees the data
quality of exactly what was published. They are also written as Parquet files under `audit/`.

A failed export (disk full, a mart that cannot be read) removes the staging folder and leaves the previous
publication untouched. Nothing here runs unless the run's quality gate passed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
MANIFEST = "_publication.json"
SERVING_NAME = "ccperf.duckdb"
AUDIT_SCHEMA = "audit"
AUDIT_DIR = "audit"  # Parquet copies of the audit tables, in a folder of their own: *.parquet stays the marts
# audit table of the publication → (warehouse table it is copied from, filter on the publishing run's id)
AUDIT_SOURCES: dict[str, tuple[str, bool]] = {
    "quality_results": ("audit.quality_results", True),
    "quarantine": ("raw.quarantine", False),
    "document_files": ("raw.document_files", False),
}


@dataclass(frozen=True)
class Publication:
    run_id: str
    files: dict[str, int]  # Parquet file name → rows
    serving_db: Path | None = None


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_catalog = "
        "current_database() order by table_name", [MARTS_SCHEMA]).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def audit_queries(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, tuple[str, list]]:
    """The audit tables to publish (only those whose source exists: a warehouse may have no quality results yet),
    each as a query and its parameters."""
    existing = {f"{schema}.{name}" for schema, name in con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
    ).fetchall()}
    queries: dict[str, tuple[str, list]] = {}
    for name, (source, by_run) in AUDIT_SOURCES.items():
        if source in existing:
            queries[name] = (f"select * from {source}" + (" where run_id = ?" if by_run else ""),
                             [run_id] if by_run else [])
    return queries


def _write_serving_db(con: duckdb.DuckDBPyConnection, path: Path, relations: list[str], run_id: str,
                      published_at: str, audit: dict[str, tuple[str, list]]) -> None:
    """A standalone DuckDB file with a copy of each mart (views become tables: they must not depend on the
    warehouse), a `marts._publication` row saying which run published it, and the `audit` tables."""
    alias = "ccperf_serving"
    con.execute(f"attach '{path}' as {alias}")
    try:
        con.execute(f"create schema {alias}.{MARTS_SCHEMA}")
        for relation in relations:
            con.execute(f"create table {alias}.{MARTS_SCHEMA}.{_quote(relation)} as "
                        f"select * from {MARTS_SCHEMA}.{_quote(relation)}")
        con.execute(f"create table {alias}.{MARTS_SCHEMA}._publication as select ? as run_id, "
                    "cast(? as timestamp) as published_at", [run_id, published_at])
        con.execute(f"create schema {alias}.{AUDIT_SCHEMA}")
        for name, (query, params) in audit.items():
            con.execute(f"create table {alias}.{AUDIT_SCHEMA}.{_quote(name)} as {query}", params)
        con.execute(f"checkpoint {alias}")
    finally:
        con.execute(f"detach {alias}")
    wal = path.with_name(path.name + ".wal")
    if wal.exists():  # a checkpointed, detached database has no WAL; never ship one
        raise RuntimeError(f"{wal} left after writing the serving database")


def publish_marts(con: duckdb.DuckDBPyConnection, marts_dir: Path, run_id: str, relations: list[str] | None = None,
                  serving_name: str | None = SERVING_NAME) -> Publication:
    """Export `relations` (default: every relation of the marts schema) and swap them into `marts_dir`.

    `relations` lists what dbt declares as marts; a relation left in the warehouse by an older version of the
    project (no longer declared) is not published, and its old Parquet file is removed.
    """
    existing = set(mart_relations(con))
    if relations is None:
        relations = sorted(existing)
    missing = [r for r in relations if r not in existing]
    if missing:
        raise RuntimeError(f"marts declared by dbt but absent from the warehouse: {', '.join(missing)}")
    marts_dir.mkdir(parents=True, exist_ok=True)
    for leftover in marts_dir.glob(".staging-*"):  # from a run killed while publishing
        shutil.rmtree(leftover, ignore_errors=True)
    staging = marts_dir / f".staging-{run_id}"
    staging.mkdir()
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    files: dict[str, int] = {}
    audit = audit_queries(con, run_id)
    try:
        for relation in relations:
            target = staging / f"{relation}.parquet"
            con.execute(f"copy (select * from {MARTS_SCHEMA}.{_quote(relation)}) to '{target}' (format parquet)")
            files[target.name] = con.execute(f"select count(*) from {MARTS_SCHEMA}.{_quote(relation)}").fetchone()[0]
        audit_files = _export_audit(con, staging, audit)
        if serving_name:
            _write_serving_db(con, staging / serving_name, relations, run_id, published_at, audit)
        manifest = {"run_id": run_id, "published_at": published_at, "files": files,
                    "serving_db": serving_name, "audit_files": audit_files}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        for name in files:
            os.replace(staging / name, marts_dir / name)
        _replace_audit(staging, marts_dir, audit_files)
        if serving_name:
            os.chmod(staging / serving_name, 0o444)  # a reminder to open it read-only
            # a WAL next to the published file could only come from someone writing the old copy: it must not be
            # replayed into the new one
            marts_dir.joinpath(serving_name + ".wal").unlink(missing_ok=True)
            os.replace(staging / serving_name, marts_dir / serving_name)
        os.replace(staging / MANIFEST, marts_dir / MANIFEST)
        for old in marts_dir.glob("*.parquet"):
            if old.name not in files:
                old.unlink()  # a mart that no longer exists
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Publication(run_id, files, marts_dir / serving_name if serving_name else None)


def _export_audit(con: duckdb.DuckDBPyConnection, staging: Path, audit: dict[str, tuple[str, list]]
                  ) -> dict[str, int]:
    """Parquet copies of the audit tables in staging/audit/; returns file name → rows."""
    if not audit:
        return {}
    folder = staging / AUDIT_DIR
    folder.mkdir()
    files: dict[str, int] = {}
    for name, (query, params) in audit.items():
        target = folder / f"{name}.parquet"
        con.execute(f"copy ({query}) to '{target}' (format parquet)", params)
        files[target.name] = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
    return files


def _replace_audit(staging: Path, marts_dir: Path, audit_files: dict[str, int]) -> None:
    """Swap each audit Parquet file in (like the marts: one rename each) and drop those no longer published."""
    folder = marts_dir / AUDIT_DIR
    if audit_files:
        folder.mkdir(exist_ok=True)
        for name in audit_files:
            os.replace(staging / AUDIT_DIR / name, folder / name)
    if folder.is_dir():
        for old in folder.glob("*.parquet"):
            if old.name not in audit_files:
                old.unlink()


def read_manifest(marts_dir: Path) -> dict | None:
    path = marts_dir / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None
