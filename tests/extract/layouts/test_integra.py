"""The INTEGRA layout (former Mantova chamber): the labelled sample, the hard cases, and an altered copy."""

from __future__ import annotations

import pytest

from ccperf.extract.extractor import extract_file, extract_source
from ccperf.extract.layouts.integra import parse
from ccperf.extract.parser import SegmentContext
from ccperf.extract.text import source_from_bytes
from ccperf.model import Reading, Segment
from tests.conftest import MANTOVA_FILE, RAW_DIR, gold_rows

FIELDS = ["objective_code", "objective_level", "objective_title", "indicator_code", "indicator_name",
          "indicator_type", "weight_pct", "target_raw", "target_value", "target_operator", "target_unit",
          "actual_raw", "actual_value", "achievement_pct", "status"]


@pytest.fixture(scope="module")
def mantova() -> list[Reading]:
    result = extract_file(RAW_DIR / MANTOVA_FILE)
    return [r for r in result.readings if r.chamber_name == "Mantova"]


def _parse_excerpt(text: str, year: int = 2024, chamber: str = "Mantova") -> tuple:
    """Run the INTEGRA parser on a small excerpt of real text, as one segment."""
    source = source_from_bytes("excerpt.txt", text.encode("utf-8"))
    segment = Segment(source.sha256, "excerpt.txt", 0, 1, len(source.lines), chamber, year,
                      "relazione_performance", "integra")
    parsed = parse(SegmentContext(source, segment))
    return parsed, source


@pytest.mark.parametrize("gold", gold_rows("001-mantova.readings"), ids=lambda g: f"line{g['line']}")
def test_labelled_rows_are_extracted_exactly(mantova: list[Reading], gold: dict) -> None:
    at_line = [r for r in mantova if r.provenance.source_line == gold["line"]]
    assert len(at_line) == 1, f"expected one reading at line {gold['line']}"
    reading = at_line[0]
    for field in FIELDS:
        assert getattr(reading, field) == gold[field], field
    assert (reading.chamber_name, reading.year, reading.doc_kind) == (gold["chamber"], gold["year"], gold["doc_kind"])


def test_every_reading_of_the_report_is_extracted(mantova: list[Reading]) -> None:
    by_level: dict[str, int] = {}
    for r in mantova:
        by_level[r.objective_level] = by_level.get(r.objective_level, 0) + 1
    # the seed notes count 32 strategic + 80 operational + 15 summary rows + 1 operational result restated in prose
    assert by_level == {"strategic": 32, "operational": 81, "other": 15}
    assert len(mantova) == 128
    assert all(r.provenance.document_sha256 and r.provenance.source_line > 0 for r in mantova)


def test_summary_rows_restate_detail_rows(mantova: list[Reading]) -> None:
    summary = {r.provenance.source_line: r for r in mantova if r.table_role == "summary"}
    assert len(summary) == 15
    detail_lines = {r.provenance.source_line: r for r in mantova if r.table_role == "detail"}
    linked = {line: r.restates_line for line, r in summary.items() if r.restates_line}
    assert len(linked) == 14  # "Grado di trasparenza dell'Amministrazione" has no detail row
    for line, target in linked.items():
        assert target in detail_lines
        assert detail_lines[target].actual_value == summary[line].actual_value
    pcc = next(r for r in summary.values() if r.indicator_name.startswith("Tempo medio ponderato"))
    assert detail_lines[pcc.restates_line].indicator_code == "B3.2_01_rev2018"


def test_result_restated_in_prose(mantova: list[Reading]) -> None:
    (prose,) = [r for r in mantova if r.table_role == "prose"]
    assert (prose.objective_code, prose.target_value, prose.actual_value, prose.achievement_pct, prose.status) == (
        "OO 2.1.4", 85.0, 57.14, 67.23, "partially_achieved")
    assert prose.restates_line is not None


def test_objectives_areas_and_weights() -> None:
    result = extract_file(RAW_DIR / MANTOVA_FILE)
    objectives = {o.objective_code: o for o in result.objectives if o.chamber_name == "Mantova"}
    assert len(objectives) == 66
    for gold in gold_rows("001-mantova.objectives"):
        obj = objectives[gold["objective_code"]]
        assert (obj.objective_level, obj.objective_title, obj.parent_code, obj.weight_pct, obj.achievement_pct,
                obj.status) == (gold["objective_level"], gold["objective_title"], gold["parent_code"],
                                gold["weight_pct"], gold["achievement_pct"], gold["status"])
    assert objectives["OO 4.5.1"].parent_code == "OS 4.5"  # header printed "OO 4.5 1"


def test_facts_scores_weights_and_revisions() -> None:
    result = extract_file(RAW_DIR / MANTOVA_FILE)
    facts = [f for f in result.facts if f.chamber_name == "Mantova"]
    entity = {(f.year, f.value) for f in facts if f.fact_name == "performance_entity"}
    assert entity == {(2024, 97.78), (2023, 97.2)}
    weights = {f.subject_code: f.value for f in facts if f.fact_name == "weight_area"}
    assert weights == {"AS1": 15.0, "AS2": 25.0, "AS3": 30.0, "AS4": 30.0}
    units = {f.subject_code: f.value for f in facts if f.fact_name == "performance_unit"}
    assert units["Area Amministrativa"] == 94.54
    revisions = [f for f in facts if f.fact_name in ("target_original", "target_revised")]
    assert len(revisions) == 28
    assert {(f.fact_name, f.value) for f in revisions if f.subject_code == "OC_TD_01"} == {
        ("target_original", 65.0), ("target_revised", 180.0)}
    assert {(f.fact_name, f.value) for f in revisions if f.subject_code == "OS 3.4 - Kpi 1"} == {
        ("target_original", 130.0), ("target_revised", 60.0)}


