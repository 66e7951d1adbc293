"""BI access for real: the published serving DuckDB file and the Parquet marts, opened through SQLAlchemy with
duckdb-engine (the dialect Apache Superset uses), read-only, with the exact URI and engine parameters that
docs/analyst-guide.md documents, while a real pipeline run is in progress and across its publication.

Two real `ccperf run` processes (one module-scoped pair): the first publishes; before the second, Brescia's plan is
withdrawn from raw/, so that the second publication differs from the first in its data, not only in its run id.

What "while a run is in progress" rests on: the queries start once the second run's process tree holds a live
`dbt build` subprocess (the dbt stage, after landing and before the quality gate and the publication) and
/proc/locks shows the warehouse file locked by a process of that tree; once they are done, the run process is still
alive and its publication has not happened yet (same run id in _publication.json, same serving file inode).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import psutil
import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from ccperf.config import PROJECT_ROOT
from tests.conftest import RAW_DIR

GUIDE = PROJECT_ROOT / "docs" / "analyst-guide.md"
GUIDE_DATA_DIR = "/srv/ccperf/data"  # where the guide's examples say the data folder is
URI_LINE = re.compile(r"^[ \t]*(duckdb:///\S+)$", re.M)  # a URI alone on its line, in a text block of the guide
JSON_BLOCK = re.compile(r"^[ \t]*```json\n(.*?)^[ \t]*```", re.S | re.M)
WITHDRAWN = "003_a0c237837c23239d.txt"  # Brescia's 2020 plan: removed from raw/ before the second run
READINGS_PER_CHAMBER = {"Brescia": 43, "Cremona": 311, "Mantova": 128, "Massa-Carrara": 270, "Pavia": 149}
AFTER_WITHDRAWAL = {k: v for k, v in READINGS_PER_CHAMBER.items() if k != "Brescia"}
PER_CHAMBER_SQL = ("select chamber_name, count(*) from marts.fact_indicator_reading group by chamber_name "
                   "order by chamber_name")
RUN_TIMEOUT_S = 900


def guide_uris() -> tuple[str, str]:
    """The two SQLAlchemy URIs of the guide: the read-only one, and the plain one used with engine parameters."""
    uris = URI_LINE.findall(GUIDE.read_text(encoding="utf-8"))
    read_only = sorted({u for u in uris if "?" in u})
    plain = sorted({u for u in uris if "?" not in u})
    assert len(read_only) == 1 and len(plain) == 1, f"the guide documents one URI of each form: {uris}"
    return read_only[0], plain[0]


def guide_engine_parameters() -> dict[str, Any]:
    """The Superset "Engine Parameters" JSON of the guide."""
    blocks = [json.loads(b) for b in JSON_BLOCK.findall(GUIDE.read_text(encoding="utf-8")) if "connect_args" in b]
    assert len(blocks) == 1, "the guide documents one Engine Parameters block"
    return blocks[0]


def localize(uri: str, data_dir: Path) -> str:
    assert uri.startswith(f"duckdb:///{GUIDE_DATA_DIR}/marts/ccperf.duckdb"), uri
    return uri.replace(GUIDE_DATA_DIR, str(data_dir), 1)


def superset_engine(uri: str):
    """An engine made the way Superset makes one (superset/models/core.py, Database._get_sqla_engine): the
    Engine Parameters JSON passed to create_engine, and NullPool (a new connection for each query)."""
    return create_engine(uri, poolclass=NullPool, **guide_engine_parameters())


def cli_run(data_dir: Path, summary: Path) -> list[str]:
    return [sys.executable, "-c", "from ccperf.cli import app; app()", "run", "--data-dir", str(data_dir),
            "--summary-json", str(summary)]


@dataclass
class First:
    tmp: Path
    data: Path
    env: dict[str, str]
    manifest: dict[str, Any]

    @property
    def marts(self) -> Path:
        return self.data / "marts"

    @property
    def serving(self) -> Path:
        return self.marts / "ccperf.duckdb"

    def read_manifest(self) -> dict[str, Any]:
        return json.loads((self.marts / "_publication.json").read_text())


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> First:
    """A data folder with the bundled documents and a first real publication."""
    tmp = tmp_path_factory.mktemp("bi-access")
    data = tmp / "data"
    shutil.copytree(RAW_DIR, data / "raw")
    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-home"),
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}  # 2 shared cores: the server can be slow
    env.pop("PREFECT_API_URL", None)  # its own temporary server, whatever the test session uses
    started = time.perf_counter()
    proc = subprocess.run(cli_run(data, tmp / "first.json"), env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S)
    print(f"first run: {time.perf_counter() - started:.1f} s")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    manifest = json.loads((data / "marts" / "_publication.json").read_text())
    assert manifest["run_id"] == json.loads((tmp / "first.json").read_text())["run_id"]
    return First(tmp, data, env, manifest)


def run_id(con: Connection) -> str:
    return con.execute(text("select run_id from marts._publication")).scalar_one()


def mart_counts(con: Connection, files: dict[str, int]) -> dict[str, int]:
    return {name: con.execute(text(f'select count(*) from marts."{Path(name).stem}"')).scalar_one()
            for name in files}


def per_chamber(con: Connection) -> dict[str, int]:
    return dict(con.execute(text(PER_CHAMBER_SQL)).tuples().all())


def assert_write_refused(con: Connection) -> None:
    with pytest.raises(ProgrammingError, match='Cannot execute statement of type "CREATE" on database "ccperf" '
                                               "which is attached in read-only mode"):
        con.execute(text("create table x(i int)"))
    con.rollback()  # DuckDB aborts the transaction of a failed statement
    assert con.execute(text("select count(*) from information_schema.tables where table_name = 'x'")).scalar() == 0


@pytest.mark.slow
def test_the_guides_uris_open_the_serving_file_read_only(first: First) -> None:
    read_only_uri, plain_uri = guide_uris()
    assert read_only_uri.endswith("?access_mode=read_only")
    assert guide_engine_parameters() == {"connect_args": {"read_only": True}}
    manifest = first.read_manifest()
    withdrawn = not (first.data / "raw" / WITHDRAWN).exists()  # the other test ran first
    expected = AFTER_WITHDRAWAL if withdrawn else READINGS_PER_CHAMBER
    for engine in (create_engine(localize(read_only_uri, first.data), poolclass=NullPool),
                   superset_engine(localize(plain_uri, first.data))):
        with engine.connect() as con:
            assert con.execute(text("select current_setting('access_mode')")).scalar() == "read_only"
            version, storage = con.execute(text(
                "select version(), tags['storage_version'] from duckdb_databases() "
                "where database_name = current_database()")).one()
            assert tuple(int(p) for p in version.lstrip("v").split(".")[:2]) >= (2, 0)
            assert storage == "v2.0.0+"  # the guide's version constraint: DuckDB 2.0 storage
            assert run_id(con) == manifest["run_id"]
            assert mart_counts(con, manifest["files"]) == manifest["files"]
            assert per_chamber(con) == expected
            assert_write_refused(con)
        engine.dispose()
    # the guide's pandas example
    engine = create_engine(localize(read_only_uri, first.data), poolclass=NullPool)
    readings = pd.read_sql("select * from marts.v_indicator_readings where is_current", engine)
    assert len(readings) == (618 - 43 if withdrawn else 618)  # current readings (guide Q14), less Brescia's 43
    assert readings.groupby("chamber_name").size().to_dict() == {
        "Cremona": 277, "Mantova": 113, "Massa-Carrara": 77, "Pavia": 108, **({} if withdrawn else {"Brescia": 43})}
    # one process, one configuration per file: a connection in the other form is refused while one is open
    held = create_engine(localize(read_only_uri, first.data), poolclass=NullPool).connect()
    try:
        with pytest.raises(OperationalError, match="different configuration than existing connections"):
            superset_engine(localize(plain_uri, first.data)).connect()
    finally:
        held.close()
    assert not first.serving.with_name("ccperf.duckdb.wal").exists()


def lock_holders(path: Path) -> set[int]:
    """Processes holding a POSIX lock on `path` (Linux /proc/locks; lines with '->' are waiters, not holders)."""
    st = path.stat()
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] != "->" and fields[5] == device:
            holders.add(int(fields[4]))
    return holders


def wait_until_building(proc: subprocess.Popen, warehouse: Path) -> dict[str, Any]:
    """Poll until the run's process tree has a live `dbt build` and the warehouse is locked by that tree."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the second run ended before it was seen building the marts"
        try:
            tree = {p.pid: " ".join(p.cmdline()) for p in psutil.Process(proc.pid).children(recursive=True)}
        except psutil.Error:
            tree = {}
        tree[proc.pid] = "ccperf run"
        dbt = [pid for pid, cmd in tree.items() if "dbt build" in cmd]
        locked = lock_holders(warehouse) & set(tree) if warehouse.exists() else set()
        if dbt and locked:
            return {"dbt_pid": dbt[0], "lock_holders": locked}
        time.sleep(0.1)
    raise AssertionError("the second run was never seen building the marts")


