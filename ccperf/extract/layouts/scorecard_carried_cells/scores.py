"""Rows outside the indicator tables of the scorecard layout: the summary scores, the units' scores and the
staffing table.

    PERFORMANCE DI ENTE⇥⇥100%                                     the entity's score
    PERFORMANCE DEGLI AMBITI STRATEGICI⇥PROSP. 1: <title>⇥100%    an area (perspective) and its score
    PERFORMANCE DELLE UNITA' ORGANIZZATIVE⇥⇥                       then one row per unit: <unit>⇥100%
    % RAGGIUNGIMENTO OBIETTIVI: 2.900/29 = 100%                   a unit's score after its table
    CATEGORIE⇥DOTAZIONE ORGANICA ...⇥Posti occupati al 31.12.2024  the staffing table, read at its TOTALE row

The words are in profiles/scorecard_carried_cells.toml.
"""

from __future__ import annotations

import re

from ccperf.extract.document import Line
from ccperf.extract.numbers import collapse, find_numbers, find_years, parse_measure, parse_number
from ccperf.extract.parser import LayoutParser
from ccperf.extract.profiles import load_profile
from ccperf.model import Objective

_PROFILE = load_profile("scorecard_carried_cells")
_SUMMARY_ROWS = {word.upper(): role for word, role in _PROFILE.table("summary_rows").items()}
_AREA_LABEL = _PROFILE.words("area_label")[0]
_AREA = _PROFILE.pattern("area_label", r"^{}\.?\s*(?P<n>\d+)\s*[:.\-–]\s*(?P<title>.+)$")
_UNIT_SCORE_LINE = _PROFILE.pattern("unit_score_label", r"{}\b[^:]{{0,80}}:")
_UNIT_SCORE_HEAD = _PROFILE.pattern("unit_score_label", r"^(?P<pre>.*?)[\s\-–%]*{}\s*(?:[-–]\s*(?P<post>[^:]+))?:")
_RATIO = re.compile(r"(?P<num>\d[\d.]*)\s*/\s*(?P<den>\d+)\s*=\s*(?P<pct>\d[\d.,]*)\s*%")
_PERSONNEL = {key: word.upper() for key, word in _PROFILE.table("personnel_table").items()}
_INDICATOR_LIKE = re.compile(r"[≥≤]|>=|<=")


def _percentages(text: str) -> list[float]:
    """The numbers of a text printed with a "%" after them."""
    return [value for value, _, end in find_numbers(text) if text[end:].lstrip().startswith("%")]


class ScoreRows:
    """Reads the score and staffing rows for a parser, building facts and area objectives with its builders."""

    def __init__(self, parser: LayoutParser) -> None:
        self.parser = parser
        self.mode: str | None = None  # areas | units: the summary block the rows belong to
        self.personnel_header: list[str] | None = None
        self.areas: dict[str, Objective] = {}

    # -- areas -------------------------------------------------------------------------------------------------
    @staticmethod
    def area_code(number: str) -> str:
        return f"{_AREA_LABEL}. {number}"

    def area_of(self, code: str | None) -> Objective | None:
        """The area (perspective) of a strategic code: "1.3" → PROSP. 1."""
        return self.areas.get(self.area_code(code.split(".")[0])) if code else None

    def add_area(self, line_no: int, code: str, title: str, pct: float | None, notes: str) -> None:
        area = self.parser.objective(line_no, code, "area", title, achievement_pct=pct, perspective=title,
                                     notes=notes)
        self.areas[code] = area
        self.parser.out.objectives.append(area)

    # -- summary rows ------------------------------------------------------------------------------------------
    def free_row(self, line: Line) -> None:
        """A table row outside the indicator tables."""
        cells, filled, line_no = line.texts, line.filled, line.number
        first = cells[0].upper()
        has_pct = filled[-1].endswith("%")
        pct = parse_measure(filled[-1]).value if has_pct else None
        role = next((r for word, r in _SUMMARY_ROWS.items() if first.startswith(word)), None)
        if role == "entity" and has_pct:
            self.parser.fact(line_no, "performance_entity", pct, "%", " ".join(filled))
            return
        if role in ("areas", "units"):
            self.mode = role
            if role == "units":
                return
        if self.mode == "areas":
            for cell in filled:
                if (m := _AREA.match(cell)) and has_pct:
                    self.area_row(line_no, self.area_code(m.group("n")), collapse(m.group("title")), pct,
                                  " ".join(filled))
            return
        if self.mode == "units" and has_pct and len(filled) == 2:
            self.parser.fact(line_no, "performance_unit", pct, "%", " ".join(filled), subject=filled[0])
            return
        if first == _PERSONNEL["first_header"] or any(_PERSONNEL["establishment"] in c.upper() for c in cells[1:]):
            self.personnel_header = cells
            return
        if first.startswith(_PERSONNEL["total"]) and self.personnel_header:
            self.personnel_totals(line_no, cells)
            return
        if _INDICATOR_LIKE.search(line.text) and re.search(r"\d", line.text):
            self.parser.quarantine(line_no, "indicator-like row outside a recognised table (no header)", line.text)

    def area_row(self, line_no: int, code: str, title: str, pct: float | None, quote: str) -> None:
        self.parser.fact(line_no, "performance_area", pct, "%", quote, subject=code)
        if code not in self.areas:
            self.add_area(line_no, code, title, pct,
                          "balanced-scorecard perspective from the summary 'PERFORMANCE DEGLI AMBITI STRATEGICI'")

    def personnel_totals(self, line_no: int, cells: list[str]) -> None:
        """The TOTALE row of the staffing table: establishment and posts filled per column (year of the header)."""
        assert self.personnel_header is not None
        for label, cell in zip(self.personnel_header[1:], cells[1:], strict=False):
            value = parse_number(cell)
            if value is None:
                continue
            years = find_years(label)
            name = "staff_establishment" if _PERSONNEL["establishment"] in label.upper() else "staff_in_post"
            self.parser.fact(line_no, name, value, "count", f"{cells[0]}: {label} {cell}", subject=label,
                             year=years[-1] if years and name == "staff_in_post" else None)

    # -- unit scores -------------------------------------------------------------------------------------------
    @staticmethod
    def is_ratio_line(text: str) -> bool:
        return bool(_UNIT_SCORE_LINE.search(text)) and bool(_percentages(text))

    def ratio_line(self, line_no: int, parts: list[str], subject: str | None) -> None:
        """"% RAGGIUNGIMENTO OBIETTIVI: 300/3 = 100%" (a unit's score), also several merged on one line: each
        bold part names a unit or gives the score of the unit named last."""
        quote = " ".join(parts)
        for part in parts:
            if m := _UNIT_SCORE_HEAD.search(part):
                named = collapse(m.group("post") or m.group("pre").strip(" -–%"))
                subject = named or subject
                part = part[m.end():]
            elif not re.search(r"\d|:|^\(", part) and part.upper() == part:
                subject = part
                continue
            if r := _RATIO.search(part):
                self.parser.fact(line_no, "performance_unit", parse_number(r.group("pct")), "%", quote,
                                 subject=subject)
                self.parser.fact(line_no, "count_unit_objectives", parse_number(r.group("den")), "count", quote,
                                 subject=subject)
            elif pcts := _percentages(part):
                self.parser.fact(line_no, "performance_unit", pcts[-1], "%", quote, subject=subject)
