"""Every command's --help shows flags as flags (no `<bool>` after `--force`) and options with their value."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ccperf.cli import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_flags_as_flags(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output


def test_an_option_taking_a_value_says_which() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "140"})
    force = next(line for line in result.output.splitlines() if "--force" in line)
    data_dir = next(line for line in result.output.splitlines() if "--data-dir" in line)
    assert "<path>" in data_dir and "<" not in force.split("--force")[1].split("Extract")[0]


def test_a_malformed_layout_profile_is_a_setting_error_naming_the_file_and_entry(tmp_path) -> None:
    from ccperf.extract.profiles import use_user_profiles
    from tests.conftest import RAW_DIR

    (tmp_path / "cremona.txt").write_bytes((RAW_DIR / "000_b94ecf89defcc372.txt").read_bytes())
    (tmp_path / "generic.profile.toml").write_text('[indicator]\nvalues = "misura"\n', encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["extract", str(tmp_path / "cremona.txt")], env={"COLUMNS": "200"})
    finally:
        use_user_profiles(None)
    assert result.exit_code == 2, result.output
    assert "generic.profile.toml: entry 'indicator': `values` must be a list or a table" in " ".join(result.output.split())
