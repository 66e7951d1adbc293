"""Tests for the balanced-scorecard layout (the former Pavia chamber's 2024 report inside the merged document).

Two kinds of checks: the real document against the labelled sample (tests/fixtures/gold-sample/001-pavia.*), and
small verbatim excerpts of the real text (tabs written as ⇥) for each hard case of the layout.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ccperf.extract.document import DocumentModel
from ccperf.extract.extractor import extract_file, extract_source
from ccperf.extract.layouts.scorecard_carried_cells import UNIT_TABLE_LEVEL, find_baseline, parse, read_cell
from ccperf.extract.parser import ParsedSegment, SegmentContext
from ccperf.extract.text import SourceText, read_source
from ccperf.model import Reading, Segment
from tests.variants import aligned, no_blanks

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "data" / "raw" / "001_454f49c59e8c1ba9.txt"
GOLD = ROOT / "tests" / "fixtures" / "gold-sample"


def _excerpt(text: str) -> list[str]:
    return text.strip("\n").replace("⇥", "\t").split("\n")


def _parse_lines(lines: list[str], year: int = 2024, chamber: str = "Pavia") -> ParsedSegment:
    text = "\n".join(lines)
    source = SourceText("excerpt.txt", hashlib.sha256(text.encode()).hexdigest(), len(text), "utf-8", tuple(lines))
    segment = Segment(source.sha256, source.file_name, 0, 1, len(lines), chamber, year, "relazione_performance",
                      "scorecard_carried_cells")
    return parse(SegmentContext(source, segment))


def _lines_with(lines: list[str], text: str) -> list[int]:
    """1-based numbers of the excerpt lines containing `text` (tabs written as ⇥)."""
    return [i + 1 for i, line in enumerate(lines) if text in line.replace("\t", "⇥")]


def _line_of(lines: list[str], text: str) -> int:
    hits = _lines_with(lines, text)
    assert len(hits) == 1, (text, hits)
    return hits[0]


def _at(readings: list[Reading], line: int) -> Reading:
    hits = [r for r in readings if r.provenance.source_line == line]
    assert len(hits) == 1, (line, hits)
    return hits[0]


@cache
def _document():
    return extract_file(SEED)


def _pavia():
    result = _document()
    (segment,) = [s for s in result.segments if s.layout == "scorecard_carried_cells"]
    index = segment.segment_index
    readings = [r for r in result.readings if r.provenance.segment_index == index]
    objectives = [o for o in result.objectives if o.provenance.segment_index == index]
    facts = [f for f in result.facts if f.provenance.segment_index == index]
    quarantined = [q for q in result.quarantined if q.provenance.segment_index == index]
    return segment, readings, objectives, facts, quarantined


def _gold(kind: str) -> list[dict]:
    with open(GOLD / f"001-pavia.{kind}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# -- the real document against the labelled sample ----------------------------------------------------------

def test_segment_is_parsed_without_quarantine() -> None:
    segment, readings, objectives, facts, quarantined = _pavia()
    assert (segment.chamber_name, segment.year, segment.doc_kind) == ("Pavia", 2024, "relazione_performance")
    assert segment.parser_status == "parsed"
    assert quarantined == []
    assert all(r.chamber_name == "Pavia" and r.year == 2024 for r in readings)


def test_row_counts_match_the_labelled_counts() -> None:
    # Seed notes: 149 readings = A 24 + B 31 + unit tables 32 + agency table 9 + SG 10 + PO/EQ 8 + staff 22 + agency
    # staff 13; 112 objectives = area 4 + strategic 24 + operational 31 + other 53.
    _, readings, objectives, _, _ = _pavia()
    assert len(readings) == 149
    by_kind = Counter((r.objective_level, r.table_role) for r in readings)
    assert by_kind[("strategic", "detail")] == 24
    assert by_kind[("operational", "detail")] == 31
    agency = [r for r in readings if r.unit_name == "AZIENDA SPECIALE PAVIASVILUPPO"]
    assert len(agency) == 9 and {(r.objective_level, r.table_role) for r in agency} == {("other", "summary")}
    unit_rows = [r for r in readings if r.table_role == "summary" and r not in agency]
    assert len(unit_rows) == 32 and {r.objective_level for r in unit_rows} == {UNIT_TABLE_LEVEL}
    assert by_kind[("other", "detail")] == 10 + 8 + 22 + 13
    assert Counter(o.objective_level for o in objectives) == {"area": 4, "strategic": 24, "operational": 31, "other": 53}
    units = Counter(r.unit_name for r in readings if r.table_role == "summary")
    assert units["AZIENDA SPECIALE PAVIASVILUPPO"] == 9
    assert units["SERVIZIO RISORSE E PATRIMONIO"] == 6


GOLD_READINGS = _gold("readings")


@pytest.mark.parametrize("gold", GOLD_READINGS, ids=[str(g["line"]) for g in GOLD_READINGS])
def test_labelled_reading(gold: dict) -> None:
    _, readings, _, _, _ = _pavia()
    got = _at(readings, gold["line"])
    # Unit-table rows restate Allegato B: labelled "operational" in the sample, read as UNIT_TABLE_LEVEL with their
    # unit (the brief for this layout); every other row (special-agency rows included) carries the labelled level.
    level = UNIT_TABLE_LEVEL if gold["notes"].startswith("Unit table") else gold["objective_level"]
    assert got.objective_level == level
    for name in ("objective_code", "indicator_code", "indicator_name", "objective_title", "target_raw", "target_value",
                 "target_operator", "target_unit", "target_revised_raw", "target_revised_value", "actual_raw",
                 "actual_value", "achievement_pct", "status", "baseline_raw", "baseline_value", "weight_pct",
                 "indicator_type"):
        assert getattr(got, name) == gold[name], name
    assert (got.chamber_name, got.year, got.doc_kind) == (gold["chamber"], gold["year"], gold["doc_kind"])


GOLD_OBJECTIVES = _gold("objectives")


@pytest.mark.parametrize("gold", GOLD_OBJECTIVES, ids=[f'{g["line"]}-{g["objective_level"]}' for g in GOLD_OBJECTIVES])
def test_labelled_objective(gold: dict) -> None:
    _, _, objectives, _, _ = _pavia()
    hits = [o for o in objectives if o.provenance.source_line == gold["line"]
            and o.objective_level == gold["objective_level"]]
    assert len(hits) == 1
    got = hits[0]
    for name in ("objective_code", "objective_title", "parent_code", "achievement_pct", "perspective", "weight_pct",
                 "status", "mission_code"):
        assert getattr(got, name) == gold.get(name), name


# Labelled fact (free name in the sample) → the shared vocabulary name, subject and value read here.
FACT_MAP = {
    1678: ("performance_area", "PROSP. 1"),
    1685: ("performance_unit", "Servizio Affari Generali"),
    1691: ("performance_unit", "Area Servizi Promozionali"),
    1846: ("count_operational_objectives_achieved", None),
    2018: ("performance_unit", "ENTE - SEGRETARIO GENERALE"),
    2032: ("count_unit_objectives", "SERVIZIO AFFARI GENERALI"),
    2046: ("count_unit_objectives", "SERVIZIO RISORSE E PATRIMONIO"),
    2073: ("performance_unit", "AREA SERVIZI PROMOZIONALI"),
    2091: ("performance_unit", "SERVIZIO REGISTRO IMPRESE"),
    2128: ("count_unit_objectives", "AZIENDA SPECIALE PAVIASVILUPPO"),
    1802: ("special_agency_ordinary_revenue", None),
}
GOLD_FACTS = _gold("facts")


@pytest.mark.parametrize("gold", GOLD_FACTS, ids=[str(g["line"]) for g in GOLD_FACTS])
def test_labelled_fact(gold: dict) -> None:
    _, _, _, facts, _ = _pavia()
    name, subject = FACT_MAP[gold["line"]]
    hits = [f for f in facts if f.provenance.source_line == gold["line"] and f.fact_name == name
            and f.subject_code == subject and f.year == gold["year"]]
    assert len(hits) == 1
    assert hits[0].value == gold["value"]
    assert hits[0].is_derived is False


def test_stated_counts_agree_with_the_rows() -> None:
    _, readings, _, facts, _ = _pavia()
    stated = {f.fact_name: f.value for f in facts if f.fact_name.startswith("count_") and f.subject_code is None}
    strategic = [r for r in readings if r.objective_level == "strategic"]
    operational = [r for r in readings if r.objective_level == "operational"]
    assert stated["count_strategic_objectives"] == len(strategic) == 24
    assert stated["count_strategic_objectives_achieved"] == sum(r.achievement_pct == 100 for r in strategic) == 22
    assert stated["count_strategic_objectives_not_assessed"] == sum(r.actual_raw is None for r in strategic) == 2
    eliminated = [r for r in operational if "Obiettivo eliminato" in (r.notes or "")]
    assert stated["count_operational_objectives"] == len(operational) - len(eliminated) == 30
    assert stated["count_operational_objectives_achieved"] == sum(r.achievement_pct == 100 for r in operational) == 29
    assert {f.subject_code for f in facts if f.fact_name == "performance_area"} == {f"PROSP. {n}" for n in range(1, 5)}


def test_every_restated_row_points_at_an_allegato_b_row() -> None:
    _, readings, _, _, _ = _pavia()
    originals = {r.provenance.source_line: r for r in readings if r.objective_level == "operational"}
    restated = [r for r in readings if r.table_role == "summary"]
    assert restated and all(r.restates_line in originals for r in restated)
    links = {r.provenance.source_line: r.restates_line for r in restated}
    # differing values still link: 85,71% vs 92,31% (unit share), ≥ 80% vs ≥ 90%, "≥ 18 PVS" vs "≥ 20 CCIAA ≥ 18 PVS"
    assert links[2066] == 1983 and links[2084] == 1993 and links[2127] == 2006
    # carried strategic code across a page break with heading and repeated header
    assert links[2045] == 2012 and links[2107] == 2001 and links[2124] == 1984
    # the same training row restated by every unit
    assert sorted(line for line, source in links.items() if source == 2006) == [2024, 2031, 2036, 2068, 2090, 2108, 2127]


def test_altered_copy_follows_the_text_not_the_line_numbers() -> None:
    source = read_source(SEED)
    text = "\n".join(source.lines)
    text = text.replace("2024", "2031").replace("2023", "2030").replace("2022", "2029")
    text = text.replace("≥ 80% ≥ 50%", "≥ 70% ≥ 45%").replace("⇥- 12,65⇥".replace("⇥", "\t"), "\t- 17,5\t")
    lines = tuple(["", "", ""] + text.split("\n"))
    altered = SourceText("altered.txt", hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(text), "utf-8", lines)
    result = extract_source(altered)
    (segment,) = [s for s in result.segments if s.layout == "scorecard_carried_cells"]
    assert segment.year == 2031
    got = {r.provenance.source_line - 3: r for r in result.readings if r.provenance.segment_index == segment.segment_index}
    _, readings, _, _, _ = _pavia()
    assert len(got) == len(readings)
    for base in readings:
        new = got[base.provenance.source_line]
        assert new.year == 2031
        assert (new.objective_level, new.table_role, new.objective_code) == (
            base.objective_level, base.table_role, base.objective_code)
        assert new.restates_line == (base.restates_line + 3 if base.restates_line else None)
        assert new.baseline_value == base.baseline_value  # "2030 = X" is still the year before the report
    assert (got[1985].target_value, got[1985].target_revised_value) == (70.0, 45.0)
    assert got[2012].actual_value == -17.5 and got[2012].target_value == -15.0


# -- excerpts of the real text, one per hard case ---------------------------------------------------------------

ANNEX_A = _excerpt("""
OBIETTIVI STRATEGICI⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE⇥
SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE⇥⇥⇥⇥⇥⇥
1.1⇥Livello di attività di informazione e orientamento ai mercati – Utilizzo delle diverse tipologie assestment e successivi servizi di assistenza erogati alle imprese – Paviaviluppo⇥N. di imprese partecipanti⇥≥ 50⇥51⇥100%⇥Progetti 20% DA Atti d'ufficio 2023 = 81 AI 31.12.2024
⇥Risorse destinate a ciascuna impresa in materia di Internazionalizzazione (CCIAA + Azienda speciale Paviaviluppo) – PIRA⇥Totale risorse dedicate (costi + Interventi economici) per l'Internazionalizzazione (D1.1 + E1.1.4) nell'anno N/Numero imprese attive al 31.12⇥≥ 10€⇥⇥⇥PARETO 2023 = ND NON VALUTABILE per mancanza dati elaborati da Sistema Nazionale Pareto
⇥Grado di copertura del processo D1.1 Servizi di informazione, formazione e assistenza all'export (CCIAA + Azienda speciale Paviaviluppo) – PIRA⇥Ricavi diretti del processo D1.1 Servizi di informazione, formazione e assistenza all'export/Costi e interventi economici del processo D1.1 Servizi di informazione, formazione e assistenza all'export⇥≥ 10%⇥⇥⇥PARETO 2023 = ND NON VALUTABILE per mancanza dati elaborati da Sistema Nazionale Pareto
⇥Livello di supporto alle imprese in tema di internazionalizzazione – affiancare ed avviare le imprese in percorsi di internazionalizzazione – Paviaviluppo⇥N. imprese supportate in attività di promozione diretta verso l'estero (B2B, fiere, incoming, ecc)⇥≥ 10⇥53⇥100%⇥Progetti 20% DA Osservatorio Camerale 2023 = 46 AI 31.12.2024
⇥Mantenimento di un elevato grado di soddisfazione delle imprese⇥Valutazione media delle imprese su scala da 1 a 7⇥≥ 4,5⇥4,52⇥100%⇥Customer Paviaviluppo 2023 = 6 AI 31.12.2024

