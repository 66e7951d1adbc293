"""Which header column each cell of a data row is under.

A row of the header's own table region, a tab row, or an aligned row with as many cells as the header has, is read
by cell index. An aligned row printed in another block (after a blank line or a page break) whose cells do not
pair one to one with the header's, is placed by character spans: each cell goes to the header cell it overlaps most,
or, overlapping none, to the last header cell starting before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ccperf.extract.document import Line

Placed = list[tuple[int, str]]  # (header column index, text) of the non-empty cells of a row


@dataclass(frozen=True)
class Columns:
    keys: Mapping[str, int]  # column key → index of its header cell
    spans: tuple[tuple[int, int], ...] = ()  # the header cells' character spans, when the header is an aligned row
    region: int | None = None  # the header's table region

    @classmethod
    def of_header(cls, line: Line, keys: Mapping[str, int], aligned: bool) -> Columns:
        spans = tuple((c.start, c.end) for c in line.cells) if aligned else ()
        return cls(dict(keys), spans, line.region)

    def place(self, line: Line, aligned: bool) -> Placed:
        """(column index, text) of every non-empty cell of a data row (`aligned`: the row is an aligned row)."""
        cells = line.cells
        if not self.spans or not aligned or line.region == self.region or len(cells) == len(self.spans):
            return [(i, c.text) for i, c in enumerate(cells) if c.text]
        return [(self._column_of(c.start, c.end), c.text) for c in cells if c.text]

    def _column_of(self, start: int, end: int) -> int:
        overlaps = [min(end, e) - max(start, s) for s, e in self.spans]
        best = max(range(len(overlaps)), key=overlaps.__getitem__)
        if overlaps[best] > 0:
            return best
        return max((i for i, (s, _) in enumerate(self.spans) if s <= start), default=0)

    def at(self, placed: Placed, key: str) -> str:
        """The text under a column (cells that fall under the same column joined)."""
        index = self.keys.get(key)
        return " ".join(text for i, text in placed if i == index)

    def from_column(self, placed: Placed, key: str) -> str:
        """The texts under a column and every column after it (a last column whose text spills into more cells)."""
        index = self.keys.get(key)
        return " ".join(text for i, text in placed if index is not None and i >= index)
