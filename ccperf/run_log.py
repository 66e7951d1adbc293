"""Where a run's log lines go: to a log file, not the console. The console gets the run summary, printed once;
`ccperf run --verbose` also shows the log lines (Prefect's task lines, dbt and the quality gate) as they come."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOG_NAME = "ccperf-run.log"
_SILENT = logging.CRITICAL + 1


def _console_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger)]
    return [h for logger in loggers for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
            and getattr(h, "stream", None) in (sys.stdout, sys.stderr, None)]


def route_logs(log_dir: Path, verbose: bool) -> Path:
    """Send the log lines of Prefect (and of whatever logs through it) to <log_dir>/ccperf-run.log, replaced at each
    run; silence them on the console unless `verbose`. Call after Prefect is imported (it installs its handlers on
    import). Returns the log file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    for name in ("prefect", "ccperf", "flows"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    if not verbose:
        for console in _console_handlers():
            console.setLevel(_SILENT)
    return path