OBIETTIVI STRATEGICI⇥⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE
⇥partecipanti a incontri d'affari fra buyer esteri - Paviaviluppo⇥⇥⇥⇥⇥
1.2⇥Azioni di diffusione della cultura digitale e accrescimento della cultura, della consapevolezza e delle competenze delle imprese in materia digitale e green - PID - Paviaviluppo⇥N. eventi di informazione e sensibilizzazione (seminari, webinar, formazione in streaming, ecc.) organizzati nell'anno dal PID⇥≥ 8⇥9⇥100%⇥Progetti 20% DA Paviaviluppo – PID 2023 = 19 AI 31.12.2024
⇥Mantenimento delle richieste di mediaconciliazione rendendo il proprio servizio più competitivo - PIRA⇥N. di richieste di mediaconciliazione⇥≥ 40⇥51⇥100%⇥Conciliacamera 2023 = 57 Al 31.12.2024
PROCESSI INTERNI⇥⇥⇥⇥⇥⇥
⇥Incidenza contributi erogati direttamente alle imprese sul totale del valore degli interventi economici - PIRA (Tutti i bandi finanziati o cofinanziati dalla CCIAA nell'anno 2024)⇥Valore contributi erogati direttamente alle imprese tramite bandi anno "n"/Interventi economici⇥≥ 40%⇥47,72%⇥100%⇥PARETO 2023 = 59,83% Al 18.11.2024
⇥Grado di utilizzo del budget stanziato per gli Interventi economici – PIRA⇥Accertamento voce 8) "Interventi Economici" del Budget direzionale al 31.12. anno "n"/Previsione voce 8) "Interventi Economici" del Budget direzionale anno "n"⇥≥ 65%⇥84,10%⇥100%⇥PARETO 2023 = 78,44% Al 31.12.2024 Accertam. IE al 18.11.24 dedotte Sopravv. attive da Fondo Promozione PV al 31.12.2024/ previsione 2024 IE
CRESCITA E APPRENDIMENTO⇥⇥⇥⇥⇥⇥
3.1⇥Grado di copertura delle attività formative dedicate al personale (CCIAA + Azienda speciale Paviaviluppo) (escluso personale impossibilitato per aspettative, congedi e malattie prolungate) – PIRA⇥N. di dipendenti che ha effettuato interventi formativi/ N. dipendenti al 31.12.2024⇥≥ 85%⇥100%⇥100%⇥EX CCIAA PV= 100% PVS = 100% AI 31.12.2024
ECONOMICO-FINANZIARIA⇥⇥⇥⇥⇥⇥
4.1⇥Indice equilibrio strutturale - PIRA⇥(Proventi strutturali - Oneri strutturali)/ Proventi strutturali⇥≤ 35⇥31,87%⇥100%⇥PARETO 2023 = 33,06 AI 18.11.2024 Bilancio al 18.11.2024

