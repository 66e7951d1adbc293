"""Counts in a sentence: a number (in digits or in words) and what it counts.

The noun usually follows the number ("32 imprese", "9 le iniziative", "tre procedure"); else a sentence template
of profiles/mission_prose.toml says what it counts: "di cui 18 sono state ammesse", "2 per ogni Camera", "sono
state complessivamente 512" (the subject printed before), "per 21.562 su complessive 22314 pratiche", "22.314
contro le 20.324 del 2021", "– protocolli 25.789 comprensivi ...". Requirements ("almeno sei incontri") and
numbered items ("1 Progetto ...") are no counts; "un"/"una" are articles except before the profile's one-nouns.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ccperf.extract.layouts.mission_prose.candidates import Candidate, Sentence
from ccperf.extract.layouts.mission_prose.words import (
    NOUN_BEFORE,
    NOUN_RE,
    NUMBER_AFTER_N,
    PROFILE,
    YEAR,
    noun_class,
    number_tokens,
    number_value,
    profile_regex,
    template,
)
from ccperf.extract.numbers import collapse, parse_word_number
from ccperf.extract.text import finditer_folded, match_folded, search_folded
from ccperf.extract.vocab import DEFINITE_ARTICLES, FUNCTION_WORDS, MONTH_ABBREVIATIONS, MONTHS

_YEAR_NUMBER = re.compile(YEAR)
_ANY_DIGIT = re.compile(r"\d")
_MONTH = "|".join(sorted((*MONTHS, *MONTH_ABBREVIATIONS), key=len, reverse=True))
_DATE_AFTER = re.compile(rf"^\s*(?:(?:{_MONTH})\.?\b|/|°|\^)", re.I)  # "7 giu", "5/1", "12°": a date, no count
_FILLER_WORD = re.compile(r"^\s*(?:(?P<filler>[a-zà-ù’']+)\s+)?")
_FILLERS = DEFINITE_ARTICLES | set(PROFILE.words("count_fillers"))
_ONE_NOUNS = set(PROFILE.words("one_nouns"))
_PARTICIPLE_AFTER = profile_regex("count_templates", "participle_after")
_PER_EACH = profile_regex("count_templates", "per_each")
_PER_EACH_CLASS = PROFILE.value("per_each_class")
_SUBJECT_BEFORE = profile_regex("count_templates", "subject_before")
_OUT_OF_TOTAL = profile_regex("count_templates", "out_of_total")
_NOUN_BEFORE_CUE = profile_regex("count_templates", "noun_before")
_COMPARISON_AFTER = re.compile(r"^\s*" + template(PROFILE.table("prior_year")["comparison"]), re.I)
_NOT_COUNTED_AFTER = PROFILE.pattern("not_counted_after", r"^\s*(?:{})", 0)
_REQUIREMENT = PROFILE.pattern("requirement_before", r"(?:{})\s*$")
_QUALIFIERS = PROFILE.pattern("count_qualifiers", r"(?:\b{}\s+)+$")
_ZERO_COUNTED = PROFILE.pattern("zero_count_nouns", r"^\s*{}")
_ENUMERATION_AFTER = re.compile(r"^\s*[.)]?\s+[A-ZÀ-Ý]")
_SHARE_OF_COUNT = profile_regex("result_templates", "share_of_count", 0)
_SHARE = PROFILE.table("measure_words")["share"]


class _Token(NamedTuple):
    start: int  # stream offsets of the number (with a leading "n." when printed)
    end: int
    value: float
    raw: str  # the number as printed
    is_word: bool


class _Noun(NamedTuple):
    noun: str
    end: int  # stream offset where the noun ends (the number's end when the noun is printed before it)
    kind: str | None


def _tokens(s: Sentence) -> list[_Token]:
    """The numbers of a sentence not yet taken: digits (not years, not dates), "n.7", and number words."""
    text, out = s.text, []
    digits = _ANY_DIGIT.search(s.sent) is not None  # both number patterns need one
    for start, a, b in number_tokens(s.sent, s.fsent) if digits else ():
        start, a, b = start + s.start, a + s.start, b + s.start
        num = text[a:b]
        if not s.free(a, b) or _YEAR_NUMBER.fullmatch(num) or _DATE_AFTER.match(text[b:b + 6]):
            continue
        if (value := number_value(num)) is not None:
            out.append(_Token(start, b, value, text[start:b], False))
    for m in finditer_folded(NUMBER_AFTER_N, s.sent, s.fsent) if digits else ():  # "n.7 imprese": glued to "n."
        a, b = m.start() + s.start, m.end() + s.start
        if s.free(a, b) and not any(t.start <= m.start("num") + s.start < t.end for t in out) and \
                (value := number_value(m.group("num"))) is not None:
            out.append(_Token(a, b, value, text[a:b], False))
    for m in s.number_words():
        a, b = m.start() + s.start, m.end() + s.start
        if s.free(a, b):
            out.append(_Token(a, b, parse_word_number(m.group("word")) or 0.0, m.group("word"), True))
    out.sort()
    return out


def _noun_after(s: Sentence, token: _Token) -> _Noun | None:
    """The counted noun right after the number, at most one filler word between ("9 le iniziative")."""
    after_end = min(s.end, token.end + 80)
    after, fafter = s.text[token.end:after_end], s.fold(token.end, after_end)
    words = _FILLER_WORD.match(after)
    filler = words.group("filler") if words else None
    for offset in (0, words.end() if filler and filler.lower().strip("’'") in _FILLERS else None):
        if offset is None:
            continue
        # lstrip() removes the same characters from the folded text (lower() keeps whitespace)
        nm = match_folded(NOUN_RE, after[offset:].lstrip(), fafter[offset:].lstrip() if fafter else None)
        if nm:
            lead = len(after[offset:]) - len(after[offset:].lstrip())
            noun = nm.group("noun")
            return _Noun(noun, token.end + offset + lead + nm.end(), noun_class(noun))
    return None


def _noun_by_template(s: Sentence, token: _Token) -> _Noun | None:
    """What a number counts when no noun follows it, from the templates around it."""
    a, b, text = token.start, token.end, s.text
    b_start, a_end = max(s.start, a - 40), min(s.end, b + 80)
    before, fbefore = text[b_start:a], s.fold(b_start, a)
    after, fafter = text[b:a_end], s.fold(b, a_end)
    if pm := match_folded(_PARTICIPLE_AFTER, after, fafter):
        return _Noun(pm.group("what"), b + pm.end(), "admitted")
    if pm := match_folded(_PER_EACH, after, fafter):
        return _Noun(collapse(pm.group(0)), b + pm.end(), _PER_EACH_CLASS)
    if not token.is_word and search_folded(_SUBJECT_BEFORE, before, fbefore):
        subject = search_folded(NOUN_RE, text[s.start:a], s.fold(s.start, a))
        if subject and not _NOT_COUNTED_AFTER.match(after):
            return _Noun(subject.group("noun"), b, noun_class(subject.group("noun")))
        return None
    if (su := match_folded(_OUT_OF_TOTAL, after, fafter)) and NOUN_RE.fullmatch(su.group("noun")):
        return _Noun(su.group("noun"), b, noun_class(su.group("noun")))
    if not token.is_word and match_folded(_COMPARISON_AFTER, after, fafter):
        n_start = max(s.start, a - 120)
        subject = list(finditer_folded(NOUN_RE, text[n_start:a], s.fold(n_start, a)))
        return _Noun(subject[-1].group("noun"), b, noun_class(subject[-1].group("noun"))) if subject else None
    if not token.is_word and _NOUN_BEFORE_CUE.match(after) and (pm := search_folded(NOUN_BEFORE, before, fbefore)):
        # "– protocolli 25.789 comprensivi ...": the noun printed before the number
        return _Noun(pm.group("noun"), b, noun_class(pm.group("noun")))
    return None


def _counted(s: Sentence, token: _Token) -> _Noun | None:
    """What a number counts, or None when it is no count (an article, a requirement, an enumeration)."""
    article = token.is_word and collapse(token.raw).lower() in FUNCTION_WORDS  # "un", "una", "uno"
    found = _noun_after(s, token)
    if article and (found is None or collapse(found.noun).lower() not in _ONE_NOUNS):
        return None
    found = found or _noun_by_template(s, token)
    if found is None:
        return None
    a, text = token.start, s.text
    b_start = max(s.start, a - 40)
    if search_folded(_REQUIREMENT, text[b_start:a], s.fold(b_start, a)):
        return None
    after = text[token.end:min(s.end, token.end + 80)]
    if (a == s.start or text[a - 1] == "\n") and _ENUMERATION_AFTER.match(after):
        return None  # "1 Progetto Agri-food ...": an enumeration, not a count
    if token.value == 0.0 and not _ZERO_COUNTED.match(after):
        return None
    return found


def counts(s: Sentence) -> list[Candidate]:
    """The counts of a sentence, and the share printed right after one ("(pari al 96,63%)")."""
    text, out = s.text, []
    for token in _tokens(s):
        found = _counted(s, token)
        if found is None:
            continue
        a, b = token.start, token.end
        b_start = max(s.start, a - 40)
        qual = search_folded(_QUALIFIERS, text[b_start:a], s.fold(b_start, a))
        raw_start = a - len(qual.group(0)) if qual else a
        end = max(b, found.end)
        out.append(s.candidate(a, end, token.value, collapse(text[raw_start:end]), collapse(found.noun).lower(),
                               found.kind or "other", "N."))
        out[-1].noun_after = found.end > b
        if pm := _SHARE_OF_COUNT.match(text[end:s.end]):
            pa, pb = end + pm.start("num"), end + pm.end()
            out.append(s.candidate(pa, pb, number_value(pm.group("num")), collapse(pm.group(0)).strip("() "),
                                   f"{_SHARE} {collapse(found.noun).lower()}", "pct", "%"))
    return out
