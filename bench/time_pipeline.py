"""Time `ccperf run` on the bundled documents: a first run on an empty warehouse, then a repeated run.

Usage: uv run python bench/time_pipeline.py [--runs N]
Prints a Markdown table (wall time, peak memory of the child process) with the machine it ran on; paste it into
docs/benchmarks.md. Not part of the test suite: timings are measured here, not asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, Python {platform.python_version()}"


def timed_run(data_dir: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of the run, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from ccperf.cli import app; app()", "run", "--data-dir", str(data_dir)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    return wall, peak, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2, help="repeated runs after the first one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data" / "raw", data / "raw")
        rows = [("first run (empty warehouse)", *timed_run(data))]
        rows += [(f"repeated run {i + 1} (same documents)", *timed_run(data)) for i in range(args.runs)]
    print(f"Machine: {machine()}\n")
    print("| run | wall time (s) | peak memory (MiB) | exit |")
    print("|---|---|---|---|")
    for name, wall, peak, code in rows:
        print(f"| {name} | {wall:.1f} | {peak:.0f} | {code} |")


if __name__ == "__main__":
    main()
