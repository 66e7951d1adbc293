"""The ccperf pipeline as a Prefect flow: plan → extract (changed documents, in parallel processes) → land → dbt →
quality → publish → HTML report.

Wiring only: every stage is a function of ccperf.planning, ccperf.extract.batch, ccperf.land or ccperf.stages. A failing stage fails the flow run with a clear
message; the previous publication in data/marts/ stays in place. An expected failure (PipelineError: a locked
warehouse, a failed dbt test, a critical expectation) is logged as its message, without a traceback.
"""

from __future__ import annotations

import logging
import signal
import time
import traceback
from pathlib import Path

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import exponential_backoff

from ccperf import land, planning, stages
from ccperf.config import Settings
from ccperf.errors import PipelineError, TransientError
from ccperf.extract import batch
from ccperf.incremental import RunPlan
from ccperf.lifecycle import stop_signal
from ccperf.model import ExtractionResult
from ccperf.quality import prefetch_gx
from ccperf.summary import RunSummary, new_summary


class _NoTracebackForPipelineErrors(logging.Filter):
    """Prefect logs a failed task or flow run with its traceback. A PipelineError is an expected, explained
    failure: its record keeps the message and drops the traceback. Anything else (a bug) is logged as its message,
    and its traceback goes to the error log of the data folder (data/.ccperf/ccperf-error.log), not the console."""

    error_log: Path | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        if not isinstance(exc, PipelineError) and self.error_log is not None:
            try:
                self.error_log.parent.mkdir(parents=True, exist_ok=True)
                with self.error_log.open("a", encoding="utf-8") as fh:
                    fh.write(f"--- {record.name} {time.strftime('%Y-%m-%d %H:%M:%S')}: {record.getMessage()}\n")
                    fh.write("".join(traceback.format_exception(*record.exc_info)))  # type: ignore[misc]
                record.msg = f"{record.msg} (traceback in {self.error_log})"
            except OSError:
                pass
        record.exc_info, record.exc_text = None, None
        return True


__all__ = ["new_summary", "pipeline"]
_FILTER = _NoTracebackForPipelineErrors()
for _name in ("prefect.task_runs", "prefect.flow_runs", "prefect.engine"):
    if _FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_FILTER)


_STAGES = ("plan", "extract", "land", "dbt", "quality", "publish")


def _stage_after(summary: RunSummary) -> str:
    """The stage a run was in: the first one without a lap time."""
    return next((stage for stage in _STAGES if stage not in summary.stage_seconds), "the end of the run")


class _Results:
    """Extraction results handed between tasks. Not a dataclass or a list on purpose: Prefect walks task
    parameters looking for futures, and walking every row of hundreds of documents would cost seconds."""

    def __init__(self, results: list[ExtractionResult]) -> None:
        self.results = results


