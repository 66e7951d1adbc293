"""The prose of a block joined into one text, with the line of every offset, and its sentences."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ccperf.extract.layouts.mission_prose.initiatives import find_initiatives
from ccperf.extract.layouts.mission_prose.words import number_word_starts
from ccperf.extract.text import fold_for_literals
from ccperf.extract.vocab import ABBREVIATIONS

_SENTENCE_BREAK = re.compile(r"\n|[.;!?](?=\s+[A-ZÀ-Ý•●“\"(\-])")
_ABBREVIATION = re.compile(rf"(?:\b[A-Za-z]{{1,3}}|\b(?:{'|'.join(sorted(ABBREVIATIONS))})|\.[A-Z])\.$", re.I)


@dataclass(slots=True)
class ProseStream:
    """Lines of prose joined into one text; pieces are kept in a list and joined once when the text is read
    (appending to one growing string copies it every time). A piece is joined with a space, or with "\\n" where
    a list item or a paragraph starts (sentences never run across a "\\n")."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    last_char: str = ""  # the last non-whitespace character of the text ("" when none)
    lines: list[int] = field(default_factory=list)  # the line of each piece
    starts: list[int] = field(default_factory=list)  # its offset in the text
    _joined: str | None = None
    _folded: str | None = None
    _lower: str | None = None
    _sentences: list[tuple[int, int]] | None = None
    _word_starts: list[int] | None = None
    _initiatives: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = "".join(self.parts)
            self._folded = fold_for_literals(self._joined)
            self._lower = None
        return self._joined

    @property
    def lower(self) -> str:
        """text.lower(), computed once (every value read from a mission's prose may ask for it)."""
        text = self.text
        if self._lower is None:
            self._lower = text.lower()
        return self._lower

    @property
    def folded(self) -> str | None:
        """fold_for_literals(text): case-insensitive patterns are scanned as their case-sensitive twins on it."""
        _ = self.text
        return self._folded

    def add(self, line: int, text: str, sep: str = " ") -> None:
        # sep is whitespace: it never changes last_char
        if self.length:
            self.parts.append(sep)
            self.length += len(sep)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if stripped := text.rstrip():
            self.last_char = stripped[-1]
        self._joined = None
        self._sentences = None
        self._word_starts = None
        if self._initiatives:
            self._initiatives.clear()
        self.lines.append(line)
        self.starts.append(start)

    def sentences(self) -> list[tuple[int, int]]:
        """sentence_spans(text), computed once."""
        if self._sentences is None:
            self._sentences = sentence_spans(self.text)
        return self._sentences

    def number_word_starts(self) -> list[int]:
        """words.number_word_starts(folded) ([] when the text is not folded), computed once for all sentences."""
        if self._word_starts is None:
            folded = self.folded
            self._word_starts = number_word_starts(folded) if folded is not None else []
        return self._word_starts

    def initiatives(self, start: int, end: int) -> list[str]:
        """find_initiatives(text[start:end]), remembered: every value of a sentence asks about the same sentences."""
        key = (start, end)
        if key not in self._initiatives:
            self._initiatives[key] = find_initiatives(self.text[start:end])
        return self._initiatives[key]

    def sentences_between(self, start: int, end: int) -> list[tuple[int, int]]:
        """sentence_spans(text[start:end]) for a paragraph start (0 or just after a "\\n") and a sentence start
        `end`: the text's own sentences in between, shifted. A sentence break is decided by the characters just
        around it, and the break at `end` and every character a break test reads before `start` ("\\n" at
        start - 1 ends any abbreviation test) are the same in the slice, so the spans agree."""
        spans = self.sentences()
        lo = bisect.bisect_left(spans, (start, -1))
        hi = bisect.bisect_left(spans, (end, -1))
        return [(a - start, b - start) for a, b in spans[lo:hi]]

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]


def stream_of(lines: list[tuple[int, str]]) -> ProseStream:
    """A stream of (line number, text) pieces joined by spaces."""
    stream = ProseStream()
    for number, text in lines:
        stream.add(number, text)
    return stream


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans: at ". " / "; " before a capital, and at list-item breaks (newlines)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        # an abbreviation ends with "." right after a letter (a cheap test before the pattern)
        if m.group(0) == "." and text[m.start() - 1:m.start()].isalpha() and \
                _ABBREVIATION.search(text[max(0, m.start() - 6):m.end()]):
            continue
        end = m.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans
