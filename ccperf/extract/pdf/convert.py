"""A PDF file → the text lines the parsers read, with the page of every line (pdfplumber; Tesseract for scans).

Each page becomes lines in reading order: paragraphs (wrapped lines joined), ruled tables from pdfplumber's table
finder and unruled ones from word positions, one line per table row with its cells joined by tabs. A page starts
with a form feed, so the document model sees its header and footer as page furniture. A page without a usable text
layer (no characters, or characters that are mostly not words: fonts without a Unicode map) is read by OCR; when
OCR is not installed it becomes one marker line, quarantined with the reason, and the other pages are still read.

The conversion of a file is cached by its sha256 and CONVERTER_VERSION: an unchanged PDF is never converted twice.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ccperf.extract.pdf.layout import Block, Word, blocks_of, group_lines, join_rows, lines_of_blocks, reflow, row_line
from ccperf.extract.pdf.ocr import OcrUnavailable, ocr_blocks, ocr_language, tesseract_version

CONVERTER_VERSION = "23"  # bump when the conversion rules change: cached conversions are then redone
_LOG = logging.getLogger("ccperf.pdf")
_TOKEN = re.compile(r"\S+")
_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
_VOWEL = re.compile(r"[aeiouàèéìòùAEIOUÀÈÉÌÒÙ]")
_ODD = re.compile(r"[^\w’'.,;:()%€\-/+*=<>≥≤°\"“”«»&!?\[\]]")


class PdfError(Exception):
    """A PDF that cannot be read at all; `reason` says why in plain words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class PageInfo:
    number: int  # 1-based
    method: str  # text | ocr | blank | unreadable
    first_line: int | None = None  # 1-based lines of the converted text
    last_line: int | None = None
    message: str | None = None


@dataclass
class ConvertedPdf:
    lines: list[str]
    line_pages: list[int]  # the page of each line
    pages: list[PageInfo]
    converter: str
    warnings: list[str] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, page, reason) not read

    @property
    def ocr_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.method == "ocr"]


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def converter_name() -> str:
    import pdfplumber

    return f"pdfplumber {pdfplumber.__version__} (ccperf pdf {CONVERTER_VERSION})"


