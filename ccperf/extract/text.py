"""Read a document's bytes into text lines: encodings, BOMs, binary and empty files, truncated encodings."""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, repeat
from operator import add
from pathlib import Path

from ccperf.extract.numbers import strip_html

# Control characters other than tab, newline, form feed and carriage return, and the replacement character.
_NOISE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


class DocumentError(Exception):
    """A document that cannot be read as text; the message names the file and the reason."""

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"{file_name}: {reason}")
        self.file_name = file_name
        self.reason = reason


@dataclass(frozen=True)
class SourceText:
    file_name: str
    sha256: str
    size: int
    encoding: str
    lines: tuple[str, ...]  # lines[0] is line 1; "\n", "\r\n" and a lone "\r" end a line (see split_lines)
    warnings: tuple[str, ...] = ()  # what is odd about the file but did not stop reading it (e.g. truncated)
    source_format: str = "text"  # text | pdf (lines converted from a PDF)
    line_pages: tuple[int, ...] = ()  # a PDF: the page of each line
    n_pages: int | None = None
    converter: str | None = None

    def line(self, number: int) -> str:
        """The 1-based line `number`."""
        return self.lines[number - 1]

    def page_of(self, number: int) -> int | None:
        """The page of a PDF that line `number` is on (None for a text document)."""
        return self.line_pages[number - 1] if 0 < number <= len(self.line_pages) else None


# Letters that re.IGNORECASE matches to ASCII i, k or s though they do not lower-case to them (İ ı K ſ), and the
# capital sigma, the one letter str.lower() maps by context (ς at the end of a word).
_CASE_TRAPS = ("\u0130", "\u0131", "\u212a", "\u017f", "\u03a3")


def fold_for_literals(text: str) -> str | None:
    """text.lower() when that maps each character on its own to one character (so offsets and slices agree) and
    `text` has none of the case traps above; else None.

    In such a folded text a lower-case ASCII literal occurs exactly where a re.IGNORECASE pattern finds it in
    `text` (no other letter matches an ASCII letter case-insensitively): `literal in folded` is a cheap
    necessary test before a slow case-insensitive scan.
    """
    if text.isascii():  # a flag of the string: no trap, and lower() maps one character to one
        return text.lower()
    if any(trap in text for trap in _CASE_TRAPS):
        return None
    folded = text.lower()
    return folded if len(folded) == len(text) else None  # lower() never drops a character


def case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """For a re.IGNORECASE pattern written in lower case (letters, classes, escapes), the same pattern without the
    flag; None for any other pattern.

    On a text folded by fold_for_literals the twin matches at exactly the places, with exactly the spans, where
    the pattern matches the original text: each character is replaced by its lower case, which every literal and
    class of such a pattern treats as IGNORECASE treats the character (given lower-case class ranges without
    capitals inside, as all of ours are). The twin is much faster: sre skips ahead and rejects alternatives by
    their first literal only case-sensitively.
    """
    # Keyed by identity: hashing a compiled pattern hashes its whole program. The entry keeps the pattern alive,
    # so its id is never reused by another one.
    entry = _TWINS.get(id(pattern))
    if entry is None:
        if len(_TWINS) >= 1024:  # only module-level patterns are expected: a bound against misuse
            _TWINS.clear()
        entry = _TWINS[id(pattern)] = (pattern, _make_twin(pattern))
    return entry[1]


_TWINS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _make_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    if not pattern.flags & re.IGNORECASE:
        return None
    source = pattern.pattern.replace("(?P<", "(?<")  # named groups aside, every letter must be lower case
    if source != source.lower() or "(?P=" in pattern.pattern or _BACKREFERENCE.search(source) or \
            _INLINE_FLAGS.search(source):
        return None
    try:
        return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
    except re.error:
        return None


_BACKREFERENCE = re.compile(r"\\[1-9]")
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")


