"""What needs a human look, most important first: the review queue of `ccperf review` and of the HTML report.

Read from the published serving file (data/marts/ccperf.duckdb), so it shows exactly what was published and never
waits for a run. In order:
1. segments that were not read or failed (a lost title block, a parser error);
2. partial segments (coverage under 0.4: tables their parser did not read) and segments of no known layout;
3. findings: an unknown chamber, an undecided year;
4. files not loaded (rejected, duplicates);
5. quarantined blocks (what a parser set aside instead of guessing);
6. generic readings under the confidence threshold (kept out of the marts until checked), pages read by OCR (a
   scan's "≥" can come out as ">": their readings are published, flagged is_from_ocr, worth a look at the page);
7. reconciliation mismatches (counts and scores a document states that the extraction does not reproduce).
Each item names the file and lines and shows a short excerpt.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from ccperf.model import FOR_REVIEW

_SEGMENT_PRIORITY = {"failed": 1, "not_read": 1, "partial": 2, "unknown_layout": 2, "no_parser": 2}
_EXCERPT = 140


@dataclass(frozen=True)
class ReviewItem:
    priority: int  # 1 first
    kind: str  # segment | finding | file | quarantine | reading | ocr_page | reconciliation
    document_file: str | None
    line: int | None
    line_end: int | None
    what: str
    excerpt: str

    @property
    def where(self) -> str:
        if self.document_file is None:
            return "-"
        if self.line is None:
            return self.document_file
        span = f"{self.line}-{self.line_end}" if self.line_end and self.line_end != self.line else f"{self.line}"
        return f"{self.document_file}:{span}"


def _short(text: Any) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT - 1] + "…"


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? and "
                            "table_name = ?", [schema, table]).fetchone()[0])


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.columns where table_schema = ? and "
                            "table_name = ? and column_name = ?", [schema, table, column]).fetchone()[0])


def _segments(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "marts", "dim_segment"):
        return []
    items = []
    for file, start, end, status, message, findings, layout, coverage in con.execute(
            "select document_file, line_start, line_end, parser_status, message, findings, layout, coverage "
            "from marts.dim_segment order by document_file, line_start").fetchall():
        if status in _SEGMENT_PRIORITY:
            share = f" (coverage {coverage:.0%})" if coverage is not None else ""
            items.append(ReviewItem(_SEGMENT_PRIORITY[status], "segment", file, start, end,
                                    f"{status} segment, layout {layout}{share}", _short(message)))
        for finding in (findings or "").split("; "):
            if finding:
                items.append(ReviewItem(3, "finding", file, start, end, _short(finding), ""))
    return items


def _files(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "audit", "document_files"):
        return []
    return [ReviewItem(4, "file", file, None, None, f"file {status}", _short(message))
            for file, status, message in con.execute(
                "select document_file, status, message from audit.document_files where status not in "
                "('extracted', 'unchanged') order by document_file").fetchall()]


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "audit", "quarantine"):
        return []
    return [ReviewItem(5, "quarantine", file, start, end, f"quarantined ({layout}): {_short(reason)}", _short(text))
            for file, start, end, layout, reason, text in con.execute(
                "select document_file, source_line, line_end, layout, reason, text from audit.quarantine "
                "order by document_file, source_line").fetchall()]


def _readings(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "marts", "review_readings"):
        return []
    notes = "notes" if _has_column(con, "marts", "review_readings", "notes") else "null"  # an older publication
    return [ReviewItem(6, "reading", file, line, line,
                       f"generic reading, confidence {confidence:.2f}{_doubt(note)}: {_short(name)}",
                       _short(f"target {target or '-'}; result {actual or '-'}"))
            for file, line, name, target, actual, confidence, note in con.execute(
                f"select document_file, source_line, indicator_name, target_raw, actual_raw, confidence, {notes} "
                "from marts.review_readings order by confidence, document_file, source_line").fetchall()]


def _doubt(notes: str | None) -> str:
    """The reason the reader doubted a row, from its notes ("for review: <reason>; ..."), as " (<reason>)"."""
    if not notes or not notes.startswith(FOR_REVIEW):
        return ""
    return f" ({_short(notes[len(FOR_REVIEW):].split('; ')[0])})"



def _ocr_pages(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "marts", "fact_indicator_reading"):
        return []
    return [ReviewItem(6, "ocr_page", file, first, last, f"page {page} read by OCR: {n} reading{'s' * (n != 1)}",
                       "check operators and values against the page image (is_from_ocr)")
            for file, page, first, last, n in con.execute(
                "select document_file, source_page, min(source_line), max(source_line), count(*) "
                "from marts.fact_indicator_reading where is_from_ocr "
                "group by document_file, source_page order by document_file, source_page").fetchall()]


def _reconciliation(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    if not _has(con, "audit", "quality_results"):
        return []
    items = []
    for description, rows in con.execute(
            "select coalesce(description, expectation), unexpected_rows from audit.quality_results "
            "where suite = 'reconciliation_stated_facts' and not success").fetchall():
        for row in json.loads(rows or "[]"):
            line = row.get("source_line")
            details = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("document_file", "source_line"))
            items.append(ReviewItem(7, "reconciliation", row.get("document_file"), line, line, _short(description),
                                    _short(details)))
    return items


def review_items(con: duckdb.DuckDBPyConnection) -> list[ReviewItem]:
    items = [*_segments(con), *_files(con), *_quarantine(con), *_readings(con), *_ocr_pages(con), *_reconciliation(con)]
    return sorted(items, key=lambda i: (i.priority, i.document_file or "", i.line or 0))


def as_json(items: list[ReviewItem]) -> str:
    return json.dumps([{**asdict(i), "where": i.where} for i in items], ensure_ascii=False, indent=1)
