"""Words with a fixed meaning in Italian reports: statuses, function words, months. The one place for them
(numbers, number words and dates are in numbers.py; a layout's own words are in its profile)."""

from __future__ import annotations

import re

_STATUS_PATTERNS = (
    (re.compile(r"\b(?:parzialmente\s+(?:raggiunto|conseguito)|parziale\s+raggiungimento|raggiunto\s+parzialmente)", re.I),
     "partially_achieved"),
    (re.compile(r"\b(?:non\s+(?:raggiunto|conseguito)|obiettivo\s+non\s+)", re.I), "not_achieved"),
    (re.compile(r"\b(?:raggiunto|conseguito|raggiunti)\b", re.I), "achieved"),
)


# Italian function words (articles, prepositions and their contractions, conjunctions): never the words that name
# what a sentence or a cell is about.
FUNCTION_WORDS: frozenset[str] = frozenset({
    "a", "ad", "al", "alla", "alle", "ai", "agli", "all", "con", "da", "dal", "dalla", "dalle", "dai", "dagli", "de",
    "dei", "del", "della", "delle", "degli", "dell", "di", "e", "ed", "il", "lo", "la", "le", "i", "gli", "l", "in",
    "nel", "nella", "nelle", "nei", "negli", "nell", "per", "su", "sul", "sulla", "sulle", "sui", "sugli", "tra", "fra",
    "o", "od", "un", "una", "uno", "che", "cui",
})
MONTHS: tuple[str, ...] = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
                           "settembre", "ottobre", "novembre", "dicembre")

_IN_PROGRESS = re.compile(r"in\s+corso\s+di", re.I)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def parse_status(text: str | None) -> str | None:
    """"Raggiunto" → achieved, "Parzialmente Raggiunto" → partially_achieved, "Non raggiunto" → not_achieved.

    Progress wording ("in corso di conseguimento") has no status.
    """
    if not text or _IN_PROGRESS.search(text):
        return None
    for pattern, status in _STATUS_PATTERNS:
        if pattern.search(text):
            return status
    return None


def slug(text: str) -> str:
    """A lower-case identifier fragment: "OO 2.1.4 - Kpi 1" → "oo_2_1_4_kpi_1"."""
    return _NOT_SLUG.sub("_", text.lower()).strip("_")
