"""Paths and settings in one place, every setting checked before anything runs.

The project root holds `dbt_project/` and `expectations/`; the data directory (default `<root>/data`, or
`CCPERF_DATA_DIR`, or `--data-dir`) holds `raw/` (the documents), the warehouse, the published marts and the
quality reports. Tests point the data directory at a temporary copy.

Settings from the environment (each is checked when the settings are loaded: a value that is not a number, not
finite or out of range stops every command with a message naming the variable and the value, exit code 2):

| variable | meaning | default | allowed |
|---|---|---|---|
| `CCPERF_DATA_DIR` | the data folder | `<root>/data` | a folder (or a path that can become one) |
| `CCPERF_MAX_DOCUMENT_MB` | a larger file is rejected before it is read | 20 | 0.001 to 4096 |
| `CCPERF_LOCK_TIMEOUT_S` | how long a stage waits for a warehouse held by another process | 30 | 0 to 86400 |
| `CCPERF_RETRIES` | tries again of a stage that failed on a transient error (that lock) | 2 | whole number 0 to 20 |
| `CCPERF_RETRY_DELAY_S` | delay before the first retry, doubled each time | 5 | 0 to 3600 |
| `CCPERF_EXTRACT_WORKERS` | processes for extraction | one per core when there is enough text | whole number 1 to 256 |
| `CCPERF_MAX_SHRINK_PCT` | a run that would drop more than this share of the published readings fails (unless `--allow-shrink`) | 33 | 0 to 100 |
| `CCPERF_SCHEDULE` | `ccperf serve`: cron schedule | `0 6 * * *` | a cron string |
| `CCPERF_TIMEZONE` | `ccperf serve`: time zone of the schedule | `Europe/Rome` | an IANA time zone |

`CCPERF_WAREHOUSE` is set by the pipeline for dbt (its value in the environment is not used by ccperf). Any
other `CCPERF_*` variable is reported as unknown (a misspelt setting would otherwise be ignored silently).
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MAX_DOCUMENT_MB = 20.0
DEFAULT_LOCK_TIMEOUT_S = 30.0
DEFAULT_RETRIES = 2
DEFAULT_RETRY_DELAY_S = 5.0
DEFAULT_MAX_SHRINK_PCT = 33.0

# Every CCPERF_* variable ccperf reads, with what it means (for the message naming an unknown one).
KNOWN_VARIABLES: dict[str, str] = {
    "CCPERF_DATA_DIR": "the data folder",
    "CCPERF_MAX_DOCUMENT_MB": "size limit of one document, in MB",
    "CCPERF_LOCK_TIMEOUT_S": "seconds to wait for a locked warehouse",
    "CCPERF_RETRIES": "retries of a stage after a transient error",
    "CCPERF_RETRY_DELAY_S": "seconds before the first retry",
    "CCPERF_EXTRACT_WORKERS": "extraction processes",
    "CCPERF_MAX_SHRINK_PCT": "largest share of published readings a run may drop, in percent",
    "CCPERF_SCHEDULE": "cron schedule of `ccperf serve`",
    "CCPERF_TIMEZONE": "time zone of the schedule",
    "CCPERF_WAREHOUSE": "warehouse path handed to dbt (set by the pipeline)",
}


class SettingError(ValueError):
    """A setting with a value ccperf cannot use; the message names the variable and the value."""


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def _shown(text: str) -> str:
    """A value as typed, quoted when quotes make it clearer (spaces, odd characters)."""
    return text if text.isprintable() and " " not in text and "'" not in text and text else repr(text)


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float, what: str,
            whole: bool = False, low_open: bool = False) -> float:
    """The variable as a finite number in [low, high] (or (low, high] when low_open), else SettingError."""
    text = _raw(env, name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingError(f"{name}={_shown(text)} is not a number ({what})") from None
    if not math.isfinite(value):
        raise SettingError(f"{name}={_shown(text)} is not a finite number ({what})")
    if whole and value != int(value):
        raise SettingError(f"{name}={_shown(text)} is not a whole number ({what})")
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bound = f"above {low:g}" if low_open else f"at least {low:g}"
        raise SettingError(f"{name}={_shown(text)} is out of range ({what}: {bound} and at most {high:g})")
    return value


def unknown_variables(env: Mapping[str, str] | None = None) -> list[str]:
    """Messages for CCPERF_* variables ccperf does not know (each with the closest known name)."""
    env = os.environ if env is None else env
    out = []
    for name in sorted(n for n in env if n.startswith("CCPERF_") and n not in KNOWN_VARIABLES):
        close = difflib.get_close_matches(name, KNOWN_VARIABLES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        out.append(f"{name} is not a ccperf setting{hint}: ignored; known settings: {', '.join(KNOWN_VARIABLES)}")
    return out


def check_schedule_variables(env: Mapping[str, str] | None = None) -> None:
    """CCPERF_TIMEZONE is a time zone and CCPERF_SCHEDULE a cron string (when set)."""
    env = os.environ if env is None else env
    zone = _raw(env, "CCPERF_TIMEZONE")
    if zone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"CCPERF_TIMEZONE={zone!r} is not a time zone (e.g. Europe/Rome, UTC)") from None
    cron = _raw(env, "CCPERF_SCHEDULE")
    if cron is not None:
        import datetime as dt

        try:
            from cronsim import CronSim, CronSimError  # what Prefect's Cron schedule parses with
        except ImportError:  # checked again by `ccperf serve`
            return
        try:
            CronSim(cron, dt.datetime(2000, 1, 1))
        except CronSimError as exc:
            raise SettingError(f"CCPERF_SCHEDULE={cron!r} is not a valid cron schedule ({exc}; e.g. '0 6 * * *': "
                               "every day at 06:00)") from None


def extract_workers_from_env(env: Mapping[str, str] | None = None) -> int | None:
    """CCPERF_EXTRACT_WORKERS as a whole number 1-256, None when unset."""
    env = os.environ if env is None else env
    if _raw(env, "CCPERF_EXTRACT_WORKERS") is None:
        return None
    return int(_number(env, "CCPERF_EXTRACT_WORKERS", 1, 1, 256, "extraction processes", whole=True))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    project_root: Path = PROJECT_ROOT
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    retry_delay_s: float = DEFAULT_RETRY_DELAY_S
    extract_workers: int | None = None  # None: one per core when there is enough text
    max_shrink_pct: float = DEFAULT_MAX_SHRINK_PCT

    @classmethod
    def load(cls, data_dir: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from the environment, every one checked (SettingError, a ValueError, names the variable
        and the value)."""
        env = os.environ if env is None else env
        if data_dir is not None and str(data_dir).strip():
            chosen, source = Path(data_dir), "--data-dir"
        elif _raw(env, "CCPERF_DATA_DIR") is not None:
            chosen, source = Path(env["CCPERF_DATA_DIR"].strip()), "CCPERF_DATA_DIR"
        else:
            chosen, source = PROJECT_ROOT / "data", "the default data folder"
        chosen = chosen.expanduser()
        if "\x00" in str(chosen):
            raise SettingError(f"{source}={str(chosen)!r} is not a path (it holds a NUL character)")
        try:
            resolved = chosen.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise SettingError(f"{source}={str(chosen)!r} cannot be resolved: {exc}") from None
        if resolved.exists() and not resolved.is_dir():
            raise SettingError(f"{source}={str(chosen)!r} is not a folder")
        check_schedule_variables(env)
        return cls(
            resolved,
            max_document_mb=_number(env, "CCPERF_MAX_DOCUMENT_MB", DEFAULT_MAX_DOCUMENT_MB, 0, 4096,
                                    "size limit of one document, in MB", low_open=True),
            lock_timeout_s=_number(env, "CCPERF_LOCK_TIMEOUT_S", DEFAULT_LOCK_TIMEOUT_S, 0, 86400,
                                   "seconds to wait for a locked warehouse"),
            retries=int(_number(env, "CCPERF_RETRIES", DEFAULT_RETRIES, 0, 20,
                                "retries after a transient error", whole=True)),
            retry_delay_s=_number(env, "CCPERF_RETRY_DELAY_S", DEFAULT_RETRY_DELAY_S, 0, 3600,
                                  "seconds before the first retry"),
            extract_workers=extract_workers_from_env(env),
            max_shrink_pct=_number(env, "CCPERF_MAX_SHRINK_PCT", DEFAULT_MAX_SHRINK_PCT, 0, 100,
                                   "largest share of published readings a run may drop, in percent"),
        )

    @property
    def max_document_bytes(self) -> int:
        return max(1, int(self.max_document_mb * 1024 * 1024))

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
    def state_dir(self) -> Path:
        """ccperf's own working files in the data folder (dbt target, PDF cache, error logs)."""
        return self.data_dir / ".ccperf"

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
