"""Relazione sulla gestione e sui risultati: results narrated by Missione and programme (e.g. the Cremona chamber's
2022 report). A text layout: the parser reads each line's text (a small table's columns as the model's cells).

Shape of the layout (blank lines between the printed lines left out; cells of a small table shown with ⇥):

    Missione 011                                         a mission header over 1-3 lines, the spending amount
    COMPETITIVITÀ E SVILUPPO DELLE IMPRESE               padded on its own line or at the end of the title
    €       1.865.646,87
    Programma “Promozione e attuazione di politiche di sviluppo, competitività e     programme, wrapped
    Innovazione € 614.539,70                             a spending line of the mission: title + amount
    • Tutela della proprietà                             bullet / margin headings, sometimes merged with the
    industriale                                          first sentence ("• Protesti Con il decreto ...")
    partecipazione di 32 imprese, di cui 18 sono state ammesse al   results in prose
    N. bandi⇥N. imprese ammesse⇥Importi concessi          a small table: column names, values below
    3                     19               €  199.286,10€

There are no indicator tables: every reading is a quantified result read from the prose (a count tied to a
counted noun, an amount granted, a share: counts.py and candidates.py, named by naming.py) or from the small
tables and lists (tables.py, lists.py), with objective_level "area" and the mission code. Allocations, grants the
chamber itself obtained, values of other years and requirements ("almeno sei incontri") are no readings; a
prior-year value printed next to a result is its baseline. The introduction before the first mission states
staff and fee facts (stated.py). The converter seen prints a blank line after every line but the last of a page;
distances are counted in printed lines and blank lines against the document's usual spacing, so other spacings
read the same. The words of the layout are in profiles/mission_prose.toml.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

from ccperf.extract.document import Line
from ccperf.extract.layouts.mission_prose.lists import Lists
from ccperf.extract.layouts.mission_prose.prose import Prose
from ccperf.extract.layouts.mission_prose.restatements import link_restatements
from ccperf.extract.layouts.mission_prose.stated import MISSION_KEYS, stated_facts
from ccperf.extract.layouts.mission_prose.stream import stream_of
from ccperf.extract.layouts.mission_prose.structure import Mission, Structure, find_missions
from ccperf.extract.layouts.mission_prose.tables import Tables
from ccperf.extract.layouts.mission_prose.words import PROFILE
from ccperf.extract.numbers import collapse
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.extract.text import fold_for_literals
from ccperf.model import Objective, Reading


def _signatures() -> tuple[re.Pattern[str], ...]:
    sections = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in PROFILE.words("section_headings"))
    return (*(re.compile(rf"^\s*{re.escape(word)} \d{{3}}\b") for word in PROFILE.words("mission_heading")),
            *(re.compile(rf"^\s*{re.escape(word)} \d{{3}}\b") for word in PROFILE.words("programme_heading")),
            *(re.compile(rf"^\s*{re.escape(title)}", re.I) for title in PROFILE.words("report_title")),
            re.compile(rf"^\s*(?:{sections})\b", re.I))


class MissionProse(LayoutParser):
    """Management report narrative by Missione and programme with spending amounts and results in prose."""

    name = "mission_prose"
    signatures = _signatures()
    min_hits = 3

    def __init__(self, ctx: SegmentContext) -> None:
        super().__init__(ctx)
        self.year = self.segment.year
        self.missions: list[Mission] = []
        self.headings: list[tuple[int, str]] = []  # (line, heading text), kept sorted
        self.consumed: set[int] = set()  # lines read as structure, tables or lists: the prose skips them
        self.breaks: set[int] = set()  # consumed heading lines that end the sentence before them
        self.readings_by_line: list[tuple[Reading, str, str]] = []  # reading, class of what it counts, context
        self.places: dict[int, tuple[int, int]] = {}  # printed line → its index among the content lines, the printed
        self.usual_gap = 0  # the blank lines usually printed between two printed lines
        self.structure = Structure(self)
        self.tables = Tables(self)
        self.lists = Lists(self)
        self.prose = Prose(self)

    # -- the walk ----------------------------------------------------------------------------------------------
    def read(self) -> None:
        printed = self.walk()
        self.missions = find_missions(printed, self.segment.line_end)
        if not self.missions:
            self.quarantine(self.segment.line_start, "no 'Missione NNN' header with a spending amount: nothing parsed",
                            "\n".join(line.text for line in printed[:40]), self.segment.line_end)
            return
        first = self.missions[0].line
        self.add_stated_facts([line for line in printed if line.number < first])
        for mission in self.missions:
            # the printed lines are in line order: slice the mission's by bisection (a scan per mission is quadratic)
            lo = bisect.bisect_left(printed, mission.body, key=lambda line: line.number)
            hi = bisect.bisect_right(printed, mission.end, key=lambda line: line.number)
            self.read_mission(mission, printed[lo:hi])

    def walk(self) -> list[Line]:
        """The printed (non-blank) lines of the segment; notes where each stands among them and among all the
        content lines, and the blank lines a converter usually prints between two printed lines."""
        printed: list[Line] = []
        gaps: Counter[int] = Counter()
        previous = -1
        for k, line in enumerate(self.lines()):
            if line.text.strip():
                if previous >= 0:
                    gaps[k - previous - 1] += 1
                previous = k
                self.places[line.number] = (k, len(printed))
                printed.append(line)
        self.usual_gap = gaps.most_common(1)[0][0] if gaps else 0
        return printed

    def blank_lines_between(self, first: int, second: int) -> int:
        """Blank content lines between two printed lines (page furniture and the blank lines around it left out)."""
        (content_a, printed_a), (content_b, printed_b) = self.places[first], self.places[second]
        return content_b - content_a - (printed_b - printed_a)

    def printed_lines_between(self, first: int, second: int) -> int:
        return self.places[second][1] - self.places[first][1]

    def read_mission(self, mission: Mission, body: list[Line]) -> None:
        mission.objective = self.add_objective(mission.line, mission.code, "area", mission.title,
                                               mission_code=mission.code,
                                               notes=f"Missione {mission.code}; spending printed in the header")
        self.fact(mission.line, "spending_mission", mission.amount, "EUR", mission.quote, subject=mission.code)
        self.add_heading(mission.line, mission.title)
        self.structure.read(mission, body)
        self.tables.read(mission, body)
        self.lists.read(mission, body)
        self.prose.read(mission, body)
        self.add_stated_facts(body, in_missions=True)

    def add_stated_facts(self, lines: list[Line], in_missions: bool = False) -> None:
        """Staff, personnel-cost and fee facts stated in sentences (in a mission only the few printed there)."""
        if in_missions:
            folded = fold_for_literals("\x00".join(line.text for line in lines))
            if folded is not None and not any(key in folded for key in MISSION_KEYS):
                return  # no template read in the missions can match: the block is not joined into a stream
        stream = stream_of([(line.number, collapse(line.text)) for line in lines])
        for fact in stated_facts(stream, in_missions):
            self.fact(fact.line, fact.name, fact.value, fact.unit, fact.quote, subject=fact.subject, year=fact.year)

    # -- builders ------------------------------------------------------------------------------------------------
    def add_objective(self, line_no: int, code: str | None, level: str, title: str, **values: Any) -> Objective:
        objective = self.objective(line_no, code, level, collapse(title), **values)
        self.out.objectives.append(objective)
        return objective

    def add_heading(self, line_no: int, text: str) -> None:
        bisect.insort(self.headings, (line_no, text))

    def heading_at(self, line_no: int) -> str | None:
        """The last heading starting at or before line_no."""
        i = bisect.bisect_right(self.headings, line_no, key=lambda heading: heading[0])
        return self.headings[i - 1][1] if i else None

    def add_reading(self, mission: Mission, line_no: int, name: str, kind: str, context: str, role: str = "prose",
                    **values: Any) -> Reading:
        """A result of the mission, noted with the section it is printed under; `kind` is the class of what it
        counts and `context` its sentence (both tie restatements)."""
        year = values.pop("year", self.year)
        heading = self.heading_at(line_no)
        notes = values.pop("notes", None)
        note_parts = [f"section: {heading}"] if heading else []
        if notes:
            note_parts.append(notes)
        reading = self.reading(line_no, collapse(name), "area", role, objective_code=mission.code,
                               objective_title=mission.title_at(line_no), notes="; ".join(note_parts) or None,
                               **values)
        reading.year = year
        self.out.readings.append(reading)
        self.readings_by_line.append((reading, kind, context))
        return reading

    # -- after the walk ------------------------------------------------------------------------------------------
    def finish(self) -> None:
        link_restatements(self.readings_by_line, self.year, self.printed_lines_between)
        self.unique_names()
        self.out.readings.sort(key=lambda r: r.provenance.source_line)

    def unique_names(self) -> None:
        """One current reading per indicator name and objective: the same composed name twice gets a number."""
        seen: dict[tuple, int] = {}
        for reading in sorted(self.out.readings, key=lambda r: r.provenance.source_line):
            key = (reading.objective_code, reading.objective_title, reading.year, reading.indicator_name)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                reading.indicator_name = f"{reading.indicator_name} [{seen[key]}]"


parse = MissionProse.parse
