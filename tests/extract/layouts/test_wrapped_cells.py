"""wrapped_cells: the CCIAA Cremona 2020 results report, whose table cells wrap into separate runs of lines."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file, extract_source
from ccperf.extract.layouts.wrapped_cells import Printed, find_tipo, list_count, parse, take_cell
from ccperf.extract.layouts.wrapped_cells.cells import items
from ccperf.extract.layouts.wrapped_cells.rows import find_anchors, split_rows
from ccperf.extract.numbers import split_measure
from ccperf.extract.parser import SegmentContext
from ccperf.extract.text import SourceText, source_from_bytes
from ccperf.model import Reading, Segment

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "data" / "raw" / "000_b94ecf89defcc372.txt"
GOLD = ROOT / "tests" / "fixtures" / "gold-sample"


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


GOLD_READINGS = _jsonl("000.readings.jsonl")
GOLD_OBJECTIVES = _jsonl("000.objectives.jsonl")
GOLD_FACTS = _jsonl("000.facts.jsonl")


@pytest.fixture(scope="module")
def result():
    return extract_file(DOC)


def _at(result, line: int, role: str = "detail") -> Reading:
    found = [r for r in result.readings if r.provenance.source_line == line and r.table_role == role]
    assert len(found) == 1, f"expected one {role} reading at line {line}, got {len(found)}"
    return found[0]


def parse_excerpt(text: str, chamber: str = "Cremona", year: int = 2020):
    """Run the parser on a small excerpt of the report (one segment, the whole excerpt)."""
    lines = tuple(text.split("\n"))
    source = SourceText("excerpt.txt", "0" * 64, len(text), "utf-8", lines)
    segment = Segment("0" * 64, "excerpt.txt", 0, 1, len(lines), chamber, year, "relazione_performance",
                      "wrapped_cells")
    return parse(SegmentContext(source, segment))


HEADER = "Ob. Operativo 2020_04_02_01 \n\nTitolo dell'obiettivo \n\nIndicatori \n\n" \
         "Descrizione Tipo Valore Atteso \nValore \n\nRaggiunto \nNote \n\n"


# -- the whole document against the labelled sample -----------------------------------------------------------
def test_segment_is_parsed_by_this_layout(result):
    assert [s.layout for s in result.segments] == ["wrapped_cells"]
    assert result.segments[0].parser_status == "parsed"
    assert result.quarantined == []


@pytest.mark.parametrize("gold", GOLD_READINGS, ids=lambda g: str(g["line"]))
def test_labelled_rows(result, gold):
    got = _at(result, gold["line"])
    assert got.chamber_name == gold["chamber"] and got.year == gold["year"] and got.doc_kind == gold["doc_kind"]
    for name in ("objective_code", "objective_level", "objective_title", "indicator_code", "indicator_name",
                 "indicator_type", "weight_pct", "target_raw", "target_value", "target_operator", "target_unit",
                 "actual_raw", "actual_value", "achievement_pct", "status", "baseline_value",
                 "target_midyear_value", "target_revised_value"):
        assert getattr(got, name) == gold[name], name


def test_row_counts_match_the_labelled_counts(result):
    readings = result.readings
    assert len(readings) == 46
    assert Counter(r.objective_level for r in readings) == {"area": 2, "strategic": 13, "operational": 31}
    detail = [r for r in readings if r.table_role == "detail"]
    assert len(detail) == 45
    assert sum(1 for r in detail if r.objective_code == "2020_04_03_01") == 14  # COVID table
    assert Counter(r.status for r in readings) == {"achieved": 45, None: 1}
    assert sum(r.actual_value is not None for r in readings) == 21
    assert sum(r.target_value is not None for r in readings) == 19
    assert all(r.indicator_code is None and r.target_revised_raw is None for r in readings)


def test_objectives(result):
    objectives = {o.objective_code: o for o in result.objectives}
    assert len(objectives) == 21
    assert Counter(o.objective_level for o in objectives.values()) == {"area": 1, "strategic": 7, "operational": 13}
    for gold in GOLD_OBJECTIVES:
        got = objectives[gold["objective_code"]]
        assert got.provenance.source_line == gold["line"]
        for name in ("objective_level", "objective_title", "parent_code", "weight_pct", "achievement_pct", "status",
                     "perspective", "mission_code"):
            assert getattr(got, name) == gold[name], (gold["objective_code"], name)
    # "Ob. Operativo" headers with 3-part codes are strategic objectives
    assert [c for c, o in objectives.items() if o.objective_level == "strategic"] == [
        "2020_01_01", "2020_01_02", "2020_01_03", "2020_02_01", "2020_03_01", "2020_04_01", "2020_04_02"]
    assert objectives["2020_04_03_01"].parent_code == "2020_04_03"
    assert objectives["2020_01_02_02"].status is None  # its only row is suspended
    assert objectives["2020_04_02_03"].status == "achieved"  # "L'obiettivo è stato comunque conseguito"
    assert [o.mission_code for o in objectives.values() if o.mission_code] == ["011"]


def test_labelled_facts(result):
    for gold in GOLD_FACTS:
        found = [f for f in result.facts if f.provenance.source_line == gold["line"] and f.value == gold["value"]]
        assert found, gold
        assert found[0].year == gold["year"]
    by_name = {f.fact_name: f.value for f in result.facts if f.is_derived}
    assert by_name["count_strategic_objectives"] == 7
    assert by_name["count_operational_objectives"] == 13
    assert by_name["count_indicator_rows"] == 45
    assert by_name["count_indicator_rows_obiettivo_conseguito"] == 43
    assert by_name["count_indicator_rows_sospeso"] == 2
    series = sorted((f.year, f.value) for f in result.facts if f.fact_name.endswith("_pct"))
    assert series == [(2013, 64.8), (2016, 84.43), (2017, 86.22), (2018, 90.88), (2019, 89.14), (2020, 89.72)]
    cost_bases = {(f.year, f.value) for f in result.facts if f.fact_name == "contenimento_costi_postali_eur"}
    assert cost_bases == {(2020, 1742.97), (2011, 38475.85)}


# -- hard cells in the real document ---------------------------------------------------------------------------
def test_numbers_split_by_position(result):
    row = _at(result, 568)  # "STRATEGICO <= 5gg            2,61 Fonte dei dati XAFO"
    assert (row.target_raw, row.target_value, row.target_operator, row.target_unit) == ("<= 5gg", 5.0, "<=", "gg")
    assert (row.actual_raw, row.actual_value) == ("2,61", 2.61)
    row = _at(result, 451)  # "OPERATIVO 3 8 - Fonte dei dati: interna"
    assert (row.target_value, row.target_operator, row.target_unit, row.actual_value) == (3.0, None, None, 8.0)
    row = _at(result, 308)  # "OPERATIVO 1,00 1 Realizzazione di almeno 1 seminario"
    assert (row.target_raw, row.actual_raw) == ("1,00", "1")
    row = _at(result, 795)  # ">=8 11,88%": no unit on the target
    assert (row.target_value, row.target_unit, row.actual_value) == (8.0, None, 11.88)


def test_text_cells_and_trailing_text(result):
    row = _at(result, 767)  # "OPERATIVO Referti OIV Referti regolari Fonte dei dati: ..."
    assert (row.target_raw, row.actual_raw, row.actual_value) == ("Referti OIV", "Referti regolari", None)
    row = _at(result, 845)
    assert (row.target_value, row.actual_raw, row.actual_value) == (35.0, "35,28% da consolidare", 35.28)
    row = _at(result, 862)
    assert (row.target_operator, row.actual_raw, row.actual_value) == (
        ">", "46,5 unità di personale per 1 dirigente", 46.5)
    row = _at(result, 811)
    assert row.target_raw == "Rispetto tempi di legge o contratto"
    assert row.actual_value == -15.65 and row.actual_raw.startswith("-15,65 (il segno negativo indica")
    row = _at(result, 123)
    assert (row.actual_raw, row.actual_value) == ("> 80% (come sotto precisato)", 80.0)
    row = _at(result, 215)  # description, Tipo and target start on one line
    assert row.indicator_name == "Realizzazione del progetto HoCare 2.0"
    assert row.target_raw == "Realizzazione del progetto"
    assert row.actual_raw == "Il progetto è stato attuato sulla base del cronoprogram ma approvato"


def test_empty_actual_cells(result):
    for line in (337, 717, 732):
        row = _at(result, line)
        assert row.actual_raw is None and row.actual_value is None and row.status == "achieved"
        assert "Note column" in row.notes


def test_suspended_rows_and_restated_value(result):
    row = _at(result, 365)
    assert (row.actual_raw, row.status) == ("Obiettivo sospeso", None)
    row = _at(result, 927)
    assert (row.actual_raw, row.status) == ("Obiettivo sospeso", "achieved")
    restated = _at(result, 950, role="prose")
    assert restated.restates_line == 927
    assert (restated.actual_raw, restated.actual_value, restated.status) == ("95,90%", 95.9, "achieved")
    assert restated.indicator_name == row.indicator_name and restated.objective_code == "2020_04_02_03"


def test_covid_table(result):
    row = _at(result, 968)
    assert row.indicator_type == "ORGANIZZATIVO"
    assert row.target_raw == ("N° dipendenti collocati in smart working N° provvedimenti adottati per "
                              "fronteggiare l’emergenza COVID")
    assert row.actual_raw.startswith("N° 40 dipendenti su 47 complessivi") and row.actual_value is None
    row = _at(result, 1060)  # Valore Raggiunto resumes after the Note block (page break)
    assert row.actual_raw.endswith("certificati d’origine per una percentuale pari al 38,86%")
    assert row.target_value is None and row.actual_value is None
    row = _at(result, 1313)  # line 1338 "contributo imprese)" ends both cells
    assert row.target_raw == "N° imprese sostenute Rispetto tempi di erogazione del contributo"
    assert row.actual_raw == ("52 (su 54 domande ammesse, 2 da parte di 2 stesse imprese) sì compatibilment e "
                              "con approvazione e invio fondi da parte di UCL")
    row = _at(result, 1439)  # "N° riunioni N° 15 incontri a": target and actual on one line, two counts
    assert (row.target_raw, row.actual_value) == ("N° riunioni", None)
    assert row.actual_raw == "N° 15 incontri a Cremona e N° 3 incontri a Crema"
    assert (_at(result, 1223).actual_value, _at(result, 1223).indicator_name) == (14.0, "Coordinamento tavolo Banche")
    assert _at(result, 1151).actual_raw == "Sono state istruite complessivame nte e nei termini 27 richieste"


# -- hard cases on excerpts of the real text -------------------------------------------------------------------
def test_excerpt_numbers_run_together():
    parsed = parse_excerpt(HEADER + "Tempi di evasione delle pratiche inerenti il \nregistro protesti \n\n"
                           "OPERATIVO <=20 giorni 4 giorni Modalità di calcolo: Tempo medio di \n"
                           "evasione delle pratiche protesti - Fonte \ndei dati: interna \n\nOBIETTIVO CONSEGUITO \n")
    (row,) = parsed.readings
    assert row.provenance.source_line == 13
    assert (row.target_raw, row.target_value, row.target_operator, row.target_unit) == ("<=20 giorni", 20.0, "<=",
                                                                                       "giorni")
    assert (row.actual_raw, row.actual_value, row.status) == ("4 giorni", 4.0, "achieved")
    assert "Modalità di calcolo: Tempo medio" in row.notes


def test_excerpt_text_target_with_actual_and_note_blocks():
    parsed = parse_excerpt(
        HEADER + "Realizzazione della fase 2020 del progetto \n\"Orientamento, domanda-offerta di lavoro\" \n\n"
        "EFFICACIA Realizzazione degli \nobiettivi progettuali \n\nIl progetto è \nstato realizzato \n\n"
        "Le fasi previste sono indicate nel \ndocumento di Progetto \n\nOBIETTIVO NON CONSEGUITO \n"
        "Il Progetto si è concluso \n")
    (row,) = parsed.readings
    assert row.target_raw == "Realizzazione degli obiettivi progettuali" and row.target_value is None
    assert row.actual_raw == "Il progetto è stato realizzato"
    assert row.status == "not_achieved"
    assert parsed.objectives[0].status == "not_achieved"


def test_excerpt_empty_actual_cell_is_not_read_from_the_note():
    parsed = parse_excerpt(HEADER + "Adempimenti connessi alla riforma del \nsistema camerale \n\n"
                           "STRATEGICO Implementazione \ndelle fasi della \nriforma \n\n"
                           " Misura l'attività degli uffici volta alla \nrealizzazione della riforma \n\n"
                           "OBIETTIVO CONSEGUITO \nSi veda relazione iniziale \n")
    (row,) = parsed.readings
    assert row.target_raw == "Implementazione delle fasi della riforma"
    assert row.actual_raw is None


def test_excerpt_suspended_without_status_line():
    parsed = parse_excerpt(HEADER + "Grado di utilizzo del budget stanziato \n\nEFFICACIA <= 85% Obiettivo \nsospeso \n\n"
                           "Fonte dei dati:Interventi \neconomici/Interventi economici \n\n"
                           "L’obiettivo è stato comunque conseguito \nValore raggiunto 95,90% \n \n")
    detail, restated = parsed.readings
    assert (detail.target_value, detail.actual_raw, detail.actual_value) == (85.0, "Obiettivo sospeso", None)
    assert detail.status == "achieved"
    assert (restated.table_role, restated.restates_line, restated.provenance.source_line) == ("prose", 13, 22)
    assert restated.actual_value == 95.9


def test_excerpt_covid_row_split_tipo_and_page_break():
    parsed = parse_excerpt(
        HEADER + "Bando SAFE WORKING SUPPORTO \nDIRETTO \nALLE \nIMPRESE \n\nN° imprese \nsostenute \n \n"
        "Rispetto tempi di \nerogazione del \n\n52 (su 54 \ndomande \nammesse, 2 da \nparte di 2 \nstesse \n\n"
        "Il Bando è stato approvato in data 14 \nmaggio 2020 per un totale di € \n150.000,00 a carico della CCIAA \n\n\n\n"
        "contributo imprese)  \n \nsì \n\ndisposizione da Regione Lombardia per \ntutta la Regione Lombardia) \n\n"
        "OBIETTIVO CONSEGUITO \n")
    (row,) = parsed.readings
    assert row.indicator_name == "Bando SAFE WORKING"
    assert row.indicator_type == "SUPPORTO DIRETTO ALLE IMPRESE"
    assert row.target_raw == "N° imprese sostenute Rispetto tempi di erogazione del contributo"
    assert row.actual_raw == "52 (su 54 domande ammesse, 2 da parte di 2 stesse imprese) sì"
    assert row.actual_value is None
    assert "tutta la Regione Lombardia" in row.notes
    amounts = [f for f in parsed.facts if f.unit == "EUR"]
    assert [(f.value, f.provenance.source_line) for f in amounts] == [(150000.0, 32)]


def test_excerpt_covid_single_count():
    parsed = parse_excerpt(HEADER + "Coordinamento tavolo Banche COLLABORAZI\nONE \nISTITUZIONAL\nE \n\n"
                           "N° istituti di credito \ncoinvolti \n\n14 istituti di \ncredito del \nterritorio \n\n"
                           "Il tavolo è stato costituito a livello \nterritoriale nella immediatezza \n\n"
                           "OBIETTIVO CONSEGUITO \n")
    (row,) = parsed.readings
    assert row.indicator_type == "COLLABORAZIONE ISTITUZIONALE"
    assert (row.target_raw, row.actual_raw, row.actual_value) == (
        "N° istituti di credito coinvolti", "14 istituti di credito del territorio", 14.0)


def test_excerpt_area_mission_and_mislabelled_header():
    parsed = parse_excerpt(
        "Area Strategica 2020_01 \n\nMISSIONE 011: Competitività e sviluppo delle imprese \n"
        "Promozione ed attuazione di politiche di sviluppo \n\nIndicatori \n\n"
        "Ob. Operativo 2020_02_01 \n\nAssicurare all'impresa tempi certi \n\nIndicatori \n\n"
        "Tasso di evasione delle pratiche entro 5 \ngiorni  \n \n\n"
        "STRATEGICO >=100%         138,45% Modalità di calcolo: (numero di pratiche \n\nOBIETTIVO CONSEGUITO \n")
    area, strategic = parsed.objectives
    assert (area.objective_level, area.objective_code, area.mission_code) == ("area", "2020_01", "011")
    assert area.objective_title == "MISSIONE 011: Competitività e sviluppo delle imprese"
    assert (strategic.objective_level, strategic.parent_code) == ("strategic", "2020_02")
    (row,) = parsed.readings
    assert (row.objective_level, row.indicator_name) == ("strategic", "Tasso di evasione delle pratiche entro 5 giorni")
    assert (row.target_value, row.actual_value) == (100.0, 138.45)
    assert parsed.quarantined == []  # the area's table is empty: nothing to keep


def test_excerpt_unreadable_table_is_quarantined():
    parsed = parse_excerpt(HEADER + "Una tabella senza colonna Tipo \n\n12 \n\nOBIETTIVO CONSEGUITO \n")
    assert parsed.readings == []
    (q,) = parsed.quarantined
    assert q.layout == "wrapped_cells" and "Tipo" in q.reason
    assert "Una tabella senza colonna Tipo" in q.text


def test_text_before_the_first_row_is_quarantined_when_a_blank_line_sets_it_apart():
    parsed = parse_excerpt(HEADER + "Testo che non appartiene alla tabella \n\nTempo medio di lavorazione delle pratiche "
                           "\ntelematiche del Registro Imprese \n\nSTRATEGICO <= 5gg            2,61 Fonte dei dati XAFO "
                           "\n\nOBIETTIVO CONSEGUITO \n")
    (row,) = parsed.readings
    assert (row.provenance.source_line, row.target_value, row.actual_value) == (15, 5.0, 2.61)
    (q,) = parsed.quarantined
    assert (q.provenance.source_line, q.text) == (13, "Testo che non appartiene alla tabella ")


def test_chamber_and_year_come_from_the_segment():
    parsed = parse_excerpt(HEADER + "Contenimento costi postali OPERATIVO <=100% 4,53% Modalità di calcolo \n\n"
                           "OBIETTIVO CONSEGUITO \n", chamber="Lodi", year=2023)
    (row,) = parsed.readings
    assert (row.chamber_name, row.year, row.indicator_name) == ("Lodi", 2023, "Contenimento costi postali")
    assert (row.target_value, row.actual_value) == (100.0, 4.53)


def test_altered_copy_shifted_lines_and_values():
    raw = DOC.read_text(encoding="utf-8")
    altered = ("Riga aggiunta \n\n\n" + raw.replace("2020_", "2023_").replace("2,61", "3,17")
               .replace("138,45%", "97,5%").replace("<=20 giorni", ">= 12 giorni"))
    result = extract_source(source_from_bytes("altered.txt", altered.encode("utf-8")))
    assert len(result.readings) == 46
    row = next(r for r in result.readings if r.indicator_name.startswith("Tempo medio di lavorazione"))
    assert row.provenance.source_line == 568 + 3 and row.objective_code == "2023_02_01"
    assert (row.target_value, row.actual_value) == (5.0, 3.17)
    row = next(r for r in result.readings if r.indicator_name.startswith("Tempi di evasione delle pratiche"))
    assert (row.target_operator, row.target_value, row.target_unit) == (">=", 12.0, "giorni")


def test_a_column_header_printed_on_one_line_is_a_header():
    """A converter that does not wrap the table's column header (`pdftotext -raw`) prints it on one line: it is read
    as the header, not as the start of the first row's name; every row reads as in the original."""
    raw = DOC.read_text(encoding="utf-8")
    one_line = raw.replace("Descrizione Tipo Valore Atteso \nValore \n\nRaggiunto \nNote \n",
                           "Descrizione Tipo Valore Atteso Valore Raggiunto Note\n")
    assert one_line.count("Descrizione Tipo Valore Atteso Valore Raggiunto Note") == 20
    result = extract_source(source_from_bytes("one_line.txt", one_line.encode("utf-8")))
    original = extract_file(DOC)

    def rows(res):
        return sorted((r.indicator_name, r.target_raw, r.actual_raw, r.status) for r in res.readings)

    assert len(result.readings) == 46 and rows(result) == rows(original)
    assert not any(r.indicator_name.startswith("Descrizione") for r in result.readings)
    assert result.quarantined == original.quarantined == []


