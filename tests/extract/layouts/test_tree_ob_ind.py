"""The performance-tree layout (CCIAA Massa-Carrara): the labelled sample, every table, the hard cells, an altered copy."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from ccperf.extract.detect import detect_layout
from ccperf.extract.document import Line
from ccperf.extract.extractor import extract_file, extract_source
from ccperf.extract.layouts.tree_ob_ind import (
    algoritmo_operator,
    algoritmo_unit,
    join_wrapped,
    parse,
    prepare_lines,
)
from ccperf.extract.parser import ParsedSegment, SegmentContext
from ccperf.extract.text import source_from_bytes
from ccperf.model import ExtractionResult, Reading, Segment
from tests.conftest import RAW_DIR, gold_rows
from tests.variants import make_variant, paged

MASSA_FILE = "004_0cdd469904be561d.txt"
CHAMBER = "Massa-Carrara"
FIELDS = ["objective_code", "objective_level", "objective_title", "indicator_code", "indicator_name",
          "indicator_type", "weight_pct", "target_raw", "target_value", "target_operator", "target_unit",
          "actual_raw", "actual_value", "achievement_pct", "status"]


@pytest.fixture(scope="module")
def result() -> ExtractionResult:
    return extract_file(RAW_DIR / MASSA_FILE)


@pytest.fixture(scope="module")
def readings(result: ExtractionResult) -> list[Reading]:
    return [r for r in result.readings if r.chamber_name == CHAMBER]


def _at(readings: list[Reading], line: int) -> Reading:
    (reading,) = [r for r in readings if r.provenance.source_line == line]
    return reading


def _parse_excerpt(text: str, year: int = 2019, chamber: str = CHAMBER) -> ParsedSegment:
    """Run the parser on a small excerpt of the real text, as one segment."""
    source = source_from_bytes("excerpt.txt", text.encode("utf-8"))
    segment = Segment(source.sha256, "excerpt.txt", 0, 1, len(source.lines), chamber, year,
                      "relazione_performance", "tree_ob_ind")
    return parse(SegmentContext(source, segment))


# -- the labelled sample ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("gold", gold_rows("004.readings"), ids=lambda g: f"line{g['line']}")
def test_labelled_rows_are_extracted_exactly(readings: list[Reading], gold: dict) -> None:
    reading = _at(readings, gold["line"])
    for field in FIELDS:
        assert getattr(reading, field) == gold[field], field
    assert (reading.chamber_name, reading.year, reading.doc_kind) == (gold["chamber"], gold["year"], gold["doc_kind"])


def test_the_document_is_detected_and_parsed_whole(result: ExtractionResult) -> None:
    (segment,) = result.segments
    assert segment.layout == "tree_ob_ind" and segment.parser_status == "parsed"
    assert result.quarantined == []
    source = source_from_bytes(MASSA_FILE, (RAW_DIR / MASSA_FILE).read_bytes())
    assert detect_layout(list(source.lines)) == "tree_ob_ind"


def test_every_occurrence_of_every_indicator_is_a_reading(readings: list[Reading]) -> None:
    # seed notes: p.4 5, unit tables 9+11+11+16+19+16+6 = 88, albero 77, 3.1 28, 3.2 43, S.G./PO 8+5+6+5+5 = 29
    assert len(readings) == 270
    per_table = Counter(r.objective_code for r in readings if r.objective_level == "other")
    assert per_table == {"S0": 9, "S1": 11, "S2": 11, "S3": 16, "S4": 19, "S5": 16, "FRD": 6,
                         "S.G.": 8, "PO 2": 5, "PO 3": 6, "PO 4": 5, "PO 5": 5}
    sections = Counter(r.notes.split(";")[0].split(" '")[0] for r in readings if r.objective_level != "other")
    assert sections == {"section 3.0": 77, "section 3.1": 28, "section 3.2": 43, "p.4": 5}
    assert all(r.indicator_code and r.indicator_name and r.achievement_pct is not None for r in readings)
    assert all(r.actual_raw and r.target_raw for r in readings if not r.notes.startswith("p.4"))


def test_main_occurrence_is_detail_and_repeats_restate_it(readings: list[Reading]) -> None:
    detail = {r.provenance.source_line: r for r in readings if r.table_role == "detail"}
    # 3.1 (28) and 3.2 (43) rows, plus the six FRD rows printed only in the albero
    assert len(detail) == 28 + 43 + 6
    assert all(r.restates_line is None for r in detail.values())
    for r in readings:
        if r.table_role == "summary":
            original = detail[r.restates_line]
            assert original.indicator_code == r.indicator_code
    # S2.1.1-b is printed in the six S-unit tables, the albero and 3.1: seven restatements of the 3.1 row
    s211b = [r for r in readings if r.indicator_code == "S2.1.1-b"]
    assert [r.actual_raw for r in s211b] == ["94,63%", "100,00%", "96,43%", "94,29%", "96,34%", "93,62%",
                                             "90,20%", "94,59%"]
    assert {r.restates_line for r in s211b if r.table_role == "summary"} == {5324}
    assert [r.provenance.source_line for r in s211b if r.table_role == "detail"] == [5324]
    assert _at(readings, 2404).unit_name.startswith("Ufficio Programmazione e controllo")
    # the two FRD "ob2" rows of the FRD table restate the right albero row (same code, different names)
    assert (_at(readings, 4091).restates_line, _at(readings, 4107).restates_line) == (4457, 4466)


def test_operator_and_unit_come_from_the_algoritmo(readings: list[Reading]) -> None:
    cases = {
        2619: ("12", 12.0, ">=", "N.", "12", 12.0),                # n. newsletter inviate >=12
        2536: ("30", 30.0, "<=", "gg", "17,00", 17.0),             # entro 30 gg chiusura quadrimestre
        2753: ("100%", 100.0, "=", "%", "100,00%", 100.0),         # ... del mese successivo = 100%
        3298: ("2", 2.0, "=", "N.", "2", 2.0),                     # n. ruoli emessi =2
        5374: ("60%", 60.0, ">", "%", "77,51%", 77.51),           # > 60%
        5199: ("3", 3.0, None, "N.", "5", 5.0),                   # (n. 3): no operator
        6084: ("30/11/2018", None, None, None, "14/11/2019", None),  # data di riordino …: no operator
        7400: ("3", 3.0, ">=", "N.", "8", 8.0),                   # Algoritmo ">= 5" but Target 3, kept as printed
        4107: ("15", 15.0, "<=", "gg", "17,33", 17.33),           # FRD ob2: lower is better, 84,47%
    }
    for line, expected in cases.items():
        r = _at(readings, line)
        assert (r.target_raw, r.target_value, r.target_operator, r.target_unit, r.actual_raw, r.actual_value) == \
            expected, line
    assert _at(readings, 4107).achievement_pct == 84.47
    # the tree has no Algoritmo column: no operator there
    assert all(r.target_operator is None for r in readings if r.notes.startswith("section 3.0"))


def test_restated_values_are_kept_as_printed(readings: list[Reading]) -> None:
    assert (_at(readings, 3969).actual_raw, _at(readings, 3969).achievement_pct) == ("87,80%", 97.56)  # S5
    assert (_at(readings, 4589).actual_raw, _at(readings, 6189).actual_raw) == ("200,00%", "200,00%")
    assert (_at(readings, 2483).target_raw, _at(readings, 4536).target_raw) == ("30/11/2019", "30/11/2018")
    po_values = [r.actual_value for r in readings if r.indicator_code == "O2.1.4-f" and r.objective_code[:2] == "PO"]
    assert po_values == [9.0, 10.0, 11.0, 11.67]
    po3 = [r.actual_raw for r in readings if r.objective_code == "PO 3" and r.indicator_code == "O2.1.4-c"]
    assert po3 == ["26/06/2019", "28/06/2019"]


def test_four_month_data_are_kept_as_components(result: ExtractionResult) -> None:
    by_reading: dict[int, list] = {}
    for c in result.components:
        by_reading.setdefault(c.reading_line, []).append(c)
    ratio = [(c.component, c.period, c.value) for c in by_reading[2626]]  # S1 S2.1.1-b, 96,43%
    assert ratio == [("numerator", "I quadrimestre", 13.0), ("numerator", "II quadrimestre", 4.0),
                     ("numerator", "III quadrimestre", 10.0), ("numerator", "total", 27.0),
                     ("denominator", "I quadrimestre", 13.0), ("denominator", "II quadrimestre", 4.0),
                     ("denominator", "III quadrimestre", 11.0), ("denominator", "total", 28.0)]
    assert {c.label for c in by_reading[2626]} == {"N. dip. Partecipanti", "N. totale dipendenti"}
    # "3 5 4   12 12": TOT/MEDIA left empty
    assert [(c.period, c.raw) for c in by_reading[2619]] == [
        ("I quadrimestre", "3"), ("II quadrimestre", "5"), ("III quadrimestre", "4")]
    # "    285 285": only the third four-month cell and the total
    assert [(c.component, c.period, c.raw) for c in by_reading[3950]] == [
        ("numerator", "III quadrimestre", "285"), ("numerator", "total", "285"),
        ("denominator", "III quadrimestre", "305"), ("denominator", "total", "305")]
    # "100 100   200": the third cell empty
    assert [c.period for c in by_reading[3855] if c.component == "numerator"] == [
        "I quadrimestre", "II quadrimestre", "total"]
    # a day count averaged over the four-month periods: "15 23 13 --- 17,00"
    assert [(c.period, c.value) for c in by_reading[2536]] == [
        ("I quadrimestre", 15.0), ("II quadrimestre", 23.0), ("III quadrimestre", 13.0)]
    assert "Parametri di calcolo 'n. giorni trascorsi da fine quadrimestre a data invio'" in _at(result.readings, 2536).notes
    assert all(c.provenance.source_line >= c.reading_line for c in result.components)


def test_objectives_and_hierarchy(result: ExtractionResult) -> None:
    objectives = {o.objective_code: o for o in result.objectives}
    assert len(result.objectives) == 40 == len(objectives)
    levels = Counter(o.objective_level for o in result.objectives)
    assert levels == {"area": 6, "strategic": 6, "operational": 16, "other": 12}
    for gold in gold_rows("004.objectives"):
        obj = objectives[gold["objective_code"]]
        assert obj.provenance.source_line == gold["line"]
        for field in ("objective_level", "objective_title", "parent_code", "weight_pct", "achievement_pct",
                      "status", "perspective", "mission_code"):
            assert getattr(obj, field) == gold[field], (gold["objective_code"], field)
    assert (objectives["3.2"].achievement_pct, objectives["OB 3"].achievement_pct) == (91.0, 95.5)
    assert objectives["FRD"].achievement_pct == 97.41
    assert objectives["3.2.1"].parent_code == "3.2" and objectives["3.2"].parent_code == "OB 3"
    assert objectives["OB 3"].mission_code == "011" and "011/005 012/004" in objectives["OB 3"].notes
    assert "groups OS 2.2, 3.1, 3.2" in objectives["B"].notes


def test_stated_summary_facts(result: ExtractionResult) -> None:
    facts = {(f.fact_name, f.subject_code, f.provenance.source_line): f.value for f in result.facts if f.year == 2019}
    assert facts[("count_strategic_objectives", None, 1936)] == 6
    assert facts[("count_strategic_objectives", None, 245)] == 6
    assert facts[("count_strategic_objectives_partially_achieved", None, 1942)] == 1
    assert facts[("count_operational_objectives", None, 1948)] == 16
    assert facts[("count_areas", None, 245)] == 3
    assert facts[("performance_entity", None, 366)] == 100.0
    assert facts[("performance_entity", None, 1962)] == 97.8  # the conflicting prose figure
    assert facts[("performance_area", "OB 3", 392)] == 95.5
    assert facts[("performance_area", "OB 1", 5164)] == 100.0
    assert facts[("contribution_entity_pct", "OB 3", 5454)] == 47.8
    assert facts[("contribution_area_pct", "2.1", 5295)] == 82.4
    assert facts[("contribution_entity_pct", "3.2", 5566)] == 22.8
    assert facts[("performance_strategic_objective", "3.2", 5566)] == 91.0
    assert facts[("performance_strategic_indicators", "3.2", 4866)] == 100.0
    assert facts[("performance_unit", "FRD", 4022)] == 97.41
    assert facts[("performance_unit", "Ufficio Programmazione e controllo, sistemi informatici e supporto "
                                      "tecnologico", 416)] == 100.0
    assert facts[("count_individual_objectives_po_achieved", None, 7135)] == 21
    assert facts[("headcount_total", None, 1342)] == 31
    assert [f.value for f in result.facts if f.fact_name == "headcount_total" and f.year == 2018] == [35]
    assert facts[("budget_totale_oneri_correnti_b_consuntivo", None, 1914)] == -4517717.29
    assert not any(f.is_derived for f in result.facts)


# -- hard cells, on excerpts of the real text ----------------------------------------------------------------------
UNIT_HEADING = " S0 - Ufficio Programmazione e controllo, sistemi informatici e supporto tecnologico – Risultato ambito organizzativo 100%\n\n"

RATIO_ROW = """IS

