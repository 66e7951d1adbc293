"""Every SQL block of docs/analyst-guide.md, run on a warehouse built by the real pipeline: each question's answer is
checked against the values of the bundled documents and timed; the Parquet route of the guide gives the same
answers as the warehouse."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ccperf.config import PROJECT_ROOT
from ccperf.summary import RunSummary

GUIDE = PROJECT_ROOT / "docs" / "analyst-guide.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)
QUESTION = re.compile(r"^### (Q\d+)\. [^\n]+\n+```sql\n(.*?)^```", re.S | re.M)


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def guide_questions() -> dict[str, str]:
    return dict(QUESTION.findall(guide_text()))


def parquet_setup_sql() -> str:
    blocks = [b for b in SQL_BLOCK.findall(guide_text()) if "create schema" in b]
    assert len(blocks) == 1, "the guide has one block creating the marts views over the Parquet files"
    return blocks[0]


Rows = list[tuple]
Check = Callable[[list[str], Rows], None]


def check_q1(columns: list[str], rows: Rows) -> None:
    assert columns == ["chamber_name", "year", "missed", "met", "not_comparable"]
    assert len(rows) == 9
    assert {("Mantova", 2024, 16, 96, 1), ("Pavia", 2024, 2, 74, 32), ("Cremona", 2020, 1, 12, 33),
            ("Cremona", 2024, 0, 30, 17), ("Massa-Carrara", 2019, 0, 50, 27), ("Brescia", 2020, 0, 0, 43)} <= set(rows)


def check_q2(columns: list[str], rows: Rows) -> None:
    assert len(rows) == 19
    by_code = {(r[0], r[3]): r for r in rows}
    assert by_code[("Mantova", "C1.1_07")][5:] == ("<= 2,00 gg", "2,10 gg")
    assert by_code[("Mantova", "EC09_rev2018")][5:] == ("<= 35,00 %", "42,55 %")
    cremona = [r for r in rows if r[0] == "Cremona"]
    assert [(r[1], r[2], r[5], r[6]) for r in cremona] == [(2020, "2020_04_02_01", "<= 35%", "35,28% da consolidare")]
    assert {r[0] for r in rows} == {"Cremona", "Mantova", "Pavia"}


def check_q3(columns: list[str], rows: Rows) -> None:
    assert [r[:3] for r in rows] == [("Mantova", 2023, 97.2), ("Mantova", 2024, 97.78),
                                     ("Massa-Carrara", 2019, 100.0), ("Pavia", 2024, 100.0)]
    assert rows[1][3] == "ENTE 97,78%" and rows[3][3] == "PERFORMANCE DI ENTE 100%"


def check_q4(columns: list[str], rows: Rows) -> None:
    assert rows == [("Mantova", 2024, 97.78, 97.78)]


def check_q5(columns: list[str], rows: Rows) -> None:
    assert [(r[0], r[1], r[4], r[6]) for r in rows] == [
        ("Cremona", 2020, 2.61, True), ("Cremona", 2024, 2.7, True), ("Mantova", 2024, 2.1, False),
        ("Pavia", 2024, 1.7, True), ("Pavia", 2024, 1.7, True), ("Pavia", 2024, 1.7, True)]
    assert rows[2][3] == "<= 2,00 gg"


def check_q6(columns: list[str], rows: Rows) -> None:
    assert len(rows) == 17  # conformed indicators shared by at least two chambers
    assert sum(1 for r in rows if r[2] == 3) == 11
    assert {r[0] for r in rows} == {
        "B3.1_02", "B3.2_01_rev2018", "C1.1_04_rev2023", "C1.1_07", "EC05.1", "EC07", "EC09_rev2018", "EC27",
        "OC_Int_01", "OC_Int_02", "OC_Int_03", "OC_TBS_01", "OC_TBS_02", "OC_TBS_03", "OC_TD_01", "OC_TD_02",
        "S02_AB_rev2023"}
    assert ("C1.1_07", "Tempo medio di lavorazione delle pratiche telematiche Registro Imprese", 3,
            "Cremona, Mantova, Pavia") in rows


def check_q7(columns: list[str], rows: Rows) -> None:
    values = {(r[0], r[1], r[3]) for r in rows}
    name = "Tempo medio di lavorazione delle pratiche telematiche Registro Imprese"
    assert {(name, 2020, 2.61), (name, 2024, 2.7)} <= values
    assert {("Indice equilibrio strutturale", 2020, 11.88), ("Indice equilibrio strutturale", 2024, 24.95)} <= values
    assert len(rows) == 18 and {r[1] for r in rows} == {2020, 2024}


def check_q8(columns: list[str], rows: Rows) -> None:
    assert rows == [("011", Decimal("1865646.87")), ("012", Decimal("59504.95")), ("016", Decimal("118321.00")),
                    ("032", Decimal("3295109.02"))]


def check_q9(columns: list[str], rows: Rows) -> None:
    assert rows == [("CRESCITA E APPRENDIMENTO", 1, 1, 0), ("ECONOMICO-FINANZIARIA", 4, 4, 0),
                    ("PROCESSI INTERNI", 3, 3, 0), ("SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE", 16, 14, 2)]
    # the report's own count: 24 strategic objectives, 22 achieved, 2 not assessed
    assert (sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)) == (24, 22, 2)


def check_q10(columns: list[str], rows: Rows) -> None:
    assert rows == [
        ("Cremona", 2020, "operational", 12, 12, 100.0), ("Cremona", 2020, "strategic", 7, 7, 100.0),
        ("Mantova", 2024, "operational", 50, 46, 92.0), ("Mantova", 2024, "strategic", 12, 11, 91.7),
        ("Massa-Carrara", 2019, "operational", 16, 16, 100.0), ("Massa-Carrara", 2019, "strategic", 6, 5, 83.3),
        ("Pavia", 2024, "operational", 29, 29, 100.0), ("Pavia", 2024, "strategic", 22, 22, 100.0)]


def check_q11(columns: list[str], rows: Rows) -> None:
    assert len(rows) == 6 and {(r[0], r[1]) for r in rows} == {("Cremona", 2024)}
    primary = [r for r in rows if r[2].startswith("Indice di struttura primario")]
    assert [r[3:] for r in primary] == [("134,44% al 31.12.2023", "138,82% al 18.11.2024", None, True)]


def check_q12(columns: list[str], rows: Rows) -> None:
    assert rows == [("Mantova", 2024, "Area Amministrativa", 94.54), ("Massa-Carrara", 2019, "FRD", 97.41),
                    ("Mantova", 2024, "Area Anagrafica e di Regolazione del Mercato", 98.61)]


def check_q13(columns: list[str], rows: Rows) -> None:
    assert {r[:2] for r in rows} == {("O2.1.2-b", "48,28%")}
    assert [(r[2], r[3], r[5]) for r in rows] == [
        ("I quadrimestre", "numerator", 5.0), ("II quadrimestre", "numerator", 4.0),
        ("III quadrimestre", "numerator", 5.0), ("total", "numerator", 14.0),
        ("I quadrimestre", "denominator", 10.0), ("II quadrimestre", "denominator", 7.0),
        ("III quadrimestre", "denominator", 12.0), ("total", "denominator", 29.0)]


def check_q14(columns: list[str], rows: Rows) -> None:
    assert [(r[0], r[1], r[2], r[3], r[5], r[6]) for r in rows] == [
        ("000_b94ecf89defcc372.txt", "Cremona", 2020, "relazione_performance", 46, 45),
        ("001_454f49c59e8c1ba9.txt", "Cremona-Mantova-Pavia", 2024, "relazione_performance", 338, 268),
        ("002_4c02911812a27649.txt", "Cremona", 2022, "relazione_gestione", 204, 185),
        ("003_a0c237837c23239d.txt", "Brescia", 2020, "piano_performance", 43, 43),
        ("004_0cdd469904be561d.txt", "Massa-Carrara", 2019, "relazione_performance", 270, 77)]
    assert rows[1][4] == "area_objective_tables, integra, narrative, scorecard_carried_cells"


def check_q15(columns: list[str], rows: Rows) -> None:
    assert columns == ["current_chamber_name", "year", "readings", "printed_as"]
    assert rows == [("Brescia", 2020, 43, "Brescia"),
                    ("Cremona-Mantova-Pavia", 2019, 1, "Cremona"), ("Cremona-Mantova-Pavia", 2020, 46, "Cremona"),
                    ("Cremona-Mantova-Pavia", 2021, 1, "Cremona"), ("Cremona-Mantova-Pavia", 2022, 182, "Cremona"),
                    ("Cremona-Mantova-Pavia", 2024, 268, "Cremona, Mantova, Pavia"),
                    ("Toscana Nord-Ovest", 2019, 77, "Massa-Carrara")]


def check_q16(columns: list[str], rows: Rows) -> None:
    assert rows == [("layout", False, 901, None, 0)]


CHECKS: dict[str, Check] = {
    "Q1": check_q1, "Q2": check_q2, "Q3": check_q3, "Q4": check_q4, "Q5": check_q5, "Q6": check_q6,
    "Q7": check_q7, "Q8": check_q8, "Q9": check_q9, "Q10": check_q10, "Q11": check_q11, "Q12": check_q12,
    "Q13": check_q13, "Q14": check_q14, "Q15": check_q15, "Q16": check_q16,
}


def test_every_sql_block_of_the_guide_is_run_and_checked() -> None:
    blocks = SQL_BLOCK.findall(guide_text())
    questions = guide_questions()
    assert len(questions) >= 10
    assert set(questions) == set(CHECKS), "every question of the guide has a check here, and only those"
    # every SQL block is a question or the Parquet setup (run by test_the_parquet_route_gives_the_same_answers)
    assert len(blocks) == len(questions) + 1


@pytest.fixture
def warehouse(pipeline_run: RunSummary, data_copy: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    assert pipeline_run.status == "succeeded", pipeline_run.message
    # opened read-only per test and closed: an open connection would block the pipeline's own writes
    con = duckdb.connect(str(data_copy / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], Rows]:
    cursor = con.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


@pytest.mark.parametrize("question", sorted(CHECKS, key=lambda q: int(q[1:])))
def test_guide_question_answers_on_the_warehouse(question: str, warehouse: duckdb.DuckDBPyConnection) -> None:
    sql = guide_questions()[question]
    columns, rows = run(warehouse, sql)
    CHECKS[question](columns, rows)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        warehouse.execute(sql).fetchall()
        timings.append(time.perf_counter() - start)
    best = min(timings)  # printed for docs/benchmarks.md (pytest -s), not asserted: timings are benchmarks
    print(f"{question}: best of 3 {best * 1000:.1f} ms (first {timings[0] * 1000:.1f} ms)")


def test_the_parquet_route_gives_the_same_answers(warehouse: duckdb.DuckDBPyConnection, data_copy: Path,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the guide's setup runs from the folder holding data/: give it one pointing at the pipeline's data folder
    (tmp_path / "data").symlink_to(data_copy, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    setup = parquet_setup_sql()
    views = set(re.findall(r"create or replace view marts\.(\w+)", setup))
    relations = {r[0] for r in warehouse.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    assert views == relations, "the guide creates a view for every published mart"
    con = duckdb.connect(":memory:")
    try:
        for statement in filter(str.strip, setup.split(";")):
            con.execute(statement)
        for question, sql in guide_questions().items():
            assert run(con, sql) == run(warehouse, sql), question
    finally:
        con.close()


def test_the_serving_file_gives_the_same_answers(warehouse: duckdb.DuckDBPyConnection, data_copy: Path) -> None:
    serving = data_copy / "marts" / "ccperf.duckdb"
    if not serving.exists():
        pytest.skip("data/marts/ccperf.duckdb is not published by this version of the pipeline")
    con = duckdb.connect(str(serving), read_only=True)
    try:
        for question, sql in guide_questions().items():
            assert run(con, sql) == run(warehouse, sql), question
    finally:
        con.close()
