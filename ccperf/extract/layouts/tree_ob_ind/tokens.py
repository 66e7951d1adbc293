"""The flattened text of the layout: its lines repaired, and the tokens of a values line.

The PDF was flattened without layout: a cell wraps on its own lines, a date may be cut inside its year
("12/12/201" ⏎ "9"), a percentage cut from its sign ("100,0" ⏎ "%"), and the word processor's footer placeholder
with the page number sits inside the tables. The lines are repaired once, before the tables are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ccperf.extract.document import Line
from ccperf.extract.layouts.tree_ob_ind.vocabulary import ANCHOR, PROFILE
from ccperf.extract.numbers import collapse, parse_number, parse_operator, parse_unit
from ccperf.extract.text import positions_of

_FOOTER = PROFILE.value("footer_placeholder")
_TOKEN = re.compile(r"\S+")
# A cell of a values line: a date, a number or percentage, or "---" (nothing to report)
_VALUE_TOKEN = re.compile(r"^(?:\d{1,2}/\d{1,2}/\d{4}|-?\d[\d.]*(?:,\d+)?%?|-{3})$")
BARE_OPERATOR = re.compile(r"^(?:>=|=>|<=|=<|[<>=≥≤])$")
_OPERATOR_SYMBOL = re.compile(r"[<>=≥≤]")
_WORD_START = re.compile(r"\b[^\W\d]")
_CUT_BEFORE_VOWEL = re.compile(r"[a-zà-ù]{5,}[b-df-hj-np-tv-z]$")
_LONE_VOWEL = re.compile(r"^[aeiou](?:\s|$)")
_SHORT_NUMBER_LINE = re.compile(r"\s*(\d{1,3})\s*")
_SPLIT_DATE = re.compile(r"(\d{1,2}/\d{1,2}/(\d{1,3}))\s*$")
_DECIMAL_AT_END = re.compile(r"\d,\d+\s*$")
_PERCENT_LINE = re.compile(r"\s*%\s*(?P<rest>.*)")
_DIGITS = re.compile(r"\d+")

Token = tuple[str, int, int]  # text, start, end in its line


# -- tokens ---------------------------------------------------------------------------------------------------------
def norm_chars(text: str) -> str:
    """Lower-case text without whitespace: what two printings of a name share whatever their wrapping."""
    return re.sub(r"\s+", "", text.replace("’", "'").lower())


def split_value_suffix(text: str) -> tuple[list[Token], list[Token]]:
    """(text tokens, trailing value tokens) of a line."""
    toks = [(t.group(0), t.start(), t.end()) for t in _TOKEN.finditer(text)]
    n = len(toks)
    while n > 0 and _VALUE_TOKEN.match(toks[n - 1][0]):
        n -= 1
    return toks[:n], toks[n:]


def is_anchor(text: str) -> bool:
    """A values line (ANCHOR); its two percentages need two "%" (a cheap test before the backtracking match)."""
    return text.count("%") >= 2 and ANCHOR.match(text) is not None


def is_value_line(text: str) -> bool:
    toks = text.split()
    return bool(toks) and all(_VALUE_TOKEN.match(t) for t in toks)


def value_of(raw: str | None) -> float | None:
    """A number or percentage cell as a float; dates and text give None."""
    if raw is None or "/" in raw:  # (a date: no number, and no need to try)
        return None
    return parse_number(raw.strip().rstrip("%").strip())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def algoritmo_operator(text: str | None) -> str | None:
    """The comparison an Algoritmo cell states: the first symbol ("% … >= 85%", "=2", "(>= 80%)"), else the first
    operator word ("entro il 30/06/2019": <=)."""
    if not text:
        return None
    if m := _OPERATOR_SYMBOL.search(text):
        return parse_operator(text[m.start():])[0]
    for word in _WORD_START.finditer(text):
        if operator := parse_operator(text[word.start():])[0]:
            return operator
    return None


def algoritmo_unit(target_raw: str | None, algoritmo: str | None) -> str | None:
    """Unit of a target: "%" when printed; for a plain number "N." (Algoritmo counts "n. …") or "gg" (days)."""
    if not target_raw:
        return None
    if target_raw.strip().endswith("%"):
        return "%"
    if value_of(target_raw) is None or not algoritmo:
        return None
    if parse_unit(algoritmo) in ("N.", "n."):
        return "N."
    if any(parse_unit(algoritmo[m.end():]) == "gg" for m in _DIGITS.finditer(algoritmo)):
        return "gg"
    return None


def join_wrapped(lines: Iterable[str]) -> str:
    """Wrapped cell lines as one text; a word cut before its last vowel is rejoined ("aggiornament" ⏎ "o")."""
    out = ""
    for line in lines:
        line = collapse(line)
        if not line:
            continue
        if out and _CUT_BEFORE_VOWEL.search(out) and _LONE_VOWEL.match(line):
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


def lines_holding(lines: list[TextLine], needles: Iterable[str]) -> list[int]:
    """Indexes of the lines holding any of the needles, in order, found by C-level searches of the joined text
    instead of a test per line (almost no line holds them)."""
    joined = "\n".join(line.text for line in lines)
    hits = positions_of(joined, needles)
    out: list[int] = []
    k, previous = 0, 0
    for pos in sorted(hits):
        k += joined.count("\n", previous, pos)  # the line of each hit, counted on from the previous one
        previous = pos
        if not out or out[-1] != k:
            out.append(k)
    return out


# -- repaired lines -------------------------------------------------------------------------------------------------
@dataclass(slots=True)  # one per line: slots make them cheaper to create and read
class TextLine:
    number: int  # 1-based line of the document
    text: str  # as printed, or as repaired
    blank: bool = False  # as `not text.strip()`; a field, not a property: it is read for every line many times

    @classmethod
    def of(cls, number: int, text: str) -> TextLine:
        return cls(number, text, not text or text.isspace())

    def set_text(self, text: str) -> None:
        """The only way to change a line's text: keeps `blank` in step."""
        self.text, self.blank = text, not text or text.isspace()


