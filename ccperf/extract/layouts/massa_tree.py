"""Performance tree with Ob/Ind tables (e.g. CCIAA Massa-Carrara, "Relazione sulla performance").

The PDF was flattened without layout, so every table cell wraps on its own lines and cells follow each other
in reading order, not in columns. Shape of the document (no tabs; ⏎ = a new line):

    PERFORMANCE DI ENTE 100,0%  /  OB 1: <area>⏎100%  /  <unit name> 100%      chapter 1 scores
    INDICATORI PIU' SIGNIFICATIVI: S2.1.4-a <name>⏎…⏎100%                       p.4 (realisation % only)
    PIRA Ob/Ind … Prospettiva …: P OS 032/004⏎Processi Interni /⏎… 2.1 <title>    BSC tables (perspectives)
    S0 - <unit> – Risultato ambito organizzativo 100%                           unit tables S0…S5, FRD:
      IS⏎S2.1.1-b <name…>⏎<Algoritmo…>⏎<numerator label>⏎4 5 4 13⏎100,00% 90% 100,00% 100,00%⏎
      <denominator label>⏎4 5 4 13                                              (ratio row) or
      IO⏎O2.1.4-c⏎<name…>⏎<Algoritmo…>⏎  26/06/2019 --- 26/06/2019 30/06/2019 100,00% 100,00%
      (Dati I/II/III Quadr, TOT/MEDIA, Risultato, Target, %Realizz target, % Realizz parametrata)
    3.0 - Albero della performance: AS/OS/OO rows, IS/IO rows "name⏎Risultato Target %Realizz %Param"
    3.1 / 3.2 Rendicontazione: OS/OO rows "Programma, title, %Realizz, % su Ob pond, % su Ente, UFFICIO",
      IS/IO rows "name⏎Algoritmo⏎Risultato Target %Realizz %Param UFFICIO"
    4. Obiettivi del S.G. / PO n – <service>: "name⏎Algoritmo⏎Risultato Target %Realizz %Param"

Every indicator printed in the tree (section 3.0) is printed again elsewhere; the tree gives each name
without any Algoritmo text, so it is the reference used to tell a name's lines from the Algoritmo's in
the other tables (names wrap around the values line, the Algoritmo continues under the name, ...).
The occurrence in section 3.1/3.2 is the detail reading; the tree, p.4, unit and individual tables restate it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.linking import most_similar, ratio_at_least
from ccperf.extract.numbers import collapse, excel_serial_to_date, parse_date, parse_number
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.vocab import slug
from ccperf.model import Fact, Objective, Provenance, Quarantined, Reading, ReadingComponent

LAYOUT_NAME = "massa_tree"

# -- tokens ---------------------------------------------------------------------------------------------------
_PCT = r"-?\d[\d.]*(?:,\d+)?\s?%"
_PCT_RE = re.compile(_PCT)
_DATE_TOKEN = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_VALUE_TOKEN = re.compile(r"^(?:\d{1,2}/\d{1,2}/\d{4}|-?\d[\d.]*(?:,\d+)?%?|-{3})$")
_PCT_TOKEN = re.compile(r"^-?\d[\d.]*(?:,\d+)?%$")
_BARE_OPERATOR = re.compile(r"^(?:>=|=>|<=|=<|[<>=≥≤])$")
_OFFICE = r"(?:ISR|ENTE|TUTTI|FRD|U\s?\d+\.\d+)(?:\s+(?:ISR|ENTE|TUTTI|FRD|U\s?\d+\.\d+))*"
# The values line of an indicator row ends with "%Realizz target" and "% Realizz parametrata" (then UFFICIO).
_ANCHOR = re.compile(rf"^(?P<pre>.*?)(?P<pt>{_PCT})\s+(?P<pp>{_PCT})(?:\s+(?P<office>{_OFFICE}))?\s*$")
_PROGRAMME = re.compile(r"\b\d{3}/\d{3}\b")

# -- markers --------------------------------------------------------------------------------------------------
_TYPE_ONLY = re.compile(r"^\s*(IS|IO)\s*$")
# "IO O1.2.4-a Numero newsletter …", "O2.1.4-c", "O2.1.4-fattuazione" (code glued to the name)
_CODE_LINE = re.compile(r"^\s*(?:(?P<type>IS|IO)\s+)?(?P<code>[SO]\d+(?:\.\d+){1,3}-[a-z])(?P<rest>.*)$")
_FRD_LINE = re.compile(r"^\s*(?P<head>[A-Z]{2,4}):\s*(?P<ob>ob\s*\d+)?\s*$")
_FRD_OB = re.compile(r"^\s*(ob\s*\d+)\s*$")
_OBJ_MARKER = re.compile(r"^\s*(?P<kind>AS|OS|OO)(?:\s+(?P<rest>.*))?$")
_TOT_MARKER = re.compile(rf"^\s*(?:IS|OS)\s+TOT\s+(?P<code>\d+(?:\.\d+)+)\s+Indicatori Strategici\s+(?P<pct>{_PCT})")
_ENTE_MARKER = re.compile(rf"^\s*E\s+ENTE\b\s*(?P<pct>{_PCT})?")

# -- section headings -----------------------------------------------------------------------------------------
_UNIT_HEADING = re.compile(
    rf"^\s*(?P<code>S\d+|[A-Z]{{2,4}})\s*[-–]\s*(?P<title>.+?)\s*[-–]\s*Risultato ambito\s+(?P<word>\w+)\s+"
    rf"(?P<pct>{_PCT})")
_SG_HEADING = re.compile(r"^\s*Obiettivi del\s+(?P<code>S\.\s?G\.?)\s*$")
_PO_HEADING = re.compile(r"^\s*(?P<code>P\.?\s?O\.?\s*\d+)\s*[–-]\s*(?P<title>\S.*?)\s*$")
# -- prose facts ---------------------------------------------------------------------------------------------
_AREAS_COUNT = re.compile(r"\b(\w+)\s+(?:seguenti\s+)?aree strategiche")
_STRATEGIC_COUNT = re.compile(r"\bin\s+(\w+)\s+obiettivi strategici")
_LEVEL_COUNT = re.compile(r"^\W*Obiettivi (Strategici|Operativi)\s+n\.\s*(\d+)")
_ENTITY_SCORE = re.compile(r"nella misura percentuale complessiva pari al\s+(" + _PCT + ")")
_HEADCOUNT_TOTAL = re.compile(r"^\s*Totale\s+\d+\s+\d+,\d+\s+\d+\s+\d+,\d+\s*$")
_BUDGET_HEADING = re.compile(r"^\s*Gestione corrente\s*$")
_RACCORDO_HEADING = re.compile(r"AREE STRATEGICHE\s+OBIETTIVI STRATEGICI")
_STRATEGIC_HEADING = re.compile(r"Rendicontazione degli obiettivi strategici", re.I)
_OPERATIONAL_HEADING = re.compile(r"Rendicontazione degli obiettivi operativi", re.I)
_SECTION_3_3 = re.compile(r"^\s*3\.3\s*-")
_TOP_HEADING = re.compile(r"INDICATORI PIU.?\s+SIGNIFICATIVI")
_BSC_HEADING = re.compile(r"^\s*PIRA\s+Ob/Ind")
_SPACES = re.compile(r"\s+")
_CHAPTER = re.compile(r"^\s*(?P<n>\d)\.\s+(?P<title>[A-ZÀ-Ú][A-ZÀ-Ú'’ ]{3,})")
_FOOTER_TEXT = "[Digitare il testo]"
_TOKEN = re.compile(r"\S+")
_CUT_BEFORE_VOWEL = re.compile(r"[a-zà-ù]{5,}[b-df-hj-np-tv-z]$")
_LONE_VOWEL = re.compile(r"^[aeiou](?:\s|$)")
_SO_CODE = re.compile(r"^[SO]\d")
_OPERATOR_TEXT = re.compile(r">\s*=|=\s*>|<\s*=|=\s*<|≥|≤|>|<|=")
_SHORT_NUMBER_LINE = re.compile(r"\s*(\d{1,3})\s*")
_SPLIT_DATE = re.compile(r"(\d{1,2}/\d{1,2}/(\d{1,3}))\s*$")
_DECIMAL_AT_END = re.compile(r"\d,\d+\s*$")
_PERCENT_LINE = re.compile(r"\s*%\s*(?P<rest>.*)")

# -- table roles / kinds --------------------------------------------------------------------------------------
UNIT, TREE, STRATEGIC, OPERATIONAL, INDIVIDUAL, TOP = "unit", "tree", "strategic", "operational", "individual", "top"
_SECTION_LABEL = {
    TREE: "section 3.0 'Albero della performance'",
    STRATEGIC: "section 3.1 'Rendicontazione degli obiettivi strategici triennali'",
    OPERATIONAL: "section 3.2 'Rendicontazione degli obiettivi operativi annuali'",
    TOP: "p.4 'INDICATORI PIU' SIGNIFICATIVI'",
}
_PERIODS = ("I quadrimestre", "II quadrimestre", "III quadrimestre", "total")
_NUMBER_WORDS = {"due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9,
                 "dieci": 10}


def detect_signatures() -> tuple[re.Pattern[str], ...]:
    return (
        re.compile(r"^\s*%\s*Realizz"),
        re.compile(r"Parametri di calcolo"),
        re.compile(r"\bQuadr\b"),
        re.compile(r"Risultato ambito (?:organizzativo|amministrativo)"),
    )


# ==============================================================================================================
# Small text helpers (layout-specific; general ones live in ccperf.extract.numbers)
# ==============================================================================================================
def _norm_chars(text: str) -> str:
    """Lower-case text without whitespace: what two printings of a name share whatever their wrapping."""
    return re.sub(r"\s+", "", text.replace("’", "'").lower())


def _split_value_suffix(text: str) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(text tokens, trailing value tokens) of a line, each token as (text, start, end)."""
    toks = [(t.group(0), t.start(), t.end()) for t in _TOKEN.finditer(text)]
    n = len(toks)
    while n > 0 and _VALUE_TOKEN.match(toks[n - 1][0]):
        n -= 1
    return toks[:n], toks[n:]


