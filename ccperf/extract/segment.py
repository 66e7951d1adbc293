"""Split a document into segments (one chamber's report each) and detect chamber, year, kind and layout.

A file can bundle several reports: the 2024 report of the merged Cremona-Mantova-Pavia chamber holds a joint
introduction, the three former chambers' reports and an addendum. A segment starts at a title block ("Camera di
Commercio" + a chamber's name, next to a report title) or at an addendum heading. Chambers are recognised by their
names in the national registry (ccperf.extract.chambers); years and kinds by ccperf.extract.years. Everything is
detected from the content, never from the file name or line numbers.

What cannot be decided is a finding on the segment, never a silent guess: a chamber the registry does not know, a
year no title or table states, a second layout family inside a segment (a title block that was missed: the part in
the other layout becomes a segment of its own, under the chamber its text names, or is not read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ccperf.extract.chambers import CHAMBER_WORDS, NameMatch, registry
from ccperf.extract.detect import detect_layout_range
from ccperf.extract.document import DocumentModel
from ccperf.extract.layouts import layout_named
from ccperf.extract.text import JoinedLines, SourceText
from ccperf.extract.years import HEAD_LINES, reference_year, report_kind
from ccperf.model import Segment

_REPORT_TITLE = re.compile(
    r"relazione\s+sulla\s+performance|piano\s+(?:integrato\s+)?della\s+performance|"
    r"relazione\s+sulla\s+gestione|piano\s+integrato\s+di\s+attivit", re.I)
_CHAMBER_ALONE = re.compile(rf"^\s*{CHAMBER_WORDS}\s*,?\s*(?:di|della|dell['’]|del)?\s*$", re.I)
_CHAMBER_LINE = re.compile(rf"^\s*(?:.*\bex\s+)?{CHAMBER_WORDS}\b", re.I)
_ADDENDUM = re.compile(rf"^\s*addendum\b.*?{CHAMBER_WORDS}", re.I)
_TITLE_LINE_MAX = 240  # a title line naming a chamber, even in the long official form
_WINDOW = 250  # lines: a segment is checked for a second layout family window by window


@dataclass(frozen=True)
class _Start:
    line: int  # 1-based line where the segment starts
    name: NameMatch | None
    role: str  # report | addendum | preamble

    @property
    def chamber(self) -> str | None:
        return self.name.name if self.name else None


def _report_title_lines(joined: JoinedLines) -> list[int]:
    """Indexes of the lines holding a report title (each says "relazione" or "piano": only those are searched)."""
    candidates = {*joined.lines_with("relazione", any_case=True), *joined.lines_with("piano", any_case=True)}
    return [i for i in sorted(candidates) if _REPORT_TITLE.search(joined.lines[i])]


def _near_title(titles: list[int], idx: int, before: int, after: int) -> bool:
    return bool(JoinedLines.in_range(titles, idx - before, idx + after + 1))


def _title_block_start(lines: Sequence[str], idx: int) -> int:
    """A title block begins at the report title just above it ("La Relazione ... – ex" / "CCIAA PAVIA")."""
    for back in (1, 2, 3):
        j = idx - back
        if j < 0 or (lines[j].strip() and not _REPORT_TITLE.search(lines[j])):
            break
        if _REPORT_TITLE.search(lines[j]) and len(lines[j]) < 120:
            return j
    return idx


def _title_name(lines: Sequence[str], titles: list[int], idx: int) -> tuple[NameMatch | None, str]:
    """The chamber a title line names, and the segment role it starts; (None, "") when it starts none."""
    line = lines[idx]
    reg = registry()
    if _ADDENDUM.match(line):
        names = reg.after_chamber_words(line)
        return (names[0], "addendum") if names else (None, "")
    if not _near_title(titles, idx, 4, 12):
        return None, ""
    if _CHAMBER_ALONE.match(line):  # "Camera di Commercio" ⏎ "MANTOVA" (the name may carry a title word)
        following = next((lines[j] for j in range(idx + 1, min(len(lines), idx + 3)) if lines[j].strip()), "")
        if following and len(following) <= 80:
            stripped = following.strip()
            match = reg.name_at(stripped, 0) or _unknown_title_name(stripped)
            return match, "report"
        return None, ""
    if _CHAMBER_LINE.match(line):
        names = reg.after_chamber_words(line)
        return (names[0], "report") if names else (None, "")
    return None, ""


def _unknown_title_name(text: str) -> NameMatch | None:
    """A name on a title line that the registry does not hold: capitalised words only (reported as unknown)."""
    from ccperf.extract.chambers import tidy_unknown

    if re.fullmatch(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’ \-–]{2,60}", text) and tidy_unknown(text):
        return NameMatch(None, text, 0, len(text))
    return None


def find_segment_starts(lines: Sequence[str], joined: JoinedLines | None = None) -> list[_Start]:
    starts: list[_Start] = []
    joined = joined or JoinedLines(lines)
    titles = _report_title_lines(joined)
    # Every start line names a chamber ("Camera di Commercio ..." / "CCIAA"): only those lines are read.
    for idx in _chamber_lines(joined):
        line = lines[idx]
        if len(line) > _TITLE_LINE_MAX or "\t" in line:
            continue
        name, role = _title_name(lines, titles, idx)
        if name is None:
            continue
        if role == "report" and name.chamber is not None and name.chamber.is_merged or \
                role == "report" and name.chamber is None and "-" in name.name:
            role = "preamble"  # a merged chamber's joint introduction, before its former chambers' reports
        if starts and starts[-1].chamber == name.name and starts[-1].role == role:
            continue  # the same title repeated (cover page, then heading)
        starts.append(_Start(_title_block_start(lines, idx) + 1, name, role))
    # a merged chamber's title is a preamble only when its former chambers' reports follow
    if not any(s.role == "report" for s in starts):
        starts = [_Start(s.line, s.name, "report" if s.role == "preamble" else s.role) for s in starts]
    return starts


def _chamber_lines(joined: JoinedLines) -> list[int]:
    """Indexes of the lines that may name a chamber ("camera", "cciaa" or "c.c.i.a.a." in any case)."""
    return sorted({*joined.lines_with("camera", any_case=True), *joined.lines_with("cciaa", any_case=True),
                   *joined.lines_with("c.c.i.a.a", any_case=True)})


def _chamber_of(lines: Sequence[str], candidates: list[int]) -> NameMatch | None:
    """The chamber most often named after "Camera di Commercio" in the candidate lines."""
    counts: Counter[str] = Counter()
    first: dict[str, NameMatch] = {}
    for idx in candidates:
        for match in registry().after_chamber_words(lines[idx]):
            counts[match.name] += 1
            first.setdefault(match.name, match)
    return first[counts.most_common(1)[0][0]] if counts else None


def _findings(name: NameMatch | None) -> list[str]:
    if name is not None and name.chamber is None:
        return [f"unknown chamber {name.printed.strip()!r}: not in the chamber registry "
                "(dbt_project/seeds/chamber_registry.csv); its rows keep the printed name"]
    return []


def split_segments(source: SourceText, model: DocumentModel | None = None) -> list[Segment]:
    """Segments of a document with chamber, year, kind and layout detected from their content (read in the
    document model's canonical text: table rows as tab-joined cells, page furniture blanked)."""
    lines = tuple((model or DocumentModel(source.lines)).content_texts())
    joined = JoinedLines(lines)  # indexed once for all segments
    starts = find_segment_starts(lines, joined)
    if len({(s.chamber, s.role) for s in starts}) <= 1:
        starts = [_Start(1, starts[0].name if starts else None, "report")]
    elif starts[0].line > 1:
        starts[0] = _Start(1, starts[0].name, starts[0].role)
    starts = _split_at_layout_changes(lines, joined, starts)
    doc_year = reference_year(lines, joined.text)
    doc_kind = report_kind(lines[:HEAD_LINES * 4])
    chamber_lines = _chamber_lines(joined)
    segments: list[Segment] = []
    for i, start in enumerate(starts):
        end = starts[i + 1].line - 1 if i + 1 < len(starts) else len(lines)
        lo = start.line - 1
        seg_lines = lines[lo:end]
        name = start.name or _chamber_of(lines, joined.in_range(chamber_lines, lo, end))
        year = reference_year(seg_lines)
        if year.year is None:
            year = doc_year
        findings = _findings(name)
        if year.year is None:
            findings.append(f"reference year not decided ({year.detail}): set it in manifest.toml")
        layout = detect_layout_range(joined, lo, end)
        segments.append(Segment(
            document_sha256=source.sha256,
            document_file=source.file_name,
            segment_index=i,
            line_start=start.line,
            line_end=end,
            chamber_name=name.name if name else None,
            year=year.year,
            doc_kind=(report_kind(seg_lines[:HEAD_LINES]) or doc_kind) if start.role != "addendum" else doc_kind,
            layout=layout or ("narrative" if start.role == "preamble" else "unknown"),
            role=start.role,
            findings="; ".join(findings) or None,
        ))
    return segments


# -- a second layout family inside a segment --------------------------------------------------------------------
def _split_at_layout_changes(lines: Sequence[str], joined: JoinedLines, starts: list[_Start]) -> list[_Start]:
    """Where a segment holds two layout families in different parts (a chamber's title block that was not
    recognised), the part in the second family starts a segment of its own. Its chamber is the one its text names
    after "Camera di Commercio"; when none is named the part keeps no chamber and is reported."""
    out: list[_Start] = []
    for i, start in enumerate(starts):
        out.append(start)
        end = starts[i + 1].line - 1 if i + 1 < len(starts) else len(lines)
        change = _layout_change(joined, start.line - 1, end)
        if change is None:
            continue
        names = _chamber_of(lines, joined.in_range(_chamber_lines(joined), change, end))
        role = "report" if start.role != "addendum" else "addendum"
        out.append(_Start(change + 1, names, role if names else "unattributed"))
    return out


def _layout_change(joined: JoinedLines, lo: int, hi: int) -> int | None:
    """The first line (0-based) of the part of lines lo..hi-1 printed in another layout family than the part
    before it, when each part spans at least two windows; None when the segment has one family."""
    families: list[tuple[int, str | None]] = []
    for a in range(lo, hi, _WINDOW):
        families.append((a, detect_layout_range(joined, a, min(a + _WINDOW, hi))))
    known = [(a, f) for a, f in families if f is not None]
    for k in range(2, len(known) - 1):
        before, after = {f for _, f in known[:k]}, {f for _, f in known[k:]}
        if len(before) == 1 and len(after) == 1 and before != after:
            return _boundary(joined, known[k - 1][0], min(known[k][0] + _WINDOW, hi), *before, *after)
    return None


def _boundary(joined: JoinedLines, lo: int, hi: int, old: str, new: str) -> int:
    """Where the new family starts between lines lo and hi: right after the old family's last signature line that
    comes before the new family's first one."""

    def hits(name: str) -> list[int]:
        layout = layout_named(name)
        signatures = layout.signatures if layout else ()
        return [i for i in range(lo, hi) if any(sig.search(joined.lines[i]) for sig in signatures)]

    new_hits = hits(new)
    first_new = new_hits[0] if new_hits else lo
    old_before = [i for i in hits(old) if i < first_new]
    return old_before[-1] + 1 if old_before else first_new
