"""The pipeline's stages as plain functions; flows/pipeline.py wires them as Prefect tasks.

discover → extract (per document) → land → dbt build → quality gate → publish. Each stage returns what the
run summary reports; a stage that must stop the run raises PipelineError with a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ccperf.config import Settings
from ccperf.extract.extractor import PARSER_VERSION, extract_file
from ccperf.extract.manifest import MANIFEST_NAME, Override, load_manifest, override_for
from ccperf.land import connect, ensure_schema, land_document, record_files, remove_absent
from ccperf.model import ExtractionResult
from ccperf.publish import Publication, publish_marts
from ccperf.quality import QualityReport, load_suites, store, validate
from ccperf.summary import DocumentOutcome, RunSummary
from ccperf.transform import DbtResult, run_dbt

_NOT_DOCUMENTS = {MANIFEST_NAME, "README", "README.md", "README.txt"}


class PipelineError(RuntimeError):
    """A failure that stops the run before publication; the previous publication stays in place."""


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


def extract(path: Path, overrides: dict[str, Override]) -> ExtractionResult:
    override = overrides.get(path.name)
    result = extract_file(path, override)
    if result.file_sha256 and not override:
        override = override_for(overrides, path.name, result.file_sha256)
        if override:
            result = extract_file(path, override)
    return result


@contextmanager
def warehouse(settings: Settings, attempts: int = 5, wait_s: float = 2.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection; waits a little while another process holds the file, then fails clearly."""
    for attempt in range(1, attempts + 1):
        try:
            con = connect(settings.warehouse)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts:
                raise PipelineError(f"the warehouse {settings.warehouse} is locked by another process "
                                    f"(close DuckDB sessions or BI tools holding it): {exc}") from exc
            time.sleep(wait_s * attempt)
    try:
        yield con
    finally:
        con.close()


def classify(results: list[ExtractionResult]) -> tuple[list[ExtractionResult], list[DocumentOutcome]]:
    """The documents to land (first file of each distinct content) and an outcome for every file."""
    keep: list[ExtractionResult] = []
    outcomes: list[DocumentOutcome] = []
    seen: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.document_file):
        if result.error or result.document is None:
            outcomes.append(DocumentOutcome(result.document_file, result.file_sha256, "rejected",
                                            result.error or "not extracted"))
            continue
        sha = result.document.document_sha256
        if sha in seen:
            outcomes.append(DocumentOutcome(result.document_file, sha, "duplicate",
                                            f"same content as {seen[sha]}; not loaded twice"))
            continue
        seen[sha] = result.document_file
        keep.append(result)
        outcomes.append(DocumentOutcome.from_result(result))
    return keep, outcomes


def land(settings: Settings, documents: list[ExtractionResult], outcomes: list[DocumentOutcome]) -> list[str]:
    """Land every document (one transaction each) and drop the rows of documents no longer present."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with warehouse(settings) as con:
        ensure_schema(con)
        for result in documents:
            land_document(con, result, PARSER_VERSION)
        record_files(con, [{"document_file": o.document_file, "document_sha256": o.document_sha256,
                            "file_size": None, "status": o.status, "message": o.message, "seen_at": now}
                           for o in outcomes])
        return remove_absent(con, {r.document.document_sha256 for r in documents if r.document})


def build_marts(settings: Settings) -> DbtResult:
    result = run_dbt(settings, "build")
    if not result.success:
        raise PipelineError("dbt build failed; nothing was published:\n  " + "\n  ".join(result.failures[:20]))
    return result


def check_quality(settings: Settings, run_id: str) -> QualityReport:
    suites = load_suites(settings.expectations_dir)
    with warehouse(settings) as con:
        report = validate(con, suites, run_id)
        store(con, report)
    return report


def publish(settings: Settings, run_id: str) -> Publication:
    with warehouse(settings) as con:
        return publish_marts(con, settings.marts_dir, run_id)


def record_run(settings: Settings, summary: RunSummary) -> None:
    """Keep the run's outcome in audit.runs (best effort: a locked warehouse must not hide the real error)."""
    try:
        with warehouse(settings, attempts=1) as con:
            con.execute("create schema if not exists audit")
            con.execute("""create table if not exists audit.runs (
                run_id varchar, started_at timestamp, finished_at timestamp, status varchar, message varchar,
                n_files integer, n_documents integer, n_readings integer, n_quarantined integer, elapsed_s double)""")
            con.execute("insert into audit.runs values (?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?)", [
                summary.run_id, summary.started_at, summary.status, summary.message, len(summary.documents),
                sum(1 for d in summary.documents if d.status == "extracted"), summary.total("readings"),
                summary.total("quarantined"), summary.elapsed_s])
    except (PipelineError, duckdb.Error):
        pass
