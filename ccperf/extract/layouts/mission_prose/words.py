"""What every part of the mission_prose parser shares: the layout's profile, how a number is printed in its prose,
and what a count counts (the nouns of profiles/mission_prose.toml, each with the class restatements are linked by).
"""

from __future__ import annotations

import re

from ccperf.extract.numbers import WORD_NUMBER_RE, WORD_NUMBERS, parse_number
from ccperf.extract.profiles import load_profile
from ccperf.extract.text import (
    case_sensitive_twin,
    finditer_folded,
    fold_for_literals,
    match_folded,
    positions_of,
    search_folded,
)

PROFILE = load_profile("mission_prose")
_WIDTHS: dict[str, int] = PROFILE.table("line_widths")
PROSE_WIDTH = _WIDTHS["prose"]  # a longer line is prose: a heading on it shares it with a sentence
BULLET_WIDTH = _WIDTHS["bullet"]  # the same for a bullet line
HEADING_WIDTH = _WIDTHS["heading"]  # the longest heading
HEADING_LINE_WIDTH = _WIDTHS["heading_line"]  # the longest line that continues a heading
LABEL_WIDTH = _WIDTHS["label"]  # the longest label (of a list item, a table group, a years header)
TABLE_HEADER_WIDTH = _WIDTHS["table_header"]  # the longest line of column names
TABLE_LABEL_WIDTH = _WIDTHS["table_label"]  # the longest line of a wrapped row label
SPENDING_TITLE_WORDS = _WIDTHS["spending_title_words"]  # the most words in the title of a spending line

# A number as the prose prints it: "22.314", "1,87", "22314" (a year is told apart by its callers).
NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
YEAR = r"(?:19|20)\d\d"
AMOUNT = r"\d{1,3}(?:\.\d{3})*,\d{2}"  # an amount with cents: "1.865.646,87"
# A number standing alone: not glued to a word, a date, a code or another number (on either side). The patterns
# start with what a match starts with, a digit or the "n" of "n.7", and test the character before it after it
# ("\d(?<!X\d)": a digit not after X), so the regex engine skips ahead to digits instead of trying every position.
_GLUED_BEFORE = r"[\w/.,°^’'-]"
_NUMBER_END = r"(?![\w/°^]|[.,]\d)"
_LONE_NUMBER = re.compile(
    rf"\d(?<!{_GLUED_BEFORE}\d)(?:\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)?|\d*(?:,\d+)?){_NUMBER_END}", re.I)
_NUMBERED = re.compile(rf"n(?<!{_GLUED_BEFORE}n)[.°]?\s*(?P<num>{NUM}){_NUMBER_END}", re.I)  # "n.7 imprese"
# "n.7" where the number does not stand alone ("-n.7", "n .7"): still a number after "n" ("\bn" written "n(?<!\wn)").
NUMBER_AFTER_N = re.compile(rf"n(?<!\wn)\s*[.°]?\s*(?P<num>{NUM}){_NUMBER_END}", re.I)
_N_NUMBER = re.compile(r"n(?<!\wn)\s*[.°]\s*\d", re.I)
_ANY_DIGIT = re.compile(r"\d")


def template(text: str) -> str:
    """A sentence template of the profile with its placeholders filled: {num}, {year}, {amount}."""
    return text.replace("{num}", NUM).replace("{year}", YEAR).replace("{amount}", AMOUNT)


def profile_regex(key: str, entry: str | None = None, flags: int = re.I) -> re.Pattern[str]:
    """The profile's sentence template `key` (or the template `entry` of the table `key`), compiled."""
    text = PROFILE.table(key)[entry] if entry is not None else PROFILE.value(key)
    return re.compile(template(text), flags)


_LEAD = re.compile(r"^(?:\^|\\b|\\s\*)*(?P<word>[a-zà-ù]+)(?P<next>.?)")


def leading_word(pattern: re.Pattern[str]) -> str | None:
    """The lower-case word every match of a case-insensitive template starts with ("tempo" for r"tempo\\s+medio"),
    None when it starts otherwise: `word in sentence.lower()` is a cheap test before the scan."""
    m = _LEAD.match(pattern.pattern)
    if m is None or _top_level_alternation(pattern.pattern):
        return None
    word = m.group("word")[:-1] if m.group("next") in ("?", "*", "{") else m.group("word")
    return word if len(word) >= 4 else None


