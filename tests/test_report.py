"""The HTML report (ccperf/report.py) shows the published marts: every number embedded in it (its JSON and its plotly
figures) is compared with SQL of our own on the published Parquet files and on the warehouse, after a real run.

The SQL here is written independently of the report's (other tables, other formulations), and the bundled
documents' known answers (docs/analyst-guide.md) are checked too, so that a wrong query on both sides shows.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ccperf.config import Settings
from ccperf.extract.extractor import PARSER_VERSION, extract_file
from ccperf.land import land_documents, record_files
from ccperf.publish import publish_marts, read_manifest
from ccperf.report import ReportError, write_report
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import MANTOVA_BUNDLE, TRUNCATE_AT, report_json

MARTS = ("dim_document", "dim_indicator", "fact_indicator_reading", "fact_performance_score", "fact_mission_spending")


def plotly_figures(page: str) -> dict[str, list[dict[str, Any]]]:
    """The traces of every figure, as the page hands them to Plotly.newPlot (div id → traces)."""
    decoder = json.JSONDecoder()
    figures = {}
    for call in re.finditer(r'Plotly\.newPlot\(\s*"(fig-[^"]+)",\s*', page):
        figures[call.group(1)], _ = decoder.raw_decode(page, call.end())
    return figures


class Published:
    """Our own reading of a publication: the Parquet files as the marts schema of an in-memory DuckDB."""

    def __init__(self, marts_dir: Path) -> None:
        self.con = duckdb.connect()
        self.con.execute("create schema marts")
        for name in MARTS:
            self.con.execute(f"create view marts.{name} as select * from '{marts_dir / name}.parquet'")

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def settings(pipeline_run, data_copy: Path) -> Settings:
    assert pipeline_run.status == "succeeded"
    return Settings.load(data_copy)


def test_every_successful_run_writes_the_report(settings: Settings, pipeline_run) -> None:
    written = settings.marts_dir / "report.html"
    # written into the publication before it is swapped in: the report and the marts appear together
    assert pipeline_run.report == str(written) and "publish" in pipeline_run.stage_seconds
    # the report on disk is of the last publication (the session's folder may have been published again since)
    manifest = read_manifest(settings.marts_dir)
    assert report_json(written.read_text(encoding="utf-8"))["run_id"] == manifest["run_id"]


@pytest.fixture(scope="module")
def page(settings: Settings) -> str:
    path = write_report(settings)
    assert path == settings.marts_dir / "report.html"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(page: str) -> dict[str, Any]:
    return report_json(page)


@pytest.fixture(scope="module")
def figures(page: str) -> dict[str, list[dict[str, Any]]]:
    return plotly_figures(page)


@pytest.fixture(scope="module")
def published(settings: Settings):
    reader = Published(settings.marts_dir)
    yield reader
    reader.con.close()


def warehouse_rows(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_header_names_the_publishing_run_and_the_documents(settings: Settings, pipeline_run, data: dict,
                                                          page: str, published: Published) -> None:
    manifest = read_manifest(settings.marts_dir)
    # the session's data folder may have been published again by a later run of other tests (faults, recovery)
    assert data["run_id"] == manifest["run_id"]
    assert manifest["run_id"] >= pipeline_run.run_id
    assert data["published_at"].replace(" ", "T") == manifest["published_at"]
    expected = sorted(published.rows("select document_file, chamber_name, year, doc_kind from marts.dim_document"))
    assert sorted((d["document_file"], d["chamber_name"], d["year"], d["doc_kind"]) for d in data["documents"]) \
        == expected
    assert len(expected) == 5
    assert f"run <b>{data['run_id']}</b>" in page and "5 documents covered" in page


def test_entity_scores_equal_the_marts(data: dict, figures: dict, published: Published) -> None:
    expected = published.rows("""
        select chamber_name, year, score_pct from marts.fact_performance_score
        where is_current and score_level = 'entity' order by 1, 2""")
    assert [(r["chamber_name"], r["year"], r["score_pct"]) for r in data["entity_scores"]] == expected
    assert ("Mantova", 2024, 97.78) in expected and ("Pavia", 2024, 100.0) in expected  # docs/analyst-guide.md Q3
    drawn = sorted((x, int(trace["name"]), y) for trace in figures["fig-entity"]
                   for x, y in zip(trace["x"], trace["y"], strict=True))
    assert drawn == expected


def test_share_of_targets_met_equals_the_marts(data: dict, figures: dict, published: Published) -> None:
    expected = {(c, y, level): (n, met, missed, nc) for c, y, level, n, met, missed, nc in published.rows("""
        select chamber_name, year, objective_level, count(*),
               sum(case when is_target_met then 1 else 0 end),
               sum(case when is_target_met = false then 1 else 0 end),
               sum(case when is_target_met is null then 1 else 0 end)
        from marts.fact_indicator_reading where is_current group by 1, 2, 3""")}
    shown = {(r["chamber_name"], r["year"], r["objective_level"]): r for r in data["target_shares"]}
    assert set(shown) == set(expected)
    for key, (n, met, missed, not_comparable) in expected.items():
        row = shown[key]
        assert (row["readings"], row["met"], row["missed"], row["not_comparable"]) == (n, met, missed, not_comparable)
        assert row["share_met_pct"] == (pytest.approx(100 * met / (met + missed)) if met + missed else None)
    assert expected[("Mantova", 2024, "operational")][1:3] == (72, 8)  # 96 met and 16 missed over Mantova's levels
    labels = {"area": "Strategic areas", "strategic": "Strategic objectives", "operational": "Operational objectives",
              "other": "Units, people and other"}
    drawn = {(x, trace["name"]): y for trace in figures["fig-target-share"]
             for x, y in zip(trace["x"], trace["y"], strict=True)}
    assert drawn == {(f"{c} {y}", labels[level]): pytest.approx(100 * met / (met + missed))
                     for (c, y, level), (_, met, missed, _) in expected.items() if met + missed}


def test_missed_targets_list_every_current_reading_that_missed(data: dict, figures: dict,
                                                              published: Published) -> None:
    expected = published.rows("""
        select chamber_name, year, document_file, source_line, target_value, target_raw, actual_value, actual_raw
        from marts.fact_indicator_reading where is_current and not is_target_met order by 1, 2, 3, 4""")
    assert len(expected) == 19  # docs/analyst-guide.md Q2
    shown = [(r["chamber_name"], r["year"], r["document_file"], r["source_line"], r["target_value"], r["target_raw"],
              r["actual_value"], r["actual_raw"]) for r in data["missed_targets"]]
    assert shown == expected
    assert ("Mantova", 2024, "<= 2,00 gg", 2.1) in {(r[0], r[1], r[5], r[6]) for r in expected}
    traces = {t.get("name"): t for t in figures["fig-missed"]}
    assert traces["Target"]["x"] == [r[4] for r in expected]
    assert traces["Actual"]["x"] == [r[6] for r in expected]
    assert len(set(traces["Actual"]["y"])) == 19  # one row per missed reading


def test_conformed_indicators_compare_the_chambers_that_measured_them(data: dict, figures: dict,
                                                                     published: Published) -> None:
    expected = published.rows("""
        select d.national_code, f.chamber_name, f.year, f.actual_value, f.document_file, f.source_line
        from marts.fact_indicator_reading as f, marts.dim_indicator as d
        where f.indicator_key = d.indicator_key and d.is_shared_across_chambers and f.is_current
          and f.actual_value is not null
          and (select count(distinct g.chamber_name) from marts.fact_indicator_reading as g
               where g.indicator_key = f.indicator_key and g.is_current and g.actual_value is not null) > 1""")
    shown = [(r["national_code"], r["chamber_name"], r["year"], r["actual_value"], r["document_file"],
              r["source_line"]) for r in data["conformed"]]
    assert Counter(shown) == Counter(expected)
    c1107 = sorted((c, y, v) for code, c, y, v, _, _ in expected if code == "C1.1_07")
    assert c1107 == [("Cremona", 2020, 2.61), ("Cremona", 2024, 2.7), ("Mantova", 2024, 2.1), ("Pavia", 2024, 1.7),
                     ("Pavia", 2024, 1.7), ("Pavia", 2024, 1.7)]  # docs/analyst-guide.md Q5
    drawn = Counter((x, y) for trace in figures["fig-conformed"] if trace["name"] == "Actual"
                    for x, y in zip(trace["x"], trace["y"], strict=True))
    assert drawn == Counter((f"{c} {y}", v) for _, c, y, v, _, _ in expected)
    panels = [t for t in figures["fig-conformed"] if t["name"] == "Actual"]
    assert len(panels) == len({r["indicator_key"] for r in data["conformed"]}) == len({c for c, *_ in expected}) == 17


def test_spending_by_mission_equals_the_stated_amounts(data: dict, figures: dict, published: Published) -> None:
    rows = published.rows("""
        select chamber_name, year, amount_kind, mission_code,
               sum(amount_eur) filter (where amount_level = 'mission'),
               sum(amount_eur) filter (where amount_level = 'programme')
        from marts.fact_mission_spending group by 1, 2, 3, 4""")
    expected = {(c, y, kind, m): mission if mission is not None else programmes
                for c, y, kind, m, mission, programmes in rows}
    shown = {(r["chamber_name"], r["year"], r["amount_kind"], r["mission_code"]): r["amount_eur"]
             for r in data["spending"]}
    assert len(shown) == len(data["spending"]) == len(expected)
    assert {k: Decimal(str(v)) for k, v in shown.items()} == expected  # to the cent
    assert expected[("Cremona", 2022, "spending", "011")] == Decimal("1865646.87")  # docs/analyst-guide.md Q8
    assert expected[("Cremona", 2022, "spending", "032")] == Decimal("3295109.02")
    drawn = {(trace["name"], x.split("<br>")[0].split()[0]): y for trace in figures["fig-spending"]
             for x, y in zip(trace["x"], trace["y"], strict=True)}
    assert {k: Decimal(str(v)) for k, v in drawn.items()} == {
        (f"{c} {y} {kind}", m): amount for (c, y, kind, m), amount in expected.items()}


def test_quality_status_is_the_publishing_runs(settings: Settings, pipeline_run, data: dict, figures: dict,
                                               page: str) -> None:
    publishing_run = read_manifest(settings.marts_dir)["run_id"]
    results = warehouse_rows(settings, "select suite, severity, success, expectation, column_name "
                                       "from audit.quality_results where run_id = ?", [publishing_run])
    quality = data["quality"]
    assert quality["expectations"] == len(results) == 130
    assert quality["met"] == sum(1 for r in results if r[2])
    assert quality["warnings"] == sum(1 for r in results if not r[2] and r[1] == "warning") == 2
    assert quality["critical"] == sum(1 for r in results if not r[2] and r[1] == "critical") == 0
    assert sorted((f["suite"], f["expectation"], f["column_name"]) for f in quality["failures"]) == sorted(
        (r[0], r[3], r[4]) for r in results if not r[2])
    per_suite = Counter(r[0] for r in results)
    assert {s["suite"]: s["expectations"] for s in quality["by_suite"]} == per_suite
    traces = {t["name"]: dict(zip(t["y"], t["x"], strict=True)) for t in figures["fig-quality"]}
    assert traces["met"] == {suite: sum(1 for r in results if r[0] == suite and r[2]) for suite in per_suite}
    assert sum(traces["failed: warning"].values()) == 2 and sum(traces["failed: critical"].values()) == 0
    assert "Quality gate passed: 130 expectations" in page


def test_the_serving_file_carries_the_runs_audit_tables(settings: Settings, pipeline_run) -> None:
    """What the report reads: the publishing run's quality results and what was quarantined, in the serving file
    and as Parquet under audit/."""
    con = duckdb.connect(str(settings.serving_db), read_only=True)
    try:
        assert con.execute("select count(*), count(distinct run_id), min(run_id) from audit.quality_results"
                           ).fetchone() == (130, 1, read_manifest(settings.marts_dir)["run_id"])
        quarantined = con.execute("select count(*) from audit.quarantine").fetchone()[0]
        files = con.execute("select count(*) from audit.document_files where status = 'extracted'").fetchone()[0]
    finally:
        con.close()
    assert quarantined == warehouse_rows(settings, "select count(*) from raw.quarantine")[0][0]
    assert files == 5
    audit_files = read_manifest(settings.marts_dir)["audit_files"]
    assert audit_files["quality_results.parquet"] == 130
    parquet = settings.marts_dir / "audit" / "quality_results.parquet"
    assert duckdb.connect().execute(f"select count(*) from '{parquet}'").fetchone() == (130,)


def test_nothing_quarantined_is_said_in_a_sentence(settings: Settings, data: dict, figures: dict, page: str) -> None:
    assert data["quarantine"] == [] == warehouse_rows(settings, "select * from raw.quarantine")
    assert data["files_not_loaded"] == []
    assert "fig-quarantine" not in figures
    assert "No block was quarantined" in page and "Every file in raw/ was loaded." in page


def test_no_disagreement_is_said_in_a_sentence(settings: Settings, data: dict, page: str) -> None:
    assert data["disagreements"] == [] == warehouse_rows(settings, "select * from marts.fact_reading_disagreement")
    assert "No two documents of the same chamber and year print a reading differently" in page


def test_every_figure_is_listed_and_drawn_once(data: dict, figures: dict, page: str) -> None:
    listed = [f["id"] for f in data["figures"]]
    assert listed == ["fig-entity", "fig-target-share", "fig-missed", "fig-conformed", "fig-spending", "fig-quality"]
    assert list(figures) == listed
    assert [f["traces"] for f in data["figures"]] == [len(figures[i]) for i in listed]


def test_the_report_works_offline(page: str) -> None:
    """plotly.js is inline, once; nothing is fetched from the network."""
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<(img|iframe)[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page.split("<script", 1)[0], re.I)
    assert page.count("plotly.js v") == 1 and page.count("Plotly.newPlot(") >= 6


def test_nothing_published_yet_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path)
    with pytest.raises(ReportError, match=re.escape(str(settings.serving_db))):
        write_report(settings)
    assert not settings.marts_dir.exists() or not any(settings.marts_dir.iterdir())


# ------------------------------------------------ a publication with quarantined blocks, a rejected file, no spending


@pytest.fixture(scope="module")
def altered(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str]:
    """A copy of the run's warehouse where a truncated report was landed (its cut table and the cut character are
    quarantined), a file was rejected and no spending is stated; published and reported."""
    data = tmp_path_factory.mktemp("altered")
    shutil.copy(settings.warehouse, data / "warehouse.duckdb")
    cut = data / "001-truncated.txt"
    cut.write_bytes((RAW_DIR / MANTOVA_BUNDLE).read_bytes()[:TRUNCATE_AT])
    result = extract_file(cut)
    assert len(result.quarantined) == 2
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    try:
        land_documents(con, [result], PARSER_VERSION)
        record_files(con, [{"document_file": "report.pdf", "document_sha256": None, "file_size": 10740,
                            "status": "rejected", "message": "binary file, not a text", "seen_at": "2026-01-01"}])
        con.execute("delete from marts.fact_mission_spending")
        run_id = con.execute("select max(run_id) from audit.quality_results").fetchone()[0]
        publish_marts(con, data / "marts", run_id)
    finally:
        con.close()
    altered_settings = Settings.load(data)
    write_report(altered_settings)
    return altered_settings, run_id


def test_quarantined_blocks_and_rejected_files_are_reported(altered: tuple[Settings, str]) -> None:
    settings, _ = altered
    page = (settings.marts_dir / "report.html").read_text(encoding="utf-8")
    data, figures = report_json(page), plotly_figures(page)
    expected = warehouse_rows(settings, "select document_file, source_line, line_end, layout, reason "
                                        "from raw.quarantine order by 1, 2, 4")
    assert len(expected) == 2
    assert sorted((b["document_file"], b["source_line"], b["line_end"], b["layout"], b["reason"])
                  for b in data["quarantine"]) == expected
    assert figures["fig-quarantine"][0]["y"] == [2]
    assert "2 blocks looked like tables" in page and "ends in the middle of a UTF-8 character" in page
    assert data["files_not_loaded"] == [{"document_file": "report.pdf", "status": "rejected",
                                         "message": "binary file, not a text"}]


def test_an_empty_section_is_a_sentence(altered: tuple[Settings, str]) -> None:
    settings, _ = altered
    page = (settings.marts_dir / "report.html").read_text(encoding="utf-8")
    data, figures = report_json(page), plotly_figures(page)
    assert data["spending"] == [] and "fig-spending" not in figures
    assert "No published document states spending or budgets by mission." in page
    assert [f["id"] for f in data["figures"]] == list(figures)
