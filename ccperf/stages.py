"""The pipeline's stages as plain functions; flows/pipeline.py wires them as Prefect tasks.

discover → extract (per document) → land → dbt build → quality gate → publish. Each stage returns what the
run summary reports; a stage that must stop the run raises PipelineError with a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import duckdb

from ccperf.config import Settings
from ccperf.extract.extractor import PARSER_VERSION, extract_file
from ccperf.extract.manifest import MANIFEST_NAME, Override, load_manifest, override_for
from ccperf.incremental import FilePlan, LoadedDocument, RunPlan, make_plan, override_key, record_publication
from ccperf.land import connect, content_fingerprint, ensure_schema, land_documents, record_files, remove_absent
from ccperf.model import ExtractionResult, Segment
from ccperf.publish import Publication, publish_marts
from ccperf.quality import QualityReport, QualitySetupError, load_suites, store, validate
from ccperf.summary import DocumentOutcome, RunSummary
from ccperf.transform import DbtResult, run_dbt

_NOT_DOCUMENTS = {MANIFEST_NAME, "README", "README.md", "README.txt"}


class PipelineError(RuntimeError):
    """A failure that stops the run before publication; the previous publication stays in place."""


class TransientError(PipelineError):
    """A failure that may pass if the stage is tried again a little later (the warehouse locked by a reader)."""


def discover(settings: Settings) -> list[Path]:
    """Every regular file in data/raw except hidden files and the manifest, in name order."""
    if not settings.raw_dir.is_dir():
        raise PipelineError(f"no document folder: {settings.raw_dir} does not exist")
    return sorted(p for p in settings.raw_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name not in _NOT_DOCUMENTS)


def manifest(settings: Settings) -> dict[str, Override]:
    try:
        return load_manifest(settings.raw_dir)
    except ValueError as exc:
        raise PipelineError(f"manifest: {exc}") from exc


def extract(path: Path, overrides: dict[str, Override], max_bytes: int | None = None) -> ExtractionResult:
    override = overrides.get(path.name)
    result = extract_file(path, override, max_bytes)
    if result.file_sha256 and not override and not result.error:
        override = override_for(overrides, path.name, result.file_sha256)
        if override:
            result = extract_file(path, override, max_bytes)
    return result


def extract_planned(item: FilePlan, max_bytes: int | None = None) -> ExtractionResult:
    """Extract one file of the plan (in a worker process when there are many)."""
    return extract_file(item.path, item.override, max_bytes)


# Starting worker processes costs about half a second: below this much text one process is faster.
POOL_MIN_BYTES = 4 * 1024 * 1024


def extraction_workers(items: list[FilePlan]) -> int:
    """Processes to extract with: CCPERF_EXTRACT_WORKERS, else one per available core when there is enough text."""
    configured = os.environ.get("CCPERF_EXTRACT_WORKERS", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise PipelineError(f"CCPERF_EXTRACT_WORKERS={configured!r} is not a positive whole number")
        return min(int(configured), max(len(items), 1))
    if sum(i.size for i in items) < POOL_MIN_BYTES:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), len(items)))


def extract_all(items: list[FilePlan], max_bytes: int | None, workers: int,
                on_done: Callable[[int, ExtractionResult], None] | None = None) -> list[ExtractionResult]:
    """Extract every planned file, in parallel processes when `workers` > 1; `on_done(n_done, result)` reports
    progress. Results come back in file-name order."""
    results: list[ExtractionResult] = []
    # The cyclic garbage collector would walk every row already extracted, again and again, as hundreds of
    # documents' rows pile up (15% of the time at 500 documents); extraction results hold no cycles to collect.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _extract_into(results, items, max_bytes, workers, on_done)
    finally:
        if collecting:
            gc.enable()
    return sorted(results, key=lambda r: r.document_file)


def _extract_into(results: list[ExtractionResult], items: list[FilePlan], max_bytes: int | None, workers: int,
                  on_done: Callable[[int, ExtractionResult], None] | None) -> None:
    if workers <= 1:
        for item in items:
            results.append(extract_planned(item, max_bytes))
            if on_done:
                on_done(len(results), results[-1])
    else:
        # fork: workers start at once with the parsers imported, and never re-import the caller's __main__ (which
        # spawn and forkserver do: a script without a main guard would start the pipeline again in each worker).
        # The workers only parse text: they take none of the locks Prefect's threads may hold.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(extract_planned, item, max_bytes) for item in items]
            for future in as_completed(futures):
                results.append(future.result())
                if on_done:
                    on_done(len(results), results[-1])


def _is_lock_error(exc: BaseException | str) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


def lock_message(path: Path, error: BaseException | str, waited_s: float | None = None) -> str:
    holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(error))
    who = f"process {holder.group(2)} ({holder.group(1)})" if holder else "another process"
    waited = f" after waiting {waited_s:.0f} s" if waited_s else ""
    return (f"the warehouse {path} is locked by {who}{waited}: close the DuckDB session or BI tool holding it "
            "(analysts can read data/marts/ccperf.duckdb or the Parquet files instead) and run again; "
            "CCPERF_LOCK_TIMEOUT_S sets how long a run waits")


@contextmanager
def warehouse(settings: Settings, timeout_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection; waits while another process holds the file (up to `timeout_s`, default the
    settings' lock timeout), then fails with a PipelineError naming the holder."""
    timeout = settings.lock_timeout_s if timeout_s is None else timeout_s
    started = time.monotonic()
    pause = 0.25
    while True:
        try:
            con = connect(settings.warehouse)
            break
        except duckdb.IOException as exc:
            waited = time.monotonic() - started
            if not _is_lock_error(exc):
                raise PipelineError(f"cannot open the warehouse {settings.warehouse}: {exc}") from exc
            if waited >= timeout:
                raise TransientError(lock_message(settings.warehouse, exc, waited)) from exc
            time.sleep(min(pause, max(timeout - waited, 0.05)))
            pause = min(pause * 2, 2.0)
    try:
        yield con
    finally:
        con.close()


