"""Facts printed in a row's cells and remarks: sums of money, a value per year, a yearly series, staff counts.

Each cell is read as one text (an amount wraps over lines: "€" / "4.524.848,16"); every fact keeps the line its
number is printed on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Generator, Iterator, Sequence
from itertools import accumulate

from ccperf.extract.layouts.wrapped_cells import words as w
from ccperf.extract.layouts.wrapped_cells.lines import Printed
from ccperf.extract.numbers import date_year, find_amounts, parse_count, parse_measure
from ccperf.extract.parser import StatedFact
from ccperf.extract.vocab import slug

_PAREN_LABEL = re.compile(r"^\s*,?\s*\((?P<label>[^()\d]{3,60})\)")  # "€ 622.463,66 (valore progetto PID)"
_NAME_WORD = re.compile(r"[A-Za-zÀ-ú]+")
_NAME_WINDOW = 300  # characters before an amount searched for the words that name it
# The per-line templates, read over a whole cell: each match starts a line.
_YEAR_VALUE = re.compile(rf"^(?:{w.YEAR_VALUE.pattern})", w.YEAR_VALUE.flags | re.M)
_SERIES = re.compile(rf"^(?:{w.SERIES.pattern})", w.SERIES.flags | re.M)


def text_facts(groups: Sequence[Sequence[Printed]], indicator: str) -> Iterator[StatedFact]:
    """The facts of a row's cells (`groups`, one list of lines per cell), named after its indicator."""
    name = slug(indicator)[:50]
    for lines in groups:
        cell = _CellText(lines)
        year_lines = yield from _stated_per_line(cell, name)
        yield from _amounts(cell, year_lines)
        yield from _staff(cell)


class _CellText:
    """A cell's lines joined by newlines (leading and trailing spaces dropped), and where each line starts."""

    def __init__(self, lines: Sequence[Printed]):
        parts = [line.text.strip() for line in lines]
        self.text = "\n".join(parts)
        self.offsets = list(accumulate((len(part) + 1 for part in parts[:-1]), initial=0))
        self.numbers = [line.number for line in lines]

    def line_at(self, pos: int) -> int:
        return self.numbers[bisect_right(self.offsets, pos) - 1]


def _stated_per_line(cell: _CellText, name: str) -> Generator[StatedFact, None, set[int]]:
    """"Valore 2020: € 1.742,97" (the value of one year) and "Al 31/12/2019: ... (89,14%)" (a yearly series);
    returns the lines of the first kind, whose amount is read here."""
    year_lines: set[int] = set()
    text = cell.text
    for m in _YEAR_VALUE.finditer(text):
        line_end = text.find("\n", m.end())
        rest = text[m.end():line_end if line_end >= 0 else len(text)]
        amounts = find_amounts(rest)
        year_lines.add(cell.line_at(m.start()))
        if amounts and not rest[:amounts[0].start].strip():
            yield StatedFact(cell.line_at(m.start()), f"{name}_eur", amounts[0].value, "EUR",
                           text[m.start():m.end() + len(rest)], _year(m.group("year")))
    for m in _SERIES.finditer(text):
        yield StatedFact(cell.line_at(m.start()), f"{name}_pct", parse_measure(m.group("value")).value, "%",
                       m.group(0), date_year(m.group("date")))
    return year_lines


def _year(text: str) -> int | None:
    value = parse_count(text)
    return int(value) if value is not None else None


def _amounts(cell: _CellText, year_lines: set[int]) -> Iterator[StatedFact]:
    """Sums of money, named by their bracketed label or the words before them; "... € 39.881,41 a 25 imprese"
    also gives the number of firms funded."""
    text = cell.text
    label = None
    for amount in find_amounts(text):
        line_no = cell.line_at(amount.number_start)  # the line of the number ("€" may end the line before)
        if line_no in year_lines:
            continue  # read as the value of its year
        if paren := _PAREN_LABEL.match(text[amount.end:]):
            label = w.AMOUNT_LABEL_LEAD.sub("", paren.group("label").strip())
        yield StatedFact(line_no, _amount_name(text, amount.start, amount.end), amount.value, "EUR",
                       text[max(0, amount.start - 90): amount.end + 40])
        if firms := w.FIRMS.match(text[amount.end:]):
            yield StatedFact(line_no, f"{slug(label) + '_' if label else ''}imprese_beneficiarie",
                           parse_count(firms.group("n")), "count",
                           text[max(0, amount.start - 40): amount.end + firms.end()])


def _amount_name(text: str, start: int, end: int) -> str:
    """A fact name for an amount: its label in brackets after it, else the words before it."""
    if label := _PAREN_LABEL.match(text[end:]):
        words = label.group("label").strip().split()
        if w.AMOUNT_LABEL_LEAD.match(label.group("label").strip()):
            words = [*words[1:], words[0].lower()]  # "valore progetto PID" → "progetto PID valore"
    else:
        window = max(0, start - _NAME_WINDOW)
        found = _NAME_WORD.findall(text, window, start)
        if window and text[window - 1].isalpha() and text[window].isalpha():
            found = found[1:]  # a word cut by the window
        words = [word for word in found if word.lower() not in w.AMOUNT_NAME_NOISE][-3:]
    return "eur_" + (slug(" ".join(words)) or "amount")


def _staff(cell: _CellText) -> Iterator[StatedFact]:
    """"N° 40 dipendenti su 47 complessivi collocati in smart working": the part and the whole."""
    for m in w.STAFF.finditer(cell.text):
        line_no = cell.line_at(m.start())
        what = slug(" ".join(word for word in m.group("what").split() if word.lower() not in w.AMOUNT_NAME_NOISE))
        noun = m.group("noun")
        yield StatedFact(line_no, f"{noun}_{what[:40]}", parse_count(m.group("n")), "count", m.group(0))
        yield StatedFact(line_no, f"{noun}_totale", parse_count(m.group("total")), "count", m.group(0))
