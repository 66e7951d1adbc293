"""The optional manifest in data/raw overrides chamber, year and kind detected from the content; it is checked
against its schema before anything runs (known keys, types, year range, chambers of the registry)."""

import datetime as dt
from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file
from ccperf.extract.manifest import ManifestError, Override, load_manifest, override_for, read_manifest
from tests.conftest import RAW_DIR

MASSA = "004_0cdd469904be561d.txt"


def test_manifest_overrides_detected_values(tmp_path: Path) -> None:
    # any usual form of a registered name is read as the registry's short name
    (tmp_path / "manifest.toml").write_text(f'["{MASSA}"]\nyear = 2018\nchamber = "lucca"\n')
    manifest = load_manifest(tmp_path)
    override = override_for(manifest, MASSA, "0" * 64)
    result = extract_file(RAW_DIR / MASSA, override)
    assert result.document is not None
    assert (result.document.chamber_name, result.document.year, result.document.doc_kind) == (
        "Lucca", 2018, "relazione_performance")
    assert {(s.chamber_name, s.year) for s in result.segments} == {("Lucca", 2018)}


def test_manifest_entries_can_be_keyed_by_sha256(tmp_path: Path) -> None:
    sha = "ab" * 32
    (tmp_path / "manifest.toml").write_text(f'["{sha}"]\ndoc_kind = "piano_performance"\n')
    assert override_for(load_manifest(tmp_path), "any-name.txt", sha).doc_kind == "piano_performance"


def test_every_key_is_read(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '["b.txt"]\nchamber = "Cremona"\nyear = 2021\ndoc_kind = "relazione_performance"\nignore = false\n'
        'supersedes = ["a.txt", "' + "c" * 64 + '"]\ndate = 2021-06-30\n'
        '["c.txt"]\nsupersedes = "b.txt"\ndate = "2021-07-01"\n["d.txt"]\nignore = true\n')
    manifest = load_manifest(tmp_path)
    assert manifest["b.txt"] == Override("Cremona", 2021, "relazione_performance", False, ("a.txt", "c" * 64),
                                         "2021-06-30")
    assert manifest["c.txt"] == Override(supersedes=("b.txt",), date="2021-07-01")
    assert manifest["d.txt"].ignore


@pytest.mark.parametrize(("text", "message"), [
    ('["a.txt"]\ncolour = "red"\n', "manifest.toml: entry 'a.txt' has unknown keys ['colour'] (known: chamber, year, "),
    ('["a.txt"]\ndoc_kind = "bilancio"\n', "has doc_kind 'bilancio'"),
    ('["a.txt"\n', "not valid TOML"),
    ('["a.txt"]\nchamber = 42\n', "entry 'a.txt': chamber must be the name of a chamber (a text such as \"Mantova\"), "
                                  "not a number 42"),
    ('["a.txt"]\nyear = "abc"\n', "entry 'a.txt': year must be a whole number from 1990 to "),
    ('["a.txt"]\nyear = 2024.5\n', "not a number 2024.5"),
    ('["a.txt"]\nyear = 1850\n', "not a number 1850"),
    ('["a.txt"]\nyear = true\n', "not a boolean True"),
    ('["a.txt"]\nignore = "yes"\n', "entry 'a.txt': ignore must be true or false, not a text 'yes'"),
    ('["a.txt"]\nsupersedes = 3\n', "entry 'a.txt': supersedes must be a file name or sha256"),
    ('["a.txt"]\nsupersedes = "a.txt"\n', "entry 'a.txt' supersedes itself"),
    ('["a.txt"]\nsupersedes = "b.txt"\n["b.txt"]\nsupersedes = ["a.txt"]\n', "supersedes goes round in a circle"),
    ('["a.txt"]\ndate = "last june"\n', "entry 'a.txt': date must be a date such as 2021-06-30, not a text"),
    ('year = 2024\n', "entry 'year' must be a table of settings"),
    ('["sub/a.txt"]\nyear = 2024\n', "an entry names a file directly in raw/ (no folder) or a sha256"),
])
def test_invalid_manifest_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "manifest.toml").write_text(text)
    with pytest.raises(ManifestError) as err:
        load_manifest(tmp_path)
    assert message in str(err.value)


@pytest.mark.parametrize("name", ["Bresica", "x'; drop table raw.documents; --", "Camera di Milano Centro"])
def test_a_chamber_not_in_the_registry_is_flagged_and_not_applied(tmp_path: Path, name: str) -> None:
    (tmp_path / "manifest.toml").write_text(f'["a.txt"]\nchamber = "{name}"\nyear = 2020\n')
    manifest = read_manifest(tmp_path)
    assert manifest.entries["a.txt"] == Override(None, 2020)  # the year applies, the chamber does not
    assert len(manifest.flags) == 1
    assert manifest.flags[0].startswith(f"manifest.toml: entry 'a.txt': chamber {name!r} is not in the chamber "
                                        "registry")
    assert manifest.flags[0].endswith("not applied, the chamber detected in the document is kept")
    if name == "Bresica":
        assert "(did you mean 'Brescia'?)" in manifest.flags[0]


def test_the_year_range_follows_the_calendar(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(f'["a.txt"]\nyear = {dt.date.today().year + 5}\n')
    assert load_manifest(tmp_path)["a.txt"].year == dt.date.today().year + 5
    (tmp_path / "manifest.toml").write_text(f'["a.txt"]\nyear = {dt.date.today().year + 6}\n')
    with pytest.raises(ManifestError, match="year must be a whole number"):
        load_manifest(tmp_path)


def test_no_manifest_means_no_overrides(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}
