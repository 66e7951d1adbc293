"""The national registry of chambers of commerce (dbt seed chamber_registry, read here too): every chamber's names,
and how a name printed in a report is recognised.

A chamber is recognised by any of its registry names in any case and form: "MANTOVA", "La Spezia" / "della Spezia",
"Reggio nell'Emilia", "Chieti-Pescara" / "Chieti Pescara", "Cremona, Mantova e Pavia", after "Camera di Commercio
[, Industria, Artigianato e Agricoltura] di", "CCIAA" or "C.C.I.A.A.". The longest name wins ("Reggio Emilia"
over "Emilia", "Riviere di Liguria - Imperia La Spezia Savona" over "La Spezia"). A name the registry does not
hold is returned as unknown, with its text: it is never made into a new chamber silently.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ccperf.extract.text import without_accents

REGISTRY_FILE = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "chamber_registry.csv"

# "Camera di Commercio", its long official form, "CCIAA" / "C.C.I.A.A.", then "di", "della", "dell'"...
CHAMBER_WORDS = (r"(?:camera\s+di\s+commercio(?:\s*,?\s*industria\s*,?\s*artigianato\s*,?\s*e\s+agricoltura)?"
                 r"|c\.\s*c\.\s*i\.\s*a\.\s*a\.?|cciaa)")
_ARTICLE = r"(?:(?:dell['’]|della|delle|dello|degli|dei|del|di|d['’])\s*)?"  # the longest first
_SEPARATOR = r"(?:\s*['’]\s*|\s*[-–—/,]\s*|\s+)(?:(?:e|ed)\s+)?"
_JOIN = re.compile(r"(?:[ \t]*[-–—,][ \t]*|[ \t]+)(?:(?:e|ed)[ \t]+)?", re.I)  # between the names of a merger
# An unknown name: capitalised words ("Xyz", "XYZ VALLE"), matched case-sensitively.
_UNKNOWN_NAME = re.compile(r"(?-i:[A-ZÀ-Ý][A-Za-zÀ-ÿ'’]{2,}(?:[ \t]*[-–][ \t]*[A-ZÀ-Ý][A-Za-zÀ-ÿ'’]{2,}|[ \t]+"
                           r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’]{2,}){0,3})")
_NOT_NAMES = {"industria", "artigianato", "agricoltura", "italiane", "italiana", "il", "la", "le", "del", "della",
              "nell", "in", "e", "che", "per", "con", "piano", "relazione", "pagina", "anno", "performance"}


@dataclass(frozen=True)
class Chamber:
    chamber_id: str
    short_name: str
    official_name: str
    names: tuple[str, ...]  # every printed form: short name, other names, the official name's tail
    province_codes: tuple[str, ...]
    region: str
    valid_from: str | None
    valid_to: str | None
    successor_id: str | None
    is_merged: bool
    certainty: str


@dataclass(frozen=True)
class NameMatch:
    chamber: Chamber | None  # None: a name the registry does not hold
    printed: str  # as printed
    start: int
    end: int

    @property
    def name(self) -> str:
        """The registry's short name, or the printed name tidied (for an unknown chamber)."""
        return self.chamber.short_name if self.chamber else (tidy_unknown(self.printed) or self.printed)