def plan(settings: Settings, overrides: dict[str, Override], force: bool = False) -> tuple[RunPlan,
                                                                                          list[DocumentOutcome]]:
    """What this run must do (see ccperf.incremental), and the outcome of every document kept unchanged."""
    paths = discover(settings)
    with warehouse(settings) as con:
        ensure_schema(con)
        run_plan = make_plan(settings, con, paths, overrides, force)
        return run_plan, unchanged_outcomes(con, run_plan.unchanged)


def quick_plan(settings: Settings) -> tuple[RunPlan, list[DocumentOutcome]] | None:
    """The plan, read without waiting and without writing: None when there is no warehouse yet, another process
    holds it, or the manifest is wrong (the run then goes the normal way, which waits or explains)."""
    if not settings.warehouse.exists() or not settings.raw_dir.is_dir():
        return None
    try:
        overrides = load_manifest(settings.raw_dir)
        con = connect(settings.warehouse, read_only=True)
    except (ValueError, duckdb.Error):
        return None
    try:
        run_plan = make_plan(settings, con, discover(settings), overrides)
        return run_plan, unchanged_outcomes(con, run_plan.unchanged)
    except duckdb.Error:
        return None
    finally:
        con.close()


_COUNTED = {"readings": "indicator_readings", "objectives": "objectives", "facts": "document_facts",
            "components": "reading_components", "quarantined": "quarantine"}


def unchanged_outcomes(con: duckdb.DuckDBPyConnection, items: list[FilePlan]) -> list[DocumentOutcome]:
    """The outcome of each document kept from an earlier run, with its rows, segments and quarantined blocks as
    the warehouse holds them."""
    docs = [item.loaded for item in items if item.loaded]
    if not docs:
        return []
    shas = [doc.document_sha256 for doc in docs]
    counts: dict[str, dict[str, int]] = {sha: dict.fromkeys(_COUNTED, 0) for sha in shas}
    for key, table in _COUNTED.items():
        for sha, n in con.execute(f"select document_sha256, count(*) from raw.{table} where document_sha256 in "
                                  "(select unnest(?)) group by 1", [shas]).fetchall():
            counts[sha][key] = n
    segment_columns = [f.name for f in fields(Segment)]
    segments: dict[str, list[Segment]] = {sha: [] for sha in shas}
    for row in con.execute(f"select {', '.join(segment_columns)} from raw.segments where document_sha256 in "
                           "(select unnest(?)) order by segment_index", [shas]).fetchall():
        segments[row[0]].append(Segment(*row))
    blocks: dict[str, list[str]] = {sha: [] for sha in shas}
    for sha, start, end, layout, reason in con.execute(
            "select document_sha256, source_line, line_end, layout, reason from raw.quarantine where "
            "document_sha256 in (select unnest(?)) order by source_line", [shas]).fetchall():
        blocks[sha].append(f"lines {start}-{end} ({layout}): {reason}")
    described = dict((sha, (chamber, year, kind)) for sha, chamber, year, kind in con.execute(
        "select document_sha256, chamber_name, year, doc_kind from raw.documents where document_sha256 in "
        "(select unnest(?))", [shas]).fetchall())
    outcomes = []
    for item, doc in ((item, item.loaded) for item in items if item.loaded):
        chamber, year, kind = described.get(doc.document_sha256, (None, None, None))
        message = f"{chamber or '?'} {year or '?'} {kind or '?'} (unchanged since {doc.extracted_at})"
        outcomes.append(DocumentOutcome(doc.document_file, doc.document_sha256, "unchanged", message,
                                        segments[doc.document_sha256], counts[doc.document_sha256],
                                        blocks[doc.document_sha256], item.size))
    return outcomes


