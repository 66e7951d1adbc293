"""Bad input: each bad file gets a clear message naming it and the reason, the other documents are processed and
published, and nothing already published is lost.

The file-level behaviour is tested on the reader and extractor directly; then two real runs share one data
folder: the first holds good documents in other encodings next to every kind of bad file, the second removes a
document and empties another, while readers hold the published serving database open in other processes.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import time
from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file
from ccperf.extract.text import DocumentError, decode_with_warnings
from ccperf.model import flatten
from ccperf.summary import RunSummary
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import (
    BRESCIA,
    CREMONA_2020,
    FIFTY_MB,
    HOLDER,
    MANTOVA_BUNDLE,
    POLLER,
    TRUNCATE_AT,
    Reader,
    query,
    readings_by_file,
    run_flow,
    write_bad_inputs,
    write_fifty_megabytes,
)

# ---------------------------------------------------------------------------------------------- file level


def _rows(path: Path) -> dict[str, list[dict]]:
    """What a file yields, without the file's name and bytes (which differ between copies)."""
    result = extract_file(path)
    assert result.error is None, result.error
    out = {}
    for name in ("segments", "objectives", "readings", "facts", "components"):
        rows = [flatten(r) for r in getattr(result, name)]
        for row in rows:
            row.pop("document_sha256", None)
            row.pop("document_file", None)
        out[name] = rows
    return out


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file (no text)"),
    ("blank.txt", b" \n\t\n  \n", "empty file (no text)"),
    ("report.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8, "corrupt or truncated PDF, cannot be opened"),
    ("report.txt", b"%PDF-1.4\n" + bytes(range(256)) * 8, "corrupt or truncated PDF, cannot be opened"),
    ("noise.txt", bytes(range(1, 32)) * 200, "binary or garbled content"),
])
def test_unreadable_files_are_rejected_with_the_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(data)
    result = extract_file(tmp_path / name)
    assert result.error is not None and result.error.startswith(reason)
    assert result.document is None and result.file_sha256  # identified, so it is listed in raw.document_files