S2.1.1-b Partecipazione del
personale camerale alle attività
formative proposte
(partecipanti/dipendenti)

% dipendenti partecipanti >=
90%

N. dip.
Partecipanti

4 5 4 13

100,00% 90% 100,00% 100,00%
N. totale

dipendenti
4 5 4 13
"""


def test_ratio_row_numerator_result_denominator() -> None:
    parsed = _parse_excerpt(UNIT_HEADING + RATIO_ROW)
    (r,) = parsed.readings
    assert (r.indicator_code, r.indicator_type, r.objective_code, r.objective_level) == ("S2.1.1-b", "IS", "S0", "other")
    assert r.indicator_name == "Partecipazione del personale camerale alle attività formative proposte (partecipanti/dipendenti)"
    assert (r.actual_raw, r.target_raw, r.target_value, r.target_operator, r.achievement_pct) == (
        "100,00%", "90%", 90.0, ">=", 100.0)
    assert "Algoritmo: '% dipendenti partecipanti >= 90%'" in r.notes
    assert [(c.component, c.label, c.raw) for c in parsed.components][::4] == [
        ("numerator", "N. dip. Partecipanti", "4"), ("denominator", "N. totale dipendenti", "4")]
    assert r.provenance.source_line == 5 and r.line_end == 22


def test_threshold_running_into_the_first_data_cell() -> None:
    row = """IS
