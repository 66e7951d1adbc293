"""Settings and manifest are checked before anything runs: every CCPERF_* variable (a number, finite, in range),
the manifest's schema; a wrong one stops every command with a message naming the variable (or entry) and the value,
exit code 2, no traceback, nothing published, nothing written to the warehouse. No command ends in a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccperf.config import SettingError, Settings, unknown_variables
from ccperf.warehouse import connect, ensure_schema
from tests.conftest import RAW_DIR
from tests.pipeline_helpers import checksums, cli, fake_publication, flat, query

MASSA = "004_0cdd469904be561d.txt"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CCPERF_MAX_DOCUMENT_MB", "-1", "CCPERF_MAX_DOCUMENT_MB=-1 is out of range (size limit of one document, in MB: "
                                     "above 0 and at most 4096)"),
    ("CCPERF_MAX_DOCUMENT_MB", "0", "CCPERF_MAX_DOCUMENT_MB=0 is out of range"),
    ("CCPERF_MAX_DOCUMENT_MB", "abc", "CCPERF_MAX_DOCUMENT_MB=abc is not a number"),
    ("CCPERF_MAX_DOCUMENT_MB", "inf", "CCPERF_MAX_DOCUMENT_MB=inf is not a finite number"),
    ("CCPERF_MAX_DOCUMENT_MB", "nan", "CCPERF_MAX_DOCUMENT_MB=nan is not a finite number"),
    ("CCPERF_LOCK_TIMEOUT_S", "soon", "CCPERF_LOCK_TIMEOUT_S=soon is not a number"),
    ("CCPERF_LOCK_TIMEOUT_S", "-5", "CCPERF_LOCK_TIMEOUT_S=-5 is out of range"),
    ("CCPERF_RETRIES", "inf", "CCPERF_RETRIES=inf is not a finite number"),
    ("CCPERF_RETRIES", "1.5", "CCPERF_RETRIES=1.5 is not a whole number"),
    ("CCPERF_RETRIES", "-1", "CCPERF_RETRIES=-1 is out of range"),
    ("CCPERF_RETRIES", "100", "CCPERF_RETRIES=100 is out of range (retries after a transient error: at least 0 and "
                              "at most 20)"),
    ("CCPERF_RETRY_DELAY_S", "NaN", "CCPERF_RETRY_DELAY_S=NaN is not a finite number"),
    ("CCPERF_RETRY_DELAY_S", "1e9", "CCPERF_RETRY_DELAY_S=1e9 is out of range"),
    ("CCPERF_EXTRACT_WORKERS", "0", "CCPERF_EXTRACT_WORKERS=0 is out of range"),
    ("CCPERF_EXTRACT_WORKERS", "two", "CCPERF_EXTRACT_WORKERS=two is not a number"),
    ("CCPERF_EXTRACT_WORKERS", "2.5", "CCPERF_EXTRACT_WORKERS=2.5 is not a whole number"),
    ("CCPERF_MAX_SHRINK_PCT", "150", "CCPERF_MAX_SHRINK_PCT=150 is out of range"),
    ("CCPERF_TIMEZONE", "Mars/Olympus", "CCPERF_TIMEZONE='Mars/Olympus' is not a time zone"),
    ("CCPERF_SCHEDULE", "every day", "CCPERF_SCHEDULE='every day' is not a valid cron schedule"),
])
def test_every_setting_is_checked(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as err:
        Settings.load(env={name: value})
    assert str(err.value).startswith(message)


def test_good_settings_are_read() -> None:
    settings = Settings.load(env={"CCPERF_MAX_DOCUMENT_MB": " 5 ", "CCPERF_RETRIES": "3", "CCPERF_RETRY_DELAY_S": "0",
                                  "CCPERF_EXTRACT_WORKERS": "2", "CCPERF_MAX_SHRINK_PCT": "50",
                                  "CCPERF_TIMEZONE": "UTC", "CCPERF_SCHEDULE": "0 7 * * 1-5"})
    assert (settings.max_document_mb, settings.retries, settings.retry_delay_s, settings.extract_workers,
            settings.max_shrink_pct) == (5.0, 3, 0.0, 2, 50.0)
    assert Settings.load(env={}).extract_workers is None


def test_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingError, match="is not a folder"):
        Settings.load(tmp_path / "file", env={})
    with pytest.raises(SettingError, match="CCPERF_DATA_DIR=.* is not a folder"):
        Settings.load(env={"CCPERF_DATA_DIR": str(tmp_path / "file")})


def test_an_unknown_setting_is_named_with_the_closest_known_one() -> None:
    lines = unknown_variables({"CCPERF_RETRYS": "3", "CCPERF_RETRIES": "1", "OTHER": "x"})
    assert len(lines) == 1
    assert lines[0].startswith("CCPERF_RETRYS is not a ccperf setting (did you mean CCPERF_RETRIES?): ignored")


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A data folder with documents, a warehouse that records runs, and a publication."""
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / MASSA).write_bytes((RAW_DIR / MASSA).read_bytes())
    fake_publication(data)
    con = connect(data / "warehouse.duckdb")
    try:
        ensure_schema(con)
    finally:
        con.close()
    return data


