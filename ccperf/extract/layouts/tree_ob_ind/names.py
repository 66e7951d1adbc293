"""An indicator's name told from its Algoritmo text, by the albero's printing of the same name.

Every indicator printed in the tree (section 3.0) is printed again in other tables; the tree gives each name
without any Algoritmo text. Elsewhere a name's lines are followed by the Algoritmo's (and may wrap around the
values line), so the lines that continue the tree's name, whitespace and case aside, are the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.layouts.tree_ob_ind.tokens import join_wrapped, norm_chars
from ccperf.extract.layouts.tree_ob_ind.vocabulary import ALGORITMO_OPENING
from ccperf.extract.linking import ratio_at_least
from ccperf.extract.numbers import DATE_RE, collapse, parse_operator

TextPiece = tuple[int, str]  # (line index, text)
_COMPARISON = re.compile(r"[<>=]")
_WORD_START = re.compile(r"\b[^\W\d]")
_LOWER_START = re.compile(r"^\s*[a-zà-ù]")
_NEW_FLOW = re.compile(r"^\s+[a-zà-ù(]")  # a name going on after the values: a space, then lower case
_COUNT_START = re.compile(r"^\s*(?:n\.|N\.)")


@dataclass(slots=True)
class NameRef:
    """A name as the tree prints it, with its characters whitespace aside (what other printings are matched on)."""

    text: str
    norm: str = ""
    orig_index: list[int] = field(default_factory=list)  # position in text of each char of norm

    def __post_init__(self) -> None:
        lowered = self.text.replace("’", "'").lower()
        self.norm = "".join(lowered.split())  # (str.split drops exactly the characters isspace() is true for)
        self.orig_index = [i for i, ch in enumerate(lowered) if not ch.isspace()]

    def space_before(self, pos: int) -> bool:
        """Whether the reference has whitespace right before its pos-th non-space character."""
        if pos <= 0 or pos >= len(self.orig_index):
            return True
        return self.orig_index[pos] - self.orig_index[pos - 1] > 1


def consume(text: str, ref: NameRef, pos: int) -> tuple[int, int]:
    """Match text against ref from pos, ignoring whitespace and case.

    Returns (characters of text consumed, new ref position); consumed == len(text) means the whole text
    continues the reference; 0 means it does not start like the rest of the reference.
    """
    norm = ref.norm
    start = pos
    lowered = text.replace("’", "'").lower()
    squeezed = "".join(lowered.split())  # the characters the loop below compares (isspace ones are skipped)
    if norm.startswith(squeezed, pos):
        return len(text), pos + len(squeezed)  # the whole text continues the reference: the loop's result
    i = 0
    for i, ch in enumerate(lowered):
        if ch.isspace():
            continue
        if pos < len(norm) and norm[pos] == ch:
            pos += 1
            continue
        if pos >= len(norm) and pos > start:
            return i, pos  # the reference ended inside this text: the rest is another cell
        return 0, start
    return len(text), pos


def fuzzy_consume(text: str, ref: NameRef, pos: int) -> int | None:
    """New ref position when a whole line continues the reference up to a typo ("apparecchiature" printed
    where the tree has "apparecchiaturae"); None when it does not."""
    line = norm_chars(text)
    rest = ref.norm[pos:]
    if len(line) < 8 or rest[:2] != line[:2]:
        return None
    best, best_len = 0.0, 0
    for n in range(max(1, len(line) - 4), min(len(rest), len(line) + 4) + 1):
        # Only a ratio of 0.9 or more is used, and only a strictly better one replaces the best.
        ratio = ratio_at_least(line, rest[:n], max(best, 0.9))
        if ratio is not None and ratio > best:
            best, best_len = ratio, n
    return pos + best_len if best >= 0.9 else None


class NameBuilder:
    """Joins a name's wrapped lines, without a space where the reference has none ("Sportell" ⏎ "o")."""

    def __init__(self, ref: NameRef | None) -> None:
        self.ref = ref
        self.parts: list[str] = []
        self.glued: list[str] = []  # words rejoined across a line break

    def add(self, text: str, ref_pos: int | None = None) -> None:
        text = collapse(text)
        if not text:
            return
        if self.parts and self.ref is not None and ref_pos is not None and not self.ref.space_before(ref_pos):
            self.glued.append(f"'{self.parts[-1].split()[-1]}'+'{text.split()[0]}'")
            self.parts[-1] = self.parts[-1] + text
        else:
            self.parts.append(text)

    def text(self) -> str:
        return collapse(" ".join(self.parts))


