"""The small tables printed among the prose: column names over a line of values, and two-period tables.

    N. bandi      N. imprese ammesse  Importi concessi      column names (split at gaps or before "N.")
    3                     19               €  199.286,10€   their values, on the next printed line
     2021 2022 differenza percentuale                        a two-period table: the report's year is the
    Smart / card / 3862 3019 -843 -21,80%                    result, the other year its baseline
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ccperf.extract.document import Line
from ccperf.extract.layouts.mission_prose.structure import Mission
from ccperf.extract.layouts.mission_prose.words import (
    LABEL_WIDTH,
    TABLE_HEADER_WIDTH,
    TABLE_LABEL_WIDTH,
    may_start_with_digit,
    noun_class,
    number_value,
)
from ccperf.extract.numbers import collapse

if TYPE_CHECKING:
    from ccperf.extract.layouts.mission_prose.parser import MissionProse

VALUES_LINE = re.compile(r"^\s*(?:€\s*)?[+\-]?\d[\d.,]*%?€?(?:\s+(?:€\s*)?[+\-]?\d[\d.,]*%?€?)+\s*$")
_TABLE_VALUE = re.compile(r"(?:€\s*)?[+\-]?\d[\d.,]*%?€?")
_YEARS_HEADER = re.compile(r"^\s*(?P<y1>(?:19|20)\d\d)\s+(?P<y2>(?:19|20)\d\d)\b(?P<rest>.*)$")
_GROUP_LABEL = re.compile(rf"^\s*(?:[a-z]\)\s*)?[A-ZÀ-Ýa-z][^:]{{2,{LABEL_WIDTH}}}:\s*$")
_COLUMN_GAP = re.compile(r"\s{2,}|(?<=\S)\s+(?=N\.\s)")  # between column names: a gap, or before "N. ..."
_GAP_INSIDE = re.compile(r"\S\s{2,}\S")
_NUMBER_OF_COLUMN = re.compile(r"\bN\.\s")
_NUMBER_OF = re.compile(r"^N\.\s*")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
_MONEY_MARKS = re.compile(r"[€%\s]")
_LABEL_END = re.compile(r"[.;:,]$")


def column_names(line: Line) -> list[str]:
    """A header's column names: its cells when the converter printed them as a row, each split further at gaps
    and before "N." ("N. eventi PID N. imprese coinvolte" prints two columns one space apart)."""
    cells = line.filled if line.is_row else [line.text.strip()]
    return [name.strip() for cell in cells for name in _COLUMN_GAP.split(cell) if name.strip()]


def _is_header(line: Line) -> bool:
    """Column names (over a line of values): a short line with letters, printed as columns or naming "N." counts."""
    text = line.text
    return bool(not VALUES_LINE.match(text) and _LETTER.search(text)
                and len(text.strip()) <= TABLE_HEADER_WIDTH
                and (_NUMBER_OF_COLUMN.search(text) or line.is_row or _GAP_INSIDE.search(text.strip())))


class Tables:
    def __init__(self, parser: MissionProse):
        self.parser = parser

    def read(self, mission: Mission, body: list[Line]) -> None:
        group = None
        i = 0
        while i < len(body):
            line = body[i]
            text = line.text
            # the cheap conditions first: a group label has a ":", a years header starts with a digit
            if ":" in text and len(text.strip()) < LABEL_WIDTH and _GROUP_LABEL.match(text) and \
                    i + 2 < len(body) and VALUES_LINE.match(body[i + 2].text):
                group = collapse(text).rstrip(":").strip()
            if may_start_with_digit(text) and (ym := _YEARS_HEADER.match(text)) and \
                    len(text.strip()) < LABEL_WIDTH:
                i = self.period_table(mission, body, i, ym)
                continue
            if i + 1 < len(body) and VALUES_LINE.match(body[i + 1].text) and _is_header(line):
                self.header_values_table(mission, line, body[i + 1], group)
                i += 2
                continue
            i += 1

    def header_values_table(self, mission: Mission, header: Line, values: Line, group: str | None) -> None:
        """"N. bandi      N. imprese ammesse  Importi concessi" over "3   19   €  199.286,10€"."""
        parser, number = self.parser, header.number
        names = column_names(header)
        cells = [c.strip() for c in _TABLE_VALUE.findall(values.text) if _DIGIT.search(c)]
        parser.consumed.update({number, values.number})
        printed = f"{header.text}\n{values.text}"
        if len(names) != len(cells):
            parser.quarantine(number, f"ad-hoc table: {len(names)} column names but {len(cells)} values", printed,
                              values.number)
            return
        first = names[0]
        for name, cell in zip(names, cells, strict=True):
            value = number_value(_MONEY_MARKS.sub("", cell))
            if value is None:
                parser.quarantine(number, "ad-hoc table value is not a number", printed, values.number)
                continue
            money = "€" in cell
            # "N. imprese coinvolte" under "N. eventi PID": say which events, unless the group name already does
            acronym = _ACRONYM.search(first)
            plain = name is first or money or not acronym or acronym.group(0) in (group or "")
            label = name if plain else f"{name} ({_NUMBER_OF.sub('', first)})"
            full = f"{group} - {label}" if group else label
            kind = "money" if money else noun_class(name)
            parser.add_reading(mission, number, full, kind, f"{group} {name}", role="summary",
                               actual_raw=collapse(cell), actual_value=value, actual_unit="EUR" if money else "N.",
                               notes=f"summary table{' ' + repr(group) if group else ''}: column names on this "
                                     f"line, values on line {values.number}")

    def period_table(self, mission: Mission, body: list[Line], i: int, ym: re.Match[str]) -> int:
        """" 2021 2022 differenza percentuale" then rows: a label (maybe wrapped) and a line of values."""
        parser = self.parser
        header = body[i].text
        years = [int(ym.group("y1")), int(ym.group("y2"))]
        current = years.index(parser.year) if parser.year in years else 1
        parser.consumed.add(body[i].number)
        j = i + 1
        label_parts: list[Line] = []
        while j < len(body):
            line = body[j]
            stripped = line.text.strip()
            if VALUES_LINE.match(line.text):
                self.period_row(mission, line, label_parts, header, years, current)
                label_parts = []
                j += 1
                continue
            if len(stripped) <= TABLE_LABEL_WIDTH and not _LABEL_END.search(stripped):
                label_parts.append(line)
                j += 1
                continue
            break
        return j - len(label_parts)

    def period_row(self, mission: Mission, line: Line, label_parts: list[Line], header: str, years: list[int],
                   current: int) -> None:
        """A row of a two-period table: its label lines and its line of values."""
        parser = self.parser
        cells = [c.strip() for c in _TABLE_VALUE.findall(line.text) if _DIGIT.search(c)]
        if not label_parts or len(cells) < 2:
            parser.quarantine(line.number, "two-period table row without a label or values", line.text)
        else:
            label = collapse(" ".join(part.text for part in label_parts))
            actual, base = cells[current], cells[1 - current]
            extra = f"; differenza {', '.join(cells[2:])}" if len(cells) > 2 else ""
            parser.add_reading(mission, label_parts[0].number, label, noun_class(label), label, role="detail",
                               actual_raw=actual, actual_value=number_value(actual), actual_unit="N.",
                               baseline_raw=base, baseline_value=number_value(base),
                               notes=f"table {collapse(header)}: baseline = {years[1 - current]} column{extra}")
            parser.consumed.update(part.number for part in label_parts)
        parser.consumed.add(line.number)
