"""The layout's vocabulary, read once from profiles/area_objective_tables.toml, and the patterns built from it."""

from __future__ import annotations

import re

from ccperf.extract.profiles import load_profile

PROFILE = load_profile("area_objective_tables")

# -- performance tables ------------------------------------------------------------------------------------------
# A header is a kind word, then a code YYYY_AA (area), YYYY_AA_SS (strategic) or YYYY_AA_SS_OO (operational).
OBJECTIVE_HEADER = re.compile(
    rf"^(?P<kind>{PROFILE.alternation('objective_headers')})\s+(?P<code>\d{{4}}(?:_\d{{1,2}})+)\b\s*(?P<suffix>.*)$", re.I)
HEADER_LEVELS = tuple((re.compile(rf"^(?:{word})$", re.I), level)
                      for word, level in PROFILE.table("objective_headers").items())
HEADER_WITHOUT_CODE = PROFILE.pattern("headers_missing_a_code", r"^{}\b")
MISSION_LINE = PROFILE.pattern("mission_line", r"^{}\s+(?P<code>\d{{3}})\b\s*[:\-–]?\s*(?P<title>.*)$")
INDICATORS_LABELS = frozenset(w.lower() for w in PROFILE.words("indicators_label"))
TABLE_HEADER = tuple(w.lower() for w in PROFILE.words("table_header"))
TABLE_COLUMNS = PROFILE.table("table_columns")
BARE_VALUE_COLUMN = tuple(w.lower() for w in PROFILE.words("bare_value_column"))
TYPE_WORDS = frozenset(w.lower() for w in PROFILE.words("type_words"))
STATUS_LINE = PROFILE.pattern("status_line_lead", r"^{}\b")
SEE_BELOW = PROFILE.pattern("see_below", r"^{}")

# -- PIRA ----------------------------------------------------------------------------------------------------------
PIRA_WORDS = {key: word.lower() for key, word in PROFILE.table("pira_words").items()}
PIRA_KEYS = PROFILE.table("pira_keys")
PIRA_KEY_LABELS = PROFILE.table("pira_key_labels")
PIRA_COLUMNS = tuple((re.compile(pattern, re.I), key) for pattern, key in PROFILE.table("pira_columns").items())
PIRA_COLUMN_LABELS = PROFILE.table("pira_column_labels")
PIRA_RESULT_HEADER = tuple(w.lower() for w in PROFILE.words("pira_result_header"))
PIRA_TYPES = frozenset(w.lower() for w in PROFILE.words("pira_types"))
PIRA_EMPTY_TITLES = frozenset(PROFILE.words("pira_empty_titles"))

# -- prose ---------------------------------------------------------------------------------------------------------
# (pattern, lower-case word every match holds, fact name, unit): the word is looked for first, far cheaper than a
# case-insensitive scan of every remark.
PROSE_FACTS = tuple((re.compile(pattern, re.I), word, name, unit)
                    for pattern, (name, unit, word) in PROFILE.table("prose_facts").items())
PERSONNEL_COSTS = PROFILE.pattern("personnel_costs")
PERSONNEL_COSTS_WORD = PROFILE.value("personnel_costs_word")


def signatures() -> tuple[re.Pattern[str], ...]:
    """Detection: every signature needs a cell boundary (a tab in the canonical text), since the same headings
    printed as plain lines belong to another layout."""
    headers = [re.compile(rf"^{word}\s+\d{{4}}_\d{{2}}[\d_]*(?:\s+\w+)?\t")
               for word in PROFILE.words("detect_objective_headers")]
    rows = [re.compile("^" + r"\t".join(re.escape(cell) for cell in row.split("|")))
            for row in PROFILE.words("detect_header_rows")]
    labels = re.compile(rf"^(?:{PROFILE.alternation('detect_label_rows')})\t")
    types = re.compile(rf"\t(?:{PROFILE.alternation('detect_type_cells')})\t")
    return (*headers, *rows, labels, types)
