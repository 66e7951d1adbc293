"""Area and objective headers over indicator tables, and PIRA budget-indicator blocks (the former Cremona chamber).

Shape of the layout (cells shown separated by ⇥, printed as tab rows or as aligned columns; rows may be padded with
empty cells):

    Area Strategica 2024_01                        area header (YYYY_AA), then "MISSIONE 011: <title>", a programme
    Ob. Operativo 2024_01_01_05                    objective header (YYYY_AA_SS or YYYY_AA_SS_OO), then its title
    Indicatori
    Descrizione⇥Tipo⇥Valore Atteso⇥Valore Raggiunto⇥Note
    Livelli di attività ... TRANSIZIONE⇥OPERATIVO⇥= > 12⇥113 ... 113/24.846*10.0⇥N. assessment     one indicator
    (DIGITALE ED ECOLOGICA)⇥⇥⇥00= 45.48⇥FONTE DEI DATI Kronos       the rest of the row, cut by a page break
    OBIETTIVO CONSEGUITO                           the status of the row above, then free remarks

then the "Piano degli indicatori e dei risultati attesi di bilancio" (PIRA, read by pira.py) and, in the report's
addendum (segment role "addendum"), the same tables restating some values as final. The words of the layout are in
profiles/area_objective_tables.toml (read by words.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.layouts.area_objective_tables import words
from ccperf.extract.layouts.area_objective_tables.cells import read_actual, read_target, value_in_remarks
from ccperf.extract.layouts.area_objective_tables.columns import Columns, Placed
from ccperf.extract.layouts.area_objective_tables.continuation import continues_row, join_row
from ccperf.extract.layouts.area_objective_tables.pira import PiraBlocks
from ccperf.extract.layouts.area_objective_tables.prose import prose_facts
from ccperf.extract.linking import Originals
from ccperf.extract.numbers import collapse
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.extract.vocab import is_in_progress, is_suspended, parse_status
from ccperf.model import Objective, Reading

_TYPE_IN_CAPITALS = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý' ]{2,39}$")  # any Tipo printed in capitals, listed or not
_SEPARATOR = re.compile(r"^-{2,}$")  # a markdown table rule ("--⇥-----")
_MAX_REMARKS = 20  # remarks kept per row, to find a result the cell refers to ("Vedi sotto")
_DEFAULT_COLUMNS = Columns({"name": 0, "type": 1, "target": 2, "actual": 3, "note": 4})


def is_type(cell: str) -> bool:
    cell = collapse(cell)
    return bool(cell) and (bool(_TYPE_IN_CAPITALS.match(cell)) or cell.lower() in words.TYPE_WORDS)


@dataclass
class _Row:
    line_no: int
    cells: list[str]  # name, type, target, actual, note
    objective: Objective | None
    line_end: int
    continued: bool = False
    closed: bool = False  # a remark line came after the row: no continuation or status any more
    status_text: str | None = None
    remarks: list[str] = field(default_factory=list)


class AreaObjectiveTables(LayoutParser):
    """Area / objective headers with YYYY_AA_SS codes over Descrizione | Tipo | Valore Atteso | Valore Raggiunto
    | Note indicator tables, and PIRA budget-indicator blocks."""

    name = "area_objective_tables"
    signatures = words.signatures()
    min_hits = 3

    def __init__(self, ctx: SegmentContext) -> None:
        super().__init__(ctx)
        self.role = "addendum" if ctx.segment.role == "addendum" else "detail"
        self.areas: dict[str, Objective] = {}
        self.current: Objective | None = None  # the objective whose rows follow
        self.awaiting_title: Objective | None = None  # a header was read: its title is the next line
        self.area_notes_open = False  # a mission line was read: the programme sentence follows
        self.columns = _DEFAULT_COLUMNS
        self.in_table = False
        self.row: _Row | None = None
        self.table_readings: list[Reading] = []
        self.objective_notes: dict[int, list[str]] = {}
        self.pira = PiraBlocks(self)

    # -- the walk ------------------------------------------------------------------------------------------------
    def read(self) -> None:
        for line in self.lines():
            self.handle(line)
        self.finish_row()
        self.pira.close_objective()

    def aligned(self, line: Line) -> bool:
        """The line is a row of space-aligned columns (its cells have character spans to compare)."""
        assert self.ctx.model is not None
        return self.ctx.model.is_aligned(line)

    def handle(self, line: Line) -> None:
        filled = line.filled
        if not filled or all(_SEPARATOR.match(c) for c in filled):
            return
        if self.pira.handle(line, filled):
            return
        head = filled[0]
        if self.handle_header(line, head, filled):
            return
        placed = self.columns.place(line, self.aligned(line))
        row = self.row
        if self.current is not None and self.is_row(placed):
            self.start_row(line.number, placed)
        elif row is not None and not row.closed and len(filled) == 1 and self.is_status(head):
            row.status_text = head
            row.closed = True
            row.remarks.append(head)
        elif row is not None and not row.closed and not row.continued and continues_row(
                row.cells[0], self.columns, placed, filled):
            join_row(row.cells, self.columns, placed)
            row.continued = True
            row.line_end = line.number
        elif self.awaiting_title is not None and len(filled) == 1:
            self.take_title(head)
        elif self.area_notes_open and len(filled) == 1 and self.current is not None:
            self.note_objective(self.current, f"programme: {head}")
            self.area_notes_open = False
        elif self.in_table and len(filled) >= 2:
            self.finish_row()
            self.quarantine(line.number, "line inside an indicator table that is not a readable row "
                                         "(expected Descrizione | Tipo | Valore Atteso | Valore Raggiunto | Note)",
                            line.clean)
        else:
            self.remark(line, filled)

    def handle_header(self, line: Line, head: str, filled: list[str]) -> bool:
        """Objective headers, the "Indicatori" label and the table header; True when the line was one."""
        if (m := words.OBJECTIVE_HEADER.match(head)) and len(filled) == 1:
            self.open_objective(line.number, m)
        elif words.HEADER_WITHOUT_CODE.match(head) and len(filled) == 1 and len(head) < 40:
            self.finish_row()
            self.quarantine(line.number, "objective header without a readable code (YYYY_AA_SS[_OO])", line.clean)
        elif len(filled) > 1 and (head.lower(), filled[1].lower()) == words.TABLE_HEADER:
            self.open_table(line)
        elif head.lower() in words.INDICATORS_LABELS and len(filled) == 1:
            self.finish_row()
            self.awaiting_title = None
            self.area_notes_open = False
            self.in_table = True
            self.columns = _DEFAULT_COLUMNS
        else:
            return False
        return True

    # -- objectives ----------------------------------------------------------------------------------------------
    def open_objective(self, line_no: int, m: re.Match[str]) -> None:
        self.finish_row()
        self.pira.active = False
        self.in_table = True
        code = m.group("code")
        parts = code.split("_")
        level = {2: "area", 3: "strategic"}.get(len(parts), "operational")
        parent = "_".join(parts[:-1]) if len(parts) > 2 else None
        area = self.areas.get("_".join(parts[:2]))
        mission = area.mission_code if area is not None and level != "area" else None
        objective = self.new_objective(line_no, code, level, None, parent_code=parent, mission_code=mission)
        printed = next((lvl for pattern, lvl in words.HEADER_LEVELS if pattern.match(m.group("kind"))), level)
        if printed != level:
            self.note_objective(objective, f"header says '{collapse(m.group('kind'))}' but the code has {len(parts)} "
                                           f"parts: {level}")
        if suffix := collapse(m.group("suffix")):
            self.note_objective(objective, f"header suffix '{suffix}'")
        if level == "area":
            self.areas[code] = objective
        self.current = objective
        self.awaiting_title = objective
        self.area_notes_open = False
        self.columns = _DEFAULT_COLUMNS
        self.out.objectives.append(objective)

    def new_objective(self, line_no: int, code: str | None, level: str, title: str | None, **values) -> Objective:
        objective = self.objective(line_no, code, level, title, table_role=self.role, **values)
        self.objective_notes[id(objective)] = ["restated in addendum"] if self.role == "addendum" else []
        return objective

    def note_objective(self, objective: Objective, note: str) -> None:
        self.objective_notes.setdefault(id(objective), []).append(note)

    def take_title(self, text: str) -> None:
        objective = self.awaiting_title
        assert objective is not None
        self.awaiting_title = None
        if objective.objective_level == "area" and (mm := words.MISSION_LINE.match(text)):
            objective.mission_code = mm.group("code")
            self.area_notes_open = True  # the programme sentence follows the mission line
        objective.objective_title = text

    # -- indicator tables -----------------------------------------------------------------------------------------
    def open_table(self, line: Line) -> None:
        self.finish_row()
        self.awaiting_title = None
        self.area_notes_open = False
        texts = line.texts
        keys = {"name": 0, "type": 1}
        for i, cell in enumerate(texts):
            low = cell.lower()
            column = next((col for word, col in words.TABLE_COLUMNS.items() if low.startswith(word)), None)
            if column is not None:
                keys[column] = i
        if "actual" not in keys:  # "Valore" alone: the value column after the target's
            after = [i for i, c in enumerate(texts) if c.lower().startswith(words.BARE_VALUE_COLUMN)
                     and i > keys.get("target", 1)]
            if after:
                keys["actual"] = after[0]
        if "target" not in keys or "actual" not in keys:
            self.quarantine(line.number, "indicator table header without target/result columns", line.clean)
            self.in_table = False
            return
        keys.setdefault("note", max(keys.values()) + 1)
        self.columns = Columns.of_header(line, keys, self.aligned(line))
        self.in_table = True

    def is_row(self, placed: Placed) -> bool:
        """A named row with a Tipo cell and a value after it (not an objective header)."""
        cols = self.columns
        name = cols.at(placed, "name")
        if not name or not is_type(cols.at(placed, "type")) or words.OBJECTIVE_HEADER.match(name):
            return False
        return any(i > cols.keys["type"] for i, _ in placed)

    def is_status(self, text: str) -> bool:
        """"OBIETTIVO CONSEGUITO", "Obiettivo raggiunto ...", "OBIETTIVO IN CORSO DI CONSEGUIMENTO"."""
        if not words.STATUS_LINE.match(text):
            return False
        lead = text[:60]
        return parse_status(lead) is not None or is_in_progress(lead) or is_suspended(lead)

    def start_row(self, line_no: int, placed: Placed) -> None:
        self.finish_row()
        self.awaiting_title = None
        self.area_notes_open = False
        cols = self.columns
        cells = [cols.at(placed, key) for key in ("name", "type", "target", "actual")]
        self.row = _Row(line_no, [*cells, cols.from_column(placed, "note")], self.current, line_no)
        self.in_table = True

    def remark(self, line: Line, filled: list[str]) -> None:
        """Free text (remarks after a status line, narrative): closes the open row, feeds prose facts."""
        text = collapse(" ".join(filled))
        if self.row is not None:
            self.row.closed = True
            if len(self.row.remarks) < _MAX_REMARKS:
                self.row.remarks.append(text)
        self.awaiting_title = None
        self.area_notes_open = False
        if line.region is None:
            self.in_table = False  # plain prose ends the table block; remarks printed as table rows belong to it
        for name, value, unit, quote, year in prose_facts(text):
            self.fact(line.number, name, value, unit, quote, year=year)

    def finish_row(self) -> None:
        row = self.row
        self.row = None
        if row is None:
            return
        name, tipo, target_cell, actual_cell, note_cell = (collapse(c) for c in row.cells)
        objective = row.objective
        target = read_target(target_cell)
        actual = read_actual(actual_cell, self.segment.year)
        notes = ["restated in addendum"] if self.role == "addendum" else []
        if row.continued:
            notes.append(f"row continues after a page break (to line {row.line_end})")
        actual_value = actual.value
        if actual.note:
            notes.append(actual.note)
        if actual_cell and words.SEE_BELOW.match(actual_cell):
            actual_value, quote = value_in_remarks(name, row.remarks, self.segment.year)
            notes.append(f"result given in the remarks: '{quote}'" if quote else "result cell refers to remarks; none found")
        if is_suspended(actual_cell):
            notes.append("indicator suspended")
        status = self.row_status(row, actual_cell, notes)
        if note_cell:
            notes.append(f"Note: {note_cell}")
        reading = self.reading(
            row.line_no, name, objective.objective_level if objective else "other", self.role,
            objective_code=objective.objective_code if objective else None,
            objective_title=objective.objective_title if objective else None, indicator_type=tipo or None,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator, target_unit=target.unit,
            actual_raw=actual_cell or None, actual_value=actual_value, status=status, line_end=row.line_end,
            notes="; ".join(notes) or None)
        self.table_readings.append(reading)
        self.out.readings.append(reading)

    @staticmethod
    def row_status(row: _Row, actual_cell: str, notes: list[str]) -> str | None:
        """The status printed on the line under the row, else in the result cell ("Obiettivo raggiunto")."""
        if row.status_text is not None:
            status = parse_status(row.status_text[:60])
            if status is None:
                notes.append(f"status line '{row.status_text[:60]}' has no status value")
            return status
        status = parse_status(actual_cell) if actual_cell else None
        notes.append("status taken from the result cell" if status else "no status line")
        return status

    # -- after the last line ---------------------------------------------------------------------------------------
    def finish(self) -> None:
        for objective in self.out.objectives:
            if notes := self.objective_notes.get(id(objective)):
                objective.notes = "; ".join(notes)
        # A PIRA row that prints the value of a performance-table row restates it.
        table = Originals(self.table_readings)
        for reading in self.pira.readings:
            if reading.notes and "further measure row" in reading.notes:
                continue  # a second measure of a PIRA indicator is its own value, not the table's
            original = table.best(reading)
            if original is not None:
                reading.restates_line = original.provenance.source_line
                reading.notes = f"{reading.notes}; restates performance-table row at line {reading.restates_line}"
        self.count_facts()

    def count_facts(self) -> None:
        def first_line(rows: list) -> int:
            return min((r.provenance.source_line for r in rows), default=self.segment.line_start)

        def count(rows: list, name: str) -> None:
            if rows:
                self.fact(first_line(rows), name, float(len(rows)), "N.", None, derived=True)

        if self.role == "addendum":
            self.fact(first_line(self.table_readings), "count_indicator_readings_addendum",
                      float(len(self.table_readings)), "N.", None, derived=True)
            return
        table_objectives = [o for o in self.out.objectives if o.objective_level != "other"]
        for level, name in (("area", "count_areas"), ("strategic", "count_strategic_objectives"),
                            ("operational", "count_operational_objectives")):
            count([o for o in table_objectives if o.objective_level == level], name)
        count(self.table_readings, "count_indicator_readings_performance_tables")
        count(self.pira.readings, "count_indicator_readings_pira")
        count(self.pira.objectives, "count_pira_objectives")


parse = AreaObjectiveTables.parse