S3.2.3-a Numero di strumenti
mediamente verificati nell'anno
da ciascun ispettore/assistente

n. strumenti verificati >= 90   90 16 11 --- 117 90 100,00% 100,00%
"""
    parsed = _parse_excerpt(UNIT_HEADING + row)
    (r,) = parsed.readings
    assert (r.actual_value, r.target_value, r.target_operator, r.target_unit) == (117.0, 90.0, ">=", "N.")
    assert "Algoritmo: 'n. strumenti verificati >= 90'" in r.notes
    assert [(c.period, c.raw) for c in parsed.components] == [
        ("I quadrimestre", "90"), ("II quadrimestre", "16"), ("III quadrimestre", "11")]


def test_variable_number_of_four_month_cells_and_name_after_the_values() -> None:
    row = """IO

O2.1.4-d Circoli di qualità.

Indicazioni da parte degli
Uffici/Servizi di azioni di
miglioramento relative ai

n. soluzioni individuate
nell'anno >=2

    2   --- 2 2 100,00% 100,00%
 processi operativi svolti
nell'ambito della propria
attività da verificare e
approfondire in riunioni
"""
    parsed = _parse_excerpt(UNIT_HEADING + row)
    (r,) = parsed.readings
    assert r.indicator_name == ("Circoli di qualità. Indicazioni da parte degli Uffici/Servizi di azioni di "
                                "miglioramento relative ai processi operativi svolti nell'ambito della propria "
                                "attività da verificare e approfondire in riunioni")
    assert (r.actual_raw, r.target_raw, r.target_operator, r.target_unit) == ("2", "2", ">=", "N.")
    # four spaces: Parametri and Dati I empty; the 2 is in Dati II; three spaces: Dati III empty
    assert [(c.period, c.raw) for c in parsed.components] == [("II quadrimestre", "2")]
    assert "Dati quadrimestrali (I | II | III | TOT): 2 |  | ---" in r.notes


def test_dates_split_inside_the_year() -> None:
    row = """IO

