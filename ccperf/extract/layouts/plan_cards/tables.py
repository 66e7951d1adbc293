"""The tables a plan prints outside its cards, read from a list of lines (the parser turns them into rows):

    ... nelle tre aree / strategiche:                 the strategic areas, a numbered list after their count
    1. Promozione delle Imprese;

    Assegnazione nuovi Obiettivi ai Dirigenti / e ridefinizione dei Pesi ...    the directors' weight table:
    Segretario / Generale e / ...                      a group label (wrapped), then its objectives
    Obiettivo Operativo 3.1 / <title, wrapped> / 10,00% 10,00%     weight before and after the redefinition
    Totale Segretario Generale dr Massimo Ziletti 100,00% 100,00%  (one value: only in the redefinition column)

    Anno Costi del personale / 2015 6.320.213          a year and a value per line
    Indice Formula / 2019 / Consuntivo / ...           year / label column headings, then label lines and a
    Incidenza / diretta / ... / 46,85% 52,65% 54,70%   line of one value per column
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.layouts.plan_cards.cells import trailing_percent
from ccperf.extract.layouts.plan_cards.words import (
    AREAS_INTRO,
    CARD,
    CARD_LEVELS,
    WEIGHT_ROW,
    WEIGHTS_END,
    WEIGHTS_TOTAL,
)
from ccperf.extract.numbers import Measure, collapse, find_years, parse_count, parse_measure

_LIST_ITEM = re.compile(r"^\s*(?P<code>\d+)\.\s+(?P<title>.+?)\s*;?\s*$")  # "1. Promozione delle Imprese;"
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)+\s")  # "1.3.2 Le partecipazioni societarie": a new section
_TABLE_SPAN = 400  # lines a directors' table is looked for in


def next_filled(lines: Sequence[Line], i: int, limit: int | None = None) -> int | None:
    end = len(lines) if limit is None else min(limit, len(lines))
    return next((j for j in range(i, end) if lines[j].text.strip()), None)


# -- strategic areas -------------------------------------------------------------------------------------------
@dataclass
class AreaList:
    count: float | None
    count_line: int
    quote: str
    areas: list[tuple[int, str, str]]  # (line, code, title)


def read_area_list(lines: Sequence[Line], i: int) -> AreaList | None:
    """"... nelle tre aree strategiche:" ending line i, followed by "1. Promozione delle Imprese;" ..."""
    before = collapse(f"{lines[i - 1].text if i else ''} {lines[i].text}")
    if not (m := AREAS_INTRO.search(before)):
        return None
    areas = []
    j = i + 1
    while (j := next_filled(lines, j)) is not None and (item := _LIST_ITEM.match(lines[j].text)):
        areas.append((lines[j].number, item.group("code"), item.group("title").rstrip(";")))
        j += 1
    word = m.group("n")
    count_line = lines[i - 1].number if i and word in lines[i - 1].text else lines[i].number
    return AreaList(parse_count(word), count_line, before, areas)


# -- the directors' weight table ------------------------------------------------------------------------------
@dataclass
class WeightRow:
    line: int
    kind: str  # the level as printed ("Obiettivo Operativo")
    code: str | None
    text: list[str]
    percents: list[float] | None = None  # one (redefined) or two (initial, redefined) weights
    group: str = "?"  # the director (or the special agency) the objective is assigned to

    @property
    def level(self) -> str:
        return CARD_LEVELS[collapse(self.kind).upper()]

    @property
    def title(self) -> str:
        return collapse(" ".join(self.text))


@dataclass
class WeightTotal:
    line: int
    who: str
    percents: list[float]
    quote: str


@dataclass
class _Group:
    label: list[str] = field(default_factory=list)  # lines outside rows (the label: those before the first row)
    name: str | None = None  # the label, as it stood at the group's first row
    rows: list[WeightRow] = field(default_factory=list)
    open_row: WeightRow | None = None


def trailing_percents(text: str, most: int = 2) -> tuple[list[float], int]:
    """The percentages ending a line ("... 10,00% 10,00%"), at most `most`, and where the first one starts."""
    values: list[float] = []
    end = len(text)
    while len(values) < most and (tail := trailing_percent(text[:end])):
        values.insert(0, tail[0])
        end = tail[1]
    return values, end


def read_weight_table(lines: Sequence[Line], start: int) -> tuple[list[WeightRow], list[WeightTotal]]:
    """The rows (with their group) and the totals of the directors' table whose title is line `start`."""
    rows: list[WeightRow] = []
    totals: list[WeightTotal] = []
    group = _Group()
    for line in lines[start + 1:start + _TABLE_SPAN]:
        text = line.text
        if WEIGHTS_END.search(text) or CARD.match(text):
            break
        if not text.strip():
            continue
        if (tm := WEIGHTS_TOTAL.match(text)) and (total := _total(line.number, tm.group("rest"), text)):
            rows += _close(group, total.who)
            totals.append(total)
            group = _Group()
            continue
        if rm := WEIGHT_ROW.match(text):
            if not group.rows:
                group.name = collapse(" ".join(group.label)) or None
            group.open_row = WeightRow(line.number, rm.group("kind"), rm.group("code"), [rm.group("rest")])
            group.rows.append(group.open_row)
            text = ""
        elif group.open_row is None:
            group.label.append(text)
            continue
        row = group.open_row
        if text:
            row.text.append(text)
        values, at = trailing_percents(row.text[-1])
        if values:
            row.percents = values
            row.text[-1] = row.text[-1][:at]
            group.open_row = None
    return rows + _close(group, None), totals


