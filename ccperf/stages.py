"""The stages after landing, as plain functions (flows/pipeline.py wires them as Prefect tasks): dbt build, the
quality gate, publication and the run's record. Planning is in ccperf.planning, extraction in ccperf.extract.batch,
landing in ccperf.land, the warehouse connection and DDL in ccperf.warehouse.

Each stage returns what the run summary reports; a stage that must stop the run raises PipelineError with a message
in plain words.
"""

from __future__ import annotations

import json

import duckdb

from ccperf.config import Settings
from ccperf.errors import PipelineError, TransientError
from ccperf.incremental import record_publication
from ccperf.publish import Publication, publish_marts
from ccperf.quality import QualityReport, QualitySetupError, load_suites, store, validate
from ccperf.summary import RunSummary
from ccperf.transform import DbtResult, run_dbt
from ccperf.warehouse import ensure_audit, is_lock_error, lock_message, warehouse


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
        if is_lock_error(text):
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
            ensure_audit(con)
            con.execute("insert into audit.runs by name select ? as run_id, ? as started_at, current_timestamp as "
                        "finished_at, ? as status, ? as message, ? as n_files, ? as n_documents, ? as n_readings, "
                        "? as n_quarantined, ? as elapsed_s, ? as n_extracted, ? as stage_seconds", [
                summary.run_id, summary.started_at, summary.status, summary.message, len(summary.documents),
                sum(1 for d in summary.documents if d.status in ("extracted", "unchanged")),
                summary.total("readings"), summary.total("quarantined"), summary.elapsed_s,
                len(summary.files_with_status("extracted")), json.dumps(summary.stage_seconds)])
    except (PipelineError, duckdb.Error):
        pass