OBIETTIVI STRATEGICI⇥⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE
⇥% di incasso del Diritto annuale - PIRA⇥Totale Diritto Annuale incassato entro il 31.12 al netto di interessi e sanzioni/Diritto Annuale al netto di interessi e delle sanzioni⇥≥ 65%⇥81,15%⇥100%⇥PARETO 2023 = 76,13% Al 18.11.2024 Bilancio al 18.11.2024 (incluso 20%)
""")

ANNEX_B_AND_UNITS = _excerpt("""
<i>OBIETTIVI STRATEGICI</i>⇥<i>OBIETTIVI OPERATIVI</i>⇥<i>INDICATORI</i>⇥<i>RISULTATO ATTESO 2024</i>⇥<i>RISULTATO</i>⇥<i>% DI RAGGIUNGIMENTO</i>⇥<i>NOTE</i>
1.1 - RAFFORZARE IL PROCESSO DI INTERNAZIONALIZZAZIONE DEL SISTEMA IMPRENDITORIALE⇥Realizzazione progetti finanziati con risorse camerali⇥N. iniziative realizzate / N. iniziative programmate⇥≥ 80%⇥100%⇥100%⇥Paviasviluppo e Ufficio Studi, Statistica e Promozione Fonte: Piano Promozionale Al 31.12.2024 n. 4 su 4 programmate Ufficio: n. 1 su 1 prevista PVS n. 3 su 3 previste
1.3 - FAVORIRE LO SVILUPPO DEL CAPITALE UMANO E LA CULTURA D'IMPRESA⇥Realizzazione progetti finanziati con risorse camerali⇥N. iniziative realizzate /N. iniziative programmate⇥≥ 80%⇥92,31%⇥100%⇥Paviasviluppo e Ufficio Studi, Statistica e Promozione Fonte: Piano Promozionale AI 31.12.2024 n. 12 su 13 programmate PVS: 6 u 6 programmate Ufficio: 6 su 7 programmate
⇥Avvio e gestione del Servizio Certificazione delle competenze⇥Certificazioni delle competenze secondo i modelli standard del sistema camerale definiti a livello nazionale per gli studenti coinvolti nei relativi percorsi PCTO⇥≥ 30⇥91⇥100%⇥Obiettivo 20% DA Paviasviluppo Fonte: atti d'ufficio AI 31.12.2024
⇥Sostenere le mpmi pavese in materia di formazione lavoro⇥Risorse concesse/Risorse stanziare⇥≥ 80% ≥ 50%⇥⇥⇥Ufficio Studi, Statistica e Promozione Fonte: AGEF Target variato per sopravvenute attività propedeutiche all'accorpamento con le CCIAA di CR e MN AI 31.12.2024

⇥⇥⇥⇥⇥⇥Non valutabile per carenza di domande non imputabile all'Ufficio istruttore
1.4 - PROMUOVERE LE ECCELLENZE TERRITORIALI, LE FILIERE PRODUTTIVE, IL TURISMO, LA CULTURA E IL MKT TERRITORIALE⇥Realizzazione progetti finanziati con risorse camerali⇥N. Iniziative realizzate /n. Iniziative programmate⇥≥ 80%⇥100%⇥100%⇥Paviasviluppo e Ufficio Studi, Statistica e Promozione Piano Promozionale Al 31.12.2024 n. 16 su 16 correttamente programmate PVS = 12 su 12 = 100% Ufficio = 4 su 4 = 100%
2.1 - MIGLIORARE L'EFFICIENZA DELLA⇥Monitoraggio Piano Trasparenza e Prevenzione Corruzione 2024⇥Monitoraggi semestrali⇥2⇥2⇥100%⇥Servizio Affari Generali Fonte: atti d'ufficio Monitoraggio al 30.6.2024 mail a SG 9.8.2024 e 2° monitoraggio effettuato al 30.10.2024 (vedi data files)

STRUTTURA E ASSICURARE UN ADEGUATO LIVELLO DI EFFICACIA DEI SERVIZI⇥Adozione kit Antiriciclaggio⇥Approvazione Invio al Segretario Generale kit antiriciclaggio con determina⇥31.12.2024 15.11.2024⇥13.11.2024⇥100%⇥Servizio Affari Generali Fonte : GDEL Target variato per incompatibilità con la data di accorpamento con le CCIAA di CR e MN definita nel 18.11.2024
⇥Collaborazione con il Segretario generale per l'aggiornamento di Regolamenti, linee guida e altre disposizioni⇥n. di aggiornamenti⇥≥ 3⇥3⇥100%⇥Ufficio Segreteria di Presidenza Fonte: Gdel, Mail
3.1 - PROMUOVERE IL PROCESSO DI RIQUALIFICAZIONE DELLE COMPETENZE E PROFESSIONALITA' INTERNE, ANCHE ATTRAVERSO ADEGUATI Percorsi FORMATIVI⇥N. corsi, webinar, seminari a cui hanno partecipato i dipendenti nell'anno 2024⇥n. attività formative⇥≥ 20 CCIAA ≥ 18 PVS⇥n. 72 CCIAA n. 21 PVS⇥100%⇥Tutti gli Uffici dell'Ente e Paviaviluppo Fonte: atti Uffici Risorse Umane e Organizzazione Cciaa e Paviaviluppo Target PVS variato per sopraggiunte attività promozionali da gestire entro il 2° semestre 2024
⇥Grado di soddisfazione del personale ai corsi cui ha partecipato nell'anno⇥Customer su scala 1-5⇥≥ 3⇥-⇥-⇥Tutti gli Uffici dell'Ente e Paviaviluppo Fonte: atti Ufficio Risorse Umane e Organizzazione - Ufficio Amministrazione Paviaviluppo Obiettivo eliminato in quanto non attuabile da parte degli Uffici a cui è stato assegnato
⇥Monitoraggio Customer grado di soddisfazione personale ai corsi cui ha partecipato⇥Monitoraggio⇥31.12.2024 30.9.2024⇥30.9.2024⇥100%⇥Ufficio Risorse Umane e Organizzazione - Ufficio Amministrazione Paviaviluppo Fonte: atti d'ufficio Target variato per sopravvenute attività propedeutiche all'accorpamento con le CCIAA di CR e MN
4.1 - INCREMENTARE LE ENTRATE ALTERNATIVE AL DIRITTO ANNUO E CONTENERE I COSTI⇥Invito alle imprese - con indirizzo Pec attivo - di pagamento del Diritto Annuale nel 2024⇥N. inviti⇥≥ 2⇥2⇥100%⇥Ufficio Ragioneria, diritto annuale e controllo di gestione Fonte: DB Infocamere Scpa 10.5.2024 e 16.10.2024
⇥N° posizioni da controllare presenti nell'elenco di Infocamere (a gennaio 2024 non ancora fornito) e successiva trasmissione di invito alla regolarizzazione entro il 31/12/2024⇥n. posizioni morose controllate⇥100%⇥100%⇥100%⇥Ufficio Ragioneria, diritto annuale e controllo di gestione Fonte: atti d'ufficio Elenco attualmente non disponibile Al 31.12.2024 N. 1.992 posizioni su 1.992 controllate
⇥Mantenimento dei tempi di pagamento dei fornitori - PIRA⇥Indicatore di cui all'art. 9 comma 2 del DPCM 22.9.2014 - al netto fatture Infocamere Scpa⇥≤ - 15⇥- 12,65⇥100%⇥Ufficio Provveditorato e Ufficio Ragioneria Fonte: sito Web - Amministrazione trasparente Al 18.11.2024 Bilancio al 18.11.2024

% RAGGIUNGIMENTO OBIETTIVI: 2.900/29 = 100%

