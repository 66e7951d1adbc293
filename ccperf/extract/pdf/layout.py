"""A page's words (with their positions) → text lines, the way the parsers read text.

Shared by the text layer and OCR. Words are grouped into lines by their vertical position. Ruled tables come from
pdfplumber's table finder (one line per row, cells joined by tabs); an unruled table is recognised from word
positions: consecutive lines whose phrases (words separated by a wide gap) start at the same x positions are rows,
the x positions are the columns, and a line closer to the line above than rows are to each other continues the
cells of that row (a cell wrapped inside the table stays in its cell). A phrase start too few lines share is a
column too where no word of the lines around it crosses that x (a column of whitespace down the table: the part
of a table a page holds may have one or two rows). Each table keeps the columns its own lines use. A paragraph
wrapped at the right margin is joined back into one line.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_COLUMN_TOLERANCE = 3.0  # points: phrases starting this close are in the same column
_ROW_PITCH_RATIO = 1.12  # a pitch this much above the tightest one in a table starts a new row
_CELL_PITCH = 1.25  # type sizes: lines of one cell wrapped inside a table follow each other at most this far


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class TextLine:
    words: list[Word]
    phrases: list[list[Word]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    def text(self) -> str:
        # a wide gap stays visible as spaces, as text converters print it (a value, then an office name)
        return "  ".join(" ".join(w.text for w in phrase) for phrase in self.phrases)


@dataclass
class Block:
    """What a page prints at one height: a plain line, or a table (rows of cells)."""

    top: float
    bottom: float
    text: str | None = None
    rows: list[list[str]] | None = None
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    first_word: float = 0.0  # width of its first word: would it have fit on the line above?
    last_x1: float = 0.0  # where its last line ends


def group_lines(words: Iterable[Word]) -> list[TextLine]:
    """Words → lines, top to bottom, each line's words left to right."""
    lines: list[TextLine] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines and abs(word.top - lines[-1].words[0].top) <= max(2.0, 0.4 * word.size):
            lines[-1].words.append(word)
        else:
            lines.append(TextLine([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _split_phrases(lines: list[TextLine]) -> None:
    """Words separated by a gap clearly wider than the page's usual space start a new phrase."""
    gaps: dict[int, list[float]] = {}
    for line in lines:
        for a, b in zip(line.words, line.words[1:], strict=False):
            if b.x0 > a.x1:
                gaps.setdefault(round(line.size), []).append((b.x0 - a.x1) / line.size)
    # the usual space of each font size, relative to the size (most gaps in a line are spaces)
    space = {size: statistics.median(g) for size, g in gaps.items()}
    for line in lines:
        usual = space.get(round(line.size), 0.3) * line.size
        threshold = max(1.35 * usual, 0.42 * line.size, 2.0)
        line.phrases = [[line.words[0]]]
        for a, b in zip(line.words, line.words[1:], strict=False):
            if b.x0 - a.x1 > threshold:
                line.phrases.append([b])
            else:
                line.phrases[-1].append(b)


_MIN_ROWS = 3  # an unruled table shows its columns on at least this many lines (two lines align by chance) ...
_MIN_SHARED_COLUMNS = 3  # ... unless two lines share this many column starts, or both end with a value


def _columns(lines: Sequence[TextLine], support: int) -> list[float]:
    """Column starts shared by at least `support` multi-phrase lines (x positions of phrase starts, clustered)."""
    clusters = _cluster(p[0].x0 for line in lines if len(line.phrases) > 1 for p in line.phrases)
    return [min(c) for c in clusters if len(c) >= support]


def _column_of(x: float, columns: list[float]) -> int:
    """The column a phrase starting at x is in: the last one starting left of it."""
    return max((i for i, start in enumerate(columns) if start <= x + _COLUMN_TOLERANCE), default=0)


_CLEAR_WINDOW = 3  # lines above and below a phrase start that must leave its x clear


def _with_clear_columns(run: list[TextLine], columns: list[float]) -> list[float]:
    """The run's columns and the starts of phrases too few lines share (a table of one or two rows on a page, a
    column most rows leave empty), where the line is otherwise a row (two of its phrases on columns)
    and no word of the lines around it crosses that x: a column of whitespace runs down the table there."""
    extra: list[float] = []
    for i, line in enumerate(run):
        off = [p[0].x0 for p in line.phrases if not _near(p[0].x0, columns)]
        if not off or len(line.phrases) - len(off) < 2:
            continue
        around = [w for other in _block_around(run, i, columns) for w in other.words]
        extra += [x for x in off if not any(w.x0 < x - _COLUMN_TOLERANCE < w.x1 - _COLUMN_TOLERANCE for w in around)]
    return sorted(columns + [min(c) for c in _cluster(extra)]) if extra else columns


def _block_around(run: list[TextLine], i: int, columns: list[float]) -> list[TextLine]:
    """Up to _CLEAR_WINDOW lines on each side of line i, stopping at a line that is neither a row (two phrases or
    more) nor a cell's line: a title or a paragraph ends the table, and the lines past it belong to another."""
    def part(line: TextLine) -> bool:
        return len(line.phrases) > 1 or _fits_a_cell(line, columns)

    first = i
    while first > max(0, i - _CLEAR_WINDOW) and part(run[first - 1]):
        first -= 1
    last = i
    while last < min(len(run) - 1, i + _CLEAR_WINDOW) and part(run[last + 1]):
        last += 1
    return run[first:last + 1]


def _fits_a_cell(line: TextLine, columns: list[float]) -> bool:
    """A one-phrase line that ends before the next column: a cell's line, not a title or a paragraph over the
    table (those do not say where its columns are)."""
    after = [x for x in columns if x > line.x0 + _COLUMN_TOLERANCE]
    return not after or line.x1 <= min(after) + _COLUMN_TOLERANCE


def _at_cell_pitch(above: TextLine, below: TextLine) -> bool:
    """`below` follows `above` as the next line of a cell wrapped inside a table does (rows are spaced wider)."""
    return below.top - above.top <= _CELL_PITCH * below.size


def _near(x: float, columns: list[float]) -> bool:
    return any(abs(x - c) <= _COLUMN_TOLERANCE for c in columns)


def _one_wrapped_row(lines: Sequence[TextLine], columns: list[float]) -> bool:
    """A table of one row wrapped over lines (the part of a table a page holds, no wider row pitch to tell rows
    by): three lines or more, all at a cell's line pitch, the first fills every column and each line after it
    fills fewer, every phrase inside a cell of the first."""
    if len(lines) < 3 or len(lines[0].phrases) != len(columns):
        return False
    if not all(_at_cell_pitch(a, b) for a, b in zip(lines, lines[1:], strict=False)):
        return False
    return all(len(line.phrases) < len(columns) and _in_cells(line, columns, lines[0]) for line in lines[1:])


def _table_rows(lines: Sequence[TextLine], columns: list[float], one_row: bool = False) -> list[list[str]]:
    """The rows of an unruled table: each phrase in the column it starts in; tight lines continue a row (all
    lines with `one_row`: a lone header wrapped over lines has no wider pitch to tell rows by)."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)]
    tightest = min(pitches) if pitches else 0.0
    one_row = one_row or _one_wrapped_row(lines, columns)
    rows: list[list[str]] = []
    previous: TextLine | None = None
    for line in lines:
        continues = previous is not None and (one_row or (
            tightest > 0 and line.top - previous.top <= tightest * _ROW_PITCH_RATIO
            and any(p > tightest * _ROW_PITCH_RATIO for p in pitches)))
        if not continues:
            rows.append([""] * len(columns))
        row = rows[-1]
        for phrase in line.phrases:
            col = _column_of(phrase[0].x0, columns)
            text = " ".join(w.text for w in phrase)
            row[col] = f"{row[col]} {text}".strip()
        previous = line
    return rows


def _runs(lines: list[TextLine]) -> list[list[TextLine]]:
    """Consecutive lines without a vertical gap wider than two lines between them."""
    runs: list[list[TextLine]] = []
    for line in lines:
        if runs and line.top - runs[-1][-1].top <= 2.2 * max(line.size, runs[-1][-1].size):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _on_columns(line: TextLine, columns: list[float]) -> bool:
    return all(_near(p[0].x0, columns) for p in line.phrases)


def _in_a_cell(line: TextLine, columns: list[float], row: TextLine) -> bool:
    """A one-phrase line that is part of a cell of `row` wrapped over lines: it starts on a column and ends
    before the row's next cell starts (text at the margin running across the cells is a paragraph, not a cell;
    the row's own cells, not all the columns, because two tables on different grids can follow each other)."""
    return len(line.phrases) == 1 and _in_cells(line, columns, row)


_VALUE_CHARS = set("0123456789%,.-+/<>=≥≤€")


def _is_value(phrase: list[Word]) -> bool:
    """A number, percentage, date or comparison: mostly digits and signs."""
    text = "".join(w.text for w in phrase)
    return bool(text) and any(c.isdigit() for c in text) and \
        sum(c in _VALUE_CHARS for c in text) >= 0.6 * len(text)


def _table_spans(run: list[TextLine], columns: list[float]) -> list[tuple[int, int]]:
    """(start, end) of the stretches of a run that are table rows: lines of 2+ phrases on the columns, and the
    lines of one phrase on a column between them (a cell wrapped over lines)."""
    is_row = [len(line.phrases) > 1 and _on_columns(line, columns) for line in run]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(run):
        if not is_row[i]:
            i += 1
            continue
        j = i + 1
        while j < len(run):
            if is_row[j]:
                j += 1
                continue
            row = run[j - 1]
            # a one-phrase line continues the table only if another row follows it
            k = j
            while k < len(run) and not is_row[k] and _in_a_cell(run[k], columns, row):
                k += 1
            if k < len(run) and is_row[k] and k > j:
                j = k
                continue
            # wrapped cells of the last row: lines on the columns right under it, at a cell's line pitch
            while j < len(run) and _in_a_cell(run[j], columns, row) and _at_cell_pitch(run[j - 1], run[j]):
                j += 1
            break
        rows = [line for line, row in zip(run[i:j], is_row[i:j], strict=True) if row]
        if len(rows) >= _MIN_ROWS:
            spans.append((_cells_above(run, i, spans[-1][1] if spans else 0, columns), j))
        i = j
    return spans


def _cells_above(run: list[TextLine], start: int, floor: int, columns: list[float]) -> int:
    """Where a table starts once the lines just above its first row that are one cell (a row whose only cell, a
    note or a section's name, is printed without rules over the first row) are taken in: each line one phrase
    starting on a column and ending before the first row's next cell, at a cell's line pitch. A line at the first
    column is taken only in the table's own type size: a heading over the table is printed in the text's."""
    first = start
    while first > floor:
        line, below = run[first - 1], run[first]
        heading = line.x0 <= columns[0] + _COLUMN_TOLERANCE and abs(line.size - run[start].size) > 0.3
        if heading or not _in_a_cell(line, columns, run[start]):
            break
        if first < start and not _at_cell_pitch(line, below):
            break
        first -= 1
    return first


def _cluster(xs: Iterable[float]) -> list[list[float]]:
    clusters: list[list[float]] = []
    for x in sorted(xs):
        if clusters and x - clusters[-1][-1] <= _COLUMN_TOLERANCE:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return clusters


def _two_row_table(first: TextLine, second: TextLine) -> list[float] | None:
    """The columns of two consecutive lines that are a table on their own (a header and its one row): they share
    at least _MIN_SHARED_COLUMNS phrase starts, or two and both end with a value. None when they do not."""
    if len(first.phrases) < 2 or len(second.phrases) < 2:
        return None
    clusters = _cluster(p[0].x0 for line in (first, second) for p in line.phrases)
    shared = sum(len(c) >= 2 for c in clusters)
    if shared >= _MIN_SHARED_COLUMNS or (shared >= 2 and _is_value(first.phrases[-1]) and _is_value(second.phrases[-1])):
        return [min(c) for c in clusters]
    return None


def _used(lines: Sequence[TextLine], columns: list[float]) -> list[float]:
    """The columns a table's own lines start phrases on: two tables on different grids can share a run (a title
    between them), and one table's columns are empty cells in the other."""
    used = {_column_of(p[0].x0, columns) for line in lines for p in line.phrases}
    return [x for i, x in enumerate(columns) if i in used]


def _tables_of(run: list[TextLine]) -> dict[int, tuple[int, list[float], bool]]:
    """start → (end, columns, one row) of the run's unruled tables: tables of _MIN_ROWS rows and more on the run's
    columns first, then two-row tables in the lines between them (with the lines of their cells wrapped), then
    two rows whose first wraps inside an inner cell, then lone headers (a table's header at a page's end, its rows
    on the next page)."""
    tables: dict[int, tuple[int, list[float], bool]] = {}
    columns = _with_clear_columns(run, _columns(run, _MIN_ROWS))
    for start, end in _table_spans(run, columns) if len(columns) >= 2 else []:
        tables[start] = (end, _used(run[start:end], columns), False)
    taken = {i for start, (end, _, _) in tables.items() for i in range(start, end)}
    i = 0
    while i + 1 < len(run):
        columns = None if i in taken or i + 1 in taken else _two_row_table(run[i], run[i + 1])
        if columns is None:
            i += 1
            continue
        end = _wrapped_end(run, i + 2, columns, run[i + 1], taken)
        tables[i] = (end, columns, _wrapped_header(run[i], run[i + 1]))
        taken.update(range(i, end))
        i = end
    _wrapped_pairs(run, tables, taken)
    for i, line in enumerate(run):
        if i not in taken and len(line.phrases) >= _MIN_SHARED_COLUMNS:
            columns = [p[0].x0 for p in line.phrases]
            end = _wrapped_end(run, i + 1, columns, line, taken, inner_only=True)
            if end > i + 1:
                tables[i] = (end, columns, True)
                taken.update(range(i, end))
    return tables


def _wrapped_pairs(run: list[TextLine], tables: dict[int, tuple[int, list[float], bool]], taken: set[int]) -> None:
    """Two rows sharing two column starts, the first wrapped over lines that start on its inner column and leave
    the first one empty (a label and its long value, the part of a table a page holds): a table, with the lines
    of the second's cells wrapped. Text wrapped at a margin does not start lines inside the text block."""
    i = 0
    while i < len(run):
        line = run[i]
        if i in taken or len(line.phrases) < 2:
            i += 1
            continue
        columns = [p[0].x0 for p in line.phrases]
        k = _wrapped_end(run, i + 1, columns, line, taken, inner_only=True)
        second = run[k] if k < len(run) and k not in taken else None
        clusters = [] if second is None or len(second.phrases) < 2 else \
            _cluster(p[0].x0 for p in (*line.phrases, *second.phrases))
        if k == i + 1 or sum(len(c) >= 2 for c in clusters) < 2:
            i += 1
            continue
        both = [min(c) for c in clusters]
        end = _wrapped_end(run, k + 1, both, second, taken)
        tables[i] = (end, both, False)
        taken.update(range(i, end))
        i = end


def _wrapped_header(first: TextLine, second: TextLine) -> bool:
    """Two lines that are one row, not a header and its row: the second follows at a cell's line pitch (rows
    are spaced wider) and leaves the first cell empty (a header wrapped over two lines, its rows on the next
    page)."""
    return _at_cell_pitch(first, second) and second.x0 > first.x0 + _COLUMN_TOLERANCE


def _wrapped_end(run: list[TextLine], start: int, columns: list[float], row: TextLine, taken: set[int],
                 inner_only: bool = False) -> int:
    """Where the lines from `start` that continue the cells of `row` (at a cell's line pitch) end; with
    `inner_only`, lines in its first cell do not count (a paragraph under a line of spaced words)."""
    end = start
    while end < len(run) and end not in taken and _at_cell_pitch(run[end - 1], run[end]):
        line = run[end]
        if inner_only and not (line.x0 > columns[0] + _COLUMN_TOLERANCE and _in_cells(line, columns, row)):
            break
        if not inner_only and not _in_a_cell(line, columns, row):
            break
        end += 1
    return end


def _in_cells(line: TextLine, columns: list[float], row: TextLine) -> bool:
    """Every phrase of the line starts on a column and ends before the next cell of `row` (a header's words
    wrapped in several of its cells)."""
    if not _on_columns(line, columns):
        return False
    starts = [p[0].x0 for p in row.phrases]
    for phrase in line.phrases:
        after = [x for x in starts if x > phrase[0].x0 + _COLUMN_TOLERANCE]
        if after and phrase[-1].x1 > min(after) + _COLUMN_TOLERANCE:
            return False
    return True


def blocks_of(lines: list[TextLine]) -> list[Block]:
    """Lines → blocks: unruled tables where phrases line up across rows, plain lines elsewhere."""
    if not lines:
        return []
    _split_phrases(lines)
    blocks: list[Block] = []
    for run in _runs(lines):
        table_at = _tables_of(run)
        i = 0
        while i < len(run):
            if i in table_at:
                end, columns, one_row = table_at[i]
                table = run[i:end]
                blocks.append(Block(table[0].top, table[-1].bottom, rows=_table_rows(table, columns, one_row),
                                    x0=table[0].x0, x1=max(t.x1 for t in table), size=table[0].size))
                i = end
                continue
            line = run[i]
            blocks.append(Block(line.top, line.bottom, text=line.text(), x0=line.x0, x1=line.x1, size=line.size,
                                first_word=line.words[0].x1 - line.words[0].x0, last_x1=line.x1))
            i += 1
    return blocks


def reflow(blocks: list[Block], page_width: float | None = None) -> list[Block]:
    """Join a plain line into the one above when the one above is a paragraph wrapped at the right margin: the
    first word of the line would not have fit at the end of the line above, the line follows at the usual pitch
    and starts at the left margin. The right margin is the widest body line's end, and at least the mirror of the
    left margin on the page (a page of short lines, a table's cells, has no line reaching the margin)."""
    plain = [b for b in blocks if b.text is not None]
    if not plain:
        return blocks
    body = plain[1:-1] or plain  # the first and last lines of a page are its header and footer
    left = min(b.x0 for b in body)
    right = max(b.x1 for b in body)
    if page_width is not None:
        right = max(right, page_width - left)
    width = max(right - left, 1.0)
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (block.text is not None and prev is not None and prev.text is not None
                and prev.last_x1 + 0.3 * block.size + block.first_word > right + 0.5
                and block.x0 <= left + 0.02 * width
                and 0 < block.top - prev.bottom <= 0.5 * max(prev.size, block.size)
                and abs(block.size - prev.size) < 0.6):
            prev.text = f"{prev.text} {block.text}"
            prev.bottom, prev.last_x1 = block.bottom, block.last_x1
            continue
        out.append(block)
    return out


def _usual_line_gap(blocks: Sequence[Block]) -> float:
    """The page's usual gap between a line and the next inside a paragraph (the median of the gaps under three
    quarters of a line; a wider one is a paragraph break in any writer's spacing): writers space lines differently
    (leading, a paragraph's own spacing), and only a gap clearly wider than the usual one is a paragraph break.
    0 when the page has too few such gaps to tell (every line its own paragraph)."""
    gaps = [b.top - a.bottom for a, b in zip(blocks, blocks[1:], strict=False)
            if 0 <= b.top - a.bottom < 0.75 * max(a.size, b.size, 1.0)]
    return statistics.median(gaps) if len(gaps) >= 3 else 0.0


def lines_of_blocks(blocks: Sequence[Block]) -> list[str]:
    """Blocks → text lines: a table row is its cells joined by tabs, every cell on one line; a vertical gap of
    clearly more than the page's usual line gap is a blank line (as text converters print paragraph breaks)."""
    out: list[str] = []
    ordered = sorted(blocks, key=lambda b: b.top)
    line_gap = _usual_line_gap(ordered)
    previous: Block | None = None
    for block in ordered:
        size = max(previous.size, block.size, 1.0) if previous is not None else 1.0
        if previous is not None and block.top - previous.bottom > max(0.5 * size, line_gap + 0.4 * size):
            out.append("")
        previous = block
        if block.rows is None:
            out.append(block.text or "")
            continue
        out += [row_line(row) for row in block.rows]
    return out


def row_line(row: Sequence[str | None]) -> str:
    """A table row as a text line: its cells joined by tabs, every cell on one line (a row of one cell keeps a
    tab, so that it still reads as a row)."""
    cells = [" ".join((cell or "").split()) for cell in row]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return "\t".join(cells) if len(cells) > 1 else cells[0] + "\t"


def join_rows(first: str, rest: str) -> str:
    """A table row cut by a page break, its two parts joined cell by cell (a part's empty cells at the end are not
    printed, so the two can differ in length)."""
    a, b = first.split("\t"), rest.split("\t")
    width = max(len(a), len(b))
    a, b = a + [""] * (width - len(a)), b + [""] * (width - len(b))
    return row_line([" ".join(p for p in pair if p) for pair in zip(a, b, strict=True)])
