"""Single-core extraction throughput: how fast `extract_file` reads the documents of a directory.

Usage: .venv/bin/python bench/extract_throughput.py [DIR] [--repeat 3]
(DIR defaults to data/raw.) The process is pinned to one CPU where the OS allows it; every file is extracted once
to warm up (imports, compiled regexes), then the whole directory is extracted --repeat times and the best time of
each file and of a whole pass is kept. Prints a Markdown table (bytes, seconds, MB/s with MB = 10^6 bytes per file,
then the total). Not part of the test suite: timings are measured here, not asserted. Per-document memoisation is
reset at the start of every document, so a repetition is not faster for having seen the same text before.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ccperf.extract.extractor import extract_file  # noqa: E402


def pin_to_one_core() -> str:
    """Run on a single CPU (Linux); returns a description for the report."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def time_pass(files: list[Path]) -> dict[Path, float]:
    """Seconds per file for one extraction of every file."""
    seconds: dict[Path, float] = {}
    for path in files:
        start = time.perf_counter()
        result = extract_file(path)
        seconds[path] = time.perf_counter() - start
        if result.error:
            print(f"warning: {path.name}: {result.error}", file=sys.stderr)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the directory (best is kept)")
    args = parser.parse_args()
    files = sorted(p for p in args.dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        sys.exit(f"no files in {args.dir}")
    pinning = pin_to_one_core()
    time_pass(files)  # warm-up
    best = {path: float("inf") for path in files}
    best_total = float("inf")
    for _ in range(max(1, args.repeat)):
        seconds = time_pass(files)
        for path, s in seconds.items():
            best[path] = min(best[path], s)
        best_total = min(best_total, sum(seconds.values()))

    sizes = {path: path.stat().st_size for path in files}
    print(f"Extraction throughput, {platform.python_implementation()} {platform.python_version()}, {pinning}, "
          f"best of {max(1, args.repeat)} warm passes over {args.dir}\n")
    print("| file | bytes | seconds | MB/s |")
    print("|---|---:|---:|---:|")
    for path in files:
        print(f"| {path.name} | {sizes[path]:,} | {best[path]:.4f} | {sizes[path] / 1e6 / best[path]:.2f} |")
    total_bytes = sum(sizes.values())
    print(f"| **total** (best whole pass) | {total_bytes:,} | {best_total:.4f} | "
          f"**{total_bytes / 1e6 / best_total:.2f}** |")


if __name__ == "__main__":
    main()