O1.2.2-a Realizzazione di un
documento di sintesi sulle
iniziative condivise di sviluppo
del territorio

data realizzazione
documento entro il
15/12/2019

  06/12/2019 ---
06/12/201

9
15/12/201

9
100,00% 100,00%
"""
    parsed = _parse_excerpt(" S4 – Servizio Promozione – Risultato ambito organizzativo 100%\n\n" + row)
    (r,) = parsed.readings
    assert (r.actual_raw, r.target_raw, r.target_value, r.target_operator) == ("06/12/2019", "15/12/2019", None, "<=")
    assert "date wrapped inside its year, rejoined: '06/12/201'+'9'" in r.notes
    assert [(c.period, c.raw, c.value) for c in parsed.components] == [("III quadrimestre", "06/12/2019", None)]
    lines, repairs = prepare_lines([Line(n, t) for n, t in
                                    [(1, "12/12/201"), (2, "9"), (3, "100,0"), (4, ""), (5, "%"), (6, "30/06 e")]])
    assert [ln.text for ln in lines] == ["12/12/2019", "", "100,0%", "", "", "30/06 e"]
    assert list(repairs) == [1]


TREE_EXCERPT = """ 3.0 - Albero della performance

OS
2.1 Sviluppare valore nei processi interni in
termini di efficienza e qualità

