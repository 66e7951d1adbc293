"""The sections of the report (score boxes, BSC tables, unit tables, the albero, 3.1/3.2, individual tables) and
the row starts inside a table (an Ob/Ind cell, a code, an objective or totals row)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ccperf.extract.layouts.tree_ob_ind.tokens import TextLine
from ccperf.extract.layouts.tree_ob_ind.vocabulary import (
    BSC_HEADING,
    BSC_NEEDLE,
    CHAPTER,
    CLOSING_HEADING,
    CLOSING_NEEDLE,
    CLOSING_SECTION,
    CLOSING_SECTION_NEEDLE,
    CODE_LINE,
    ENTITY_MARKER,
    ENTITY_SCORE_LABEL,
    FUND_LINE,
    INDIVIDUAL_SUMMARY_HEADING,
    OBJECTIVE_MARKER,
    OPERATIONAL_HEADING,
    OPERATIONAL_NEEDLE,
    POSITION_CODE,
    POSITION_HEADING,
    SCORES_CHAPTER,
    SECRETARY_HEADING,
    SECRETARY_WORDS,
    STRATEGIC_HEADING,
    STRATEGIC_NEEDLE,
    TOP_HEADING,
    TOP_NEEDLE,
    TOTAL_MARKER,
    TREE_HEADING,
    TYPE_ONLY,
    UNIT_HEADING,
    UNIT_RESULT_LABEL,
)
from ccperf.extract.numbers import collapse

# table kinds (the first five hold indicator rows) and the other sections
UNIT, TREE, STRATEGIC, OPERATIONAL, INDIVIDUAL, TOP = "unit", "tree", "strategic", "operational", "individual", "top"
BSC, SCORES, INDIVIDUAL_SUMMARY, CHAPTER_SCORES, OTHER = "bsc", "scores", "individual_summary", "chapter1", "other"
OBJECTIVE_TABLES = (TREE, STRATEGIC, OPERATIONAL)  # tables with objective rows (AS/OS/OO, E ENTE, TOT)
_SPACES = re.compile(r"\s+")
_SHORTEST_REPORT_HEADING = min(len(STRATEGIC_NEEDLE), len(OPERATIONAL_NEEDLE))


@dataclass(slots=True)
class Section:
    kind: str
    start: int  # index of its heading in the lines
    end: int  # exclusive
    code: str | None = None
    title: str | None = None
    heading_line: int | None = None
    result_raw: str | None = None
    label: str | None = None


def find_sections(lines: list[TextLine]) -> list[Section]:
    """Every section, from its heading to the next one.

    A heading starts (after blanks) with a capital or a digit, and each heading pattern runs only on lines holding
    text it needs: a substring test is far cheaper (and this runs on every line)."""
    sections: list[Section] = []
    current = ""
    for i, line in enumerate(lines):
        if line.blank:
            continue
        text = line.text
        first = text.lstrip()[:1]
        if not (first.isupper() or first.isdigit()):
            continue
        values: dict[str, str | None] | None = None
        low = text.lower() if len(text) >= _SHORTEST_REPORT_HEADING else ""  # (those headings in any case)
        if UNIT_RESULT_LABEL in text and (m := UNIT_HEADING.match(text)):
            kind = UNIT
            values = {"code": m.group("code"), "title": collapse(m.group("title")), "result_raw": m.group("pct"),
                      "label": collapse(text)}
        elif TREE_HEADING in text and len(text) < 80:
            kind = TREE
        elif STRATEGIC_NEEDLE in low and STRATEGIC_HEADING.search(text):
            kind = STRATEGIC
        elif OPERATIONAL_NEEDLE in low and OPERATIONAL_HEADING.search(text):
            kind = OPERATIONAL
        elif (CLOSING_SECTION_NEEDLE in text and CLOSING_SECTION.match(text)) or (
                CLOSING_NEEDLE in text and CLOSING_HEADING.search(text)):
            kind = OTHER
        elif TOP_NEEDLE in text and TOP_HEADING.search(text):
            kind = TOP
        elif ENTITY_SCORE_LABEL in text and current == CHAPTER_SCORES:
            kind = SCORES
        elif BSC_NEEDLE in text and BSC_HEADING.match(text):
            kind = BSC
        elif INDIVIDUAL_SUMMARY_HEADING in text:
            kind = INDIVIDUAL_SUMMARY
        elif SECRETARY_WORDS in text and (m := SECRETARY_HEADING.match(text)):
            kind = INDIVIDUAL
            values = {"code": _SPACES.sub("", m.group("code")), "title": collapse(text), "label": collapse(text)}
        elif current in (INDIVIDUAL, INDIVIDUAL_SUMMARY) and (m := POSITION_HEADING.match(text)):
            kind, code, title = INDIVIDUAL, collapse(POSITION_CODE.sub("PO ", m.group("code"))), collapse(m.group("title"))
            values = {"code": code, "title": title, "label": f"{code} - {title}"}
        elif "." in text and (m := CHAPTER.match(text)):
            kind = CHAPTER_SCORES if m.group("n") == SCORES_CHAPTER else OTHER
        else:
            continue
        if sections:
            sections[-1].end = i
        sections.append(Section(kind, i, len(lines), heading_line=line.number, **(values or {})))
        current = kind
    return sections


def markers(lines: list[TextLine], section: Section) -> list[tuple[int, str]]:
    """(line index, kind) of every row start: indicator, FRD-like row, objective row, totals."""
    out: list[tuple[int, str]] = []
    objective_table = section.kind in OBJECTIVE_TABLES
    for i in range(section.start + 1, section.end):
        line = lines[i]
        if line.blank:
            continue
        text = line.text
        if not "A" <= text.lstrip()[:1] <= "Z":
            continue  # every marker starts (after blanks) with an upper-case ASCII letter
        if TYPE_ONLY.match(text):
            out.append((i, "type"))
        elif CODE_LINE.match(text):
            if out and out[-1][1] == "type" and all(lines[k].blank for k in range(out[-1][0] + 1, i)):
                out[-1] = (out[-1][0], "type+code")
                continue
            out.append((i, "code"))
        elif FUND_LINE.match(text):
            out.append((i, "frd"))
        elif objective_table and TOTAL_MARKER.match(text):
            out.append((i, "tot"))
        elif objective_table and ENTITY_MARKER.match(text):
            out.append((i, "ente"))
        elif objective_table and OBJECTIVE_MARKER.match(text):
            out.append((i, "obj"))
    return out