def test_a_row_holding_the_header_or_no_value_is_quarantined_not_read():
    """Text converted in another reading order (`pdftotext` in its default mode) puts the column header's words
    into a row, or a row's values away from it: such a row is quarantined with the reason, not published."""
    mixed = parse_excerpt("Ob. Operativo 2020_04_02_01 \n\nTitolo dell'obiettivo \n\nIndicatori \n\n"
                          "Descrizione Tipo Contenimento costi postali OPERATIVO <=100% 4,53% Modalità \n\n"
                          "OBIETTIVO CONSEGUITO \n")
    assert mixed.readings == []
    (block,) = mixed.quarantined
    assert block.reason == ("the column header's words read as a cell ('Descrizione Tipo Contenimento costi "
                            "post') (table of 2020_04_02_01)")
    assert "Contenimento costi postali" in block.text
    empty = parse_excerpt(HEADER + "Contenimento costi postali OPERATIVO \n\nOBIETTIVO CONSEGUITO \n")
    assert empty.readings == []
    assert [q.reason for q in empty.quarantined] == [
        "row without a target or a result: its cells were not found where this layout prints them "
        "(table of 2020_04_02_01)"]
    for parsed in (mixed, empty):  # the derived row counts count the rows read, the status lines too
        counts = {f.fact_name: f.value for f in parsed.facts if f.fact_name.startswith("count_indicator_rows")}
        assert counts == {"count_indicator_rows": 0.0, "count_indicator_rows_obiettivo_conseguito": 0.0,
                          "count_indicator_rows_sospeso": 0.0}


