"""What `ccperf status` shows: the last runs, the documents known (layout and rows), quarantined blocks, files not
loaded and the last quality result.

It reads the warehouse read-only. While a run holds the warehouse, it reads the published serving file instead
(the marts and the publishing run's audit tables), and says so: status never waits for a run or blocks one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ccperf.config import Settings


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[tuple]
    note: str | None = None  # shown when there are no rows


@dataclass
class StatusReport:
    source: str  # what was read, in plain words
    sections: list[Section] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # runs in progress, runs that did not finish


# Each section: (title, query on the warehouse, query on the serving file or None, note when empty)
_RUNS = ("select run_id, status, started_at::timestamp(0) as started, elapsed_s, n_files as files, "
         "coalesce(n_extracted, n_documents) as extracted, n_readings as readings, n_quarantined as quarantined, "
         "left(message, 60) as message from audit.runs order by started_at desc limit 10")
_DOCUMENTS_RAW = """
    with counts as (
        select document_sha256, 'readings' as kind from raw.indicator_readings
        union all select document_sha256, 'objectives' from raw.objectives
        union all select document_sha256, 'facts' from raw.document_facts
        union all select document_sha256, 'quarantined' from raw.quarantine)
    select d.document_file as file, d.chamber_name as chamber, d.year, d.doc_kind as kind,
           (select string_agg(distinct s.layout, ', ' order by s.layout) from raw.segments s
            where s.document_sha256 = d.document_sha256 and s.layout <> 'none') as layouts,
           count(*) filter (where c.kind = 'readings') as readings,
           count(*) filter (where c.kind = 'objectives') as objectives,
           count(*) filter (where c.kind = 'facts') as facts,
           count(*) filter (where c.kind = 'quarantined') as quarantined,
           d.extracted_at::timestamp(0) as extracted_at
    from raw.documents d left join counts c using (document_sha256)
    group by all order by d.document_file"""
_DOCUMENTS_SERVING = """
    select d.document_file as file, d.chamber_name as chamber, d.year, d.doc_kind as kind, d.layouts,
           (select count(*) from marts.fact_indicator_reading r where r.document_file = d.document_file) as readings,
           (select count(*) from audit.quarantine q where q.document_file = d.document_file) as quarantined,
           d.extracted_at
    from marts.dim_document d order by d.document_file"""
_SEGMENTS = """
    select document_file as file, line_start || '-' || line_end as lines, chamber_name as chamber, layout,
           parser_status as status, case when coverage is null then '-' else round(100 * coverage) || '%' end
           as coverage, table_lines, left(coalesce(findings, ''), 80) as findings
    from {source} order by document_file, line_start"""
_REVIEW = """
    select
        (select count(*) from {segments} where parser_status not in ('parsed', 'no_tables')) as segments_not_parsed,
        (select count(*) from {segments} where findings is not null) as segments_with_findings,
        (select count(*) from {quarantine}) as quarantined_blocks,
        (select count(*) from {readings}) as readings_for_review"""
_QUARANTINE = ("select document_file as file, source_line || '-' || line_end as lines, layout, left(reason, 110) "
               "as reason from {schema}.quarantine order by document_file, source_line")
_NOT_LOADED = ("select document_file as file, status, left(message, 110) as message from {schema}.document_files "
               "where status not in ('extracted', 'unchanged') order by document_file")
_DISAGREEMENTS = ("select chamber_name as chamber, year, left(indicator_name, 50) as indicator, kept_document_file || ':' "
                  "|| coalesce(cast(kept_source_line as varchar), '-') as kept, other_document_file || ':' || "
                  "other_source_line as other, left(differences, 60) as differences, left(decided_by, 60) as decided_by "
                  "from marts.fact_reading_disagreement order by chamber_name, year, other_document_file, "
                  "other_source_line")
_QUALITY = """
    select run_id, count(*) as expectations, count(*) filter (where success) as met,
           count(*) filter (where not success and severity = 'critical') as critical_failures,
           count(*) filter (where not success and severity = 'warning') as warnings, max(checked_at)::timestamp(0)
           as checked_at
    from audit.quality_results where run_id = (select max(run_id) from audit.quality_results) group by run_id"""
_QUALITY_FAILURES = """
    select severity, suite, expectation, column_name, unexpected_count from audit.quality_results
    where run_id = (select max(run_id) from audit.quality_results) and not success order by 1, 2, 3"""


def _section(con: duckdb.DuckDBPyConnection, title: str, sql: str, note: str | None = None) -> Section | None:
    try:
        cursor = con.execute(sql)
        rows = cursor.fetchall()
        columns = [d[0] for d in cursor.description]
    except duckdb.Error:  # a table an older or newer warehouse does not have
        return None
    return Section(title, columns, rows, note)


def _sections(con: duckdb.DuckDBPyConnection, serving: bool) -> list[Section]:
    schema = "audit" if serving else "raw"
    wanted = [
        ("Last runs", None if serving else _RUNS, "no run recorded yet"),
        ("Documents known", _DOCUMENTS_SERVING if serving else _DOCUMENTS_RAW, "no document loaded"),
        ("Segments: how each part was read (coverage: share of its table lines its rows account for)",
         _SEGMENTS.format(source="marts.dim_segment" if serving else "raw.segments"), "no segment"),
        ("Needs review (details: ccperf review)", _REVIEW.format(
            segments="marts.dim_segment" if serving else "raw.segments", quarantine=f"{schema}.quarantine",
            readings="marts.review_readings" if serving else
            "raw.indicator_readings where extraction_method = 'generic' and confidence < 0.6"), None),
        ("Quarantined blocks (kept in raw.quarantine, never dropped)", _QUARANTINE.format(schema=schema),
         "nothing quarantined"),
        ("Files of the last run that were not loaded", _NOT_LOADED.format(schema=schema), "every file was loaded"),
        ("Readings two documents of the same chamber and year print differently (the kept one is current)",
         _DISAGREEMENTS, "no document disagrees with another"),
        ("Last quality result", _QUALITY, "the quality gate has not run yet"),
        ("Expectations not met in that result", _QUALITY_FAILURES, "every expectation met"),
    ]
    return [s for title, sql, note in wanted if sql and (s := _section(con, title, sql, note))]


def read_status(settings: Settings) -> StatusReport:
    """The state of the warehouse, or of the last publication while a run holds the warehouse."""
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error as exc:
        if not settings.serving_db.exists():
            raise RuntimeError(f"cannot read {settings.warehouse} ({exc}) and nothing is published yet") from exc
        con = duckdb.connect(str(settings.serving_db), read_only=True)
        try:
            return StatusReport(f"a run is in progress (the warehouse is busy): showing the last publication, "
                                f"{settings.serving_db}", _sections(con, serving=True))
        finally:
            con.close()
    try:
        return StatusReport(f"warehouse {settings.warehouse}", _sections(con, serving=False), _run_notices(con))
    finally:
        con.close()


def _run_notices(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs with a start record and no end record: in progress (their process runs) or interrupted."""
    from ccperf import runs

    notices = []
    for record in runs.open_runs(con):
        if runs.is_alive(record):
            notices.append(f"in progress: {record.describe()}")
        else:
            notices.append(f"did not finish: {record.describe()} has no end record (killed or crashed); the next "
                           "`ccperf run` reconciles the warehouse with raw/ and publishes again")
    return notices