def _top_level_alternation(pattern: str) -> bool:
    """Whether a pattern has a "|" outside its groups and classes (then its matches may start otherwise)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def number_value(raw: str) -> float | None:
    """The value of a number as the prose prints it (spaces inside a group dropped: "22 314")."""
    return parse_number(raw.replace(" ", ""))


# -- what a count counts -------------------------------------------------------------------------------------------
NOUN_CLASSES: dict[str, str] = PROFILE.table("counted_nouns")  # class → alternation of nouns
_NOUN_PATTERNS = tuple((re.compile(nouns, re.I), kind) for kind, nouns in NOUN_CLASSES.items())
_NOUN_ALT = "|".join(NOUN_CLASSES.values())
NOUN_RE = re.compile(rf"(?P<noun>{_NOUN_ALT})(?![\w’'])", re.I)
NOUN_BEFORE = re.compile(rf"\b(?P<noun>{_NOUN_ALT})\s*$", re.I)


def noun_class(text: str) -> str:
    """The class of the first counted noun in `text` ("firms", "events", ...), "other" when there is none."""
    m = NOUN_RE.search(text or "")
    if not m:
        return "other"
    noun = m.group("noun").lower()
    for pattern, kind in _NOUN_PATTERNS:
        if pattern.fullmatch(noun):
            return kind
    return "other"


def number_tokens(text: str, folded: str | None) -> list[tuple[int, int, int]]:
    """The numbers standing alone in a text, in order, as (start, start of the digits, end): a leading "n." is
    part of the number ("n.7"). `folded` is fold_for_literals(text) (or None): the scans run on it."""
    numbered = [(m.start(), m.start("num"), m.end()) for m in finditer_folded(_NUMBERED, text, folded)]
    after_n = {digits for _, digits, _ in numbered}
    lone = [(m.start(), m.start(), m.end()) for m in finditer_folded(_LONE_NUMBER, text, folded)
            if m.start() not in after_n]
    return sorted(numbered + lone)


def has_count(text: str) -> bool:
    """A number followed by what it counts ("n.7 imprese", "23 domande")."""
    if not _ANY_DIGIT.search(text):
        return False  # both tests below need a digit
    folded = fold_for_literals(text)  # the case-insensitive patterns run as case-sensitive twins on it
    for start, digits, end in number_tokens(text, folded):
        rest = text[end:].lstrip()
        folded_rest = folded[len(text) - len(rest):] if folded is not None else None
        if start != digits or match_folded(NOUN_RE, rest, folded_rest):
            return True
    return search_folded(_N_NUMBER, text, folded) is not None


def may_start_with_digit(text: str) -> bool:
    """Whether the first non-blank character can be a digit (a cheap test before a pattern that needs one)."""
    first = text[:1]
    return first.isdigit() or first.isspace()


# The first words of the number words, none starting with another one ("un" finds "una", "uno" and "un solo"):
# every match of WORD_NUMBER_RE starts where one of them is printed.
_NUMBER_WORD_HEADS = sorted(head for head in {w.split()[0] for w in WORD_NUMBERS}
                            if not any(other != head and head.startswith(other) for other in WORD_NUMBERS))
_WORD_NUMBER_TWIN = case_sensitive_twin(WORD_NUMBER_RE)


def number_word_starts(folded: str) -> list[int]:
    """Where the first word of a number word is printed in a folded text (fold_for_literals), in order: each
    match of WORD_NUMBER_RE starts at one of them. A few str.find scans instead of the pattern's, which tries
    every position (a lookbehind first)."""
    return sorted(positions_of(folded, _NUMBER_WORD_HEADS))


def number_words(text: str, folded: str | None, starts: list[int]) -> list[re.Match[str]]:
    """WORD_NUMBER_RE.finditer(text) as a list; when `folded` (fold_for_literals(text)) is given, `starts` holds
    number_word_starts(folded) and the pattern is tried only there."""
    if folded is None or _WORD_NUMBER_TWIN is None:
        return list(WORD_NUMBER_RE.finditer(text))
    out: list[re.Match[str]] = []
    end = 0  # as finditer, the next match starts after the previous one
    for pos in starts:
        if pos >= end and (m := _WORD_NUMBER_TWIN.match(folded, pos)):
            out.append(WORD_NUMBER_RE.match(text, pos))  # same place and groups, in the original case
            end = m.end()
    return out
