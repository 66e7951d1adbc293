"""Copies of a bundled document with one chamber's name replaced by another real chamber's, in every case and form.

`rename(text, "Mantova", "La Spezia")` replaces every mention of Mantova ("Mantova", "MANTOVA", "mantova", and
inside the merged name "Cremona-Mantova-Pavia") by La Spezia in the same case; with `official=True` every
"Camera di Commercio" is also printed in its long official form ("Camera di Commercio, Industria, Artigianato e
Agricoltura"). Lines never move. `expected_chamber` says which chamber a renamed copy's segment must be read as.
"""

from __future__ import annotations

import re

# The chambers of the bundled documents, with the other ways they print their names.
ORIGINAL_FORMS: dict[str, tuple[str, ...]] = {
    "Cremona": ("Cremona",), "Mantova": ("Mantova",), "Pavia": ("Pavia",), "Brescia": ("Brescia",),
    "Massa-Carrara": ("Massa-Carrara", "Massa – Carrara", "Massa - Carrara", "Massa Carrara"),
}
# Registry chambers of different forms: an article, two words, an apostrophe, a hyphen, merged chambers, plain.
TARGETS = ("La Spezia", "L'Aquila", "Reggio Emilia", "Vibo Valentia", "Ascoli Piceno", "Forlì-Cesena",
           "Chieti Pescara", "Venezia Giulia", "Riviere di Liguria", "Pordenone-Udine", "Arezzo-Siena",
           "Reggio Calabria", "Pesaro e Urbino", "Monte Rosa Laghi Alto Piemonte", "Bergamo", "Sondrio", "Rovigo",
           "Trento", "Bolzano", "Catanzaro Crotone Vibo Valentia")
_LONG_FORM = "Camera di Commercio, Industria, Artigianato e Agricoltura"


def _in_case_of(word: str, name: str) -> str:
    if word.isupper():
        return name.upper()
    if word.islower():
        return name.lower()
    return name


def rename(text: str, original: str, target: str, official: bool = False) -> str:
    forms = ORIGINAL_FORMS[original]
    variants = {v: _in_case_of(v, target) for form in forms for v in (form, form.upper(), form.lower())}
    pattern = re.compile(r"(?<![\w'’])(" + "|".join(map(re.escape, sorted(variants, key=len, reverse=True)))
                         + r")(?![\w])")
    text = pattern.sub(lambda m: variants[m.group(1)], text)
    if official:
        text = re.sub(r"\bCamera di (?:C|c)ommercio\b(?!,)", _LONG_FORM, text)
        text = re.sub(r"\bCAMERA DI COMMERCIO\b(?!,)", _LONG_FORM.upper(), text)
    return text


def expected_chamber(original_chamber: str | None, original: str, target: str) -> str | None:
    """The chamber a renamed copy's segment must be read as: the target for the renamed chamber; a merged chamber
    whose name held the renamed one becomes an unknown merger of the new names ("Cremona-La Spezia-Pavia")."""
    if original_chamber == original:
        return target
    if original_chamber and original in original_chamber.split("-"):
        return "-".join(target if part == original else part for part in original_chamber.split("-"))
    return original_chamber
