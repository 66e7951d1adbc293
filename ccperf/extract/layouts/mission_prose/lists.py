"""Label-value lists printed among the prose.

    Appuntamento per Sportello di Crema 1616              runs of two or more "label number" lines (a closing
    Totale generale 3577                                   "Totale" that does not add up keeps a note)
    - carta conducente: 1286                               "label: value" items, named after the sentence
    ●        interazioni: n 116                            the list hangs from ("... nell'emissione di :")
    - nel 2019: 3 giorni                                   a year series under "A fronte di tempi di legge di
                                                           20 giorni ... tempi medi ...:" (the legal limit is
                                                           its target)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ccperf.extract.document import Line
from ccperf.extract.layouts.mission_prose.stream import stream_of
from ccperf.extract.layouts.mission_prose.structure import BULLET, Mission
from ccperf.extract.layouts.mission_prose.words import (
    LABEL_WIDTH,
    NUM,
    PROFILE,
    noun_class,
    number_value,
    profile_regex,
)
from ccperf.extract.numbers import collapse, parse_number, parse_unit

if TYPE_CHECKING:
    from ccperf.extract.layouts.mission_prose.parser import MissionProse

_TERMINAL = re.compile(r"[.;:!?”\"]\s*$")
_LABEL_VALUE = re.compile(r"^\s*(?P<label>[A-Za-zÀ-ÿ][^:\d]{2,70}?(?:\s*-\s*[A-Za-zÀ-ÿ][^:\d]*)?)\s+(?P<num>\d[\d.]*)\s*$")
_COLON_VALUE = re.compile(rf"^\s*(?P<bullet>[-●•·]\s*)?(?P<label>[^:]{{2,90}}?)\s*:\s*(?P<raw>(?:n\s*\.?\s*)?(?P<num>{NUM}))"
                          r"\s*(?P<unit>[a-z]+)?\s*[.;]?\s*$", re.I)
_TOTAL = PROFILE.pattern("total_label", r"^\s*{}\b")
_SERIES_YEAR = profile_regex("result_templates", "series_year")
_SERIES_MEASURE = profile_regex("result_templates", "series_measure", 0)
_LEGAL_TIME = profile_regex("result_templates", "legal_time")
_MEASURES = PROFILE.table("measure_words")
_DIGIT = re.compile(r"\d")
_INTRO_WIDTH = 90  # the words of a list's introducing sentence kept in a name


def _ends_in_number(text: str) -> bool:
    """What _LABEL_VALUE needs: the line ends (trailing whitespace aside) with a digit or a "."."""
    last = text.rstrip()[-1:]
    return last == "." or last.isdigit()


def _colon_value(text: str) -> re.Match[str] | None:
    """"label: value [giorni]": the unit, when printed, is a unit of days."""
    m = _COLON_VALUE.match(text)
    if m is None or m.group("unit") and parse_unit(m.group("unit")) != "gg":
        return None
    return m


def heading_words(text: str) -> str:
    t = collapse(text).rstrip(":").strip()
    return t if len(t) <= _INTRO_WIDTH else t[:_INTRO_WIDTH].rsplit(" ", 1)[0]


class Lists:
    def __init__(self, parser: MissionProse):
        self.parser = parser

    def read(self, mission: Mission, body: list[Line]) -> None:
        consumed = self.parser.consumed
        i = 0
        while i < len(body):
            line = body[i]
            if line.number in consumed:
                i += 1
                continue
            # "Appuntamento per Sportello di Crema 1616" x N (at least two such rows in a row)
            run = []
            j = i
            while j < len(body) and body[j].number not in consumed and _ends_in_number(body[j].text) \
                    and (m := _LABEL_VALUE.match(body[j].text)) and not _TERMINAL.search(m.group("label")):
                run.append((body[j].number, m))
                j += 1
            if len(run) >= 2:
                self.label_values(mission, body[i - 1].text if i > 0 else "", run)
                i = j
                continue
            if ":" in line.text and (m := _colon_value(line.text)):
                self.colon_item(mission, body, i, m)
            i += 1

    def label_values(self, mission: Mission, intro_line: str, run: list[tuple[int, re.Match[str]]]) -> None:
        intro = collapse(intro_line)
        for number, m in run:
            label = collapse(m.group("label"))
            self.parser.add_reading(mission, number, label, noun_class(label), f"{intro} {label}", role="detail",
                                    actual_raw=m.group("num"), actual_value=number_value(m.group("num")),
                                    actual_unit="N.", notes=f"list after {intro!r}" if intro else None)
            self.parser.consumed.add(number)
        self.check_total(run)

    def check_total(self, run: list[tuple[int, re.Match[str]]]) -> None:
        """A "Totale" row that does not add up is kept as printed, with a note."""
        totals = [(number, m) for number, m in run if _TOTAL.match(m.group("label"))]
        if len(totals) != 1 or totals[0][0] != run[-1][0]:
            return
        parts = sum(number_value(m.group("num")) or 0.0 for _, m in run[:-1])
        total = number_value(totals[0][1].group("num"))
        if total is not None and abs(parts - total) > 1e-6:
            for reading, _, _ in reversed(self.parser.readings_by_line):
                if reading.provenance.source_line == totals[0][0]:
                    reading.notes = (reading.notes + "; " if reading.notes else "") + \
                        f"printed total {totals[0][1].group('num')} but the rows above sum to {parts:g}"
                    break

    def colon_item(self, mission: Mission, body: list[Line], i: int, m: re.Match[str]) -> None:
        parser = self.parser
        line = body[i]
        label = collapse(m.group("label"))
        first = line.number
        previous = body[i - 1] if i > 0 else None
        if not m.group("bullet") and previous is not None and BULLET.match(previous.text) and \
                not _DIGIT.search(previous.text) and previous.number not in parser.consumed:
            # a wrapped list item: "● imprese che hanno realizzato incontri concordati / direttamente ...: n.8"
            first = previous.number
            label = collapse(BULLET.sub("", previous.text) + " " + label)
            parser.consumed.add(first)
        elif not m.group("bullet") and (len(label) > LABEL_WIDTH or label[:1].isupper() and not
                                        BULLET.match(line.text)) and not _SERIES_YEAR.match(label):
            return  # a sentence ending with a number, left to the prose rules
        parser.consumed.add(line.number)
        value = number_value(m.group("num"))
        raw = collapse(m.group("raw") + (" " + m.group("unit") if m.group("unit") else ""))
        if ym := _SERIES_YEAR.match(label):
            self.series_item(mission, body, i, first, int(ym.group("year")), raw, value, m.group("unit"))
            return
        intro = self.list_intro(body, i)
        name = f"{intro} - {label}" if intro else label
        parser.add_reading(mission, first, name, noun_class(label), f"{intro} {label}", actual_raw=raw,
                           actual_value=value, actual_unit="gg" if m.group("unit") else "N.")

    def list_intro(self, body: list[Line], i: int) -> str | None:
        """The sentence a list hangs from ("La collaborazione ... si è concretizzata nell'emissione di :")."""
        for k in range(i - 1, max(-1, i - 12), -1):
            t = body[k].text.strip()
            if t.endswith(":") and not _colon_value(t):
                return heading_words(t)
        return self.parser.heading_at(body[i].number)

    def series_item(self, mission: Mission, body: list[Line], i: int, line: int, year: int, raw: str,
                    value: float | None, unit: str | None) -> None:
        """"- nel 2019: 3 giorni" under "A fronte di tempi di legge di 20 giorni, ... tempi medi ...:"."""
        window = stream_of([(ln.number, collapse(ln.text)) for ln in body[max(0, i - 8):i]])
        target = None
        if tm := list(_LEGAL_TIME.finditer(window.text)):
            last = tm[-1]
            target = (f"<= {last.group('num')} giorni", parse_number(last.group("num")))
        what = _MEASURES["average_times"]
        if wm := _SERIES_MEASURE.search(window.text):
            what = collapse(wm.group(1))
        heading = self.parser.heading_at(line) or ""
        name = f"{heading} - {what}".strip(" -")
        values: dict = {"actual_raw": raw, "actual_value": value, "actual_unit": "gg" if unit else "N.", "year": year}
        notes = f"year series ({year})"
        if target:
            values.update(target_raw=target[0], target_value=target[1], target_operator="<=", target_unit="gg")
            notes += "; target = legal time limit printed above the series"
        self.parser.add_reading(mission, line, name, "time", name, notes=notes, **values)
