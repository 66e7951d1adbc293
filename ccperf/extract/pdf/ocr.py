"""OCR of a page without a usable text layer (a scan, or fonts without a Unicode map): Tesseract through pytesseract.

The page is rendered at 300 dpi and read in Italian; the words come back with their boxes, in PDF points, so the
same layout rules as for a text layer apply (lines, unruled tables, wrapped paragraphs).
"""

from __future__ import annotations

import shutil
from functools import cache

from ccperf.extract.pdf.grid import Grid, find_grids
from ccperf.extract.pdf.layout import Block, Word, blocks_of, group_lines, reflow

OCR_DPI = 300
OCR_MISSING = "OCR not available (apt-get install tesseract-ocr tesseract-ocr-ita)"
_MIN_CONFIDENCE = 20  # tesseract's word confidence (0-100) below which a box is noise (grid lines, specks)


class OcrUnavailable(RuntimeError):
    pass


@cache
def ocr_language() -> str:
    """'ita' when Tesseract and its Italian data are installed; raises OcrUnavailable otherwise."""
    if shutil.which("tesseract") is None:
        raise OcrUnavailable(OCR_MISSING)
    import pytesseract

    try:
        languages = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # pytesseract wraps every failure of the binary
        raise OcrUnavailable(f"{OCR_MISSING}: {exc}") from exc
    if "ita" not in languages:
        raise OcrUnavailable(OCR_MISSING + ": the Italian data (tesseract-ocr-ita) is missing")
    return "ita"


def tesseract_version() -> str | None:
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:
        return None


def ocr_blocks(page) -> list[Block]:
    """The blocks of a pdfplumber page read by Tesseract: ruled tables from the lines in the image (the words put
    in their cells), the other words by their positions, everything in PDF points."""
    import pytesseract
    from PIL import Image

    language = ocr_language()
    image = page.to_image(resolution=OCR_DPI).original
    grids, cleaned = find_grids(image)
    scale = 72.0 / OCR_DPI
    data = pytesseract.image_to_data(Image.fromarray(cleaned), lang=language, config="--psm 4",
                                     output_type=pytesseract.Output.DICT)
    free: list[Word] = []
    cells: dict[int, dict[tuple[int, int], list[Word]]] = {i: {} for i in range(len(grids))}
    for text, conf, left, top, width, height in zip(data["text"], data["conf"], data["left"], data["top"],
                                                     data["width"], data["height"], strict=True):
        text = (text or "").strip()
        if not text or float(conf) < _MIN_CONFIDENCE or set(text) <= set("|_—-=~"):
            continue
        # a word box is about a glyph's height; a font size is a little more
        word = Word(text, left * scale, (left + width) * scale, top * scale, (top + height) * scale,
                    height * scale * 1.15)
        cx, cy = left + width / 2, top + height / 2
        placed = next(((g, cell) for g, grid in enumerate(grids) if (cell := grid.cell_of(cx, cy)) is not None), None)
        if placed is None:
            free.append(word)
        else:
            cells[placed[0]].setdefault(placed[1], []).append(word)
    blocks = blocks_of(group_lines(free))
    for g, grid in enumerate(grids):
        if cells[g]:
            blocks.append(_grid_block(grid, cells[g], scale))
    return reflow(sorted(blocks, key=lambda b: b.top), page.width)


def _grid_block(grid: Grid, cells: dict[tuple[int, int], list[Word]], scale: float) -> Block:
    """A ruled table's rows: each cell's words in reading order, one text per cell."""
    n = max(len(c) - 1 for c in grid.cuts)
    rows = []
    for i in range(len(grid.rows)):
        row = []
        for j in range(max(n, 1)):
            words = cells.get((i, j), [])
            row.append(" ".join(" ".join(w.text for w in line.words) for line in group_lines(words)))
        rows.append(row)
    sizes = [w.size for ws in cells.values() for w in ws]
    return Block(grid.rows[0][0] * scale, grid.rows[-1][1] * scale, rows=rows, x0=grid.left * scale,
                 x1=grid.right * scale, size=min(sizes) if sizes else 8.0)
