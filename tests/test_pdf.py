"""PDF input: the bundled documents rendered to real PDFs (tests/pdf_render.py, reportlab) and read back.

Each document is rendered with ruled tables and with unruled ones; a third rendering turns two pages into images
(OCR). The readings recovered from each PDF are scored against the labelled sample (lines ignored: a PDF's text is
numbered its own way) and compared with the readings of the text original. Bad PDFs each get a clear message.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file
from ccperf.extract.linking import normalise_name
from ccperf.extract.pdf import convert as pdf_convert
from ccperf.extract.pdf.ocr import OCR_MISSING, OcrUnavailable, ocr_language
from ccperf.model import ExtractionResult
from ccperf.scoring import rows_of_readings, score
from tests import pdf_render_browser
from tests.conftest import RAW_DIR
from tests.extract.test_variants import _gold, _original
from tests.pdf_render import RENDERINGS, garble_text_layer, render, scanned_pages

DOCUMENTS = sorted(p.name for p in RAW_DIR.glob("*.txt"))
MIN_SHARE = 0.98
MIN_SHARE_OCR = 0.95
# Known limits, measured (docs/benchmarks.md), set just below what is read today to guard it against regressions.
# What is not read is quarantined or read by the generic reader, never dropped silently.
KNOWN_LIMITS: dict[tuple[str, str], float] = {}


def _min_share(name: str, rendering: str) -> float:
    return KNOWN_LIMITS.get((name, rendering), MIN_SHARE)


def _lines(name: str) -> list[str]:
    return (RAW_DIR / name).read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-cache")


@cache
def _rendered(folder: Path, name: str, rendering: str) -> Path:
    path = folder / rendering / f"{Path(name).stem}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(_lines(name), rendering))
    return path


@cache
def _extracted(path: Path, cache_dir: Path) -> ExtractionResult:
    return extract_file(path, cache_dir=cache_dir)


def _line_map(original: list[str], converted: list[str]) -> dict[int, int]:
    """Each line of the text original → the line of the PDF's converted text that prints it (1-based), by aligning
    their non-blank lines; a line wrapped or joined differently maps to the first line of its counterpart."""
    import difflib

    def norm(lines: list[str]) -> tuple[list[str], list[int]]:
        kept = [(" ".join(t.replace("\f", "").split()), n) for n, t in enumerate(lines, 1)]
        kept = [(t, n) for t, n in kept if t]
        return [t for t, _ in kept], [n for _, n in kept]

    a, a_lines = norm(original)
    b, b_lines = norm(converted)
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            j = j1 + (k - i1) if tag == "equal" else min(j1 + (k - i1) * max(j2 - j1, 1) // max(i2 - i1, 1),
                                                          max(j2 - 1, j1))
            if j < len(b_lines):
                mapping[a_lines[k]] = b_lines[j]
    return mapping


def _gold_on(name: str, result: ExtractionResult) -> list[dict]:
    """The labelled rows with their lines moved to the PDF's converted text."""
    mapping = _line_map(_lines(name), [line.text for line in result.source_lines])
    return [{**g, "line": mapping.get(g["line"], g["line"])} for g in _gold(name)]


def _found_share(result: ExtractionResult, original: ExtractionResult) -> tuple[float, list]:
    """Share of the original's readings found with the same chamber, name (start) and values."""

    def key(r):
        return r.chamber_name, normalise_name(r.indicator_name)[:40], r.target_value, r.actual_value

    want, got = Counter(map(key, original.readings)), Counter(map(key, result.readings))
    found = sum((want & got).values())
    return found / max(1, len(original.readings)), list((want - got).elements())[:5]


def _not_installed(tool: str, packages: str) -> None:
    """A Debian tool a test needs is missing: skipped here, a failure in CI (.ci/run installs it)."""
    if "CI" in os.environ:
        raise AssertionError(f"{tool} is missing: .ci/run installs {packages}")
    pytest.skip(f"{tool} is not installed (apt-get install {packages}; .ci/run does it)")


def _needs_ocr() -> None:
    try:
        ocr_language()
    except OcrUnavailable:
        _not_installed("Tesseract", "tesseract-ocr tesseract-ocr-ita")