def _total(line_no: int, rest: str, quote: str) -> WeightTotal | None:
    values, at = trailing_percents(rest)
    who = collapse(rest[:at])
    return WeightTotal(line_no, who, values, quote) if values and who else None


def _close(group: _Group, who: str | None) -> list[WeightRow]:
    """The group's rows, each with its group: the total's name, else the label printed before the rows."""
    for row in group.rows:
        row.group = who or group.name or "?"
    return group.rows


# -- small tables ---------------------------------------------------------------------------------------------
def _year(token: str) -> int | None:
    """A token that is a year and nothing else ("2019")."""
    years = find_years(token)
    return years[0] if len(years) == 1 and str(years[0]) == token.strip() else None


def measures_row(text: str) -> list[Measure] | None:
    """A line of values only ("46,85% 52,65%", "€ 103,74 € 121,35", "2015 6.320.213"), one measure per value."""
    groups: list[str] = []
    for token in text.split():
        if groups and (groups[-1] == "€" or token == "%"):  # "€ 103,74", "20 %"
            groups[-1] += f" {token}"
        else:
            groups.append(token)
    measures = [parse_measure(g, allow_trailing_text=False) for g in groups]
    return measures if measures and all(m.value is not None and m.operator is None for m in measures) else None


def read_cost_table(lines: Sequence[Line], i: int) -> list[tuple[int, int, float, str]]:
    """(line, year, value, quote) of the "2015 6.320.213" rows under the heading at line i."""
    out = []
    for line in lines[i + 1:i + 30]:
        if not line.text.strip():
            continue
        parts = line.text.split()
        measures = measures_row(line.text) if len(parts) == 2 else None
        if measures is None or (year := _year(parts[0])) is None or measures[1].value is None:
            break
        out.append((line.number, year, measures[1].value, line.text))
    return out


@dataclass
class RatioRow:
    line: int
    label: str
    quote: str
    cells: list[tuple[int, str, Measure]]  # (year, column label, value) per column


def read_ratio_table(lines: Sequence[Line], i: int) -> list[RatioRow]:
    """The table under "Indice Formula": (year, label) column headings, then per ratio its label lines, the
    formula lines and one line of values (one per column)."""
    filled = [line for line in lines[i + 1:i + 81] if line.text.strip()]
    columns: list[tuple[int, str]] = []
    k = 0
    while k < len(filled) and (year := _year(filled[k].text)) is not None:
        columns.append((year, collapse(filled[k + 1].text) if k + 1 < len(filled) else ""))
        k += 2
    rows: list[RatioRow] = []
    label: list[str] = []
    label_done = False  # the label is the first line and its lower-case continuations; then the formula
    for line in filled[k:] if columns else []:
        values = measures_row(line.text)
        if values and len(values) == len(columns):
            name = " ".join(label)
            rows.append(RatioRow(line.number, name, f"{name} {line.text}",
                                 [(year, col, m) for (year, col), m in zip(columns, values, strict=True)]))
            label, label_done = [], False
            continue
        if _SECTION_NUMBER.match(line.text):
            break
        if not label or (line.text.strip()[:1].islower() and not label_done):
            label.append(collapse(line.text))
        else:
            label_done = True
    return rows
