"""The indicator tables of the scorecard layout: what kind a header opens, and how a row's cells map to its columns.

Every table row ends with the same six cells (objective, indicator, target, result, %, note); the lead cells
before them (code, strategic objective, perspective, office) carry down when empty. A row reaches the parser as
its region's cells: tab rows print every cell; in space-aligned columns an empty trailing cell is blank space
(so the region's column count says how many cells the row has) and a column empty in every row of a region is not
a column there at all, so a row may print fewer lead cells than its table has.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ccperf.extract.profiles import load_profile

_PROFILE = load_profile("scorecard_carried_cells")
_INDICATOR_HEADER = _PROFILE.words("indicator_header")
_TARGET_HEADER = _PROFILE.words("target_header")
_KINDS = {word.upper(): kind for word, kind in _PROFILE.table("header_kinds").items()}

FIXED = ("title", "indicator", "target", "actual", "pct", "note")  # the trailing cells of every data row
LEADS = {"strategic": ("code",), "operational": ("strategic",), "individual": (),
         "staff": ("perspective", "office"), "unknown": ()}
_PRIORITY = ("individual", "staff", "operational", "strategic")  # a header naming two kinds is the first


def header_kind(cells: list[str]) -> str | None:
    """The kind of indicator table a header row opens (None: not a header; "unknown": a header of no known kind)."""
    upper = [c.upper() for c in cells]
    if not any(c.startswith(_INDICATOR_HEADER) for c in upper) or not any(c.startswith(_TARGET_HEADER) for c in upper):
        return None
    named = {kind for word, kind in _KINDS.items() if any(c.startswith(word) for c in upper)}
    return next((kind for kind in _PRIORITY if kind in named), "unknown")


@dataclass
class Table:
    kind: str  # strategic | operational | individual | staff | unknown
    lead: tuple[str, ...]  # roles of the cells before the fixed six
    header_line: int
    role: str = "detail"  # operational tables: ente (Allegato B) | unit | agency
    unit_name: str | None = None
    label: str = ""
    filled: Counter[str] = field(default_factory=Counter)  # rows so far that print each lead cell

    def printed_leads(self, missing: int) -> tuple[str, ...]:
        """The lead columns of a row printing `missing` lead cells fewer than the table has: the leads printed
        least often so far are the ones left out (a column empty in every row of an aligned region is no column
        there; a row without its lead cells leaves out all of them)."""
        order = sorted(range(len(self.lead)), key=lambda i: (self.filled[self.lead[i]], i))
        left_out = set(order[:missing])
        return tuple(name for i, name in enumerate(self.lead) if i not in left_out)


@dataclass
class Row:
    line_no: int
    lead: dict[str, str]
    title: str
    indicator: str
    target: str
    actual: str
    pct: str
    note: str


def split_row(table: Table, line_no: int, cells: list[str], columns: int) -> Row | str:
    """The row's cells by role, or why they cannot be read; `columns` is the row's column count (an aligned row
    does not print its empty trailing cells)."""
    expected = len(table.lead) + len(FIXED)
    cells = cells + [""] * (columns - len(cells))
    while len(cells) > expected and not cells[-1]:
        cells.pop()
    if len(cells) > expected or len(cells) < len(FIXED):
        return f"row with {len(cells)} cells in a table of {expected} columns"
    leads = table.printed_leads(expected - len(cells)) if len(cells) < expected else table.lead
    lead = dict.fromkeys(table.lead, "") | dict(zip(leads, cells, strict=False))
    title, indicator, target, actual, pct, note = cells[len(leads):]
    for name, text in lead.items():
        if text:
            table.filled[name] += 1
    return Row(line_no, lead, title, indicator, target, actual, pct, note)