# -- the same excerpts printed without blank lines (or with them doubled) -------------------------------------------
def _relaid(text: str, kind: str) -> str:
    """The excerpt as another converter prints it: blank lines (and lines holding only spaces) removed, or each
    blank line doubled."""
    lines = text.split("\n")
    if kind == "no_blanks":
        return "\n".join(line for line in lines if line.strip()) + "\n"
    return "\n".join(line + ("\n" + line if not line.strip() else "") for line in lines)


def _line_of(text: str, start: str) -> int:
    return next(no for no, line in enumerate(text.split("\n"), start=1) if line.startswith(start))


ROWS_AFTER_REMARKS = (
    HEADER + "Percezione del livello di qualità ed \nadeguatezza dei servizi resi \n\n"
    "OUTCOME >=80% > 80% (come \nsotto precisato) \n\nModalità di calcolo: (numero di valutazioni \n"
    "positive/numero totale di valutazioni)*100 \n\nOBIETTIVO CONSEGUITO \n"
    "Incontri PID 100% (n.140 questionari, valutazione media 4,4 su un punteggio massimo di 5, pari a una percentuale "
    "\ndell’87,96%) \nFestival della Mostarda 100% (1 impresa 100%) \n \n\n"
    "Grado di restituzione delle risorse al \nterritorio in interventi di promozione. \n"
    "Misura il valore del diritto annuale (al netto \n\n"
    "STRATEGICO >=70% 101,95% Modalità di calcolo = Interventi economici \n(€ 2.720.771,87) + Totale costi \n\n"
    "OBIETTIVO CONSEGUITO \nSi veda relazione iniziale \n \n\n"
    "Qualità ed adeguatezza dei servizi resi in \ntema di assistenza agli organi \n\n"
    "STRATEGICO Tempestività \nqualità procedure \n\n Misura la tempestività della adozione \ndegli atti. \n\n"
    "OBIETTIVO CONSEGUITO \n")


