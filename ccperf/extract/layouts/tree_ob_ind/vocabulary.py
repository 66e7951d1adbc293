"""The layout's patterns: shapes of the flattened cells, filled in with the words of profiles/tree_ob_ind.toml."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ccperf.extract.profiles import load_profile

PROFILE = load_profile("tree_ob_ind")


def _words(key: str) -> str:
    """The entry as a regex alternation (case as printed)."""
    return f"(?:{PROFILE.alternation(key)})"


def needle(words: Iterable[str]) -> str:
    """The longest text every word holds: a line without it cannot hold any of the words (a substring test is far
    cheaper than a pattern, so patterns run only on the few lines that pass it)."""
    words = list(words)
    shortest = min(words, key=len)
    for size in range(len(shortest), 0, -1):
        for start in range(len(shortest) - size + 1):
            if all(shortest[start:start + size] in word for word in words):
                return shortest[start:start + size]
    return ""


def regex_needle(regex: str) -> str:
    """The longest run of literal characters a simple regex requires ("INDICATORI PIU.?\\s+…" → "INDICATORI PIU");
    "" for a regex with alternatives or optional groups. A line without it cannot match."""
    if "|" in regex or re.search(r"\)[?*{]", regex):
        return ""
    runs, run, k = [], "", 0
    while k < len(regex):
        ch = regex[k]
        if ch.isalnum() or ch in " /'’-:":
            run += ch
            k += 1
            continue
        if ch in "?*{" and run:
            run = run[:-1]  # the character before a quantifier may be missing
        runs.append(run)
        run = ""
        if ch == "[":  # a character class: no literal
            k = regex.index("]", k + 2) + 1
        else:
            k += 2 if ch == "\\" else 1  # an escape ("\\s", "\\.") is no literal of its own here
    runs.append(run)
    return max(runs, key=len)


def _pattern(key: str, template: str = "{}", flags: int = 0) -> re.Pattern[str]:
    return PROFILE.pattern(key, template, flags)


# -- cells --------------------------------------------------------------------------------------------------------
PCT = r"-?\d[\d.]*(?:,\d+)?\s?%"  # a percentage as printed ("100,00%", "95,5 %")
PCT_RE = re.compile(PCT)
_OFFICES = f"{_words('offices')}(?:\\s+{_words('offices')})*"
# The values line of an indicator row ends with "%Realizz target" and "% Realizz parametrata" (then UFFICIO).
ANCHOR = re.compile(rf"^(?P<pre>.*?)(?P<pt>{PCT})\s+(?P<pp>{PCT})(?:\s+(?P<office>{_OFFICES}))?\s*$")
PROGRAMME = re.compile(r"\b\d{3}/\d{3}\b")  # mission/programme "032/002"

# -- row markers (the Ob/Ind column) ----------------------------------------------------------------------------
OBJECTIVE_LEVELS: dict[str, str] = PROFILE.table("objective_markers")
CODE_LEVELS: dict[str, str] = PROFILE.table("indicator_code_letters")
_TYPES = _words("indicator_types")
_CODE_LETTERS = "".join(re.escape(letter) for letter in CODE_LEVELS)
TYPE_ONLY = re.compile(rf"^\s*({_TYPES})\s*$")
# "IO O1.2.4-a Numero newsletter …", "O2.1.4-c", "O2.1.4-fattuazione" (code glued to the name)
CODE_LINE = re.compile(rf"^\s*(?:(?P<type>{_TYPES})\s+)?(?P<code>[{_CODE_LETTERS}]\d+(?:\.\d+){{1,3}}-[a-z])(?P<rest>.*)$")
INDICATOR_CODE = re.compile(rf"^(?P<letter>[{_CODE_LETTERS}])(?P<num>\d+(?:\.\d+)+)-")
_FUND_OB = rf"{_words('fund_objective_label')}\s*\d+"
FUND_LINE = re.compile(rf"^\s*(?P<head>[A-Z]{{2,4}}):\s*(?P<ob>{_FUND_OB})?\s*$")  # "FRD:" [⏎] "ob1"
FUND_OB = re.compile(rf"^\s*({_FUND_OB})\s*$")
OBJECTIVE_MARKER = re.compile(rf"^\s*(?P<kind>{_words('objective_markers')})(?:\s+(?P<rest>.*))?$")
TOTAL_MARKER = re.compile(rf"^\s*{_words('strategic_total_row')}\s+(?P<code>\d+(?:\.\d+)+)\s+"
                          rf"{_words('strategic_total_label')}\s+(?P<pct>{PCT})")
ENTITY_MARKER = re.compile(rf"^\s*{_words('entity_row')}\s*(?P<pct>{PCT})?")
AREA_CODE = _words("area_code_label") + r"\s*\d+"  # "OB 1"
ALGORITMO_OPENING = re.compile(rf"^\s*{_words('algoritmo_openings')}")
ALGORITMO_DATE = re.compile(rf"^\s*{_words('algoritmo_date_word')}\b", re.I)

# -- section headings ---------------------------------------------------------------------------------------------
UNIT_RESULT_LABEL = PROFILE.value("unit_result_label")
UNIT_HEADING = re.compile(
    rf"^\s*(?P<code>S\d+|[A-Z]{{2,4}})\s*[-–]\s*(?P<title>.+?)\s*[-–]\s*{re.escape(UNIT_RESULT_LABEL)}\s+(?P<word>\w+)\s+"
    rf"(?P<pct>{PCT})")
TREE_HEADING = PROFILE.value("tree_heading")
STRATEGIC_HEADING = _pattern("strategic_heading", flags=re.I)
STRATEGIC_NEEDLE = needle(PROFILE.words("strategic_heading")).lower()
OPERATIONAL_HEADING = _pattern("operational_heading", flags=re.I)
OPERATIONAL_NEEDLE = needle(PROFILE.words("operational_heading")).lower()
CLOSING_SECTION = _pattern("closing_section", r"^\s*{}\s*-")
CLOSING_SECTION_NEEDLE = needle(PROFILE.words("closing_section"))
CLOSING_HEADING = _pattern("closing_heading")
CLOSING_NEEDLE = needle(PROFILE.words("closing_heading"))
TOP_HEADING = _pattern("top_heading")
TOP_NEEDLE = needle([regex_needle(r) for r in PROFILE.words("top_heading")])
BSC_HEADING = _pattern("bsc_heading")
BSC_NEEDLE = needle([regex_needle(r) for r in PROFILE.words("bsc_heading")])
SCORES_CHAPTER = PROFILE.value("scores_chapter")
ENTITY_SCORE_LABEL = PROFILE.value("entity_score_label")
ENTITY_SCORE = re.compile(rf"{re.escape(ENTITY_SCORE_LABEL)}\s+({PCT})")
AREA_SCORES_HEADING = _pattern("area_scores_heading")
UNIT_SCORES_HEADING = _pattern("unit_scores_heading")
AREA_SCORES_COLUMN = _pattern("area_scores_column", "^{}\\b")
AREA_SCORE_LABEL = re.compile(rf"^({AREA_CODE})\s*:")
INDIVIDUAL_SUMMARY_HEADING = PROFILE.value("individual_summary_heading")
INDIVIDUAL_SUMMARY_SUBJECT = _pattern("individual_summary_subject", "{}\\s+(.+)$")
SECRETARY_WORDS = PROFILE.value("secretary_table_heading")
SECRETARY_HEADING = re.compile(rf"^\s*{re.escape(SECRETARY_WORDS)}\s+(?P<code>{_words('secretary_code')})\s*$")
POSITION_CODE = re.compile(_words("position_code") + r"\s*")
POSITION_HEADING = re.compile(rf"^\s*(?P<code>{_words('position_code')}\s*\d+)\s*[–-]\s*(?P<title>\S.*?)\s*$")
CHAPTER = re.compile(r"^\s*(?P<n>\d)\.\s+(?P<title>[A-ZÀ-Ú][A-ZÀ-Ú'’ ]{3,})")  # " 1. I PRINCIPALI RISULTATI"
SECTION_LABELS: dict[str, str] = PROFILE.table("section_labels")