IS

S2.1.3-a Monitoraggio andamento costi di
funzionamento (relazione semestrale) e giustificazione
eventuali incrementi. Relazioni semestrali al 30/06 e
31/12

2

entro il

30/06 e

31/12

100,00% 100,00%

OO
2.1.4 Migliorare la qualità dei servizi e la
soddisfazione dell'utenza

      100,0%

IO
O2.1.4-g Aggiornamento sistema per la rilevazione
degli obiettivi a seguito riorganizzazione Ente come da
determinazione SG n. 115 del 15/5/2019

43697,00 30/08/2019 100,00% 100,00%

IO O2.1.3-c Predisposizione Bilancio infrannuale di verifica 30/09/2019 30/09/2019 100,00% 100,00%
"""


def test_tree_rows_text_target_and_excel_serial() -> None:
    parsed = _parse_excerpt(TREE_EXCERPT)
    text_target, serial, one_line = parsed.readings
    assert (text_target.objective_code, text_target.objective_level, text_target.objective_title) == (
        "2.1", "strategic", "Sviluppare valore nei processi interni in termini di efficienza e qualità")
    assert (text_target.actual_raw, text_target.actual_value, text_target.target_raw, text_target.target_value,
            text_target.target_operator) == ("2", 2.0, "entro il 30/06 e 31/12", None, None)
    # a spreadsheet day number printed in a date column: raw kept, no number, the date in the notes
    assert (serial.objective_code, serial.actual_raw, serial.actual_value) == ("2.1.4", "43697,00", None)
    assert "(= 20/08/2019)" in serial.notes
    assert (one_line.indicator_code, one_line.indicator_name, one_line.actual_raw, one_line.target_raw) == (
        "O2.1.3-c", "Predisposizione Bilancio infrannuale di verifica", "30/09/2019", "30/09/2019")
    # no 3.1/3.2 rows in the excerpt: the tree rows are the main occurrence
    assert all(r.table_role == "detail" and r.restates_line is None for r in parsed.readings)


def test_code_glued_to_the_name_and_a_name_wrapped_inside_a_word() -> None:
    text = """ 3.0 - Albero della performance

OO
2.1.4 Migliorare la qualità dei servizi

IO
O2.1.4-f Attuazione obblighi normativi (D.Lgs. 33/2013
e L. 190/2012) su trasparenza e prevenzione

corruzione. Predisposizione report quadrimestrale

13,33 15 100,00% 100,00%

