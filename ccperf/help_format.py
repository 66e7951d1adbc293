"""`--help` shows a flag as a flag: typer 0.29 prints every option's type, so `--force <bool>` looked like an
option taking a value. Imported by the CLI before its commands are declared."""

from __future__ import annotations

from typer.core import TyperOption

_display_type_rich = TyperOption.display_type_rich


def _flags_have_no_type(self: TyperOption, ctx) -> str | None:
    return None if self.is_flag else _display_type_rich(self, ctx)


TyperOption.display_type_rich = _flags_have_no_type  # type: ignore[method-assign]
