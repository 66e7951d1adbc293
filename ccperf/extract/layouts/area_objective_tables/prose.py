"""Facts the management report states in its prose: staff figures and personnel costs (sentence templates in the
profile, `prose_facts` and `personnel_costs`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ccperf.extract.layouts.area_objective_tables import words
from ccperf.extract.numbers import parse_number
from ccperf.extract.text import fold_for_literals

_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÀ-Ý])")

ProseFact = tuple[str, float | None, str, str, int | None]  # name, value, unit, quote, year (None: the segment's)


def prose_facts(text: str) -> Iterator[ProseFact]:
    """The facts a remark or a paragraph states."""
    folded = fold_for_literals(text)
    for pattern, word, name, unit in words.PROSE_FACTS:
        if folded is not None and word not in folded:
            continue
        for m in pattern.finditer(text):
            yield name, parse_number(m.group("v")), unit, _sentence(text, m.start(), m.end()), None
    if folded is not None and words.PERSONNEL_COSTS_WORD not in folded:
        return
    for m in words.PERSONNEL_COSTS.finditer(text):
        quote = _sentence(text, m.start(), m.end())
        for amount, year in (("a", "ya"), ("b", "yb")):
            stated = parse_number(m.group(year))
            yield "personnel_costs", parse_number(m.group(amount)), "EUR", quote, int(stated) if stated else None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a match, for a fact's quote ("art. 7 del" does not end a sentence)."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left: right.start() + 1 if right else len(text)]
