"""Figures the report states outside its indicator tables: the score boxes of chapter 1, the counts of the
individual objectives, the counts and the entity score stated in prose, headcount and budget totals, and the
preface's raccordo table of areas (A/B/C)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ccperf.extract.layouts.tree_ob_ind.sections import Section
from ccperf.extract.layouts.tree_ob_ind.tokens import TextLine, join_wrapped, lines_holding, value_of
from ccperf.extract.layouts.tree_ob_ind.vocabulary import (
    AREA_SCORE_LABEL,
    AREA_SCORES_COLUMN,
    AREA_SCORES_HEADING,
    CHAPTER,
    ENTITY_SCORE,
    INDIVIDUAL_SUMMARY_SUBJECT,
    PCT,
    PROFILE,
    UNIT_SCORES_HEADING,
    needle,
)
from ccperf.extract.numbers import collapse, parse_count, parse_number
from ccperf.extract.vocab import parse_status, slug


class Stated(NamedTuple):
    """A fact as printed, for LayoutParser.fact."""

    line: int
    name: str
    value: float | None
    unit: str | None
    quote: str
    subject: str | None = None
    year: int | None = None


_PCT_AT_END = re.compile(rf"({PCT})\s*$")
# individual summary tables
_WHO: dict[str, str] = PROFILE.table("individual_summary_who")
_SUMMARY_ROWS: dict[str, str] = PROFILE.table("individual_summary_rows")
_SUMMARY_FIRST_WORD = PROFILE.value("individual_summary_first_word")
_COUNT_AND_SHARE = re.compile(r"(\d+)\s+(\d[\d,]*\s?%)\s*$")
# prose (each pattern runs on the lines that hold its needle)
_AREAS_NEEDLE = needle(PROFILE.words("areas_count_words"))
_AREAS_COUNT = PROFILE.pattern("areas_count_words", r"\b(?P<n>\w+)\s+{}", flags=0)
_STRATEGIC_NEEDLE = needle(PROFILE.words("strategic_count_words"))
_STRATEGIC_COUNT = PROFILE.pattern("strategic_count_words", r"\bin\s+(?P<n>\w+)\s+{}", flags=0)
_LEVEL_LABELS: dict[str, str] = PROFILE.table("level_count_labels")
_LEVEL_NEEDLE = needle(_LEVEL_LABELS)
_LEVEL_COUNT = re.compile(rf"^\W*(?P<label>{PROFILE.alternation('level_count_labels')})\s+n\.\s*(?P<n>\d+)")
_COUNT_BULLET = re.compile(rf"^\W*(\d+)\s+(\w+)\s.*?\b({PCT})")
_ENTITY_SENTENCE = PROFILE.value("entity_score_sentence")
_ENTITY_SENTENCE_SCORE = re.compile(re.escape(_ENTITY_SENTENCE) + r"\s+(" + PCT + ")")
_HEADCOUNT_TOTAL_LABEL = PROFILE.value("headcount_total_label")
_PROSE_NEEDLES = (_AREAS_NEEDLE, _STRATEGIC_NEEDLE, _LEVEL_NEEDLE, _ENTITY_SENTENCE, _HEADCOUNT_TOTAL_LABEL)
# headcount and budget tables
_HEADCOUNT_COLUMN = re.compile(rf"{re.escape(PROFILE.value('headcount_column'))}\s+(\d{{4}})")
_HEADCOUNT_TOTAL = re.compile(rf"^\s*{re.escape(_HEADCOUNT_TOTAL_LABEL)}\s+\d+\s+\d+,\d+\s+\d+\s+\d+,\d+\s*$")
_HEADCOUNT_CELLS = re.compile(r"\s(\d+)\s+\d+,\d+")
_BUDGET_HEADING = PROFILE.value("budget_heading")
_BUDGET_COLUMNS = PROFILE.words("budget_columns")
_BUDGET_TOTAL = PROFILE.pattern("budget_total_labels", "^{}", flags=0)
_BUDGET_HEADER = PROFILE.pattern("budget_header_word", r"\d{{4}}|{}", flags=0)
_AMOUNT = r"-?\s?\d{1,3}(?:\.\d{3})*,\d{2}"  # an amount with cents ("-4.517.717,29", "- 1.635.859,60")
# raccordo table
_RACCORDO_HEADING = PROFILE.pattern("raccordo_heading", flags=0)
_RACCORDO_END = PROFILE.pattern("raccordo_end", flags=0)
_RACCORDO_AREA = re.compile(r"^\s*(?P<code>[A-Z])\.\s*-\s*(?P<title>.+)$")
_RACCORDO_OBJECTIVE = re.compile(r"(?:^|\s)(\d\.\d)\.?\s+-\s")
_RACCORDO_MISSION = re.compile(r"(?:^|\s)(0\d\d)\s+[A-Z]")


# -- chapter 1 score boxes ----------------------------------------------------------------------------------------
def score_facts(lines: list[TextLine], section: Section) -> Iterator[Stated]:
    """"PERFORMANCE DI ENTE 100,0%", then the area scores ("OB 1: <title> … 100%") and the unit scores."""
    pending: list[tuple[int, str]] = []
    mode = "entity"
    for line in lines[section.start:section.end]:
        text = line.text.strip()
        if not text:
            continue
        if m := ENTITY_SCORE.search(text):
            yield Stated(line.number, "performance_entity", value_of(m.group(1)), "%", text)
            continue
        if AREA_SCORES_HEADING.search(text):
            mode, pending = "areas", []
            continue
        if UNIT_SCORES_HEADING.search(text):
            mode, pending = "units", []
            continue
        if mode == "areas" and AREA_SCORES_COLUMN.match(text):
            continue
        pm = _PCT_AT_END.search(text)
        label_part = text[: pm.start()].strip() if pm else text
        if label_part:
            pending.append((line.number, label_part))
        if pm and pending:
            label = join_wrapped([t for _, t in pending])
            value = value_of(pm.group(1).replace(" ", ""))
            quote = f"{label} {pm.group(1)}"
            if mode == "areas" and (am := AREA_SCORE_LABEL.match(label)):
                yield Stated(pending[0][0], "performance_area", value, "%", quote, re.sub(r"\s+", " ", am.group(1)))
            elif mode == "units":
                yield Stated(pending[0][0], "performance_unit", value, "%", quote, label)
            pending = []


# -- section 4 summary counts -------------------------------------------------------------------------------------
def individual_summary_facts(lines: list[TextLine], section: Section) -> Iterator[Stated]:
    """"Obiettivi dirigenti con target raggiunto ⏎ 8 100%": a count and a share per row label."""
    pending: list[tuple[int, str]] = []
    subject = None
    for line in lines[section.start:section.end]:
        text = line.text.strip()
        if not text:
            continue
        if m := INDIVIDUAL_SUMMARY_SUBJECT.search(text):
            who = collapse(m.group(1)).lower()
            subject = next((key for word, key in _WHO.items() if word in who), who)
            continue
        m = _COUNT_AND_SHARE.search(text)
        if text.lower().startswith(_SUMMARY_FIRST_WORD) or (pending and not m):
            pending.append((line.number, text[: m.start()] if m else text))
        elif m:
            pending.append((line.number, ""))
        if m and pending:
            label = join_wrapped([t for _, t in pending])
            low = label.lower()
            status = next((key for word, key in _SUMMARY_ROWS.items() if word in low), None) or "achieved"
            who = next((key for word, key in _WHO.items() if word in low), None) or slug(subject or "")
            quote = f"{label} {m.group(1)} {m.group(2)}"
            yield Stated(pending[0][0], f"count_individual_objectives_{who}_{status}", float(m.group(1)), "N.", quote)
            yield Stated(pending[0][0], f"share_individual_objectives_{who}_{status}", value_of(m.group(2)), "%",
                         quote)
            pending = []


# -- facts stated in prose ----------------------------------------------------------------------------------------
def prose_facts(lines: list[TextLine]) -> Iterator[Stated]:
    """Counts of areas and objectives, the entity score and the headcount, wherever the report states them."""
    # Each pattern runs only on lines holding a piece of text it needs.
    for i in lines_holding(lines, _PROSE_NEEDLES):
        line = lines[i]
        text = line.text
        if _AREAS_NEEDLE in text and (m := _AREAS_COUNT.search(text)) and (n := parse_count(m.group("n"))):
            yield Stated(line.number, "count_areas", n, "N.", text)
        if _STRATEGIC_NEEDLE in text and (m := _STRATEGIC_COUNT.search(text)) and (
                n := parse_count(m.group("n"))):
            yield Stated(line.number, "count_strategic_objectives", n, "N.", text)
        if _LEVEL_NEEDLE in text and (m := _LEVEL_COUNT.match(text)):  # after a bullet
            yield from _level_counts(lines, i, _LEVEL_LABELS[m.group("label")], float(m.group("n")))
        if _ENTITY_SENTENCE in text and (m := _ENTITY_SENTENCE_SCORE.search(text)):
            quote = collapse(lines[i - 2].text + " " + text) if i >= 2 else text
            yield Stated(line.number, "performance_entity", value_of(m.group(1).replace(" ", "")), "%", quote)
        if _HEADCOUNT_TOTAL_LABEL in text and _HEADCOUNT_TOTAL.match(text):
            yield from headcount_facts(lines, i)


def _level_counts(lines: list[TextLine], i: int, level: str, count: float) -> Iterator[Stated]:
    """" Obiettivi Strategici n. 6 ⏎ di cui: ⏎ 5 raggiunto … al 100,00% ⏎ 1 raggiunto … al 91,00%"."""
    yield Stated(lines[i].number, f"count_{level}_objectives", count, "N.", lines[i].text)
    for k in range(i + 1, min(len(lines), i + 12)):
        sub = lines[k].text.strip()
        if _LEVEL_COUNT.match(sub):
            break  # the next count
        if (sm := _COUNT_BULLET.match(sub)) and parse_status(sm.group(2)):
            pct = value_of(sm.group(3).replace(" ", ""))
            status = "achieved" if pct == 100 else "not_achieved" if pct == 0 else "partially_achieved"
            yield Stated(lines[k].number, f"count_{level}_objectives_{status}", float(sm.group(1)), "N.", sub)


def headcount_facts(lines: list[TextLine], i: int) -> Iterator[Stated]:
    """"Totale 31 100,00 35 100,00" under "… Dipendenti 2019 % Dipendenti 2018 %": one total per year."""
    text = lines[i].text
    header = next((lines[k].text for k in range(i - 1, max(0, i - 20), -1)
                   if _HEADCOUNT_COLUMN.search(lines[k].text)), None)
    if header is None:
        return
    years = [int(y) for y in _HEADCOUNT_COLUMN.findall(header)]
    counts = _HEADCOUNT_CELLS.findall(text)
    for year, count in zip(years, counts, strict=False):
        yield Stated(lines[i].number, "headcount_total", float(count), "N.", f"{header.strip()} / {text.strip()}",
                     year=year)


def budget_facts(lines: list[TextLine]) -> Iterator[Stated]:
    """Totals of the 'Gestione corrente' table (Preventivo, Preventivo aggiornato, Consuntivo)."""
    start = next((i for i, ln in enumerate(lines) if _BUDGET_HEADING in ln.text and ln.text.strip() == _BUDGET_HEADING),
                 None)
    if start is None:
        return
    label: list[tuple[int, str]] = []
    for i in range(start + 1, min(len(lines), start + 80)):
        text = lines[i].text.strip()
        if not text:
            continue
        if CHAPTER.match(lines[i].text):
            break
        found = re.findall(_AMOUNT, text)
        head = re.split(_AMOUNT, text)[0].strip()
        if len(found) == len(_BUDGET_COLUMNS):
            name = join_wrapped([t for _, t in label] + [head])
            line_no = label[0][0] if label else lines[i].number
            if _BUDGET_TOTAL.match(name):
                for column, raw in zip(_BUDGET_COLUMNS, found, strict=True):
                    yield Stated(line_no, f"budget_{slug(name)}_{column}", parse_number(raw.replace(" ", "")), "EUR",
                                 f"{name} {' '.join(found)}")
            label = []
        elif not _BUDGET_HEADER.search(text):
            label.append((lines[i].number, text))
            if len(label) > 3:
                label = label[-2:]


# -- preface raccordo table: areas A/B/C ----------------------------------------------------------------------------
@dataclass
class RaccordoArea:
    code: str
    line: int
    title: list[str]
    open: bool = True  # its title still wraps (no blank line yet)
    objectives: list[str] = field(default_factory=list)
    missions: list[str] = field(default_factory=list)


def raccordo_areas(lines: list[TextLine]) -> tuple[int, list[RaccordoArea]] | None:
    """The areas of the raccordo table 'AREE STRATEGICHE / OBIETTIVI STRATEGICI / BSC / MISSIONE': code, title, the
    strategic objectives and missions printed in its rows; (the heading's line, the areas), None without one."""
    start = next((i for i, ln in enumerate(lines) if _RACCORDO_HEADING.search(ln.text)), None)
    if start is None:
        return None
    areas: list[RaccordoArea] = []
    for line in lines[start + 1:start + 200]:
        text = line.text
        if _RACCORDO_END.match(text) or (not line.blank and len(text.strip()) > 90):
            break
        if m := _RACCORDO_AREA.match(text):
            areas.append(RaccordoArea(m.group("code"), line.number, [m.group("title")]))
            continue
        if not areas:
            continue
        area = areas[-1]
        if line.blank:
            area.open = False
        elif area.open:
            area.title.append(text)
        else:
            area.objectives += _RACCORDO_OBJECTIVE.findall(text)
            area.missions += _RACCORDO_MISSION.findall(text)
    return lines[start].number, areas