def nothing_changed_message(run_plan: RunPlan) -> str:
    return (f"nothing changed since the last publication ({len(run_plan.files)} files, same bytes, parsers, dbt "
            "project and expectations): nothing extracted, nothing published")


def override_keys(items: Iterable[FilePlan]) -> dict[str, str]:
    return {item.name: override_key(item.override) for item in items}


def _nothing_recognised(result: ExtractionResult) -> bool:
    known = [s for s in result.segments if s.parser_status in ("parsed", "no_parser", "failed")]
    return not (known or result.readings or result.objectives or result.facts or result.components)


def classify(results: list[ExtractionResult], unchanged: Iterable[LoadedDocument] = ()
             ) -> tuple[list[ExtractionResult], list[DocumentOutcome]]:
    """The documents to land (first file of each distinct content) and an outcome for every extracted file.

    `unchanged` are the documents kept from earlier runs: a new file with their bytes or their text is a duplicate.
    """
    keep: list[ExtractionResult] = []
    outcomes: list[DocumentOutcome] = []
    seen: dict[str, str] = {doc.document_sha256: doc.document_file for doc in unchanged}
    seen_text: dict[str, tuple[str, str | None]] = {doc.content_sha256: (doc.document_file, None)
                                                    for doc in unchanged if doc.content_sha256}
    for result in sorted(results, key=lambda r: r.document_file):
        if result.error or result.document is None:
            outcomes.append(DocumentOutcome(result.document_file, result.file_sha256, "rejected",
                                            result.error or "not extracted", file_size=result.file_size))
            continue
        sha = result.document.document_sha256
        if sha in seen:
            outcomes.append(DocumentOutcome(result.document_file, sha, "duplicate",
                                            f"same content as {seen[sha]}; not loaded twice",
                                            file_size=result.file_size))
            continue
        if _nothing_recognised(result):
            doc = result.document
            outcomes.append(DocumentOutcome(
                result.document_file, sha, "rejected",
                f"no known layout: nothing recognised in its {doc.n_lines} lines (chamber {doc.chamber_name or '?'}, "
                f"year {doc.year or '?'}, kind {doc.doc_kind or '?'}); not loaded",
                segments=list(result.segments), file_size=result.file_size))
            continue
        fingerprint = content_fingerprint(result)
        if fingerprint in seen_text:
            first_file, first_encoding = seen_text[fingerprint]
            other = f"{result.document.encoding} vs {first_encoding}" if first_encoding else result.document.encoding
            outcomes.append(DocumentOutcome(
                result.document_file, sha, "duplicate",
                f"same text as {first_file} (other bytes: {other}, or other line endings); not loaded twice",
                file_size=result.file_size))
            continue
        seen[sha] = result.document_file
        seen_text[fingerprint] = (result.document_file, result.document.encoding)
        keep.append(result)
        outcomes.append(DocumentOutcome.from_result(result))
    return keep, outcomes


def truncation_warning(result: ExtractionResult) -> str | None:
    """The reader's finding that the file was cut (it ends in the middle of a character), if any."""
    return next((q.reason for q in result.quarantined if q.layout == "file" and "truncated" in q.reason), None)


def land(settings: Settings, documents: list[ExtractionResult], outcomes: list[DocumentOutcome],
         unchanged: Iterable[LoadedDocument] = (), override_keys: dict[str, str] | None = None) -> list[str]:
    """Land the extracted documents (one transaction) and drop the rows of documents no longer present.

    `unchanged` documents keep the rows they have.
    Bad input never removes data already loaded: a file that is still in raw/ but can no longer be read (emptied,
    replaced by a binary, no known layout), or that was cut short while an earlier version of it is loaded, keeps
    the rows of its last good version (its outcome says so). A truncated file never loaded before is loaded with
    what it holds, and flagged. Returns the files whose rows were removed because they left raw/.
    """
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    by_file = {o.document_file: o for o in outcomes}
    with warehouse(settings) as con:
        ensure_schema(con)
        previous = {name: sha for sha, name in con.execute(
            "select document_sha256, document_file from raw.documents").fetchall()}
        landed = []
        for result in documents:
            assert result.document is not None
            cut = truncation_warning(result)
            earlier = previous.get(result.document_file)
            if cut and earlier and earlier != result.document.document_sha256:
                outcome = by_file[result.document_file]
                outcome.status, outcome.message, outcome.rows = "rejected", f"{cut}; not loaded", {}
                continue
            landed.append(result)
        land_documents(con, landed, PARSER_VERSION, override_keys)
        keep = {r.document.document_sha256 for r in landed if r.document}
        keep |= {doc.document_sha256 for doc in unchanged}
        loaded_content = {content_fingerprint(r) for r in landed}
        rejected = {o.document_file: o for o in outcomes if o.status == "rejected"}
        if rejected:
            for sha, name, extracted_at, content in con.execute(
                    "select document_sha256, document_file, extracted_at, content_sha256 from raw.documents"
            ).fetchall():
                if name in rejected and sha not in keep and content not in loaded_content:
                    keep.add(sha)
                    rejected[name].message += (f"; its last good version (loaded {extracted_at}, sha256 "
                                               f"{sha[:12]}…) stays in the warehouse")
        # an unchanged document is loaded as much as a freshly extracted one
        record_files(con, [{"document_file": o.document_file, "document_sha256": o.document_sha256,
                            "file_size": o.file_size, "status": "extracted" if o.status == "unchanged" else o.status,
                            "message": o.message, "seen_at": now} for o in outcomes])
        # a file still in raw/ whose old version was replaced is not "removed"
        return [name for name in remove_absent(con, keep) if name not in by_file]


