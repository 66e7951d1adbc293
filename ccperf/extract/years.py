"""The reference year and the kind of a report, from its content.

The year is the one the title states ("Relazione sulla Performance 2019", "Piano della Performance 2020-2022": a plan
for a period is the plan of its first year), else the year of the objective codes ("2020_01_02"), else the year the
tables are headed with ("Target 2024", "Consuntivo 2024"), else the year printed clearly most often. A year that
none of these decides is returned as undecided, with the evidence, for the run to report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ccperf.extract.text import fold_for_literals, search_folded

HEAD_LINES = 60
_YEAR_TITLE = re.compile(
    r"(?:relazione\s+sulla\s+performance|relazione\s+sulla\s+gestione(?:\s+e\s+sui\s+risultati)?|"
    r"piano\s+(?:integrato\s+)?della\s+performance|piano\s+integrato\s+di\s+attivit\S+\s+e\s+organizzazione|"
    r"piao|esercizio|anno)\s*(?:anno\s*|per\s+l['’]anno\s*|del(?:l['’]anno)?\s*)?((?:19|20)\d\d)\b", re.I)
_YEAR_CODE = re.compile(r"\b((?:19|20)\d\d)_\d\d\b")
_YEAR_HEADER = re.compile(r"(?:target|consuntivo|risultato\s+atteso(?:\s+anno)?|valore\s+atteso|obiettivi)\s+"
                          r"((?:19|20)\d\d)\b", re.I)
_YEAR_ANY = re.compile(r"\b((?:19|20)\d\d)\b")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
_KIND_PHRASES = (
    (re.compile(r"relazione\s+sulla\s+gestione", re.I), "relazione_gestione"),
    (re.compile(r"relazione\s+sulla\s+performance", re.I), "relazione_performance"),
    (re.compile(r"piano\s+(?:integrato\s+)?della\s+performance|piano\s+integrato\s+di\s+attivit", re.I),
     "piano_performance"),
)
_RESULT_CUES = re.compile(r"valore\s+raggiunto|obiettivo\s+conseguito|consuntivo|risultato\s+(?:raggiunto|conseguito)|"
                          r"%\s*realizz", re.I)
_CLEAR_LEAD = 1.5  # the most printed year decides only when printed this many times more than the next


@dataclass(frozen=True)
class YearEvidence:
    year: int | None
    how: str  # title | codes | table headers | most printed | undecided
    detail: str = ""


def reference_year(lines: Sequence[str], text: str | None = None) -> YearEvidence:
    """The reference year of the lines of a report (`text`: the lines joined by "\\n", when the caller has it)."""
    head = " ".join(line.strip() for line in lines[:HEAD_LINES] if line.strip())
    if m := search_folded(_YEAR_TITLE, head, fold_for_literals(head)):
        return YearEvidence(int(m.group(1)), "title", m.group(0))
    text = "\n".join(lines) if text is None else text
    # The patterns are bounded by \b on digits, so on the joined text they find exactly the matches of each line.
    codes = Counter(m.group(1) for m in _year_codes(text))
    if codes:
        return YearEvidence(int(codes.most_common(1)[0][0]), "codes")
    headers = Counter(m.group(1) for m in _YEAR_HEADER.finditer(text)) if "20" in text else Counter()
    if headers:
        return YearEvidence(int(headers.most_common(1)[0][0]), "table headers")
    years = Counter(m.group(1) for m in _years(text)).most_common(2)
    if not years:
        return YearEvidence(None, "undecided", "no year printed")
    if len(years) == 1 or years[0][1] >= _CLEAR_LEAD * years[1][1]:
        return YearEvidence(int(years[0][0]), "most printed")
    detail = ", ".join(f"{y} printed {n} times" for y, n in years)
    return YearEvidence(None, "undecided", f"no year in the title or the tables; {detail}")


def _year_codes(text: str) -> Iterator[re.Match[str]]:
    """_YEAR_CODE.finditer(text), looking only before each "_" (every match has one right after its year)."""
    pos = text.find("_", 4)
    while pos >= 0:
        if m := _YEAR_CODE.match(text, pos - 4):
            yield m
        pos = text.find("_", pos + 1)


def _years(text: str) -> Iterator[re.Match[str]]:
    """_YEAR_ANY.finditer(text), tried only where a quick scan finds 19dd/20dd."""
    for candidate in _YEAR_DIGITS.finditer(text):
        if m := _YEAR_ANY.match(text, candidate.start()):
            yield m


def report_kind(lines: Sequence[str]) -> str | None:
    """piano_performance, relazione_performance or relazione_gestione: the first phrase naming one, else a report of
    results when the text speaks of results."""
    text = "\n".join(lines)
    folded = fold_for_literals(text)  # the case-insensitive phrases are searched as case-sensitive twins on it
    first: tuple[int, str] | None = None
    for pattern, kind in _KIND_PHRASES:
        m = search_folded(pattern, text, folded)
        if m and (first is None or m.start() < first[0]):
            first = (m.start(), kind)
    if first:
        return first[1]
    return "relazione_performance" if search_folded(_RESULT_CUES, text, folded) else None
