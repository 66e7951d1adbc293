"""Planning a run, for the CLI and the flow alike: the documents in raw/, the manifest, what changed since the
last run (ccperf.incremental) and the outcome of every document kept unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import duckdb

from ccperf.config import Settings
from ccperf.errors import PipelineError
from ccperf.extract.manifest import MANIFEST_NAME, Override, load_manifest
from ccperf.extract.profiles import USER_PROFILE_SUFFIX
from ccperf.incremental import FilePlan, RunPlan, make_plan, override_key
from ccperf.model import Segment
from ccperf.summary import DocumentOutcome
from ccperf.warehouse import connect, ensure_schema, warehouse

_NOT_DOCUMENTS = {MANIFEST_NAME, "README", "README.md", "README.txt"}


def discover(settings: Settings) -> list[Path]:
    """Every regular file in data/raw except hidden files, the manifest and user profiles, in name order."""
    if not settings.raw_dir.is_dir():
        raise PipelineError(f"no document folder: {settings.raw_dir} does not exist")
    return sorted(p for p in settings.raw_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name not in _NOT_DOCUMENTS
                  and not p.name.endswith(USER_PROFILE_SUFFIX))


def manifest(settings: Settings) -> dict[str, Override]:
    try:
        return load_manifest(settings.raw_dir)
    except ValueError as exc:
        raise PipelineError(f"manifest: {exc}") from exc


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
