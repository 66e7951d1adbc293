"""The words and column widths of the wrapped_cells layout, read once from profiles/wrapped_cells.toml."""

from __future__ import annotations

import re

from ccperf.extract.profiles import load_profile
from ccperf.extract.vocab import FUNCTION_WORDS, MONTHS

PROFILE = load_profile("wrapped_cells")


def _spaced(words: tuple[str, ...]) -> str:
    """An alternation of multi-word labels, any run of spaces between their words."""
    return "|".join(r"\s*".join(re.escape(part) for part in word.split()) for word in words)


_CODE = r"(?P<code>\d{4}(?:_\d+)+)"  # year_area[_strategic[_operational]]
AREA = re.compile(rf"^\s*(?:{_spaced(PROFILE.words('area_header'))})\s+{_CODE}\s*$")
OBJECTIVE_LEVELS = {"".join(k.split()).lower(): v for k, v in PROFILE.table("objective_headers").items()}
OBJECTIVE = re.compile(rf"^\s*(?P<kind>{_spaced(PROFILE.words('objective_headers'))})\s+{_CODE}\s*$")
MISSION = re.compile(rf"^\s*(?:{PROFILE.alternation('mission_heading')})\s+(?P<code>\d{{2,3}})\s*:")
TABLE_HEADING = PROFILE.pattern("table_heading", r"^\s*{}\s*$", 0)


def _runs(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The header lines and every run of consecutive ones joined (a converter that does not wrap the header prints
    it on one line: "Descrizione Tipo Valore Atteso Valore Raggiunto Note"), the longest first."""
    runs = {" ".join(lines[i:j]) for i in range(len(lines)) for j in range(i + 1, len(lines) + 1)}
    return tuple(sorted(runs, key=len, reverse=True))


# every word of the column header: a cell starting with two of them (or being one) holds the header itself
HEADER_WORDS = frozenset(word for line in PROFILE.words("column_header_lines") for word in line.split())
COLUMN_HEADER = re.compile(rf"^\s*(?:{_spaced(_runs(PROFILE.words('column_header_lines')))})\s*$")
STATUS_LINE = PROFILE.pattern("status_line", r"^\s*{}\s*$", 0)
RESTATED_VALUE = PROFILE.pattern("restated_value_label", r"^\s*{}\s*:?\s*", re.I)
SUSPENDED = PROFILE.pattern("suspended_words", r"\b{}\b")
COUNT_MARK = PROFILE.pattern("count_mark", r"^\s*{}\s*", 0)

# The Tipo values; the letters they start with (a quick test before trying each one).
TIPI: tuple[str, ...] = PROFILE.words("tipo_values")
TIPO_INITIALS = frozenset(tipo[0] for tipo in TIPI)

DESCRIPTION_WIDTH = int(PROFILE.value("description_width"))
DESCRIPTION_WRAP = int(PROFILE.value("description_wrap"))
VALUE_WIDTH = int(PROFILE.value("value_width"))
LIST_TARGET_WIDTH = int(PROFILE.value("list_target_width"))
NOTE_WRAP = int(PROFILE.value("note_wrap"))

YEAR_VALUE = PROFILE.pattern("year_value_line", "{}", 0)
SERIES = PROFILE.pattern("series_line", "{}", 0)
STAFF = PROFILE.pattern("staff_share", "{}", 0)
FIRMS = PROFILE.pattern("firms_funded", "{}", 0)
AMOUNT_LABEL_LEAD = PROFILE.pattern("amount_label_lead", r"^{}\s+")
# Words that never name an amount: function words, months, and the layout's own noise words.
AMOUNT_NAME_NOISE = FUNCTION_WORDS | set(MONTHS) | set(PROFILE.words("amount_name_noise"))


def signatures() -> tuple[re.Pattern[str], ...]:
    """Detection: the section headers and the column header wrapped over lines, never tab-separated."""
    return (
        re.compile(rf"^(?:{_spaced(PROFILE.words('objective_headers'))}) +\d{{4}}_\d{{2}}[\d_]* *$"),
        re.compile(rf"^(?:{_spaced(PROFILE.words('area_header'))}) +\d{{4}}_\d{{2}} *$"),
        *(re.compile(rf"^{re.escape(line)} *$") for line in PROFILE.words("detect_header_lines")),
    )
