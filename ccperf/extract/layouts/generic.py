"""Generic tables: any table whose header names an indicator column and a target or result column.

For a layout no parser knows (and for a known one whose tables changed), this reader finds the table regions of
the canonical document model, names their columns from the header words (profiles/generic.toml, extensible by a
user's data/raw/generic.profile.toml), carries objectives down from the headings and cells above, and gives one
reading per data row, with `extraction_method = "generic"` and a confidence. Shape it reads (cells shown with ⇥):

    Ob. Strategico 2024_01_01                                       a heading starts an objective
    Descrizione⇥Tipo⇥Valore Atteso⇥Valore Raggiunto⇥Note             the header: roles from its words
    Attuazione di almeno 1 bando⇥OPERATIVO⇥Almeno 1 bando⇥4⇥         a data row: one reading
    OBIETTIVO CONSEGUITO                                             the status of the row above
    OBIETTIVI STRATEGICI⇥INDICATORI⇥RISULTATO ATTESO 2024⇥RISULTATO⇥% RAGGIUNGIMENTO⇥NOTE
    1.1⇥<objective>⇥<indicator>⇥≥ 50⇥51⇥100%⇥<note>                  a wider row: aligned from the right

Confidence starts at 1 and drops for what is missing or guessed (no result, a target that is no number, cells
placed by count rather than by header, a bound ("≥ 90%") in the result column with no target or inside the
name, a name that is mostly digits); readings under CONFIDENCE_FOR_REVIEW go to
review, not to the marts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.layouts.doubts import (
    CONFIDENCE_WHEN_DOUBTFUL,
    WRAPPED_REST,
    is_wrapped_rest,
    value_doubt,
)
from ccperf.extract.linking import link_restatements, normalise_name
from ccperf.extract.numbers import parse_measure, parse_number, reported_value
from ccperf.extract.parser import LayoutParser
from ccperf.extract.profiles import Profile
from ccperf.extract.text import without_accents
from ccperf.extract.vocab import parse_status
from ccperf.model import FOR_REVIEW, Objective, Reading

ROLES = ("indicator", "formula", "objective", "target", "actual", "achievement", "weight", "baseline", "type",
         "status", "notes", "deviation", "unit")
CONFIDENCE_FOR_REVIEW = 0.6  # below it a generic reading waits for a person (ccperf review), out of the marts
_CODE = re.compile(r"^(?P<code>(?:[A-Z]{1,3}\s*)?\d+(?:[._]\d+)*)\s*(?:[-–:.]\s*)?(?P<title>.*)$")
_ONLY_CODE = re.compile(r"^[A-Z]{0,3}\s*\d+(?:[._]\d+)*\.?$")
_BOUND_IN_NAME = re.compile(r"(?<![(\s])\s*(?:[<>≤≥]\s*=?|=\s*[<>])\s*\d")  # not "(<=5 giorni)": a name's own words
_HEADER_MAX = 60  # characters: a header cell is a few words


def _norm(text: str) -> str:
    text = without_accents(text.lower())
    return " ".join(re.sub(r"[^a-z%]+", " ", text).split())


@dataclass(frozen=True)
class Vocabulary:
    """Header words by role, the longest first, and the headings that start an objective."""

    words: tuple[tuple[str, str], ...]  # (normalised word, role)
    headings: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, objective level)
    # cell text → role: every table line's cells are looked up (coverage, header search), most of them repeat
    _roles: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # normalised word → (rank in `words`, role): a cell's word prefixes are looked up instead of scanning the words
    _ranks: dict[str, tuple[int, str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, profile: Profile) -> Vocabulary:
        words = [(_norm(w), role) for role in ROLES for w in profile.words(role)]
        words.sort(key=lambda wr: len(wr[0]), reverse=True)
        headings = tuple((re.compile(p, re.I), level) for p, level in profile.table("objective_headings").items())
        vocabulary = cls(tuple(words), headings)
        for rank, (word, role) in enumerate(words):
            vocabulary._ranks.setdefault(word, (rank, role))
        return vocabulary

    def role_of(self, cell: str) -> str | None:
        """The role of the first (longest) header word the cell is, or starts with as whole words ("%" words: as
        a plain prefix)."""
        if not cell or len(cell) > _HEADER_MAX:
            return None
        if cell not in self._roles:
            self._roles[cell] = self._first_match(_norm(cell))
        return self._roles[cell]

    def _first_match(self, text: str) -> str | None:
        parts = text.split(" ")
        prefixes = (" ".join(parts[:k]) for k in range(1, len(parts) + 1))
        ranked = [self._ranks[p] for p in prefixes if p in self._ranks]
        if "%" in text:
            ranked += [(rank, role) for rank, (word, role) in enumerate(self.words)
                       if word.startswith("%") and text.startswith(word)]
        return min(ranked)[1] if ranked else None

    def roles_in(self, cell: str) -> list[str]:
        """The roles of the header words a cell holds one after the other ("Algoritmo Target 2024 Consuntivo":
        formula, target, actual): more than one, and the columns were printed too close to be told apart."""
        parts, roles = _norm(cell).split(" "), []
        while parts:
            found = [(k, self._ranks[" ".join(parts[:k])]) for k in range(len(parts), 0, -1)
                     if " ".join(parts[:k]) in self._ranks]
            if not found:
                break
            k, (_, role) = found[0]
            roles.append(role)
            parts = parts[k:]
        return roles

    def heading_level(self, text: str) -> str | None:
        return next((level for pattern, level in self.headings if pattern.search(text)), None)

    def heading_rest(self, text: str) -> str:
        """The text after the heading's words ("Ob. Strategico 2024_01_01" → "2024_01_01")."""
        for pattern, _ in self.headings:
            if m := pattern.search(text):
                rest = text[m.end():]
                return re.sub(r"^\s*(?:strategic[oai]|operativ[oai])?\s*[:.]?\s*", "", rest, flags=re.I)
        return text