@pytest.fixture
def second_run(first: First) -> Iterator[tuple[subprocess.Popen, Path]]:
    """The second run, started with Brescia's plan withdrawn; killed at the end if a failed assertion left it."""
    (first.data / "raw" / WITHDRAWN).unlink()
    log = first.tmp / "second.log"
    with log.open("w") as out:
        proc = subprocess.Popen(cli_run(first.data, first.tmp / "second.json"), env=first.env, cwd=first.tmp,
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc, log
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.slow
def test_bi_connection_during_a_run_and_across_its_publication(first: First,
                                                              second_run: tuple[subprocess.Popen, Path]) -> None:
    proc, log = second_run
    read_only_uri, plain_uri = guide_uris()
    uri = localize(read_only_uri, first.data)
    old = first.read_manifest()
    assert old == first.manifest, "the first publication is still in place"
    old_inode = first.serving.stat().st_ino
    fact = first.marts / "fact_indicator_reading.parquet"
    started = time.perf_counter()

    building = wait_until_building(proc, first.data / "warehouse.duckdb")
    waited = time.perf_counter() - started
    # a BI tool that pools connections (SQLAlchemy's default QueuePool), with the guide's URI
    engine = create_engine(uri)
    held = engine.connect()
    try:
        assert run_id(held) == old["run_id"]
        assert mart_counts(held, old["files"]) == old["files"]
        assert per_chamber(held) == READINGS_PER_CHAMBER  # the analyst's question, answered during the run
        assert_write_refused(held)
        # the Parquet files, through the same read-only engine, then with polars and pandas
        for name, rows in old["files"].items():
            assert held.execute(text(f"select count(*) from read_parquet('{first.marts / name}')")).scalar() == rows
        assert dict(held.execute(text(
            f"select chamber_name, count(*) from read_parquet('{fact}') group by 1")).tuples().all()) \
            == READINGS_PER_CHAMBER
        for name, rows in old["files"].items():
            assert pl.read_parquet(first.marts / name).height == rows, name
        by_chamber = pl.read_parquet(fact).group_by("chamber_name").len()
        assert dict(by_chamber.iter_rows()) == READINGS_PER_CHAMBER
        assert len(pd.read_parquet(fact)) == old["files"]["fact_indicator_reading.parquet"] == 901
        queried = time.perf_counter() - started
        # all of that happened while the run was in progress, before its publication
        assert proc.poll() is None, "the run was still running when the queries ended"
        assert first.read_manifest()["run_id"] == old["run_id"] and first.serving.stat().st_ino == old_inode

        returncode = proc.wait(timeout=RUN_TIMEOUT_S)  # the open connection does not hold the run back
        finished = time.perf_counter() - started
        assert returncode == 0, log.read_text()[-4000:]
        new = first.read_manifest()
        summary = json.loads((first.tmp / "second.json").read_text())
        assert summary["status"] == "succeeded" and summary["run_id"] == new["run_id"] != old["run_id"]
        assert first.serving.stat().st_ino != old_inode  # the file was replaced, not rewritten
        assert new["files"]["fact_indicator_reading.parquet"] == 901 - 43
        assert new["files"]["dim_document.parquet"] == old["files"]["dim_document.parquet"] - 1 == 4

        # the connection held across the swap still reads the old publication, whole
        assert run_id(held) == old["run_id"]
        assert mart_counts(held, old["files"]) == old["files"]
        assert per_chamber(held) == READINGS_PER_CHAMBER
        # one database per file and process: a new connection of this process still gets the old file while the
        # held one is open
        with create_engine(uri, poolclass=NullPool).connect() as con:
            assert run_id(con) == old["run_id"]
    finally:
        held.close()
    # closed, but kept open in the pool: the engine hands the same old connection out again, until disposed
    with engine.connect() as con:
        assert run_id(con) == old["run_id"]
    engine.dispose()
    # every connection to the old file closed: new connections read the new publication, in either documented form
    for fresh in (create_engine(uri, poolclass=NullPool), superset_engine(localize(plain_uri, first.data))):
        with fresh.connect() as con:
            assert run_id(con) == new["run_id"]
            assert mart_counts(con, new["files"]) == new["files"]
            assert per_chamber(con) == AFTER_WITHDRAWAL
            assert con.execute(text(f"select count(*) from read_parquet('{fact}')")).scalar() == 901 - 43
            assert_write_refused(con)
        fresh.dispose()
    assert {name: pl.read_parquet(first.marts / name).height for name in new["files"]} == new["files"]
    print(f"second run: seen building after {waited:.1f} s (dbt pid {building['dbt_pid']}, warehouse locked by "
          f"{sorted(building['lock_holders'])}), queries done at {queried:.1f} s, run finished at {finished:.1f} s")
