"""mission_prose: the Relazione sulla gestione e sui risultati (narrative by Missione, results in prose).

Checks the real document against the labelled sample, then each hard case on a small excerpt of the real text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file, extract_source
from ccperf.extract.layouts.mission_prose import parse
from ccperf.extract.parser import ParsedSegment, SegmentContext
from ccperf.extract.text import SourceText, source_from_bytes
from ccperf.model import Reading, Segment
from tests.variants import make_variant

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "data" / "raw" / "002_4c02911812a27649.txt"
GOLD = ROOT / "tests" / "fixtures" / "gold-sample"


def _gold(kind: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / f"002.{kind}.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def result():
    return extract_file(DOC)


def _segment(lines: tuple[str, ...], chamber: str = "Cremona", year: int = 2022) -> Segment:
    return Segment("0" * 64, "excerpt.txt", 0, 1, len(lines), chamber, year, "relazione_gestione", "mission_prose")


PAGE_TOP = "<page>"  # a printed line that starts a page: no blank line before it


def run(*blocks: str, year: int = 2022, chamber: str = "Cremona") -> ParsedSegment:
    """Parse an excerpt; as in the document, every printed line is followed by a blank line, so the k-th printed
    line is line 2k-1 (unless a page top removed a blank)."""
    out: list[str] = []
    for line in "\n".join(blocks).split("\n"):
        if line.startswith(PAGE_TOP) and out:
            out[-1] = line[len(PAGE_TOP):]
        else:
            out.append(line)
        out.append("")
    lines = tuple(out)
    source = SourceText("excerpt.txt", "0" * 64, 0, "utf-8", lines)
    return parse(SegmentContext(source, _segment(lines, chamber, year)))


def run_printed(*blocks: str, year: int = 2022) -> ParsedSegment:
    """Parse an excerpt printed as given: no blank line between the printed lines (the k-th line is line k)."""
    lines = tuple("\n".join(blocks).split("\n"))
    source = SourceText("excerpt.txt", "0" * 64, 0, "utf-8", lines)
    return parse(SegmentContext(source, _segment(lines, "Cremona", year)))


MISSION_011 = "Missione 011\nCOMPETITIVITÀ E SVILUPPO DELLE IMPRESE\n€       1.865.646,87"


def prose(*lines: str) -> str:
    return "\n".join(lines)


def values(parsed: ParsedSegment) -> list[float | None]:
    return [r.actual_value for r in parsed.readings]


def reading(parsed: ParsedSegment, value: float) -> Reading:
    found = [r for r in parsed.readings if r.actual_value == value]
    assert len(found) == 1, [(r.actual_value, r.actual_raw) for r in parsed.readings]
    return found[0]


# -- the real document -------------------------------------------------------------------------------------------
def test_segment_uses_this_layout(result):
    assert [(s.layout, s.chamber_name, s.year, s.doc_kind, s.parser_status) for s in result.segments] == [
        ("mission_prose", "Cremona", 2022, "relazione_gestione", "parsed")]
    assert result.quarantined == []


@pytest.mark.parametrize("gold", _gold("readings"), ids=lambda g: f"{g['line']}-{g['actual_value']}")
def test_labelled_reading_found(result, gold):
    rows = [r for r in result.readings if r.provenance.source_line == gold["line"]
            and r.actual_value == gold["actual_value"]]
    assert rows, f"no reading with value {gold['actual_value']} at line {gold['line']}"
    row = rows[0]
    assert row.chamber_name == gold["chamber"]
    assert row.year == gold["year"]
    assert row.objective_code == gold["objective_code"]
    assert row.objective_level == gold["objective_level"]
    assert row.objective_title == gold["objective_title"]
    assert row.target_value == gold["target_value"]
    assert row.target_operator == gold["target_operator"]
    assert row.baseline_value == gold["baseline_value"]
    assert row.status == gold["status"]
    assert row.table_role in ("prose", "summary", "detail")


def test_readings_per_spending_line_match_the_labelled_counts(result):
    """The notes count 204 labelled rows: 41 / 79 / 31 for the three lines of 011, 28 for 012, 19 for 016, 6 for 032."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for r in result.readings:
        counts[(r.objective_code, r.objective_title)] = counts.get((r.objective_code, r.objective_title), 0) + 1
    expected = {("011", "Innovazione"): 41, ("011", "Competitività del territorio"): 79,
                ("011", "Sviluppo del capitale umano"): 31, ("012", "Regolazione dei mercati"): 28,
                ("016", "Commercio internazionale ed internazionalizzazione del sistema produttivo"): 19,
                ("032", "Servizi istituzionali e generali delle amministrazioni pubbliche"): 6}
    for key, n in expected.items():
        assert abs(counts.get(key, 0) - n) <= 2, (key, counts.get(key))
    assert sum(1 for r in result.readings if r.target_value is not None) == 5
    assert sorted(r.year for r in result.readings if r.year != 2022) == [2019, 2020, 2021]