def prepare_lines(lines: Iterable[Line]) -> tuple[list[TextLine], dict[int, str]]:
    """The segment's lines with page footers blanked and cells split mid-token rejoined; the repairs by line."""
    rows = [TextLine(line.number, text, not text or text.isspace())  # (TextLine.of, inline: one per line)
            for line in lines for text in (line.text.rstrip("\r\n"),)]
    repairs: dict[int, str] = {}
    for i, row in enumerate(rows):
        if row.blank:
            continue
        text = row.text
        if _FOOTER in text:
            row.set_text("")
            j = _next_filled(rows, i)
            if j is not None and _SHORT_NUMBER_LINE.fullmatch(rows[j].text):
                rows[j].set_text("")  # the page number under the footer
        elif text.rstrip()[-1:].isdigit():  # both repairs need the line to end (blanks aside) with a digit
            if "/" in text and _rejoin_split_date(rows, i, repairs):
                continue
            if "," in text:
                _rejoin_percent_sign(rows, i)
    return rows, repairs


def _next_filled(rows: list[TextLine], i: int, limit: int = 3) -> int | None:
    for j in range(i + 1, min(len(rows), i + 1 + limit)):
        if not rows[j].blank:
            return j
    return None


def _rejoin_split_date(rows: list[TextLine], i: int, repairs: dict[int, str]) -> bool:
    """"12/12/201" ⏎ "9": a date split inside its year."""
    row = rows[i]
    m = _SPLIT_DATE.search(row.text)
    j = _next_filled(rows, i) if m else None
    if m is None or j is None or not (dm := _SHORT_NUMBER_LINE.fullmatch(rows[j].text)):
        return False
    year = m.group(2) + dm.group(1)
    if len(year) != 4 or not 1990 <= int(year) <= 2099:
        return False
    repairs[row.number] = f"'{m.group(1)}'+'{dm.group(1)}' (l.{row.number}-{rows[j].number})"
    row.set_text(row.text[: m.end(1)] + dm.group(1))
    rows[j].set_text("")
    return True


def _rejoin_percent_sign(rows: list[TextLine], i: int) -> None:
    """"100,0" ⏎ "%": a percentage split from its sign (objective rows of section 3.2)."""
    row = rows[i]
    if not _DECIMAL_AT_END.search(row.text):
        return
    j = _next_filled(rows, i)
    if j is not None and (pm := _PERCENT_LINE.fullmatch(rows[j].text)):
        rest = pm.group("rest")
        row.set_text(row.text.rstrip() + "%" + (" " + rest if rest else ""))
        rows[j].set_text("")
