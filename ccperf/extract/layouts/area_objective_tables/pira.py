"""The "Piano degli indicatori e dei risultati attesi di bilancio" (PIRA) blocks of the layout.

Per mission and programme an objective block, then per indicator its name, what it measures, an 8-cell header and
one or more value rows (cells shown separated by ⇥):

    Missione⇥011 - Competitività delle imprese
    Programma⇥005 -Promozione e attuazione di politiche di sviluppo, ...
    Obiettivo⇥Titolo⇥Innovazione, competitività del territorio e sviluppo del capitale umano
    ⇥Risorse finanziarie⇥€ 2.223.029,88                 key rows (after an empty first cell)
    011-005-001                                        the objective's code, on a line of its own
    Indicatore⇥N. imprese assistite per la digitalizzazione ...
    Tipologia⇥Unità di misura⇥Algoritmo di calcolo⇥Fonte dei dati⇥Risultato atteso anno 2024⇥Risultato conseguito⇥...
    Strategico⇥Grado di coinvolgimento ...⇥...⇥Osservatorio camerale⇥=>1,00⇥1,31% equivalente a 325 imprese ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ccperf.extract.document import Line
from ccperf.extract.layouts.area_objective_tables import words
from ccperf.extract.layouts.area_objective_tables.cells import read_actual, read_target
from ccperf.extract.layouts.area_objective_tables.columns import Columns, Placed
from ccperf.extract.numbers import collapse, find_years, is_unit_name, parse_measure, parse_number
from ccperf.model import Objective, Reading

if TYPE_CHECKING:
    from ccperf.extract.layouts.area_objective_tables.parser import AreaObjectiveTables

_CODE = re.compile(r"^(?P<code>\d{3}-\d{3}-\d{3})$")  # mission-programme-objective
_NUMBERED_TITLE = re.compile(r"^(?P<code>\d{3})\s*-\s*(?P<title>.*)$")  # "011 - Competitività delle imprese"


@dataclass
class _Block:
    line_no: int
    title: str
    mission: tuple[str, str] | None
    programme: tuple[str, str] | None
    code: str | None = None
    keys: dict[str, tuple[int, str]] = field(default_factory=dict)  # key → (line, value)
    readings: list[Reading] = field(default_factory=list)


@dataclass
class _Indicator:
    line_no: int
    name: str
    what: str | None = None
    columns: Columns | None = None
    header: list[str] = field(default_factory=list)
    rows: int = 0


def _key_of(cell: str) -> str | None:
    low = collapse(cell).lower()
    return next((key for prefix, key in words.PIRA_KEYS.items() if low.startswith(prefix)), None)


class PiraBlocks:
    """Reads the PIRA lines of a segment for its parser (whose builders make the rows)."""

    def __init__(self, parser: AreaObjectiveTables) -> None:
        self.parser = parser
        self.active = False  # inside the PIRA (from its first "Missione" line to the next objective header)
        self.mission: tuple[str, str] | None = None
        self.programme: tuple[str, str] | None = None
        self.block: _Block | None = None
        self.indicator: _Indicator | None = None
        self.objectives: list[Objective] = []
        self.readings: list[Reading] = []

    def handle(self, line: Line, filled: list[str]) -> bool:
        """PIRA lines; True when the line was consumed."""
        low = filled[0].lower()
        second = filled[1] if len(filled) > 1 else ""
        pw = words.PIRA_WORDS
        if low == pw["mission"] and second:
            self.open_mission(second)
            return True
        if not self.active:
            return False
        if low == pw["programme"] and second:
            m = _NUMBERED_TITLE.match(second)
            self.programme = (m.group("code"), collapse(m.group("title"))) if m else None
        elif low == pw["matrix"]:
            pass  # the summary matrix of the objective codes
        elif low == pw["objective"] and second.lower() == pw["title"]:
            self.close_objective()
            self.block = _Block(line.number, filled[2] if len(filled) > 2 else "", self.mission, self.programme)
        elif (m := _CODE.match(filled[0])) and len(filled) == 1:
            self.take_code(line, m.group("code"))
        elif (key := self.key_row(line)) is not None:
            if self.block is not None:
                self.block.keys[key] = (line.number, second)
        elif low == pw["indicator"] and second:
            self.open_indicator(line, second)
        elif low == pw["measures"]:
            if self.indicator is not None:
                self.indicator.what = second or None
        elif low == pw["header"] and len(filled) >= 5:
            self.open_header(line)
        elif self.indicator is not None and self.indicator.columns is not None and len(filled) >= 2:
            self.value_row(line)
        elif self.block is not None and len(filled) >= 2:
            self.parser.quarantine(line.number, "line inside a PIRA block that is not a readable row", line.clean)
        else:
            return False
        return True

    @staticmethod
    def key_row(line: Line) -> str | None:
        """The key of a "⇥Risorse finanziarie⇥€ ..." row: a key cell that is not the line's first column."""
        first = next(c for c in line.cells if c.text)
        return _key_of(first.text) if first.start > 0 else None

    def open_mission(self, cell: str) -> None:
        self.parser.finish_row()
        self.close_objective()
        self.active = True
        self.parser.in_table = False
        m = _NUMBERED_TITLE.match(cell)
        # the summary matrix (Missione⇥011⇥...⇥012⇥...) names no single mission: its codes repeat below
        self.mission = (m.group("code"), collapse(m.group("title"))) if m else None
        self.programme = None

    def take_code(self, line: Line, code: str) -> None:
        if self.block is None:
            self.parser.quarantine(line.number, "PIRA objective code outside an objective block", line.clean)
            return
        self.block.code = code
        for reading in self.block.readings:
            reading.objective_code = code

    def open_indicator(self, line: Line, name: str) -> None:
        self.close_indicator()
        if self.block is None:
            self.parser.quarantine(line.number, "PIRA indicator outside an objective block", line.clean)
            return
        self.indicator = _Indicator(line.number, name)

    def open_header(self, line: Line) -> None:
        keys: dict[str, int] = {}
        for i, cell in enumerate(line.texts):
            key = next((key for pattern, key in words.PIRA_COLUMNS if pattern.match(cell)), None)
            if key is not None:
                keys.setdefault(key, i)
        if self.indicator is None or "target" not in keys or "actual" not in keys:
            self.parser.quarantine(line.number, "PIRA header without an indicator or without target/result columns",
                                   line.clean)
            return
        self.indicator.columns = Columns.of_header(line, keys, self.parser.aligned(line))
        self.indicator.header = line.texts

    def value_row(self, line: Line) -> None:
        indicator, block = self.indicator, self.block
        assert indicator is not None and indicator.columns is not None and block is not None
        columns = indicator.columns
        placed = columns.place(line, self.parser.aligned(line))
        first = indicator.rows == 0
        indicator.rows += 1
        actual_cell = columns.at(placed, "actual")
        target = read_target(columns.at(placed, "target"))
        actual = read_actual(actual_cell, self.parser.segment.year)
        type_cell = columns.at(placed, "type")
        indicator_type = type_cell if type_cell.lower() in words.PIRA_TYPES else None
        unit_cell = columns.at(placed, "unit")
        notes = self.row_notes(indicator, columns, placed, first, type_cell, indicator_type)
        if actual.note:
            notes.append(actual.note)
        if indicator.what:
            notes.append(f"Cosa misura '{indicator.what}'")
        reading = self.parser.reading(
            indicator.line_no if first else line.number, collapse(indicator.name), "other",
            "addendum" if self.parser.role == "addendum" else "summary",
            objective_code=block.code, objective_title=collapse(block.title) or None, indicator_type=indicator_type,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator,
            target_unit=target.unit or (unit_cell if is_unit_name(unit_cell) else None),
            actual_raw=actual_cell or None, actual_value=actual.value, line_end=line.number, notes="; ".join(notes))
        block.readings.append(reading)
        self.readings.append(reading)
        self.parser.out.readings.append(reading)

    def row_notes(self, indicator: _Indicator, columns: Columns, placed: Placed, first: bool, type_cell: str,
                  indicator_type: str | None) -> list[str]:
        """What a value row prints besides its values: the other columns and unusual headers."""
        notes = ["PIRA table"]
        if not first:
            notes.append(f"further measure row of the indicator at line {indicator.line_no}")
        if type_cell and indicator_type is None:
            notes.append(f"Tipologia cell '{type_cell}' is not a type")
        for key in ("unit", "formula", "source"):
            if text := columns.at(placed, key):
                notes.append(f"{words.PIRA_COLUMN_LABELS[key]} '{text}'")
        header = indicator.header
        target_header = header[columns.keys["target"]]
        years = find_years(target_header)
        year = self.parser.segment.year
        if years and year and years[0] != year:
            notes.append(f"target column is '{target_header}'")
        result_header = header[columns.keys["actual"]]
        if not result_header.lower().startswith(words.PIRA_RESULT_HEADER):
            notes.append(f"result column header '{result_header}'")
        for key in ("target_n1", "target_n2"):
            if text := columns.at(placed, key):
                notes.append(f"{words.PIRA_COLUMN_LABELS[key]} '{text}'")
        return notes

    def close_indicator(self) -> None:
        indicator = self.indicator
        self.indicator = None
        if indicator is not None and indicator.rows == 0:
            self.parser.quarantine(indicator.line_no,
                                   "PIRA indicator without a value row (Tipologia header + values)", indicator.name)

    def close_objective(self) -> None:
        self.close_indicator()
        block = self.block
        self.block = None
        if block is None:
            return
        title = collapse(block.title)
        resources = block.keys.get("resources", (block.line_no, ""))
        if block.code is None and not block.readings and title in words.PIRA_EMPTY_TITLES and not resources[1]:
            return  # an empty template block (Titolo "0", nothing filled in): no objective
        self.add_objective(block, title)
        mission = block.mission[0] if block.mission else None
        programme = block.programme[0] if block.programme else None
        subject = f"{mission}-{programme}" if mission and programme else \
            "-".join(block.code.split("-")[:2]) if block.code else None
        if resources[1]:
            amount = parse_measure(resources[1])
            self.parser.fact(resources[0], "budget_programme", amount.value, "EUR",
                             f"{words.PIRA_KEY_LABELS['resources']} {resources[1]}", subject=subject)
        if "n_indicators" in block.keys:
            line_no, raw = block.keys["n_indicators"]
            value = parse_number(collapse(raw))
            if value is not None:
                self.parser.fact(line_no, "count_indicators_associated", value, "N.",
                                 f"{words.PIRA_KEY_LABELS['n_indicators']} {raw}", subject=block.code)

    def add_objective(self, block: _Block, title: str) -> None:
        mission = block.mission[0] if block.mission else (block.code[:3] if block.code else None)
        unit = collapse(block.keys.get("responsible", (0, ""))[1]) or None
        objective = self.parser.objective(block.line_no, block.code, "other", title or None, mission_code=mission,
                                          unit_name=unit, table_role=self.parser.role)
        notes = ["PIRA (Piano degli indicatori e dei risultati attesi di bilancio) objective"]
        if block.programme:
            notes.append(f"Programma {block.programme[0]} - {block.programme[1]}")
        for key, label in words.PIRA_KEY_LABELS.items():
            value = collapse(block.keys[key][1]) if key in block.keys else ""
            notes.append(f"{label}: {value}" if value else f"{label} empty")
        if block.code is None:
            notes.append("no objective code printed")
        objective.notes = "; ".join(notes)
        self.parser.out.objectives.append(objective)
        self.objectives.append(objective)
