"""Helpers for the tests that run the real flow on altered data folders: bad inputs, faults, readers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb

from ccperf.summary import RunSummary
from tests.conftest import RAW_DIR

CREMONA_2020 = "000_b94ecf89defcc372.txt"  # every character is in cp1252
MANTOVA_BUNDLE = "001_454f49c59e8c1ba9.txt"
BRESCIA = "003_a0c237837c23239d.txt"
MASSA = "004_0cdd469904be561d.txt"
TRUNCATE_AT = 338460  # 001 cut inside the Pavia objectives table, in the middle of "≥" (3 bytes in UTF-8)
FIFTY_MB = 50 * 1024 * 1024


def run_flow(data_dir: Path) -> RunSummary:
    """The real flow; the summary is returned whether the run succeeded or not."""
    from flows.pipeline import new_summary, pipeline

    summary = new_summary()
    try:
        pipeline(data_dir=str(data_dir), summary=summary)
    except Exception:  # the summary says what failed
        assert summary.status == "failed"
    return summary


def write_fifty_megabytes(path: Path) -> None:
    """One real report repeated up to 50 MB (written in chunks: the test itself stays small in memory)."""
    block = (RAW_DIR / CREMONA_2020).read_bytes()
    with path.open("wb") as fh:
        written = 0
        while written < FIFTY_MB:
            fh.write(block)
            written += len(block)


def write_bad_inputs(raw: Path) -> None:
    """Real documents in other encodings, copies, and every kind of bad file, side by side."""
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "000-cp1252.txt").write_bytes((RAW_DIR / CREMONA_2020).read_text(encoding="utf-8").encode("cp1252"))
    (raw / "004-utf16.txt").write_bytes((RAW_DIR / MASSA).read_text(encoding="utf-8").encode("utf-16"))
    (raw / "004_utf8.txt").write_bytes((RAW_DIR / MASSA).read_bytes())  # same text as 004-utf16.txt
    (raw / BRESCIA).write_bytes((RAW_DIR / BRESCIA).read_bytes())
    (raw / "003_copy.txt").write_bytes((RAW_DIR / BRESCIA).read_bytes())  # same bytes, another name
    (raw / "001-truncated.txt").write_bytes((RAW_DIR / MANTOVA_BUNDLE).read_bytes()[:TRUNCATE_AT])
    (raw / "empty.txt").write_bytes(b"")
    (raw / "blank.txt").write_bytes(b"  \n\n\t\n")
    (raw / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40)
    (raw / "notes.txt").write_text(
        "Verbale della riunione del comitato di quartiere\n\nIl giorno 12 marzo 2024 si è riunito il comitato.\n\n"
        "Punto 1\tManutenzione\tDa definire\nPunto 2\tIlluminazione\tIn corso\n", encoding="utf-8")
    write_fifty_megabytes(raw / "huge.txt")


CLI = "from ccperf.cli import app; app()"


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a `ccperf` subprocess running this tree's code."""
    environment = {**os.environ, **(env or {})}
    root = str(Path(__file__).resolve().parents[1])
    environment["PYTHONPATH"] = root + os.pathsep + environment.get("PYTHONPATH", "")
    return environment


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 900,
        prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """`ccperf <args>` in a subprocess (this tree's code), with `env` added to the environment; `prefix` runs it
    through another program (without_root_powers())."""
    return subprocess.run([*(prefix or []), sys.executable, "-c", CLI, *args], env=cli_env(env), capture_output=True,
                          text=True, timeout=timeout)


