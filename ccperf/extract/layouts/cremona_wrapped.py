"""Cremona results reports whose table cells wrap into separate text blocks (PDF flattened without tabs).

Shape of the layout (blank lines separate cells; a line holding only spaces separates items inside a cell):

    Area Strategica 2020_01                         area header; a "MISSIONE 011: ..." line names its mission
    Ob. Strategico 2020_01_01 / Ob. Operativo ...   objective header; the code decides the level (3 parts =
                                                    strategic even under "Ob. Operativo", 4 parts = operational)
    <title lines>
    Indicatori
    Descrizione Tipo Valore Atteso / Valore / Raggiunto / Note        column header over several lines
    <description lines>                             indicator name (or on the Tipo line: "Name STRATEGICO ...")
    STRATEGICO <= 5gg            2,61 Fonte ...     Tipo, then target, actual and Note run together, or
    STRATEGICO Attuazione e / rendicontazione       a text target, followed by an actual block and a Note block
    OBIETTIVO CONSEGUITO                            status of the row, then free-text remarks

The COVID table at the end has the Tipo alone (split mid-word: ORGANIZZATI / VO), then one block per cell
(Valore Atteso lists metric names, Valore Raggiunto one value per metric, Note), and page breaks that push the
end of a cell after the Note block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.numbers import collapse, parse_number, parse_operator
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.vocab import parse_status, slug
from ccperf.model import Objective, Provenance, Quarantined, Reading

LAYOUT_NAME = "cremona_wrapped"

_AREA = re.compile(r"^\s*Area\s+Strategica\s+(?P<code>\d{4}(?:_\d+)+)\s*$")
_OBJECTIVE = re.compile(r"^\s*Ob\.\s*(?P<kind>Strategico|Operativo)\s+(?P<code>\d{4}(?:_\d+)+)\s*$")
_INDICATORS = re.compile(r"^\s*Indicatori\s*$")
_COLUMN_HEADER = re.compile(r"^\s*(?:Descrizione\s+Tipo\s+Valore\s+Atteso|Valore|Raggiunto|Note)\s*$")
_STATUS = re.compile(r"^\s*OBIETTIVO\s+(?:NON\s+|PARZIALMENTE\s+)?(?:CONSEGUITO|RAGGIUNTO)\s*$")
_MISSION = re.compile(r"^\s*MISSIONE\s+(?P<code>\d{2,3})\s*:")
# Indicator types printed in the Tipo column (upper case; the long ones wrap over several lines).
TIPI: tuple[str, ...] = (
    "OUTCOME", "OUTPUT", "STRATEGICO", "OPERATIVO", "EFFICACIA", "EFFICIENZA", "QUALITÀ", "ORGANIZZATIVO",
    "COLLABORAZIONE ISTITUZIONALE", "SUPPORTO DIRETTO ALLE IMPRESE",
)
_TIPO_INITIALS = frozenset(tipo[0] for tipo in TIPI)
_LOWER_LETTER = re.compile(r"[a-zà-ù]")
# A measure at the start of a cell: operator, number, unit as printed ("<= 5gg", ">= 80%", "4 giorni").
_MEASURE = re.compile(
    r"^(?P<op>[<>]\s*=?|=\s*[<>]|[≥≤=])?\s*(?P<num>[+\-−]?\d[\d.,]*)(?![\d/])"
    r"(?:\s*(?P<unit>%|gg\b\.?|giorni\b|ore\b|mesi\b))?")
_VALUE_STATED = re.compile(r"^\s*Valore\s+raggiunto\s*:?\s*(?P<m>[<>]?\s*[+\-]?\d[\d.,]*\s*%?)", re.I)
_FUNCTION_WORDS = {"a", "al", "alla", "con", "da", "dal", "dalla", "de", "dei", "del", "della", "delle", "di", "e",
                   "ed", "il", "in", "la", "le", "nel", "nella", "per", "su", "tra"}
# A cell line wider than this belongs to the wide Note column (Valore Raggiunto wraps at about 16 characters).
_NARROW_MAX = 30


# -- blocks -----------------------------------------------------------------------------------------------
@dataclass
class Block:
    """Lines between empty lines; `lines` keep their text, space-only lines separate items of one cell."""

    lines: list[tuple[int, str]]
    status: bool = False  # a lone "OBIETTIVO CONSEGUITO" line

    @property
    def first(self) -> int:
        return self.lines[0][0]

    @property
    def last(self) -> int:
        return self.lines[-1][0]

    def text(self) -> str:
        return collapse(" ".join(t for _, t in self.lines))

    def items(self) -> list[str]:
        """The cell's items: runs of lines separated by space-only lines."""
        out: list[list[str]] = [[]]
        for _, t in self.lines:
            if t.strip():
                out[-1].append(t)
            elif out[-1]:
                out.append([])
        return [collapse(" ".join(i)) for i in out if i]

    def is_wide(self) -> bool:
        """Note-column text: a leading space (empty actual cell before it) or lines wider than the actual column."""
        texts = [t for _, t in self.lines if t.strip()]
        return bool(texts) and (texts[0].startswith(" ") or max(len(t.rstrip()) for t in texts) > _NARROW_MAX)


