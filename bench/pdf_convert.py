"""PDF conversion, timed as whole processes against its floor (numbers in docs/benchmarks.md).

    .venv/bin/python bench/pdf_convert.py render OUT_DIR        # the bundled documents as PDFs (ruled, unruled)
    .venv/bin/python bench/pdf_convert.py convert PDF...        # ccperf's conversion, no cache: lines, tables, reflow
    .venv/bin/python bench/pdf_convert.py floor PDF...          # pdfplumber's words of every page, nothing else
    .venv/bin/python bench/pdf_convert.py text PDF...           # pypdfium2's plain text of every page (no positions)
    .venv/bin/python bench/pdf_convert.py ocr PDF [PAGE...]     # seconds per page read by Tesseract (3 passes)

`convert` is what a run does to a PDF it has not seen; `floor` is the least any positional reading of the same pages
costs with the same library (opening the file, parsing every page's characters into words); `text` is the fastest
text-only extraction there is here (PDFium's, in C), which knows no columns or tables. Time the two as a pair
(A B A B ..., the ratio run by run) with any process timer, e.g. `/usr/bin/time -v`, or hyperfine:
`hyperfine 'python bench/pdf_convert.py convert X.pdf' 'python bench/pdf_convert.py floor X.pdf'`.
Both print pages and lines, so a run that read nothing is visible.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def render(out_dir: Path) -> None:
    from tests.pdf_render import RENDERINGS
    from tests.pdf_render import render as render_pdf

    for rendering in RENDERINGS:
        (out_dir / rendering).mkdir(parents=True, exist_ok=True)
        for text in sorted((ROOT / "data" / "raw").glob("*.txt")):
            pdf = out_dir / rendering / f"{text.stem}.pdf"
            pdf.write_bytes(render_pdf(text.read_text(encoding="utf-8").split("\n"), rendering))
            print(pdf)


def convert(paths: list[Path]) -> None:
    from ccperf.extract.pdf.convert import convert_pdf

    for path in paths:
        converted = convert_pdf(path.read_bytes(), path.name)
        print(f"{path.name}: {len(converted.pages)} pages, {len(converted.lines)} lines")


def floor(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            words = sum(len(page.extract_words()) for page in pdf.pages)
            print(f"{path.name}: {len(pdf.pages)} pages, {words} words")


def text(paths: list[Path]) -> None:
    import pypdfium2 as pdfium

    for path in paths:
        pdf = pdfium.PdfDocument(path)
        chars = sum(len(page.get_textpage().get_text_range()) for page in pdf)
        print(f"{path.name}: {len(pdf)} pages, {chars} characters")


def ocr(path: Path, pages: list[int]) -> None:
    """Tesseract's time per page (rendering at OCR_DPI, grid detection, recognition), median of 3 passes over the
    pages given, or over every page without a text layer."""
    import statistics
    import time

    import pdfplumber

    from ccperf.extract.pdf.ocr import OCR_DPI, ocr_blocks

    with pdfplumber.open(path) as pdf:
        chosen = [p for p in pdf.pages if (p.page_number in pages if pages else not p.chars)]
        seconds = []
        for _ in range(3):
            for page in chosen:
                start = time.perf_counter()
                blocks = ocr_blocks(page)
                seconds.append(time.perf_counter() - start)
                print(f"page {page.page_number}: {len(blocks)} blocks in {seconds[-1]:.2f} s", file=sys.stderr)
    print(f"{path.name}: {len(chosen)} pages at {OCR_DPI} dpi, {statistics.median(seconds):.2f} s a page (median; "
          f"min {min(seconds):.2f}, max {max(seconds):.2f})")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "render":
        render(Path(args[0]))
    elif command == "ocr":
        ocr(Path(args[0]), [int(a) for a in args[1:]])
    else:
        {"convert": convert, "floor": floor, "text": text}[command]([Path(a) for a in args])
