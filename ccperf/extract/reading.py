"""Reading one segment: its layout's parser, then coverage; the generic table reader where no parser reads.

A segment ends in one of these states, each with a message (and what was not read quarantined with the reason):
- parsed: its parser (or, for a layout no parser knows, the generic reader) read it, coverage at least MIN_COVERAGE;
- partial: coverage under MIN_COVERAGE; the generic reader reads the unread table blocks it can, the rest is
  quarantined as "not read by layout X";
- no_tables (an introduction), unknown_layout (no table the generic reader can read: quarantined), not_read (a part
  with no chamber named), failed (the parser raised: the traceback is quarantined).
"""

from __future__ import annotations

import traceback
from dataclasses import replace

from ccperf.extract.coverage import MIN_COVERAGE, Coverage, measure, quarantine_unread
from ccperf.extract.document import DocumentModel, Line
from ccperf.extract.layouts import layout_named
from ccperf.extract.layouts.generic import CONFIDENCE_FOR_REVIEW, GenericTables, Vocabulary, document_vocabulary
from ccperf.extract.parser import LayoutParser, ParsedSegment, SegmentContext
from ccperf.extract.text import SourceText
from ccperf.model import Provenance, Quarantined, Segment

_MIN_TABLE_LINES = 5  # a segment with fewer table-like lines is judged by its rows, not by its coverage


def _quarantine_segment(source: SourceText, segment: Segment, layout: str, text: str | None = None
                        ) -> ParsedSegment:
    prov = Provenance(source.sha256, source.file_name, segment.line_start, segment.segment_index,
                      source.page_of(segment.line_start))
    text = text or "\n".join(source.lines[segment.line_start - 1: min(segment.line_end, segment.line_start + 40)])
    return ParsedSegment(quarantined=[Quarantined(prov, segment.line_end, layout, segment.message or "", text)])


def _summary(parsed: ParsedSegment) -> str:
    review = sum(1 for r in parsed.readings if r.confidence is not None and r.confidence < CONFIDENCE_FOR_REVIEW)
    generic = sum(1 for r in parsed.readings if r.extraction_method == "generic")
    extra = f" ({generic} by the generic reader, {review} of them for review)" if generic else ""
    return (f"{len(parsed.readings)} readings{extra}, {len(parsed.objectives)} objectives, {len(parsed.facts)} facts, "
            f"{len(parsed.quarantined)} quarantined")


def _is_header(vocabulary: Vocabulary):
    def header(line: Line) -> bool:
        filled = line.filled
        return len(filled) >= 2 and sum(1 for c in filled if vocabulary.role_of(c)) >= 0.5 * len(filled)
    return header


def _parse(parser: type[LayoutParser], source: SourceText, model: DocumentModel, segment: Segment
           ) -> ParsedSegment | Exception:
    try:
        return parser.parse(SegmentContext(source, segment, model))
    except Exception as exc:  # a parser bug must not lose the other segments or documents
        return exc


def read_segment(source: SourceText, model: DocumentModel, segment: Segment) -> ParsedSegment:
    if segment.role == "unattributed":
        segment.parser_status = "not_read"
        segment.message = (f"lines {segment.line_start}-{segment.line_end} are printed in another layout "
                           f"({segment.layout}) than the segment before them and name no chamber: a title block was "
                           "probably lost; not read, so no row is given to the wrong chamber (set the chamber in "
                           "manifest.toml, or restore the title)")
        return _quarantine_segment(source, segment, segment.layout)
    if segment.layout == "narrative":
        segment.parser_status, segment.message = "no_tables", "introduction without indicator tables"
        return ParsedSegment()
    layout = layout_named(segment.layout)
    parser = layout if layout is not None else GenericTables
    parsed = _parse(parser, source, model, segment)
    if isinstance(parsed, Exception):
        segment.parser_status = "failed"
        segment.message = f"parser {parser.name} failed: {parsed!r}"
        return _quarantine_segment(source, segment, parser.name, "".join(traceback.format_exception(parsed, limit=5)))
    if layout is None and not parsed.readings:
        segment.parser_status = "unknown_layout"
        segment.message = (f"no known layout in lines {segment.line_start}-{segment.line_end}, and no table the "
                           "generic reader can read (a header naming an indicator and a target or result)")
        return _quarantine_segment(source, segment, "unknown")
    vocabulary = document_vocabulary()
    header = _is_header(vocabulary)
    if layout is not None:
        _tables_to_generic(source, model, segment, layout, parsed, vocabulary)
    coverage = measure(model, segment, parsed, header)
    if coverage.table_lines >= _MIN_TABLE_LINES and coverage.share < MIN_COVERAGE:
        parsed, coverage = _read_unread_blocks(source, model, segment, parsed, coverage, header)
        segment.parser_status = "partial"
    else:
        segment.parser_status = "parsed"
    segment.coverage = round(coverage.share, 3)
    segment.table_lines, segment.table_lines_read = coverage.table_lines, coverage.read_lines
    prefix = "no known layout: read by the generic table reader; " if layout is None else ""
    segment.message = f"{prefix}{_summary(parsed)}; coverage {coverage.share:.0%} of {coverage.table_lines} " \
                      "table lines"
    return parsed


