"""Balanced-scorecard reports whose table rows carry their empty leading cells down (e.g. the former Pavia chamber).

Shape of the layout (cells shown separated by ⇥, as tab rows or as space-aligned columns):

    PERFORMANCE DI ENTE⇥⇥100%                                          summary scores (entity, PROSP. n, units)
    PERFORMANCE DEGLI AMBITI STRATEGICI⇥PROSP. 1: <title>⇥100%
    OBIETTIVI STRATEGICI⇥⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE     Allegato A
    SOSTENERE LA COMPETITIVITA' DEL SISTEMA IMPRENDITORIALE⇥⇥⇥⇥⇥⇥        a perspective: resets the carried code
    1.1⇥<objective>⇥N. di imprese partecipanti⇥≥ 50⇥51⇥100%⇥<note>      the code heads the rows below
    ⇥<objective>⇥<indicator>⇥≥ 10€⇥⇥⇥PARETO 2023 = ND NON VALUTABILE      "" = the code carried down
    OBIETTIVO STRATEGICO⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥RISULTATO ATTESO 2023⇥...   Allegato B and unit tables
    % RAGGIUNGIMENTO OBIETTIVI: 300/3 = 100%                            a unit's score
    AZIONI⇥INDICATORE⇥RISULTATO ATTESO 2024⇥...                        Segretario Generale / EQ objectives
    PROSPETTIVE⇥PERSONALE - UFFICI-SERVIZI⇥OBIETTIVI INDIVIDUALI⇥...   staff objectives (rows may lack lead cells)

Every table row ends with the same six cells (objective, indicator, target, result, %, note); the lead cells
before them (code, strategic objective, perspective, office) carry down when empty (rows.py maps a row's cells
to its columns, cells.py reads the value cells, narrative.py the figures of the prose). Rows with no indicator and
no values continue the cells of the row above (wrapped text, also across a page break and a repeated header).
The words of the layout are in profiles/scorecard_carried_cells.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ccperf.extract.document import Line
from ccperf.extract.layouts.scorecard_carried_cells.cells import (
    PART_LABELS,
    CellReading,
    find_baseline,
    measured_at,
    read_cell,
)
from ccperf.extract.layouts.scorecard_carried_cells.narrative import Narrative
from ccperf.extract.layouts.scorecard_carried_cells.rows import LEADS, Row, Table, header_kind, split_row
from ccperf.extract.layouts.scorecard_carried_cells.scores import ScoreRows
from ccperf.extract.linking import Originals, normalise_name, similarity_at_least
from ccperf.extract.numbers import collapse, find_years, parse_measure, strip_html
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.extract.profiles import load_profile
from ccperf.extract.vocab import FUNCTION_WORDS, parse_outcome
from ccperf.model import Objective, Reading

_PROFILE = load_profile("scorecard_carried_cells")
# Level of the unit-table rows (restatements of Allegato B, with their unit in unit_name). "other" as the brief
# for this layout asks; the labelled sample marks these rows "operational" (the seed notes call it a judgement
# call). Special-agency rows are "other" either way.
UNIT_TABLE_LEVEL = "other"

_STRATEGIC_CODE = re.compile(r"^(?P<code>\d+(?:\.\d+)+)\.?(?:\s*[-–]\s*|\s+|$)(?P<title>.*)$")
_SEPARATOR_CELL = re.compile(r"^[-|:\s]+$")
_AGENCY_HEADER = tuple(w.upper() for w in _PROFILE.words("agency_header_cells"))
_AGENCY_HEADING = _PROFILE.pattern("agency_heading")
_ANNEX_HEADING = _PROFILE.pattern("annex_headings")
_STAFF_HEADING = _PROFILE.pattern("staff_table_heading")
_STAFF_HEADING_NOISE = _PROFILE.pattern("staff_heading_noise")
_OWNER = _PROFILE.pattern("owner_heading", r"^{}\s+(?P<who>.+)$")
_NOT_OWNER = _PROFILE.pattern("not_owner_words")
_OFFICE_HEADING = _PROFILE.pattern("office_heading", "^{}")
_ELIMINATED = _PROFILE.pattern("eliminated_note")


def _signatures() -> tuple[re.Pattern[str], ...]:
    target = _PROFILE.words("target_header")[0]
    areas = next(word for word, role in _PROFILE.table("summary_rows").items() if role == "areas")
    return (
        *(re.compile(rf"^{re.escape(word)}\t.*{re.escape(target)}") for word in _PROFILE.words("detect_header_starts")),
        *(re.compile(rf"^\s*{re.escape(word)} \d") for word in _PROFILE.words("detect_row_heads")),
        *(re.compile(rf"\t{re.escape(word)}\t") for word in _PROFILE.words("detect_header_cells")),
        *(re.compile(rf"^{re.escape(areas)}[^\t]*\t{re.escape(label)}\. \d") for label in _PROFILE.words("area_label")),
    )


def _bold_parts(text: str) -> list[str]:
    """"AREA X**SERVIZIO Y**" → ["AREA X", "SERVIZIO Y"] (merged bold headings of a flattened PDF)."""
    return [p for p in (collapse(strip_html(s)) for s in text.split("**")) if p]


def _owner_of(heading: str) -> str | None:
    """"Obiettivi del Segretario Generale" → "Segretario Generale" (whose individual objectives follow)."""
    m = _OWNER.match(heading)
    if m is None or _NOT_OWNER.search(heading):
        return None
    first, _, rest = m.group("who").partition(" ")
    return rest if rest and first.lower() in FUNCTION_WORDS else m.group("who")


@dataclass
class _Entry:
    """A reading and its objective (if the row defines one), kept so continuation rows can extend them."""

    reading: Reading
    objective: Objective | None
    note: str
    extra_notes: list[str] = field(default_factory=list)
    parent_code: str | None = None  # strategic code of an operational row (to match restatements)
    parent_title: str = ""  # the strategic title as printed above the row (may be completed by a later row)


class ScorecardCarriedCells(LayoutParser):
    """Balanced-scorecard tables (Prospettiva 1-4) with carried-down leading cells: strategic, operational, unit
    and individual objectives."""

    name = "scorecard_carried_cells"
    signatures = _signatures()
    min_hits = 3

    def __init__(self, ctx: SegmentContext) -> None:
        super().__init__(ctx)
        self.table: Table | None = None
        self.carry_key: tuple[str, str | None] | None = None  # (kind, unit) the carried cells belong to
        self.code: str | None = None  # Allegato A: carried strategic code
        self.perspective: tuple[str | None, str] | None = None  # (area code, printed title) of the perspective
        self.strategic: tuple[str | None, str] | None = None  # operational tables: (code, title)
        self.staff_perspective: str | None = None
        self.staff_office: str | None = None
        self.last: _Entry | None = None
        self.entries: list[_Entry] = []
        self.perspective_rows = 0
        self.ente_done = False
        self.headings: list[str] = []  # headings since the last table header
        self.last_heading: str | None = None
        self.owner: str | None = None  # "Segretario Generale", "Posizione Organizzativa" (individual tables)
        self.header_lines: set[int] = set()
        self.next_filled: dict[int, int] = {}  # line → the next non-blank line
        self.region_columns: dict[int, int] = {}  # aligned region → its column count
        self.strategic_titles: dict[str, str] = {}  # code → title as completed so far
        self.narrative = Narrative()
        # value cells recur in every table ("100%", "≥ 80%"): each distinct one is read once per segment
        self.values: dict[tuple[str, tuple[str, ...]], CellReading] = {}
        self.percentages: dict[str, float | None] = {}
        self.scores = ScoreRows(self)

    # -- the walk ----------------------------------------------------------------------------------------------
    def read(self) -> None:
        lines = list(self.lines())
        self.scan(lines)
        for line in lines:
            self.handle(line)

    def scan(self, lines: list[Line]) -> None:
        """Before the walk: the table headers, the next non-blank line of each line (a unit heading printed as a
        table row is followed by a header), and the column count of every aligned region."""
        assert self.ctx.model is not None
        regions = self.ctx.model.regions
        following = None
        for line in reversed(lines):
            if following is not None:
                self.next_filled[line.number] = following
            if line.is_blank:
                continue
            following = line.number
            if line.region is None:
                continue
            if regions[line.region].source != "tabs":
                columns = self.region_columns.get(line.region, 0)
                self.region_columns[line.region] = max(columns, len(line.cells))
            if line.is_row and header_kind(line.texts) is not None:
                self.header_lines.add(line.number)

    def columns(self, line: Line) -> int:
        """A row's column count: a tab row prints every cell, an aligned row not its empty trailing ones."""
        aligned = self.region_columns.get(line.region, 0) if line.region is not None else 0
        return max(aligned, len(line.cells))

    def handle(self, line: Line) -> None:
        if line.is_blank:
            self.scores.mode = None
            return
        filled = line.filled
        if not filled or (_SEPARATOR_CELL.match(filled[0]) and all(_SEPARATOR_CELL.match(c) for c in filled)):
            self.close_table()
            return
        if line.number in self.header_lines:
            self.open_table(line.number, line.texts)
            return
        if len(filled) == 1 and self.scores.is_ratio_line(filled[0]):
            self.ratio_line(line.number, filled[0])
            return
        if line.region is None:
            self.heading(line.number, line.clean)
        elif (len(filled) == 1 and line.cells[0].text and self.next_filled.get(line.number) in self.header_lines
                and not (self.table and self.table.kind in ("strategic", "staff"))):
            self.heading(line.number, filled[0])  # a unit heading printed in a table row before a header
        elif self.table is not None:
            self.table_row(line)
        else:
            self.scores.free_row(line)

    # -- headings and prose ------------------------------------------------------------------------------------
    def heading(self, line_no: int, text: str) -> None:
        """A line outside the tables (`text` as the model gives it: HTML fragments dropped, whitespace collapsed):
        prose with stated figures, or a heading naming the unit or owner of the next table."""
        self.close_table()
        for stated in self.narrative.facts(text):
            self.fact(line_no, stated.name, stated.value, stated.unit, stated.quote, year=stated.year)
        if len(text) > 200 or text.startswith(("-", "➤")):
            return
        parts = _bold_parts(text)
        if not parts:
            return
        self.headings.append(text)
        self.last_heading = parts[-1]
        if owner := _owner_of(parts[-1]):
            self.owner = owner

    def ratio_line(self, line_no: int, text: str) -> None:
        """"% RAGGIUNGIMENTO OBIETTIVI: 300/3 = 100%" after a unit's table: the unit's score."""
        if self.table is not None and self.table.role == "ente":
            self.ente_done = True
        subject = self.last_heading
        self.close_table()
        self.scores.ratio_line(line_no, _bold_parts(text), subject)

    # -- indicator tables --------------------------------------------------------------------------------------
    def open_table(self, line_no: int, cells: list[str]) -> None:
        kind = header_kind(cells) or "unknown"
        table = Table(kind, LEADS[kind], line_no)
        self.describe_table(table, cells)
        year = self.segment.year
        stated = {y for c in cells for y in find_years(c)}
        if year is not None and stated and stated != {year}:
            table.label += f"; header names year {'/'.join(map(str, sorted(stated)))} but the report year is {year}"
        key = (kind, table.unit_name if kind in ("operational", "staff") else None)
        if key != self.carry_key:  # a new block: nothing carries over from the previous one
            self.carry_key = key
            self.code = None
            self.strategic = None
            self.staff_perspective = self.staff_office = None
            self.last = None
        self.table = table
        self.headings = []

    def describe_table(self, table: Table, cells: list[str]) -> None:
        """Role, unit and label of a table, from its header and the headings above it."""
        unit = self.last_heading
        if table.kind == "operational":
            agency = (any(c.upper().startswith(_AGENCY_HEADER) for c in cells)
                      or bool(unit and _AGENCY_HEADING.search(unit)))
            # Allegato B comes first; a unit heading or a unit score after its rows starts the restatements.
            if any(e.reading.objective_level == "operational" for e in self.entries) and any(
                    not _ANNEX_HEADING.search(h) for h in self.headings):
                self.ente_done = True
            table.role = "ente" if not self.ente_done and not agency else ("agency" if agency else "unit")
            table.unit_name = None if table.role == "ente" else unit
            table.label = {"ente": "Allegato B operational-objectives table",
                           "unit": f"unit table '{unit}' restating Allegato B",
                           "agency": f"special agency table '{unit}' restating Allegato B"}[table.role]
        elif table.kind == "strategic":
            table.label = "Allegato A strategic-objectives table"
        elif table.kind == "individual":
            sub = self.headings[-1] if self.headings else None
            name = self.owner or (sub or "")
            if sub and _OFFICE_HEADING.match(sub) and sub != self.owner:
                name = f"{self.owner} - {sub}" if self.owner else sub
            table.unit_name = name or None
            table.label = f"individual objectives of {name} (AZIONI / INDICATORE)"
        elif table.kind == "staff":
            title = next((h for h in reversed(self.headings) if _STAFF_HEADING.search(h)), None)
            if title:
                title = collapse(_STAFF_HEADING_NOISE.sub(" ", title)).strip(" -–")
            table.unit_name = title or self.last_heading
            table.label = f"staff individual objectives ({table.unit_name})"
        else:
            self.quarantine(table.header_line, "indicator table header of an unknown kind", "\t".join(cells))

    def close_table(self) -> None:
        self.table = None

    def table_row(self, line: Line) -> None:
        assert self.table is not None
        if self.table.kind == "unknown":
            self.quarantine(line.number, "row of an indicator table whose header was not understood", line.text)
            return
        row = split_row(self.table, line.number, line.texts, self.columns(line))
        if isinstance(row, str):
            self.quarantine(line.number, row, line.text)
            return
        if any((row.target, row.actual, row.pct)):
            if not (row.title or row.indicator):
                self.quarantine(line.number, "row with values but neither objective nor indicator", line.text)
            else:
                self.data_row(row)
        elif row.title and row.indicator:
            self.quarantine(line.number, "row with objective and indicator but no target, result or percentage",
                            line.text)
        else:
            self.partial_row(row, line.text)

    def partial_row(self, row: Row, text: str) -> None:
        """A row without values: a perspective, a code/strategic heading, or the wrapped tail of the row above."""
        kind = self.table.kind if self.table else ""
        only_lead = not (row.title or row.indicator or row.note)
        if kind == "strategic" and only_lead and (cell := collapse(row.lead.get("code", ""))):
            if m := _STRATEGIC_CODE.match(cell):
                self.code = m.group("code")  # a code printed on its own row heads the rows below
            else:
                self.set_perspective(row.line_no, cell)
            return
        if kind == "staff" and only_lead:
            self.staff_lead(row)
            return
        if kind == "operational" and only_lead and (m := _STRATEGIC_CODE.match(row.lead.get("strategic", ""))):
            self.set_strategic(m.group("code"), collapse(row.lead["strategic"]))
            return
        if self.last is None:
            self.quarantine(row.line_no, "continuation row with no row above it to continue", text)
            return
        self.continue_entry(self.last, row)
        if kind == "operational" and row.lead.get("strategic") and self.strategic:
            self.set_strategic(self.strategic[0], collapse(f"{self.strategic[1]} {row.lead['strategic']}"))
        elif kind == "staff":
            self.staff_lead(row)
        self.finish_entry(self.last)

    def continue_entry(self, entry: _Entry, row: Row) -> None:
        """Cells of a row without values that continue the texts of the row above."""
        entry.reading.line_end = row.line_no
        if row.title:
            entry.reading.objective_title = collapse(f"{entry.reading.objective_title or ''} {row.title}")
            if entry.objective is not None:
                entry.objective.objective_title = entry.reading.objective_title
            entry.extra_notes.append(f"objective text continues on line {row.line_no}")
        if row.indicator:
            entry.reading.indicator_name = collapse(f"{entry.reading.indicator_name} {row.indicator}")
            entry.extra_notes.append(f"indicator text continues on line {row.line_no}")
        if row.note:
            entry.note = collapse(f"{entry.note} {row.note}")
            entry.extra_notes.append(f"NOTE continues on line {row.line_no}")

    def set_perspective(self, line_no: int, text: str) -> None:
        """An Allegato A perspective row: the code is not carried past it."""
        self.perspective_rows += 1
        title = collapse(text)
        areas = self.scores.areas
        code = next((c for c, a in areas.items()
                     if similarity_at_least(title, a.objective_title or "", 0.8) is not None), None)
        if code is None:
            code = self.scores.area_code(str(self.perspective_rows))
            if code not in areas:
                self.scores.add_area(line_no, code, title, None,
                                     "perspective row of Allegato A (no summary score found)")
        self.perspective = (code, title)
        self.code = None

    def set_strategic(self, code: str | None, title: str) -> None:
        self.strategic = (code, title)
        if code:
            self.strategic_titles[code] = title

    def staff_lead(self, row: Row) -> None:
        if row.lead.get("perspective"):
            self.staff_perspective = collapse(row.lead["perspective"])
        if row.lead.get("office"):
            self.staff_office = collapse(row.lead["office"])

    # -- data rows ---------------------------------------------------------------------------------------------
    def row_values(self, row: Row, notes: list[str]) -> dict[str, object]:
        """Target, result, achievement and baseline of a data row (what was done to read them goes to `notes`)."""
        assert self.table is not None
        prefer = tuple(reversed(PART_LABELS)) if self.table.role == "agency" else PART_LABELS  # whose part counts
        target, actual = self.read_value(row.target, prefer), self.read_value(row.actual, prefer)
        values: dict[str, object] = {
            "target_raw": target.measure.raw, "target_value": target.measure.value,
            "target_operator": target.measure.operator, "target_unit": target.measure.unit,
            "actual_raw": actual.measure.raw, "actual_value": actual.measure.value,
            "achievement_pct": self.achievement(row.pct),
        }
        if target.revised is not None:
            values["target_revised_raw"] = target.revised.raw
            values["target_revised_value"] = target.revised.value
        notes += [n for n in (target.note, actual.note) if n]
        if actual.revised is not None:
            notes.append("result cell holds two values; the first is used")
        if row.note and (base := find_baseline(row.note, self.segment.year)):
            values["baseline_raw"], values["baseline_value"] = base
        return values

    def read_value(self, raw: str, prefer: tuple[str, ...]) -> CellReading:
        key = (raw, prefer)
        reading = self.values.get(key)
        if reading is None:
            reading = self.values[key] = read_cell(raw, prefer)
        return reading

    def achievement(self, raw: str) -> float | None:
        if raw not in self.percentages:
            self.percentages[raw] = parse_measure(raw).value
        return self.percentages[raw]

    def data_row(self, row: Row) -> None:
        table = self.table
        assert table is not None
        notes = [table.label]
        values = self.row_values(row, notes)
        level, code, unit, role, parent, perspective = "other", None, table.unit_name, "detail", None, None
        if table.kind == "strategic":
            level, code = "strategic", self.strategic_code(row)
            area = self.scores.area_of(code)
            if self.perspective:
                parent, perspective = self.perspective
            elif area is not None:
                parent, perspective = area.objective_code, area.objective_title
            if perspective:
                notes.append(f"perspective {perspective}")
        elif table.kind == "operational":
            strategic = self.strategic_of(row, notes)
            parent = strategic[0] if strategic else None
            area = self.scores.area_of(parent)
            perspective = area.objective_title if area else None
            if table.role == "ente":
                level = "operational"
            else:  # a restatement: the special agency's rows are always "other"
                level, role = ("other" if table.role == "agency" else UNIT_TABLE_LEVEL), "summary"
        elif table.kind == "staff":
            self.staff_lead(row)
            unit = self.staff_office or table.unit_name
            perspective = self.staff_perspective
            if perspective:
                notes.append(f"perspective '{perspective}'")
            notes.append(f"staff/office '{unit}'")
        notes += self.note_remarks(row.note)
        reading = self.reading(row.line_no, collapse(row.indicator or row.title), level, role,
                               objective_code=code, objective_title=collapse(row.title) or None, unit_name=unit,
                               line_end=row.line_no, **values)
        objective = None
        if role == "detail":
            objective = self.objective(row.line_no, code, level, reading.objective_title,
                                       parent_code=None if table.kind == "staff" else parent,
                                       achievement_pct=values["achievement_pct"], perspective=perspective,
                                       unit_name=unit if level == "other" else None,
                                       notes=f"{table.label}; one objective per row")
            self.out.objectives.append(objective)
        operational = table.kind == "operational"
        entry = _Entry(reading, objective, row.note, notes, parent if operational else None,
                       self.strategic[1] if operational and self.strategic else "")
        self.finish_entry(entry)
        self.out.readings.append(reading)
        self.entries.append(entry)
        self.last = entry

    def note_remarks(self, note: str) -> list[str]:
        """What a NOTE cell says about the row: a measurement date other than the year end, eliminated, not
        assessable."""
        remarks = []
        if date := measured_at(note, self.segment.year):
            remarks.append(f"result measured at {date}")
        if _ELIMINATED.search(note):
            remarks.append("Obiettivo eliminato")
        if parse_outcome(note) == "not_assessed":
            remarks.append("non valutabile")
        return remarks

    def strategic_code(self, row: Row) -> str | None:
        cell = collapse(row.lead.get("code", ""))
        if cell:
            m = _STRATEGIC_CODE.match(cell)
            self.code = m.group("code") if m else None
            if not m:
                self.quarantine(row.line_no, "Allegato A code cell is not a code; row read without code", cell)
        return self.code

    def strategic_of(self, row: Row, notes: list[str]) -> tuple[str | None, str] | None:
        cell = collapse(row.lead.get("strategic", ""))
        if cell:
            if m := _STRATEGIC_CODE.match(cell):
                self.set_strategic(m.group("code"), cell)
            elif self.strategic is not None:  # the wrapped tail of the strategic title printed in a new row
                self.set_strategic(self.strategic[0], collapse(f"{self.strategic[1]} {cell}"))
                notes.append(f"strategic-objective cell '{cell}' is the wrapped tail of the title above")
            else:
                self.set_strategic(None, cell)
                notes.append("strategic objective printed without a code")
        return self.strategic

    def finish_entry(self, entry: _Entry) -> None:
        parts = [*entry.extra_notes]
        if entry.parent_code:
            title = self.strategic_titles.get(entry.parent_code, "")
            title = title if entry.parent_title and title.startswith(entry.parent_title) else entry.parent_title
            parts.append(f"parent strategic objective {entry.parent_code}" + (f" '{title}'" if title else ""))
        if entry.note:
            parts.append(f"NOTE cell: {entry.note}")
        entry.reading.notes = "; ".join(dict.fromkeys(parts)) or None

    # -- after the last line -----------------------------------------------------------------------------------
    def finish(self) -> None:
        originals = _AllegatoB([e for e in self.entries if e.reading.table_role == "detail"
                                and e.reading.objective_level == "operational"])
        for entry in self.entries:
            if entry.reading.table_role == "summary":
                self.link(entry, originals.original_of(entry))
        for entry in self.entries:
            self.finish_entry(entry)  # strategic titles may have been completed by a later wrapped row

    def link(self, entry: _Entry, original: _Entry | None) -> None:
        if original is None:
            entry.extra_notes.append("no Allegato B row matched")
            return
        reading, source = entry.reading, original.reading
        reading.restates_line = source.provenance.source_line
        entry.extra_notes.append(f"restates Allegato B line {reading.restates_line}")
        for label, a, b in (("target", reading.target_raw, source.target_raw),
                            ("result", reading.actual_raw, source.actual_raw)):
            if a != b:
                entry.extra_notes.append(f"{label} '{a or ''}' differs from Allegato B ('{b or ''}')")
        original.extra_notes.append(f"restated at line {reading.provenance.source_line}")


def _probe(entry: _Entry) -> Reading:
    """A row's reading named by its objective and indicator texts (a unit table repeats both)."""
    name = f"{entry.reading.objective_title or ''} | {entry.reading.indicator_name}"
    return replace(entry.reading, indicator_name=normalise_name(name))


class _AllegatoB:
    """The Allegato B rows that unit-table rows repeat, indexed once per strategic code."""

    def __init__(self, originals: list[_Entry]) -> None:
        self.originals = originals
        self.pools: dict[str | None, tuple[Originals, list[_Entry]]] = {}

    def original_of(self, entry: _Entry) -> _Entry | None:
        """The row a unit-table row repeats: same strategic code (any code when none has it), closest objective
        and indicator text."""
        if entry.parent_code not in self.pools:
            pool = [o for o in self.originals if o.parent_code == entry.parent_code] or self.originals
            self.pools[entry.parent_code] = (Originals(_probe(o) for o in pool), pool)
        index, pool = self.pools[entry.parent_code]
        match = index.best(_probe(entry))
        return next((o for p, o in zip(index.readings, pool, strict=True) if p is match), None)


parse = ScorecardCarriedCells.parse
