"""The canonical document model: a document is lines with provenance plus the table regions found in them.

Whatever converter made the text, a table row reaches the parsers as the same cells:
- tab-separated rows (one cell per tab, as most PDF-to-text exports print tables);
- space-aligned columns (as `pdftotext -layout` prints them): in a block of consecutive lines, a run of spaces that
  lines up across the rows and starts the text of at least two of them is a column boundary. A double space alone
  never splits a cell: justified prose prints those between ordinary words;
- HTML fragments inside cells (<p>, <i>, <br>) are dropped from the cell text;
- a PDF table (ccperf.extract.pdf) arrives already as tab-separated rows of its converted text.

Page furniture that converters add (a form feed, "Pagina N di M", the report title repeated at the top of every
page) is recognised and left out of the content lines, so a table or a sentence cut by a page break reads on; a
left margin that a converter keeping the page geometry prints before every line of a page is removed.
Every cell keeps its line and character span, so a row's `source_line` is the line its first cell starts on.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, count
from typing import NamedTuple

from ccperf.extract.numbers import collapse, strip_html
from ccperf.extract.text import JoinedLines

_GAP = re.compile(r" {2,}")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:pag(?:ina|\.)?\s*)?\d{1,4}(?:\s*(?:di|/|of)\s*\d{1,4})?(?:\s*-)?\s*$", re.I)
_PAGE_WORD = re.compile(r"^\s*(?:-\s*)?pag(?:ina|\.)\s*\d", re.I)
_DIGITS = re.compile(r"\d+")
_PAGE_EDGE = 3  # header/footer lines looked for at each end of a page


class Cell(NamedTuple):  # a tuple: built for every cell of every row, and a frozen dataclass is 2x slower to make
    text: str  # as printed, HTML fragments dropped and whitespace collapsed
    line: int  # 1-based line of the document
    start: int  # character span in that line
    end: int


class Line:
    """One line of the document: its text and, read on demand, its cells."""

    __slots__ = ("number", "text", "region", "_boundaries", "_cells", "_clean")

    def __init__(self, number: int, text: str, region: int | None = None,
                 boundaries: list[tuple[int, int]] | None = None):
        self.number = number  # 1-based line of the document (what provenance points at)
        self.text = text  # as printed, a form feed removed
        self.region = region  # index of its table region, None outside tables
        self._boundaries = boundaries  # column separators of an aligned region
        self._cells: tuple[Cell, ...] | None = None
        self._clean: str | None = None

    def __repr__(self) -> str:
        return f"Line({self.number}, {self.text[:40]!r}, region={self.region})"

    @property
    def cells(self) -> tuple[Cell, ...]:
        """A table row's cells (empty ones too); one cell for a plain line; none when blank."""
        if self._cells is None:
            if self.region is None:
                self._cells = _plain_cells(self.text, self.number)
            elif self._boundaries is None:
                self._cells = _tab_cells(self.text, self.number)
            else:
                self._cells = _aligned_cells(self.text, self.number, self._boundaries)
        return self._cells

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def is_row(self) -> bool:
        """A table row of more than one cell (a row of one cell reads as a plain line)."""
        return self.region is not None and len(self.cells) > 1

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def filled(self) -> list[str]:
        """The texts of the non-empty cells, in order."""
        return [c.text for c in self.cells if c.text]

    @property
    def clean(self) -> str:
        """The line as the parsers read it: a row's cells joined by tabs (the one serialisation of a row, whatever
        the converter printed), a plain line without HTML fragments and with whitespace collapsed."""
        if self._clean is None:  # kept: every stage (detection, parsers, coverage) reads it
            self._clean = _clean(self.text) if self.region is None else "\t".join(c.text for c in self.cells)
        return self._clean


@dataclass(frozen=True)
class TableRegion:
    first_line: int
    last_line: int
    source: str  # "tabs" or "aligned"
    boundaries: tuple[tuple[int, int], ...] = ()  # column separators of an aligned region