def _name_pattern(name: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", without_accents(name))
    if not words:
        return None
    return _SEPARATOR.join(re.escape(w) for w in words)


class Registry:
    def __init__(self, chambers: list[Chamber]):
        self.chambers = {c.chamber_id: c for c in chambers}
        by_pattern: dict[str, Chamber] = {}
        for chamber in chambers:
            for name in chamber.names:
                pattern = _name_pattern(name)
                if pattern and pattern not in by_pattern:  # the first chamber listing a form keeps it
                    by_pattern[pattern] = chamber
        # longest alternatives first: at one position the regex takes the first that matches
        ordered = sorted(by_pattern, key=len, reverse=True)
        self._chamber_of = [by_pattern[p] for p in ordered]
        alternation = "|".join(f"(?P<n{i}>{p})" for i, p in enumerate(ordered))
        self._name = re.compile(rf"(?<![^\W\d_])(?:{alternation})(?![^\W\d_])", re.I)
        self._after_words = re.compile(rf"{CHAMBER_WORDS}\s*,?\s*{_ARTICLE}", re.I)

    def chamber(self, chamber_id: str | None) -> Chamber | None:
        return self.chambers.get(chamber_id) if chamber_id else None

    def named(self, name: str | None) -> Chamber | None:
        """The chamber whose registry name is exactly `name` (any case and form), if any."""
        if not name:
            return None
        match = self.name_at(name.strip(), 0)
        return match.chamber if match and match.end == len(name.strip()) else None

    def _single_at(self, text: str, folded: str, pos: int) -> NameMatch | None:
        m = self._name.match(folded, pos)
        if not m:
            return None
        index = int(m.lastgroup[1:])  # type: ignore[index]
        return NameMatch(self._chamber_of[index], text[m.start():m.end()], m.start(), m.end())

    def name_at(self, text: str, pos: int) -> NameMatch | None:
        """The chamber named at `pos` of `text`: the longest registry name there; several chamber names joined
        ("Cremona - Lecco - Pavia") are the merged chamber of exactly those, or an unknown merged chamber."""
        folded = without_accents(text)
        if len(folded) != len(text):  # NFKD changed the length: match on the text itself
            folded = text
        first = self._single_at(text, folded, pos)
        if first is None:
            return None
        parts, end = [first], first.end
        while (sep := _JOIN.match(folded, end)) and (part := self._single_at(text, folded, sep.end())):
            parts.append(part)
            end = part.end
        if len(parts) == 1:
            return first
        ids = {p.chamber.chamber_id for p in parts if p.chamber}
        merged = next((c for c in self.chambers.values()
                       if c.is_merged and {p.chamber_id for p in self.predecessors(c.chamber_id)} == ids), None)
        if merged is not None:
            return NameMatch(merged, text[pos:end], pos, end)
        names = "-".join(p.chamber.short_name for p in parts if p.chamber)
        return NameMatch(None, names, pos, end)

    def after_chamber_words(self, text: str) -> list[NameMatch]:
        """Every chamber named after "Camera di Commercio (di)" / "CCIAA" in `text`, known or not."""
        out = []
        for words in self._after_words.finditer(text):
            match = self.name_at(text, words.end())
            if match is None:
                unknown = _UNKNOWN_NAME.match(text, words.end())
                name = unknown and tidy_unknown(unknown.group(0))
                if name:
                    match = NameMatch(None, unknown.group(0), unknown.start(), unknown.end())
            if match is not None:
                out.append(match)
        return out

    def successor_chain(self, chamber_id: str) -> list[Chamber]:
        """The chambers `chamber_id` merged into, one after the other (empty when it still exists)."""
        chain, seen = [], {chamber_id}
        current = self.chambers.get(chamber_id)
        while current and current.successor_id and current.successor_id not in seen:
            seen.add(current.successor_id)
            current = self.chambers.get(current.successor_id)
            if current:
                chain.append(current)
        return chain

    def predecessors(self, chamber_id: str) -> list[Chamber]:
        return [c for c in self.chambers.values() if c.successor_id == chamber_id]


def tidy_unknown(raw: str) -> str | None:
    """An unknown name as capitalised words, trailing function words dropped; None when nothing is left."""
    words = raw.split()
    while words and words[-1].lower() in _NOT_NAMES:
        words.pop()
    if not words or words[0].lower() in _NOT_NAMES:
        return None
    return " ".join(w.capitalize() if w.isupper() else w for w in words)


def _names(row: dict[str, str]) -> tuple[str, ...]:
    names = [row["short_name"], *(n for n in row["other_names"].split("|") if n.strip())]
    tail = re.sub(rf"^\s*{CHAMBER_WORDS}\s*,?\s*{_ARTICLE}", "", row["official_name"], flags=re.I).strip()
    if tail:
        names.append(tail)
    if "-" in row["short_name"]:  # "Cremona-Mantova-Pavia" also printed "Cremona, Mantova e Pavia"
        parts = [p.strip() for p in row["short_name"].split("-")]
        names.append(", ".join(parts[:-1]) + " e " + parts[-1])
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def load_registry(path: Path = REGISTRY_FILE) -> Registry:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    chambers = [Chamber(
        chamber_id=row["chamber_id"], short_name=row["short_name"], official_name=row["official_name"],
        names=_names(row), province_codes=tuple(p for p in row["province_codes"].split("|") if p),
        region=row["region"], valid_from=row["valid_from"] or None, valid_to=row["valid_to"] or None,
        successor_id=row["successor_id"] or None, is_merged=row["is_merged"].strip().lower() == "true",
        certainty=row["certainty"]) for row in rows]
    return Registry(chambers)


@cache
def registry() -> Registry:
    return load_registry()
