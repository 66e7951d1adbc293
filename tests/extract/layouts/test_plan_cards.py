"""plan_cards: objective cards with indicator blocks (the Brescia Piano della Performance 2020-2022)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ccperf.extract.document import Line
from ccperf.extract.layouts.plan_cards import cells as card_cells
from ccperf.extract.layouts.plan_cards import parse as parse_plan_cards
from ccperf.extract.layouts.plan_cards import values as card_values
from ccperf.extract.numbers import Measure
from ccperf.extract.parser import ParsedSegment, SegmentContext
from ccperf.extract.segment import split_segments
from ccperf.extract.text import SourceText, read_source
from ccperf.model import Segment
from tests.variants import paged

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "data" / "raw" / "003_a0c237837c23239d.txt"
GOLD = ROOT / "tests" / "fixtures" / "gold-sample" / "003.readings.jsonl"
GOLD_OBJECTIVES = ROOT / "tests" / "fixtures" / "gold-sample" / "003.objectives.jsonl"


@pytest.fixture(scope="module")
def source() -> SourceText:
    return read_source(DOC)


@pytest.fixture(scope="module")
def segment(source: SourceText) -> Segment:
    segments = [s for s in split_segments(source) if s.layout == "plan_cards"]
    assert len(segments) == 1
    return segments[0]


@pytest.fixture(scope="module")
def parsed(source: SourceText, segment: Segment) -> ParsedSegment:
    return parse_plan_cards(SegmentContext(source, segment))


def _by_line(parsed: ParsedSegment) -> dict[int, object]:
    return {r.provenance.source_line: r for r in parsed.readings}


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def _text_source(text: str) -> tuple[SourceText, Segment]:
    lines = tuple(text.split("\n"))
    src = SourceText("test.txt", "0" * 64, len(text), "utf-8", lines)
    seg = Segment(src.sha256, src.file_name, 0, 1, len(lines), "Testchamber", 2031, "piano_performance",
                  "plan_cards")
    return src, seg


# -- the real document ---------------------------------------------------------------------------------------
def test_segment_detected_and_counts(parsed: ParsedSegment, segment: Segment) -> None:
    assert segment.chamber_name == "Brescia" and segment.year == 2020
    assert len(parsed.readings) == 43  # labelled count in the seed notes
    assert sum(1 for r in parsed.readings if r.target_midyear_raw) == 33
    assert sum(1 for r in parsed.readings if r.target_revised_raw) == 7
    assert all(r.table_role == "plan" and r.actual_value is None and r.status is None for r in parsed.readings)
    by_objective: dict[str | None, int] = {}
    for r in parsed.readings:
        key = r.objective_code or r.objective_level + (f"/{r.unit_name}" if r.unit_name else "")
        by_objective[key] = by_objective.get(key, 0) + 1
    assert by_objective == {"strategic": 5, "1.1": 2, "1.2": 2, "1.3": 1, "1.4": 2, "2.1": 5, "2.2": 4, "2.3": 2,
                            "2.4": 1, "3.1": 2, "3.2": 2, "3.3": 4, "3.4": 2, "3.5": 3, "3.6": 3,
                            "operational/Azienda Speciale": 3}
    assert parsed.quarantined == []


@pytest.mark.parametrize("gold", _gold(), ids=lambda g: str(g["line"]))
def test_labelled_rows(parsed: ParsedSegment, gold: dict) -> None:
    row = _by_line(parsed).get(gold["line"])
    assert row is not None, f"no reading at line {gold['line']}"
    for name in ("objective_code", "objective_level", "objective_title", "indicator_name", "indicator_type",
                 "weight_pct", "baseline_raw", "baseline_value", "target_raw", "target_value", "target_operator",
                 "target_unit", "target_midyear_raw", "target_midyear_value", "target_revised_raw",
                 "target_revised_value", "actual_value", "status"):
        assert getattr(row, name) == gold[name], name
    assert row.chamber_name == "Brescia" and row.year == 2020 and row.doc_kind == "piano_performance"


def test_rows_not_in_the_sample(parsed: ParsedSegment) -> None:
    rows = _by_line(parsed)
    # "133 32 70 70,00%": baseline, 30/6, 31/12, Peso.
    r = rows[2766]
    assert (r.baseline_value, r.target_midyear_value, r.target_value, r.weight_pct) == (133, 32, 70, 70)
    # Baseline "173" printed under "Valore Target:", row "50,00% 90,00% 100,00% 25,00%" with Nuova previsione.
    r = rows[2957]
    assert (r.baseline_raw, r.target_midyear_value, r.target_value, r.target_revised_value, r.weight_pct) == (
        "173", 50, 90, 100, 25)
    assert "different units" in r.notes
    # Strategic card: no baseline printed, euro targets.
    r = rows[2526]
    assert (r.baseline_raw, r.target_midyear_value, r.target_value, r.target_unit, r.target_revised_value) == (
        None, 1_800_000, 3_200_000, "EUR", 6_490_000)
    # Five values for four columns: the second "1.200" is noted, not used.
    r = rows[3813]
    assert (r.baseline_value, r.target_midyear_value, r.target_value, r.target_revised_value, r.weight_pct) == (
        1000, 700, 1200, 1430, 25)
    assert "extra cell(s) '1.200 posizioni'" in r.notes
    # Weight glued to the header; "3 persone formate" as the only target.
    r = rows[5094]
    assert (r.weight_pct, r.baseline_raw, r.target_raw, r.target_value, r.target_unit) == (
        30, "//", "3 persone formate", 3, "persone")
    # Three wrapped text cells with the Peso in the middle, continuation split by the repeated lines.
    r = rows[3432]
    assert r.target_midyear_raw.endswith("a titolo sperimentale e realizzazione dei corsi di formazione")
    assert r.target_raw == ("Avvio a regime del servizio con l'estensione a tutte le agenzie attualmente "
                            "convenzionate e realizzazione della formazione")
    assert r.target_revised_raw.endswith("e ad almeno 20 nuovi intermediari e realizzazione della formazione")
    assert r.weight_pct == 25
    # "Inizio processo di / attivazione / attivazione 50,00%": the Peso's line starts a new cell.
    r = rows[4507]
    assert (r.target_midyear_raw, r.target_raw, r.weight_pct) == ("Inizio processo di attivazione", "attivazione", 50)
    # "almeno due aree FAQ" → 2; "Aggiornamento almeno del 95%" → 95 %.
    assert (rows[3538].target_value, rows[3538].target_midyear_value) == (2, 1)
    assert (rows[5308].target_value, rows[5308].target_operator, rows[5308].target_unit) == (95, ">=", "%")
    # "Sostituzione Indicatore 3" of the special agency: "// - 2 50,00%".
    r = rows[5528]
    assert (r.baseline_raw, r.target_midyear_raw, r.target_value, r.weight_pct) == ("//", "-", 2, 50)
    assert r.notes.startswith("Sostituzione Indicatore 3")


def test_objectives(parsed: ParsedSegment) -> None:
    objs = parsed.objectives
    assert len(objs) == 20
    levels = [o.objective_level for o in objs]
    assert (levels.count("area"), levels.count("strategic"), levels.count("operational")) == (3, 2, 15)
    by_code = {o.objective_code: o for o in objs if o.objective_level == "operational" and o.objective_code}
    assert sorted(by_code) == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4",
                               "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert by_code["1.1"].weight_pct == 20 and "redefined weight 10%" in by_code["1.1"].notes
    assert by_code["1.4"].weight_pct == 20 and "NUOVO OBIETTIVO" in by_code["1.4"].notes
    assert by_code["2.3"].weight_pct == 20  # "Peso:" / "20,00%" on two lines
    assert by_code["2.4"].perspective == "Tutela della legalità nel sistema economico"
    for gold in (json.loads(x) for x in GOLD_OBJECTIVES.read_text(encoding="utf-8").splitlines() if x.strip()):
        obj = next(o for o in objs if o.provenance.source_line == gold["line"])
        for name in ("objective_level", "objective_code", "objective_title", "parent_code", "weight_pct",
                     "perspective"):
            assert getattr(obj, name) == gold[name], (gold["line"], name)
    agency = [o for o in objs if o.unit_name == "Azienda Speciale"]
    assert {o.objective_level for o in agency} == {"strategic", "operational"}


def test_facts(parsed: ParsedSegment) -> None:
    facts = {(f.fact_name, f.subject_code, f.year): f for f in parsed.facts}
    assert facts[("count_areas", None, 2020)].value == 3
    assert facts[("count_strategic_objectives", None, 2020)].value == 1
    assert facts[("quality_objective_entity", None, 2020)].value == 100
    assert facts[("objective_weight_initial", "1.1", 2020)].value == 20
    assert facts[("objective_weight_redefined", "1.1", 2020)].value == 10
    assert ("objective_weight_initial", "2.3", 2020) not in facts  # only in the redefinition column
    assert facts[("objective_weight_redefined", "2.3", 2020)].value == 20
    assert facts[("staff_total", None, 2020)].value == 137
    assert facts[("staff_fte", None, 2020)].value == 129
    assert facts[("personnel_cost", None, 2015)].value == 6_320_213
    assert facts[("budget_deficit", None, 2020)].value == 7_522_396
    assert facts[("incidenza_complessiva_promozione", "2019 Consuntivo", 2019)].value == 56.39
    pending = [(f.value, f.provenance.source_line) for f in parsed.facts
               if f.fact_name == "applications_to_process" and f.subject_code == "1.4"]
    assert pending == [(734, 3194), (1040, 3199)]
    assert facts[("count_operational_objectives", None, 2020)].is_derived


def test_altered_copy_shifts_lines_and_values(source: SourceText, segment: Segment) -> None:
    """Lines shifted, a value changed, another chamber and year: the parser follows the layout."""
    lines = list(source.lines)
    at = lines.index("88,00% 88,00% 15,00%")
    lines[at] = "77,00% 88,00% 15,00%"
    lines = ["", "", ""] + lines
    src = replace(source, lines=tuple(lines))
    seg = replace(segment, line_end=segment.line_end + 3, chamber_name="Altrove", year=2031)
    out = parse_plan_cards(SegmentContext(src, seg))
    rows = _by_line(out)
    assert len(out.readings) == 43
    r = rows[2498 + 3]
    assert (r.chamber_name, r.year, r.target_midyear_value, r.target_value) == ("Altrove", 2031, 77, 88)
    assert rows[3255 + 3].target_value == 45


# -- hard cases on small excerpts ----------------------------------------------------------------------------
def _values(pre: list[str], header: list[str], rows: list[str]) -> card_values.BlockValues:
    number = iter(range(1, 1000))
    return card_values.read_values([Line(next(number), t) for t in pre], [Line(next(number), t) for t in header],
                                   [Line(next(number), t) for t in rows])


def test_short_row_broken_header() -> None:
    out = _values(["Target storico di riferimento:", "anno 2019", "Valore Target: Peso"], ["al al 31/12"],
                  ["- 25,00% 75,00%"])
    assert out.weight == 75
    assert out.cells["baseline"].raw == "-" and out.cells["target"].raw == "25,00%" and "mid" not in out.cells


def test_marker_baseline_and_yes() -> None:
    out = _values(["Target storico di riferimento: Valore Target: Peso"], ["al 30/6 al 31/12"], ["Nuovo progetto sì 50%"])
    assert (out.weight, out.cells["baseline"].raw, out.cells["target"].raw) == (50, "Nuovo progetto", "sì")
    assert "mid" not in out.cells and "2 cells for 3 columns" in out.notes[-1]


def test_weight_glued_or_before_header() -> None:
    out = _values(["Target storico di riferimento:", "anno 2020", "Valore Target: Peso"], ["20%al 30/6 al 31/12"],
                  ["// 100,00%"])
    assert (out.weight, out.cells["baseline"].raw, out.cells["target"].raw) == (20, "//", "100,00%")
    out = _values(["Target storico di riferimento:", "anno 2020", "Valore Target: Peso", "50%"], ["al 30/6 al 31/12"],
                  ["// 100,00%"])
    assert (out.weight, out.cells["baseline"].raw, out.cells["target"].raw) == (50, "//", "100,00%")


def test_strategic_baseline_before_header() -> None:
    out = _values(["Base Line Valore Target:", "//"], ["al 30/6 al 31/12 Nuova", "previsione al", "31/12", "Peso"],
                  ["500 800 1600 5,00%"])
    assert out.cells["baseline"].raw == "//"
    assert [out.cells[s].raw for s in ("mid", "target", "revised")] == ["500", "800", "1600"] and out.weight == 5


def test_peso_inside_wrapped_target() -> None:
    out = _values(["Target storico di riferimento:", "anno 2019", "Valore Target: Peso"], ["al 30/6 al 31/12"],
                  ["Nuova attività - Formalizzazione di almeno 2", "accordi di collaborazione e/o", "100,00%",
                   " convenzioni con altre", "pubbliche amministrazioni"])
    assert out.weight == 100 and out.cells["mid"].raw == "-"
    assert out.cells["target"].raw == ("Formalizzazione di almeno 2 accordi di collaborazione e/o convenzioni con "
                                       "altre pubbliche amministrazioni")
    m = card_cells.cell_measure(out.cells["target"].raw)
    assert (m.value, m.operator, m.unit) == (2, ">=", "accordi")


def test_repeated_opening_words_split_text_cells() -> None:
    out = _values(["Target storico di riferimento:", "anno 2019", "Valore Target: Peso"], ["al 30/6 al 31/12"],
                  ["risoluzione di almeno 3.000", "posizioni che presentano dati", "incongruenti",
                   "risoluzione di almeno", "10.000 posizioni che", "presentano dati", "incongruenti",
                   "risoluzione di almeno12.000", "posizioni che presentano", "dati incongruenti", "25,00%"])
    assert out.cells["target"].raw == "risoluzione di almeno12.000 posizioni che presentano dati incongruenti"
    assert card_cells.cell_measure(out.cells["mid"].raw).value == 10_000
    assert card_cells.cell_measure(out.cells["target"].raw) == Measure(out.cells["target"].raw, 12_000, ">=", "posizioni")


def test_glued_unit_starts_new_number_cell() -> None:
    cells = card_cells.build_cells([(1, "1.000 posizioni 700 posizioni", False), (2, "1.200", False),
                            (3, "posizioni1.200", False), (4, "posizioni", False), (5, "1.430 posizioni", True)])
    assert [c.raw for c in cells] == ["1.000 posizioni", "700 posizioni", "1.200 posizioni", "1.200 posizioni",
                                      "1.430 posizioni"]


def test_proper_nouns_and_prepositions_stay_in_the_cell() -> None:
    cells = card_cells.build_cells([(1, "100% delle posizioni", False), (2, "potenzialmente a rischio", False),
                            (3, "Rotazione degli incarichi", False), (4, "all'Ufficio Provveditorato e", False),
                            (5, "agli Sportelli anagrafici", False), (6, "sul Quality Check", False)])
    assert [c.raw for c in cells] == ["100% delle posizioni potenzialmente a rischio",
                                      "Rotazione degli incarichi all'Ufficio Provveditorato e agli Sportelli "
                                      "anagrafici sul Quality Check"]


def test_negative_targets_and_word_quantities() -> None:
    out = _values(["Target storico di riferimento:", "anno 2019", "Valore Target: Peso"], ["al 30/6 al 31/12"],
                  ["Nuova attività -2,00% -5,00% 30,00%"])
    assert (card_cells.cell_measure(out.cells["mid"].raw).value, card_cells.cell_measure(out.cells["target"].raw).value) == (-2, -5)
    assert card_cells.cell_measure("Almeno una convenzione per il supporto") == Measure(
        "Almeno una convenzione per il supporto", 1, ">=", "convenzione")
    assert card_cells.cell_measure("esame di un campione di almeno 8.500 istanze").value == 8500  # "un" is not a quantity
    assert card_cells.cell_measure("Avvio del servizio").value is None


def test_indicator_types() -> None:
    assert card_cells.indicator_types("Tipo Indicatore: X efficacia esterna □ efficacia interna X efficienza □ qualità") == \
        "efficacia esterna+efficienza"
    assert card_cells.indicator_types("Tipo Indicatore: □XX efficacia esterna □ efficacia interna □ efficienza □XX qualità") == \
        "efficacia esterna+qualità"
    assert card_cells.indicator_types("Tipo Indicatore: □ efficacia esterna □ efficacia interna □ efficienza □ qualità") is None


def test_unsplittable_continuation_is_quarantined() -> None:
    out = _values(["Target storico di riferimento:", "anno 2019", "Valore Target: Peso"], ["al 30/6 al 31/12"],
                  ["Nuova attività Avvio del", "Avvio del servizio", "25,00%", "servizio pilota", "a regime"])
    assert out.problem and "cannot be split" in out.problem


CARD = """ OBIETTIVO OPERATIVO 9.1