class DocumentModel:
    """Lines with provenance, the table regions found in them, and the page furniture to skip."""

    def __init__(self, lines: Sequence[str]):
        texts = [line.replace("\f", "") if "\f" in line else line for line in lines]
        self.page_breaks = frozenset(i + 1 for i, line in enumerate(lines) if "\f" in line)
        pages = _pages(texts, self.page_breaks)
        texts = _without_page_margins(texts, pages)
        self.furniture: frozenset[int] = _furniture(texts, self.page_breaks, pages)
        self.texts = texts
        self.skipped = _with_blank_margins(texts, self.furniture)
        self.regions: list[TableRegion] = []
        self._region_of: dict[int, tuple[int, list[tuple[int, int]] | None]] = {}
        self._find_regions()
        # Every line is built once, up front: parsers, coverage and detection each walk the content several times.
        self._lines = list(map(Line, count(1), texts))
        for number, (region, boundaries) in self._region_of.items():
            line = self._lines[number - 1]
            line.region, line._boundaries = region, boundaries
        # the continuation lines of rows wrapped over several lines are read as part of their row's first line
        self.continued = frozenset(n for region in self.regions if region.source == "aligned"
                                   for n in _join_wrapped_rows(self._lines[region.first_line - 1:region.last_line],
                                                               region.boundaries))
        self._content = [line for line in self._lines
                         if line.number not in self.skipped and line.number not in self.continued]
        self._content_numbers = [line.number for line in self._content]

    def line(self, number: int) -> Line:
        return self._lines[number - 1]

    def is_aligned(self, line: Line) -> bool:
        """The line is a row of space-aligned columns: its cells were told apart by spaces, not tabs."""
        return line.region is not None and self.regions[line.region].source == "aligned"

    def content(self, first: int, last: int) -> list[Line]:
        """The lines first..last (1-based, inclusive) without page furniture (and the blank lines around it, so
        that a table or a paragraph cut by a page break reads on)."""
        numbers = self._content_numbers
        return self._content[bisect.bisect_left(numbers, first):bisect.bisect_right(numbers, last)]

    def content_texts(self) -> list[str]:
        """Every line's text as detection reads it: rows as tab-joined cells, page furniture blanked."""
        out = list(self.texts)
        for number in self._region_of:
            out[number - 1] = self.line(number).clean
        for number in self.furniture | self.continued:
            out[number - 1] = ""
        return out

    # -- building --------------------------------------------------------------------------------------------
    def _find_regions(self) -> None:
        """Table regions live in blocks of consecutive non-blank lines holding a tab or a run of 2+ spaces after
        text or before it (an indented cell): only those blocks are read."""
        texts, furniture = self.texts, self.furniture
        joined = "\n".join(texts)
        starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
        hits: set[int] = set()
        for needle in ("\t", "  ", "\n "):  # C-level scans; each hit's line is found by bisection
            pos = joined.find(needle)
            while pos >= 0:
                k = bisect.bisect_right(starts, pos + (needle == "\n ")) - 1
                hits.add(k)
                pos = joined.find(needle, starts[k + 1]) if k + 1 < len(starts) - 1 else -1
        if texts and texts[0][:1] == " ":
            hits.add(0)
        n, done = len(texts), -1

        def inside(k: int) -> bool:
            return bool(texts[k].strip()) and (k + 1) not in furniture

        for k in sorted(hits):
            if k <= done or not inside(k):
                continue
            lo, hi = k, k + 1
            while lo > 0 and inside(lo - 1):
                lo -= 1
            while hi < n and inside(hi):
                hi += 1
            self._read_block(lo, hi)
            done = hi - 1

    def _read_block(self, lo: int, hi: int) -> None:
        """Lines lo..hi-1 (0-based) are a block of consecutive non-blank lines: tab rows, aligned rows or prose."""
        texts = self.texts
        if any("\t" in texts[k] for k in range(lo, hi)):
            k = lo
            while k < hi:  # each run of tab lines is a region; the lines between them are plain
                if "\t" not in texts[k]:
                    k += 1
                    continue
                m = k
                while m < hi and "\t" in texts[m]:
                    m += 1
                self._add_region(k, m, "tabs", None)
                k = m
            return
        boundaries = _column_boundaries(texts[lo:hi])
        if boundaries:
            self._add_region(lo, hi, "aligned", boundaries)

    def _add_region(self, lo: int, hi: int, source: str, boundaries: list[tuple[int, int]] | None) -> None:
        region = len(self.regions)
        self.regions.append(TableRegion(lo + 1, hi, source, tuple(boundaries or ())))
        for idx in range(lo, hi):
            self._region_of[idx + 1] = (region, boundaries)


# -- cells ----------------------------------------------------------------------------------------------------
def _clean(text: str) -> str:
    if "<" in text:
        return strip_html(text)
    if "  " not in text and text.isprintable():
        return text.strip()  # most cells: nothing to fold (collapse's own shortcut, without the call)
    return collapse(text)


def _plain_cells(text: str, number: int) -> tuple[Cell, ...]:
    stripped = text.strip()
    if not stripped:
        return ()
    start = len(text) - len(text.lstrip())
    return (Cell(_clean(text), number, start, start + len(stripped)),)


def _tab_cells(text: str, number: int) -> tuple[Cell, ...]:
    cells, pos = [], 0
    for part in text.split("\t"):
        cells.append(Cell(_clean(part), number, pos, pos + len(part)))
        pos += len(part) + 1
    return tuple(cells)


