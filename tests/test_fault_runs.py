"""The promises under faults, on real runs of `ccperf run` (a subprocess, as a user runs it): each case asserts the
message, the exit code, what is published (checksums before and after) and what the warehouse holds.

Two scenarios, each one data folder and as few runs as possible:

- a folder whose path holds an apostrophe, quotes, a space and an accented letter, with the bundled documents, a
  corrected copy of one report ("Rettifica", three values changed), a copy of another that the manifest says the
  original supersedes, the same text with classic-Mac line endings, a value no report prints, and every kind of
  entry that is not a document (FIFO, dangling symlink, symlink out of raw/, subfolder, hidden file, a file nobody
  may read, a file the manifest ignores, a misspelt chamber in the manifest). Run, run again (unchanged), damage
  the publication (torn Parquet, stray WAL: `ccperf status` says so), run again (repaired).
- garbage is never published: an empty raw/, then a run that would drop most of the readings, refused unless
  --allow-shrink.

Kills and signals are in tests/test_kills.py.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ccperf.publish import check_publication
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import (
    BRESCIA,
    CREMONA_2020,
    MASSA,
    RETTIFICA,
    checksums,
    cli,
    current_duplicates,
    flat,
    query,
    report_json,
    without_root_powers,
    write_rettifica,
)

pytestmark = pytest.mark.slow

GESTIONE = "002_4c02911812a27649.txt"
BRESCIA_COPY = "003_copia.txt"
IMPLAUSIBLE = ("94,56% 85% 100,00% 100,00%", "9456,00% 85% 100,00% 100,00%")  # Massa-Carrara, line 5413
MANIFEST = f"""
["{BRESCIA}"]
supersedes = "{BRESCIA_COPY}"

["notes.txt"]
ignore = true

