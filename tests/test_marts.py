"""The star-schema marts on a warehouse built by the real pipeline: conformed indicators, objective results against
the counts the reports state, performance scores, the analysts' views and their publication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ccperf.summary import RunSummary

OBJECTIVE_RESULTS_COLUMNS = [
    "document_sha256", "source_line", "chamber_name", "year", "objective_level", "objective_code", "objective_title",
    "parent_code", "perspective", "mission_code", "weight_pct", "achievement_pct", "status", "is_current"]
NEW_MARTS = ["dim_indicator", "fact_objective_result", "fact_performance_score", "v_objective_results"]


@pytest.fixture
def warehouse(pipeline_run: RunSummary, data_copy: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    assert pipeline_run.status == "succeeded", pipeline_run.message
    con = duckdb.connect(str(data_copy / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def test_conformed_indicators_shared_across_chambers(warehouse: duckdb.DuckDBPyConnection) -> None:
    shared = warehouse.execute("""
        select indicator_scope, count(*) from marts.dim_indicator where n_chambers >= 2 group by 1""").fetchall()
    assert shared == [("national", 17)]
    # one indicator, four wordings: Mantova's code, Cremona's 2020 name, Pavia's scorecard and its objectives
    rows = warehouse.execute("""
        select chamber_name, year, indicator_match_rule, count(*)
        from marts.fact_indicator_reading as readings
        inner join marts.dim_indicator using (indicator_key)
        where dim_indicator.national_code = 'C1.1_07'
        group by all order by all""").fetchall()
    assert rows == [("Cremona", 2020, "national_name", 1), ("Cremona", 2024, "national_name", 1),
                    ("Mantova", 2024, "national_code", 1), ("Mantova", 2024, "national_name", 1),
                    ("Pavia", 2024, "national_alias", 3)]


def test_every_reading_has_a_conformed_indicator(warehouse: duckdb.DuckDBPyConnection) -> None:
    orphans = warehouse.execute("""
        select count(*) from marts.v_indicator_readings as readings
        left join marts.dim_indicator using (indicator_key)
        where dim_indicator.indicator_key is null""").fetchone()[0]
    assert orphans == 0
    rules = dict(warehouse.execute(
        "select indicator_match_rule, count(*) from marts.fact_indicator_reading group by 1").fetchall())
    assert rules["national_code"] == 28 and rules["objective_title"] == 5
    assert sum(rules.values()) == 901
    # a summary row repeating a detail row measures the same indicator
    repeated = warehouse.execute("""
        select count(*) from marts.fact_indicator_reading as summary
        inner join marts.fact_indicator_reading as detail on summary.superseded_by_key = detail.reading_key
        where summary.table_role = 'summary' and summary.indicator_key <> detail.indicator_key""").fetchone()[0]
    assert repeated == 0


@pytest.mark.parametrize(("chamber", "year", "level"), [
    ("Mantova", 2024, "strategic"), ("Mantova", 2024, "operational"), ("Massa-Carrara", 2019, "strategic"),
    ("Massa-Carrara", 2019, "operational"), ("Cremona", 2020, "strategic"), ("Cremona", 2020, "operational"),
    ("Pavia", 2024, "strategic")])
def test_objective_results_match_the_counts_the_report_states(
        warehouse: duckdb.DuckDBPyConnection, chamber: str, year: int, level: str) -> None:
    stated = dict(warehouse.execute("""
        select fact_name, value from raw.document_facts
        where chamber_name = ? and year = ? and fact_name in (?, ?)""",
        [chamber, year, f"count_{level}_objectives", f"count_{level}_objectives_achieved"]).fetchall())
    counted = warehouse.execute("""
        select count(*), count(*) filter (where is_achieved) from marts.v_objective_results
        where chamber_name = ? and year = ? and objective_level = ? and is_current""", [chamber, year, level]).fetchone()
    assert counted == (stated[f"count_{level}_objectives"], stated[f"count_{level}_objectives_achieved"])


def test_objective_results_view(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = [r[0] for r in warehouse.execute("describe marts.v_objective_results").fetchall()]
    assert set(OBJECTIVE_RESULTS_COLUMNS) <= set(columns)
    row = warehouse.execute("""
        select objective_title, weight_pct, achievement_pct, status, is_achieved, is_current
        from marts.v_objective_results where chamber_name = 'Mantova' and objective_code = 'AS2'""").fetchall()
    assert row == [("Gestione della Camera di Commercio", 25.0, 95.47, None, False, True)]
    # Cremona's 2024 addendum repeats objectives without results: the detail row stays current
    repeats = warehouse.execute("""
        select table_role, is_current, count(*) from marts.fact_objective_result
        where chamber_name = 'Cremona' and year = 2024 and objective_code = '2024_04_02_01'
        group by all order by all""").fetchall()
    assert repeats == [("addendum", False, 1), ("detail", True, 1)]


def test_performance_scores(warehouse: duckdb.DuckDBPyConnection) -> None:
    levels = dict(warehouse.execute("""
        select score_level, count(*) from marts.fact_performance_score where is_current group by 1""").fetchall())
    assert levels == {"entity": 4, "area": 11, "unit": 34, "strategic_objective": 6,
                      "strategic_objective_indicators": 6}
    duplicates = warehouse.execute("""
        select count(*) from (
            select chamber_name, year, score_level, upper(replace(coalesce(subject_code, ''), ' ', ''))
            from marts.fact_performance_score where is_current group by all having count(*) > 1)""").fetchone()[0]
    assert duplicates == 0
    pavia = warehouse.execute("""
        select subject_code, subject_name, score_pct from marts.fact_performance_score
        where chamber_name = 'Pavia' and score_level = 'area' order by subject_code""").fetchall()
    assert pavia[0] == ("PROSP. 1", "SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE", 100.0)
    massa = warehouse.execute("""
        select score_pct, n_statements, source_line from marts.fact_performance_score
        where chamber_name = 'Massa-Carrara' and score_level = 'entity' and is_current""").fetchall()
    assert massa == [(100.0, 3, 366)]


def test_new_marts_are_published(pipeline_run: RunSummary, data_copy: Path) -> None:
    for mart in NEW_MARTS:
        published = data_copy / "marts" / f"{mart}.parquet"
        assert published.exists(), mart
        rows = duckdb.sql(f"select count(*) from '{published}'").fetchall()[0][0]
        assert rows > 0, mart
