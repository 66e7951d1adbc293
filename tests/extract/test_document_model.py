"""The document model on text printed by a converter that keeps the page geometry (`pdftotext -layout`)."""

from __future__ import annotations

from ccperf.extract.document import DocumentModel
from ccperf.extract.extractor import extract_source
from ccperf.extract.text import source_from_bytes

# As pdftotext -layout prints a ruled PDF table with narrow columns: each row's cells wrap over three lines,
# top-aligned (the layout of a chamber no parser knows: the generic reader or a cell-reading layout reads it).
_ROW = (
    "Numero di imprese assistite nei percorsi di         OPERATIVO   >= {t} imprese    {a} imprese coinvolte nel   "
    "Dato rilevato dal sistema di\n"
    "digitalizzazione e di innovazione tecnologica del               coinvolte        corso dell'anno            "
    "monitoraggio interno della\n"
    "programma numero {n}                                                                                          "
    "camera\n"
)
_WRAPPED_TABLE = (
    " Camera di Commercio di Lecco\n Relazione sulla performance 2023\n\n"
    " Obiettivo strategico 1.1 - Sostenere la digitalizzazione delle imprese del territorio\n\n"
    "Indicatore                                          Tipo        Target 2023      Risultato 2023             Note\n"
    + "".join(_ROW.format(t=10 + n, a=20 + n, n=n) for n in range(6))
    + "\nFine.\n"
)


def _model(text: str) -> DocumentModel:
    return DocumentModel(text.split("\n"))


def test_a_row_wrapped_over_several_lines_is_one_row_on_its_first_line() -> None:
    model = _model(_WRAPPED_TABLE)
    first = model.line(7)
    assert first.is_row and first.texts == [
        "Numero di imprese assistite nei percorsi di digitalizzazione e di innovazione tecnologica del programma "
        "numero 0", "OPERATIVO", ">= 10 imprese coinvolte", "20 imprese coinvolte nel corso dell'anno",
        "Dato rilevato dal sistema di monitoraggio interno della camera"]
    assert {8, 9} <= model.continued and 10 not in model.continued  # line 10 starts the next row
    assert [line.number for line in model.content(6, 12)] == [6, 7, 10]


def test_wrapped_rows_read_as_one_reading_each() -> None:
    result = extract_source(source_from_bytes("lecco.txt", _WRAPPED_TABLE.encode()))
    readings = sorted(result.readings, key=lambda r: r.provenance.source_line)
    assert [r.provenance.source_line for r in readings] == [7, 10, 13, 16, 19, 22]
    assert {r.indicator_name for r in readings} == {
        "Numero di imprese assistite nei percorsi di digitalizzazione e di innovazione tecnologica del programma "
        f"numero {n}" for n in range(6)}
    assert [(r.target_raw, r.actual_raw) for r in readings][:2] == [
        (">= 10 imprese coinvolte", "20 imprese coinvolte nel corso dell'anno"),
        (">= 11 imprese coinvolte", "21 imprese coinvolte nel corso dell'anno")]
    assert all(r.chamber_name == "Lecco" and r.year == 2023 for r in readings)


def test_justified_prose_and_a_status_line_under_a_row_stay_lines_of_their_own() -> None:
    prose = (
        "Lo  sportello  è  fruibile  solo  su  appuntamento,  da  richiedere  tramite  la  piattaforma\n"
        "“Servizi on line” disponibile sul sito camerale.\n"
        "dal  lunedì  al  venerdì  dalle  ore  8.30  alle  ore  12.15,  accesso  del  pubblico  su\n"
        "appuntamento dal lunedì al venerdì nelle ore pomeridiane.\n"
    )
    assert not _model(prose).continued
    table = (
        "Tempo medio di lavorazione delle pratiche telematiche Registro Imprese    <= 5 giorni    3,2 giorni    100%\n"
        "OBIETTIVO CONSEGUITO\n"
        "Tempo medio di cancellazione dei protesti                                  <= 20 giorni   12 giorni     100%\n"
        "% RAGGIUNGIMENTO OBIETTIVI: 200/2 = 100%\n"
    )
    assert not _model(table).continued


def test_a_page_left_margin_is_not_part_of_the_text() -> None:
    page = "Relazione sulla performance 2023\n" + "".join(f"   riga {n} del testo\n" for n in range(20))
    model = _model(page + "\f" + page)
    assert model.line(2).text == "riga 0 del testo"
    assert model.line(1).text == "Relazione sulla performance 2023"
