"""The plan_cards layout's words (profiles/plan_cards.toml) made into the patterns its modules read lines with.

A profile word matches with any run of spaces where it prints one (the document justifies its lines). Headings
the layout prints in capitals (cards, sections, block ends) are matched in capitals: the same words in a sentence
are no heading.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

from ccperf.extract.profiles import load_profile

PROFILE = load_profile("plan_cards")


def words_pattern(words: Iterable[str]) -> str:
    """An alternation of words (longest first), each space read as a run of whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", " ").replace(" ", r"\s+")
                    for w in sorted(words, key=len, reverse=True))


def _alt(key: str) -> str:
    return words_pattern(PROFILE.words(key))


def _caps(key: str) -> str:
    return words_pattern(w.upper() for w in PROFILE.words(key))


def _lower(key: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in PROFILE.words(key))


def holds_any(words: Iterable[str], any_case: bool = False) -> Callable[[str], bool]:
    """A cheap test before a pattern: does a line hold one of the words (in any case)? A plain `in` for one word."""
    words = tuple(dict.fromkeys(w.lower() if any_case else w for w in words))
    if len(words) == 1:
        word = words[0]
        return (lambda text: word in text.lower()) if any_case else (lambda text: word in text)
    pattern = re.compile("|".join(map(re.escape, words)), re.I if any_case else 0)
    return lambda text: pattern.search(text) is not None


def _first_words(key: str) -> list[str]:
    return [w.split()[0] for w in PROFILE.words(key)]


# -- cards ---------------------------------------------------------------------------------------------------
# A card heading: the level in capitals alone on its line, with its code ("NUOVO OBIETTIVO - " before new ones).
CARD = re.compile(rf"^\s*(?P<new>(?:{_caps('new_objective_mark')})\s*[-–]\s*)?(?P<level>{_caps('card_levels')})\b"
                  r"\s*(?P<code>\d+(?:\.\d+)*)?\s*$")
CARD_LEVELS = {re.sub(r"\s+", " ", w.upper()): level for w, level in PROFILE.table("card_levels").items()}
CARD_WORD = os.path.commonprefix([w.upper() for w in PROFILE.words("card_levels")]).strip()  # in every heading
# A row of the directors' table: "Obiettivo Operativo 3.1 <title> 10,00% 10,00%" (the level as printed there).
WEIGHT_ROW = re.compile(rf"^\s*(?P<kind>{_alt('card_levels')})\b\s*(?P<code>\d+(?:\.\d+)*)?\s*(?P<rest>.*)$")
OBJECTIVE_START = re.compile(rf"^\s*{re.escape(CARD_WORD)}")  # another objective box ("OBIETTIVO OPERATIVI")
CARD_WEIGHT_LINE = re.compile(rf"^\s*(?:{_alt('card_weight_line')})", re.I)
WEIGHT_LABEL = re.compile(rf"\b(?:{_alt('weight_label')})\s*:\s*", re.I)
WEIGHT_WORDS = frozenset(_lower("weight_label"))
AREA_WEIGHT_LABEL = re.compile(rf"^\s*(?:{_alt('area_weight_label')})\s+\w")
PERSPECTIVE = re.compile(rf"^\s*(?:{_alt('perspective_label')})")
DESCRIPTION = re.compile(rf"^\s*(?:{_alt('description_label')})")
NOT_A_PERSPECTIVE = _lower("not_a_perspective") + _lower("description_label")
COEFFICIENT = re.compile(rf"(?:{_alt('coefficient_label')})\s*(?P<c>\d+)", re.I)
INDICATORS_HEADING = re.compile(rf"^\s*(?:{_alt('indicators_heading')})")
STRATEGIC_INDICATORS_WEIGHT = re.compile(rf"(?:{_alt('strategic_indicators_weight')})\s+(?:{_alt('weight_label')})"
                                         r"\s*:\s*")
OPERATIONAL_CONTRIBUTION = re.compile(rf"^\s*(?:{_alt('operational_contribution')})")

# -- sections between cards, ends of blocks -----------------------------------------------------------------
CARDS_HEADING = re.compile(rf"^\s*(?:{_caps('cards_heading')})")
AGENCY_SECTION = re.compile(rf"^\s*(?P<name>{_caps('agency_section')})\s*$")
AREA_SECTION = re.compile(rf"^\s*(?P<name>(?:{_caps('area_section')})\s+[A-Z][A-Z' ]*)$")
TREE_AREA = re.compile(_caps("tree_area_word"))
SECTION_FIRST = frozenset(w.upper()[0] for key in ("cards_heading", "agency_section", "area_section")
                          for w in PROFILE.words(key))  # what a section heading starts with
BLOCK_STOP = re.compile(rf"^\s*(?:{_caps('block_stops')}|{_caps('cards_heading')}|{_caps('agency_section')}\s*$|"
                        rf"(?:{_caps('area_section')})\s+[A-Z][A-Z ]*$)")