def split_blocks(lines: list[tuple[int, str]]) -> list[Block]:
    """Empty lines end a block; a status line is a block of its own (remarks follow it in the next block)."""
    blocks: list[Block] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        while current and not current[0][1].strip():
            current.pop(0)
        while current and not current[-1][1].strip():
            current.pop()
        if current:
            blocks.append(Block(list(current)))
        current.clear()

    for no, text in lines:
        text = text.rstrip("\r\n")
        if text == "":
            flush()
        elif _STATUS.match(text):
            flush()
            blocks.append(Block([(no, text)], status=True))
        else:
            current.append((no, text))
    flush()
    return blocks


# -- the Tipo cell -----------------------------------------------------------------------------------------
@dataclass
class TipoMatch:
    tipo: str
    prefix: str  # description text printed before the Tipo on the same line
    line_index: int  # index in the block of the line where the Tipo starts
    end_index: int  # index of the line where it ends
    rest: str  # text after the Tipo on its last line (target, maybe actual and Note)
    split_words: bool  # the Tipo wraps over several lines
    printed: str = ""  # the Tipo as printed, lines joined by " / "


def find_tipo(block: Block) -> TipoMatch | None:
    """The Tipo cell in a block: at the start of a line, or after the description on the block's first line."""
    texts = [t for _, t in block.lines]
    for i, line in enumerate(texts):
        starts = [0]
        if i == 0:
            starts += [m.end() for m in re.finditer(r"\s+", line.rstrip())]
        for p in starts:
            prefix, s = line[:p].strip(), line[p:]
            if p and not _LOWER_LETTER.search(prefix):
                continue  # a description is ordinary text, never an upper-case remark
            if m := _match_tipo_at(s, texts, i):
                tipo, end_index, rest = m
                printed = " / ".join(t.strip() for t in [s, *texts[i + 1:end_index + 1]])
                return TipoMatch(tipo, prefix, i, end_index, rest, end_index > i, printed)
    return None


def _match_tipo_at(s: str, texts: list[str], i: int) -> tuple[str, int, str] | None:
    if s[:1] in _TIPO_INITIALS:  # a Tipo starting s starts with one of these letters
        for tipo in TIPI:
            if s.startswith(tipo) and (len(s) == len(tipo) or s[len(tipo)].isspace()):
                return tipo, i, s[len(tipo):].strip()
    stripped = s.strip()
    if len(stripped) < 4 or not stripped.isupper():
        return None
    for tipo in TIPI:
        if tipo.startswith(stripped) and tipo != stripped:
            # previous line ending without a space = a word split mid-way ("ORGANIZZATI" / "VO")
            done = _extend(stripped, s, texts[i + 1:], tipo)
            if done is not None:
                used, rest = done
                return tipo, i + used, rest
    return None


def _extend(acc: str, previous: str, following: list[str], tipo: str) -> tuple[int, str] | None:
    """Append the next lines to a partial Tipo: no space after a line printed without a trailing space."""
    for used, raw in enumerate(following, start=1):
        frag = raw.strip()
        if not frag:
            return None
        glues = ("", " ") if not previous.endswith(" ") else (" ", "")
        for glue in glues:
            cand = acc + glue + frag
            if cand == tipo:
                return used, ""
            if cand.startswith(tipo + " "):
                return used, cand[len(tipo):].strip()
            if tipo.startswith(cand):
                acc = cand
                break
        else:
            return None
        previous = raw
    return None


