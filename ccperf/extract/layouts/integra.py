"""INTEGRA reports: key/value objective blocks over indicator tables (Unioncamere's INTEGRA export).

Shape of the layout (cells shown separated by ⇥, as tab rows or as aligned columns; cells may be padded with
extra empty cells):

    AS1 - <area title>                                     area header (one cell)
    Obiettivo strategico⇥⇥OS 1.1 - <title> (Peso: 100,00%)  key/value rows describing the objective
    Risultato misurato obiettivo⇥⇥96,48 %
    Valutazione obiettivo⇥⇥ Raggiunto
    Indicatore⇥Algoritmo⇥Target 2024⇥Consuntivo 2024⇥Scostamento rispetto al target
    <code> <name + description> (Peso: 20,00%) (Tipologia: Struttura) [OC]⇥<formula>⇥>= 2,00 %⇥1,43 %⇥-0,57 %

plus score tables (ENTE / ASn / organisational units), a summary table "Indicatore⇥Target⇥Consuntivo" that
restates detail rows, an OIV weight table (PESO⇥AMBITO STRATEGICO⇥VALUTAZIONE), and prose that restates
a result "(target: ..., consuntivo: ..., performance: ...)" or a target revision ("da ≥ 270 a ≥ 245").
The words of the layout are in profiles/integra.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.linking import link_restatements, most_similar
from ccperf.extract.numbers import Measure, collapse, find_numbers, parse_measure, parse_number
from ccperf.extract.parser import LayoutParser
from ccperf.extract.profiles import load_profile
from ccperf.extract.vocab import parse_status
from ccperf.model import Objective, Reading

_PROFILE = load_profile("integra")
_WEIGHT = _PROFILE.alternation("weight_label")
_OBJECTIVE_VALUE = re.compile(
    r"^(?P<prefix>O[SO])\s*(?P<num>\d+(?:\s*[.\s]\s*\d+)*)\s*-\s*(?P<title>.*?)\s*"
    rf"(?:\((?:{_WEIGHT}):\s*(?P<w>[\d.,]+)\s*%\))?\s*$")
_AREA = re.compile(r"^(?P<code>AS\s*\d+)\s*-\s*(?P<title>.+)$")
_INDICATOR_CELL = re.compile(
    rf"^(?P<body>.*?)\s*\((?:{_WEIGHT}):\s*(?P<w>[\d.,]+)\s*%\)\s*"
    rf"(?:\((?:{_PROFILE.alternation('type_label')}):\s*(?P<type>[^)]*)\))?\s*"
    rf"(?P<oc>\b(?:{_PROFILE.alternation('common_objective_mark')})\b)?\s*$")
_LOCAL_CODE = re.compile(
    rf"^(?P<code>O[SO]\s*\d+(?:\.\d+)*\s*-\s*(?:{_PROFILE.alternation('local_indicator_code_words')})\s*\d+)\s+"
    r"(?P<name>.+)$")
_NATIONAL_CODE = re.compile(r"^(?P<code>[A-Z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*)\s+(?P<name>.+)$")
_PCT_CELL = re.compile(r"^[+\-]?\d[\d.]*(?:,\d+)?\s*%$")
_TARGET, _ACTUAL, _PERF = _PROFILE.words("prose_result")
_PROSE_RESULT = re.compile(
    rf"\({_TARGET}:\s*(?P<target>[^()]+?),\s*{_ACTUAL}:\s*(?P<actual>[^()]+?),\s*{_PERF}:\s*(?P<perf>[^()]+?)\)", re.I)
_MEASURE = r"(?:\$[^$]{1,40}\$|[≥≤<>=]{1,2}\s*-?\s*\d[\d.,]*\s*%?)"
_REVISION = re.compile(rf"\bda\s+(?P<old>{_MEASURE})\s+a\s+(?P<new>{_MEASURE})")
_QUOTED = re.compile(r"[\"“](?P<q>[^\"”]{8,300})[\"”]")
_ENTITY_PROSE = _PROFILE.pattern("entity_score_prose")
_OBJECTIVE_KEYS = {k.lower(): v for k, v in _PROFILE.table("objective_keys").items()}
_FIELD_KEYS = _PROFILE.table("objective_fields")
_COLUMNS = _PROFILE.table("table_columns")
_FIRST_HEADER = {w.lower() for w in _PROFILE.words("table_first_header")}
_ENTITY_LABELS = {w.upper() for w in _PROFILE.words("entity_score_label")}
_UNIT_HEADING = tuple(w.lower() for w in _PROFILE.words("unit_scores_heading"))


def _signatures() -> tuple[re.Pattern[str], ...]:
    keys = [re.compile(rf"^{re.escape(word)}\t") for word in _PROFILE.words("detect_key_cells")]
    headers = [re.compile(rf"\t{re.escape(word)}") for word in _PROFILE.words("detect_header_cells")]
    weight_type = re.compile(rf"\((?:{_WEIGHT}): [\d.,]+%\)\s*(?:<i>)?\s*\((?:{_PROFILE.alternation('type_label')}):")
    return (*keys, *headers, weight_type)


def _objective_key(cell: str) -> str | None:
    """The level an objective header's key cell names ("Obiettivo strategico" → strategic)."""
    return _OBJECTIVE_KEYS.get(collapse(cell).lower())