# -------------------------------------------------------------------------------------------- the renderings
@pytest.mark.slow
@pytest.mark.parametrize("rendering", RENDERINGS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_rendered_pdf_scores_on_the_labelled_sample(pdf_dir: Path, pdf_cache: Path, name: str,
                                                      rendering: str) -> None:
    result = _extracted(_rendered(pdf_dir, name, rendering), pdf_cache)
    assert result.error is None and result.document is not None
    assert result.document.source_format == "pdf" and result.document.n_pages and result.document.n_pages > 1
    scored = score(_gold_on(name, result), rows_of_readings(result.readings, name))
    assert scored.recall >= _min_share(name, rendering), scored.report(details=8)
    assert scored.numeric_accuracy >= MIN_SHARE, scored.report(details=8)


@pytest.mark.slow
@pytest.mark.parametrize("rendering", RENDERINGS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_rendered_pdf_gives_the_readings_of_the_text_original(pdf_dir: Path, pdf_cache: Path, name: str,
                                                                 rendering: str) -> None:
    result = _extracted(_rendered(pdf_dir, name, rendering), pdf_cache)
    share, missing = _found_share(result, _original(name))
    assert share >= _min_share(name, rendering), f"{share:.3f} of the text original's readings; missing e.g. {missing}"
    assert len(result.readings) <= len(_original(name).readings) * (2 - MIN_SHARE)
    # provenance is clickable: each reading's line of the converted text is on its page and names it
    lines = {line.line_no: line for line in result.source_lines}
    for reading in result.readings[:50]:
        line = lines[reading.provenance.source_line]
        assert reading.provenance.source_page == line.page_no
    assert [p.page_no for p in result.pages] == list(range(1, result.document.n_pages + 1))
    assert all(p.method in ("text", "blank") for p in result.pages)


# ------------------------------------------------------------------ another writer: Chromium's print to PDF
BROWSER_RENDERINGS = ("browser-ruled", "browser-unruled")
# Document 001 printed by Chromium without rules (share of the text original's readings 0.964, recall on the
# labelled rows 0.987): rows cut by a page break have nothing to join their two parts by without rules, and the
# rows after such a part lose their table; rows whose header is on the previous page are not read.
KNOWN_LIMITS[("001_454f49c59e8c1ba9.txt", "browser-unruled")] = 0.95


@cache
def _printed(folder: Path, name: str, rendering: str) -> Path:
    path = folder / rendering / f"{Path(name).stem}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    return pdf_render_browser.render(_lines(name), path, rendering.removeprefix("browser-"))


@pytest.mark.slow
@pytest.mark.parametrize("rendering", BROWSER_RENDERINGS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_pdf_printed_by_a_browser_reads_like_the_text_original(pdf_dir: Path, pdf_cache: Path, name: str,
                                                                  rendering: str) -> None:
    """Another writer's PDF (other font, paragraph spacing, borders as filled rectangles, rows cut by page breaks
    and continued on the next page): the same readings as the text original and as the labelled sample."""
    if pdf_render_browser.chromium() is None:
        _not_installed("chromium", "chromium")
    result = _extracted(_printed(pdf_dir, name, rendering), pdf_cache)
    assert result.error is None and result.document is not None and result.document.source_format == "pdf"
    share, missing = _found_share(result, _original(name))
    assert share >= _min_share(name, rendering), f"{share:.3f} of the text original's readings; missing e.g. {missing}"
    scored = score(_gold_on(name, result), rows_of_readings(result.readings, name))
    assert scored.recall >= _min_share(name, rendering), scored.report(details=8)
    assert scored.numeric_accuracy >= MIN_SHARE, scored.report(details=8)


# ------------------------------------------------- another converter's text: poppler's pdftotext -layout
# Known limit: pdftotext prints document 001's tables (Pavia's narrow columns) with every cell wrapped over several
# lines and its objective headings as plain lines; the rows are joined back (tests/extract/test_document_model.py),
# but the headings make detection pick the layout of flattened text (wrapped_cells), which does not read aligned
# rows: most readings are lost, and some names and targets are cut at their first line. Its PDF itself is read by
# ccperf's converter (see above).
_WRAPPED_ROWS = pytest.mark.xfail(strict=True, reason="document 001 converted by pdftotext -layout is read by the "
                                                      "wrong layout parser (a known limit)")


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=_WRAPPED_ROWS) if n == "001_454f49c59e8c1ba9.txt" else n
                                  for n in DOCUMENTS])
