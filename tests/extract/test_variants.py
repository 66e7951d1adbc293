"""Every bundled document read as other converters print it (tests/variants.py): tables re-laid as aligned columns
with the HTML fragments dropped, page headers and footers with form feeds, blank lines removed or doubled.

Each copy must give the readings of the original (same chamber, values and line, the line mapped to the copy) and
score against the labelled sample (its lines mapped too) with recall and numeric accuracy of at least 0.98.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest

from ccperf.extract.extractor import extract_source
from ccperf.extract.text import source_from_bytes
from ccperf.model import ExtractionResult
from ccperf.scoring import rows_of_readings, score
from tests.conftest import GOLD_DIR, RAW_DIR
from tests.variants import VARIANTS, Variant, make_variant

DOCUMENTS = sorted(p.name for p in RAW_DIR.glob("*.txt"))
MIN_SHARE = 0.98


@cache
def _original(name: str) -> ExtractionResult:
    text = (RAW_DIR / name).read_text(encoding="utf-8")
    return extract_source(source_from_bytes(name, text.encode("utf-8")))


@cache
def _variant(name: str, kind: str) -> tuple[Variant, ExtractionResult]:
    variant = make_variant((RAW_DIR / name).read_text(encoding="utf-8"), kind)
    return variant, extract_source(source_from_bytes(name, variant.text.encode("utf-8")))


def _gold(name: str) -> list[dict]:
    rows = []
    for path in sorted(GOLD_DIR.glob(f"{name[:3]}*.readings.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


@pytest.mark.parametrize("kind", sorted(VARIANTS))
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_reconverted_copy_gives_the_readings_of_the_original(name: str, kind: str) -> None:
    variant, result = _variant(name, kind)
    original = _original(name)

    def key(r, line):
        return r.chamber_name, line, r.target_value, r.actual_value, r.objective_code

    want = Counter(key(r, variant.line_map.get(r.provenance.source_line)) for r in original.readings)
    got = Counter(key(r, r.provenance.source_line) for r in result.readings)
    found = sum((want & got).values())
    missing = sorted((want - got).elements(), key=lambda k: k[1] or 0)[:5]
    assert found >= MIN_SHARE * len(original.readings), f"{found}/{len(original.readings)}; missing e.g. {missing}"
    assert len(result.readings) <= len(original.readings) * (2 - MIN_SHARE), "readings the original does not have"
    assert [s.chamber_name for s in result.segments] == [s.chamber_name for s in original.segments]
    assert [s.layout for s in result.segments] == [s.layout for s in original.segments]


@pytest.mark.parametrize("kind", sorted(VARIANTS))
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_reconverted_copy_scores_on_the_labelled_sample(name: str, kind: str) -> None:
    variant, result = _variant(name, kind)
    gold = [{**g, "line": variant.line_map[g["line"]]} for g in _gold(name)]
    scored = score(gold, rows_of_readings(result.readings, name))
    assert scored.recall >= MIN_SHARE, scored.report(details=5)
    assert scored.numeric_accuracy >= MIN_SHARE, scored.report(details=5)
