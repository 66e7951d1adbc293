"""Scaling benchmark of `ccperf run` (issue 9): 1×, 10× and 100× the five bundled documents.

Usage: .venv/bin/python bench/run_benchmark.py --sizes 1 10 100 [--write docs/benchmarks.md] [--workdir DIR] [--keep]

For each size: a corpus from bench/generate_corpus.py in a temporary data folder, then
1. a full run on a fresh warehouse (wall time, peak memory of the run and all its processes, stage times from
   `--summary-json`, extraction throughput),
2. the analyst-guide queries on the published serving file (median of 3 per query),
3. a re-run with nothing changed,
4. a run after one document changed (it must extract exactly that document).
Prints a Markdown section (machine, table, goals); `--write FILE` also replaces the section between the
`<!-- scaling:start -->` and `<!-- scaling:end -->` markers of FILE. Progress goes to stderr.
Not part of the test suite: timings are measured here, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
from generate_corpus import copy_name, generate, rewrite_one
from time_pipeline import machine

ROOT = Path(__file__).resolve().parents[1]
START_MARK, END_MARK = "<!-- scaling:start -->", "<!-- scaling:end -->"
SAMPLE_EVERY_S = 0.1
QUERY_REPEATS = 3
MAIN_STAGES = ("plan", "extract", "land", "dbt", "quality", "publish", "report")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- one run of the pipeline -----------------------------------------------------------------------------------------

@dataclass
class RunMeasure:
    wall_s: float
    peak_mib: float
    returncode: int
    summary: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.summary.get("status", f"no summary (exit {self.returncode})")

    @property
    def stages(self) -> dict[str, float]:
        return self.summary.get("stage_seconds") or {}

    def statuses(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc in self.summary.get("documents", []):
            counts[doc["status"]] = counts.get(doc["status"], 0) + 1
        return counts


def _tree_rss(proc: psutil.Process) -> int:
    """Resident memory of a process and all its descendants (extraction workers, dbt, the Prefect server)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):  # ended between listing and reading
            total += p.memory_info().rss
    return total


def _sample_peak(proc: psutil.Process, stop: threading.Event) -> Callable[[], int]:
    """Sample the tree's RSS every SAMPLE_EVERY_S in a thread; the returned function gives the peak."""
    peak = [0]

    def loop() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss(proc))
            except psutil.NoSuchProcess:
                return
            stop.wait(SAMPLE_EVERY_S)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()

    def result() -> int:
        thread.join()
        return peak[0]

    return result


def run_pipeline(data_dir: Path, summary_path: Path, prefect_home: Path) -> RunMeasure:
    """`ccperf run` in a subprocess, as time_pipeline.py runs it, with its summary written to summary_path."""
    summary_path.unlink(missing_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}  # never the user's Prefect database
    # on a loaded machine the temporary server can take longer than Prefect's 20 s to start: wait, don't fail
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    cmd = [sys.executable, "-c", "from ccperf.cli import app; app()", "run", "--data-dir", str(data_dir),
           "--summary-json", str(summary_path)]
    stop = threading.Event()
    start = time.perf_counter()
    popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = _sample_peak(psutil.Process(popen.pid), stop)
    output, _ = popen.communicate()
    wall = time.perf_counter() - start
    stop.set()
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    if popen.returncode != 0:
        log(output[-3000:])
    return RunMeasure(wall, peak() / 2**20, popen.returncode, summary)


# --- analyst-guide queries -------------------------------------------------------------------------------------------