def test_spending_facts_exact_to_the_cent(result):
    spending = {(f.fact_name, f.subject_code): (f.value, f.provenance.source_line) for f in result.facts
                if f.fact_name in ("spending_mission", "spending_programme")}
    assert spending == {
        ("spending_mission", "011"): (1865646.87, 1168),
        ("spending_mission", "012"): (59504.95, 5050),
        ("spending_mission", "016"): (118321.0, 5450),
        ("spending_mission", "032"): (3295109.02, 5728),
        ("spending_programme", "011:Innovazione"): (614539.70, 1178),
        ("spending_programme", "011:Competitività del territorio"): (1053277.02, 2217),
        ("spending_programme", "011:Sviluppo del capitale umano"): (197830.15, 4299),
    }
    mission_011 = next(f for f in result.facts if f.subject_code == "011")
    assert mission_011.quote == "Missione 011 COMPETITIVITÀ E SVILUPPO DELLE IMPRESE € 1.865.646,87"
    assert all(f.unit == "EUR" for f in result.facts if f.fact_name.startswith("spending_"))


def test_labelled_facts(result):
    by_name = {f.fact_name: f for f in result.facts}
    for gold in _gold("facts"):
        if gold["fact"].startswith("spending_mission_"):
            continue  # the vocabulary name is spending_mission + subject_code (checked above)
        fact = by_name[gold["fact"]]
        assert (fact.value, fact.unit, fact.provenance.source_line) == (gold["value"], gold["unit"], gold["line"])
        assert gold["quote"] in fact.quote
    assert by_name["spending_project"].value in (172653.02, 115055.5)
    assert sorted(f.value for f in result.facts if f.fact_name == "spending_project") == [115055.5, 172653.02]
    assert by_name["staff_in_service"].value == 41.0
    assert by_name["staff_fte"].value == 37.2
    assert by_name["personnel_costs_2010"].year == 2010
    assert len(result.facts) == 27


def test_objectives(result):
    objectives = [(o.provenance.source_line, o.objective_level, o.objective_code, o.parent_code, o.mission_code, o.status)
                  for o in result.objectives]
    assert objectives == [
        (1168, "area", "011", None, "011", None),
        (1174, "other", None, "011", "011", None),
        (1178, "other", None, "011", "011", None),
        (1997, "other", None, "011", "011", None),
        (2217, "other", None, "011", "011", None),
        (3618, "other", None, "011", "011", "achieved"),
        (4299, "other", None, "011", "011", None),
        (4988, "other", None, "011", "011", "achieved"),
        (5050, "area", "012", None, "012", None),
        (5450, "area", "016", None, "016", None),
        (5728, "area", "032", None, "032", None),
    ]
    titles = {o.provenance.source_line: o.objective_title for o in result.objectives}
    for gold in _gold("objectives"):
        assert titles[gold["line"]] == gold["objective_title"]


