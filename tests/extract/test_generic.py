"""The generic table reader and coverage: tables no parser knows are read, and a segment says how much it read.

Copies of the bundled tabular report (tests/generic_variants.py: columns reordered, headers renamed to synonyms, a
column dropped or added) are read by the generic reader alone, and through the whole extraction (a layout's parser,
then the generic reader for the tables its parser does not know). Tables written here the way other public bodies
print their plans are read too.
"""

from __future__ import annotations

from functools import cache

import pytest

from ccperf.extract.document import DocumentModel
from ccperf.extract.extractor import extract_source
from ccperf.extract.layouts.generic import CONFIDENCE_FOR_REVIEW, GenericTables
from ccperf.extract.parser import SegmentContext
from ccperf.extract.segment import split_segments
from ccperf.extract.text import source_from_bytes
from ccperf.model import Reading, Segment
from ccperf.scoring import rows_of_readings, score
from tests.conftest import RAW_DIR
from tests.extract.test_variants import _gold
from tests.generic_variants import CHANGES, generic_variant

TABULAR = "001_454f49c59e8c1ba9.txt"
KINDS = [*sorted(CHANGES), "all"]


@cache
def _text(kind: str) -> str:
    text = (RAW_DIR / TABULAR).read_text(encoding="utf-8")
    return text if kind == "none" else generic_variant(text, kind)


def _confident(readings: list[Reading]) -> list[Reading]:
    """What reaches the marts: layout readings, and generic ones at or above the review threshold."""
    return [r for r in readings if r.confidence is None or r.confidence >= CONFIDENCE_FOR_REVIEW]


@pytest.mark.parametrize("kind", ["none", *KINDS])
def test_the_generic_reader_alone_reads_the_tables_of_every_variant(kind: str) -> None:
    """Layout detection made to fail: every segment read by the generic reader only."""
    source = source_from_bytes(TABULAR, _text(kind).encode("utf-8"))
    model = DocumentModel(source.lines)
    readings: list[Reading] = []
    for segment in split_segments(source, model):
        if segment.role != "preamble":
            readings += GenericTables.parse(SegmentContext(source, segment, model)).readings
    assert all(r.extraction_method == "generic" and 0 <= r.confidence <= 1 for r in readings)
    scored = score(_gold(TABULAR), rows_of_readings(_confident(readings), TABULAR))
    assert scored.recall >= 0.90, scored.report(details=8)
    assert scored.numeric_accuracy >= 0.95, scored.report(details=8)


@pytest.mark.parametrize("kind", KINDS)
def test_the_extraction_reads_changed_tables_through_the_generic_reader(kind: str) -> None:
    result = extract_source(source_from_bytes(TABULAR, _text(kind).encode("utf-8")))
    scored = score(_gold(TABULAR), rows_of_readings(_confident(result.readings), TABULAR))
    assert scored.recall >= 0.95, scored.report(details=8)
    assert scored.numeric_accuracy >= 0.97, scored.report(details=8)
    assert any(r.extraction_method == "generic" for r in result.readings)
    # a changed table is never left to a parser that reads columns by position
    assert all(s.parser_status in ("parsed", "partial", "no_tables") for s in result.segments)


def test_the_bundled_documents_are_parsed_by_their_layouts_with_their_coverage() -> None:
    for path in sorted(RAW_DIR.glob("*.txt")):
        result = extract_source(source_from_bytes(path.name, path.read_bytes()))
        assert not [r for r in result.readings if r.extraction_method != "layout"], path.name
        for segment in result.segments:
            if segment.parser_status == "no_tables":
                continue
            assert segment.parser_status == "parsed", (path.name, segment.layout, segment.message)
            assert segment.coverage is not None and segment.coverage >= 0.4
            assert f"coverage {segment.coverage:.0%}" in segment.message


def _only(text: str, chamber: str = "Bergamo", year: int = 2023) -> tuple[list[Reading], Segment]:
    source = source_from_bytes("piano.txt", text.encode("utf-8"))
    segment = Segment(source.sha256, "piano.txt", 0, 1, len(source.lines), chamber, year, "piano_performance",
                      "generic")
    parsed = GenericTables.parse(SegmentContext(source, segment))
    return parsed.readings, segment