["{RETTIFICA}"]
chamber = "Cremonna"
"""


def _bad_folder(data: Path, outside: Path) -> None:
    raw = data / "raw"
    raw.mkdir(parents=True)
    for path in sorted(RAW_DIR.glob("*.txt")):
        shutil.copy(path, raw / path.name)
    massa = (raw / MASSA).read_text(encoding="utf-8")
    assert massa.count(IMPLAUSIBLE[0]) == 1
    (raw / MASSA).write_text(massa.replace(*IMPLAUSIBLE), encoding="utf-8")
    write_rettifica(raw)
    brescia = (raw / BRESCIA).read_text(encoding="utf-8")
    assert brescia.count("3.200.000,00") == 1
    (raw / BRESCIA_COPY).write_text(brescia.replace("3.200.000,00", "3.100.000,00"), encoding="utf-8")
    (raw / "002_mac.txt").write_bytes((RAW_DIR / GESTIONE).read_bytes().replace(b"\n", b"\r"))
    (raw / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (raw / "notes.txt").write_text("Appunti per la riunione\n", encoding="utf-8")
    os.mkfifo(raw / "pipe.txt")
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")
    outside.mkdir()
    (outside / "elsewhere.txt").write_bytes((RAW_DIR / MASSA).read_bytes())
    (raw / "outside.txt").symlink_to(outside / "elsewhere.txt")
    (raw / "2023").mkdir()
    (raw / "2023" / "old.txt").write_bytes((RAW_DIR / CREMONA_2020).read_bytes())
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (raw / "secret.txt").write_bytes((RAW_DIR / CREMONA_2020).read_bytes())
    os.chmod(raw / "secret.txt", 0)


@dataclasses.dataclass
class Folder:
    data: Path
    first: subprocess.CompletedProcess
    first_checksums: dict[str, str]
    first_rows: list[tuple]
    again: subprocess.CompletedProcess
    again_checksums: dict[str, str]
    damaged_checksums: dict[str, str]
    status: subprocess.CompletedProcess
    repaired: subprocess.CompletedProcess
    repaired_checksums: dict[str, str]
    repaired_rows: list[tuple]

    @property
    def db(self) -> Path:
        return self.data / "warehouse.duckdb"


def _fact_rows(db: Path) -> list[tuple]:
    return query(db, "select document_file, source_line, indicator_name, target_raw, actual_raw, is_current "
                     "from marts.fact_indicator_reading order by all")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    prefix = without_root_powers()
    if prefix is None:
        pytest.skip("running as root without setpriv: a file cannot be made unreadable")
    base = tmp_path_factory.mktemp("folder")
    data = base / "dati d'archivio \"2024\" è"
    _bad_folder(data, base / "outside")
    first = cli("run", "--data-dir", str(data), prefix=prefix)
    first_checksums, first_rows = checksums(data / "marts"), _fact_rows(data / "warehouse.duckdb")
    again = cli("run", "--data-dir", str(data), prefix=prefix)
    again_checksums = checksums(data / "marts")
    # the publication is damaged: a Parquet file torn, a WAL written beside the serving file
    with (data / "marts" / "fact_indicator_reading.parquet").open("r+b") as fh:
        fh.truncate(1000)
    (data / "marts" / "ccperf.duckdb.wal").write_bytes(b"\x00" * 4096)
    damaged_checksums = checksums(data / "marts")
    status = cli("status", "--data-dir", str(data), prefix=prefix)
    repaired = cli("run", "--data-dir", str(data), prefix=prefix)
    os.chmod(data / "raw" / "secret.txt", 0o644)
    return Folder(data, first, first_checksums, first_rows, again, again_checksums, damaged_checksums, status,
                  repaired, checksums(data / "marts"), _fact_rows(data / "warehouse.duckdb"))


def test_the_run_succeeds_and_names_every_bad_entry(folder: Folder) -> None:
    out = flat(folder.first.stdout)
    assert folder.first.returncode == 0, folder.first.stdout + folder.first.stderr
    assert "Traceback" not in folder.first.stdout + folder.first.stderr
    for line in [
        "rejected pipe.txt: not a regular file but a FIFO (named pipe): not read",
        "rejected dangling.txt: dangling symbolic link: it points to",
        "rejected outside.txt: symbolic link to", "outside raw/: refused (copy the file into raw/ to load it)",
        "rejected secret.txt: cannot read file: Permission denied",
        "ignored 2023/old.txt: in the subfolder 2023/: not read (ccperf reads only the files directly in raw/; move "
        "it there to load it)",
        "ignored .DS_Store: hidden (its name starts with a dot): not a document, not read",
        "ignored notes.txt: manifest.toml says ignore = true: not a document, not read",
        "duplicate 002_mac.txt: same text as 002_4c02911812a27649.txt (other bytes: utf-8 vs utf-8, or other line "
        "endings); not loaded twice",
        "manifest.toml: entry '000_rettifica.txt': chamber 'Cremonna' is not in the chamber registry (did you mean "
        "'Cremona'?): not applied, the chamber detected in the document is kept",
        "rows in the warehouse: 7 documents,",
        "succeeded in",
    ]:
        assert line in out, line


def test_every_entry_is_recorded_in_the_warehouse_with_its_reason(folder: Folder) -> None:
    files = dict(query(folder.db, "select document_file, status || ': ' || message from raw.document_files"))
    assert files["pipe.txt"] == "rejected: not a regular file but a FIFO (named pipe): not read"
    assert files["secret.txt"] == "rejected: cannot read file: Permission denied"
    assert files["dangling.txt"].startswith("rejected: dangling symbolic link")
    assert files["outside.txt"].startswith("rejected: symbolic link to ")
    assert files["2023/old.txt"].startswith("ignored: in the subfolder 2023/")
    assert files[".DS_Store"].startswith("ignored: hidden")
    assert files["notes.txt"].startswith("ignored: manifest.toml says ignore = true")
    assert files["002_mac.txt"].startswith("duplicate: same text as 002_4c02911812a27649.txt")
    loaded = {r[0] for r in query(folder.db, "select document_file from raw.documents")}
    assert loaded == {*(p.name for p in RAW_DIR.glob("*.txt")), RETTIFICA, BRESCIA_COPY}


def test_one_current_reading_per_chamber_year_objective_and_indicator(folder: Folder) -> None:
    assert current_duplicates(folder.db) == []
    # the corrected copy wins over the original: every current Cremona 2020 reading is the correction's
    cremona = dict(query(folder.db, "select document_file, count(*) filter (where is_current) from "
                                    "marts.fact_indicator_reading where chamber_key = 'cremona' and year = 2020 "
                                    "and doc_kind = 'relazione_performance' group by 1"))
    assert cremona == {CREMONA_2020: 0, RETTIFICA: 45}
    # the manifest says the original Brescia plan supersedes its copy
    brescia = dict(query(folder.db, "select document_file, count(*) filter (where is_current) from "
                                    "marts.fact_indicator_reading where chamber_key = 'brescia' group by 1"))
    assert brescia == {BRESCIA: 43, BRESCIA_COPY: 0}
    # objectives are not counted twice either
    objectives = dict(query(folder.db, "select document_file, count(*) filter (where is_current) from "
                                       "marts.fact_objective_result where chamber_key = 'cremona' and year = 2020 "
                                       "and doc_kind = 'relazione_performance' group by 1"))
    assert objectives == {CREMONA_2020: 0, RETTIFICA: 21}
    values = query(folder.db, "select actual_raw from marts.v_indicator_readings where is_current and "
                              "chamber_name = 'Cremona' and year = 2020 and source_line in (145, 405, 422) order by 1")
    assert values == [("6",), ("7",), ("99,95%",)]


def test_every_disagreement_is_a_finding_with_both_file_lines(folder: Folder) -> None:
    rows = query(folder.db, "select kept_document_file, kept_source_line, other_document_file, other_source_line, "
                            "differences, decided_by, is_undecided from marts.fact_reading_disagreement order by all")
    assert rows == [
        (RETTIFICA, 145, CREMONA_2020, 143, "actual 99,95% vs 101,95%",
         "correction: 'Rettifica' in the title (line 1)", False),
        (RETTIFICA, 405, CREMONA_2020, 403, "actual 7 vs 5", "correction: 'Rettifica' in the title (line 1)", False),
        (RETTIFICA, 422, CREMONA_2020, 420, "actual 6 vs 8", "correction: 'Rettifica' in the title (line 1)", False),
        (BRESCIA, 2526, BRESCIA_COPY, 2526, "target € 3.200.000,00 vs € 3.100.000,00",
         "manifest.toml: 003_copia.txt is superseded", False),
    ]
    out = flat(folder.first.stdout)
    assert "[warning] marts_reading_disagreements: expect_column_values_to_be_null on differences" in out
    assert f"{RETTIFICA}:145 other={CREMONA_2020}:143 chamber_name=Cremona year=2020" in out
    # the report lists them, the same rows, with the rule that decided
    page = (folder.data / "marts" / "report.html").read_text(encoding="utf-8")
    reported = [(r["kept_document_file"], r["kept_source_line"], r["other_document_file"], r["other_source_line"],
                 r["differences"], r["decided_by"], r["is_undecided"]) for r in report_json(page)["disagreements"]]
    assert sorted(reported) == rows
    assert "4 readings are printed differently by two documents of the same chamber and year" in page
    assert "undecided" not in page.split('id="disagreements"')[1].split("</section>")[0].replace("is_undecided", "")
    assert f"<td>{BRESCIA_COPY}:2526</td>" in page
    # and `ccperf status` lists them
    status = flat(folder.status.stdout)
    assert "Readings two documents of the same chamber and year print differently" in status
    assert f"{RETTIFICA}:405" in status


def test_an_implausible_value_is_set_aside_not_published(folder: Folder) -> None:
    quarantined = query(folder.db, "select source_line, reason from raw.quarantine where layout = 'plausibility'")
    assert len(quarantined) == 1
    assert quarantined[0][1] == ("implausible reading 'Grado di soddisfazione sulle iniziative (almeno buono) "
                                 "rilevato su tutte le iniz': actual '9456,00%' is a percentage beyond ±1,000%; set "
                                 "aside, not published")
    assert query(folder.db, "select count(*) from marts.fact_indicator_reading where actual_value > 1000 and "
                            "actual_unit = '%'") == [(0,)]
    assert query(folder.db, "select count(*) from marts.fact_indicator_reading where document_file = ?",
                 [MASSA]) == [(269,)]


def test_a_path_with_quotes_spaces_and_accents_works_everywhere(folder: Folder) -> None:
    check = check_publication(folder.data / "marts")
    assert check.ok, check.problems
    assert (folder.data / "marts" / "report.html").exists()
    assert query(folder.data / "marts" / "ccperf.duckdb", "select count(*) from marts.fact_indicator_reading") == [
        (len(folder.first_rows),)]


def test_a_second_run_is_unchanged_and_publishes_nothing(folder: Folder) -> None:
    assert folder.again.returncode == 0, folder.again.stdout
    assert "unchanged in" in flat(folder.again.stdout)
    assert "the publication matches its checksums" in flat(folder.again.stdout)
    assert folder.again_checksums == folder.first_checksums


def test_a_damaged_publication_is_shown_by_status(folder: Folder) -> None:
    assert folder.damaged_checksums != folder.first_checksums
    out = flat(folder.status.stdout)
    assert folder.status.returncode == 1
    assert "publication: damaged (published by run" in out
    assert "fact_indicator_reading.parquet is not a readable Parquet file (torn or overwritten)" in out
    assert "ccperf.duckdb.wal: a write-ahead log beside the serving file" in out
    assert "the next `ccperf run` publishes it again" in out


def test_the_next_run_repairs_the_publication(folder: Folder) -> None:
    out = flat(folder.repaired.stdout)
    assert folder.repaired.returncode == 0, folder.repaired.stdout
    assert "unchanged in" not in out
    assert "the publication in data/marts is damaged" in out and "it is published again" in out
    assert "succeeded in" in out
    check = check_publication(folder.data / "marts")
    assert check.ok, check.problems
    assert not (folder.data / "marts" / "ccperf.duckdb.wal").exists()
    assert folder.repaired_rows == folder.first_rows  # the same marts as the first publication
    assert folder.repaired_checksums != folder.damaged_checksums
    runs = query(folder.db, "select status from audit.runs order by started_at")
    assert runs == [("succeeded",), ("unchanged",), ("succeeded",)]


@dataclasses.dataclass
class Shrink:
    data: Path
    empty: subprocess.CompletedProcess
    empty_checksums: dict[str, str]
    full: subprocess.CompletedProcess
    full_checksums: dict[str, str]
    dropped: subprocess.CompletedProcess
    dropped_checksums: dict[str, str]
    allowed: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def shrink(tmp_path_factory: pytest.TempPathFactory) -> Shrink:
    data = tmp_path_factory.mktemp("shrink")
    (data / "raw").mkdir()
    empty = cli("run", "--data-dir", str(data))
    empty_checksums = checksums(data / "marts")
    for path in RAW_DIR.glob("*.txt"):
        shutil.copy(path, data / "raw" / path.name)
    full = cli("run", "--data-dir", str(data))
    full_checksums = checksums(data / "marts")
    for name in ("001_454f49c59e8c1ba9.txt", MASSA):  # 338 + 270 of the 901 readings
        (data / "raw" / name).unlink()
    dropped = cli("run", "--data-dir", str(data))
    dropped_checksums = checksums(data / "marts")
    allowed = cli("run", "--data-dir", str(data), "--allow-shrink")
    return Shrink(data, empty, empty_checksums, full, full_checksums, dropped, dropped_checksums, allowed)


def test_an_empty_raw_folder_publishes_nothing(shrink: Shrink) -> None:
    out = flat(shrink.empty.stdout)
    assert shrink.empty.returncode == 1
    assert ("failed in" in out and "this run would publish no readings at all: the warehouse holds no document "
            "after reading") in out
    assert "If this is what you want, run again with --allow-shrink" in out
    assert "rows in the warehouse: 0 documents, 0 readings" in out
    assert "nothing was published (there is no earlier publication)" in out
    assert shrink.empty_checksums == {}


def test_a_run_that_would_drop_most_readings_fails_unless_allowed(shrink: Shrink) -> None:
    assert shrink.full.returncode == 0, shrink.full.stdout
    out = flat(shrink.dropped.stdout)
    assert shrink.dropped.returncode == 1
    assert ("this run would publish 293 readings where 901 are published now: 67% fewer, more than the 33% allowed "
            "(CCPERF_MAX_SHRINK_PCT); nothing was published") in out
    assert shrink.dropped_checksums == shrink.full_checksums  # the previous publication stays, byte for byte
    # the summary is true: what the warehouse holds, and what stays published
    assert "rows in the warehouse: 3 documents, 293 readings" in out
    assert "nothing was published: the previous publication (run" in out and ", 901 readings) in" in out
    allowed = flat(shrink.allowed.stdout)
    assert shrink.allowed.returncode == 0, shrink.allowed.stdout
    assert "published anyway (--allow-shrink)" in allowed
    assert query(shrink.data / "marts" / "ccperf.duckdb", "select count(*) from marts.fact_indicator_reading") == [
        (293,)]
    runs = [r[0] for r in query(shrink.data / "warehouse.duckdb", "select status from audit.runs order by started_at")]
    assert runs == ["failed", "succeeded", "failed", "succeeded"]
