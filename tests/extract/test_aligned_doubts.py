"""Rows read from space-aligned columns (`pdftotext -layout` of a table) whose cells look cut or run together go to
review (a confidence under CONFIDENCE_FOR_REVIEW, with the reason in the notes), never to the marts; the same
table with tabs is read as before."""

from __future__ import annotations

from ccperf.extract.document import DocumentModel
from ccperf.extract.layouts.doubts import value_doubt, words_only, wraps_as_aligned_row
from ccperf.extract.layouts.generic import CONFIDENCE_FOR_REVIEW, GenericTables
from ccperf.extract.parser import SegmentContext
from ccperf.extract.text import source_from_bytes
from ccperf.model import Reading, Segment

# a table as pdftotext -layout prints it: cells wrapped over lines, top-aligned; the third row's rest is printed on
# a line of its own with words under the value columns (its name and result were cut at the first line)
ALIGNED = """Relazione sulla performance 2024

Indicatore                          Target          Consuntivo
Tempo medio di evasione delle       <= 5 gg         3,2 gg
pratiche telematiche
Numero di eventi di                 >= 10           12
informazione realizzati             realizzati      fatture (Fonte Kronos)
"""
# columns printed one space apart: the header cell holds three roles, every row under it is doubtful
MERGED = """Relazione sulla performance 2024

Indicatore Algoritmo Target 2024                  Consuntivo   Scostamento
Grado di adesione Imprese / imprese = 100,00 %    100,00 %     -
"""


def _read(text: str) -> list[Reading]:
    source = source_from_bytes("t.txt", text.encode("utf-8"))
    model = DocumentModel(source.lines)
    segment = Segment("x", "t.txt", 0, 1, len(source.lines), "Cremona", 2024, "relazione_performance", "generic")
    return GenericTables.parse(SegmentContext(source, segment, model)).readings


def test_a_wrapped_row_cut_at_its_first_line_goes_to_review() -> None:
    readings = {r.provenance.source_line: r for r in _read(ALIGNED)}
    clean = readings[4]
    assert (clean.indicator_name, clean.target_value, clean.actual_value) == (
        "Tempo medio di evasione delle pratiche telematiche", 5.0, 3.2)
    assert clean.confidence is not None and clean.confidence >= CONFIDENCE_FOR_REVIEW
    cut, rest = readings[6], readings[7]
    assert cut.indicator_name == "Numero di eventi di" and cut.confidence < CONFIDENCE_FOR_REVIEW
    assert "its name or values were cut" in (cut.notes or "")
    assert rest.actual_raw == "fatture (Fonte Kronos)" and rest.confidence < CONFIDENCE_FOR_REVIEW
    assert "holds words only" in (rest.notes or "")


def test_the_same_table_with_tabs_is_not_doubted() -> None:
    tabs = "Relazione sulla performance 2024\n\nIndicatore\tTarget\tConsuntivo\nNumero di eventi\t>= 10\t12\n"
    (reading,) = _read(tabs)
    assert (reading.target_value, reading.actual_value, reading.confidence) == (10.0, 12.0, 1.0)
    assert reading.notes is None


def test_rows_under_a_header_whose_columns_ran_together_go_to_review() -> None:
    readings = _read(MERGED)
    assert readings and all(r.confidence < CONFIDENCE_FOR_REVIEW for r in readings)
    assert "holds the columns indicator, formula, target" in (readings[0].notes or "")


def test_value_cells_of_words_or_of_two_values_are_doubted() -> None:
    assert words_only("fatture (Fonte Osservatorio camerale)") and words_only("Obiettivo annuale già")
    assert not any(map(words_only, ["Raggiunto", "sì", "2024", "≥ 90%", "31.12.2024", ""]))
    assert value_doubt(">= 4,50 N. 4,86 N.", "", "") == "target and result ran into one cell ('>= 4,50 N. 4,86 N.')"
    assert "ran into the cell before it" in (value_doubt("", "100,00 %", "(Fonte Rilevazione = 100,00 %") or "")
    assert value_doubt("<= 5 gg", "3,2 gg", "Ritardo medio") is None


def test_a_row_whose_cells_go_on_over_the_next_line_is_told() -> None:
    model = DocumentModel(ALIGNED.split("\n"))
    assert wraps_as_aligned_row(model, 4)  # joined by the model: its continuation carries on the name
    assert wraps_as_aligned_row(model, 6)  # the next line has cells of its own
    assert not wraps_as_aligned_row(model, 1)


def test_a_value_printed_in_words_on_a_row_of_one_line_is_published() -> None:
    """Targets and results are often words ("Referti OIV", "In corso di regolare realizzazione"): in aligned text
    they are doubted only where the row wraps over lines, not on a row printed on one line."""
    rows = [("Indicatore", "Target", "Consuntivo"),
            ("Attuazione adempimenti Piano Anticorruzione", "Referti OIV", "Referti OIV"),
            ("Avvio del progetto transizione energetica", "Avvio del progetto", "In corso di realizzazione"),
            ("Numero di eventi realizzati", ">= 10", "12")]
    text = "Relazione sulla performance 2024\n\n" + "".join(f"{a:<46}{b:<21}{c}\n" for a, b, c in rows)
    readings = _read(text)
    assert [(r.indicator_name, r.target_raw, r.actual_raw) for r in readings] == [
        ("Attuazione adempimenti Piano Anticorruzione", "Referti OIV", "Referti OIV"),
        ("Avvio del progetto transizione energetica", "Avvio del progetto", "In corso di realizzazione"),
        ("Numero di eventi realizzati", ">= 10", "12")]
    assert all(r.confidence is not None and r.confidence >= CONFIDENCE_FOR_REVIEW for r in readings)
    assert not any("for review" in (r.notes or "") for r in readings)