def test_a_regional_agency_plan_objective_indicator_weight_target_on_one_row() -> None:
    """A plan as regional bodies print it: objective, indicator, weight, baseline and target on one row."""
    readings, _ = _only(
        "Piano della Performance 2023-2025 - Agenzia regionale\n\n"
        "Obiettivo\tIndicatore\tPeso\tValore di partenza\tTarget 2023\n"
        "1.1 Digitalizzare i procedimenti\tPratiche gestite online / pratiche totali\t40%\t62%\t>= 75%\n"
        "\tTempo medio di risposta (giorni)\t20%\t35 gg\t<= 30 gg\n"
        "1.2 Ridurre i tempi di pagamento\tIndicatore di tempestività dei pagamenti\t40%\t-3\t<= 0\n")
    first, second, third = readings
    assert (first.objective_code, first.objective_title, first.indicator_name) == (
        "1.1", "Digitalizzare i procedimenti", "Pratiche gestite online / pratiche totali")
    assert (first.weight_pct, first.baseline_value, first.target_value, first.target_operator) == (40.0, 62.0, 75.0, ">=")
    assert (second.objective_code, second.target_value, second.target_unit) == ("1.1", 30.0, "gg")  # carried down
    assert (third.objective_code, third.target_value, third.target_operator) == ("1.2", 0.0, "<=")
    assert all(r.actual_value is None and r.table_role == "detail" for r in readings)


def test_a_municipal_report_printed_as_aligned_columns() -> None:
    """A results report as a PDF converter lays it out: columns of spaces, an objective heading above."""
    readings, _ = _only(
        "Obiettivo strategico 2 - Semplificazione amministrativa\n\n"
        "Descrizione indicatore                     Valore atteso   Valore raggiunto   Grado di raggiungimento\n"
        "Istanze SUAP evase nei termini             >= 90%          94,5%              100%\n"
        "Certificati rilasciati allo sportello      12.000          11.250             93,75%\n")
    suap, certificates = readings
    assert (suap.objective_code, suap.objective_level, suap.objective_title) == (
        "2", "strategic", "Semplificazione amministrativa")
    assert (suap.target_value, suap.actual_value, suap.achievement_pct) == (90.0, 94.5, 100.0)
    assert (certificates.target_value, certificates.actual_value, certificates.achievement_pct) == (
        12000.0, 11250.0, 93.75)
    assert min(suap.confidence, certificates.confidence) >= CONFIDENCE_FOR_REVIEW


def test_a_university_table_with_status_and_text_results() -> None:
    readings, _ = _only(
        "AREA STRATEGICA DIDATTICA\n"
        "Ob. Operativo 3.2.1 Migliorare l'orientamento in ingresso\n"
        "Indicatore\tFormula\tTarget\tConsuntivo\tStato\n"
        "Iscritti al primo anno\tN. iscritti\t> 1.500\t1.612\tRaggiunto\n"
        "Nuovo portale orientamento\tRilascio\tEntro il 30/06\tRilasciato il 15/05\tRaggiunto\n"
        "Questionari di gradimento\tMedia su scala 1-5\t>= 4\t3,8\tNon raggiunto\n")
    enrolled, portal, survey = readings
    assert (enrolled.objective_code, enrolled.objective_level) == ("3.2.1", "operational")
    assert (enrolled.target_value, enrolled.target_operator, enrolled.actual_value, enrolled.status) == (
        1500.0, ">", 1612.0, "achieved")
    assert (portal.target_raw, portal.actual_raw, portal.status) == ("Entro il 30/06", "Rilasciato il 15/05", "achieved")
    assert (survey.actual_value, survey.status) == (3.8, "not_achieved")
    assert portal.confidence < enrolled.confidence  # a result in words is less certain than a number


def test_a_row_the_reader_cannot_place_goes_to_review() -> None:
    readings, _ = _only(
        "Indicatore\tTarget\tConsuntivo\n"
        "B.2\t80%\tda definire\n")  # a name that is a code, a result in words
    (reading,) = readings
    assert reading.confidence < CONFIDENCE_FOR_REVIEW


def test_a_bound_read_as_the_result_goes_to_review() -> None:
    """A row whose target cell is empty and whose result cell states a bound ("≥ 90%"): a result is a value, a
    bound is a target, so the columns were probably shifted (cells run together in a narrow table): not published
    as read, but sent to review; the row beside it, read right, stays."""
    readings, _ = _only(
        "Indicatore\tTarget\tConsuntivo\n"
        "Certificati evasi entro 4 giorni lavorativi\t\t≥ 90%\n"
        "Pratiche evase entro 5 giorni lavorativi\t≥ 86%\t95%\n")
    shifted, right = readings
    assert (shifted.target_raw, shifted.actual_raw, shifted.actual_value) == (None, "≥ 90%", 90.0)
    assert shifted.confidence < CONFIDENCE_FOR_REVIEW
    assert (right.target_value, right.actual_value) == (86.0, 95.0) and right.confidence >= CONFIDENCE_FOR_REVIEW


