"""Plan blocks of the Brescia Piano della Performance: objective cards, each with indicator blocks.

Shape of the layout (pdftotext lines; no tabs, so cells are separated only by spaces and wrap line by line):

     OBIETTIVO OPERATIVO 2.1                         card heading ("NUOVO OBIETTIVO - OBIETTIVO OPERATIVO 1.4";
    REVISIONE DEI PROCESSI ORGANIZZATIVI ...         "OBIETTIVO STRATEGICO" / "OBIETTIVO OPERATIVO" uncoded)
    Peso dell'obiettivo dirigenziale / Peso: 45%     objective weight
    Balance Scorecard / Prospettiva strategica / Semplificazione e innovazione dei processi
    ...
    Indicatore 1: sperimentazione del servizio ...   name (may wrap), "Sostituzione Indicatore 3:" too
    Tipo Indicatore: □X efficacia esterna □ efficacia interna / □ efficienza □X qualità   ticked = type
    Target storico di riferimento: / anno 2019 / Valore Target: Peso                     (or "Base Line ...")
    al 30/6 al 31/12 [Nuova / previsione al / 31/12] [Peso]                              column header
    Nuova attività Avvio del servizio / Rilascio di almeno 300 / dispositivi / 25,00%    the values

The values are read as cells (a small tokenizer: placeholders, "Nuova attività"-style markers, numbers,
wrapped text) and the cells are assigned to the header's columns by rule when fewer or more cells are
printed than columns. The document also prints the strategic areas, a directors' weight table with
original and redefined objective weights, and narrative figures (staff, costs, budget) kept as facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.linking import similarity_at_least
from ccperf.extract.numbers import Measure, collapse, parse_measure, parse_number
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.text import finditer_folded, fold_for_literals
from ccperf.extract.vocab import slug
from ccperf.model import Objective, Provenance, Quarantined, Reading

LAYOUT_NAME = "brescia_plan"

# -- line patterns ---------------------------------------------------------------------------------------
_CARD = re.compile(r"^\s*(?P<new>NUOVO\s+OBIETTIVO\s*[-–]\s*)?OBIETTIVO\s+(?P<kind>STRATEGICO|OPERATIVO)\b"
                   r"\s*(?P<code>\d+(?:\.\d+)*)?\s*$")
_CARD_WEIGHT_LINE = re.compile(r"^\s*Peso dell'obiettivo", re.I)
_INDICATOR = re.compile(r"^\s*(?P<subst>Sostituzione\s+)?Indicatore\s+(?P<n>\d+)\s*:\s*(?P<name>.*)$")
_TYPE_LINE = re.compile(r"^\s*Tipo\s+Indicatore\s*:", re.I)
_TYPE_BOX = re.compile(r"(?P<box>□\s*X+|□|\bX+)\s*(?P<type>efficacia\s+esterna|efficacia\s+interna|efficienza|qualit[àa])",
                       re.I)
_HEADER = re.compile(r"^\s*(?:(?P<w>\d[\d.,]*)\s*%\s*)?al\b.*\b31/12\b", re.I)
_HEADER_CONT = re.compile(r"^\s*(?:Nuova(?:\s+previsione)?(?:\s+al)?|previsione(?:\s+al)?|al\s+31/12|31/12|Peso)\s*$",
                          re.I)
_BLOCK_STOP = re.compile(r"^\s*(?:ENTRATE\s+E\s+COSTI|DOCUMENTAZIONE\s+E\s+REPORT|SCHEDE\s+OBIETTIVI|AZIENDA\s+SPECIALE\s*$|"
                         r"AREA\s+[A-Z][A-Z ]*$)")
_FOOTER = re.compile(r"^\s*Data\s+ultima\s+stampa\b", re.I)
_SECTION_AGENCY = re.compile(r"^\s*(?P<name>AZIENDA\s+SPECIALE)\s*$")
_SECTION_AREA = re.compile(r"^\s*(?P<name>AREA\s+[A-Z][A-Z' ]*)$")
_SCHEDE = re.compile(r"^\s*SCHEDE\s+OBIETTIVI", re.I)
# What the first non-blank character of a _SCHEDE, _SECTION_AGENCY or _SECTION_AREA line can be (IGNORECASE
# also matches the long s to "s").
_SECTION_FIRST = frozenset({"s", "S", "\u017f", "A"})
_PCT_LINE = re.compile(r"^\s*(?P<v>\d[\d.,]*)\s*%\s*$")
_PCT_TAIL = re.compile(r"(?:^|\s)(?P<v>\d[\d.,]*)\s*%\s*$")
_NUMBER_WORD = re.compile(r"^([+\-]?\d[\d.,]*?)(%?)[,;.]?$")
_STAFF_CATEGORY = re.compile(r"^\s*•\s*(?P<v>\d+)\s+di\s+categoria\s+(?P<c>\S+?)\s*;?\s*$")
_COSTS_HEADER = re.compile(r"Costi del personale\s*$")
_RATIO_HEADER = re.compile(r"^\s*Indice\s+Formula\s*$")
_AREAS_END = re.compile(r"strategiche\s*:\s*$")
_WEIGHTS_TITLE = re.compile(r"ridefinizione\s+(?:dei\s+)?pesi", re.I)
_INDICATORS_HEADING = re.compile(r"^\s*INDICATORI")
_COEFFICIENT = re.compile(r"COEFFICIENTE\s*(?P<c>\d+)", re.I)
_WEIGHT = re.compile(r"Peso\s*:\s*(?P<w>\d[\d.,]*)\s*%", re.I)

# -- value tokens ----------------------------------------------------------------------------------------
_NUMBER = re.compile(r"^[+\-−–]?\d[\d.,]*%?$")
_PLACEHOLDER = re.compile(r"^(?:-+|/{2,})$")
_GLUE = re.compile(r"(?<=[^\W\d_])(?=\d)")  # "posizioni1.200", "almeno12.000": a word glued to a number
_YES_NO = frozenset({"si", "sì", "no"})
# Words after which a number or a capitalised word continues the same text cell ("almeno 300", "sul Quality").
_CONNECTORS = frozenset({
    "almeno", "di", "del", "della", "dello", "dei", "delle", "degli", "al", "allo", "alla", "ai", "alle", "agli",
    "a", "ad", "il", "lo", "la", "i", "gli", "le", "n.", "nr.", "con", "per", "da", "dal", "dalla", "dai", "su",
    "sul", "sulla", "sui", "in", "nel", "nella", "nei", "oltre", "fino", "entro", "pari", "circa", "tra", "fra"})
_WORD_NUMBERS = {"un": 1, "una": 1, "uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
                 "sette": 7, "otto": 8, "nove": 9, "dieci": 10}
_UNIT_SKIP = frozenset({"nuovi", "nuove", "nuovo", "nuova"})
_BASELINE_WORDS = frozenset({"vecchio", "vecchia"})  # "Vecchio regolamento": the situation before the target

SLOT_LABELS = {"baseline": "Target storico/Base Line", "mid": "al 30/6", "target": "al 31/12",
               "revised": "Nuova previsione al 31/12"}


@dataclass
class Cell:
    """One value cell of a plan row, as printed (tokens joined; glued tokens stay glued)."""

    kind: str  # marker | placeholder | yesno | number | text
    line: int
    raw: str
    words: int = 0  # word tokens in the cell (a number cell with words is text)

    def add(self, token: str, glued: bool) -> None:
        self.raw = f"{self.raw}{token}" if glued else f"{self.raw} {token}"
        if not _NUMBER.match(token):
            self.words += 1
            if self.kind == "number":
                self.kind = "text"

    @property
    def last_word(self) -> str:
        return self.raw.split()[-1]

    @property
    def first_word(self) -> str:
        return self.raw.split()[0].lower()


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words of a value line as (token, glued to the previous one); "€" joins the number after it."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        for i, part in enumerate(_GLUE.split(word)):
            if part:
                out.append((part, i > 0))
    merged: list[tuple[str, bool]] = []
    for tok, glued in out:
        if merged and merged[-1][0] == "€" and _NUMBER.match(tok):
            merged[-1] = (f"€ {tok}", merged[-1][1])
        else:
            merged.append((tok, glued))
    return merged


def _is_number(tok: str) -> bool:
    return bool(_NUMBER.match(tok.removeprefix("€ ")))


def _is_connector(word: str | None) -> bool:
    return word is not None and (word.lower() in _CONNECTORS or word.endswith(("'", "’")))


def _title(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1].islower()


def _marker_len(toks: list[tuple[str, bool]], i: int) -> int:
    """Length of a baseline marker at i: "Nuova attività", "Nuovo progetto", "Nessuno"."""
    low = toks[i][0].lower()
    nxt = toks[i + 1][0].lower() if i + 1 < len(toks) else ""
    if (low == "nuova" and nxt.startswith("attivit")) or (low == "nuovo" and nxt == "progetto"):
        return 2
    return 1 if low in {"nessuno", "nessuna"} else 0


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
            prev = cur.last_word if cur is not None else None
            if n := _marker_len(toks, i):
                cells.append(Cell("marker", line_no, " ".join(t for t, _ in toks[i:i + n])))
                cur, i = None, i + n
                continue
            if _PLACEHOLDER.match(tok):
                cells.append(Cell("placeholder", line_no, tok))
                cur, i = None, i + 1
                continue
            if tok.lower() in _YES_NO and (cur is None or start):
                cells.append(Cell("yesno", line_no, tok))
                cur, i = None, i + 1
                continue
            if _is_number(tok):
                joins = cur is not None and not (start and force_new) and _is_connector(prev)
            elif start:
                repeat = len(toks) > 1 and (tok.lower(), toks[1][0].lower()) in openers
                joins = (cur is not None and not force_new and not repeat
                         and (not _title(tok) or _is_connector(prev)))
            else:
                proper = cur is not None and cur.words > 1 and any(c.isupper() for c in prev or "")
                joins = cur is not None and (not _title(tok) or _is_connector(prev) or proper)
            if joins and cur is not None:
                cur.add(tok, glued)
            else:
                is_num = _is_number(tok)
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
    return cell.kind in {"marker", "placeholder"} or (cell.kind == "text" and cell.first_word in _BASELINE_WORDS)


def assign_cells(cells: list[Cell], slots: list[str]) -> tuple[dict[str, Cell], str | None]:
    """Cells → columns. Same count: in order. More: the last cell goes to the last column, extras are noted.
    Fewer: a leading marker/placeholder is the baseline; one remaining cell is the 31/12 target, two are
    30/6 and 31/12."""
    out: dict[str, Cell] = {}
    n, k = len(cells), len(slots)
    if n == k:
        out = dict(zip(slots, cells, strict=True))
        return out, None
    if n > k:
        out = dict(zip(slots[:-1], cells[:k - 1], strict=True)) if k > 1 else {}
        out[slots[-1]] = cells[-1]
        extra = ", ".join(f"'{c.raw}'" for c in cells[k - 1:-1])
        return out, f"{n} cells for {k} columns; extra cell(s) {extra} not assigned (last cell read as {SLOT_LABELS[slots[-1]]})"
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
        return Measure(None, None, None, None)
    text = collapse(raw)
    m = parse_measure(text, allow_trailing_text=False)
    if m.value is not None:
        return m
    words = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", text).split()
    for i, word in enumerate(words):
        num = _NUMBER_WORD.match(word)
        value = parse_number(num.group(1)) if num else None
        pct = bool(num and num.group(2))
        if value is None and word.lower() in _WORD_NUMBERS and i > 0 and words[i - 1].lower() == "almeno":
            value = float(_WORD_NUMBERS[word.lower()])
        if value is None:
            continue
        before = [w.lower() for w in words[max(0, i - 2):i]]
        operator = ">=" if "almeno" in before else None
        unit = "%" if pct else None
        if unit is None:
            following = [w for w in words[i + 1:i + 3] if w.lower() not in _UNIT_SKIP]
            if following and following[0] == "%":
                unit = "%"
            elif following and re.fullmatch(r"[^\W\d_]+", following[0]) and not _is_connector(following[0]):
                unit = following[0]
        return Measure(text, value, operator, unit)
    return Measure(text, None, m.operator, None)


@dataclass
class BlockValues:
    """What an indicator block's value area yields."""

    cells: dict[str, Cell] = field(default_factory=dict)
    weight: float | None = None
    notes: list[str] = field(default_factory=list)
    problem: str | None = None  # set when the row could not be read (quarantined)
    line_end: int | None = None