def test_restatements_are_linked(result):
    by_line = {(r.provenance.source_line, r.actual_value): r for r in result.readings}
    assert by_line[(2191, 266.0)].restates_line == 2110  # PID summary table restates "266 partecipanti"
    assert by_line[(2201, 2.0)].restates_line is None  # only printed in the table
    assert by_line[(3351, 4.0)].restates_line == 2709  # the inBuyer paragraph printed twice
    assert by_line[(5633, 15960.0)].restates_line == 2493  # Digital Export under 011 and again under 016
    assert by_line[(5137, 22314.0)].restates_line == 5127
    assert by_line[(4271, 3019.0)].restates_line == 4251  # the smart card table repeats the CNS prose


# -- hard cases on excerpts of the real text ---------------------------------------------------------------------
def test_mission_headers_and_programme():
    parsed = run("Missione 011 - Competitività e sviluppo delle imprese",  # the intro's list: no amount, no header
                 "Missione 012 - Regolazione dei mercati",
                 "Seconda sezione",
                 MISSION_011,
                 "Programma “Promozione e attuazione di politiche di sviluppo, competitività e",
                 "innovazione, di responsabilità sociale d’impresa e movimento cooperativo”.",
                 "Innovazione € 614.539,70",
                 "Missione 012",
                 "Regolazione dei mercati € 59.504,95")
    areas = [(o.objective_code, o.objective_title) for o in parsed.objectives if o.objective_level == "area"]
    assert areas == [("011", "COMPETITIVITÀ E SVILUPPO DELLE IMPRESE"), ("012", "Regolazione dei mercati")]
    programme = next(o for o in parsed.objectives if o.objective_title.startswith("Promozione"))
    assert programme.objective_title.endswith("movimento cooperativo")
    assert (programme.objective_level, programme.parent_code, programme.objective_code) == ("other", "011", None)
    assert {(f.fact_name, f.subject_code, f.value) for f in parsed.facts} == {
        ("spending_mission", "011", 1865646.87), ("spending_mission", "012", 59504.95),
        ("spending_programme", "011:Innovazione", 614539.7)}


def test_programme_with_a_printed_code():
    parsed = run("Missione 011 - Competitività e sviluppo delle imprese € 1.000,00",
                 "Programma 005 - Promozione e attuazione di politiche di sviluppo € 800,00")
    programme = next(o for o in parsed.objectives if o.objective_level == "other")
    assert programme.objective_code == "011-005"
    fact = next(f for f in parsed.facts if f.fact_name == "spending_programme")
    assert (fact.subject_code, fact.value) == ("011-005", 800.0)


def test_no_mission_header_is_quarantined():
    parsed = run("Relazione sulla gestione e sui risultati", "Missione 011 - Competitività e sviluppo delle imprese")
    assert parsed.readings == [] and len(parsed.quarantined) == 1


def test_allocations_and_grants_obtained_are_not_results():
    parsed = run(MISSION_011, prose(
        "Nello specifico il “Bando Voucher Digitali I4.0 Lombardia Base",
        "2022”, volto a sostenere l’introduzione di tecnologie digitali I4.0",
        "e strumenti digitali complementari è stato finanziato interamente",
        "da risorse camerali pari a € 120.000,00 e ha visto la",
        "partecipazione di 32 imprese, di cui 18 sono state ammesse al",
        "contributo per € 114.286,10.",
        "La Camera di Commercio ha ottenuto un contributo da Regione",
        "Lombardia per il progetto “La Musica in Viaggio”  un contributo",
        "pari a euro 29.432,45, a fronte di spese  pari a euro 45.000,00. Il",
        "bando è rimasto aperto e l’impresa che ha aderito, ha ricevuto",
        "un contributo a fondo perduto di € 2.649,00 a fronte di",
        "un progetto di € 5.298,00.  Ha presentato e ottenuto un",
        "contributo pari a € 17.000,00  anche l’Associazione."))
    assert values(parsed) == [32.0, 18.0, 114286.1, 2649.0, 17000.0]
    assert reading(parsed, 114286.1).actual_raw == "€ 114.286,10"
    assert reading(parsed, 32.0).indicator_name == "Bando Voucher Digitali I4.0 Lombardia Base 2022 - imprese partecipanti"


