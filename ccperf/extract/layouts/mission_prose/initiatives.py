"""The initiatives a result belongs to, named in the prose: "Bando Voucher Digitali I4.0 Lombardia Base 2022",
"Progetto “...”", "Concorso “Imprese di Valore”" (their kinds are words of profiles/mission_prose.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ccperf.extract.layouts.mission_prose.words import PROFILE
from ccperf.extract.numbers import collapse
from ccperf.extract.vocab import FUNCTION_WORDS, slug

_PARTS = PROFILE.table("initiatives")
_INITIATIVE = re.compile(rf"(?P<kind>{_PARTS['kind']})\s+(?P<rest>(?:[^.;:()€]|\.(?=\S)){{3,120}})")
_WORDS = PROFILE.words("initiative_words")  # one is in every match
# Where a match of _INITIATIVE can start: its leading \b and lookbehinds keep the regex engine from skipping ahead.
_START = re.compile(_PARTS["start"])
_STOP = re.compile(_PARTS["stop"])
_HEAD = re.compile(_PARTS["head"])
_QUOTES = "“”\"«»"
_TRAILING_FUNCTION_WORDS = re.compile(rf"(?:\s+(?:{'|'.join(sorted(FUNCTION_WORDS, key=len, reverse=True))}))+$")
_SECTION_NOTE = re.compile(r"section: ([^;]*)")
_TRAILING_YEAR = re.compile(r"\s+(?:19|20)\d\d$")


def _matches(text: str) -> Iterator[re.Match[str]]:
    """_INITIATIVE.finditer(text), trying the pattern only where one of its words starts (match() at a position
    still reads the characters before it for \\b and the lookbehinds, as finditer does)."""
    pos = 0
    while start := _START.search(text, pos):
        if m := _INITIATIVE.match(text, start.start()):
            yield m
            pos = m.end()  # never empty: the name needs 3+ characters
        else:
            pos = start.start() + 1


def _name(m: re.Match[str]) -> str | None:
    """The name after an initiative's kind: quoted, else up to the first word that ends it (at most 8 words)."""
    rest = m.group("rest").strip()
    if rest[:1] in _QUOTES:
        close = re.search(r"[”\"»]", rest[1:])
        name = rest[1:close.start() + 1] if close else ""
    elif (close := re.search(r"[”»]", rest)) and "“" in rest[:close.start()] and close.start() < 80:
        name = rest[:close.end()]  # "Salone ... dei territori “il BonTà”che si è tenuto": up to the closing quote
    elif m.group("kind")[0].islower() and not rest[:1].isupper():
        return None  # "il bando è stato ...": a generic mention
    else:
        stop = _STOP.search(" " + rest)
        name = rest[:max(0, stop.start() - 1)] if stop else rest
        name = " ".join(name.split()[:8])
    name = _TRAILING_FUNCTION_WORDS.sub("", name.strip(" " + _QUOTES))
    return re.sub(f"[{_QUOTES}]", "", name) if sum(name.count(q) for q in _QUOTES) % 2 else name


def find_initiatives(text: str) -> list[str]:
    """Initiatives named in a text, in order, each as "<Kind> <name>"."""
    if not any(word in text for word in _WORDS):
        return []  # _INITIATIVE cannot match: a few substring tests instead of a scan
    out = []
    for m in _matches(text):
        name = _name(m)
        if name is not None and len(name) >= 3:
            kind = m.group("kind")
            out.append(collapse(kind[0].upper() + kind[1:] + " " + name))
    return out


def initiative_key(name: str, notes: str | None) -> str | None:
    """The initiative named in a reading's sentence (its name's head, not its section heading), to tie a
    restatement elsewhere."""
    head = name.rsplit(" - ", 1)[0]
    section = _SECTION_NOTE.match(notes or "")
    if not _HEAD.match(head) or section and section.group(1) == head:
        return None
    return _TRAILING_YEAR.sub("", slug(head))
