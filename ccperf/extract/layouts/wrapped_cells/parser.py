"""Indicator tables of a PDF flattened without tabs, each table cell wrapped into its own run of lines.

Shape of the layout (Cremona 2020 results report; cells of one printed row shown separated by ⇥ where a line
holds several, blank lines optional):

    Ob. Operativo 2020_02_01                         objective header; the code decides the level (3 parts =
    Assicurare all'impresa tempi certi e rapidi ...  strategic even under "Ob. Operativo", 4 parts = operational)
    Indicatori
    Descrizione Tipo Valore Atteso / Valore / Raggiunto / Note      column header wrapped over four lines
    Tempo medio di lavorazione delle pratiche        Descrizione, on the lines above the Tipo (or before it,
    telematiche del Registro Imprese                 on its line, when it fits on one line)
    STRATEGICO⇥<= 5gg⇥2,61⇥Fonte dei dati XAFO       Tipo, Valore Atteso, Valore Raggiunto, Note run together;
    OBIETTIVO CONSEGUITO                             or each cell wraps on over the lines below its start
    Al 31/12/2020: evase nei 5 giorni ... (89,72%)   full-width remarks

A list row has the Tipo alone, split mid-word ("ORGANIZZATI" / "VO"), then the metric names, one value per metric
and the Note, each in its own narrow column. The layout's words and column widths are in
profiles/wrapped_cells.toml; rows.py splits a table into rows, cells.py reads a row's cells, facts.py the figures
printed in them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ccperf.extract.layouts.doubts import wraps_as_aligned_row
from ccperf.extract.layouts.wrapped_cells import words as w
from ccperf.extract.layouts.wrapped_cells.cells import RowCells, read_list, read_standard
from ccperf.extract.layouts.wrapped_cells.facts import text_facts
from ccperf.extract.layouts.wrapped_cells.lines import Printed, joined
from ccperf.extract.layouts.wrapped_cells.rows import RowLines, describe, find_anchors, split_rows
from ccperf.extract.numbers import collapse, split_measure
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.extract.vocab import parse_status
from ccperf.model import Objective, Reading


@dataclass
class _Section:
    head: Printed
    body: list[Printed]


class WrappedCells(LayoutParser):
    """Area / objective blocks (Area Strategica, Ob. Strategico, Ob. Operativo) over indicator tables whose cells
    wrap into separate text lines."""

    name = "wrapped_cells"
    signatures = w.signatures()
    min_hits = 3

    def __init__(self, ctx: SegmentContext) -> None:
        super().__init__(ctx)
        self.codes: dict[str, Objective] = {}
        self.rows_by_objective: dict[str, list[Reading]] = {}
        self.status_lines = 0

    # -- the walk ------------------------------------------------------------------------------------------------
    def read(self) -> None:
        """Sections run from one area or objective header to the next; lines before the first are not tables."""
        section: _Section | None = None
        gap = False
        for line in self.lines():
            if line.is_blank:
                gap = True
                continue
            printed = Printed(line.number, line.text, gap)
            gap = False
            if "_" in line.text and (w.AREA.match(line.text) or w.OBJECTIVE.match(line.text)):  # codes have "_"
                if section is not None:
                    self.read_section(section)
                section = _Section(printed, [])
            elif section is not None:
                section.body.append(printed)
        if section is not None:
            self.read_section(section)

    def read_section(self, section: _Section) -> None:
        body = section.body
        heading = next((i for i, p in enumerate(body) if w.TABLE_HEADING.match(p.text)), None)
        title, table = (body[:heading], body[heading + 1:]) if heading is not None else (body[:1], body[1:])
        while table and w.COLUMN_HEADER.match(table[0].text):
            table = table[1:]
        objective = self.open_objective(section.head, title)
        self.read_table(objective, table)

    # -- objectives ----------------------------------------------------------------------------------------------
    def open_objective(self, head: Printed, title_lines: list[Printed]) -> Objective:
        area = w.AREA.match(head.text)
        m = area or w.OBJECTIVE.match(head.text)
        assert m is not None
        code = m.group("code")
        printed_level = None if area else w.OBJECTIVE_LEVELS["".join(m.group("kind").split()).lower()]
        parts = code.split("_")
        depth = len(parts) - 1  # parts after the year
        level = "area" if printed_level is None or depth <= 1 else "strategic" if depth == 2 else "operational"
        notes: list[str] = []
        title, mission = self.title_of(title_lines, notes)
        if printed_level is not None and printed_level != level:
            notes.append(f"header printed as '{collapse(head.text)}' but {code} is a {len(parts)}-part code: "
                         f"level {level} taken from the code (document mislabel)")
        parent = "_".join(parts[:-1]) if depth >= 2 else None
        objective = self.objective(head.number, code, level, title, parent_code=parent, mission_code=mission,
                                   notes="; ".join(notes) or None)
        self.codes[code] = objective
        self.rows_by_objective.setdefault(code, [])
        self.out.objectives.append(objective)
        return objective

    @staticmethod
    def title_of(lines: list[Printed], notes: list[str]) -> tuple[str | None, str | None]:
        """(title, mission code): the title lines, or the mission heading when one is printed (an area prints no
        title of its own)."""
        for i, line in enumerate(lines):
            if mm := w.MISSION.match(line.text):
                rest = lines[:i] + lines[i + 1:]
                if rest:
                    notes.append(f"description: {joined(rest)}")
                notes.append("no area title printed: the mission heading is used as title")
                return collapse(line.text), mm.group("code")
        return joined(lines) or None, None

    # -- tables ----------------------------------------------------------------------------------------------------
    def read_table(self, objective: Objective, table: list[Printed]) -> None:
        anchors = find_anchors(table)
        if not anchors:
            if table:
                self.quarantine(table[0].number, f"indicator table of {objective.objective_code} without a "
                                "recognisable Tipo cell", describe(table), table[-1].number)
            return
        rows, stray = split_rows(table, anchors)
        for block in stray:
            self.quarantine(block.lines[0].number, f"{block.reason} (table of {objective.objective_code})",
                            describe(block.lines), block.lines[-1].number)
        for row in rows:
            if self.cut_by_wrapping(row):
                self.quarantine(row.source_line, "indicator row printed as space-aligned columns wrapped over "
                                f"lines (table of {objective.objective_code}): its name and values would be cut "
                                "at the first line", describe([*row.description, *row.printed]), row.last_line)
                continue
            self.read_row(objective, row)

    def cut_by_wrapping(self, row: RowLines) -> bool:
        """This layout reads a row's lines as printed; a table printed with its cells wrapped in aligned columns
        (`pdftotext -layout` of a table) leaves the rest of every cell on lines it does not read."""
        model = self.ctx.model
        assert model is not None
        return any(wraps_as_aligned_row(model, p.number) for p in [*row.description, *row.tipo_lines, *row.cells])

    def read_row(self, objective: Objective, row: RowLines) -> None:
        tipo = row.tipo
        if tipo.rest:
            cells = read_standard(tipo.rest, row.cells, row.tipo_lines)
        else:
            cells = read_list(row.cells, row.tipo_lines)
        remark_text = joined(row.remarks)
        if row.status is not None:
            status = parse_status(row.status.text)
        else:
            status = parse_status(remark_text)
            cells.notes.append("no status line ('OBIETTIVO ...'); status "
                               + (f"from the remark '{remark_text[:80]}'" if status else "left null"))
        if tipo.split_words:
            cells.notes.append(f"Tipo printed over lines ('{tipo.printed}'), recorded as {tipo.tipo}")
        reading = self.reading(
            row.source_line, row.name, objective.objective_level, "detail",
            objective_code=objective.objective_code, objective_title=objective.objective_title,
            indicator_type=tipo.tipo, target_raw=cells.target.raw, target_value=cells.target.value,
            target_operator=cells.target.operator, target_unit=cells.target.unit, actual_raw=cells.actual,
            actual_value=cells.actual_value, status=status, line_end=row.last_line,
            notes=_notes(cells, remark_text))
        if reason := _not_a_row(reading):
            self.quarantine(row.source_line, f"{reason} (table of {objective.objective_code})",
                            describe([*row.description, *row.printed]), row.last_line)
            return
        self.status_lines += row.status is not None  # (counted for the rows read, as count_indicator_rows is)
        self.add_reading(objective, reading)
        self.restated(reading, row.remarks)
        for fact in text_facts([*cells.groups, row.remarks], reading.indicator_name):
            self.fact(fact.line, fact.name, fact.value, fact.unit, fact.quote, subject=objective.objective_code,
                      year=fact.year)

    def add_reading(self, objective: Objective, reading: Reading) -> None:
        assert objective.objective_code is not None
        self.out.readings.append(reading)
        self.rows_by_objective[objective.objective_code].append(reading)

    def restated(self, original: Reading, remarks: list[Printed]) -> None:
        """"Valore raggiunto 95,90%" in the remarks: the indicator's value restated in prose (a row of its own)."""
        for line in remarks:
            m = w.RESTATED_VALUE.match(line.text)
            measured = split_measure(line.text[m.end():]) if m else None
            if measured is None:
                continue
            self.add_reading(self.codes[original.objective_code or ""], self.reading(
                line.number, original.indicator_name, original.objective_level, "prose",
                objective_code=original.objective_code, objective_title=original.objective_title,
                indicator_type=original.indicator_type, target_raw=original.target_raw,
                target_value=original.target_value, target_operator=original.target_operator,
                target_unit=original.target_unit, actual_raw=measured[0].raw, actual_value=measured[0].value,
                status=original.status, restates_line=original.provenance.source_line, line_end=line.number,
                notes=f"restated in remark: '{collapse(line.text)}' (value of the row at line "
                      f"{original.provenance.source_line}); target repeated from that row"))

    # -- after the walk ------------------------------------------------------------------------------------------
    def finish(self) -> None:
        """Objective statuses from their rows, then the counts."""
        for code, objective in self.codes.items():
            rows = [r for r in self.rows_by_objective.get(code, []) if r.table_role == "detail"]
            statuses = {r.status for r in rows}
            notes = [objective.notes] if objective.notes else []
            if objective.parent_code and objective.parent_code not in self.codes:
                notes.append(f"parent {objective.parent_code} is not printed")
            if rows and statuses == {"achieved"}:
                objective.status = "achieved"
            elif rows and statuses == {"not_achieved"}:
                objective.status = "not_achieved"
            elif rows and None not in statuses:
                objective.status = "partially_achieved"
            notes.append(f"status derived from its {len(rows)} indicator row(s)"
                         + ("" if objective.status else " (a row without status: left null)"))
            objective.notes = "; ".join(notes)
        objectives = list(self.codes.values())
        self.count_objectives(objectives, n_areas=sum(o.objective_level == "area" for o in objectives))
        line = self.segment.line_start
        detail = [r for r in self.out.readings if r.table_role == "detail"]
        suspended = sum(1 for r in detail if r.actual_raw and w.SUSPENDED.search(r.actual_raw))
        for name, value in (("count_indicator_rows", len(detail)),
                            ("count_indicator_rows_obiettivo_conseguito", self.status_lines),
                            ("count_indicator_rows_sospeso", suspended)):
            self.fact(line, name, float(value), "count", "", derived=True)


def _notes(cells: RowCells, remark_text: str) -> str | None:
    notes = list(cells.notes)
    note_text = collapse(" ".join(cells.note))
    if note_text:
        notes.append(f"Note column: '{note_text}'")
    if remark_text:
        notes.append(f"Remarks: '{remark_text[:400]}'")
    return "; ".join(notes) or None


def _not_a_row(reading: Reading) -> str | None:
    """Why cells read as a row cannot be one (a converter printed the table in another order: the header's words
    in the row, or no value where every row of this layout has one), or None."""
    if reading.target_raw is None and reading.actual_raw is None:
        return "row without a target or a result: its cells were not found where this layout prints them"
    for cell in (reading.indicator_name, reading.target_raw, reading.actual_raw):
        words = (cell or "").split()
        if words and set(words[:2]) <= w.HEADER_WORDS:
            return f"the column header's words read as a cell ('{cell[:40]}')"
    return None


parse = WrappedCells.parse
