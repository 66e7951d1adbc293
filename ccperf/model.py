"""The common model every layout parser produces: plain dataclasses with provenance.

Every extracted row names the document (sha256 and file) and the 1-based source line it comes
from, so an analyst can always go back to the printed text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

DocKind = Literal["piano_performance", "relazione_performance", "relazione_gestione"]
ObjectiveLevel = Literal["area", "strategic", "operational", "other"]
Status = Literal["achieved", "not_achieved", "partially_achieved"]
# Where a reading is printed; decides which occurrence of a restated value is current (see dbt
# int_indicator_readings_restated): a final addendum beats a detail table, which beats a summary or prose.
TableRole = Literal["detail", "summary", "addendum", "prose", "plan"]

DOC_KINDS: tuple[str, ...] = ("piano_performance", "relazione_performance", "relazione_gestione")
OBJECTIVE_LEVELS: tuple[str, ...] = ("area", "strategic", "operational", "other")
STATUSES: tuple[str, ...] = ("achieved", "not_achieved", "partially_achieved")
TABLE_ROLES: tuple[str, ...] = ("detail", "summary", "addendum", "prose", "plan")
OPERATORS: tuple[str, ...] = (">=", "<=", "=", ">", "<")


@dataclass(frozen=True)
class Provenance:
    document_sha256: str
    document_file: str
    source_line: int  # 1-based line where the row starts in the source file (a PDF: in its converted text)
    segment_index: int
    source_page: int | None = None  # the page of a PDF the line is on (None for a text document)


@dataclass
class Document:
    document_sha256: str
    document_file: str
    file_size: int
    encoding: str
    n_lines: int
    chamber_name: str | None
    year: int | None
    doc_kind: str | None
    source_format: str = "text"  # text | pdf
    n_pages: int | None = None  # pages of a PDF
    converter: str | None = None  # what turned a PDF into text, with versions (pdfplumber, tesseract)
    # which edition of a report it is (extract/edition.py; the manifest's date and supersedes win): ranks documents
    # that report the same chamber and year (dbt int_document_precedence)
    edition_date: str | None = None  # ISO date of the act adopting it, or the manifest's date
    edition_date_line: int | None = None  # the line that date was read on
    edition_weight: int = 0  # 1 a correction ("rettifica", "aggiornamento"), -1 a draft ("bozza"), 0 neither
    edition_note: str | None = None  # the wording read and where
    supersedes: str | None = None  # the manifest's supersedes: file names or sha256, one per line


@dataclass
class SourceLine:
    """A line of the text a PDF was converted to, so that every row's source_line can be read (raw.document_text)."""

    document_sha256: str
    line_no: int
    page_no: int | None
    text: str


@dataclass
class DocumentPage:
    """A page of a PDF and how it was read (raw.document_pages): text layer, OCR, blank, or not read."""

    document_sha256: str
    page_no: int
    method: str  # text | ocr | blank | unreadable
    first_line: int | None
    last_line: int | None
    message: str | None


@dataclass
class Segment:
    """A contiguous part of a document holding one chamber's report (or a part of it)."""

    document_sha256: str
    document_file: str
    segment_index: int
    line_start: int
    line_end: int
    chamber_name: str | None
    year: int | None
    doc_kind: str | None
    layout: str
    role: str = "report"  # report | addendum | preamble | unattributed (no chamber named: not read)
    parser_status: str = "pending"  # parsed | partial | no_tables | unknown_layout | failed | not_read
    message: str | None = None
    findings: str | None = None  # what could not be decided (unknown chamber, year, a missed title block)
    coverage: float | None = None  # share of the table-like lines its rows account for (extract/coverage.py)
    table_lines: int | None = None
    table_lines_read: int | None = None


@dataclass
class Objective:
    provenance: Provenance
    chamber_name: str | None
    year: int | None
    doc_kind: str | None
    objective_code: str | None
    objective_level: str
    objective_title: str | None
    parent_code: str | None = None
    weight_pct: float | None = None
    achievement_pct: float | None = None
    status: str | None = None
    perspective: str | None = None
    mission_code: str | None = None
    unit_name: str | None = None
    table_role: str = "detail"
    notes: str | None = None


FOR_REVIEW = "for review: "  # a doubted reading's notes start with it, then the reason (`ccperf review` shows it)