def _garbled(text: str) -> bool:
    """Text that is mostly not words: glyph codes "(cid:12)", private-use or unassigned characters (a font without a
    Unicode map), or letters in no readable order."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    odd = sum(1 for c in chars if unicodedata.category(c) in ("Co", "Cn", "Cc", "Cs"))
    if odd > 0.2 * len(chars) or text.count("(cid:") * 6 > 0.2 * len(chars):
        return True
    alpha = [t for t in _TOKEN.findall(text) if _LETTER.search(t)]
    if len(alpha) < 10:
        return False
    wordlike = sum(1 for t in alpha if _VOWEL.search(t) and not _ODD.search(t))
    return wordlike < 0.5 * len(alpha)


_SNAP = 2.0  # points: edges this close meet


def _touches(y: float, x: float, horizontals: list[dict]) -> bool:
    return any(abs(h["top"] - y) <= _SNAP and h["x0"] - _SNAP <= x <= h["x1"] + _SNAP for h in horizontals)


def _open_row_lines(page) -> list[dict]:
    """Lines that close a ruled table's row cut by the page: the writer draws the cell sides of a row that goes on
    on the next page down to the page's end (or, on the next page, from its top) with no rule across, and the
    table finder only sees closed cells. Where two or more sides that start (or end) on a rule of the table end
    (or start) at the same height with no rule there, a rule is supplied across them."""
    edges = page.edges
    # a rule drawn as a thin filled rectangle has edges across its own width too: those are not rules
    horizontals = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 2 * _SNAP]
    ends: dict[int, list[float]] = {}
    for v in (e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 3):
        for end, other in ((v["bottom"], v["top"]), (v["top"], v["bottom"])):
            if _touches(other, v["x0"], horizontals) and not _touches(end, v["x0"], horizontals):
                ends.setdefault(round(end / _SNAP), []).append(v["x0"])
    return [{"object_type": "line", "x0": min(xs), "x1": max(xs), "top": key * _SNAP, "bottom": key * _SNAP,
             "width": max(xs) - min(xs), "height": 0.0}
            for key, xs in ends.items() if len(xs) >= 2]


@dataclass
class _CutRow:
    """A ruled table's row cut by a page break: the line of its first part (the page's last row), of its second
    (the next page's first row)."""

    continues: str | None = None
    cut: str | None = None


def _cut_rows(tables: list[tuple[tuple[float, ...], list[list]]], closing: list[dict]) -> _CutRow:
    """Which of a page's tables (bbox, rows) begins or ends on a rule supplied by `_open_row_lines`."""
    supplied = [line["top"] for line in closing]

    def at(y: float) -> bool:
        return any(abs(y - s) <= _SNAP for s in supplied)

    found = _CutRow()
    if tables and supplied:
        first_box, first_rows = min(tables, key=lambda t: t[0][1])
        last_box, last_rows = max(tables, key=lambda t: t[0][3])
        if at(first_box[1]) and first_rows:
            found.continues = row_line(first_rows[0])
        if at(last_box[3]) and last_rows:
            found.cut = row_line(last_rows[-1])
    return found


def _text_layer_lines(page) -> tuple[list[str], _CutRow]:
    """Lines of a page with a usable text layer: ruled tables by the table finder, the rest by word positions."""
    closing = _open_row_lines(page)
    tables = page.find_tables({"explicit_horizontal_lines": closing} if closing else None)
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w.get("size") or w["bottom"] - w["top"])
             for w in rest.extract_words(extra_attrs=["size"], use_text_flow=False)]
    blocks = blocks_of(group_lines(words))
    read = [(table.bbox, [[c or "" for c in row] for row in table.extract()]) for table in tables]
    for (x0, top, x1, bottom), rows in read:
        size = min((c["size"] for c in page.crop((x0, top, x1, bottom)).chars), default=8.0)
        blocks.append(Block(top, bottom, rows=rows, x0=x0, x1=x1, size=size))
    return lines_of_blocks(reflow(sorted(blocks, key=lambda b: b.top), page.width)), _cut_rows(read, closing)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _clean_lines(lines: list[str]) -> list[str]:
    """Glyphs without a character (a bullet from a symbol font comes back as NUL) are dropped."""
    return [_CONTROL.sub("", line) if _CONTROL.search(line) else line for line in lines]


def _ocr_lines(page) -> list[str]:
    return lines_of_blocks(ocr_blocks(page))


def _read_page(page, number: int) -> tuple[list[str], PageInfo, _CutRow]:
    text = page.extract_text() or ""
    if text.strip() and not _garbled(text):
        lines, cut = _text_layer_lines(page)
        return _clean_lines(lines), PageInfo(number, "text"), cut
    has_image = bool(page.images) or bool(page.rects or page.curves)
    if not text.strip() and not has_image:
        return [], PageInfo(number, "blank"), _CutRow()
    why = f"scanned page {number}" if not text.strip() else \
        f"page {number} (its text has no Unicode map: garbled characters)"
    try:
        ocr_language()
    except OcrUnavailable as exc:
        return [], PageInfo(number, "unreadable", message=f"{why}: {exc}"), _CutRow()
    return (_clean_lines(_ocr_lines(page)), PageInfo(number, "ocr", message=f"{why}: read by OCR (Tesseract)"),
            _CutRow())


