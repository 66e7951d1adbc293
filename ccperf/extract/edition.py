"""Which edition of a report a document is: its date and whether it says it corrects (or drafts) a report.

Two documents can report the same chamber and year (an original and its "rettifica", a draft and the final text, a
plan and its "aggiornamento", the same report as text and as PDF). The dbt model int_document_precedence ranks
them with what is read here (and the manifest's `supersedes` and `date`, which win):

- wording in the title block (the first short lines, before the text starts) or in the file name: a correction
  ("rettifica", "errata corrige", "aggiornamento", "versione aggiornata/corretta/definitiva") ranks above a
  document without it; a draft ("bozza", "provvisoria", "draft") ranks below.
- the document's date: the date of the act adopting it ("deliberazione ... n. 21 del 28.05.2020", "approvata il
  30 giugno 2021") in the title block or its last lines, else a date in the file name (2021-06-30).

Both come with the line they were read from, so a decision can be traced to the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ccperf.extract.vocab import MONTHS

TITLE_LINES = 12  # non-empty lines of the title block at most
TITLE_MAX_WORDS = 14  # a longer line is text: the title block ends there
WORDING_MAX_WORDS = 12  # a title line saying "rettifica" is short, and says it first or after a separator
TAIL_LINES = 40  # the last lines, where a signature and date may stand

_LEAD = r"(?:^|[-–—(:,/|]\s*)"  # wording starts the line, or follows a separator ("Relazione 2020 - Rettifica")
_CORRECTION = re.compile(
    _LEAD + r"(rettific[a-z]*|errata[\s-]+corrige|aggiornament[oi]|aggiornat[ao]|versione\s+(?:aggiornata|corretta|"
    r"rettificata|definitiva|rivista|sostitutiva)|testo\s+(?:coordinato|rettificato|corretto))\b", re.I)
_DRAFT = re.compile(_LEAD + r"(bozza|provvisori[ao]|draft|non\s+definitiv[ao])\b", re.I)
_FILE_CORRECTION = re.compile(r"(rettific|errata|aggiorn|corrett|definitiv)", re.I)
_FILE_DRAFT = re.compile(r"(bozza|draft|provvisori)", re.I)
_TOC = re.compile(r"\.{3,}|…|\s\d{1,3}\s*$")  # a table of contents entry: dot leaders, a page number

_MONTH = "|".join(MONTHS)
_DATE = (rf"(?P<d>\d{{1,2}})[./-](?P<m>\d{{1,2}})[./-](?P<y>(?:19|20)\d{{2}})\b"
         rf"|(?P<d2>\d{{1,2}})(?:°|º)?\s+(?P<mn>{_MONTH})\s+(?P<y2>(?:19|20)\d{{2}})\b"
         rf"|(?P<y3>(?:19|20)\d{{2}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})\b")
# the act that adopts, approves or corrects the document, then its date
_ACT_DATE = re.compile(
    r"\b(?:delibera(?:zione)?|determina(?:zione)?|provvedimento|decreto\s+del\s+presidente|approvat[aoie]|"
    r"adottat[aoie]|rettificat[aoie]|aggiornat[aoie]|pubblicat[aoie])\b[^\n]{0,90}?"
    rf"\b(?:del|il|in\s+data|dd\.?|data)\s+(?:{_DATE})", re.I)
_FILE_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")


@dataclass(frozen=True)
class Edition:
    date: str | None = None  # ISO date
    date_line: int | None = None  # 1-based line it was read on (None: from the file name or the manifest)
    weight: int = 0  # 1 a correction, -1 a draft, 0 neither
    note: str | None = None  # the wording and where it was read, e.g. "'Rettifica' (line 3)"


def _date(m: re.Match[str]) -> dt.date | None:
    groups = m.groupdict()
    try:
        if groups.get("y"):
            return dt.date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        if groups.get("y2"):
            return dt.date(int(groups["y2"]), MONTHS.index(groups["mn"].lower()) + 1, int(groups["d2"]))
        if groups.get("y3"):
            return dt.date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
    except ValueError:  # 31.02.2020
        return None
    return None


def title_block(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(line number, text) of the short lines before the text starts, at most TITLE_LINES of them."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        text = " ".join(line.split())
        if not text:
            continue
        if len(text.split()) > TITLE_MAX_WORDS or len(out) >= TITLE_LINES:
            break
        out.append((number, text))
    return out


def read_edition(lines: Sequence[str], file_name: str) -> Edition:
    """The document's date and correction/draft wording (see the module docstring)."""
    title = title_block(lines)
    weight, note = 0, None
    for number, text in title:
        if _TOC.search(text) or len(text.split()) > WORDING_MAX_WORDS:
            continue
        if m := _CORRECTION.search(text):
            weight, note = 1, f"{m.group(1)!r} in the title (line {number})"
            break
        if m := _DRAFT.search(text):
            weight, note = -1, f"{m.group(1)!r} in the title (line {number})"
            break
    if weight == 0:
        if m := _FILE_CORRECTION.search(file_name):
            weight, note = 1, f"{m.group(1)!r} in the file name"
        elif m := _FILE_DRAFT.search(file_name):
            weight, note = -1, f"{m.group(1)!r} in the file name"
    best: tuple[dt.date, int | None] | None = None
    head_end = title[-1][0] + 5 if title else min(len(lines), 10)
    start_tail = max(head_end, len(lines) - TAIL_LINES)
    candidates = [*enumerate(lines[:head_end], 1), *((n, lines[n - 1]) for n in range(start_tail + 1, len(lines) + 1))]
    for number, line in candidates:
        for m in _ACT_DATE.finditer(line):
            found = _date(m)
            if found and (best is None or found > best[0]):
                best = (found, number)
    if best is None and (m := _FILE_DATE.search(file_name)):
        try:
            best = (dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d"))), None)
        except ValueError:
            best = None
    return Edition(best[0].isoformat() if best else None, best[1] if best else None, weight, note)
