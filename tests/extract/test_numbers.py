import datetime as dt

import pytest

from ccperf.extract.numbers import (
    DATE_RE,
    NUMBER_RE,
    YEAR_RE,
    count_numbers,
    excel_serial_to_date,
    has_number,
    parse_date,
    parse_measure,
    parse_number,
    parse_operator,
    strip_html,
)


@pytest.mark.parametrize(("text", "value"), [
    ("2.720.771,87", 2720771.87),
    ("27.000", 27000.0),
    ("27.000,00", 27000.0),
    ("1,43", 1.43),
    ("+1,80", 1.8),
    ("-0,57", -0.57),
    ("- 15", -15.0),
    ("−3,07", -3.07),
    ("45.48", 45.48),  # a lone dot not followed by three digits is a decimal point
    ("1.000.000,00", 1000000.0),
    ("100", 100.0),
    ("1.2.3", None),
    ("abc", None),
    ("", None),
])
def test_parse_number_reads_italian_formats(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(("text", "operator"), [
    (">= 80%", ">="), ("= > 80%", ">="), ("> = 80%", ">="), ("=>1,00", ">="), ("≥ 50", ">="), ("$\\geq 3,00$", ">="),
    ("<= 2", "<="), ("=< 120 giorni", "<="), ("< = 20 giorni", "<="), ("= < 5", "<="), ("≤ - 15", "<="),
    ("\\leq 4", "<="), ("> 2,00", ">"), ("< -1", "<"), ("= 100,00 %", "="), ("almeno 12.000", ">="),
    ("entro il 31/12/2019", "<="), ("80%", None),
])
def test_parse_operator_normalises_every_printed_form(text: str, operator: str | None) -> None:
    assert parse_operator(text)[0] == operator


@pytest.mark.parametrize(("raw", "value", "operator", "unit"), [
    (">= 2,00 %", 2.0, ">=", "%"),
    ("$\\geq 85,00\\%$", 85.0, ">=", "%"),
    ("$\\geq 3,00$ N.", 3.0, ">=", "N."),
    ("<= -15 gg", -15.0, "<=", "gg"),
    (">= 27.000 n.", 27000.0, ">=", "n."),
    ("€. 2.825.445,74", 2825445.74, None, "EUR"),
    ("15.000,00 Euro", 15000.0, None, "EUR"),
    ("33,22% al 18.11.2024", 33.22, None, "%"),
    ("Attuazione e rendicontazione", None, None, None),
    ("-", None, None, None),
])
def test_parse_measure(raw: str, value: float | None, operator: str | None, unit: str | None) -> None:
    measure = parse_measure(raw)
    assert (measure.value, measure.operator, measure.unit) == (value, operator, unit)


def test_parse_measure_keeps_raw_text_collapsed() -> None:
    assert parse_measure("  >=   87,00%  ").raw == ">= 87,00%"


def test_parse_measure_refuses_a_number_followed_by_words_when_asked() -> None:
    assert parse_measure("16 (G-Form 11, One to one 5)", allow_trailing_text=False).value is None
    assert parse_measure("16 (G-Form 11, One to one 5)").value == 16.0


def test_strip_html_keeps_comparison_signs() -> None:
    assert strip_html("<i>(Peso: 80,00%)</i> tempi (<=5 giorni) > soglia") == "(Peso: 80,00%) tempi (<=5 giorni) > soglia"


def test_dates_and_spreadsheet_serials() -> None:
    assert parse_date("entro il 12/12/2019") == dt.date(2019, 12, 12)
    assert parse_date("18.11.2024") == dt.date(2024, 11, 18)
    assert excel_serial_to_date(43697.0) == dt.date(2019, 8, 20)
    assert excel_serial_to_date(12.5) is None


@pytest.mark.parametrize("text", [
    "94,56% 85% 100,00%", "- 15 imprese", "a-5", "x1.234,5", ".31/12/2019", "1.2.2019", "n.7 e 22 314 pratiche",
    "+ 3,5 e −2", "2024_01", "12 345 678,9 €", "abc 7", "", "–", "3.200.000,00 vs 3.100.000,00", ",5 e 5,", "١٢ ٣",
])
def test_count_numbers_and_has_number_agree_with_number_re(text: str) -> None:
    assert count_numbers(text) == len(NUMBER_RE.findall(text))
    assert has_number(text) == (NUMBER_RE.search(text) is not None)


def test_count_numbers_reads_numbers_as_printed() -> None:
    assert count_numbers("94,56% 85% 100,00%") == 3
    assert count_numbers("3.200.000,00 vs 3.100.000,00") == 2
    assert count_numbers("- 15 imprese su 22 314") == 2  # a sign and its space; a space grouping thousands
    assert count_numbers("a-5") == 1 and not has_number("2024_01") and not has_number("x12")


@pytest.mark.parametrize(("text", "dates", "years"), [
    ("al 31/12/2019 e al 18.11.2024", [("31", "12", "2019"), ("18", "11", "2024")], ["2019", "2024"]),
    ("x31/12/2019", [], ["2019"]),  # a date glued to a word is no date; its year stands alone after "/"
    ("RISULTATO ATTESO 2023", [], ["2023"]),
    ("codice 2024_01, A2023, 120245", [], []),  # a year inside a code or a longer number is no year
    ("12-12-2019 e 1.2.2019", [("12", "12", "2019"), ("1", "2", "2019")], ["2019", "2019"]),
])
def test_dates_and_years_stand_alone(text: str, dates: list, years: list) -> None:
    assert DATE_RE.findall(text) == dates
    assert YEAR_RE.findall(text) == years
