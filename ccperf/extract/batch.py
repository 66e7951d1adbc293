"""Extracting a run's batch of documents: one process, or forked worker processes (one per core) when there are
megabytes of text; results come back in file-name order."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ccperf.config import SettingError, extract_workers_from_env
from ccperf.errors import PipelineError
from ccperf.extract.extractor import extract_file
from ccperf.extract.manifest import Override, override_for
from ccperf.incremental import FilePlan
from ccperf.lifecycle import die_with_parent
from ccperf.model import ExtractionResult


def extract(path: Path, overrides: dict[str, Override], max_bytes: int | None = None,
            cache_dir: Path | None = None) -> ExtractionResult:
    override = overrides.get(path.name)
    result = extract_file(path, override, max_bytes, cache_dir)
    if result.file_sha256 and not override and not result.error:
        override = override_for(overrides, path.name, result.file_sha256)
        if override:
            result = extract_file(path, override, max_bytes, cache_dir)
    return result


def extract_planned(item: FilePlan, max_bytes: int | None = None, cache_dir: Path | None = None
                    ) -> ExtractionResult:
    """Extract one file of the plan (in a worker process when there are many)."""
    return extract_file(item.path, item.override, max_bytes, cache_dir)


# Starting worker processes costs about half a second: below this much text one process is faster.
POOL_MIN_BYTES = 4 * 1024 * 1024


def extraction_workers(items: list[FilePlan], configured: int | None = None) -> int:
    """Processes to extract with: `configured` (Settings.extract_workers, from CCPERF_EXTRACT_WORKERS), else one per
    available core when there is enough text."""
    if configured is None:
        try:
            configured = extract_workers_from_env()
        except SettingError as exc:
            raise PipelineError(str(exc)) from exc
    if configured is not None:
        return min(configured, max(len(items), 1))
    if sum(i.size for i in items) < POOL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), len(items)))


def extract_all(items: list[FilePlan], max_bytes: int | None, workers: int,
                on_done: Callable[[int, ExtractionResult], None] | None = None,
                cache_dir: Path | None = None) -> list[ExtractionResult]:
    """Extract every planned file, in parallel processes when `workers` > 1; `on_done(n_done, result)` reports
    progress. Results come back in file-name order."""
    results: list[ExtractionResult] = []
    # The cyclic garbage collector would walk every row already extracted, again and again, as hundreds of
    # documents' rows pile up (15% of the time at 500 documents); extraction results hold no cycles to collect.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _extract_into(results, items, max_bytes, workers, on_done, cache_dir)
    finally:
        if collecting:
            gc.enable()
    return sorted(results, key=lambda r: r.document_file)


def _extract_into(results: list[ExtractionResult], items: list[FilePlan], max_bytes: int | None, workers: int,
                  on_done: Callable[[int, ExtractionResult], None] | None, cache_dir: Path | None) -> None:
    if workers <= 1:
        for item in items:
            results.append(extract_planned(item, max_bytes, cache_dir))
            if on_done:
                on_done(len(results), results[-1])
    else:
        # fork: workers start at once with the parsers imported, and never re-import the caller's __main__ (which
        # spawn and forkserver do: a script without a main guard would start the pipeline again in each worker).
        # The workers only parse text: they take none of the locks Prefect's threads may hold.
        # Workers end with the run: killed with it (parent-death signal), stopped with it (SIGTERM, Ctrl+C).
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent,
                                   initargs=(signal.SIGKILL,))
        try:
            futures = [pool.submit(extract_planned, item, max_bytes, cache_dir) for item in items]
            for future in as_completed(futures):
                results.append(future.result())
                if on_done:
                    on_done(len(results), results[-1])
        except BaseException:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