def _table_headers(model: DocumentModel, segment: Segment, vocabulary: Vocabulary) -> list[tuple[int, tuple]]:
    """(line, column roles) of every table header of a segment: a row of 3+ cells, most of them header words,
    naming a target or a result column."""
    out = []
    for line in model.content(segment.line_start, segment.line_end):
        if line.region is None:
            continue  # a plain line is one cell
        filled = line.filled
        if len(filled) < 3:
            continue
        roles = [vocabulary.role_of(c) for c in line.texts]
        named = [r for r in roles if r]
        if len(named) >= 0.6 * len(filled) and {"target", "actual"} & set(named):
            out.append((line.number, tuple(named)))
    return out


def _tables_to_generic(source: SourceText, model: DocumentModel, segment: Segment, layout: type[LayoutParser],
                       parsed: ParsedSegment, vocabulary: Vocabulary) -> None:
    """A table whose header is not one of its layout's (columns renamed, reordered, added or dropped), or under
    which its parser read nothing, is read by the generic reader instead: a parser reading columns by position
    would misread it. Its rows from the parser are dropped, and its lines go to the generic reader."""
    expected = layout.header_roles()
    if not expected:
        return
    headers = _table_headers(model, segment, vocabulary)
    for k, (first, roles) in enumerate(headers):
        last = headers[k + 1][0] - 1 if k + 1 < len(headers) else segment.line_end
        inside = [r for r in parsed.readings if first <= r.provenance.source_line <= last]
        if roles in expected and inside:
            continue
        block = replace(segment, line_start=first, line_end=last)
        generic = _parse(GenericTables, source, model, block)
        if isinstance(generic, Exception) or not generic.readings:
            continue
        parsed.readings[:] = [r for r in parsed.readings if r not in inside]
        parsed.quarantined[:] = [q for q in parsed.quarantined if not first <= q.provenance.source_line <= last]
        parsed.readings += generic.readings
        parsed.objectives += generic.objectives


def _read_unread_blocks(source: SourceText, model: DocumentModel, segment: Segment, parsed: ParsedSegment,
                        coverage: Coverage, header) -> tuple[ParsedSegment, Coverage]:
    """A partial segment's unread table blocks go to the generic reader (each block with the header just above
    it); what it cannot read either is quarantined."""
    for first, last in coverage.unread:
        block = replace(segment, line_start=max(segment.line_start, first - 3), line_end=last)
        generic = _parse(GenericTables, source, model, block)
        if isinstance(generic, Exception) or not generic.readings:
            continue
        parsed.readings += generic.readings
        parsed.objectives += generic.objectives
        read = {r.provenance.source_line for r in generic.readings}
        # the parser's own quarantined rows the generic reader has now read are no longer lost
        parsed.quarantined = [q for q in parsed.quarantined
                              if not read & set(range(q.provenance.source_line, q.line_end + 1))]
    coverage = measure(model, segment, parsed, header)
    parsed.quarantined += quarantine_unread(model, segment, coverage, source.lines, source.page_of,
                                            parsed.quarantined)
    return parsed, coverage
