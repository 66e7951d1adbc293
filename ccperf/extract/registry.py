"""Layout families: how each is recognised from content, and which parser (if any) reads it.

A layout parser is a function `parse(ctx: SegmentContext) -> ParsedSegment`. Layouts with no parser yet
are still detected, so a run reports "no parser yet for layout X" instead of silently skipping text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ccperf.extract.numbers import collapse
from ccperf.extract.text import SourceText
from ccperf.model import Fact, Objective, Provenance, Quarantined, Reading, ReadingComponent, Segment


@dataclass
class SegmentContext:
    source: SourceText
    segment: Segment

    def provenance(self, line_no: int) -> Provenance:
        """Provenance of a row starting at the 1-based `line_no` of this segment's document."""
        seg = self.segment
        return Provenance(seg.document_sha256, seg.document_file, line_no, seg.segment_index)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str | None,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> Fact:
        """A fact of this segment's chamber; `year` defaults to the segment's reference year."""
        seg = self.segment
        return Fact(self.provenance(line_no), seg.chamber_name, year or seg.year, name, value, unit,
                    collapse(quote) or None, subject, derived)

    def numbered_lines(self) -> list[tuple[int, str]]:
        """(1-based line number, text) for every line of the segment."""
        seg = self.segment
        return [(n, self.source.lines[n - 1]) for n in range(seg.line_start, seg.line_end + 1)]


@dataclass
class ParsedSegment:
    objectives: list[Objective] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    components: list[ReadingComponent] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


Parser = Callable[[SegmentContext], ParsedSegment]


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    signatures: tuple[re.Pattern[str], ...]  # each counted once per matching line
    min_hits: int
    parser: Parser | None = None

    def score(self, lines: list[str]) -> int:
        hits = sum(1 for line in lines for sig in self.signatures if sig.search(line))
        return hits if hits >= self.min_hits else 0


_REGISTRY: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    _REGISTRY[layout.name] = layout
    return layout


def layouts() -> list[Layout]:
    _load_parsers()
    return list(_REGISTRY.values())


def get_layout(name: str) -> Layout | None:
    _load_parsers()
    return _REGISTRY.get(name)


def detect_layout(lines: list[str]) -> str | None:
    """The best-scoring layout for a segment's lines, or None when nothing matches."""
    scored = [(layout.score(lines), layout.name) for layout in layouts()]
    best = max(scored, default=(0, None))
    return best[1] if best[0] > 0 else None


def _load_parsers() -> None:
    # Importing the layouts package registers every layout family (parsers and detect-only ones).
    import ccperf.extract.layouts  # noqa: F401
