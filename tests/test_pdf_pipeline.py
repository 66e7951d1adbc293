"""The whole pipeline on PDFs: a report with a scanned page, a PDF named .txt and an encrypted PDF, side by side.

What an analyst sees after the run: the documents' format, pages and converter in dim_document, each reading's page
and whether OCR read it, the scanned page in the review queue, the encrypted file rejected with its reason, the
summary naming pages and OCR; and a second run converting nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ccperf.config import Settings
from ccperf.extract.extractor import extract_file
from ccperf.review import review_items
from tests.conftest import RAW_DIR
from tests.pdf_render import render, scanned_pages
from tests.pipeline_helpers import query, run_flow
from tests.test_pdf import _encrypted, _lines, _needs_ocr

CREMONA_2020 = "000_b94ecf89defcc372.txt"
BRESCIA = "003_a0c237837c23239d.txt"


@pytest.mark.slow
def test_a_run_on_pdfs(tmp_path: Path) -> None:
    _needs_ocr()
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    cremona = render(_lines(CREMONA_2020), "ruled")
    (tmp_path / "cremona-text.pdf").write_bytes(cremona)
    as_text = extract_file(tmp_path / "cremona-text.pdf")
    scanned_page = Counter(r.provenance.source_page for r in as_text.readings).most_common(1)[0][0]
    (raw / "cremona-2020.pdf").write_bytes(scanned_pages(cremona, [scanned_page]))
    (raw / "brescia-piano.txt").write_bytes(render(_lines(BRESCIA), "unruled"))  # a PDF, misnamed
    (raw / "riservato.pdf").write_bytes(_encrypted())

    summary = run_flow(tmp_path / "data")
    assert summary.status == "succeeded", summary.message
    outcome = {d.document_file: d for d in summary.documents}
    n_pages = len(as_text.pages)
    assert outcome["cremona-2020.pdf"].status == "extracted"
    assert outcome["cremona-2020.pdf"].message.endswith(f"; PDF, {n_pages} pages (1 by OCR)")
    assert outcome["brescia-piano.txt"].status == "extracted"
    assert outcome["riservato.pdf"].status == "rejected"
    assert "encrypted PDF: it needs a password to be opened" in outcome["riservato.pdf"].message

    db = Settings(data_dir=tmp_path / "data").serving_db
    docs = {row[0]: row[1:] for row in query(db, "select document_file, chamber_name, year, source_format, n_pages, "
                                                 "n_pages_ocr, n_pages_unread, converter from marts.dim_document")}
    assert set(docs) == {"cremona-2020.pdf", "brescia-piano.txt"}
    chamber, year, fmt, pages, ocr, unread, converter = docs["cremona-2020.pdf"]
    assert (chamber, year, fmt, pages, ocr, unread) == ("Cremona", 2020, "pdf", n_pages, 1, 0)
    assert "pdfplumber" in converter and "tesseract" in converter
    brescia = extract_file(RAW_DIR / BRESCIA).document
    assert docs["brescia-piano.txt"][:3] == (brescia.chamber_name, brescia.year, "pdf")
    assert docs["brescia-piano.txt"][3] > 50

    # every reading names its page; those of the scanned page, and only those, are flagged
    readings = query(db, "select source_page, is_from_ocr from marts.fact_indicator_reading "
                         "where document_file = 'cremona-2020.pdf'")
    assert len(readings) >= 0.95 * len(as_text.readings)
    assert all(page is not None for page, _ in readings)
    assert {page for page, ocr in readings if ocr} == {scanned_page}
    assert all(ocr == (page == scanned_page) for page, ocr in readings)
    assert query(db, "select count(*) from marts.fact_indicator_reading where document_file = 'brescia-piano.txt'"
                 )[0][0] == 43

    con = duckdb.connect(str(db), read_only=True)
    try:
        items = review_items(con)
    finally:
        con.close()
    ocr_items = [i for i in items if i.kind == "ocr_page"]
    assert [(i.document_file, i.what.split(":")[0]) for i in ocr_items] == [
        ("cremona-2020.pdf", f"page {scanned_page} read by OCR")]
    assert any(i.kind == "file" and i.document_file == "riservato.pdf" for i in items)

    # the second run converts nothing: the conversions are cached by content and converter version
    cache = Settings(data_dir=tmp_path / "data").pdf_cache_dir
    cached = {p: p.stat().st_mtime_ns for p in cache.glob("*.json.gz")}
    assert len(cached) == 2
    again = run_flow(tmp_path / "data")
    assert again.status == "unchanged", again.message
    assert {p: p.stat().st_mtime_ns for p in cache.glob("*.json.gz")} == cached