def guide_questions() -> dict[str, str]:
    """The guide's questions, as the test suite reads them (tests/ is not an installed package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.test_analyst_guide import guide_questions as questions

    return questions()


def time_queries(serving_db: Path) -> dict[str, float]:
    """Median of QUERY_REPEATS runs of each guide question on the published serving file, in ms."""
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        medians = {}
        for question, sql in guide_questions().items():
            timings = []
            for _ in range(QUERY_REPEATS):
                start = time.perf_counter()
                con.execute(sql).fetchall()
                timings.append((time.perf_counter() - start) * 1000)
            medians[question] = statistics.median(timings)
        return medians
    finally:
        con.close()


# --- one size ---------------------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    scale: int
    documents: int
    megabytes: float
    full: RunMeasure
    unchanged: RunMeasure | None = None
    one_change: RunMeasure | None = None
    query_ms: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def prefect_s(self) -> float:
        return self.full.wall_s - sum(self.full.stages.values())

    @property
    def mb_per_s_per_core(self) -> float | None:
        seconds, workers = self.full.stages.get("extract"), self.full.summary.get("extract_workers") or 0
        if not seconds or not workers:
            return None
        return self.full.summary.get("extracted_bytes", 0) / 1e6 / (seconds * workers)


def _changed_document(raw: Path, scale: int) -> Path:
    """The document the one-change run rewrites: the last copy of the largest original (its first at 1×)."""
    originals = [p for p in raw.glob("*.txt") if not re.search(r"_c\d+$", p.stem)]
    largest = max(originals, key=lambda p: p.stat().st_size)
    return raw / copy_name(largest, scale - 1) if scale > 1 else largest


def _check_one_change(run: RunMeasure, changed: Path) -> str | None:
    extracted = [d["document_file"] for d in run.summary.get("documents", []) if d["status"] == "extracted"]
    if extracted != [changed.name]:
        return f"one-document change: expected only {changed.name} extracted, got {len(extracted)}: {extracted[:5]}"
    return None


def _unexpected_rerun(full: RunMeasure, rerun: RunMeasure) -> str:
    note = f"no-change re-run: status {rerun.status}, expected unchanged"
    before, after = full.summary.get("inputs_fingerprint"), rerun.summary.get("inputs_fingerprint")
    if before and after and before != after:
        # same documents, so the pipeline code, dbt project or expectations changed between the two runs
        note += " (its inputs fingerprint differs from the full run's: the code was edited during the benchmark)"
    return note


def bench_size(scale: int, workdir: Path) -> SizeResult:
    base = Path(tempfile.mkdtemp(prefix=f"scale{scale}-", dir=workdir))
    data, prefect_home, summary = base / "data", base / "prefect", base / "summary.json"
    prefect_home.mkdir()
    files = generate(scale, data)
    megabytes = sum(g.path.stat().st_size for g in files) / 1e6
    log(f"{scale}×: {len(files)} documents, {megabytes:.1f} MB in {data}; full run...")
    result = SizeResult(scale, len(files), megabytes, run_pipeline(data, summary, prefect_home))
    log(f"  full run {result.full.wall_s:.1f} s, {result.full.status}, peak {result.full.peak_mib:.0f} MiB")
    if result.full.status != "succeeded":
        result.notes.append(f"full run {result.full.status}: {result.full.summary.get('message', '')[:300]}")
        return result
    serving = data / "marts" / "ccperf.duckdb"
    result.query_ms = time_queries(serving if serving.exists() else data / "warehouse.duckdb")
    result.unchanged = run_pipeline(data, summary, prefect_home)
    log(f"  no-change re-run {result.unchanged.wall_s:.1f} s, {result.unchanged.status}")
    if result.unchanged.status != "unchanged":
        result.notes.append(_unexpected_rerun(result.full, result.unchanged))
    changed = _changed_document(data / "raw", scale)
    rewrite_one(changed, salt="one-change")
    result.one_change = run_pipeline(data, summary, prefect_home)
    log(f"  one-document change {result.one_change.wall_s:.1f} s, {result.one_change.status}")
    if problem := _check_one_change(result.one_change, changed):
        result.notes.append(problem)
    if result.one_change.status != "succeeded":
        result.notes.append(f"one-document change: status {result.one_change.status}")
    return result


# --- report -----------------------------------------------------------------------------------------------------------

def _s(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


HEADER = ("| size | documents | MB | full run (s) | plan | extract | land | dbt | quality | publish | report "
          "| Prefect + start-up "
          "| extraction (MB/s per core) | peak memory (MiB) | no-change re-run (s) | one-document change (s) "
          "| guide queries max / median (ms) |")


def table_row(r: SizeResult) -> str:
    stages = r.full.stages
    queries = list(r.query_ms.values())
    guide = f"{max(queries):.1f} / {statistics.median(queries):.1f}" if queries else "–"
    cells = [f"{r.scale}×", str(r.documents), f"{r.megabytes:.1f}", _s(r.full.wall_s),
             *(_s(stages.get(stage)) for stage in MAIN_STAGES), _s(r.prefect_s),
             _s(r.mb_per_s_per_core, 2), f"{r.full.peak_mib:.0f}",
             _s(r.unchanged.wall_s if r.unchanged else None), _s(r.one_change.wall_s if r.one_change else None), guide]
    return "| " + " | ".join(cells) + " |"


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str | None  # None: the sizes run do not measure it
    met: bool = False

    def line(self) -> str:
        if self.measured is None:
            return f"- {self.text}: not measured by these sizes"
        return f"- {self.text}: {self.measured} — **{'met' if self.met else 'missed'}**"


def goals(results: dict[int, SizeResult]) -> list[Goal]:
    r1, r10, r100 = results.get(1), results.get(10), results.get(100)
    largest = results[max(results)]
    out = []
    if r100:
        ok = r100.full.status == "succeeded"  # a failed run's time is no measure of the goal
        out.append(Goal("full run at 100× < 90 s", f"{r100.full.wall_s:.1f} s ({r100.full.status})",
                        ok and r100.full.wall_s < 90))
    else:
        out.append(Goal("full run at 100× < 90 s", None))
    if r10 and r100:
        ratio = r100.full.wall_s / r10.full.wall_s
        out.append(Goal("time 10× → 100× ratio ≤ 10", f"{ratio:.1f}", ratio <= 10))
    else:
        out.append(Goal("time 10× → 100× ratio ≤ 10", None))
    rate = largest.mb_per_s_per_core
    out.append(Goal(f"extraction ≥ 5 MB/s per core (at {largest.scale}×)", f"{_s(rate, 2)} MB/s",
                    rate is not None and rate >= 5))
    if r1 and r1.unchanged:
        third = r1.full.wall_s / 3
        out.append(Goal("no-change re-run < 1/3 of a full run at 1×",
                        f"{r1.unchanged.wall_s:.1f} s vs {third:.1f} s", r1.unchanged.wall_s < third))
    else:
        out.append(Goal("no-change re-run < 1/3 of a full run at 1×", None))
    if r100 and r100.unchanged:
        out.append(Goal("no-change re-run at 100× < 10 s", f"{r100.unchanged.wall_s:.1f} s",
                        r100.unchanged.wall_s < 10))
    else:
        out.append(Goal("no-change re-run at 100× < 10 s", None))
    if r100:
        out.append(Goal("peak memory at 100× < 2 GB", f"{r100.full.peak_mib:.0f} MiB",
                        r100.full.peak_mib * 2**20 < 2e9))
    else:
        out.append(Goal("peak memory at 100× < 2 GB", None))
    return out


def _prefect_setup() -> str:
    url = os.environ.get("PREFECT_API_URL")
    return f"Prefect server at {url}" if url else "no `PREFECT_API_URL` (each run starts a temporary Prefect server)"


def _wrap(text: str) -> str:
    """Prose at the line width of the docs (tables stay on one line)."""
    return textwrap.fill(text, width=118, break_long_words=False, break_on_hyphens=False)


def report(results: dict[int, SizeResult], sizes: list[int]) -> str:
    ordered = [results[s] for s in sizes if s in results]
    lines = [
        "## Scaling (issue 9)",
        "",
        _wrap(f"Measured {dt.date.today().isoformat()} with `.venv/bin/python bench/run_benchmark.py --sizes "
              f"{' '.join(map(str, sizes))}`: corpora from `bench/generate_corpus.py` (the five documents and "
              "altered copies: other chambers, years and values), each in a fresh temporary data folder."),
        "",
        _wrap(f"Machine: {machine()}; {_prefect_setup()}."),
        "",
        HEADER,
        "|" + "---|" * HEADER.count(" | ") + "---|",
        *map(table_row, ordered),
        "",
        _wrap("Full run: wall time of `ccperf run` on an empty warehouse. Stage columns (s) come from the run "
              "summary; \"Prefect + start-up\" is the wall time not spent in a stage (Python start-up, imports, the "
              "temporary Prefect server). Extraction throughput = bytes extracted / (extract stage × extraction "
              "processes). Peak memory: largest summed RSS of the run and all its processes, sampled every "
              f"{SAMPLE_EVERY_S} s. Guide queries: the {len(guide_questions())} questions of docs/analyst-guide.md "
              f"on the published `marts/ccperf.duckdb`, median of {QUERY_REPEATS} runs each; max and median over "
              "the questions."),
        "",
        "Goals (2-core machine):",
        "",
        *(goal.line() for goal in goals({r.scale: r for r in ordered})),
    ]
    notes = [textwrap.fill(f"- {r.scale}×: {note}", width=118, subsequent_indent="  ")
             for r in ordered for note in r.notes]
    other = {k for r in ordered for k in r.full.stages if k not in MAIN_STAGES}
    if other:
        notes.append(f"- stages without a column (their time is not in \"Prefect + start-up\"): "
                     f"{', '.join(sorted(other))}")
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace the text between the markers (added at the end of the file if missing), leaving the rest intact."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START_MARK}\n{section}{END_MARK}"
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        tail = rest.split(END_MARK, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="scales to run (1 = 5 documents)")
    parser.add_argument("--write", type=Path, help="replace the marked scaling section of this Markdown file")
    parser.add_argument("--workdir", type=Path, help="parent of the temporary folders (default: the system's /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    if min(args.sizes) < 1:
        parser.error("sizes are at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="ccperf-bench-", dir=args.workdir))
    try:
        results = {scale: bench_size(scale, workdir) for scale in args.sizes}
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    section = report(results, args.sizes)
    print(section)
    if args.write:
        write_section(args.write, section)
        log(f"wrote the scaling section of {args.write}")


if __name__ == "__main__":
    main()