def read_values(pre: list[tuple[int, str]], header: list[tuple[int, str]],
                values: list[tuple[int, str]]) -> BlockValues:
    """Read the zone from "Base Line"/"Target storico" to the end of the values.

    pre: lines between the types and the column header; header: the header line and its wrapped parts;
    values: the value lines (footers and blank lines removed).
    """
    out = BlockValues()
    header_text = collapse(" ".join(t for _, t in header))
    pre_texts = [collapse(t) for _, t in pre]
    has_peso = "peso" in header_text.lower() or any("peso" in t.lower() for t in pre_texts)
    baseline_in_row = True
    baseline_pre: str | None = None
    if (hm := _HEADER.match(header[0][1])) and hm.group("w"):
        out.weight = parse_number(hm.group("w"))
        out.notes.append(f"weight '{hm.group('w')}%' printed glued to the column header")
    value_line = next((i for i, t in enumerate(pre_texts) if "valore target" in t.lower()), None)
    if any(re.search(r"base\s+line\s+valore\s+target", t, re.I) for t in pre_texts):
        baseline_in_row = False  # strategic cards: the baseline is printed under "Base Line", before the header
    for text in pre_texts[value_line + 1:] if value_line is not None else []:
        if not text or re.fullmatch(r"(?i)peso|anno\s+\d{4}", text):
            continue
        if _PCT_LINE.match(text) and "peso" in pre_texts[value_line].lower() and out.weight is None:
            out.weight = parse_number(_PCT_LINE.match(text).group("v"))
            out.notes.append(f"weight '{text}' printed on its own line before the column header")
            continue
        baseline_pre = text if baseline_pre is None else f"{baseline_pre} {text}"
        baseline_in_row = False
    year = next((m.group(0) for t in pre_texts if (m := re.search(r"anno\s+\d{4}", t))), None)
    if year:
        out.notes.append(f"baseline reference '{year}'")
    slots = (["baseline"] if baseline_in_row else []) + (["mid"] if "30/6" in header_text else []) + ["target"]
    if "30/6" not in header_text:
        out.notes.append(f"column header printed '{header_text}' (no 30/6 column)")
    if re.search(r"nuova|previsione", header_text, re.I):
        slots.append("revised")
    rows = [(n, t) for n, t in values if t.strip()]
    if not rows:
        out.problem = "indicator block without a value row"
        return out
    out.line_end = rows[-1][0]
    band1, band2 = rows, []
    force_last = False
    if out.weight is None and has_peso:
        standalone = [i for i, (_, t) in enumerate(rows) if _PCT_LINE.match(t)]
        if standalone and len(rows) > 1:
            i = standalone[-1]
            out.weight = parse_number(_PCT_LINE.match(rows[i][1]).group("v"))
            band1, band2 = rows[:i], rows[i + 1:]
        elif tail := _PCT_TAIL.search(rows[-1][1]):
            out.weight = parse_number(tail.group("v"))
            last_no, last_text = rows[-1]
            band1 = [*rows[:-1], (last_no, last_text[:tail.start()])]
            force_last = len(rows) > 1  # single-line cells share the Peso's line: its text starts a new cell
        else:
            out.notes.append("no Peso printed in the value row")
    cells = build_cells([(n, t, force_last and i == len(band1) - 1) for i, (n, t) in enumerate(band1)])
    if len(rows) > 1:
        out.notes.append(f"value cells wrapped over lines {rows[0][0]}-{rows[-1][0]}")
    if band2:
        open_cells = [c for c in cells if c.kind == "text"]
        pieces = split_band([t for _, t in band2], len(open_cells)) if open_cells else None
        if pieces is None:
            out.problem = (f"{len(band2)} wrapped line(s) printed after the Peso cannot be split among "
                           f"{len(open_cells)} text cells")
            if open_cells:
                open_cells[-1].raw += " " + " ".join(t for _, t in band2)
        else:
            for cell, piece in zip(open_cells, pieces, strict=True):
                if piece:
                    cell.raw += " " + " ".join(piece)
            out.notes.append("text cells wrapped around the Peso; continuation lines split among "
                             f"{len(open_cells)} cell(s)")
    for cell in cells:
        cell.raw = collapse(cell.raw)
    if baseline_pre is not None:
        cells_pre = Cell("text", pre[0][0], baseline_pre)
        out.cells["baseline"] = cells_pre
    if len(cells) > len(slots) + 1 or not cells:
        out.problem = f"{len(cells)} cells for {len(slots)} columns: value row not readable"
        return out
    assigned, note = assign_cells(cells, slots)
    out.cells.update(assigned)
    if note:
        row_text = collapse(" ".join(t for _, t in rows))
        out.notes.append(f"row '{row_text}': {note}")
    return out