def _is_anchor(text: str) -> bool:
    """A values line (_ANCHOR); its two percentages need two "%" (a cheap test before the backtracking match)."""
    return text.count("%") >= 2 and _ANCHOR.match(text) is not None


def _is_value_line(text: str) -> bool:
    toks = text.split()
    return bool(toks) and all(_VALUE_TOKEN.match(t) for t in toks)


def _value_of(raw: str | None) -> float | None:
    """A number or percentage cell as a float; dates and text give None."""
    if raw is None:
        return None
    s = raw.strip().rstrip("%").strip()
    if _DATE_TOKEN.match(raw.strip()):
        return None
    return parse_number(s)


def algoritmo_operator(text: str | None) -> str | None:
    """The comparison an Algoritmo cell states: a symbol ("% … >= 85%", "=2", "(>= 80%)"), else "entro" (<=)."""
    if not text:
        return None
    m = _OPERATOR_TEXT.search(text)
    if m:
        op = re.sub(r"\s+", "", m.group(0))
        return {"=>": ">=", "=<": "<=", "≥": ">=", "≤": "<="}.get(op, op)
    if re.search(r"\bentro\b", text, re.I):
        return "<="
    return None


def algoritmo_unit(target_raw: str | None, algoritmo: str | None) -> str | None:
    """Unit of a target: "%" when printed; for a plain number "N." (Algoritmo counts "n. …") or "gg" (days)."""
    if not target_raw:
        return None
    if target_raw.strip().endswith("%"):
        return "%"
    if _value_of(target_raw) is None or not algoritmo:
        return None
    if re.match(r"^\s*n\.", algoritmo, re.I):
        return "N."
    if re.search(r"\d\s*gg\b", algoritmo, re.I):
        return "gg"
    return None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def join_wrapped(lines: list[str]) -> str:
    """Wrapped cell lines as one text; a word cut before its last vowel is rejoined ("aggiornament" ⏎ "o")."""
    out = ""
    for line in lines:
        line = collapse(line)
        if not line:
            continue
        if out and _CUT_BEFORE_VOWEL.search(out) and _LONE_VOWEL.match(line):
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


# ==============================================================================================================
# Lines after repairing the flattening: page footers removed, split dates and "100,0" ⏎ "%" joined
# ==============================================================================================================
@dataclass(slots=True)  # one per line: slots make them cheaper to create and read
class _Line:
    no: int
    text: str
    blank: bool = False  # as `not text.strip()`; a field, not a property: it is read for every line many times

    @classmethod
    def of(cls, no: int, text: str) -> _Line:
        return cls(no, text, not text or text.isspace())

    def set_text(self, text: str) -> None:
        """The only way to change a line's text: keeps `blank` in step."""
        self.text, self.blank = text, not text or text.isspace()


def prepare_lines(numbered: list[tuple[int, str]]) -> tuple[list[_Line], dict[int, str]]:
    """Lines with page footers blanked and cells split mid-token rejoined; returns the repairs by line."""
    lines = [_Line.of(n, t.rstrip("\r\n")) for n, t in numbered]
    repairs: dict[int, str] = {}

    def next_filled(i: int, limit: int = 3) -> int | None:
        for j in range(i + 1, min(len(lines), i + 1 + limit)):
            if not lines[j].blank:
                return j
        return None

    # Cheap substring checks first: each pattern needs that text, and almost no line has it.
    for i, line in enumerate(lines):
        if _FOOTER_TEXT in line.text:
            line.set_text("")
            j = next_filled(i)
            if j is not None and _SHORT_NUMBER_LINE.fullmatch(lines[j].text):
                lines[j].set_text("")  # the page number under the footer
            continue
        # Both repairs below need the line to end (blanks aside) with a digit: a cheap test first.
        ends_in_digit = line.text.rstrip()[-1:].isdigit()
        # "12/12/201" ⏎ "9": a date split inside its year
        m = _SPLIT_DATE.search(line.text) if ends_in_digit and "/" in line.text else None
        if m:
            j = next_filled(i)
            if j is not None and (dm := _SHORT_NUMBER_LINE.fullmatch(lines[j].text)):
                year = m.group(2) + dm.group(1)
                if len(year) == 4 and 1990 <= int(year) <= 2099:
                    repairs[line.no] = f"'{m.group(1)}'+'{dm.group(1)}' (l.{line.no}-{lines[j].no})"
                    line.set_text(line.text[: m.end(1)] + dm.group(1))
                    lines[j].set_text("")
                    continue
        # "100,0" ⏎ "%": a percentage split from its sign (objective rows of section 3.2)
        if ends_in_digit and "," in line.text and _DECIMAL_AT_END.search(line.text):
            j = next_filled(i)
            if j is not None and (pm := _PERCENT_LINE.fullmatch(lines[j].text)):
                rest = pm.group("rest")
                line.set_text(line.text.rstrip() + "%" + (" " + rest if rest else ""))
                lines[j].set_text("")
    return lines, repairs


# ==============================================================================================================
# Name matching against the tree's printing of the same indicator
# ==============================================================================================================
@dataclass
class _NameRef:
    text: str
    norm: str = ""
    orig_index: list[int] = field(default_factory=list)  # position in text of each char of norm

    def __post_init__(self) -> None:
        chars, index = [], []
        for i, ch in enumerate(self.text.replace("’", "'").lower()):
            if not ch.isspace():
                chars.append(ch)
                index.append(i)
        self.norm, self.orig_index = "".join(chars), index

    def space_before(self, pos: int) -> bool:
        """Whether the reference has whitespace right before its pos-th non-space character."""
        if pos <= 0 or pos >= len(self.orig_index):
            return True
        return self.orig_index[pos] - self.orig_index[pos - 1] > 1


def _consume(text: str, ref: _NameRef, pos: int) -> tuple[int, int]:
    """Match text against ref from pos, ignoring whitespace and case.

    Returns (characters of text consumed, new ref position); consumed == len(text) means the whole text
    continues the reference; 0 means it does not start like the rest of the reference.
    """
    norm = ref.norm
    start = pos
    lowered = text.replace("’", "'").lower()
    squeezed = "".join(lowered.split())  # the characters the loop below compares (isspace ones are skipped)
    if norm.startswith(squeezed, pos):
        return len(text), pos + len(squeezed)  # the whole text continues the reference: the loop's result
    i = 0
    for i, ch in enumerate(lowered):
        if ch.isspace():
            continue
        if pos < len(norm) and norm[pos] == ch:
            pos += 1
            continue
        if pos >= len(norm) and pos > start:
            return i, pos  # the reference ended inside this text: the rest is another cell
        return 0, start
    return len(text), pos


def _fuzzy_consume(text: str, ref: _NameRef, pos: int) -> int | None:
    """New ref position when a whole line continues the reference up to a typo ("apparecchiature" printed
    where the tree has "apparecchiaturae"); None when it does not."""
    line = _norm_chars(text)
    rest = ref.norm[pos:]
    if len(line) < 8 or rest[:2] != line[:2]:
        return None
    best, best_len = 0.0, 0
    for n in range(max(1, len(line) - 4), min(len(rest), len(line) + 4) + 1):
        # Only a ratio of 0.9 or more is used, and only a strictly better one replaces the best.
        ratio = ratio_at_least(line, rest[:n], max(best, 0.9))
        if ratio is not None and ratio > best:
            best, best_len = ratio, n
    return pos + best_len if best >= 0.9 else None