_DOCUMENT_VOCABULARY: list[tuple[Profile, Vocabulary]] = []  # (the profile it was built from, the vocabulary)


def document_vocabulary() -> Vocabulary:
    """The generic reader's vocabulary, built once per document: its cell memo serves every segment and table."""
    profile = GenericTables.profile()
    if not _DOCUMENT_VOCABULARY or _DOCUMENT_VOCABULARY[0][0] is not profile:
        _DOCUMENT_VOCABULARY[:] = [(profile, Vocabulary.of(profile))]
    return _DOCUMENT_VOCABULARY[0][1]


def forget_vocabulary() -> None:
    """Drop the memoised cells (per document, so a run never profits from an earlier document)."""
    _DOCUMENT_VOCABULARY.clear()


@dataclass
class _Header:
    line: int
    region: int | None
    roles: list[str | None]
    name: str | None = None  # the indicator named by a key row above a header without a name column
    doubt: str | None = None  # why its rows may be misread (cells of several columns run together)


@dataclass
class _Context:
    """The objective the next rows belong to, carried down."""

    code: str | None = None
    title: str | None = None
    level: str = "other"
    cells: dict[int, str] = field(default_factory=dict)  # objective cells carried down by column
    awaiting_title: bool = False


class GenericTables(LayoutParser):
    """Any table whose header names an indicator column and a target or result column (roles from header words),
    objectives carried down from headings and cells; readings with a confidence."""

    name = "generic"
    signatures = ()  # never chosen by detection: it reads the segments no layout recognises

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.vocabulary = document_vocabulary()
        self.header: _Header | None = None
        self.context = _Context()
        self.last: Reading | None = None
        self.objectives: dict[tuple, Objective] = {}
        self.named: str | None = None  # "Indicatore⇥<name>": the name of the rows of a header without a name column

    # -- the walk --------------------------------------------------------------------------------------------
    def read(self) -> None:
        for line in self.lines():
            if line.is_blank:
                continue
            filled = line.filled
            if len(filled) >= 2 and (header := self._header(line)):
                self.header, self.last = header, None
                continue
            if len(filled) == 2 and (level := self.vocabulary.heading_level(filled[0])) is not None:
                self._heading(line.number, filled[1], level, keyed=True)  # "Obiettivo strategico⇥OS 1.1 - ..."
                continue
            if len(filled) == 2 and self.vocabulary.role_of(filled[0]) == "indicator":
                self.named, self.header = filled[1], None  # a key row naming the indicator of the table below
                continue
            if len(filled) == 1:
                self._single(line, filled[0])
                continue
            if self.header is not None:
                self._row(line)

    def _header(self, line: Line) -> _Header | None:
        roles = [self.vocabulary.role_of(text) for text in line.texts]
        named = set(roles) - {None}
        has_name = "indicator" in named or "objective" in named or self.named is not None
        if has_name and named & {"target", "actual"} and sum(r is not None for r in roles) >= 0.6 * len(line.filled):
            return _Header(line.number, line.region, _trimmed(roles, line.texts), self.named, self._merged(line))
        return None

    def _merged(self, line: Line) -> str | None:
        for text in line.filled:
            if len(set(roles := self.vocabulary.roles_in(text))) >= 2:
                return f"header cell '{text[:60]}' holds the columns {', '.join(roles)}"
        return None

    def _aligned(self, line: Line) -> bool:
        """The line's cells were told apart by spaces (not tabs): a boundary may have been missed."""
        model = self.ctx.model
        return model is not None and model.is_aligned(line)

    def _single(self, line: Line, text: str) -> None:
        """A line of one cell: an objective heading, its title, the status of the row above, or prose."""
        level = self.vocabulary.heading_level(text)
        if level is not None:
            self._heading(line.number, text, level)
            return
        if self.last is not None and self.last.status is None and len(text) <= 40 and (status := parse_status(text)):
            self.last.status = status
            return
        if self.context.awaiting_title and len(text) <= 300:
            self.context.title, self.context.awaiting_title = text, False
            self._objective(line.number)

    def _heading(self, line_no: int, text: str, level: str, keyed: bool = False) -> None:
        """An objective heading: "Ob. Strategico 2024_01_01" (its title on the next line), or, keyed, the value
        cell of a row whose key cell names the level ("Obiettivo strategico⇥OS 1.1 - <title>")."""
        rest = text if keyed else self.vocabulary.heading_rest(text)
        m = _CODE.match(rest)
        code = m.group("code").replace(" ", "") if m else None
        title = (m.group("title") if m else rest).strip(" -–:") or None
        self.context = _Context(code, title, level, awaiting_title=title is None)
        self.header, self.last = None, None
        if title is not None or code is not None:
            self._objective(line_no)

    def _objective(self, line_no: int) -> None:
        ctx = self.context
        key = (ctx.level, ctx.code, ctx.title if ctx.code is None else None)
        if key not in self.objectives:
            objective = self.objective(line_no, ctx.code, ctx.level, ctx.title)
            self.objectives[key] = objective
            self.out.objectives.append(objective)

    # -- data rows -------------------------------------------------------------------------------------------
    def _row(self, line: Line) -> None:
        assert self.header is not None
        cells, placed_by_count = _place(self.header, line)
        if cells is None:
            return
        name = cells.get("indicator", "") or self.header.name or ""
        target = parse_measure(cells.get("target"))
        actual = reported_value(cells.get("actual"), self.segment.year)
        objective_cell = cells.get("objective", "")
        if (not name and not target.raw and not actual.raw) or (len(name) <= 32 and self.vocabulary.role_of(name)):
            return  # a heading, a wrapped cell's rest, or a key row ("Descrizione⇥...", "Risultato ...⇥96 %")
        if not name:
            name, objective_cell = objective_cell, ""
        if not name or (target.raw is None and actual.raw is None):
            if self.last is not None and not target.raw and not actual.raw and name:
                self.last.indicator_name = f"{self.last.indicator_name} {name}"  # a name cut by a page break
            return
        code, title = self._row_objective(line.number, objective_cell, cells)
        reading = self.reading(
            line.number, name, self.context.level if code or title else "other",
            objective_code=code, objective_title=title, indicator_type=cells.get("type") or None,
            weight_pct=parse_number((cells.get("weight") or "").rstrip("% ")),
            baseline_raw=cells.get("baseline") or None, baseline_value=parse_measure(cells.get("baseline")).value,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator,
            target_unit=target.unit, actual_raw=actual.raw, actual_value=actual.value,
            achievement_pct=parse_measure(cells.get("achievement")).value,
            status=parse_status(cells.get("status") or "") or None,
            notes="; ".join(f"{role}: {cells[role]}" for role in ("formula", "notes", "deviation") if cells.get(role))
            or None,
            extraction_method="generic", confidence=_confidence(name, target, actual, placed_by_count))
        if doubt := self._doubt(line, cells):
            _for_review(reading, doubt)
            last = self.last
            if is_wrapped_rest(doubt) and last is not None and self.model_line(last).region == line.region:
                _for_review(last, "the line below carries on its cells: its name or values were cut")
        self.out.readings.append(reading)
        self.last = reading

    def model_line(self, reading: Reading) -> Line:
        assert self.ctx.model is not None
        return self.ctx.model.line(reading.provenance.source_line)

    def _doubt(self, line: Line, cells: dict[str, str]) -> str | None:
        """Why a row read from aligned text may be misread (layouts/doubts.py), or None; tab rows are not
        doubted: their cells end where the converter said."""
        assert self.header is not None
        if not self._aligned(line):
            return None
        if self.header.doubt:
            return self.header.doubt
        if not cells.get("indicator") and "indicator" in self.header.roles:
            return f"the row's name cell is empty: {WRAPPED_REST}"
        if not (self._carried_on(line) or _goes_on_from_above(cells.get("indicator", ""))):
            return None  # a row on one line: a cell of words ("Referti OIV") is a value printed in words
        return value_doubt(cells.get("target", ""), cells.get("actual", ""), cells.get("_before_target", ""))

    def _carried_on(self, line: Line) -> bool:
        """The row's cells go on over the next line (`pdftotext -layout` wraps a table's cells): the document
        model joined a continuation to it, or the next line of its table leaves the name cell empty and fills
        another."""
        model = self.ctx.model
        assert model is not None and self.header is not None
        if line.number + 1 in model.continued:
            return True
        if line.number >= len(model.texts) or (below := model.line(line.number + 1)).region != line.region:
            return False
        cells, _ = _place(self.header, below)
        return cells is not None and not cells.get("indicator") and any(
            text for role, text in cells.items() if not role.startswith("_"))

    def _row_objective(self, line_no: int, objective_cell: str, cells: dict[str, str]
                       ) -> tuple[str | None, str | None]:
        """The row's objective: its own cells (a code column, an objective cell holding a code and/or a title),
        carried down to the rows that leave them empty; else the heading's."""
        code = cells.get("_code")
        if objective_cell and _ONLY_CODE.match(objective_cell):
            code, objective_cell = objective_cell, cells.get("_next", "")
        if code or objective_cell:
            m = _CODE.match(objective_cell) if objective_cell else None
            if not code and m and m.group("title") and re.search(r"\d", m.group("code")):
                code, objective_cell = m.group("code"), m.group("title")
            self.context.code = code.rstrip(".") if code else None
            self.context.title = objective_cell or None
            self.context.level = "strategic" if self.context.level == "other" else self.context.level
            self._objective(line_no)
        return self.context.code, self.context.title

    def finish(self) -> None:
        """A value printed twice in the segment (a summary restating a detail row) restates the first."""
        seen: dict[tuple, Reading] = {}
        for reading in self.out.readings:
            key = (normalise_name(reading.indicator_name)[:60], reading.target_value, reading.actual_value)
            if key in seen:
                link_restatements([reading], [seen[key]])
                reading.table_role = "summary"
            else:
                seen[key] = reading


