"""Publication is all or nothing at every instant, SIGKILL included; a torn or tampered publication is detected
(by the next run and `ccperf status`) and repaired by the next publication.

A publisher process is killed (SIGKILL) at each step of a publication, while a reader keeps reconnecting to the
serving file and the Parquet files: after each kill data/marts is one complete publication (the previous one
before the swap, the new one after it) whose files all match its _publication.json, every reader saw one complete
publication, and the next publication cleans up and succeeds. No dbt here: small marts built in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ccperf.publish import MANIFEST, NEXT_PREFIX, check_publication, publish_marts, read_manifest
from tests.pipeline_helpers import Reader, checksums

ROWS = 500

# Publishes version <n> of two marts and a view, killing itself (SIGKILL) when the publication reaches <step>.
PUBLISH = r"""
import os, signal, sys, duckdb
from ccperf.publish import publish_marts
warehouse, marts, version, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
con = duckdb.connect(warehouse)
con.execute("create schema if not exists marts")
con.execute(f"create or replace table marts.fact_a as select {version} as version, range as id from range({ROWS} + {version})")
con.execute(f"create or replace table marts.dim_b as select {version} as version, 'x' || range as name from range({ROWS})")
con.execute("create or replace view marts.v_a as select * from marts.fact_a")
steps = []
def step(name):
    steps.append(name)
    print("step", name, flush=True)
    if name == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
publish_marts(con, marts, f"run-{version}", step=step)
print("published", flush=True)
""".replace("{ROWS}", str(ROWS))

# Reconnects again and again; each connection must see one whole publication (the serving file's run, its marts
# and the Parquet file of the same version).
POLL = r"""
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
        with open(os.path.join(marts, "_publication.json")) as fh:
            manifest = json.load(fh)
        seen.append(["manifest", manifest["run_id"], manifest["files"]["fact_a.parquet"]])
    except Exception as exc:
        seen.append(["error", repr(exc)])
with open(out, "w") as fh:
    json.dump(seen, fh)
