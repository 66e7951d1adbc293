"""The value cells of an indicator block: a row printed without separators, cut into cells, cells put in columns.

The value row of a block prints its cells one after another with single spaces ("Nuova attività Avvio del servizio
Rilascio di almeno 300 dispositivi 25,00%") and wraps long text cells over lines, so the cells are found by rule:
a cell starts at a baseline marker, a placeholder, a yes/no, a number or a capitalised word, unless the word
before it carries the text on (a preposition, "almeno", a proper noun).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ccperf.extract.layouts.plan_cards.words import (
    BASELINE_MARKERS,
    BASELINE_WORDS,
    SLOT_LABELS,
    TICK,
    TYPE_BOX,
    UNIT_ADJECTIVES,
)
from ccperf.extract.numbers import (
    NUMBER_RE,
    QUANTITY_LEADS,
    Measure,
    collapse,
    parse_measure,
    parse_number,
    parse_operator,
    parse_word_number,
)
from ccperf.extract.vocab import ARTICLES_AND_PREPOSITIONS, YES_NO

_PLACEHOLDER = re.compile(r"^(?:-+|/{2,})$")  # "-", "-------", "//": a cell with nothing to say
_GLUE = re.compile(r"(?<=[^\W\d_])(?=\d)")  # "posizioni1.200", "almeno12.000": a word glued to a number
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
# Baseline markers by their first word, the longest first ("nuova attività" before a one-word marker).
_MARKERS_BY_FIRST = {first: tuple(m for m in sorted(BASELINE_MARKERS, key=len, reverse=True) if m[0] == first)
                     for first in {m[0] for m in BASELINE_MARKERS}}

EMPTY = Measure(None, None, None, None)


@dataclass
class Cell:
    """One value cell of a plan row, as printed (tokens joined; glued tokens stay glued)."""

    kind: str  # marker | placeholder | yesno | number | text
    line: int
    raw: str
    words: int = 0  # word tokens in the cell (a number cell with words is text)

    def add(self, token: str, glued: bool) -> None:
        self.raw = f"{self.raw}{token}" if glued else f"{self.raw} {token}"
        if not is_number(token):
            self.words += 1
            if self.kind == "number":
                self.kind = "text"

    @property
    def last_word(self) -> str:
        return self.raw.split()[-1]

    @property
    def first_word(self) -> str:
        return self.raw.split()[0].lower()


def is_number(token: str) -> bool:
    """A token printed as one number, maybe a percentage or an amount in euro ("25,00%", "€ 300", "-2,00%")."""
    body = token.removeprefix("€ ")
    return NUMBER_RE.fullmatch(body[:-1] if body.endswith("%") else body) is not None


def _operator_word(word: str) -> str | None:
    """The comparison a word states on its own ("almeno" → ">=")."""
    operator, rest = parse_operator(word)
    return operator if operator and not rest.strip() else None


def is_connector(word: str | None) -> bool:
    """A word after which a number or a capitalised word goes on with the same cell ("almeno 300", "sul Quality")."""
    if word is None:
        return False
    low = word.lower()
    return low in ARTICLES_AND_PREPOSITIONS or low in QUANTITY_LEADS or low.endswith(("'", "’"))


def _title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1].islower()


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words of a value line as (token, glued to the previous one); "€" joins the number after it."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        for i, part in enumerate(_GLUE.split(word)):
            if part:
                if out and out[-1][0] == "€" and is_number(part):
                    out[-1] = (f"€ {part}", out[-1][1])
                else:
                    out.append((part, i > 0))
    return out


def _marker_len(toks: list[tuple[str, bool]], i: int) -> int:
    """Length in tokens of a baseline marker at i ("Nuova attività", "Nuovo progetto", "Nessuno"), else 0."""
    for marker in _MARKERS_BY_FIRST.get(toks[i][0].lower(), ()):
        if tuple(t.lower() for t, _ in toks[i:i + len(marker)]) == marker:
            return len(marker)
    return 0


def _single_cell(toks: list[tuple[str, bool]], i: int, cur: Cell | None, start: bool) -> tuple[str, int] | None:
    """(kind, length) of a cell that is complete in itself at token i: a marker, a placeholder, a yes/no."""
    if n := _marker_len(toks, i):
        return "marker", n
    tok = toks[i][0]
    if _PLACEHOLDER.match(tok):
        return "placeholder", 1
    if tok.lower() in YES_NO and (cur is None or start):
        return "yesno", 1
    return None


def build_cells(rows: list[tuple[int, str, bool]]) -> list[Cell]:
    """Cells of a plan row printed over several lines; rows are (line number, text, starts a new cell).

    A cell starts at a marker, a placeholder, a yes/no, a number not introduced by "almeno"/"del"/...,
    a capitalised word (unless a preposition or a proper-noun word comes before it), or a line repeating
    the opening words of the row's first text cell ("risoluzione di almeno ..." printed three times).
    A lower-case line continues the cell being written.
    """
    cells: list[Cell] = []
    cur: Cell | None = None
    openers: set[tuple[str, str]] = set()  # first two words of each text cell
    for line_no, text, force_new in rows:
        toks = _tokens(text)
        i = 0
        while i < len(toks):
            tok, glued = toks[i]
            start = i == 0
            if single := _single_cell(toks, i, cur, start):
                kind, n = single
                cells.append(Cell(kind, line_no, " ".join(t for t, _ in toks[i:i + n])))
                cur, i = None, i + n
                continue
            prev = cur.last_word if cur is not None else None
            if is_number(tok):
                joins = cur is not None and not (start and force_new) and is_connector(prev)
            elif start:
                repeat = len(toks) > 1 and (tok.lower(), toks[1][0].lower()) in openers
                joins = cur is not None and not force_new and not repeat and (not _title(tok) or is_connector(prev))
            else:
                proper = cur is not None and cur.words > 1 and any(c.isupper() for c in prev or "")
                joins = cur is not None and (not _title(tok) or is_connector(prev) or proper)
            if joins and cur is not None:
                cur.add(tok, glued)
            else:
                is_num = is_number(tok)
                cur = Cell("number" if is_num else "text", line_no, tok, 0 if is_num else 1)
                cells.append(cur)
                if not is_num and i + 1 < len(toks):
                    openers.add((tok.lower(), toks[i + 1][0].lower()))
            i += 1
    return cells


def split_band(lines: list[str], k: int) -> list[list[str]] | None:
    """Split continuation lines printed after the Peso among k wrapped text cells, or None when unclear.

    The columns wrap in parallel; cells that read alike continue alike, so the pieces start where a
    pair of lines repeats ("tutte le / agenzie" printed for the 31/12 and the revised cell).
    """
    if k == 1:
        return [lines]
    norm = [collapse(x).lower() for x in lines]
    pairs = [(a, b) for a in range(len(norm) - 1) for b in range(a + 1, len(norm) - 1)
             if norm[a:a + 2] == norm[b:b + 2]]
    if k == 2:
        starts = [b for a, b in pairs if a == 0]
        return [lines[:starts[0]], lines[starts[0]:]] if starts else None
    if k == 3:
        inner = [(a, b) for a, b in pairs if a >= 1]
        if inner:
            a, b = inner[0]
            return [lines[:a], lines[a:b], lines[b:]]
    return None


def _is_baseline_cell(cell: Cell) -> bool:
    return cell.kind in {"marker", "placeholder"} or (cell.kind == "text" and cell.first_word in BASELINE_WORDS)


def assign_cells(cells: list[Cell], slots: list[str]) -> tuple[dict[str, Cell], str | None]:
    """Cells → columns. Same count: in order. More: the last cell goes to the last column, extras are noted.
    Fewer: a leading marker/placeholder is the baseline; one remaining cell is the 31/12 target, two are
    30/6 and 31/12."""
    out: dict[str, Cell] = {}
    n, k = len(cells), len(slots)
    if n == k:
        return dict(zip(slots, cells, strict=True)), None
    if n > k:
        out = dict(zip(slots[:-1], cells[:k - 1], strict=True)) if k > 1 else {}
        out[slots[-1]] = cells[-1]
        extra = ", ".join(f"'{c.raw}'" for c in cells[k - 1:-1])
        return out, (f"{n} cells for {k} columns; extra cell(s) {extra} not assigned (last cell read as "
                     f"{SLOT_LABELS[slots[-1]]})")
    rest, targets = list(cells), [s for s in slots if s != "baseline"]
    if "baseline" in slots and rest and _is_baseline_cell(rest[0]):
        out["baseline"] = rest.pop(0)
    if len(rest) == len(targets):
        out.update(zip(targets, rest, strict=True))
    elif len(rest) == 1 and "target" in targets:
        out["target"] = rest[0]
    elif len(rest) == 2 and "mid" in targets:
        out["mid"], out["target"] = rest
    else:
        out.update(zip(targets, rest, strict=False))
    read = "; ".join(f"{SLOT_LABELS[s]} '{out[s].raw}'" for s in slots if s in out) or "nothing"
    return out, f"{n} cells for {k} columns ({', '.join(SLOT_LABELS[s] for s in slots)}): read as {read}"


def cell_measure(raw: str | None) -> Measure:
    """A cell as a measure: numeric cells through parse_measure; text cells give their first quantity
    ("Rilascio di almeno 300 dispositivi" → 300, ">=", "dispositivi"; "almeno una" → 1)."""
    if raw is None:
        return EMPTY
    text = collapse(raw)
    m = parse_measure(text, allow_trailing_text=False)
    if m.value is not None:
        return m
    words = _GLUE.sub(" ", text).split()
    for i, word in enumerate(words):
        quantity = parse_measure(word.rstrip(",;."), allow_trailing_text=False) if _DIGIT.search(word) else EMPTY
        value, unit = quantity.value, quantity.unit
        if value is None and i > 0 and _operator_word(words[i - 1].lower()):
            value = parse_word_number(word)  # "almeno una": a number word counts after "almeno", else an article
        if value is None:
            continue
        operator = quantity.operator or next(
            (op for w in words[max(0, i - 2):i] if (op := _operator_word(w.lower()))), None)
        if unit is None:
            following = [w for w in words[i + 1:i + 3] if w.lower() not in UNIT_ADJECTIVES]
            if following and following[0] == "%":
                unit = "%"
            elif following and _WORD.fullmatch(following[0]) and not is_connector(following[0]):
                unit = following[0]
        return Measure(text, value, operator, unit)
    return Measure(text, None, m.operator, None)


def indicator_types(text: str) -> str | None:
    """Ticked boxes ("□X", "□XX", bare "X") → "efficacia esterna+qualità"."""
    ticked = [collapse(m.group("type")).lower() for m in TYPE_BOX.finditer(text) if TICK in m.group("box").lower()]
    return "+".join(dict.fromkeys(ticked)) or None


# -- percentages as the cards print them ---------------------------------------------------------------------
def percent_only(text: str) -> float | None:
    """The value of a text that is one percentage and nothing else ("25,00%", "20 %"); None otherwise."""
    body = text.strip()
    if not body.endswith("%") or not body[:1].isdigit():
        return None
    number = body[:-1].rstrip()
    return parse_number(number) if " " not in number else None


def trailing_percent(text: str) -> tuple[float, int] | None:
    """A percentage ending a line, after a space: (value, where it starts). "Avvio 25,00%" → (25.0, 6)."""
    body = text.rstrip()
    if not body.endswith("%"):
        return None
    start = body.rfind(" ", 0, len(body[:-1].rstrip())) + 1
    value = percent_only(body[start:])
    return (value, start) if value is not None else None


def leading_percent(text: str) -> tuple[float, str] | None:
    """A percentage starting a text, and how it is printed: "20 % Balance ..." → (20.0, "20 %")."""
    parts = text.split(None, 2)
    if not parts:
        return None
    printed = f"{parts[0]} %" if not parts[0].endswith("%") and len(parts) > 1 and parts[1] == "%" else parts[0]
    printed = printed.rstrip(".,;:")
    value = percent_only(printed)
    return (value, printed) if value is not None else None