@pytest.mark.parametrize("kind", ["original", "no_blanks", "double_blanks"])
def test_rows_after_remarks_without_blank_lines(kind):
    """A remark after a status line and the next row's description are told apart without the blank line between
    them: a full-width line, the rest of one, and a short item before a capitalised line are remarks."""
    text = ROWS_AFTER_REMARKS if kind == "original" else _relaid(ROWS_AFTER_REMARKS, kind)
    parsed = parse_excerpt(text)
    first, second, third = parsed.readings
    assert first.provenance.source_line == _line_of(text, "Percezione del livello")
    assert (first.target_value, first.actual_raw, first.actual_value) == (80.0, "> 80% (come sotto precisato)", 80.0)
    assert "Festival della Mostarda" in first.notes and "Festival" not in second.indicator_name
    assert second.provenance.source_line == _line_of(text, "Grado di restituzione")
    assert second.indicator_name.endswith("Misura il valore del diritto annuale (al netto")
    assert (second.target_value, second.actual_value, second.status) == (70.0, 101.95, "achieved")
    assert [(f.value, f.provenance.source_line) for f in parsed.facts if f.unit == "EUR"] == [
        (2720771.87, _line_of(text, "(€ 2.720.771,87)"))]
    assert third.provenance.source_line == _line_of(text, "Qualità ed adeguatezza")
    assert third.indicator_name == "Qualità ed adeguatezza dei servizi resi in tema di assistenza agli organi"
    assert (third.target_raw, third.actual_raw) == ("Tempestività qualità procedure", None)
    assert "Remarks: 'Si veda relazione iniziale'" in second.notes
    assert parsed.quarantined == []


