"""The one base of every layout parser: what a parser is given, what it returns, and the builders it shares.

A layout parser subclasses `LayoutParser` and overrides only what its layout needs (as sqlglot's dialects
subclass one `Dialect`): its name, the signatures that recognise it, `read()` (the walk over its lines) and,
when it links or counts after the walk, `finish()`. Everything else is here once: provenance, the builders of
readings, objectives, facts and quarantined blocks (chamber, year and kind filled from the segment), the content
lines of the segment from the canonical document model, and the layout's profile (its vocabulary, as data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ccperf.extract.document import DocumentModel, Line
from ccperf.extract.numbers import collapse
from ccperf.extract.profiles import Profile, load_profile
from ccperf.extract.text import SourceText
from ccperf.model import Fact, Objective, Provenance, Quarantined, Reading, ReadingComponent, Segment


@dataclass
class SegmentContext:
    """One segment of a document, with the document it belongs to (read once for all its segments)."""

    source: SourceText
    segment: Segment
    model: DocumentModel | None = None

    def __post_init__(self) -> None:
        if self.model is None:
            self.model = DocumentModel(self.source.lines)

    def provenance(self, line_no: int) -> Provenance:
        """Provenance of a row starting at the 1-based `line_no` of this segment's document."""
        seg = self.segment
        return Provenance(seg.document_sha256, seg.document_file, line_no, seg.segment_index,
                          self.source.page_of(line_no))

    def lines(self) -> list[Line]:
        """The segment's content lines (page headers, footers and page numbers left out)."""
        assert self.model is not None
        return self.model.content(self.segment.line_start, self.segment.line_end)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str | None,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> Fact:
        """A fact of this segment's chamber (for parsers not yet on LayoutParser.fact)."""
        seg = self.segment
        return Fact(self.provenance(line_no), seg.chamber_name, year or seg.year, name, value, unit,
                    collapse(quote) or None, subject, derived)

    def numbered_lines(self) -> list[tuple[int, str]]:
        """(1-based line number, text as printed) of every content line of the segment."""
        return [(line.number, line.text) for line in self.lines()]


@dataclass(frozen=True)
class StatedFact:
    """A fact a parser read from text before adding it (LayoutParser.fact): its line, when known where read."""

    line: int | None
    name: str
    value: float | None
    unit: str | None
    quote: str | None
    year: int | None = None
    subject: str | None = None


@dataclass
class ParsedSegment:
    objectives: list[Objective] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    components: list[ReadingComponent] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


class LayoutParser:
    """Base of the layout parsers. Subclasses set the class attributes and override `read` (and `finish`)."""

    name: ClassVar[str]
    description: ClassVar[str]  # the class docstring: what the layout looks like, in one or two sentences
    signatures: ClassVar[tuple[re.Pattern[str], ...]] = ()  # each counted once per matching line
    min_hits: ClassVar[int] = 1  # fewer matching (line, signature) pairs: not this layout

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.description = " ".join((cls.__doc__ or cls.__name__).split())

    def __init__(self, ctx: SegmentContext):
        self.ctx = ctx
        self.segment = ctx.segment
        self.out = ParsedSegment()

    @classmethod
    def parse(cls, ctx: SegmentContext) -> ParsedSegment:
        return cls(ctx).run()

    @classmethod
    def profile(cls) -> Profile:
        """The layout's vocabulary (ccperf/extract/profiles/<name>.toml, plus any user profile)."""
        return load_profile(cls.name)

    @classmethod
    def header_roles(cls) -> frozenset[tuple[str, ...]]:
        """The column roles (as the generic reader names them) of the headers of this layout's tables, from its
        profile's `header_roles`; a table under another header is read by the generic reader instead. Empty: the
        layout's tables are not checked (text layouts print no header row)."""
        profile = cls.profile()
        if "header_roles" not in profile.entries:
            return frozenset()
        return frozenset(tuple(w.strip() for w in roles.split(",")) for roles in profile.words("header_roles"))

    # -- the run template ------------------------------------------------------------------------------------
    def run(self) -> ParsedSegment:
        self.read()
        self.finish()
        return self.out

    def read(self) -> None:
        """Walk the segment's lines and build rows; every layout overrides it."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the walk: link restatements, fill what depends on later rows, count."""

    def lines(self) -> list[Line]:
        return self.ctx.lines()

    # -- builders ----------------------------------------------------------------------------------------------
    def provenance(self, line_no: int) -> Provenance:
        return self.ctx.provenance(line_no)

    def reading(self, line_no: int, name: str, level: str, role: str = "detail", **values: Any) -> Reading:
        """A reading of this segment's chamber, year and kind (not yet added to the output)."""
        seg = self.segment
        return Reading(self.provenance(line_no), seg.chamber_name, seg.year, seg.doc_kind, indicator_name=name,
                       objective_level=level, table_role=role, **values)

    def objective(self, line_no: int, code: str | None, level: str, title: str | None, **values: Any) -> Objective:
        """An objective of this segment's chamber, year and kind (not yet added to the output)."""
        seg = self.segment
        return Objective(self.provenance(line_no), seg.chamber_name, seg.year, seg.doc_kind, code, level, title,
                         **values)

    def fact(self, line_no: int, name: str, value: float | None, unit: str | None, quote: str | None,
             subject: str | None = None, year: int | None = None, derived: bool = False) -> Fact:
        """A fact of this segment's chamber, added to the output; `year` defaults to the segment's year."""
        seg = self.segment
        fact = Fact(self.provenance(line_no), seg.chamber_name, year or seg.year, name, value, unit,
                    collapse(quote) or None, subject, derived)
        self.out.facts.append(fact)
        return fact

    def quarantine(self, line_no: int, reason: str, text: str, line_end: int | None = None) -> None:
        """Keep a block this layout could not read, with the reason (never dropped)."""
        self.out.quarantined.append(Quarantined(self.provenance(line_no), line_end or line_no, self.name, reason,
                                                text))

    def count_objectives(self, objectives: list[Objective], n_areas: int | None = None,
                         levels: tuple[str, ...] = ("strategic", "operational")) -> None:
        """Derived facts: objectives per level, and per level and status (compared with the counts a document
        states by the reconciliation suite)."""
        line = self.segment.line_start
        for level in levels:
            of_level = [o for o in objectives if o.objective_level == level]
            self.fact(line, f"count_{level}_objectives", float(len(of_level)), "count", "", derived=True)
            for status in ("achieved", "partially_achieved", "not_achieved"):
                n = sum(1 for o in of_level if o.status == status)
                self.fact(line, f"count_{level}_objectives_{status}", float(n), "count", "", derived=True)
        if n_areas is not None:
            self.fact(line, "count_areas", float(n_areas), "count", "", derived=True)
