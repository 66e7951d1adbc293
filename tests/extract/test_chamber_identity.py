"""Which chamber and year a report belongs to: names from the national registry, in every form reports print them.

Renamed copies of every bundled document (tests/renamed.py: each chamber replaced, one by one, by 20 registry
chambers of different forms), title pages written as real reports write them, unknown chambers and a missed title
block.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache

import pytest

from ccperf.extract.chambers import REGISTRY_FILE, registry
from ccperf.extract.extractor import extract_source
from ccperf.extract.segment import split_segments
from ccperf.extract.text import source_from_bytes
from ccperf.model import ExtractionResult
from tests.conftest import RAW_DIR
from tests.renamed import TARGETS, expected_chamber, rename

DOCUMENTS = {
    "000_b94ecf89defcc372.txt": ("Cremona",),
    "001_454f49c59e8c1ba9.txt": ("Cremona", "Mantova", "Pavia"),
    "002_4c02911812a27649.txt": ("Cremona",),
    "003_a0c237837c23239d.txt": ("Brescia",),
    "004_0cdd469904be561d.txt": ("Massa-Carrara",),
}
CASES = [(doc, original, target) for doc, originals in DOCUMENTS.items() for original in originals
         for target in TARGETS]


def _extract(name: str, text: str) -> ExtractionResult:
    return extract_source(source_from_bytes(name, text.encode("utf-8")))


@cache
def _original(name: str) -> ExtractionResult:
    return _extract(name, (RAW_DIR / name).read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "original", "target"), CASES,
                         ids=[f"{d[:3]}-{o}-{t}" for d, o, t in CASES])
def test_a_renamed_copy_is_read_as_the_new_chamber(name: str, original: str, target: str) -> None:
    official = TARGETS.index(target) % 4 == 0  # every fourth target also in the long official form
    text = rename((RAW_DIR / name).read_text(encoding="utf-8"), original, target, official=official)
    result = _extract(name, text)
    before = _original(name)
    assert [s.chamber_name for s in result.segments] == [
        expected_chamber(s.chamber_name, original, target) for s in before.segments]
    assert [s.layout for s in result.segments] == [s.layout for s in before.segments]

    # readings compared by chamber and values, not lines: a longer name can push a line of a fixed-width cell
    # (000's wrapped cells) past its column, which moves where the parser starts that description (known limit)
    def key(r, chamber):
        return chamber, r.target_value, r.actual_value, r.status

    want = Counter(key(r, expected_chamber(r.chamber_name, original, target)) for r in before.readings)
    got = Counter(key(r, r.chamber_name) for r in result.readings)
    found = sum((want & got).values())
    assert found >= len(before.readings) - max(1, len(before.readings) // 100), \
        f"{found}/{len(before.readings)}: missing e.g. {list((want - got).elements())[:4]}"
    assert len(result.readings) <= len(before.readings) + len(before.readings) // 100
    # a chamber the registry knows is never a finding; the merger of new names is (it does not exist)
    for segment in result.segments:
        known = registry().named(segment.chamber_name) is not None
        assert (segment.findings is None) == known or segment.chamber_name is None, segment.findings


TITLE_PAGES = [
    ("CAMERA DI COMMERCIO INDUSTRIA ARTIGIANATO E AGRICOLTURA BRESCIA\n\nRELAZIONE SULLA PERFORMANCE 2023\n",
     "Brescia", 2023, "relazione_performance"),
    ("Camera di Commercio, Industria, Artigianato e Agricoltura della Spezia\n\nPiano della Performance 2021-2023\n",
     "La Spezia", 2021, "piano_performance"),
    ("Camera di Commercio\nROVIGO Piano della Performance\n\nTriennio 2019 - 2021\nAnno 2019\n",
     "Rovigo", 2019, "piano_performance"),
    ("Relazione sulla Performance anno 2022\n\nCamera di Commercio di Sondrio Pagina 1\n",
     "Sondrio", 2022, "relazione_performance"),
    ("Camera di Commercio Chieti Pescara\n\nRelazione sulla performance 2021\n",
     "Chieti Pescara", 2021, "relazione_performance"),
    ("CCIAA di Chieti-Pescara\nRelazione sulla Performance 2020\n", "Chieti Pescara", 2020, "relazione_performance"),
    ("Camera di Commercio Riviere di Liguria - Imperia La Spezia Savona\n\nRelazione sulla Performance 2022\n",
     "Riviere di Liguria", 2022, "relazione_performance"),
    ("Camera di Commercio della Venezia Giulia\nPiano integrato di attività e organizzazione 2023-2025\n",
     "Venezia Giulia", 2023, "piano_performance"),
    ("C.C.I.A.A. di Reggio Emilia\n\nRELAZIONE SULLA PERFORMANCE ESERCIZIO 2018\n",
     "Reggio Emilia", 2018, "relazione_performance"),
    ("Camera di Commercio\nVIBO VALENTIA\n\nRelazione sulla Performance 2017\n",
     "Vibo Valentia", 2017, "relazione_performance"),
    ("Camera di Commercio di L'Aquila\nPiano della Performance 2016 – 2018\n", "L'Aquila", 2016, "piano_performance"),
    ("Camera di Commercio di Cremona, Mantova e Pavia\nRelazione sulla Performance 2025\n",
     "Cremona-Mantova-Pavia", 2025, "relazione_performance"),
    ("Camera di Commercio di Forlì-Cesena\nRelazione sulla gestione e sui risultati anno 2015\n",
     "Forlì-Cesena", 2015, "relazione_gestione"),
]


@pytest.mark.parametrize(("text", "chamber", "year", "kind"), TITLE_PAGES, ids=[t[1] for t in TITLE_PAGES])
def test_title_pages_name_chamber_year_and_kind(text: str, chamber: str, year: int, kind: str) -> None:
    body = "\nIndicatore\tTarget\tConsuntivo\nUtenti soddisfatti\t>= 80%\t85%\n"
    (segment,) = split_segments(source_from_bytes("title.txt", (text + body).encode("utf-8")))
    assert (segment.chamber_name, segment.year, segment.doc_kind) == (chamber, year, kind)
    assert segment.findings is None


def test_an_unknown_chamber_is_reported_not_invented() -> None:
    text = "Camera di Commercio di Atlantide\nRelazione sulla Performance 2024\n\nIndicatore\tTarget\tConsuntivo\n"
    (segment,) = split_segments(source_from_bytes("unknown.txt", text.encode("utf-8")))
    assert segment.chamber_name == "Atlantide"
    assert segment.findings and "unknown chamber 'Atlantide'" in segment.findings
    assert registry().named("Atlantide") is None


def test_a_year_no_title_or_table_decides_is_a_finding() -> None:
    text = ("Camera di Commercio di Bergamo\n\nNel 2022 e nel 2023 la Camera ha operato.\nNel 2022 e nel 2023 "
            "ancora.\n")
    (segment,) = split_segments(source_from_bytes("year.txt", text.encode("utf-8")))
    assert segment.year is None
    assert "reference year not decided" in (segment.findings or "") and "manifest.toml" in segment.findings


def test_a_missed_title_block_splits_the_segment_at_the_other_layout() -> None:
    """Mantova's title block made unreadable: the INTEGRA tables must not become Cremona's rows."""
    text = (RAW_DIR / "001_454f49c59e8c1ba9.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "Mantova" and i > 700)
    lines[start - 1] = lines[start] = "..."  # "Camera di Commercio" ⏎ "Mantova" lost by a bad conversion
    result = _extract("missed.txt", "\n".join(lines))
    layouts = [(s.chamber_name, s.layout, s.role) for s in result.segments]
    assert ("Cremona", "area_objective_tables", "report") in layouts
    integra = [s for s in result.segments if s.layout == "integra"]
    assert len(integra) == 1 and integra[0].chamber_name == "Mantova"  # named by its own text
    cremona = {r.provenance.source_line for r in result.readings if r.chamber_name == "Cremona"}
    assert not cremona & {r.provenance.source_line for r in _original("001_454f49c59e8c1ba9.txt").readings
                          if r.chamber_name == "Mantova"}


def test_the_registry_is_consistent() -> None:
    with REGISTRY_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["chamber_id"] for r in rows]
    assert len(ids) == len(set(ids)) and len(rows) >= 130
    assert all(r["successor_id"] in ids for r in rows if r["successor_id"])
    current = [r for r in rows if not r["valid_to"] and not r["successor_id"]]
    assert 55 <= len(current) <= 65  # about sixty chambers after the reform
    provinces = Counter(p for r in current for p in r["province_codes"].split("|"))
    assert max(provinces.values()) == 1
    cmp = registry().chamber("cremona-mantova-pavia")
    assert cmp is not None and cmp.valid_from == "2024-11-18" and cmp.is_merged
    assert {c.short_name for c in registry().predecessors("cremona-mantova-pavia")} == {"Cremona", "Mantova", "Pavia"}
    assert [c.chamber_id for c in registry().successor_chain("mantova")] == ["cremona-mantova-pavia"]
