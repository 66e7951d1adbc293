"""How the cells of an indicator row hold their values: a target written with operators or words, a result cell
that may print a computation, several periods or only words, and a result given in the remarks below the row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ccperf.extract.numbers import (
    Measure,
    collapse,
    find_numbers,
    find_word_bound,
    formula_result,
    is_year,
    mask_dates,
    parse_measure,
    parse_operator,
    period_after,
    strip_html,
    strip_leading_date,
    strip_leading_unit,
    unit_word_after,
)

_KEPT_UNITS = {"%", "EUR", "N.", "n."}  # units parse_measure reads that a target keeps; other units are read as printed
_ENDS_IN_DIGIT = re.compile(r"\d[.,]?\d*$")
_WORD = re.compile(r"[^\W\d_]+")


def join_wrapped(head: str, tail: str) -> str:
    """Join a cell with its continuation after a page break; a number cut in two ("10.0" + "00") is glued back."""
    head, tail = head.rstrip(), tail.strip()
    if not head or not tail:
        return head or tail
    if head[-1] in "0123456789.," and tail[0].isdecimal() and _ENDS_IN_DIGIT.search(head):
        return head + tail
    return f"{head} {tail}"


def read_target(raw: str | None) -> Measure:
    """A target cell: "= > 80%" → (80, ">=", "%"); "Almeno 1 bando" → (1, ">=", "bando");
    "Formazione di almeno 5 operatori" → (5, ">=", "operatori"); text targets keep only their raw text."""
    text = collapse(strip_html(raw))
    if not text:
        return Measure(None, None, None, None)
    measure = parse_measure(text)
    if measure.value is not None:
        unit = measure.unit if measure.unit in _KEPT_UNITS else None
        numbers = find_numbers(text)
        if unit is None and numbers:
            unit = unit_word_after(text[numbers[0][2]:])
        return Measure(text, measure.value, measure.operator, unit)
    if bound := find_word_bound(text):
        return Measure(text, bound.value, bound.operator, unit_word_after(text[bound.end:]))
    return Measure(text, None, measure.operator, None)


@dataclass(frozen=True)
class ActualValue:
    value: float | None
    note: str | None = None


def read_actual(raw: str | None, year: int | None) -> ActualValue:
    """The measured value of a result cell, by rule.

    - a computation prints its result after "=" ("3.441/24.846*100=13,84%" → 13.84);
    - the cell must start with the value (after an optional operator, "€" or "al <date>:"); a cell opening with words
      ("Raggiunto 116 domande istruite") has no value in the target's unit;
    - a value tied to an earlier period ("99,81% al 31/12/2023 86,71% SU PREVENTIVO 2024") is skipped for the next
      one; when only earlier periods are printed there is no value for the reference year;
    - trailing words are allowed ("18 AI", "33,22% al 18.11.2024", "35,28% da consolidare").
    """
    text = collapse(strip_html(raw))
    if not text:
        return ActualValue(None)
    value = formula_result(text)
    if value is not None:
        return ActualValue(value, "formula in the result cell: value after '='")
    body = strip_leading_unit(parse_operator(strip_leading_date(text))[1])  # an actual printed as a bound ("> 80%")
    masked = mask_dates(body)
    candidates = find_numbers(masked)
    if not candidates or candidates[0][1] != 0:
        return ActualValue(None)
    skipped: list[str] = []
    for i, (value, start, end) in enumerate(candidates):
        if i > 0 and is_year(masked[start:end]) and not masked[end:end + 2].lstrip().startswith("%"):
            continue  # a year mentioned in the text ("SU PREVENTIVO 2024"), not a value
        period = period_after(body[end:])
        if period and year is not None and period[0] < year:
            skipped.append(collapse(body[start:end + period[1]]))
            continue
        note = f"earlier-period value(s) skipped: {'; '.join(skipped)}" if skipped else None
        return ActualValue(value, note)
    return ActualValue(None, f"only earlier-period value(s) printed: {'; '.join(skipped)}" if skipped else None)


def value_in_remarks(name: str, remarks: list[str], year: int | None) -> tuple[float | None, str | None]:
    """A value the result cell sends the reader to ("Vedi sotto"): the number printed after the indicator's name in the
    remarks below; an occurrence naming the reference year wins over a partial-period one, else the last one."""
    words = _WORD.findall(name)[:5]
    if len(words) < 3:
        return None, None
    pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b", re.I)
    found: list[tuple[bool, float, str]] = []
    for text in remarks:
        for m in pattern.finditer(text):
            window = text[m.end(): m.end() + 60]
            masked = mask_dates(window)
            numbers = [(v, s, e) for v, s, e in find_numbers(masked) if not is_year(masked[s:e])]
            if not numbers:
                continue
            v, s, e = numbers[0]
            names_year = year is not None and str(year) in window[:s]
            found.append((names_year, v, collapse(text[m.start(): m.end() + e])))
    if not found:
        return None, None
    best = next((f for f in reversed(found) if f[0]), found[-1])
    return best[1], best[2]