def test_cp1252_and_utf16_with_bom_give_the_same_rows_as_utf8(tmp_path: Path) -> None:
    text = (RAW_DIR / CREMONA_2020).read_text(encoding="utf-8")
    (tmp_path / "win.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))  # with its byte-order mark
    assert (tmp_path / "utf16.txt").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    original = _rows(RAW_DIR / CREMONA_2020)
    assert len(original["readings"]) == 46
    assert _rows(tmp_path / "win.txt") == original
    assert _rows(tmp_path / "utf16.txt") == original
    assert extract_file(tmp_path / "win.txt").document.encoding == "cp1252"  # type: ignore[union-attr]
    assert extract_file(tmp_path / "utf16.txt").document.encoding == "utf-16"  # type: ignore[union-attr]


def test_a_file_cut_inside_a_character_is_read_up_to_the_cut_and_flagged(tmp_path: Path) -> None:
    data = (RAW_DIR / MANTOVA_BUNDLE).read_bytes()[:TRUNCATE_AT]
    (tmp_path / "cut.txt").write_bytes(data)
    result = extract_file(tmp_path / "cut.txt")
    assert result.error is None and result.document is not None
    assert result.document.encoding == "utf-8"  # not misread as cp1252 because of the broken last character
    flagged = [q for q in result.quarantined if q.layout == "file"]
    assert len(flagged) == 1
    assert flagged[0].reason.startswith("the file ends in the middle of a UTF-8 character")
    assert "probably truncated" in flagged[0].reason
    assert flagged[0].provenance.source_line == result.document.n_lines
    # what precedes the cut is extracted: Mantova whole, Pavia in part
    chambers = {r.chamber_name for r in result.readings}
    assert {"Mantova", "Pavia"} <= chambers


def test_truncated_utf16_and_damaged_utf8_are_read_with_a_warning() -> None:
    text = "Attività già svolta: 87,40% (qualità)\n" * 20
    _, encoding, warnings = decode_with_warnings(text.encode("utf-16")[:-1], "x.txt")
    assert encoding == "utf-16" and "middle of a UTF-16 character" in warnings[0]
    damaged = text.encode()[:50] + b"\xff" + text.encode()[50:]
    decoded, encoding, warnings = decode_with_warnings(damaged, "x.txt")
    assert encoding == "utf-8" and "not valid UTF-8" in warnings[0] and "qualità" in decoded
    with pytest.raises(DocumentError, match="x.txt: empty file"):
        decode_with_warnings(b"\n\n", "x.txt")


def test_a_fifty_megabyte_file_is_rejected_quickly_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    write_fifty_megabytes(big)
    assert big.stat().st_size >= FIFTY_MB
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = extract_file(big, max_bytes=20 * 1024 * 1024)
    elapsed = time.perf_counter() - started
    assert result.error is not None and result.error.startswith("file too large: 50.0 MB, above the limit of 20 MB")
    assert "CCPERF_MAX_DOCUMENT_MB" in result.error
    assert result.file_sha256 and result.file_size == big.stat().st_size
    assert elapsed < 5
    # hashed in chunks, never held in memory (ru_maxrss is in kB on Linux)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 40 * 1024


def test_fifty_megabytes_of_text_decode_in_bounded_time(tmp_path: Path) -> None:
    """With the limit raised, the reading layer (bytes → lines) stays linear; the parsers are another matter
    (some are super-linear on one huge segment, which is why the limit exists)."""
    big = tmp_path / "huge.txt"
    write_fifty_megabytes(big)
    started = time.perf_counter()
    text, encoding, warnings = decode_with_warnings(big.read_bytes(), big.name)
    assert encoding == "utf-8" and not warnings and len(text) > 40_000_000
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------------------------------------- two real runs


@dataclasses.dataclass
class Scenario:
    data: Path
    first: RunSummary
    first_readings: dict[str, int]
    first_manifest: dict
    second: RunSummary
    second_readings: dict[str, int]
    held_before: dict  # what a reader holding the serving file saw before the second run ...
    held_after: dict  # ... and through the same connection after it published
    polled: list[dict]  # what a reader reconnecting during the second run saw, connection by connection


@pytest.fixture(scope="module")
def scenario(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    data = tmp_path_factory.mktemp("bad-input")
    write_bad_inputs(data / "raw")
    first = run_flow(data)
    serving = data / "marts" / "ccperf.duckdb"
    first_readings = readings_by_file(serving)
    first_manifest = json.loads((data / "marts" / "_publication.json").read_text())

    # between the runs: Brescia leaves raw/ (both copies); the cp1252 Cremona report is emptied by a bad re-export;
    # the Massa report is cut short by a failed copy (and its UTF-8 twin removed)
    (data / "raw" / BRESCIA).unlink()
    (data / "raw" / "003_copy.txt").unlink()
    (data / "raw" / "000-cp1252.txt").write_bytes(b"")
    (data / "raw" / "004_utf8.txt").unlink()
    utf16 = (data / "raw" / "004-utf16.txt").read_bytes()
    (data / "raw" / "004-utf16.txt").write_bytes(utf16[: len(utf16) // 2 | 1])  # an odd length: half a character
    holder = Reader(HOLDER, str(serving), stdin=True)
    stop = data / "stop-polling"
    poller = Reader(POLLER, str(serving), str(data / "marts" / "fact_indicator_reading.parquet"),
                    str(data / "polled.json"), str(stop))
    try:
        held_before = holder.read_json()
        time.sleep(0.3)  # the poller sees the first publication
        second = run_flow(data)
        holder.send("again\n")
        held_after = holder.read_json()
        holder.finish()
        time.sleep(0.3)  # ... and the second
        stop.touch()
        poller.finish()
    finally:
        holder.kill()
        poller.kill()
    polled = json.loads((data / "polled.json").read_text())
    return Scenario(data, first, first_readings, first_manifest, second, readings_by_file(serving), held_before,
                    held_after, polled)


def _outcomes(summary: RunSummary) -> dict[str, tuple[str, str]]:
    return {d.document_file: (d.status, d.message) for d in summary.documents}


def test_every_bad_file_is_named_with_its_reason(scenario: Scenario) -> None:
    outcomes = _outcomes(scenario.first)
    assert {name: status for name, (status, _) in outcomes.items()} == {
        "000-cp1252.txt": "extracted", "001-truncated.txt": "extracted", BRESCIA: "extracted",
        "003_copy.txt": "duplicate", "004-utf16.txt": "extracted", "004_utf8.txt": "duplicate",
        "blank.txt": "rejected", "empty.txt": "rejected", "huge.txt": "rejected", "notes.txt": "rejected",
        "report.pdf": "rejected"}
    assert outcomes["empty.txt"][1] == outcomes["blank.txt"][1] == "empty file (no text)"
    assert outcomes["report.pdf"][1].startswith("corrupt or truncated PDF, cannot be opened")
    assert outcomes["huge.txt"][1].startswith("file too large: 50.0 MB, above the limit of 20 MB")
    assert outcomes["notes.txt"][1].startswith("no known layout: nothing recognised in its 6 lines")
    assert outcomes["003_copy.txt"][1] == f"same content as {BRESCIA}; not loaded twice"
    assert outcomes["004_utf8.txt"][1].startswith("same text as 004-utf16.txt (other bytes: utf-8 vs utf-16")
    # the truncated report is loaded, flagged where it was cut, and its stated counts disagree with what is left
    truncated = next(d for d in scenario.first.documents if d.document_file == "001-truncated.txt")
    assert any("(file): the file ends in the middle of a UTF-8 character" in q for q in truncated.quarantined)
    reconciliation = [w for w in scenario.first.quality_warnings if "reconciliation_stated_facts" in w]
    assert len(reconciliation) == 1
    assert ("001-truncated.txt:1841 chamber_name=Pavia year=2024 fact_name=count_operational_objectives "
            "stated_value=30 extracted_value=12") in reconciliation[0]


def test_every_file_is_recorded_in_the_warehouse(scenario: Scenario) -> None:
    files = dict(query(scenario.data / "warehouse.duckdb", "select document_file, status from raw.document_files"))
    # a document kept unchanged from the first run is as loaded as a freshly extracted one
    assert files == {d.document_file: "extracted" if d.status == "unchanged" else d.status
                     for d in scenario.second.documents}
    assert "unchanged" in {d.status for d in scenario.second.documents}
    assert files["000-cp1252.txt"] == "rejected" and files["huge.txt"] == "rejected"


def test_the_good_documents_are_processed_and_published(scenario: Scenario) -> None:
    assert scenario.first.status == "succeeded", scenario.first.message
    assert not scenario.first.quality_failures
    readings = scenario.first_readings
    assert readings["000-cp1252.txt"] == 46 and readings["004-utf16.txt"] == 270 and readings[BRESCIA] == 43
    assert 0 < readings["001-truncated.txt"] < 338  # the whole bundle yields 338
    assert set(readings) == {"000-cp1252.txt", "001-truncated.txt", BRESCIA, "004-utf16.txt"}
    assert scenario.first_manifest["run_id"] == scenario.first.run_id
    assert scenario.first_manifest["files"]["fact_indicator_reading.parquet"] == sum(readings.values())
    assert scenario.first.quality_docs and Path(scenario.first.quality_docs).exists()


def test_a_removed_document_leaves_the_marts(scenario: Scenario) -> None:
    assert scenario.second.status == "succeeded", scenario.second.message
    assert scenario.second.removed_documents == [BRESCIA]
    assert BRESCIA not in scenario.second_readings
    chambers = {r[0] for r in query(scenario.data / "marts" / "ccperf.duckdb",
                                    "select chamber_name from marts.fact_indicator_reading")}
    assert "Brescia" not in chambers
    parquet = query(scenario.data / "warehouse.duckdb",
                    f"select count(*) from '{scenario.data / 'marts' / 'fact_indicator_reading.parquet'}' "
                    "where chamber_name = 'Brescia'")
    assert parquet == [(0,)]


def test_a_file_gone_bad_keeps_its_last_good_version(scenario: Scenario) -> None:
    status, message = _outcomes(scenario.second)["000-cp1252.txt"]
    assert status == "rejected"
    assert message.startswith("empty file (no text); its last good version (loaded ")
    assert message.endswith("stays in the warehouse")
    assert scenario.second_readings["000-cp1252.txt"] == 46  # still published


def test_a_file_cut_short_keeps_its_last_good_version(scenario: Scenario) -> None:
    status, message = _outcomes(scenario.second)["004-utf16.txt"]
    assert status == "rejected"
    assert message.startswith("the file ends in the middle of a UTF-16 character")
    assert "probably truncated; not loaded; its last good version (loaded " in message
    assert scenario.second_readings["004-utf16.txt"] == 270  # the whole report, as published by the first run
    # a truncated file never loaded before is loaded with what it holds (first run, 001-truncated.txt)
    assert _outcomes(scenario.first)["001-truncated.txt"][0] == "extracted"


def test_a_reader_holding_the_serving_file_does_not_block_a_run_and_keeps_its_snapshot(scenario: Scenario) -> None:
    first, second = scenario.first.run_id, scenario.second.run_id
    assert scenario.held_before == {"run_id": first, "counts": scenario.first_readings}
    assert scenario.held_after == scenario.held_before  # the old file, whole, through the open connection
    assert scenario.second.status == "succeeded"  # the run published while the reader held the file
    # a new connection sees the new publication
    assert query(scenario.data / "marts" / "ccperf.duckdb", "select run_id from marts._publication") == [(second,)]


def test_readers_see_the_old_or_the_new_publication_never_a_mix(scenario: Scenario) -> None:
    expected = {scenario.first.run_id: scenario.first_readings, scenario.second.run_id: scenario.second_readings}
    serving = [s for s in scenario.polled if s["kind"] == "serving"]
    assert not [s for s in scenario.polled if s["kind"] == "error"]
    assert {s["run_id"] for s in serving} == set(expected)  # both publications were seen
    assert len(serving) > 20  # many connections, during the whole run
    for snap in serving:
        assert snap["counts"] == expected[snap["run_id"]]
        assert snap["documents"] == sorted(expected[snap["run_id"]])
    totals = {sum(c.values()) for c in expected.values()}
    assert {s["rows"] for s in scenario.polled if s["kind"] == "parquet"} <= totals