# -- cells ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A target or actual cell: as printed, and as a number with operator and unit (unit as printed)."""

    raw: str | None
    value: float | None = None
    operator: str | None = None
    unit: str | None = None


def read_measure(text: str) -> tuple[Cell, str] | None:
    """A measure at the start of `text` ("<=20 giorni 4 giorni ...") and the text after it."""
    s = text.strip()
    m = _MEASURE.match(s)
    if not m:
        return None
    value = parse_number(m.group("num").replace("−", "-"))
    if value is None:
        return None
    operator = parse_operator(m.group("op"))[0] if m.group("op") else None
    unit = m.group("unit").rstrip(".") if m.group("unit") else None
    return Cell(collapse(m.group(0)), value, operator, unit), s[m.end():].strip()


def _is_titlecase(word: str) -> bool:
    return word[:1].isupper() and any(c.islower() for c in word[1:])


def take_cell(text: str) -> tuple[str | None, str]:
    """The first cell of a line where several cells run together: a measure, or words up to the next cell.

    A text cell ends where the next capitalised word starts ("Referti OIV Referti regolari Fonte ..."):
    cells start with a capital letter; acronyms (OIV) do not count.
    """
    s = text.strip()
    if not s:
        return None, ""
    if measured := read_measure(s):
        return measured[0].raw, measured[1]
    words = s.split()
    for i, word in enumerate(words[1:], start=1):
        if _is_titlecase(word):
            return " ".join(words[:i]), " ".join(words[i:])
    return s, ""


def value_of(raw: str | None) -> float | None:
    """The number an actual cell starts with ("> 80% (come ...)" → 80, "-15,65 (il segno ...)" → -15.65)."""
    if not raw:
        return None
    measured = read_measure(raw)
    return measured[0].value if measured else None


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w/])\d[\d.,]*(?![\w/])", text)


def covid_count(target_items: list[str], actual: str | None) -> float | None:
    """The value of a single-metric cell of the COVID table ("N° imprese coinvolte" → "14 imprese ...").

    Only one metric and only one number, and the counted noun is not mentioned again uncounted
    ("1 riunione in plenaria seguita da riunioni quindicinali" is not a count of meetings).
    """
    if not actual or len(target_items) != 1:
        return None
    m = re.match(r"^(?:N°\s*)?(\d[\d.,]*)(?!\S*[/\d])", actual)
    if not m or len(_numbers(actual)) != 1:
        return None
    words = re.sub(r"^N°\s*", "", target_items[0]).lower().split()
    if words:
        stem = words[0][:-1] if len(words[0]) > 4 else words[0]
        if len(re.findall(re.escape(stem), actual.lower())) > 1:
            return None
    return parse_number(m.group(1))


def split_metric_and_value(line: str) -> tuple[str, str] | None:
    """"N° riunioni 1 riunione in" → ("N° riunioni", "1 riunione in"): target and actual on one line."""
    m = re.match(r"^(?P<t>.+?)\s+(?P<a>(?:N°\s*)?\d.*)$", line.strip())
    return (collapse(m.group("t")), m.group("a").strip()) if m else None


# -- rows ----------------------------------------------------------------------------------------------------
@dataclass
class RowCells:
    target: Cell = field(default_factory=lambda: Cell(None))
    actual: str | None = None
    actual_value: float | None = None
    note: list[str] = field(default_factory=list)
    remarks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # explanations for the reading's notes field
    target_items: list[str] = field(default_factory=list)  # metric names listed in a COVID Valore Atteso


def _join(*parts: str | None) -> str | None:
    return collapse(" ".join(p for p in parts if p)) or None


