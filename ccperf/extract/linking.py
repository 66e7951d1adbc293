"""Link a restated reading (summary table, prose, addendum) to the reading it restates: the one place for it,
within a segment (each parser calls link_restatements / Originals) and across segments (link_across_segments).
Results printed without names (prose) are linked by value instead (link_repeated_values), with the caller's test
of what ties two of them.

Name similarity is difflib's `SequenceMatcher(None, a, b, autojunk=False).ratio()` on normalised names. It is
computed here by `_matched_chars`, which gives the same number (same matching blocks) faster, and can stop as
soon as a pair cannot reach the similarity a caller needs: linking compares every restated reading with every
candidate, and almost all pairs are far apart.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from ccperf.extract.text import without_accents
from ccperf.model import Reading

_NOT_NAME = re.compile(r"[^a-z0-9%]+")
_CONTENT_WORD = re.compile(r"[a-zà-ù]{4,}")
_HEAD_EXTRA = 10  # a long name is compared on its first len(short) + 10 characters
_CACHE_SIZE = 1 << 14
_BELOW = float("-inf")  # a similarity known to be under the minimum asked for


@lru_cache(maxsize=_CACHE_SIZE)
def normalise_name(text: str | None) -> str:
    """Lower case ASCII words: accents dropped, punctuation and whitespace runs → one space."""
    text = without_accents(text or "")
    # Every run of other characters (whitespace included) becomes one space, so no double spaces remain.
    return _NOT_NAME.sub(" ", text.lower()).strip()


def clear_caches() -> None:
    """Forget memoised names (called per document, so a run never profits from an earlier document)."""
    normalise_name.cache_clear()


def _longest_match(a: str, alo: int, ahi: int, b: str, blo: int, bhi: int) -> tuple[int, int, int]:
    """difflib's find_longest_match without junk: the longest block of a[alo:ahi] also in b[blo:bhi], the one
    starting first in a, then first in b; (alo, blo, 0) when none.

    Grows the best length k while scanning start positions i: a[i:i+k+1] is looked up in b (a C-level
    substring search); a start that cannot beat k is dropped at once, so there are at most len + k look-ups.
    """
    sa, sb = a[alo:ahi], b[blo:bhi]
    n = len(sa)
    best_i = k = i = 0
    while i + k < n:
        if sa[i:i + k + 1] in sb:
            best_i, k = i, k + 1
        else:
            i += 1
    if k == 0:
        return alo, blo, 0
    return alo + best_i, blo + sb.find(sa[best_i:best_i + k]), k


def _matched_chars(a: str, b: str, need: int = 0) -> int:
    """Characters in the matching blocks of SequenceMatcher(None, a, b, autojunk=False), or -1 once the blocks
    left to find cannot bring the total to `need` (each open range adds at most its shorter side)."""
    total = 0
    potential = min(len(a), len(b))
    if potential < need:
        return -1
    ranges = [(0, len(a), 0, len(b))]
    while ranges:
        alo, ahi, blo, bhi = ranges.pop()
        potential -= min(ahi - alo, bhi - blo)
        i, j, k = _longest_match(a, alo, ahi, b, blo, bhi)
        if k:
            total += k
            if alo < i and blo < j:
                ranges.append((alo, i, blo, j))
                potential += min(i - alo, j - blo)
            if i + k < ahi and j + k < bhi:
                ranges.append((i + k, ahi, j + k, bhi))
                potential += min(ahi - i - k, bhi - j - k)
        if total + potential < need:
            return -1
    return total


def _needed_matches(minimum: float, length: int) -> int:
    """The fewest matched characters m with 2.0 * m / length >= minimum (the ratio as difflib computes it)."""
    m = max(0, int(minimum * length / 2) - 1)
    while m > 0 and 2.0 * (m - 1) / length >= minimum:
        m -= 1
    while 2.0 * m / length < minimum:
        m += 1
    return m


def _similarity(a: str, b: str, minimum: float = 0.0) -> float:
    """name_similarity on normalised names; a pair that cannot reach `minimum` may get _BELOW instead."""
    if not a or not b:
        return 0.0
    if b.startswith(a) or a.startswith(b):
        return 1.0
    if minimum > 1.0:
        return _BELOW
    head = b[: len(a) + _HEAD_EXTRA]
    length = len(a) + len(head)
    matches = _matched_chars(a, head, _needed_matches(minimum, length) if minimum > 0.0 else 0)
    return _BELOW if matches < 0 else 2.0 * matches / length


def _prefix_related(a: str, b: str) -> bool:
    """Similarity 1.0: one non-empty name starts the other."""
    return bool(a) and bool(b) and (b.startswith(a) or a.startswith(b))


def ratio_at_least(a: str, b: str, minimum: float) -> float | None:
    """difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() when it is at least `minimum`, else None."""
    length = len(a) + len(b)
    if not length:
        return 1.0 if minimum <= 1.0 else None
    matches = _matched_chars(a, b, _needed_matches(minimum, length) if minimum > 0.0 else 0)
    ratio = 2.0 * matches / length
    return ratio if matches >= 0 and ratio >= minimum else None


def name_similarity(short: str, long: str) -> float:
    """How well a (possibly abridged) name matches the start of a longer printed name."""
    return _similarity(normalise_name(short), normalise_name(long))


def similarity_at_least(short: str, long: str, minimum: float) -> float | None:
    """name_similarity(short, long) when it is at least `minimum`, else None (decided without the full
    comparison when the pair cannot get there)."""
    sim = _similarity(normalise_name(short), normalise_name(long), minimum)
    return sim if sim >= minimum else None


def most_similar(name: str, candidates: Sequence[str], minimum: float = -math.inf) -> int | None:
    """Index of the candidate most similar to `name` among those at least `minimum` similar (the first one on a
    tie), as `max(filter(...), key=name_similarity)` would pick it; None when there is none.

    Candidates are tried by a cheap upper bound of their similarity, highest first, and the search stops when no
    bound left can beat the best similarity found.
    """
    a = normalise_name(name)
    names = [normalise_name(c) for c in candidates]
    if a and minimum <= 1.0:
        # a name starting like another is 1.0 similar, the most there is: the first such wins
        prefixed = next((i for i, b in enumerate(names) if _prefix_related(a, b)), None)
        if prefixed is not None:
            return prefixed
    counts = _char_counts(a)
    bounds = sorted(((_bound(a, counts, b), i) for i, b in enumerate(names)), key=lambda bi: (-bi[0], bi[1]))
    best: int | None = None
    best_sim = minimum
    for bound, i in bounds:
        if bound < best_sim or (best is not None and bound == best_sim and i > best):
            break  # sorted by bound: no later candidate can beat (or tie earlier than) the best
        sim = _similarity(a, names[i], best_sim)
        if sim >= best_sim and (best is None or sim > best_sim or i < best):
            best, best_sim = i, sim
    return best


def _char_counts(text: str) -> dict[str, int]:
    return dict(Counter(text))


def _bound(a: str, a_counts: dict[str, int], b: str) -> float:
    """An upper bound of _similarity(a, b): matched characters cannot outnumber the characters the two compared
    strings have in common (difflib's quick_ratio), and a prefix pair is exactly 1.0."""
    if not a or not b:
        return 0.0
    if _prefix_related(a, b):
        return 1.0
    head = b[: len(a) + _HEAD_EXTRA]
    common = sum(map(min, a_counts.values(), map(head.count, a_counts)))  # all C-level iteration
    return 2.0 * common / (len(a) + len(head))


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


class Originals:
    """Candidate original readings, indexed once for many `best` look-ups.

    `best` gives exactly what a plain scan gives (the first candidate with the highest score) but looks at a
    candidate only while it could still beat the best so far: a perfect candidate (same name start, same values)
    is found through a value index, the others are tried highest score bound first.
    """

    def __init__(self, readings: Iterable[Reading]):
        self.readings = list(readings)
        self.names = [normalise_name(r.indicator_name) for r in self.readings]
        self._by_actual = _value_index([r.actual_value for r in self.readings])
        self._by_target = _value_index([r.target_value for r in self.readings])

    def _perfect(self, restated: Reading, name: str) -> int | None:
        """The first candidate with the highest score possible: the same name start (similarity 1.0) and the
        same result and target wherever the restated reading prints them; None when there is none."""
        actual, target = restated.actual_value, restated.target_value
        pools = []
        for value, index in ((actual, self._by_actual), (target, self._by_target)):
            if value is not None:
                if index is None or not math.isfinite(value):
                    return None  # NaN and infinities compare oddly in _same: leave them to the scan
                pools.append(_near(index, value))
        if not pools:
            return None
        for i in sorted(set.intersection(*pools)):
            other = self.readings[i]
            if (actual is None or _same(actual, other.actual_value)) \
                    and (target is None or _same(target, other.target_value)) \
                    and _prefix_related(name, self.names[i]):
                return i
        return None

    def _plans(self, restated: Reading, name: str, min_similarity: float) -> list[tuple[float, int, float, float, float]]:
        """(score bound, index, similarity threshold, result bonus, target bonus) of every candidate whose
        similarity bound (from the lengths alone) reaches its threshold, highest bound first."""
        plans = []
        for i, original in enumerate(self.readings):
            other = self.names[i]
            actual_known = restated.actual_value is not None and original.actual_value is not None
            actual_same = _same(restated.actual_value, original.actual_value)
            threshold = 0.85 if actual_known and not actual_same else min_similarity
            if not name or not other:
                bound = 0.0
            elif _prefix_related(name, other):
                bound = 1.0
            else:  # difflib's real_quick_ratio on the compared head
                head = min(len(other), len(name) + _HEAD_EXTRA)
                bound = 2.0 * min(len(name), head) / (len(name) + head)
            if bound < threshold:
                continue
            bonus_actual = 0.5 if actual_same else 0.0
            bonus_target = 0.2 if _same(restated.target_value, original.target_value) else 0.0
            plans.append((bound + bonus_actual + bonus_target, i, threshold, bonus_actual, bonus_target))
        plans.sort(key=lambda p: (-p[0], p[1]))
        return plans

    def best(self, restated: Reading, min_similarity: float = 0.55) -> Reading | None:
        """The original reading a restated one repeats: the closest name, with agreeing values as tie-breakers.

        A restatement may print a different result (a final value replacing a provisional one), but then the
        names must agree closely; a loose name match needs the same result.
        """
        name = normalise_name(restated.indicator_name)
        if min_similarity <= 1.0 and (perfect := self._perfect(restated, name)) is not None:
            return self.readings[perfect]
        best_score, best_index = _BELOW, -1
        counts = _char_counts(name)
        for bound, i, threshold, bonus_actual, bonus_target in self._plans(restated, name, min_similarity):
            if bound < best_score or (bound == best_score and i > best_index):
                break  # sorted by bound: no later candidate can beat the best either
            # the tighter character-count bound, worth computing only now
            tight = _bound(name, counts, self.names[i])
            tight_score = tight + bonus_actual + bonus_target
            if tight < threshold or tight_score < best_score or (tight_score == best_score and i > best_index):
                continue
            # Scores are sums of floats, so the similarity bar is lowered a hair below the exact need.
            minimum = max(threshold, best_score - bonus_actual - bonus_target - 1e-9)
            sim = _similarity(name, self.names[i], minimum)
            if sim < threshold:
                continue
            score = sim + bonus_actual + bonus_target  # the same float sum as a plain scan
            if score > best_score or (score == best_score and i < best_index):
                best_score, best_index = score, i
        return self.readings[best_index] if best_index >= 0 else None


def _value_index(values: list[float | None]) -> list[tuple[float, int]] | None:
    """(value, position) of the known values, sorted for range look-ups; None when one is NaN or infinite."""
    known = [(v, i) for i, v in enumerate(values) if v is not None]
    if not all(math.isfinite(v) for v, _ in known):
        return None
    return sorted(known)


def _near(index: list[tuple[float, int]], value: float) -> set[int]:
    """Positions whose value may be _same as `value`: a window of twice _same's tolerance, checked by the caller."""
    tolerance = 2e-9 * max(1.0, abs(value))
    lo = bisect.bisect_left(index, (value - tolerance, -1))
    hi = bisect.bisect_right(index, (value + tolerance, len(index)))
    return {i for _, i in index[lo:hi]}


def best_original(restated: Reading, originals: Iterable[Reading], min_similarity: float = 0.55) -> Reading | None:
    """The original reading a restated one repeats (see Originals.best); index `originals` once with Originals
    when looking up many restated readings."""
    return Originals(originals).best(restated, min_similarity)


def link_restatements(restated: Iterable[Reading], originals: list[Reading]) -> None:
    """Set `restates_line` on each restated reading that matches an original one."""
    index = Originals(originals)
    for reading in restated:
        original = index.best(reading)
        if original is not None:
            reading.restates_line = original.provenance.source_line


def link_across_segments(readings: list[Reading]) -> None:
    """An addendum segment restates readings printed in another segment of the same file (same chamber, year)."""
    by_chamber_year: dict[tuple, list[Reading]] = {}
    for r in readings:
        if r.table_role != "addendum":
            by_chamber_year.setdefault((r.chamber_name, r.year), []).append(r)
    # The candidates of an addendum reading depend only on its chamber, year and segment: index them once each.
    indexes: dict[tuple, Originals] = {}
    for reading in readings:
        if reading.table_role != "addendum" or reading.restates_line is not None:
            continue
        segment = reading.provenance.segment_index
        key = (reading.chamber_name, reading.year, segment)
        if key not in indexes:
            group = by_chamber_year.get((reading.chamber_name, reading.year), [])
            indexes[key] = Originals(r for r in group if r.provenance.segment_index != segment)
        original = indexes[key].best(reading)
        if original is not None:
            reading.restates_line = original.provenance.source_line


def link_repeated_values(readings: Sequence[Reading], related: Callable[[int, int], bool]) -> None:
    """Results printed without names (prose, small tables) restate an earlier reading of the same value: each
    reading with a result is linked to the latest earlier one (in line order) of the same result and year that
    `related(later, earlier)` accepts (indexes into `readings`: the caller says what ties them, e.g. the same thing
    counted in a similar sentence). Only earlier readings of the same value are looked at (indexed by value and
    year), so a long report is not compared pair by pair."""
    order = sorted(range(len(readings)), key=lambda i: readings[i].provenance.source_line)
    seen: dict[tuple[float, int | None], list[int]] = {}
    for i in order:
        reading = readings[i]
        value = reading.actual_value
        if value is None or value != value:  # NaN equals nothing
            continue
        key = (value, reading.year)
        for j in reversed(seen.get(key, ())):
            if related(i, j):
                reading.restates_line = readings[j].provenance.source_line
                break
        seen.setdefault(key, []).append(i)


def content_words(text: str) -> frozenset[str]:
    """The words of four letters or more of a text, lower-cased (what two sentences share when one repeats the
    other)."""
    return frozenset(_CONTENT_WORD.findall(text.lower()))


def shared_word_share(a: frozenset[str], b: frozenset[str], min_words: int = 10) -> float:
    """Share of content words two sentences have in common (a paragraph printed twice scores near 1); 0 when
    either has fewer than `min_words`."""
    if len(a) < min_words or len(b) < min_words:
        return 0.0
    return len(a & b) / min(len(a), len(b))
