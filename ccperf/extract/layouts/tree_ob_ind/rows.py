"""One indicator row of a table, from its first line to the next row: name, Algoritmo, Parametri and values.

The values line ("anchor") ends with %Realizz target and % Realizz parametrata (then UFFICIO); the cells before
them are Risultato and Target, and in a unit table the four-month data (I, II, III Quadr, TOT/MEDIA). Cells that
wrap (split dates, a ratio's numerator row, a target printed as text) sit on the lines above the anchor; a ratio's
denominator row and the rest of a wrapped name or Algoritmo on the lines after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.layouts.tree_ob_ind.names import NameBuilder, NameRef, TextPiece, consume, split_name
from ccperf.extract.layouts.tree_ob_ind.sections import TREE, UNIT
from ccperf.extract.layouts.tree_ob_ind.tokens import (
    BARE_OPERATOR,
    TextLine,
    Token,
    algoritmo_operator,
    is_value_line,
    join_wrapped,
    split_value_suffix,
)
from ccperf.extract.layouts.tree_ob_ind.vocabulary import ANCHOR
from ccperf.extract.numbers import collapse

PrintedCell = tuple[str | None, int]  # a cell's text (None for an empty cell) and its line number
_RATIO_THRESHOLD_END = re.compile(r"%\s*\)?\s*$")
_COMPARISON_OR_DIGIT = re.compile(r"[<>=≥≤]|\d")


@dataclass(slots=True)
class RowValues:
    actual_raw: str | None = None
    target_raw: str | None = None
    achievement_raw: str | None = None
    param_raw: str | None = None
    office: str | None = None
    data: list[PrintedCell] = field(default_factory=list)  # cells I..TOT
    denominator: list[PrintedCell] = field(default_factory=list)
    numerator_label: str | None = None
    denominator_label: str | None = None
    target_from_text: bool = False


@dataclass(slots=True)
class Row:
    name: str
    algoritmo: str | None
    values: RowValues
    notes: list[str]
    last: int  # index of its last line


@dataclass(slots=True)
class _AboveAnchor:
    cells: list[PrintedCell] = field(default_factory=list)  # value cells printed above the anchor
    value_lines: set[int] = field(default_factory=set)
    target_text: list[int] = field(default_factory=list)  # lines of a target printed as text


class RowReader:
    """Splits the lines of indicator rows; `refs` (the tree's names by code) grows as the tree is read."""

    def __init__(self, lines: list[TextLine], repairs: dict[int, str], refs: dict[str, list[NameRef]]):
        self.lines = lines
        self.repairs = repairs
        self.refs = refs

    def read(self, kind: str, start: int, end: int, code: str, first_text: str) -> Row | None:
        """Split a row's lines into name, Algoritmo (+ Parametri), values; None when no values line."""
        found = self.find_anchor(start, end, first_text)
        if found is None:
            return None
        a, am = found
        values = RowValues(achievement_raw=am.group("pt").replace(" ", ""), param_raw=am.group("pp").replace(" ", ""),
                           office=collapse(am.group("office")) or None)
        anchor_text, cells = self.anchor_cells(kind, am.group("pre"), a)
        after = [k for k in range(a + 1, end) if not self.lines[k].blank]
        denominator = self.find_denominator(after, code, first_text) if kind == UNIT else None
        on_anchor = len([c for c in cells if c[0] is not None])
        # unit rows: Risultato, Target and at least the TOT cell; above the anchor only when the values wrap
        # (split dates) or for a ratio's numerator row
        need = 3 if kind == UNIT and (denominator is not None or on_anchor < 2) else 2
        above = self.values_above(start, a, cells, need)
        notes: list[str] = []
        if not self.place_values(kind, values, above, cells, notes):
            return None
        before = self.text_before(start, a, first_text, anchor_text, above)
        after_text = self.text_after(values, after, denominator)
        if kind == TREE:
            builder = NameBuilder(None)
            for _, text in before + after_text:
                builder.add(text)
            return Row(builder.text(), None, values, notes + self.repair_notes(start, a, after), max([a] + after))
        split = split_name(before, after_text, self.best_ref(code, first_text))
        if split.glued:
            notes.append(f"name wrapped inside a word, rejoined: {', '.join(split.glued)}")
        notes += self.repair_notes(start, a, after)
        if kind == UNIT:
            algoritmo = self.unit_cells(values, split.other_before, split.other_after, after, denominator, notes)
        else:
            algoritmo = join_wrapped([t for _, t in split.other_before] + [t for _, t in split.other_after]) or None
        if split.glued is None:
            notes.append("name not matched in the albero: name/Algoritmo split by wording")
        return Row(split.name, algoritmo, values, notes, max([a] + after))

    def find_anchor(self, start: int, end: int, first_text: str) -> tuple[int, re.Match[str]] | None:
        lines = self.lines
        for k in range(start, end):
            if lines[k].blank:
                continue
            text = first_text if k == start else lines[k].text
            m = ANCHOR.match(text) if text.count("%") >= 2 else None  # the two percentages it ends with
            if m:
                return k, m
        return None

    def anchor_cells(self, kind: str, pre: str, a: int) -> tuple[str, list[PrintedCell]]:
        """The text before the values on the anchor line, and the value cells: [Algoritmo/name text] [data…]
        Risultato Target."""
        text_toks, suffix = split_value_suffix(pre)
        anchor_text = pre[: suffix[0][1]] if suffix else pre
        if kind == UNIT and text_toks and suffix:
            # Algoritmo printed on the values line: "n. strumenti verificati >= 90   90 16 11 --- 117 90";
            # the cells start after a run of 3+ spaces, else after the threshold that follows a bare operator.
            cut = None
            for j, tok in enumerate(suffix):
                gap_from = text_toks[-1][2] if j == 0 else suffix[j - 1][2]
                if len(pre[gap_from:tok[1]]) >= 3:
                    cut = j
                    break
            if cut is None and BARE_OPERATOR.match(text_toks[-1][0]):
                cut = 1
            if cut:
                anchor_text = pre[: suffix[cut][1]]
                suffix = suffix[cut:]
        elif kind != UNIT and len(suffix) > 2:
            anchor_text = pre[: suffix[-2][1]]
            suffix = suffix[-2:]
        return anchor_text, self.cells_of(pre, suffix, a)

    def values_above(self, start: int, a: int, cells: list[PrintedCell], need: int) -> _AboveAnchor:
        """Values printed on the lines above the anchor (split dates, numerator row, text target)."""
        above = _AboveAnchor([], set(), [])  # (given, not built by the default factories)
        lines = self.lines
        k = a - 1
        while k > start and len([c for c in above.cells + cells if c[0] is not None]) < need:
            line = lines[k]
            if line.blank:
                k -= 1
                continue
            if is_value_line(line.text):
                above.cells = self.cells_of(line.text, split_value_suffix(line.text)[1], k) + above.cells
                above.value_lines.add(k)
                if above.target_text:
                    break
            elif not [c for c in above.cells + cells if c[0] is not None] and len(above.target_text) < 4 and len(
                    line.text) < 30:
                above.target_text.insert(0, k)
            else:
                break
            k -= 1
        return above

    def place_values(self, kind: str, values: RowValues, above: _AboveAnchor, cells: list[PrintedCell],
                     notes: list[str]) -> bool:
        """Risultato and Target (the last two printed cells, or the last cell and a text target), and the data
        cells before them; False when they are not there."""
        printed = above.cells + cells
        filled = [c for c in printed if c[0] is not None]
        if above.target_text:
            if not above.value_lines:
                return False  # text lines right above the values but no Risultato: not a row we can read
            values.target_raw = join_wrapped([self.lines[t].text for t in above.target_text])
            values.actual_raw = filled[-1][0]
            values.target_from_text = True
            data_cells = printed[:-1]
        else:
            if len(filled) < 2:
                return False
            # the last two printed cells are Risultato and Target; empty cells before them are data cells
            idx = [n for n, c in enumerate(printed) if c[0] is not None]
            values.actual_raw, values.target_raw = filled[-2][0], filled[-1][0]
            data_cells = printed[: idx[-2]]
        if kind == UNIT:
            values.data = data_cells[-4:] if len(data_cells) >= 4 else data_cells
            if len(data_cells) > 4 and any(c[0] is not None for c in data_cells[:-4]):
                notes.append(f"more than four data cells printed: {' '.join(c[0] for c in data_cells if c[0])}")
        return True

    def text_before(self, start: int, a: int, first_text: str, anchor_text: str,
                    above: _AboveAnchor) -> list[TextPiece]:
        """Name and Algoritmo / Parametri text before the values, in order."""
        out: list[TextPiece] = []
        lines = self.lines
        for k in range(start, a + 1):
            if lines[k].blank or k in above.value_lines or k in above.target_text:
                continue
            text = anchor_text if k == a else first_text if k == start else lines[k].text
            if text.strip():
                out.append((k, text))
        return out

    def text_after(self, values: RowValues, after: list[int], denominator: int | None) -> list[TextPiece]:
        """The text after the values; a ratio's denominator row gives its cells and keeps only its label."""
        out: list[TextPiece] = []
        for k in after:
            text = self.lines[k].text
            if k == denominator:
                label, cells = split_value_suffix(text)
                values.denominator = self.cells_of(text, cells, k)
                label_part = text[: cells[0][1]] if label else ""
                if label_part.strip():
                    out.append((k, label_part))
                continue
            out.append((k, text))
        return out

    def unit_cells(self, values: RowValues, other_before: list[TextPiece], other_after: list[TextPiece],
                   after: list[int], denominator: int | None, notes: list[str]) -> str | None:
        """The Algoritmo of a unit row (returned) and its Parametri di calcolo: a ratio's numerator and
        denominator labels, or the one label of a single-value row."""
        algoritmo, params = self.split_algoritmo(other_before, denominator is not None)
        if denominator is not None:
            denominator_lines = {k for k in after if k <= denominator}
            values.numerator_label = params or None
            values.denominator_label = join_wrapped([t for k, t in other_after if k in denominator_lines]) or None
            leftover = [t for k, t in other_after if k not in denominator_lines]
        else:
            leftover = [t for _, t in other_after]
            if params:
                values.numerator_label = params  # the Parametri di calcolo cell of a single-value row
        if leftover:
            notes.append(f"unplaced text after the values: '{join_wrapped(leftover)}'")
        return algoritmo

    def repair_notes(self, start: int, a: int, after: list[int]) -> list[str]:
        """The repairs (tokens.prepare_lines) of the row's lines, in line order."""
        first, last = self.lines[start].number, self.lines[max([a] + after)].number
        return [f"date wrapped inside its year, rejoined: {note}" for number, note in self.repairs.items()
                if first <= number <= last]

    def cells_of(self, text: str, toks: list[Token], line_idx: int) -> list[PrintedCell]:
        """Printed cells with the empty ones a run of spaces stands for (each empty cell adds two spaces)."""
        out: list[PrintedCell] = []
        number = self.lines[line_idx].number
        prev_end = None
        for tok, s, e in toks:
            if prev_end is not None:
                out += [(None, number)] * max(0, (s - prev_end - 1) // 2)
            out.append((tok, number))
            prev_end = e
        return out

    def find_denominator(self, after: list[int], code: str, first_text: str) -> int | None:
        """The denominator row of a ratio indicator: a values line after the anchor, under a text label."""
        seen_text = False
        ref = self.best_ref(code, first_text)
        for k in after:
            text = self.lines[k].text
            if is_value_line(text):
                return k if seen_text else None
            label, cells = split_value_suffix(text)
            # "n. valutazioni 28 0 174 202": label and cells on one line (not a name line, not "… >= 5")
            if label and len(cells) >= 2 and not BARE_OPERATOR.match(label[-1][0]) and (
                    ref is None or consume(text, ref, 0)[0] == 0):
                return k
            seen_text = True
        return None

    def best_ref(self, code: str, first_text: str) -> NameRef | None:
        candidates = self.refs.get(code, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        # several tree rows share the code (FRD: ob2 …): the one the row's first line starts like
        return max(candidates, key=lambda ref: consume(first_text, ref, 0)[1])

    @staticmethod
    def split_algoritmo(other: list[TextPiece], ratio: bool) -> tuple[str | None, str | None]:
        """Algoritmo and Parametri di calcolo cells of a unit row (both wrap; a blank line may end a cell)."""
        if not other:
            return None, None
        end = None
        if ratio:  # "% … >= 85%": the Algoritmo of a ratio ends with its percentage threshold
            end = next((n for n, (_, t) in enumerate(other) if _RATIO_THRESHOLD_END.search(t)), None)
        if end is None:
            cue = next((n for n, (_, t) in enumerate(other) if _states_measure(t)), None)
            end = cue if cue is not None else 0
            # the cell goes on to the end of that paragraph (lines not separated by a blank line)
            while end + 1 < len(other) and other[end + 1][0] == other[end][0] + 1:
                end += 1
        algoritmo = join_wrapped([t for _, t in other[: end + 1]]) or None
        params = join_wrapped([t for _, t in other[end + 1:]]) or None
        return algoritmo, params


def _states_measure(text: str) -> bool:
    """Where an Algoritmo cell states its measure: a comparison, a number or an operator word ("entro")."""
    return bool(_COMPARISON_OR_DIGIT.search(text)) or algoritmo_operator(text) is not None
