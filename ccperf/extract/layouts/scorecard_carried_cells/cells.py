"""The value cells of the scorecard tables: a target or result cell (one value, an original and a revised value,
or the chamber's and the special agency's parts), and the baseline a NOTE cell prints ("PARETO 2023 = 59,83%").

The labels of the parts and the words before a date ("Al 31.12.2024") are in profiles/scorecard_carried_cells.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ccperf.extract.numbers import DATE_RE, Measure, collapse, parse_date, parse_measure, parse_number, strip_html
from ccperf.extract.profiles import load_profile

_PROFILE = load_profile("scorecard_carried_cells")
PART_LABELS = _PROFILE.words("cell_part_labels")  # the chamber's label first, then the special agency's
_LABELS = _PROFILE.alternation("cell_part_labels")
_AS_OF = _PROFILE.alternation("as_of_words")

_TWO_DATES = re.compile(rf"^(?P<first>{DATE_RE.pattern})\s+(?P<second>{DATE_RE.pattern})$")
_OP_MEASURE = r"[≥≤<>=]\s*[-−–]?\s?\d[\d.,]*\s*(?:%|€|gg\.?)?"
_TWO_TARGETS = re.compile(rf"^({_OP_MEASURE})\s+({_OP_MEASURE})$")
# "≥ 20 CCIAA ≥ 18 PVS", "n. 72 CCIAA n. 21 PVS" (value before label) and "CCIAA = 100% PVS = 100%" (after).
_PART_AFTER = re.compile(rf"(?P<m>(?:[≥≤<>=]\s*|[nN]\.\s*)?[-−–]?\s?\d[\d.,]*\s*%?)\s*(?P<lab>{_LABELS})\b")
_PART_BEFORE = re.compile(rf"\b(?P<lab>{_LABELS})\s*(?P<m>[=≥≤]\s*[-−–]?\s?\d[\d.,]*\s*%?)")
_LABEL_FIRST = re.compile(rf"(?:{_LABELS})")
_COUNT_MARK = re.compile(r"^(?:[nN]\.|N°)\s*(?=[-−–]?\s?\d)")  # "n. 72": a count, read as 72
# Baselines sit in the NOTE cell: "PARETO 2023 = 59,83%", "Al 30.6.2023 = 87,95%", "2023= 63", "2023 = ND".
_BASELINE = re.compile(
    rf"(?:\b(?:{_AS_OF})\s+\d{{1,2}}\.\d{{1,2}}\.)?\b(?P<year>(?:19|20)\d\d)\s*=\s*(?P<v>ND\b|[-−–]?\s?\d[\d.,]*\s*%?)")
# The date a result was measured at: "Al 31.12.2024", OCR'd "AI 18.11.2024" (not a baseline "Al 31.12.2023 = ...").
_MEASURED_AT = re.compile(rf"\b(?:{_AS_OF})\s+(?P<d>{DATE_RE.pattern})(?!\s*=)")


def is_date(text: str) -> bool:
    return DATE_RE.fullmatch(text) is not None


def _plain_measure(text: str) -> Measure:
    """A single target/result: dates get no value; "n. 72" is read as 72."""
    if is_date(text):
        return Measure(text, None, None, None)
    measure = parse_measure(_COUNT_MARK.sub("", text))
    return Measure(text, measure.value, measure.operator, measure.unit)


@dataclass(frozen=True)
class CellReading:
    """A target or result cell: the value used, an optional revised value, and what was done to read it."""

    measure: Measure
    revised: Measure | None = None
    note: str | None = None


def read_cell(raw: str, prefer: tuple[str, ...] = PART_LABELS) -> CellReading:
    """Read a target/result cell of this layout.

    "≥ 80% ≥ 50%" and "31.12.2024 15.11.2024" print the original and the revised target (the strike-through is
    lost); "≥ 20 CCIAA ≥ 18 PVS" / "CCIAA = 100% PVS = 100%" print the chamber and the agency parts: the value
    is the part named first in `prefer`, the raw keeps the whole cell.
    """
    text = collapse(strip_html(raw))
    if not text:
        return CellReading(Measure(None, None, None, None))
    pair = _TWO_DATES.match(text)
    first, second = (pair.group("first"), pair.group("second")) if pair else (None, None)
    if pair is None and (pair := _TWO_TARGETS.match(text)):
        first, second = collapse(pair.group(1)), collapse(pair.group(2))
    if first and second:
        return CellReading(_plain_measure(first), _plain_measure(second),
                           f"cell '{text}' = original {first} revised to {second}")
    pattern = _PART_BEFORE if _LABEL_FIRST.match(text) else _PART_AFTER
    parts = {m.group("lab").upper(): collapse(m.group("m")) for m in pattern.finditer(text)}
    if parts:
        label = next((p for p in prefer if p in parts), next(iter(parts)))
        part = _plain_measure(parts[label])
        return CellReading(Measure(text, part.value, part.operator, part.unit), None,
                           f"cell '{text}' has parts {', '.join(parts)}; value = {label} part")
    return CellReading(_plain_measure(text))


def find_baseline(note: str, year: int | None) -> tuple[str, float | None] | None:
    """The first "<year> = value" of a NOTE cell for a year before the report's year (a baseline)."""
    for m in _BASELINE.finditer(note):
        if year is not None and int(m.group("year")) >= year:
            continue
        value_text = m.group("v").strip().rstrip(".,").strip()
        raw = collapse(m.group(0)[: m.start("v") - m.start()] + value_text)
        if value_text == "ND":
            return raw, None
        return raw, parse_number(re.sub(r"\s+", "", value_text).rstrip("%"))
    return None


def measured_at(note: str, year: int | None) -> str | None:
    """The date a NOTE cell says the result was measured at, when it is not the end of the report's year."""
    m = _MEASURED_AT.search(note)
    if m is None:
        return None
    year_end = dt.date(year, 12, 31) if year is not None else None
    return None if year_end is not None and parse_date(m.group("d")) == year_end else m.group("d")