def _append_extra(cells: RowCells, block: Block, covid: bool) -> None:
    """A block after the Note column (page break): narrow = end of Valore Raggiunto, wide = end of Note."""
    if block.is_wide():
        cells.note.append(block.text())
        cells.notes.append(f"Note column resumes at line {block.first} (page break)")
        return
    lines = [t for _, t in block.lines]
    first_words = lines[0].split()
    target_words = (cells.target.raw or "").split()
    if covid and len(first_words) >= 2 and target_words and target_words[-1].lower() in _FUNCTION_WORDS:
        # one printed line holds the end of both cells ("erogazione del" + "contributo" | "stesse" + "imprese)")
        cells.target = Cell(_join(cells.target.raw, first_words[0]))
        if cells.target_items:
            cells.target_items[-1] = f"{cells.target_items[-1]} {first_words[0]}"
        lines = [" ".join(first_words[1:]), *lines[1:]]
        cells.notes.append(f"line {block.first} holds the end of the Valore Atteso and Valore Raggiunto cells")
    cells.actual = _join(cells.actual, *lines)
    cells.notes.append(f"Valore Raggiunto resumes at line {block.first} (page break)")


def read_standard(rest: str, cont: list[str], region: list[Block], has_status: bool) -> RowCells:
    """Tipo line with the target on it: numbers split by position, text cells by block."""
    cells = RowCells()
    cont_text = collapse(" ".join(cont))
    measured = read_measure(rest)
    if not region:
        # one block: target, actual and the start of Note run together on the Tipo line
        target_raw, tail = take_cell(rest)
        actual_raw, tail = take_cell(tail)
        if not read_measure(rest):
            cells.notes.append("text target and actual run together on the Tipo line: split where a capitalised "
                               "word starts a cell")
        cells.target = _cell(target_raw)
        cells.actual = actual_raw
        cells.note = [t for t in (_join(tail, cont_text),) if t]
        expected = 0
    elif measured and (measured[1] or cont_text):
        # numeric target; the rest of the Tipo block is the actual ("35,28% da" / "consolidare")
        cells.target = measured[0]
        cells.actual = _join(measured[1], cont_text)
        expected = 1
    else:
        cells.target = _cell(_join(rest, cont_text))
        if region[0].is_wide():
            cells.notes.append("Valore Raggiunto cell is empty (the next block is the wide Note column)")
            expected = 1
        else:
            cells.actual = region[0].text()
            expected = 2
    first_note = 1 if expected == 2 else 0
    for block in region[first_note:expected]:
        cells.note.append(block.text())
    _distribute_extras(cells, region[expected:], has_status, covid=False)
    return cells


def _distribute_extras(cells: RowCells, extras: list[Block], has_status: bool, covid: bool) -> None:
    """Blocks beyond the expected cells: page-break continuations when a status line closes the row,
    else (suspended rows, no status line) the full-width remarks."""
    if not has_status:
        cells.remarks = extras
        return
    for block in extras:
        _append_extra(cells, block, covid)


def _cell(raw: str | None) -> Cell:
    if raw and (measured := read_measure(raw)) and not measured[1]:
        return measured[0]
    return Cell(raw)


def read_covid(region: list[Block], has_status: bool) -> RowCells:
    """Tipo alone in its block: Valore Atteso, Valore Raggiunto and Note each in their own block."""
    cells = RowCells()
    if not region:
        cells.notes.append("no Valore Atteso / Valore Raggiunto blocks after the Tipo")
        return cells
    cells.target_items = region[0].items()
    cells.target = _cell(region[0].text())
    if len(region) >= 3 or (len(region) == 2 and not region[1].is_wide()):
        cells.actual = region[1].text()
        expected = 2
        if len(region) >= 3:
            cells.note.append(region[2].text())
            expected = 3
    else:
        lines = [t for _, t in region[0].lines]
        split = split_metric_and_value(lines[0])
        if split:
            cells.target = _cell(split[0])
            cells.target_items = [split[0]]
            cells.actual = _join(split[1], *lines[1:])
            cells.notes.append(f"line {region[0].first} holds the Valore Atteso and the start of Valore Raggiunto")
        else:
            cells.notes.append("no Valore Raggiunto cell found")
        if len(region) == 2:
            cells.note.append(region[1].text())
        expected = len(region)
    _distribute_extras(cells, region[expected:], has_status, covid=True)
    items = cells.target_items
    cells.actual_value = covid_count(items, cells.actual)
    if len(items) > 1:
        cells.notes.append(f"Valore Atteso lists {len(items)} metrics without target quantities ("
                           + " | ".join(items) + "); values null (several measurements in one cell)")
    return cells


