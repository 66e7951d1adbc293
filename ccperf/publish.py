"""Publish the marts as Parquet files (one per mart table or view) in data/marts/.

Files are written into a staging folder first and then moved into place one by one with an atomic rename,
so a reader never sees a half-written file, and a failed export leaves the previous publication untouched.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
MANIFEST = "_publication.json"


@dataclass(frozen=True)
class Publication:
    run_id: str
    files: dict[str, int]  # file name → rows


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [MARTS_SCHEMA]).fetchall()
    return [r[0] for r in rows]


def publish_marts(con: duckdb.DuckDBPyConnection, marts_dir: Path, run_id: str) -> Publication:
    marts_dir.mkdir(parents=True, exist_ok=True)
    staging = marts_dir / f".staging-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    files: dict[str, int] = {}
    try:
        for relation in mart_relations(con):
            target = staging / f"{relation}.parquet"
            con.execute(f"copy (select * from {MARTS_SCHEMA}.{relation}) to '{target}' (format parquet)")
            files[target.name] = con.execute(f"select count(*) from {MARTS_SCHEMA}.{relation}").fetchone()[0]
        (staging / MANIFEST).write_text(json.dumps({"run_id": run_id, "files": files}, indent=2) + "\n")
        for name in [*files, MANIFEST]:
            os.replace(staging / name, marts_dir / name)
        for old in marts_dir.glob("*.parquet"):
            if old.name not in files:
                old.unlink()  # a mart that no longer exists
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Publication(run_id, files)
