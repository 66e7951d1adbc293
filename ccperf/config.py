"""Paths and settings in one place.

The project root holds `dbt_project/` and `expectations/`; the data directory (default `<root>/data`, or
`CCPERF_DATA_DIR`, or `--data-dir`) holds `raw/` (the documents), the warehouse, the published marts and the
quality reports. Tests point the data directory at a temporary copy.

Limits set from the environment: `CCPERF_MAX_DOCUMENT_MB` (a larger file is rejected before it is read; default 20,
the largest bundled report is 0.4 MB), `CCPERF_LOCK_TIMEOUT_S` (how long a stage waits for the warehouse while
another process holds it; default 30), `CCPERF_RETRIES` and `CCPERF_RETRY_DELAY_S` (a stage that failed on a
transient error, such as that lock, is tried again this many times, after this delay doubled each time; default 2
and 5 s), `CCPERF_EXTRACT_WORKERS` (processes for extraction; default: one per core when there is enough text).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MAX_DOCUMENT_MB = 20.0
DEFAULT_LOCK_TIMEOUT_S = 30.0
DEFAULT_RETRIES = 2
DEFAULT_RETRY_DELAY_S = 5.0


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a number") from exc


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    project_root: Path = PROJECT_ROOT
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    retry_delay_s: float = DEFAULT_RETRY_DELAY_S

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> Settings:
        chosen = data_dir or os.environ.get("CCPERF_DATA_DIR") or PROJECT_ROOT / "data"
        retries = _env_float("CCPERF_RETRIES", DEFAULT_RETRIES)
        if retries < 0 or retries != int(retries):
            raise ValueError(f"CCPERF_RETRIES={retries:g} is not a whole number >= 0")
        return cls(Path(chosen).resolve(),
                   max_document_mb=_env_float("CCPERF_MAX_DOCUMENT_MB", DEFAULT_MAX_DOCUMENT_MB),
                   lock_timeout_s=_env_float("CCPERF_LOCK_TIMEOUT_S", DEFAULT_LOCK_TIMEOUT_S),
                   retries=int(retries), retry_delay_s=_env_float("CCPERF_RETRY_DELAY_S", DEFAULT_RETRY_DELAY_S))

    @property
    def max_document_bytes(self) -> int:
        return int(self.max_document_mb * 1024 * 1024)

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
    def serving_db(self) -> Path:
        """The read-only copy of the marts for analysts and BI tools (swapped in whole by each publication)."""
        return self.marts_dir / "ccperf.duckdb"

    @property
    def quality_dir(self) -> Path:
        return self.data_dir / "quality"

    @property
    def quality_docs_dir(self) -> Path:
        """Great Expectations data docs (HTML) of the last quality gate."""
        return self.quality_dir / "docs"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt_project"

    @property
    def dbt_target_dir(self) -> Path:
        # Per data directory, so parallel runs on different data (tests) do not share dbt artefacts; and per project
        # folder, because dbt's partial parse keeps absolute paths: a data folder used by another checkout (moved,
        # cloned again) would otherwise load seeds from the old one
        project = hashlib.sha256(str(self.project_root.resolve()).encode()).hexdigest()[:12]
        return self.data_dir / ".ccperf" / f"dbt_target-{project}"

    @property
    def pdf_cache_dir(self) -> Path:
        """Conversions of PDF files, by sha256 and converter version (an unchanged PDF is converted once)."""
        return self.data_dir / ".ccperf" / "pdf-cache"

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
