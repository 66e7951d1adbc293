"""Segmentation and detection from content: chamber, year, kind and layout of every part of every document."""

from pathlib import Path

import pytest

from ccperf.extract.chambers import registry
from ccperf.extract.segment import split_segments
from ccperf.extract.text import read_source, source_from_bytes
from tests.conftest import MANTOVA_FILE, RAW_DIR


def _summary(path: Path) -> list[tuple]:
    return [(s.chamber_name, s.year, s.doc_kind, s.layout, s.role) for s in split_segments(read_source(path))]


def test_the_merged_2024_report_splits_into_its_parts() -> None:
    segments = split_segments(read_source(RAW_DIR / MANTOVA_FILE))
    assert [(s.chamber_name, s.role, s.layout) for s in segments] == [
        ("Cremona-Mantova-Pavia", "preamble", "narrative"),
        ("Cremona", "report", "area_objective_tables"),
        ("Mantova", "report", "integra"),
        ("Pavia", "report", "scorecard_carried_cells"),
        ("Cremona", "addendum", "area_objective_tables"),
    ]
    assert all(s.year == 2024 and s.doc_kind == "relazione_performance" for s in segments)
    # contiguous and covering the whole file
    assert segments[0].line_start == 1
    assert all(a.line_end + 1 == b.line_start for a, b in zip(segments, segments[1:], strict=False))
    assert segments[-1].line_end == 2262
    mantova = segments[2]
    assert read_source(RAW_DIR / MANTOVA_FILE).line(mantova.line_start + 1) == "Mantova"


@pytest.mark.parametrize(("file_name", "expected"), [
    ("000_b94ecf89defcc372.txt", ("Cremona", 2020, "relazione_performance", "wrapped_cells", "report")),
    ("002_4c02911812a27649.txt", ("Cremona", 2022, "relazione_gestione", "mission_prose", "report")),
    ("003_a0c237837c23239d.txt", ("Brescia", 2020, "piano_performance", "plan_cards", "report")),
    ("004_0cdd469904be561d.txt", ("Massa-Carrara", 2019, "relazione_performance", "tree_ob_ind", "report")),
])
def test_single_report_documents(file_name: str, expected: tuple) -> None:
    assert _summary(RAW_DIR / file_name) == [expected]


def test_detection_follows_the_content_of_an_altered_copy() -> None:
    """Other chamber names, another year and shifted lines: detection must follow the text, not known values."""
    text = (RAW_DIR / MANTOVA_FILE).read_text(encoding="utf-8")
    altered = ("\n" * 7 + text).replace("Mantova", "Lecco").replace("MANTOVA", "LECCO").replace("2024", "2031")
    segments = split_segments(source_from_bytes("altered.txt", altered.encode("utf-8")))
    report = next(s for s in segments if s.layout == "integra")
    assert (report.chamber_name, report.year) == ("Lecco", 2031)
    assert segments[0].chamber_name == "Cremona-Lecco-Pavia"


def test_text_without_a_known_layout_is_reported_as_unknown() -> None:
    source = source_from_bytes("note.txt", b"Verbale della riunione\nSi discute del bilancio.\n")
    (segment,) = split_segments(source)
    assert segment.layout == "unknown"


@pytest.mark.parametrize(("printed", "canonical"), [
    ("MASSA CARRARA", "Massa-Carrara"), ("Massa – Carrara", "Massa-Carrara"), ("PAVIA", "Pavia"),
    ("CREMONA - MANTOVA - PAVIA", "Cremona-Mantova-Pavia"), ("Reggio Emilia", "Reggio Emilia"),
])
def test_canonical_chamber_names(printed: str, canonical: str) -> None:
    assert registry().named(printed).short_name == canonical