PROVA DI UNA SCHEDA
Peso dell'obiettivo dirigenziale
Peso: 40%

Balance Scorecard
Prospettiva strategica

Crescita e apprendimento

INDICATORI:

Indicatore 1: indicatore leggibile

Tipo Indicatore: □X efficacia esterna □ efficacia interna
□ efficienza □ qualità

Target storico di riferimento: Valore Target: Peso
al 30/6 al 31/12
nessuno 10 20 60,00%

Indicatore 2: indicatore senza intestazione di colonna

Tipo Indicatore: □ efficacia esterna □X efficacia interna
□ efficienza □ qualità

ENTRATE E COSTI DIRETTI DEL PROGETTO"""


def test_small_card_and_quarantine() -> None:
    src, seg = _text_source("Indicatore 1: fuori scheda\nTipo Indicatore: □X efficienza\nal 30/6 al 31/12\n1 2 3%\n\n"
                            + CARD)
    out = parse_plan_cards(SegmentContext(src, seg))
    assert len(out.readings) == 1
    r = out.readings[0]
    assert (r.objective_code, r.chamber_name, r.year, r.baseline_raw, r.target_midyear_value, r.target_value,
            r.weight_pct, r.indicator_type) == ("9.1", "Testchamber", 2031, "nessuno", 10, 20, 60, "efficacia esterna")
    assert out.objectives[0].weight_pct == 40 and out.objectives[0].perspective == "Crescita e apprendimento"
    reasons = [q.reason for q in out.quarantined]
    assert len(reasons) == 2
    assert any("outside any objective card" in x for x in reasons) and any("column header" in x for x in reasons)


# -- other converters: aligned columns, no blank lines, page breaks ------------------------------------------
# A card as `pdftotext -layout` prints it: runs of spaces between the cells, justified prose with double spaces,
# no blank lines; the revised-target column wraps its header over three lines.
CARD_ALIGNED = """ OBIETTIVO OPERATIVO 9.2
REVISIONE  DEI  PROCESSI  DI  PROVA
Peso dell'obiettivo dirigenziale              Peso:   45%
Balance Scorecard
Prospettiva strategica
Semplificazione  e  innovazione  dei  processi
Descrizione    Il  servizio  è  stato  avviato  nel  corso  dell'anno  con  le  agenzie
convenzionate  e  sarà  esteso  a  regime.
INDICATORI:
Indicatore 1:   numero  di  pratiche  evase
Tipo Indicatore:     □ efficacia esterna      □X efficacia interna
                     □ efficienza             □XX qualità
