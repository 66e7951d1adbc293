"""Copies of a tabular report whose tables changed the way another chamber's would: columns reordered, headers
renamed to synonyms, a column dropped, a column added. Lines never move.

Every table (a run of tab rows) whose header the generic reader's vocabulary recognises is rewritten from its header
row down to its last row, the same way for each row, so the labelled readings stay where they were.
"""

from __future__ import annotations

from collections.abc import Callable

from ccperf.extract.layouts.generic import Vocabulary
from ccperf.extract.profiles import load_profile

SYNONYMS = {
    "indicatore": "Descrizione indicatore", "indicatori": "Indicatore", "descrizione": "Indicatore",
    "target": "Valore atteso", "valore atteso": "Target", "risultato atteso": "Target",
    "consuntivo": "Valore a consuntivo", "valore raggiunto": "Risultato raggiunto", "risultato": "Consuntivo",
    "% raggiungimento": "Grado di raggiungimento", "scostamento": "Differenza", "algoritmo": "Formula di calcolo",
    "note": "Osservazioni", "obiettivi strategici": "Obiettivo strategico", "obiettivi operativi": "Obiettivo operativo",
    "tipo": "Tipologia",
}
_ORDER = ("objective", "indicator", "type", "weight", "baseline", "actual", "target", "achievement", "status",
          "deviation", "notes", "formula", "unit")


def _vocabulary() -> Vocabulary:
    return Vocabulary.of(load_profile("generic"))


def _is_header(cells: list[str], vocabulary: Vocabulary) -> bool:
    roles = {vocabulary.role_of(c) for c in cells} - {None}
    return bool(roles & {"indicator", "objective"}) and bool(roles & {"target", "actual"})


def _rewrite(lines: list[str], change: Callable[[list[str], list[str]], list[str]]) -> list[str]:
    """Apply `change(header_cells, row_cells)` to every row of every recognised table (header included)."""
    vocabulary = _vocabulary()
    out = list(lines)
    header: list[str] | None = None
    for i, line in enumerate(lines):
        if "\t" not in line:
            if line.strip():
                header = None  # text ends the table; a blank line (a page break) does not
            continue
        cells = line.split("\t")
        if _is_header(cells, vocabulary):
            header = cells
        if header is not None:
            out[i] = "\t".join(change(header, cells))
    return out


def _roles(header: list[str]) -> list[str | None]:
    vocabulary = _vocabulary()
    return [vocabulary.role_of(c) for c in header]


def reordered(header: list[str], cells: list[str]) -> list[str]:
    """The value columns in another order (the result before the target, the formula last); aligned from the right,
    as the reader aligns a row wider than its header."""
    roles = _roles(header)
    offset = max(0, len(cells) - len(roles))
    keyed = list(range(offset)) + sorted(range(offset, len(cells)), key=lambda i: (
        _ORDER.index(roles[i - offset]) if i - offset < len(roles) and roles[i - offset] in _ORDER else len(_ORDER),
        i))
    return [cells[i] for i in keyed]


def synonyms(header: list[str], cells: list[str]) -> list[str]:
    if cells is not header:
        return cells
    vocabulary = _vocabulary()
    out = []
    for cell in cells:
        norm = " ".join(cell.lower().replace("%", "% ").split())
        key = next((k for k in sorted(SYNONYMS, key=len, reverse=True) if norm.startswith(k)), None)
        out.append(SYNONYMS[key] if key and vocabulary.role_of(cell) else cell)
    return out


def dropped(header: list[str], cells: list[str]) -> list[str]:
    """The formula, notes or deviation column left out."""
    roles = _roles(header)
    offset = max(0, len(cells) - len(roles))
    drop = next((i + offset for i, r in enumerate(roles) if r in ("formula", "notes", "deviation")), None)
    return [c for i, c in enumerate(cells) if i != drop] if drop is not None and drop < len(cells) else cells


def added(header: list[str], cells: list[str]) -> list[str]:
    """A "Responsabile" column after the indicator's name."""
    roles = _roles(header)
    offset = max(0, len(cells) - len(roles))
    at = next((i + offset + 1 for i, r in enumerate(roles) if r == "indicator"), None)
    if at is None or at > len(cells):
        return cells
    data_row = sum(1 for c in cells if c.strip()) >= 2  # remarks and headings inside a table stay one cell
    extra = "Responsabile" if cells is header else ("Ufficio Studi" if data_row else "")
    return cells[:at] + [extra] + cells[at:]


CHANGES: dict[str, Callable[[list[str], list[str]], list[str]]] = {
    "reordered": reordered, "synonyms": synonyms, "dropped": dropped, "added": added,
}


def generic_variant(text: str, kind: str) -> str:
    lines = text.split("\n")
    if kind == "all":
        for change in CHANGES.values():
            lines = _rewrite(lines, change)
    else:
        lines = _rewrite(lines, CHANGES[kind])
    return "\n".join(lines)
