"""What one printed line of a wrapped table says: where a cell starts, whether a line wraps on into the next one,
and where the Tipo cell is.

Blank lines are left out of the tables (a converter may drop or double them): a line only remembers whether one
came before it, as a hint. Cells are told apart by what the lines print: a cell starts with a capital letter or a
number, its continuation lines do not; a line wraps on into the next one when it does not end a sentence and the
next word would not have fit on it (so a line stopping short of its column's width ends an item).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from ccperf.extract.layouts.wrapped_cells import words as w
from ccperf.extract.numbers import split_measure

_LOWER_LETTER = re.compile(r"[a-zà-ù]")
# Where a Tipo can start: capitals opening with one of the Tipo values' initials, as many as the shortest Tipo
# word has (up to four: a Tipo split mid-word shows at least four), at the start of a word (checked apart: a
# pattern opening with a character set is scanned fast).
_TIPO_START = re.compile(rf"[{''.join(sorted(w.TIPO_INITIALS))}]"
                         rf"[A-ZÀ-Ý]{{{min(4, *(len(t.split()[0]) for t in w.TIPI)) - 1}}}")
_CLOSING = (".", ")", ":", ";")


@dataclass(slots=True)
class Printed:
    """A non-blank line of a table, as printed (trailing spaces kept: a word split mid-way shows as a line
    without one)."""

    number: int
    text: str
    after_gap: bool = False  # a blank line came before it: a hint that a new cell starts, never required

    @property
    def width(self) -> int:
        return len(self.text.rstrip())

    @property
    def indented(self) -> bool:
        """Printed after a leading space: the cell before it on the printed line is empty."""
        return self.text[:1] == " "


def joined(lines: Sequence[Printed]) -> str:
    return " ".join(" ".join(p.text.split()) for p in lines).strip()


def first_word(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[0] if parts else ""


def is_titlecase(word: str) -> bool:
    """A capitalised word ("Referti"); an acronym ("OIV", "COVID") is not one."""
    return word[:1].isupper() and any(c.islower() for c in word[1:])


def opens_lowercase(text: str) -> bool:
    return text.lstrip()[:1].islower()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_CLOSING)


def wraps_into(previous: str, text: str, width: int) -> bool:
    """`text` can be the wrapped continuation of `previous` in a column of about `width` characters: `previous`
    does not end a sentence and the first word of `text` would not have fit on it."""
    return not ends_sentence(previous) and len(previous.rstrip()) + 1 + len(first_word(text)) > width


def ends_item(line: Printed, following: Printed) -> bool:
    """`line` ends its item and `following` starts another: it ends a sentence, or stops with room left in the
    description column for the next word, and `following` opens with a capitalised word."""
    if not is_titlecase(first_word(following.text)):
        return False
    return ends_sentence(line.text) or not wraps_into(line.text, following.text, w.DESCRIPTION_WRAP)


def is_status(line: Printed) -> bool:
    return bool(w.STATUS_LINE.match(line.text))


def opens_count(text: str) -> bool:
    """A cell that opens with a number, after the count mark if printed ("N° 40 dipendenti", "14 istituti")."""
    return split_measure(w.COUNT_MARK.sub("", text, count=1)) is not None


def names_metric(text: str) -> bool:
    """A metric name of a list row: the count mark and a word ("N° riunioni"), or the mark alone."""
    return bool(w.COUNT_MARK.match(text)) and not opens_count(text)


# -- the Tipo cell -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TipoMatch:
    tipo: str
    prefix: str  # the description printed before the Tipo on its line ("" when printed on the lines above)
    line_index: int  # index of the line where the Tipo starts
    end_index: int  # index of the line where it ends (a long Tipo wraps over lines)
    rest: str  # text after the Tipo on its last line: the target, maybe the actual and the Note
    printed: str = ""  # as printed, lines joined by " / "

    @property
    def split_words(self) -> bool:
        return self.end_index > self.line_index


def lines_with_tipo_start(texts: Sequence[str]) -> list[int]:
    """The indexes of the lines where a Tipo can start (one scan of the whole table)."""
    joined_text = "\n".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
    found: list[int] = []
    for p in _tipo_starts(joined_text):
        i = bisect_right(starts, p) - 1
        if not found or found[-1] != i:
            found.append(i)
    return found


def _tipo_starts(text: str) -> Iterator[int]:
    for m in _TIPO_START.finditer(text):
        p = m.start()
        if p == 0 or text[p - 1].isspace():
            yield p


def find_tipo(texts: Sequence[str], i: int = 0) -> TipoMatch | None:
    """The Tipo cell starting on line i: at its start, or after a one-line description ("Bando FAICREDITO
    SUPPORTO" / "DIRETTO" / ...)."""
    line = texts[i]
    for p in _tipo_starts(line):
        prefix, s = line[:p].strip(), line[p:]
        if p and (not _LOWER_LETTER.search(prefix) or len(prefix) > w.DESCRIPTION_WIDTH):
            continue  # a description is ordinary text, never an upper-case remark
        if m := _match_tipo_at(s, texts, i):
            tipo, end_index, rest = m
            printed = " / ".join(t.strip() for t in [s, *texts[i + 1:end_index + 1]])
            return TipoMatch(tipo, prefix, i, end_index, rest, printed)
    return None


def _match_tipo_at(s: str, texts: Sequence[str], i: int) -> tuple[str, int, str] | None:
    if s[:1] not in w.TIPO_INITIALS:
        return None
    for tipo in w.TIPI:
        if s.startswith(tipo) and (len(s) == len(tipo) or s[len(tipo)].isspace()):
            return tipo, i, s[len(tipo):].strip()
    stripped = s.strip()
    if len(stripped) < 4 or not stripped.isupper():
        return None
    for tipo in w.TIPI:
        if tipo.startswith(stripped) and tipo != stripped:
            done = _extend(stripped, s, texts[i + 1:], tipo)
            if done is not None:
                used, rest = done
                return tipo, i + used, rest
    return None


def _extend(acc: str, previous: str, following: Sequence[str], tipo: str) -> tuple[int, str] | None:
    """Append the next lines to a partial Tipo: without a space after a line printed without a trailing space
    (a word split mid-way: "ORGANIZZATI" / "VO")."""
    for used, raw in enumerate(following, start=1):
        frag = raw.strip()
        if not frag:
            return None
        glues = ("", " ") if not previous.endswith(" ") else (" ", "")
        for glue in glues:
            cand = acc + glue + frag
            if cand == tipo:
                return used, ""
            if cand.startswith(tipo + " "):
                return used, cand[len(tipo):].strip()
            if tipo.startswith(cand):
                acc = cand
                break
        else:
            return None
        previous = raw
    return None


# -- cells printed on one line ----------------------------------------------------------------------------------
def take_cell(text: str) -> tuple[str | None, str]:
    """The first cell of a line where several cells run together: a measure, or words up to the next cell.

    A text cell ends where the next capitalised word starts ("Referti OIV Referti regolari Fonte ..."): cells
    start with a capital letter; acronyms (OIV) do not count.
    """
    s = text.strip()
    if not s:
        return None, ""
    if measured := split_measure(s):
        return measured[0].raw, measured[1]
    words = s.split()
    for k, word in enumerate(words[1:], start=1):
        if is_titlecase(word):
            return " ".join(words[:k]), " ".join(words[k:])
    return s, ""


def take_value(text: str) -> tuple[str | None, str]:
    """The Valore Raggiunto cell at the start of `text` and what follows it (the Note): a measure runs on with
    the lower-case words after it ("35,28% da", "> 80% (come"), a text cell up to the next capitalised word."""
    measured = split_measure(text)
    if measured is None:
        return take_cell(text)
    raw, tail = measured[0].raw, measured[1].split()
    k = 0
    while k < len(tail) and (tail[k][:1].islower() or tail[k][:1] == "("):
        k += 1
    return " ".join([raw or "", *tail[:k]]), " ".join(tail[k:])
