"""Balanced-scorecard reports (e.g. the former Pavia chamber): tab tables whose empty leading cells carry down.

Shape of the layout (tabs shown as ⇥):

    PERFORMANCE DI ENTE⇥⇥100%                                          summary scores (entity, PROSP. n, units)
    PERFORMANCE DEGLI AMBITI STRATEGICI⇥PROSP. 1: <title>⇥100%
    ➤ **Obiettivi Strategici n. 24** / - N. 22 raggiunto ...           stated counts

    OBIETTIVI STRATEGICI⇥⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE     Allegato A
    <perspective>⇥⇥⇥⇥⇥⇥                                               perspective row: resets the carried code
    1.1⇥<objective>⇥<indicator>⇥≥ 50⇥51⇥100%⇥<note>                   code carried down to rows with ""
    OBIETTIVI STRATEGICI⇥OBIETTIVI OPERATIVI⇥INDICATORI⇥...            Allegato B, then the same table per unit
    1.1 - <strategic title>⇥<operational objective>⇥<indicator>⇥...   (restatements) and for the special agency
    % RAGGIUNGIMENTO OBIETTIVI: 300/3 = 100%                            unit score
    AZIONI⇥INDICATORE⇥RISULTATO ATTESO 2024⇥...                        Segretario Generale / EQ objectives
    PROSPETTIVE⇥PERSONALE - UFFICI-SERVIZI⇥OBIETTIVI INDIVIDUALI⇥...   staff objectives (rows may lack the 2 lead cells)

Every table row ends with the same six cells (objective, indicator, target, result, %, note); the cells before
them (code, strategic objective, perspective, office) carry down when empty. Rows with no indicator and no
values continue the cells of the row above (wrapped text, also across a page break and a repeated header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ccperf.extract.linking import best_original, normalise_name, similarity_at_least
from ccperf.extract.numbers import Measure, collapse, parse_measure, parse_number, strip_html
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.text import fold_for_literals, tab_cells
from ccperf.model import Objective, Provenance, Quarantined, Reading

LAYOUT_NAME = "pavia_bsc"
# Level of the unit-table rows (restatements of Allegato B, with their unit in unit_name). "other" as the brief
# for this layout asks; the labelled sample marks these rows "operational" (the seed notes call it a judgement
# call). Special-agency rows are "other" either way.
UNIT_TABLE_LEVEL = "other"

_FIXED = ("title", "indicator", "target", "actual", "pct", "note")  # the trailing cells of every data row
_STRATEGIC_CODE = re.compile(r"^(?P<code>\d+(?:\.\d+)+)\.?(?:\s*[-–]\s*|\s+|$)(?P<title>.*)$")
_PROSP = re.compile(r"^PROSP\.?\s*(?P<n>\d+)\s*[:.\-–]\s*(?P<title>.+)$", re.I)
_DATE_CELL = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{4}$")
_TWO_DATES = re.compile(r"^(\d{1,2}[./]\d{1,2}[./]\d{4})\s+(\d{1,2}[./]\d{1,2}[./]\d{4})$")
_OP_MEASURE = r"[≥≤<>=]\s*[-−–]?\s?\d[\d.,]*\s*(?:%|€|gg\.?)?"
_TWO_TARGETS = re.compile(rf"^({_OP_MEASURE})\s+({_OP_MEASURE})$")
# "≥ 20 CCIAA ≥ 18 PVS", "n. 72 CCIAA n. 21 PVS" (value before label) and "CCIAA = 100% PVS = 100%" (after).
_LABELS = r"CCIAA|PVS"
_COMPONENT_AFTER = re.compile(rf"(?P<m>(?:[≥≤<>=]\s*|[nN]\.\s*)?[-−–]?\s?\d[\d.,]*\s*%?)\s*(?P<lab>{_LABELS})\b")
_COMPONENT_BEFORE = re.compile(rf"\b(?P<lab>{_LABELS})\s*(?P<m>[=≥≤]\s*[-−–]?\s?\d[\d.,]*\s*%?)")
_COUNT_PREFIX = re.compile(r"^(?:[nN]\.|N°)\s*(?=[-−–]?\s?\d)")
# Baselines sit in the NOTE cell: "PARETO 2023 = 59,83%", "Al 30.6.2023 = 87,95%", "2023= 63", "2023 = ND".
_BASELINE = re.compile(r"(?:\bA[lI]\s+\d{1,2}\.\d{1,2}\.)?\b(?P<year>(?:19|20)\d\d)\s*=\s*(?P<v>ND\b|[-−–]?\s?\d[\d.,]*\s*%?)")
# Measurement date of a result: "Al 31.12.2024", OCR'd "AI 18.11.2024" (not a baseline "Al 31.12.2023 = ...").
_MEASURED_AT = re.compile(r"\bA[lI]\s+(?P<d>\d{1,2}\.\d{1,2}\.\d{4})(?!\s*=)")
_RATIO_LINE = re.compile(r"RAGGIUNGIMENTO\s+OBIETTIVI\b[^:]{0,80}:", re.I)
_RATIO = re.compile(r"(?P<num>\d[\d.]*)\s*/\s*(?P<den>\d+)\s*=\s*(?P<pct>\d[\d.,]*)\s*%")
_PCT = re.compile(r"(?P<pct>\d[\d.,]*)\s*%")
_SEPARATOR = re.compile(r"^[\s\t\-|:]+$")
_INDICATOR_LIKE = re.compile(r"[≥≤]|>=|<=")
_COUNT_LINE = re.compile(r"Obiettivi\s+(?P<level>Strategici|Operativi)\s+n\.\s*(?P<n>\d+)", re.I)
_COUNT_BULLET = re.compile(r"^[-•*➤\s]*N\.\s*(?P<n>\d+)\s+(?P<text>.+)$")


def detect_signatures() -> tuple[re.Pattern[str], ...]:
    return (
        re.compile(r"^OBIETTIVI STRATEGICI\t.*RISULTATO ATTESO"),
        re.compile(r"^\s*Prospettiva \d"),
        re.compile(r"\t% RAGGIUNGIMENTO\t"),
        re.compile(r"^PERFORMANCE DEGLI AMBITI STRATEGICI\tPROSP\. \d"),
    )


def _bold_parts(text: str) -> list[str]:
    """"AREA X**SERVIZIO Y**" → ["AREA X", "SERVIZIO Y"] (merged bold headings of a flattened PDF)."""
    return [p for p in (collapse(strip_html(s)) for s in text.split("**")) if p]


def _is_date(text: str) -> bool:
    return bool(_DATE_CELL.match(text))


def _plain_measure(text: str) -> Measure:
    """A single target/result: dates get no value; "n. 72" is read as 72."""
    if _is_date(text):
        return Measure(text, None, None, None)
    measure = parse_measure(_COUNT_PREFIX.sub("", text))
    return Measure(text, measure.value, measure.operator, measure.unit)


@dataclass(frozen=True)
class CellReading:
    """A target or result cell: the value used, an optional revised value, and what was done to read it."""

    measure: Measure
    revised: Measure | None = None
    note: str | None = None


def read_cell(raw: str, prefer: tuple[str, ...] = ("CCIAA", "PVS")) -> CellReading:
    """Read a target/result cell of this layout.

    "≥ 80% ≥ 50%" and "31.12.2024 15.11.2024" print the original and the revised target (the strike-through is
    lost); "≥ 20 CCIAA ≥ 18 PVS" / "CCIAA = 100% PVS = 100%" print the chamber and the agency parts: the value
    is the part named first in `prefer`, the raw keeps the whole cell.
    """
    text = collapse(strip_html(raw))
    if not text:
        return CellReading(Measure(None, None, None, None))
    if m := _TWO_DATES.match(text):
        return CellReading(_plain_measure(m.group(1)), _plain_measure(m.group(2)),
                           f"cell '{text}' = original {m.group(1)} revised to {m.group(2)}")
    if m := _TWO_TARGETS.match(text):
        return CellReading(_plain_measure(collapse(m.group(1))), _plain_measure(collapse(m.group(2))),
                           f"cell '{text}' = original {collapse(m.group(1))} revised to {collapse(m.group(2))}")
    pattern = _COMPONENT_BEFORE if re.match(_LABELS, text) else _COMPONENT_AFTER
    parts = {m.group("lab").upper(): collapse(m.group("m")) for m in pattern.finditer(text)}
    if parts:
        label = next((p for p in prefer if p in parts), next(iter(parts)))
        part = _plain_measure(parts[label])
        return CellReading(Measure(text, part.value, part.operator, part.unit), None,
                           f"cell '{text}' has parts {', '.join(parts)}; value = {label} part")
    return CellReading(_plain_measure(text))


def find_baseline(note: str, year: int | None) -> tuple[str, float | None] | None:
    """The first "<year> = value" of a NOTE cell for a year before the report's year (a baseline)."""
    for m in _BASELINE.finditer(note):
        if year is not None and int(m.group("year")) >= year:
            continue
        value_text = m.group("v").strip().rstrip(".,").strip()
        raw = collapse(m.group(0)[: m.start("v") - m.start()] + value_text)
        if value_text == "ND":
            return raw, None
        number = parse_number(re.sub(r"\s+", "", value_text).rstrip("%"))
        return raw, number
    return None