IO
O3.1.2-b Valutazione (giudizio buono o +) di customer
satisfaction su Servizio Nuove Imprese/Start Up/Reti
Impresa/Finanziamenti/Sportello di ascolto

100,00% 85,00% 100,00% 100,00%
 4. RENDICONTAZIONE DEGLI OBIETTIVI INDIVIDUALI

Obiettivi del S.G.

O2.1.4-fattuazione

obblighi normativi
(D.Lgs. 33/2013 e L.

190/2012) su

trasparenza e

prevenzione corruzione.

Predisposizione report

quadrimestrale

data predisposizione report entro 15

gg chiusura quadrimestre
13,33 15 100,00% 100,00%

O3.1.2-b Valutazione (giudizio
buono o +) di customer
satisfaction su Servizio Nuove
Imprese/Start Up/Reti
Impresa/Finanziamenti/Sportell
o di ascolto

% valutazioni con giudizio
almeno buono >= 85%

100,00% 85,00% 100,00% 100,00%
"""
    parsed = _parse_excerpt(text)
    glued, wrapped = [r for r in parsed.readings if r.objective_code == "S.G."]
    assert (glued.indicator_code, glued.indicator_type) == ("O2.1.4-f", None)
    assert glued.indicator_name == ("attuazione obblighi normativi (D.Lgs. 33/2013 e L. 190/2012) su trasparenza "
                                    "e prevenzione corruzione. Predisposizione report quadrimestrale")
    assert (glued.target_value, glued.target_operator, glued.target_unit, glued.actual_value) == (15.0, "<=", "gg", 13.33)
    assert "'O2.1.4-fattuazione'" not in glued.notes and "= O2.1.4-f + 'attuazione'" in glued.notes
    assert wrapped.indicator_name.endswith("Impresa/Finanziamenti/Sportello di ascolto")
    assert (wrapped.target_operator, wrapped.target_unit) == (">=", "%")
    assert wrapped.restates_line == 15 and glued.restates_line == 7


def test_frd_rows_and_a_row_without_values_is_quarantined() -> None:
    text = """ FRD  - Obiettivi di integrazione Fondo Risorse Decentrate – Risultato ambito organizzativo 97,41%

FRD:
ob3

2.1.1 Obiettivo 3: individuazione ed
organizzazione gruppi di lavoro
funzionali alle procedura di
accorpamento

data di
costituzione dei
gruppi entro il
30/05/2019

  30/05/2019 --- 30/05/2019 30/05/2019 100,00% 100,00%

IO