def test_a_text_converted_by_pdftotext_layout_reads_like_the_original(pdf_dir: Path, tmp_path: Path,
                                                                       name: str) -> None:
    """The document rendered to PDF, then converted to text by another tool that keeps each page's geometry
    (`pdftotext -layout`: every line after the page's left margin, the running title at the edge, columns as
    spaces): the readings of the text original."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        _not_installed("pdftotext", "poppler-utils")
    text = tmp_path / f"{Path(name).stem}.txt"
    subprocess.run([pdftotext, "-layout", str(_rendered(pdf_dir, name, "ruled")), str(text)], check=True)
    result = extract_file(text)
    assert result.error is None and result.document is not None and result.document.source_format == "text"
    share, missing = _found_share(result, _original(name))
    assert share >= MIN_SHARE, f"{share:.3f} of the text original's readings; missing e.g. {missing}"
    assert len(result.readings) <= len(_original(name).readings) * (2 - MIN_SHARE)


@pytest.mark.slow
def test_a_table_row_cut_by_a_page_break_is_one_row(tmp_path: Path) -> None:
    """A ruled row too tall for what is left of its page goes on on the next one (its sides drawn to the page's
    end, no rule across): it is read as one row, on the line where it starts, its two parts joined cell by cell."""
    if pdf_render_browser.chromium() is None:
        _not_installed("chromium", "chromium")
    long_name = "Secondo indicatore " + " ".join(f"parola{i}" for i in range(900)) + " FINE"
    lines = [f"Paragrafo {i} del testo che precede la tabella." for i in range(50)]
    lines += ["Indicatore\tTarget\tConsuntivo", "Primo indicatore\t≥ 10\t12", f"{long_name}\t≥ 5\t7 FINE",
              "Terzo indicatore\t≤ 3\t2"]
    pdf = pdf_render_browser.render(lines, tmp_path / "cut.pdf", "ruled")
    converted = pdf_convert.convert_pdf(pdf.read_bytes(), pdf.name)
    assert len(converted.pages) >= 2
    rows = [line.lstrip("\f") for line in converted.lines if "\t" in line]
    second = [row for row in rows if "parola" in row]
    assert len(second) == 1, second  # not two rows, one per page
    name, target, actual = second[0].split("\t")
    assert name.startswith("Secondo indicatore parola0 ") and name.endswith(" parola899 FINE")
    assert (target, actual) == ("≥ 5", "7 FINE")
    assert rows[rows.index(second[0]) + 1] == "Terzo indicatore\t≤ 3\t2"
    line_no = converted.lines.index(next(line for line in converted.lines if "parola0" in line)) + 1
    assert converted.line_pages[line_no - 1] < converted.line_pages[-1]  # on the page where the row starts


@pytest.mark.slow
def test_scanned_pages_are_read_by_ocr_and_flagged(pdf_dir: Path, pdf_cache: Path) -> None:
    _needs_ocr()
    name = "001_454f49c59e8c1ba9.txt"
    ruled = _rendered(pdf_dir, name, "ruled")
    text_pages = _extracted(ruled, pdf_cache)
    gold = _gold(name)
    # the two pages holding the most labelled readings of the text rendering become images
    per_page = Counter(r.provenance.source_page for r in text_pages.readings
                       if any(normalise_name(g["indicator_name"])[:30] == normalise_name(r.indicator_name)[:30]
                              for g in gold))
    pages = sorted(p for p, _ in per_page.most_common(2))
    scan = pdf_dir / "scanned-001.pdf"
    scan.write_bytes(scanned_pages(ruled.read_bytes(), pages))
    result = _extracted(scan, pdf_cache)
    assert [p.page_no for p in result.pages if p.method == "ocr"] == pages
    assert "tesseract" in (result.document.converter or "")
    on_scans = [r for r in result.readings if r.provenance.source_page in pages]
    assert on_scans, "nothing read from the scanned pages"
    # the labelled readings printed on the scanned pages: their lines moved onto the text rendering's pages
    page_of = {line.line_no: line.page_no for line in text_pages.source_lines}
    gold_on_pages = [g for g in _gold_on(name, text_pages) if page_of.get(g["line"]) in pages]
    assert len(gold_on_pages) >= 5
    # matched without line numbers (as the customer's scorer does for a document read from PDF): OCR's lines
    # differ from the text layer's ("≥" read as "=>"), so the labelled lines cannot be moved onto them
    scored = score(gold_on_pages, rows_of_readings(on_scans, name), ignore_lines=True)
    assert scored.recall >= MIN_SHARE_OCR, scored.report(details=8)
    assert scored.numeric_accuracy >= MIN_SHARE_OCR, scored.report(details=8)
    # the rest of the document is read as before
    assert _found_share(result, text_pages)[0] >= 0.95


# -------------------------------------------------------------------------------------------- faults
def _small_pdf(lines: int = 160) -> bytes:
    return render(_lines("000_b94ecf89defcc372.txt")[:lines])


def test_without_tesseract_a_scanned_page_is_quarantined_and_the_rest_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise OcrUnavailable(OCR_MISSING)

    monkeypatch.setattr(pdf_convert, "ocr_language", missing)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scanned_pages(_small_pdf(300), [2]))
    result = extract_file(pdf)
    assert result.error is None
    unread = [p for p in result.pages if p.method == "unreadable"]
    assert [p.page_no for p in unread] == [2]
    (block,) = [q for q in result.quarantined if q.layout == "pdf"]
    assert block.reason == "scanned page 2: OCR not available (apt-get install tesseract-ocr tesseract-ocr-ita)"
    assert block.provenance.source_page == 2
    assert [p.method for p in result.pages if p.page_no != 2] == ["text"] * (len(result.pages) - 1)
    assert any("Obiettivo" in line.text or "Ob." in line.text for line in result.source_lines if line.page_no != 2)


@pytest.mark.slow
def test_a_page_whose_fonts_have_no_unicode_map_is_read_by_ocr(tmp_path: Path) -> None:
    _needs_ocr()
    pdf = tmp_path / "garbled.pdf"
    pdf.write_bytes(garble_text_layer(_small_pdf(60)))
    result = extract_file(pdf)
    assert result.error is None
    assert {p.method for p in result.pages} == {"ocr"}
    assert all("no Unicode map" in (p.message or "") for p in result.pages)
    text = " ".join(line.text for line in result.source_lines)
    assert "Premessa istituzionale" in text and "\ue000" not in text


def _encrypted() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("segreta", ownerPassword="proprietario"))
    page.drawString(72, 720, "Relazione sulla Performance 2024")
    page.showPage()
    page.save()
    return out.getvalue()


def _no_pages() -> bytes:
    import pypdfium2 as pdfium

    out = io.BytesIO()
    pdfium.PdfDocument.new().save(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("encrypted.pdf", _encrypted, "encrypted PDF: it needs a password to be opened"),
    ("truncated.pdf", lambda: _small_pdf()[: len(_small_pdf()) // 2], "corrupt or truncated PDF, cannot be opened"),
    ("corrupt.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 30, "corrupt or truncated PDF, cannot be opened"),
    ("empty.pdf", _no_pages, "PDF with no pages"),
])
def test_a_bad_pdf_is_rejected_with_the_reason(tmp_path: Path, name: str, make, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    result = extract_file(path)
    assert result.error is not None and result.error.startswith(reason), result.error
    assert result.document is None and result.file_sha256


def test_a_pdf_named_txt_and_a_text_named_pdf_are_read_for_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "relazione.txt").write_bytes(_small_pdf())
    (tmp_path / "relazione-testo.pdf").write_bytes((RAW_DIR / "000_b94ecf89defcc372.txt").read_bytes())
    as_pdf = extract_file(tmp_path / "relazione.txt")
    assert as_pdf.error is None and as_pdf.document.source_format == "pdf"
    assert as_pdf.notes == ["the file is a PDF although named .txt: read as PDF"]
    as_text = extract_file(tmp_path / "relazione-testo.pdf")
    assert as_text.error is None and as_text.document.source_format == "text"
    assert as_text.notes == ["the file is named .pdf but holds no PDF (no %PDF header): read as text"]
    assert len(as_text.readings) == 46


def test_a_pdf_is_converted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "once.pdf"
    pdf.write_bytes(_small_pdf())
    first = extract_file(pdf, cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.json.gz"))) == 1

    def never(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(pdf_convert, "convert_pdf", never)
    again = extract_file(pdf, cache_dir=tmp_path / "cache")
    assert [r.actual_value for r in again.readings] == [r.actual_value for r in first.readings]
    assert [line.text for line in again.source_lines] == [line.text for line in first.source_lines]


_THOUSAND_PAGES = """
import io, json, logging, resource, sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from ccperf.extract.pdf.convert import convert_pdf
buf = io.BytesIO()
page = canvas.Canvas(buf, pagesize=A4)
for n in range(1, 1001):
    page.drawString(72, 800, f"Relazione sulla Performance 2024 - pagina {n}")
    for row in range(12):
        y = 700 - row * 20
        page.drawString(72, y, f"Indicatore {n}.{row}")
        page.drawString(300, y, f">= {row},00 %")
        page.drawString(420, y, f"{row + 1},50 %")
    page.showPage()
page.save()
data = buf.getvalue()
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s", stream=sys.stderr)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
converted = convert_pdf(data, "thousand.pdf")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"pages": len(converted.pages), "lines": len(converted.lines), "grown_kb": after - before,
                  "peak_kb": after}))
"""


@pytest.mark.slow
def test_a_thousand_page_pdf_converts_in_bounded_memory_with_progress() -> None:
    proc = subprocess.run([sys.executable, "-c", _THOUSAND_PAGES], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["pages"] == 1000 and figures["lines"] >= 13_000
    assert figures["grown_kb"] < 400 * 1024, figures  # the pages are freed as they are read
    progress = [line for line in proc.stderr.splitlines() if line.startswith("ccperf.pdf thousand.pdf:")]
    assert progress[0].endswith("100 of 1000 pages converted") and len(progress) == 10
    logging.getLogger(__name__).info("1000 pages: %s", figures)
