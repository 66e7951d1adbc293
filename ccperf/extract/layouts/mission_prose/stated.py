"""Facts the report states in sentences (staff, personnel costs, remote work, the fee increase): the sentence
templates of profiles/mission_prose.toml (`stated_facts`), each naming the facts its groups state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ccperf.extract.layouts.mission_prose.stream import ProseStream
from ccperf.extract.layouts.mission_prose.words import PROFILE
from ccperf.extract.numbers import collapse, parse_number
from ccperf.extract.parser import StatedFact
from ccperf.extract.text import finditer_folded, search_folded
from ccperf.extract.vocab import slug

_ACRONYM_AT_END = re.compile(r"[-–]\s*([A-Z]{2,6})\s*$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class _Template:
    key: str  # a lower-case word every match holds
    pattern: re.Pattern[str]
    facts: dict[str, dict[str, Any]]
    every: bool  # all matches, not only the first
    in_missions: bool  # read in the mission blocks too


def _templates() -> tuple[_Template, ...]:
    return tuple(_Template(spec["key"], re.compile(spec["pattern"], re.I), dict(spec["facts"]),
                           bool(spec.get("every")), bool(spec.get("in_missions")))
                 for spec in PROFILE.table("stated_facts").values())


_TEMPLATES = _templates()
MISSION_KEYS = tuple(t.key for t in _TEMPLATES if t.in_missions)


def _group(spec: str | None) -> str | int:
    """A group named in a template ("0" is the whole match)."""
    return 0 if spec in (None, "0") else spec  # type: ignore[return-value]


def _subject_key(subject: str) -> str:
    """The acronym closing a subject ("Punto Impresa Digitale – PID" → "pid"), else its slug."""
    acronym = _ACRONYM_AT_END.search(subject)
    return acronym.group(1).lower() if acronym else slug(subject)


def _facts_of(m: re.Match[str], template: _Template, stream: ProseStream) -> Iterator[StatedFact]:
    for name, spec in template.facts.items():
        value_group = spec["value"]
        if m.group(value_group) is None:
            continue  # an optional part of the sentence that is not printed
        subject = collapse(m.group(spec["subject"])) if spec.get("subject") else None
        fields = {group: m.group(group) for group in _PLACEHOLDER.findall(name) if group != "key"}
        if subject is not None:
            fields["key"] = _subject_key(m.group(spec["subject"]))
        year = int(m.group(spec["year"])) if spec.get("year") else None
        line = stream.line_at(m.start(_group(spec.get("line", value_group))))
        yield StatedFact(line, name.format(**fields), parse_number(m.group(value_group)), spec["unit"],
                         m.group(_group(spec.get("quote"))), year, subject)


def stated_facts(stream: ProseStream, in_missions: bool = False) -> Iterator[StatedFact]:
    """The facts the templates find in a stream (in a mission block: only the templates read there)."""
    text, folded = stream.text, stream.folded
    for template in _TEMPLATES:
        if in_missions and not template.in_missions or folded is not None and template.key not in folded:
            continue
        if template.every:
            matches = list(finditer_folded(template.pattern, text, folded))
        else:
            found = search_folded(template.pattern, text, folded)
            matches = [found] if found else []
        for m in matches:
            yield from _facts_of(m, template, stream)