def indicator_types(text: str) -> str | None:
    """Ticked boxes ("□X", "□XX", bare "X") → "efficacia esterna+qualità"."""
    ticked = [collapse(m.group("type")).lower() for m in _TYPE_BOX.finditer(text) if "x" in m.group("box").lower()]
    return "+".join(dict.fromkeys(ticked)) or None


# -- the parser ------------------------------------------------------------------------------------------
@dataclass
class _Card:
    line: int  # index into lines
    end: int  # exclusive index
    objective: Objective
    notes: list[str] = field(default_factory=list)
    n_indicators: int = 0


@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    lines: list[tuple[int, str]] = field(default_factory=list)
    cards: list[_Card] = field(default_factory=list)
    table_weights: dict[str, list[tuple[str, float | None, float | None]]] = field(default_factory=dict)
    pending_strategic: list[dict] = field(default_factory=list)  # strategic rows of the directors' table

    # -- helpers -----------------------------------------------------------------------------------------
    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str | None,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year, derived))

    def objective(self, line_no: int, code: str | None, level: str, title: str, **values) -> Objective:
        seg = self.ctx.segment
        obj = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level,
                        collapse(title), table_role="plan", **values)
        self.out.objectives.append(obj)
        return obj

    def quarantine(self, line_no: int, line_end: int, reason: str, text: str) -> None:
        self.out.quarantined.append(Quarantined(self.prov(line_no), line_end, LAYOUT_NAME, reason, text))

    def text(self, i: int) -> str:
        return self.lines[i][1]

    def next_filled(self, i: int, limit: int | None = None) -> int | None:
        end = len(self.lines) if limit is None else min(limit, len(self.lines))
        return next((j for j in range(i, end) if self.text(j).strip()), None)

    # -- run -----------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        self.lines = self.ctx.numbered_lines()
        self.find_areas()
        self.find_weight_table()
        self.find_cards()
        for card in self.cards:
            self.read_card(card)
        self.orphan_blocks()
        self.narrative_facts()
        self.derived_facts()
        return self.out

    # -- structure -----------------------------------------------------------------------------------------
    def find_areas(self) -> None:
        """"... nelle tre aree strategiche:" followed by "1. Promozione delle Imprese;" ..."""
        for i in range(len(self.lines)):
            if ":" not in self.lines[i][1] or not _AREAS_END.search(self.lines[i][1]):
                continue
            before = collapse(f"{self.text(i - 1) if i else ''} {self.text(i)}")
            if not (m := re.search(r"\b(?P<n>\w+)\s+aree\s+strategiche\s*:\s*$", before, re.I)):
                continue
            j = i + 1
            while (j := self.next_filled(j)) is not None and (am := re.match(r"^\s*(\d+)\.\s+(.+?)\s*;?\s*$",
                                                                               self.text(j))):
                self.objective(self.lines[j][0], am.group(1), "area", am.group(2).rstrip(";"),
                               notes="strategic area as listed in the performance tree section; no indicators")
                j += 1
            word = m.group("n").lower()
            count = _WORD_NUMBERS.get(word) or (int(word) if word.isdigit() else None)
            if count is not None:
                line = self.lines[i - 1][0] if i and m.group("n") in self.text(i - 1) else self.lines[i][0]
                self.fact(line, "count_areas", float(count), "count", before)
            return

    def find_weight_table(self) -> None:
        """The directors' table: objective weights "Peso per obiettivo" and "Ridefinizione pesi"."""
        # "def" (lower-cased, free of i/k/s, which IGNORECASE also matches to other letters) is in every match
        start = next((i for i, (_, t) in enumerate(self.lines) if "def" in t.lower() and _WEIGHTS_TITLE.search(t)),
                     None)
        if start is None:
            return
        row_re = re.compile(r"^\s*Obiettivo\s+(?P<kind>Strategico|Operativo)\b\s*(?P<code>\d+(?:\.\d+)*)?\s*(?P<rest>.*)$")
        pct_re = re.compile(r"(?P<p>(?:\d[\d.,]*\s*%\s*){1,2})$")
        total_re = re.compile(r"^\s*Totale\s+(?P<who>.+?)\s+(?P<p>(?:\d[\d.,]*\s*%\s*){1,2})$")
        label: list[str] = []
        rows: list[dict] = []
        group: list[dict] = []
        open_row: dict | None = None
        group_label: str | None = None

        def close_group(who: str | None) -> None:
            for r in group:
                r["group"] = who or group_label or "?"
            rows.extend(group)
            group.clear()

        for i in range(start + 1, min(len(self.lines), start + 400)):
            line_no, text = self.lines[i]
            if re.search(r"BALANCE", text) or _CARD.match(text):
                break
            if not text.strip():
                continue
            if tm := total_re.match(text):
                if open_row is not None:
                    open_row = None
                close_group(collapse(tm.group("who")))
                self.total_facts(line_no, collapse(tm.group("who")), tm.group("p"), text)
                label, group_label = [], None
                continue
            if rm := row_re.match(text):
                if not group:
                    group_label = collapse(" ".join(label)) or None
                open_row = {"line": line_no, "kind": rm.group("kind"), "code": rm.group("code"),
                            "text": [rm.group("rest")], "pcts": None}
                group.append(open_row)
                text = ""
            elif open_row is None:
                label.append(text)
                continue
            if text:
                open_row["text"].append(text)
            if pm := pct_re.search(open_row["text"][-1]):
                open_row["pcts"] = [parse_number(v) for v in re.findall(r"\d[\d.,]*", pm.group("p"))]
                open_row["text"][-1] = open_row["text"][-1][:pm.start()]
                open_row = None
        close_group(None)
        for r in rows:
            self.weight_row(r)

    def total_facts(self, line_no: int, who: str, pcts: str, quote: str) -> None:
        values = [parse_number(v) for v in re.findall(r"\d[\d.,]*", pcts)]
        names = ["director_weight_total_initial", "director_weight_total_redefined"][-len(values):]
        for name, value in zip(names, values, strict=True):
            self.fact(line_no, name, value, "%", quote, subject=who)

    def weight_row(self, r: dict) -> None:
        title = collapse(" ".join(r["text"]))
        kind = r["kind"].lower()
        subject = r["code"] or f"Obiettivo {r['kind']} ({r['group']})"
        pcts = r["pcts"] or []
        quote = f"Obiettivo {r['kind']} {r['code'] or ''} {title} " + " ".join(f"{p:.2f}%".replace(".", ",")
                                                                               for p in pcts if p is not None)
        initial, redefined = (pcts + [None, None])[:2] if len(pcts) == 2 else (None, pcts[0] if pcts else None)
        if initial is not None:
            self.fact(r["line"], "objective_weight_initial", initial, "%", quote, subject=subject)
        if redefined is not None:
            self.fact(r["line"], "objective_weight_redefined", redefined, "%", quote, subject=subject)
        key = r["code"] or f"{kind}:{title.lower()}"
        self.table_weights.setdefault(key, []).append((r["group"], initial, redefined))
        r["title"] = title
        if kind == "strategico":
            self.pending_strategic.append(r)

    def find_cards(self) -> None:
        """Card headings followed (within a few title lines) by "Peso dell'obiettivo"; tree boxes are not."""
        starts: list[tuple[int, re.Match[str]]] = []
        for i, (_, text) in enumerate(self.lines):
            if "OBIETTIVO" not in text or not (m := _CARD.match(text)):
                continue
            j, seen = i + 1, 0
            while (j := self.next_filled(j)) is not None and seen < 6:
                if _CARD_WEIGHT_LINE.match(self.text(j)):
                    starts.append((i, m))
                    break
                if _CARD.match(self.text(j)) or re.match(r"^\s*OBIETTIV", self.text(j)):
                    break
                seen, j = seen + 1, j + 1
        section_agency: str | None = None
        section_area: str | None = None
        cut = 0
        for n, (i, m) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(self.lines)
            for k in range(cut, i):  # sections printed before this card
                t = self.lines[k][1]
                if t.lstrip()[:1] not in _SECTION_FIRST:
                    continue  # none of the three headings can start here
                if _SCHEDE.match(t):
                    section_agency = section_area = None
                elif am := _SECTION_AGENCY.match(t):
                    section_agency, section_area = collapse(am.group("name")).title(), None
                elif (rm := _SECTION_AREA.match(t)) and not re.search(r"STRATEGICA", t):
                    nxt = self.text(k + 1) if k + 1 < len(self.lines) else ""
                    extra = nxt if nxt.strip() and nxt.strip().isupper() and not _CARD.match(nxt) else ""
                    section_agency, section_area = None, collapse(f"{rm.group('name')} {extra}")
            cut = i
            self.cards.append(self.open_card(i, end, m, section_agency, section_area))

    def open_card(self, i: int, end: int, m: re.Match[str], agency: str | None, area: str | None) -> _Card:
        line_no = self.lines[i][0]
        title_lines: list[str] = []
        j = i + 1
        while j < end and not _CARD_WEIGHT_LINE.match(self.text(j)):
            if self.text(j).strip():
                title_lines.append(self.text(j))
            j += 1
        level = "strategic" if m.group("kind") == "STRATEGICO" else "operational"
        notes: list[str] = []
        if m.group("new"):
            notes.append("printed 'NUOVO OBIETTIVO' (objective added in the update)")
        if agency:
            notes.append(f"objective of the {agency}")
        if area:
            notes.append(f"section {area}")
        obj = self.objective(line_no, m.group("code"), level, " ".join(title_lines), unit_name=agency)
        card = _Card(i, end, obj, notes)
        self.card_header(card, j)
        return card

    def card_header(self, card: _Card, j: int) -> None:
        """Weight, per-area weights, perspective and coefficient printed before the indicators."""
        end = next((k for k in range(j, card.end) if _INDICATOR.match(self.lines[k][1])
                    or _INDICATORS_HEADING.match(self.lines[k][1])), card.end)
        zone = [(self.lines[k][0], self.text(k)) for k in range(j, end)]
        obj = card.objective
        persp_at = next((k for k, (_, t) in enumerate(zone) if re.match(r"^\s*Prospettiva strategica", t)), None)
        weight_zone = zone[:persp_at] if persp_at is not None else zone[:6]
        joined = collapse(" ".join(t for _, t in weight_zone))
        if wm := _WEIGHT.search(joined):
            obj.weight_pct = parse_number(wm.group("w"))
            card.notes.append(f"weight printed '{collapse(wm.group(0))}'")
        labels = [(n, collapse(t)) for n, t in weight_zone if re.match(r"^\s*Area\s+\w", t)]
        pcts = [(n, t) for n, t in weight_zone if _PCT_LINE.match(t)]
        if labels and len(labels) == len(pcts) and obj.weight_pct is None:
            parts = []
            for (ln, label), (_, pct) in zip(labels, pcts, strict=True):
                value = parse_number(_PCT_LINE.match(pct).group("v"))
                parts.append(f"{label} {collapse(pct)}")
                self.fact(ln, "objective_weight_area", value, "%", f"{label} {pct}",
                          subject=f"{obj.objective_title[:60]} / {label}")
            card.notes.append("weight per area printed: " + " / ".join(parts))
        if persp_at is not None:
            k = next((k for k in range(persp_at + 1, len(zone)) if zone[k][1].strip()), None)
            if k is not None:
                para = [zone[k][1]]
                for _, t in zone[k + 1:]:
                    if not t.strip() or re.match(r"^\s*Descrizione", t):
                        break
                    para.append(t)
                text = collapse(" ".join(para))
                if text.lower().startswith("l'obiettivo") or text.lower().startswith("descrizione"):
                    card.notes.append(f"BSC box prints '{text}' instead of a perspective")
                else:
                    obj.perspective = text
        body = collapse(" ".join(t for _, t in zone))
        if cm := _COEFFICIENT.search(body):
            card.notes.append(f"coefficiente {cm.group('c')}")
        for group, initial, redefined in self.weights_for(obj):
            if initial is None:
                card.notes.append(f"directors' table ({group}): only in 'Ridefinizione pesi' {redefined:g}%")
            elif redefined is not None and redefined != initial:
                card.notes.append(f"directors' table ({group}): redefined weight {redefined:g}% "
                                  f"(was {initial:g}%)")
            else:
                card.notes.append(f"directors' table ({group}): {initial:g}%"
                                  + (f" / {redefined:g}%" if redefined is not None else ""))
        if obj.objective_level == "strategic":
            for k, (n, t) in enumerate(zone):
                if sm := re.search(r"Indicatori dell'obiettivo strategico\s+Peso\s*:\s*(\d[\d.,]*)\s*%", t):
                    self.fact(n, "strategic_objective_indicators_weight", parse_number(sm.group(1)), "%", t,
                              subject=obj.objective_title)
                if re.match(r"^\s*Contributo degli", t):
                    pct = next(((n2, t2) for n2, t2 in zone[k + 1:] if _PCT_LINE.match(t2)), None)
                    if pct:
                        self.fact(pct[0], "strategic_objective_operational_contribution_weight",
                                  parse_number(_PCT_LINE.match(pct[1]).group("v")), "%",
                                  f"Contributo degli obiettivi operativi al raggiungimento dell'obiettivo strategico {pct[1]}",
                                  subject=obj.objective_title)

    def weights_for(self, obj: Objective) -> list[tuple[str, float | None, float | None]]:
        if obj.objective_code:
            return self.table_weights.get(obj.objective_code, [])
        kind = "strategico" if obj.objective_level == "strategic" else "operativo"
        title = (obj.objective_title or "").lower()
        for key, rows in self.table_weights.items():
            if key.startswith(f"{kind}:") and similarity_at_least(title[:50], key.split(":", 1)[1], 0.8) is not None:
                return rows
        return []

    # -- indicator blocks ----------------------------------------------------------------------------------
    def read_card(self, card: _Card) -> None:
        i = card.line + 1
        while i < card.end:
            if _INDICATOR.match(self.lines[i][1]):
                i = self.read_block(card, i)
                continue
            i += 1
        obj = card.objective
        card.notes.append(f"{card.n_indicators} indicators")
        weights = [r.weight_pct for r in self.out.readings[-card.n_indicators:] if r.weight_pct is not None]
        if card.n_indicators and abs(sum(weights) - 100) > 0.5:
            card.notes.append(f"indicator weights sum to {sum(weights):g}% as printed")
        obj.notes = "; ".join(card.notes)

    def block_end(self, i: int, limit: int) -> int:
        j = i + 1
        while j < limit:
            t = self.lines[j][1]
            if _INDICATOR.match(t) or _BLOCK_STOP.match(t) or _CARD.match(t):
                break
            j += 1
        return j

    def read_block(self, card: _Card, i: int) -> int:
        end = self.block_end(i, card.end)
        m = _INDICATOR.match(self.text(i))
        assert m is not None
        block = [(self.lines[k][0], self.text(k)) for k in range(i, end) if not _FOOTER.match(self.text(k))]
        block_text = "\n".join(t for _, t in block)
        line_no = self.lines[i][0]
        type_at = next((k for k, (_, t) in enumerate(block) if _TYPE_LINE.match(t)), None)
        header_at = next((k for k, (_, t) in enumerate(block) if k > (type_at or 0) and _HEADER.match(t)), None)
        if type_at is None or header_at is None:
            self.quarantine(line_no, self.lines[end - 1][0], "indicator block without 'Tipo Indicatore' or "
                            "without the 'al 30/6 al 31/12' column header", block_text)
            return end
        name = collapse(" ".join([m.group("name"), *(t for _, t in block[1:type_at])]))
        pre_at = next((k for k in range(type_at + 1, header_at)
                       if re.match(r"^\s*(?:Base\s+Line|Target\s+storico)", block[k][1], re.I)), header_at)
        types = indicator_types(" ".join(t for _, t in block[type_at:pre_at]))
        header_end = header_at + 1
        while header_end < len(block) and (_HEADER_CONT.match(block[header_end][1]) or not block[header_end][1].strip()):
            header_end += 1
        pre = [(n, t) for n, t in block[pre_at:header_at] if t.strip()]
        values = read_values(pre, block[header_at:header_end], block[header_end:])
        if values.problem:
            self.quarantine(line_no, self.lines[end - 1][0], values.problem, block_text)
            if not values.cells and values.weight is None:
                return end  # nothing readable beyond the name: the quarantined block is the record
        obj = card.objective
        notes = [f"{'Sostituzione ' if m.group('subst') else ''}Indicatore {m.group('n')}"]
        if obj.objective_level == "strategic":
            notes.append("strategic objective indicator")
        if card.objective.unit_name:
            notes.append(f"{card.objective.unit_name} objective")
        notes += values.notes
        if values.problem:
            notes.append(f"quarantined: {values.problem}")
        measures = {slot: cell_measure(cell.raw) for slot, cell in values.cells.items()}
        empty = Measure(None, None, None, None)
        target, mid, revised, base = (measures.get(s, empty) for s in ("target", "mid", "revised", "baseline"))
        if base.value is not None and base.unit != target.unit and "%" in (base.unit, target.unit):
            notes.append(f"baseline '{base.raw}' and target '{target.raw}' are in different units (kept as printed)")
        seg = self.ctx.segment
        reading = Reading(
            self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, indicator_name=name,
            objective_level=obj.objective_level, objective_code=obj.objective_code,
            objective_title=obj.objective_title, indicator_type=types, weight_pct=values.weight,
            baseline_raw=base.raw, baseline_value=base.value,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator,
            target_unit=target.unit,
            target_midyear_raw=mid.raw, target_midyear_value=mid.value,
            target_revised_raw=revised.raw, target_revised_value=revised.value,
            unit_name=obj.unit_name, table_role="plan", line_end=values.line_end or line_no,
            notes="; ".join(notes))
        self.out.readings.append(reading)
        card.n_indicators += 1
        return end

    def orphan_blocks(self) -> None:
        """Indicator blocks outside any card cannot be tied to an objective: quarantined, never dropped."""
        covered = set()
        for card in self.cards:
            covered.update(range(card.line, card.end))
        for i, (n, t) in enumerate(self.lines):
            if i not in covered and _INDICATOR.match(t) and any(_TYPE_LINE.match(self.text(k))
                                                               for k in range(i + 1, min(i + 8, len(self.lines)))):
                end = self.block_end(i, len(self.lines))
                self.quarantine(n, self.lines[end - 1][0], "indicator block outside any objective card",
                                "\n".join(self.text(k) for k in range(i, end)))

    # -- facts ---------------------------------------------------------------------------------------------
    def narrative_facts(self) -> None:
        prose = _Prose(self.lines)
        # (patterns in lower case: the search ignores case; "un(?:\s+un)?ico" is "(?:un\s+)?unico" led by a literal)
        for m, line in prose.find(r"un(?:\s+un)?ico\s+obiettivo\s+strategico", "unico obiettivo strategico", first=True):
            self.fact(line, "count_strategic_objectives", 1.0, "count", prose.quote(m))
        for m, line in prose.find_after_word(r"\b(?P<n>due|tre|quattro|cinque|\d+)\s+obiettivi\s+strategici\b",
                                             "obiettivi strategici"):
            n = m.group("n").lower()
            self.fact(line, "count_strategic_objectives", float(_WORD_NUMBERS.get(n) or int(n)), "count",
                      prose.quote(m))
        for m, line in prose.find(r"obiettivo di qualità dell'ente\s*=\s*(?P<v>\d+)", "obiettivo di qualit", first=True):
            self.fact(line, "quality_objective_entity", float(m.group("v")), None, m.group(0))
        for m, line in prose.find(r"conta\s+(?P<v>\d+)\s+dipendenti", "dipendenti", first=True):
            self.fact(line, "staff_total", float(m.group("v")), "count", prose.quote(m))
        for m, line in prose.find(r"dipendenti a tempo indeterminato sono\s+(?P<v>\d+)", "dipendenti a tempo indeterminato sono", first=True):
            self.fact(line, "staff_permanent", float(m.group("v")), "count", prose.quote(m))
        for m, line in prose.find(r"a tempo determinato sono\s+(?P<v>\d+)", "a tempo determinato sono", first=True):
            self.fact(line, "staff_fixed_term", float(m.group("v")), "count", prose.quote(m))
        for m, line in prose.find(r"part time sono\s+(?P<v>\d+)", "part time sono", first=True):
            self.fact(line, "staff_part_time", float(m.group("v")), "count", prose.quote(m))
        for m, line in prose.find(r"totale dipendenti \(f\.t\.e\.\)\s*(?P<v>\d[\d.,]*)", "totale dipendenti (f.t.e.)", first=True):
            self.fact(line, "staff_fte", parse_number(m.group("v")), "count", m.group(0))
        for m, line in prose.find(r"l'(?P<v>\d[\d,]*)%\s+del\s+personale\s+è\s+stato\s+dotato", "del personale", first=True):
            self.fact(line, "staff_equipped_smart_working_pct", parse_number(m.group("v")), "%", prose.quote(m))
        for m, line in prose.find(r"disavanzo economico contabile di\s*€\s*(?P<v>\d[\d.,]*\d)", "disavanzo economico contabile di", first=True):
            self.fact(line, "budget_deficit", parse_number(m.group("v")), "EUR", prose.quote(m))
        for m, line in prose.find(r"gestione corrente chiude con un saldo negativo di\s*€\s*(?P<v>\d[\d.,]*\d)", "gestione corrente chiude con un saldo negativo di", first=True):
            value = parse_number(m.group("v"))
            self.fact(line, "current_operations_balance", -value if value else None, "EUR", prose.quote(m))
        for m, line in prose.find(r"n\.\s*domande\s+totali\s+(?P<v>\d[\d.]*\d|\d)", "domande totali"):
            card = self.card_at(line)
            subject = card.objective.objective_code if card else None
            self.fact(line, "applications_to_process", parse_number(m.group("v")), "count", prose.quote(m),
                      subject=subject)
        for i, (n, t) in enumerate(self.lines):  # each pattern only on lines holding text it needs
            if "•" in t and (cm := _STAFF_CATEGORY.match(t)):
                self.fact(n, "staff_category", float(cm.group("v")), "count", t, subject=cm.group("c"))
            if "Costi del personale" in t and _COSTS_HEADER.search(t):
                self.cost_table(i)
            if "Indice" in t and _RATIO_HEADER.match(t):
                self.ratio_table(i)

    def card_at(self, line_no: int) -> _Card | None:
        return next((c for c in self.cards if self.lines[c.line][0] <= line_no < (
            self.lines[c.end][0] if c.end < len(self.lines) else line_no + 1)), None)

    def cost_table(self, i: int) -> None:
        """"Anno Costi del personale" then "2015 6.320.213" rows."""
        for j in range(i + 1, min(i + 30, len(self.lines))):
            n, t = self.lines[j]
            if not t.strip():
                continue
            if not (m := re.match(r"^\s*(?P<y>(?:19|20)\d\d)\s+(?P<v>\d[\d.,]*)\s*$", t)):
                break
            self.fact(n, "personnel_cost", parse_number(m.group("v")), "EUR", t, year=int(m.group("y")))

    def ratio_table(self, i: int) -> None:
        """The promotion-spending table: columns (year, label), rows of one value per column."""
        columns: list[tuple[int, str]] = []
        j = i + 1
        filled = [k for k in range(j, min(j + 80, len(self.lines))) if self.text(k).strip()]
        k = 0
        while k < len(filled) and (ym := re.match(r"^\s*((?:19|20)\d\d)\s*$", self.text(filled[k]))):
            label = collapse(self.text(filled[k + 1])) if k + 1 < len(filled) else ""
            columns.append((int(ym.group(1)), label))
            k += 2
        if not columns:
            return
        label: list[str] = []
        label_done = False  # the label is the first line and its lower-case continuations; then the formula
        for idx in filled[k:]:
            n, t = self.lines[idx]
            cells = re.findall(r"(?:€\s*)?-?\d[\d.,]*\s*%?", t)
            if cells and len(cells) == len(columns) and re.fullmatch(r"(?:\s*(?:€\s*)?-?\d[\d.,]*\s*%?)+\s*", t):
                name = slug(" ".join(label)) or "ratio"
                for (year, col), cell in zip(columns, cells, strict=True):
                    measure = parse_measure(cell)
                    self.fact(n, name, measure.value, measure.unit, f"{' '.join(label)} {t}",
                              subject=f"{year} {col}", year=year)
                label, label_done = [], False
                continue
            if re.match(r"^\s*\d+(?:\.\d+)+\s", t):
                break
            if not label or (t.strip()[:1].islower() and not label_done):
                label.append(collapse(t))
            else:
                label_done = True

    def derived_facts(self) -> None:
        seg_line = self.ctx.segment.line_start
        chamber_ops = [c for c in self.cards if c.objective.objective_level == "operational"
                       and not c.objective.unit_name]
        self.fact(seg_line, "count_operational_objectives", float(len(chamber_ops)), "count", None, derived=True)
        new = [c for c in self.cards if "NUOVO OBIETTIVO" in " ".join(c.notes)]
        self.fact(seg_line, "count_operational_objectives_new", float(len(new)), "count", None, derived=True)
        self.fact(seg_line, "count_indicators", float(len(self.out.readings)), "count", None, derived=True)
        revised = [r for r in self.out.readings if r.target_revised_raw]
        self.fact(seg_line, "count_indicators_revised_target", float(len(revised)), "count", None, derived=True)
        # Strategic objectives printed only in the directors' table (the special agency's): no card, no indicators.
        carded = [c.objective for c in self.cards if c.objective.objective_level == "strategic"]
        for r in self.pending_strategic:
            if any(similarity_at_least(r["title"][:50], o.objective_title or "", 0.8) is not None for o in carded):
                continue
            if any(o.objective_level == "strategic" and o.objective_title == r["title"] for o in self.out.objectives):
                continue
            pcts = [p for p in r["pcts"] or [] if p is not None]
            self.objective(r["line"], None, "strategic", r["title"], weight_pct=pcts[0] if pcts else None,
                           unit_name=r["group"],
                           notes=f"printed only in the directors' weight table (group '{r['group']}'); "
                                 "no card and no indicators")