def _field_key(cell: str) -> str | None:
    low = collapse(cell).lower()
    return next((key for prefix, key in _FIELD_KEYS.items() if low.startswith(prefix)), None)


@dataclass
class _ObjectiveState:
    objective: Objective
    readings: list[Reading] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Integra(LayoutParser):
    """INTEGRA tables: key/value objective headers, Indicatore | Algoritmo | Target | Consuntivo | Scostamento
    rows, score and summary tables."""

    name = "integra"
    signatures = _signatures()
    min_hits = 6

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.areas: dict[str, Objective] = {}
        self.current: _ObjectiveState | None = None
        self.objectives: list[_ObjectiveState] = []
        self.columns: dict[str, int] | None = None  # column positions of the open indicator table
        self.in_summary = False
        self.last_heading = ""
        self.summary_readings: list[Reading] = []

    # -- line handlers -----------------------------------------------------------------------------------------
    def read(self) -> None:
        for line in self.lines():
            self.handle(line)
        self.close_objective()

    def handle(self, line: Line) -> None:
        cells, filled = line.texts, line.filled
        if not filled:
            self.columns = None
            self.in_summary = False
            return
        if len(filled) == 1:
            self.handle_single_cell(line.number, filled[0])
            return
        head = filled[0]
        if self.columns is not None and _objective_key(head) is None and _field_key(head) is None:
            self.handle_indicator_row(line, cells)
            return
        if self.in_summary and len(filled) == 3:
            self.handle_summary_row(line.number, filled)
            return
        self.in_summary = False
        if head.lower() in _FIRST_HEADER and any(_column_of(c) == "target" for c in cells):
            self.open_table(line.number, cells)
        elif level := _objective_key(head):
            self.open_objective(line.number, level, filled[1:])
        elif (key := _field_key(head)) and self.current is not None:
            self.handle_field(line.number, key, head, filled[1:])
        elif len(filled) == 2 and _PCT_CELL.match(filled[1]):
            self.handle_score_row(line.number, filled)
        elif len(filled) == 3 and _PCT_CELL.match(filled[0]) and _PCT_CELL.match(filled[2]):
            self.handle_weight_row(line.number, filled)

    def handle_single_cell(self, line_no: int, text: str) -> None:
        self.columns = None
        self.in_summary = False
        low = text.lower()
        if any(low.startswith(w) for w in _FIRST_HEADER) and any(
                col == "actual" and word in low for word, col in _COLUMNS.items()):
            return
        if m := _AREA.match(text):
            self.open_area(line_no, m.group("code"), m.group("title"))
            return
        if len(text) < 90:
            self.last_heading = text
        self.handle_prose(line_no, text)

    def open_area(self, line_no: int, code: str, title: str) -> None:
        code = re.sub(r"\s+", "", code)
        self.close_objective()
        if code in self.areas:
            return
        area = self.objective(line_no, code, "area", collapse(title))
        self.areas[code] = area
        self.out.objectives.append(area)

    def open_objective(self, line_no: int, level: str, values: list[str]) -> None:
        self.close_objective()
        text = values[0] if values else ""
        m = _OBJECTIVE_VALUE.match(text)
        if not m:
            self.quarantine(line_no, "objective header without a readable code", text)
            return
        num = re.sub(r"\s*[.\s]\s*", ".", m.group("num"))
        code = f"{m.group('prefix')} {num}"
        level = "strategic" if m.group("prefix") == "OS" or level == "strategic" else "operational"
        parts = num.split(".")
        parent = f"AS{parts[0]}" if level == "strategic" else f"OS {'.'.join(parts[:2])}"
        objective = self.objective(line_no, code, level, collapse(m.group("title")), parent_code=parent,
                                   weight_pct=parse_number(m.group("w")) if m.group("w") else None)
        self.current = _ObjectiveState(objective)
        self.objectives.append(self.current)
        self.out.objectives.append(objective)

    def close_objective(self) -> None:
        if self.current is not None:
            state = self.current
            state.notes.append(f"{len(state.readings)} indicators")
            state.objective.notes = "; ".join(state.notes)
        self.current = None
        self.columns = None

    def handle_field(self, line_no: int, key: str, label: str, values: list[str]) -> None:
        assert self.current is not None
        value = values[0] if values else ""
        objective = self.current.objective
        if key == "achievement":
            objective.achievement_pct = parse_measure(value).value
        elif key == "evaluation":
            objective.status = parse_status(value)
            self.current.notes.append(f'{collapse(label)}: "{value}"')
        elif key == "programme":
            self.current.notes.append(f"{collapse(label)}: {value}")
        elif key == "units":
            objective.unit_name = value or None
            self.current.notes.append(f"{collapse(label)}: {value}")
        elif key == "resources":
            self.current.notes.append(f"{collapse(label)}: {value}")
            self.fact(line_no, "resources_objective", parse_measure(value).value, "EUR",
                      f"{label} {value}", subject=objective.objective_code)

    def open_table(self, line_no: int, cells: list[str]) -> None:
        columns: dict[str, int] = {}
        for i, cell in enumerate(cells):
            if (column := _column_of(cell)) is not None:
                columns[column] = i
        if "target" not in columns or "actual" not in columns:
            self.quarantine(line_no, "indicator table header without Target/Consuntivo columns", "\t".join(cells))
            return
        if self.current is None:
            self.in_summary = True  # "Indicatore⇥Target⇥Consuntivo": the summary of the most significant indicators
            return
        self.columns = columns

    def _split_row(self, cells: list[str]) -> tuple[str, Measure, Measure, str | None] | None:
        """Indicator cell, target, actual and deviation: by header position, else by the filled cells."""
        assert self.columns is not None
        cols = self.columns

        def at(key: str) -> str:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        target, actual = parse_measure(at("target")), parse_measure(at("actual"))
        if target.raw and actual.raw and cells[0]:
            return cells[0], target, actual, at("deviation") or None
        filled = [c for c in cells if c]
        if len(filled) >= 4:  # shifted row: indicator, formula, target, actual[, deviation]
            return filled[0], parse_measure(filled[2]), parse_measure(filled[3]), (filled[4] if len(filled) > 4 else None)
        return None

    def handle_indicator_row(self, line: Line, cells: list[str]) -> None:
        assert self.current is not None
        split = self._split_row(cells)
        m = _INDICATOR_CELL.match(split[0]) if split else None
        if split is None or m is None:
            self.quarantine(line.number, "indicator row without target/actual cells or without (Peso: ...)",
                            line.text)
            return
        _, target, actual, deviation = split
        body = collapse(m.group("body"))
        code = None
        if cm := _LOCAL_CODE.match(body):
            code, body = collapse(cm.group("code")), cm.group("name")
        elif (cm := _NATIONAL_CODE.match(body)) and re.search(r"\d", cm.group("code")) and len(cm.group("code")) >= 3:
            code, body = cm.group("code"), cm.group("name")
        notes = [f"scostamento: {deviation}"] if deviation else []
        if m.group("oc"):
            notes.append("obiettivo comune (OC)")
        objective = self.current.objective
        reading = self.reading(
            line.number, collapse(body), objective.objective_level, "detail",
            objective_code=objective.objective_code, objective_title=objective.objective_title,
            indicator_code=code, indicator_type=collapse(m.group("type")) or None,
            weight_pct=parse_number(m.group("w")),
            target_raw=target.raw, target_value=target.value, target_operator=target.operator, target_unit=target.unit,
            actual_raw=actual.raw, actual_value=actual.value, notes="; ".join(notes) or None,
        )
        self.current.readings.append(reading)
        self.out.readings.append(reading)

    def handle_summary_row(self, line_no: int, filled: list[str]) -> None:
        name, target_cell, actual_cell = filled
        target, actual = parse_measure(target_cell), parse_measure(actual_cell)
        if target.raw is None or (target.value is None and actual.value is None):
            self.quarantine(line_no, "summary row without readable target or result", "\t".join(filled))
            return
        notes = ["summary table (Indicatore/Target/Consuntivo)"]
        if name.rstrip().endswith("*"):
            name = name.rstrip().rstrip("*").rstrip()
            notes.append('name marked "*" (obiettivo comune), asterisk stripped')
        reading = self.reading(
            line_no, collapse(name), "other", "summary",
            target_raw=target.raw, target_value=target.value, target_operator=target.operator, target_unit=target.unit,
            actual_raw=actual.raw, actual_value=actual.value, notes="; ".join(notes))
        self.summary_readings.append(reading)
        self.out.readings.append(reading)

    def handle_score_row(self, line_no: int, filled: list[str]) -> None:
        label, pct = filled[0], parse_measure(filled[1]).value
        if label.upper() in _ENTITY_LABELS:
            self.fact(line_no, "performance_entity", pct, "%", " ".join(filled))
        elif m := _AREA.match(label):
            self.fact(line_no, "performance_area", pct, "%", " ".join(filled),
                      subject=re.sub(r"\s+", "", m.group("code")))
        elif any(word in self.last_heading.lower() for word in _UNIT_HEADING):
            self.fact(line_no, "performance_unit", pct, "%", " ".join(filled), subject=label)

    def handle_weight_row(self, line_no: int, filled: list[str]) -> None:
        weight, label, score = filled
        if m := _AREA.match(label):
            code = re.sub(r"\s+", "", m.group("code"))
            self.fact(line_no, "weight_area", parse_measure(weight).value, "%", " ".join(filled), subject=code)
            self.fact(line_no, "performance_area", parse_measure(score).value, "%", " ".join(filled), subject=code)

    # -- prose ---------------------------------------------------------------------------------------------------
    def handle_prose(self, line_no: int, text: str) -> None:
        for m in _PROSE_RESULT.finditer(text):
            self.prose_result(line_no, text[: m.start()], m)
        previous_end = 0
        for m in _REVISION.finditer(text):
            self.target_revision(line_no, text, m, previous_end)
            previous_end = m.end()
        if _ENTITY_PROSE.search(text):
            self.entity_prose(line_no, text)

    def prose_result(self, line_no: int, before: str, m: re.Match[str]) -> None:
        """"... obiettivo operativo relativo alla <title> (target: X, consuntivo: Y, performance: Z%)"."""
        target, actual = parse_measure(m.group("target")), parse_measure(m.group("actual"))
        states = [s for s in self.objectives if s.objective.objective_title
                  and s.objective.objective_title.lower()[:40] in before.lower()]
        state = max(states, key=lambda s: len(s.objective.objective_title or ""), default=None)
        original = None
        if state is not None:
            original = next((r for r in state.readings if r.target_value == target.value), None)
            original = original or (state.readings[0] if len(state.readings) == 1 else None)
        if state is None or original is None:
            self.quarantine(line_no, "prose result not tied to a known objective", m.group(0))
            return
        objective = state.objective
        self.out.readings.append(self.reading(
            line_no, original.indicator_name, objective.objective_level, "prose",
            indicator_code=original.indicator_code, indicator_type=original.indicator_type,
            objective_code=objective.objective_code, objective_title=objective.objective_title,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator,
            target_unit=target.unit, actual_raw=actual.raw, actual_value=actual.value,
            achievement_pct=parse_measure(m.group("perf")).value,
            status=parse_status(before[-200:]) or objective.status,
            restates_line=original.provenance.source_line,
            notes="restated in prose (target / consuntivo / performance)"))

    def target_revision(self, line_no: int, text: str, m: re.Match[str], previous_end: int) -> None:
        """Prose naming an indicator in quotes and its change "(da ≥ 270 a ≥ 245)": original and revised targets.

        The indicator is the nearest quoted name before the change (after the previous change), or else the
        first one right after it ("... da ≥ 130 a ≥ 60 il target dell'indicatore "...").
        """
        before = list(_QUOTED.finditer(text, previous_end, m.start()))
        after = [q for q in _QUOTED.finditer(text, m.end()) if q.start() < m.end() + 80]
        detail = [r for s in self.objectives for r in s.readings]
        names = [r.indicator_name for r in detail]
        original = None
        for q in [*reversed(before), *after[:1]]:
            index = most_similar(q.group("q"), names, 0.7)
            if index is not None:
                original = detail[index]
                break
        if original is None:
            return  # a revision of an objective or a target we cannot tie to an indicator: prose only
        subject = original.indicator_code or original.indicator_name[:40]
        quote = text[max(0, m.start() - 80): m.end() + 1]
        for kind, group in (("original", "old"), ("revised", "new")):
            measure = parse_measure(m.group(group))
            self.fact(line_no, f"target_{kind}", measure.value, measure.unit or original.target_unit,
                      quote, subject=subject)

    def entity_prose(self, line_no: int, text: str) -> None:
        """"Il grado di raggiungimento della Performance di Ente 2024 ... pari a **97,78%**" (and the prior year)."""
        year = self.segment.year
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", text):
            if not _ENTITY_PROSE.search(sentence):
                continue
            pcts = [(v, s) for v, s, e in find_numbers(sentence) if sentence[e:e + 3].lstrip("* ").startswith("%")]
            if not pcts:
                continue
            years = [int(y) for y in re.findall(r"\b(20\d\d)\b", sentence)]
            stated_year = min(years) if years and year and min(years) < year else year
            self.fact(line_no, "performance_entity", pcts[0][0], "%", sentence, year=stated_year)

    # -- after the last line -----------------------------------------------------------------------------------
    def finish(self) -> None:
        detail = [r for s in self.objectives for r in s.readings]
        link_restatements(self.summary_readings, detail)
        for reading in self.summary_readings:
            if reading.restates_line:
                reading.notes = f"{reading.notes}; restates detail row at line {reading.restates_line}"
        area_facts = {f.subject_code: f for f in self.out.facts if f.fact_name == "performance_area"}
        weight_facts = {f.subject_code: f for f in self.out.facts if f.fact_name == "weight_area"}
        for code, area in self.areas.items():
            if code in area_facts:
                area.achievement_pct = area_facts[code].value
            if code in weight_facts:
                area.weight_pct = weight_facts[code].value
        self.count_objectives([s.objective for s in self.objectives], n_areas=len(self.areas))


def _column_of(cell: str) -> str | None:
    low = cell.lower()
    return next((column for word, column in _COLUMNS.items() if low.startswith(word)), None)


parse = Integra.parse
