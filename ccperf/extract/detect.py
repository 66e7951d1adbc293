"""Layout detection: which layout family a segment is printed in, from content signatures.

Each layout parser declares signatures (regular expressions, each counted once per matching line) and a minimum
number of hits. A segment's layout is the one with the most hits. Detection reads the canonical text of the
document model (table rows as tab-joined cells, page furniture blanked), so a table re-laid by another converter
is recognised as the same layout.

Scoring every signature on every line is the slow way; the accelerator below finds, from each signature's
compiled form, text every match must contain (a literal, or the literal a line must start with) and searches only
the lines holding it, found once per document by a C-level scan. It never changes a result: a signature whose
required text cannot be read from its pattern is searched on every line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]

from ccperf.extract.layouts import LAYOUTS
from ccperf.extract.parser import LayoutParser
from ccperf.extract.text import JoinedLines

_LITERAL, _SUBPATTERN, _BRANCH = _sre_constants.LITERAL, _sre_constants.SUBPATTERN, _sre_constants.BRANCH
_AT, _AT_BEGINNING, _MAX_REPEAT = _sre_constants.AT, _sre_constants.AT_BEGINNING, _sre_constants.MAX_REPEAT
_IN, _CATEGORY, _CATEGORY_SPACE = _sre_constants.IN, _sre_constants.CATEGORY, _sre_constants.CATEGORY_SPACE




def score_range(layout: type[LayoutParser], joined: JoinedLines, lo: int, hi: int,
                heads: dict[str, list[int]] | None = None) -> int:
    """Matching (line, signature) pairs of the lines lo..hi-1 of a joined text, or 0 when fewer than the layout's
    min_hits; `heads` is joined.line_heads() of the anchors of every signature (see _anchors), when known."""
    hits = sum(_count_matching(joined, lo, hi, sig, heads) for sig in layout.signatures)
    return hits if hits >= layout.min_hits else 0


def score(layout: type[LayoutParser], lines: list[str]) -> int:
    return score_range(layout, JoinedLines(lines), 0, len(lines))


def detect_layout(lines: list[str]) -> str | None:
    """The best-scoring layout for a segment's lines, or None when nothing matches."""
    return detect_layout_range(JoinedLines(lines), 0, len(lines))


def detect_layout_range(joined: JoinedLines, lo: int, hi: int) -> str | None:
    """detect_layout of the lines lo..hi-1 of a joined text (a document indexed once for all its segments)."""
    heads = joined.line_heads(anchor_literals(sig for layout in LAYOUTS for sig in layout.signatures))
    scored = [(score_range(layout, joined, lo, hi, heads), layout.name) for layout in LAYOUTS]
    best = max(scored, default=(0, None))
    return best[1] if best[0] > 0 else None


def _count_matching(joined: JoinedLines, lo: int, hi: int, signature: re.Pattern[str],
                    heads: dict[str, list[int]] | None = None) -> int:
    """Lines lo..hi-1 where signature.search finds a match (the text's matching lines are found once, then every
    range of them, a segment or a window, is counted by bisection)."""
    found = joined.signature_lines.get(id(signature))  # by identity: hashing a pattern hashes its program
    if found is None:
        found = joined.signature_lines[id(signature)] = (signature, _matching_lines(joined, signature, heads))
    return len(joined.in_range(found[1], lo, hi))


def _matching_lines(joined: JoinedLines, signature: re.Pattern[str],
                    heads: dict[str, list[int]] | None) -> list[int]:
    """Every line where signature.search finds a match; only the lines holding text every match needs are
    searched: the lines starting with the signature's anchor, else those holding its literal (each found once
    for the whole text)."""
    lines = joined.lines
    anchors = _anchors(signature)
    if anchors is not None and heads is not None:
        candidates: Iterable[int] = sorted({i for anchor in anchors for i in heads[anchor]})
    elif (needed := _needed_text(signature)) is not None:
        literals, any_case = needed
        candidates = sorted({i for literal in literals for i in joined.lines_with(literal, any_case)})
    else:
        candidates = range(len(lines))
    return [i for i in candidates if signature.search(lines[i])]


@lru_cache(maxsize=256)
def _needed_text(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """Text every match of a signature contains: (literals one of which is in every match, whether in any case).
    None when no literal of 3+ characters is certain."""
    try:
        items = list(_sre_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a private module: if it ever changes, lose the shortcut, never the result
        return None
    literals: tuple[str, ...] = (_longest_literal(items),)
    if len(literals[0]) < 3:
        literals = _branch_literals(items)
    if not literals or min(map(len, literals)) < 3:
        return None
    if pattern.flags & re.IGNORECASE:
        if pattern.flags & re.ASCII or not all(lit.isascii() for lit in literals):
            return None
        return tuple(lit.lower() for lit in literals), True
    return literals, False


@lru_cache(maxsize=256)
def _anchors(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """For a case-sensitive signature anchored at the line start ("^", then maybe \\s* or \\s+), the literal
    text right after (or one per alternative of a group there): every matching line starts with one of them after
    its leading whitespace. None for any other signature."""
    if pattern.flags & (re.IGNORECASE | re.MULTILINE):
        return None
    try:
        items = list(_sre_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a private module: if it ever changes, lose the shortcut, never the result
        return None
    if not items or items[0] != (_AT, _AT_BEGINNING):
        return None
    rest = items[1:]
    if rest and rest[0][0] is _MAX_REPEAT and list(rest[0][1][2]) == [(_IN, [(_CATEGORY, _CATEGORY_SPACE)])]:
        rest = rest[1:]  # \s* or \s+: leading whitespace, which line_heads skips too
    if rest and rest[0][0] is _BRANCH:
        heads = tuple(_leading_literal(list(branch)) for branch in rest[0][1][1])
    else:
        heads = (_leading_literal(rest),)
    return heads if all(heads) else None


def _leading_literal(items: list) -> str:
    """The literal characters a parsed sequence starts with."""
    out = ""
    for op, arg in items:
        if op is not _LITERAL:
            break
        out += chr(arg)
    return out


def anchor_literals(signatures: Iterable[re.Pattern[str]]) -> frozenset[str]:
    """Every anchor of the signatures (see _anchors), for JoinedLines.line_heads."""
    return frozenset(a for sig in signatures for a in _anchors(sig) or ())


def _longest_literal(items: list) -> str:
    """The longest run of consecutive literal characters in a parsed sequence (outside groups)."""
    best, run = "", ""
    for op, arg in items:
        if op is _LITERAL:
            run += chr(arg)
        else:
            best, run = max(best, run, key=len), ""
    return max(best, run, key=len)


def _branch_literals(items: list) -> tuple[str, ...]:
    """For a sequence holding alternatives ("(?:Indicatori|OBIETTIVO CONSEGUITO)", inlined by the parser, or in a
    plain capturing group), the longest literal of each alternative: one of them is in every match."""
    for op, arg in items:
        if op is _SUBPATTERN and not arg[1] and not arg[2]:  # (group, add flags, del flags, sequence)
            inner = list(arg[3])
            if len(inner) == 1:
                op, arg = inner[0]
        if op is _BRANCH:
            return tuple(_longest_literal(list(branch)) for branch in arg[1])
    return ()
