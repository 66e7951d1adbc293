"""Plan cards: a plan's objective cards, each with indicator blocks (ticked-box types, a baseline, targets at 30/6
and 31/12, a revised target, a weight), as the Brescia chamber's Piano della Performance 2020-2022 prints them.

Shape of the layout (a text layout: lines as printed, with no tab or aligned-column cells, so no ⇥ below):

     OBIETTIVO OPERATIVO 2.1                                  card heading ("NUOVO OBIETTIVO - ..." when added)
    REVISIONE DEI PROCESSI ORGANIZZATIVI E DEI SERVIZI ...    title
    Peso dell'obiettivo dirigenziale / Peso: 45%              weight (what tells a card from a tree box)
    Balance Scorecard / Prospettiva strategica / Semplificazione e innovazione dei processi
    Indicatore 1: sperimentazione del servizio ...            indicator block: name (may wrap)
    Tipo Indicatore: □X efficacia esterna □ efficacia interna / □ efficienza □X qualità    ticked = type
    Target storico di riferimento: / anno 2019 / Valore Target: Peso                        (values.py)
    al 30/6 al 31/12 Peso
    Nuova attività Avvio del servizio Rilascio di almeno 300 dispositivi 25,00%

The walk reads the cards and their blocks in order, and the strategic areas and the directors' weight table
printed before them (tables.py); after it, the prose figures (narrative.py), the small tables and the counts.
The layout's words are in profiles/plan_cards.toml (compiled in words.py). The justified prose prints two spaces
between ordinary words, so the document model may see such lines as aligned cells: this layout reads line.text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.document import Line
from ccperf.extract.layouts.plan_cards import words as w
from ccperf.extract.layouts.plan_cards.cells import EMPTY, cell_measure, indicator_types, leading_percent, percent_only
from ccperf.extract.layouts.plan_cards.narrative import Prose, sentences
from ccperf.extract.layouts.plan_cards.tables import (
    WeightRow,
    next_filled,
    read_area_list,
    read_cost_table,
    read_ratio_table,
    read_weight_table,
)
from ccperf.extract.layouts.plan_cards.values import BlockValues, is_header, read_values
from ccperf.extract.linking import similarity_at_least
from ccperf.extract.numbers import collapse, parse_count
from ccperf.extract.parser import LayoutParser, SegmentContext
from ccperf.extract.vocab import slug
from ccperf.model import Objective, Reading

_SENTENCES = sentences(w.NARRATIVE_FACTS)
_TITLE_LOOKAHEAD = 6  # filled lines between a card heading and its weight line
_WEIGHT_LINES = 6  # lines a card's weight is looked for in when no perspective box ends them


@dataclass
class _Card:
    index: int  # of the heading in the segment's lines
    objective: Objective
    notes: list[str]
    new: bool  # printed as a new objective
    readings: list[Reading] = field(default_factory=list)
    end: int | None = None  # index of the next card's heading


class PlanCards(LayoutParser):
    """Plan cards: Indicatore N / Tipo Indicatore (ticked boxes) / Base Line, targets at 30/6 and 31/12, revised
    target, weight."""

    name = "plan_cards"
    signatures = w.SIGNATURES
    min_hits = 4

    def __init__(self, ctx: SegmentContext):
        super().__init__(ctx)
        self.rows: list[Line] = []
        self.cards: list[_Card] = []
        self.resume = 0  # the walk goes on from here (the lines of the block read last are behind it)
        self.areas_read = self.table_read = False
        self.agency: str | None = None  # the section the next card is printed in
        self.area: str | None = None
        self.small_tables: list[tuple[str, int]] = []  # (kind, index), read after the walk
        self.table_weights: dict[str, list[tuple[str, float | None, float | None]]] = {}
        self.pending_strategic: list[WeightRow] = []  # strategic rows of the directors' table

    def add_objective(self, line_no: int, code: str | None, level: str, title: str, **values: object) -> Objective:
        objective = self.objective(line_no, code, level, collapse(title), table_role="plan", **values)
        self.out.objectives.append(objective)
        return objective

    # -- the walk ----------------------------------------------------------------------------------------------
    def read(self) -> None:
        self.rows = list(self.lines())  # cards and blocks are read with a few lines of lookahead
        for i, line in enumerate(self.rows):
            if i >= self.resume and line.text and not line.text.isspace():  # a block reads its own lines
                self.visit(i, line.text)
        if self.cards:
            self.cards[-1].end = len(self.rows)

    def visit(self, i: int, text: str) -> None:
        if not self.areas_read and ":" in text and w.AREAS_INTRO_END.search(text):
            self.strategic_areas(i)
        if not self.table_read and w.HOLDS_WEIGHTS_TITLE(text) and w.WEIGHTS_TITLE.search(text):
            self.directors_table(i)
        if text.lstrip()[:1] in w.SECTION_FIRST:
            self.section(i, text)
        if w.CARD_WORD in text and (m := w.CARD.match(text)) and self.is_card(i):
            self.open_card(i, m)
        elif w.HOLDS_INDICATOR(text) and w.INDICATOR.match(text):
            self.indicator_block(i)
        if "•" in text and w.STAFF_CATEGORY.match(text):
            self.small_tables.append(("staff", i))
        elif w.HOLDS_COST_HEADING(text) and w.COST_HEADING.search(text):
            self.small_tables.append(("costs", i))
        elif w.HOLDS_RATIO_HEADING(text) and w.RATIO_HEADING.match(text):
            self.small_tables.append(("ratios", i))

    def strategic_areas(self, i: int) -> None:
        """The numbered list of strategic areas after "... nelle tre aree strategiche:" (the first one only)."""
        listed = read_area_list(self.rows, i)
        if listed is None:
            return
        self.areas_read = True
        for line_no, code, title in listed.areas:
            self.add_objective(line_no, code, "area", title,
                               notes="strategic area as listed in the performance tree section; no indicators")
        if listed.count is not None:
            self.fact(listed.count_line, "count_areas", listed.count, "count", listed.quote)

    def directors_table(self, start: int) -> None:
        """The directors' table: objective weights "Peso per obiettivo" and "Ridefinizione pesi"."""
        self.table_read = True
        rows, totals = read_weight_table(self.rows, start)
        for total in totals:
            names = ["director_weight_total_initial", "director_weight_total_redefined"][-len(total.percents):]
            for name, value in zip(names, total.percents, strict=True):
                self.fact(total.line, name, value, "%", total.quote, subject=total.who)
        for row in rows:
            self.weight_row(row)

    def weight_row(self, row: WeightRow) -> None:
        title, percents = row.title, row.percents or []
        subject = row.code or f"{collapse(row.kind)} ({row.group})"
        printed = " ".join(f"{p:.2f}%".replace(".", ",") for p in percents)
        quote = f"{row.kind} {row.code or ''} {title} {printed}"
        initial, redefined = percents if len(percents) == 2 else (None, percents[0] if percents else None)
        if initial is not None:
            self.fact(row.line, "objective_weight_initial", initial, "%", quote, subject=subject)
        if redefined is not None:
            self.fact(row.line, "objective_weight_redefined", redefined, "%", quote, subject=subject)
        key = row.code or f"{row.level}:{title.lower()}"
        self.table_weights.setdefault(key, []).append((row.group, initial, redefined))
        if row.level == "strategic":
            self.pending_strategic.append(row)

    def section(self, i: int, text: str) -> None:
        """The headings between cards: the cards' part (resets), the special agency, a director's area."""
        if w.CARDS_HEADING.match(text):
            self.agency = self.area = None
        elif am := w.AGENCY_SECTION.match(text):
            self.agency, self.area = collapse(am.group("name")).title(), None
        elif (rm := w.AREA_SECTION.match(text)) and not w.TREE_AREA.search(text):
            nxt = self.rows[i + 1].text if i + 1 < len(self.rows) else ""
            extra = nxt if nxt.strip() and nxt.strip().isupper() and not w.CARD.match(nxt) else ""
            self.agency, self.area = None, collapse(f"{rm.group('name')} {extra}")

    # -- cards ---------------------------------------------------------------------------------------------------
    def is_card(self, i: int) -> bool:
        """A card heading is followed (within a few title lines) by "Peso dell'obiettivo"; a tree box is not."""
        j, seen = i + 1, 0
        while (j := next_filled(self.rows, j)) is not None and seen < _TITLE_LOOKAHEAD:
            text = self.rows[j].text
            if w.CARD_WEIGHT_LINE.match(text):
                return True
            if w.CARD.match(text) or w.OBJECTIVE_START.match(text):
                return False
            seen, j = seen + 1, j + 1
        return False

    def open_card(self, i: int, m: re.Match[str]) -> None:
        if self.cards:
            self.cards[-1].end = i
        j = i + 1
        title_lines: list[str] = []
        while j < len(self.rows) and not w.CARD_WEIGHT_LINE.match(self.rows[j].text):
            if self.rows[j].text.strip():
                title_lines.append(self.rows[j].text)
            j += 1
        notes: list[str] = []
        if m.group("new"):
            notes.append(f"printed '{collapse(m.group('new')).rstrip(' -–')}' (objective added in the update)")
        if self.agency:
            notes.append(f"objective of the {self.agency}")
        if self.area:
            notes.append(f"section {self.area}")
        level = w.CARD_LEVELS[collapse(m.group("level"))]
        objective = self.add_objective(self.rows[i].number, m.group("code"), level, " ".join(title_lines),
                                       unit_name=self.agency)
        card = _Card(i, objective, notes, bool(m.group("new")))
        self.cards.append(card)
        zone = self.rows[j:self.header_end(j)]
        perspective_at = next((k for k, line in enumerate(zone) if w.PERSPECTIVE.match(line.text)), None)
        self.card_weights(card, zone[:perspective_at] if perspective_at is not None else zone[:_WEIGHT_LINES])
        if perspective_at is not None:
            self.card_perspective(card, zone[perspective_at + 1:])
        if cm := w.COEFFICIENT.search(collapse(" ".join(line.text for line in zone))):
            card.notes.append(f"coefficiente {cm.group('c')}")
        if level == "strategic":
            self.strategic_weights(card, zone)

    def header_end(self, j: int) -> int:
        """Where a card's header zone ends: its first indicator block, the indicators heading or the next card."""
        for k in range(j, len(self.rows)):
            text = self.rows[k].text
            if w.INDICATOR.match(text) or w.INDICATORS_HEADING.match(text):
                return k
            if w.CARD_WORD in text and w.CARD.match(text) and self.is_card(k):
                return k
        return len(self.rows)

    def card_weights(self, card: _Card, weight_zone: list[Line]) -> None:
        """"Peso: 45%" under the weight line, or one weight per area ("Area amministrativa" ... "30%")."""
        objective = card.objective
        joined = collapse(" ".join(line.text for line in weight_zone))
        if (wm := w.WEIGHT_LABEL.search(joined)) and (weight := leading_percent(joined[wm.end():])):
            objective.weight_pct = weight[0]
            card.notes.append(f"weight printed '{collapse(wm.group(0) + weight[1])}'")
        labels = [line for line in weight_zone if w.AREA_WEIGHT_LABEL.match(line.text)]
        percents = [(line, value) for line in weight_zone if (value := percent_only(line.text)) is not None]
        if labels and len(labels) == len(percents) and objective.weight_pct is None:
            parts = []
            for label_line, (pct_line, value) in zip(labels, percents, strict=True):
                label = collapse(label_line.text)
                parts.append(f"{label} {collapse(pct_line.text)}")
                self.fact(label_line.number, "objective_weight_area", value, "%", f"{label} {pct_line.text}",
                          subject=f"{(objective.objective_title or '')[:60]} / {label}")
            card.notes.append("weight per area printed: " + " / ".join(parts))

    def card_perspective(self, card: _Card, box: list[Line]) -> None:
        """The paragraph under "Prospettiva strategica" (some cards print a sentence there instead)."""
        k = next((k for k, line in enumerate(box) if line.text.strip()), None)
        if k is None:
            return
        paragraph = [box[k].text]
        for line in box[k + 1:]:
            if not line.text.strip() or w.DESCRIPTION.match(line.text):
                break
            paragraph.append(line.text)
        text = collapse(" ".join(paragraph))
        if text.lower().startswith(w.NOT_A_PERSPECTIVE):
            card.notes.append(f"BSC box prints '{text}' instead of a perspective")
        else:
            card.objective.perspective = text

    def strategic_weights(self, card: _Card, zone: list[Line]) -> None:
        """The strategic card's split: its own indicators' weight and the operational objectives' contribution."""
        title = card.objective.objective_title
        for k, line in enumerate(zone):
            if (sm := w.STRATEGIC_INDICATORS_WEIGHT.search(line.text)) and (
                    weight := leading_percent(line.text[sm.end():])):
                self.fact(line.number, "strategic_objective_indicators_weight", weight[0], "%", line.text,
                          subject=title)
            if w.OPERATIONAL_CONTRIBUTION.match(line.text):
                self.contribution_weight(line, zone[k + 1:], title)

    def contribution_weight(self, label_line: Line, after: list[Line], subject: str | None) -> None:
        """"Contributo degli / obiettivi operativi / ... strategico", the objectives' list, then "50%"."""
        label, in_label = [label_line.text], True
        for line in after:
            if (value := percent_only(line.text)) is not None:
                self.fact(line.number, "strategic_objective_operational_contribution_weight", value, "%",
                          f"{' '.join(label)} {line.text}", subject=subject)
                return
            in_label = in_label and not line.text.lstrip()[:1].isdigit()  # the list of objectives "1.1: ..."
            if in_label and line.text.strip():
                label.append(line.text)

    # -- indicator blocks ----------------------------------------------------------------------------------------
    def block_end(self, i: int) -> int:
        j = i + 1
        while j < len(self.rows):
            text = self.rows[j].text
            if w.INDICATOR.match(text) or w.BLOCK_STOP.match(text) or w.CARD.match(text):
                break
            j += 1
        return j

    def indicator_block(self, i: int) -> None:
        end = self.resume = self.block_end(i)
        block = [line for line in self.rows[i:end] if not w.FOOTER.match(line.text)]
        if self.cards:
            self.read_block(self.cards[-1], block, self.rows[end - 1].number)
        elif any(w.TYPE_LINE.match(line.text) for line in self.rows[i + 1:i + 8]):
            self.quarantine(block[0].number, "indicator block outside any objective card",
                            "\n".join(line.text for line in self.rows[i:end]), self.rows[end - 1].number)

    def read_block(self, card: _Card, block: list[Line], last_line: int) -> None:
        """Name, ticked types, then the value zone (values.py) of one "Indicatore N:" block."""
        m = w.INDICATOR.match(block[0].text)
        assert m is not None
        line_no = block[0].number
        type_at = next((k for k, line in enumerate(block) if w.TYPE_LINE.match(line.text)), None)
        header_at = next((k for k, line in enumerate(block) if k > (type_at or 0) and is_header(line.text)), None)
        if type_at is None or header_at is None:
            self.quarantine(line_no, "indicator block without 'Tipo Indicatore' or without the 'al 30/6 al 31/12' "
                            "column header", "\n".join(line.text for line in block), last_line)
            return
        name = collapse(" ".join([m.group("name"), *(line.text for line in block[1:type_at])]))
        pre_at = next((k for k in range(type_at + 1, header_at) if w.BASELINE_LABEL.match(block[k].text)), header_at)
        types = indicator_types(" ".join(line.text for line in block[type_at:pre_at]))
        header_end = header_at + 1
        while header_end < len(block) and _continues_header(block[header_end].text):
            header_end += 1
        pre = [line for line in block[pre_at:header_at] if line.text.strip()]
        values = read_values(pre, block[header_at:header_end], block[header_end:])
        if values.problem:
            self.quarantine(line_no, values.problem, "\n".join(line.text for line in block), last_line)
            if not values.cells and values.weight is None:
                return  # nothing readable beyond the name: the quarantined block is the record
        label = collapse(block[0].text[:m.end("n")])  # "Indicatore 2", "Sostituzione Indicatore 3"
        self.add_reading(card, line_no, name, label, types, values)

    def add_reading(self, card: _Card, line_no: int, name: str, label: str, types: str | None,
                    values: BlockValues) -> None:
        objective = card.objective
        notes = [label]
        if objective.objective_level == "strategic":
            notes.append("strategic objective indicator")
        if objective.unit_name:
            notes.append(f"{objective.unit_name} objective")
        notes += values.notes
        if values.problem:
            notes.append(f"quarantined: {values.problem}")
        measures = {slot: cell_measure(cell.raw) for slot, cell in values.cells.items()}
        target, mid, revised, base = (measures.get(s, EMPTY) for s in ("target", "mid", "revised", "baseline"))
        if base.value is not None and base.unit != target.unit and "%" in (base.unit, target.unit):
            notes.append(f"baseline '{base.raw}' and target '{target.raw}' are in different units (kept as printed)")
        reading = self.reading(
            line_no, name, objective.objective_level, "plan", objective_code=objective.objective_code,
            objective_title=objective.objective_title, indicator_type=types, weight_pct=values.weight,
            baseline_raw=base.raw, baseline_value=base.value,
            target_raw=target.raw, target_value=target.value, target_operator=target.operator,
            target_unit=target.unit, target_midyear_raw=mid.raw, target_midyear_value=mid.value,
            target_revised_raw=revised.raw, target_revised_value=revised.value,
            unit_name=objective.unit_name, line_end=values.line_end or line_no, notes="; ".join(notes))
        self.out.readings.append(reading)
        card.readings.append(reading)

    # -- after the walk ----------------------------------------------------------------------------------------
    def finish(self) -> None:
        for card in self.cards:
            self.close_card(card)
        self.narrative_facts()
        for kind, i in self.small_tables:
            self.small_table(kind, i)
        self.derived_facts()

    def close_card(self, card: _Card) -> None:
        for group, initial, redefined in self.weights_for(card.objective):
            if initial is None:
                card.notes.append(f"directors' table ({group}): only in 'Ridefinizione pesi' {redefined:g}%")
            elif redefined is not None and redefined != initial:
                card.notes.append(f"directors' table ({group}): redefined weight {redefined:g}% (was {initial:g}%)")
            else:
                card.notes.append(f"directors' table ({group}): {initial:g}%"
                                  + (f" / {redefined:g}%" if redefined is not None else ""))
        card.notes.append(f"{len(card.readings)} indicators")
        weights = [r.weight_pct for r in card.readings if r.weight_pct is not None]
        if card.readings and abs(sum(weights) - 100) > 0.5:
            card.notes.append(f"indicator weights sum to {sum(weights):g}% as printed")
        card.objective.notes = "; ".join(card.notes)

    def weights_for(self, objective: Objective) -> list[tuple[str, float | None, float | None]]:
        if objective.objective_code:
            return self.table_weights.get(objective.objective_code, [])
        title = (objective.objective_title or "").lower()
        for key, rows in self.table_weights.items():
            level, _, printed = key.partition(":")
            if level == objective.objective_level and similarity_at_least(title[:50], printed, 0.8) is not None:
                return rows
        return []

    def narrative_facts(self) -> None:
        prose = Prose(self.rows)
        for sentence in _SENTENCES:
            for m, line in prose.find(sentence):
                card = self.card_at(line) if sentence.in_card else None
                self.fact(line, sentence.fact, prose.value(sentence, m), sentence.unit, prose.quote(sentence, m),
                          subject=card.objective.objective_code if card else None)

    def card_at(self, line_no: int) -> _Card | None:
        for card in self.cards:
            end = card.end if card.end is not None else len(self.rows)
            if self.rows[card.index].number <= line_no and (end >= len(self.rows) or line_no < self.rows[end].number):
                return card
        return None

    def small_table(self, kind: str, i: int) -> None:
        if kind == "staff":
            line = self.rows[i]
            if sm := w.STAFF_CATEGORY.match(line.text):
                self.fact(line.number, "staff_category", parse_count(sm.group("v")), "count", line.text,
                          subject=sm.group("c"))
        elif kind == "costs":
            for line_no, year, value, quote in read_cost_table(self.rows, i):
                self.fact(line_no, "personnel_cost", value, "EUR", quote, year=year)
        else:
            for row in read_ratio_table(self.rows, i):
                for year, column, measure in row.cells:
                    self.fact(row.line, slug(row.label) or "ratio", measure.value, measure.unit, row.quote,
                              subject=f"{year} {column}", year=year)

    def derived_facts(self) -> None:
        line = self.segment.line_start
        chamber_operational = [c for c in self.cards if c.objective.objective_level == "operational"
                               and not c.objective.unit_name]
        self.fact(line, "count_operational_objectives", float(len(chamber_operational)), "count", None, derived=True)
        self.fact(line, "count_operational_objectives_new", float(sum(c.new for c in self.cards)), "count", None,
                  derived=True)
        self.fact(line, "count_indicators", float(len(self.out.readings)), "count", None, derived=True)
        revised = [r for r in self.out.readings if r.target_revised_raw]
        self.fact(line, "count_indicators_revised_target", float(len(revised)), "count", None, derived=True)
        # Strategic objectives printed only in the directors' table (the special agency's): no card, no indicators.
        carded = [c.objective for c in self.cards if c.objective.objective_level == "strategic"]
        for row in self.pending_strategic:
            if any(similarity_at_least(row.title[:50], o.objective_title or "", 0.8) is not None for o in carded):
                continue
            if any(o.objective_level == "strategic" and o.objective_title == row.title for o in self.out.objectives):
                continue
            self.add_objective(row.line, None, "strategic", row.title,
                               weight_pct=row.percents[0] if row.percents else None, unit_name=row.group,
                               notes=f"printed only in the directors' weight table (group '{row.group}'); "
                                     "no card and no indicators")


def _continues_header(text: str) -> bool:
    """A blank line, or a line of the column header's words only ("previsione al", "31/12", "Peso")."""
    words = text.lower().split()
    return not words or all(word in w.HEADER_WORDS for word in words)


parse = PlanCards.parse
