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
