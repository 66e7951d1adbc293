"""A failing dbt test or critical expectation stops the run with a clear message; nothing is published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ccperf import land, stages
from ccperf.config import Settings
from ccperf.errors import PipelineError
from ccperf.extract.extractor import extract_file
from tests.conftest import MANTOVA_FILE, RAW_DIR


@pytest.fixture
def one_document(tmp_path: Path) -> Settings:
    """A data folder with the Mantova report landed in a fresh warehouse."""
    (tmp_path / "raw").mkdir()
    shutil.copy(RAW_DIR / MANTOVA_FILE, tmp_path / "raw")
    settings = Settings.load(tmp_path)
    documents, outcomes = land.classify([extract_file(settings.raw_dir / MANTOVA_FILE)])
    land.land(settings, documents, outcomes)
    return settings


def _corrupt(settings: Settings, sql: str) -> None:
    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute(sql)
    finally:
        con.close()


@pytest.mark.slow
def test_a_failing_dbt_test_stops_the_run(one_document: Settings) -> None:
    _corrupt(one_document, "update raw.indicator_readings set status = 'conseguito' where source_line = 987")
    with pytest.raises(PipelineError) as err:
        stages.build_marts(one_document)
    message = str(err.value)
    assert message.startswith("dbt build failed; nothing was published")
    assert "accepted_values_stg_raw__indicator_readings_status" in message


@pytest.mark.slow
def test_a_critical_expectation_blocks_publication(one_document: Settings) -> None:
    stages.build_marts(one_document)
    _corrupt(one_document, "update raw.indicator_readings set source_line = 0 where source_line = 987")
    report = stages.check_quality(one_document, "test-run")
    assert not report.passed
    failed = [(o.suite, o.expectation, o.column) for o in report.critical_failures]
    assert failed == [("raw_indicator_readings", "expect_column_values_to_be_between", "source_line")]
    con = duckdb.connect(str(one_document.warehouse), read_only=True)
    try:
        stored = con.execute("select count(*) from audit.quality_results where run_id = 'test-run' and not success "
                             "and severity = 'critical'").fetchone()[0]
    finally:
        con.close()
    assert stored == 1


def test_failed_flow_keeps_the_previous_publication(prefect_harness: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.pipeline import new_summary, pipeline

    (tmp_path / "raw").mkdir()
    shutil.copy(RAW_DIR / MANTOVA_FILE, tmp_path / "raw")
    first = pipeline(data_dir=str(tmp_path))
    assert first.status == "succeeded"
    published = (tmp_path / "marts" / "fact_indicator_reading.parquet").read_bytes()
    serving = (tmp_path / "marts" / "ccperf.duckdb").read_bytes()

    # a suite whose critical expectation cannot hold
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "impossible.json").write_text(json.dumps({
        "name": "impossible", "meta": {"query": "select * from marts.fact_indicator_reading"},
        "expectations": [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0},
                          "meta": {"severity": "critical"}}]}))
    # and a suite GX cannot run (an expectation it does not know): the gate fails rather than skip it
    (suites / "unknown.json").write_text(json.dumps({
        "name": "unknown", "meta": {"query": "select 1 as x"},
        "expectations": [{"type": "expect_column_values_to_be_purple", "kwargs": {"column": "x"},
                          "meta": {"severity": "warning"}}]}))
    monkeypatch.setattr(Settings, "expectations_dir", property(lambda self: suites))
    summary = new_summary()
    with pytest.raises(PipelineError, match="critical data-quality expectations failed"):
        pipeline(data_dir=str(tmp_path), summary=summary)
    assert summary.status == "failed" and summary.quality_failures
    assert "impossible: expect_table_row_count_to_equal" in summary.quality_failures[0]
    assert "[critical] unknown: suite runs" in summary.quality_failures[1]
    assert "expect_column_values_to_be_purple not found" in summary.quality_failures[1]
    assert (tmp_path / "marts" / "fact_indicator_reading.parquet").read_bytes() == published
    assert (tmp_path / "marts" / "ccperf.duckdb").read_bytes() == serving


def test_a_bad_manifest_fails_with_the_reason(prefect_harness: None, tmp_path: Path) -> None:
    from flows.pipeline import pipeline

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "manifest.toml").write_text('["x.txt"]\ndoc_kind = "bilancio"\n')
    with pytest.raises(PipelineError, match="manifest: manifest.toml: entry 'x.txt' has doc_kind 'bilancio'"):
        pipeline(data_dir=str(tmp_path))
