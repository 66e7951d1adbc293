"""The pipeline's stages as plain functions; flows/pipeline.py wires them as Prefect tasks.

discover → extract (per document) → land → dbt build → quality gate → publish. Each stage returns what the
run summary reports; a stage that must stop the run raises PipelineError with a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ccperf.config import Settings
from ccperf.extract.extractor import PARSER_VERSION, extract_file
from ccperf.extract.manifest import MANIFEST_NAME, Override, load_manifest, override_for
from ccperf.land import connect, content_fingerprint, ensure_schema, land_document, record_files, remove_absent
from ccperf.model import ExtractionResult
from ccperf.publish import Publication, publish_marts
from ccperf.quality import QualityReport, QualitySetupError, load_suites, store, validate
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


def extract(path: Path, overrides: dict[str, Override], max_bytes: int | None = None) -> ExtractionResult:
    override = overrides.get(path.name)
    result = extract_file(path, override, max_bytes)
    if result.file_sha256 and not override and not result.error:
        override = override_for(overrides, path.name, result.file_sha256)
        if override:
            result = extract_file(path, override, max_bytes)
    return result


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
                raise PipelineError(lock_message(settings.warehouse, exc, waited)) from exc
            time.sleep(min(pause, max(timeout - waited, 0.05)))
            pause = min(pause * 2, 2.0)
    try:
        yield con
    finally:
        con.close()


def _nothing_recognised(result: ExtractionResult) -> bool:
    known = [s for s in result.segments if s.parser_status in ("parsed", "no_parser", "failed")]
    return not (known or result.readings or result.objectives or result.facts or result.components)


def classify(results: list[ExtractionResult]) -> tuple[list[ExtractionResult], list[DocumentOutcome]]:
    """The documents to land (first file of each distinct content) and an outcome for every file."""
    keep: list[ExtractionResult] = []
    outcomes: list[DocumentOutcome] = []
    seen: dict[str, str] = {}
    seen_text: dict[str, ExtractionResult] = {}
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
            first = seen_text[fingerprint]
            assert first.document is not None
            outcomes.append(DocumentOutcome(
                result.document_file, sha, "duplicate",
                f"same text as {first.document_file} (other bytes: {result.document.encoding} vs "
                f"{first.document.encoding}, or other line endings); not loaded twice", file_size=result.file_size))
            continue
        seen[sha] = result.document_file
        seen_text[fingerprint] = result
        keep.append(result)
        outcomes.append(DocumentOutcome.from_result(result))
    return keep, outcomes


def truncation_warning(result: ExtractionResult) -> str | None:
    """The reader's finding that the file was cut (it ends in the middle of a character), if any."""
    return next((q.reason for q in result.quarantined if q.layout == "file" and "truncated" in q.reason), None)


def land(settings: Settings, documents: list[ExtractionResult], outcomes: list[DocumentOutcome]) -> list[str]:
    """Land every document (one transaction each) and drop the rows of documents no longer present.

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
            land_document(con, result, PARSER_VERSION)
            landed.append(result)
        keep = {r.document.document_sha256 for r in landed if r.document}
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
        record_files(con, [{"document_file": o.document_file, "document_sha256": o.document_sha256,
                            "file_size": o.file_size, "status": o.status, "message": o.message, "seen_at": now}
                           for o in outcomes])
        return remove_absent(con, keep)


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
            raise PipelineError("dbt build could not open the warehouse; nothing was published: "
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


def publish(settings: Settings, run_id: str) -> Publication:
    with warehouse(settings) as con:
        return publish_marts(con, settings.marts_dir, run_id, relations=mart_relations(settings),
                             serving_name=settings.serving_db.name)


def record_run(settings: Settings, summary: RunSummary) -> None:
    """Keep the run's outcome in audit.runs (best effort: a locked warehouse must not hide the real error)."""
    try:
        with warehouse(settings, timeout_s=min(settings.lock_timeout_s, 5.0)) as con:
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