def mart_relations(settings: Settings) -> list[str] | None:
    """The marts dbt declares (models in the marts schema), from its manifest; None when there is no manifest."""
    manifest_path = settings.dbt_target_dir / "manifest.json"
    if not manifest_path.exists():
        return None
    nodes = json.loads(manifest_path.read_text(encoding="utf-8")).get("nodes", {})
    return sorted((node.get("alias") or node["name"]) for node in nodes.values()
                  if node.get("resource_type") == "model" and node.get("schema") == "marts"
                  and node.get("config", {}).get("materialized") != "ephemeral")


def build_marts(settings: Settings) -> DbtResult:
    result = run_dbt(settings, "build")
    if not result.success:
        text = "\n".join([*result.failures, result.log_tail])
        if _is_lock_error(text):
            raise TransientError("dbt build could not open the warehouse; nothing was published: "
                                + lock_message(settings.warehouse, text))
        raise PipelineError("dbt build failed; nothing was published:\n  " + "\n  ".join(result.failures[:20]))
    return result


def check_quality(settings: Settings, run_id: str) -> QualityReport:
    """Run every suite of expectations/ on the warehouse, store the results in audit.quality_results and build
    the data docs under data/quality/docs. A suite or GX itself failing to run is a critical failure."""
    try:
        suites = load_suites(settings.expectations_dir)
    except (OSError, ValueError) as exc:
        raise PipelineError(f"the quality gate could not load its suites; nothing was published: {exc}") from exc
    with warehouse(settings) as con:
        try:
            report = validate(con, suites, run_id, docs_dir=settings.quality_docs_dir)
        except QualitySetupError as exc:
            raise PipelineError(f"the quality gate could not run; nothing was published: {exc}") from exc
        store(con, report)
    return report


def publish(settings: Settings, run_id: str, inputs_fingerprint: str | None = None) -> Publication:
    """Publish the marts; remember the inputs they were built from, so that a run with the same inputs can
    tell that it has nothing to do."""
    with warehouse(settings) as con:
        publication = publish_marts(con, settings.marts_dir, run_id, relations=mart_relations(settings),
                                    serving_name=settings.serving_db.name)
        if inputs_fingerprint:
            record_publication(con, run_id, inputs_fingerprint)
        return publication


def record_run(settings: Settings, summary: RunSummary) -> None:
    """Keep the run's outcome in audit.runs (best effort: a locked warehouse must not hide the real error)."""
    try:
        with warehouse(settings, timeout_s=min(settings.lock_timeout_s, 5.0)) as con:
            con.execute("create schema if not exists audit")
            con.execute("""create table if not exists audit.runs (
                run_id varchar, started_at timestamp, finished_at timestamp, status varchar, message varchar,
                n_files integer, n_documents integer, n_readings integer, n_quarantined integer, elapsed_s double)""")
            # added in later versions: an older warehouse gains them
            con.execute("alter table audit.runs add column if not exists n_extracted integer")
            con.execute("alter table audit.runs add column if not exists stage_seconds varchar")
            con.execute("insert into audit.runs by name select ? as run_id, ? as started_at, current_timestamp as "
                        "finished_at, ? as status, ? as message, ? as n_files, ? as n_documents, ? as n_readings, "
                        "? as n_quarantined, ? as elapsed_s, ? as n_extracted, ? as stage_seconds", [
                summary.run_id, summary.started_at, summary.status, summary.message, len(summary.documents),
                sum(1 for d in summary.documents if d.status in ("extracted", "unchanged")),
                summary.total("readings"), summary.total("quarantined"), summary.elapsed_s,
                len(summary.files_with_status("extracted")), json.dumps(summary.stage_seconds)])
    except (PipelineError, duckdb.Error):
        pass
