"""An indicator table split into rows: each row's description, Tipo, cells, status line and remarks.

Every row has a Tipo cell (found by its value, lines.find_tipo). What lies between two Tipo cells is the end of one
row and the start of the next: the cells of the first row up to its status line ("OBIETTIVO CONSEGUITO"), the
full-width remarks after it, then the description of the next row, printed on the lines above its Tipo (or
before the Tipo on its line, when it fits on one line). Remarks and descriptions are told apart by width: a
remark line wider than the description column, or the rest of a wide line wrapping on, or a short item that ends
before a capitalised line, is a remark; the description is the run of lines after the last remark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ccperf.extract.layouts.wrapped_cells import words as w
from ccperf.extract.layouts.wrapped_cells.lines import (
    Printed,
    TipoMatch,
    ends_item,
    ends_sentence,
    find_tipo,
    is_status,
    joined,
    lines_with_tipo_start,
)
from ccperf.extract.vocab import parse_status


@dataclass
class RowLines:
    tipo: TipoMatch
    tipo_lines: list[Printed]
    description: list[Printed] = field(default_factory=list)  # empty when printed before the Tipo on its line
    cells: list[Printed] = field(default_factory=list)  # after the Tipo, before the status line or the remarks
    status: Printed | None = None
    remarks: list[Printed] = field(default_factory=list)

    @property
    def source_line(self) -> int:
        return (self.description or self.tipo_lines)[0].number

    @property
    def name(self) -> str:
        return joined(self.description) if self.description else self.tipo.prefix

    @property
    def printed(self) -> list[Printed]:
        """Its lines from the Tipo on."""
        return [*self.tipo_lines, *self.cells, *([self.status] if self.status else []), *self.remarks]

    @property
    def last_line(self) -> int:
        return max(p.number for p in self.printed)


@dataclass(frozen=True)
class Stray:
    """Lines of a table that belong to no row, with the reason."""

    lines: list[Printed]
    reason: str


def find_anchors(lines: Sequence[Printed]) -> list[TipoMatch]:
    """The Tipo cell of every row, in order (only the lines where a Tipo can start are tried)."""
    texts = [p.text for p in lines]
    anchors: list[TipoMatch] = []
    done = -1
    for i in lines_with_tipo_start(texts):
        if i > done and (tipo := find_tipo(texts, i)) is not None:
            anchors.append(tipo)
            done = tipo.end_index
    return anchors


def split_rows(lines: Sequence[Printed], anchors: Sequence[TipoMatch]) -> tuple[list[RowLines], list[Stray]]:
    """The rows of a table whose Tipo cells are `anchors`, and the lines that belong to none."""
    rows: list[RowLines] = []
    stray: list[Stray] = []
    pending = list(lines[:anchors[0].line_index]) if anchors else []  # the next row's description
    cut = max((i for i, p in enumerate(pending) if p.after_gap), default=0)
    if cut and anchors and not anchors[0].prefix:  # a blank line says where the first description starts
        stray.append(Stray(pending[:cut], "text in the indicator table before its first row"))
        pending = pending[cut:]
    for k, tipo in enumerate(anchors):
        following = anchors[k + 1] if k + 1 < len(anchors) else None
        row = RowLines(tipo, list(lines[tipo.line_index:tipo.end_index + 1]))
        if tipo.prefix and pending:
            stray.append(Stray(pending, "text before a row whose description is printed on its Tipo line"))
        elif not tipo.prefix:
            row.description = pending
        gap = list(lines[tipo.end_index + 1:following.line_index if following else len(lines)])
        pending = _read_gap(row, gap, following)
        if tipo.prefix or row.description:
            rows.append(row)
        else:
            stray.append(Stray(row.printed, "indicator row without a description (no status line or blank line "
                               "marks where the row before ends)" if k else "indicator row without a description"))
    return rows, stray


def _read_gap(row: RowLines, gap: list[Printed], following: TipoMatch | None) -> list[Printed]:
    """Fill the row's cells, status and remarks from the lines after its Tipo; return the next row's
    description."""
    status_at = next((i for i, p in enumerate(gap) if is_status(p)), None)
    if status_at is not None:
        row.cells, row.status = gap[:status_at], gap[status_at]
        row.remarks, description = split_remarks(gap[status_at + 1:], following)
        return description
    opener = next((i for i, p in enumerate(gap) if _opens_remarks(p)), None)
    if opener is not None:  # no status line: the remarks open with a full-width line or one stating a status
        row.cells = gap[:opener]
        row.remarks, description = split_remarks(gap[opener:], following, first_is_remark=True)
        return description
    if following is None or following.prefix:
        row.cells = gap
        return []
    # Neither a status line nor a remark ends the row: only a blank line can say where the next one starts.
    cut = max((i for i, p in enumerate(gap) if p.after_gap and i > 0), default=None)
    row.cells = gap[:cut] if cut is not None else gap
    return gap[cut:] if cut is not None else []


def _opens_remarks(line: Printed) -> bool:
    """A line after a row without a status line that no cell prints: wider than the description column (the
    widest cell), stating a status, or restating the value."""
    return (line.width > w.DESCRIPTION_WIDTH or parse_status(line.text) is not None
            or bool(w.RESTATED_VALUE.match(line.text)))


def split_remarks(after: list[Printed], following: TipoMatch | None,
                  first_is_remark: bool = False) -> tuple[list[Printed], list[Printed]]:
    """The lines after a row's status line: (its remarks, the next row's description)."""
    if following is None or following.prefix:
        return after, []
    last_wide = max((i for i, p in enumerate(after) if p.width > w.DESCRIPTION_WIDTH), default=-1)
    i = 1 if first_is_remark and after else 0
    while i < len(after):
        line = after[i]
        if i <= last_wide:  # a description has no line wider than its column after it
            i += 1
        elif i > 0 and after[i - 1].width > w.DESCRIPTION_WIDTH and not ends_sentence(after[i - 1].text):
            i += 1  # the rest of a full-width remark line
        elif i + 1 < len(after) and ends_item(line, after[i + 1]):
            i += 1  # a short remark ("Si veda relazione iniziale") before a capitalised line
        else:
            break
    return after[:i], after[i:]


def describe(lines: Sequence[Printed]) -> str:
    return "\n".join(p.text for p in lines)
