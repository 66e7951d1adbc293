"""Link a restated reading (summary table, prose, addendum) to the reading it restates."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from ccperf.model import Reading


def normalise_name(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9%]+", " ", text)).strip()


def name_similarity(short: str, long: str) -> float:
    """How well a (possibly abridged) name matches the start of a longer printed name."""
    a, b = normalise_name(short), normalise_name(long)
    if not a or not b:
        return 0.0
    if b.startswith(a) or a.startswith(b):
        return 1.0
    head = b[: len(a) + 10]
    return difflib.SequenceMatcher(None, a, head, autojunk=False).ratio()


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def best_original(restated: Reading, originals: Iterable[Reading], min_similarity: float = 0.55) -> Reading | None:
    """The original reading a restated one repeats: the closest name, with agreeing values as tie-breakers.

    A restatement may print a different result (a final value replacing a provisional one), but then the
    names must agree closely; a loose name match needs the same result.
    """
    best: tuple[float, Reading] | None = None
    for original in originals:
        sim = name_similarity(restated.indicator_name, original.indicator_name)
        actual_known = restated.actual_value is not None and original.actual_value is not None
        actual_same = _same(restated.actual_value, original.actual_value)
        if sim < (0.85 if actual_known and not actual_same else min_similarity):
            continue
        score = sim + (0.5 if actual_same else 0.0) + (0.2 if _same(restated.target_value, original.target_value) else 0.0)
        if best is None or score > best[0]:
            best = (score, original)
    return best[1] if best else None


def link_restatements(restated: Iterable[Reading], originals: list[Reading]) -> None:
    """Set `restates_line` on each restated reading that matches an original one."""
    for reading in restated:
        original = best_original(reading, originals)
        if original is not None:
            reading.restates_line = original.provenance.source_line