def _column_boundaries(block: list[str]) -> list[tuple[int, int]]:
    """Column separators of an aligned block: runs of 2+ positions blank in every line of the block, with text of
    some line on both sides; [] when the block is no table.

    Justified prose prints double spaces between words too, but not at the same place on every line of a
    paragraph, so only lines whose gaps line up are read as columns (a lone line is a one-row table). Positions
    are bits of an int (bit p: position p is blank), so a line's blanks are intersected with the others' at once."""
    bodies = sorted((t.rstrip() for t in block), key=len, reverse=True)
    if not any("  " in b.strip() for b in bodies) or len(bodies[0]) > 4000:
        return []
    width = len(bodies[0])
    full = (1 << width) - 1
    candidates = full
    for body in bodies:  # the longest line first: it leaves the fewest candidates
        indent = len(body) - len(body.lstrip(" "))
        blank = (1 << indent) - 1 | full & ~((1 << len(body)) - 1)  # the indent, and past a shorter line's end
        for gap in _GAP.finditer(body, indent):
            blank |= (1 << gap.end()) - (1 << gap.start())
        candidates &= blank
        if not candidates:
            return []
    lead = min(len(b) - len(b.lstrip(" ")) for b in bodies)
    return [(a, b) for a, b in _bit_runs(candidates) if b - a >= 2 and a >= lead and a > 0 and b < width]


def _bit_runs(mask: int) -> list[tuple[int, int]]:
    """(first, one past the last) of each run of set bits, lowest first."""
    runs = []
    while mask:
        first = (mask & -mask).bit_length() - 1
        shifted = mask >> first
        end = first + ((shifted + 1) & ~shifted).bit_length() - 1
        runs.append((first, end))
        mask &= ~((1 << end) - 1)
    return runs


def _aligned_cells(text: str, number: int, boundaries: list[tuple[int, int]]) -> tuple[Cell, ...]:
    """The cells of one line of an aligned block: the text between consecutive boundaries (empty cells too)."""
    cells, pos = [], 0
    edges = [*boundaries, (len(text), len(text))]
    for start, end in edges:
        part = text[pos:start] if start > pos else ""
        lead = len(part) - len(part.lstrip())
        body = part.strip()
        cells.append(Cell(_clean(body), number, pos + lead, pos + lead + len(body)))
        pos = end
    while len(cells) > 1 and not cells[-1].text:
        cells.pop()
    return tuple(cells)


# -- rows wrapped over several lines ----------------------------------------------------------------------------
_FULL = 0.75  # of a column's widest text: a cell line this long, that the next word would overflow, was wrapped
_WRAPPED_ROW_CELLS = 3  # a row's first line must start this many cells (a table, not a paragraph split by chance)
_TABLE_GAP = 3  # blank positions between two columns of a table printed from a PDF (justified prose prints 2)


def _join_wrapped_rows(lines: list[Line], boundaries: Sequence[tuple[int, int]]) -> list[int]:
    """In an aligned region printed from a PDF table (`pdftotext -layout`), a row's cells wrap over several lines,
    top-aligned: its first line starts every cell, the next lines carry on some of them. A line continues the row
    above when each of its cells carries on a cell of the line above that had to wrap there (a text of several
    words, long for its column, that the cell's next word would have overflowed), the row's first line starts cells
    this line leaves empty, and a line carrying on one cell alone goes on in lower case (a status line or a new
    sentence does not). Such lines' cell texts are joined onto the row's first line; returns their numbers."""
    if not any(end - start >= _TABLE_GAP for start, end in boundaries):
        return []
    texts = [[c.text for c in line.cells] for line in lines]
    width = [max((len(row[c]) for row in texts if c < len(row)), default=0) for c in range(max(map(len, texts)))]
    continued: list[int] = []
    first = 0
    for k in range(1, len(lines)):
        if not _continues(texts[first], texts[k - 1], texts[k], width, k - 1 == first):
            first = k
            continue
        row = list(lines[first].cells)
        for c, text in enumerate(texts[k]):
            if text:
                row[c] = row[c]._replace(text=f"{row[c].text} {text}")
        lines[first]._cells, lines[first]._clean = tuple(row), None
        continued.append(lines[k].number)
    return continued