# -- the parser ----------------------------------------------------------------------------------------------
@dataclass
class _Row:
    source_line: int
    name: str
    tipo: TipoMatch
    tipo_block: Block
    region: list[Block]
    status_block: Block | None
    after_status: list[Block]


_EURO = re.compile(r"(?:€|\beuro\b)\s*(?P<n>\d[\d.]*(?:,\d+)?)(?P<mila>\s*mila\b)?", re.I)
_PAREN_LABEL = re.compile(r"^\s*,?\s*\((?P<label>[^()\d]{3,60})\)")
_YEAR_VALUE = re.compile(r"^\s*Valore\s+(?P<year>(?:19|20)\d\d)\s*:\s*(?:€|euro)\s*(?P<n>\d[\d.]*(?:,\d+)?)", re.I)
_SERIES = re.compile(r"^\s*Al\s+\d{1,2}/\d{1,2}/(?P<y>\d{2}|\d{4})\s*:.*\((?P<pct>\d+(?:,\d+)?)\s*%\)")
_STAFF = re.compile(r"N°\s*(?P<n>\d+)\s+(?P<noun>[a-zà-ù]+)\s+su\s+(?P<total>\d+)\s+complessivi\s+(?P<what>[^()\d]{3,60})")
_FIRMS = re.compile(r"^\s*a\s+(?P<n>\d+)\s+imprese\b")
_STOP = _FUNCTION_WORDS | {"un", "una", "uno", "pari", "ad", "totale", "totali", "importo", "complessivo", "complessiva",
                           "sono", "stati", "stato", "oltre", "ulteriori", "fronte", "carico", "spesa", "data",
                           "approvato", "integrato", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
                           "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}


@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    codes: dict[str, Objective] = field(default_factory=dict)
    rows_by_objective: dict[str, list[Reading]] = field(default_factory=dict)
    status_lines: int = 0

    # -- helpers -------------------------------------------------------------------------------------------
    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def quarantine(self, first: int, last: int, reason: str) -> None:
        text = "\n".join(self.ctx.source.lines[first - 1:last])
        self.out.quarantined.append(Quarantined(self.prov(first), last, LAYOUT_NAME, reason, text))

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year, derived))

    # -- sections ------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        lines = self.ctx.numbered_lines()
        heads = [i for i, (_, t) in enumerate(lines) if _AREA.match(t) or _OBJECTIVE.match(t)]
        for k, i in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(lines)
            self.section(lines[i], lines[i + 1:end])
        self.finish()
        return self.out

    def section(self, head: tuple[int, str], body: list[tuple[int, str]]) -> None:
        head_no, head_text = head
        area = _AREA.match(head_text)
        m = area or _OBJECTIVE.match(head_text)
        assert m is not None
        code = m.group("code")
        ind = next((i for i, (_, t) in enumerate(body) if _INDICATORS.match(t)), None)
        if ind is not None:
            title_blocks, table = split_blocks(body[:ind]), split_blocks(body[ind + 1:])
        else:
            blocks = split_blocks(body)
            title_blocks, table = blocks[:1], blocks[1:]
        objective = self.objective(head_no, code, None if area else m.group("kind"), title_blocks)
        self.table(objective, table)

    def objective(self, line_no: int, code: str, kind: str | None, title_blocks: list[Block]) -> Objective:
        seg = self.ctx.segment
        parts = code.split("_")
        depth = len(parts) - 1  # parts after the year
        level = "area" if kind is None or depth <= 1 else "strategic" if depth == 2 else "operational"
        parent = "_".join(parts[:-1]) if depth >= 2 else None
        notes: list[str] = []
        title_lines = [t for b in title_blocks for _, t in b.lines if t.strip()]
        mission = None
        title = None
        for i, text in enumerate(title_lines):
            if mm := _MISSION.match(text):
                mission, title = mm.group("code"), collapse(text)
                rest = title_lines[:i] + title_lines[i + 1:]
                if rest:
                    notes.append(f"description: {collapse(' '.join(rest))}")
                notes.append("no area title printed: the mission heading is used as title")
                break
        if title is None:
            title = title_blocks[0].text() if title_blocks else None
            if len(title_blocks) > 1:
                notes.append(f"description: {collapse(' '.join(b.text() for b in title_blocks[1:]))}")
        if kind is not None and (kind.lower() == "operativo") != (level == "operational"):
            notes.append(f"header printed as 'Ob. {kind} {code}' but {code} is a {len(parts)}-part code: level {level} "
                         "taken from the code (document mislabel)")
        obj = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level, title,
                        parent_code=parent, mission_code=mission, notes="; ".join(notes) or None)
        self.codes[code] = obj
        self.rows_by_objective.setdefault(code, [])
        self.out.objectives.append(obj)
        return obj

    # -- tables --------------------------------------------------------------------------------------------
    def table(self, objective: Objective, blocks: list[Block]) -> None:
        blocks = [b for b in blocks if b.status or not all(_COLUMN_HEADER.match(t) for _, t in b.lines if t.strip())]
        rows = self.find_rows(blocks)
        if not rows:
            if blocks:
                self.quarantine(blocks[0].first, blocks[-1].last,
                                f"indicator table of {objective.objective_code} without a recognisable Tipo cell")
            return
        first = rows[0][0]
        if first > 0:
            self.quarantine(blocks[0].first, blocks[first - 1].last,
                            f"text in the indicator table of {objective.objective_code} before its first row")
        for k, (desc_index, tipo_index, tipo) in enumerate(rows):
            end = rows[k + 1][0] if k + 1 < len(rows) else len(blocks)
            region = blocks[tipo_index + 1:end]
            status_at = next((i for i, b in enumerate(region) if b.status), None)
            block = blocks[tipo_index]
            if tipo.line_index == 0 and not tipo.prefix:
                desc_lines = blocks[desc_index].lines
            else:
                desc_lines = block.lines[:tipo.line_index] + [(block.lines[tipo.line_index][0], tipo.prefix)]
            row = _Row(
                source_line=desc_lines[0][0],
                name=collapse(" ".join(t for _, t in desc_lines)),
                tipo=tipo, tipo_block=block,
                region=region if status_at is None else region[:status_at],
                status_block=None if status_at is None else region[status_at],
                after_status=[] if status_at is None else region[status_at + 1:],
            )
            self.reading(objective, row)

    def find_rows(self, blocks: list[Block]) -> list[tuple[int, int, TipoMatch]]:
        """(description block, Tipo block, Tipo) for every row; a Tipo alone at a block start takes the block
        before it as description."""
        rows: list[tuple[int, int, TipoMatch]] = []
        for i, block in enumerate(blocks):
            if block.status or (tipo := find_tipo(block)) is None:
                continue
            if tipo.line_index == 0 and not tipo.prefix:
                previous_tipo = rows[-1][1] if rows else -1
                if i == 0 or blocks[i - 1].status or i - 1 == previous_tipo:
                    self.quarantine(block.first, block.last, "indicator row without a description block")
                    continue
                rows.append((i - 1, i, tipo))
            else:
                rows.append((i, i, tipo))
        return rows

    def reading(self, objective: Objective, row: _Row) -> None:
        seg = self.ctx.segment
        tipo, block = row.tipo, row.tipo_block
        cont = [t for _, t in block.lines[tipo.end_index + 1:]]
        has_status = row.status_block is not None
        if not tipo.rest and not collapse(" ".join(cont)):
            cells = read_covid(row.region, has_status)
        else:
            cells = read_standard(tipo.rest, cont, row.region, has_status)
            cells.actual_value = value_of(cells.actual)
        remarks = cells.remarks + row.after_status
        remark_text = collapse(" ".join(b.text() for b in remarks))
        if has_status:
            assert row.status_block is not None
            status = parse_status(row.status_block.text())
            self.status_lines += 1
        else:
            status = parse_status(remark_text)
            cells.notes.append("no status line ('OBIETTIVO ...'); status "
                               + (f"from the remark '{remark_text[:80]}'" if status else "left null"))
        if tipo.split_words:
            cells.notes.append(f"Tipo printed over lines ('{tipo.printed}'), recorded as {tipo.tipo}")
        note_text = _join(*cells.note)
        notes = list(cells.notes)
        if note_text:
            notes.append(f"Note column: '{note_text}'")
        if remark_text:
            notes.append(f"Remarks: '{remark_text[:400]}'")
        last_blocks = [row.tipo_block, *row.region, *([row.status_block] if row.status_block else []), *remarks]
        line_end = max(b.last for b in last_blocks)
        reading = Reading(
            self.prov(row.source_line), seg.chamber_name, seg.year, seg.doc_kind,
            indicator_name=row.name, objective_level=objective.objective_level,
            objective_code=objective.objective_code, objective_title=objective.objective_title,
            indicator_type=tipo.tipo,
            target_raw=cells.target.raw, target_value=cells.target.value, target_operator=cells.target.operator,
            target_unit=cells.target.unit,
            actual_raw=cells.actual, actual_value=cells.actual_value, status=status,
            line_end=line_end, notes="; ".join(notes) or None,
        )
        self.out.readings.append(reading)
        assert objective.objective_code is not None
        self.rows_by_objective[objective.objective_code].append(reading)
        for b in remarks:
            self.restated(reading, b)
        self.text_facts(reading, [block.lines[tipo.line_index:], *(b.lines for b in row.region),
                                  *(b.lines for b in remarks)])

    def restated(self, original: Reading, block: Block) -> None:
        """"Valore raggiunto 95,90%" in the remarks: the indicator's value restated in prose (own row)."""
        for no, text in block.lines:
            m = _VALUE_STATED.match(text)
            if not m:
                continue
            restated = Reading(
                self.prov(no), original.chamber_name, original.year, original.doc_kind,
                indicator_name=original.indicator_name, objective_level=original.objective_level,
                objective_code=original.objective_code, objective_title=original.objective_title,
                indicator_type=original.indicator_type,
                target_raw=original.target_raw, target_value=original.target_value,
                target_operator=original.target_operator, target_unit=original.target_unit,
                actual_raw=collapse(m.group("m")), actual_value=value_of(m.group("m")),
                status=original.status, table_role="prose", restates_line=original.provenance.source_line,
                line_end=no,
                notes=f"restated in remark: '{collapse(text)}' (value of the row at line "
                      f"{original.provenance.source_line}); target repeated from that row",
            )
            self.out.readings.append(restated)
            assert original.objective_code is not None
            self.rows_by_objective[original.objective_code].append(restated)

    # -- facts ---------------------------------------------------------------------------------------------
    def text_facts(self, reading: Reading, blocks: list[list[tuple[int, str]]]) -> None:
        """Euro amounts, yearly values, a yearly series and staff counts printed in a row's cells and remarks.

        Each block is read as one text (amounts wrap over lines); every fact keeps the line it is printed on.
        """
        subject = reading.objective_code
        name = slug(reading.indicator_name)[:50]
        for lines in blocks:
            for line_no, text in lines:
                if m := _YEAR_VALUE.match(text):
                    self.fact(line_no, f"{name}_eur", parse_number(m.group("n")), "EUR", text, subject=subject,
                              year=int(m.group("year")))
                if m := _SERIES.match(text):
                    year = int(m.group("y"))
                    self.fact(line_no, f"{name}_pct", parse_number(m.group("pct")), "%", text, subject=subject,
                              year=year + 2000 if year < 100 else year)
            text, starts = _joined(lines)
            label = None
            for m in _EURO.finditer(text):
                line_no = _line_at(starts, m.start("n"))  # the line of the number ("€" may end the line before)
                value = parse_number(m.group("n").rstrip("."))
                if value is None or _YEAR_VALUE.match(self.ctx.source.line(line_no)):
                    continue
                if m.group("mila"):
                    value *= 1000
                if paren := _PAREN_LABEL.match(text[m.end():]):
                    label = re.sub(r"^valore\s+", "", paren.group("label").strip(), flags=re.I)
                self.fact(line_no, _euro_name(text, m), value, "EUR", text[max(0, m.start() - 90): m.end() + 40],
                          subject=subject)
                # "contributi per € 39.881,41 a 25 imprese": the number of firms funded
                if firms := _FIRMS.match(text[m.end():]):
                    self.fact(line_no, f"{slug(label) + '_' if label else ''}imprese_beneficiarie",
                              float(firms.group("n")), "count", text[max(0, m.start() - 40): m.end() + firms.end()],
                              subject=subject)
            for m in _STAFF.finditer(text):
                line_no = _line_at(starts, m.start())
                what = slug(" ".join(w for w in m.group("what").split() if w.lower() not in _STOP))[:40]
                self.fact(line_no, f"{m.group('noun')}_{what}", float(m.group("n")), "count", m.group(0),
                          subject=subject)
                self.fact(line_no, f"{m.group('noun')}_totale", float(m.group("total")), "count", m.group(0),
                          subject=subject)

    def finish(self) -> None:
        seg_line = self.ctx.segment.line_start
        for code, obj in self.codes.items():
            rows = [r for r in self.rows_by_objective.get(code, []) if r.table_role == "detail"]
            statuses = {r.status for r in rows}
            notes = [obj.notes] if obj.notes else []
            if obj.parent_code and obj.parent_code not in self.codes:
                notes.append(f"parent {obj.parent_code} is not printed")
            if rows and statuses == {"achieved"}:
                obj.status = "achieved"
            elif rows and statuses == {"not_achieved"}:
                obj.status = "not_achieved"
            elif rows and None not in statuses:
                obj.status = "partially_achieved"
            notes.append(f"status derived from its {len(rows)} indicator row(s)"
                         + ("" if obj.status else " (a row without status: left null)"))
            obj.notes = "; ".join(notes)
        objectives = list(self.codes.values())
        self.fact(seg_line, "count_areas", float(sum(o.objective_level == "area" for o in objectives)), "count", "",
                  derived=True)
        for level in ("strategic", "operational"):
            objs = [o for o in objectives if o.objective_level == level]
            self.fact(seg_line, f"count_{level}_objectives", float(len(objs)), "count", "", derived=True)
            for status in ("achieved", "partially_achieved", "not_achieved"):
                n = sum(1 for o in objs if o.status == status)
                self.fact(seg_line, f"count_{level}_objectives_{status}", float(n), "count", "", derived=True)
        detail = [r for r in self.out.readings if r.table_role == "detail"]
        self.fact(seg_line, "count_indicator_rows", float(len(detail)), "count", "", derived=True)
        self.fact(seg_line, "count_indicator_rows_obiettivo_conseguito", float(self.status_lines), "count", "",
                  derived=True)
        suspended = sum(1 for r in detail if r.actual_raw and "sospeso" in r.actual_raw.lower())
        self.fact(seg_line, "count_indicator_rows_sospeso", float(suspended), "count", "", derived=True)


