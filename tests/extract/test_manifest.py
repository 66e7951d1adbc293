"""The optional manifest in data/raw overrides chamber, year and kind detected from the content."""

from pathlib import Path

import pytest

from ccperf.extract.extractor import extract_file
from ccperf.extract.manifest import ManifestError, load_manifest, override_for
from tests.conftest import RAW_DIR

MASSA = "004_0cdd469904be561d.txt"


def test_manifest_overrides_detected_values(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(f'["{MASSA}"]\nyear = 2018\nchamber = "Massa Carrara (ex)"\n')
    manifest = load_manifest(tmp_path)
    override = override_for(manifest, MASSA, "0" * 64)
    result = extract_file(RAW_DIR / MASSA, override)
    assert result.document is not None
    assert (result.document.chamber_name, result.document.year, result.document.doc_kind) == (
        "Massa Carrara (ex)", 2018, "relazione_performance")
    assert {(s.chamber_name, s.year) for s in result.segments} == {("Massa Carrara (ex)", 2018)}


def test_manifest_entries_can_be_keyed_by_sha256(tmp_path: Path) -> None:
    sha = "ab" * 32
    (tmp_path / "manifest.toml").write_text(f'["{sha}"]\ndoc_kind = "piano_performance"\n')
    assert override_for(load_manifest(tmp_path), "any-name.txt", sha).doc_kind == "piano_performance"


@pytest.mark.parametrize(("text", "message"), [
    ('["a.txt"]\ncolour = "red"\n', "unknown keys ['colour']"),
    ('["a.txt"]\ndoc_kind = "bilancio"\n', "has doc_kind 'bilancio'"),
    ('["a.txt"\n', "not valid TOML"),
])
def test_invalid_manifest_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "manifest.toml").write_text(text)
    with pytest.raises(ManifestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_manifest(tmp_path)


def test_no_manifest_means_no_overrides(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == {}
