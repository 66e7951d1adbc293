"""Objective rows of the albero and of 3.1/3.2 (AS/OS/OO), and the perspectives of the BSC tables.

An objective row reads, in order and wrapped over lines: its Ob/Ind marker, the Programma ("032/002"), the code
("OB 1:" for an area, "2.1" / "2.1.4" otherwise) and title, the percentages (% Realizz parametrata, then "% su Ob
pond" and "% su Ente" in 3.1/3.2) and the UFFICIO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccperf.extract.layouts.tree_ob_ind.sections import Section
from ccperf.extract.layouts.tree_ob_ind.tokens import TextLine, join_wrapped
from ccperf.extract.layouts.tree_ob_ind.vocabulary import (
    AREA_CODE,
    OBJECTIVE_LEVELS,
    OBJECTIVE_MARKER,
    PCT,
    PCT_RE,
    PROGRAMME,
)

_LEADING_PROGRAMME = re.compile(r"^\s*\d{3}/\d{3}")
_CODE_AND_TITLE = re.compile(rf"^(?:(?P<ob>{AREA_CODE})\s*:|(?P<num>\d+(?:\.\d+)+)\s+)(?P<title>.*)$")
_PERCENTAGES_ONLY = re.compile(rf"(?:{PCT}\s*)+")
_OBJECTIVE_KINDS = "|".join(re.escape(marker) for marker in OBJECTIVE_LEVELS)
_BSC_ROW = re.compile(rf"^\s*(?:P\s+)?(?P<kind>{_OBJECTIVE_KINDS})\s+(?P<progs>\d{{3}}/\d{{3}}(?:\s+\d{{3}}/\d{{3}})*)\s*"
                      r"(?P<rest>.*)$")
_BSC_TITLE = re.compile(rf"(?:^|\s)(?P<code>{AREA_CODE}\s*:|\d+\.\d+(?:\.\d+)?)\s+(?P<title>\S.*)$")


@dataclass(slots=True)
class ObjectiveRow:
    code: str
    level: str
    title: str
    line: int
    programmes: list[str] = field(default_factory=list)
    pcts: list[str] = field(default_factory=list)
    office: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _RowText:
    """What an objective row's pieces give, in the order they come (head, title, after)."""

    phase: str = "head"
    code: str | None = None
    title_line: int | None = None
    programmes: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    pcts: list[str] = field(default_factory=list)
    office: list[str] = field(default_factory=list)

    def add(self, line_no: int, text: str) -> None:
        if self.phase == "head":
            text = self.head(line_no, text)
            if self.phase == "head":
                return
        if self.phase == "title":
            self.title_piece(text)
            return
        if not self.office and _PERCENTAGES_ONLY.fullmatch(text):
            self.pcts += PCT_RE.findall(text)  # "100,0" ⏎ "%" ⏎ "16,0%": the next column on its own line
            return
        self.office += text.split()

    def head(self, line_no: int, text: str) -> str:
        """Programmes, then the code: the rest of the text is the title's start."""
        progs = PROGRAMME.findall(text)
        rest = PROGRAMME.sub("", text).strip() if progs and _LEADING_PROGRAMME.match(text) else text
        self.programmes += progs if rest != text else []
        cm = _CODE_AND_TITLE.match(rest) if rest else None
        if cm is None:
            return text
        self.code = re.sub(r"\s+", " ", cm.group("ob") or cm.group("num"))
        self.title_line = line_no
        self.phase = "title"
        return cm.group("title")

    def title_piece(self, text: str) -> None:
        pm = PCT_RE.search(text)
        if pm is None:
            self.title.append(text)
            return
        self.title.append(text[: pm.start()])
        self.pcts = PCT_RE.findall(text)
        tail = PCT_RE.sub("", text[pm.start():]).strip()
        self.office += tail.split() if tail else []
        self.phase = "after"


def read_objective_row(lines: list[TextLine], i: int, end: int) -> tuple[str, ObjectiveRow | None]:
    """(Ob/Ind marker, the row) of the objective row starting at line i; the row is None when it has no code."""
    m = OBJECTIVE_MARKER.match(lines[i].text)
    assert m is not None
    marker = m.group("kind")
    level = OBJECTIVE_LEVELS[marker]
    row = _RowText()
    pieces = [(lines[i].number, m.group("rest") or "")]
    pieces += [(lines[k].number, lines[k].text) for k in range(i + 1, end) if not lines[k].blank]
    for line_no, text in pieces:
        if text := text.strip():
            row.add(line_no, text)
    if row.code is None:
        return marker, None
    return marker, ObjectiveRow(row.code, level, join_wrapped(row.title), row.title_line or lines[i].number,
                               row.programmes, [p.replace(" ", "") for p in row.pcts], row.office)


def read_bsc(lines: list[TextLine], section: Section, perspectives: dict[str, tuple[str, int]],
             notes: dict[str, list[str]]) -> None:
    """Perspectives (the first one printed for a code, with its line) and % Realizz parametrata notes of the BSC
    tables: "P OS 032/004 Processi Interni / … 2.1 <title> 100,0%"."""
    i = section.start + 1
    while i < section.end:
        m = _BSC_ROW.match(lines[i].text)
        if not m:
            i += 1
            continue
        persp: list[str] = []
        text = m.group("rest")
        k = i
        code = None
        while True:
            tm = _BSC_TITLE.search(text) if text else None
            if tm:
                persp.append(text[: tm.start()])
                code = re.sub(r"\s*:\s*$", "", re.sub(r"\s+", " ", tm.group("code"))).strip()
                if pm := PCT_RE.search(tm.group("title")):
                    notes.setdefault(code, []).append(f"BSC table l.{lines[k].number}: % Realizz parametrata "
                                                      f"{pm.group(0)}")
                break
            persp.append(text)
            k += 1
            if k >= section.end or _BSC_ROW.match(lines[k].text):
                break
            text = lines[k].text
        if code is not None:
            perspective = re.sub(r"\s*/\s*", " / ", join_wrapped(persp)).strip(" /")
            if perspective and code not in perspectives:
                perspectives[code] = (perspective, lines[k].number)
        i = max(k, i + 1)