def _joined(lines: list[tuple[int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Lines joined by spaces, with (offset, line number) of each line's start."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for no, text in lines:
        starts.append((offset, no))
        parts.append(text.strip())
        offset += len(parts[-1]) + 1
    return " ".join(parts), starts


def _line_at(starts: list[tuple[int, int]], pos: int) -> int:
    return max((s for s in starts if s[0] <= pos), default=starts[0])[1]


def _euro_name(text: str, m: re.Match[str]) -> str:
    """A fact name for an amount: its label in brackets after it, else the words before it."""
    if label := _PAREN_LABEL.match(text[m.end():]):
        words = re.sub(r"^valore\s+(.*)$", r"\1 valore", label.group("label").strip(), flags=re.I).split()
    else:
        words = [w for w in re.findall(r"[A-Za-zÀ-ú]+", text[:m.start()]) if w.lower() not in _STOP][-3:]
    return "eur_" + (slug(" ".join(words)) or "amount")


class CremonaWrapped(LayoutParser):
    name = LAYOUT_NAME
    description = ("Cremona-style blocks (Area Strategica / Ob. Strategico / Ob. Operativo) whose table cells wrap "
                  "into separate text lines.")
    signatures = (
        # headers and the column header wrapped over lines ("Valore" / "Raggiunto"), never tab-separated
        re.compile(r"^Ob\.\s*(?:Strategico|Operativo) +\d{4}_\d{2}[\d_]* *$"),
        re.compile(r"^Descrizione Tipo Valore Atteso *$"),
        re.compile(r"^Area Strategica +\d{4}_\d{2} *$"),
        re.compile(r"^Raggiunto *$"),
    )
    min_hits = 3

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = CremonaWrapped.parse