O2.1.4-c
Predisposizione/aggiornamento
di un piano di  procedure
"""
    parsed = _parse_excerpt(text)
    (r,) = parsed.readings
    assert (r.indicator_code, r.indicator_type, r.objective_code, r.provenance.source_line) == ("FRD: ob3", None, "FRD", 6)
    assert (r.target_raw, r.target_operator, r.actual_raw, r.achievement_pct) == ("30/05/2019", "<=", "30/05/2019", 100.0)
    (q,) = parsed.quarantined
    assert q.provenance.source_line == 20 and "O2.1.4-c" in q.reason and "Predisposizione" in q.text
    (unit,) = parsed.objectives
    assert (unit.objective_code, unit.achievement_pct) == ("FRD", 97.41)


def test_algoritmo_helpers() -> None:
    assert algoritmo_operator("data presentazione piano entro il 30/06/2019") == "<="
    assert algoritmo_operator("% trasmissione atti entro 10 gg = 100%") == "="  # a printed symbol wins
    assert algoritmo_operator("% pratiche RI/REA evase entro 5 gg (>= 80%)") == ">="
    assert algoritmo_operator("n. prospetti mensili necessari (n. 12)") is None
    assert algoritmo_unit("15", "data predisposizione report entro 15 gg chiusura quadrimestre") == "gg"
    assert algoritmo_unit("5", "n. incontri realizzati >= 5") == "N."
    assert algoritmo_unit("2", "data predisposizione relazioni semestrali al 30/06 e il 31/12") is None
    assert algoritmo_unit("30/06/2019", "entro il 30/06/2019") is None
    assert join_wrapped(["data presentazione/aggiornament", "o piano processi", "lavorativi e", "o altro"]) == \
        "data presentazione/aggiornamento piano processi lavorativi e o altro"


# -- an altered copy: other chamber, other year, lines shifted, values changed ---------------------------------------
def test_altered_copy_follows_the_layout_not_the_values(result: ExtractionResult) -> None:
    source = source_from_bytes(MASSA_FILE, (RAW_DIR / MASSA_FILE).read_bytes())
    lines = ["Relazione", ""] * 3 + [ln.replace("2019", "2021").replace("117 90 100,00%", "88 90 97,78%")
                                     .replace("Massa", "Lucca") for ln in source.lines]
    altered = replace(source, lines=tuple(lines))
    original = {r.provenance.source_line + 6: r for r in result.readings}
    segment = replace(result.segments[0], line_start=1, line_end=len(lines), chamber_name="Lucca", year=2021)
    parsed = parse(SegmentContext(altered, segment))
    assert len(parsed.readings) == 270 and not parsed.quarantined
    for r in parsed.readings:
        before = original[r.provenance.source_line]
        assert (r.chamber_name, r.year) == ("Lucca", 2021)
        assert (r.indicator_code, r.objective_code, r.target_operator, r.target_unit, r.table_role) == (
            before.indicator_code, before.objective_code, before.target_operator, before.target_unit, before.table_role)
        assert r.restates_line == (before.restates_line + 6 if before.restates_line else None)
    changed = [r for r in parsed.readings if r.indicator_code == "S3.2.3-a" and r.objective_code == "S3"]
    assert [(r.actual_value, r.achievement_pct) for r in changed] == [(88.0, 97.78)]
    assert extract_source(altered).segments[0].layout == "tree_ob_ind"


# -- the same rows as other converters print them -------------------------------------------------------------------
THRESHOLD_ROW = """IS
S3.2.3-a Numero di strumenti
mediamente verificati nell'anno
da ciascun ispettore/assistente

n. strumenti verificati >= 90   90 16 11 --- 117 90 100,00% 100,00%
"""


def _unit_rows(parsed: ParsedSegment) -> list[tuple]:
    return [(r.indicator_code, r.indicator_name, r.actual_raw, r.target_raw, r.target_value, r.target_operator,
             r.target_unit, r.achievement_pct) for r in parsed.readings]


@pytest.mark.parametrize("kind", ["no_blanks", "double_blanks", "paged"])
def test_rows_read_the_same_without_blank_lines_doubled_or_across_page_breaks(kind: str) -> None:
    text = UNIT_HEADING + RATIO_ROW + "\n" + THRESHOLD_ROW
    lines = text.split("\n")[:-1]
    variant = paged(lines, title="Relazione sulla performance 2019", every=9) if kind == "paged" else \
        make_variant(text, kind)
    parsed = _parse_excerpt(variant.text)
    assert _unit_rows(parsed) == [
        ("S2.1.1-b", "Partecipazione del personale camerale alle attività formative proposte "
                     "(partecipanti/dipendenti)", "100,00%", "90%", 90.0, ">=", "%", 100.0),
        ("S3.2.3-a", "Numero di strumenti mediamente verificati nell'anno da ciascun ispettore/assistente",
         "117", "90", 90.0, ">=", "N.", 100.0),
    ]
    ratio, threshold = parsed.readings
    # provenance follows the lines: the code line and the denominator row, wherever they moved
    assert (ratio.provenance.source_line, ratio.line_end) == (variant.line_map[5], variant.line_map[22])
    assert threshold.provenance.source_line == variant.line_map[25]
    assert [(c.component, c.period, c.value, c.provenance.source_line) for c in parsed.components
            if c.reading_line == ratio.provenance.source_line][::4] == [
        ("numerator", "I quadrimestre", 4.0, variant.line_map[16]),
        ("denominator", "I quadrimestre", 4.0, variant.line_map[22])]
    assert [(c.period, c.raw) for c in parsed.components if c.reading_line == threshold.provenance.source_line] == [
        ("I quadrimestre", "90"), ("II quadrimestre", "16"), ("III quadrimestre", "11")]
    assert not parsed.quarantined
