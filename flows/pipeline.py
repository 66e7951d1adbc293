"""The ccperf pipeline as a Prefect flow: discover → extract (one task per document) → land → dbt → quality → publish.

Wiring only: every stage is a function of ccperf.stages. A failing stage fails the flow run with a clear
message; the previous publication in data/marts/ stays in place. An expected failure (PipelineError: a locked
warehouse, a failed dbt test, a critical expectation) is logged as its message, without a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from ccperf import stages
from ccperf.config import Settings
from ccperf.extract.manifest import Override
from ccperf.model import ExtractionResult
from ccperf.quality import prefetch_gx
from ccperf.summary import RunSummary


class _NoTracebackForPipelineErrors(logging.Filter):
    """Prefect logs a failed task or flow run with its traceback; a PipelineError is an expected, explained
    failure, so its record keeps the message and drops the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, stages.PipelineError):
            record.exc_info, record.exc_text = None, None
        return True


_FILTER = _NoTracebackForPipelineErrors()
for _name in ("prefect.task_runs", "prefect.flow_runs", "prefect.engine"):
    if _FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FILTER)


@task(name="extract-document", cache_policy=NO_CACHE, task_run_name="extract {path.name}")
def extract_document(path: Path, overrides: dict[str, Override], max_bytes: int | None = None) -> ExtractionResult:
    result = stages.extract(path, overrides, max_bytes)
    logger = get_run_logger()
    if result.error:
        logger.warning("%s: rejected: %s", path.name, result.error)
    else:
        logger.info("%s: %d segments, %d readings, %d objectives, %d quarantined", path.name, len(result.segments),
                    len(result.readings), len(result.objectives), len(result.quarantined))
    return result


@task(name="land-raw-tables", cache_policy=NO_CACHE)
def land_task(settings: Settings, summary: RunSummary, results: list[ExtractionResult]) -> None:
    documents, summary.documents = stages.classify(results)
    summary.removed_documents = stages.land(settings, documents, summary.documents)


@task(name="dbt-build", cache_policy=NO_CACHE)
def dbt_task(settings: Settings, summary: RunSummary) -> None:
    prefetch_gx()  # GX takes seconds to import: do it while dbt works in its subprocess
    result = stages.build_marts(settings)
    summary.dbt_counts = result.counts


@task(name="quality-gate", cache_policy=NO_CACHE)
def quality_task(settings: Settings, summary: RunSummary) -> None:
    report = stages.check_quality(settings, summary.run_id)
    summary.quality_checked = len(report.outcomes)
    summary.quality_docs = str(report.docs_index) if report.docs_index else None
    summary.quality_failures = [report.describe(o) for o in report.critical_failures]
    summary.quality_warnings = [report.describe(o) for o in report.warnings]
    for line in summary.quality_warnings:
        get_run_logger().warning("quality warning: %s", line)
    if not report.passed:
        raise stages.PipelineError("critical data-quality expectations failed; nothing was published:\n  "
                                   + "\n  ".join(summary.quality_failures))


@task(name="publish-marts", cache_policy=NO_CACHE)
def publish_task(settings: Settings, summary: RunSummary) -> None:
    publication = stages.publish(settings, summary.run_id)
    summary.published = publication.files
    summary.serving_db = str(publication.serving_db) if publication.serving_db else None


@flow(name="ccperf-pipeline", log_prints=False, validate_parameters=False)
def pipeline(data_dir: str | None = None, summary: RunSummary | None = None) -> RunSummary:
    """Run every stage on the documents in <data_dir>/raw. Pass `summary` to keep it when the run fails."""
    settings = Settings.load(data_dir)
    summary = summary or new_summary()
    started = time.perf_counter()
    mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        summary.stage_seconds[stage] = round(now - mark, 2)
        mark = now

    try:
        overrides = stages.manifest(settings)
        paths = stages.discover(settings)
        futures = [extract_document.submit(path, overrides, settings.max_document_bytes) for path in paths]
        results = [f.result() for f in futures]
        lap("extract")
        land_task(settings, summary, results)
        lap("land")
        dbt_task(settings, summary)
        lap("dbt")
        quality_task(settings, summary)
        lap("quality")
        publish_task(settings, summary)
        lap("publish")
        summary.status, summary.message = "succeeded", "published"
    except Exception as exc:
        summary.status, summary.message = "failed", str(exc)
        raise
    finally:
        summary.elapsed_s = round(time.perf_counter() - started, 2)
        stages.record_run(settings, summary)
    return summary


def new_summary() -> RunSummary:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return RunSummary(run_id=now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6], started_at=now)