def without_accents(text: str) -> str:
    """Accents dropped (NFKD, combining marks removed): "Forlì" reads as "Forli". ASCII text is returned as is."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def positions_of(text: str, needles: Iterable[str]) -> set[int]:
    """Every offset where one of the needles starts in `text` (overlaps too), by C-level str.find scans."""
    found: set[int] = set()
    for needle in needles:
        pos = text.find(needle)
        while pos >= 0:
            found.add(pos)
            pos = text.find(needle, pos + 1)
    return found


def finditer_folded(pattern: re.Pattern[str], text: str, folded: str | None) -> Iterator[re.Match[str]]:
    """pattern.finditer(text), found by scanning the case-sensitive twin over `folded` (fold_for_literals(text))
    when both exist; each match is then read on `text` (same place, same groups, original case)."""
    twin = case_sensitive_twin(pattern)
    if twin is None or folded is None:
        return pattern.finditer(text)
    return (_confirm(pattern, text, m.start()) for m in twin.finditer(folded))


def search_folded(pattern: re.Pattern[str], text: str, folded: str | None) -> re.Match[str] | None:
    """pattern.search(text), by the case-sensitive twin over `folded` when possible (see finditer_folded)."""
    twin = case_sensitive_twin(pattern)
    if twin is None or folded is None:
        return pattern.search(text)
    m = twin.search(folded)
    return _confirm(pattern, text, m.start()) if m else None


def match_folded(pattern: re.Pattern[str], text: str, folded: str | None) -> re.Match[str] | None:
    """pattern.match(text), rejected by the case-sensitive twin on `folded` when possible (see finditer_folded):
    a case-insensitive alternation is slow to reject."""
    twin = case_sensitive_twin(pattern)
    if twin is None or folded is None:
        return pattern.match(text)
    return _confirm(pattern, text, 0) if twin.match(folded) else None


def _confirm(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str]:
    m = pattern.match(text, pos)
    if m is None:  # cannot happen for a folded text and a twin (see case_sensitive_twin)
        raise AssertionError(f"case-sensitive twin of {pattern.pattern!r} disagrees at {pos}")
    return m


class JoinedLines:
    """Lines joined once with "\\n", so that a literal or regex is searched in one C-level scan of the whole text
    instead of once per line; hits are mapped back to line indexes (0-based).

    Literals are searched in the UTF-8 bytes of the text when it has any (bytes.find is several times faster than
    str.find on text holding characters such as "€"); a literal found there is exactly a literal found in the text.
    """

    def __init__(self, lines: Sequence[str]):
        self.lines = lines
        self.text = "\n".join(lines)
        self._hits: dict[tuple[str, bool], list[int]] = {}
        self._heads: dict[tuple[str, frozenset[str]], dict[str, list[int]] | None] = {}
        # id(signature) → (signature, the lines it matches): layout detection counts them per segment and window
        self.signature_lines: dict[int, tuple[re.Pattern[str], list[int]]] = {}

    @cached_property
    def starts(self) -> list[int]:
        """starts[i]: offset of line i in the text; a final entry one past its end."""
        return _line_starts(self.lines)

    @cached_property
    def _utf8(self) -> tuple[bytes, list[int]] | None:
        """(UTF-8 bytes of the text, byte offset of each line), or None when the lines cannot be mapped so."""
        try:
            data = self.text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            return None
        parts = data.split(b"\n")
        if not self.lines or len(parts) != len(self.lines):  # a line holding "\n" itself
            return None
        return data, _line_starts(parts)

    @cached_property
    def _utf8_folded(self) -> bytes | None:
        """The UTF-8 bytes with ASCII letters lower-cased, when the text has none of the letters IGNORECASE
        matches to ASCII i, k or s without lower-casing to them (İ ı K ſ); then a lower-case ASCII literal is
        found there exactly where re.IGNORECASE finds it in the text."""
        if self._utf8 is None or any(trap in self.text for trap in _CASE_TRAPS):
            return None
        return self._utf8[0].lower()

    def _line_indexes(self, starts: list[int], next_hit: Callable[[int], int]) -> Iterator[int]:
        """Indexes of the lines holding successive hits, each once; next_hit(pos) is the offset (in the units of
        `starts`) of the first hit at or after pos, or -1."""
        last = len(self.lines) - 1
        pos = next_hit(0) if self.lines else -1
        while pos >= 0:
            index = bisect.bisect_right(starts, pos) - 1
            yield index
            if index >= last:
                return
            pos = next_hit(starts[index + 1])

    def with_literal(self, literal: str) -> Iterator[int]:
        """Indexes of the lines containing `literal`, in order (and of a line where it only spans the join)."""
        if self._utf8 is not None:
            data, starts = self._utf8
            needle = literal.encode("utf-8")
            return self._line_indexes(starts, lambda pos: data.find(needle, pos))
        return self._line_indexes(self.starts, lambda pos: self.text.find(literal, pos))

    def with_literal_any_case(self, literal: str) -> Iterator[int]:
        """Indexes of the lines containing a lower-case ASCII `literal` in any case, as re.IGNORECASE reads it."""
        assert literal.isascii() and literal == literal.lower()
        folded = self._utf8_folded
        if folded is None or self._utf8 is None:
            return self.with_match(re.compile(re.escape(literal), re.IGNORECASE))
        needle, starts = literal.encode("ascii"), self._utf8[1]
        return self._line_indexes(starts, lambda pos: folded.find(needle, pos))

    def line_heads(self, literals: frozenset[str]) -> dict[str, list[int]] | None:
        """For each literal, the indexes of the lines that start with it after their leading whitespace, all found
        in one scan of the UTF-8 text from line break to line break (instead of one scan per literal). None when
        that scan would not be exact: no UTF-8 text, a literal holding a line break, or a line led by whitespace
        other than spaces and tabs."""
        key = ("heads", literals)
        if key in self._heads:
            return self._heads[key]
        heads: dict[str, list[int]] | None = None
        if self._utf8 is not None and literals and not any("\n" in lit or not lit for lit in literals):
            data, starts = self._utf8
            text = b"\n" + data  # every line now follows a line break; offsets shift by one
            needles = {lit.encode("utf-8"): lit for lit in literals}
            # The alternation reports the longest literal at a line start; the others there are its prefixes.
            starting = {n: [lit for m, lit in needles.items() if n.startswith(m)] for n in needles}
            alternatives = b"|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
            heads = {lit: [] for lit in literals}
            for m in re.finditer(rb"\n[ \t]*(?:(" + alternatives + rb")|" + _ODD_SPACE + rb")", text):
                if m.group(1) is None:
                    heads = None  # a line led by other whitespace: \s would skip it, [ \t] does not
                    break
                index = bisect.bisect_right(starts, m.start(1) - 1) - 1
                for lit in starting[m.group(1)]:
                    heads[lit].append(index)
        self._heads[key] = heads
        return heads

    def lines_with(self, literal: str, any_case: bool = False) -> list[int]:
        """with_literal (or with_literal_any_case) as a list, computed once per literal."""
        key = (literal, any_case)
        if key not in self._hits:
            find = self.with_literal_any_case if any_case else self.with_literal
            self._hits[key] = list(find(literal))
        return self._hits[key]

    @staticmethod
    def in_range(indexes: list[int], lo: int, hi: int) -> list[int]:
        """The sorted `indexes` that fall in [lo, hi)."""
        return indexes[bisect.bisect_left(indexes, lo):bisect.bisect_left(indexes, hi)]

    def with_match(self, pattern: re.Pattern[str]) -> Iterator[int]:
        """Indexes of the lines where a match of `pattern` in the joined text starts, in order, each once.

        For an unanchored pattern without lookarounds, every line in which pattern.search(line) finds a match is
        among them (and a line where a match only starts, running on past "\\n"): a pre-filter, after which
        each line is checked by its own test.
        """

        def next_hit(pos: int) -> int:
            m = pattern.search(self.text, pos)
            return m.start() if m else -1

        return self._line_indexes(self.starts, next_hit)


# Whitespace other than line breaks, spaces and tabs, in UTF-8 (what else \s matches in a str pattern).
_ODD_SPACE = (rb"[\x0b\x0c\r\x1c-\x1f]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|"
              rb"\xe3\x80\x80")


def _line_starts(lines: Sequence[str] | Sequence[bytes]) -> list[int]:
    """Offset of each line in the lines joined by one separator, then one past the end (C-level iteration)."""
    return list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))


def tab_cells(line: str) -> list[str]:
    """The tab-separated cells of a flattened table line, HTML tags removed and whitespace collapsed."""
    line = line.rstrip("\r")
    if "<" not in line and "  " not in line and line.replace("\t", "").isprintable():
        # no tag, and no whitespace but single spaces (the others are unprintable): trimming is all there is to do
        return [cell.strip() for cell in line.split("\t")]
    return [strip_html(c) for c in line.split("\t")]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises DocumentError for empty or binary content."""
    text, encoding, _ = decode_with_warnings(data, file_name)
    return text, encoding