def test_a_bound_inside_the_name_goes_to_review() -> None:
    """A target ("≥ 75%") run into the name cell: the columns were not told apart (a table converted without
    clear gaps), so the row waits for review; a bound in parentheses is the name's own words and stays."""
    readings, _ = _only(
        "Indicatore\tTarget\tConsuntivo\n"
        "Grado di coinvolgimento dei Comuni aderenti al ≥ 75%\t\t81,18%\n"
        "Rispetto dei tempi di evasione (<=5 giorni) delle pratiche\t>= 87%\t87,40%\n")
    merged, own_words = readings
    assert merged.confidence < CONFIDENCE_FOR_REVIEW
    assert own_words.confidence >= CONFIDENCE_FOR_REVIEW and own_words.actual_value == 87.4


def test_a_segment_of_unknown_layout_with_a_table_is_read_not_only_quarantined() -> None:
    text = ("Camera di Commercio di Bergamo\nRelazione sulla Performance 2023\n\n"
            "Obiettivo operativo 1.1 - Sportello digitale\n"
            "Indicatore\tPeso\tTarget\tConsuntivo\n"
            "Pratiche telematiche evase in 5 giorni\t50%\t>= 90%\t96,2%\n"
            "Customer satisfaction\t50%\t>= 4\t4,4\n")
    result = extract_source(source_from_bytes("bergamo.txt", text.encode("utf-8")))
    (segment,) = result.segments
    assert (segment.chamber_name, segment.year, segment.parser_status) == ("Bergamo", 2023, "parsed")
    assert segment.message.startswith("no known layout: read by the generic table reader")
    assert [(r.indicator_name, r.actual_value, r.extraction_method) for r in result.readings] == [
        ("Pratiche telematiche evase in 5 giorni", 96.2, "generic"), ("Customer satisfaction", 4.4, "generic")]
    assert not result.quarantined


def test_text_without_any_readable_table_is_still_quarantined() -> None:
    text = "Verbale della riunione\nSi discute del bilancio 2024 e delle spese 2023.\n"
    result = extract_source(source_from_bytes("note.txt", text.encode("utf-8")))
    (segment,) = result.segments
    assert segment.parser_status == "unknown_layout" and len(result.quarantined) == 1


BERGAMO = ("Camera di Commercio di Bergamo\nRelazione sulla Performance 2023\n\n"
           "Linea d'azione 4 - Sportello unico\n"
           "Misura\tValore programmato\tValore registrato\n"
           "Pratiche evase\t>= 90%\t93%\n")
USER_PROFILE = '''[indicator]
seen_in = "Bergamo 2023 report: 'Misura' heads the indicator column"
values = ["misura"]

[target]
seen_in = "Bergamo 2023 report"
values = ["valore programmato"]

[actual]
seen_in = "Bergamo 2023 report"
values = ["valore registrato"]

[objective_headings]
seen_in = "Bergamo 2023 report: 'Linea d'azione 4 - ...' starts an operational objective"
regex = true
values = { "^linea d['’]azione\\\\b" = "operational" }
'''


def test_a_user_profile_beside_the_documents_teaches_the_reader_a_new_chambers_words(tmp_path) -> None:
    from ccperf.extract.extractor import extract_file
    from ccperf.extract.profiles import use_user_profiles

    (tmp_path / "bergamo.txt").write_text(BERGAMO, encoding="utf-8")
    try:
        without = extract_file(tmp_path / "bergamo.txt")
        assert without.segments[0].parser_status == "unknown_layout" and not without.readings
        (tmp_path / "generic.profile.toml").write_text(USER_PROFILE, encoding="utf-8")
        result = extract_file(tmp_path / "bergamo.txt")
    finally:
        use_user_profiles(None)
    (reading,) = result.readings
    assert (reading.objective_code, reading.objective_level, reading.objective_title) == (
        "4", "operational", "Sportello unico")
    assert (reading.indicator_name, reading.target_value, reading.actual_value) == ("Pratiche evase", 90.0, 93.0)