def _is_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry a stage only for a failure that may pass (a locked warehouse), never for a wrong input."""
    return isinstance(state.data, TransientError)


def _retrying(stage: Task, settings: Settings) -> Task:
    return stage.with_options(retries=settings.retries, retry_condition_fn=_is_transient,
                              retry_delay_seconds=exponential_backoff(settings.retry_delay_s)(settings.retries)
                              if settings.retries else 0)


@task(name="plan-run", cache_policy=NO_CACHE)
def plan_task(settings: Settings, summary: RunSummary, force: bool) -> RunPlan:
    try:
        checked = planning.read_checked_manifest(settings)
    except ValueError as exc:
        raise PipelineError(f"manifest: {exc}") from exc
    run_plan, kept = planning.plan(settings, checked.entries, force, summary)
    summary.documents = sorted([*kept, *planning.skipped_outcomes(run_plan)], key=lambda d: d.document_file)
    summary.inputs_fingerprint = run_plan.inputs_fingerprint
    summary.notices += run_plan.why_work() + planning.manifest_flags(settings, run_plan, checked)
    logger = get_run_logger()
    for notice in summary.notices:
        logger.warning("%s", notice)
    if run_plan.nothing_changed:
        logger.info("nothing changed since the last publication: %d documents, same bytes, parsers, dbt project "
                    "and expectations", len(run_plan.documents))
    else:
        logger.info("%d files in %s: %d new or changed to extract, %d unchanged (kept as loaded), %d not read",
                    len(run_plan.files), settings.raw_dir, len(run_plan.to_extract), len(run_plan.unchanged),
                    len(run_plan.skipped))
    return run_plan


@task(name="extract-documents", cache_policy=NO_CACHE)
def extract_task(settings: Settings, summary: RunSummary, run_plan: RunPlan) -> _Results:
    items = run_plan.to_extract
    total_bytes = sum(i.size or 0 for i in items)
    workers = batch.extraction_workers(items, settings.extract_workers)
    summary.extract_workers, summary.extracted_bytes = workers, total_bytes
    logger = get_run_logger()
    if not items:
        logger.info("no document to extract")
        return _Results([])
    logger.info("extracting %d documents (%.1f MB) in %d process%s", len(items), total_bytes / 1e6, workers,
                "es" if workers > 1 else "")
    artifact = create_progress_artifact(0.0, key="ccperf-extraction", description="Documents extracted")
    started, step = time.perf_counter(), max(1, len(items) // 10)

    def progress(done: int, result: ExtractionResult) -> None:
        if result.error:
            logger.warning("%s: rejected: %s", result.document_file, result.error)
        elif result.quarantined:
            logger.warning("%s: %d blocks quarantined (kept in raw.quarantine)", result.document_file,
                           len(result.quarantined))
        if done % step == 0 or done == len(items):
            elapsed = time.perf_counter() - started
            logger.info("extracted %d/%d documents in %.1f s", done, len(items), elapsed)
            update_progress_artifact(artifact, 100.0 * done / len(items))

    results = batch.extract_all(items, settings.max_document_bytes, workers, progress, settings.pdf_cache_dir)
    return _Results(results)


@task(name="land-raw-tables", cache_policy=NO_CACHE)
def land_task(settings: Settings, summary: RunSummary, batch: _Results, run_plan: RunPlan,
              allow_shrink: bool = False) -> None:
    kept = [item.loaded for item in run_plan.unchanged if item.loaded]
    documents, outcomes = land.classify(batch.results, kept)
    extracted = {o.document_file for o in outcomes}
    summary.documents = sorted([*[d for d in summary.documents if d.document_file not in extracted], *outcomes],
                               key=lambda d: d.document_file)
    summary.removed_documents = land.land(settings, documents, summary.documents, kept,
                                            planning.override_keys(run_plan.to_extract))
    logger = get_run_logger()
    logger.info("landed %d documents (%d readings); %d unchanged kept as they were", len(documents),
                sum(len(r.readings) for r in documents), len(kept))
    for name in summary.removed_documents:
        logger.info("removed from the warehouse (no longer in raw/): %s", name)
    note = stages.check_shrink(settings, allow_shrink)  # garbage is refused before dbt spends half a minute
    if note:
        summary.notices.append(note)
        logger.warning("%s", note)


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
        raise PipelineError("critical data-quality expectations failed; nothing was published:\n  "
                                   + "\n  ".join(summary.quality_failures))


@task(name="publish-marts", cache_policy=NO_CACHE)
def publish_task(settings: Settings, summary: RunSummary) -> None:
    publication = stages.publish(settings, summary.run_id, summary.inputs_fingerprint)
    summary.published = publication.files
    summary.serving_db = str(publication.serving_db) if publication.serving_db else None
    summary.report = str(publication.report) if publication.report else None
    logger = get_run_logger()
    logger.info("published %d marts to %s", len(publication.files), settings.marts_dir)
    if publication.report_error:
        raise PipelineError(f"the marts were published, but the HTML report could not be written: "
                            f"{publication.report_error}; `ccperf report` writes it again")
    logger.info("report: %s", summary.report)


@flow(name="ccperf-pipeline", log_prints=False, validate_parameters=False)
def pipeline(data_dir: str | None = None, summary: RunSummary | None = None, force: bool = False,
             allow_shrink: bool = False) -> RunSummary:
    """Run the stages on the documents in <data_dir>/raw, doing only the work a change requires: unchanged
    documents are not extracted again, and when nothing changed since the last publication nothing is rebuilt.
    `force` extracts and publishes everything again; `allow_shrink` publishes even when the run would drop most of
    the published readings. Pass `summary` to keep it when the run fails or is stopped."""
    try:
        settings = Settings.load(data_dir)
    except ValueError as exc:
        raise PipelineError(str(exc)) from exc
    _FILTER.error_log = settings.state_dir / "ccperf-error.log"
    summary = summary or new_summary()
    started = time.perf_counter()
    mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        summary.stage_seconds[stage] = round(now - mark, 2)
        mark = now

    try:
        run_plan = _retrying(plan_task, settings)(settings, summary, force)
        lap("plan")
        if run_plan.nothing_changed:
            summary.status, summary.message = "unchanged", planning.nothing_changed_message(run_plan)
            return summary
        batch = extract_task(settings, summary, run_plan)
        lap("extract")
        _retrying(land_task, settings)(settings, summary, batch, run_plan, allow_shrink)
        del batch  # the rows are in the warehouse now; free them before dbt and GX
        lap("land")
        _retrying(dbt_task, settings)(settings, summary)
        lap("dbt")
        _retrying(quality_task, settings)(settings, summary)
        lap("quality")
        _retrying(publish_task, settings)(settings, summary)
        lap("publish")
        summary.status, summary.message = "succeeded", "published"
    except BaseException as exc:
        signum = stop_signal(exc)
        if signum is not None:
            summary.status = "cancelled"
            summary.message = (f"stopped by {signal.Signals(signum).name} during {_stage_after(summary)}: "
                               + ("the new publication was already in place" if summary.published else
                                  "nothing was published, the previous publication stays in place")
                               + "; the next run finishes the job")
        else:
            summary.status, summary.message = "failed", str(exc)
        raise
    finally:
        summary.elapsed_s = round(time.perf_counter() - started, 2)
        stages.record_run(settings, summary)
    return summary