def test_currency_variants():
    parsed = run(MISSION_011, prose(
        "legge regionale 6/2010. Ha visto la partecipazione di 48",
        "imprese, di cui 38 ammissibili al contributo per € €",
        "524.405,83.",
        "Bando “Digital Export 2022” dedicata alle MPMI, che ha visto la partecipazione di tre imprese, di cui 2",
        "ammissibili al contributo per €15.960,00.",
        "Al Comune di Cremona un contributo di euro € 3.500,00 e sono stati concessi",
        "voucher/contributi per  €22.018,50,  sul bando Voucher."))
    assert values(parsed) == [48.0, 38.0, 524405.83, 3.0, 2.0, 15960.0, 3500.0, 22018.5]
    assert reading(parsed, 524405.83).actual_raw == "€ € 524.405,83"
    assert reading(parsed, 48.0).provenance.source_line == 7  # the number's line, not the noun's
    assert reading(parsed, 524405.83).provenance.source_line == 11  # "€" ends one line, the amount is on the next


def test_words_zero_and_requirements():
    parsed = run(MISSION_011, prose(
        "L’ufficio ha inoltre gestito tre procedure di composizione",
        "negoziata della crisi d’impresa, 2 delle quali chiuse nell’anno di",
        "riferimento. Al bando, operativo dalla fine di maggio a fine novembre 2022,",
        "non ha partecipato nessuna impresa. Hanno aderito",
        "due imprese risultate non ammissibili dal Nucleo di",
        "valutazione; Nel 2022 è stato realizzato un solo incontro formativo gratuito.",
        "La MISURA A prevede il supporto del TEM, da attuare in almeno sei incontri con",
        "l’impresa della durata minima di 6 ore ciascuno. Si è organizzato un Fam trip, un",
        "educational di tour operator, anche a Cremona (14 dic)."))
    assert [(r.actual_value, r.actual_raw) for r in parsed.readings] == [
        (3.0, "tre procedure"), (2.0, "2 delle quali chiuse"), (0.0, "nessuna impresa"), (2.0, "due imprese"),
        (0.0, "risultate non ammissibili"), (1.0, "un solo incontro"), (1.0, "un Fam trip")]


def test_history_dates_enumerations_and_page_numbers_are_not_results():
    parsed = run(MISSION_011, prose(
        "Il 2022 è stato per le masterclass organizzate dalla Camera di",
        "Commercio il 12° anno di un’esperienza che ha visto il suo inizio",
        "nel 2010 con l’Accademia internazionale delle arti con 40",
        "partecipanti. Nel 2019 i partecipanti sono stati oltre 3.000, a",
        "seguito della pandemia. Quindi sono state organizzate",
        "numerose masterclass, a cui hanno partecipato oltre  400 persone.",
        "Sono stati organizzati 12 incontri: 3 incontri formativi mirati alle",
        "esigenze di singoli Comuni in meet (5/1, 2/3 e 6/7) e 4 sessioni di matching (7 giu, 20 set,",
        "25 ott e 29 nov) su un campione di 200",
        "imprese/mese.",
        "19",
        "1 Progetto Agri-food con l'Università Cattolica del Sacro",
        "2 Supporto Fondazione ITS",
        "3 Smart Future Academy 8 aprile 2022",
        "4 Interventi orientamento istituti superiori"))
    assert [(r.actual_value, r.actual_raw) for r in parsed.readings] == [
        (400.0, "oltre 400 persone"), (12.0, "12 incontri"), (3.0, "3 incontri"), (4.0, "4 sessioni")]
    assert "approximate" in reading(parsed, 400.0).notes