def convert_pdf(data: bytes, file_name: str, progress: Callable[[int, int], None] | None = None) -> ConvertedPdf:
    """Convert a PDF's bytes; raises PdfError when the file cannot be opened as a PDF at all."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many kinds of errors for damaged files (pdfplumber wraps them)
        if isinstance(exc, PDFPasswordIncorrect) or isinstance(exc.__cause__, PDFPasswordIncorrect) or \
                b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
            raise PdfError("encrypted PDF: it needs a password to be opened; save an unprotected copy") from exc
        detail = f"{type(exc).__name__}: {exc}".rstrip(": ")
        raise PdfError(f"corrupt or truncated PDF, cannot be opened ({detail})") from exc
    out = ConvertedPdf([], [], [], converter_name())
    if data.rstrip()[-5:] != b"%%EOF":
        out.warnings.append("the PDF does not end with %%EOF: it is probably truncated; the pages that could be "
                            "read are kept")
    with pdf:
        if n_pages == 0:
            raise PdfError("PDF with no pages")
        open_row: int | None = None  # the line of a table row the last page cut
        for index in range(n_pages):
            open_row = _convert_page(pdf, index, out, open_row)
            if progress:
                progress(index + 1, n_pages)
            if (index + 1) % 100 == 0:
                _LOG.info("%s: %d of %d pages converted", file_name, index + 1, n_pages)
    if out.ocr_pages:
        out.converter += f" + tesseract {tesseract_version() or '?'}"
    return out


def _convert_page(pdf, index: int, out: ConvertedPdf, open_row: int | None) -> int | None:
    """Adds a page's lines to `out`; returns the line of its last table row when the page cuts that row."""
    number = index + 1
    try:
        page = pdf.pages[index]
        try:
            lines, info, cut = _read_page(page, number)
        finally:
            page.close()  # frees the page's parsed objects: a 1,000-page file is read in bounded memory
    except Exception as exc:  # one damaged page must not lose the others
        lines, info, cut = [], PageInfo(number, "unreadable", message=f"page {number} could not be read: "
                                                                      f"{type(exc).__name__}: {exc}"), _CutRow()
    joined = _join_cut_row(out, open_row, lines, cut)
    if info.method == "unreadable":
        lines = [f"[page {number} not read: {info.message}]"]
        out.problems.append((len(out.lines) + 1, number, info.message or "not read"))
    if lines:
        info.first_line, info.last_line = len(out.lines) + 1, len(out.lines) + len(lines)
        if out.lines:
            lines[0] = "\f" + lines[0]  # a page break, as text converters print it
        out.lines += lines
        out.line_pages += [number] * len(lines)
    out.pages.append(info)
    if cut.cut is None:
        return None
    ends = [i for i, line in enumerate(lines) if line.lstrip("\f") == cut.cut]
    return info.first_line + ends[-1] if ends else joined


def _join_cut_row(out: ConvertedPdf, open_row: int | None, lines: list[str], cut: _CutRow) -> int | None:
    """The rest of a row the last page cut, moved onto that row's line (a row is one line, where its name
    starts); returns that line, or None when this page does not continue it."""
    if open_row is None or cut.continues is None or cut.continues not in lines:
        return None
    rest = lines.pop(lines.index(cut.continues))
    first = out.lines[open_row - 1]
    page_break = "\f" if first.startswith("\f") else ""
    out.lines[open_row - 1] = page_break + join_rows(first.lstrip("\f"), rest)
    return open_row


# -- cache ----------------------------------------------------------------------------------------------------
def _cache_path(cache_dir: Path, sha256: str) -> Path:
    ocr = "ocr" if _ocr_ready() else "noocr"
    return cache_dir / f"{sha256}-{CONVERTER_VERSION}-{ocr}.json.gz"


def _ocr_ready() -> bool:
    try:
        ocr_language()
        return True
    except OcrUnavailable:
        return False


def convert_cached(data: bytes, sha256: str, file_name: str, cache_dir: Path | None) -> ConvertedPdf:
    """convert_pdf, or the conversion of the same bytes by the same converter version kept in `cache_dir`."""
    path = _cache_path(cache_dir, sha256) if cache_dir else None
    if path is not None and path.exists():
        try:
            raw = json.loads(gzip.decompress(path.read_bytes()))
            raw["pages"] = [PageInfo(**p) for p in raw["pages"]]
            raw["problems"] = [tuple(p) for p in raw["problems"]]
            return ConvertedPdf(**raw)
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a damaged cache entry is converted again
    converted = convert_pdf(data, file_name)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(gzip.compress(json.dumps(asdict(converted), ensure_ascii=False).encode("utf-8")))
        tmp.replace(path)  # atomic: a reader never sees half an entry
    return converted