def _continues(first: list[str], above: list[str], here: list[str], width: list[int], second_line: bool) -> bool:
    filled = [c for c, text in enumerate(here) if text]
    starts = sum(1 for text in first if text)
    if not filled or starts < _WRAPPED_ROW_CELLS or (second_line and len(filled) >= starts):
        return False
    if any(c >= len(above) or not above[c] for c in filled):
        return False  # a cell that starts here starts a row (top-aligned cells)
    if len(filled) == 1 and not _goes_on_in_lower_case(here[filled[0]]):
        return False
    return all(" " in above[c] and len(above[c]) + 1 + len(here[c].split(" ", 1)[0]) > _FULL * width[c]
               for c in filled)


def _goes_on_in_lower_case(text: str) -> bool:
    """The first letter of the text is lower case (or it has none): a wrapped phrase, not a heading or a status."""
    letter = next((ch for ch in text if ch.isalpha()), "")
    return not letter.isupper()


# -- page furniture -------------------------------------------------------------------------------------------
def _shape(text: str) -> str:
    return _DIGITS.sub("#", collapse(text).lower())


def _furniture(texts: list[str], page_breaks: frozenset[int], pages: list[tuple[int, int]]) -> frozenset[int]:
    """Lines that a converter adds around page breaks: page numbers ("Pagina 3 di 40", "- 3 -") and the lines at
    the top or bottom of a page that recur, digits aside, on most pages (a running title, a footer)."""
    if len(pages) < 3:
        return frozenset()
    edges: list[tuple[int, ...]] = []
    for first, last in pages:
        non_blank = [i for i in range(first, last + 1) if texts[i - 1].strip()]
        edges.append(tuple(non_blank[:_PAGE_EDGE] + non_blank[-_PAGE_EDGE:]))
    counts = Counter(shape for lines in edges for shape in {_shape(texts[i - 1]) for i in lines})
    recurring = {shape for shape, n in counts.items() if n >= max(3, len(pages) // 2) and len(shape) <= 160}
    out = set()
    for lines in edges:
        for i in lines:
            if _shape(texts[i - 1]) in recurring or _PAGE_NUMBER.match(texts[i - 1]) and (
                    i in page_breaks or _PAGE_WORD.match(texts[i - 1]) or _next_to_break(i, page_breaks)):
                out.add(i)
    return frozenset(out)


def _with_blank_margins(texts: list[str], furniture: frozenset[int]) -> frozenset[int]:
    """The furniture lines and the blank lines next to them (a page break's whole band)."""
    out = set(furniture)
    for number in furniture:
        for step in (-1, 1):
            k = number + step
            while 1 <= k <= len(texts) and k not in out and not texts[k - 1].strip():
                out.add(k)
                k += step
    return frozenset(out)


_MARGIN_SHARE = 0.9  # of a page's non-blank lines that must start at or after a left margin for it to be one


def _without_page_margins(texts: list[str], pages: list[tuple[int, int]]) -> list[str]:
    """The lines with each page's left margin removed. A converter that keeps the page's geometry (`pdftotext
    -layout`) prints every line of a page after the same few spaces (a running title or page number may start
    further left); the layouts read the text from that margin. The margin of a page is the widest indent that
    nearly all of its non-blank lines have, so relative indents (aligned columns, nested items) stay as printed."""
    out = texts
    for first, last in pages:
        page = texts[first - 1:last]
        filled = sum(1 for t in page if t and not t.isspace())
        if not filled or sum(1 for t in page if t and t[0] != " ") > filled * (1 - _MARGIN_SHARE):
            continue  # (the common case, checked cheaply) enough lines start at the edge: no margin
        indents = sorted(len(t) - len(t.lstrip(" ")) for t in page if t.strip())
        margin = indents[int(len(indents) * (1 - _MARGIN_SHARE))]  # all but the least indented tenth reach it
        if margin == 0:
            continue
        if out is texts:
            out = list(texts)
        for k in range(first - 1, last):
            text = out[k]
            out[k] = text[min(margin, len(text) - len(text.lstrip(" "))):]
    return out


def _next_to_break(i: int, page_breaks: frozenset[int]) -> bool:
    return i + 1 in page_breaks or i in page_breaks


def _pages(texts: list[str], page_breaks: frozenset[int]) -> list[tuple[int, int]]:
    """(first, last) 1-based lines of each page: pages end at a form feed, or after a "Pagina N" line when the
    text has no form feeds."""
    ends = sorted(b - 1 for b in page_breaks if b > 1)
    if not ends:
        candidates = JoinedLines(texts).lines_with("pag", any_case=True)  # every "Pagina N" line says it
        ends = [i + 1 for i in candidates if _PAGE_WORD.match(texts[i]) and _PAGE_NUMBER.match(texts[i])]
    pages, first = [], 1
    for end in ends:
        if end >= first:
            pages.append((first, end))
            first = end + 1
    if first <= len(texts):
        pages.append((first, len(texts)))
    return pages