def _truncated(data: bytes, exc: UnicodeDecodeError) -> bool:
    """The first decoding error is an incomplete character at the very end of the file."""
    return exc.start >= len(data) - 3 and exc.reason in ("unexpected end of data", "truncated data")


def decode_with_warnings(data: bytes, file_name: str) -> tuple[str, str, list[str]]:
    """Bytes → (text, encoding name, warnings). Raises DocumentError for empty or binary content.

    A file cut in the middle of a multi-byte character (a download or copy that stopped early) is read up to the
    cut, with a warning saying so, rather than being misread as another encoding.
    """
    warnings: list[str] = []
    if not data.strip():
        raise DocumentError(file_name, "empty file (no text)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", warnings
        except UnicodeDecodeError as exc:
            if not _truncated(data, exc):
                raise DocumentError(file_name, f"declares UTF-16 with a byte-order mark but does not decode: {exc}"
                                    ) from exc
            warnings.append(f"the file ends in the middle of a UTF-16 character (byte {exc.start} of {len(data)}): "
                            "it is probably truncated")
            return data[:exc.start].decode("utf-16"), "utf-16", warnings
    if b"\x00" in data[:65536]:
        raise DocumentError(file_name, "binary file (NUL bytes), not a text document")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        lenient = data.decode("utf-8", errors="replace")
        damaged = lenient.count("\ufffd")
        if _truncated(data, exc):
            text, encoding = data[:exc.start].decode("utf-8"), "utf-8"
            warnings.append(f"the file ends in the middle of a UTF-8 character (byte {exc.start} of {len(data)}): "
                            "it is probably truncated")
        elif sum(1 for ch in lenient if ord(ch) > 127) - damaged > 10 * damaged:
            # mostly valid UTF-8 with a few damaged bytes: reading it as cp1252 would garble every accent
            text, encoding = lenient, "utf-8"
            warnings.append(f"{damaged} byte sequence(s) are not valid UTF-8 (first at byte {exc.start}); "
                            "they were replaced by U+FFFD")
        else:
            # Windows-exported reports are often cp1252; it decodes almost any byte, so check for control noise.
            text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:65536]
    noise = len(_NOISE.findall(sample))
    if noise > max(8, len(sample) // 100):
        raise DocumentError(file_name, f"binary or garbled content ({noise} control characters in the first "
                                       f"{len(sample)} characters)")
    return text, encoding, warnings


def split_lines(text: str) -> tuple[str, ...]:
    """The text's lines: "\n" (Unix), "\r\n" (Windows) and a lone "\r" (classic Mac, some exports) end a line, as
    `grep -n` counts them once the file's line endings are made "\n"; a form feed or a Unicode line separator
    inside a line does not. A final line break does not start another line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(text.split("\n"))
    return lines[:-1] if lines and lines[-1] == "" else lines


def source_from_bytes(file_name: str, data: bytes, sha256: str | None = None) -> SourceText:
    """The document's lines; `sha256` of `data` may be passed when the caller has it already."""
    text, encoding, warnings = decode_with_warnings(data, file_name)
    return SourceText(file_name, sha256 or sha256_of(data), len(data), encoding, split_lines(text), tuple(warnings))


def read_source(path: Path) -> SourceText:
    return source_from_bytes(path.name, path.read_bytes())