SERVIZIO RISORSE E PATRIMONIO⇥⇥⇥⇥⇥⇥
OBIETTIVO STRATEGICO⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥RISULTATO ATTESO 2023⇥RISULTATO⇥% DI RAGGIUNGIMENTO⇥NOTE
3.1 - PROMUOVERE IL PROCESSO DI RIQUALIFICAZIONE DELLE COMPETENZE E PROFESSIONALITA' INTERNE, ANCHE ATTRAVERSO ADEGUATI Percorsi FORMATIVI⇥N. corsi, webinar, seminari a cui hanno partecipato i dipendenti nell'anno 2024⇥n. attività formative⇥≥ 20 CCIAA⇥n. 72 CCIAA⇥100%⇥Tutti gli Uffici dell'Ente e Paviaviluppo Fonte: atti Uffici Risorse Umane e Organizzazione Cciaa e Paviaviluppo
⇥Grado di soddisfazione del personale ai corsi cui ha partecipato nell'anno⇥Customer su scala 1-5⇥≥ 3⇥⇥-⇥Tutti gli Uffici dell'Ente e Paviaviluppo Fonte: atti Ufficio Risorse Umane e Organizzazione - Ufficio Amministrazione Paviaviluppo Obiettivo eliminato in quanto non attuabile da parte degli Uffici a cui è stato assegnato
⇥Monitoraggio Customer grado di soddisfazione personale ai corsi cui ha partecipato⇥Monitoraggio⇥31.12.2024 30.9.2024⇥30.9.2024⇥100%⇥Ufficio Risorse Umane e Organizzazione - Ufficio Amministrazione Paviaviluppo Fonte: atti d'ufficio Target variato per sopravvenute attività propedeutiche all'accorpamento con le CCIAA di CR e MN
4.1 - INCREMENTARE LE ENTRATE ALTERNATIVE AL DIRITTO ANNUO E CONTENERE I COSTI⇥Invito alle imprese - con indirizzo Pec attivo - di pagamento del Diritto Annuale nel 2024⇥N. inviti⇥≥ 2⇥2⇥100%⇥Ufficio Ragioneria, diritto annuale e controllo di gestione Fonte: DB Infocamere Scpa 10.5.2024 e 16.10.2024
⇥N° posizioni da controllare presenti nell'elenco di Infocamere (a gennaio 2024 non ancora fornito) e successiva trasmissione di invito alla regolarizzazione entro il 31/12/2024⇥n. posizioni morose controllate⇥100%⇥100%⇥100%⇥Ufficio Ragioneria, diritto annuale e controllo di gestione Fonte: atti d'ufficio Elenco attualmente non disponibile

SERVIZIO RISORSE E PATRIMONIO⇥⇥⇥⇥⇥⇥
OBIETTIVO STRATEGICO⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥RISULTATO ATTESO 2023⇥RISULTATO⇥% DI RAGGIUNGIMENTO⇥NOTE
⇥⇥⇥⇥⇥⇥Al 31.12.2024 N. 1.992 posizioni su 1.992 controllate
⇥Mantenimento dei tempi di pagamento dei fornitori - PIRA⇥Indicatore di cui all'art. 9 comma 2 del DPCM 22.9.2014 - al netto fatture Infocamere Scpa⇥≤ - 15⇥- 12,65⇥100%⇥Ufficio Provveditorato e Ufficio Ragioneria Fonte: sito Web - Amministrazione trasparente Al 18.11.2024 Bilancio al 18.11.2024
% RAGGIUNGIMENTO OBIETTIVI: 500/5 = 100%⇥⇥⇥⇥⇥⇥
AZIENDA SPECIALE PAVIASVILUPPO

OBIETTIVO STRATEGICO⇥ATTIVITA'⇥INDICATORI OPERATIVI⇥RISULTATO ATTESO 2023⇥RISULTATO AL 31.12.2023⇥% DI RAGGIUNGIMENTO AL 31.12.2023⇥NOTE
3.1 - PROMUOVERE IL PROCESSO DI RIQUALIFICAZIONE DELLE COMPETENZE E PROFESSIONALITA' INTERNE, ANCHE ATTRAVERSO ADEGUATI Percorsi FORMATIVI⇥N. corsi, webinar, seminari a cui hanno partecipato i dipendenti nell'anno 2024⇥n. attività formative⇥≥ 18 PVS⇥n. 21 PVS⇥100%⇥Tutti gli Uffici dell'Ente e Paviasiluppo Fonte: atti Uffici Risorse Umane e Organizzazione Cciaa e Paviasiluppo
% RAGGIUNGIMENTO OBIETTIVI: 900/9 = 100%⇥⇥⇥⇥⇥⇥
""")

NEW_UNIT_WITHOUT_CODE = _excerpt("""
OBIETTIVO STRATEGICO⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥RISULTATO ATTESO 2023⇥RISULTATO⇥% DI RAGGIUNGIMENTO⇥NOTE
2.1 - MIGLIORARE L'EFFICIENZA DELLA STRUTTURA E ASSICURARE UN ADEGUATO LIVELLO DI EFFICACIA DEI SERVIZI⇥Collaborazione con il Segretario generale per l'aggiornamento di Regolamenti, linee guida e altre disposizioni⇥n. di aggiornamenti⇥≥ 3⇥3⇥100%⇥Ufficio Segreteria di Presidenza Fonte: Gdel, Mail
3.1 - PROMUOVERE IL PROCESSO DI RIQUALIFICAZIONE DELLE COMPETENZE E PROFESSIONALITA' INTERNE, ANCHE ATTRAVERSO ADEGUATI Percorsi FORMATIVI⇥N. corsi, webinar, seminari a cui hanno partecipato i dipendenti nell'anno 2024⇥n. attività formative⇥≥ 20 CCIAA⇥n. 72 CCIAA⇥100%⇥Tutti gli Uffici dell'Ente e Paviaviluppo Fonte: atti Uffici Risorse Umane e Organizzazione Cciaa e Paviaviluppo
% RAGGIUNGIMENTO OBIETTIVI: = 200/2 = 100%⇥⇥⇥⇥⇥⇥

SERVIZIO AFFARI GENERALI⇥⇥⇥⇥⇥⇥
OBIETTIVO STRATEGICO⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥RISULTATO ATTESO 2023⇥RISULTATO⇥% DI RAGGIUNGIMENTO⇥NOTE
⇥Adozione kit Antiriciclaggio⇥Approvazione Invio al Segretario Generale kit antiriciclaggio con determina⇥31.12.2024 15.11.2024⇥13.11.2024⇥100%⇥Servizio Affari Generali Fonte : GDEL Target variato per incompatibilità con la data di accorpamento con le CCIAA di CR e MN definita nel 18.11.2024
""")

INDIVIDUAL_AND_STAFF = _excerpt("""
Obiettivi del Segretario Generale
Dirigente ad interim, dell'Area Servizi Istituzionali e dell'Area Servizi Promozionali

AZIONI⇥INDICATORE⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE
Rispetto dei tempi di pagamento previsti dalle vigenti disposizioni (Art. 4-bis, comma 2, D.L. 13 del 24.2.2023 convertito con Legge 41/2023) - SG⇥Indicatore di ritardo annuale dei pagamenti di cui all'art. 1 commi 859, lettera b), e 861 della Legge 30.12.2018 n. 145⇥≤ - 5⇥- 12,65⇥100%⇥Piattaforma per la gestione telematica del rilascio delle certificazioni di cui all'art. 7, comma 1, del D.L. 35/2013 convertito con modificazioni nella Legge 6.6.2013 n. 64 – valutato in misura non inferiore al 30% PCC – Consultazione ITP (Indice Tempestività Pagamenti) 2023 = - 12,77 Al 18.11.2024
Coordinamento delle attività ai fini del raggiungimento degli obiettivi strategici dell'Ente - SG⇥Percentuale di raggiungimento degli obiettivi strategici dell'Ente⇥≥ 80%⇥100%⇥100%⇥Relazione sulla Performance Al 30.6.2023 = 87,95% Al 31.12.2024

Grado di copertura delle attività formative dedicate al personale – PIRA - SG⇥n. di dipendenti che hanno seguito almeno un'attività formativa nell'anno / totale dipendenti -(salvo casi di impossibilità oggettiva dovuta a prolungata assenza dal servizio)⇥≥ 90%⇥CCIAA = 100% PVS = 100%⇥100%⇥Atti Ufficio Risorse Umane e Organizzazione 2023 = 100% Al 31.12.2024

