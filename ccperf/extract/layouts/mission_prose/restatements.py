"""When a result read from prose restates an earlier one (a summary table, a paragraph printed twice, a project
summary, the same call reported under two missions): the same value and year (linking.link_repeated_values), and
one of these ties between the two."""

from __future__ import annotations

from collections.abc import Callable

from ccperf.extract.layouts.mission_prose.initiatives import initiative_key
from ccperf.extract.linking import content_words, link_repeated_values, shared_word_share
from ccperf.model import Reading

_MIN_GAP = 3  # printed lines: a value printed again right after (a breakdown, a list) restates nothing
_TABLE_REACH = 45  # printed lines: a small table sums up the prose printed just above it
_DISTINCTIVE = 1000.0  # a value this large is rarely the same by chance
_TABLE_DISTINCTIVE = 100.0
_COMPATIBLE = ({"events", "initiatives"}, {"firms", "people"}, {"admitted", "firms"})


def _compatible(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _COMPATIBLE)


def _noun_of(reading: Reading) -> str:
    """The counted noun of a reading, from its name ("<initiative> - <noun> ...")."""
    tail = reading.indicator_name.rsplit(" - ", 1)[-1].split()
    return tail[0].lower() if tail else ""


def link_restatements(entries: list[tuple[Reading, str, str]], year: int | None,
                      distance: Callable[[int, int], int]) -> None:
    """`entries` are (reading, class of what it counts, its sentence); `distance` counts the printed lines from one
    line to another (blank lines vary with the converter). Restatements get restates_line and a note."""
    readings = [reading for reading, _, _ in entries]
    kinds = [kind for _, kind, _ in entries]
    contexts = [context for _, _, context in entries]
    nouns = [_noun_of(r) for r in readings]
    # the initiative of a reading does not change here (a note appended after its "section: ..." leaves it)
    initiatives = [initiative_key(r.indicator_name, r.notes) for r in readings]
    words: dict[str, frozenset[str]] = {}  # content words of each sentence, computed once

    def words_of(i: int) -> frozenset[str]:
        if contexts[i] not in words:
            words[contexts[i]] = content_words(contexts[i])
        return words[contexts[i]]

    def related(i: int, j: int) -> bool:
        later, earlier = readings[i], readings[j]
        gap = distance(earlier.provenance.source_line, later.provenance.source_line)
        if later.year != year or gap < _MIN_GAP or contexts[i] == contexts[j]:
            return False
        value, kind, other_kind = later.actual_value or 0.0, kinds[i], kinds[j]
        noun_same = nouns[i] == nouns[j]
        if value >= _DISTINCTIVE and (noun_same or kind == other_kind == "money"):
            return True  # a distinctive value
        if noun_same and shared_word_share(words_of(i), words_of(j)) >= 0.8:
            return True  # a paragraph printed twice
        if initiatives[i] and initiatives[i] == initiatives[j] and _compatible(kind, other_kind):
            return True  # the same initiative, reported again
        return later.table_role in ("summary", "detail") and earlier.table_role == "prose" and \
            gap <= _TABLE_REACH and (value >= _TABLE_DISTINCTIVE or _compatible(kind, other_kind))

    link_repeated_values(readings, related)
    for reading in readings:
        if reading.restates_line is not None:
            reading.notes = (reading.notes + "; " if reading.notes else "") + \
                f"restates line {reading.restates_line}"
