"""One document in, every row out: read → segment → parse each segment with its layout's parser."""

from __future__ import annotations

import bisect
import errno
import gc
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from ccperf.extract.chambers import registry
from ccperf.extract.document import DocumentModel
from ccperf.extract.edition import read_edition
from ccperf.extract.layouts.generic import forget_vocabulary
from ccperf.extract.linking import clear_caches, link_across_segments
from ccperf.extract.manifest import Override
from ccperf.extract.numbers import parse_measure
from ccperf.extract.pdf import PdfError, convert_cached, is_pdf
from ccperf.extract.plausibility import set_aside_implausible
from ccperf.extract.profiles import use_user_profiles, user_profiles_digest
from ccperf.extract.reading import read_segment
from ccperf.extract.segment import split_segments
from ccperf.extract.text import DocumentError, SourceText, sha256_of, source_from_bytes
from ccperf.model import Document, DocumentPage, ExtractionResult, Provenance, Quarantined, Segment, SourceLine

# Bump when a parser changes what it extracts: unchanged documents are re-extracted only when this changes.
PARSER_VERSION = "2"


def parser_version(raw_dir: Path | None = None) -> str:
    """PARSER_VERSION, with the fingerprint of the user profiles of the documents' folder when there are some (a
    document is read again when they change)."""
    digest = user_profiles_digest(raw_dir) if raw_dir is not None else ""
    return f"{PARSER_VERSION}+profiles.{digest}" if digest else PARSER_VERSION


def _apply_override(segments: list[Segment], override: Override | None) -> list[Segment]:
    """The manifest wins over what was detected; what it settles is no longer a finding."""
    if override is None:
        return segments
    chamber = override.chamber
    known = registry().named(chamber) if chamber else None
    out = []
    for s in segments:
        findings = [f for f in (s.findings or "").split("; ") if f
                    and not (override.year and f.startswith("reference year not decided"))
                    and not (chamber and f.startswith("unknown chamber"))]
        if chamber and not known:
            findings.append(f"the manifest names chamber {chamber!r}, which is not in the chamber registry")
        out.append(replace(s, chamber_name=(known.short_name if known else chamber) or s.chamber_name,
                           year=override.year or s.year, doc_kind=override.doc_kind or s.doc_kind,
                           role="report" if chamber and s.role == "unattributed" else s.role,
                           findings="; ".join(findings) or None))
    return out


def _document_row(source: SourceText, segments: list[Segment], override: Override | None) -> Document:
    reports = [s for s in segments if s.role == "report"] or segments
    chambers = Counter(s.chamber_name for s in reports if s.chamber_name)
    # A bundle of several chambers' reports belongs to the chamber its preamble names (the merged one).
    preamble = next((s.chamber_name for s in segments if s.role == "preamble" and s.chamber_name), None)
    chamber = (override and override.chamber) or preamble or (chambers.most_common(1)[0][0] if chambers else None)
    years = Counter(s.year for s in reports if s.year)
    kinds = Counter(s.doc_kind for s in reports if s.doc_kind)
    return Document(
        document_sha256=source.sha256,
        document_file=source.file_name,
        file_size=source.size,
        encoding=source.encoding,
        n_lines=len(source.lines),
        chamber_name=chamber,
        year=(override and override.year) or (years.most_common(1)[0][0] if years else None),
        doc_kind=(override and override.doc_kind) or (kinds.most_common(1)[0][0] if kinds else None),
        source_format=source.source_format,
        n_pages=source.n_pages,
        converter=source.converter,
        **_edition_fields(source, override),
    )