Target storico di riferimento:      Valore Target:                          Peso
anno 2019
                                    al 30/6      al 31/12      Nuova
                                                               previsione al
                                                               31/12
1.000 posizioni                     700          1.200         1.430          25,00%
Indicatore 2:   rilascio  dei  dispositivi
Tipo Indicatore:     □X efficacia esterna     □ efficacia interna
                     □ efficienza             □ qualità
Target storico di riferimento:      Valore Target:                          Peso
anno 2019
                                    al 30/6      al 31/12
Nuova attività                      -            Rilascio di almeno 300 dispositivi     75,00%
ENTRATE E COSTI DIRETTI DEL PROGETTO"""


def test_card_printed_as_aligned_columns_without_blank_lines() -> None:
    src, seg = _text_source(CARD_ALIGNED)
    out = parse_plan_cards(SegmentContext(src, seg))
    assert out.quarantined == []
    card = out.objectives[0]
    assert (card.objective_code, card.objective_level, card.objective_title, card.weight_pct, card.perspective) == (
        "9.2", "operational", "REVISIONE DEI PROCESSI DI PROVA", 45, "Semplificazione e innovazione dei processi")
    first, second = out.readings
    assert (first.provenance.source_line, first.indicator_name, first.indicator_type) == (
        10, "numero di pratiche evase", "efficacia interna+qualità")
    assert (first.baseline_raw, first.baseline_value, first.target_midyear_value, first.target_value,
            first.target_revised_value, first.weight_pct) == ("1.000 posizioni", 1000, 700, 1200, 1430, 25)
    assert (second.provenance.source_line, second.indicator_type, second.baseline_raw, second.target_midyear_raw,
            second.weight_pct) == (19, "efficacia esterna", "Nuova attività", "-", 75)
    assert (second.target_raw, second.target_value, second.target_operator, second.target_unit) == (
        "Rilascio di almeno 300 dispositivi", 300, ">=", "dispositivi")
    assert "2 indicators" in card.notes


def test_cards_cut_by_page_breaks_read_on() -> None:
    """Three cards paged as PDF converters print them (a running title, "Pagina N di M", a form feed): the page
    furniture is left out, a block cut by a page break reads on, and every row keeps its own line."""
    cards = "\n\n".join(CARD_ALIGNED.replace("9.2", code) for code in ("9.2", "9.3", "9.4"))
    variant = paged(cards.split("\n"), every=12)
    src, seg = _text_source(variant.text)
    out = parse_plan_cards(SegmentContext(src, seg))
    assert out.quarantined == []
    assert [o.objective_code for o in out.objectives] == ["9.2", "9.3", "9.4"]
    step = len(CARD_ALIGNED.split("\n")) + 1  # a card and the blank line after it
    assert [r.provenance.source_line for r in out.readings] == [
        variant.line_map[n + k * step] for k in range(3) for n in (10, 19)]
    assert len({variant.line_map[n + k * step] - (n + k * step) for k in range(3) for n in (10, 19)}) > 1
    assert [(r.target_value, r.target_revised_value, r.weight_pct) for r in out.readings] == [
        (1200, 1430, 25), (300, None, 75)] * 3
