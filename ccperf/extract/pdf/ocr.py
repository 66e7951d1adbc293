"""OCR of a page without a usable text layer (a scan, or fonts without a Unicode map): Tesseract through pytesseract.

The page is rendered at 300 dpi and read in Italian; the words come back with their boxes, in PDF points, so the
same layout rules as for a text layer apply (lines, unruled tables, wrapped paragraphs).
"""

from __future__ import annotations

import shutil
from functools import cache

from ccperf.extract.pdf.layout import Word

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


def ocr_words(page) -> list[Word]:
    """The words of a pdfplumber page read by Tesseract, positioned in PDF points."""
    import pytesseract

    language = ocr_language()
    image = page.to_image(resolution=OCR_DPI).original
    scale = 72.0 / OCR_DPI
    data = pytesseract.image_to_data(image, lang=language, config="--psm 4",
                                     output_type=pytesseract.Output.DICT)
    words = []
    for text, conf, left, top, width, height in zip(data["text"], data["conf"], data["left"], data["top"],
                                                     data["width"], data["height"], strict=True):
        text = (text or "").strip()
        if not text or float(conf) < _MIN_CONFIDENCE or set(text) <= set("|_—-=~"):
            continue
        x0, y0 = left * scale, top * scale
        size = height * scale * 1.15  # a word box is about a glyph's height; a font size is a little more
        words.append(Word(text, x0, x0 + width * scale, y0, y0 + height * scale, size))
    return words