@pytest.mark.parametrize("kind", ["no_blanks", "double_blanks"])
def test_list_row_and_page_break_without_blank_lines(kind):
    """The list row with a page break inside its cells reads the same once blank lines are gone or doubled:
    the metric names end at the first value, the value cell at the wide Note, and the line that a page break
    pushed below the Note ends both cut cells."""
    text = _relaid(HEADER + "Bando SAFE WORKING SUPPORTO \nDIRETTO \nALLE \nIMPRESE \n\nN° imprese \nsostenute \n \n"
                   "Rispetto tempi di \nerogazione del \n\n52 (su 54 \ndomande \nammesse, 2 da \nparte di 2 \nstesse \n\n"
                   "Il Bando è stato approvato in data 14 \nmaggio 2020 per un totale di € \n150.000,00 a carico della "
                   "CCIAA \n\n\n\ncontributo imprese)  \n \nsì \n\ndisposizione da Regione Lombardia per \n"
                   "tutta la Regione Lombardia) \n\nOBIETTIVO CONSEGUITO \n", kind)
    (row,) = parse_excerpt(text).readings
    assert row.provenance.source_line == _line_of(text, "Bando SAFE WORKING")
    assert row.target_raw == "N° imprese sostenute Rispetto tempi di erogazione del contributo"
    assert row.actual_raw == "52 (su 54 domande ammesse, 2 da parte di 2 stesse imprese) sì"
    assert "line {} holds the end of the Valore Atteso".format(_line_of(text, "contributo imprese)")) in row.notes
    assert "Note column: 'Il Bando è stato approvato" in row.notes and "tutta la Regione Lombardia)'" in row.notes


