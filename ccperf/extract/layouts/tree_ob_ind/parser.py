"""Performance tree with Ob/Ind tables (e.g. CCIAA Massa-Carrara, "Relazione sulla performance").

The PDF was flattened without layout, so every table cell wraps on its own lines and cells follow each other in
reading order, not in columns: there are no tabs (no ⇥) and no aligned columns, cells on one line are separated by
single spaces, and the parser reads `line.text`. A unit-table row, verbatim (l.2402-2421 of the Massa-Carrara 2019
report, blank lines and wrapped continuations left out):

    IS                                   Ob/Ind
    S2.1.1-b Partecipazione del          code and name (3 more lines: "personale camerale alle attività" …)
    % dipendenti partecipanti >=         Algoritmo (1 more line: "90%")
    N. dip.                              Parametri di calcolo: the numerator's label (1 more line)
    4 5 4 13                             Dati I, II, III Quadr, TOT/MEDIA
    100,00% 90% 100,00% 100,00%          Risultato, Target, %Realizz target, % Realizz parametrata
    N. totale                            the denominator's label ("dipendenti"), then its data "4 5 4 13"

The other tables: chapter 1 scores ("PERFORMANCE DI ENTE 100,0%", "OB 1: <area> 100%", units), p.4 "INDICATORI
PIU' SIGNIFICATIVI" (code, name, realisation %), the BSC tables (perspectives), unit tables S0…S5 and FRD (as
above; FRD rows have Ob/Ind "FRD: ob1"), 3.0 Albero della performance (AS/OS/OO rows, indicator rows
"name Risultato Target %Realizz %Param"), 3.1/3.2 Rendicontazione (objective rows with Programma and % su Ob pond /
% su Ente, indicator rows with Algoritmo and UFFICIO), 4. individual tables (S.G., PO n).

Every indicator printed in the tree is printed again elsewhere; the tree gives each name without any Algoritmo
text, so it is read first and is the reference that tells a name's lines from the Algoritmo's (names.py). The
occurrence in 3.1/3.2 is the detail reading; the tree, p.4, unit and individual tables restate it. The words of
the layout (headings, Ob/Ind markers, offices, the footer placeholder, sentence templates) are in
profiles/tree_ob_ind.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ccperf.extract.layouts.tree_ob_ind.facts import (
    Stated,
    budget_facts,
    individual_summary_facts,
    prose_facts,
    raccordo_areas,
    score_facts,
)
from ccperf.extract.layouts.tree_ob_ind.names import NameRef
from ccperf.extract.layouts.tree_ob_ind.objective_rows import ObjectiveRow, read_bsc, read_objective_row
from ccperf.extract.layouts.tree_ob_ind.rows import Row, RowReader, RowValues
from ccperf.extract.layouts.tree_ob_ind.sections import (
    BSC,
    INDIVIDUAL,
    INDIVIDUAL_SUMMARY,
    OPERATIONAL,
    SCORES,
    STRATEGIC,
    TOP,
    TREE,
    UNIT,
    Section,
    find_sections,
    markers,
)
from ccperf.extract.layouts.tree_ob_ind.tokens import (
    TextLine,
    algoritmo_operator,
    algoritmo_unit,
    is_anchor,
    join_wrapped,
    prepare_lines,
    squeeze,
    value_of,
)
from ccperf.extract.layouts.tree_ob_ind.vocabulary import (
    ALGORITMO_DATE,
    CODE_LEVELS,
    CODE_LINE,
    ENTITY_MARKER,
    FUND_LINE,
    FUND_OB,
    INDICATOR_CODE,
    OBJECTIVE_LEVELS,
    PCT_RE,
    PROFILE,
    SECTION_LABELS,
    TOTAL_MARKER,
    TYPE_ONLY,
    UNIT_RESULT_LABEL,
)
from ccperf.extract.linking import most_similar
from ccperf.extract.numbers import collapse, excel_serial_to_date, parse_date
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.model import Objective, Reading, ReadingComponent

LEVELS = ("area", "strategic", "operational")  # the tree's levels, outermost first
_DEPTH = {"area": 1, "strategic": 2, "operational": 3}  # parts of an objective code at each level (OS 2.1, OO 2.1.4)
_MARKER_OF = {level: marker for marker, level in OBJECTIVE_LEVELS.items()}  # strategic → "OS"
_INNERMOST = LEVELS[-1]  # FRD rows ("FRD: ob1") sit under an operational objective
_PERIODS = ("I quadrimestre", "II quadrimestre", "III quadrimestre", "total")
_EXCEL_SERIAL = re.compile(r"\d{5},00")
_SINGLE_LETTER = re.compile(r"[A-Z]")  # the preface's areas A/B/C
_OBJECTIVE_PCT_LABELS = {  # the percentages after an objective's title in 3.1/3.2, in order
    "strategic": ["% Realizz parametrata", "% su Ob pond", "% su Ente"],
    "area": ["% Realizz parametrata", "% su Ente"],
    "operational": ["% Realizz parametrata"],
}
ObjectivePath = dict[str, ObjectiveRow | None]  # the open objective row of each level


def detect_signatures() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in PROFILE.words("detect_signatures"))


def objective_of_code(code: str) -> tuple[str, str] | None:
    """The level and code of the objective an indicator code names: S2.1.1-b → (strategic, 2.1)."""
    m = INDICATOR_CODE.match(code)
    if not m:
        return None
    level = CODE_LEVELS[m.group("letter")]
    return level, ".".join(m.group("num").split(".")[: _DEPTH[level]])


class TreeObInd(LayoutParser):
    """Performance tree with Ob/Ind tables (Algoritmo, Parametri di calcolo, four-month data, Risultato, Target,
    % Realizz)."""

    name = "tree_ob_ind"
    signatures = detect_signatures()
    min_hits = 4

    def __init__(self, ctx: SegmentContext) -> None:
        super().__init__(ctx)
        self.rows: list[TextLine] = []  # the segment's lines, repaired (tokens.prepare_lines)
        self.repairs: dict[int, str] = {}
        self.refs: dict[str, list[NameRef]] = {}  # the tree's names by indicator code
        self.reader = RowReader(self.rows, self.repairs, self.refs)
        self.readings_by_kind: dict[str, list[Reading]] = {}
        self.objectives: dict[str, Objective] = {}
        self.tree_objectives: dict[str, ObjectiveRow] = {}
        self.perspectives: dict[str, tuple[str, int]] = {}
        self.bsc_notes: dict[str, list[str]] = {}
        self.operators: dict[str, str | None] = {}  # by Algoritmo text (most are printed in several tables)

    # -- the walk ------------------------------------------------------------------------------------------------
    def read(self) -> None:
        self.rows, self.repairs = prepare_lines(self.lines())
        self.reader = RowReader(self.rows, self.repairs, self.refs)
        sections = find_sections(self.rows)
        # the tree first: it is the reference for names printed elsewhere
        for section in [s for s in sections if s.kind == TREE] + [s for s in sections if s.kind != TREE]:
            self.read_section(section)
        self.read_raccordo()
        self.add_facts(prose_facts(self.rows))
        self.add_facts(budget_facts(self.rows))

    def read_section(self, section: Section) -> None:
        if section.kind in (TREE, UNIT, STRATEGIC, OPERATIONAL, INDIVIDUAL):
            self.read_table(section)
        elif section.kind == TOP:
            self.read_top(section)
        elif section.kind == BSC:
            read_bsc(self.rows, section, self.perspectives, self.bsc_notes)
        elif section.kind == SCORES:
            self.add_facts(score_facts(self.rows, section))
        elif section.kind == INDIVIDUAL_SUMMARY:
            self.add_facts(individual_summary_facts(self.rows, section))

    def add_facts(self, facts: Iterable[Stated]) -> None:
        for f in facts:
            self.fact(f.line, f.name, f.value, f.unit, f.quote, f.subject, f.year)

    def quarantine_rows(self, start: int, end: int, reason: str) -> None:
        """Keep lines start..end-1 (indexes in self.rows) as a block this layout could not read."""
        text = "\n".join(row.text for row in self.rows[start:end])
        self.quarantine(self.rows[start].number, reason, text, self.rows[end - 1].number)

    def add_objective(self, line_no: int, code: str, level: str, title: str | None, **values: object) -> Objective:
        objective = self.objective(line_no, code, level, collapse(title) or None, **values)
        self.out.objectives.append(objective)
        self.objectives[code] = objective
        return objective

    # -- a table: its rows ---------------------------------------------------------------------------------------
    def read_table(self, section: Section) -> None:
        marks = markers(self.rows, section)
        unit = self.unit_objective(section) if section.kind in (UNIT, INDIVIDUAL) else None
        path: ObjectivePath = dict.fromkeys(LEVELS)
        first = marks[0][0] if marks else section.end
        if unit is not None and any(is_anchor(self.rows[k].text) for k in range(section.start + 1, first)):
            self.quarantine_rows(section.start, first, "values line before the first indicator row of the table")
        for n, (i, kind) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else section.end
            text = self.rows[i].text
            if kind == "type":  # an Ob/Ind cell with no code after it
                if any(not self.rows[k].blank for k in range(i + 1, end)):
                    self.quarantine_rows(i, end, "Ob/Ind cell (IS/IO) without an indicator code")
            elif kind in ("type+code", "code", "frd"):
                self.read_indicator(section, i, end, kind, path, unit)
            elif kind == "obj":
                self.read_objective_row(section, i, end, path)
            elif kind == "tot" and (m := TOTAL_MARKER.match(text)):
                self.fact(self.rows[i].number, "performance_strategic_indicators", value_of(m.group("pct")), "%",
                          text, subject=m.group("code"))
            elif kind == "ente" and (m := ENTITY_MARKER.match(text)) and m.group("pct"):
                self.fact(self.rows[i].number, "performance_entity", value_of(m.group("pct")), "%", text)

    def unit_objective(self, section: Section) -> Objective:
        """The objective of a unit or individual table (level "other"): its heading's code, title and result."""
        assert section.code is not None and section.heading_line is not None
        if section.code in self.objectives:
            return self.objectives[section.code]
        notes = [f"table '{section.label}' (l.{section.heading_line})"]
        achievement = None
        if section.kind == UNIT:
            achievement = value_of(section.result_raw)
            notes.append(f"{UNIT_RESULT_LABEL} {section.result_raw}")
            self.fact(section.heading_line, "performance_unit", achievement, "%", section.label or "",
                      subject=section.code)
        else:
            notes.append("individual objectives table (section 4)")
        return self.add_objective(section.heading_line, section.code, "other", section.title,
                                  achievement_pct=achievement, unit_name=section.title, notes="; ".join(notes))

    # -- objective rows (tree, 3.1, 3.2) -------------------------------------------------------------------------
    def read_objective_row(self, section: Section, i: int, end: int, path: ObjectivePath) -> None:
        marker, row = read_objective_row(self.rows, i, end)
        if row is None:
            self.quarantine_rows(i, end, f"{marker} row without an objective code")
            return
        path[row.level] = row
        for inner in LEVELS[LEVELS.index(row.level) + 1:]:
            path[inner] = None
        if section.kind == TREE:
            self.tree_objectives.setdefault(row.code, row)
            return
        self.objective_facts(row)
        if row.code not in self.objectives:  # the area rows are printed again in 3.2: one objective row each
            self.table_objective(section, row, path)

    def objective_facts(self, row: ObjectiveRow) -> None:
        """Facts of a 3.1/3.2 objective row: its % Realizz parametrata and its shares of the area and the entity."""
        pcts = [value_of(p) for p in row.pcts]
        if not pcts:
            return
        quote = f"{row.code}{':' if row.level == 'area' else ''} {row.title} {' '.join(row.pcts)}"
        if row.level == "area":
            self.fact(row.line, "performance_area", pcts[0], "%", quote, subject=row.code)
            if len(pcts) > 1:
                self.fact(row.line, "contribution_entity_pct", pcts[-1], "%", quote, subject=row.code)
        elif row.level == "strategic":
            self.fact(row.line, "performance_strategic_objective", pcts[0], "%", quote, subject=row.code)
            if len(pcts) >= 3:
                self.fact(row.line, "contribution_area_pct", pcts[1], "%", quote, subject=row.code)
                self.fact(row.line, "contribution_entity_pct", pcts[2], "%", quote, subject=row.code)

    def table_objective(self, section: Section, row: ObjectiveRow, path: ObjectivePath) -> None:
        """Objectives come from sections 3.1 (areas, strategic) and 3.2 (operational)."""
        parent = None
        if row.level != "area":
            outer = path[LEVELS[LEVELS.index(row.level) - 1]]
            parent = outer.code if outer else None
            if parent is None and row.level == "operational":
                parent = ".".join(row.code.split(".")[: _DEPTH["strategic"]])
        notes = [f"{SECTION_LABELS[section.kind]} row (l.{row.line})"]
        if row.programmes:
            notes.append(f"Programma {' '.join(row.programmes)}")
        notes += [f"{label} {raw}" for label, raw in zip(_OBJECTIVE_PCT_LABELS[row.level], row.pcts, strict=False)]
        if row.office:
            notes.append(f"UFFICIO {' '.join(row.office)}")
        if (tree := self.tree_objectives.get(row.code)) is not None:
            notes.append(f"also in the albero 3.0 (l.{tree.line})")
        self.add_objective(row.line, row.code, row.level, row.title, parent_code=parent,
                           achievement_pct=value_of(row.pcts[0]) if row.pcts else None,
                           mission_code=row.programmes[0].split("/")[0] if row.programmes else None,
                           notes="; ".join(notes))

    # -- indicator rows --------------------------------------------------------------------------------------------
    def read_indicator(self, section: Section, i: int, end: int, kind: str, path: ObjectivePath,
                       unit: Objective | None) -> None:
        head = self.code_head(i, end, kind) if kind != "frd" else self.fund_head(i, end)
        if head is None:
            return
        i, code, ind_type, name_start, first_text, notes = head
        row = self.reader.read(section.kind, name_start, end, code, first_text)
        if row is None:
            self.quarantine_rows(i, end, f"indicator row {code} without a values line (Risultato, Target, %Realizz)")
            return
        notes += row.notes
        reading = self.indicator_reading(section, self.rows[name_start].number, code, ind_type, row, notes, path, unit)
        self.out.readings.append(reading)
        self.readings_by_kind.setdefault(section.kind, []).append(reading)
        if section.kind == TREE:
            self.refs.setdefault(code, []).append(NameRef(row.name))
        if section.kind == UNIT:
            self.components(reading, row.values)

    def code_head(self, i: int, end: int, kind: str) -> tuple[int, str, str | None, int, str, list[str]]:
        """An indicator row's code line ("IS" ⏎ "S2.1.1-b <name>" or "IO O1.2.4-a <name>"): the line, code, type,
        the name's first line and text, notes."""
        ind_type = None
        if kind == "type+code":
            m = TYPE_ONLY.match(self.rows[i].text)
            ind_type = m.group(1) if m else None
            i = next(k for k in range(i + 1, end) if not self.rows[k].blank)
        m = CODE_LINE.match(self.rows[i].text)
        assert m is not None
        code, first_text = m.group("code"), m.group("rest")
        notes = []
        if first_text and not first_text[0].isspace():
            word = first_text.split()[0]
            notes.append(f"code glued to the name in the text: '{code[-1]}{word}' = {code} + '{word}'")
        return i, code, ind_type or m.group("type"), i, first_text, notes

    def fund_head(self, i: int, end: int) -> tuple[int, str, None, int, str, list[str]] | None:
        """An FRD-like row: "FRD:" ⏎ "ob1" ⏎ "2.1.1 Obiettivo 1: …" (the Ob/Ind label is its code)."""
        fm = FUND_LINE.match(self.rows[i].text)
        assert fm is not None
        ob, k = fm.group("ob"), i + 1
        if ob is None:
            k = next((j for j in range(i + 1, end) if not self.rows[j].blank), end)
            om = FUND_OB.match(self.rows[k].text) if k < end else None
            if om is None:
                self.quarantine_rows(i, end, f"'{fm.group('head')}:' row without its objective label")
                return None
            ob, k = om.group(1), k + 1
        code = f"{fm.group('head')}: {squeeze(ob)}"
        notes = [f"Ob/Ind column '{code}' (l.{self.rows[i].number}-{self.rows[k - 1].number})"]
        name_start = next((j for j in range(k, end) if not self.rows[j].blank), None)
        if name_start is None:
            self.quarantine_rows(i, end, f"{code} row without a name")
            return None
        return i, code, None, name_start, self.rows[name_start].text, notes

    # -- a reading ---------------------------------------------------------------------------------------------------
    def indicator_reading(self, section: Section, line_no: int, code: str, ind_type: str | None, row: Row,
                          notes: list[str], path: ObjectivePath, unit: Objective | None) -> Reading:
        level, objective_code, objective_title = self.reading_objective(section, code, notes, path, unit)
        kind, values = section.kind, row.values
        measured = self.measured(values, row.algoritmo, notes)
        if kind == UNIT:
            notes.append(data_note(values))
        notes.append(f"% Realizz parametrata {values.param_raw}")
        if values.office:
            notes.append(f"UFFICIO: {values.office}")
        return self.reading(
            line_no, row.name, level, "detail" if kind in (STRATEGIC, OPERATIONAL) else "summary",
            objective_code=objective_code, objective_title=objective_title, indicator_code=code,
            indicator_type=ind_type, achievement_pct=value_of(values.achievement_raw),
            unit_name=unit.objective_title if unit is not None else None, line_end=self.rows[row.last].number,
            notes="; ".join(n for n in notes if n), **measured)

    def reading_objective(self, section: Section, code: str, notes: list[str], path: ObjectivePath,
                          unit: Objective | None) -> tuple[str, str | None, str | None]:
        """Level, code and title of the objective a reading belongs to, and the notes that say where it is
        printed: the table's own objective in a unit or individual table, else the open objective row of the
        indicator's level (inferred from the code when no row is open)."""
        if unit is not None:
            what = "unit" if section.kind == UNIT else "individual objectives"
            notes.insert(0, f"{what} table '{section.label}' (l.{section.heading_line})")
            if belongs := objective_of_code(code):
                notes.insert(1, f"indicator belongs to {_MARKER_OF[belongs[0]]} {belongs[1]} (per its code)")
            return "other", unit.objective_code, unit.objective_title
        notes.insert(0, SECTION_LABELS[section.kind])
        current = path[CODE_LEVELS.get(code[:1], _INNERMOST)]
        if current is not None:
            return current.level, current.code, current.title
        notes.append("objective inferred from the indicator code")
        inferred = objective_of_code(code)
        return (inferred[0], inferred[1], None) if inferred else ("other", None, None)

    def measured(self, values: RowValues, algoritmo: str | None, notes: list[str]) -> dict[str, object]:
        """Target (value, operator and unit from the Algoritmo) and Risultato of a row."""
        target_raw, actual_raw = values.target_raw, values.actual_raw
        unit = None if values.target_from_text else algoritmo_unit(target_raw, algoritmo)
        if algoritmo:
            notes.append(f"Algoritmo: '{algoritmo}'")
        if values.target_from_text:
            notes.append(f"Target printed as text under the Risultato: '{target_raw}'")
        actual_value = value_of(actual_raw)
        # a spreadsheet day number printed where the column means a date
        date_column = bool(target_raw and parse_date(target_raw)) or bool(algoritmo and ALGORITMO_DATE.match(algoritmo))
        if actual_value is not None and date_column and _EXCEL_SERIAL.fullmatch(actual_raw or ""):
            day = excel_serial_to_date(actual_value)
            if day is not None:
                notes.append(f"Risultato printed as Excel serial number {actual_raw} (= {day:%d/%m/%Y}); "
                             "actual_value left null")
                actual_value = None
        actual_unit = "%" if actual_raw and actual_raw.endswith("%") else (
            unit if actual_value is not None and unit != "%" else None)
        return {"target_raw": target_raw, "target_value": None if values.target_from_text else value_of(target_raw),
                "target_operator": self.operator(algoritmo), "target_unit": unit, "actual_raw": actual_raw,
                "actual_value": actual_value, "actual_unit": actual_unit}

    def operator(self, algoritmo: str | None) -> str | None:
        if not algoritmo:
            return None
        if algoritmo not in self.operators:
            self.operators[algoritmo] = algoritmo_operator(algoritmo)
        return self.operators[algoritmo]

    def components(self, reading: Reading, values: RowValues) -> None:
        """Four-month data (and numerator/denominator rows) behind a unit-table result."""
        ratio = bool(values.denominator)
        groups = [("numerator" if ratio else "value", values.numerator_label, values.data)]
        if ratio:
            groups.append(("denominator", values.denominator_label, values.denominator))
        for component, label, cells in groups:
            cells = cells[-4:]
            periods = list(_PERIODS[4 - len(cells):])
            printed = [c for c in cells if c[0] is not None and c[0] != "---"]
            if len(printed) == 1 and len(cells) == 2 and cells[-1][0] == "---" and (day := parse_date(printed[0][0])):
                # a date row prints one cell (merged across the four-month columns) then TOT "---":
                # the period is the four-month period the date falls in
                periods[0] = _PERIODS[(day.month - 1) // 4]
            for (raw, line_no), period in zip(cells, periods, strict=True):
                if raw is None or raw == "---":
                    continue
                self.out.components.append(ReadingComponent(
                    self.provenance(line_no), reading.provenance.source_line, component, period, label, raw,
                    value_of(raw)))

    # -- p.4: the most significant indicators (code, name, realisation %) ------------------------------------------
    def read_top(self, section: Section) -> None:
        starts = [i for i in range(section.start + 1, section.end) if CODE_LINE.match(self.rows[i].text)]
        for n, i in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else section.end
            m = CODE_LINE.match(self.rows[i].text)
            assert m is not None
            name_parts, pct, last = [m.group("rest")], None, i
            for k in range(i + 1, end):
                text = self.rows[k].text.strip()
                if not text:
                    continue
                if PCT_RE.fullmatch(text):
                    pct, last = text.replace(" ", ""), k
                    break
                name_parts.append(text)
            code = m.group("code")
            if pct is None:
                self.quarantine_rows(i, end, f"p.4 indicator {code} without its percentage")
                continue
            belongs = objective_of_code(code)
            reading = self.reading(
                self.rows[i].number, join_wrapped(name_parts), belongs[0] if belongs else "other", "summary",
                objective_code=belongs[1] if belongs else None, indicator_code=code, achievement_pct=value_of(pct),
                line_end=self.rows[last].number,
                notes=f"{SECTION_LABELS[TOP]}: only the realisation percentage {pct} is printed (read as "
                      "achievement, not as the result); objective inferred from the indicator code")
            self.out.readings.append(reading)
            self.readings_by_kind.setdefault(TOP, []).append(reading)

    # -- preface raccordo table: areas A/B/C ---------------------------------------------------------------------
    def read_raccordo(self) -> None:
        found = raccordo_areas(self.rows)
        if found is None:
            return
        heading_line, areas = found
        for area in areas:
            title = join_wrapped(area.title)
            notes = [f"preface raccordo table 'AREE STRATEGICHE / OBIETTIVI STRATEGICI / BSC / MISSIONE' "
                     f"(l.{heading_line}), printed '{area.code}.- {title}'"]
            if area.objectives:
                notes.append(f"groups OS {', '.join(area.objectives)}")
            if area.missions:
                notes.append(f"missions {', '.join(area.missions)}")
            notes.append("a different grouping from the ambiti 'OB n' of the result tables; no result printed")
            self.add_objective(area.line, area.code, "area", title,
                               mission_code=area.missions[0] if area.missions else None, notes="; ".join(notes))

    # -- after the walk ------------------------------------------------------------------------------------------
    def finish(self) -> None:
        self.tree_only_objectives()
        for code, objective in self.objectives.items():
            if code in self.perspectives and objective.objective_level != "other":
                objective.perspective, line_no = self.perspectives[code]
                objective.notes = f"{objective.notes}; perspective from the BSC table (l.{line_no})"
            for note in self.bsc_notes.get(code, []):
                objective.notes = f"{objective.notes}; {note}"
        for reading in self.readings_by_kind.get(TOP, []):  # titles of the objectives inferred for p.4 rows
            if (objective := self.objectives.get(reading.objective_code or "")) is not None:
                reading.objective_title = objective.objective_title
        self.link()
        self.count_levels()

    def tree_only_objectives(self) -> None:
        """Objectives of the tree when the report has no 3.1/3.2 rows for them."""
        for code, row in self.tree_objectives.items():
            if code in self.objectives:
                continue
            parent = None
            if row.level == "strategic":  # (the first area of the tree, as the tree prints no area codes per row)
                parent = next((o.code for o in self.tree_objectives.values() if o.level == "area" and o.line < row.line),
                              None)
            elif row.level == "operational":
                parent = ".".join(code.split(".")[: _DEPTH["strategic"]])
            self.add_objective(row.line, code, row.level, row.title, parent_code=parent,
                               achievement_pct=value_of(row.pcts[0]) if row.pcts else None,
                               notes=f"{SECTION_LABELS[TREE]} row (l.{row.line})")

    def link(self) -> None:
        """restates_line: every occurrence points at the 3.1/3.2 reading of its indicator (else the tree's)."""
        detail = self.readings_by_kind.get(STRATEGIC, []) + self.readings_by_kind.get(OPERATIONAL, [])
        by_code: dict[str, list[Reading]] = {}
        for r in detail:
            by_code.setdefault(r.indicator_code or "", []).append(r)
        detail_codes = set(by_code)
        for r in self.readings_by_kind.get(TREE, []):
            if (r.indicator_code or "") not in detail_codes:
                r.table_role = "detail"  # printed in the tree only (FRD rows): the tree row is the main one
                by_code.setdefault(r.indicator_code or "", []).append(r)
        main = {id(r) for rows in by_code.values() for r in rows}
        for kind in (TOP, TREE, UNIT, INDIVIDUAL):
            for r in self.readings_by_kind.get(kind, []):
                if id(r) not in main:
                    restate(r, by_code.get(r.indicator_code or "", []))

    def count_levels(self) -> None:
        """Derived counts of strategic and operational objectives, where the report states none."""
        levels = [o.objective_level for o in self.out.objectives
                  if o.objective_code and not _SINGLE_LETTER.fullmatch(o.objective_code)]
        stated = {f.fact_name for f in self.out.facts}
        for level in ("strategic", "operational"):
            name = f"count_{level}_objectives"
            if (n := levels.count(level)) and name not in stated:
                self.fact(self.segment.line_start, name, float(n), "N.", None, derived=True)


def restate(reading: Reading, candidates: list[Reading]) -> None:
    """Point a restating reading at the candidate of its code with the most similar name."""
    if not candidates:
        reading.notes = f"{reading.notes}; no 3.1/3.2 or albero row for this code"
        return
    # without a minimum there always is a most similar candidate (the first one on a tie)
    best = candidates[most_similar(reading.indicator_name, [c.indicator_name for c in candidates]) or 0]
    reading.restates_line = best.provenance.source_line
    reading.notes = f"{reading.notes}; restates l.{best.provenance.source_line}"
    if best.actual_raw and reading.actual_raw and best.actual_raw != reading.actual_raw:
        reading.notes += f" (which prints Risultato {best.actual_raw})"
    if best.target_raw and reading.target_raw and best.target_raw != reading.target_raw:
        reading.notes += f" (which prints Target {best.target_raw})"


def data_note(values: RowValues) -> str:
    """The four-month data of a unit row, as printed (kept in the notes; components hold them typed)."""
    def show(cells: list[tuple[str | None, int]]) -> str:
        return " | ".join(c[0] or "" for c in cells)

    if values.denominator:
        return (f"Dati quadrimestrali (I | II | III | TOT): numerator '{values.numerator_label or ''}' "
                f"{show(values.data)}; denominator '{values.denominator_label or ''}' {show(values.denominator)}")
    printed = [c[0] for c in values.data if c[0] is not None]
    text = f"Dati quadrimestrali (I | II | III | TOT): {show(values.data)}" if printed else \
        "no Dati quadrimestrali printed"
    if values.numerator_label:
        text += f"; Parametri di calcolo '{values.numerator_label}'"
    return text


parse = TreeObInd.parse
