"""Relazione sulla gestione e sui risultati: narrative by Missione and programme (e.g. the former Cremona chamber).

Shape of the layout (every other line of the file is blank; shown here without the blanks):

    Prima sezione introduttiva ...                       legal premises, macro context, staff: facts only
    Seconda sezione
    Missione 011                                         mission header over 1-3 lines, the spending amount
    COMPETITIVITÀ E SVILUPPO DELLE IMPRESE               padded on its own line or at the end of the title
    €       1.865.646,87
    Programma “Promozione e attuazione di ...”.          programme (no code, no amount), wrapped
    Innovazione € 614.539,70                             spending lines of the mission: title + amount
    • Tutela della proprietà                             bullet / margin headings, sometimes merged with the
    industriale                                          first sentence ("• Protesti Con il decreto ...")
    ... prose with results: "ha visto la partecipazione di 32 imprese, di cui 18 sono state ammesse al
    contributo per € 114.286,10" ...
    N. eventi PID N. imprese coinvolte                    small ad-hoc tables: header, values two lines below
    23                      266
     2021 2022 differenza percentuale                    two-period table with wrapped row labels
    Smart / card / 3862 3019 -843 -21,80%
    Appuntamento per Sportello di Crema 1616             label-value lists, "- carta conducente: 1286"
    - nel 2019: 3 giorni                                 year series under "A fronte di tempi di legge di 20 giorni"

There are no indicator tables: every reading is a quantified result read from the prose (a count tied to a counted
noun, an amount granted, a percentage of a count) or from the small tables, with objective_level "area" and the
mission code. Context statistics, allocations (stanziamenti, budgets, grants the chamber itself obtained), history
(values of other years) and requirements ("almeno sei incontri") are not readings; prior-year values printed next
to a result become its baseline.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ccperf.extract.numbers import collapse, parse_number
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.text import finditer_folded, fold_for_literals, match_folded, search_folded
from ccperf.extract.vocab import slug
from ccperf.model import Objective, Provenance, Quarantined, Reading

LAYOUT_NAME = "gestione_missions"

# -- structure ---------------------------------------------------------------------------------------------------
_MISSION = re.compile(r"^\s*Missione\s+(?P<code>\d{3})\b\s*[-–:]?\s*(?P<rest>.*)$", re.I)
_AMOUNT = r"\d{1,3}(?:\.\d{3})*,\d{2}"
_HEADER_AMOUNT = re.compile(rf"€\s*(?P<amt>{_AMOUNT})\s*$")
_PROGRAMME = re.compile(r"^\s*Programma\s+(?:(?P<code>\d{3})\b\s*[-–:]?\s*(?P<rest1>.*)|(?P<rest2>[“\"].*))$")
_SPENDING_LINE = re.compile(rf"^\s*(?P<title>[A-ZÀ-Ý][^€\d:;]{{2,70}}?)\s*€\s*(?P<amt>{_AMOUNT})\s*$")
_PROJECT_FUNDING = re.compile(r"\(\s*Incremento\b", re.I)
_PROJECT_STATUS = re.compile(r"(?P<neg>non\s+)?(?:tutti\s+)?gli\s+obiettivi\s+del\s+progetto\s+(?:non\s+)?sono\s+stati\s+"
                             r"(?:tutti\s+)?(?:realizzati|raggiunti|conseguiti)", re.I)
_PROJECT_SPENDING = re.compile(rf"[ae]\s+fronte\s+di\s+una\s+spesa(?:\s+complessiva)?\s+di\s+€\s*(?P<amt>{_AMOUNT})", re.I)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_TERMINAL = re.compile(r"[.;:!?”\"]\s*$")
_SENTENCE_START = (r"(?:Il|Lo|La|L[’']|Le|I|Gli|Nel|Nei|Nella|Sono|Si|Con|Come|Anche|In|Per|Dal|Dopo|E[’']|È|"
                   r"Tale|Tali|Questo|Questa|Mediante|Sul|Sulla)")
_MERGED_HEADING = re.compile(rf"^\s*(?P<bullet>[•●]\s*)?(?P<head>[A-ZÀ-Ý][^.;:\d]{{2,50}}?)\s+(?P<rest>{_SENTENCE_START}\b.*)$")
_BULLET = re.compile(r"^\s*[•●·▪-]\s*")
_NUMBERED_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s+[A-ZÀ-Ý][a-zà-ù]")
_ENUM_ITEM = re.compile(r"^\s*\d+\s*[.)]?\s+[A-Za-zÀ-ÿ]")
_LEADING_DIGIT = re.compile(r"^\s*\d")
_ANY_DIGIT = re.compile(r"\d")
_COMMA_NUMBER = re.compile(r",\s+\d")
_DASH_OR_COMPRENSIVI = re.compile(r"^\s*(?:[–\-,;)]|comprensiv)")
_N_NUMBER = re.compile(r"\bn\s*[.°]\s*\d", re.I)
_GERUND = re.compile(r"(?:ando|endo)$")
_PARTICIPLE_END = re.compile(r"(?:at[aeio]|it[aeio]|ut[aeio]|as[aeio]|ibil[ei]|ess[aeio]|ant[ei]|ent[ei])$")
_PHRASE_END = re.compile(r"[,.;:()€\d–]")
_NUMBER_AT_END = re.compile(r"\s\d[\d.,]*$")
_FILLER_WORD = re.compile(r"^\s*(?:(?P<filler>[a-zà-ù’']+)\s+)?")
_SECTION_NOTE = re.compile(r"section: ([^;]*)")
_INITIATIVE_HEAD = re.compile(r"(?:Bando|Progetto|Concorso|Festival)\b")
_APPROXIMATE = re.compile(r"(?:oltre|circa)\b", re.I)
_CONTENT_WORD = re.compile(r"[a-zà-ù]{4,}")
_STAFF_MENTION = re.compile(r"spese\s+di\s+personale|postazioni\s+lavorative", re.I)
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")

# -- numbers in prose --------------------------------------------------------------------------------------------
_MONTHS = (r"(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|"
           r"gen|feb|mar|apr|mag|giu|lug|ago|set|sett|ott|nov|dic)\.?")
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUM_TOKEN = re.compile(rf"(?<![\w/.,°^’'-])(?:(?P<nprefix>\bn[.°]?\s*)?)(?P<num>{_NUM})(?![\w/°^]|[.,]\d)", re.I)
_NUM_AFTER_N = re.compile(rf"\bn\s*[.°]?\s*(?P<num>{_NUM})(?![\w/°^]|[.,]\d)", re.I)
_WORD_NUMBERS = {
    "nessuna": 0.0, "nessun": 0.0, "nessuno": 0.0, "un solo": 1.0, "una sola": 1.0, "un": 1.0, "una": 1.0,
    "due": 2.0, "tre": 3.0, "quattro": 4.0, "cinque": 5.0, "sei": 6.0, "sette": 7.0, "otto": 8.0, "nove": 9.0,
    "dieci": 10.0, "undici": 11.0, "dodici": 12.0,
}
# "un"/"una" count only before these nouns ("un Fam trip"); elsewhere they are articles.
_ONE_NOUNS = {"fam trip"}
_WORD_TOKEN = re.compile(r"(?<![\w’'])(?P<word>nessuna|nessuno|nessun|un\s+solo|una\s+sola|un|una|due|tre|quattro|cinque|"
                         r"sei|sette|otto|nove|dieci|undici|dodici)(?![\w’'])", re.I)
# What a result counts; the key is the class used to link restatements (same thing counted).
_NOUNS: tuple[tuple[str, str], ...] = (
    (r"imprese|impresa|aziende|azienda|società|imprenditori|imprenditore|buyer", "firms"),
    (r"partecipanti|persone|utenti|iscritti|studenti", "people"),
    (r"domande|domanda|istanze|istanza|richieste|richiesta|pratiche|pratica|protocolli", "requests"),
    (r"incontri|incontro|webinar|seminari|seminario|eventi|evento|sessioni|trasferte|colloqui|interventi|intervento|"
     r"manifestazioni|fam\s+trip", "events"),
    (r"iniziative|iniziativa|percorsi|percorso|edizioni|edizione", "initiatives"),
    (r"procedure|procedura|ingiunzioni|confische|domicili|convenzioni|convenzione", "procedures"),
    (r"certificati|copie|marchi|brevetti|seguiti|dispositivi|comunicati|rapporti|pagine|assessment", "outputs"),
    (r"contatti|interazioni|operatori|tour\s+operator|paesi|istituti", "contacts"),
    (r"ammissibili|ammissibile|ammesse|ammessa|ammessi|finanziate|finanziati", "admitted"),
)
_NOUN_PATTERNS = tuple((re.compile(p, re.I), kind) for p, kind in _NOUNS)
_NOUN_ALT = "|".join(p for p, _ in _NOUNS)
_NOUN_RE = re.compile(rf"(?P<noun>{_NOUN_ALT})(?![\w’'])", re.I)
_NOUN_BEFORE = re.compile(rf"\b(?P<noun>{_NOUN_ALT})\s*$", re.I)
# Words that may stand between a number and what it counts ("ulteriori 6 istanze", "9 le iniziative").
_FILLERS = {"i", "le", "gli", "il", "la", "l", "nuovi", "nuove", "diversi", "diverse", "sole", "soli", "complessive",
            "complessivi", "altri", "altre"}
# Before the number: requirements and partial restatements are not results.
_EXCLUDE_BEFORE = re.compile(r"(?:\balmeno|\bminim[oa]|\bmassim[oa]|\bfino\s+a|\d\s+delle|\bcampione\s+di)\s*$", re.I)
_QUALIFIER_BEFORE = re.compile(r"(?:\b(?:oltre|circa|ulteriori|complessive|complessivi|complessivamente|solo|sole|soli|ben|"
                               r"altre|altri|quindi)\s+)+$", re.I)
_PARTICIPLE_AFTER = re.compile(r"^\s*(?:(?:sono|è)\s+stat[aeio]\s+|delle\s+quali\s+)(?P<what>[a-zà-ù]+(?:\s+e\s+[a-zà-ù]+)?)",
                               re.I)
_PER_OGNI = re.compile(r"^\s*per\s+ogni\s+(?P<what>\w+)", re.I)
# "sono (state complessivamente) 512": the thing counted is the subject printed earlier.
_SONO_BEFORE = re.compile(r"\bsono(?:\s+(?:stat[ei]|inoltre|quindi|complessivamente|circa|oltre))*\s*$", re.I)
_SU_TOTAL = re.compile(rf"^\s*su\s+(?:complessiv[ei]\s+|un\s+totale\s+di\s+)?(?P<num>{_NUM})\s+(?P<noun>\w+)", re.I)
# "22.314 contro le 20.324 del 2021", "512 a fronte delle 677 del 2021": a prior-year value, the baseline.
_AGAINST_ANY = re.compile(rf"(?:a\s+fronte|contro)\s+(?:del|della|delle|dei|degli|le|i|gli)?\s*(?P<num>{_NUM})\s*(?P<pct>%)?"
                          rf"\s+(?:\w+\s+)?del\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_AGAINST = re.compile(r"^\s*" + _AGAINST_ANY.pattern, re.I)
_YEAR_MENTION = re.compile(r"\b(?:nel|del|dal|il|al|nell[’']anno|quello\s+del|dato\s+del)\s+(?P<year>(?:19|20)\d\d)\b(?![/.,]\d)",
                           re.I)
_DATE_AFTER = re.compile(rf"^\s*(?:{_MONTHS}\b|/|°|\^)", re.I)

# -- money -------------------------------------------------------------------------------------------------------
_MONEY_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+,\d{2}|\d+"
_MONEY = re.compile(
    rf"(?P<pre>(?:\beuro\s+)?(?:€\s*)+|\beuro\s+)(?P<num>{_MONEY_NUM})(?!\d|,\d)(?P<post>€)?"
    rf"|(?<![\d.,])(?P<num2>{_MONEY_NUM})\s*(?:euro\b|€(?!\s*\d))", re.I)
_MONEY_POSITIVE = re.compile(r"contribut|concess|ammess|ammissibil|finanziat[eia]\b|voucher|beneficiari|ricevut|"
                             r"importo\s+totale", re.I)
_MONEY_NEGATIVE = re.compile(r"stanziament|stanziat|risorse|budget|spes[ae]\b|a\s+fronte\s+d|progetto\s+di|quadro\s+economico|"
                             r"ammonta|finanziament|co-?finanziament|valore\s+progetto", re.I)
# Grants the chamber itself obtained, and project budgets: never a result of the chamber's services.
_MONEY_STRONG_NEGATIVE = re.compile(r"ha\s+ottenuto\s+un\s+(?:contributo|finanziamento)|approvato\s+da\s+regione|"
                                    r"ammesso\s+a\s+finanziamento|quota\s+di\s+budget|ha\s+ottenuto\s+un\s+finanziamento", re.I)
_MONEY_POSITIVE_AFTER = re.compile(r"^\s*(?:di\s+)?contributi\s+(?:ammessi|concessi)", re.I)

# -- percentages -------------------------------------------------------------------------------------------------
_PCT_OF_COUNT = re.compile(rf"^\s*\(\s*(?:pari\s+al?l?[’']?\s*)?(?P<num>{_NUM})\s*%\s*\)")
_PCT_OF_CASES = re.compile(rf"(?<![\d,.])(?P<num>{_NUM})\s*%\s+dei\s+casi", re.I)

# -- special sentences -------------------------------------------------------------------------------------------
_AVERAGE_TIME = re.compile(rf"tempo\s+medio\s+(?P<what>[^.]*?)\s+(?:è\s+)?pari\s+a\s+(?P<num>{_NUM})\s+giorni", re.I)
_LEGAL_TERM = re.compile(rf"(?:termine|tempi\s+di\s+legge)\s+di\s+(?P<num>{_NUM})\s+giorni", re.I)
_NOT_ADMISSIBLE = re.compile(r"risultat[ei]\s+non\s+ammissibil[ei]", re.I)
_LABEL_COMMA_VALUE = re.compile(rf"(?:[–(-]|\be)\s*(?P<label>[A-Z][\w]*(?:\s+[A-Z][\w]*){{0,2}}),\s+(?P<num>{_NUM})(?=\s*(?:e\b|–|-|\)|,|;))")
_TOTAL_WORD = re.compile(rf"\bcomplessivamente\s+(?P<num>{_NUM})(?=\s*[.;)]|\s*$)", re.I)

# -- facts stated in the introduction and the missions (case-insensitive, written in lower case so that they
# are scanned as case-sensitive twins on the folded text; see ccperf.extract.text.case_sensitive_twin)
# Patterns scanned over a whole text start with a literal or a character class (r"\d\d*", not r"\d+"; an
# optional lead folded into an alternation): the regex engine then skips to the places they can start.
_STAFF_POSTS = re.compile(r"dotazione\s+organica[^.]{0,60}?(?P<n>\d+)\s+posti", re.I)
_STAFF_IN_SERVICE = re.compile(r"in\s+servizio\s+(?P<n>\d+)\s+unità", re.I)
_STAFF_DEPARTURES = re.compile(r"cessazione\s+di\s+ulteriori\s+(?P<n>\d+)\s+unità(?:\s+lavorative)?", re.I)
_STAFF_FTE = re.compile(r"(?P<fte>\d\d*(?:,\d+)?)\s+fte\s+di\s+cui\s+(?P<aux>\d+(?:,\d+)?)\s+di\s+personale\s+ausiliario", re.I)
_STAFF_FTE_CLERICAL = re.compile(r"personale\s+impiegatizio\s+ammonta\s+(?:quindi\s+)?a\s+(?P<n>\d+(?:,\d+)?)\s+fte", re.I)
_STAFF_BY_YEAR = re.compile(
    r"in\s+servizio\s+nel\s+(?P<y1>\d{4})\s+ammontavano\s+a\s+(?P<n1>\d+)\s+e\s+nel\s+(?P<y2>\d{4})\s+a\s+"
    r"(?P<n2>\d+)", re.I)
_STAFF_LOST = re.compile(r"venute\s+meno\s+complessivamente\s+(?P<n1>\d+)\s+unità\s+lavorative[^.]*?diventeranno\s+(?P<n2>\d+)", re.I)
_PERSONNEL_COSTS_TREND = re.compile(
    r"spese\s+di\s+personale[^.]*?da\s+(?P<q1>€\s*(?P<a1>[\d.]+,\d{2})\s*\(consuntivo\s+(?P<y1>\d{4})\))\s+"
    r"a\s+(?P<q2>€\s*(?P<a2>[\d.]+,\d{2})\s*\(consuntivo\s+(?P<y2>\d{4})\))"
    r"(?:\s+con\s+una\s+flessione\s+di\s+(?P<q3>(?:oltre\s+il\s+)?(?P<pct>\d+(?:,\d+)?)\s*%))?", re.I)
_REMOTE_POSITIONS = re.compile(r"(?:limitata\s+a\s+complessive|complessive)\s+(?P<n>\d+)\s+postazioni\s+lavorative", re.I)
_FEE_INCREASE_MAX = re.compile(r"diritto\s+annuale[^.]{0,120}?massimo\s+del\s+(?P<n>\d+(?:,\d+)?)\s*%", re.I)
_FEE_INCREASE_SHARES = re.compile(r"(?:destinate\s+(?:per\s+l[’']?|il\s+restante\s+|per\s+il\s+)|"
                                  r"per\s+l[’']?|il\s+restante\s+|per\s+il\s+)"
                                  r"(?P<n>\d+(?:,\d+)?)\s*%\s+al\s+progetto\s+[“\"](?P<p>[^”\"]+)[”\"]", re.I)
_ACRONYM_AT_END = re.compile(r"[-–]\s*([A-Z]{2,6})\s*$")

# -- small tables and lists --------------------------------------------------------------------------------------
_VALUES_LINE = re.compile(r"^\s*(?:€\s*)?[+\-]?\d[\d.,]*%?€?(?:\s+(?:€\s*)?[+\-]?\d[\d.,]*%?€?)+\s*$")
_TABLE_VALUE = re.compile(r"(?:€\s*)?[+\-]?\d[\d.,]*%?€?")
_YEARS_HEADER = re.compile(r"^\s*(?P<y1>(?:19|20)\d\d)\s+(?P<y2>(?:19|20)\d\d)\b(?P<rest>.*)$")
_GROUP_LABEL = re.compile(r"^\s*(?:[a-z]\)\s*)?[A-ZÀ-Ýa-z][^:]{2,60}:\s*$")
_LABEL_VALUE = re.compile(r"^\s*(?P<label>[A-Za-zÀ-ÿ][^:\d]{2,70}?(?:\s*-\s*[A-Za-zÀ-ÿ][^:\d]*)?)\s+(?P<num>\d[\d.]*)\s*$")
_COLON_VALUE = re.compile(rf"^\s*(?P<bullet>[-●•·]\s*)?(?P<label>[^:]{{2,90}}?)\s*:\s*(?P<raw>(?:n\s*\.?\s*)?(?P<num>{_NUM}))"
                          r"\s*(?P<unit>giorni|gg)?\s*[.;]?\s*$", re.I)
_NUMBER_OF = re.compile(r"^N\.\s*")
_SERIES_YEAR = re.compile(r"^\s*(?:nel|anno)\s+(?P<year>(?:19|20)\d\d)\s*$", re.I)


def _value(raw: str) -> float | None:
    return parse_number(raw.replace(" ", ""))


@dataclass
class _Mission:
    code: str
    title: str
    line: int
    end: int  # last line of the mission block
    body: int  # first line after the header
    amount: float | None
    quote: str
    objective: Objective | None = None
    lines_by_title: list[tuple[int, str]] = field(default_factory=list)  # spending lines: (line, title)


@dataclass(slots=True)
class _Piece:
    line: int
    start: int  # offset in the stream text
    end: int


@dataclass
class _Stream:
    """The prose of a mission block joined into one text, with the line of every offset.

    Pieces are collected in a list and joined once when the text is read (appending to one growing string
    copies it every time).
    """

    parts: list[str] = field(default_factory=list)
    length: int = 0
    last_char: str = ""  # the last non-whitespace character of the text ("" when none)
    pieces: list[_Piece] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    _joined: str | None = None
    _folded: str | None = None
    _lower: str | None = None
    _sentences: list[tuple[int, int]] | None = None
    _initiatives: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = "".join(self.parts)
            self._folded = fold_for_literals(self._joined)
            self._lower = None
        return self._joined

    @property
    def lower(self) -> str:
        """text.lower(), computed once (every value read from a mission's prose may ask for it)."""
        text = self.text
        if self._lower is None:
            self._lower = text.lower()
        return self._lower

    @property
    def folded(self) -> str | None:
        """fold_for_literals(text): case-insensitive patterns are scanned as their case-sensitive twins on it."""
        _ = self.text
        return self._folded

    def add(self, line: int, text: str, sep: str = " ") -> None:
        # sep is whitespace: it never changes last_char
        if self.length:
            self.parts.append(sep)
            self.length += len(sep)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if stripped := text.rstrip():
            self.last_char = stripped[-1]
        self._joined = None
        self._sentences = None
        self._initiatives.clear()
        self.pieces.append(_Piece(line, start, self.length))
        self.starts.append(start)

    def sentences(self) -> list[tuple[int, int]]:
        """_sentences(text), computed once."""
        if self._sentences is None:
            self._sentences = _sentences(self.text)
        return self._sentences

    def initiatives(self, start: int, end: int) -> list[str]:
        """_initiatives(text[start:end]), remembered: every value of a sentence asks about the same sentences."""
        key = (start, end)
        if key not in self._initiatives:
            self._initiatives[key] = _initiatives(self.text[start:end])
        return self._initiatives[key]

    def sentences_between(self, start: int, end: int) -> list[tuple[int, int]]:
        """_sentences(text[start:end]) for a paragraph start (0 or just after a "\\n") and a sentence start `end`:
        the text's own sentences in between, shifted. A sentence break is decided by the characters just around
        it, and the break at `end` and every character a break test reads before `start` ("\\n" at start - 1
        ends any abbreviation test) are the same in the slice, so the spans agree."""
        spans = self.sentences()
        lo = bisect.bisect_left(spans, (start, -1))
        hi = bisect.bisect_left(spans, (end, -1))
        return [(a - start, b - start) for a, b in spans[lo:hi]]

    def line_at(self, offset: int) -> int:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.pieces[i].line


@dataclass(slots=True)
class _Candidate:
    start: int  # stream offset of the number
    end: int  # end of the raw text
    value: float
    raw: str
    noun: str
    kind: str  # class of the thing counted, "money" or "pct"
    unit: str
    sentence: tuple[int, int]
    year: int | None = None  # a year the sentence ties this value to (other than the report's)
    baseline: tuple[str, float] | None = None
    line: int | None = None
    name: str | None = None
    target: tuple[str, float, str, str] | None = None
    reading: Reading | None = None
    noun_after: bool = True  # the counted noun follows the number ("32 imprese"), not "sono 321" / "protocolli 25.789"
    measure: str | None = None  # what is counted, as composed for the name


@dataclass
class _Parser:
    ctx: SegmentContext
    out: ParsedSegment = field(default_factory=ParsedSegment)
    missions: list[_Mission] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (line, heading text), kept sorted
    consumed: set[int] = field(default_factory=set)
    readings_by_line: list[tuple[Reading, str, str]] = field(default_factory=list)  # reading, class, context
    nonblank: list[tuple[int, str]] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)  # consumed heading lines that end the sentence before them
    _last_pct: list[_Candidate] = field(default_factory=list)  # percentages of the previous sentence

    # -- helpers -----------------------------------------------------------------------------------------
    @property
    def year(self) -> int | None:
        return self.ctx.segment.year

    def prov(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str,
             subject: str | None = None, year: int | None = None) -> None:
        self.out.facts.append(self.ctx.fact(line_no, name, value, unit, quote, subject, year))

    def objective(self, line_no: int, code: str | None, level: str, title: str, **kw) -> Objective:
        seg = self.ctx.segment
        obj = Objective(self.prov(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level, collapse(title), **kw)
        self.out.objectives.append(obj)
        return obj

    def quarantine(self, line_no: int, line_end: int, reason: str, text: str) -> None:
        self.out.quarantined.append(Quarantined(self.prov(line_no), line_end, LAYOUT_NAME, reason, text))

    def title_at(self, mission: _Mission, line_no: int) -> str:
        """The spending line a result belongs to (Missione 011 prints three), else the mission title."""
        title = mission.title
        for start, line_title in mission.lines_by_title:
            if start <= line_no:
                title = line_title
        return title

    def heading_at(self, line_no: int) -> str | None:
        """The last heading starting at or before line_no."""
        i = bisect.bisect_right(self.headings, line_no, key=lambda heading: heading[0])
        return self.headings[i - 1][1] if i else None

    def add_reading(self, mission: _Mission, line_no: int, name: str, kind: str, context: str, role: str = "prose",
                    **values) -> Reading:
        seg = self.ctx.segment
        values.setdefault("year", seg.year)
        year = values.pop("year")
        heading = self.heading_at(line_no)
        notes = values.pop("notes", None)
        note_parts = [f"section: {heading}"] if heading else []
        if notes:
            note_parts.append(notes)
        reading = Reading(self.prov(line_no), seg.chamber_name, year, seg.doc_kind, indicator_name=collapse(name),
                          objective_level="area", objective_code=mission.code,
                          objective_title=self.title_at(mission, line_no), table_role=role,
                          notes="; ".join(note_parts) or None, **values)
        self.out.readings.append(reading)
        self.readings_by_line.append((reading, kind, context))
        return reading

    # -- run ---------------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        numbered = self.ctx.numbered_lines()
        self.nonblank = [(n, t) for n, t in numbered if t.strip()]
        self.find_missions()
        if not self.missions:
            seg = self.ctx.segment
            self.quarantine(seg.line_start, seg.line_end, "no 'Missione NNN' header with a spending amount: nothing parsed",
                            "\n".join(t for _, t in self.nonblank[:40]))
            return self.out
        first = self.missions[0].line
        self.intro_facts([(n, t) for n, t in self.nonblank if n < first])
        for mission in self.missions:
            self.parse_mission(mission)
        self.link_restatements()
        self.unique_names()
        self.out.readings.sort(key=lambda r: r.provenance.source_line)
        return self.out

    def find_missions(self) -> None:
        """"Missione 011" + title lines + "€ amount" (a list of missions without amounts is not a header)."""
        lines = self.nonblank
        starts: list[tuple[int, int, str, str, float | None, str, int]] = []
        for i, (n, text) in enumerate(lines):
            m = _MISSION.match(text)
            if not m:
                continue
            parts = [collapse(m.group("rest"))] if m.group("rest").strip() else []
            amount_raw, last = None, n
            for j in range(i, min(i + 4, len(lines))):
                cur = lines[j][1] if j > i else m.group("rest")
                if j > i:
                    if _MISSION.match(cur):
                        break
                    parts.append(collapse(cur))
                am = _HEADER_AMOUNT.search(cur)
                if am:
                    amount_raw, last = am.group("amt"), lines[j][0]
                    break
            if amount_raw is None:
                continue
            title = collapse(_HEADER_AMOUNT.sub("", " ".join(parts))).strip(" -–:")
            quote = f"Missione {m.group('code')} {collapse(' '.join(parts))}"
            starts.append((n, i, m.group("code"), title, parse_number(amount_raw), quote, last))
        seg_end = self.ctx.segment.line_end
        for k, (n, _i, code, title, amount, quote, last) in enumerate(starts):
            end = starts[k + 1][0] - 1 if k + 1 < len(starts) else seg_end
            self.missions.append(_Mission(code, title, n, end, last + 1, amount, quote))

    # -- introduction: staff, personnel and the 20% fee increase -----------------------------------------
    def intro_facts(self, lines: list[tuple[int, str]]) -> None:
        stream = _Stream()
        for n, text in lines:
            stream.add(n, collapse(text))
        self.stated_facts(stream)

    def stated_facts(self, stream: _Stream) -> None:
        text = stream.text

        def at(m: re.Match[str], group: str | int = 0) -> int:
            return stream.line_at(m.start(group))

        def num(m: re.Match[str], group: str) -> float | None:
            return parse_number(m.group(group))

        folded = stream.folded

        def has(word: str) -> bool:
            """Whether the text holds `word` (lower-case ASCII) in any case: a cheap test before a pattern that
            needs it is scanned case-insensitively."""
            return folded is None or word in folded

        if has("organica") and (m := search_folded(_STAFF_POSTS, text, folded)):
            self.fact(at(m, "n"), "staff_posts_planned", num(m, "n"), "N.", m.group(0))
        if has("servizio") and (m := search_folded(_STAFF_IN_SERVICE, text, folded)):
            self.fact(at(m, "n"), "staff_in_service", num(m, "n"), "N.", m.group(0))
        if has("cessazione") and (m := search_folded(_STAFF_DEPARTURES, text, folded)):
            self.fact(at(m, "n"), "staff_planned_departures", num(m, "n"), "N.", m.group(0))
        if has("fte") and (m := search_folded(_STAFF_FTE, text, folded)):
            self.fact(at(m, "fte"), "staff_fte", num(m, "fte"), "FTE", m.group(0))
            self.fact(at(m, "aux"), "staff_fte_auxiliary", num(m, "aux"), "FTE", m.group(0))
        if has("impiegatizio") and (m := search_folded(_STAFF_FTE_CLERICAL, text, folded)):
            self.fact(at(m, "n"), "staff_fte_clerical", num(m, "n"), "FTE", m.group(0))
        if has("ammontavano") and (m := search_folded(_STAFF_BY_YEAR, text, folded)):
            for y, n in (("y1", "n1"), ("y2", "n2")):
                self.fact(at(m, n), f"staff_in_service_{m.group(y)}", num(m, n), "N.", m.group(0), year=int(m.group(y)))
        if has("diventeranno") and (m := search_folded(_STAFF_LOST, text, folded)):
            self.fact(at(m, "n1"), "staff_lost_since_last_hiring", num(m, "n1"), "N.", m.group(0))
            self.fact(at(m, "n2"), "staff_lost_since_last_hiring_projected", num(m, "n2"), "N.", m.group(0))
        if has("consuntivo") and (m := search_folded(_PERSONNEL_COSTS_TREND, text, folded)):
            for q, a, y in (("q1", "a1", "y1"), ("q2", "a2", "y2")):
                self.fact(at(m, a), f"personnel_costs_{m.group(y)}", num(m, a), "EUR", ("da " if q == "q1" else "a ") + m.group(q),
                          year=int(m.group(y)))
            if m.group("pct"):
                self.fact(at(m, "pct"), "personnel_costs_reduction_pct", num(m, "pct"), "%",
                          f"con una flessione di {m.group('q3')}")
        if has("postazioni") and (m := search_folded(_REMOTE_POSITIONS, text, folded)):
            self.fact(at(m), "remote_work_positions", num(m, "n"), "N.", m.group(0))
        if has("annuale") and (m := search_folded(_FEE_INCREASE_MAX, text, folded)):
            self.fact(at(m, "n"), "annual_fee_increase_max_pct", num(m, "n"), "%", m.group(0)[-60:])
        shares = finditer_folded(_FEE_INCREASE_SHARES, text, folded) if has("progetto") else ()
        for m in shares:
            project = m.group("p")
            acronym = _ACRONYM_AT_END.search(project)
            key = acronym.group(1).lower() if acronym else slug(project)
            self.fact(at(m), f"annual_fee_increase_share_{key}_pct", num(m, "n"), "%", m.group(0), subject=collapse(project))

    # -- a mission block -----------------------------------------------------------------------------------
    def parse_mission(self, mission: _Mission) -> None:
        mission.objective = self.objective(mission.line, mission.code, "area", mission.title, mission_code=mission.code,
                                           notes=f"Missione {mission.code}; spending printed in the header")
        quote_line = mission.line
        self.fact(quote_line, "spending_mission", mission.amount, "EUR", mission.quote, subject=mission.code)
        # nonblank is in line order: slice the mission's lines by bisection (a scan per mission is quadratic)
        lo = bisect.bisect_left(self.nonblank, mission.body, key=lambda nt: nt[0])
        hi = bisect.bisect_right(self.nonblank, mission.end, key=lambda nt: nt[0])
        body = self.nonblank[lo:hi]
        bisect.insort(self.headings, (mission.line, mission.title))
        self.structure(mission, body)
        self.tables(mission, body)
        self.lists(mission, body)
        self.prose(mission, body)
        if mission.code and _mentions_staff(body):
            stream = _Stream()
            for n, t in body:
                stream.add(n, collapse(t))
            self.stated_facts_mission(stream)

    def stated_facts_mission(self, stream: _Stream) -> None:
        before = len(self.out.facts)
        self.stated_facts(stream)
        # only personnel and remote-work facts are printed in the missions; drop accidental re-matches of intro ones
        keep = [f for f in self.out.facts[before:] if f.fact_name.startswith(("personnel_costs", "remote_work"))]
        self.out.facts[before:] = keep

    def structure(self, mission: _Mission, body: list[tuple[int, str]]) -> None:
        """Programme, spending lines, projects funded by the fee increase, headings."""
        i = 0
        prev_text = ""
        prev_line = 0
        while i < len(body):
            n, text = body[i]
            stripped = text.strip()
            # each pattern only on lines holding a character it needs
            if "Programma" in text and (m := _PROGRAMME.match(text)):
                i = self.programme(mission, body, i, m)
                prev_text, prev_line = body[i - 1][1], body[i - 1][0]
                continue
            if "€" in text and (m := _SPENDING_LINE.match(text)) and not stripped.lower().startswith("totale") \
                    and len(m.group("title").split()) <= 8:
                title = collapse(m.group("title"))
                mission.lines_by_title.append((n, title))
                self.consumed.add(n)
                self.objective(n, None, "other", title, parent_code=mission.code, mission_code=mission.code,
                               notes=f"spending line of Missione {mission.code}: € {m.group('amt')}")
                self.fact(n, "spending_programme", parse_number(m.group("amt")), "EUR", stripped,
                          subject=f"{mission.code}:{title}")
                bisect.insort(self.headings, (n, title))
                prev_text, prev_line = text, n
                i += 1
                continue
            if "(" in text and _PROJECT_FUNDING.search(text):
                i = self.project(mission, body, i)
                prev_text, prev_line = body[i - 1][1], body[i - 1][0]
                continue
            if _may_start_with_digit(text) and _PAGE_NUMBER.match(text):
                self.consumed.add(n)
                i += 1
                continue
            heading_end = self.heading(body, i, prev_text, prev_line)
            if heading_end > i:
                prev_text, prev_line = body[heading_end - 1][1], body[heading_end - 1][0]
                i = heading_end
                continue
            prev_text, prev_line = text, n
            i += 1

    def heading(self, body: list[tuple[int, str]], i: int, prev_text: str, prev_line: int) -> int:
        """A heading block (bullet, margin label or title line) starting at body[i]: returns the index after it."""
        n, text = body[i]
        stripped = text.strip()
        bullet = stripped.startswith("•")
        core = _BULLET.sub("", stripped) if bullet else stripped
        if (len(stripped) > 78 or bullet and len(stripped) > 60) and (m := _MERGED_HEADING.match(text)):
            # "• Protesti Con il decreto ...": the heading and the first sentence share a line
            bisect.insort(self.headings, (n, collapse(m.group("head"))))
            return i
        if not core or not core[0].isupper() and core[0] not in "“\"(":
            return i
        if _has_count(core) or _NUMBER_AT_END.search(core) and len(core.split()) > 2:
            return i  # a line with a count is prose ("Hanno aderito n.7 imprese"); "Asse 2", "HoCare 2.0" are titles
        if bullet and core.endswith(":") and len(core) <= 60:
            bisect.insort(self.headings, (n, collapse(core.rstrip(":"))))  # "• Progetti di promozione del turismo ...:"
            return i
        if len(core) > 50 or re.search(r"[.;:]$", core):
            return i
        page_break = prev_line == n - 1
        after_sentence = not prev_text or bool(_TERMINAL.search(prev_text)) or prev_line in self.consumed or \
            bool(re.search(r"\s\d[\d.,]*\s*$", prev_text))  # after a label-value row
        if not (bullet or page_break or after_sentence):
            return i
        if not (bullet or page_break) and i + 1 < len(body):
            # a short first line of a paragraph continues in lower case on the next line; a title does not
            nxt_line, nxt = body[i + 1]
            if nxt.strip()[:1].islower() and nxt_line - n < 4 and len(nxt.strip()) > 45:
                return i
        j = i + 1
        parts = [core]
        while j < len(body):
            nt = body[j][1].strip()
            if (not nt or len(nt) > 45 or _has_count(nt) or re.search(r"[.;:]$|\s\d[\d.,]*$", nt) or _BULLET.match(nt)
                    or _MISSION.match(nt) or "(" in nt and _PROJECT_FUNDING.search(nt)):
                break
            parts.append(nt)
            j += 1
        for k in range(i, j):
            self.consumed.add(body[k][0])
            if not page_break:
                self.breaks.add(body[k][0])
        bisect.insort(self.headings, (n, collapse(" ".join(parts))))
        return j

    def programme(self, mission: _Mission, body: list[tuple[int, str]], i: int, m: re.Match[str]) -> int:
        n = body[i][0]
        parts = [m.group("rest1") or m.group("rest2") or ""]
        j = i
        while not re.search(r"[”\"]\s*\.?\s*$|\.\s*$|€\s*[\d.]+,\d{2}\s*$", parts[-1]) and j + 1 < len(body) and j - i < 4:
            j += 1
            parts.append(body[j][1])
        text = collapse(" ".join(parts))
        amount = _HEADER_AMOUNT.search(text)
        title = collapse(_HEADER_AMOUNT.sub("", text)).strip(" .").strip("“”\"").strip()
        code = m.group("code")
        self.objective(n, f"{mission.code}-{code}" if code else None, "other", title, parent_code=mission.code,
                       mission_code=mission.code,
                       notes="Programma" + (f" {code}" if code else " without code") +
                             ("" if amount else "; no separate amount printed"))
        if amount:
            subject = f"{mission.code}-{code}" if code else f"{mission.code}:{title}"
            self.fact(n, "spending_programme", parse_number(amount.group("amt")), "EUR", text, subject=subject)
        for k in range(i, j + 1):
            self.consumed.add(body[k][0])
        bisect.insort(self.headings, (n, f"Programma {title}"))
        return j + 1

    def project(self, mission: _Mission, body: list[tuple[int, str]], i: int) -> int:
        """"• Progetto PUNTO / IMPRESA DIGITALE / (Incremento 20% diritto / annuale)": a project of the fee increase."""
        start = i
        while start > 0 and i - start < 4 and not re.match(r"^\s*[•●]?\s*Progetto\b", body[start][1], re.I):
            start -= 1
        if not re.match(r"^\s*[•●]?\s*Progetto\b", body[start][1], re.I):
            start = i
        end = i
        while ")" not in body[end][1] and end + 1 < len(body) and end - i < 3:
            end += 1
        title = collapse(_BULLET.sub("", " ".join(t for _, t in body[start:end + 1])))
        n = body[start][0]
        for k in range(start, end + 1):
            self.consumed.add(body[k][0])
        # the status and spending of the project are stated in the next few lines
        window = _Stream()
        for ln, t in body[end + 1:end + 16]:
            window.add(ln, collapse(t))
        status = None
        if sm := _PROJECT_STATUS.search(window.text):
            status = "not_achieved" if sm.group("neg") or " non " in sm.group(0).lower() else "achieved"
        notes = [f"project of the diritto annuale increase, reported under Missione {mission.code}"]
        if status:
            notes.append(f'"{collapse(sm.group(0))}"')  # type: ignore[union-attr]
        self.objective(n, None, "other", title, parent_code=mission.code, mission_code=mission.code, status=status,
                       notes="; ".join(notes))
        if fm := _PROJECT_SPENDING.search(window.text):
            self.fact(window.line_at(fm.start()), "spending_project", parse_number(fm.group("amt")), "EUR", fm.group(0),
                      subject=title)
        bisect.insort(self.headings, (n, title))
        return end + 1

    # -- small tables --------------------------------------------------------------------------------------
    def tables(self, mission: _Mission, body: list[tuple[int, str]]) -> None:
        group = None
        i = 0
        while i < len(body):
            n, text = body[i]
            # the cheap conditions first: a group label has a ":", a years header starts with a digit
            if ":" in text and len(text.strip()) < 60 and _GROUP_LABEL.match(text) and i + 2 < len(body) and \
                    _VALUES_LINE.match(body[i + 2][1]):
                group = collapse(text).rstrip(":").strip()
            if _may_start_with_digit(text) and (ym := _YEARS_HEADER.match(text)) and len(text.strip()) < 60:
                i = self.period_table(mission, body, i, ym)
                continue
            if (i + 1 < len(body) and _VALUES_LINE.match(body[i + 1][1]) and not _VALUES_LINE.match(text)
                    and re.search(r"[A-Za-z]", text) and len(text.strip()) <= 90
                    and (re.search(r"\bN\.\s", text) or re.search(r"\S\s{2,}\S", text.strip()))):
                self.header_values_table(mission, body[i], body[i + 1], group)
                i += 2
                continue
            i += 1

    def header_values_table(self, mission: _Mission, header: tuple[int, str], values: tuple[int, str],
                            group: str | None) -> None:
        """"N. bandi      N. imprese ammesse  Importi concessi" over "3   19   €  199.286,10€"."""
        n, text = header
        names = [c.strip() for c in re.split(r"\s{2,}|(?<=\S)\s+(?=N\.\s)", text.strip()) if c.strip()]
        cells = [c.strip() for c in _TABLE_VALUE.findall(values[1]) if re.search(r"\d", c)]
        self.consumed.update({n, values[0]})
        if len(names) != len(cells):
            self.quarantine(n, values[0], f"ad-hoc table: {len(names)} column names but {len(cells)} values",
                            f"{text}\n{values[1]}")
            return
        first = names[0]
        for name, cell in zip(names, cells, strict=True):
            value = _value(re.sub(r"[€%\s]", "", cell))
            if value is None:
                self.quarantine(n, values[0], "ad-hoc table value is not a number", f"{text}\n{values[1]}")
                continue
            money = "€" in cell
            # "N. imprese coinvolte" under "N. eventi PID": say which events, unless the group name already does
            acronym = re.search(r"\b[A-Z]{2,}\b", first)
            plain = name is first or money or not acronym or acronym.group(0) in (group or "")
            label = name if plain else f"{name} ({_NUMBER_OF.sub('', first)})"
            full = f"{group} - {label}" if group else label
            kind = "money" if money else _noun_class(name)
            self.add_reading(mission, n, full, kind, f"{group} {name}", role="summary", actual_raw=collapse(cell),
                             actual_value=value, actual_unit="EUR" if money else "N.",
                             notes=f"summary table{' ' + repr(group) if group else ''}: column names on this line, "
                                   f"values on line {values[0]}")

    def period_table(self, mission: _Mission, body: list[tuple[int, str]], i: int, ym: re.Match[str]) -> int:
        """" 2021 2022 differenza percentuale" then rows: a label (maybe wrapped) and a line of values."""
        n0, header = body[i]
        years = [int(ym.group("y1")), int(ym.group("y2"))]
        current = years.index(self.year) if self.year in years else 1
        self.consumed.add(n0)
        j = i + 1
        label_parts: list[tuple[int, str]] = []
        while j < len(body):
            ln, text = body[j]
            stripped = text.strip()
            if _VALUES_LINE.match(text):
                cells = [c.strip() for c in _TABLE_VALUE.findall(text) if re.search(r"\d", c)]
                if not label_parts or len(cells) < 2:
                    self.quarantine(ln, ln, "two-period table row without a label or values", text)
                else:
                    label = collapse(" ".join(t for _, t in label_parts))
                    actual, base = cells[current], cells[1 - current]
                    extra = f"; differenza {', '.join(cells[2:])}" if len(cells) > 2 else ""
                    self.add_reading(mission, label_parts[0][0], label, _noun_class(label), label, role="detail",
                                     actual_raw=actual, actual_value=_value(actual), actual_unit="N.",
                                     baseline_raw=base, baseline_value=_value(base),
                                     notes=f"table {collapse(header)}: baseline = {years[1 - current]} column{extra}")
                    for k, _ in label_parts:
                        self.consumed.add(k)
                self.consumed.add(ln)
                label_parts = []
                j += 1
                continue
            if len(stripped) <= 30 and not re.search(r"[.;:,]$", stripped):
                label_parts.append((ln, stripped))
                j += 1
                continue
            break
        if label_parts:
            j -= len(label_parts)
        return j

    # -- label-value lists ---------------------------------------------------------------------------------
    def lists(self, mission: _Mission, body: list[tuple[int, str]]) -> None:
        i = 0
        while i < len(body):
            n, text = body[i]
            if n in self.consumed:
                i += 1
                continue
            # "Appuntamento per Sportello di Crema 1616" x N (at least two such rows in a row)
            run = []
            j = i
            while j < len(body) and body[j][0] not in self.consumed and _ends_in_number(body[j][1]) \
                    and (m := _LABEL_VALUE.match(body[j][1])) and not _TERMINAL.search(m.group("label")):
                run.append((body[j][0], m))
                j += 1
            if len(run) >= 2:
                intro = collapse(body[i - 1][1]) if i > 0 else ""
                for ln, m in run:
                    label = collapse(m.group("label"))
                    self.add_reading(mission, ln, label, _noun_class(label), f"{intro} {label}", role="detail",
                                     actual_raw=m.group("num"), actual_value=_value(m.group("num")), actual_unit="N.",
                                     notes=f"list after {intro!r}" if intro else None)
                    self.consumed.add(ln)
                self.check_total(mission, run)
                i = j
                continue
            if ":" in text and (m := _COLON_VALUE.match(text)):
                self.colon_item(mission, body, i, m)
            i += 1

    def check_total(self, mission: _Mission, run: list[tuple[int, re.Match[str]]]) -> None:
        """A "Totale" row that does not add up is kept as printed, with a note."""
        totals = [(ln, m) for ln, m in run if re.match(r"^\s*totale\b", m.group("label"), re.I)]
        if len(totals) != 1 or totals[0][0] != run[-1][0]:
            return
        parts = sum(_value(m.group("num")) or 0.0 for _, m in run[:-1])
        total = _value(totals[0][1].group("num"))
        if total is not None and abs(parts - total) > 1e-6:
            for reading, _, _ in reversed(self.readings_by_line):
                if reading.provenance.source_line == totals[0][0]:
                    reading.notes = (reading.notes + "; " if reading.notes else "") + \
                        f"printed total {totals[0][1].group('num')} but the rows above sum to {parts:g}"
                    break

    def colon_item(self, mission: _Mission, body: list[tuple[int, str]], i: int, m: re.Match[str]) -> None:
        n, text = body[i]
        label = collapse(m.group("label"))
        first = n
        if not m.group("bullet") and i > 0 and _BULLET.match(body[i - 1][1]) and not re.search(r"\d", body[i - 1][1]) \
                and body[i - 1][0] not in self.consumed:
            # a wrapped list item: "● imprese che hanno realizzato incontri concordati / direttamente ...: n.8"
            first = body[i - 1][0]
            label = collapse(_BULLET.sub("", body[i - 1][1]) + " " + label)
            self.consumed.add(first)
        elif not m.group("bullet") and (len(label) > 60 or label[:1].isupper() and not _BULLET.match(text)) \
                and not re.match(r"^(?:nel|anno)\s+\d{4}$", label, re.I):
            return  # a sentence ending with a number, left to the prose rules
        self.consumed.add(n)
        value = _value(m.group("num"))
        raw = collapse(m.group("raw") + (" " + m.group("unit") if m.group("unit") else ""))
        if ym := _SERIES_YEAR.match(label):
            self.series_item(mission, body, i, first, int(ym.group("year")), raw, value, m.group("unit"))
            return
        intro = self.list_intro(body, i)
        name = f"{intro} - {label}" if intro else label
        self.add_reading(mission, first, name, _noun_class(label), f"{intro} {label}", actual_raw=raw, actual_value=value,
                         actual_unit="gg" if m.group("unit") else "N.")

    def list_intro(self, body: list[tuple[int, str]], i: int) -> str | None:
        """The sentence a list hangs from ("La collaborazione ... si è concretizzata nell'emissione di :")."""
        for k in range(i - 1, max(-1, i - 12), -1):
            t = body[k][1].strip()
            if t.endswith(":") and not _COLON_VALUE.match(t):
                return heading_words(t)
        return self.heading_at(body[i][0])

    def series_item(self, mission: _Mission, body: list[tuple[int, str]], i: int, line: int, year: int, raw: str,
                    value: float | None, unit: str | None) -> None:
        """"- nel 2019: 3 giorni" under "A fronte di tempi di legge di 20 giorni, ... tempi medi ...:"."""
        window = _Stream()
        for ln, t in body[max(0, i - 8):i]:
            window.add(ln, collapse(t))
        target = None
        if tm := list(_LEGAL_TERM.finditer(window.text)):
            last = tm[-1]
            target = (f"<= {last.group('num')} giorni", parse_number(last.group("num")))
        what = "tempi medi"
        if wm := re.search(r"(tempi\s+medi[^:]*?)(?:\s+negli\s+ultimi[^:]*)?:\s*$", window.text):
            what = collapse(wm.group(1))
        heading = self.heading_at(line) or ""
        name = f"{heading} - {what}".strip(" -")
        values: dict = {"actual_raw": raw, "actual_value": value, "actual_unit": "gg" if unit else "N.", "year": year}
        notes = f"year series ({year})"
        if target:
            values.update(target_raw=target[0], target_value=target[1], target_operator="<=", target_unit="gg")
            notes += "; target = legal time limit printed above the series"
        self.add_reading(mission, line, name, "time", name, notes=notes, **values)

    # -- prose ---------------------------------------------------------------------------------------------
    def prose(self, mission: _Mission, body: list[tuple[int, str]]) -> None:
        stream = _Stream()
        prev_item = False
        pending_break = False
        enum = 0
        for n, text in body:
            if n in self.consumed:
                pending_break = pending_break or n in self.breaks
                continue
            t = collapse(text)
            em = _NUMBERED_ITEM.match(text) if _may_start_with_digit(text) else None
            if em and (int(em.group(1)) in (1, enum + 1) or stream.last_char == ":"):
                # "1 Progetto Agri-food ...", "2 Supporto ...": numbered items, not counts
                enum = int(em.group(1))
                stream.add(n, t[len(em.group(1)):].lstrip(" .)"), sep="\n")
                prev_item = True
                pending_break = False
                continue
            if (len(text.strip()) > 78 or text.strip().startswith("•") and len(text.strip()) > 60) and \
                    (m := _MERGED_HEADING.match(text)):
                t = collapse(m.group("rest"))
                stream.add(n, t, sep="\n")
                prev_item = False
                continue
            starts_item = bool(_BULLET.match(text)) or _may_start_with_digit(text) and bool(_ENUM_ITEM.match(text)) and (
                prev_item or stream.last_char == ":")
            sep = "\n" if starts_item or pending_break or (stream.last_char == ":" and _LEADING_DIGIT.match(text)) \
                else " "
            stream.add(n, t, sep=sep)
            prev_item = starts_item
            pending_break = False
        if not stream.length:
            return
        for s_start, s_end in stream.sentences():
            self.sentence(mission, stream, s_start, s_end)

    def sentence(self, mission: _Mission, stream: _Stream, s_start: int, s_end: int) -> None:
        text = stream.text
        sent = text[s_start:s_end]
        cands: list[_Candidate] = []
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        # Pattern scans are skipped when the sentence lacks text every match needs (a substring test is much
        # cheaper). Case-insensitive patterns are tested on the lower-cased sentence with pieces free of i, k, s
        # (IGNORECASE also matches those to other Unicode letters).
        low = sent.lower()
        folded = stream.folded
        fsent = folded[s_start:s_end] if folded is not None else None
        # money first, so amounts are not read as counts
        prev_decision: bool | None = None
        prev_end = s_start
        money = "€" in sent or "euro" in low
        strong_negative_pos = [m.end() + s_start for m in finditer_folded(_MONEY_STRONG_NEGATIVE, sent, fsent)] \
            if money else []
        for m in finditer_folded(_MONEY, sent, fsent) if money else ():
            a, b = m.start() + s_start, m.end() + s_start
            taken.append((a, b))
            num = m.group("num") or m.group("num2")
            value = _value(num)
            if value is None:
                continue
            w_start = max(prev_end, a - 140)
            decision = _money_decision(text[w_start:a], folded[w_start:a] if folded is not None else None)
            if decision is None:
                decision = True if _MONEY_POSITIVE_AFTER.match(text[b:b + 40]) else prev_decision
            if any(p <= a for p in strong_negative_pos):
                decision = False
            prev_decision, prev_end = decision, b
            if decision:
                raw = collapse(text[a:b])
                cands.append(_Candidate(a + (m.start("num") - m.start() if m.group("num") else 0), b, value, raw,
                                        "importo", "money", "EUR", (s_start, s_end)))
        # percentages of a count and "nel 65% dei casi"
        for m in finditer_folded(_PCT_OF_CASES, sent, fsent) if "%" in sent else ():
            a = m.start() + s_start
            if free(a, a + len(m.group(0))):
                taken.append((a, a + len(m.group(0))))
                cands.append(_Candidate(a, a + len(m.group(0)), _value(m.group("num")) or 0.0, collapse(m.group(0)),
                                        "casi", "pct", "%", (s_start, s_end)))
        # counts
        for cand in self.counts(text, folded, s_start, s_end, free, taken):
            cands.append(cand)
        cands.sort(key=lambda c: c.start)
        self.specials(mission, stream, s_start, s_end, cands, free, taken)
        cands.sort(key=lambda c: c.start)
        self.years_and_baselines(text, fsent, s_start, s_end, cands)
        context = collapse(sent)
        for cand in cands:
            if cand.year is not None and cand.year != self.year:
                continue
            line = cand.line or stream.line_at(cand.start)
            name = cand.name or self.name_for(mission, stream, cand, line, [c for c in cands if c.start < cand.start])
            values: dict = {"actual_raw": cand.raw, "actual_value": cand.value, "actual_unit": cand.unit}
            notes = []
            if cand.baseline:
                values.update(baseline_raw=cand.baseline[0], baseline_value=cand.baseline[1])
                notes.append(f"baseline = prior-year value printed in the same sentence ({cand.baseline[0]})")
            if cand.target:
                raw_t, value_t, op, unit = cand.target
                values.update(target_raw=raw_t, target_value=value_t, target_operator=op, target_unit=unit)
                notes.append("target = legal time limit printed in the sentence")
            if _APPROXIMATE.match(cand.raw):
                notes.append(f"'{cand.raw.split()[0]}' = approximate")
            cand.reading = self.add_reading(mission, line, name, cand.kind, context, notes="; ".join(notes) or None,
                                            **values)

    def counts(self, text: str, folded: str | None, s_start: int, s_end: int, free,
               taken: list[tuple[int, int]]) -> list[_Candidate]:
        """Numbers (digits or words) followed by what they count, and "di cui N sono state ammesse".
        `folded` is the text folded by fold_for_literals (or None): case-insensitive scans run on it."""
        sent = text[s_start:s_end]
        fsent = folded[s_start:s_end] if folded is not None else None

        def fold(start: int, end: int) -> str | None:
            return folded[start:end] if folded is not None else None

        out: list[_Candidate] = []
        tokens: list[tuple[int, int, float, str]] = []  # start, end (of the number), value, raw number
        digits = _ANY_DIGIT.search(sent) is not None  # both number patterns need one
        for m in finditer_folded(_NUM_TOKEN, sent, fsent) if digits else ():
            a, b = m.start("num") + s_start, m.end("num") + s_start
            if not free(a, b):
                continue
            num = m.group("num")
            if _YEAR_NUMBER.fullmatch(num) or _DATE_AFTER.match(text[b:b + 6]):
                continue
            value = _value(num)
            if value is None:
                continue
            start = m.start() + s_start if m.group("nprefix") else a
            tokens.append((start, b, value, text[start:b]))
        for m in finditer_folded(_NUM_AFTER_N, sent, fsent) if digits else ():  # "n.7 imprese": glued to "n."
            a, b = m.start() + s_start, m.end() + s_start
            if free(a, b) and not any(t[0] <= m.start("num") + s_start < t[1] for t in tokens):
                value = _value(m.group("num"))
                if value is not None:
                    tokens.append((a, b, value, text[a:b]))
        for m in finditer_folded(_WORD_TOKEN, sent, fsent):
            a, b = m.start() + s_start, m.end() + s_start
            if free(a, b):
                tokens.append((a, b, _WORD_NUMBERS[collapse(m.group("word")).lower()], m.group("word")))
        tokens.sort()
        for a, b, value, raw_num in tokens:
            b_start, a_end = max(s_start, a - 40), min(s_end, b + 80)
            before, fbefore = text[b_start:a], fold(b_start, a)
            after, fafter = text[b:a_end], fold(b, a_end)
            is_word = not _ANY_DIGIT.search(raw_num)
            # The tests below only skip the token or read the text, so their order is free: what it counts comes
            # first, as most numbers count nothing and the scans of the words before them are then not needed.
            noun, noun_end, kind = None, b, None
            nm = None
            # the counted noun right after the number (at most one filler word)
            words = _FILLER_WORD.match(after)
            for offset in (0, words.end() if words and words.group("filler") and
                           words.group("filler").lower().strip("’'") in _FILLERS else None):
                if offset is None:
                    continue
                # lstrip() removes the same characters from the folded text (lower() keeps whitespace)
                nm = match_folded(_NOUN_RE, after[offset:].lstrip(), fafter[offset:].lstrip() if fafter else None)
                if nm:
                    lead = len(after[offset:]) - len(after[offset:].lstrip())
                    noun = nm.group("noun")
                    noun_end = b + offset + lead + nm.end()
                    kind = _noun_class(noun)
                    break
            if noun and is_word and value == 1.0 and collapse(raw_num).lower() in ("un", "una") and \
                    collapse(noun).lower() not in _ONE_NOUNS:
                continue
            if noun is None and is_word and collapse(raw_num).lower() in ("un", "una"):
                continue
            if noun is None:
                if pm := match_folded(_PARTICIPLE_AFTER, after, fafter):
                    noun, noun_end, kind = pm.group("what"), b + pm.end(), "admitted"
                elif pm := match_folded(_PER_OGNI, after, fafter):
                    noun, noun_end, kind = f"per ogni {pm.group('what')}", b + pm.end(), "firms"
                elif not is_word and search_folded(_SONO_BEFORE, before, fbefore):
                    subject = search_folded(_NOUN_RE, text[s_start:a], fold(s_start, a))
                    if subject and not re.match(r"^\s*(?:%|giorni|anni|mesi|ore)", after):
                        noun, kind = subject.group("noun"), _noun_class(subject.group("noun"))
                elif (su := match_folded(_SU_TOTAL, after, fafter)) and _NOUN_RE.fullmatch(su.group("noun")):
                    noun, kind = su.group("noun"), _noun_class(su.group("noun"))
                elif not is_word and match_folded(_AGAINST, after, fafter):
                    n_start = max(s_start, a - 120)
                    subject = list(finditer_folded(_NOUN_RE, text[n_start:a], fold(n_start, a)))
                    if subject:
                        noun, kind = subject[-1].group("noun"), _noun_class(subject[-1].group("noun"))
                elif not is_word and _DASH_OR_COMPRENSIVI.match(after) and \
                        (pm := search_folded(_NOUN_BEFORE, before, fbefore)):
                    # "– protocolli 25.789 comprensivi ...": the noun printed before the number
                    noun, kind = pm.group("noun"), _noun_class(pm.group("noun"))
            if noun is None:
                continue
            if search_folded(_EXCLUDE_BEFORE, before, fbefore) and not re.search(r"di\s+cui\s*$", before):
                continue
            if (a == s_start or text[a - 1] == "\n") and re.match(r"^\s*[.)]?\s+[A-ZÀ-Ý]", after):
                continue  # "1 Progetto Agri-food ...": an enumeration, not a count
            qual = search_folded(_QUALIFIER_BEFORE, before, fbefore)
            raw_start = a - len(qual.group(0)) if qual else a
            if value == 0.0 and not re.match(r"^\s*(?:impres|aziend|richiest|domand)", after, re.I):
                continue
            raw = collapse(text[raw_start:noun_end]) if noun_end > b else collapse(text[raw_start:b])
            taken.append((a, max(b, noun_end)))
            out.append(_Candidate(a, max(b, noun_end), value, raw, collapse(noun).lower(), kind or "other", "N.",
                                  (s_start, s_end), noun_after=noun_end > b))
            # "(pari al 96,63%)" / "(25%)" right after a count: its share
            tail = text[max(b, noun_end):s_end]
            if pm := _PCT_OF_COUNT.match(tail):
                pa = max(b, noun_end) + pm.start("num")
                pb = max(b, noun_end) + pm.end()
                taken.append((pa, pb))
                out.append(_Candidate(pa, pb, _value(pm.group("num")) or 0.0, collapse(pm.group(0)).strip("() "),
                                      f"quota {collapse(noun).lower()}", "pct", "%", (s_start, s_end)))
        return out

    def specials(self, mission: _Mission, stream: _Stream, s_start: int, s_end: int, cands: list[_Candidate], free,
                 taken: list[tuple[int, int]]) -> None:
        text = stream.text
        sent = text[s_start:s_end]
        low = sent.lower()  # for the i/k/s-free pieces the case-insensitive patterns need (see sentence())
        fsent = stream.folded[s_start:s_end] if stream.folded is not None else None
        # "Il tempo medio di evasione delle pratiche è pari a 1,87 giorni, ... al termine di 5 giorni"
        for m in finditer_folded(_AVERAGE_TIME, sent, fsent) if "tempo" in low else ():
            a = m.start("num") + s_start
            if not free(a, a + len(m.group("num"))):
                continue
            cand = _Candidate(a, m.end() + s_start, _value(m.group("num")) or 0.0, f"{m.group('num')} giorni",
                              f"tempo medio {collapse(m.group('what'))}", "time", "gg", (s_start, s_end))
            if tm := _LEGAL_TERM.search(sent, m.end()):
                cand.target = (f"<= {tm.group('num')} giorni", _value(tm.group("num")) or 0.0, "<=", "gg")
            taken.append((a, cand.end))
            cands.append(cand)
        # "due imprese risultate non ammissibili": zero admitted
        for m in finditer_folded(_NOT_ADMISSIBLE, sent, fsent) if "ultat" in low else ():
            a = m.start() + s_start
            cands.append(_Candidate(a, m.end() + s_start, 0.0, collapse(m.group(0)), "imprese ammissibili", "admitted",
                                    "N.", (s_start, s_end)))
        # "– CNS, 3.019 e Digital DNA, 500 –" ... "complessivamente 3.519"
        for m in _LABEL_COMMA_VALUE.finditer(sent) if _COMMA_NUMBER.search(sent) else ():  # what it needs
            a = m.start("num") + s_start
            if free(a, a + len(m.group("num"))):
                taken.append((a, a + len(m.group("num"))))
                cands.append(_Candidate(a, a + len(m.group("num")), _value(m.group("num")) or 0.0,
                                        f"{m.group('label')}, {m.group('num')}", m.group("label"), "outputs", "N.",
                                        (s_start, s_end)))
        for m in finditer_folded(_TOTAL_WORD, sent, fsent) if "compl" in low else ():
            a = m.start("num") + s_start
            if free(a, a + len(m.group("num"))) and cands:
                taken.append((a, a + len(m.group("num"))))
                cands.append(_Candidate(a, a + len(m.group("num")), _value(m.group("num")) or 0.0,
                                        collapse(m.group(0)), "totale", "outputs", "N.", (s_start, s_end)))

    def years_and_baselines(self, text: str, fsent: str | None, s_start: int, s_end: int,
                            cands: list[_Candidate]) -> None:
        """Tie values to other years ("nel 2021 ... 7.386 certificati") and prior-year values to results.
        `fsent` is the sentence folded by fold_for_literals (or None)."""
        sent = text[s_start:s_end]
        low = sent.lower()  # for the i/k/s-free pieces the case-insensitive patterns need (see sentence())
        against_matches = list(finditer_folded(_AGAINST_ANY, sent, fsent)) if "fronte" in low or "contro" in low else []
        against = [(m.start(), m.end()) for m in against_matches]
        years = finditer_folded(_YEAR_MENTION, sent, fsent) if "19" in sent or "20" in sent else ()
        mentions = [(m.start() + s_start, int(m.group("year"))) for m in years
                    if not any(a <= m.start() < b for a, b in against)]
        for cand in cands:
            before = [y for pos, y in mentions if pos < cand.start]
            if before and before[-1] != self.year:
                cand.year = before[-1]
        for cand in cands:
            if cand.year is None or self.year is None or cand.year >= self.year:
                continue
            # a prior-year value with the same noun as a result of the year: its baseline
            if cand.year != self.year - 1:
                continue
            for other in cands:
                if other.year is None and other.noun == cand.noun and other.kind == cand.kind and other.baseline is None:
                    other.baseline = (cand.raw.split()[0] if cand.raw[:1].isdigit() else cand.raw, cand.value)
                    break
        # "22.314 contro le 20.324 del 2021" / "512 a fronte delle 677 del 2021"
        for m in against_matches:
            pos = m.start() + s_start
            prior = [c for c in cands if c.end <= pos + 1 and c.year is None and (c.kind == "pct") == bool(m.group("pct"))]
            if not prior:
                last = self._last_pct[-1] if self._last_pct and m.group("pct") else None
                if last is not None and last.reading is not None and last.reading.baseline_value is None:
                    # "La leggerissima flessione ... - a fronte del 97,23% del 2021 -": the previous sentence's share
                    last.reading.baseline_raw = f"{m.group('num')}%"
                    last.reading.baseline_value = _value(m.group("num"))
                    last.reading.notes = (last.reading.notes + "; " if last.reading.notes else "") + \
                        f"baseline = {m.group('year')} value printed in the next sentence ({m.group('num')}%)"
                continue
            target = prior[-1]
            if target.baseline is None:
                target.baseline = (m.group("num") + ("%" if m.group("pct") else ""), _value(m.group("num")) or 0.0)
        self._last_pct = [c for c in cands if c.kind == "pct"] or self._last_pct

    def name_for(self, mission: _Mission, stream: _Stream, cand: _Candidate, line: int,
                 earlier: list[_Candidate]) -> str:
        """"<initiative or section> - <what is counted>": names are not printed, so they are composed."""
        text = stream.text
        s_start, s_end = cand.sentence
        subject = self.subject_for(stream, cand) or self.heading_at(line) or self.title_at(mission, line)
        before = text[max(s_start, cand.start - 60):cand.start]
        if cand.kind == "money":
            before = re.sub(r"(?:€|\beuro|\s)+$", "", before, flags=re.I)
        after = text[cand.end:s_end]
        cand.measure = self.measure_for(stream, cand, before, after, earlier, subject)
        return f"{collapse(subject)} - {cand.measure}"

    def measure_for(self, stream: _Stream, cand: _Candidate, before: str, after: str, earlier: list[_Candidate],
                    subject: str) -> str:
        text = stream.text
        s_start = cand.sentence[0]
        if cand.kind == "money":
            lead = re.sub(r"(?:€|\beuro|\s)+$", "", text[max(s_start, cand.start - 120):cand.start], flags=re.I)
            verb = re.search(r"(contribut\w*(?:\s+a\s+fondo\s+perduto)?|voucher\s*/\s*contributi|importo\s+totale|"
                             r"contributi\s+ammessi)[^€\d]{0,40}$", lead, re.I)
            measure = collapse(verb.group(1)) if verb else "importo"
            if verb and re.search(r"concess", lead, re.I) and "concess" not in measure:
                measure += " " + _agree("concess", measure.split()[0])
            named = list(re.finditer(r"(?:al|alla)\s+Comune\s+di\s+[A-ZÀ-Ý][\w’']+|sul(?:la)?\s+[Bb]ando\s+[^,.;:€\d]{3,50}$",
                                     lead))
            dest = re.match(r"^\s*(?:per|sul|sulla|al|alla)\s+[^,.;€\d]{3,50}", after) or (named[-1] if named else None)
            if dest and slug(re.sub(r"^\s*\w+\s+", "", dest.group(0))) not in slug(subject):
                measure += " " + collapse(dest.group(0))
            return measure
        if cand.kind == "time":
            return collapse(cand.noun)
        if cand.kind == "pct":
            who = re.match(r"^\s*,?\s*con\s+riferimento\s+(?:a|ai|agli|alle|al|all[’'])\s*([^,.;]{3,40})", after)
            return collapse(cand.noun) + (f" ({collapse(who.group(1))})" if who else "")
        words: list[str] = []
        if cand.noun_after:
            tail = _PHRASE_END.split(after, maxsplit=1)[0]
            phrase = cand.noun + " " + tail
            if re.match(r"complessiv[ei]\b", cand.raw, re.I):
                phrase = f"{cand.noun} {cand.raw.split()[0]} {tail}"  # "complessive 22314 pratiche"
        else:
            # "pratiche complessivamente evase, vale a dire 22.314": the noun and its words printed before the number
            at = stream.lower.rfind(cand.noun.lower(), s_start, cand.start)
            phrase = _PHRASE_END.split(text[at:cand.start], maxsplit=1)[0] if at >= 0 else cand.noun
        for word in collapse(phrase).split():
            if len(words) >= 4 or words and (word.lower() in _NAME_STOP or word[:1].isupper() and not word.isupper()
                                             or _GERUND.search(word)):
                break
            words.append(word)
        while len(words) > 1 and words[-1].lower() in _NAME_TRAILING:
            words.pop()
        measure = " ".join(words) or cand.noun
        participle = any(_PARTICIPLE_END.search(w) for w in words[1:])
        if cand.kind not in ("people", "contacts", "admitted") and not participle:
            for pattern, cue in _VERB_CUE_PATTERNS:
                if pattern.search(before):
                    measure += " " + _agree(cue, words[0] if words else cand.noun)
                    break
        when = None if cand.noun_after else re.search(r"\b(?:in|entro)\s+\d+\s+giorni(?:\s+lavorativi)?",
                                                       text[s_start:cand.start])
        if when:
            measure += " " + collapse(when.group(0))  # "l'evasione in 5 giorni lavorativi per 21.562 su ..."
        counted = [c for c in earlier if c.kind not in ("money", "pct", "time", "people") and c.measure]
        if cand.kind == "people" and counted:
            measure += f" ({counted[-1].measure})"  # "2 seminari ... per un totale di 295 partecipanti"
        return measure

    def subject_for(self, stream: _Stream, cand: _Candidate) -> str | None:
        """The initiative a value belongs to: named in its sentence, else in the previous sentence (when that names
        only one), else in the first sentence of its paragraph or list item (not for list items: a list item's
        previous sentence is another item);         a list item "Label (2 edizioni)" is its own."""
        text = stream.text
        s_start, _ = cand.sentence
        item = s_start == 0 or text[s_start - 1] == "\n"  # a list item: the previous sentence is another item
        if item and (label := re.match(r"^\s*[-●•·]?\s*(?P<label>[^()\n\d]{3,60}?)\s*\(\s*$", text[s_start:cand.start])):
            return collapse(label.group("label"))
        if found := _initiatives(text[s_start:cand.start]):
            return found[-1]
        if item:
            return None
        para = text.rfind("\n", 0, s_start) + 1
        spans = [sp for sp in stream.sentences_between(para, s_start) if text[para + sp[0]:para + sp[1]].strip()]
        if spans:
            prev = stream.initiatives(para + spans[-1][0], para + spans[-1][1])
            if len(prev) == 1:
                return prev[0]
            lead = stream.initiatives(para + spans[0][0], para + spans[0][1]) if s_start - para < 1200 else []
            if lead:
                return lead[0]
        return None

    def unique_names(self) -> None:
        """One current reading per indicator name and objective: the same composed name twice gets a number."""
        seen: dict[tuple, int] = {}
        for reading in sorted(self.out.readings, key=lambda r: r.provenance.source_line):
            key = (reading.objective_code, reading.objective_title, reading.year, reading.indicator_name)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                reading.indicator_name = f"{reading.indicator_name} [{seen[key]}]"

    # -- restatements --------------------------------------------------------------------------------------
    def link_restatements(self) -> None:
        """A value printed again later (summary table, repeated paragraph, project summary) restates the first."""
        # Only an earlier reading of the same value and year can be restated: index them by (value, year) instead
        # of scanning every earlier reading (quadratic in a long report).
        seen: dict[tuple, list[tuple[Reading, str, str]]] = {}
        words: dict[str, set[str]] = {}  # content words of each context, computed once
        nouns = {id(r): _noun_of(r) for r, _, _ in self.readings_by_line}
        # the initiative of a reading does not change here (a note appended after its "section: ..." leaves it)
        initiatives = {id(r): _initiative_key(r) for r, _, _ in self.readings_by_line}
        for reading, kind, context in sorted(self.readings_by_line, key=lambda r: r[0].provenance.source_line):
            value = reading.actual_value
            if value is None or reading.year != self.year or value != value:  # NaN equals nothing
                seen.setdefault((value, reading.year), []).append((reading, kind, context))
                continue
            line = reading.provenance.source_line
            for prev, pkind, pcontext in reversed(seen.get((value, reading.year), [])):
                gap = line - prev.provenance.source_line
                if prev.actual_value != value or prev.year != reading.year or gap < 6 or context == pcontext:
                    continue
                noun_same = nouns[id(reading)] == nouns[id(prev)]
                distinctive = (kind == pkind == "money" and value >= 1000) or (value >= 1000 and noun_same)
                similar = noun_same and _similar(_words(context, words), _words(pcontext, words)) >= 0.8
                initiative = initiatives[id(reading)]
                same_initiative = initiative and initiative == initiatives[id(prev)] and _compatible(kind, pkind)
                table = reading.table_role in ("summary", "detail") and prev.table_role == "prose" and gap <= 90 and (
                    value >= 100 or _compatible(kind, pkind))
                if distinctive or similar or same_initiative or table:
                    reading.restates_line = prev.provenance.source_line
                    reading.notes = (reading.notes + "; " if reading.notes else "") + \
                        f"restates line {prev.provenance.source_line}"
                    break
            seen.setdefault((value, reading.year), []).append((reading, kind, context))


def _may_start_with_digit(text: str) -> bool:
    """Whether the first non-blank character can be a digit (what _NUMBERED_ITEM and _ENUM_ITEM need)."""
    first = text[:1]
    return first.isdigit() or first.isspace()


def _ends_in_number(text: str) -> bool:
    """What _LABEL_VALUE needs: the line ends (trailing whitespace aside) with a digit or a "."."""
    last = text.rstrip()[-1:]
    return last == "." or last.isdigit()


def _mentions_staff(body: list[tuple[int, str]]) -> bool:
    """A line speaks of personnel costs or workstations ("spese di personale", "postazioni lavorative").

    The lines are searched at once, joined by NUL: no match can take in a NUL, so the text holds a match exactly
    when a line does.
    """
    joined = "\x00".join(t for _, t in body)
    folded = fold_for_literals(joined)
    if folded is not None and "personale" not in folded and "postazioni" not in folded:
        return False  # every match holds one of the two words
    return search_folded(_STAFF_MENTION, joined, folded) is not None


def _has_count(text: str) -> bool:
    """A number followed by what it counts ("n.7 imprese", "23 domande")."""
    if not _ANY_DIGIT.search(text):
        return False  # both tests below need a digit
    folded = fold_for_literals(text)  # the case-insensitive patterns run as case-sensitive twins on it
    for m in finditer_folded(_NUM_TOKEN, text, folded):
        rest = text[m.end():].lstrip()
        if match_folded(_NOUN_RE, rest, folded[len(text) - len(rest):] if folded is not None else None) \
                or m.group("nprefix"):
            return True
    return search_folded(_N_NUMBER, text, folded) is not None


def _noun_class(text: str) -> str:
    m = _NOUN_RE.search(text or "")
    if not m:
        return "other"
    noun = m.group("noun").lower()
    for pattern, kind in _NOUN_PATTERNS:
        if pattern.fullmatch(noun):
            return kind
    return "other"


def _noun_of(reading: Reading) -> str:
    """The counted noun of a reading, from its name ("<initiative> - <noun> ...")."""
    tail = reading.indicator_name.rsplit(" - ", 1)[-1]
    return tail.split()[0].lower() if tail.split() else ""


def _initiative_key(reading: Reading) -> str | None:
    """The initiative named in a reading's sentence (not its section heading), to tie a restatement elsewhere."""
    head = reading.indicator_name.rsplit(" - ", 1)[0]
    section = _SECTION_NOTE.match(reading.notes or "")
    if not _INITIATIVE_HEAD.match(head) or section and section.group(1) == head:
        return None
    return re.sub(r"\s+(?:19|20)\d\d$", "", slug(head))


def _compatible(a: str, b: str) -> bool:
    groups = ({"events", "initiatives"}, {"firms", "people"}, {"admitted", "firms"})
    return a == b or any(a in g and b in g for g in groups)


def _words(text: str, cache: dict[str, set[str]]) -> set[str]:
    """The content words of a sentence (memoised in `cache`)."""
    if text not in cache:
        cache[text] = set(_CONTENT_WORD.findall(text.lower()))
    return cache[text]


def _similar(wa: set[str], wb: set[str]) -> float:
    """Share of content words two sentences have in common (a paragraph printed twice scores near 1)."""
    if len(wa) < 10 or len(wb) < 10:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _money_decision(window: str, folded: str | None) -> bool | None:
    """The cue nearest before an amount decides: granted (contributi, concessi...) or allocated/spent."""
    last_pos, last = -1, None
    for m in finditer_folded(_MONEY_POSITIVE, window, folded):
        if m.start() > last_pos:
            last_pos, last = m.start(), True
    for m in finditer_folded(_MONEY_NEGATIVE, window, folded):
        if m.start() > last_pos:
            last_pos, last = m.start(), False
    return last


_INITIATIVE = re.compile(r"(?P<kind>\b(?:Bando|bando|Progetto|progetto|Concorso|Festival|Fondo\s+Perequativo)|"
                         r"(?:(?<=\bal\s)|(?<=\balla\s))(?:Festa|Salone))\s+"
                         r"(?P<rest>(?:[^.;:()€]|\.(?=\S)){3,120})")
_INITIATIVE_WORDS = ("ando", "rogetto", "Concorso", "Festival", "Fondo", "Festa", "Salone")  # one is in every match
# Where a match of _INITIATIVE can start: its leading \b and lookbehinds keep the regex engine from skipping ahead.
_INITIATIVE_START = re.compile(r"[Bb]ando|[Pp]rogetto|Concorso|F(?:estival|ondo|esta)|Salone")
_INITIATIVE_STOP = re.compile(r"[,–]|\s(?:che|è|ha|hanno|ed?|dedicat\w*|finanziat\w*|volt[oa]|rivolt[oa]|promoss[oa]|con|nel|"
                              r"nell\w*|sono|si|su\s+cui|misura|bando|finalizzat\w*|iniziativa|in\s+occasione|in\s+collaborazione|"
                              r"a\s+favore|le\s+risorse|\d+\s+(?:imprese|aziende))\b")
_QUOTES = "“”\"«»"
_NAME_STOP = {"che", "per", "con", "e", "ed", "nel", "nella", "nei", "sul", "sulle", "sui", "tra", "da", "dal", "dalla",
              "presso", "provenienti", "relativi", "relative", "sempre", "a", "in", "il", "la", "le", "i", "gli", "un",
              "una", "sulla", "cui", "anche", "volto", "volta", "volti", "contro", "su", "hanno", "ha", "sono", "è"}
_NAME_TRAILING = {"di", "del", "della", "delle", "dei", "degli", "al", "alla", "ai", "alle", "non"}
# Verbs before a count that say what happened to the things counted (stems; the ending agrees with the noun).
_VERB_CUES = (
    (r"partecipazion|partecipat", "partecipant"), (r"aderit|adesion", "aderent"), (r"ammess", "ammess"),
    (r"presentat|presentazione", "presentat"), (r"realizzat", "realizzat"), (r"organizzat", "organizzat"),
    (r"gestit", "gestit"), (r"attivat", "attivat"), (r"coinvolt", "coinvolt"), (r"rilasciat", "rilasciat"),
    (r"evas[eio]|evasione", "evas"), (r"notificat", "notificat"), (r"cancellat", "cancellat"),
    (r"assegnat", "assegnat"), (r"predispost", "predispost"), (r"visualizzat", "visualizzat"),
    (r"svolt", "svolt"), (r"inibizione", "inibit"),
)


_VERB_CUE_PATTERNS = tuple((re.compile(pattern, re.I), cue) for pattern, cue in _VERB_CUES)


def _agree(stem: str, noun: str) -> str:
    """"realizzat" + "iniziative" → "realizzate"; "partecipant" + "imprese" → "partecipanti"."""
    last = "e" if re.search(r"[zs]ioni$", noun.lower()) else noun[-1:].lower()
    if stem.endswith("nt"):
        return stem + ("e" if last in "ao" else "i")
    return stem + {"e": "e", "i": "i", "a": "a", "o": "o"}.get(last, "i")


def _initiative_matches(text: str) -> Iterator[re.Match[str]]:
    """_INITIATIVE.finditer(text), trying the pattern only where one of its words starts (match() at a position
    still reads the characters before it for \\b and the lookbehinds, as finditer does)."""
    pos = 0
    while start := _INITIATIVE_START.search(text, pos):
        if m := _INITIATIVE.match(text, start.start()):
            yield m
            pos = m.end()  # never empty: the name needs 3+ characters
        else:
            pos = start.start() + 1


def _initiatives(text: str) -> list[str]:
    """Initiatives named in a text: "Bando Voucher Digitali I4.0 Lombardia Base 2022", "Progetto “...”"."""
    if not any(word in text for word in _INITIATIVE_WORDS):
        return []  # _INITIATIVE cannot match: a few substring tests instead of a scan
    out = []
    for m in _initiative_matches(text):
        rest = m.group("rest").strip()
        if rest[:1] in _QUOTES:
            close = re.search(r"[”\"»]", rest[1:])
            name = rest[1:close.start() + 1] if close else ""
        elif (close := re.search(r"[”»]", rest)) and "“" in rest[:close.start()] and close.start() < 80:
            name = rest[:close.end()]  # "Salone ... dei territori “il BonTà”che si è tenuto": up to the closing quote
        elif m.group("kind")[0].islower() and not rest[:1].isupper():
            continue  # "il bando è stato ...": a generic mention
        else:
            stop = _INITIATIVE_STOP.search(" " + rest)
            name = rest[:max(0, stop.start() - 1)] if stop else rest
            name = " ".join(name.split()[:8])
        name = re.sub(r"(?:\s+(?:di|del|della|delle|dei|e|al|alla|per|in|il|la|le|i))+$", "", name.strip(" " + _QUOTES))
        name = re.sub(f"[{_QUOTES}]", "", name) if sum(name.count(q) for q in _QUOTES) % 2 else name
        if len(name) >= 3:
            kind = m.group("kind")
            out.append(collapse(kind[0].upper() + kind[1:] + " " + name))
    return out


def heading_words(text: str) -> str:
    t = collapse(text).rstrip(":").strip()
    return t if len(t) <= 90 else t[:90].rsplit(" ", 1)[0]


_SENTENCE_BREAK = re.compile(r"\n|[.;!?](?=\s+[A-ZÀ-Ý•●“\"(\-])")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]{1,3}|\b(?:art|ecc|pag|cfr|es|ss|spa|srl|scarl)|\.[A-Z])\.$", re.I)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: at ". " / "; " before a capital, and at list-item breaks (newlines)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        # an abbreviation ends with "." right after a letter (a cheap test before the pattern)
        if m.group(0) == "." and text[m.start() - 1:m.start()].isalpha() and \
                _ABBREVIATION.search(text[max(0, m.start() - 6):m.end()]):
            continue
        end = m.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


class GestioneMissions(LayoutParser):
    name = LAYOUT_NAME
    description = "Management report narrative by Missione and programme with spending amounts and results in prose."
    signatures = (re.compile(r"^\s*Missione \d{3}\b"), re.compile(r"^\s*Programma \d{3}\b"),
                  re.compile(r"^\s*Relazione sulla gestione e sui risultati", re.I),
                  re.compile(r"^\s*(?:Prima|Seconda)\s+sezione\b", re.I))
    min_hits = 3

    def run(self) -> ParsedSegment:
        return _Parser(self.ctx).run()


parse = GestioneMissions.parse
