"""Cremona-style tab-separated indicator tables and PIRA budget-indicator blocks (e.g. the former Cremona chamber).

Shape of the layout (tabs shown as ⇥; rows are padded with empty cells):

    Area Strategica 2024_01⇥⇥⇥⇥                       area header, then "MISSIONE 011: <title>" and a programme line
    Ob. Strategico 2024_01_01⇥⇥⇥⇥                     objective header (code YYYY_AA_SS or YYYY_AA_SS_OO), then its title
    Indicatori⇥⇥⇥⇥
    Descrizione⇥Tipo⇥Valore Atteso⇥Valore Raggiunto⇥Note
    <indicator name>⇥OPERATIVO⇥= > 12⇥113 ... *10.0⇥<note>   one row per indicator (cells by position)
    <blank>
    (DIGITALE ED ECOLOGICA)⇥⇥⇥00= 45.48⇥<note>           a page break continues the cells after one blank line
    OBIETTIVO CONSEGUITO⇥⇥⇥⇥                           the status of the row above, then free remarks

and the "Piano degli indicatori e dei risultati attesi di bilancio" (PIRA): per mission/programme an objective block
(Obiettivo⇥Titolo⇥..., Risorse finanziarie, the code 011-005-001 on a line of its own, Nr indicatori associati) and
per indicator "Indicatore⇥<name>", "Cosa misura⇥...", an 8-cell header "Tipologia⇥Unità di misura⇥...⇥Risultato
atteso anno 2024⇥Risultato conseguito⇥..." and one or more value rows.

The same layout is reused by an addendum that restates some values as final (segment role "addendum").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.linking import Originals
from ccperf.extract.numbers import (
    DATE_RE,
    Measure,
    collapse,
    find_numbers,
    parse_measure,
    parse_number,
    parse_operator,
    strip_html,
)
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.text import fold_for_literals, tab_cells
from ccperf.extract.vocab import parse_status
from ccperf.model import Objective, Provenance, Quarantined, Reading

LAYOUT_NAME = "cremona_tabular"

# -- performance tables ------------------------------------------------------------------------------------------
_OBJECTIVE_HEADER = re.compile(
    r"^(?P<kind>Area\s+Strategica|Ob\.?\s*Strategico|Ob\.?\s*Operativo|Obiettivo\s+Strategico|Obiettivo\s+Operativo)"
    r"\s+(?P<code>\d{4}(?:_\d{1,2})+)\b\s*(?P<suffix>.*)$", re.I)
_OBJECTIVE_HEADER_NO_CODE = re.compile(r"^(?:Area\s+Strategica|Ob\.\s*Strategico|Ob\.\s*Operativo)\b", re.I)
_MISSION_LINE = re.compile(r"^MISSIONE\s+(?P<code>\d{3})\b\s*[:\-–]?\s*(?P<title>.*)$", re.I)
# Tipo is printed in capitals (OUTCOME, STRATEGICO, OPERATIVO, EFFICACIA, EFFICIENZA); a few known words in any case.
_TIPO_CAPS = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý' ]{2,39}$")
_TIPO_WORDS = {"outcome", "output", "strategico", "operativo", "efficacia", "efficienza", "qualità", "qualita",
               "economicità", "economicita", "impatto", "stato delle risorse", "volume"}
_STATUS_LINE = re.compile(r"^obiettivo\b", re.I)
_TERMINAL = re.compile(r"[.;:!?]$")
_SEPARATOR = re.compile(r"^-{2,}$")
_SEE_BELOW = re.compile(r"^(?:vedi|si\s+veda|cfr\.?)\s+(?:sotto|oltre|nota|note|di\s+seguito)\b", re.I)
_SUSPENDED = re.compile(r"\bsospes[oaie]\b", re.I)
# "113/24.846*10.000= 45.48": a computation whose result follows "=".
_FORMULA = re.compile(r"\d[\d.,]*\s*[/*:x×]\s*[\d.,]+(?:\s*[/*x×]\s*[\d.,]+)*\s*=\s*(?P<result>[+\-−–]?\s?\d[\d.,]*)")
# A value tied to a period: "99,81% al 31/12/2023", "21,97% al 31.12.2023", "12 (anno 2023)".
_PERIOD_AFTER = re.compile(
    rf"^\s*%?\s*\(?\s*(?:al|alla\s+data\s+del|del|a|nel|anno|fino\s+al)\s+(?:(?P<date>{DATE_RE.pattern})|(?P<year>(?:19|20)\d\d)\b)",
    re.I)
_LEAD_DATE = re.compile(rf"^\s*(?:al|alla\s+data\s+del|aggiornato\s+al)\s+{DATE_RE.pattern}\s*[:,\-]?\s*", re.I)
_YEAR_TOKEN = re.compile(r"^(?:19|20)\d\d$")
_UNIT_WORD = re.compile(r"^\s*([A-Za-zÀ-ÿ°]+\.?)")
_NOT_UNITS = {"al", "a", "su", "del", "della", "di", "e", "ed", "in", "entro", "nel", "nell", "per", "con", "da", "il",
              "la", "le", "lo", "i", "gli", "rispetto", "pari", "circa", "sul", "sui", "o", "oppure"}
_IMPLIED_OPERATOR = (
    (re.compile(r"\b(?:almeno|non\s+inferiore\s+a|minimo\s+(?:di\s+)?|pari\s+o\s+superiore\s+a)\s*(?P<num>\d[\d.,]*)", re.I), ">="),
    (re.compile(r"\b(?:non\s+superiore\s+a|massimo\s+(?:di\s+)?|al\s+massimo)\s*(?P<num>\d[\d.,]*)", re.I), "<="),
)

# -- PIRA blocks ---------------------------------------------------------------------------------------------------
_PIRA_CODE = re.compile(r"^(?P<code>\d{3}-\d{3}-\d{3})$")
_PIRA_MISSION = re.compile(r"^(?P<code>\d{3})\s*-\s*(?P<title>.*)$")
_PIRA_KEYS = {
    "descrizione": "description",
    "arco temporale": "period",
    "centro di responsabilit": "responsible",
    "risorse finanziarie": "resources",
    "nr indicatori associati": "n_indicators",
    "n. indicatori associati": "n_indicators",
}
_PIRA_TYPES = {"strategico", "operativo", "strutturale", "outcome", "output", "efficacia", "efficienza", "qualità",
               "qualita", "impatto", "economicità", "economicita", "volume", "risultato", "realizzazione finanziaria",
               "realizzazione fisica"}
_PIRA_UNIT = re.compile(r"^(?:giorni|gg\.?|%|percentuale|n\.|numero|euro|€|ore|mesi)$", re.I)

# -- prose facts (the management report prints staff and personnel-cost figures) --------------------------------
# (pattern, lower-case ASCII word every match holds, fact name, unit): the word is looked for first, far cheaper
# than a case-insensitive scan of every remark.
_PROSE_FACTS = (
    (re.compile(r"dotazion\w*\s+organic\w*.{0,120}?complessivi\s+(?P<v>\d+)\s+posti", re.I), "organic",
     "staff_positions_planned", "N."),
    (re.compile(r"in\s+servizio\s+(?:oggi\s+)?(?:solo\s+)?(?P<v>\d+)\s+unit", re.I), "servizio", "staff_in_service", "N."),
    (re.compile(r"disponibili\s+(?:circa\s+)?(?P<v>\d+(?:,\d+)?)\s+FTE", re.I), "fte", "staff_fte", "FTE"),
    (re.compile(r"personale\s+impiegatizio\s+ammonta\s+(?:quindi\s+)?a\s+(?P<v>\d+(?:,\d+)?)\s+FTE", re.I),
     "impiegatizio", "staff_fte_clerical", "FTE"),
)
_PERSONNEL_COSTS = re.compile(
    r"spese\s+di\s+personale.{0,120}?da\s+€\.?\s*(?P<a>\d[\d.,]*)\s*\(\s*(?:consuntivo\s+)?(?P<ya>(?:19|20)\d\d)\s*\)"
    r"\s*a\s+€\.?\s*(?P<b>\d[\d.,]*)\s*\(\s*(?:consuntivo\s+)?(?P<yb>(?:19|20)\d\d)\s*\)", re.I)


def detect_signatures() -> tuple[re.Pattern[str], ...]:
    # Every signature needs a tab: the same headings printed without cells belong to the cremona_wrapped layout.
    return (
        re.compile(r"^Ob\.\s*(?:Strategico|Operativo)\s+\d{4}_\d{2}[\d_]*(?:\s+\w+)?\t"),
        re.compile(r"^Area Strategica \d{4}_\d{2}\t"),
        re.compile(r"^Descrizione\tTipo\tValore Atteso"),
        re.compile(r"^Tipologia\tUnit. di misura\tAlgoritmo di calcolo"),
        re.compile(r"^(?:Indicatori|OBIETTIVO CONSEGUITO)\t"),
        re.compile(r"\t(?:OUTCOME|STRATEGICO|OPERATIVO|EFFICACIA|EFFICIENZA)\t"),
    )


# -- cell helpers (candidates for a shared module) ----------------------------------------------------------------
def join_wrapped(head: str, tail: str) -> str:
    """Join a cell with its continuation after a page break; a number cut in two ("10.0" + "00") is glued back."""
    head, tail = head.rstrip(), tail.strip()
    if not head or not tail:
        return head or tail
    if re.search(r"[\d.,]$", head) and re.match(r"\d", tail) and re.search(r"\d[.,]?\d*$", head):
        return head + tail
    return f"{head} {tail}"


def is_tipo(cell: str) -> bool:
    cell = collapse(cell)
    return bool(cell) and (bool(_TIPO_CAPS.match(cell)) or cell.lower() in _TIPO_WORDS)


def _unit_after(tail: str) -> str | None:
    """The unit printed right after a number, as printed ("giorni", "bando", "gg"), or "%" / "EUR"."""
    s = tail.lstrip()
    if s.startswith("%"):
        return "%"
    if re.match(r"(?:€|euro\b|eur\b)", s, re.I):
        return "EUR"
    m = _UNIT_WORD.match(s)
    if not m:
        return None
    word = m.group(1)
    if word.rstrip(".").lower() in _NOT_UNITS:
        return None
    return word if word in {"N.", "n."} else word.rstrip(".")


def read_target(raw: str | None) -> Measure:
    """A target cell: "= > 80%" → (80, ">=", "%"); "Almeno 1 bando" → (1, ">=", "bando");
    "Formazione di almeno 5 operatori" → (5, ">=", "operatori"); text targets keep only their raw text."""
    text = collapse(strip_html(raw))
    if not text:
        return Measure(None, None, None, None)
    measure = parse_measure(text)
    if measure.value is not None:
        m = re.search(r"\d[\d.,]*", text)
        unit = measure.unit if measure.unit in {"%", "EUR", "N.", "n."} else None
        if unit is None and m:
            unit = _unit_after(text[m.end():])
        return Measure(text, measure.value, measure.operator, unit)
    for pattern, operator in _IMPLIED_OPERATOR:
        m = pattern.search(text)
        if m and not DATE_RE.match(text[m.start("num"):]):
            return Measure(text, parse_number(m.group("num")), operator, _unit_after(text[m.end("num"):]))
    return Measure(text, None, measure.operator, None)


@dataclass(frozen=True)
class ActualValue:
    value: float | None
    note: str | None = None


def read_actual(raw: str | None, year: int | None) -> ActualValue:
    """The measured value of a result cell, by rule.

    - a computation prints its result after "=" ("3.441/24.846*100=13,84%" → 13.84);
    - the cell must start with the value (after an optional operator, "€" or "al <date>:"); a cell opening with words
      ("Raggiunto 116 domande istruite") has no value in the target's unit;
    - a value tied to an earlier period ("99,81% al 31/12/2023 86,71% SU PREVENTIVO 2024") is skipped for the next
      one; when only earlier periods are printed there is no value for the reference year;
    - trailing words are allowed ("18 AI", "33,22% al 18.11.2024", "35,28% da consolidare").
    """
    text = collapse(strip_html(raw))
    if not text:
        return ActualValue(None)
    if m := _FORMULA.search(text):
        value = parse_number(re.sub(r"\s", "", m.group("result")))
        if value is not None:
            return ActualValue(value, "formula in the result cell: value after '='")
    body = parse_operator(_LEAD_DATE.sub("", text, count=1))[1]  # an actual printed as a bound ("> 80%")
    body = re.sub(r"^\s*(?:€\.?|euro\b|n\.|nr\.?|n°)\s*", "", body, flags=re.I)
    masked = DATE_RE.sub(lambda d: "#" * len(d.group(0)), body)
    candidates = find_numbers(masked)
    if not candidates or candidates[0][1] != 0:
        return ActualValue(None)
    skipped: list[str] = []
    for i, (value, start, end) in enumerate(candidates):
        token = masked[start:end]
        if i > 0 and _YEAR_TOKEN.match(token.strip()) and not masked[end:end + 2].lstrip().startswith("%"):
            continue  # a year mentioned in the text ("SU PREVENTIVO 2024"), not a value
        period = _PERIOD_AFTER.match(body[end:])
        if period and year is not None:
            when = DATE_RE.match(period.group("date") or "")
            stated = int(when.group(3)) if when else int(period.group("year"))
            if stated < year:
                skipped.append(collapse(body[start:end + period.end()]))
                continue
        note = f"earlier-period value(s) skipped: {'; '.join(skipped)}" if skipped else None
        return ActualValue(value, note)
    return ActualValue(None, f"only earlier-period value(s) printed: {'; '.join(skipped)}" if skipped else None)


def value_in_remarks(name: str, remarks: list[str], year: int | None) -> tuple[float | None, str | None]:
    """A value the result cell sends the reader to ("Vedi sotto"): the number printed after the indicator's name in the
    remarks below; an occurrence naming the reference year wins over a partial-period one, else the last one."""
    words = re.findall(r"[^\W\d_]+", name)[:5]
    if len(words) < 3:
        return None, None
    pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b", re.I)
    found: list[tuple[bool, float, str]] = []
    for text in remarks:
        for m in pattern.finditer(text):
            window = text[m.end(): m.end() + 60]
            masked = DATE_RE.sub(lambda d: "#" * len(d.group(0)), window)
            numbers = [(v, s, e) for v, s, e in find_numbers(masked) if not _YEAR_TOKEN.match(masked[s:e].strip())]
            if not numbers:
                continue
            v, s, e = numbers[0]
            names_year = year is not None and str(year) in window[:s]
            found.append((names_year, v, collapse(text[m.start(): m.end() + e])))
    if not found:
        return None, None
    best = next((f for f in reversed(found) if f[0]), found[-1])
    return best[1], best[2]


# -- parser state ---------------------------------------------------------------------------------------------------
@dataclass
class _Row:
    line_no: int
    cells: list[str]  # name, type, target, actual, note (after the column map)
    objective: Objective | None
    line_end: int
    blanks_after: int = 0
    continued: bool = False
    closed: bool = False  # a remark line came after the row: no continuation or status any more
    status_text: str | None = None
    remarks: list[str] = field(default_factory=list)


@dataclass
class _PiraObjective:
    line_no: int
    title: str
    mission: str | None
    mission_title: str | None
    programme: str | None
    programme_title: str | None
    code: str | None = None
    keys: dict[str, tuple[int, str]] = field(default_factory=dict)
    readings: list[Reading] = field(default_factory=list)


@dataclass
class _PiraIndicator:
    line_no: int
    name: str
    what: str | None = None
    columns: dict[str, int] | None = None
    header: list[str] = field(default_factory=list)
    rows: int = 0


@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    role: str = "detail"
    areas: dict[str, Objective] = field(default_factory=dict)
    current: Objective | None = None
    awaiting_title: Objective | None = None
    area_notes_open: bool = False
    columns: dict[str, int] = field(default_factory=dict)
    in_table: bool = False
    row: _Row | None = None
    table_readings: list[Reading] = field(default_factory=list)
    # PIRA
    in_pira: bool = False
    pira_mission: tuple[str, str] | None = None
    pira_programme: tuple[str, str] | None = None
    pira: _PiraObjective | None = None
    pira_indicator: _PiraIndicator | None = None
    pira_objectives: list[Objective] = field(default_factory=list)
    pira_readings: list[Reading] = field(default_factory=list)
    objective_notes: dict[int, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.role = "addendum" if self.ctx.segment.role == "addendum" else "detail"
        self.columns = dict(_DEFAULT_COLUMNS)

    # -- helpers -------------------------------------------------------------------------------------------------
    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    @property
    def year(self) -> int | None:
        return self.ctx.segment.year

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str | None,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year, derived))

    def quarantine(self, line_no: int, reason: str, text: str, line_end: int | None = None) -> None:
        self.out.quarantined.append(Quarantined(self.prov(line_no), line_end or line_no, LAYOUT_NAME, reason, text))

    def new_objective(self, line_no: int, code: str | None, level: str, title: str | None, **values) -> Objective:
        seg = self.ctx.segment
        objective = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level, title,
                              table_role="addendum" if self.role == "addendum" else "detail", **values)
        self.objective_notes[id(objective)] = ["restated in addendum"] if self.role == "addendum" else []
        return objective

    def note_objective(self, objective: Objective, note: str) -> None:
        self.objective_notes.setdefault(id(objective), []).append(note)

    # -- driver ---------------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        for line_no, line in self.ctx.numbered_lines():
            self.handle(line_no, line.rstrip("\r"))
        self.finish_row()
        self.close_pira_objective()
        self.finish()
        return self.out

    def handle(self, line_no: int, line: str) -> None:
        cells = tab_cells(line)
        filled = [c for c in cells if c]
        if not filled:
            if self.row is not None:
                self.row.blanks_after += 1
            return
        if all(_SEPARATOR.match(c) for c in filled):
            return  # markdown table rule ("--⇥-----")
        head = cells[0]
        if self.handle_pira(line_no, cells, filled, line):
            return
        if (m := _OBJECTIVE_HEADER.match(head)) and len(filled) == 1:
            self.open_objective(line_no, m)
            return
        if _OBJECTIVE_HEADER_NO_CODE.match(head) and len(filled) == 1 and len(head) < 40:
            self.finish_row()
            self.quarantine(line_no, "objective header without a readable code (YYYY_AA_SS[_OO])", line)
            return
        if head.lower() == "descrizione" and len(cells) > 1 and cells[1].lower() == "tipo":
            self.open_table(line_no, cells)
            return
        if head.lower() == "indicatori" and len(filled) == 1:
            self.finish_row()
            self.awaiting_title = None
            self.area_notes_open = False
            self.in_table = True
            self.columns = dict(_DEFAULT_COLUMNS)
            return
        if self.current is not None and self.is_row(cells):
            self.start_row(line_no, cells)
            return
        if self.row is not None and not self.row.closed and self.is_status(cells, filled):
            self.row.status_text = head
            self.row.closed = True
            self.row.remarks.append(head)
            return
        if self.row is not None and self.is_continuation(cells, line):
            self.continue_row(line_no, cells)
            return
        if self.awaiting_title is not None and len(filled) == 1:
            self.take_title(line_no, head)
            return
        if self.area_notes_open and len(filled) == 1 and self.current is not None:
            self.note_objective(self.current, f"programme: {head}")
            self.area_notes_open = False
            return
        if self.in_table and len(filled) >= 2:
            self.finish_row()
            self.quarantine(line_no, "line inside an indicator table that is not a readable row "
                                     "(expected Descrizione | Tipo | Valore Atteso | Valore Raggiunto | Note)", line)
            return
        self.remark(line_no, line, filled)

    # -- performance tables ----------------------------------------------------------------------------------------
    def open_objective(self, line_no: int, m: re.Match[str]) -> None:
        self.finish_row()
        self.in_pira = False
        self.in_table = True
        code = m.group("code")
        kind = collapse(m.group("kind")).lower()
        parts = code.split("_")
        level = {2: "area", 3: "strategic"}.get(len(parts), "operational")
        parent = "_".join(parts[:-1]) if len(parts) > 2 else None
        area = self.areas.get("_".join(parts[:2]))
        mission = area.mission_code if area is not None and level != "area" else None
        objective = self.new_objective(line_no, code, level, None, parent_code=parent, mission_code=mission)
        printed_level = "area" if "area" in kind else "strategic" if "strategic" in kind else "operational"
        if printed_level != level:
            self.note_objective(objective, f"header says '{collapse(m.group('kind'))}' but the code has {len(parts)} "
                                           f"parts: {level}")
        if suffix := collapse(m.group("suffix")):
            self.note_objective(objective, f"header suffix '{suffix}'")
        if level == "area":
            self.areas[code] = objective
        self.current = objective
        self.awaiting_title = objective
        self.area_notes_open = False
        self.columns = dict(_DEFAULT_COLUMNS)
        self.out.objectives.append(objective)

    def take_title(self, line_no: int, text: str) -> None:
        objective = self.awaiting_title
        assert objective is not None
        self.awaiting_title = None
        if objective.objective_level == "area" and (mm := _MISSION_LINE.match(text)):
            objective.mission_code = mm.group("code")
            self.area_notes_open = True  # the programme sentence follows the mission line
        objective.objective_title = text

    def open_table(self, line_no: int, cells: list[str]) -> None:
        self.finish_row()
        self.awaiting_title = None
        self.area_notes_open = False
        columns = {"name": 0, "type": 1}
        values = [i for i, c in enumerate(cells) if c.lower().startswith("valore")]
        for i, c in enumerate(cells):
            low = c.lower()
            if low.startswith("valore atteso") or low.startswith("target"):
                columns["target"] = i
            elif low.startswith(("valore raggiunto", "risultato", "consuntivo")):
                columns["actual"] = i
            elif low.startswith("note"):
                columns["note"] = i
        if "actual" not in columns:  # "Valore" alone: the value column after Valore Atteso
            after = [i for i in values if i > columns.get("target", 1)]
            if after:
                columns["actual"] = after[0]
        if "target" not in columns or "actual" not in columns:
            self.quarantine(line_no, "indicator table header without target/result columns", "\t".join(cells))
            self.in_table = False
            return
        columns.setdefault("note", max(columns.values()) + 1)
        self.columns = columns
        self.in_table = True

    def is_row(self, cells: list[str]) -> bool:
        cols = self.columns
        if len(cells) <= cols["target"] or not cells[0] or not is_tipo(cells[1]):
            return False
        if _OBJECTIVE_HEADER.match(cells[0]):
            return False
        return any(cells[i] for i in range(2, len(cells)))

    def is_status(self, cells: list[str], filled: list[str]) -> bool:
        if not _STATUS_LINE.match(cells[0]) or len(filled) > 1:
            return False
        lead = cells[0][:60]
        return parse_status(lead) is not None or bool(re.search(r"in\s+corso\s+di|sospes", lead, re.I))

    def is_continuation(self, cells: list[str], line: str) -> bool:
        """A page break inside a row: one blank line, then the rest of the cells on a tab line."""
        row = self.row
        assert row is not None
        if row.closed or row.continued or row.blanks_after != 1 or "\t" not in line:
            return False
        head = cells[0]
        if head.startswith("<") or len(head) > 200 or _TERMINAL.search(row.cells[0]):
            return False
        return bool(head) or any(cells[1:])

    def start_row(self, line_no: int, cells: list[str]) -> None:
        self.finish_row()
        self.awaiting_title = None
        self.area_notes_open = False
        cols = self.columns

        def at(key: str) -> str:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        note_cells = [c for c in cells[cols["note"]:] if c] if cols["note"] < len(cells) else []
        picked = [at("name"), at("type"), at("target"), at("actual"), " ".join(note_cells)]
        self.row = _Row(line_no, picked, self.current, line_no)
        self.in_table = True

    def continue_row(self, line_no: int, cells: list[str]) -> None:
        row = self.row
        assert row is not None
        cols = self.columns
        mapping = {"name": 0, "type": 1, "target": 2, "actual": 3}
        for key, slot in mapping.items():
            i = cols.get(key)
            if i is not None and i < len(cells) and cells[i]:
                row.cells[slot] = join_wrapped(row.cells[slot], cells[i])
        extra = [c for c in cells[cols["note"]:] if c] if cols["note"] < len(cells) else []
        if extra:
            row.cells[4] = collapse(f"{row.cells[4]} {' '.join(extra)}")
        row.continued = True
        row.blanks_after = 0
        row.line_end = line_no

    def remark(self, line_no: int, line: str, filled: list[str]) -> None:
        """Free text (remarks after a status line, narrative): closes the open row, feeds prose facts."""
        text = strip_html(" ".join(filled))
        if self.row is not None:
            self.row.closed = True
            if len(self.row.remarks) < _MAX_REMARKS:
                self.row.remarks.append(text)
        self.awaiting_title = None
        self.area_notes_open = False
        if "\t" not in line:
            self.in_table = False  # plain prose ends the table block; tab-padded remarks belong to it
        self.prose_facts(line_no, text)

    def finish_row(self) -> None:
        row = self.row
        self.row = None
        if row is None:
            return
        name, tipo, target_cell, actual_cell, note_cell = (collapse(c) for c in row.cells)
        objective = row.objective
        target = read_target(target_cell)
        actual = read_actual(actual_cell, self.year)
        notes: list[str] = []
        if self.role == "addendum":
            notes.append("restated in addendum")
        if row.continued:
            notes.append(f"row continues after a page break (to line {row.line_end})")
        actual_value = actual.value
        if actual.note:
            notes.append(actual.note)
        if actual_cell and _SEE_BELOW.match(actual_cell):
            actual_value, quote = value_in_remarks(name, row.remarks, self.year)
            notes.append(f"result given in the remarks: '{quote}'" if quote else "result cell refers to remarks; none found")
        if actual_cell and _SUSPENDED.search(actual_cell):
            notes.append("indicator suspended")
        status = None
        if row.status_text is not None:
            status = parse_status(row.status_text[:60])
            if status is None:
                notes.append(f"status line '{row.status_text[:60]}' has no status value")
        elif actual_cell:
            status = parse_status(actual_cell)
            if status:
                notes.append("status taken from the result cell")
        if status is None and row.status_text is None:
            notes.append("no status line")
        if note_cell:
            notes.append(f"Note: {note_cell}")
        seg = self.ctx.segment
        reading = Reading(
            self.prov(row.line_no), seg.chamber_name, seg.year, seg.doc_kind, indicator_name=name,
            objective_level=objective.objective_level if objective else "other",
            objective_code=objective.objective_code if objective else None,
            objective_title=objective.objective_title if objective else None,
            indicator_type=tipo or None,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator, target_unit=target.unit,
            actual_raw=actual_cell or None, actual_value=actual_value, status=status,
            table_role="addendum" if self.role == "addendum" else "detail",
            line_end=row.line_end, notes="; ".join(notes) or None)
        self.table_readings.append(reading)
        self.out.readings.append(reading)

    # -- PIRA ----------------------------------------------------------------------------------------------------
    def handle_pira(self, line_no: int, cells: list[str], filled: list[str], line: str) -> bool:
        """PIRA lines; True when the line was consumed."""
        head = cells[0]
        low = head.lower()
        second = cells[1] if len(cells) > 1 else ""
        if low == "missione" and second:
            self.finish_row()
            self.close_pira_objective()
            self.in_pira = True
            self.in_table = False
            if m := _PIRA_MISSION.match(second):
                self.pira_mission = (m.group("code"), collapse(m.group("title")))
            else:
                self.pira_mission = None  # the summary matrix (Missione⇥011⇥...⇥012⇥...): codes repeat below
            self.pira_programme = None
            return True
        if not self.in_pira:
            return False
        if low == "programma" and second:
            m = _PIRA_MISSION.match(second)
            self.pira_programme = (m.group("code"), collapse(m.group("title"))) if m else None
            return True
        if low == "obiettivi":
            return True  # summary matrix of the objective codes
        if low == "obiettivo" and second.lower() == "titolo":
            self.close_pira_objective()
            mission, programme = self.pira_mission, self.pira_programme
            self.pira = _PiraObjective(line_no, cells[2] if len(cells) > 2 else "",
                                       mission[0] if mission else None, mission[1] if mission else None,
                                       programme[0] if programme else None, programme[1] if programme else None)
            return True
        if (m := _PIRA_CODE.match(head)) and len(filled) == 1:
            if self.pira is None:
                self.quarantine(line_no, "PIRA objective code outside an objective block", line)
            else:
                self.pira.code = m.group("code")
                for reading in self.pira.readings:
                    reading.objective_code = self.pira.code
            return True
        if not head and (key := _pira_key(second)):
            if self.pira is not None:
                self.pira.keys[key] = (line_no, cells[2] if len(cells) > 2 else "")
            return True
        if low == "indicatore" and second:
            self.close_pira_indicator()
            if self.pira is None:
                self.quarantine(line_no, "PIRA indicator outside an objective block", line)
                return True
            self.pira_indicator = _PiraIndicator(line_no, second)
            return True
        if low == "cosa misura":
            if self.pira_indicator is not None:
                self.pira_indicator.what = second or None
            return True
        if low == "tipologia" and len(filled) >= 5:
            self.open_pira_header(line_no, cells, line)
            return True
        indicator = self.pira_indicator
        if indicator is not None and indicator.columns is not None and len(filled) >= 2:
            self.pira_row(line_no, cells)
            return True
        if self.pira is not None and len(filled) >= 2:
            self.quarantine(line_no, "line inside a PIRA block that is not a readable row", line)
            return True
        return False

    def open_pira_header(self, line_no: int, cells: list[str], line: str) -> None:
        columns: dict[str, int] = {}
        for i, c in enumerate(cells):
            low = c.lower()
            if low.startswith("tipologia"):
                columns["type"] = i
            elif low.startswith("unità di misura") or low.startswith("unita di misura"):
                columns["unit"] = i
            elif low.startswith("algoritmo"):
                columns["formula"] = i
            elif low.startswith("fonte"):
                columns["source"] = i
            elif re.match(r"risultato\s+atteso\s+anno\s+n\s*\+\s*1", low):
                columns["target_n1"] = i
            elif re.match(r"risultato\s+atteso\s+anno\s+n\s*\+\s*2", low):
                columns["target_n2"] = i
            elif low.startswith("risultato atteso") or low.startswith("target"):
                columns.setdefault("target", i)
            elif low.startswith(("risultato conseguito", "ultimo risultato", "risultato raggiunto", "consuntivo")):
                columns["actual"] = i
        if self.pira_indicator is None or "target" not in columns or "actual" not in columns:
            self.quarantine(line_no, "PIRA header without an indicator or without target/result columns", line)
            return
        self.pira_indicator.columns = columns
        self.pira_indicator.header = cells

    def pira_row(self, line_no: int, cells: list[str]) -> None:
        indicator, pira = self.pira_indicator, self.pira
        assert indicator is not None and indicator.columns is not None and pira is not None
        cols = indicator.columns

        def at(key: str) -> str:
            i = cols.get(key)
            return collapse(cells[i]) if i is not None and i < len(cells) else ""

        header = indicator.header
        first = indicator.rows == 0
        indicator.rows += 1
        target_cell, actual_cell = at("target"), at("actual")
        target = read_target(target_cell)
        actual = read_actual(actual_cell, self.year)
        type_cell = at("type")
        indicator_type = type_cell if type_cell.lower() in _PIRA_TYPES else None
        unit_cell = at("unit")
        unit = target.unit or (unit_cell if _PIRA_UNIT.match(unit_cell) else None)
        notes = ["PIRA table"]
        if not first:
            notes.append(f"further measure row of the indicator at line {indicator.line_no}")
        if type_cell and indicator_type is None:
            notes.append(f"Tipologia cell '{type_cell}' is not a type")
        for key, label in (("unit", "Unità di misura"), ("formula", "Algoritmo di calcolo"), ("source", "Fonte dei dati")):
            if at(key):
                notes.append(f"{label} '{at(key)}'")
        target_col = cols["target"]
        if target_col < len(header) and (ym := re.search(r"(?:19|20)\d\d", header[target_col])) and self.year \
                and int(ym.group(0)) != self.year:
            notes.append(f"target column is '{header[target_col]}'")
        actual_col = cols["actual"]
        if actual_col < len(header) and not header[actual_col].lower().startswith("risultato conseguito"):
            notes.append(f"result column header '{header[actual_col]}'")
        for key, label in (("target_n1", "n+1"), ("target_n2", "n+2")):
            if at(key):
                notes.append(f"Risultato atteso anno {label} '{at(key)}'")
        if actual.note:
            notes.append(actual.note)
        if indicator.what:
            notes.append(f"Cosa misura '{indicator.what}'")
        seg = self.ctx.segment
        reading = Reading(
            self.prov(indicator.line_no if first else line_no), seg.chamber_name, seg.year, seg.doc_kind,
            indicator_name=collapse(indicator.name), objective_level="other", objective_code=pira.code,
            objective_title=collapse(pira.title) or None, indicator_type=indicator_type,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator, target_unit=unit,
            actual_raw=actual_cell or None, actual_value=actual.value,
            table_role="addendum" if self.role == "addendum" else "summary",
            line_end=line_no, notes="; ".join(notes))
        pira.readings.append(reading)
        self.pira_readings.append(reading)
        self.out.readings.append(reading)

    def close_pira_indicator(self) -> None:
        indicator = self.pira_indicator
        self.pira_indicator = None
        if indicator is not None and indicator.rows == 0:
            self.quarantine(indicator.line_no, "PIRA indicator without a value row (Tipologia header + values)",
                            indicator.name)

    def close_pira_objective(self) -> None:
        self.close_pira_indicator()
        pira = self.pira
        self.pira = None
        if pira is None:
            return
        title = collapse(pira.title)
        resources = pira.keys.get("resources", (pira.line_no, ""))
        if pira.code is None and not pira.readings and title in {"", "0"} and not resources[1]:
            return  # an empty template block (Titolo "0", nothing filled in): no objective
        seg = self.ctx.segment
        mission = pira.mission or (pira.code[:3] if pira.code else None)
        objective = Objective(self.prov(pira.line_no), seg.chamber_name, seg.year, seg.doc_kind, pira.code, "other",
                              title or None, mission_code=mission,
                              unit_name=collapse(pira.keys.get("responsible", (0, ""))[1]) or None,
                              table_role="addendum" if self.role == "addendum" else "detail")
        notes = ["PIRA (Piano degli indicatori e dei risultati attesi di bilancio) objective"]
        if pira.programme:
            notes.append(f"Programma {pira.programme} - {pira.programme_title}")
        for key, label in (("description", "Descrizione"), ("period", "Arco temporale"),
                           ("responsible", "Centro di responsabilità"), ("resources", "Risorse finanziarie"),
                           ("n_indicators", "Nr indicatori associati")):
            value = collapse(pira.keys[key][1]) if key in pira.keys else ""
            notes.append(f"{label}: {value}" if value else f"{label} empty")
        if pira.code is None:
            notes.append("no objective code printed")
        objective.notes = "; ".join(notes)
        self.out.objectives.append(objective)
        self.pira_objectives.append(objective)
        subject = f"{pira.mission}-{pira.programme}" if pira.mission and pira.programme else \
            "-".join(pira.code.split("-")[:2]) if pira.code else None
        if resources[1]:
            amount = parse_measure(resources[1])
            self.fact(resources[0], "budget_programme", amount.value, "EUR", f"Risorse finanziarie {resources[1]}",
                      subject=subject)
        if "n_indicators" in pira.keys:
            line_no, raw = pira.keys["n_indicators"]
            value = parse_number(collapse(raw))
            if value is not None:
                self.fact(line_no, "count_indicators_associated", value, "N.", f"Nr indicatori associati {raw}",
                          subject=pira.code)

    # -- prose ---------------------------------------------------------------------------------------------------
    def prose_facts(self, line_no: int, text: str) -> None:
        folded = fold_for_literals(text)
        for pattern, word, name, unit in _PROSE_FACTS:
            if folded is not None and word not in folded:
                continue
            for m in pattern.finditer(text):
                self.fact(line_no, name, parse_number(m.group("v")), unit, _sentence(text, m.start(), m.end()))
        if folded is not None and "personale" not in folded:
            return
        for m in _PERSONNEL_COSTS.finditer(text):
            quote = _sentence(text, m.start(), m.end())
            self.fact(line_no, "personnel_costs", parse_number(m.group("a")), "EUR", quote, year=int(m.group("ya")))
            self.fact(line_no, "personnel_costs", parse_number(m.group("b")), "EUR", quote, year=int(m.group("yb")))

    # -- after the last line ---------------------------------------------------------------------------------------
    def finish(self) -> None:
        for objective in self.out.objectives:
            notes = self.objective_notes.get(id(objective))
            if notes:
                objective.notes = "; ".join(notes)
        # A PIRA row that prints the value of a performance-table row restates it.
        table = Originals(self.table_readings)
        for reading in self.pira_readings:
            if reading.notes and "further measure row" in reading.notes:
                continue  # a second measure of a PIRA indicator is its own value, not the table's
            original = table.best(reading)
            if original is not None:
                reading.restates_line = original.provenance.source_line
                reading.notes = f"{reading.notes}; restates performance-table row at line {reading.restates_line}"
        self.count_facts()

    def count_facts(self) -> None:
        def first_line(rows: list) -> int:
            return min((r.provenance.source_line for r in rows), default=self.ctx.segment.line_start)

        if self.role == "addendum":
            self.fact(first_line(self.table_readings), "count_indicator_readings_addendum",
                      float(len(self.table_readings)), "N.", None, derived=True)
            return
        table_objectives = [o for o in self.out.objectives if o.objective_level != "other"]
        for level, name in (("area", "count_areas"), ("strategic", "count_strategic_objectives"),
                            ("operational", "count_operational_objectives")):
            objs = [o for o in table_objectives if o.objective_level == level]
            if objs:
                self.fact(first_line(objs), name, float(len(objs)), "N.", None, derived=True)
        if self.table_readings:
            self.fact(first_line(self.table_readings), "count_indicator_readings_performance_tables",
                      float(len(self.table_readings)), "N.", None, derived=True)
        if self.pira_readings:
            self.fact(first_line(self.pira_readings), "count_indicator_readings_pira",
                      float(len(self.pira_readings)), "N.", None, derived=True)
        if self.pira_objectives:
            self.fact(first_line(self.pira_objectives), "count_pira_objectives",
                      float(len(self.pira_objectives)), "N.", None, derived=True)


_MAX_REMARKS = 20  # remarks kept per row, to find a result the cell refers to ("Vedi sotto")
_DEFAULT_COLUMNS = {"name": 0, "type": 1, "target": 2, "actual": 3, "note": 4}


def _pira_key(cell: str) -> str | None:
    low = collapse(cell).lower()
    for prefix, key in _PIRA_KEYS.items():
        if low.startswith(prefix):
            return key
    return None


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÀ-Ý])")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a match, for a fact's quote ("art. 7 del" does not end a sentence)."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left: right.start() + 1 if right else len(text)]


class CremonaTabular(LayoutParser):
    name = LAYOUT_NAME
    description = ("Cremona-style tab-separated indicator tables (Descrizione | Tipo | Valore Atteso | Valore Raggiunto "
                  "| Note) and PIRA budget-indicator blocks.")
    signatures = detect_signatures()
    min_hits = 3

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = CremonaTabular.parse