def _edition_fields(source: SourceText, override: Override | None) -> dict:
    """The document's date and correction/draft wording (extract/edition.py); the manifest's date and
    supersedes win."""
    edition = read_edition(source.lines, source.file_name)
    date, line = edition.date, edition.date_line
    if override is not None and override.date:
        date, line = override.date, None
    supersedes = "\n".join(override.supersedes) if override is not None and override.supersedes else None
    return {"edition_date": date, "edition_date_line": line, "edition_weight": edition.weight,
            "edition_note": edition.note, "supersedes": supersedes}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector waits while a document is read: reading makes tens of thousands of objects
    (lines, cells, rows) that live until the document is done, and each collection they trigger would walk them all
    again for nothing (about 6% of the extraction time, measured with bench/extract_throughput.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_source(source: SourceText, override: Override | None = None) -> ExtractionResult:
    with _collector_paused():
        return _extract_source(source, override)


def _extract_source(source: SourceText, override: Override | None) -> ExtractionResult:
    clear_caches()  # memoised names and header cells are per document: no document is read faster thanks to an
    forget_vocabulary()  # earlier one
    result = ExtractionResult(document_file=source.file_name)
    model = DocumentModel(source.lines)
    segments = _apply_override(split_segments(source, model), override)
    result.document = _document_row(source, segments, override)
    result.segments = segments
    for segment in segments:
        parsed = read_segment(source, model, segment)
        result.objectives += parsed.objectives
        result.readings += parsed.readings
        result.facts += parsed.facts
        result.components += parsed.components
        result.quarantined += parsed.quarantined
    link_across_segments(result.readings)
    _attach_objective_lines(result)
    for reading in result.readings:
        if reading.actual_unit is None and reading.actual_raw:
            reading.actual_unit = parse_measure(reading.actual_raw).unit
    set_aside_implausible(source, result)  # values no report prints go to the quarantine, whatever the layout
    result.content_sha256 = content_sha256(source, result.document)
    if source.source_format != "text":
        result.source_lines = [SourceLine(source.sha256, n, source.page_of(n), text)
                               for n, text in enumerate(source.lines, 1)]
    return result


def content_sha256(source: SourceText, document: Document) -> str:
    """What the document says, independent of its bytes: the decoded text (any encoding, any line endings) and
    what it was read as. Two files with the same text must not be loaded twice."""
    digest = hashlib.sha256(repr((document.n_lines, document.chamber_name, document.year,
                                  document.doc_kind)).encode())
    digest.update("\n".join(source.lines).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _attach_objective_lines(result: ExtractionResult) -> None:
    """Tie each reading to the printed objective it belongs to: the nearest one above it in the same segment
    with the same level, code (or, for uncoded objectives, title) and unit. Uncoded objectives can share a title
    ("Realizzazione progetti ..." under four strategic objectives), so their identity needs the line."""
    by_identity: dict[tuple, list[int]] = {}
    for obj in result.objectives:
        key = (obj.provenance.segment_index, obj.objective_level, obj.objective_code,
               obj.objective_title if obj.objective_code is None else None, obj.unit_name)
        by_identity.setdefault(key, []).append(obj.provenance.source_line)
    for lines in by_identity.values():
        lines.sort()  # once, then a bisection per reading
    for reading in result.readings:
        if reading.objective_line is not None:
            continue
        key = (reading.provenance.segment_index, reading.objective_level, reading.objective_code,
               reading.objective_title if reading.objective_code is None else None, reading.unit_name)
        lines = by_identity.get(key)
        if lines:
            above = bisect.bisect_right(lines, reading.provenance.source_line)  # lines[:above] are at or above
            reading.objective_line = lines[above - 1] if above else lines[0]


def file_kind(mode: int) -> str:
    """What a file is, in plain words, from its st_mode."""
    for test, kind in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named "
                       "pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return kind
    return "not a regular file"


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, never anything else: a FIFO or a device is refused without blocking
    (O_NONBLOCK, then fstat on what was opened), so a file swapped for a pipe after planning cannot hang a run.
    Raises OSError (strerror in plain words)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"not a regular file but {file_kind(mode)}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in chunks (a file over the size limit is hashed without being loaded)."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _file_warnings(source: SourceText, result: ExtractionResult) -> None:
    """What is odd about the file itself (e.g. cut in the middle of a character) becomes a quarantined block at the
    end of the document, so it is reported with the file name and kept in raw.quarantine."""
    if not source.warnings:
        return
    last = max(len(source.lines), 1)
    segment_index = result.segments[-1].segment_index if result.segments else 0
    prov = Provenance(source.sha256, source.file_name, last, segment_index, source.page_of(last))
    tail = "\n".join(source.lines[-5:])
    for warning in source.warnings:
        result.quarantined.append(Quarantined(prov, last, "file", warning, tail))


PDF_SIZE_FACTOR = 10  # a PDF holds fonts and drawings besides its text: it may be this many times the text limit


def extract_file(path: Path, override: Override | None = None, max_bytes: int | None = None,
                 cache_dir: Path | None = None) -> ExtractionResult:
    """Extract one file (text, or PDF by its content whatever its name); a file that cannot be read gives a result
    with `error` set, never an exception.

    A file larger than `max_bytes` (a PDF: PDF_SIZE_FACTOR times that) is rejected before it is read (parsers are
    written for reports of a few hundred kilobytes; a text of tens of megabytes is a concatenation or an export
    gone wrong). `cache_dir` keeps PDF conversions, so an unchanged PDF is converted once.
    """
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            pdf = is_pdf(fh.read(1024))
            limit = max_bytes * PDF_SIZE_FACTOR if max_bytes is not None and pdf else max_bytes
            if limit is not None and size > limit:
                kind = "PDF" if pdf else "file"
                return ExtractionResult(
                    document_file=path.name, file_sha256=file_sha256(path), file_size=size,
                    error=f"{kind} too large: {size / 1048576:.1f} MB, above the limit of {limit / 1048576:g} MB "
                          "for one document (CCPERF_MAX_DOCUMENT_MB); split it or raise the limit")
            fh.seek(0)
            data = fh.read()
    except OSError as exc:
        return ExtractionResult(document_file=path.name, error=f"cannot read file: {exc.strerror or exc}")
    sha, size = sha256_of(data), len(data)
    use_user_profiles(path.parent)  # <layout>.profile.toml beside the documents extend the packaged profiles
    notes: list[str] = []
    try:
        if pdf:
            if path.suffix.lower() != ".pdf":
                notes.append(f"the file is a PDF although named {path.suffix or 'without extension'}: read as PDF")
            source, pages = source_from_pdf(path.name, data, sha, cache_dir)
        else:
            if path.suffix.lower() == ".pdf":
                notes.append("the file is named .pdf but holds no PDF (no %PDF header): read as text")
            source, pages = source_from_bytes(path.name, data, sha), []
    except (DocumentError, PdfError) as exc:
        reason = exc.reason if not notes else f"{exc.reason} ({notes[0]})"
        return ExtractionResult(document_file=path.name, file_sha256=sha, file_size=size, error=reason)
    del data
    result = extract_source(source, override)
    result.pages, result.notes = pages, notes
    _file_warnings(source, result)
    _unread_pages(source, pages, result)
    result.file_sha256, result.file_size = sha, size
    return result


def _unread_pages(source: SourceText, pages: list[DocumentPage], result: ExtractionResult) -> None:
    """A PDF page that could not be read (a scan without OCR, a damaged page) is a quarantined block at its marker
    line; pages read by OCR are noted."""
    segment_of = [(s.line_start, s.segment_index) for s in result.segments]
    for page in pages:
        if page.method == "ocr":
            result.notes.append(f"page {page.page_no} read by OCR")
        if page.method != "unreadable" or page.first_line is None:
            continue
        segment = max((i for start, i in segment_of if start <= page.first_line), default=0)
        prov = Provenance(source.sha256, source.file_name, page.first_line, segment, page.page_no)
        result.quarantined.append(Quarantined(prov, page.last_line or page.first_line, "pdf",
                                              page.message or f"page {page.page_no} not read",
                                              source.line(page.first_line)))


def source_from_pdf(file_name: str, data: bytes, sha256: str, cache_dir: Path | None
                    ) -> tuple[SourceText, list[DocumentPage]]:
    """The converted text of a PDF as a SourceText (lines with their pages), and how each page was read."""
    converted = convert_cached(data, sha256, file_name, cache_dir)
    source = SourceText(file_name, sha256, len(data), "pdf", tuple(converted.lines), tuple(converted.warnings),
                        source_format="pdf", line_pages=tuple(converted.line_pages), n_pages=len(converted.pages),
                        converter=converted.converter)
    pages = [DocumentPage(sha256, p.number, p.method, p.first_line, p.last_line, p.message) for p in converted.pages]
    return source, pages