def test_margin_label_inside_a_sentence():
    """A sidebar heading printed at a page top, mid-sentence, is a heading and does not cut the sentence."""
    parsed = run(MISSION_011, prose(
        "tecnologia da parte di utenti anziani Le sperimentazioni hanno visto oltre 100 dispositivi e",
        PAGE_TOP + " Golden Age (filiera e bando)",
        "", "", "",
        "sono inoltre pervenute 12 richieste dai caregivers."))
    assert [(r.provenance.source_line, r.actual_raw) for r in parsed.readings] == [
        (7, "oltre 100 dispositivi"), (16, "12 richieste")]
    assert parsed.readings[1].notes == "section: Golden Age (filiera e bando)"


def test_registro_imprese_baselines_share_and_legal_target():
    parsed = run("Missione 012", "Regolazione dei mercati € 59.504,95", prose(
        "Paragonando il dato del 2022 – protocolli 25.789 comprensivi",
        "anche dei bilanci – rispettivamente con quello del 2021 –",
        "protocolli  24.597 – e quello del 2020 – 21.566 protocolli , si può",
        "osservare un aumento. Con riferimento alle pratiche evase nel 2022, l’ufficio ha",
        "garantito l’evasione in 5 giorni lavorativi per 21.562 su",
        "complessive 22314  pratiche (pari al 96,63%), assicurando",
        "l’efficienza. La leggerissima flessione della percentuale di evasione",
        "tempestiva - a fronte del 97,23% del 2021 - deve tenere conto di:",
        "a) maggior numero assoluto di pratiche complessivamente",
        "evase, vale a dire 22.314 contro le 20.324 del 2021;",
        "Il tempo medio di evasione delle pratiche è pari a 1,87 giorni,",
        "ampiamente inferiore al termine di 5 giorni previsto dalla",
        "normativa."))
    assert [(r.actual_value, r.baseline_value) for r in parsed.readings] == [
        (25789.0, 24597.0), (21562.0, None), (22314.0, None), (96.63, 97.23), (22314.0, 20324.0), (1.87, None)]
    average = reading(parsed, 1.87)
    assert (average.target_raw, average.target_value, average.target_operator, average.target_unit) == (
        "<= 5 giorni", 5.0, "<=", "gg")
    assert reading(parsed, 96.63).actual_unit == "%"
    assert all(r.objective_code == "012" and r.objective_title == "Regolazione dei mercati" for r in parsed.readings)


def test_year_series_with_legal_limit():
    parsed = run("Missione 012", "Regolazione dei mercati € 59.504,95", "• Protesti Con il decreto n. 316/2000, il "
                 "Ministero delle Attività Produttive", prose(
                     "A fronte di tempi di legge di 20 giorni, la CCIAA di Cremona",
                     "ha osservato i seguenti tempi medi negli ultimi 3 anni:",
                     "- nel 2019: 3 giorni",
                     "- nel 2020 : 4 giorni",
                     "- nel 2021 : 4 giorni",
                     "- nel 2022 : 4 giorni"))
    assert [(r.year, r.actual_value, r.target_value, r.target_operator) for r in parsed.readings] == [
        (2019, 3.0, 20.0, "<="), (2020, 4.0, 20.0, "<="), (2021, 4.0, 20.0, "<="), (2022, 4.0, 20.0, "<=")]
    assert parsed.readings[0].notes.startswith("section: Protesti")


def test_certificates_prior_year_in_the_same_sentence():
    parsed = run("Missione 016", "Commercio internazionale ed internazionalizzazione del sistema produttivo", " € 118.321,00",
                 prose("Infatti, nel 2021 sono stati rilasciati 7.386 certificati e 2.455",
                       "copie; nel 2022, 8.769 certificati e 2.812 copie",
                       "Le imprese che hanno fruito dei servizi di",
                       "internazionalizzazione, sono state complessivamente 512  a",
                       "fronte delle 677  del 2021."))
    assert [(r.actual_value, r.baseline_value) for r in parsed.readings] == [
        (8769.0, 7386.0), (2812.0, 2455.0), (512.0, 677.0)]


