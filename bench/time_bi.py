"""Time `ccperf bi`: set-up (first, repeated, restarted), each chart's query through Superset, the dashboard in a
browser, and its screenshot.

Usage: uv run python bench/time_bi.py [--cold] [--screenshot docs/img/superset-dashboard.png]
A copy of data/raw/ in a temporary folder gets a real publication (`ccperf run`), then `ccperf bi` runs there on a
free port. With --cold, Superset's environment is built from scratch in the temporary folder with an empty uv
cache (every package downloaded); without it, the cached environment is used when there is one. Prints Markdown
tables to paste into docs/benchmarks.md. Not part of the test suite: timings are measured here, not asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.time_pipeline import machine  # noqa: E402
from ccperf import bi  # noqa: E402
from ccperf.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def ccperf(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from ccperf.cli import app; app()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"ccperf {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true", help="build Superset's environment from nothing")
    parser.add_argument("--screenshot", type=Path, help="save the dashboard's screenshot here")
    parser.add_argument("--repeat", type=int, default=3, help="queries per chart (first and best are reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "raw", data / "raw")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "CCPERF_BI_PORT": str(port), "PREFECT_HOME": str(Path(tmp) / "prefect")}
        env.pop("PREFECT_API_URL", None)
        if args.cold:
            env.update(CCPERF_BI_VENV=str(Path(tmp) / "superset-venv"), UV_CACHE_DIR=str(Path(tmp) / "uv-cache"),
                       PIP_NO_CACHE_DIR="1")
        ccperf("run", "--data-dir", str(data), env=env)
        os.environ.update({k: env[k] for k in ("CCPERF_BI_PORT", "CCPERF_BI_VENV") if k in env})
        settings = bi.BiSettings.load(Settings.load(data))
        cached = bi.environment_ready(settings.venv)
        rows = []
        try:
            first, out = ccperf("bi", "--data-dir", str(data), env=env)
            rows.append(("first `ccperf bi` (environment " + ("cached" if cached else "built") + ", new metadata "
                         "database, server started, dashboard imported)", first))
            rows.append(("repeated `ccperf bi` (server running: log-in and import only)",
                         ccperf("bi", "--data-dir", str(data), env=env)[0]))
            ccperf("bi", "--data-dir", str(data), "--stop", env=env)
            rows.append(("`ccperf bi` after `--stop` (server started, dashboard imported)",
                         ccperf("bi", "--data-dir", str(data), env=env)[0]))
            api = bi.login(settings)
            charts = api.get(f"/api/v1/dashboard/{bi.DASHBOARD_SLUG}/charts")["result"]
            timings = []
            for chart in sorted(charts, key=lambda c: c["slice_name"]):
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    result = api.chart_data(chart["id"])["result"][0]
                    times.append((time.perf_counter() - started) * 1000)
                timings.append((chart["slice_name"], result["rowcount"], times[0], min(times)))
            view = None
            if bi.chromium_path():
                started = time.perf_counter()
                view = bi.open_dashboard(settings.dashboard_url, settings.user, settings.password, len(charts),
                                         args.screenshot or Path(tmp) / "dashboard.png")
                browser_s = time.perf_counter() - started
        finally:
            ccperf("bi", "--data-dir", str(data), "--stop", env=env)
    print(f"Machine: {machine()}\n")
    print("| step | wall time (s) |\n|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} |")
    print("\n| chart | rows | first query (ms) | best of " f"{args.repeat} (ms) |\n|---|---|---|---|")
    for name, n, first_ms, best_ms in timings:
        print(f"| {name} | {n} | {first_ms:.0f} | {best_ms:.0f} |")
    if view is not None:
        print(f"\nDashboard in headless Chromium: every chart's data in {view.seconds:.1f} s after opening it; "
              f"log-in, page, drawing and full-page screenshot {browser_s:.1f} s"
              + (f"; screenshot {args.screenshot}" if args.screenshot else "") + ".")
        for error in view.errors:
            print(f"browser error: {error}")


if __name__ == "__main__":
    main()
