"""A server ccperf starts on loopback (Prefect's API for `ccperf serve`, Superset for `ccperf bi`): its health
check, the last lines of its log, and the wait until it answers."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def is_healthy(url: str, timeout_s: float = 2.0) -> bool:
    """True when the server answers its health check at <url>/health."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_healthy(process: subprocess.Popen, url: str, timeout_s: float, check_timeout_s: float = 2.0
                       ) -> int | None:
    """None once the server answers; the process's exit code if it stopped first. Raises TimeoutError when it
    neither answers nor stops within timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return process.returncode
        if is_healthy(url, check_timeout_s):
            return None
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")
