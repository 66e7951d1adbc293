"""Values a sentence states, before they become readings: amounts granted, shares, average times, totals, and the
year each belongs to (a prior-year value becomes the baseline of the result it compares with).

The sentence templates (what an amount granted is preceded by, "pari al 96,63%", "tempo medio ... pari a 1,87
giorni", "contro le 20.324 del 2021", ...) are in profiles/mission_prose.toml.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ccperf.extract.layouts.mission_prose.words import (
    PROFILE,
    leading_word,
    number_value,
    number_word_starts,
    number_words,
    profile_regex,
)
from ccperf.extract.numbers import collapse
from ccperf.extract.text import finditer_folded
from ccperf.model import Reading

_MONEY_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+,\d{2}|\d+"
_MONEY = re.compile(
    rf"(?P<pre>(?:\beuro\s+)?(?:€\s*)+|\beuro\s+)(?P<num>{_MONEY_NUM})(?!\d|,\d)(?P<post>€)?"
    rf"|(?<![\d.,])(?P<num2>{_MONEY_NUM})\s*(?:euro\b|€(?!\s*\d))", re.I)
_GRANTED = PROFILE.pattern("money_granted")
_ALLOCATED = PROFILE.pattern("money_allocated")
_OBTAINED = PROFILE.pattern("money_obtained")
_GRANTED_AFTER = PROFILE.pattern("money_granted_after", r"^\s*{}")
_SHARE_OF_CASES = profile_regex("result_templates", "share_of_cases")
_AVERAGE_TIME = profile_regex("result_templates", "average_time")
LEGAL_TIME = profile_regex("result_templates", "legal_time")
_NONE_ADMITTED = profile_regex("result_templates", "none_admitted")
_LABELLED_VALUES = profile_regex("result_templates", "labelled_values", 0)
_TOTAL = profile_regex("result_templates", "total")
_COMPARISON = profile_regex("prior_year", "comparison")
_YEAR_MENTION = profile_regex("prior_year", "mention")
_COMMA_NUMBER = re.compile(r",\s+\d")
_MEASURES = PROFILE.table("measure_words")
_AVERAGE_TIME_WORD, _NONE_ADMITTED_WORD, _TOTAL_WORD = map(leading_word, (_AVERAGE_TIME, _NONE_ADMITTED, _TOTAL))


@dataclass(slots=True)
class Candidate:
    start: int  # stream offset of the number
    end: int  # end of the raw text
    value: float
    raw: str
    noun: str
    kind: str  # class of the thing counted, "money", "pct" or "time"
    unit: str
    sentence: tuple[int, int]
    year: int | None = None  # a year the sentence ties this value to (other than the report's)
    baseline: tuple[str, float] | None = None
    target: tuple[str, float, str, str] | None = None
    reading: Reading | None = None
    noun_after: bool = True  # the counted noun follows the number ("32 imprese"), not "sono 321" / "protocolli 25.789"
    measure: str | None = None  # what is counted, as composed for the name


@dataclass(slots=True)
class Sentence:
    """One sentence of a stream: its span, and the spans its values have taken (a number is read once)."""

    text: str  # the whole stream text
    folded: str | None  # the stream text folded by fold_for_literals (None: scan case-insensitively)
    start: int
    end: int
    taken: list[tuple[int, int]] = field(default_factory=list)
    word_starts: list[int] | None = None  # number_word_starts(folded) of the stream, when known
    sent: str = field(init=False)
    fsent: str | None = field(init=False)
    low: str = field(init=False)

    def __post_init__(self) -> None:
        self.sent = self.text[self.start:self.end]
        self.fsent = self.folded[self.start:self.end] if self.folded is not None else None
        self.low = self.fsent if self.fsent is not None else self.sent.lower()  # for cheap tests of words

    def scan(self, pattern: re.Pattern[str], word: str | None) -> Iterator[re.Match[str]]:
        """The matches of a case-insensitive template in the sentence; none when `word`, the word its matches start
        with (words.leading_word), is not in it: a substring test instead of a scan."""
        if word is not None and word not in self.low:
            return iter(())
        return finditer_folded(pattern, self.sent, self.fsent)

    def number_words(self) -> list[re.Match[str]]:
        """WORD_NUMBER_RE's matches in the sentence, tried where the stream prints a number word."""
        if self.fsent is None:
            return number_words(self.sent, None, [])
        if self.word_starts is None:
            return number_words(self.sent, self.fsent, number_word_starts(self.fsent))
        starts, offset = self.word_starts, self.start
        lo, hi = bisect.bisect_left(starts, offset), bisect.bisect_left(starts, self.end)
        return number_words(self.sent, self.fsent, [pos - offset for pos in starts[lo:hi]])

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def fold(self, start: int, end: int) -> str | None:
        return self.folded[start:end] if self.folded is not None else None

    def free(self, a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in self.taken)

    def candidate(self, start: int, end: int, value: float | None, raw: str, noun: str, kind: str,
                  unit: str) -> Candidate:
        """A value of this sentence, its span taken."""
        self.taken.append((start, end))
        return Candidate(start, end, value or 0.0, raw, noun, kind, unit, self.span)