def _goes_on_from_above(name: str) -> bool:
    """A name cell starting in lower case carries on a sentence: the rest of the row above, wrapped."""
    return name[:1].islower()


def _for_review(reading: Reading, doubt: str) -> None:
    if reading.confidence is not None and reading.confidence <= CONFIDENCE_WHEN_DOUBTFUL:
        return  # already doubted
    reading.confidence = min(reading.confidence or 0.0, CONFIDENCE_WHEN_DOUBTFUL)
    reading.notes = "; ".join(filter(None, (f"{FOR_REVIEW}{doubt}", reading.notes)))


def _trimmed(roles: list[str | None], texts: list[str]) -> list[str | None]:
    while roles and roles[-1] is None and not texts[len(roles) - 1]:
        roles.pop()
    return roles


def _place(header: _Header, line: Line) -> tuple[dict[str, str] | None, bool]:
    """The row's cells by role. A row as wide as its header is read by index; a wider or narrower one is aligned
    from the left or from the right (lead cells carried down and left empty, or a last column missing), whichever
    puts values under the value columns and words under the name columns."""
    texts = list(line.texts)
    while texts and not texts[-1]:
        texts.pop()
    roles = header.roles
    if len(texts) < 2:
        return None, False
    if len(texts) == len(roles):
        return _cells(texts, roles, 0), False
    offsets = {0, len(texts) - len(roles)}
    best = max(sorted(offsets), key=lambda offset: _fit(texts, roles, offset))
    return _cells(texts, roles, best), True