def without_root_powers() -> list[str] | None:
    """A command prefix running a program as this user without root's power to read any file (CAP_DAC_OVERRIDE):
    permission bits then apply as for anyone. None when that cannot be done (root without setpriv)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        return None
    return ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


def flat(output: str) -> str:
    """Console output on one line (rich wraps long lines)."""
    return " ".join(output.split())


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder` (a publication), by relative path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fake_publication(data_dir: Path, run_id: str = "run-1", rows: int = 10) -> dict[str, str]:
    """A small publication (no dbt) in data_dir/marts, published as a run does; returns its checksums."""
    from ccperf.publish import publish_marts

    data_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(data_dir / "small-warehouse.duckdb"))
    try:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.fact_indicator_reading as select range as reading_key, "
                    f"'x.txt' as document_file from range({rows})")
        con.execute("create or replace table marts.dim_year as select 2020 + range as year from range(3)")
        publish_marts(con, data_dir / "marts", run_id)
    finally:
        con.close()
    return checksums(data_dir / "marts")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def readings_by_file(db: Path) -> dict[str, int]:
    return dict(query(db, "select document_file, count(*) from marts.fact_indicator_reading group by 1"))


def marts_snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every mart, sorted (idempotency: same rows, same keys)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        return {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


# A reader in another process: holds the serving file open across a publication and reads it again.
HOLDER = r"""
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def snapshot():
    run_id = con.execute("select run_id from marts._publication").fetchone()[0]
    counts = dict(con.execute("select document_file, count(*) from marts.fact_indicator_reading group by 1").fetchall())
    return {"run_id": run_id, "counts": counts}
print(json.dumps(snapshot()), flush=True)
sys.stdin.readline()
print(json.dumps(snapshot()), flush=True)
con.close()
"""

# A reader that keeps reconnecting while a run publishes and records what each connection saw.
POLLER = r"""
import json, os, sys, time, duckdb
serving, parquet, out, stop = sys.argv[1:5]
seen = []
while not os.path.exists(stop):
    try:
        con = duckdb.connect(serving, read_only=True)
        try:
            run_id = con.execute("select run_id from marts._publication").fetchone()[0]
            counts = dict(con.execute(
                "select document_file, count(*) from marts.fact_indicator_reading group by 1").fetchall())
            docs = sorted(r[0] for r in con.execute("select document_file from marts.dim_document").fetchall())
        finally:
            con.close()
        seen.append({"kind": "serving", "run_id": run_id, "counts": counts, "documents": docs})
        mem = duckdb.connect()
        try:
            seen.append({"kind": "parquet", "rows": mem.execute("select count(*) from read_parquet(?)",
                                                                [parquet]).fetchone()[0]})
        finally:
            mem.close()
    except Exception as exc:
        seen.append({"kind": "error", "error": repr(exc)})
    time.sleep(0.02)
with open(out, "w") as fh:
    json.dump(seen, fh)
"""


class Reader:
    """A Python process running one of the reader scripts above."""

    def __init__(self, script: str, *args: str, stdin: bool = False) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", script, *args], text=True, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.PIPE if stdin else None)

    def read_json(self) -> Any:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise AssertionError(f"reader ended: {self.proc.stderr.read()}")  # type: ignore[union-attr]
        return json.loads(line)

    def send(self, text: str) -> None:
        self.proc.stdin.write(text)  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def finish(self, timeout: float = 60) -> str:
        _, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err
        return err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# A corrected copy of the Cremona 2020 report: a title saying "Rettifica" and three values changed.
RETTIFICA = "000_rettifica.txt"
RETTIFICA_CHANGES = [("STRATEGICO >=70% 101,95%", "STRATEGICO >=70% 99,95%"),  # line 143 → 145
                     ("OPERATIVO 5,00 5 ", "OPERATIVO 5,00 7 "),  # line 403 → 405
                     ("OPERATIVO 8,00 8 ", "OPERATIVO 8,00 6 ")]  # line 420 → 422


def write_rettifica(raw: Path) -> None:
    text = "Relazione sulla performance 2020 - Rettifica\n\n" + (RAW_DIR / CREMONA_2020).read_text(encoding="utf-8")
    for old, new in RETTIFICA_CHANGES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (raw / RETTIFICA).write_text(text, encoding="utf-8")


def current_duplicates(db: Path) -> list[tuple]:
    """Current readings sharing chamber, year, objective and indicator (there must be none)."""
    return query(db, "select chamber_key, year, objective_ref, indicator_ref, reading_occurrence, count(*) "
                     "from marts.fact_indicator_reading where is_current group by all having count(*) > 1")


def report_json(page: str) -> dict[str, Any]:
    """The data a report page embeds (every number it shows)."""
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert found, "no embedded report data"
    return json.loads(found.group(1))
