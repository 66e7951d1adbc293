"""Paths and settings in one place.

The project root holds `dbt_project/` and `expectations/`; the data directory (default `<root>/data`, or
`CCPERF_DATA_DIR`, or `--data-dir`) holds `raw/` (the documents), the warehouse, the published marts and the
quality reports. Tests point the data directory at a temporary copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    project_root: Path = PROJECT_ROOT

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> Settings:
        chosen = data_dir or os.environ.get("CCPERF_DATA_DIR") or PROJECT_ROOT / "data"
        return cls(Path(chosen).resolve())

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @property
    def quality_dir(self) -> Path:
        return self.data_dir / "quality"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt_project"

    @property
    def dbt_target_dir(self) -> Path:
        # Per data directory, so parallel runs on different data (tests) do not share dbt artefacts.
        return self.data_dir / ".ccperf" / "dbt_target"

    @property
    def expectations_dir(self) -> Path:
        return self.project_root / "expectations"


def quiet_third_parties() -> None:
    """No telemetry (there is no network here) and less start-up noise from the libraries."""
    for key, value in {
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }.items():
        os.environ.setdefault(key, value)