@dataclass(slots=True)
class SplitName:
    name: str
    other_before: list[TextPiece]  # text before the values that is not the name (Algoritmo, Parametri)
    other_after: list[TextPiece]  # text after the values that is not the name
    glued: list[str] | None  # words rejoined across a line break; None when the tree does not print the name


def split_name(before: list[TextPiece], after: list[TextPiece], ref: NameRef | None) -> SplitName:
    """Name lines (matched against the tree's name), then the other text before and after the values."""
    if ref is None:
        return split_name_by_wording(before, after)
    builder = NameBuilder(ref)
    pos, other_before = _match_before(builder, before, ref)
    if pos == 0:
        return split_name_by_wording(before, after)
    other_after: list[TextPiece] = []
    for k, text in after:
        if pos < len(ref.norm):
            used, new_pos = consume(text, ref, pos)
            if used == len(text):
                builder.add(text, pos)
                pos = new_pos
                continue
            if pos > 0 and (fuzzy := fuzzy_consume(text, ref, pos)) is not None:
                builder.add(text, pos)
                pos = fuzzy
                continue
        other_after.append((k, text))
    return SplitName(builder.text(), other_before, other_after, builder.glued)


def _match_before(builder: NameBuilder, before: list[TextPiece], ref: NameRef) -> tuple[int, list[TextPiece]]:
    """The lines before the values that continue the reference go to the name; (ref position, the other lines)."""
    pos = 0
    other: list[TextPiece] = []
    matching = True
    for k, text in before:
        if matching and pos < len(ref.norm):
            used, new_pos = consume(text, ref, pos)
            if used == len(text):
                builder.add(text, pos)
                pos = new_pos
                continue
            if used:
                builder.add(text[:used], pos)
                pos = new_pos
                other.append((k, text[used:]))
                matching = False
                continue
            if (fuzzy := fuzzy_consume(text, ref, pos)) is not None:
                builder.add(text, pos)
                pos = fuzzy
                continue
        matching = False
        other.append((k, text))
    return pos, other


def split_name_by_wording(before: list[TextPiece], after: list[TextPiece]) -> SplitName:
    """Fallback when the tree does not print the indicator: the Algoritmo starts with "%", "n.", "data", a
    comparison, or a lower-case paragraph stating a comparison or a deadline ("predisposizione … entro 31/12/2019");
    a name going on after the values line starts with a space and a lower-case word (a new text flow)."""
    name: list[str] = []
    other: list[TextPiece] = []
    for n, (k, text) in enumerate(before):
        starts_cell = n > 0 and before[n - 1][0] != k - 1  # a blank line before it
        if n > 0 and (other or ALGORITMO_OPENING.match(text) or (
                starts_cell and _LOWER_START.match(text) and _states_condition(_paragraph(before, n)))):
            other.append((k, text))
        else:
            name.append(text)
    rest = list(after)
    if rest and _NEW_FLOW.match(rest[0][1]):
        name.append(rest[0][1])
        n = 1
        while n < len(rest) and rest[n][0] == rest[n - 1][0] + 1 and not _COUNT_START.match(rest[n][1]):
            name.append(rest[n][1])
            n += 1
        rest = rest[n:]
    return SplitName(join_wrapped(name), other, rest, None)


def _paragraph(pieces: list[TextPiece], n: int) -> str:
    """The text of piece n and the pieces on the lines right after it (no blank line between)."""
    lines = [pieces[n][1]]
    while n + 1 < len(pieces) and pieces[n + 1][0] == pieces[n][0] + 1:
        n += 1
        lines.append(pieces[n][1])
    return " ".join(lines)


def _states_condition(text: str) -> bool:
    """A comparison symbol, or an operator word right before a date ("entro il 31/12/2019")."""
    if _COMPARISON.search(text):
        return True
    for word in _WORD_START.finditer(text):
        operator, rest = parse_operator(text[word.start():])
        if operator and DATE_RE.match(rest.lstrip()):
            return True
    return False
