"""Read a document's bytes into text lines: encodings, BOMs, binary and empty files, truncated encodings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ccperf.extract.numbers import strip_html

_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)}


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
    lines: tuple[str, ...]  # lines[0] is line 1; only "\n" splits lines, as in `grep -n`
    warnings: tuple[str, ...] = ()  # what is odd about the file but did not stop reading it (e.g. truncated)

    def line(self, number: int) -> str:
        """The 1-based line `number`."""
        return self.lines[number - 1]


def tab_cells(line: str) -> list[str]:
    """The tab-separated cells of a flattened table line, HTML tags removed and whitespace collapsed."""
    return [strip_html(c) for c in line.rstrip("\r").split("\t")]


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
    noise = sum(1 for ch in sample if ord(ch) in _CONTROL or ch == "\ufffd")
    if noise > max(8, len(sample) // 100):
        raise DocumentError(file_name, f"binary or garbled content ({noise} control characters in the first "
                                       f"{len(sample)} characters)")
    return text, encoding, warnings


def source_from_bytes(file_name: str, data: bytes) -> SourceText:
    text, encoding, warnings = decode_with_warnings(data, file_name)
    lines = tuple(line.rstrip("\r") for line in text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return SourceText(file_name, sha256_of(data), len(data), encoding, lines, tuple(warnings))


def read_source(path: Path) -> SourceText:
    return source_from_bytes(path.name, path.read_bytes())