_VALUE_ROLES = frozenset({"target", "actual", "achievement", "weight", "baseline"})


def _fit(texts: list[str], roles: list[str | None], offset: int) -> int:
    """How well cells sit under roles: values under value columns, words under name columns."""
    fit = 0
    for i, text in enumerate(texts):
        j = i - offset
        role = roles[j] if 0 <= j < len(roles) else None
        if not text or role is None:
            continue
        if role in _VALUE_ROLES:
            fit += 1 if parse_measure(text).value is not None else -1
        elif role in ("indicator", "objective"):
            fit += 1 if sum(c.isalpha() for c in text) >= 4 else -1
    return fit


def _cells(texts: list[str], roles: list[str | None], offset: int) -> dict[str, str]:
    cells: dict[str, str] = {}
    for i, text in enumerate(texts):
        j = i - offset
        role = roles[j] if 0 <= j < len(roles) else None
        if role is None:
            if j < 0 and text and _ONLY_CODE.match(text):
                cells["_code"] = text  # a leading code column under no header
            elif cells.get("objective") and "_next" not in cells and text:
                cells["_next"] = text  # the cell after a bare code: the objective's title
            continue
        if role == "target" and i > 0:
            cells["_before_target"] = texts[i - 1]  # a target printed one space after it runs into it
        if role in cells and cells[role]:
            if role == "objective" and text:
                cells[role] = text  # strategic, then operational objective: the row belongs to the last
            continue
        cells[role] = text
    return cells


_BOUNDS = frozenset({">", ">=", "<", "<="})


def _confidence(name: str, target, actual, placed_by_count: bool) -> float:
    score = 1.0
    if actual.value is None:
        score -= 0.15 if actual.raw else 0.35  # a result in words (a qualitative indicator) is still a result
    if target.value is None:
        score -= 0.1 if target.raw else 0.2
    if placed_by_count:
        score -= 0.15
    if actual.operator in _BOUNDS and target.raw is None:
        score -= 0.4  # a bound ("≥ 90%") is a target: read as the result, the columns are probably shifted
    if _BOUND_IN_NAME.search(name):
        score -= 0.4  # a bound ("≥ 75%") inside the name: the target column ran into it, columns not told apart
    letters = sum(c.isalpha() for c in name)
    if letters < 4 or letters < 0.5 * len(name):
        score -= 0.4
    return round(max(score, 0.0), 2)
