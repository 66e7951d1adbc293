"""Italian numbers, comparison operators, units and dates → typed values. The one place for them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ccperf.extract.vocab import FUNCTION_WORDS

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})


def collapse(text: str | None) -> str:
    """Whitespace folded to single spaces, trimmed."""
    if not text:
        return ""
    if "  " not in text and text.isprintable():
        return text.strip()  # every whitespace character but " " is unprintable: nothing to fold
    # str.split() splits on exactly the characters regex \s matches (Unicode whitespace), in C.
    return " ".join(text.split())


def strip_html(text: str | None) -> str:
    """Remove HTML tags such as <i>, <p>, <br> (kept as a space so words do not glue)."""
    if not text:
        return ""
    return collapse(_TAG.sub(" ", text) if "<" in text else text)


# A number as printed: optional sign (a space may follow it: "- 15"), digits with "." or "," groups.
_SIGN = r"[+\-−–]"
_DIGITS = r"\d{1,3}(?:[.\s]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*"
_DIGITS_AFTER_THE_FIRST = r"\d{0,2}(?:[.\s]\d{3})+(?:,\d+)?|\d*(?:[.,]\d+)*"  # _DIGITS, its first digit read
NUMBER_RE = re.compile(rf"(?<![\w.,])({_SIGN}\s?)?({_DIGITS})(?![\w])")
# The same matches (places and spans, no groups) from a pattern that starts with the sign or digit a number starts
# with, then tests the character before it: the regex engine skips ahead to those characters instead of trying the
# lookbehind at every position. For counting and finding numbers where their parts are not needed.
_NUMBER_SPANS = re.compile(rf"[+\-−–\d](?<![\w.,].)(?:(?<=\d)(?:{_DIGITS_AFTER_THE_FIRST})|(?<={_SIGN})\s?(?:{_DIGITS}))"
                           r"(?!\w)")


def count_numbers(text: str) -> int:
    """How many numbers NUMBER_RE finds in a text."""
    return len(_NUMBER_SPANS.findall(text))


def has_number(text: str) -> bool:
    """Whether NUMBER_RE finds a number in a text."""
    return _NUMBER_SPANS.search(text) is not None


_SIGNED_DIGITS = re.compile(r"([+-])?\s?([\d.,]+)")
_DIGIT = re.compile(r"\d")
_COMMA_GROUPS = re.compile(r"\d{1,3}(,\d{3})+")


def parse_number(text: str | None) -> float | None:
    """Parse one Italian-formatted number: "2.720.771,87" → 2720771.87, "-0,57" → -0.57.

    A lone "." followed by exactly three digits groups thousands ("27.000" → 27000); any other lone
    "." is a decimal point (some cells use one: "45.48").
    """
    if text is None:
        return None
    s = text.translate(_MINUS).strip()
    m = _SIGNED_DIGITS.fullmatch(s)
    if not m:
        return None
    sign, body = m.group(1), m.group(2)
    if not _DIGIT.search(body) or body[0] in ".," or body[-1] in ".,":
        return None
    if "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        body = body.replace(thousands, "").replace(decimal, ".")
    elif "," in body:
        if body.count(",") > 1:
            if not _COMMA_GROUPS.fullmatch(body):
                return None
            body = body.replace(",", "")
        else:
            body = body.replace(",", ".")
    elif "." in body:
        parts = body.split(".")
        if len(parts) > 2 or len(parts[1]) == 3:
            if not all(len(p) == 3 for p in parts[1:]):
                return None
            body = body.replace(".", "")
    try:
        value = float(body)
    except ValueError:
        return None
    return -value if sign == "-" else value


def find_numbers(text: str) -> list[tuple[float, int, int]]:
    """Every number in a text as (value, start, end)."""
    out = []
    for m in NUMBER_RE.finditer(text.translate(_MINUS)):
        value = parse_number(m.group(0).replace(" ", "") if m.group(1) else m.group(0))
        if value is None and " " in m.group(2):
            continue
        if value is not None:
            out.append((value, m.start(), m.end()))
    return out


# Operators as printed: ">=", "=>", "= >", "> =", "≥", "$\geq", "=<", "< =", "≤", "\leq", ">", "<", "=".
_OPERATOR_RE = re.compile(
    r"^\s*(?:\$\s*)?(\\geq?|\\leq?|\\ge\b|\\le\b|≥|≤|>\s*=|=\s*>|<\s*=|=\s*<|>|<|=)\s*",
)
_OPERATOR_CANON = {
    "\\geq": ">=", "\\ge": ">=", "≥": ">=", ">=": ">=", "=>": ">=",
    "\\leq": "<=", "\\le": "<=", "≤": "<=", "<=": "<=", "=<": "<=",
    ">": ">", "<": "<", "=": "=",
}
# Words that imply an operator ("almeno 12.000" = at least; "entro il 31/12" = no later than).
_WORD_OPERATORS = (
    (re.compile(r"^\s*(?:almeno|minimo|non inferiore a|pari o superiore a)\b", re.I), ">="),
    (re.compile(r"^\s*(?:entro(?: il)?|non superiore a|massimo|max\.?)\b", re.I), "<="),
)


def parse_operator(text: str) -> tuple[str | None, str]:
    """Split a leading comparison operator off a cell: ("= > 80%") → (">=", "80%")."""
    if text.lstrip()[:1].isdigit():
        return None, text  # operators and operator words start with a symbol or a letter
    m = _OPERATOR_RE.match(text)
    if m:
        op = _SPACE.sub("", m.group(1))
        return _OPERATOR_CANON.get(op, op), text[m.end():]
    for pattern, op in _WORD_OPERATORS:
        wm = pattern.match(text)
        if wm:
            return op, text[wm.end():]
    return None, text


# Words a quantity is printed after ("almeno 300", "oltre il 40%", "n. 5"): a phrase goes on after them.
QUANTITY_LEADS: frozenset[str] = frozenset({"almeno", "oltre", "fino", "entro", "pari", "circa", "minimo", "massimo",
                                            "n.", "nr.", "n°"})


_UNITS = (
    (re.compile(r"^%"), "%"),
    (re.compile(r"^(?:€|eur(?:o)?\b)", re.I), "EUR"),
    (re.compile(r"^(?:gg\.?|giorni\b|gg\b)", re.I), "gg"),
    (re.compile(r"^N\.(?!\w)"), "N."),
    (re.compile(r"^n\.(?!\w)"), "n."),
    (re.compile(r"^(?:ore|h)\b", re.I), "ore"),
    (re.compile(r"^mesi\b", re.I), "mesi"),
)


# The characters a unit above can start with (IGNORECASE ones in both cases).
_UNIT_INITIALS = frozenset("%€eEgGNnoOhHmM")


def parse_unit(text: str) -> str | None:
    """The unit printed right after (or before, for €) a number."""
    s = text.strip().lstrip("$").strip()
    if s[:1] not in _UNIT_INITIALS:
        return None
    for pattern, unit in _UNITS:
        if pattern.match(s):
            return unit
    return None


@dataclass(frozen=True)
class Measure:
    """A target or result cell read as printed and as typed values."""

    raw: str | None
    value: float | None
    operator: str | None
    unit: str | None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None


_LATEX = re.compile(r"\$([^$]*)\$")


def _delatex(text: str) -> str:
    """"$\\geq 85,00\\%$" → "\\geq 85,00%" (keep the operator command, drop the math delimiters)."""
    if "$" in text:  # math delimiters
        text = _LATEX.sub(lambda m: m.group(1).replace("\\%", "%"), text)
    return text.replace("\\%", "%")


_LEAD_UNIT = re.compile(r"^(€\.?|EUR\b|Euro\b)\s*", re.I)
_LEAD_UNIT_INITIALS = frozenset("€eE")  # what _LEAD_UNIT can start with
_LEAD_NUMBER = re.compile(r"^([+\-−–]?\s?[\d][\d.,]*)")
_UNIT_WORDS = re.compile(r"^\s*(?:%|€|EUR|Euro|gg\.?|giorni|N\.|n\.)?", re.I)


def parse_measure(raw: str | None, *, allow_trailing_text: bool = True) -> Measure:
    """Read a target/actual cell: operator, first number, unit.

    ">= 2,00 %" → (2.0, ">=", "%"); "$\\geq 3,00$ N." → (3.0, ">=", "N."); "€ 3.200.000,00" → (3200000, None,
    "EUR"); "Attuazione e rendicontazione" → value None. With allow_trailing_text=False a cell holding
    words after the number ("16 (G-Form 11 ...)") keeps its raw text but gets no value.
    """
    text = collapse(strip_html(raw))
    if not text or text in {"-", "--", "---", "//", "n.d.", "ND", "N.D."}:
        return Measure(text or None, None, None, None)
    body = _delatex(text)
    operator, rest = parse_operator(body)
    rest = rest.strip()
    unit = None
    lead_unit = _LEAD_UNIT.match(rest) if rest[:1] in _LEAD_UNIT_INITIALS else None
    if lead_unit:
        unit, rest = "EUR", rest[lead_unit.end():]
    m = _LEAD_NUMBER.match(rest)
    if not m:
        return Measure(text, None, operator, unit)
    value = parse_number(m.group(1).replace(" ", ""))
    tail = rest[m.end():]
    unit = unit or parse_unit(tail)
    if not allow_trailing_text:
        leftover = _UNIT_WORDS.sub("", tail).strip()
        if leftover:
            return Measure(text, None, operator, unit)
    return Measure(text, value, operator, unit)


# Numbers written as words ("dodici incontri", "almeno tre"); "un"/"una" are also articles: a caller decides
# from the context whether they count.
WORD_NUMBERS: dict[str, float] = {
    "nessuna": 0.0, "nessun": 0.0, "nessuno": 0.0, "un solo": 1.0, "una sola": 1.0, "un": 1.0, "una": 1.0,
    "uno": 1.0, "due": 2.0, "tre": 3.0, "quattro": 4.0, "cinque": 5.0, "sei": 6.0, "sette": 7.0, "otto": 8.0,
    "nove": 9.0, "dieci": 10.0, "undici": 11.0, "dodici": 12.0, "tredici": 13.0, "quattordici": 14.0,
    "quindici": 15.0, "sedici": 16.0, "diciassette": 17.0, "diciotto": 18.0, "diciannove": 19.0, "venti": 20.0,
}
# A number word standing alone (not inside another word); the longest alternatives first ("un solo" before "un").
WORD_NUMBER_RE = re.compile(
    r"(?<![\w’'])(?P<word>" + "|".join(w.replace(" ", r"\s+") for w in sorted(WORD_NUMBERS, key=len, reverse=True))
    + r")(?![\w’'])", re.I)


def parse_word_number(text: str | None) -> float | None:
    """"dodici" → 12.0, "Un solo" → 1.0; None for anything else."""
    return WORD_NUMBERS.get(collapse(text).lower()) if text else None


def parse_count(text: str | None) -> float | None:
    """A count printed in digits or in words: "12" → 12.0, "dodici" → 12.0."""
    if not text:
        return None
    return parse_word_number(text) if not text.strip()[:1].isdigit() else parse_number(text.strip())


YEAR_RE = re.compile(r"((?:1(?<!\w1)9|2(?<!\w2)0)\d\d)\b")  # r"\b((?:19|20)\d\d)\b", starting with its digit


def find_years(text: str) -> list[int]:
    """The years (1900-2099) a text names, in order: "RISULTATO ATTESO 2023" → [2023]."""
    return [int(y) for y in YEAR_RE.findall(text)]


# Dates: "31/12/2019", "18.11.2024", "12-12-2019". The pattern starts with the digit it needs ("\d(?<!\w\d)": a
# digit not after a word character, i.e. r"\b\d"), so the regex engine skips ahead to digits.
DATE_RE = re.compile(r"(\d(?<!\w\d)\d?)[/.\-](\d{1,2})[/.\-](\d{4})\b")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(text: str) -> dt.date | None:
    m = DATE_RE.search(text or "")
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def excel_serial_to_date(serial: float) -> dt.date | None:
    """Spreadsheet day numbers printed instead of dates (43697,00 → 2019-08-20)."""
    if not 20000 <= serial <= 80000 or serial != int(serial):
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


# -- values inside a result cell or a sentence ---------------------------------------------------------------------
# A computation printed with its result: "113/24.846*10.000= 45.48", "3.441/24.846*100=13,84%".
_FORMULA = re.compile(r"\d[\d.,]*\s*[/*:x×]\s*[\d.,]+(?:\s*[/*x×]\s*[\d.,]+)*\s*=\s*(?P<result>[+\-−–]?\s?\d[\d.,]*)")


def formula_result(text: str) -> float | None:
    """The result printed after "=" by the first computation of a text: "3.441/24.846*100=13,84%" → 13.84."""
    m = _FORMULA.search(text)
    return parse_number(_SPACE.sub("", m.group("result"))) if m else None


# Words that bound a value anywhere in a text, not only at its start (see _WORD_OPERATORS for that).
_BOUND_WORDS = (
    (re.compile(r"\b(?:almeno|non\s+inferiore\s+a|minimo\s+(?:di\s+)?|pari\s+o\s+superiore\s+a)\s*(?P<num>\d[\d.,]*)",
                re.I), ">="),
    (re.compile(r"\b(?:non\s+superiore\s+a|massimo\s+(?:di\s+)?|al\s+massimo)\s*(?P<num>\d[\d.,]*)", re.I), "<="),
)


@dataclass(frozen=True)
class WordBound:
    operator: str
    value: float | None
    end: int  # where the number ends in the text (its unit may follow)


def find_word_bound(text: str) -> WordBound | None:
    """An operator word and the number it bounds, anywhere in a text: "Formazione di almeno 5 operatori" →
    (">=", 5.0); a date is no bound ("non superiore a 31/12/2024")."""
    for pattern, operator in _BOUND_WORDS:
        m = pattern.search(text)
        if m and not DATE_RE.match(text[m.start("num"):]):
            return WordBound(operator, parse_number(m.group("num")), m.end("num"))
    return None


# A period printed right after a value: "99,81% al 31/12/2023", "21,97% al 31.12.2023", "12 (anno 2023)".
_PERIOD_AFTER = re.compile(
    rf"^\s*%?\s*\(?\s*(?:al|alla\s+data\s+del|del|a|nel|anno|fino\s+al)\s+(?:(?P<date>{DATE_RE.pattern})|"
    r"(?P<year>(?:19|20)\d\d)\b)", re.I)
_LEAD_DATE = re.compile(rf"^\s*(?:al|alla\s+data\s+del|aggiornato\s+al)\s+{DATE_RE.pattern}\s*[:,\-]?\s*", re.I)
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")


def period_after(tail: str) -> tuple[int, int] | None:
    """(year, end) of the period printed at the start of the text after a value: "% al 31/12/2023 86,71%" →
    (2023, 15); None when the value names no period."""
    m = _PERIOD_AFTER.match(tail)
    if not m:
        return None
    when = DATE_RE.match(m.group("date") or "")
    return (int(when.group(3)) if when else int(m.group("year"))), m.end()


def strip_leading_date(text: str) -> str:
    """A cell without the date it opens with: "Al 13/11/2024: 45%" → "45%"."""
    return _LEAD_DATE.sub("", text, count=1)


def mask_dates(text: str) -> str:
    """Dates replaced by "#" of the same length, so their digits are not read as numbers (offsets are kept)."""
    return DATE_RE.sub(lambda d: "#" * len(d.group(0)), text)


def is_year(token: str) -> bool:
    """A token that is a year alone (1900-2099): "2024" → True, "2024,5" → False."""
    return bool(_YEAR_ONLY.fullmatch(token.strip()))


_LEAD_COUNT_OR_MONEY = re.compile(r"^\s*(?:€\.?|euro\b|n\.|nr\.?|n°)\s*", re.I)


def strip_leading_unit(text: str) -> str:
    """A cell without the currency or count mark it opens with: "n. 25 imprese" → "25 imprese", "€ 30" → "30"."""
    return _LEAD_COUNT_OR_MONEY.sub("", text)


_UNIT_WORD = re.compile(r"^\s*([A-Za-zÀ-ÿ°]+\.?)")
_EURO_AFTER = re.compile(r"(?:€|euro\b|eur\b)", re.I)
# Words printed after a number that are not its unit: function words, and these.
_NOT_UNIT_WORDS = FUNCTION_WORDS | {"entro", "rispetto", "pari", "circa", "oppure"}


def unit_word_after(tail: str) -> str | None:
    """The unit printed right after a number, as printed: "%", "EUR" for € / euro, else the next word ("giorni",
    "bando", "N."); None when that word is a function word ("5 al mese")."""
    s = tail.lstrip()
    if s.startswith("%"):
        return "%"
    if _EURO_AFTER.match(s):
        return "EUR"
    m = _UNIT_WORD.match(s)
    if not m or m.group(1).rstrip(".").lower() in _NOT_UNIT_WORDS:
        return None
    word = m.group(1)
    return word if word in {"N.", "n."} else word.rstrip(".")


_UNIT_NAME = re.compile(r"^(?:giorni|gg\.?|%|percentuale|n\.|numero|euro|€|ore|mesi)$", re.I)


def is_unit_name(cell: str) -> bool:
    """A cell that names a unit of measure: "Giorni", "%", "Numero", "euro"."""
    return bool(_UNIT_NAME.match(cell))


# -- a measure opening a cell, sums of money, the year of a short date ----------------------------------------------
# A cell's leading measure: operator, number, unit as printed ("<= 5gg", ">=80%", "4 giorni"). A number glued to "/"
# or to more digits is a date or a code, not a measure ("14/7/2020").
_OPENING_MEASURE = re.compile(
    r"^(?P<op>[<>]\s*=?|=\s*[<>]|[≥≤=])?\s*(?P<num>[+\-−]?\d[\d.,]*)(?![\d/])"
    r"(?:\s*(?P<unit>%|gg\b\.?|giorni\b|ore\b|mesi\b))?")


def split_measure(text: str) -> tuple[Measure, str] | None:
    """The measure a cell opens with and the text after it: "<=20 giorni 4 giorni Modalità" → (Measure("<=20
    giorni", 20.0, "<=", "giorni"), "4 giorni Modalità"). Its unit is kept as printed ("gg", "giorni"), unlike
    parse_measure's; None when the text does not open with a number."""
    s = text.strip()
    m = _OPENING_MEASURE.match(s)
    value = parse_number(m.group("num")) if m else None
    if m is None or value is None:
        return None
    operator = parse_operator(m.group("op"))[0] if m.group("op") else None
    unit = m.group("unit").rstrip(".") if m.group("unit") else None
    return Measure(collapse(m.group(0)), value, operator, unit), s[m.end():].strip()


# A sum of money: "€ 2.720.771,87", "euro 375.000,00", "€ 60mila" ("mila" after the number counts thousands).
_AMOUNT = re.compile(r"(?:€|\beuro\b)\s*(?P<num>\d[\d.]*(?:,\d+)?)(?P<thousands>\s*mila\b)?", re.I)


@dataclass(frozen=True)
class Amount:
    value: float
    start: int  # where the currency sign starts
    number_start: int  # where the number starts (the sign may end the line before it)
    end: int


def find_amounts(text: str) -> list[Amount]:
    """Every sum of money in a text; numbers that do not parse ("€ 2.5000.000") are left out."""
    if "€" not in text and "euro" not in text.lower():
        return []  # most texts name no money: skip the scan
    out = []
    for m in _AMOUNT.finditer(text):
        value = parse_number(m.group("num").rstrip("."))
        if value is not None:
            out.append(Amount(value * 1000 if m.group("thousands") else value, m.start(), m.start("num"), m.end()))
    return out


_SHORT_DATE = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4}|\d{2})\b")


