"""Figures a plan states in its prose ("la CCIAA di Brescia conta 137 dipendenti", "disavanzo ... di € 7.522.396"),
found by the sentence templates of the profile (profiles/plan_cards.toml, `narrative_facts`) on the text with its
lines joined, so that a sentence wrapped over lines is found whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from ccperf.extract.document import Line
from ccperf.extract.numbers import NUMBER_RE, WORD_NUMBER_RE, collapse, parse_count
from ccperf.extract.text import finditer_folded, fold_for_literals

_SLOT = "{n}"
# A figure in a sentence: a number as printed, or a number word ("tre obiettivi strategici").
_FIGURE = rf"(?P<v>{NUMBER_RE.pattern}|{WORD_NUMBER_RE.pattern})"


@dataclass(frozen=True)
class Sentence:
    """One template of a fact: the pattern (lower case, read on the folded text) and a literal it always holds."""

    fact: str
    pattern: re.Pattern[str]
    needs: str  # lower-case text every match holds (right after the figure when the sentence starts with it)
    figure_first: bool
    value: float | None  # the figure of a sentence printing none
    unit: str | None
    negative: bool
    every: bool  # every match counts, not only the first
    in_card: bool
    label: bool  # printed as a label: quoted alone


def _joint(left: str, right: str) -> str:
    """The space between two words of a template: one space between words (the joined text has no other
    whitespace), an optional one next to a symbol ("= 100", "€ 7.522.396", "(f.t.e.) 129")."""
    def word_edge(ch: str) -> bool:
        return ch.isalnum() or ch in "{}"  # the figure's slot reads as a word
    return " " if word_edge(left[-1]) and word_edge(right[0]) else " ?"


def _sentence(fact: str, template: str, spec: dict) -> Sentence:
    words = collapse(template).lower().split(" ")
    source = ""
    for i, word in enumerate(words):
        source += (_joint(words[i - 1], word) if i else "") + _FIGURE.join(re.escape(p) for p in word.split(_SLOT))
    figure_first = words[0] == _SLOT
    if figure_first:  # the words right after the figure, as long as single spaces join them
        end = next((k for k in range(2, len(words)) if _joint(words[k - 1], words[k]) != " " or _SLOT in words[k]),
                   len(words))
        needs = " ".join(words[1:end])
    else:
        needs = max((w for w in words if _SLOT not in w), key=len, default="")
    return Sentence(fact, re.compile(source, re.I), needs, figure_first, spec.get("value"), spec.get("unit"),
                    bool(spec.get("negative")), bool(spec.get("all")), bool(spec.get("in_card")), bool(spec.get("label")))


def sentences(table: dict[str, dict]) -> list[Sentence]:
    return [_sentence(fact, template, spec) for fact, spec in table.items() for template in spec["sentences"]]


class Prose:
    """The segment's non-blank lines joined, so phrases wrapped over lines can be matched.

    Every line is collapsed and lines are joined by one space, so the text has no other whitespace than single
    spaces.
    """

    def __init__(self, lines: Iterable[Line]):
        kept = [(line.number, text) for line in lines if (text := collapse(line.text))]
        self.numbers = [number for number, _ in kept]
        self.starts = list(accumulate((len(text) + 1 for _, text in kept), initial=0))[:-1]
        self.text = " ".join(text for _, text in kept)
        self.folded = fold_for_literals(self.text)

    def line_of(self, pos: int) -> int:
        return self.numbers[max(0, bisect.bisect_right(self.starts, pos) - 1)]

    def find(self, sentence: Sentence) -> list[tuple[re.Match[str], int]]:
        """The sentence's matches with their line (only the first unless it says every)."""
        if self.folded is not None and sentence.needs not in self.folded:
            return []
        found = []
        for m in self._matches(sentence):
            found.append((m, self.line_of(m.start())))
            if not sentence.every:
                break
        return found

    def _matches(self, sentence: Sentence) -> Iterator[re.Match[str]]:
        if not sentence.figure_first or self.folded is None:
            yield from finditer_folded(sentence.pattern, self.text, self.folded)
            return
        # A sentence starting with its figure: tried only at the word before each occurrence of the text after
        # it, not at every position of the text.
        at = self.folded.find(sentence.needs)
        while at >= 0:
            start = at - 1 if self.text[at - 1:at] == " " else at  # the figure ends before `needs`
            while start > 0 and (self.text[start - 1].isalnum() or self.text[start - 1] in "_.,"):
                start -= 1
            if m := sentence.pattern.match(self.text, start):
                yield m
            at = self.folded.find(sentence.needs, at + 1)

    def quote(self, sentence: Sentence, m: re.Match[str]) -> str:
        """The matched phrase with up to ~80 characters of its sentence before it, cut at a word (a label alone)."""
        if sentence.label:
            return m.group(0)
        start = max(self.text.rfind(". ", 0, m.start()) + 1, self.text.rfind("•", 0, m.start()) + 1, m.start() - 80)
        if start > 0 and self.text[start - 1] != " " and " " in self.text[start:m.start()]:
            start = self.text.index(" ", start) + 1
        return self.text[start:m.end()].strip()

    def value(self, sentence: Sentence, m: re.Match[str]) -> float | None:
        value = parse_count(m.group("v")) if sentence.pattern.groupindex.get("v") else sentence.value
        value = float(value) if value is not None else None
        return -value if value and sentence.negative else value
