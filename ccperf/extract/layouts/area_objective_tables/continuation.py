"""A row cut by a page break: the rest of its cells comes on the next content line, before the row's status line.

Converters print the break as one blank line, none, or several (and page furniture may sit in between), so the
rule reads the cells, not the blank lines:

    Livelli di attività ... TRANSIZIONE⇥OPERATIVO⇥= > 12⇥113 ... 113/24.846*10.0⇥N. assessment
    (DIGITALE ED ECOLOGICA)⇥⇥⇥00= 45.48⇥FONTE DEI DATI Kronos     more cells under the row's columns, Tipo empty
    Tempo medio ponderato ... di sistema MIGLIORARE⇥OPERATIVO⇥< -1⇥Vedi sotto⇥...
    L'EFFICACIA, L'EFFICIENZA E LA QUALITA' DEI SERVIZI CAMERALI     a name in capitals going on in capitals

A remark printed under a row ("Il dato sarà disponibile a consuntivo 2024.") is one cell of ordinary text: it does
not continue the row.
"""

from __future__ import annotations

import re

from ccperf.extract.layouts.area_objective_tables.cells import join_wrapped
from ccperf.extract.layouts.area_objective_tables.columns import Columns, Placed
from ccperf.extract.numbers import collapse

_TERMINAL = re.compile(r"[.;:!?]$")  # a name ending a sentence is complete
_MAX_CELL = 200  # a longer first cell is a paragraph, not the end of a name


def _in_capitals(text: str) -> bool:
    return any(c.isalpha() for c in text) and text == text.upper()


def continues_row(name: str, columns: Columns, placed: Placed, filled: list[str]) -> bool:
    """The line holds the rest of the open row whose name cell is `name` (see the module docstring)."""
    if not name or _TERMINAL.search(name) or len(filled[0]) > _MAX_CELL or columns.at(placed, "type"):
        return False
    if len(filled) >= 2:
        return True
    return _in_capitals(name.split()[-1]) and _in_capitals(filled[0])


def join_row(cells: list[str], columns: Columns, placed: Placed) -> None:
    """Append the continuation's cells to the row's (name, type, target, actual, note)."""
    for slot, key in enumerate(("name", "type", "target", "actual")):
        if text := columns.at(placed, key):
            cells[slot] = join_wrapped(cells[slot], text)
    if extra := columns.from_column(placed, "note"):
        cells[4] = collapse(f"{cells[4]} {extra}")