<p>Realizzazione delle attività previste nel Piano Promozionale 2023 - iniziative gestite dall'Azienda speciale Paviaviluppo - Dirigente Area Servizi Promozionali</p>⇥<p>N. attività previste/ n. attività effettuate</p>⇥<p>≥ 70%</p>⇥<p>100%</p>⇥<p>100%</p>⇥<p>Piano Promozionale 2023 2022 = 100% Al 31.12.2024 n. 36 iniziative su 37 previste</p>
<p>Realizzazione delle attività previste nel Piano Promozionale 2023 - Dirigente Area Servizi Promozionali</p>⇥<p>Importo accertato / importo stanziato x100</p>⇥<p>50%</p>⇥<p>84,10%</p>⇥<p>100%</p>⇥<p>Con2 2022 = 79,28% Al 31.12.2024 Il valore è stato calcolato tenendo conto di: accertamento al 18.11.2024.2024 degli interventi economici che comprende l'accantonamento a F.do interventi al 18.11.2024 (€ 6.375.791) dedotte le sopravvenienze attive F.do interventi promozionali registrate al 31.12.2024 (€ 909.122)/Previsione Budget Direzionale aggiornato ex CCIAA PV (€ 6.500.000)</p>

Obiettivi Posizione Organizzativa

Servizio Regolazione del Mercato

AZIONI⇥INDICATORE⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE
Partecipare a percorsi formativi adeguati diretti all'acquisizione e/o al rafforzamento delle competenze richieste (salvo casi di impossibilità oggettiva dovuta a prolungata assenza dal servizio)⇥N. risorse del servizio coinvolte nella formazione⇥≥ 85%⇥100%⇥100%⇥Atti Ufficio Risorse Umane e Organizzazione Al 31.12.2023 = 100% Al 31.12.2024
OBIETTIVI INDIVIDUALI PERSONALE PAVIASVILUPPO - ANNO 2024

<i>PROSPETTIVE</i>⇥<i>PERSONALE</i>⇥<i>OBIETTIVI INDIVIDUALI</i>⇥<i>INDICATORE</i>⇥<i>RISULTATO ATTESO</i>⇥<i>RISULTATO AL 31.12.2024</i>⇥<i>% DI RAGGIUNGIMENTO</i>⇥<i>NOTE</i>
Prospettiva 1 Sostenere la competitività del sistema imprenditoriale⇥⇥Coinvolgere imprese in percorsi di affiancamento sui mercati esteri⇥N. imprese coinvolte⇥20⇥53⇥100%⇥Fonte: atti e documentazione d'ufficio. 2023 = 36
⇥⇥Progettare, promuovere e realizzare eventi promozionali per la diffusione della cultura digitale⇥n. eventi realizzati⇥8⇥9⇥100%⇥Fonte: atti e documentazione d'ufficio. 2023 = 19
⇥⇥Progettare, promuovere e realizzare interventi di orientamento all'autoimprenditorialità per studenti⇥n. iniziative⇥5⇥11⇥100,00%⇥Fonte: atti e documentazione d'ufficio 2023 = 14

Implementare il sistema di profilazione e follow up sugli aspiranti imprenditori che hanno beneficiato di servizi Paviaviluppo⇥elaborazione report trimestrali⇥4⇥4⇥100%⇥Fonte: atti e documentazione d'ufficio
Progettare, promuovere e realizzare iniziative di orientamento per imprese in tema di transizione ecologica, turismo, PNRR⇥n. iniziative⇥3⇥7⇥100%⇥Fonte: atti e documentazione d'ufficio 2023 = 4
Coinvolgimento imprese settore vino nelle iniziative promozionali dell'Azienda⇥n. adesioni di imprese⇥30⇥52⇥100%⇥Fonte: atti e documentazione d'ufficio 2023= 63
Prospettiva 2 Processi Interni⇥⇥Elaborare un prospetto trimestrale riepilogativo di tutti i Crediti scaduti nei confronti dell'Azienda con l'indicazione delle procedure in atto per il relativo recupero.⇥n. prospetti trimestrali⇥4⇥4⇥100%⇥Fonte: atti e documentazione d'ufficio 2023 = 4
⇥⇥Mantenimento dei tempi di pagamento dei fornitori.⇥Indicatore di cui all'art. 9 comma 2 del DPCM 22.9.2014⇥≤ - 5⇥-7,43⇥100%⇥Fonte: atti e documentazione d'ufficio 2023 = - 4,05 2024 = fonte report CON2
""")

SUMMARY = _excerpt("""
PERFORMANCE DI ENTE⇥⇥100%
PERFORMANCE DEGLI AMBITI STRATEGICI⇥PROSP. 1: SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE⇥100%
⇥PROSP. 2: PROCESSI INTERNI⇥100%
⇥PROSP. 3: CRESCITA E APPRENDIMENTO⇥100%
⇥PROSP. 4: ECONOMICO-FINANZIARIA⇥100%

PERFORMANCE DELLE UNITA' ORGANIZZATIVE⇥⇥
Servizi alle dirette dipendenze del Segretario Generale⇥⇥100%
⇥Servizio Affari Generali⇥100%
⇥Servizio Risorse e Patrimonio⇥100%
⇥Ufficio Segreteria di Presidenza⇥100%
Area Servizi Istituzionali⇥⇥100%
⇥Servizio Registro Imprese⇥100%
⇥Servizio Regolazione del Mercato⇥100%
Area Servizi Promozionali⇥⇥100%
⇥Servizio di Promozione dell'Economia Locale⇥100%
➤ **Obiettivi Strategici n. 24**

di cui:

- N. 22 raggiunto target definito al 100%
- N. 2 non valutabili per mancanza dati elaborati dal Sistema Nazionale Pareto

➤ **Obiettivi Operativi n. 30**

 
di cui

- N. 29 raggiunti al 100%
- N. 1 non valutabile per carenza di domande non imputabile all'ufficio istruttore