def test_small_tables():
    parsed = run(MISSION_011, "Innovazione € 614.539,70", prose(
        "In sintesi i numeri sono i seguenti:",
        "a) Eventi svolti:",
        "N. eventi PID N. imprese coinvolte",
        "23                      266",
        "c) Bandi di contributo:",
        "N. bandi      N. imprese ammesse  Importi concessi",
        "3                     19               €  199.286,10€",
        "19"), "Competitività del territorio € 1.053.277,02", prose(
        " 2021 2022 differenza percentuale",
        "Smart",
        "card",
        "3862 3019 -843 -21,80%",
        "Cremona ha ottenuto la prenotazione dei seguenti appuntamenti:",
        " Appuntamento per Sportello di Crema 1616",
        "Consulenza pratiche Registro Imprese 485",
        "Totale generale 3577",
        "- carta azienda : 193",
        "●        interazioni: n 116"))
    rows = [(r.provenance.source_line, r.indicator_name, r.actual_raw, r.actual_value, r.baseline_value, r.table_role)
            for r in parsed.readings]
    assert rows == [  # header line for the PID table (values two lines below), the first label line for "Smart / card"
        (13, "a) Eventi svolti - N. eventi PID", "23", 23.0, None, "summary"),
        (13, "a) Eventi svolti - N. imprese coinvolte (eventi PID)", "266", 266.0, None, "summary"),
        (19, "c) Bandi di contributo - N. bandi", "3", 3.0, None, "summary"),
        (19, "c) Bandi di contributo - N. imprese ammesse", "19", 19.0, None, "summary"),
        (19, "c) Bandi di contributo - Importi concessi", "€ 199.286,10€", 199286.1, None, "summary"),
        (29, "Smart card", "3019", 3019.0, 3862.0, "detail"),
        (37, "Appuntamento per Sportello di Crema", "1616", 1616.0, None, "detail"),
        (39, "Consulenza pratiche Registro Imprese", "485", 485.0, None, "detail"),
        (41, "Totale generale", "3577", 3577.0, None, "detail"),
        (43, "Cremona ha ottenuto la prenotazione dei seguenti appuntamenti - carta azienda", "193", 193.0, None,
         "prose"),
        (45, "Cremona ha ottenuto la prenotazione dei seguenti appuntamenti - interazioni", "n 116", 116.0, None,
         "prose"),
    ]
    assert "rows above sum to 2101" in reading(parsed, 3577.0).notes
    assert [r.actual_value for r in parsed.readings if r.objective_title == "Innovazione"] == [23.0, 266.0, 3.0, 19.0,
                                                                                                 199286.1]


def test_table_with_missing_values_is_quarantined():
    parsed = run(MISSION_011, prose("N. eventi PID N. imprese coinvolte    Importi", "23                      266"))
    assert parsed.readings == []
    assert [q.reason for q in parsed.quarantined] == ["ad-hoc table: 3 column names but 2 values"]


def test_project_of_the_fee_increase():
    parsed = run(MISSION_011, "Competitività del territorio € 1.053.277,02", prose(
        "Progetto TURISMO E", "ATTRATTIVITA’", "(Incremento 20% diritto", "annuale)",
        "Si sottolinea solo che tutti gli obiettivi del progetto sono stati",
        "realizzati e fronte di una spesa di € 172.653,02 sono stati",
        "concessi voucher/ contributi per € 89.507,54 di cui sul bando",
        "Efficienza energetica commercio e servizi € 10.091,34, sul",
        "Bando Cremona Musica 2022 € 25.800,57."))
    project = next(o for o in parsed.objectives if o.objective_title.startswith("Progetto"))
    assert (project.objective_title, project.status, project.parent_code) == (
        "Progetto TURISMO E ATTRATTIVITA’ (Incremento 20% diritto annuale)", "achieved", "011")
    fact = next(f for f in parsed.facts if f.fact_name == "spending_project")
    assert (fact.value, fact.quote) == (172653.02, "e fronte di una spesa di € 172.653,02")
    assert values(parsed) == [89507.54, 10091.34, 25800.57]