@dataclass
class Reading:
    provenance: Provenance
    chamber_name: str | None
    year: int | None
    doc_kind: str | None
    indicator_name: str
    objective_level: str
    objective_code: str | None = None
    objective_title: str | None = None
    indicator_code: str | None = None
    indicator_type: str | None = None
    weight_pct: float | None = None
    baseline_raw: str | None = None
    baseline_value: float | None = None
    target_raw: str | None = None
    target_value: float | None = None
    target_operator: str | None = None
    target_unit: str | None = None
    target_midyear_raw: str | None = None
    target_midyear_value: float | None = None
    target_revised_raw: str | None = None
    target_revised_value: float | None = None
    actual_raw: str | None = None
    actual_value: float | None = None
    actual_unit: str | None = None  # filled from actual_raw by the extractor when a parser leaves it empty
    achievement_pct: float | None = None
    status: str | None = None
    unit_name: str | None = None  # organisational unit, person or agency for level "other" rows
    table_role: str = "detail"
    restates_line: int | None = None  # source_line of the reading (same document) this one restates
    objective_line: int | None = None  # source_line of its Objective row (set by the extractor when omitted)
    line_end: int | None = None
    notes: str | None = None
    extraction_method: str = "layout"  # layout (a parser of its layout family) | generic (the generic table reader)
    confidence: float | None = None  # generic readings: 0-1, under 0.6 they wait for review; None for layout


@dataclass
class ReadingComponent:
    """A value that goes into a reading's result: a numerator/denominator row, a four-month datum, a total.

    `reading_line` is the source_line of the reading it belongs to (same document), so an analyst can see
    how the printed result was computed.
    """

    provenance: Provenance
    reading_line: int
    component: str  # e.g. "numerator", "denominator", "value"
    period: str  # e.g. "I quadrimestre", "II quadrimestre", "III quadrimestre", "total"
    label: str | None
    raw: str | None
    value: float | None


# Fact names every layout uses for the same kind of statement; the subject (area, unit, mission, indicator
# code) goes in `subject_code`, the year stated in `year`. Layouts may add other names (staff counts, ...).
FACT_NAMES: dict[str, str] = {
    "performance_entity": "overall performance of the chamber (%), e.g. PERFORMANCE DI ENTE",
    "performance_area": "score of a strategic area / perspective (%); subject = area code",
    "performance_unit": "score of an organisational unit (%); subject = unit name",
    "weight_area": "weight of an area in the entity score (%); subject = area code",
    "resources_objective": "economic resources assigned to an objective (EUR); subject = objective code",
    "target_original": "a target before a revision stated in the text; subject = indicator code or name",
    "target_revised": "a target after a revision stated in the text; subject = indicator code or name",
    "spending_mission": "amount spent on a mission (EUR); subject = mission code (011)",
    "spending_programme": "amount spent on a programme (EUR); subject = mission-programme code (011-005)",
    "budget_mission": "budget of a mission (EUR); subject = mission code",
    "budget_programme": "budget of a programme (EUR); subject = mission-programme code",
    "count_areas": "number of strategic areas / perspectives",
    "count_strategic_objectives": "number of strategic objectives (suffix _achieved, _partially_achieved, "
                                  "_not_achieved for counts by status)",
    "count_operational_objectives": "number of operational objectives (same suffixes)",
}


@dataclass
class Fact:
    provenance: Provenance
    chamber_name: str | None
    year: int | None
    fact_name: str
    value: float | None
    unit: str | None
    quote: str | None
    subject_code: str | None = None
    is_derived: bool = False  # computed from extracted rows rather than printed


@dataclass
class Quarantined:
    """A block that looked like a table but could not be parsed: kept, never dropped."""

    provenance: Provenance
    line_end: int
    layout: str
    reason: str
    text: str


@dataclass
class ExtractionResult:
    """Everything one document yields, plus what went wrong with it."""

    document_file: str
    file_sha256: str | None = None  # of the bytes, even when the file could not be read as a document
    file_size: int | None = None
    document: Document | None = None
    segments: list[Segment] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    components: list[ReadingComponent] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    source_lines: list[SourceLine] = field(default_factory=list)  # converted text of a PDF (empty for text)
    pages: list[DocumentPage] = field(default_factory=list)  # pages of a PDF
    notes: list[str] = field(default_factory=list)  # what a reader should know (a PDF named .txt, OCR pages...)
    error: str | None = None  # set when the whole document was rejected (empty, binary, ...)
    content_sha256: str | None = None  # the decoded text's fingerprint (extractor.content_sha256)


def flatten(row: Any) -> dict[str, Any]:
    """A dataclass row as a flat dict, the provenance fields inlined first."""
    out: dict[str, Any] = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if f.name == "provenance":
            out.update(asdict(value))
        else:
            out[f.name] = value
    return out
