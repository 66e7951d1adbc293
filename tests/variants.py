"""Copies of a document as other converters would print it, each with the map from old to new line numbers.

Used by the tests (and runnable: `python -m tests.variants --out DIR`) to check that extraction reads the tables,
not one converter's text:
- `aligned`: tab-separated table rows re-laid as space-padded columns, the way `pdftotext -layout` prints tables
  (a block of consecutive tab rows shares its column widths; cells are separated by at least two spaces), HTML
  fragments (<p>, <i>, <br>, ...) dropped; every line stays where it was;
- `paged`: a page header (the report title) and a footer ("Pagina N di M") inserted every ~50 lines, the page break
  marked by a form feed, as PDF converters print them;
- `no_blanks` / `double_blanks`: blank lines removed, or doubled;
- `converted`: all of the above at once;
- `margined`: paged, with each page's lines after a left margin of a few spaces (`pdftotext -layout`).
Lines move in all but `aligned`; `line_map[old] = new` (1-based) says where each original line went.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_TITLE = re.compile(r"relazione\s+sulla|piano\s+(?:integrato\s+)?(?:della|di)", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")


@dataclass(frozen=True)
class Variant:
    lines: list[str]
    line_map: dict[int, int]  # original 1-based line -> new 1-based line

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def then(self, step: Callable[[Sequence[str]], Variant]) -> Variant:
        """Apply another step to this variant, composing the line maps."""
        nxt = step(self.lines)
        return Variant(nxt.lines, {old: nxt.line_map[new] for old, new in self.line_map.items()
                                   if new in nxt.line_map})


def _identity_map(n: int) -> dict[int, int]:
    return {i: i for i in range(1, n + 1)}


def collapse(text: str) -> str:
    return " ".join(text.split())


def drop_tags(text: str) -> str:
    """HTML fragments removed (a space kept where a tag separated words, runs of spaces folded)."""
    if "<" not in text:
        return text
    stripped = _TAG.sub(" ", text)
    return re.sub(r"(?<=\S) {2,}(?=\S)", " ", stripped).strip(" ")


def aligned(lines: Sequence[str], gap: int = 2) -> Variant:
    """Tab rows re-laid as columns padded with spaces (widths shared by each block of consecutive tab rows)."""
    out = [drop_tags(line) if "\t" not in line else line for line in lines]
    i = 0
    while i < len(out):
        if "\t" not in out[i]:
            i += 1
            continue
        j = i
        while j < len(out) and "\t" in out[j]:
            j += 1
        rows = [[drop_tags(cell).strip() for cell in out[k].split("\t")] for k in range(i, j)]
        widths: list[int] = []
        for row in rows:
            for c, cell in enumerate(row):
                if c == len(widths):
                    widths.append(0)
                widths[c] = max(widths[c], len(cell))
        for k, row in enumerate(rows):
            out[i + k] = (" " * gap).join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip()
        i = j
    return Variant(out, _identity_map(len(lines)))


def paged(lines: Sequence[str], title: str | None = None, every: int = 50) -> Variant:
    """A header and a footer around every page of `every` lines; a form feed starts each new page. The header is
    the report's title (its first line naming a Relazione or a Piano), as converters repeat it."""
    if title is None:
        title = next((collapse(drop_tags(t)) for t in lines[:80] if _TITLE.search(t) and len(t) < 150),
                     "Relazione sulla Performance")
    pages = max(1, -(-len(lines) // every))
    out: list[str] = []
    line_map: dict[int, int] = {}
    for p in range(pages):
        out.append(("\f" if p else "") + f"{title}    ")
        out.append("")
        for k in range(p * every, min(len(lines), (p + 1) * every)):
            out.append(lines[k])
            line_map[k + 1] = len(out)
        out.append("")
        out.append(f"Pagina {p + 1} di {pages}")
    return Variant(out, line_map)


def no_blanks(lines: Sequence[str]) -> Variant:
    out: list[str] = []
    line_map: dict[int, int] = {}
    for k, line in enumerate(lines, 1):
        if line.strip():
            out.append(line)
            line_map[k] = len(out)
    return Variant(out, line_map)


def double_blanks(lines: Sequence[str]) -> Variant:
    out: list[str] = []
    line_map: dict[int, int] = {}
    for k, line in enumerate(lines, 1):
        out.append(line)
        line_map[k] = len(out)
        if not line.strip():
            out.append(line)
    return Variant(out, line_map)


def converted(lines: Sequence[str]) -> Variant:
    """Re-laid columns, no tags, page furniture and doubled blank lines: what a different converter gives."""
    return aligned(lines).then(double_blanks).then(paged)


def margined(lines: Sequence[str]) -> Variant:
    """Paged, and every line of a page but its running title and page number printed after the page's left
    margin (1 to 4 spaces, page by page), as `pdftotext -layout` keeps a page's geometry."""
    page = paged(lines)
    out, number = list(page.lines), 0
    for k, line in enumerate(out):
        if k == 0 or line.startswith("\f"):
            number += 1
        elif line.strip() and not line.startswith("Pagina "):
            out[k] = " " * (1 + number % 4) + line
    return Variant(out, page.line_map)


def aligned_wide(lines: Sequence[str]) -> Variant:
    """Aligned columns four spaces apart."""
    return aligned(lines, gap=4)


VARIANTS: dict[str, Callable[[Sequence[str]], Variant]] = {
    "aligned": aligned,
    "aligned_wide": aligned_wide,
    "paged": paged,
    "no_blanks": no_blanks,
    "double_blanks": double_blanks,
    "converted": converted,
    "margined": margined,
}


def make_variant(text: str, kind: str) -> Variant:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return VARIANTS[kind](lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "raw")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--kind", choices=sorted(VARIANTS), action="append")
    a = ap.parse_args()
    for kind in a.kind or sorted(VARIANTS):
        folder = a.out / kind
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(a.raw.glob("*.txt")):
            (folder / path.name).write_text(make_variant(path.read_text(encoding="utf-8"), kind).text,
                                            encoding="utf-8")
        print(f"{folder}: {len(list(folder.glob('*.txt')))} documents")


if __name__ == "__main__":
    main()
