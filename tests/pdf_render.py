"""Render a bundled text document to a real PDF with reportlab, as a chamber's office would publish it.

- Paragraphs as text (long lines wrap at the margin), blank lines as space.
- Every table (a block of tab-separated rows) as a table whose long cells wrap inside the cell: `ruled` draws the
  grid, `unruled` only aligns the text.
- Every page carries the report's title as a header and "Pagina N di M" as a footer.
- `scanned_pages` turns the given pages into images only (no text layer), for the OCR path.

Run `python -m tests.pdf_render --out DIR` to write every bundled document in every rendering.
"""

from __future__ import annotations

import argparse
import io
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

# Debian fonts-dejavu-core; the condensed face fits a line of a text report (about 120 characters) in the width
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
_TITLE = re.compile(r"relazione\s+sulla|piano\s+(?:integrato\s+)?(?:della|di)", re.I)
RENDERINGS = ("ruled", "unruled")


def _font() -> str:
    if FONT_FILE.exists():
        if "DejaVuSansCondensed" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSansCondensed", str(FONT_FILE)))
        return "DejaVuSansCondensed"
    return "Helvetica"  # no "≥" glyph: install fonts-dejavu-core (.ci/run does)


def _text(cell: str) -> str:
    return " ".join(_TAG.sub(" ", cell).split())


def _line(line: str, style: ParagraphStyle) -> Paragraph:
    """A line of text as a paragraph; runs of spaces inside it (columns a text report aligned) stay visible."""
    text = " ".join(_TAG.sub(" ", line).split(" ")).strip()
    parts = re.split(r"( {2,})", text)
    return Paragraph("".join(escape(p) if not p.startswith("  ") else "&nbsp;" * len(p) for p in parts), style)


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


_MAX_CELL = 700  # characters: a longer cell continues in another row (a row cannot break across pages)


def _split_long_cells(rows: list[list[str]]) -> list[list[str]]:
    """A row holding a cell longer than a page continues in extra rows, the rest of its text split at sentences."""
    out = []
    for row in rows:
        parts = [_chunks(_text(cell)) for cell in row]
        for k in range(max(len(p) for p in parts)):
            out.append([p[k] if k < len(p) else "" for p in parts])
    return out


def _chunks(text: str) -> list[str]:
    chunks, rest = [], text
    while len(rest) > _MAX_CELL:
        cut = rest.rfind(". ", 0, _MAX_CELL)
        cut = cut + 1 if cut > _MAX_CELL // 2 else rest.rfind(" ", 0, _MAX_CELL)
        chunks.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [*chunks, rest]


def _table(rows: list[list[str]], ruled: bool, width: float, style: ParagraphStyle) -> LongTable:
    n = max(len(r) for r in rows)
    rows = _split_long_cells([r + [""] * (n - len(r)) for r in rows])
    widths = _column_widths(rows, width, style)
    data = [[_para(_text(cell), style) for cell in row] for row in rows]
    table = LongTable(data, colWidths=widths, repeatRows=0)
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(commands))
    return table


def _column_widths(rows: list[list[str]], width: float, style: ParagraphStyle) -> list[float]:
    """Each column at least as wide as its longest word (and as a short cell, like a value with its unit); the
    rest of the width shared by the length of the columns' longest cells (capped, so prose does not take it all)."""
    n = len(rows[0])
    texts = [[_text(r[c]) for r in rows] for c in range(n)]

    def w(text: str) -> float:
        return stringWidth(text, style.fontName, style.fontSize) + 6

    minimum = [max([w(word) for t in col for word in t.split()] + [w(t) for t in col if len(t) <= 14] + [8.0])
               for col in texts]
    share = [min(max(len(t) for t in col), 300) + 2 for col in texts]
    spare = max(width - sum(minimum), 0.0)
    widths = [m + spare * s / sum(share) for m, s in zip(minimum, share, strict=True)]
    total = sum(widths)
    return [x * width / total for x in widths] if total > width else widths


def render(lines: Sequence[str], rendering: str = "ruled") -> bytes:
    """The document as PDF bytes."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.5)
    title = next((_text(t) for t in lines[:80] if _TITLE.search(t) and len(t) < 150), "Relazione sulla Performance")
    story: list = []
    i = 0
    width = A4[0] - 4 * cm
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            story.append(_table([lines[k].split("\t") for k in range(i, j)], rendering == "ruled", width, cell))
            i = j
            continue
        story.append(Spacer(1, 6) if not line.strip() else _line(line, body))
        i += 1

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=title)
    doc.build(story, canvasmaker=_furnished_canvas(font, title))
    return out.getvalue()


def _furnished_canvas(font: str, title: str) -> type[Canvas]:
    """A canvas that draws the running title and "Pagina N di M" on every page (M known once all are laid out)."""

    class Furnished(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.drawString(2 * cm, A4[1] - 1.2 * cm, title[:110])
                self.drawRightString(A4[0] - 2 * cm, 1.0 * cm, f"Pagina {self._pageNumber} di {len(self._pages)}")
                super().showPage()
            super().save()

    return Furnished


def scanned_pages(pdf: bytes, pages: Sequence[int], dpi: int = 200) -> bytes:
    """The same PDF with the given 1-based pages replaced by images of themselves (no text layer)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    for index in range(len(src)):
        if index + 1 not in pages:
            out.import_pages(src, [index])
            continue
        page = src[index]
        width, height = page.get_size()
        bitmap = page.render(scale=dpi / 72)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new_page = out.new_page(width, height)
        new_page.insert_obj(image)
        new_page.gen_content()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def garble_text_layer(pdf: bytes) -> bytes:
    """The same PDF whose fonts map every glyph to a private-use character: it looks right on the page, but its text
    layer is garbage, like a PDF made with fonts that have no Unicode map. (The streams change length; PDF readers
    rebuild the cross-reference table, as they do for such files.)"""
    out = pdf
    for m in re.finditer(rb"/ToUnicode (\d+) 0 R", pdf):
        start = out.find(b"\n" + m.group(1) + b" 0 obj")
        data_start = out.find(b"stream\n", start) + len(b"stream\n")
        data_end = out.find(b"endstream", data_start)
        cmap = zlib.decompress(out[data_start:data_end])
        cmap = re.sub(rb"<([0-9A-F]{2})> <[0-9A-F]{4}>",
                      lambda c: b"<%s> <E%s>" % (c.group(1), b"%03X" % int(c.group(1), 16)), cmap)
        head = out[start:data_start]
        head = re.sub(rb"/Length \d+", b"/Length %d" % len(cmap), head).replace(b"/Filter [ /FlateDecode ] ", b"")
        out = out[:start] + head + cmap + b"\n" + out[data_end:]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "raw")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    for rendering in RENDERINGS:
        folder = a.out / rendering
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(a.raw.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").split("\n")
            (folder / f"{path.stem}.pdf").write_bytes(render(lines, rendering))
        print(folder)


if __name__ == "__main__":
    main()