def _money_decision(window: str, folded: str | None) -> bool | None:
    """The cue nearest before an amount decides: granted (contributi, concessi...) or allocated/spent."""
    last_pos, last = -1, None
    for m in finditer_folded(_GRANTED, window, folded):
        if m.start() > last_pos:
            last_pos, last = m.start(), True
    for m in finditer_folded(_ALLOCATED, window, folded):
        if m.start() > last_pos:
            last_pos, last = m.start(), False
    return last


def money(s: Sentence) -> list[Candidate]:
    """Amounts granted ("ammesse al contributo per € 114.286,10"); allocations, costs and grants the chamber
    obtained are read (so their numbers are not counts) but are no results."""
    text, out = s.text, []
    if "€" not in s.sent and "euro" not in s.low:
        return out
    obtained = [m.end() + s.start for m in finditer_folded(_OBTAINED, s.sent, s.fsent)]
    prev_decision: bool | None = None
    prev_end = s.start
    for m in finditer_folded(_MONEY, s.sent, s.fsent):
        a, b = m.start() + s.start, m.end() + s.start
        s.taken.append((a, b))
        value = number_value(m.group("num") or m.group("num2"))
        if value is None:
            continue
        w_start = max(prev_end, a - 140)
        decision = _money_decision(text[w_start:a], s.fold(w_start, a))
        if decision is None:
            decision = True if _GRANTED_AFTER.match(text[b:b + 40]) else prev_decision
        if any(p <= a for p in obtained):
            decision = False
        prev_decision, prev_end = decision, b
        if decision:
            start = a + (m.start("num") - m.start() if m.group("num") else 0)
            out.append(Candidate(start, b, value, collapse(text[a:b]), _MEASURES["amount"], "money", "EUR", s.span))
    return out


def shares_of_cases(s: Sentence) -> list[Candidate]:
    """"nel 65% dei casi"."""
    out: list[Candidate] = []
    for m in finditer_folded(_SHARE_OF_CASES, s.sent, s.fsent) if "%" in s.sent else ():
        a, b = m.start() + s.start, m.end() + s.start
        if s.free(a, b):
            out.append(s.candidate(a, b, number_value(m.group("num")), collapse(m.group(0)), _MEASURES["cases"],
                                   "pct", "%"))
    return out


