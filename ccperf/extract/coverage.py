"""Coverage: how much of what looks like table content in a segment its rows account for.

A line looks like table content when it is a table row holding a number, an operator or a date, or a short line
made mostly of values ("94,56% 85% 100,00%", ">= 85%", "2 2 100%"); prose with a figure in it is not. Such lines come
in blocks (a table, a list of values); a block is read when a row (reading, objective, fact, component, or a
quarantined block) starts in it or just above it. A segment whose coverage is under MIN_COVERAGE is `partial`: its unread table-like
spans are quarantined ("not read by layout X"), so nothing is lost without a word.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ccperf.extract.document import DocumentModel, Line
from ccperf.extract.numbers import DATE_RE, count_numbers, has_number
from ccperf.extract.parser import ParsedSegment
from ccperf.model import Provenance, Quarantined, Segment

# The bundled documents' segments read from 0.49 (Brescia's plan: its staff, budget and office tables are context,
# not indicators) and 0.52 (the Relazione sulla gestione: results in prose) to 1.00 of their table-like lines; a
# parser that does not recognise a document's tables reads near 0 (the 2024 report re-laid by another converter
# gave INTEGRA 0 of 128 readings). 0.4 keeps a margin under the bundled documents and flags that failure.
MIN_COVERAGE = 0.4
_OPERATOR = re.compile(r"^\s*(?:[<>≤≥=]|\$\\[gl]e)")
_WORD = re.compile(r"[^\W\d_]{3,}")
_DIGIT = re.compile(r"\d")
_ROW_REACH = 12  # lines after a row's first line that may still hold its cells
_SPAN_GAP = 2  # unread table-like lines this close are one block


@dataclass(frozen=True)
class Coverage:
    table_lines: int
    read_lines: int
    unread: tuple[tuple[int, int], ...]  # (first, last) spans of unread table-like lines

    @property
    def share(self) -> float:
        return self.read_lines / self.table_lines if self.table_lines else 1.0


def table_like(line: Line) -> bool:
    if line.region is None and not _DIGIT.search(line.text):
        return False  # most lines: prose or headings, no value (cleaning only removes characters)
    text = line.clean
    if not text:
        return False
    if line.is_row:  # a row holding a value cell: a short cell with a number, an operator or a date
        return any(len(c) <= 30 and (has_number(c) or _OPERATOR.match(c) or DATE_RE.search(c))
                   for c in line.filled)
    if len(text) > 100 or not _DIGIT.search(text):
        return False  # prose, or words only: a plain line needs a value to look like table content
    numbers, words = count_numbers(text), len(_WORD.findall(text))
    if numbers and numbers >= words:
        return True  # (the usual case, decided without the dates: they only add values)
    values = numbers + len(DATE_RE.findall(text))
    return values > 0 and (values >= words or bool(_OPERATOR.match(text)))


def _row_marks(parsed: ParsedSegment) -> list[tuple[int, tuple[str, ...]]]:
    """(first line, strings that mark its other lines) of every row of a segment."""
    marks: list[tuple[int, tuple[str, ...]]] = []
    for r in parsed.readings:
        strings = (r.target_raw, r.actual_raw, r.baseline_raw, r.target_midyear_raw, r.target_revised_raw,
                   (r.indicator_name or "")[:15])
        marks.append((r.provenance.source_line, tuple(s.strip() for s in strings if s and len(s.strip()) >= 1)))
        if r.line_end:
            marks += [(n, ()) for n in range(r.provenance.source_line + 1, r.line_end + 1)]
    for rows in (parsed.objectives, parsed.facts, parsed.components):
        marks += [(row.provenance.source_line, ()) for row in rows]
    return sorted(marks, key=lambda m: m[0])


def _row_starts(parsed: ParsedSegment) -> list[int]:
    """The first line of every row a parser gave (a quarantined block is reported, but it is not read)."""
    starts = [r.provenance.source_line for rows in (parsed.readings, parsed.objectives, parsed.facts,
                                                    parsed.components) for r in rows]
    starts += [r.line_end for r in parsed.readings if r.line_end]
    return sorted(set(starts))


def measure(model: DocumentModel, segment: Segment, parsed: ParsedSegment, header=None) -> Coverage:
    """A table row (cells) is read when a row starts on it or holds a value or the name of the row printed just
    above it; other table-like lines (values printed as text, a converter's flattened cells) come in blocks, read
    when a row starts in the block or just above it."""
    lines = [line for line in model.content(segment.line_start, segment.line_end)
             if table_like(line) and not (header and header(line))]
    if not lines:
        return Coverage(0, 0, ())
    starts = _row_starts(parsed)
    marked = _marked_lines(model, segment, parsed)
    unread: list[int] = [line.number for line in lines if line.is_row and line.number not in marked]
    plain = [line.number for line in lines if not line.is_row]
    for first, last in _spans(plain):
        i = bisect.bisect_left(starts, first - _ROW_REACH)
        if not (i < len(starts) and starts[i] <= last):
            unread += plain[bisect.bisect_left(plain, first):bisect.bisect_right(plain, last)]  # (plain is sorted)
    unread.sort()
    return Coverage(len(lines), len(lines) - len(unread), tuple(_spans(unread)))


def _marked_lines(model: DocumentModel, segment: Segment, parsed: ParsedSegment) -> set[int]:
    """Lines a row starts on, and lines after it (before the next row) holding one of its values or names."""
    marks = _row_marks(parsed)
    starts = [m[0] for m in marks]
    read = set(starts)
    for i, (first, strings) in enumerate(marks):
        if not strings:
            continue
        j = bisect.bisect_right(starts, first, i)
        next_start = starts[j] if j < len(starts) else segment.line_end + 1
        for number in range(first + 1, min(next_start, first + _ROW_REACH, segment.line_end + 1)):
            text = model.line(number).clean
            if any(s in text for s in strings):
                read.add(number)
    return read


def _spans(numbers: Iterable[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for n in numbers:
        if spans and n - spans[-1][1] <= _SPAN_GAP + 1:
            spans[-1] = (spans[-1][0], n)
        else:
            spans.append((n, n))
    return spans


def quarantine_unread(model: DocumentModel, segment: Segment, coverage: Coverage, lines: tuple[str, ...],
                      page_of, already: list[Quarantined]) -> list[Quarantined]:
    """The unread table-like spans of a partial segment, as quarantined blocks (but those the parser quarantined
    already, with its own reason)."""
    taken = {n for q in already for n in range(q.provenance.source_line, q.line_end + 1)}
    out = []
    for first, last in coverage.unread:
        if all(n in taken for n in range(first, last + 1)):
            continue
        prov = Provenance(segment.document_sha256, segment.document_file, first, segment.segment_index, page_of(first))
        text = "\n".join(lines[first - 1:min(last, first + 40)])
        out.append(Quarantined(prov, last, segment.layout, f"not read by layout {segment.layout} "
                                                           f"(segment coverage {coverage.share:.0%})", text))
    return out
