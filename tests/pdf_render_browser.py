"""A second PDF writer for the tests: a bundled document as an HTML page, printed to PDF by headless Chromium.

Its PDFs differ from reportlab's (tests/pdf_render.py) the way another chamber's would: another font (Liberation
Serif), paragraphs spaced by a margin rather than by blank space, every cell border a thin filled rectangle, table
rows cut by a page break and continued on the next page, no repeated page header. Tables are ruled (`ruled`) or
without borders (`unruled`); lines that align columns with spaces keep them (`white-space: pre-wrap`).

    python tests/pdf_render_browser.py data/raw/001_....txt OUT.pdf [ruled|unruled]
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
_STYLE = """body{font-family:'Liberation Serif',serif;font-size:9pt}
table{border-collapse:collapse;font-size:7.5pt;margin:4pt 0}
td{vertical-align:top;padding:1pt 4pt;%s}
p{margin:0 0 2pt 0}p.aligned{white-space:pre-wrap}"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _cell(text: str) -> str:
    return html.escape(" ".join(_TAG.sub(" ", text).split()))


def _table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in r + [""] * (width - len(r))) + "</tr>"
                   for r in rows)
    return f"<table>{body}</table>"


def _paragraph(line: str) -> str:
    text = _TAG.sub(" ", line).rstrip()
    if not text.strip():
        return "<p>&nbsp;</p>"
    if "  " in text.strip():  # columns aligned with spaces: keep them
        return f"<p class='aligned'>{html.escape(text)}</p>"
    return f"<p>{html.escape(' '.join(text.split()))}</p>"


def to_html(lines: Sequence[str], ruled: bool) -> str:
    parts = [f"<html><head><meta charset='utf-8'><style>{_STYLE % ('border:0.5pt solid black' if ruled else '')}"
             "</style></head><body>"]
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            parts.append(_table([lines[k].split("\t") for k in range(i, j)]))
            i = j
            continue
        parts.append(_paragraph(lines[i]))
        i += 1
    return "\n".join([*parts, "</body></html>"])


def render(lines: Sequence[str], out: Path, rendering: str = "ruled", timeout_s: float = 180.0) -> Path:
    executable = chromium()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "document.html"
        page.write_text(to_html(lines, rendering == "ruled"), encoding="utf-8")
        subprocess.run([executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()],
                       check=True, capture_output=True, timeout=timeout_s)
    return out


if __name__ == "__main__":
    source, target, *kind = sys.argv[1:]
    render(Path(source).read_text(encoding="utf-8").split("\n"), Path(target), kind[0] if kind else "ruled")