def test_intro_facts_and_context_tables():
    parsed = run(prose(
        "In particolare per la CCIAA di Cremona la dotazione organica",
        "ammonta oggi a complessivi 49 posti, a cui corrispondono in",
        "servizio 41 unità.",
        "Variazioni medie - Industria - valori percentuali",
        " Cremona Lombardia",
        "Produzione +6,1 +4,7 +2,7 +6,3",
        "Le risorse derivanti dall’incremento sono state destinate per l’11%",
        "al progetto “Punto Impresa Digitale – PID”, per il 4% al progetto",
        "“Formazione Lavoro” ed il restante 5% al progetto “Turismo e",
        "Attrattività – Lombardia”."), "Seconda sezione", MISSION_011)
    facts = {f.fact_name: f.value for f in parsed.facts}
    assert facts["staff_posts_planned"] == 49.0 and facts["staff_in_service"] == 41.0
    assert facts["annual_fee_increase_share_pid_pct"] == 11.0
    assert facts["annual_fee_increase_share_formazione_lavoro_pct"] == 4.0
    assert parsed.readings == []  # the macro-context table is not a result


def test_other_chamber_year_and_shifted_lines():
    """An altered copy: seven lines inserted, every year one later, small counts changed, another chamber name."""
    text = DOC.read_text(encoding="utf-8")
    altered = "\n" * 7 + re.sub(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,]\d)", lambda m: str(int(m.group(0)) + 1), text)
    altered = re.sub(r"(?<![\d.,/\w])[1-9]\d{0,2}(?![\d.,/°^]\d|\d|[/°^])", lambda m: str(int(m.group(0)) + 1), altered)
    altered = altered.replace("Cremona", "Lodi").replace("CREMONA", "LODI")
    source = source_from_bytes("altered.txt", altered.encode("utf-8"))
    original = extract_file(DOC)
    lines = tuple(source.lines)
    parsed = parse(SegmentContext(source, _segment(lines, chamber="Lodi", year=2023)))
    assert [r.provenance.source_line for r in parsed.readings] == [r.provenance.source_line + 7 for r in original.readings]
    assert {r.chamber_name for r in parsed.readings} == {"Lodi"}
    assert sorted({r.year for r in parsed.readings}) == [2020, 2021, 2022, 2023]
    assert sum(1 for r in parsed.readings if r.target_value is not None) == 5
    by_line = {(r.provenance.source_line, r.actual_raw): r.actual_value for r in parsed.readings}
    assert by_line[(2410 + 7, "una sola richiesta")] == 1.0
    assert by_line[(2342 + 7, "24 domande")] == 24.0  # "23 domande" in the original
    assert {f.value for f in parsed.facts if f.fact_name == "spending_mission"} == {
        1865646.87, 59504.95, 118321.0, 3295109.02}


# -- the same excerpts as other converters print them ------------------------------------------------------------
BANDO_AND_TABLE = (MISSION_011, "Innovazione € 614.539,70", prose(
    "Nello specifico il “Bando Voucher Digitali I4.0 Lombardia Base",
    "2022”, volto a sostenere l’introduzione di tecnologie digitali I4.0",
    "e strumenti digitali complementari è stato finanziato interamente",
    "da risorse camerali pari a € 120.000,00 e ha visto la",
    "partecipazione di 32 imprese, di cui 18 sono state ammesse al",
    "contributo per € 114.286,10.",
    "In sintesi i numeri sono i seguenti:",
    "c) Bandi di contributo:",
    "N. bandi      N. imprese ammesse  Importi concessi",
    "3                     19               €  199.286,10€"))


def _rows(parsed: ParsedSegment) -> list[tuple[int, str, float | None, str | None]]:
    return [(r.provenance.source_line, r.indicator_name, r.actual_value, r.objective_title) for r in parsed.readings]


