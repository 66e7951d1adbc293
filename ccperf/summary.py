"""What a run did, in numbers and plain words: documents, segments, rows, quarantine, quality, publication."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import asdict, dataclass, field

from ccperf.model import ExtractionResult, Segment


@dataclass
class DocumentOutcome:
    document_file: str
    document_sha256: str | None
    status: str  # extracted | unchanged (kept from an earlier run) | rejected | duplicate | ignored (not a document)
    message: str  # chamber, year and kind; or why the file was rejected or not loaded
    segments: list[Segment] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: list[str] = field(default_factory=list)  # "lines a-b (layout): reason"
    file_size: int | None = None

    @classmethod
    def from_result(cls, result: ExtractionResult) -> DocumentOutcome:
        rows = {"readings": len(result.readings), "objectives": len(result.objectives), "facts": len(result.facts),
                "components": len(result.components), "quarantined": len(result.quarantined)}
        doc = result.document
        assert doc is not None
        message = f"{doc.chamber_name or '?'} {doc.year or '?'} {doc.doc_kind or '?'}{_pdf_pages(result)}"
        quarantined = [f"lines {q.provenance.source_line}-{q.line_end} ({q.layout}): {q.reason}"
                       for q in result.quarantined]
        return cls(result.document_file, doc.document_sha256, "extracted", message, list(result.segments), rows,
                   quarantined, result.file_size)


def _pdf_pages(result: ExtractionResult) -> str:
    """"; PDF, 84 pages (2 by OCR, 1 unread)" for a PDF: what a reader of the summary needs to trust it."""
    if not result.pages:
        return ""
    ocr = sum(p.method == "ocr" for p in result.pages)
    unread = sum(p.method == "unreadable" for p in result.pages)
    details = [f"{ocr} by OCR"] * bool(ocr) + [f"{unread} unread"] * bool(unread)
    return f"; PDF, {len(result.pages)} pages" + (f" ({', '.join(details)})" if details else "")


@dataclass
class RunSummary:
    run_id: str
    started_at: dt.datetime
    documents: list[DocumentOutcome] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    quality_checked: int = 0
    quality_failures: list[str] = field(default_factory=list)  # critical: each names the rows (file:line) at fault
    quality_warnings: list[str] = field(default_factory=list)
    quality_docs: str | None = None  # index.html of the GX data docs of this run
    published: dict[str, int] = field(default_factory=dict)  # Parquet file → rows
    serving_db: str | None = None  # the read-only DuckDB copy of the marts, when published
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage
    extract_workers: int = 0  # processes the extraction ran in
    extracted_bytes: int = 0  # size of the documents extracted by this run (unchanged ones are not)
    inputs_fingerprint: str | None = None  # documents, parsers, dbt project and expectations this run built from
    report: str | None = None  # the HTML report written after publication
    status: str = "running"  # running | succeeded | unchanged (nothing to do) | failed | cancelled (SIGTERM, Ctrl+C)
    message: str = ""
    elapsed_s: float = 0.0  # the flow's time; `ccperf run` prints (and keeps) the command's wall time
    log_file: str | None = None  # the run's log lines (ccperf run: not printed unless --verbose)
    # what the run noticed beyond single documents: a run that did not finish before it, a damaged publication it
    # repaired, manifest entries not applied, readings that disagree between documents
    notices: list[str] = field(default_factory=list)
    # rows in the warehouse when the run ended, read from the warehouse itself (None: it could not be read)
    warehouse_rows: dict[str, int] | None = None
    # the publication in place when the run ended: run id and readings (None: nothing published)
    publication_in_place: dict[str, object] | None = None

    def to_json(self) -> str:
        """The whole summary as JSON (`ccperf run --summary-json`), for schedulers and benchmarks."""
        return json.dumps(asdict(self), default=str, indent=1, ensure_ascii=False)

    def files_with_status(self, status: str) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status == status]

    def total(self, key: str) -> int:
        return sum(d.rows.get(key, 0) for d in self.documents)

    def segments_needing_attention(self) -> list[tuple[str, Segment]]:
        return [(d.document_file, s) for d in self.documents for s in d.segments
                if s.parser_status not in ("parsed", "no_tables")]


def new_summary() -> RunSummary:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return RunSummary(run_id=now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6], started_at=now)