def specials(s: Sentence, cands: list[Candidate]) -> None:
    """Average times (with the legal limit as target), "risultate non ammissibili" (zero admitted),
    "– CNS, 3.019 e Digital DNA, 500 –" and the "complessivamente 3.519" that sums them."""
    sent, start = s.sent, s.start
    for m in s.scan(_AVERAGE_TIME, _AVERAGE_TIME_WORD):
        a = m.start("num") + start
        if not s.free(a, a + len(m.group("num"))):
            continue
        cand = s.candidate(a, m.end() + start, number_value(m.group("num")), collapse(sent[m.start("num"):m.end()]),
                           f"{_MEASURES['average_time']} {collapse(m.group('what'))}", "time", "gg")
        if tm := LEGAL_TIME.search(sent, m.end()):
            cand.target = (legal_limit(tm), number_value(tm.group("num")) or 0.0, "<=", "gg")
        cands.append(cand)
    for m in s.scan(_NONE_ADMITTED, _NONE_ADMITTED_WORD):
        cands.append(Candidate(m.start() + start, m.end() + start, 0.0, collapse(m.group(0)),
                               _MEASURES["none_admitted"], "admitted", "N.", s.span))
    for m in _LABELLED_VALUES.finditer(sent) if _COMMA_NUMBER.search(sent) else ():  # what it needs
        a = m.start("num") + start
        if s.free(a, a + len(m.group("num"))):
            cands.append(s.candidate(a, a + len(m.group("num")), number_value(m.group("num")),
                                     f"{m.group('label')}, {m.group('num')}", m.group("label"), "outputs", "N."))
    for m in s.scan(_TOTAL, _TOTAL_WORD):
        a = m.start("num") + start
        if s.free(a, a + len(m.group("num"))) and cands:
            cands.append(s.candidate(a, a + len(m.group("num")), number_value(m.group("num")),
                                     collapse(m.group(0)), _MEASURES["total"], "outputs", "N."))


def legal_limit(m: re.Match[str]) -> str:
    """"termine di 5 giorni" → "<= 5 giorni" (the raw text of a legal time limit as a target)."""
    return f"<= {collapse(m.group(0)[m.start('num') - m.start():])}"


class Baselines:
    """Ties values to other years ("nel 2021 ... 7.386 certificati") and prior-year values to results; remembers
    the shares of the previous sentence ("- a fronte del 97,23% del 2021 -" may follow the sentence of its share)."""

    def __init__(self, year: int | None):
        self.year = year
        self.last_shares: list[Candidate] = []

    def read(self, s: Sentence, cands: list[Candidate]) -> None:
        if "19" not in s.sent and "20" not in s.sent:
            self.last_shares = [c for c in cands if c.kind == "pct"] or self.last_shares
            return  # both templates name a year
        comparisons = list(finditer_folded(_COMPARISON, s.sent, s.fsent))
        spans = [(m.start(), m.end()) for m in comparisons]
        mentions = [(m.start() + s.start, int(m.group("year"))) for m in finditer_folded(_YEAR_MENTION, s.sent, s.fsent)
                    if not any(a <= m.start() < b for a, b in spans)]
        for cand in cands:
            before = [y for pos, y in mentions if pos < cand.start]
            if before and before[-1] != self.year:
                cand.year = before[-1]
        for cand in cands:
            if self.year is not None and cand.year == self.year - 1:
                self.prior_year_value(cand, cands)
        for m in comparisons:
            self.comparison(m, s.start, cands)
        self.last_shares = [c for c in cands if c.kind == "pct"] or self.last_shares

    @staticmethod
    def prior_year_value(prior: Candidate, cands: list[Candidate]) -> None:
        """A prior-year value with the same noun as a result of the year: its baseline."""
        for other in cands:
            if other.year is None and other.noun == prior.noun and other.kind == prior.kind and other.baseline is None:
                other.baseline = (prior.raw.split()[0] if prior.raw[:1].isdigit() else prior.raw, prior.value)
                break

    def comparison(self, m: re.Match[str], offset: int, cands: list[Candidate]) -> None:
        """"22.314 contro le 20.324 del 2021" / "512 a fronte delle 677 del 2021": the value before it."""
        pos = m.start() + offset
        pct = bool(m.group("pct"))
        prior = [c for c in cands if c.end <= pos + 1 and c.year is None and (c.kind == "pct") == pct]
        if prior:
            if prior[-1].baseline is None:
                prior[-1].baseline = (m.group("num") + ("%" if pct else ""), number_value(m.group("num")) or 0.0)
            return
        last = self.last_shares[-1] if self.last_shares and pct else None
        if last is not None and last.reading is not None and last.reading.baseline_value is None:
            # "La leggerissima flessione ... - a fronte del 97,23% del 2021 -": the previous sentence's share
            reading = last.reading
            reading.baseline_raw = f"{m.group('num')}%"
            reading.baseline_value = number_value(m.group("num"))
            reading.notes = (reading.notes + "; " if reading.notes else "") + \
                f"baseline = {m.group('year')} value printed in the next sentence ({m.group('num')}%)"
