"""Figures the scorecard report states in its prose: counts of objectives by outcome, and context figures.

    ➤ **Obiettivi Strategici n. 24**                      a stated count (its level from the profile)
    di cui:
    - N. 22 raggiunto target definito al 100%            its breakdown by outcome (vocab.parse_outcome)
    - N. 2 non valutabili per mancanza dati ...

Context sentences ("imprese registrate ... pari a 44.573 unità, delle quali 39.723 attive") are templates of the
profile (profiles/scorecard_carried_cells.toml, `context_figures`): a key phrase, then a pattern whose named
groups are the facts it states (a `year` group gives their year).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ccperf.extract.numbers import parse_count, parse_number
from ccperf.extract.parser import StatedFact
from ccperf.extract.profiles import load_profile
from ccperf.extract.text import fold_for_literals
from ccperf.extract.vocab import parse_outcome

_PROFILE = load_profile("scorecard_carried_cells")
_LEVELS = {word.lower(): level for word, level in _PROFILE.table("stated_count_levels").items()}
_COUNT_LINE = re.compile(
    rf"(?:{_PROFILE.alternation('stated_count_lead')})\s+(?P<level>{_PROFILE.alternation('stated_count_levels')})"
    r"\s+n\.\s*(?P<n>\d+)", re.I)
_COUNT_BULLET = re.compile(r"^[-•*➤\s]*N\.\s*(?P<n>\d+)\s+(?P<text>.+)$")
_BREAKDOWN_LEAD = _PROFILE.pattern("count_breakdown_lead", r"^{}\b")


@dataclass(frozen=True)
class _Template:
    key: str  # lower-case text every sentence of the template holds (a cheap test first)
    after: re.Pattern[str] | None  # the pattern is read after this one, when given
    pattern: re.Pattern[str]
    units: dict[str, str]


def _templates() -> tuple[_Template, ...]:
    out = []
    for spec in _PROFILE.table("context_figures").values():
        after = re.compile(spec["after"], re.I) if spec.get("after") else None
        out.append(_Template(spec["key"].lower(), after, re.compile(spec["pattern"], re.I), dict(spec["units"])))
    return tuple(out)


_TEMPLATES = _templates()


class Narrative:
    """Reads the prose line by line; a stated count opens a breakdown that the next bullets fill."""

    def __init__(self) -> None:
        self.count_level: str | None = None

    def facts(self, text: str) -> list[StatedFact]:
        plain = text.replace("*", "")
        if m := _COUNT_LINE.search(plain):
            self.count_level = _LEVELS[m.group("level").lower()]
            return [StatedFact(None, f"count_{self.count_level}_objectives", parse_count(m.group("n")), "count", plain)]
        if self.count_level and (m := _COUNT_BULLET.match(plain)):
            outcome = parse_outcome(m.group("text")) or "other"
            return [StatedFact(None, f"count_{self.count_level}_objectives_{outcome}", parse_count(m.group("n")), "count",
                               plain)]
        if not _BREAKDOWN_LEAD.search(plain):
            self.count_level = None
        return list(context_facts(plain))


def context_facts(text: str) -> Iterator[StatedFact]:
    """The context figures of one sentence or paragraph, by the profile's templates."""
    folded = fold_for_literals(text)
    for template in _TEMPLATES:
        if folded is not None and template.key not in folded:
            continue
        start = 0
        if template.after is not None:
            lead = template.after.search(text)
            if lead is None:
                continue
            start = lead.end()
        for m in template.pattern.finditer(text, start):
            year = int(m.group("year")) if "year" in template.pattern.groupindex else None
            for name, value in m.groupdict().items():
                if name != "year" and value is not None:
                    yield StatedFact(None, name, parse_number(value), template.units[name], m.group(0), year)