class _Prose:
    """The document's non-blank lines joined, so phrases wrapped over lines can be matched.

    Every line is collapsed and lines are joined by one space, so the text has no other whitespace than single
    spaces: a \\s+ in a pattern matches exactly one space here.
    """

    def __init__(self, lines: list[tuple[int, str]]):
        parts, self.starts, self.numbers = [], [], []
        pos = 0
        for n, t in lines:
            t = collapse(t)
            if not t:
                continue
            self.starts.append(pos)
            self.numbers.append(n)
            parts.append(t)
            pos += len(t) + 1
        self.text = " ".join(parts)
        self.folded = fold_for_literals(self.text)

    def line_of(self, pos: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return self.numbers[lo]

    def find(self, pattern: str, needs: str, first: bool = False) -> list[tuple[re.Match[str], int]]:
        """Case-insensitive matches of `pattern` (with their line); `needs` is lower-case ASCII text every match
        holds (\\s+ read as one space), so a text without it is not scanned. Patterns are written in lower case
        so that they are scanned as case-sensitive twins on the folded text (see text.case_sensitive_twin)."""
        if self.folded is not None and needs not in self.folded:
            return []
        found = []
        for m in finditer_folded(re.compile(pattern, re.I), self.text, self.folded):
            found.append((m, self.line_of(m.start())))
            if first:
                break
        return found

    def find_after_word(self, pattern: str, needs: str) -> list[tuple[re.Match[str], int]]:
        """find(pattern, needs, first=True) for a pattern that is one word, one space, then `needs` (lower-case
        ASCII words). A match can only start at the word before an occurrence of `needs` (at a word boundary,
        one space before it), so each occurrence is tried there instead of the pattern being tried at every
        position; the first occurrence that matches gives the first match (a match using a later occurrence
        starts after the space inside an earlier one)."""
        if self.folded is None:
            return self.find(pattern, needs, first=True)
        compiled, text = re.compile(pattern, re.I), self.text
        at = self.folded.find(needs)
        while at >= 0:
            start = at - 1  # the space before `needs`; the word ends there
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):  # what \w matches
                start -= 1
            if m := compiled.match(text, start):
                return [(m, self.line_of(m.start()))]
            at = self.folded.find(needs, at + 1)
        return []

    def quote(self, m: re.Match[str]) -> str:
        """The matched phrase with up to ~80 characters of its sentence before it, cut at a word."""
        start = max(self.text.rfind(". ", 0, m.start()) + 1, self.text.rfind("•", 0, m.start()) + 1, m.start() - 80)
        if start > 0 and self.text[start - 1] != " " and " " in self.text[start:m.start()]:
            start = self.text.index(" ", start) + 1
        return self.text[start:m.end()].strip()


class BresciaPlan(LayoutParser):
    name = LAYOUT_NAME
    description = "Plan blocks: Indicatore N / Tipo Indicatore (ticked boxes) / Base Line, targets at 30/6 and 31/12, revised target, weight."
    signatures = (re.compile(r"^\s*Tipo Indicatore:"), re.compile(r"^\s*Base Line Valore Target"), re.compile(r"Nuova previsione"),
                  re.compile(r"^\s*Target storico di riferimento"), re.compile(r"^\s*Peso dell'obiettivo dirigenziale"))
    min_hits = 4

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = BresciaPlan.parse