"""

STEPS = ["export dim_b", "export fact_a", "export v_a", "export audit", "write serving database", "checksums",
         "fsync", "swap", "remove the previous publication", "done"]


def _publish(tmp: Path, version: int, kill_at: str = "-") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-c", PUBLISH, str(tmp / "w.duckdb"), str(tmp / "data" / "marts"),
                           str(version), kill_at], capture_output=True, text=True, timeout=120, env=env)


def _whole(marts: Path, version: int) -> None:
    """data/marts is the publication of `version`, complete and matching its _publication.json."""
    check = check_publication(marts)
    assert check.ok, check.problems
    assert check.manifest["run_id"] == f"run-{version}"
    con = duckdb.connect(str(marts / "ccperf.duckdb"), read_only=True)
    try:
        assert con.execute("select run_id from marts._publication").fetchone() == (f"run-{version}",)
        assert con.execute("select count(*), min(version), max(version) from marts.fact_a").fetchone() == (
            ROWS + version, version, version)
    finally:
        con.close()
    assert duckdb.execute("select count(*) from read_parquet(?)", [str(marts / "fact_a.parquet")]).fetchone() == (
        ROWS + version,)


@pytest.mark.slow
def test_a_kill_at_each_step_of_publishing_leaves_one_whole_publication(tmp_path: Path) -> None:
    marts = tmp_path / "data" / "marts"
    first = _publish(tmp_path, 1)
    assert first.returncode == 0, first.stderr
    steps = [line.split(" ", 1)[1] for line in first.stdout.splitlines() if line.startswith("step ")]
    assert steps == STEPS  # every step is killed at below
    poller = Reader(POLL, str(marts), str(tmp_path / "seen.json"), str(tmp_path / "stop"))
    try:
        version = 1
        for number, step in enumerate(STEPS, 2):
            killed = _publish(tmp_path, number, kill_at=step)
            assert killed.returncode == -signal.SIGKILL, killed.stderr
            assert f"step {step}" in killed.stdout and "published" not in killed.stdout
            swapped = STEPS.index(step) >= STEPS.index("remove the previous publication")
            version = number if swapped else version
            _whole(marts, version)  # the previous publication before the swap, the new one after it
            leftovers = sorted(p.name for p in marts.parent.glob(NEXT_PREFIX + "*"))
            assert leftovers == ([] if step in ("done",) else [f"{NEXT_PREFIX}run-{number}"])
            # the next publication cleans up and succeeds
            again = _publish(tmp_path, 100 + number)
            assert again.returncode == 0, again.stderr
            _whole(marts, 100 + number)
            version = 100 + number
            assert not list(marts.parent.glob(NEXT_PREFIX + "*"))
        (tmp_path / "stop").touch()
        poller.finish()
    finally:
        poller.kill()
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert not [s for s in seen if s[0] == "error"], [s for s in seen if s[0] == "error"][:3]
    serving = [s for s in seen if s[0] == "serving"]
    assert len({s[1] for s in serving}) > 3
    for _, run_id, fact_versions, dim_versions, fact_rows in serving:
        version = int(run_id.split("-")[1])
        assert fact_versions == dim_versions == [version] and fact_rows == ROWS + version
    for _, run_id, rows in (s for s in seen if s[0] == "manifest"):
        assert rows == ROWS + int(run_id.split("-")[1])


def _published(tmp_path: Path) -> Path:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.fact_a as select 1 as version, range as id from range(100)")
        con.execute("create table marts.dim_b as select 1 as version, 'x' as name")
        publish_marts(con, tmp_path / "marts", "run-1")
    finally:
        con.close()
    return tmp_path / "marts"


def _tamper_rows(marts: Path) -> None:
    target = marts / "fact_a.parquet"
    duckdb.execute("copy (select 2 as version, range as id from range(7)) to ? (format parquet)", [str(target)])


def _tamper_bytes(marts: Path) -> None:
    with (marts / "dim_b.parquet").open("ab") as fh:
        fh.write(b"appended")


def _stray_wal(marts: Path) -> None:
    (marts / "ccperf.duckdb.wal").write_bytes(b"\x00" * 64)


def _extra_mart(marts: Path) -> None:
    shutil.copy(marts / "fact_a.parquet", marts / "fact_old.parquet")


def _missing(marts: Path) -> None:
    (marts / "audit").mkdir(exist_ok=True)
    (marts / "dim_b.parquet").unlink()


def _no_manifest(marts: Path) -> None:
    (marts / MANIFEST).unlink()


def _garbled_manifest(marts: Path) -> None:
    (marts / MANIFEST).write_text("{not json")


def _serving_rewritten(marts: Path) -> None:
    os.chmod(marts / "ccperf.duckdb", 0o644)
    con = duckdb.connect(str(marts / "ccperf.duckdb"))
    con.execute("delete from marts.fact_a where id < 10")
    con.close()


def _old_format(marts: Path) -> None:
    manifest = read_manifest(marts)
    del manifest["checksums"]
    (marts / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(("tamper", "problem"), [
    (_tamper_rows, "fact_a.parquet has 7 rows where _publication.json says 100"),
    (_tamper_bytes, "dim_b.parquet is not a readable Parquet file (torn or overwritten)"),
    (_stray_wal, "ccperf.duckdb.wal: a write-ahead log beside the serving file (someone opened it for writing): "
                 "DuckDB would replay it into the published marts"),
    (_extra_mart, "fact_old.parquet is not part of the publication (left by another run, or added by hand)"),
    (_missing, "dim_b.parquet is missing"),
    (_no_manifest, "_publication.json is missing: the files in"),
    (_garbled_manifest, "_publication.json cannot be read"),
    (_serving_rewritten, "ccperf.duckdb does not match its sha256 in _publication.json (changed after publication)"),
    (_old_format, "_publication.json has no checksums (published by an older version of ccperf)"),
])
def test_a_torn_or_tampered_publication_is_detected_and_the_next_publication_repairs_it(
        tmp_path: Path, tamper, problem: str) -> None:
    marts = _published(tmp_path)
    assert check_publication(marts).ok
    tamper(marts)
    check = check_publication(marts)
    assert check.state == "damaged"
    assert any(p.startswith(problem) for p in check.problems), check.problems
    assert problem in check.describe()
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        publish_marts(con, marts, "run-2")
    finally:
        con.close()
    repaired = check_publication(marts)
    assert repaired.ok and repaired.manifest["run_id"] == "run-2", repaired.problems
    assert not (marts / "ccperf.duckdb.wal").exists() and not (marts / "fact_old.parquet").exists()


def test_files_someone_put_in_marts_stay_across_publications(tmp_path: Path) -> None:
    marts = _published(tmp_path)
    (marts / "notes.md").write_text("ours")
    before = checksums(marts)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        publish_marts(con, marts, "run-2")
    finally:
        con.close()
    assert (marts / "notes.md").read_text() == "ours"
    after = checksums(marts)
    assert after["notes.md"] == before["notes.md"] and after[MANIFEST] != before[MANIFEST]
    assert check_publication(marts).ok
