"""The real Prefect flow on the real documents, in a temporary data folder: DuckDB, dbt, GX, Parquet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from ccperf.summary import RunSummary
from tests.conftest import MANTOVA_FILE

CONTRACT = ["document_file", "document_sha256", "source_line", "chamber_name", "year", "doc_kind", "objective_code",
            "objective_level", "objective_title", "indicator_code", "indicator_name", "indicator_type", "weight_pct",
            "baseline_value", "target_raw", "target_value", "target_operator", "target_unit", "target_midyear_value",
            "target_revised_value", "actual_raw", "actual_value", "achievement_pct", "status", "is_current"]


@pytest.fixture
def warehouse(pipeline_run: RunSummary, data_copy: Path):
    # opened per test: an open connection in this process would block the pipeline's own writes
    con = duckdb.connect(str(data_copy / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_the_run_succeeds_and_reports_every_document(pipeline_run: RunSummary) -> None:
    assert pipeline_run.status == "succeeded", pipeline_run.message
    assert {d.document_file for d in pipeline_run.documents} == {
        "000_b94ecf89defcc372.txt", MANTOVA_FILE, "002_4c02911812a27649.txt", "003_a0c237837c23239d.txt",
        "004_0cdd469904be561d.txt"}
    assert all(d.status == "extracted" for d in pipeline_run.documents)
    # every segment is parsed, or said to have no tables, or reported (never silently skipped)
    for doc in pipeline_run.documents:
        for seg in doc.segments:
            assert seg.parser_status in ("parsed", "no_tables", "no_parser", "unknown_layout", "failed")
            if seg.parser_status != "parsed":
                assert seg.message
    assert pipeline_run.quality_checked > 40 and not pipeline_run.quality_failures
    assert pipeline_run.dbt_counts.get("pass", 0) > 50 and "error" not in pipeline_run.dbt_counts


def test_contract_view_has_every_column(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = [r[0] for r in warehouse.execute("describe marts.v_indicator_readings").fetchall()]
    assert set(CONTRACT) <= set(columns)


def test_mantova_readings_in_the_marts(warehouse: duckdb.DuckDBPyConnection) -> None:
    counts = dict(warehouse.execute("""
        select objective_level, count(*) from marts.v_indicator_readings
        where chamber_name = 'Mantova' group by 1""").fetchall())
    assert counts == {"strategic": 32, "operational": 81, "other": 15}
    row = warehouse.execute("""
        select document_file, source_line, year, doc_kind, objective_code, objective_title, indicator_code, weight_pct,
               target_raw, target_value, target_operator, target_unit, actual_value, is_current, is_target_met
        from marts.v_indicator_readings where chamber_name = 'Mantova' and indicator_code = 'C1.1_07'""").fetchone()
    assert row == (MANTOVA_FILE, 987, 2024, "relazione_performance", "OS 3.1",
                   "Mantenere la qualità e l'efficienza del Registro Imprese", "C1.1_07", 50.0, "<= 2,00 gg", 2.0,
                   "<=", "gg", 2.1, True, False)


def test_restated_summary_rows_are_not_current(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("""
        select table_role, is_current, count(*) from marts.v_indicator_readings
        where chamber_name = 'Mantova' group by 1, 2 order by 1, 2""").fetchall()
    # 14 summary rows restate detail rows; one summary row (no detail row) and the detail rows stay current
    assert rows == [("detail", True, 112), ("prose", False, 1), ("summary", False, 14), ("summary", True, 1)]


def test_dimensions(warehouse: duckdb.DuckDBPyConnection) -> None:
    chambers = dict(warehouse.execute("select chamber_name, successor_chamber_name from marts.dim_chamber").fetchall())
    assert chambers["Mantova"] == "Cremona-Mantova-Pavia" and chambers["Brescia"] is None
    assert {2019, 2020, 2022, 2024} <= {r[0] for r in warehouse.execute("select year from marts.dim_year").fetchall()}
    docs = warehouse.execute("select document_file, chamber_name, year, doc_kind, n_segments from marts.dim_document "
                             "order by 1").fetchall()
    assert docs[1] == (MANTOVA_FILE, "Cremona-Mantova-Pavia", 2024, "relazione_performance", 5)
    area = warehouse.execute("""select objective_title, weight_pct, achievement_pct from marts.dim_objective
                                where chamber_name = 'Mantova' and objective_code = 'AS2'""").fetchone()
    assert area == ("Gestione della Camera di Commercio", 25.0, 95.47)
    parent = warehouse.execute("""
        select p.objective_code from marts.dim_objective o
        join marts.dim_objective p on o.parent_objective_key = p.objective_key
        where o.chamber_name = 'Mantova' and o.objective_code = 'OO 3.2.6'""").fetchone()
    assert parent == ("OS 3.2",)


def test_quality_results_are_stored(warehouse: duckdb.DuckDBPyConnection, pipeline_run: RunSummary) -> None:
    stored = warehouse.execute("select count(*), count(*) filter (where success) from audit.quality_results "
                               "where run_id = ?", [pipeline_run.run_id]).fetchone()
    assert stored[0] == pipeline_run.quality_checked and stored[1] == stored[0] - len(pipeline_run.quality_warnings)


def test_marts_are_published_as_parquet(pipeline_run: RunSummary, data_copy: Path,
                                        warehouse: duckdb.DuckDBPyConnection) -> None:
    marts = data_copy / "marts"
    expected = {"dim_chamber", "dim_document", "dim_objective", "dim_year", "fact_indicator_reading",
                "v_indicator_readings"}
    assert expected <= {p.stem for p in marts.glob("*.parquet")}
    fact = pl.read_parquet(marts / "fact_indicator_reading.parquet")
    assert fact.height == warehouse.execute("select count(*) from marts.fact_indicator_reading").fetchone()[0]
    assert pipeline_run.published["fact_indicator_reading.parquet"] == fact.height
    assert not list(marts.glob(".staging-*"))


def test_a_second_run_on_the_same_documents_changes_nothing(pipeline_run: RunSummary, data_copy: Path) -> None:
    from flows.pipeline import pipeline

    def snapshot() -> list[tuple]:
        con = duckdb.connect(str(data_copy / "warehouse.duckdb"), read_only=True)
        try:
            return con.execute("select reading_key, source_line, target_value, actual_value, is_current "
                               "from marts.fact_indicator_reading order by reading_key").fetchall()
        finally:
            con.close()

    before = snapshot()
    again = pipeline(data_dir=str(data_copy))
    assert again.status == "unchanged"  # nothing to do: nothing extracted, nothing rebuilt
    assert snapshot() == before
    forced = pipeline(data_dir=str(data_copy), force=True)  # everything extracted and built again: same marts
    assert forced.status == "succeeded" and len(forced.files_with_status("extracted")) == 5
    assert snapshot() == before
    con = duckdb.connect(str(data_copy / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.documents").fetchone()[0] == 5
    finally:
        con.close()


def test_every_document_is_parsed_and_scored_rows_are_exact(warehouse: duckdb.DuckDBPyConnection) -> None:
    segments = warehouse.execute("select layout, parser_status from raw.segments order by document_file, "
                                 "segment_index").fetchall()
    assert segments[:6] == [("wrapped_cells", "parsed"), ("narrative", "no_tables"), ("area_objective_tables", "parsed"),
                            ("integra", "parsed"), ("scorecard_carried_cells", "parsed"), ("area_objective_tables", "parsed")]
    assert all(status == "parsed" for _, status in segments[6:])
    counts = dict(warehouse.execute("select left(document_file, 3) || ' ' || chamber_name, count(*) "
                                    "from marts.v_indicator_readings group by 1").fetchall())
    # the labelled counts of the seed notes
    assert counts == {"000 Cremona": 46, "001 Cremona": 61, "001 Mantova": 128, "001 Pavia": 149, "002 Cremona": 204,
                      "003 Brescia": 43, "004 Massa-Carrara": 270}


def test_addendum_values_supersede_provisional_ones(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("""
        select a.source_line, a.actual_value, a.is_current, o.source_line, o.is_current
        from marts.v_indicator_readings a
        join marts.v_indicator_readings o
          on o.document_sha256 = a.document_sha256 and o.source_line = a.restates_line and o.chamber_name = a.chamber_name
        where a.table_role = 'addendum' order by a.source_line""").fetchall()
    assert len(rows) == 6
    assert all(a_current and not o_current for _, _, a_current, _, o_current in rows)
    assert rows[0][1] == 111.74  # "111,74% al 18/11/2024" replaces the provisional 86,71%


def test_mission_spending_is_exact_to_the_cent(warehouse: duckdb.DuckDBPyConnection) -> None:
    spending = dict(warehouse.execute("""
        select mission_code, amount_eur from marts.fact_mission_spending
        where chamber_name = 'Cremona' and year = 2022 and amount_level = 'mission'""").fetchall())
    assert {k: str(v) for k, v in spending.items()} == {
        "011": "1865646.87", "012": "59504.95", "016": "118321.00", "032": "3295109.02"}
    budgets = warehouse.execute("""select count(*) from marts.fact_mission_spending
                                   where amount_kind = 'budget' and year = 2024""").fetchone()[0]
    assert budgets == 5


def test_four_month_components_are_tied_to_their_readings(warehouse: duckdb.DuckDBPyConnection) -> None:
    n, tied, chambers = warehouse.execute("""
        select count(*), count(f.reading_key), count(distinct f.chamber_name)
        from marts.fact_reading_component c left join marts.fact_indicator_reading f using (reading_key)""").fetchone()
    assert n > 300 and tied == n and chambers == 1


def test_perspectives_reach_dim_objective(warehouse: duckdb.DuckDBPyConnection) -> None:
    perspectives = warehouse.execute("""select count(*) from marts.dim_objective
                                        where chamber_name = 'Pavia' and perspective is not null""").fetchone()[0]
    assert perspectives > 40
