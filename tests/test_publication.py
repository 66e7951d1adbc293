"""Publication never breaks readers: Parquet files and the serving DuckDB file are written aside and swapped in;
a failed export leaves the last good publication; a reader sees the old or the new publication, never a mix.

These tests publish small marts built in-process (no dbt), many times, while readers in other processes read;
tests/test_bad_input.py does the same around a real run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pytest

from ccperf.publish import MANIFEST, publish_marts, read_manifest
from tests.pipeline_helpers import Reader

ROWS = 2000


def _warehouse(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A warehouse whose two marts and one view all carry `version` (a mix would show two versions)."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute(f"create or replace table marts.fact_a as select {version} as version, range as id "
                f"from range({ROWS + version})")
    con.execute(f"create or replace table marts.dim_b as select {version} as version, 'x' || range as name "
                f"from range({ROWS})")
    con.execute("create or replace view marts.v_a as select * from marts.fact_a")
    return con


def test_publication_writes_parquet_and_a_read_only_serving_database(tmp_path: Path) -> None:
    con = _warehouse(tmp_path / "w.duckdb", 1)
    try:
        publication = publish_marts(con, tmp_path / "marts", "run-1")
    finally:
        con.close()
    marts = tmp_path / "marts"
    assert publication.files == {"dim_b.parquet": ROWS, "fact_a.parquet": ROWS + 1, "v_a.parquet": ROWS + 1}
    assert sorted(p.name for p in marts.iterdir()) == [MANIFEST, "ccperf.duckdb", "dim_b.parquet", "fact_a.parquet",
                                                      "v_a.parquet"]
    assert read_manifest(marts)["run_id"] == "run-1"  # type: ignore[index]
    assert (marts / "ccperf.duckdb").stat().st_mode & 0o222 == 0  # read-only on disk
    serving = duckdb.connect(str(marts / "ccperf.duckdb"), read_only=True)
    try:
        assert serving.execute("select run_id from marts._publication").fetchone() == ("run-1",)
        # the view is a table in the serving file: it must not depend on the warehouse
        kinds = dict(serving.execute("select table_name, table_type from information_schema.tables "
                                     "where table_schema = 'marts'").fetchall())
        assert kinds == {"_publication": "BASE TABLE", "dim_b": "BASE TABLE", "fact_a": "BASE TABLE",
                         "v_a": "BASE TABLE"}
        assert serving.execute("select count(*) from marts.v_a").fetchone() == (ROWS + 1,)
    finally:
        serving.close()
    assert not (marts / "ccperf.duckdb.wal").exists()


def test_a_failed_export_leaves_the_last_good_publication(tmp_path: Path) -> None:
    con = _warehouse(tmp_path / "w.duckdb", 1)
    try:
        publish_marts(con, tmp_path / "marts", "run-1")
        before = {p.name: p.read_bytes() for p in (tmp_path / "marts").iterdir()}
        con.execute("create or replace table marts.fact_a as select 2 as version, range as id from range(10)")
        con.execute("create view marts.z_broken as select error('cannot read this mart') as x")
        with pytest.raises(duckdb.Error, match="cannot read this mart"):
            publish_marts(con, tmp_path / "marts", "run-2")
    finally:
        con.close()
    after = {p.name: p.read_bytes() for p in (tmp_path / "marts").iterdir()}
    assert after == before  # nothing replaced, nothing half-written, no staging folder left


def test_only_declared_marts_are_published_and_stale_files_go(tmp_path: Path) -> None:
    marts = tmp_path / "marts"
    marts.mkdir()
    (marts / "dropped_mart.parquet").write_bytes(b"old")
    (marts / ".staging-killed-run").mkdir()  # left by a run killed while publishing
    (marts / "ccperf.duckdb.wal").write_bytes(b"not ours")
    con = _warehouse(tmp_path / "w.duckdb", 1)
    con.execute("create table marts.left_by_an_old_version as select 1 as x")
    try:
        publication = publish_marts(con, marts, "run-1", relations=["dim_b", "fact_a"])
        with pytest.raises(RuntimeError, match="declared by dbt but absent from the warehouse: nope"):
            publish_marts(con, marts, "run-2", relations=["dim_b", "nope"])
    finally:
        con.close()
    assert sorted(publication.files) == ["dim_b.parquet", "fact_a.parquet"]
    assert sorted(p.name for p in marts.iterdir()) == [MANIFEST, "ccperf.duckdb", "dim_b.parquet", "fact_a.parquet"]


# Reconnects again and again and records the versions each connection saw in the serving file and the Parquet files.
POLL_VERSIONS = r"""
import json, os, sys, time, duckdb
marts, out, stop = sys.argv[1:4]
seen = []
while not os.path.exists(stop):
    try:
        con = duckdb.connect(os.path.join(marts, "ccperf.duckdb"), read_only=True)
        try:
            seen.append(["serving", *con.execute(
                "select (select run_id from marts._publication), (select list(distinct version) from marts.fact_a), "
                "(select list(distinct version) from marts.dim_b), (select count(*) from marts.fact_a)").fetchone()])
        finally:
            con.close()
        mem = duckdb.connect()
        try:
            seen.append(["parquet", mem.execute(f"select list(distinct version) from "
                                                f"'{os.path.join(marts, 'fact_a.parquet')}'").fetchone()[0]])
        finally:
            mem.close()
    except Exception as exc:
        seen.append(["error", repr(exc)])
