"""The prose of a mission block: its lines not consumed by the structure, tables and lists, joined into one text
(list items and paragraphs after a heading start on a new line of it), read sentence by sentence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ccperf.extract.document import Line
from ccperf.extract.layouts.mission_prose.candidates import (
    Baselines,
    Candidate,
    Sentence,
    money,
    shares_of_cases,
    specials,
)
from ccperf.extract.layouts.mission_prose.counts import counts
from ccperf.extract.layouts.mission_prose.naming import measure_for, subject_for
from ccperf.extract.layouts.mission_prose.stream import ProseStream
from ccperf.extract.layouts.mission_prose.structure import BULLET, MERGED_HEADING, Mission, is_long_line
from ccperf.extract.layouts.mission_prose.words import PROFILE, may_start_with_digit
from ccperf.extract.numbers import collapse, strip_html

if TYPE_CHECKING:
    from ccperf.extract.layouts.mission_prose.parser import MissionProse

_NUMBERED_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s+[A-ZÀ-Ý][a-zà-ù]")
_ENUM_ITEM = re.compile(r"^\s*\d+\s*[.)]?\s+[A-Za-zÀ-ÿ]")
_LEADING_DIGIT = re.compile(r"^\s*\d")
_APPROXIMATE = PROFILE.pattern("approximate_words", r"{}\b")




class Prose:
    def __init__(self, parser: MissionProse):
        self.parser = parser
        self.baselines = Baselines(parser.year)

    def read(self, mission: Mission, body: list[Line]) -> None:
        stream = self.stream(body)
        if not stream.length:
            return
        word_starts = stream.number_word_starts()
        for s_start, s_end in stream.sentences():
            self.sentence(mission, stream, Sentence(stream.text, stream.folded, s_start, s_end, [], word_starts))

    def stream(self, body: list[Line]) -> ProseStream:
        """The lines not consumed, joined: a list item, a numbered item and the paragraph after a heading start
        on a new line of the text."""
        consumed, breaks = self.parser.consumed, self.parser.breaks
        stream = ProseStream()
        prev_item = pending_break = False
        enum = 0
        for line in body:
            text = line.text
            if line.number in consumed:
                pending_break = pending_break or line.number in breaks
                continue
            words = strip_html(text) if "<" in text else collapse(text)  # HTML fragments dropped
            digit_start = may_start_with_digit(text)
            em = _NUMBERED_ITEM.match(text) if digit_start else None
            if em and (int(em.group(1)) in (1, enum + 1) or stream.last_char == ":"):
                # "1 Progetto Agri-food ...", "2 Supporto ...": numbered items, not counts
                enum = int(em.group(1))
                stream.add(line.number, words[len(em.group(1)):].lstrip(" .)"), sep="\n")
                prev_item, pending_break = True, False
                continue
            stripped = text.strip()
            if is_long_line(stripped, stripped.startswith("•")) and (m := MERGED_HEADING.match(text)):
                stream.add(line.number, collapse(m.group("rest")), sep="\n")  # the heading is read by Structure
                prev_item = False
                continue
            starts_item = bool(BULLET.match(text)) or digit_start and bool(_ENUM_ITEM.match(text)) and (
                prev_item or stream.last_char == ":")
            new_line = starts_item or pending_break or stream.last_char == ":" and _LEADING_DIGIT.match(text)
            stream.add(line.number, words, sep="\n" if new_line else " ")
            prev_item, pending_break = starts_item, False
        return stream

    def sentence(self, mission: Mission, stream: ProseStream, s: Sentence) -> None:
        # money first, so amounts are not read as counts
        cands = money(s) + shares_of_cases(s) + counts(s)
        cands.sort(key=lambda c: c.start)
        specials(s, cands)
        cands.sort(key=lambda c: c.start)
        self.baselines.read(s, cands)
        context = collapse(s.sent)
        year = self.parser.year
        for cand in cands:
            if cand.year is None or cand.year == year:
                cand.reading = self.reading(mission, stream, cand, [c for c in cands if c.start < cand.start],
                                            context)

    def reading(self, mission: Mission, stream: ProseStream, cand: Candidate, earlier: list[Candidate],
                context: str):
        parser = self.parser
        line = stream.line_at(cand.start)
        subject = subject_for(stream, cand) or parser.heading_at(line) or mission.title_at(line)
        cand.measure = measure_for(stream, cand, earlier, subject)
        values: dict = {"actual_raw": cand.raw, "actual_value": cand.value, "actual_unit": cand.unit}
        notes = []
        if cand.baseline:
            values.update(baseline_raw=cand.baseline[0], baseline_value=cand.baseline[1])
            notes.append(f"baseline = prior-year value printed in the same sentence ({cand.baseline[0]})")
        if cand.target:
            raw_t, value_t, op, unit = cand.target
            values.update(target_raw=raw_t, target_value=value_t, target_operator=op, target_unit=unit)
            notes.append("target = legal time limit printed in the sentence")
        if _APPROXIMATE.match(cand.raw):
            notes.append(f"'{cand.raw.split()[0]}' = approximate")
        return parser.add_reading(mission, line, f"{collapse(subject)} - {cand.measure}", cand.kind, context,
                                  notes="; ".join(notes) or None, **values)