def _unchanged(data: Path, before: dict[str, str]) -> None:
    assert checksums(data / "marts") == before  # nothing published
    assert query(data / "warehouse.duckdb", "select count(*) from audit.runs") == [(0,)]  # nothing run


COMMANDS = [
    ["run", "--data-dir", "{data}"],
    ["status", "--data-dir", "{data}"],
    ["report", "--data-dir", "{data}"],
    ["extract", "{data}/raw/" + MASSA],
    ["serve", "--data-dir", "{data}"],
]


@pytest.mark.slow  # every command in a subprocess, for every bad setting
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize(("name", "value", "message"), [
    ("CCPERF_RETRIES", "inf", "CCPERF_RETRIES=inf is not a finite number"),
    ("CCPERF_MAX_DOCUMENT_MB", "-1", "CCPERF_MAX_DOCUMENT_MB=-1 is out of range"),
])
def test_a_bad_setting_stops_every_command_with_exit_code_2(published: Path, command: list[str], name: str,
                                                             value: str, message: str) -> None:
    before = checksums(published / "marts")
    result = cli(*[part.format(data=published) for part in command], env={name: value})
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in flat(result.stdout)
    assert "Traceback" not in result.stdout + result.stderr
    _unchanged(published, before)


@pytest.mark.slow  # one `ccperf run` subprocess per manifest
@pytest.mark.parametrize(("manifest", "message"), [
    ('["a.txt"]\nchamber = 42\n', "manifest.toml: entry 'a.txt': chamber must be the name of a chamber (a text such "
                                  "as \"Mantova\"), not a number 42"),
    ('["a.txt"]\nyear = "abc"\n', "manifest.toml: entry 'a.txt': year must be a whole number from 1990 to"),
    ('["a.txt"]\ncolour = "red"\n', "manifest.toml: entry 'a.txt' has unknown keys ['colour']"),
    ('["a.txt"\n', "manifest.toml: not valid TOML"),
    ('["a.txt"]\nsupersedes = "b.txt"\n["b.txt"]\nsupersedes = "a.txt"\n',
     "manifest.toml: supersedes goes round in a circle: a.txt → b.txt → a.txt"),
])
def test_a_bad_manifest_stops_the_run_before_anything_runs(published: Path, manifest: str, message: str) -> None:
    (published / "raw" / "manifest.toml").write_text(manifest, encoding="utf-8")
    before = checksums(published / "marts")
    result = cli("run", "--data-dir", str(published))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in flat(result.stdout)
    assert "Traceback" not in result.stdout + result.stderr
    _unchanged(published, before)


def test_an_unknown_setting_is_reported(published: Path) -> None:
    result = cli("status", "--data-dir", str(published), env={"CCPERF_RETRYS": "3"})
    assert "CCPERF_RETRYS is not a ccperf setting (did you mean CCPERF_RETRIES?): ignored" in flat(result.stdout)
    assert result.returncode == 0, result.stdout


def test_a_data_folder_without_raw_is_refused(tmp_path: Path) -> None:
    result = cli("run", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert f"no document folder: {tmp_path / 'raw'} does not exist" in flat(result.stdout)
    assert not (tmp_path / "warehouse.duckdb").exists()


@pytest.mark.slow
def test_no_command_ends_in_a_traceback(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder").mkdir()
    cases = [
        (["extract", str(tmp_path / "missing.txt")], 1, "missing.txt: No such file or directory"),
        (["extract", str(tmp_path / "pipe.txt")], 1, "pipe.txt: not a regular file but a FIFO (named pipe): not read"),
        (["extract", str(tmp_path / "folder")], 1, "folder: not a regular file but a folder: not read"),
        (["report", "--data-dir", str(tmp_path)], 1, "nothing published yet"),
        (["status", "--data-dir", str(tmp_path)], 1, "No warehouse yet"),
        (["run", "--data-dir", str(tmp_path / "pipe.txt")], 2, "is not a folder"),
    ]
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "warehouse.duckdb").write_bytes(b"not a database" * 100)
    cases.append((["status", "--data-dir", str(tmp_path / "broken")], 1, "cannot read"))
    for args, code, message in cases:
        result = cli(*args)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert message in flat(result.stdout), (args, result.stdout)
        assert "Traceback" not in result.stdout + result.stderr, args
