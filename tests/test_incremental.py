"""Incremental runs: only the documents that changed are extracted again, a run with nothing changed does nothing
(and publishes nothing), a removed document leaves the marts, a locked warehouse is retried with back-off.

One sequence of real flow runs on a copy of the bundled documents, each step checked on the warehouse, the run
summary and the publication.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ccperf import incremental, planning, quality
from ccperf.config import Settings
from ccperf.extract import batch, extractor
from ccperf.extract.manifest import load_manifest
from ccperf.model import flatten
from ccperf.summary import RunSummary
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import MASSA, query

HOLD_WAREHOUSE = r"""
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _run(data_dir: Path, force: bool = False) -> RunSummary:
    from flows.pipeline import new_summary, pipeline

    summary = new_summary()
    pipeline(data_dir=str(data_dir), summary=summary, force=force)
    return summary


def _statuses(summary: RunSummary) -> dict[str, str]:
    return {d.document_file: d.status for d in summary.documents}


def _published(settings: Settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(settings.marts_dir.iterdir()) if p.is_file()}


def _extracted_at(settings: Settings) -> dict[str, str]:
    return dict(query(settings.warehouse, "select document_file, extracted_at from raw.documents"))


def _cli_run(data_dir: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "summary.json"
    proc = subprocess.run([sys.executable, "-c", "from ccperf.cli import app; app()", "run", "--data-dir",
                           str(data_dir), "--summary-json", str(out)], capture_output=True, text=True, timeout=600)
    return proc, json.loads(out.read_text())


@dataclasses.dataclass
class Sequence:
    settings: Settings
    first: RunSummary
    first_publication: dict[str, bytes]
    first_extracted_at: dict[str, str]
    again: RunSummary
    publication_after_again: dict[str, bytes]
    cli: subprocess.CompletedProcess
    cli_summary: dict
    changed: RunSummary
    changed_extracted_at: dict[str, str]
    changed_value: list[tuple]
    changed_documents: list[tuple]
    removed: RunSummary
    files_after_removal: list[str]


@pytest.fixture(scope="module")
def sequence(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Sequence:
    data = tmp_path_factory.mktemp("incremental")
    shutil.copytree(RAW_DIR, data / "raw")
    for path in (data / "raw").iterdir():
        path.chmod(0o644)
    settings = Settings.load(data)

    first = _run(data)
    first_publication, first_extracted_at = _published(settings), _extracted_at(settings)
    again = _run(data)
    publication_after_again = _published(settings)
    cli, cli_summary = _cli_run(data, tmp_path_factory.mktemp("cli"))

    # one value of the Massa-Carrara report changes: the first reading printed as "NN,NN%" loses 7 points
    line, actual = query(settings.warehouse, "select source_line, actual_raw from marts.fact_indicator_reading "
                         f"where document_file = '{MASSA}' and regexp_matches(actual_raw, '^[0-9]{{2}},[0-9]{{2}}%$') "
                         "order by source_line limit 1")[0]
    new_value = f"{int(actual[:2]) - 7}{actual[2:]}"
    massa = data / "raw" / MASSA
    lines = massa.read_text(encoding="utf-8").split("\n")
    at = next(i for i in range(line - 1, len(lines)) if lines[i].startswith(actual + " "))
    lines[at] = new_value + lines[at][len(actual):]
    massa.write_text("\n".join(lines), encoding="utf-8")
    changed = _run(data)
    changed_value = query(settings.warehouse, "select actual_raw, target_raw from marts.fact_indicator_reading "
                          f"where document_file = '{MASSA}' and source_line = {line}")
    changed_extracted_at = _extracted_at(settings)
    changed_value = [*changed_value, (new_value,)]
    changed_documents = query(settings.warehouse, "select count(*), count(distinct document_sha256) "
                              "from raw.documents")

    (data / "raw" / "000_b94ecf89defcc372.txt").unlink()
    removed = _run(data)
    files_after_removal = [r[0] for r in query(settings.warehouse, "select distinct document_file from "
                                                "marts.fact_indicator_reading order by 1")]
    return Sequence(settings, first, first_publication, first_extracted_at, again, publication_after_again, cli,
                    cli_summary, changed, changed_extracted_at, changed_value, changed_documents, removed, files_after_removal)


def test_the_first_run_extracts_everything(sequence: Sequence) -> None:
    assert sequence.first.status == "succeeded", sequence.first.message
    assert set(_statuses(sequence.first).values()) == {"extracted"}
    assert len(sequence.first.documents) == 5 and sequence.first.total("readings") == 901
    assert sequence.first.extracted_bytes == sum(p.stat().st_size for p in RAW_DIR.iterdir() if p.suffix == ".txt")


def test_a_run_with_nothing_changed_does_nothing_and_publishes_nothing(sequence: Sequence) -> None:
    again = sequence.again
    assert again.status == "unchanged"
    assert again.message.startswith("nothing changed since the last publication (5 files")
    assert set(_statuses(again).values()) == {"unchanged"}
    assert again.total("readings") == 901  # the summary still tells what the warehouse holds
    assert list(again.stage_seconds) == ["plan"] and not again.published and not again.dbt_counts
    assert sequence.publication_after_again == sequence.first_publication  # byte for byte
    runs = query(sequence.settings.warehouse, "select status from audit.runs order by started_at")
    assert [r[0] for r in runs][:2] == ["succeeded", "unchanged"]


def test_the_command_answers_a_no_change_run_without_starting_prefect(sequence: Sequence) -> None:
    assert sequence.cli.returncode == 0, sequence.cli.stdout + sequence.cli.stderr
    output = " ".join(sequence.cli.stdout.split())
    assert "unchanged in " in output and "nothing extracted, nothing published" in output
    assert "Starting temporary server" not in sequence.cli.stdout + sequence.cli.stderr
    assert sequence.cli_summary["status"] == "unchanged"
    assert [d["status"] for d in sequence.cli_summary["documents"]] == ["unchanged"] * 5


def test_a_changed_document_is_extracted_alone(sequence: Sequence) -> None:
    changed = sequence.changed
    assert changed.status == "succeeded", changed.message
    statuses = _statuses(changed)
    assert statuses.pop(MASSA) == "extracted"
    assert set(statuses.values()) == {"unchanged"}
    assert changed.extracted_bytes == (sequence.settings.raw_dir / MASSA).stat().st_size
    assert changed.total("readings") == 901 and not changed.removed_documents  # replaced, not removed
    # the other documents keep their rows and their extraction time; the changed one has a new one
    for name, at in sequence.first_extracted_at.items():
        if name != MASSA:
            assert sequence.changed_extracted_at[name] == at
    assert sequence.changed_extracted_at[MASSA] >= sequence.first_extracted_at[MASSA]
    (actual, _target), (new_value,) = sequence.changed_value
    assert actual == new_value  # the new value reached the marts
    assert sequence.changed_documents == [(5, 5)]  # the old version of the file is gone


def test_a_removed_document_leaves_the_marts(sequence: Sequence) -> None:
    removed = sequence.removed
    assert removed.status == "succeeded", removed.message
    assert removed.removed_documents == ["000_b94ecf89defcc372.txt"]
    assert set(_statuses(removed).values()) == {"unchanged"}
    assert "000_b94ecf89defcc372.txt" not in sequence.files_after_removal
    assert len(sequence.files_after_removal) == 4


def test_a_new_parser_version_or_manifest_override_extracts_again(sequence: Sequence,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    settings = sequence.settings
    paths, overrides = planning.discover(settings), load_manifest(settings.raw_dir)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        plan = incremental.make_plan(settings, con, paths, overrides)
        assert [f.action for f in plan.files] == ["unchanged"] * 4
        monkeypatch.setattr(extractor, "PARSER_VERSION", "999")
        bumped = incremental.make_plan(settings, con, paths, overrides)
        assert [f.action for f in bumped.files] == ["extract"] * 4 and not bumped.nothing_changed
        monkeypatch.undo()
        # a user profile beside the documents is part of what they were read with
        (settings.raw_dir / "generic.profile.toml").write_text(
            '[target]\nseen_in = "test"\nvalues = ["obiettivo annuale"]\n', encoding="utf-8")
        profiled = incremental.make_plan(settings, con, planning.discover(settings), overrides)
        assert [f.action for f in profiled.files] == ["extract"] * 4
        assert "generic.profile.toml" not in [f.name for f in profiled.files]
        (settings.raw_dir / "generic.profile.toml").unlink()
        (settings.raw_dir / "manifest.toml").write_text(f'["{MASSA}"]\nyear = 2019\n', encoding="utf-8")
        overridden = incremental.make_plan(settings, con, paths, load_manifest(settings.raw_dir))
        assert {f.name: f.action for f in overridden.files}[MASSA] == "extract"
        assert sum(f.action == "extract" for f in overridden.files) == 1 and not overridden.nothing_changed
    finally:
        (settings.raw_dir / "manifest.toml").unlink(missing_ok=True)
        con.close()


def test_a_locked_warehouse_is_retried_with_back_off(sequence: Sequence, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warehouse is held by another process for 2.5 s; each try waits 0.3 s, then the stage is tried again
    after 1 s and 2 s: the third try gets the warehouse and the run goes on."""
    monkeypatch.setenv("CCPERF_LOCK_TIMEOUT_S", "0.3")
    monkeypatch.setenv("CCPERF_RETRIES", "3")
    monkeypatch.setenv("CCPERF_RETRY_DELAY_S", "1")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WAREHOUSE, str(sequence.settings.warehouse), "2.5"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.perf_counter()
        summary = _run(sequence.settings.data_dir)
        waited = time.perf_counter() - started
    finally:
        holder.kill()
        holder.wait()
    assert summary.status == "unchanged", summary.message
    assert waited >= 2.0  # it did wait for the holder instead of failing at the first try


def test_a_wrong_retry_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPERF_RETRIES", "1.5")
    with pytest.raises(ValueError, match="CCPERF_RETRIES=1.5 is not a whole number"):
        Settings.load()


def test_parallel_extraction_gives_the_same_rows(tmp_path: Path) -> None:
    """Worker processes return exactly what one process extracts, in the same order."""
    settings = Settings.load(tmp_path)
    items = [incremental.FilePlan(p, p.stat().st_size, None, None, "extract") for p in sorted(RAW_DIR.glob("*.txt"))]
    done: list[str] = []
    parallel = batch.extract_all(items, settings.max_document_bytes, 2, lambda n, r: done.append(r.document_file))
    serial = batch.extract_all(items, settings.max_document_bytes, 1)
    assert sorted(done) == [p.name for p in sorted(RAW_DIR.glob("*.txt"))]
    assert [r.document_file for r in parallel] == [r.document_file for r in serial]
    for a, b in zip(parallel, serial, strict=True):
        assert a.content_sha256 == b.content_sha256 and a.content_sha256
        assert [flatten(r) for r in a.readings] == [flatten(r) for r in b.readings]
    assert sum(len(r.readings) for r in parallel) == 901


def test_status_shows_runs_documents_quarantine_and_quality(sequence: Sequence) -> None:
    from typer.testing import CliRunner

    from ccperf.cli import app

    result = CliRunner().invoke(app, ["status", "--data-dir", str(sequence.settings.data_dir)])
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"warehouse {sequence.settings.warehouse}" in " ".join(output.split())
    for title in ("Last runs", "Documents known", "Last quality result", "Expectations not met in that result"):
        assert title in output
    assert "Quarantined blocks (kept in raw.quarantine, never dropped): nothing quarantined" in output
    assert "unchanged" in output and "succeeded" in output
    assert "tree_ob_ind" in output and "270" in output  # Massa-Carrara: its layout and its readings
    suites = quality.load_suites(sequence.settings.expectations_dir)
    checked = sum(quality.count_expectations(suites).values())
    assert checked > 100
    quality_row = output.split("Last quality result", 1)[1].split("Expectations not met", 1)[0]
    assert f"│ {checked} " in quality_row  # every expectation of the suites was checked in the last result


def test_status_reads_the_publication_while_a_run_holds_the_warehouse(sequence: Sequence) -> None:
    from typer.testing import CliRunner

    from ccperf.cli import app

    holder = subprocess.Popen([sys.executable, "-c", HOLD_WAREHOUSE, str(sequence.settings.warehouse), "60"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = CliRunner().invoke(app, ["status", "--data-dir", str(sequence.settings.data_dir)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "a run is in progress (the warehouse is busy): showing the last publication" in output
    assert "Documents known" in output and "tree_ob_ind" in output and "Last quality result" in output
    assert "Last runs" not in output  # run history lives in the warehouse only
