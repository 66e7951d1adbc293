"""The structure of a mission block: its header, programme, spending lines, projects of the fee increase and the
headings (bullets, margin labels, titles) that name the section a result belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ccperf.extract.document import Line
from ccperf.extract.layouts.mission_prose.stream import stream_of
from ccperf.extract.layouts.mission_prose.words import (
    AMOUNT,
    BULLET_WIDTH,
    HEADING_LINE_WIDTH,
    HEADING_WIDTH,
    PROFILE,
    PROSE_WIDTH,
    SPENDING_TITLE_WORDS,
    has_count,
    may_start_with_digit,
)
from ccperf.extract.numbers import collapse, parse_number
from ccperf.model import Objective

if TYPE_CHECKING:
    from ccperf.extract.layouts.mission_prose.parser import MissionProse

_MISSION_WORD = PROFILE.alternation("mission_heading")
MISSION = re.compile(rf"^\s*(?:{_MISSION_WORD})\s+(?P<code>\d{{3}})\b\s*[-–:]?\s*(?P<rest>.*)$", re.I)
HEADER_AMOUNT = re.compile(rf"€\s*(?P<amt>{AMOUNT})\s*$")
_PROGRAMME_WORD = PROFILE.alternation("programme_heading")
_PROGRAMME = re.compile(rf"^\s*(?:{_PROGRAMME_WORD})\s+(?:(?P<code>\d{{3}})\b\s*[-–:]?\s*(?P<rest1>.*)|(?P<rest2>[“\"].*))$")
_PROGRAMME_END = re.compile(r"[”\"]\s*\.?\s*$|\.\s*$|€\s*[\d.]+,\d{2}\s*$")
_SPENDING_LINE = re.compile(rf"^\s*(?P<title>[A-ZÀ-Ý][^€\d:;]{{2,70}}?)\s*€\s*(?P<amt>{AMOUNT})\s*$")
_TOTAL = PROFILE.pattern("total_label", r"^\s*{}\b")
PROJECT_FUNDING = PROFILE.pattern("project_funding_mark", r"\(\s*{}\b")
_PROJECT_HEAD = PROFILE.pattern("project_heading", r"^\s*[•●]?\s*{}\b")
_PROJECT_OUTCOMES = tuple((re.compile(p, re.I), status) for p, status in PROFILE.table("project_outcome").items())
_PROJECT_SPENDING = re.compile(PROFILE.value("project_spending").replace("{amount}", AMOUNT), re.I)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_TERMINAL = re.compile(r"[.;:!?”\"]\s*$")
_SENTENCE_OPENER = PROFILE.alternation("sentence_openers")
# "• Protesti Con il decreto ...": a heading and the first sentence on one line
MERGED_HEADING = re.compile(rf"^\s*(?P<bullet>[•●]\s*)?(?P<head>[A-ZÀ-Ý][^.;:\d]{{2,{HEADING_WIDTH}}}?)\s+"
                            rf"(?P<rest>(?:{_SENTENCE_OPENER})\b.*)$")
BULLET = re.compile(r"^\s*[•●·▪-]\s*")
_NUMBER_AT_END = re.compile(r"\s\d[\d.,]*$")
_LABEL_VALUE_END = re.compile(r"\s\d[\d.,]*\s*$")
_HEADING_END = re.compile(r"[.;:]$")
_CONTINUATION_END = re.compile(r"[.;:]$|\s\d[\d.,]*$")


@dataclass
class Mission:
    code: str
    title: str
    line: int
    end: int  # last line of the mission block
    body: int  # first line after the header
    amount: float | None
    quote: str
    objective: Objective | None = None
    lines_by_title: list[tuple[int, str]] = field(default_factory=list)  # spending lines: (line, title)

    def title_at(self, line_no: int) -> str:
        """The spending line a result belongs to (Missione 011 prints three), else the mission title."""
        title = self.title
        for start, line_title in self.lines_by_title:
            if start <= line_no:
                title = line_title
        return title


def find_missions(lines: list[Line], segment_end: int) -> list[Mission]:
    """"Missione 011" + title lines + "€ amount" (a list of missions without amounts is not a header)."""
    starts: list[tuple[int, str, str, float | None, str, int]] = []
    for i, line in enumerate(lines):
        m = MISSION.match(line.text)
        if not m:
            continue
        parts = [collapse(m.group("rest"))] if m.group("rest").strip() else []
        amount_raw, last = None, line.number
        for j in range(i, min(i + 4, len(lines))):
            cur = lines[j].text if j > i else m.group("rest")
            if j > i:
                if MISSION.match(cur):
                    break
                parts.append(collapse(cur))
            if am := HEADER_AMOUNT.search(cur):
                amount_raw, last = am.group("amt"), lines[j].number
                break
        if amount_raw is None:
            continue
        title = collapse(HEADER_AMOUNT.sub("", " ".join(parts))).strip(" -–:")
        quote = f"{collapse(m.group(0)[:m.start('rest')]).rstrip(' -–:')} {collapse(' '.join(parts))}"
        starts.append((line.number, m.group("code"), title, parse_number(amount_raw), quote, last))
    missions = []
    for k, (number, code, title, amount, quote, last) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else segment_end
        missions.append(Mission(code, title, number, end, last + 1, amount, quote))
    return missions


class Structure:
    """Reads the structure lines of a mission block, marking them consumed so the prose rules skip them."""

    def __init__(self, parser: MissionProse):
        self.parser = parser

    def read(self, mission: Mission, body: list[Line]) -> None:
        """Programme, spending lines, projects funded by the fee increase, headings."""
        i = 0
        prev: Line | None = None
        while i < len(body):
            line = body[i]
            text = line.text
            # each pattern only on lines holding a character it needs
            if (m := _PROGRAMME.match(text)) is not None:
                nxt = self.programme(mission, body, i, m)
            elif "€" in text and (m := _SPENDING_LINE.match(text)) and self.spending_line(mission, line, m):
                nxt = i + 1
            elif "(" in text and PROJECT_FUNDING.search(text):
                nxt = self.project(mission, body, i)
            elif may_start_with_digit(text) and _PAGE_NUMBER.match(text):
                self.parser.consumed.add(line.number)
                i += 1
                continue
            else:
                nxt = max(i + 1, self.heading(body, i, prev))
            prev = body[nxt - 1]
            i = nxt

    def spending_line(self, mission: Mission, line: Line, m: re.Match[str]) -> bool:
        """"Innovazione € 614.539,70": a spending line of the mission (not a total, not a sentence)."""
        if _TOTAL.match(line.text) or len(m.group("title").split()) > SPENDING_TITLE_WORDS:
            return False
        parser, number = self.parser, line.number
        title = collapse(m.group("title"))
        mission.lines_by_title.append((number, title))
        parser.consumed.add(number)
        parser.add_objective(number, None, "other", title, parent_code=mission.code, mission_code=mission.code,
                             notes=f"spending line of Missione {mission.code}: € {m.group('amt')}")
        parser.fact(number, "spending_programme", parse_number(m.group("amt")), "EUR", line.text,
                    subject=f"{mission.code}:{title}")
        parser.add_heading(number, title)
        return True

    def heading(self, body: list[Line], i: int, prev: Line | None) -> int:
        """A heading block (bullet, margin label or title line) starting at body[i]: returns the index after it
        (i when the line is no heading)."""
        line = body[i]
        stripped = line.text.strip()
        bullet = stripped.startswith("•")
        core = BULLET.sub("", stripped) if bullet else stripped
        if is_long_line(stripped, bullet) and (m := MERGED_HEADING.match(line.text)):
            self.parser.add_heading(line.number, collapse(m.group("head")))  # the first sentence stays prose
            return i
        if not core or not core[0].isupper() and core[0] not in "“\"(":
            return i
        if has_count(core) or _NUMBER_AT_END.search(core) and len(core.split()) > 2:
            return i  # a line with a count is prose ("Hanno aderito n.7 imprese"); "Asse 2", "HoCare 2.0" are titles
        if bullet and core.endswith(":") and len(core) <= BULLET_WIDTH:
            self.parser.add_heading(line.number, collapse(core.rstrip(":")))  # "• Progetti di promozione ...:"
            return i
        if len(core) > HEADING_WIDTH or _HEADING_END.search(core):
            return i
        # where blank lines separate the printed lines, a page top prints none before its first line
        page_break = self.parser.usual_gap > 0 and (prev.number if prev is not None else 0) == line.number - 1
        if not (bullet or page_break or self.after_sentence(prev)):
            return i
        if not (bullet or page_break) and i + 1 < len(body):
            # a short first line of a paragraph continues in lower case on the next line; a title does not
            nxt = body[i + 1]
            following = nxt.text.strip()
            if following[:1].islower() and len(following) > HEADING_LINE_WIDTH and \
                    self.parser.blank_lines_between(line.number, nxt.number) <= self.parser.usual_gap + 1:
                return i
        j = self.heading_end(body, i)
        parts = [core] + [body[k].text.strip() for k in range(i + 1, j)]
        for k in range(i, j):
            self.parser.consumed.add(body[k].number)
            if not page_break:
                self.parser.breaks.add(body[k].number)
        self.parser.add_heading(line.number, collapse(" ".join(parts)))
        return j

    def after_sentence(self, prev: Line | None) -> bool:
        """Whether the line before ends a sentence, a structure line or a label-value row."""
        if prev is None:
            return True
        return not prev.text or bool(_TERMINAL.search(prev.text)) or prev.number in self.parser.consumed or \
            bool(_LABEL_VALUE_END.search(prev.text))

    @staticmethod
    def heading_end(body: list[Line], i: int) -> int:
        """The index after the lines that continue a heading (short lines that are neither counts nor items)."""
        j = i + 1
        while j < len(body):
            nt = body[j].text.strip()
            if (not nt or len(nt) > HEADING_LINE_WIDTH or has_count(nt) or _CONTINUATION_END.search(nt)
                    or BULLET.match(nt) or MISSION.match(nt) or "(" in nt and PROJECT_FUNDING.search(nt)):
                break
            j += 1
        return j

    def programme(self, mission: Mission, body: list[Line], i: int, m: re.Match[str]) -> int:
        """"Programma “Promozione e attuazione di ...”." (over up to 5 lines), with its amount if printed."""
        parser, number = self.parser, body[i].number
        parts = [m.group("rest1") or m.group("rest2") or ""]
        j = i
        while not _PROGRAMME_END.search(parts[-1]) and j + 1 < len(body) and j - i < 4:
            j += 1
            parts.append(body[j].text)
        text = collapse(" ".join(parts))
        amount = HEADER_AMOUNT.search(text)
        title = collapse(HEADER_AMOUNT.sub("", text)).strip(" .").strip("“”\"").strip()
        code = m.group("code")
        parser.add_objective(number, f"{mission.code}-{code}" if code else None, "other", collapse(title),
                             parent_code=mission.code, mission_code=mission.code,
                             notes="Programma" + (f" {code}" if code else " without code") +
                                   ("" if amount else "; no separate amount printed"))
        if amount:
            subject = f"{mission.code}-{code}" if code else f"{mission.code}:{title}"
            parser.fact(number, "spending_programme", parse_number(amount.group("amt")), "EUR", text, subject=subject)
        for k in range(i, j + 1):
            parser.consumed.add(body[k].number)
        parser.add_heading(number, f"Programma {title}")
        return j + 1

    def project(self, mission: Mission, body: list[Line], i: int) -> int:
        """"• Progetto PUNTO / IMPRESA DIGITALE / (Incremento 20% diritto / annuale)": a project of the fee
        increase, its status and spending stated in the next few lines."""
        parser = self.parser
        start = i
        while start > 0 and i - start < 4 and not _PROJECT_HEAD.match(body[start].text):
            start -= 1
        if not _PROJECT_HEAD.match(body[start].text):
            start = i
        end = i
        while ")" not in body[end].text and end + 1 < len(body) and end - i < 3:
            end += 1
        title = collapse(BULLET.sub("", " ".join(line.text for line in body[start:end + 1])))
        number = body[start].number
        for k in range(start, end + 1):
            parser.consumed.add(body[k].number)
        window = stream_of([(line.number, collapse(line.text)) for line in body[end + 1:end + 16]])
        outcome = _project_outcome(window.text)
        notes = [f"project of the diritto annuale increase, reported under Missione {mission.code}"]
        if outcome:
            notes.append(f'"{collapse(outcome[1])}"')
        parser.add_objective(number, None, "other", collapse(title), parent_code=mission.code,
                             mission_code=mission.code, status=outcome[0] if outcome else None, notes="; ".join(notes))
        if fm := _PROJECT_SPENDING.search(window.text):
            parser.fact(window.line_at(fm.start()), "spending_project", parse_number(fm.group("amt")), "EUR",
                        fm.group(0), subject=title)
        parser.add_heading(number, title)
        return end + 1


def _project_outcome(text: str) -> tuple[str, str] | None:
    """(status, sentence) of the project outcome template that matches first in `text`."""
    found = [(m.start(), k, status, m.group(0)) for k, (pattern, status) in enumerate(_PROJECT_OUTCOMES)
             if (m := pattern.search(text))]
    if not found:
        return None
    _, _, status, sentence = min(found)
    return status, sentence


def is_long_line(stripped: str, bullet: bool) -> bool:
    """A line longer than a heading can be: a heading on it shares it with prose."""
    return len(stripped) > PROSE_WIDTH or bullet and len(stripped) > BULLET_WIDTH
