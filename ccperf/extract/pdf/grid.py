"""Ruled tables in a page image (a scan): the ruling lines found in the pixels, then the OCR words put in their cells.

A ruling line is a long thin run of dark pixels. Consecutive horizontal lines with the same horizontal extent
bound the rows of a table; the vertical lines crossing a row split it into cells (a merged cell simply has fewer
lines crossing it). The lines are whitened before OCR, so Tesseract does not read them as "|" or "_".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DARK = 150  # grey level below which a pixel is ink
_MIN_LINE = 0.06  # a ruling line is at least this share of the page width (or height) long
_MAX_THICKNESS = 6  # pixels


@dataclass(frozen=True)
class Rule:
    pos: float  # y of a horizontal line, x of a vertical one (pixels)
    start: float  # its extent along the other axis
    end: float


@dataclass
class Grid:
    """A ruled table: its row boundaries (y) and, for each row, its cell boundaries (x), in pixels."""

    rows: list[tuple[float, float]]
    cuts: list[list[float]]  # for each row, the x of the vertical lines crossing it, left to right
    left: float
    right: float

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        if not (self.left - 2 <= x <= self.right + 2):
            return None
        for i, (top, bottom) in enumerate(self.rows):
            if top <= y <= bottom:
                cuts = self.cuts[i]
                return i, max(0, sum(1 for c in cuts if c < x) - 1)
        return None


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(index, start, end) of every run of True at least min_len long in each row of a 2-D boolean array."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    out = []
    for index in np.flatnonzero(mask.sum(axis=1) >= min_len):
        starts = np.flatnonzero(edges[index] == 1)
        ends = np.flatnonzero(edges[index] == -1)
        out += [(int(index), int(s), int(e)) for s, e in zip(starts, ends, strict=True) if e - s >= min_len]
    return out


def _rules(runs: list[tuple[int, int, int]]) -> list[Rule]:
    """Runs on adjacent rows with about the same extent are one line (a line a few pixels thick)."""
    rules: list[list[tuple[int, int, int]]] = []
    for run in sorted(runs):
        for group in rules:
            last = group[-1]
            if run[0] - last[0] <= 1 and abs(run[1] - last[1]) <= 4 and abs(run[2] - last[2]) <= 4:
                group.append(run)
                break
        else:
            rules.append([run])
    return [Rule(sum(r[0] for r in g) / len(g), min(r[1] for r in g), max(r[2] for r in g))
            for g in rules if len(g) <= _MAX_THICKNESS]


def find_grids(image) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a page image, and the image as an array with their lines whitened."""
    grey = np.asarray(image.convert("L"))
    ink = grey < _DARK
    height, width = ink.shape
    horizontal = _rules(_runs(ink, int(_MIN_LINE * width)))
    vertical = _rules(_runs(ink.T, int(_MIN_LINE * height / 4)))
    cleaned = grey.copy()
    for rule in horizontal:
        y = int(round(rule.pos))
        cleaned[max(0, y - 3):y + 4, int(rule.start):int(rule.end)] = 255
    for rule in vertical:
        x = int(round(rule.pos))
        cleaned[int(rule.start):int(rule.end), max(0, x - 3):x + 4] = 255
    return _grids(horizontal, vertical), cleaned


def _grids(horizontal: list[Rule], vertical: list[Rule]) -> list[Grid]:
    grids: list[Grid] = []
    stack: list[Rule] = []
    for rule in sorted(horizontal, key=lambda r: r.pos):
        if stack and (abs(rule.start - stack[-1].start) > 8 or abs(rule.end - stack[-1].end) > 8):
            grids += _grid(stack, vertical)
            stack = []
        stack.append(rule)
    grids += _grid(stack, vertical)
    return grids


def _grid(lines: list[Rule], vertical: list[Rule]) -> list[Grid]:
    if len(lines) < 2:
        return []
    rows, cuts = [], []
    for top, bottom in zip(lines, lines[1:], strict=False):
        middle = (top.pos + bottom.pos) / 2
        crossing = sorted(v.pos for v in vertical if v.start - 3 <= middle <= v.end + 3
                          and top.start - 4 <= v.pos <= top.end + 4)
        if len(crossing) < 2:
            continue  # not a ruled row (two stacked lines: a rule under a heading)
        rows.append((top.pos, bottom.pos))
        cuts.append(crossing)
    if not rows:
        return []
    return [Grid(rows, cuts, lines[0].start, lines[0].end)]