HEADER = (
    "Obiettivo operativo\t\tOO 4.5 1 - Supportare le imprese (Peso: 60,00%)\t\t\n"
    "Risultato misurato obiettivo\t\t86,67 %\t\t\n"
    "Valutazione obiettivo\t\t Parzialmente Raggiunto\t\t\n"
)


def test_hard_cells_latex_strict_operator_missing_type_and_short_rows() -> None:
    text = HEADER + (
        "Indicatore\tAlgoritmo\tTarget 2024\tConsuntivo 2024\tScostamento rispetto al target\n"
        "OO 4.5.1 - Kpi 1 Imprese supportate <i>(Peso: 80,00%) (Tipologia: Volume)</i>\tN. imprese\t$\\geq 3,00$ N.\t"
        "6,00 N.\t+3,00 N.\n"
        "EC21 Tasso di variazione crediti (Peso: 10,00%)\tVariazione\t<= -1,00 %\t-73,12 %\t-72,12 %\n"
        "OO 4.5.1 - Kpi 2 Nuovo servizio (Peso: 10,00%) (Tipologia: Volume)\tConteggio\t> 2,00 N.\t3,00 N.\n"
    )
    parsed, _ = _parse_excerpt(text)
    (objective,) = parsed.objectives
    assert (objective.objective_code, objective.parent_code, objective.weight_pct, objective.status) == (
        "OO 4.5.1", "OS 4.5", 60.0, "partially_achieved")
    latex, missing_type, short = parsed.readings
    assert (latex.indicator_code, latex.indicator_name, latex.target_raw, latex.target_value, latex.target_operator,
            latex.target_unit, latex.indicator_type) == (
        "OO 4.5.1 - Kpi 1", "Imprese supportate", "$\\geq 3,00$ N.", 3.0, ">=", "N.", "Volume")
    assert (missing_type.indicator_code, missing_type.indicator_type, missing_type.target_value,
            missing_type.actual_value) == ("EC21", None, -1.0, -73.12)
    assert (short.target_operator, short.actual_value, short.notes) == (">", 3.0, None)  # no Scostamento cell


def test_empty_second_column_is_followed_by_header_position() -> None:
    text = HEADER + (
        "Indicatore\t\tAlgoritmo\tTarget 2024\tConsuntivo 2024\tScostamento rispetto al target\n"
        "OO 1.1.1 - Mis 1 Approvazione PIAO (Peso: 100,00%) (Tipologia: Efficacia)\t\tRealizzazione PIAO\t= 100,00 %\t"
        "100,00 %\t-\n"
    )
    parsed, _ = _parse_excerpt(text)
    (reading,) = parsed.readings
    assert (reading.target_raw, reading.target_operator, reading.actual_value, reading.notes) == (
        "= 100,00 %", "=", 100.0, "scostamento: -")


def test_unreadable_row_is_quarantined_not_dropped() -> None:
    text = HEADER + (
        "Indicatore\tAlgoritmo\tTarget 2024\tConsuntivo 2024\tScostamento rispetto al target\n"
        "Riga senza peso\tformula\n"
    )
    parsed, _ = _parse_excerpt(text)
    assert parsed.readings == []
    (block,) = parsed.quarantined
    assert block.provenance.source_line == 5
    assert "Riga senza peso" in block.text


def test_summary_table_with_asterisk_and_bare_target() -> None:
    text = ("Indicatore\tTarget\tConsuntivo\n"
            "Grado di trasparenza dell'Amministrazione\t1,00%\t1,00%\n"
            "Tempo medio di lavorazione delle pratiche*\t<=2,00 gg\t2,10 gg\n")
    parsed, _ = _parse_excerpt(text)
    bare, starred = parsed.readings
    assert (bare.table_role, bare.objective_level, bare.target_operator, bare.target_value) == (
        "summary", "other", None, 1.0)
    assert (starred.indicator_name, starred.target_operator, starred.target_unit, starred.actual_value) == (
        "Tempo medio di lavorazione delle pratiche", "<=", "gg", 2.1)


def test_altered_copy_values_names_years_and_shifted_lines() -> None:
    """The parser must follow the layout: renamed chamber, another year, changed values, shifted lines."""
    text = (RAW_DIR / MANTOVA_FILE).read_text(encoding="utf-8")
    altered = "\n\n\n" + text.replace("Mantova", "Lecco").replace("2024", "2029").replace(
        "⇥>= 2,00 %⇥1,43 %".replace("⇥", "\t"), "\t>= 3,50 %\t4,75 %")
    result = extract_source(source_from_bytes("altered.txt", altered.encode("utf-8")))
    lecco = [r for r in result.readings if r.chamber_name == "Lecco"]
    assert len(lecco) == 128
    assert {r.year for r in lecco} == {2029}
    kpi1 = next(r for r in lecco if r.indicator_code == "OS 1.1 - Kpi 1")
    assert (kpi1.target_value, kpi1.actual_value, kpi1.provenance.source_line) == (3.5, 4.75, 951 + 3)