def date_year(text: str) -> int | None:
    """The year of the first day/month/year date in a text, a two-digit year read as 20YY: "Al 31/12/13:" → 2013,
    "31/12/2020" → 2020."""
    m = _SHORT_DATE.search(text)
    if not m:
        return None
    year = int(m.group(1))
    return 2000 + year if year < 100 else year


def reported_value(raw: str | None, year: int | None = None) -> Measure:
    """A result cell read as the value it reports for `year`: the result after "=" of a printed computation
    ("3.441/24.846*100=13,84%" → 13.84); of several values, the first not dated to another year ("32,09% al
    31/12/2023, il dato stimato è pari al 29,45%" → 29.45 for 2024); a cell whose values are all dated to other
    years reports none for this one ("134,44% al 31.12.2023" → no value for 2024)."""
    measure = parse_measure(raw)
    if measure.raw is None:
        return measure
    text = measure.raw
    if (result := formula_result(text)) is not None:
        return Measure(text, result, measure.operator, measure.unit)
    if year is None:
        return measure
    masked = mask_dates(text)
    values = []
    for value, _, end in find_numbers(masked):
        if "#" in masked[max(0, end - 1):end + 1] or is_year(masked[max(0, end - 4):end]):
            continue  # a date or a year is not a value
        period = period_after(text[end:])
        values.append((value, period is not None and period[0] != year, end))
    if not values or not values[0][1]:
        return measure
    undated = [(value, end) for value, dated, end in values if not dated]
    if not undated:
        return Measure(text, None, measure.operator, measure.unit)
    value, end = undated[0]
    return Measure(text, value, measure.operator, parse_unit(text[end:]) or measure.unit)
