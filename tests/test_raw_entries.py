"""Every entry of raw/ gets a line: a bad file never stops the others. FIFOs, sockets and other non-regular files,
dangling symlinks, symlinks leaving raw/ (refused), files in subfolders (reported, not read), hidden files and files
that cannot be read (permission denied) are each rejected or ignored with the reason; nothing ever blocks on a FIFO.
Values no report prints are set aside. (The same files in a real run: tests/test_fault_runs.py.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccperf import planning
from ccperf.config import Settings
from ccperf.extract.extractor import extract_file, open_regular
from ccperf.extract.plausibility import is_column_header, reading_problems, set_aside_implausible
from ccperf.extract.text import read_source
from ccperf.incremental import make_plan
from ccperf.model import ExtractionResult, Provenance, Reading
from ccperf.warehouse import connect, ensure_schema
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import without_root_powers

CREMONA = "000_b94ecf89defcc372.txt"
MASSA = "004_0cdd469904be561d.txt"


def bad_raw(raw: Path, outside: Path) -> None:
    """Good documents next to every kind of entry that is not one."""
    raw.mkdir(parents=True, exist_ok=True)
    (raw / CREMONA).write_bytes((RAW_DIR / CREMONA).read_bytes())
    os.mkfifo(raw / "pipe.txt")
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "elsewhere.txt").write_bytes((RAW_DIR / MASSA).read_bytes())
    (raw / "outside.txt").symlink_to(outside / "elsewhere.txt")
    (raw / "inside.txt").symlink_to(CREMONA)  # a link to a document of raw/ is read (a duplicate of it)
    (raw / "2023").mkdir()
    (raw / "2023" / "old-report.txt").write_bytes((RAW_DIR / MASSA).read_bytes())
    (raw / "2023" / "deeper").mkdir()
    (raw / "2023" / "deeper" / "older.txt").write_text("x")
    (raw / "empty-folder").mkdir()
    (raw / ".DS_Store").write_bytes(b"\x00\x01")


def test_every_entry_of_raw_is_read_or_named_with_its_reason(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "data", env={})
    bad_raw(settings.raw_dir, tmp_path / "outside")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(settings.raw_dir / "socket"))
    try:
        survey = planning.survey(settings)
    finally:
        sock.close()
    assert [p.name for p in survey.documents] == [CREMONA, "inside.txt"]
    reasons = {item.name: (item.action, item.reason) for item in survey.skipped}
    outside = (tmp_path / "outside" / "elsewhere.txt").resolve()
    assert reasons == {
        ".DS_Store": ("ignore", "hidden (its name starts with a dot): not a document, not read"),
        "2023/old-report.txt": ("ignore", "in the subfolder 2023/: not read (ccperf reads only the files directly in "
                                          "raw/; move it there to load it)"),
        "2023/deeper/older.txt": ("ignore", "in the subfolder 2023/: not read (ccperf reads only the files directly "
                                            "in raw/; move it there to load it)"),
        "dangling.txt": ("reject", f"dangling symbolic link: it points to {settings.raw_dir / 'gone.txt'}, which "
                                   "does not exist"),
        "empty-folder": ("ignore", "empty subfolder empty-folder/: nothing to read"),
        "outside.txt": ("reject", f"symbolic link to {outside}, outside raw/: refused (copy the file into raw/ to "
                                  "load it)"),
        "pipe.txt": ("reject", "not a regular file but a FIFO (named pipe): not read"),
        "socket": ("reject", "not a regular file but a socket: not read"),
    }


def test_a_fifo_is_never_opened_for_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    started = time.perf_counter()
    result = extract_file(tmp_path / "pipe.txt")
    assert result.error == "cannot read file: not a regular file but a FIFO (named pipe)"
    with pytest.raises(OSError, match="not a regular file"):
        open_regular(tmp_path / "pipe.txt")
    assert time.perf_counter() - started < 5  # did not block waiting for a writer


def _run_without_root_powers(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    prefix = without_root_powers()
    if prefix is None:
        pytest.skip("running as root without setpriv: a file cannot be made unreadable")
    return subprocess.run([*prefix, sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, env=env)


PLAN_AS_USER = r"""
import json, sys
from ccperf import planning
from ccperf.config import Settings
from ccperf.incremental import make_plan
from ccperf.warehouse import connect
settings = Settings.load(sys.argv[1], env={})
survey = planning.survey(settings)
con = connect(settings.warehouse, read_only=True)
plan = make_plan(settings, con, survey.documents, {}, skipped=survey.skipped)
print(json.dumps({item.name: [item.action, item.reason] for item in plan.files}))
"""


def test_an_unreadable_file_is_rejected_and_the_others_are_read(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path, env={})
    settings.raw_dir.mkdir()
    (settings.raw_dir / CREMONA).write_bytes((RAW_DIR / CREMONA).read_bytes())
    (settings.raw_dir / "secret.txt").write_bytes((RAW_DIR / MASSA).read_bytes())
    os.chmod(settings.raw_dir / "secret.txt", 0)
    con = connect(settings.warehouse)
    ensure_schema(con)
    con.close()
    try:
        result = _run_without_root_powers(PLAN_AS_USER, str(tmp_path))
    finally:
        os.chmod(settings.raw_dir / "secret.txt", 0o644)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {CREMONA: ["extract", None],
                                         "secret.txt": ["reject", "cannot read file: Permission denied"]}


def test_the_manifest_can_ignore_a_file(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path, env={})
    settings.raw_dir.mkdir()
    (settings.raw_dir / CREMONA).write_bytes((RAW_DIR / CREMONA).read_bytes())
    (settings.raw_dir / "notes.txt").write_text("not a report")
    (settings.raw_dir / "manifest.toml").write_text('["notes.txt"]\nignore = true\n')
    survey = planning.survey(settings)
    con = connect(settings.warehouse)
    try:
        ensure_schema(con)
        plan = make_plan(settings, con, survey.documents, planning.manifest(settings), skipped=survey.skipped)
    finally:
        con.close()
    assert {f.name: (f.action, f.reason) for f in plan.files} == {
        CREMONA: ("extract", None), "notes.txt": ("ignore", "manifest.toml says ignore = true: not a document, not "
                                                            "read")}


def test_lone_carriage_returns_give_the_same_rows_as_line_feeds(tmp_path: Path) -> None:
    text = (RAW_DIR / CREMONA).read_text(encoding="utf-8")
    (tmp_path / "mac.txt").write_bytes(text.replace("\n", "\r").encode("utf-8"))
    (tmp_path / "dos.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    original = extract_file(RAW_DIR / CREMONA)
    assert len(read_source(tmp_path / "mac.txt").lines) == len(read_source(RAW_DIR / CREMONA).lines) > 1000
    for name in ("mac.txt", "dos.txt"):
        copy = extract_file(tmp_path / name)
        assert copy.content_sha256 == original.content_sha256  # the same text: a duplicate, loaded once
        assert [(r.provenance.source_line, r.indicator_name, r.target_raw, r.actual_raw) for r in copy.readings] == [
            (r.provenance.source_line, r.indicator_name, r.target_raw, r.actual_raw) for r in original.readings]


def _reading(**values) -> Reading:
    return Reading(Provenance("s" * 64, "x.txt", 3, 0), "Cremona", 2020, "relazione_performance", "Grado di x",
                   "operational", **values)


@pytest.mark.parametrize(("values", "problem"), [
    ({"actual_raw": "12.345,00%", "actual_value": 12345.0, "actual_unit": "%"},
     "actual '12.345,00%' is a percentage beyond ±1,000%"),
    ({"target_raw": "-2000%", "target_value": -2000.0, "target_unit": "%"}, "target '-2000%' is a percentage beyond"),
    ({"actual_raw": "3.000.000.000", "actual_value": 3e9}, "actual '3.000.000.000' is beyond ±10^9"),
    ({"achievement_pct": 5000.0}, "achievement '5000' is a percentage beyond ±1,000%"),
    ({"actual_raw": "inf", "actual_value": float("inf")}, "actual 'inf' is not a finite number"),
    ({"actual_raw": "Consuntivo 2024"}, "actual 'Consuntivo 2024' is a column header, not a value"),
    ({"target_raw": "Valore atteso"}, "target 'Valore atteso' is a column header, not a value"),
])
def test_implausible_values_are_named(values: dict, problem: str) -> None:
    assert any(p.startswith(problem) for p in reading_problems(_reading(**values)))


@pytest.mark.parametrize("text", ["N° riunioni", "Obiettivo sospeso", "Vedi sotto", "100%", "si", "-",
                                  "Realizzazione del progetto", "Target raggiunto al 95%"])
def test_plain_values_are_not_column_headers(text: str) -> None:
    assert not is_column_header(text)


def test_an_implausible_reading_is_set_aside_with_its_components() -> None:
    source = read_source(RAW_DIR / CREMONA)
    result = ExtractionResult(CREMONA, readings=[
        _reading(actual_raw="150%", actual_value=150.0, actual_unit="%"),
        _reading(actual_raw="99999%", actual_value=99999.0, actual_unit="%")])
    result.readings[1] = Reading(Provenance("s" * 64, CREMONA, 10, 0), "Cremona", 2020, None, "Grado di y",
                                 "operational", actual_raw="99999%", actual_value=99999.0, actual_unit="%")
    from ccperf.model import ReadingComponent

    result.components = [ReadingComponent(Provenance("s" * 64, CREMONA, 11, 0), 10, "numerator", "total", "n", "5",
                                          5.0)]
    set_aside_implausible(source, result)
    assert [r.actual_raw for r in result.readings] == ["150%"]
    assert not result.components  # its reading was set aside: so is what it was computed from
    reasons = [q.reason for q in result.quarantined]
    assert reasons[0].startswith("implausible reading 'Grado di y': actual '99999%' is a percentage beyond ±1,000%; "
                                 "set aside, not published")
    assert reasons[1].startswith("implausible component 'n': its reading was set aside")
    assert {q.layout for q in result.quarantined} == {"plausibility"}


def test_the_bundled_documents_hold_no_implausible_value() -> None:
    for path in sorted(RAW_DIR.glob("*.txt")):
        assert not [q for q in extract_file(path).quarantined if q.layout == "plausibility"], path.name