def test_suspended_row_without_blank_lines_keeps_its_restated_value():
    text = _relaid(HEADER + "Grado di utilizzo del budget stanziato \n\nEFFICACIA <= 85% Obiettivo \nsospeso \n\n"
                   "Fonte dei dati:Interventi \neconomici/Interventi economici \n\n"
                   "L’obiettivo è stato comunque conseguito \nValore raggiunto 95,90% \n \n", "no_blanks")
    detail, restated = parse_excerpt(text).readings
    assert (detail.actual_raw, detail.status) == ("Obiettivo sospeso", "achieved")
    assert "Note column: 'Fonte dei dati:Interventi economici/Interventi economici'" in detail.notes
    assert (restated.provenance.source_line, restated.actual_value) == (_line_of(text, "Valore raggiunto"), 95.9)


def test_page_furniture_inside_a_cell_is_skipped():
    """A page break (form feed, running title, "Pagina N di M") inside the Valore Raggiunto and the Note."""
    pages = ["Premessa \n" * 30 + HEADER, "Tempo medio di pubblicazione delle \nindagini congiunturali \n\n"
             "EFFICIENZA > 40 46,5 unità di \npersonale per 1 \n", "dirigente \n\nFonte dei dati: Unità di personale "
             "\n", "dipendente (TI+Td)/Numero di dirigenti \n\nOBIETTIVO CONSEGUITO \n"]
    text = "".join(("\f" if k else "") + f"Relazione sulla performance 2020 \n\n{page}\nPagina {k + 1} di 4 \n"
                   for k, page in enumerate(pages))
    parsed = parse_excerpt(text)
    (row,) = parsed.readings
    assert row.provenance.source_line == _line_of(text, "Tempo medio di pubblicazione")
    assert (row.target_operator, row.target_value, row.actual_raw, row.actual_value) == (
        ">", 40.0, "46,5 unità di personale per 1 dirigente", 46.5)
    assert "Note column: 'Fonte dei dati: Unità di personale dipendente (TI+Td)/Numero di dirigenti'" in row.notes


