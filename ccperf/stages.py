"""The stages after landing, as plain functions (flows/pipeline.py wires them as Prefect tasks): dbt build, the
quality gate, publication and the run's record. Planning is in ccperf.planning, extraction in ccperf.extract.batch,
landing in ccperf.land, the warehouse connection and DDL in ccperf.warehouse.

Each stage returns what the run summary reports; a stage that must stop the run raises PipelineError with a message
in plain words.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ccperf import runs
from ccperf.config import Settings
from ccperf.errors import PipelineError, TransientError
from ccperf.incremental import record_publication
from ccperf.publish import REPORT_NAME, Publication, publish_marts, read_manifest
from ccperf.quality import QualityReport, QualitySetupError, load_suites, store, validate
from ccperf.summary import RunSummary
from ccperf.transform import DbtResult, run_dbt
from ccperf.warehouse import ensure_schema, is_lock_error, lock_message, warehouse


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


def check_shrink(settings: Settings, allow_shrink: bool = False) -> str | None:
    """Refuse to publish garbage, right after landing (before dbt): a run that would publish no readings, or drop
    more than CCPERF_MAX_SHRINK_PCT of the readings published now, fails (PipelineError) unless `allow_shrink`.
    The marts hold one reading row per reading landed, so the warehouse's raw readings are what would be published.
    Returns a note when it let a shrink through."""
    published = read_manifest(settings.marts_dir)
    before = None
    if published and isinstance(published.get("files"), dict):
        before = published["files"].get("fact_indicator_reading.parquet")
    with warehouse(settings) as con:
        after = con.execute("select count(*) from raw.indicator_readings").fetchone()[0]
        documents = con.execute("select count(*) from raw.documents").fetchone()[0]
        by_document = dict(con.execute("select document_file, count(*) from raw.indicator_readings "
                                       "group by 1").fetchall())
    problem = None
    if after == 0:
        held = f"{documents} documents and no reading" if documents else "no document"
        problem = (f"this run would publish no readings at all: the warehouse holds {held} after reading "
                   f"{settings.raw_dir} (see the files above)" + (f", where {before} are published now" if before else ""))
    elif isinstance(before, int) and before > 0:
        dropped = 100.0 * (before - after) / before
        if dropped > settings.max_shrink_pct:
            problem = (f"this run would publish {after} readings where {before} are published now: {dropped:.0f}% "
                       f"fewer, more than the {settings.max_shrink_pct:g}% allowed (CCPERF_MAX_SHRINK_PCT)")
    if problem is None:
        return None
    if allow_shrink:
        return f"{problem}; published anyway (--allow-shrink)"
    per_document = ", ".join(f"{name}: {n}" for name, n in sorted(by_document.items())) or "none"
    raise PipelineError(f"{problem}; nothing was published (readings per document now: {per_document}). If this is "
                        "what you want, run again with --allow-shrink")


def publish(settings: Settings, run_id: str, inputs_fingerprint: str | None = None,
            with_report: bool = True) -> Publication:
    """Publish the marts, with the HTML report of what is published written into the new publication before it is
    swapped in; remember the inputs they were built from, so that a run with the same inputs can tell that it has
    nothing to do."""
    from ccperf.report import build_figures, read_published, render

    def report(folder: Path) -> Path:
        target = folder / REPORT_NAME
        data = read_published(folder / settings.serving_db.name)
        target.write_text(render(data, build_figures(data)), encoding="utf-8")
        return target

    with warehouse(settings) as con:
        publication = publish_marts(con, settings.marts_dir, run_id, relations=mart_relations(settings),
                                    serving_name=settings.serving_db.name, before_swap=report if with_report else None)
        if inputs_fingerprint:
            record_publication(con, run_id, inputs_fingerprint)
        return publication


def warehouse_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """What the warehouse holds, counted in the warehouse itself."""
    counts: dict[str, int] = {}
    for key, table in (("documents", "documents"), ("readings", "indicator_readings"), ("objectives", "objectives"),
                       ("facts", "document_facts"), ("components", "reading_components"),
                       ("quarantined", "quarantine")):
        try:
            counts[key] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        except duckdb.Error:
            counts[key] = 0
    return counts


def publication_in_place(settings: Settings) -> dict[str, object] | None:
    manifest = read_manifest(settings.marts_dir)
    if not manifest:
        return None
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    return {"run_id": manifest.get("run_id"), "readings": files.get("fact_indicator_reading.parquet")}


def record_run(settings: Settings, summary: RunSummary) -> None:
    """Keep the run's outcome in audit.runs, replacing its start record, with the rows the warehouse holds (best
    effort: a locked warehouse must not hide the real error; the start record then stays, and the next run treats
    this one as interrupted)."""
    summary.publication_in_place = publication_in_place(settings)
    try:
        with warehouse(settings, timeout_s=min(settings.lock_timeout_s, 5.0)) as con:
            ensure_schema(con)
            summary.warehouse_rows = warehouse_rows(con)
            runs.finish(con, summary, summary.warehouse_rows)
    except (PipelineError, duckdb.Error):
        summary.warehouse_rows = read_warehouse_rows(settings)


def read_warehouse_rows(settings: Settings) -> dict[str, int] | None:
    """The warehouse's row counts read-only, without waiting; None when it cannot be read (locked, absent)."""
    if not settings.warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        return warehouse_rows(con)
    finally:
        con.close()