SERVIZIO REGOLAZIONE MERCATO - % RAGGIUNGIMENTO OBIETTIVI: 700/7 = 100%**AREA SERVIZI ISTITUZIONALI****RAGGIUNGIMENTO OBIETTIVI:** (media delle percentuali complessive di risultato attribuite ad ogni singolo obiettivo di tutti i Servizi/Uffici dell'Area): **1.300/13 = 100%**
""")

def test_annex_a_carry_down_perspectives_and_wrapped_cells() -> None:
    lines = ANNEX_A
    out = _parse_lines(lines)
    assert out.quarantined == []
    assert len(out.readings) == 12 and {r.objective_level for r in out.readings} == {"strategic"}
    first = _at(out.readings, _line_of(lines, "1.1⇥"))
    assert (first.objective_code, first.target_value, first.target_operator, first.actual_value) == ("1.1", 50.0, ">=", 51.0)
    assert first.indicator_name == "N. di imprese partecipanti"  # col 3 under INDICATORI despite the page-1 header shift
    assert (first.baseline_raw, first.baseline_value) == ("2023 = 81", 81.0)
    # not assessed: empty result and %, target with a € unit, "2023 = ND" baseline
    nd = _at(out.readings, _line_of(lines, "⇥Risorse destinate"))
    assert (nd.objective_code, nd.target_raw, nd.target_value, nd.target_unit) == ("1.1", "≥ 10€", 10.0, "EUR")
    assert (nd.actual_raw, nd.actual_value, nd.achievement_pct) == (None, None, None)
    assert (nd.baseline_raw, nd.baseline_value) == ("2023 = ND", None)
    # objective cell wrapped onto the row after the repeated page header
    wrapped_line = _line_of(lines, "⇥Mantenimento di un elevato")
    wrapped = _at(out.readings, wrapped_line)
    assert wrapped.objective_title == ("Mantenimento di un elevato grado di soddisfazione delle imprese partecipanti a "
                                       "incontri d'affari fra buyer esteri - Paviaviluppo")
    assert wrapped.line_end == _line_of(lines, "⇥partecipanti a incontri")
    (obj,) = [o for o in out.objectives if o.provenance.source_line == wrapped_line]
    assert obj.objective_title == wrapped.objective_title and obj.parent_code == "PROSP. 1"
    # a perspective row resets the carried code: rows under PROCESSI INTERNI have none
    internal = _at(out.readings, _line_of(lines, "⇥Incidenza contributi"))
    assert internal.objective_code is None
    (obj,) = [o for o in out.objectives if o.provenance.source_line == internal.provenance.source_line]
    assert (obj.parent_code, obj.perspective) == ("PROSP. 2", "PROCESSI INTERNI")
    # carried across a repeated header; measured at the merger date; "≤ 35" printed without %
    carried = _at(out.readings, _line_of(lines, "⇥% di incasso"))
    assert (carried.objective_code, carried.target_value, carried.actual_value) == ("4.1", 65.0, 81.15)
    assert "result measured at 18.11.2024" in carried.notes
    ratio = _at(out.readings, _line_of(lines, "4.1⇥"))
    assert (ratio.target_raw, ratio.target_value, ratio.target_operator, ratio.target_unit) == ("≤ 35", 35.0, "<=", None)
    assert "result measured" not in first.notes  # "AI 31.12.2024" is the year end
    areas = {o.objective_code: o.objective_title for o in out.objectives if o.objective_level == "area"}
    assert areas == {"PROSP. 1": "SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE", "PROSP. 2": "PROCESSI INTERNI",
                     "PROSP. 3": "CRESCITA E APPRENDIMENTO", "PROSP. 4": "ECONOMICO-FINANZIARIA"}


def test_annex_b_and_unit_tables() -> None:
    lines = ANNEX_B_AND_UNITS
    out = _parse_lines(lines)
    assert out.quarantined == []
    ente = [r for r in out.readings if r.table_role == "detail"]
    assert len(ente) == 14 and {r.objective_level for r in ente} == {"operational"}
    assert all(r.objective_code is None for r in ente)
    # "≥ 80% ≥ 50%": original and revised target; NOTE continued on a row holding only the last cell
    revised = _at(out.readings, _line_of(lines, "⇥Sostenere le mpmi pavese in materia"))
    assert (revised.target_raw, revised.target_value, revised.target_operator) == ("≥ 80%", 80.0, ">=")
    assert (revised.target_revised_raw, revised.target_revised_value) == ("≥ 50%", 50.0)
    assert (revised.actual_value, revised.achievement_pct) == (None, None)
    assert revised.line_end == _line_of(lines, "⇥⇥⇥⇥⇥⇥Non valutabile")
    assert "Non valutabile per carenza di domande" in revised.notes
    # the 2.1 title wraps into col 1 of a new data row: same parent, full title, not a new objective
    kit_line = _line_of(lines, "STRUTTURA E ASSICURARE")
    kit = _at(out.readings, kit_line)
    assert (kit.target_raw, kit.target_value, kit.target_revised_raw, kit.actual_raw, kit.actual_value) == (
        "31.12.2024", None, "15.11.2024", "13.11.2024", None)
    parents = {o.provenance.source_line: o.parent_code for o in out.objectives}
    assert parents[kit_line] == parents[_line_of(lines, "2.1 - MIGLIORARE")] == "2.1"
    assert "'2.1 - MIGLIORARE L'EFFICIENZA DELLA STRUTTURA E ASSICURARE UN ADEGUATO" in kit.notes
    # chamber and agency parts in one cell: the value is the chamber's
    training = _at(out.readings, _line_of(lines, "≥ 20 CCIAA ≥ 18 PVS"))
    assert (training.target_raw, training.target_value, training.target_operator) == ("≥ 20 CCIAA ≥ 18 PVS", 20.0, ">=")
    assert (training.actual_raw, training.actual_value) == ("n. 72 CCIAA n. 21 PVS", 72.0)
    eliminated = _at(out.readings, _line_of(lines, "⇥Customer su scala 1-5⇥≥ 3⇥-⇥-"))
    assert (eliminated.actual_raw, eliminated.actual_value, eliminated.achievement_pct) == ("-", None, None)
    payments = _at(out.readings, _lines_with(lines, "⇥Mantenimento dei tempi di pagamento")[0])  # printed twice
    assert (payments.target_raw, payments.target_value, payments.target_operator) == ("≤ - 15", -15.0, "<=")
    assert (payments.actual_raw, payments.actual_value) == ("- 12,65", -12.65)
    # the unit table: restated rows with their unit, carry across the page break, heading and repeated header
    unit = [r for r in out.readings if r.unit_name == "SERVIZIO RISORSE E PATRIMONIO"]
    assert len(unit) == 6 and {(r.objective_level, r.table_role) for r in unit} == {(UNIT_TABLE_LEVEL, "summary")}
    restated_payments = unit[-1]
    assert restated_payments.restates_line == payments.provenance.source_line
    assert "parent strategic objective 4.1" in restated_payments.notes
    positions = [r for r in unit if r.indicator_name == "n. posizioni morose controllate"][0]
    assert positions.line_end == _line_of(lines, "⇥⇥⇥⇥⇥⇥Al 31.12.2024 N. 1.992")
    assert "N. 1.992 posizioni su 1.992 controllate" in positions.notes
    empty_result = [r for r in unit if r.indicator_name == "Customer su scala 1-5"][0]
    assert empty_result.restates_line == eliminated.provenance.source_line
    assert (empty_result.actual_raw, empty_result.achievement_pct) == (None, None)
    # the special agency table prints only the agency part
    agency = _at(out.readings, _line_of(lines, "⇥≥ 18 PVS⇥"))
    assert (agency.unit_name, agency.target_value, agency.actual_value) == ("AZIENDA SPECIALE PAVIASVILUPPO", 18.0, 21.0)
    assert (agency.objective_level, agency.table_role) == ("other", "summary")
    assert agency.restates_line == training.provenance.source_line
    # restatements get no objective of their own
    assert len(out.objectives) == 14
    scores = {(f.fact_name, f.subject_code): f.value for f in out.facts}
    assert scores[("performance_unit", "SERVIZIO RISORSE E PATRIMONIO")] == 100.0
    assert scores[("count_unit_objectives", "SERVIZIO RISORSE E PATRIMONIO")] == 5.0
    assert scores[("count_unit_objectives", "AZIENDA SPECIALE PAVIASVILUPPO")] == 9.0


def test_new_block_without_code_does_not_inherit_the_previous_code() -> None:
    lines = NEW_UNIT_WITHOUT_CODE
    out = _parse_lines(lines)
    previous = _at(out.readings, _line_of(lines, "3.1 - PROMUOVERE"))
    assert "parent strategic objective 3.1" in previous.notes
    first_of_new_unit = _at(out.readings, _line_of(lines, "⇥Adozione kit"))
    assert first_of_new_unit.unit_name == "SERVIZIO AFFARI GENERALI"
    assert "parent strategic objective" not in first_of_new_unit.notes
    assert (first_of_new_unit.target_raw, first_of_new_unit.target_revised_raw) == ("31.12.2024", "15.11.2024")


def test_individual_and_staff_tables() -> None:
    lines = INDIVIDUAL_AND_STAFF
    out = _parse_lines(lines)
    assert out.quarantined == []
    assert len(out.readings) == 14 and {(r.objective_level, r.table_role) for r in out.readings} == {("other", "detail")}
    assert len(out.objectives) == 14 and all(o.unit_name for o in out.objectives)
    sg = _at(out.readings, _line_of(lines, "Rispetto dei tempi di pagamento"))
    assert sg.unit_name == "Segretario Generale"
    assert (sg.target_value, sg.target_operator, sg.actual_value) == (-5.0, "<=", -12.65)
    assert (sg.baseline_raw, sg.baseline_value) == ("2023 = - 12,77", -12.77)
    assert "result measured at 18.11.2024" in sg.notes
    coordination = _at(out.readings, _line_of(lines, "Coordinamento delle attività"))
    assert (coordination.baseline_raw, coordination.baseline_value) == ("Al 30.6.2023 = 87,95%", 87.95)
    both = _at(out.readings, _line_of(lines, "Grado di copertura delle attività formative"))
    assert (both.actual_raw, both.actual_value) == ("CCIAA = 100% PVS = 100%", 100.0)
    wrapped_in_p = _at(out.readings, _line_of(lines, "<p>Realizzazione delle attività previste nel Piano Promozionale 2023 - Dirigente"))
    assert wrapped_in_p.objective_title == ("Realizzazione delle attività previste nel Piano Promozionale 2023 - "
                                            "Dirigente Area Servizi Promozionali")
    assert (wrapped_in_p.target_raw, wrapped_in_p.target_value, wrapped_in_p.target_operator) == ("50%", 50.0, None)
    eq = _at(out.readings, _line_of(lines, "Partecipare a percorsi formativi"))
    assert eq.unit_name == "Posizione Organizzativa - Servizio Regolazione del Mercato"
    staff = _at(out.readings, _line_of(lines, "Prospettiva 1 Sostenere"))
    assert (staff.unit_name, staff.target_raw, staff.target_value, staff.target_operator) == (
        "PERSONALE PAVIASVILUPPO", "20", 20.0, None)
    perspectives = {o.provenance.source_line: o.perspective for o in out.objectives}
    six_cells = _line_of(lines, "Coinvolgimento imprese settore vino")  # printed without the 2 leading cells
    assert perspectives[six_cells] == "Prospettiva 1 Sostenere la competitività del sistema imprenditoriale"
    wine = _at(out.readings, six_cells)
    assert (wine.baseline_raw, wine.baseline_value, wine.target_value, wine.actual_value) == ("2023= 63", 63.0, 30.0, 52.0)
    agency_payments = _at(out.readings, _line_of(lines, "⇥⇥Mantenimento dei tempi di pagamento"))
    assert perspectives[agency_payments.provenance.source_line] == "Prospettiva 2 Processi Interni"
    assert (agency_payments.target_value, agency_payments.actual_value, agency_payments.baseline_value) == (-5.0, -7.43, -4.05)


def test_summary_scores_and_stated_counts() -> None:
    lines = SUMMARY
    out = _parse_lines(lines)
    facts = {(f.fact_name, f.subject_code): f for f in out.facts}
    assert all(f.is_derived is False and f.year == 2024 for f in out.facts)
    assert facts[("performance_entity", None)].value == 100.0
    assert facts[("performance_area", "PROSP. 3")].provenance.source_line == _line_of(lines, "⇥PROSP. 3")
    units = [f for f in out.facts if f.fact_name == "performance_unit"]
    assert [f.subject_code for f in units[:3]] == ["Servizi alle dirette dipendenze del Segretario Generale",
                                                  "Servizio Affari Generali", "Servizio Risorse e Patrimonio"]
    counts = {name: f.value for (name, subject), f in facts.items() if name.startswith("count_") and subject is None}
    assert counts == {"count_strategic_objectives": 24.0, "count_strategic_objectives_achieved": 22.0,
                      "count_strategic_objectives_not_assessed": 2.0, "count_operational_objectives": 30.0,
                      "count_operational_objectives_achieved": 29.0, "count_operational_objectives_not_assessed": 1.0}
    # three bold headings and two scores merged on one line
    assert facts[("count_unit_objectives", "SERVIZIO REGOLAZIONE MERCATO")].value == 7.0
    assert facts[("count_unit_objectives", "AREA SERVIZI ISTITUZIONALI")].value == 13.0
    assert facts[("performance_unit", "AREA SERVIZI ISTITUZIONALI")].value == 100.0
    areas = [o for o in out.objectives if o.objective_level == "area"]
    assert [(o.objective_code, o.achievement_pct) for o in areas] == [(f"PROSP. {n}", 100.0) for n in range(1, 5)]
    assert out.readings == []


def test_what_cannot_be_parsed_is_quarantined() -> None:
    header = ANNEX_B_AND_UNITS[0]
    lines = [
        "Sostenere le imprese⇥N. imprese⇥≥ 80%⇥90%⇥100%",  # an indicator-like row before any header
        header,
        "⇥⇥⇥⇥⇥⇥Al 31.12.2024 N. 1.992 posizioni",  # a continuation with nothing above it
        "1.1 - X⇥Obiettivo⇥Indicatore⇥≥ 80%⇥90%⇥100%⇥nota⇥extra⇥cella",  # more cells than the header
        "⇥⇥⇥≥ 80%⇥90%⇥100%⇥nota",  # values without objective or indicator
        "⇥Obiettivo⇥Indicatore⇥⇥⇥⇥nota",  # objective and indicator without any value
        "",
        "FOO⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO",  # an indicator table of an unknown kind
        "x⇥y⇥≥ 5⇥6",
    ]
    out = _parse_lines([line.replace("⇥", "\t") for line in lines])
    assert out.readings == []
    assert [q.provenance.source_line for q in out.quarantined] == [1, 3, 4, 5, 6, 8, 9]
    assert all(q.layout == "scorecard_carried_cells" and q.reason for q in out.quarantined)


# -- the same excerpts printed as space-aligned columns, or without blank lines -------------------------------------

STAFF_BLOCKS = _excerpt("""
**OBIETTIVI INDIVIDUALI PERSONALE CAMERALE - ANNO 2024
EX CCIAA PV**

<i>PROSPETTIVE</i>⇥<i>PERSONALE - UFFICI-SERVIZI</i>⇥<i>OBIETTIVI INDIVIDUALI</i>⇥<i>INDICATORE</i>⇥<i>RISULTATO ATTESO</i>⇥<i>RISULTATO</i>⇥<i>% DI RAGGIUNGIMENTO</i>⇥<i>NOTE</i>
Prospettiva 1 Sostenere la competitività del sistema imprenditoriale⇥Ufficio Registro Imprese - Servizi telematici⇥Rispetto dei tempi di evasione delle pratiche del registro imprese⇥pratiche evase entro 5 gg. lavorativi dal ricevimento / n. pratiche evase⇥≥ 86%⇥95%⇥100%⇥Fonte: Priamo 2023 = 92,5%
⇥Ufficio Registro Imprese - Servizi telematici⇥Tempi medi di lavorazione delle pratiche telematiche del Registro Imprese⇥Tempi medi di lavorazione delle pratiche telematiche del Registro Imprese⇥≤ 4 gg. lavorativi⇥1,7 gg.⇥100%⇥Fonte: Priamo 2023 = 1,9 gg

⇥Ufficio Servizi di Sportello e Sanzioni (tutto il personale dell'Ufficio)⇥Miglioramento efficienza nel rilascio dei certificati di origine⇥certificati evasi entro 4 giorni lavorativi dalla data di richiesta telematica⇥≥ 90%⇥99,29%⇥100,00%⇥Fonte: Cert'O 2023 = 94,79%
⇥Servizio Regolazione del Mercato (tutto il personale del servizio)⇥Organizzazione iniziativa in materia di P.I./intellettuale nell'ambito del relativo servizio di orientamento⇥N. 1 iniziativa⇥31.12.2024 15.11.2024⇥11.11.2024⇥100%⇥Atti d'ufficio 2023 = 1 il 28.11.2023

OBIETTIVI INDIVIDUALI PERSONALE PAVIASVILUPPO - ANNO 2024

<i>PROSPETTIVE</i>⇥<i>PERSONALE</i>⇥<i>OBIETTIVI INDIVIDUALI</i>⇥<i>INDICATORE</i>⇥<i>RISULTATO ATTESO</i>⇥<i>RISULTATO AL 31.12.2024</i>⇥<i>% DI RAGGIUNGIMENTO</i>⇥<i>NOTE</i>
Prospettiva 1 Sostenere la competitività del sistema imprenditoriale⇥⇥Coinvolgere imprese in percorsi di affiancamento sui mercati esteri⇥N. imprese coinvolte⇥20⇥53⇥100%⇥Fonte: atti e documentazione d'ufficio. 2023 = 36

Coinvolgimento imprese settore vino nelle iniziative promozionali dell'Azienda⇥n. adesioni di imprese⇥30⇥52⇥100%⇥Fonte: atti e documentazione d'ufficio 2023= 63

⇥⇥Elaborazione e diffusione Comunicati Stampa⇥n. Comunicati Stampa lanciati⇥10⇥16⇥100%⇥Sezione dedicata sito web Camera 2023 = 16
Prospettiva 2 Processi Interni⇥⇥Elaborare un prospetto trimestrale riepilogativo di tutti i Crediti scaduti nei confronti dell'Azienda⇥n. prospetti trimestrali⇥4⇥4⇥100%⇥Fonte: atti e documentazione d'ufficio 2023 = 4
⇥⇥Mantenimento dei tempi di pagamento dei fornitori.⇥Indicatore di cui all'art. 9 comma 2 del DPCM 22.9.2014⇥≤ - 5⇥-7,43⇥100%⇥Fonte: atti e documentazione d'ufficio 2023 = - 4,05 2024 = fonte report CON2
""")


def _shape(out: ParsedSegment) -> list[tuple]:
    """What a reading and its objective say, line by line (the fields a converter must not change)."""
    perspectives = {o.provenance.source_line: (o.perspective, o.parent_code) for o in out.objectives}
    return [(r.provenance.source_line, r.line_end, r.objective_level, r.table_role, r.objective_code,
             r.objective_title, r.indicator_name, r.unit_name, r.target_raw, r.target_value, r.target_operator,
             r.target_revised_raw, r.actual_raw, r.actual_value, r.achievement_pct, r.baseline_value, r.restates_line,
             perspectives.get(r.provenance.source_line)) for r in out.readings]


def test_staff_tables_printed_as_aligned_columns() -> None:
    lines = STAFF_BLOCKS
    laid = aligned(lines).lines
    assert not any("\t" in line or "<i>" in line for line in laid)
    # As aligned columns a column empty in every row of a block is no column at all: the block under the
    # chamber's header has no PROSPETTIVE column, the agency's last block no PERSONALE column.
    model = DocumentModel(laid)
    assert len(model.line(_line_of(lines, "Miglioramento efficienza")).cells) == 7
    assert len(model.line(_line_of(lines, "Prospettiva 2 Processi Interni")).cells) == 7
    out = _parse_lines(laid)
    assert out.quarantined == []
    assert _shape(out) == _shape(_parse_lines(lines))
    certificates = _at(out.readings, _line_of(lines, "Miglioramento efficienza"))
    assert certificates.unit_name == "Ufficio Servizi di Sportello e Sanzioni (tutto il personale dell'Ufficio)"
    assert (certificates.target_value, certificates.target_operator, certificates.actual_value) == (90.0, ">=", 99.29)
    assert (certificates.baseline_raw, certificates.baseline_value) == ("2023 = 94,79%", 94.79)
    event = _at(out.readings, _line_of(lines, "Organizzazione iniziativa in materia"))
    assert (event.target_raw, event.target_revised_raw, event.actual_raw) == ("31.12.2024", "15.11.2024", "11.11.2024")
    perspectives = {o.provenance.source_line: o.perspective for o in out.objectives}
    assert perspectives[certificates.provenance.source_line] == (
        "Prospettiva 1 Sostenere la competitività del sistema imprenditoriale")
    press = _at(out.readings, _line_of(lines, "Elaborazione e diffusione Comunicati Stampa"))
    assert (press.unit_name, press.target_value, press.actual_value) == ("PERSONALE PAVIASVILUPPO", 10.0, 16.0)
    payments = _at(out.readings, _line_of(lines, "Mantenimento dei tempi di pagamento"))
    assert perspectives[payments.provenance.source_line] == "Prospettiva 2 Processi Interni"
    assert (payments.unit_name, payments.target_value, payments.target_operator, payments.actual_value,
            payments.baseline_value) == ("PERSONALE PAVIASVILUPPO", -5.0, "<=", -7.43, -4.05)


def test_annex_a_printed_as_aligned_columns() -> None:
    # Perspective rows ("PROCESSI INTERNI") and wrapped cells lose their empty trailing cells as aligned columns.
    lines = ANNEX_A
    laid = aligned(lines).lines
    assert len(DocumentModel(laid).line(_line_of(lines, "PROCESSI INTERNI⇥")).cells) == 1
    out = _parse_lines(laid)
    assert out.quarantined == []
    assert _shape(out) == _shape(_parse_lines(lines))
    internal = _at(out.readings, _line_of(lines, "⇥Incidenza contributi"))
    assert (internal.objective_code, internal.target_value, internal.actual_value) == (None, 40.0, 47.72)
    wrapped = _at(out.readings, _line_of(lines, "⇥Mantenimento di un elevato"))
    assert wrapped.objective_title.endswith("partecipanti a incontri d'affari fra buyer esteri - Paviaviluppo")
    carried = _at(out.readings, _line_of(lines, "⇥% di incasso"))
    assert (carried.objective_code, carried.target_value, carried.actual_value) == ("4.1", 65.0, 81.15)


def test_annex_b_and_units_printed_as_aligned_columns_or_without_blank_lines() -> None:
    lines = ANNEX_B_AND_UNITS
    original = _parse_lines(lines)
    out = _parse_lines(aligned(lines).lines)
    assert out.quarantined == []
    assert _shape(out) == _shape(original)
    scores = {(f.fact_name, f.subject_code): f.value for f in out.facts}
    assert scores[("count_unit_objectives", "SERVIZIO RISORSE E PATRIMONIO")] == 5.0
    training = _at(out.readings, _line_of(lines, "≥ 20 CCIAA ≥ 18 PVS"))
    assert (training.target_value, training.actual_value) == (20.0, 72.0)
    squeezed = no_blanks(lines)
    out = _parse_lines(squeezed.lines)
    moved = {new: old for old, new in squeezed.line_map.items()}
    assert out.quarantined == []
    assert [(moved[r.provenance.source_line], r.target_value, r.actual_value, r.unit_name, r.table_role)
            for r in out.readings] == [(r.provenance.source_line, r.target_value, r.actual_value, r.unit_name,
                                        r.table_role) for r in original.readings]


@pytest.mark.parametrize(("raw", "prefer", "expected"), [
    ("≥ 80% ≥ 50%", ("CCIAA",), ("≥ 80%", 80.0, ">=", "%", "≥ 50%", 50.0)),
    ("31.12.2024 15.11.2024", ("CCIAA",), ("31.12.2024", None, None, None, "15.11.2024", None)),
    ("≥ 20 CCIAA ≥ 18 PVS", ("CCIAA", "PVS"), ("≥ 20 CCIAA ≥ 18 PVS", 20.0, ">=", None, None, None)),
    ("≥ 20 CCIAA ≥ 18 PVS", ("PVS", "CCIAA"), ("≥ 20 CCIAA ≥ 18 PVS", 18.0, ">=", None, None, None)),
    ("CCIAA = 100% PVS = 90%", ("PVS", "CCIAA"), ("CCIAA = 100% PVS = 90%", 90.0, "=", "%", None, None)),
    ("n. 21 PVS", ("CCIAA", "PVS"), ("n. 21 PVS", 21.0, None, None, None, None)),
    ("≤ - 15", ("CCIAA",), ("≤ - 15", -15.0, "<=", None, None, None)),
    ("-12,65%", ("CCIAA",), ("-12,65%", -12.65, None, "%", None, None)),
    ("≥ 10€", ("CCIAA",), ("≥ 10€", 10.0, ">=", "EUR", None, None)),
    ("≤ 4,5 gg. lavorativi", ("CCIAA",), ("≤ 4,5 gg. lavorativi", 4.5, "<=", "gg", None, None)),
    ("≥120", ("CCIAA",), ("≥120", 120.0, ">=", None, None, None)),
    ("30/6/2024", ("CCIAA",), ("30/6/2024", None, None, None, None, None)),
    ("14.985", ("CCIAA",), ("14.985", 14985.0, None, None, None, None)),
    ("108 h", ("CCIAA",), ("108 h", 108.0, None, "ore", None, None)),
    ("≥ 90% entro il 31/10/2024", ("CCIAA",), ("≥ 90% entro il 31/10/2024", 90.0, ">=", "%", None, None)),
    ("-", ("CCIAA",), ("-", None, None, None, None, None)),
    ("", ("CCIAA",), (None, None, None, None, None, None)),
])
def test_read_cell(raw: str, prefer: tuple[str, ...], expected: tuple) -> None:
    cell = read_cell(raw, prefer)
    revised = cell.revised
    got = (cell.measure.raw, cell.measure.value, cell.measure.operator, cell.measure.unit,
           revised.raw if revised else None, revised.value if revised else None)
    assert got == expected


@pytest.mark.parametrize(("note", "year", "expected"), [
    ("PARETO 2023 = 59,83% Al 18.11.2024", 2024, ("2023 = 59,83%", 59.83)),
    ("Piattaforma UIBM 2023 = 3,4. Al 31.12.2024", 2024, ("2023 = 3,4", 3.4)),
    ("Fonte: atti 2023 = - 4,05 2024 = fonte report CON2", 2024, ("2023 = - 4,05", -4.05)),
    ("Piano Promozionale 2024 2022 = 95,45% Al 31.12.2024", 2024, ("2022 = 95,45%", 95.45)),
    ("Relazione sulla Performance Al 30.6.2023 = 87,95% Al 31.12.2024", 2024, ("Al 30.6.2023 = 87,95%", 87.95)),
    ("PARETO 2023 = ND NON VALUTABILE", 2024, ("2023 = ND", None)),
    ("Atti Ufficio Risorse Umane e Organizzazione Al 31.12.2024 = 100%", 2024, None),  # the report year: a result
    ("EX CCIAA PV= 100% PVS = 100% AI 31.12.2024", 2024, None),
])
def test_find_baseline(note: str, year: int, expected: tuple | None) -> None:
    assert find_baseline(note, year) == expected