# -- helpers -----------------------------------------------------------------------------------------------------
def test_status_lines_split_cells_from_remarks_and_items_open_with_a_metric():
    texts = ["Descrizione a ", "STRATEGICO Attuazione e ", "rendicontazione", "OBIETTIVO CONSEGUITO ", "remark"]
    lines = [Printed(no, text) for no, text in enumerate(texts, start=1)]
    (row,), stray = split_rows(lines, find_anchors(lines))
    assert stray == [] and [p.number for p in row.description] == [1]
    assert ([p.number for p in row.cells], row.status.number, [p.number for p in row.remarks]) == ([3], 4, [5])
    assert items(["a ", "N° b", "c"]) == ["a", "N° b c"]


def test_find_tipo_joins_words_split_without_hyphen():
    tipo = find_tipo(["ORGANIZZATI", "VO "])
    assert tipo is not None and (tipo.tipo, tipo.end_index, tipo.rest) == ("ORGANIZZATIVO", 1, "")
    tipo = find_tipo(["Bando FAICREDITO SUPPORTO ", "DIRETTO ", "ALLE ", "IMPRESE "])
    assert tipo is not None and (tipo.tipo, tipo.prefix) == ("SUPPORTO DIRETTO ALLE IMPRESE", "Bando FAICREDITO")
    assert find_tipo(["BANDO ACCOMPAGNAMENTO EXPORT: 1 POSITIVO"]) is None


def test_measures_and_cells():
    cell, rest = split_measure(">= 80% > 80% Modalità")
    assert (cell.raw, cell.value, cell.operator, cell.unit, rest) == (">= 80%", 80.0, ">=", "%", "> 80% Modalità")
    assert split_measure("14/7/2020") is None
    assert take_cell("Referti OIV Referti regolari Fonte") == ("Referti OIV", "Referti regolari Fonte")
    assert list_count(["N° riunioni"], "1 riunione in plenaria seguita da riunioni quindicinali") is None
    assert list_count(["N° imprese coinvolte"], "14 imprese partecipanti al webinar") == 14.0
    assert list_count(["N° incontri", "N° partecipanti"], "N° 7 incontri per un totale di 243 partecipanti") is None