with open(out, "w") as fh:
    json.dump(seen, fh)
"""

HOLD = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
read = lambda: con.execute("select (select run_id from marts._publication), (select sum(version) from marts.fact_a), "
                           "(select count(*) from marts.dim_b)").fetchone()
print(json.dumps(read()), flush=True)
sys.stdin.readline()
print(json.dumps(read()), flush=True)
"""


def test_readers_in_other_processes_never_see_a_mix(tmp_path: Path) -> None:
    marts = tmp_path / "marts"
    con = _warehouse(tmp_path / "w.duckdb", 1)
    publish_marts(con, marts, "run-1")
    holder = Reader(HOLD, str(marts / "ccperf.duckdb"), stdin=True)
    poller = Reader(POLL_VERSIONS, str(marts), str(tmp_path / "seen.json"), str(tmp_path / "stop"))
    try:
        held = holder.read_json()
        for version in range(2, 26):
            con.execute(f"create or replace table marts.fact_a as select {version} as version, range as id "
                        f"from range({ROWS + version})")
            con.execute(f"create or replace table marts.dim_b as select {version} as version, 'x' || range as name "
                        f"from range({ROWS})")
            publish_marts(con, marts, f"run-{version}")  # never blocked by the readers
            time.sleep(0.02)
        holder.send("again\n")
        assert holder.read_json() == held == ["run-1", ROWS + 1, ROWS]  # the file it opened, whole
        holder.finish()
        (tmp_path / "stop").touch()
        poller.finish()
    finally:
        con.close()
        holder.kill()
        poller.kill()
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert not [s for s in seen if s[0] == "error"]
    serving = [s for s in seen if s[0] == "serving"]
    assert len({s[1] for s in serving}) > 3  # several publications were seen
    for _, run_id, fact_versions, dim_versions, fact_rows in serving:
        version = int(run_id.split("-")[1])
        assert fact_versions == dim_versions == [version] and fact_rows == ROWS + version
    # every Parquet read succeeds: a file is never seen half-written. (A query that opens the same path twice, as
    # DuckDB does for metadata then data, can pair two versions during a swap: consistent reads use the serving file.)
    parquet = [s[1] for s in seen if s[0] == "parquet"]
    assert parquet and all(len(versions) == 1 and 1 <= versions[0] <= 25 for versions in parquet)


def test_publishing_over_a_file_held_open_frees_nothing_early(tmp_path: Path) -> None:
    """On POSIX a replaced file lives on while a reader holds it: the swap does not wait for readers."""
    con = _warehouse(tmp_path / "w.duckdb", 1)
    try:
        publish_marts(con, tmp_path / "marts", "run-1")
        reader = duckdb.connect(str(tmp_path / "marts" / "ccperf.duckdb"), read_only=True)
        inode = os.stat(tmp_path / "marts" / "ccperf.duckdb").st_ino
        started = time.perf_counter()
        publish_marts(con, tmp_path / "marts", "run-2")
        assert time.perf_counter() - started < 10
        assert os.stat(tmp_path / "marts" / "ccperf.duckdb").st_ino != inode
        assert reader.execute("select run_id from marts._publication").fetchone() == ("run-1",)
        reader.close()
    finally:
        con.close()