def test_blank_lines_removed():
    """The converter seen prints a blank line after every line; without them the same lines give the same rows."""
    spaced, printed = run(*BANDO_AND_TABLE), run_printed(*BANDO_AND_TABLE)
    assert _rows(printed) == [((line + 1) // 2, name, value, title) for line, name, value, title in _rows(spaced)]
    assert _rows(printed) == [
        (9, "Bando Voucher Digitali I4.0 Lombardia Base 2022 - imprese partecipanti", 32.0, "Innovazione"),
        (9, "Bando Voucher Digitali I4.0 Lombardia Base 2022 - ammesse al contributo", 18.0, "Innovazione"),
        (10, "Bando Voucher Digitali I4.0 Lombardia Base 2022 - contributo", 114286.1, "Innovazione"),
        (13, "c) Bandi di contributo - N. bandi", 3.0, "Innovazione"),
        (13, "c) Bandi di contributo - N. imprese ammesse", 19.0, "Innovazione"),
        (13, "c) Bandi di contributo - Importi concessi", 199286.1, "Innovazione")]
    assert {(f.fact_name, f.value, f.provenance.source_line) for f in printed.facts} == {
        ("spending_mission", 1865646.87, 1), ("spending_programme", 614539.7, 4)}


def test_table_printed_as_tab_cells_and_prose_with_html_fragments():
    """A converter that prints the small table's columns as tab-separated cells and keeps <i>/<br> fragments in
    the prose gives the rows of the space-aligned text."""
    tabbed = run(MISSION_011, "Innovazione € 614.539,70", prose(
        "partecipazione di <i>32 imprese</i>, di cui 18 sono state ammesse al<br>",
        "contributo per € 114.286,10.",
        "a) Eventi svolti:",
        "N. eventi PID\tN. imprese coinvolte",
        "23\t266",
        "c) Bandi di contributo:",
        "N. bandi\tN. imprese ammesse\tImporti concessi",
        "3\t19\t€  199.286,10€"))
    assert [(r.provenance.source_line, r.indicator_name, r.actual_raw, r.actual_value, r.table_role)
            for r in tabbed.readings] == [
        (9, "Innovazione - imprese partecipanti", "32 imprese", 32.0, "prose"),
        (9, "Innovazione - ammesse al contributo", "18 sono state ammesse", 18.0, "prose"),
        (11, "Innovazione - contributo", "€ 114.286,10", 114286.1, "prose"),
        (15, "a) Eventi svolti - N. eventi PID", "23", 23.0, "summary"),
        (15, "a) Eventi svolti - N. imprese coinvolte (eventi PID)", "266", 266.0, "summary"),
        (21, "c) Bandi di contributo - N. bandi", "3", 3.0, "summary"),
        (21, "c) Bandi di contributo - N. imprese ammesse", "19", 19.0, "summary"),
        (21, "c) Bandi di contributo - Importi concessi", "€ 199.286,10€", 199286.1, "summary")]
    assert tabbed.quarantined == []


@pytest.mark.parametrize("kind", ["converted", "no_blanks"])
def test_names_and_restatements_do_not_depend_on_blank_lines(result, kind):
    """Restatements are measured in printed lines, and "no blank line before a page top" is read only where blank
    lines separate the printed lines: a copy with doubled blank lines and page furniture gives the same names,
    sections and links; without any blank lines only the margin labels found by that sign are lost."""
    variant = make_variant(DOC.read_text(encoding="utf-8"), kind)
    copy = extract_source(source_from_bytes(DOC.name, variant.text.encode("utf-8")))

    def rows(readings, line_map):
        return sorted((line_map(r.provenance.source_line), r.actual_value, r.indicator_name, r.notes and
                       r.notes.split(";")[0], r.restates_line and line_map(r.restates_line)) for r in readings)

    original = rows(result.readings, variant.line_map.get)
    reread = rows(copy.readings, lambda line: line)
    same = sum(1 for row in reread if row in original)
    assert same == len(original) if kind == "converted" else same >= 180, (kind, same)
