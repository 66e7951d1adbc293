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
# Months as dates print them short ("7 giu", "20 set", "25 ott"), with or without a dot.
MONTH_ABBREVIATIONS: tuple[str, ...] = (*(month[:3] for month in MONTHS), "sett")
# The definite articles among the function words ("9 le iniziative": an article between a count and its noun).
DEFINITE_ARTICLES: frozenset[str] = frozenset({"il", "lo", "la", "l", "i", "gli", "le"})
# "di" and "a" contracted with an article (and "di" alone): they tie a noun to its complement inside a name
# ("domande di brevetto", "contributi alle imprese"), where the other function words end it.
LINKING_PREPOSITIONS: frozenset[str] = frozenset({
    "di", "de", "del", "dell", "della", "delle", "dei", "degli", "al", "all", "alla", "alle", "ai", "agli"})
# Abbreviations printed with a final dot that does not end a sentence ("art. 3", "ecc.", "Servimpresa S.c.a.r.l.").
ABBREVIATIONS: frozenset[str] = frozenset({"art", "ecc", "pag", "cfr", "es", "ss", "spa", "srl", "scarl"})
# Articles and prepositions (simple, and joined with an article): a phrase goes on after them ("almeno del 95%",
# "sul Quality Check"), where after a conjunction ("e", "o") a new item may start.
ARTICLES_AND_PREPOSITIONS: frozenset[str] = frozenset({
    "il", "lo", "la", "l", "i", "gli", "le", "un", "una", "uno", "di", "a", "ad", "da", "in", "con", "su", "per", "tra",
    "fra", "de", "del", "dello", "della", "dell", "dei", "degli", "delle", "al", "allo", "alla", "all", "ai", "agli",
    "alle", "dal", "dallo", "dalla", "dall", "dai", "dagli", "dalle", "nel", "nello", "nella", "nell", "nei", "negli",
    "nelle", "sul", "sullo", "sulla", "sull", "sui", "sugli", "sulle", "col", "coi"})
# A yes/no answer printed as a cell or a target ("sì", "si" without its accent, "no").
YES_NO: frozenset[str] = frozenset({"sì", "si", "no"})

_IN_PROGRESS = re.compile(r"in\s+corso\s+di", re.I)
# Outcomes as counts and notes state them, singular or plural ("N. 22 raggiunti", "N. 2 non valutabili").
_OUTCOME_PATTERNS = (
    (re.compile(r"\bnon\s+valutabil", re.I), "not_assessed"),
    (re.compile(r"\bparzial", re.I), "partially_achieved"),
    (re.compile(r"\bnon\s+(?:raggiunt|conseguit)", re.I), "not_achieved"),
    (re.compile(r"\b(?:raggiunt|conseguit)", re.I), "achieved"),
)
_OUTCOME_STEMS = ("valutabil", "parzial", "raggiunt", "conseguit")  # one of them is in every outcome
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


def parse_outcome(text: str | None) -> str | None:
    """The outcome a stated count or a note names, singular or plural: "raggiunti" → achieved, "parzialmente
    raggiunti" → partially_achieved, "non raggiunti" → not_achieved, "non valutabile" → not_assessed."""
    low = text.lower() if text else ""
    if any(stem in low for stem in _OUTCOME_STEMS):
        for pattern, outcome in _OUTCOME_PATTERNS:
            if pattern.search(text):
                return outcome
    return None


def slug(text: str) -> str:
    """A lower-case identifier fragment: "OO 2.1.4 - Kpi 1" → "oo_2_1_4_kpi_1"."""
    return _NOT_SLUG.sub("_", text.lower()).strip("_")


_SUSPENDED = re.compile(r"\bsospes[oaie]\b", re.I)


def is_in_progress(text: str | None) -> bool:
    """Progress wording, which names no status: "OBIETTIVO IN CORSO DI CONSEGUIMENTO"."""
    return bool(text) and bool(_IN_PROGRESS.search(text or ""))


def is_suspended(text: str | None) -> bool:
    """"Obiettivo sospeso", "attività sospese": the thing measured was suspended."""
    return bool(text) and bool(_SUSPENDED.search(text or ""))