class _NameBuilder:
    """Joins a name's wrapped lines, without a space where the reference has none ("Sportell" ⏎ "o")."""

    def __init__(self, ref: _NameRef | None) -> None:
        self.ref = ref
        self.parts: list[str] = []
        self.glued: list[str] = []  # words rejoined across a line break

    def add(self, text: str, ref_pos: int | None = None) -> None:
        text = collapse(text)
        if not text:
            return
        if self.parts and self.ref is not None and ref_pos is not None and not self.ref.space_before(ref_pos):
            self.glued.append(f"'{self.parts[-1].split()[-1]}'+'{text.split()[0]}'")
            self.parts[-1] = self.parts[-1] + text
        else:
            self.parts.append(text)

    def text(self) -> str:
        return collapse(" ".join(self.parts))


# ==============================================================================================================
# Parsed pieces
# ==============================================================================================================
@dataclass
class _Section:
    kind: str
    start: int  # index into lines
    end: int  # exclusive
    code: str | None = None
    title: str | None = None
    heading_line: int | None = None
    result_raw: str | None = None
    label: str | None = None


@dataclass
class _ObjState:
    code: str
    level: str
    title: str
    line: int
    programmes: list[str] = field(default_factory=list)
    pcts: list[str] = field(default_factory=list)
    office: list[str] = field(default_factory=list)


@dataclass
class _Values:
    actual_raw: str | None = None
    target_raw: str | None = None
    achievement_raw: str | None = None
    param_raw: str | None = None
    office: str | None = None
    data: list[tuple[str | None, int]] = field(default_factory=list)  # cells I..TOT (raw or None), line no
    denominator: list[tuple[str | None, int]] = field(default_factory=list)
    numerator_label: str | None = None
    denominator_label: str | None = None
    target_from_text: bool = False


