"""A row's cells after its Tipo: Valore Atteso, Valore Raggiunto and Note, read from what each line prints.

Two shapes of row:
- the Tipo line carries the target ("STRATEGICO <= 5gg  2,61 Fonte dei dati XAFO"): the cells that start on it run
  on over the lines below, a text cell while its lines open in lower case, the Valore Raggiunto while they also fit
  its narrow column; the first line that opens with a capital (or is indented, or wider) starts the next cell;
- the Tipo stands alone (a list row): the Valore Atteso lists metric names, the Valore Raggiunto one value per
  metric, both narrow columns; the Note starts at the first line wider than the Valore Atteso column.
A page break can push the end of a cell below the Note: when a cell was cut (it ends on a function word or an open
bracket), lower-case lines that do not wrap on from the Note continue it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.layouts.wrapped_cells import words as w
from ccperf.extract.layouts.wrapped_cells.lines import (
    Printed,
    first_word,
    is_titlecase,
    names_metric,
    opens_count,
    opens_lowercase,
    take_cell,
    take_value,
    wraps_into,
)
from ccperf.extract.numbers import Measure, collapse, find_numbers, split_measure
from ccperf.extract.vocab import FUNCTION_WORDS

_NO_MEASURE = Measure(None, None, None, None)


@dataclass
class RowCells:
    target: Measure = _NO_MEASURE
    actual: str | None = None
    actual_value: float | None = None
    note: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # explanations for the reading's notes field
    target_items: list[str] = field(default_factory=list)  # metric names listed by a list row's Valore Atteso
    groups: list[list[Printed]] = field(default_factory=list)  # each cell's lines (facts wrap over lines)


def as_measure(raw: str | None) -> Measure:
    """A cell that is a measure and nothing else, read as one; any other text kept as printed."""
    if raw and (measured := split_measure(raw)) and not measured[1]:
        return measured[0]
    return Measure(raw, None, None, None)


def value_of(raw: str | None) -> float | None:
    """The number a Valore Raggiunto cell opens with ("> 80% (come ...)" → 80, "-15,65 (il segno ...)" → -15.65)."""
    measured = split_measure(raw) if raw else None
    return measured[0].value if measured else None


def _cut(text: str | None) -> bool:
    """A cell that stops mid-phrase (on a function word, or inside brackets): a page break cut it."""
    words = (text or "").split()
    return bool(words) and (words[-1].lower() in FUNCTION_WORDS or text.count("(") > text.count(")"))


class _Reader:
    """Walks the lines after the Tipo, one cell after the other. The lines of each cell are kept for the facts:
    `head` holds the Tipo lines and the lines that go on with the cells started on them."""

    def __init__(self, list_row: bool, tipo_lines: list[Printed]):
        self.cells = RowCells()
        self.list_row = list_row
        self.target: list[str] = []
        self.actual: list[str] = []
        self.head: list[Printed] = list(tipo_lines)
        self.actual_lines: list[Printed] = []
        self.note_lines: list[Printed] = []
        self.extra: list[Printed] = []

    def finish(self) -> RowCells:
        cells = self.cells
        cells.target = as_measure(collapse(" ".join(self.target)) or None)
        cells.actual = collapse(" ".join(self.actual)) or None
        cells.groups = [g for g in (self.head, self.actual_lines, self.note_lines, self.extra) if g]
        return cells

    def read_note(self, lines: list[Printed]) -> None:
        """The Note column, and the end of a cut cell that a page break pushed below it."""
        previous: Printed | None = None
        in_extra = False
        for line in lines:
            if in_extra and line.width <= w.VALUE_WIDTH:
                self.actual.append(line.text)
                self.extra.append(line)
                continue
            if in_extra:
                in_extra = False
                self.cells.notes.append(f"Note column resumes at line {line.number} (page break)")
            elif previous is not None and self._resumes_cut_cell(previous, line):
                in_extra = True
                if len(self.note_lines) > 1 and self._ends_both_cells(previous):
                    self.note_lines.pop()  # read as the Note's last line while it ends the cut cells
                    self.cells.note.pop()
                    self._resume(previous)
                    self.actual.append(line.text)
                    self.extra.append(line)
                else:
                    self._resume(line)
                continue
            self.cells.note.append(line.text)
            self.note_lines.append(line)
            previous = line

    def _resumes_cut_cell(self, previous: Printed, line: Printed) -> bool:
        """A lower-case line that does not wrap on from the Note, while a cell above was cut."""
        if not (_cut(" ".join(self.actual)) or self.list_row and _cut(" ".join(self.target))):
            return False
        return opens_lowercase(line.text) and (line.after_gap or not wraps_into(previous.text, line.text, w.NOTE_WRAP))

    def _ends_both_cells(self, line: Printed) -> bool:
        """A short lower-case line of two words or more while the metric name was cut: the first printed line a
        page break pushed below the Note holds the end of both cells ("contributo imprese)")."""
        return (self.list_row and _cut(" ".join(self.target)) and opens_lowercase(line.text)
                and len(line.text.split()) >= 2 and line.width <= w.LIST_TARGET_WIDTH)

    def _resume(self, line: Printed) -> None:
        parts = line.text.split()
        self.extra.append(line)
        if self._ends_both_cells(line):
            # one printed line holds the end of both cells ("erogazione del" + "contributo" | "stesse" + "imprese)")
            self.target.append(parts[0])
            if self.cells.target_items:
                self.cells.target_items[-1] = f"{self.cells.target_items[-1]} {parts[0]}"
            self.actual.append(" ".join(parts[1:]))
            self.cells.notes.append(f"line {line.number} holds the end of the Valore Atteso and Valore Raggiunto "
                                    "cells")
        else:
            self.actual.append(line.text)
        self.cells.notes.append(f"Valore Raggiunto resumes at line {line.number} (page break)")


# -- rows whose Tipo line carries the target ------------------------------------------------------------------------
def read_standard(rest: str, lines: list[Printed], tipo_lines: list[Printed]) -> RowCells:
    """Target on the Tipo line; the Valore Raggiunto and the Note on it too, or on the lines below."""
    reader = _Reader(False, tipo_lines)
    measured = split_measure(rest)
    target, tail = (measured[0].raw, measured[1]) if measured else take_cell(rest)
    reader.target.append(target or "")
    k = 0
    if tail:  # the Valore Raggiunto starts on the Tipo line
        actual, note_start = take_value(tail)
        reader.actual.append(actual or "")
        if measured is None:
            reader.cells.notes.append("text target and actual run together on the Tipo line: split where a "
                                      "capitalised word starts a cell")
        if note_start:  # so does the Note: the lines below go on with it
            reader.cells.note = [note_start, *(p.text for p in lines)]
            reader.head.extend(lines)
            return _with_value(reader.finish())
        value_lines = reader.head
    else:
        while measured is None and k < len(lines) and opens_lowercase(lines[k].text) and not lines[k].indented:
            reader.target.append(lines[k].text)  # a text target goes on in lower case
            reader.head.append(lines[k])
            k += 1
        if k < len(lines) and (lines[k].indented or lines[k].width > w.VALUE_WIDTH):
            reader.cells.notes.append("Valore Raggiunto cell is empty (the next block is the wide Note column)")
            reader.read_note(lines[k:])
            return reader.finish()
        value_lines = reader.actual_lines
        if k < len(lines):
            reader.actual.append(lines[k].text)
            value_lines.append(lines[k])
            k += 1
    while k < len(lines) and _continues_value(lines[k]):
        reader.actual.append(lines[k].text)
        value_lines.append(lines[k])
        k += 1
    reader.read_note(lines[k:])
    return _with_value(reader.finish())


def _with_value(cells: RowCells) -> RowCells:
    cells.actual_value = value_of(cells.actual)
    return cells


def _continues_value(line: Printed) -> bool:
    """A line that goes on with the Valore Raggiunto cell: in its narrow column, not opening a new cell."""
    return not line.indented and line.width <= w.VALUE_WIDTH and not is_titlecase(first_word(line.text))


# -- list rows: the Tipo alone, metric names and their values -------------------------------------------------------
def metric_and_value(text: str) -> tuple[str, str] | None:
    """"N° riunioni 1 riunione in" → ("N° riunioni", "1 riunione in"): a metric and its value on one line."""
    s = text.strip()
    if not w.COUNT_MARK.match(s) or not names_metric(s):
        return None
    for gap in re.finditer(r"\s+", s):
        tail = s[gap.end():]
        if (tail[:1].isdigit() or w.COUNT_MARK.match(tail)) and opens_count(tail):
            return collapse(s[:gap.start()]), tail.strip()
    return None


def _value_start(head: list[Printed]) -> int | None:
    """Where the Valore Raggiunto starts: after the last line too wide for it, the first line that opens with a
    count ("N° 40", "14 istituti") or a capitalised word (a metric name "N° riunioni" is still the target)."""
    last_wide = max((i for i, p in enumerate(head) if p.width > w.VALUE_WIDTH), default=0)
    for i in range(max(last_wide + 1, 1), len(head)):
        text = head[i].text
        if not names_metric(text) and (opens_count(text) or is_titlecase(first_word(text))):
            return i
    return None


def items(lines: list[str]) -> list[str]:
    """The metrics a Valore Atteso lists: each opens with the count mark or a capitalised word."""
    out: list[list[str]] = []
    for text in lines:
        if not out or names_metric(text) or is_titlecase(first_word(text)):
            out.append([])
        out[-1].append(text)
    return [collapse(" ".join(item)) for item in out]


def read_list(lines: list[Printed], tipo_lines: list[Printed]) -> RowCells:
    """The Tipo alone: metric names, their values, then the Note (the first line wider than the metric names)."""
    reader = _Reader(True, tipo_lines)
    if not lines:
        reader.cells.notes.append("no Valore Atteso / Valore Raggiunto lines after the Tipo")
        return reader.finish()
    note_at = next((i for i, p in enumerate(lines) if p.width > w.LIST_TARGET_WIDTH and not metric_and_value(p.text)),
                   len(lines))
    head = lines[:note_at]
    split_at = next((i for i, p in enumerate(head) if metric_and_value(p.text)), None)
    if split_at is not None:
        metric, value = metric_and_value(head[split_at].text) or ("", "")
        reader.target = [*(p.text for p in head[:split_at]), metric]
        reader.actual = [value, *(p.text for p in head[split_at + 1:])]
        reader.cells.notes.append(f"line {head[split_at].number} holds the Valore Atteso and the start of "
                                  "Valore Raggiunto")
        start = split_at
    else:
        start = _value_start(head)
        if start is None:
            reader.cells.notes.append("no Valore Raggiunto cell found")
            start = len(head)
        reader.target = [p.text for p in head[:start]]
        reader.actual = [p.text for p in head[start:]]
    reader.head.extend(head[:start])
    reader.actual_lines = list(head[start:])
    reader.cells.target_items = items(reader.target)
    reader.read_note(lines[note_at:])
    cells = reader.finish()
    cells.actual_value = list_count(cells.target_items, cells.actual)
    if len(cells.target_items) > 1:
        cells.notes.append(f"Valore Atteso lists {len(cells.target_items)} metrics without target quantities ("
                           + " | ".join(cells.target_items) + "); values null (several measurements in one cell)")
    return cells


def list_count(target_items: list[str], actual: str | None) -> float | None:
    """The value of a list row measuring one metric ("N° imprese coinvolte" → "14 imprese ...").

    Only one metric and only one number, and the counted noun is not mentioned again uncounted
    ("1 riunione in plenaria seguita da riunioni quindicinali" is not a count of meetings).
    """
    if not actual or len(target_items) != 1:
        return None
    measured = split_measure(w.COUNT_MARK.sub("", actual, count=1))
    if measured is None or measured[0].operator or len(find_numbers(actual)) != 1:
        return None
    nouns = w.COUNT_MARK.sub("", target_items[0], count=1).lower().split()
    if nouns:
        stem = nouns[0][:-1] if len(nouns[0]) > 4 else nouns[0]
        if actual.lower().count(stem) > 1:
            return None
    return measured[0].value
