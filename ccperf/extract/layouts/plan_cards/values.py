"""The value zone of an indicator block: from "Base Line" / "Target storico" to the last value line.

    Target storico di riferimento:          baseline label (its year under it)   or   Base Line Valore Target:
    anno 2019                                                                           7,00%   (the baseline)
    Valore Target: Peso
    al 30/6 al 31/12 [Nuova / previsione al / 31/12] [Peso]     the column header (wrapped over up to 4 lines)
    133 32 70 70,00%                                            baseline, 30/6, 31/12[, revised], Peso

The header says which columns the row has; the row's cells (cells.build_cells) are put in them. The Peso is the
last cell of the row, or a line of its own (then the text cells wrap around it), or glued to the header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.layouts.plan_cards.cells import (
    Cell,
    assign_cells,
    build_cells,
    leading_percent,
    percent_only,
    split_band,
    trailing_percent,
)
from ccperf.extract.layouts.plan_cards.words import (
    BASELINE_ABOVE_HEADER,
    BASELINE_YEAR,
    HEADER,
    MID_DATE,
    REVISED,
    TARGET_LABEL,
    WEIGHT_WORDS,
)
from ccperf.extract.numbers import collapse


@dataclass
class BlockValues:
    """What an indicator block's value zone yields."""

    cells: dict[str, Cell] = field(default_factory=dict)
    weight: float | None = None
    notes: list[str] = field(default_factory=list)
    problem: str | None = None  # set when the row could not be read (quarantined)
    line_end: int | None = None


@dataclass
class _Columns:
    slots: list[str]
    baseline_above: Cell | None  # a baseline printed before the header (strategic cards)
    has_weight: bool  # a Peso column is announced


def read_values(pre: Sequence[Line], header: Sequence[Line], values: Sequence[Line]) -> BlockValues:
    """Read the zone from "Base Line"/"Target storico" to the end of the values.

    pre: lines between the types and the column header; header: the header line and its wrapped parts;
    values: the value lines (footers and blank lines removed).
    """
    out = BlockValues()
    columns = _columns(pre, header, out)
    rows = [line for line in values if line.text.strip()]
    if not rows:
        out.problem = "indicator block without a value row"
        return out
    out.line_end = rows[-1].number
    cells = _row_cells(rows, out, columns.has_weight)
    if columns.baseline_above is not None:
        out.cells["baseline"] = columns.baseline_above
    slots = columns.slots
    if len(cells) > len(slots) + 1 or not cells:
        out.problem = f"{len(cells)} cells for {len(slots)} columns: value row not readable"
        return out
    assigned, note = assign_cells(cells, slots)
    out.cells.update(assigned)
    if note:
        row_text = collapse(" ".join(line.text for line in rows))
        out.notes.append(f"row '{row_text}': {note}")
    return out


def is_header(text: str) -> bool:
    """The column header "al 30/6 al 31/12" (alone, or with the weight glued before it)."""
    m = HEADER.match(text)
    return m is not None and (not m.group("before").strip() or leading_percent(m.group("before")) is not None)


def _columns(pre: Sequence[Line], header: Sequence[Line], out: BlockValues) -> _Columns:
    """The columns the header announces, the weight glued to it or printed before it, a baseline printed above."""
    header_text = collapse(" ".join(line.text for line in header))
    pre_texts = [collapse(line.text) for line in pre]
    has_weight = any(w in header_text.lower() or any(w in t.lower() for t in pre_texts) for w in WEIGHT_WORDS)
    if (hm := HEADER.match(header[0].text)) and (glued := leading_percent(hm.group("before"))):
        out.weight = glued[0]
        out.notes.append(f"weight '{glued[1]}' printed glued to the column header")
    baseline_in_row = not any(BASELINE_ABOVE_HEADER.search(t) for t in pre_texts)  # else printed under its label
    baseline_above: str | None = None
    value_line = next((i for i, t in enumerate(pre_texts) if any(w in t.lower() for w in TARGET_LABEL)), None)
    for text in pre_texts[value_line + 1:] if value_line is not None else []:
        if not text or text.lower() in WEIGHT_WORDS or BASELINE_YEAR.fullmatch(text):
            continue
        weight = percent_only(text)
        if weight is not None and any(w in pre_texts[value_line].lower() for w in WEIGHT_WORDS) and out.weight is None:
            out.weight = weight
            out.notes.append(f"weight '{text}' printed on its own line before the column header")
            continue
        baseline_above = text if baseline_above is None else f"{baseline_above} {text}"
        baseline_in_row = False
    year = next((m.group(0) for t in pre_texts if (m := BASELINE_YEAR.search(t))), None)
    if year:
        out.notes.append(f"baseline reference '{year}'")
    slots = (["baseline"] if baseline_in_row else []) + (["mid"] if MID_DATE in header_text else []) + ["target"]
    if MID_DATE not in header_text:
        out.notes.append(f"column header printed '{header_text}' (no {MID_DATE} column)")
    if REVISED.search(header_text):
        slots.append("revised")
    above = Cell("text", pre[0].number, baseline_above) if baseline_above is not None else None
    return _Columns(slots, above, has_weight)


def _row_cells(rows: list[Line], out: BlockValues, has_weight: bool) -> list[Cell]:
    """The cells of the value row, the Peso taken out of it (the last cell, or a line of its own)."""
    band1 = [(line.number, line.text) for line in rows]
    band2: list[tuple[int, str]] = []
    force_last = False
    if out.weight is None and has_weight:
        standalone = [i for i, line in enumerate(rows) if percent_only(line.text) is not None]
        if standalone and len(rows) > 1:
            i = standalone[-1]
            out.weight = percent_only(rows[i].text)
            band1, band2 = band1[:i], band1[i + 1:]
        elif tail := trailing_percent(rows[-1].text):
            out.weight = tail[0]
            band1[-1] = (rows[-1].number, rows[-1].text[:tail[1]])
            force_last = len(rows) > 1  # single-line cells share the Peso's line: its text starts a new cell
        else:
            out.notes.append("no Peso printed in the value row")
    cells = build_cells([(n, t, force_last and i == len(band1) - 1) for i, (n, t) in enumerate(band1)])
    if len(rows) > 1:
        out.notes.append(f"value cells wrapped over lines {rows[0].number}-{rows[-1].number}")
    if band2:
        _continue_text_cells(cells, [t for _, t in band2], out)
    for cell in cells:
        cell.raw = collapse(cell.raw)
    return cells


def _continue_text_cells(cells: list[Cell], lines: list[str], out: BlockValues) -> None:
    """Lines printed after a Peso line of its own: the ends of the text cells wrapped around it."""
    open_cells = [c for c in cells if c.kind == "text"]
    pieces = split_band(lines, len(open_cells)) if open_cells else None
    if pieces is None:
        out.problem = (f"{len(lines)} wrapped line(s) printed after the Peso cannot be split among "
                       f"{len(open_cells)} text cells")
        if open_cells:
            open_cells[-1].raw += " " + " ".join(lines)
        return
    for cell, piece in zip(open_cells, pieces, strict=True):
        if piece:
            cell.raw += " " + " ".join(piece)
    out.notes.append(f"text cells wrapped around the Peso; continuation lines split among {len(open_cells)} cell(s)")
