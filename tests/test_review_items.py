"""`ccperf review` on a publication's generic readings under the review threshold: each item names the file and
line and says why the reader doubted the row (the "for review: ..." of its notes)."""

from __future__ import annotations

import duckdb

from ccperf.review import review_items

_COLUMNS = ("reading_key varchar, document_key varchar, document_file varchar, source_line integer, "
            "chamber_name varchar, year integer, objective_code varchar, indicator_name varchar, target_raw varchar, "
            "actual_raw varchar, confidence double")


def _publication(with_notes: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(f"create table marts.review_readings ({_COLUMNS}{', notes varchar' if with_notes else ''})")
    row = ["k1", "d1", "pavia.txt", 120, "Pavia", 2024, None, "Numero di eventi di", ">= 10", "12", 0.5]
    other = ["k2", "d1", "pavia.txt", 140, "Pavia", 2024, None, "Grado di copertura", "100%", "98%", 0.55]
    if with_notes:
        row.append("for review: the line below carries on its cells: its name or values were cut; formula: a / b")
        other.append("formula: imprese / totale")
    con.executemany(f"insert into marts.review_readings values ({', '.join('?' * len(row))})", [row, other])
    return con


def test_a_doubted_reading_says_why_it_waits_for_review() -> None:
    items = [i for i in review_items(_publication(with_notes=True)) if i.kind == "reading"]
    assert [(i.where, i.what, i.excerpt) for i in items] == [
        ("pavia.txt:120", "generic reading, confidence 0.50 (the line below carries on its cells: its name or "
                          "values were cut): Numero di eventi di", "target >= 10; result 12"),
        ("pavia.txt:140", "generic reading, confidence 0.55: Grado di copertura", "target 100%; result 98%"),
    ]


def test_a_publication_without_the_notes_column_is_still_listed() -> None:
    items = [i for i in review_items(_publication(with_notes=False)) if i.kind == "reading"]
    assert [i.what for i in items] == ["generic reading, confidence 0.50: Numero di eventi di",
                                       "generic reading, confidence 0.55: Grado di copertura"]