@dataclass
class _Table:
    kind: str  # strategic | operational | individual | staff | unknown
    lead: tuple[str, ...]  # roles of the cells before the fixed six
    header_line: int
    role: str = "detail"  # operational tables: ente (Allegato B) | unit | agency
    unit_name: str | None = None
    label: str = ""


@dataclass
class _Row:
    line_no: int
    lead: dict[str, str]
    title: str
    indicator: str
    target: str
    actual: str
    pct: str
    note: str


@dataclass
class _Entry:
    """A reading and its objective (if the row defines one), kept so continuation rows can extend them."""

    reading: Reading
    objective: Objective | None
    note: str
    extra_notes: list[str] = field(default_factory=list)
    parent_code: str | None = None  # strategic code of an operational row (to match restatements)
    parent_title: str = ""  # the strategic title as printed above the row (may be completed by a later row)


@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    table: _Table | None = None
    carry_key: tuple[str, str | None] | None = None  # (kind, unit) the carried cells belong to
    code: str | None = None  # Allegato A: carried strategic code
    perspective: tuple[str | None, str] | None = None  # (area code, printed title) of the current perspective
    strategic: tuple[str | None, str] | None = None  # operational tables: (code, title)
    staff_perspective: str | None = None
    staff_office: str | None = None
    last: _Entry | None = None
    entries: list[_Entry] = field(default_factory=list)
    areas: dict[str, Objective] = field(default_factory=dict)
    perspective_rows: int = 0
    ente_done: bool = False
    headings: list[str] = field(default_factory=list)  # headings since the last table header
    last_heading: str | None = None
    owner: str | None = None  # "Segretario Generale", "Posizione Organizzativa" (individual tables)
    summary_mode: str | None = None
    count_level: str | None = None
    staff_header: list[str] | None = None
    header_lines: set[int] = field(default_factory=set)
    next_filled: dict[int, int] = field(default_factory=dict)
    strategic_titles: dict[str, str] = field(default_factory=dict)  # code → title as completed so far

    # -- helpers -----------------------------------------------------------------------------------------
    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str,
             subject: str | None = None, year: int | None = None) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year))

    def quarantine(self, line_no: int, reason: str, text: str, line_end: int | None = None) -> None:
        self.out.quarantined.append(Quarantined(self.prov(line_no), line_end or line_no, LAYOUT_NAME, reason, text))

    def objective(self, line_no: int, code: str | None, level: str, title: str | None, **values) -> Objective:
        seg = self.ctx.segment
        obj = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level, title, **values)
        self.out.objectives.append(obj)
        return obj

    # -- driver ------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        lines = self.ctx.numbered_lines()
        following = None
        for line_no, line in reversed(lines):
            if following is not None:
                self.next_filled[line_no] = following
            if line.strip():
                following = line_no
            if "\t" in line and self.header_kind(tab_cells(line)) is not None:
                self.header_lines.add(line_no)
        for line_no, line in lines:
            self.handle(line_no, line)
        self.finish()
        return self.out

    def handle(self, line_no: int, line: str) -> None:
        if not line.strip():
            self.summary_mode = None
            return
        if _SEPARATOR.match(line):
            self.close_table()
            return
        if line_no in self.header_lines:
            self.open_table(line_no, tab_cells(line))
            return
        cells = tab_cells(line)
        filled = [c for c in cells if c]
        if len(filled) == 1 and _RATIO_LINE.search(filled[0]) and re.search(r"\d\s*%", filled[0]):
            self.ratio_line(line_no, line)
            return
        if ("\t" in line and len(filled) == 1 and cells[0] and self.next_filled.get(line_no) in self.header_lines
                and not (self.table and self.table.kind in ("strategic", "staff"))):
            self.heading(line_no, line.split("\t")[0])  # a unit heading printed in a table row before a header
            return
        if "\t" in line and len(filled) > 0:
            if self.table is not None:
                self.table_row(line_no, cells, line)
            else:
                self.free_row(line_no, cells, line)
            return
        self.heading(line_no, line)

    # -- headings and prose ------------------------------------------------------------------------------
    def heading(self, line_no: int, line: str) -> None:
        self.close_table()
        text = collapse(strip_html(line))
        self.prose_facts(line_no, text)
        if len(text) > 200 or text.startswith(("-", "➤")):
            return
        parts = _bold_parts(line)
        if not parts:
            return
        self.headings.append(text)
        self.last_heading = parts[-1]
        owner = re.match(r"^Obiettivi\s+(?:(?:del|della|dei|degli|di)\s+)?(?P<who>.+)$", parts[-1], re.I)
        if owner and not re.search(r"\bANNO\b|INDIVIDUALI|OPERATIVI|STRATEGICI", parts[-1], re.I):
            self.owner = owner.group("who")

    def prose_facts(self, line_no: int, text: str) -> None:
        """Stated counts of objectives and the context figures printed in the narrative part."""
        plain = text.replace("*", "")
        if m := _COUNT_LINE.search(plain):
            self.count_level = m.group("level").lower().replace("strategici", "strategic").replace(
                "operativi", "operational")
            self.fact(line_no, f"count_{self.count_level}_objectives", float(m.group("n")), "count", plain)
            return
        if self.count_level and (m := _COUNT_BULLET.match(plain)):
            words = m.group("text").lower()
            if "non valutabil" in words:
                suffix = "not_assessed"
            elif "parzial" in words:
                suffix = "partially_achieved"
            elif re.search(r"non\s+raggiunt", words):
                suffix = "not_achieved"
            elif "raggiunt" in words:
                suffix = "achieved"
            else:
                suffix = "other"
            self.fact(line_no, f"count_{self.count_level}_objectives_{suffix}", float(m.group("n")), "count", plain)
            return
        if not re.match(r"^di\s+cui\b", plain, re.I):
            self.count_level = None
        self.context_facts(line_no, plain)

    def context_facts(self, line_no: int, text: str) -> None:
        year = self.ctx.segment.year
        folded = fold_for_literals(text)

        def has(word: str) -> bool:
            """Whether the text holds `word` (lower-case ASCII) in any case: a cheap test before a case-insensitive
            pattern that needs it is scanned."""
            return folded is None or word in folded

        if has("registrate") and (m := re.search(r"imprese\s+registrate[^.]*?pari\s+a\s+(?P<reg>\d[\d.]*)\s+unità,?\s+delle\s+quali\s+"
                          r"(?P<act>\d[\d.]*)\s+attive", text, re.I)):
            self.fact(line_no, "count_firms_registered", parse_number(m.group("reg")), "count", m.group(0))
            self.fact(line_no, "count_firms_active", parse_number(m.group("act")), "count", m.group(0))
        if has("copertura") and (m := re.search(r"tasso\s+di\s+copertura.{0,200}?è\s+del\s+(?P<p>\d[\d,]*)\s*%", text,
                                                re.I)):
            self.fact(line_no, "staff_coverage_pct", parse_number(m.group("p")), "%", m.group(0))
        if has("servizio") and (m := re.search(
                r"in\s+servizio.{0,200}?risulta\s+di\s+n\.\s*(?P<n>\d+)\s+unità,?\s+pari\s+al\s+(?P<p>\d[\d,]*)\s*%",
                text, re.I)):
            self.fact(line_no, "staff_in_service", parse_number(m.group("n")), "count", m.group(0))
            self.fact(line_no, "staff_in_service_coverage_pct", parse_number(m.group("p")), "%", m.group(0))
        if has("donne") and (m := re.search(r"(?P<w>\d+)\s+donne\s+e\s+(?P<m>\d+)\s+uomini", text, re.I)):
            self.fact(line_no, "staff_women", parse_number(m.group("w")), "count", m.group(0))
            self.fact(line_no, "staff_men", parse_number(m.group("m")), "count", m.group(0))
        if has("femminile") and (m := re.search(r"(?P<p>\d[\d,]*)\s*%\s+del\s+personale\s+è\s+di\s+genere\s+femminile",
                                                text, re.I)):
            self.fact(line_no, "staff_women_pct", parse_number(m.group("p")), "%", m.group(0))
        if has("ricavi") and (m := re.search(r"ricavi\s+ordinari:?(?P<rest>.*)", text, re.I)):
            for r in re.finditer(r"€\s*(?P<v>\d[\d.,]*)\s+per\s+il\s+(?P<y>(?:19|20)\d\d)", m.group("rest")):
                self.fact(line_no, "special_agency_ordinary_revenue", parse_number(r.group("v")), "EUR",
                          r.group(0), year=int(r.group("y")))
        if has("partecipazioni") and (m := re.search(r"partecipazioni\s+dirette\s+in\s+n\.\s*(?P<n>\d+)\s+società", text,
                                                     re.I)):
            self.fact(line_no, "count_direct_shareholdings", parse_number(m.group("n")), "count", m.group(0),
                      year=year)

    # -- rows outside indicator tables: summary scores, staff table ------------------------------------------
    def free_row(self, line_no: int, cells: list[str], line: str) -> None:
        filled = [c for c in cells if c]
        first = cells[0].upper()
        pct_cell = parse_measure(filled[-1]) if filled[-1].endswith("%") else None
        if first.startswith("PERFORMANCE DI ENTE") and pct_cell:
            self.fact(line_no, "performance_entity", pct_cell.value, "%", " ".join(filled))
            return
        if first.startswith("PERFORMANCE DEGLI AMBITI"):
            self.summary_mode = "area"
        elif first.startswith("PERFORMANCE DELLE UNIT"):
            self.summary_mode = "unit"
            return
        if self.summary_mode == "area":
            for cell in filled:
                if (m := _PROSP.match(cell)) and pct_cell:
                    self.area_row(line_no, f"PROSP. {m.group('n')}", collapse(m.group("title")), pct_cell.value,
                                  " ".join(filled))
            return
        if self.summary_mode == "unit" and pct_cell and len(filled) == 2:
            self.fact(line_no, "performance_unit", pct_cell.value, "%", " ".join(filled), subject=filled[0])
            return
        if first == "CATEGORIE" or any("DOTAZIONE ORGANICA" in c.upper() for c in cells[1:]):
            self.staff_header = cells
            return
        if first.startswith("TOTALE") and self.staff_header:
            for label, cell in zip(self.staff_header[1:], cells[1:], strict=False):
                value = parse_number(cell)
                if value is None:
                    continue
                years = re.findall(r"\b((?:19|20)\d\d)\b", label)
                name = "staff_establishment" if "DOTAZIONE" in label.upper() else "staff_in_post"
                self.fact(line_no, name, value, "count", f"{cells[0]}: {label} {cell}", subject=label,
                          year=int(years[-1]) if years and name == "staff_in_post" else None)
            return
        if _INDICATOR_LIKE.search(line) and re.search(r"\d", line):
            self.quarantine(line_no, "indicator-like row outside a recognised table (no header)", line)

    def area_row(self, line_no: int, code: str, title: str, pct: float | None, quote: str) -> None:
        self.fact(line_no, "performance_area", pct, "%", quote, subject=code)
        if code not in self.areas:
            self.areas[code] = self.objective(
                line_no, code, "area", title, achievement_pct=pct, perspective=title,
                notes="balanced-scorecard perspective from the summary 'PERFORMANCE DEGLI AMBITI STRATEGICI'")

    def ratio_line(self, line_no: int, line: str) -> None:
        """"% RAGGIUNGIMENTO OBIETTIVI: 300/3 = 100%" (a unit's score), also several merged on one line."""
        if self.table is not None and self.table.role == "ente":
            self.ente_done = True
        subject = self.last_heading
        self.close_table()
        quote = " ".join(_bold_parts(line.replace("\t", " ")))
        for part in _bold_parts(line.replace("\t", " ")):
            if m := re.search(r"^(?P<pre>.*?)[\s\-–%]*RAGGIUNGIMENTO\s+OBIETTIVI\s*(?:[-–]\s*(?P<post>[^:]+))?:",
                              part, re.I):
                named = collapse(m.group("post") or m.group("pre").strip(" -–%"))
                subject = named or subject
                part = part[m.end():]
            elif not re.search(r"\d|:|^\(", part) and part.upper() == part:
                subject = part
                continue
            if r := _RATIO.search(part):
                self.fact(line_no, "performance_unit", parse_number(r.group("pct")), "%", quote, subject=subject)
                self.fact(line_no, "count_unit_objectives", parse_number(r.group("den")), "count", quote,
                          subject=subject)
            elif p := list(_PCT.finditer(part)):
                self.fact(line_no, "performance_unit", parse_number(p[-1].group("pct")), "%", quote, subject=subject)

    # -- indicator tables -------------------------------------------------------------------------------
    @staticmethod
    def header_kind(cells: list[str]) -> str | None:
        upper = [c.upper() for c in cells]
        if not any(c.startswith("INDICATOR") for c in upper) or not any(c.startswith("RISULTATO ATTESO") for c in upper):
            return None
        if "AZIONI" in upper:
            return "individual"
        if any(c.startswith("PROSPETTIV") for c in upper):
            return "staff"
        if any(c.startswith(("OBIETTIVI OPERATIVI", "OBIETTIVO OPERATIVO", "ATTIVIT")) for c in upper):
            return "operational"
        if any(c.startswith(("OBIETTIVI STRATEGICI", "OBIETTIVO STRATEGICO")) for c in upper):
            return "strategic"
        return "unknown"

    def open_table(self, line_no: int, cells: list[str]) -> None:
        kind = self.header_kind(cells) or "unknown"
        upper = [c.upper() for c in cells]
        leads = {"strategic": ("code",), "operational": ("strategic",), "individual": (),
                 "staff": ("perspective", "office"), "unknown": ()}
        table = _Table(kind, leads[kind], line_no)
        unit = self.last_heading
        if kind == "operational":
            agency = any(c.startswith("ATTIVIT") for c in upper) or bool(unit and re.search(r"AZIENDA\s+SPECIALE", unit, re.I))
            # Allegato B comes first; a unit heading or a unit score after its rows starts the restatements.
            if any(e.reading.objective_level == "operational" for e in self.entries) and any(
                    not re.search(r"OBIETTIVI|ALLEGATO", h, re.I) for h in self.headings):
                self.ente_done = True
            table.role = "ente" if not self.ente_done and not agency else ("agency" if agency else "unit")
            table.unit_name = None if table.role == "ente" else unit
            table.label = {"ente": "Allegato B operational-objectives table",
                           "unit": f"unit table '{unit}' restating Allegato B",
                           "agency": f"special agency table '{unit}' restating Allegato B"}[table.role]
        elif kind == "strategic":
            table.label = "Allegato A strategic-objectives table"
        elif kind == "individual":
            sub = self.headings[-1] if self.headings else None
            name = self.owner or (sub or "")
            if sub and re.match(r"^(?:Servizio|Ufficio|Area|Settore)\b", sub, re.I) and sub != self.owner:
                name = f"{self.owner} - {sub}" if self.owner else sub
            table.unit_name = name or None
            table.label = f"individual objectives of {name} (AZIONI / INDICATORE)"
        elif kind == "staff":
            title = next((h for h in reversed(self.headings) if re.search(r"PERSONALE", h, re.I)), None)
            if title:
                title = collapse(re.sub(r"\*|OBIETTIVI\s+INDIVIDUALI|[-–]?\s*ANNO\s+\d{4}|EX\s+CCIAA\s+\w+", " ", title,
                                        flags=re.I)).strip(" -–")
            table.unit_name = title or self.last_heading
            table.label = f"staff individual objectives ({table.unit_name})"
        else:
            self.quarantine(line_no, "indicator table header of an unknown kind", "\t".join(cells))
        year = self.ctx.segment.year
        stated = {int(y) for c in cells for y in re.findall(r"\b((?:19|20)\d\d)\b", c)}
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

    def close_table(self) -> None:
        self.table = None

    def split_row(self, line_no: int, cells: list[str], line: str) -> _Row | None:
        assert self.table is not None
        expected = len(self.table.lead) + len(_FIXED)
        cells = list(cells)
        while len(cells) > expected and not cells[-1]:
            cells.pop()
        if len(cells) > expected or len(cells) < len(_FIXED):
            self.quarantine(line_no, f"row with {len(cells)} cells in a table of {expected} columns", line)
            return None
        cells = [""] * (expected - len(cells)) + cells  # rows printed without the leading carry cells
        lead = dict(zip(self.table.lead, cells, strict=False))
        title, indicator, target, actual, pct, note = cells[len(self.table.lead):]
        return _Row(line_no, lead, title, indicator, target, actual, pct, note)

    def table_row(self, line_no: int, cells: list[str], line: str) -> None:
        assert self.table is not None
        if self.table.kind == "unknown":
            self.quarantine(line_no, "row of an indicator table whose header was not understood", line)
            return
        row = self.split_row(line_no, cells, line)
        if row is None:
            return
        if any((row.target, row.actual, row.pct)):
            if not (row.title or row.indicator):
                self.quarantine(line_no, "row with values but neither objective nor indicator", line)
            else:
                self.data_row(row)
        elif row.title and row.indicator:
            self.quarantine(line_no, "row with objective and indicator but no target, result or percentage", line)
        else:
            self.partial_row(row, line)

    def partial_row(self, row: _Row, line: str) -> None:
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
            self.quarantine(row.line_no, "continuation row with no row above it to continue", line)
            return
        entry = self.last
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
        if kind == "operational" and row.lead.get("strategic") and self.strategic:
            self.set_strategic(self.strategic[0], collapse(f"{self.strategic[1]} {row.lead['strategic']}"))
        elif kind == "staff":
            self.staff_lead(row)
        self.finish_entry(entry)

    def set_perspective(self, line_no: int, text: str) -> None:
        """An Allegato A perspective row: the code is not carried past it."""
        self.perspective_rows += 1
        title = collapse(text)
        code = next((c for c, a in self.areas.items()
                     if similarity_at_least(title, a.objective_title or "", 0.8) is not None), None)
        if code is None:
            code = f"PROSP. {self.perspective_rows}"
            if code not in self.areas:
                self.areas[code] = self.objective(line_no, code, "area", title, perspective=title,
                                                  notes="perspective row of Allegato A (no summary score found)")
        self.perspective = (code, title)
        self.code = None

    def set_strategic(self, code: str | None, title: str) -> None:
        self.strategic = (code, title)
        if code:
            self.strategic_titles[code] = title

    def staff_lead(self, row: _Row) -> None:
        if row.lead.get("perspective"):
            self.staff_perspective = collapse(row.lead["perspective"])
        if row.lead.get("office"):
            self.staff_office = collapse(row.lead["office"])

    def area_of(self, code: str | None) -> Objective | None:
        return self.areas.get(f"PROSP. {code.split('.')[0]}") if code else None

    def data_row(self, row: _Row) -> None:
        table = self.table
        assert table is not None
        seg = self.ctx.segment
        notes = [table.label]
        prefer = ("PVS", "CCIAA") if table.role == "agency" else ("CCIAA", "PVS")
        target, actual = read_cell(row.target, prefer), read_cell(row.actual, prefer)
        pct = parse_measure(row.pct)
        values = {
            "target_raw": target.measure.raw, "target_value": target.measure.value,
            "target_operator": target.measure.operator, "target_unit": target.measure.unit,
            "actual_raw": actual.measure.raw, "actual_value": actual.measure.value,
            "achievement_pct": pct.value,
        }
        if target.revised is not None:
            values["target_revised_raw"] = target.revised.raw
            values["target_revised_value"] = target.revised.value
        notes += [n for n in (target.note, actual.note) if n]
        if actual.revised is not None:
            notes.append("result cell holds two values; the first is used")
        if row.note and (base := find_baseline(row.note, seg.year)):
            values["baseline_raw"], values["baseline_value"] = base
        level, code, unit, role, parent, perspective = "other", None, table.unit_name, "detail", None, None
        if table.kind == "strategic":
            level, code = "strategic", self.strategic_code(row)
            area = self.area_of(code)
            if self.perspective:
                parent, perspective = self.perspective
            elif area is not None:
                parent, perspective = area.objective_code, area.objective_title
            if perspective:
                notes.append(f"perspective {perspective}")
        elif table.kind == "operational":
            strategic = self.strategic_of(row, notes)
            parent = strategic[0] if strategic else None
            area = self.area_of(parent)
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
        if (measured := _MEASURED_AT.search(row.note)) and measured.group("d") != f"31.12.{seg.year}":
            notes.append(f"result measured at {measured.group('d')}")
        if re.search(r"obiettivo\s+eliminat", row.note, re.I):
            notes.append("Obiettivo eliminato")
        if re.search(r"non\s+valutabil", row.note, re.I):
            notes.append("non valutabile")
        reading = Reading(self.prov(row.line_no), seg.chamber_name, seg.year, seg.doc_kind,
                          indicator_name=collapse(row.indicator or row.title), objective_level=level,
                          objective_code=code, objective_title=collapse(row.title) or None, unit_name=unit,
                          table_role=role, line_end=row.line_no, **values)
        objective = None
        if role == "detail":
            parent_code = None if table.kind == "staff" else parent
            objective = self.objective(row.line_no, code, level, reading.objective_title,
                                       parent_code=parent_code, achievement_pct=pct.value, perspective=perspective,
                                       unit_name=unit if level == "other" else None,
                                       notes=f"{table.label}; one objective per row")
        entry = _Entry(reading, objective, row.note, notes, parent if table.kind == "operational" else None,
                       self.strategic[1] if table.kind == "operational" and self.strategic else "")
        self.finish_entry(entry)
        self.out.readings.append(reading)
        self.entries.append(entry)
        self.last = entry

    def strategic_code(self, row: _Row) -> str | None:
        cell = collapse(row.lead.get("code", ""))
        if cell:
            m = _STRATEGIC_CODE.match(cell)
            self.code = m.group("code") if m else None
            if not m:
                self.quarantine(row.line_no, "Allegato A code cell is not a code; row read without code", cell)
        return self.code

    def strategic_of(self, row: _Row, notes: list[str]) -> tuple[str | None, str] | None:
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

    # -- after the last line -----------------------------------------------------------------------------
    def finish(self) -> None:
        originals = [e for e in self.entries if e.reading.table_role == "detail"
                     and e.reading.objective_level == "operational"]
        for entry in self.entries:
            if entry.reading.table_role == "summary":
                self.link(entry, originals)
        for entry in self.entries:
            self.finish_entry(entry)  # strategic titles may have been completed by a later wrapped row

    def link(self, entry: _Entry, originals: list[_Entry]) -> None:
        original = self.original_of(entry, originals)
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

    @staticmethod
    def original_of(entry: _Entry, originals: list[_Entry]) -> _Entry | None:
        """The Allegato B row a unit-table row repeats: same strategic code, closest objective + indicator text."""
        pool = [o for o in originals if o.parent_code == entry.parent_code] or originals

        def probe(e: _Entry) -> Reading:
            name = f"{e.reading.objective_title or ''} | {e.reading.indicator_name}"
            return replace(e.reading, indicator_name=normalise_name(name))

        probes = [(probe(o), o) for o in pool]
        match = best_original(probe(entry), [p for p, _ in probes])
        return next((o for p, o in probes if p is match), None)


class PaviaBsc(LayoutParser):
    name = LAYOUT_NAME
    description = ("Balanced-scorecard tables (Prospettiva 1-4) with carried-down leading cells: strategic, operational, "
                  "unit and individual objectives.")
    signatures = detect_signatures()
    min_hits = 3

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = PaviaBsc.parse
