from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file
from ccperf.extract.text import DocumentError, decode, read_source

SAMPLE = "Relazione sulla performance 2019\nAttività già svolta: 87,40% (qualità)\n"


def test_utf8_cp1252_and_utf16_read_the_same_text(tmp_path: Path) -> None:
    variants = {"utf8.txt": SAMPLE.encode("utf-8"), "win.txt": SAMPLE.encode("cp1252"),
                "utf16.txt": SAMPLE.encode("utf-16"), "bom.txt": b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")}
    encodings = {}
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        source = read_source(tmp_path / name)
        assert source.lines == tuple(SAMPLE.splitlines()), name
        encodings[name] = source.encoding
    assert encodings == {"utf8.txt": "utf-8", "win.txt": "cp1252", "utf16.txt": "utf-16", "bom.txt": "utf-8"}


def test_lines_are_numbered_like_grep(tmp_path: Path) -> None:
    # Only "\n" ends a line: a form feed or a Unicode line separator inside a line must not shift numbering.
    (tmp_path / "f.txt").write_text("one\x0cstill one\r\ntwo\u2028still two\nthree\n", encoding="utf-8")
    assert read_source(tmp_path / "f.txt").lines == ("one\x0cstill one", "two\u2028still two", "three")


def test_a_lone_carriage_return_ends_a_line(tmp_path: Path) -> None:
    # classic Mac and some exports end lines with "\r" alone: they must not make a document one line
    (tmp_path / "cr.txt").write_bytes(b"one\rtwo\r\nthree\nfour\r")
    assert read_source(tmp_path / "cr.txt").lines == ("one", "two", "three", "four")
    (tmp_path / "blank.txt").write_bytes(b"a\r\rb\r")
    assert read_source(tmp_path / "blank.txt").lines == ("a", "", "b")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"   \n\n  ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (bytes(range(1, 32)) * 40, "binary or garbled"),
])
def test_unreadable_content_is_rejected_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as err:
        decode(data, "bad.txt")
    assert reason in err.value.reason
    assert str(err.value).startswith("bad.txt: ")


def test_extract_file_reports_errors_instead_of_raising(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = extract_file(tmp_path / "empty.txt")
    assert result.error == "empty file (no text)"
    assert result.file_sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert result.readings == []
