"""Split a document into segments (one chamber's report each) and detect chamber, year, kind, layout.

A file can bundle several reports: the 2024 report of the merged Cremona-Mantova-Pavia chamber holds a
joint introduction, the three former chambers' reports and an addendum. A segment starts at a title
block ("Camera di Commercio" + a chamber name, next to a report title) or at an addendum heading.
Everything is detected from the content, never from the file name or line numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ccperf.extract.detect import detect_layout_range
from ccperf.extract.document import DocumentModel
from ccperf.extract.text import JoinedLines, SourceText, fold_for_literals, search_folded
from ccperf.model import Segment

# A chamber name: capitalised words of 3+ letters ("Massa Carrara", "MANTOVA"), matched case-sensitively
# even inside case-insensitive patterns so "Cremona alla data" stops at "Cremona".
_NAME_WORD = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’]{2,}"
_NAME = rf"(?-i:{_NAME_WORD}(?:\s*[-–]\s*{_NAME_WORD}|\s+{_NAME_WORD})*)"
_REPORT_TITLE = re.compile(
    r"relazione\s+sulla\s+performance|piano\s+(?:integrato\s+)?della\s+performance|"
    r"relazione\s+sulla\s+gestione|piano\s+integrato\s+di\s+attivit", re.I)
_CHAMBER_ALONE = re.compile(r"^\s*(?:camera\s+di\s+commercio|cciaa)\s*$", re.I)
_CHAMBER_WITH_NAME = re.compile(rf"^\s*(?:.*\bex\s+)?(?:camera\s+di\s+commercio|cciaa)\s+(?:di\s+)?(?P<name>{_NAME})\s*$",
                                re.I)
_BARE_NAME = re.compile(rf"^\s*(?P<name>{_NAME}|[A-ZÀ-Ý' ]{{3,}}(?:\s*[-–]\s*[A-ZÀ-Ý' ]{{3,}})*)\s*$")
_ADDENDUM = re.compile(rf"^\s*addendum\b.*?(?:camera\s+di\s+commercio|cciaa)\s+(?:di\s+)?(?P<name>{_NAME})", re.I)
_MENTION = re.compile(rf"(?:camera\s+di\s+commercio|cciaa)\s+(?:di\s+)?(?P<name>{_NAME})", re.I)
_NOT_NAMES = {"industria", "artigianato", "agricoltura", "italiane", "italiana", "il", "la", "le", "del", "della",
              "nell", "in", "e", "che", "per", "con"}
# Names printed in more than one way.
_ALIASES = {"massa carrara": "Massa-Carrara", "massa-carrara": "Massa-Carrara"}

_YEAR_TITLE = re.compile(
    r"(?:relazione\s+sulla\s+performance|piano\s+(?:integrato\s+)?della\s+performance|esercizio|anno)"
    r"\s*(?:anno\s*)?((?:19|20)\d\d)\b", re.I)
_YEAR_CODE = re.compile(r"\b((?:19|20)\d\d)_\d\d\b")
_YEAR_ANY = re.compile(r"\b((?:19|20)\d\d)\b")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
_KIND_PHRASES = (
    (re.compile(r"relazione\s+sulla\s+gestione", re.I), "relazione_gestione"),
    (re.compile(r"relazione\s+sulla\s+performance", re.I), "relazione_performance"),
    (re.compile(r"piano\s+(?:integrato\s+)?della\s+performance", re.I), "piano_performance"),
)
_RESULT_CUES = re.compile(r"valore\s+raggiunto|obiettivo\s+conseguito|consuntivo|risultato\s+(?:raggiunto|conseguito)|"
                          r"%\s*realizz", re.I)
_HEAD_LINES = 60


def canonical_chamber(name: str) -> str:
    """"MASSA CARRARA" / "Massa – Carrara" → "Massa-Carrara"; "CREMONA - MANTOVA - PAVIA" → "Cremona-Mantova-Pavia"."""
    parts = [p.strip() for p in re.split(r"\s*[-–]\s*", name.strip()) if p.strip()]
    titled = ["-".join(w.capitalize() if w.isupper() or w.islower() else w for w in [p]) for p in parts]
    titled = [" ".join(w.capitalize() if w.isupper() else w for w in p.split()) for p in titled]
    joined = "-".join(titled)
    return _ALIASES.get(joined.lower(), joined)


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    while words and words[-1].lower() in _NOT_NAMES:
        words.pop()
    if not words or words[0].lower() in _NOT_NAMES or len(words) > 5:
        return None
    return canonical_chamber(" ".join(words))


@dataclass(frozen=True)
class _Start:
    line: int  # 1-based line where the segment starts
    chamber: str | None
    role: str  # report | addendum | preamble


def _near_title(lines: tuple[str, ...], idx: int, before: int, after: int) -> bool:
    lo, hi = max(0, idx - before), min(len(lines), idx + after + 1)
    return any(_REPORT_TITLE.search(lines[i]) for i in range(lo, hi))


def _title_block_start(lines: tuple[str, ...], idx: int) -> int:
    """A title block begins at the report title just above it ("La Relazione ... – ex" / "CCIAA PAVIA")."""
    for back in (1, 2, 3):
        j = idx - back
        if j < 0 or (lines[j].strip() and not _REPORT_TITLE.search(lines[j])):
            break
        if _REPORT_TITLE.search(lines[j]) and len(lines[j]) < 120:
            return j
    return idx


def find_segment_starts(lines: tuple[str, ...], joined: JoinedLines | None = None) -> list[_Start]:
    starts: list[_Start] = []
    # Every start line names the chamber ("Camera di Commercio ..." / "CCIAA"): only those lines are read.
    for idx in _chamber_lines(joined or JoinedLines(lines)):
        line = lines[idx]
        if len(line) > 160 or "\t" in line:
            continue
        name: str | None = None
        role = "report"
        if m := _ADDENDUM.match(line):
            name, role = _clean_name(m.group("name")), "addendum"
        elif _CHAMBER_ALONE.match(line) and _near_title(lines, idx, 4, 12):
            following = [lines[j] for j in range(idx + 1, min(len(lines), idx + 3)) if lines[j].strip()]
            if following and (nm := _BARE_NAME.match(following[0])) and len(following[0]) <= 60:
                name = _clean_name(nm.group("name"))
        elif (m := _CHAMBER_WITH_NAME.match(line)) and len(line) <= 80 and _near_title(lines, idx, 4, 12):
            name = _clean_name(m.group("name"))
        if not name:
            continue
        begin = _title_block_start(lines, idx) if role == "report" else _title_block_start(lines, idx)
        if role == "report" and "-" in name and len(name.split("-")) >= 3:
            role = "preamble"  # a merged chamber's joint introduction ("CREMONA - MANTOVA - PAVIA")
        if starts and starts[-1].chamber == name and starts[-1].role == role:
            continue  # the same title repeated (cover page, then heading)
        starts.append(_Start(begin + 1, name, role))
    return starts


def _chamber_lines(joined: JoinedLines) -> list[int]:
    """Indexes of the lines naming a chamber ("camera" or "cciaa" in any case): what _ADDENDUM, _CHAMBER_ALONE,
    _CHAMBER_WITH_NAME and _MENTION all need, so the other lines are never searched."""
    return sorted({*joined.lines_with("camera", any_case=True), *joined.lines_with("cciaa", any_case=True)})


def detect_chamber(lines: list[str]) -> str | None:
    return _chamber_of(lines, _chamber_lines(JoinedLines(lines)))


def _chamber_of(lines: Sequence[str], candidates: list[int]) -> str | None:
    """The chamber most often named (_MENTION) in the candidate lines."""
    counts: Counter[str] = Counter()
    for idx in candidates:
        for m in _MENTION.finditer(lines[idx]):
            name = _clean_name(m.group("name"))
            if name:
                counts[name] += 1
    return counts.most_common(1)[0][0] if counts else None


def detect_year(lines: list[str]) -> int | None:
    return _year_of(lines, "\n".join(lines))


def _year_of(lines: Sequence[str], text: str) -> int | None:
    """detect_year of `lines`, given them joined by "\\n" as `text`."""
    head = " ".join(line.strip() for line in lines[:_HEAD_LINES] if line.strip())
    if m := search_folded(_YEAR_TITLE, head, fold_for_literals(head)):
        return int(m.group(1))
    # Both patterns are bounded by \b on digits, so on the joined text they find exactly the matches of each line.
    codes = Counter(m.group(1) for m in _year_codes(text))
    if codes:
        return int(codes.most_common(1)[0][0])
    years = Counter(m.group(1) for m in _years(text))
    return int(years.most_common(1)[0][0]) if years else None


def _year_codes(text: str) -> Iterator[re.Match[str]]:
    """_YEAR_CODE.finditer(text), looking only before each "_" (every match has one right after its year; matches
    never overlap, as one cannot start inside a word); a regex scan of the whole text is far slower."""
    pos = text.find("_", 4)
    while pos >= 0:
        if m := _YEAR_CODE.match(text, pos - 4):
            yield m
        pos = text.find("_", pos + 1)


def _years(text: str) -> Iterator[re.Match[str]]:
    """_YEAR_ANY.finditer(text), tried only where a quick scan finds 19dd/20dd: a match cannot start inside such
    a run of digits (no word boundary there), so none is skipped."""
    for candidate in _YEAR_DIGITS.finditer(text):
        if m := _YEAR_ANY.match(text, candidate.start()):
            yield m


def detect_kind(lines: list[str]) -> str | None:
    text = "\n".join(lines)
    folded = fold_for_literals(text)  # the case-insensitive phrases are searched as case-sensitive twins on it
    first: tuple[int, str] | None = None
    for pattern, kind in _KIND_PHRASES:
        m = search_folded(pattern, text, folded)
        if m and (first is None or m.start() < first[0]):
            first = (m.start(), kind)
    if first:
        return first[1]
    return "relazione_performance" if search_folded(_RESULT_CUES, text, folded) else None


def split_segments(source: SourceText, model: DocumentModel | None = None) -> list[Segment]:
    """Segments of a document with chamber, year, kind and layout detected from their content (read in the
    document model's canonical text: table rows as tab-joined cells, page furniture blanked)."""
    lines = tuple((model or DocumentModel(source.lines)).content_texts())
    joined = JoinedLines(lines)  # indexed once for all segments
    starts = find_segment_starts(lines, joined)
    if len({(s.chamber, s.role) for s in starts}) <= 1:
        starts = [_Start(1, starts[0].chamber if starts else None, "report")]
    elif starts[0].line > 1:
        first = starts[0]
        starts[0] = _Start(1, first.chamber, first.role)
    segments: list[Segment] = []
    doc_year: list[int | None] = []  # the document's year, read only when a segment has none

    def year_of_document() -> int | None:
        if not doc_year:
            doc_year.append(_year_of(lines, joined.text))
        return doc_year[0]

    doc_kind = detect_kind(list(lines[:_HEAD_LINES * 4]))
    chamber_lines = _chamber_lines(joined)
    for i, start in enumerate(starts):
        end = starts[i + 1].line - 1 if i + 1 < len(starts) else len(lines)
        lo = start.line - 1
        seg_lines = list(lines[lo:end])
        chamber = start.chamber or _chamber_of(lines, joined.in_range(chamber_lines, lo, end))
        layout = detect_layout_range(joined, lo, end)
        segments.append(Segment(
            document_sha256=source.sha256,
            document_file=source.file_name,
            segment_index=i,
            line_start=start.line,
            line_end=end,
            chamber_name=chamber,
            year=_year_of(seg_lines, "\n".join(seg_lines)) or year_of_document(),
            doc_kind=(detect_kind(seg_lines[:_HEAD_LINES]) or doc_kind) if start.role != "addendum" else doc_kind,
            layout=layout or ("narrative" if start.role == "preamble" else "unknown"),
            role=start.role,
        ))
    return segments