# ==============================================================================================================
# The parser
# ==============================================================================================================
@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    lines: list[_Line] = field(default_factory=list)
    repairs: dict[int, str] = field(default_factory=dict)
    sections: list[_Section] = field(default_factory=list)
    refs: dict[str, list[_NameRef]] = field(default_factory=dict)
    readings_by_kind: dict[str, list[Reading]] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    perspectives: dict[str, tuple[str, int]] = field(default_factory=dict)
    bsc_notes: dict[str, list[str]] = field(default_factory=dict)
    tree_objectives: dict[str, _ObjState] = field(default_factory=dict)

    # -- helpers ------------------------------------------------------------------------------------------------
    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str,
             subject: str | None = None, year: int | None = None) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year))

    def quarantine(self, start: int, end: int, reason: str) -> None:
        text = "\n".join(self.lines[i].text for i in range(start, min(end, len(self.lines))))
        self.out.quarantined.append(Quarantined(self.prov(self.lines[start].no), self.lines[end - 1].no,
                                                LAYOUT_NAME, reason, text))

    def new_objective(self, line_no: int, code: str, level: str, title: str | None, **values) -> Objective:
        seg = self.ctx.segment
        obj = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level,
                        collapse(title) or None, **values)
        self.out.objectives.append(obj)
        self.objectives[code] = obj
        return obj

    # -- driver -------------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        self.lines, self.repairs = prepare_lines(self.ctx.numbered_lines())
        self.find_sections()
        tree = [s for s in self.sections if s.kind == TREE]
        for section in tree:  # the tree first: it is the reference for names printed elsewhere
            self.parse_table(section)
        for section in self.sections:
            if section.kind == TREE:
                continue
            if section.kind in (UNIT, STRATEGIC, OPERATIONAL, INDIVIDUAL):
                self.parse_table(section)
            elif section.kind == TOP:
                self.parse_top(section)
            elif section.kind == "bsc":
                self.parse_bsc(section)
            elif section.kind == "scores":
                self.parse_scores(section)
            elif section.kind == "individual_summary":
                self.parse_individual_summary(section)
        self.parse_raccordo()
        self.parse_prose_facts()
        self.finish()
        return self.out

    # -- sections -----------------------------------------------------------------------------------------------
    def find_sections(self) -> None:
        current: _Section | None = None

        def open_(kind: str, i: int, **kw) -> None:
            nonlocal current
            if current is not None:
                current.end = i
                self.sections.append(current)
            current = _Section(kind, i, len(self.lines), heading_line=self.lines[i].no, **kw)

        # Each heading pattern runs only on lines holding text it needs (a substring test is far cheaper); for the
        # case-insensitive ones that text is "rend", lower-cased and free of i/k/s (which IGNORECASE also matches
        # to other Unicode letters).
        for i, line in enumerate(self.lines):
            text = line.text
            if line.blank:
                continue
            # (a heading "Rendicontazione degli obiettivi ..." is at least 41 characters long)
            rend = len(text) >= 41 and "rend" in text.lower()
            if "Risultato ambito" in text and (m := _UNIT_HEADING.match(text)):
                open_(UNIT, i, code=m.group("code"), title=collapse(m.group("title")), result_raw=m.group("pct"),
                      label=collapse(text))
            elif "Albero della performance" in text and len(text) < 80:
                open_(TREE, i)
            elif rend and _STRATEGIC_HEADING.search(text):
                open_(STRATEGIC, i)
            elif rend and _OPERATIONAL_HEADING.search(text):
                open_(OPERATIONAL, i)
            elif "3.3" in text and _SECTION_3_3.match(text) or "Valutazione complessiva della performance" in text:
                open_("other", i)
            elif "SIGNIFICATIVI" in text and _TOP_HEADING.search(text):
                open_(TOP, i)
            elif "PERFORMANCE DI ENTE" in text and current is not None and current.kind == "chapter1":
                open_("scores", i)
            elif "PIRA" in text and _BSC_HEADING.match(text):
                open_("bsc", i)
            elif "OBIETTIVI INDIVIDUALI ASSEGNATI" in text:
                open_("individual_summary", i)
            elif "Obiettivi del" in text and (m := _SG_HEADING.match(text)):
                open_(INDIVIDUAL, i, code=_SPACES.sub("", m.group("code")), title=collapse(text),
                      label=collapse(text))
            elif current is not None and current.kind in (INDIVIDUAL, "individual_summary") and (
                    m := _PO_HEADING.match(text)):
                code = re.sub(r"\s+", " ", re.sub(r"P\.?\s?O\.?\s*", "PO ", m.group("code"))).strip()
                open_(INDIVIDUAL, i, code=code, title=collapse(m.group("title")),
                      label=f"{code} - {collapse(m.group('title'))}")
            elif "." in text and (m := _CHAPTER.match(text)):
                open_("chapter1" if m.group("n") == "1" else "other", i)
        if current is not None:
            current.end = len(self.lines)
            self.sections.append(current)

    # -- rows of a table ----------------------------------------------------------------------------------------
    def markers(self, section: _Section) -> list[tuple[int, str]]:
        """(line index, kind) of every row start: indicator, FRD-like row, objective row, totals."""
        out: list[tuple[int, str]] = []
        start = section.start + 1
        for i in range(start, section.end):
            text = self.lines[i].text
            if self.lines[i].blank:
                continue
            if not "A" <= text.lstrip()[:1] <= "Z":
                continue  # every marker starts (after blanks) with an upper-case ASCII letter
            if _TYPE_ONLY.match(text):
                out.append((i, "type"))
            elif _CODE_LINE.match(text):
                if out and out[-1][1] == "type" and self._only_blank_between(out[-1][0], i):
                    out[-1] = (out[-1][0], "type+code")
                    continue
                out.append((i, "code"))
            elif _FRD_LINE.match(text):
                out.append((i, "frd"))
            elif section.kind in (TREE, STRATEGIC, OPERATIONAL) and (
                    _TOT_MARKER.match(text) or _ENTE_MARKER.match(text)):
                out.append((i, "tot" if _TOT_MARKER.match(text) else "ente"))
            elif section.kind in (TREE, STRATEGIC, OPERATIONAL) and _OBJ_MARKER.match(text):
                out.append((i, "obj"))
        return out

    def _only_blank_between(self, a: int, b: int) -> bool:
        return all(self.lines[k].blank for k in range(a + 1, b))

    def parse_table(self, section: _Section) -> None:
        marks = self.markers(section)
        unit_obj = self.unit_objective(section) if section.kind in (UNIT, INDIVIDUAL) else None
        state: dict[str, _ObjState | None] = {"AS": None, "OS": None, "OO": None}
        first = marks[0][0] if marks else section.end
        if section.kind in (UNIT, INDIVIDUAL) and any(
                _is_anchor(self.lines[k].text) for k in range(section.start + 1, first)):
            self.quarantine(section.start, first, "values line before the first indicator row of the table")
        for n, (i, kind) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else section.end
            if kind in ("type", "type+code", "code", "frd"):
                if kind == "type":
                    # an Ob/Ind cell with no code after it
                    if any(not self.lines[k].blank for k in range(i + 1, end)):
                        self.quarantine(i, end, "Ob/Ind cell (IS/IO) without an indicator code")
                    continue
                self.parse_indicator(section, i, end, kind, state, unit_obj)
            elif kind == "obj":
                self.parse_objective_row(section, i, end, state)
            elif kind == "tot":
                m = _TOT_MARKER.match(self.lines[i].text)
                self.fact(self.lines[i].no, "performance_strategic_indicators", _value_of(m.group("pct")), "%",
                          self.lines[i].text, subject=m.group("code"))
            elif kind == "ente":
                m = _ENTE_MARKER.match(self.lines[i].text)
                if m.group("pct"):
                    self.fact(self.lines[i].no, "performance_entity", _value_of(m.group("pct")), "%",
                              self.lines[i].text)

    # -- objective rows (tree, 3.1, 3.2) -------------------------------------------------------------------------
    def parse_objective_row(self, section: _Section, i: int, end: int, state: dict[str, _ObjState | None]) -> None:
        m = _OBJ_MARKER.match(self.lines[i].text)
        kind = m.group("kind")
        programmes: list[str] = []
        title_parts: list[str] = []
        code: str | None = None
        title_line: int | None = None
        pcts: list[str] = []
        office: list[str] = []
        phase = "head"
        pieces = [(self.lines[i].no, m.group("rest") or "")]
        pieces += [(self.lines[k].no, self.lines[k].text) for k in range(i + 1, end) if not self.lines[k].blank]
        for line_no, text in pieces:
            text = text.strip()
            if not text:
                continue
            if phase == "head":
                progs = _PROGRAMME.findall(text)
                rest = _PROGRAMME.sub("", text).strip() if progs and re.match(r"^\s*\d{3}/\d{3}", text) else text
                programmes += progs if rest != text else []
                if not rest:
                    continue
                cm = re.match(r"^(?:(?P<ob>OB\s*\d+)\s*:|(?P<num>\d+(?:\.\d+)+)\s+)(?P<title>.*)$", rest)
                if cm is None:
                    continue
                code = re.sub(r"\s+", " ", cm.group("ob") or cm.group("num"))
                title_line = line_no
                text, phase = cm.group("title"), "title"
            if phase == "title":
                pm = _PCT_RE.search(text)
                if pm is None:
                    title_parts.append(text)
                    continue
                title_parts.append(text[: pm.start()])
                pcts = _PCT_RE.findall(text)
                tail = _PCT_RE.sub("", text[pm.start():]).strip()
                office += tail.split() if tail else []
                phase = "after"
                continue
            if not office and re.fullmatch(rf"(?:{_PCT}\s*)+", text):
                pcts += _PCT_RE.findall(text)  # "100,0" ⏎ "%" ⏎ "16,0%": the next column on its own line
                continue
            office += text.split()
        if code is None:
            self.quarantine(i, end, f"{kind} row without an objective code")
            return
        level = {"AS": "area", "OS": "strategic", "OO": "operational"}[kind]
        obj = _ObjState(code, level, join_wrapped(title_parts), title_line or self.lines[i].no, programmes,
                        [p.replace(" ", "") for p in pcts], office)
        state[kind] = obj
        if kind == "AS":
            state["OS"] = state["OO"] = None
        elif kind == "OS":
            state["OO"] = None
        if section.kind == TREE:
            self.tree_objectives.setdefault(code, obj)
            return
        self.objective_from_table(section, obj, state)

    def objective_from_table(self, section: _Section, obj: _ObjState, state: dict[str, _ObjState | None]) -> None:
        """Objectives come from sections 3.1 (areas, strategic) and 3.2 (operational); facts from both."""
        area_code = obj.code if obj.level == "area" else None
        pcts = [_value_of(p) for p in obj.pcts]
        quote = f"{obj.code}{':' if obj.level == 'area' else ''} {obj.title} {' '.join(obj.pcts)}"
        if obj.level == "area" and pcts:
            self.fact(obj.line, "performance_area", pcts[0], "%", quote, subject=area_code)
            if len(pcts) > 1:
                self.fact(obj.line, "contribution_entity_pct", pcts[-1], "%", quote, subject=area_code)
        elif obj.level == "strategic" and pcts:
            self.fact(obj.line, "performance_strategic_objective", pcts[0], "%", quote, subject=obj.code)
            if len(pcts) >= 3:
                self.fact(obj.line, "contribution_area_pct", pcts[1], "%", quote, subject=obj.code)
                self.fact(obj.line, "contribution_entity_pct", pcts[2], "%", quote, subject=obj.code)
        if obj.code in self.objectives:
            return  # the area rows are printed again in 3.2: one objective row each
        if obj.level == "area":
            parent = None
        elif obj.level == "strategic":
            parent = state["AS"].code if state["AS"] else None
        else:
            parent = state["OS"].code if state["OS"] else ".".join(obj.code.split(".")[:2])
        notes = [f"{_SECTION_LABEL[section.kind]} row (l.{obj.line})"]
        if obj.programmes:
            notes.append(f"Programma {' '.join(obj.programmes)}")
        labels = ["% Realizz parametrata", "% su Ob pond", "% su Ente"] if obj.level == "strategic" else (
            ["% Realizz parametrata", "% su Ente"] if obj.level == "area" else ["% Realizz parametrata"])
        notes += [f"{lab} {raw}" for lab, raw in zip(labels, obj.pcts, strict=False)]
        if obj.office:
            notes.append(f"UFFICIO {' '.join(obj.office)}")
        tree = self.tree_objectives.get(obj.code)
        if tree is not None:
            notes.append(f"also in the albero 3.0 (l.{tree.line})")
        self.new_objective(obj.line, obj.code, obj.level, obj.title, parent_code=parent,
                           achievement_pct=pcts[0] if pcts else None,
                           mission_code=obj.programmes[0].split("/")[0] if obj.programmes else None,
                           notes="; ".join(notes))

    def unit_objective(self, section: _Section) -> Objective:
        if section.code in self.objectives:
            return self.objectives[section.code]
        notes = [f"table '{section.label}' (l.{section.heading_line})"]
        achievement = None
        if section.kind == UNIT:
            achievement = _value_of(section.result_raw)
            notes.append(f"Risultato ambito {section.result_raw}")
            self.fact(section.heading_line, "performance_unit", achievement, "%", section.label,
                      subject=section.code)
        else:
            notes.append("individual objectives table (section 4)")
        return self.new_objective(section.heading_line, section.code, "other", section.title,
                                  achievement_pct=achievement, unit_name=section.title, notes="; ".join(notes))

    # -- indicator rows -----------------------------------------------------------------------------------------
    def parse_indicator(self, section: _Section, i: int, end: int, kind: str,
                        state: dict[str, _ObjState | None], unit_obj: Objective | None) -> None:
        lines = self.lines
        ind_type: str | None = None
        notes: list[str] = []
        if kind in ("type+code", "code"):
            if kind == "type+code":
                ind_type = _TYPE_ONLY.match(lines[i].text).group(1)
                i = next(k for k in range(i + 1, end) if not lines[k].blank)
            m = _CODE_LINE.match(lines[i].text)
            ind_type = ind_type or m.group("type")
            code = m.group("code")
            first_text = m.group("rest")
            if first_text and not first_text[0].isspace():
                notes.append(f"code glued to the name in the text: '{code[-1]}{first_text.split()[0]}' = {code} + "
                             f"'{first_text.split()[0]}'")
            name_start = i
        else:  # "FRD:" ⏎ "ob1" ⏎ "2.1.1 Obiettivo 1: …"
            fm = _FRD_LINE.match(lines[i].text)
            ob = fm.group("ob")
            k = i + 1
            if ob is None:
                k = next((j for j in range(i + 1, end) if not lines[j].blank), end)
                om = _FRD_OB.match(lines[k].text) if k < end else None
                if om is None:
                    self.quarantine(i, end, f"'{fm.group('head')}:' row without its objective label")
                    return
                ob = om.group(1)
                k += 1
            code = f"{fm.group('head')}: {_squeeze(ob)}"
            notes.append(f"Ob/Ind column '{code}' (l.{lines[i].no}-{lines[k - 1].no})")
            name_start = next((j for j in range(k, end) if not lines[j].blank), None)
            if name_start is None:
                self.quarantine(i, end, f"{code} row without a name")
                return
            first_text = lines[name_start].text
        row = self.read_row(section, name_start, end, code, first_text)
        if row is None:
            self.quarantine(i, end, f"indicator row {code} without a values line (Risultato, Target, %Realizz)")
            return
        name, algoritmo, values, row_notes, last = row
        notes += row_notes
        self.emit_reading(section, lines[name_start].no, lines[last].no, code, ind_type, name, algoritmo, values,
                          notes, state, unit_obj)

    def find_anchor(self, start: int, end: int, first_text: str) -> tuple[int, re.Match[str]] | None:
        for k in range(start, end):
            text = first_text if k == start else self.lines[k].text
            if self.lines[k].blank:
                continue
            m = _ANCHOR.match(text) if text.count("%") >= 2 else None  # the two percentages it ends with
            if m:
                return k, m
        return None

    def read_row(self, section: _Section, start: int, end: int, code: str, first_text: str):
        """Split a row's lines into name, Algoritmo (+ Parametri), values; None when no values line."""
        lines = self.lines
        found = self.find_anchor(start, end, first_text)
        if found is None:
            return None
        a, am = found
        kind = section.kind
        values = _Values(achievement_raw=am.group("pt").replace(" ", ""),
                         param_raw=am.group("pp").replace(" ", ""),
                         office=collapse(am.group("office")) or None)
        row_notes: list[str] = []

        # Tokens before the two percentages on the anchor line: [Algoritmo/name text] [data…] Risultato Target.
        pre = am.group("pre")
        text_toks, suffix = _split_value_suffix(pre)
        anchor_text = pre[: suffix[0][1]] if suffix else pre
        if kind == UNIT and text_toks and suffix:
            # Algoritmo printed on the values line: "n. strumenti verificati >= 90   90 16 11 --- 117 90";
            # the cells start after a run of 3+ spaces, else after the threshold that follows a bare operator.
            cut = None
            for j, tok in enumerate(suffix):
                gap_from = text_toks[-1][2] if j == 0 else suffix[j - 1][2]
                if len(pre[gap_from:tok[1]]) >= 3:
                    cut = j
                    break
            if cut is None and _BARE_OPERATOR.match(text_toks[-1][0]):
                cut = 1
            if cut:
                anchor_text = pre[: suffix[cut][1]]
                suffix = suffix[cut:]
        elif kind != UNIT and len(suffix) > 2:
            anchor_text = pre[: suffix[-2][1]]
            suffix = suffix[-2:]
        cells = self.cells_of(pre, suffix, a)

        # Values printed on the lines above the anchor (split dates, numerator row, text target).
        value_lines: set[int] = set()
        target_text: list[int] = []
        denominator_idx: int | None = None
        after = [k for k in range(a + 1, end) if not lines[k].blank]
        if kind == UNIT:
            denominator_idx = self.find_denominator(after, code, first_text)
        on_anchor = len([c for c in cells if c[0] is not None])
        # unit rows: Risultato, Target and at least the TOT cell; above the anchor only when the values wrap
        # (split dates) or for a ratio's numerator row
        need = 3 if kind == UNIT and (denominator_idx is not None or on_anchor < 2) else 2
        k = a - 1
        prior: list[tuple[str | None, int]] = []
        while k > start and len([c for c in prior + cells if c[0] is not None]) < need:
            if lines[k].blank:
                k -= 1
                continue
            text = lines[k].text
            if _is_value_line(text):
                prior = self.cells_of(text, _split_value_suffix(text)[1], k) + prior
                value_lines.add(k)
                if target_text:
                    break
            elif not [c for c in prior + cells if c[0] is not None] and len(target_text) < 4 and len(text) < 30:
                target_text.insert(0, k)
            else:
                break
            k -= 1
        filled = [c for c in prior + cells if c[0] is not None]
        if target_text:
            if not value_lines:
                return None  # text lines right above the values but no Risultato: not a row we can read
            values.target_raw = join_wrapped([lines[t].text for t in target_text])
            values.actual_raw = filled[-1][0]
            values.target_from_text = True
            data_cells = (prior + cells)[:-1]
        else:
            if len(filled) < 2:
                return None
            # the last two printed cells are Risultato and Target; empty cells before them are data cells
            idx = [n for n, c in enumerate(prior + cells) if c[0] is not None]
            values.actual_raw, values.target_raw = filled[-2][0], filled[-1][0]
            data_cells = (prior + cells)[: idx[-2]]
        if kind == UNIT:
            values.data = data_cells[-4:] if len(data_cells) >= 4 else data_cells
            extra = [c for c in data_cells[:-4] if c[0] is not None] if len(data_cells) > 4 else []
            if extra:
                row_notes.append(f"more than four data cells printed: {' '.join(c[0] for c in data_cells if c[0])}")

        # Name and Algoritmo / Parametri text.
        text_lines: list[tuple[int, str]] = []  # (index, text) before the values, in order
        for k2 in range(start, a + 1):
            if lines[k2].blank or k2 in value_lines or k2 in target_text:
                continue
            text = first_text if k2 == start else lines[k2].text
            if k2 == a:
                text = anchor_text
            if text.strip():
                text_lines.append((k2, text))
        after_text: list[tuple[int, str]] = []
        denom_lines: list[int] = []
        if denominator_idx is not None:
            denom_lines = [k2 for k2 in after if k2 <= denominator_idx]
        for k2 in after:
            if kind == UNIT and denominator_idx is not None and k2 == denominator_idx:
                dm_text = lines[k2].text
                dlabel, dcells = _split_value_suffix(dm_text)
                values.denominator = self.cells_of(dm_text, dcells, k2)
                label_part = dm_text[: dcells[0][1]] if dlabel else ""
                if label_part.strip():
                    after_text.append((k2, label_part))
                continue
            after_text.append((k2, lines[k2].text))

        ref = self.best_ref(code, first_text) if kind != TREE else None
        # glued: words rejoined across a line break; None when the name could not be matched to the tree's
        name, other_before, other_after, glued = self.split_name(kind, text_lines, after_text, ref)
        if glued:
            row_notes.append(f"name wrapped inside a word, rejoined: {', '.join(glued)}")
        for k2 in range(start, max([a] + after) + 1):
            if lines[k2].no in self.repairs:
                row_notes.append(f"date wrapped inside its year, rejoined: {self.repairs[lines[k2].no]}")
        if kind == TREE:
            algoritmo = None
        elif kind == UNIT:
            algoritmo, params = self.split_algoritmo(other_before, denominator_idx is not None)
            if denominator_idx is not None:
                values.numerator_label = params or None
                values.denominator_label = join_wrapped([t for k2, t in other_after if k2 in denom_lines]) or None
                leftover = [t for k2, t in other_after if k2 not in denom_lines]
            else:
                leftover = [t for _, t in other_after]
                if params:
                    values.numerator_label = params  # the Parametri di calcolo cell of a single-value row
            if leftover:
                row_notes.append(f"unplaced text after the values: '{join_wrapped(leftover)}'")
        else:
            algoritmo = join_wrapped([t for _, t in other_before] + [t for _, t in other_after]) or None
        if glued is None and kind != TREE:
            row_notes.append("name not matched in the albero: name/Algoritmo split by wording")
        last = max([a] + after) if kind != TOP else a
        return name, algoritmo, values, row_notes, last

    def cells_of(self, text: str, toks: list[tuple[str, int, int]], line_idx: int) -> list[tuple[str | None, int]]:
        """Printed cells with the empty ones a run of spaces stands for (each empty cell adds two spaces)."""
        out: list[tuple[str | None, int]] = []
        no = self.lines[line_idx].no
        prev_end = None
        for tok, s, e in toks:
            if prev_end is not None:
                gap = s - prev_end
                out += [(None, no)] * max(0, (gap - 1) // 2)
            out.append((tok, no))
            prev_end = e
        return out

    def find_denominator(self, after: list[int], code: str, first_text: str) -> int | None:
        """The denominator row of a ratio indicator: a values line after the anchor, under a text label."""
        seen_text = False
        ref = self.best_ref(code, first_text)
        for k in after:
            text = self.lines[k].text
            if _is_value_line(text):
                return k if seen_text else None
            label, cells = _split_value_suffix(text)
            # "n. valutazioni 28 0 174 202": label and cells on one line (not a name line, not "… >= 5")
            if label and len(cells) >= 2 and not _BARE_OPERATOR.match(label[-1][0]) and (
                    ref is None or _consume(text, ref, 0)[0] == 0):
                return k
            seen_text = True
        return None

    def best_ref(self, code: str, first_text: str) -> _NameRef | None:
        candidates = self.refs.get(code, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        # several tree rows share the code (FRD: ob2 …): the one the row's first line starts like
        return max(candidates, key=lambda ref: _consume(first_text, ref, 0)[1])

    def split_name(self, kind: str, before: list[tuple[int, str]], after: list[tuple[int, str]],
                   ref: _NameRef | None) -> tuple[str, list[tuple[int, str]], list[tuple[int, str]]]:
        """Name lines (matched against the tree's name), then the other text before and after the values."""
        if kind == TREE:
            builder = _NameBuilder(None)
            for _, text in before + after:
                builder.add(text)
            return builder.text(), [], [], []
        if ref is None:
            return *self.split_name_by_wording(before, after), None
        builder = _NameBuilder(ref)
        pos = 0
        other_before: list[tuple[int, str]] = []
        matching = True
        for k, text in before:
            if matching and pos < len(ref.norm):
                used, new_pos = _consume(text, ref, pos)
                if used == len(text):
                    builder.add(text, pos)
                    pos = new_pos
                    continue
                if used:
                    builder.add(text[:used], pos)
                    pos = new_pos
                    other_before.append((k, text[used:]))
                    matching = False
                    continue
                if (fuzzy := _fuzzy_consume(text, ref, pos)) is not None:
                    builder.add(text, pos)
                    pos = fuzzy
                    continue
            matching = False
            other_before.append((k, text))
        if pos == 0:
            return *self.split_name_by_wording(before, after), None
        other_after: list[tuple[int, str]] = []
        for k, text in after:
            if pos < len(ref.norm):
                used, new_pos = _consume(text, ref, pos)
                if used == len(text):
                    builder.add(text, pos)
                    pos = new_pos
                    continue
                if pos > 0 and (fuzzy := _fuzzy_consume(text, ref, pos)) is not None:
                    builder.add(text, pos)
                    pos = fuzzy
                    continue
            other_after.append((k, text))
        return builder.text(), other_before, other_after, builder.glued

    @staticmethod
    def split_name_by_wording(before: list[tuple[int, str]], after: list[tuple[int, str]]):
        """Fallback when the tree does not print the indicator: the Algoritmo starts with "%", "n.", "data", a
        comparison, or a lower-case paragraph stating a deadline ("predisposizione … entro 31/12/2019"); a name
        going on after the values line starts with a space and a lower-case word (a new text flow)."""
        name: list[str] = []
        other: list[tuple[int, str]] = []

        def paragraph(n: int) -> str:
            lines = [before[n][1]]
            while n + 1 < len(before) and before[n + 1][0] == before[n][0] + 1:
                n += 1
                lines.append(before[n][1])
            return " ".join(lines)

        for n, (k, text) in enumerate(before):
            starts_cell = n > 0 and before[n - 1][0] != k - 1  # a blank line before it
            if n > 0 and (other or re.match(r"^\s*(?:%|n\.|N\.|data\b|giorni\b|[<>=])", text) or (
                    starts_cell and re.match(r"^\s*[a-zà-ù]", text)
                    and re.search(r"[<>=]|\bentro\s+(?:il\s+)?\d{1,2}/\d{1,2}/\d{4}", paragraph(n)))):
                other.append((k, text))
            else:
                name.append(text)
        rest = list(after)
        if rest and re.match(r"^\s+[a-zà-ù(]", rest[0][1]):
            name.append(rest[0][1])
            n = 1
            while n < len(rest) and rest[n][0] == rest[n - 1][0] + 1 and not re.match(r"^\s*(?:n\.|N\.)", rest[n][1]):
                name.append(rest[n][1])
                n += 1
            rest = rest[n:]
        return join_wrapped(name), other, rest

    def split_algoritmo(self, other: list[tuple[int, str]], ratio: bool) -> tuple[str | None, str | None]:
        """Algoritmo and Parametri di calcolo cells of a unit row (both wrap; a blank line may end a cell)."""
        if not other:
            return None, None
        end = None
        if ratio:  # "% … >= 85%": the Algoritmo of a ratio ends with its percentage threshold
            end = next((n for n, (_, t) in enumerate(other) if re.search(r"%\s*\)?\s*$", t)), None)
        if end is None:
            cue = next((n for n, (_, t) in enumerate(other) if re.search(r"[<>=≥≤]|\bentro\b|\d", t)), None)
            end = cue if cue is not None else 0
            # the cell goes on to the end of that paragraph (lines not separated by a blank line)
            while end + 1 < len(other) and other[end + 1][0] == other[end][0] + 1:
                end += 1
        algoritmo = join_wrapped([t for _, t in other[: end + 1]]) or None
        params = join_wrapped([t for _, t in other[end + 1:]]) or None
        return algoritmo, params

    # -- a reading ------------------------------------------------------------------------------------------------
    def emit_reading(self, section: _Section, line_no: int, line_end: int, code: str, ind_type: str | None,
                     name: str, algoritmo: str | None, values: _Values, notes: list[str],
                     state: dict[str, _ObjState | None], unit_obj: Objective | None) -> None:
        seg = self.ctx.segment
        kind = section.kind
        target_raw, actual_raw = values.target_raw, values.actual_raw
        is_frd = not _SO_CODE.match(code)
        # objective
        if kind in (UNIT, INDIVIDUAL):
            assert unit_obj is not None
            level, obj_code, obj_title, unit_name = "other", unit_obj.objective_code, unit_obj.objective_title, \
                unit_obj.objective_title
            notes.insert(0, f"{'unit' if kind == UNIT else 'individual objectives'} table '{section.label}' "
                            f"(l.{section.heading_line})")
            belongs = self.objective_of_code(code)
            if belongs:
                notes.insert(1, f"indicator belongs to {belongs[0]} {belongs[1]} (per its code)")
        else:
            unit_name = None
            wanted = "OS" if code.startswith("S") else "OO"
            current = state.get(wanted)
            if current is None:
                inferred = self.objective_of_code(code)
                obj_code = inferred[1] if inferred else None
                level = ("strategic" if wanted == "OS" else "operational") if inferred else "other"
                obj_title = None
                notes.append("objective inferred from the indicator code")
            else:
                obj_code, obj_title, level = current.code, current.title, current.level
            notes.insert(0, _SECTION_LABEL[kind])
        if is_frd:
            ind_type = None
        # target, operator, unit
        target_value = None if values.target_from_text else _value_of(target_raw)
        operator = None if kind == TREE else algoritmo_operator(algoritmo)
        unit = None if values.target_from_text else algoritmo_unit(target_raw, algoritmo if kind != TREE else None)
        if algoritmo:
            notes.append(f"Algoritmo: '{algoritmo}'")
        if values.target_from_text:
            notes.append(f"Target printed as text under the Risultato: '{target_raw}'")
        # actual: a spreadsheet day number printed where the column means a date
        actual_value = _value_of(actual_raw)
        date_column = bool(target_raw and parse_date(target_raw)) or bool(
            algoritmo and re.match(r"^\s*data\b", algoritmo, re.I))
        if actual_value is not None and date_column and re.fullmatch(r"\d{5},00", actual_raw or ""):
            day = excel_serial_to_date(actual_value)
            if day is not None:
                notes.append(f"Risultato printed as Excel serial number {actual_raw} (= {day:%d/%m/%Y}); "
                             "actual_value left null")
                actual_value = None
        if kind == UNIT:
            notes.append(self.data_note(values))
        notes.append(f"% Realizz parametrata {values.param_raw}")
        if values.office:
            notes.append(f"UFFICIO: {values.office}")
        reading = Reading(
            self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, indicator_name=name,
            objective_level=level, objective_code=obj_code, objective_title=obj_title, indicator_code=code,
            indicator_type=ind_type, target_raw=target_raw, target_value=target_value, target_operator=operator,
            target_unit=unit, actual_raw=actual_raw, actual_value=actual_value,
            actual_unit="%" if actual_raw and actual_raw.endswith("%") else (unit if actual_value is not None
                                                                            and unit != "%" else None),
            achievement_pct=_value_of(values.achievement_raw), unit_name=unit_name,
            table_role="detail" if kind in (STRATEGIC, OPERATIONAL) else "summary", line_end=line_end,
            notes="; ".join(n for n in notes if n))
        self.out.readings.append(reading)
        self.readings_by_kind.setdefault(kind, []).append(reading)
        if kind == TREE:
            self.refs.setdefault(code, []).append(_NameRef(name))
        if kind == UNIT:
            self.components(reading, values)

    def data_note(self, values: _Values) -> str:
        def show(cells: list[tuple[str | None, int]]) -> str:
            return " | ".join(c[0] or "" for c in cells)

        if values.denominator:
            text = (f"Dati quadrimestrali (I | II | III | TOT): numerator '{values.numerator_label or ''}' "
                    f"{show(values.data)}; denominator '{values.denominator_label or ''}' {show(values.denominator)}")
        else:
            printed = [c[0] for c in values.data if c[0] is not None]
            text = f"Dati quadrimestrali (I | II | III | TOT): {show(values.data)}" if printed else \
                "no Dati quadrimestrali printed"
            if values.numerator_label:
                text += f"; Parametri di calcolo '{values.numerator_label}'"
        return text

    def components(self, reading: Reading, values: _Values) -> None:
        """Four-month data (and numerator/denominator rows) behind a unit-table result."""
        ratio = bool(values.denominator)
        groups = [("numerator" if ratio else "value", values.numerator_label, values.data)]
        if ratio:
            groups.append(("denominator", values.denominator_label, values.denominator))
        for component, label, cells in groups:
            cells = cells[-4:]
            periods = list(_PERIODS[4 - len(cells):])
            printed = [c for c in cells if c[0] is not None and c[0] != "---"]
            if len(printed) == 1 and len(cells) == 2 and cells[-1][0] == "---" and (day := parse_date(printed[0][0])):
                # a date row prints one cell (merged across the four-month columns) then TOT "---":
                # the period is the four-month period the date falls in
                periods[0] = _PERIODS[(day.month - 1) // 4]
            for (raw, line_no), period in zip(cells, periods, strict=True):
                if raw is None or raw == "---":
                    continue
                value = None if raw == "---" or _DATE_TOKEN.match(raw) else _value_of(raw)
                self.out.components.append(ReadingComponent(
                    self.prov(line_no), reading.provenance.source_line, component, period, label, raw, value))

    @staticmethod
    def objective_of_code(code: str) -> tuple[str, str] | None:
        m = re.match(r"^([SO])(\d+(?:\.\d+)+)-", code)
        if not m:
            return None
        parts = m.group(2).split(".")
        return ("OS", ".".join(parts[:2])) if m.group(1) == "S" else ("OO", ".".join(parts[:3]))

    # -- p.4: the most significant indicators (code, name, realisation %) ------------------------------------------
    def parse_top(self, section: _Section) -> None:
        rows = [i for i in range(section.start + 1, section.end) if _CODE_LINE.match(self.lines[i].text)]
        for n, i in enumerate(rows):
            end = rows[n + 1] if n + 1 < len(rows) else section.end
            m = _CODE_LINE.match(self.lines[i].text)
            name_parts = [m.group("rest")]
            pct = None
            last = i
            for k in range(i + 1, end):
                text = self.lines[k].text.strip()
                if not text:
                    continue
                if _PCT_RE.fullmatch(text):
                    pct, last = text.replace(" ", ""), k
                    break
                name_parts.append(text)
            if pct is None:
                self.quarantine(i, end, f"p.4 indicator {m.group('code')} without its percentage")
                continue
            code = m.group("code")
            belongs = self.objective_of_code(code)
            seg = self.ctx.segment
            reading = Reading(
                self.prov(self.lines[i].no), seg.chamber_name, seg.year, seg.doc_kind,
                indicator_name=join_wrapped(name_parts),
                objective_level=("strategic" if belongs[0] == "OS" else "operational") if belongs else "other",
                objective_code=belongs[1] if belongs else None, indicator_code=code,
                achievement_pct=_value_of(pct), table_role="summary", line_end=self.lines[last].no,
                notes=f"{_SECTION_LABEL[TOP]}: only the realisation percentage {pct} is printed (read as "
                      "achievement, not as the result); objective inferred from the indicator code")
            self.out.readings.append(reading)
            self.readings_by_kind.setdefault(TOP, []).append(reading)

    # -- BSC perspective tables --------------------------------------------------------------------------------------
    def parse_bsc(self, section: _Section) -> None:
        marker = re.compile(r"^\s*(?:P\s+)?(?P<kind>AS|OS|OO)\s+(?P<progs>\d{3}/\d{3}(?:\s+\d{3}/\d{3})*)\s*(?P<rest>.*)$")
        title = re.compile(r"(?:^|\s)(?P<code>OB\s*\d+\s*:|\d+\.\d+(?:\.\d+)?)\s+(?P<title>\S.*)$")
        i = section.start + 1
        while i < section.end:
            m = marker.match(self.lines[i].text)
            if not m:
                i += 1
                continue
            persp: list[str] = []
            text = m.group("rest")
            k = i
            code = None
            while True:
                tm = title.search(text) if text else None
                if tm:
                    persp.append(text[: tm.start()])
                    code = re.sub(r"\s*:\s*$", "", re.sub(r"\s+", " ", tm.group("code"))).strip()
                    pm = _PCT_RE.search(tm.group("title"))
                    if pm:
                        self.bsc_notes.setdefault(code, []).append(
                            f"BSC table l.{self.lines[k].no}: % Realizz parametrata {pm.group(0)}")
                    break
                persp.append(text)
                k += 1
                if k >= section.end or marker.match(self.lines[k].text):
                    break
                text = self.lines[k].text
            if code is not None:
                perspective = join_wrapped(persp)
                perspective = re.sub(r"\s*/\s*", " / ", perspective).strip(" /")
                if perspective and code not in self.perspectives:
                    self.perspectives[code] = (perspective, self.lines[k].no)
            i = max(k, i + 1)

    # -- chapter 1 scores ------------------------------------------------------------------------------------------
    def parse_scores(self, section: _Section) -> None:
        pending: list[tuple[int, str]] = []
        mode = "entity"
        for i in range(section.start, section.end):
            line = self.lines[i]
            text = line.text.strip()
            if not text:
                continue
            if m := re.search(rf"PERFORMANCE DI ENTE\s+({_PCT})", text):
                self.fact(line.no, "performance_entity", _value_of(m.group(1)), "%", text)
                continue
            if re.search(r"PERFORMANCE DEGLI", text):
                mode, pending = "areas", []
                continue
            if re.search(r"PERFORMANCE DELLE UNIT", text):
                mode, pending = "units", []
                continue
            if mode == "areas" and re.match(r"^(AMBITI|AREE)\b", text):
                continue
            pm = re.search(rf"({_PCT})\s*$", text)
            label_part = text[: pm.start()].strip() if pm else text
            if label_part:
                pending.append((line.no, label_part))
            if pm and pending:
                label = join_wrapped([t for _, t in pending])
                value = _value_of(pm.group(1).replace(" ", ""))
                quote = f"{label} {pm.group(1)}"
                if mode == "areas" and (am := re.match(r"^(OB\s*\d+)\s*:", label)):
                    self.fact(pending[0][0], "performance_area", value, "%", quote,
                              subject=re.sub(r"\s+", " ", am.group(1)))
                elif mode == "units":
                    self.fact(pending[0][0], "performance_unit", value, "%", quote, subject=label)
                pending = []

    # -- section 4 summary counts --------------------------------------------------------------------------------------
    def parse_individual_summary(self, section: _Section) -> None:
        pending: list[tuple[int, str]] = []
        subject = None
        for i in range(section.start, section.end):
            line = self.lines[i]
            text = line.text.strip()
            if not text:
                continue
            if m := re.search(r"ASSEGNATI (?:AI|ALLE)\s+(.+)$", text):
                subject = "dirigenti" if "DIRIGENTI" in m.group(1) else collapse(m.group(1)).lower()
                continue
            m = re.search(r"(\d+)\s+(\d[\d,]*\s?%)\s*$", text)
            if text.lower().startswith("obiettivi") or (pending and not m):
                pending.append((line.no, text[: m.start()] if m else text))
            elif m:
                pending.append((line.no, ""))
            if m and pending:
                label = join_wrapped([t for _, t in pending])
                low = label.lower()
                status = ("partially_achieved" if "parzialmente" in low else "not_achieved" if "non raggiunto" in low
                          else "total" if "totali" in low else "achieved")
                who = "po" if "p.o" in low else "dirigenti" if "dirigenti" in low else slug(subject or "")
                quote = f"{label} {m.group(1)} {m.group(2)}"
                self.fact(pending[0][0], f"count_individual_objectives_{who}_{status}", float(m.group(1)), "N.",
                          quote)
                self.fact(pending[0][0], f"share_individual_objectives_{who}_{status}", _value_of(m.group(2)), "%",
                          quote)
                pending = []

    # -- preface raccordo table: areas A/B/C ----------------------------------------------------------------------------
    def parse_raccordo(self) -> None:
        start = next((i for i, ln in enumerate(self.lines)
                      if "AREE STRATEGICHE" in ln.text and _RACCORDO_HEADING.search(ln.text)), None)
        if start is None:
            return
        area_re = re.compile(r"^\s*(?P<code>[A-Z])\.\s*-\s*(?P<title>.+)$")
        areas: list[dict] = []
        for i in range(start + 1, min(len(self.lines), start + 200)):
            text = self.lines[i].text
            if re.match(r"^\s*Ad ogni area", text) or (not self.lines[i].blank and len(text.strip()) > 90):
                break
            if m := area_re.match(text):
                areas.append({"code": m.group("code"), "line": self.lines[i].no, "title": [m.group("title")],
                              "open": True, "os": [], "missions": []})
                continue
            if not areas:
                continue
            area = areas[-1]
            if self.lines[i].blank:
                area["open"] = False
                continue
            if area["open"]:
                area["title"].append(text)
                continue
            for om in re.finditer(r"(?:^|\s)(\d\.\d)\.?\s+-\s", text):
                area["os"].append(om.group(1))
            for mm in re.finditer(r"(?:^|\s)(0\d\d)\s+[A-Z]", text):
                area["missions"].append(mm.group(1))
        for area in areas:
            title = join_wrapped(area["title"])
            notes = [f"preface raccordo table 'AREE STRATEGICHE / OBIETTIVI STRATEGICI / BSC / MISSIONE' "
                     f"(l.{self.lines[start].no}), printed '{area['code']}.- {title}'"]
            if area["os"]:
                notes.append(f"groups OS {', '.join(area['os'])}")
            if area["missions"]:
                notes.append(f"missions {', '.join(area['missions'])}")
            notes.append("a different grouping from the ambiti 'OB n' of the result tables; no result printed")
            self.new_objective(area["line"], area["code"], "area", title,
                               mission_code=area["missions"][0] if area["missions"] else None, notes="; ".join(notes))

    # -- facts stated in prose -------------------------------------------------------------------------------------------
    def parse_prose_facts(self) -> None:
        lines = self.lines
        # Each pattern runs only on lines holding a piece of text it needs.
        for i, line in enumerate(lines):
            text = line.text
            if "aree strategiche" in text and (m := _AREAS_COUNT.search(text)):
                n = _NUMBER_WORDS.get(m.group(1).lower()) or (int(m.group(1)) if m.group(1).isdigit() else None)
                if n:
                    self.fact(line.no, "count_areas", float(n), "N.", text)
            if "obiettivi strategici" in text and (m := _STRATEGIC_COUNT.search(text)):
                n = _NUMBER_WORDS.get(m.group(1).lower())
                if n:
                    self.fact(line.no, "count_strategic_objectives", float(n), "N.", text)
            if "Obiettivi " in text and (m := _LEVEL_COUNT.match(text)):  # after a bullet
                level = "strategic" if m.group(1) == "Strategici" else "operational"
                self.fact(line.no, f"count_{level}_objectives", float(m.group(2)), "N.", text)
                for k in range(i + 1, min(len(lines), i + 12)):
                    sub = lines[k].text.strip()
                    if re.match(r"^\W*Obiettivi ", sub):
                        break
                    if sm := re.match(rf"^\W*(\d+)\s+raggiunt\w*\s.*?\b({_PCT})", sub):
                        pct = _value_of(sm.group(2).replace(" ", ""))
                        status = "achieved" if pct == 100 else "not_achieved" if pct == 0 else "partially_achieved"
                        self.fact(lines[k].no, f"count_{level}_objectives_{status}", float(sm.group(1)), "N.", sub)
            if "nella misura" in text and (m := _ENTITY_SCORE.search(text)):
                quote = collapse(lines[i - 2].text + " " + text) if i >= 2 else text
                self.fact(line.no, "performance_entity", _value_of(m.group(1).replace(" ", "")), "%", quote)
            if "Totale" in text and _HEADCOUNT_TOTAL.match(text):
                self.headcount(i)
        self.budget_facts()

    def headcount(self, i: int) -> None:
        text = self.lines[i].text
        header = next((self.lines[k].text for k in range(i - 1, max(0, i - 20), -1)
                       if re.search(r"Dipendenti\s+\d{4}", self.lines[k].text)), None)
        if header is None:
            return
        years = [int(y) for y in re.findall(r"Dipendenti\s+(\d{4})", header)]
        counts = re.findall(r"\s(\d+)\s+\d+,\d+", text)
        for year, count in zip(years, counts, strict=False):
            self.fact(self.lines[i].no, "headcount_total", float(count), "N.", f"{header.strip()} / {text.strip()}",
                      year=year)

    def budget_facts(self) -> None:
        """Totals of the 'Gestione corrente' table (Preventivo, Preventivo aggiornato, Consuntivo)."""
        start = next((i for i, ln in enumerate(self.lines)
                      if "Gestione corrente" in ln.text and _BUDGET_HEADING.match(ln.text)), None)
        if start is None:
            return
        amount = r"-?\s?\d{1,3}(?:\.\d{3})*,\d{2}"
        columns = ("preventivo", "preventivo_aggiornato", "consuntivo")
        label: list[tuple[int, str]] = []
        for i in range(start + 1, min(len(self.lines), start + 80)):
            text = self.lines[i].text.strip()
            if not text:
                continue
            if _CHAPTER.match(self.lines[i].text):
                break
            found = re.findall(amount, text)
            head = re.split(amount, text)[0].strip()
            if len(found) == 3:
                name = join_wrapped([t for _, t in label] + [head])
                line_no = label[0][0] if label and not head else (label[0][0] if label else self.lines[i].no)
                if re.match(r"^(Totale|Risultato)", name):
                    for col, raw in zip(columns, found, strict=True):
                        self.fact(line_no, f"budget_{slug(name)}_{col}", parse_number(raw.replace(" ", "")), "EUR",
                                  f"{name} {' '.join(found)}")
                label = []
            elif not re.search(r"\d{4}|aggiornato", text):
                label.append((self.lines[i].no, text))
                if len(label) > 3:
                    label = label[-2:]

    # -- after all sections ----------------------------------------------------------------------------------------------
    def finish(self) -> None:
        # objectives of the tree when the report has no 3.1/3.2 rows for them
        for code, obj in self.tree_objectives.items():
            if code in self.objectives:
                continue
            parent = None
            if obj.level == "strategic":
                parent = next((o.code for o in self.tree_objectives.values()
                               if o.level == "area" and o.line < obj.line), None)
            elif obj.level == "operational":
                parent = ".".join(code.split(".")[:2])
            self.new_objective(obj.line, code, obj.level, obj.title, parent_code=parent,
                               achievement_pct=_value_of(obj.pcts[0]) if obj.pcts else None,
                               notes=f"{_SECTION_LABEL[TREE]} row (l.{obj.line})")
        for code, obj in self.objectives.items():
            if code in self.perspectives and obj.objective_level != "other":
                obj.perspective, line_no = self.perspectives[code]
                obj.notes = f"{obj.notes}; perspective from the BSC table (l.{line_no})"
            for note in self.bsc_notes.get(code, []):
                obj.notes = f"{obj.notes}; {note}"
        # titles of the objectives inferred for p.4 rows
        for reading in self.readings_by_kind.get(TOP, []):
            obj = self.objectives.get(reading.objective_code or "")
            if obj is not None:
                reading.objective_title = obj.objective_title
        self.link()
        self.facts_counts()

    def link(self) -> None:
        """restates_line: every occurrence points at the 3.1/3.2 reading of its indicator (else the tree's)."""
        detail = self.readings_by_kind.get(STRATEGIC, []) + self.readings_by_kind.get(OPERATIONAL, [])
        tree = self.readings_by_kind.get(TREE, [])
        by_code: dict[str, list[Reading]] = {}
        for r in detail:
            by_code.setdefault(r.indicator_code or "", []).append(r)
        detail_codes = set(by_code)
        for r in tree:
            if (r.indicator_code or "") not in detail_codes:
                r.table_role = "detail"  # printed in the tree only (FRD rows): the tree row is the main one
                by_code.setdefault(r.indicator_code or "", []).append(r)
        main = {id(r) for rows in by_code.values() for r in rows}
        for kind in (TOP, TREE, UNIT, INDIVIDUAL):
            for r in self.readings_by_kind.get(kind, []):
                if id(r) in main:
                    continue
                candidates = by_code.get(r.indicator_code or "", [])
                if not candidates:
                    r.notes = f"{r.notes}; no 3.1/3.2 or albero row for this code"
                    continue
                # without a minimum there always is a most similar candidate (the first one on a tie)
                best = candidates[most_similar(r.indicator_name, [c.indicator_name for c in candidates]) or 0]
                r.restates_line = best.provenance.source_line
                r.notes = f"{r.notes}; restates l.{best.provenance.source_line}"
                if best.actual_raw and r.actual_raw and best.actual_raw != r.actual_raw:
                    r.notes += f" (which prints Risultato {best.actual_raw})"
                if best.target_raw and r.target_raw and best.target_raw != r.target_raw:
                    r.notes += f" (which prints Target {best.target_raw})"

    def facts_counts(self) -> None:
        seg_line = self.ctx.segment.line_start
        levels = [o.objective_level for o in self.out.objectives if o.objective_code
                  and not re.fullmatch(r"[A-Z]", o.objective_code)]
        stated = {f.fact_name for f in self.out.facts}
        for level, name in (("strategic", "count_strategic_objectives"),
                            ("operational", "count_operational_objectives")):
            n = levels.count(level)
            if n and name not in stated:
                self.out.facts.append(Fact(self.prov(seg_line), self.ctx.segment.chamber_name,
                                           self.ctx.segment.year, name, float(n), "N.", None, None, True))


class MassaTree(LayoutParser):
    name = LAYOUT_NAME
    description = ("Performance tree with Ob/Ind tables (Algoritmo, Parametri di calcolo, four-month data, Risultato, "
                  "Target, % Realizz).")
    signatures = detect_signatures()
    min_hits = 4

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = MassaTree.parse