FOOTER = re.compile(rf"^\s*(?:{_alt('page_footer')})\b", re.I)

# -- indicator blocks ----------------------------------------------------------------------------------------
HOLDS_INDICATOR = holds_any(PROFILE.words("indicator_label"))
INDICATOR = re.compile(rf"^\s*(?P<subst>(?:{_alt('replacement_mark')})\s+)?(?:{_alt('indicator_label')})\s+"
                       r"(?P<n>\d+)\s*:\s*(?P<name>.*)$")
TYPE_LINE = re.compile(rf"^\s*(?:{_alt('type_label')})\s*:", re.I)
_BOX, _TICK = (re.escape(PROFILE.table("type_boxes")[k]) for k in ("box", "tick"))
TICK = PROFILE.table("type_boxes")["tick"].lower()
# A box before each type: empty "□", ticked "□X" / "□XX", or a bare "X".
TYPE_BOX = re.compile(rf"(?P<box>{_BOX}\s*(?:{_TICK})+|{_BOX}|\b(?:{_TICK})+)\s*(?P<type>{_alt('indicator_types')})",
                      re.I)
BASELINE_LABEL = re.compile(rf"^\s*(?:{_alt('baseline_labels')})", re.I)
BASELINE_ABOVE_HEADER = re.compile(_alt("baseline_above_header"), re.I)
TARGET_LABEL = tuple(w.lower() for w in PROFILE.words("target_label"))
BASELINE_YEAR = re.compile(rf"\b(?:{_alt('baseline_year_label')})\s+\d{{4}}\b", re.I)
COLUMN_DATES: dict[str, str] = PROFILE.table("column_dates")  # date → slot
MID_DATE = next(d for d, slot in COLUMN_DATES.items() if slot == "mid")
END_DATE = next(d for d, slot in COLUMN_DATES.items() if slot == "target")
# The column header "al 30/6 al 31/12" (a weight may be glued before it: "20%al 30/6 al 31/12").
HEADER = re.compile(rf"^(?P<before>[\d.,%\s]*)(?:{_alt('column_date_word')})\b.*\b{re.escape(END_DATE)}\b", re.I)
REVISED = re.compile(_alt("revised_column"), re.I)
# The words a wrapped column header goes on with ("Nuova / previsione al / 31/12 / Peso").
HEADER_WORDS = frozenset(_lower("revised_column") + _lower("column_date_word") + _lower("weight_label")) | {END_DATE}
BASELINE_MARKERS = tuple(tuple(w.split()) for w in _lower("baseline_markers"))
BASELINE_WORDS = frozenset(_lower("baseline_words"))
UNIT_ADJECTIVES = frozenset(_lower("unit_adjectives"))
_DATE_WORD = PROFILE.words("column_date_word")[0]
SLOT_LABELS = {"baseline": "/".join(PROFILE.words("baseline_labels")), "mid": f"{_DATE_WORD} {MID_DATE}",
               "target": f"{_DATE_WORD} {END_DATE}",
               "revised": f"{' '.join(PROFILE.words('revised_column'))} {_DATE_WORD} {END_DATE}"}  # for notes

# -- the directors' weight table, the strategic areas, narrative figures ---------------------------------------
WEIGHTS_TITLE = re.compile(_alt("weights_table_title"), re.I)
HOLDS_WEIGHTS_TITLE = holds_any(_first_words("weights_table_title"), any_case=True)
WEIGHTS_END = re.compile(_alt("weights_table_end"))
WEIGHTS_TOTAL = re.compile(rf"^\s*(?:{_alt('weights_total_label')})\s+(?P<rest>.+)$")
AREAS_INTRO = re.compile(rf"\b(?P<n>\w+)\s+(?:{_alt('areas_intro')})\s*:\s*$", re.I)
AREAS_INTRO_END = re.compile(rf"(?:{words_pattern(w.split()[-1] for w in PROFILE.words('areas_intro'))})\s*:\s*$",
                             re.I)  # the intro's last word, on the line ending it
STAFF_CATEGORY = re.compile(rf"^\s*•\s*(?P<v>\S+)\s+(?:{_alt('staff_category')})\s+(?P<c>\S+?)\s*;?\s*$")
COST_HEADING = re.compile(rf"(?:{_alt('cost_table_heading')})\s*$")
HOLDS_COST_HEADING = holds_any(_first_words("cost_table_heading"))
RATIO_HEADING = re.compile(rf"^\s*(?:{_alt('ratio_table_heading')})\s*$")
HOLDS_RATIO_HEADING = holds_any(_first_words("ratio_table_heading"))
NARRATIVE_FACTS: dict[str, dict] = PROFILE.table("narrative_facts")

SIGNATURES = (*(re.compile(rf"^\s*{re.escape(w)}") for w in PROFILE.words("detect_line_starts")),
              *(re.compile(re.escape(w)) for w in PROFILE.words("detect_anywhere")))
