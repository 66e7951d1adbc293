"""Why a row read from space-aligned columns may be misread: shapes that send it to review instead of the marts.

In tab-separated text a cell ends where the converter put a tab. In text printed with spaces (`pdftotext -layout`
of a table with narrow columns) the reader infers the cell boundaries from blank positions that line up, and a
cell wrapped over lines is joined back only when it fits that shape; where two columns are printed one space
apart, or a wrapped cell's rest falls on a line of its own, cells run together or are cut. A row so read is kept,
but only a person may publish it. Each check returns the reason, or None.
"""

from __future__ import annotations

import re

from ccperf.extract.document import DocumentModel
from ccperf.extract.numbers import find_numbers
from ccperf.extract.vocab import YES_NO, parse_status

CONFIDENCE_WHEN_DOUBTFUL = 0.5  # under the generic reader's CONFIDENCE_FOR_REVIEW: a person decides
# something a value cell holds: a digit, an operator or percent sign, a date or number written in digits
_VALUE_MARK = re.compile(r"[\d%<>=≥≤€]")
# a measure closing a cell ("... (Fonte Rilevazione = 100,00 %"): the next column's value printed one space away
_MEASURE_AT_END = re.compile(r"(?:[<>≥≤]\s*=?|=\s*[<>]?)\s*[+\-−–]?\s?\d[\d.,]*\s*(?:%|[A-Za-z]{1,3}\.?)?$")


WRAPPED_REST = "the rest of a row wrapped over lines"


def is_wrapped_rest(doubt: str) -> bool:
    """The doubt says the row is the rest of the row above: that row's cells were cut at its first line."""
    return doubt.endswith(WRAPPED_REST)


def words_only(text: str) -> bool:
    """A cell of ordinary words: no digit, operator, percent, date, yes/no or status ("fatture (Fonte Kronos)").
    Where a value is expected it is the rest of a wrapped name or formula, not a target or a result."""
    if not text or _VALUE_MARK.search(text):
        return False
    return text.strip(" .").lower() not in YES_NO and parse_status(text) is None


def value_doubt(target: str, actual: str, before_target: str) -> str | None:
    """The reason a row's value cells look cut or run together in aligned text, or None."""
    if words_only(actual):
        return f"the result cell holds words only ('{actual[:60]}'): {WRAPPED_REST}"
    if words_only(target):
        return f"the target cell holds words only ('{target[:60]}'): {WRAPPED_REST}"
    if not actual and len(find_numbers(target)) >= 2:
        return f"target and result ran into one cell ('{target[:60]}')"
    if not target and _MEASURE_AT_END.search(before_target):
        return f"the target ran into the cell before it ('{before_target[-60:]}')"
    if not (target and actual):  # a header wrapped over lines ("Valore" / "Raggiunto") leaves a column unnamed
        return "no target or no result read: a value may sit in a column the header did not name"
    return None


def wraps_as_aligned_row(model: DocumentModel, number: int) -> bool:
    """Line `number` starts a row of space-aligned columns whose cells go on over the next line: a continuation
    the document model joined to it, or a next line of the same table with cells of its own. A parser that reads
    the line's printed text as a whole row (not its cells) would take a name or a value cut at its first line."""
    if number + 1 in model.continued:
        return True
    here = model.line(number)
    if not model.is_aligned(here) or len(here.filled) < 2:
        return False
    if number >= len(model.texts):
        return False
    below = model.line(number + 1)
    return below.region == here.region and sum(1 for text in below.filled if _WORD.search(text)) >= 2


_WORD = re.compile(r"\w")  # a cell with a letter or digit (not a rule of dashes)
