"""What the report shows, read from the published serving file (data/marts/ccperf.duckdb): every number as
JSON-ready rows (ccperf.report draws and writes them)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import duckdb

from ccperf.review import review_items

LEVELS = ("area", "strategic", "operational", "other")  # objective levels, top down
Row = dict[str, Any]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _plain(value: Any) -> Any:
    """JSON-ready values: Decimal amounts as floats (cents survive: they stay far below 2**53), dates as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, name]).fetchone()[0] > 0


def load_publication(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Every number the report shows, read from the serving file."""
    run_id, published_at = con.execute("select run_id, published_at from marts._publication").fetchone()
    return {
        "run_id": run_id,
        "published_at": _plain(published_at),
        "documents": _rows(con, """
            select document_file, chamber_name, year, doc_kind, n_lines from marts.dim_document
            order by chamber_name, year, document_file"""),
        "entity_scores": entity_scores(con),
        "target_shares": target_shares(con),
        "missed_targets": missed_targets(con),
        "conformed": conformed_readings(con),
        "spending": mission_spending(con),
        "quality": quality(con),
        "quarantine": quarantine(con),
        "files_not_loaded": files_not_loaded(con),
        "disagreements": disagreements(con),
        "segments": _rows(con, """
            select document_file, line_start, line_end, chamber_name, layout, parser_status, coverage, table_lines
            from marts.dim_segment order by document_file, line_start""") if has_table(con, "marts", "dim_segment")
        else None,
        "review": [{**asdict(item), "where": item.where} for item in review_items(con)],
    }


def entity_scores(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return _rows(con, """
        select chamber_name, year, score_pct from marts.fact_performance_score
        where score_level = 'entity' and is_current order by chamber_name, year""")


def target_shares(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Current readings per chamber, year and objective level: met, missed, not comparable (no actual, no
    operator or other units) and the share met among the comparable ones."""
    rows = _rows(con, """
        select chamber_name, year, objective_level, count(*) as readings,
               count(*) filter (where is_target_met) as met,
               count(*) filter (where not is_target_met) as missed,
               count(*) filter (where is_target_met is null) as not_comparable
        from marts.fact_indicator_reading where is_current
        group by chamber_name, year, objective_level""")
    for row in rows:
        comparable = row["met"] + row["missed"]
        row["share_met_pct"] = 100.0 * row["met"] / comparable if comparable else None
    return sorted(rows, key=lambda r: (r["chamber_name"], r["year"], level_order(r["objective_level"])))


def level_order(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def missed_targets(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return _rows(con, """
        select chamber_name, year, objective_level, objective_code, indicator_code, indicator_name,
               national_indicator_code, target_operator, target_value, target_unit, target_raw,
               actual_value, actual_unit, actual_raw, document_file, source_line
        from marts.v_indicator_readings where is_current and is_target_met = false
        order by chamber_name, year, document_file, source_line""")


def conformed_readings(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Current readings with a measured value of the conformed indicators that at least two chambers measured."""
    return _rows(con, """
        with measured as (
            select r.*, i.national_code, i.indicator_name as conformed_name
            from marts.fact_indicator_reading as r
            inner join marts.dim_indicator as i on i.indicator_key = r.indicator_key
            where i.is_shared_across_chambers and r.is_current and r.actual_value is not null
        ),
        compared as (
            select indicator_key from measured group by indicator_key having count(distinct chamber_name) >= 2
        )
        select indicator_key, national_code, conformed_name as indicator_name, chamber_name, year,
               actual_value, actual_unit, actual_raw, target_operator, target_value, target_unit, target_raw,
               is_target_met, document_file, source_line
        from measured where indicator_key in (select indicator_key from compared)
        order by national_code nulls last, conformed_name, chamber_name, year, document_file, source_line""")


def mission_spending(con: duckdb.DuckDBPyConnection) -> list[Row]:
    """Amounts per chamber, year, kind and mission, per stating document. The mission row when the document
    states one, else the sum of its programme rows: never both (they would count the money twice)."""
    return _rows(con, """
        with stated as (
            select chamber_name, year, amount_kind, amount_level, mission_code, document_file, amount_eur
            from marts.fact_mission_spending
        ),
        with_mission_row as (
            select distinct chamber_name, year, amount_kind, mission_code, document_file
            from stated where amount_level = 'mission'
        )
        select s.chamber_name, s.year, s.amount_kind, s.mission_code, s.document_file,
               max(s.amount_level) as from_level, count(*) as n_rows, sum(s.amount_eur) as amount_eur
        from stated as s
        left join with_mission_row as m
            on m.chamber_name = s.chamber_name and m.year = s.year and m.amount_kind = s.amount_kind
            and m.mission_code = s.mission_code and m.document_file = s.document_file
        where s.amount_level = 'mission' or m.mission_code is null
        group by s.chamber_name, s.year, s.amount_kind, s.mission_code, s.document_file
        order by s.mission_code, s.chamber_name, s.year, s.amount_kind, s.document_file""")


def quality(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The quality results of the publishing run; None when the publication carries none (older publication)."""
    if not has_table(con, "audit", "quality_results"):
        return None
    by_suite = _rows(con, """
        select suite, count(*) as expectations, count(*) filter (where success) as met,
               count(*) filter (where not success and severity = 'warning') as warnings,
               count(*) filter (where not success and severity = 'critical') as critical
        from audit.quality_results group by suite order by suite""")
    failures = _rows(con, """
        select suite, expectation, column_name, severity, unexpected_count, description, unexpected_rows
        from audit.quality_results where not success
        order by severity, suite, expectation, column_name""")
    for row in failures:
        row["examples"] = _examples(row.pop("unexpected_rows"))
    totals = {key: sum(s[key] for s in by_suite) for key in ("expectations", "met", "warnings", "critical")}
    checked_at = con.execute("select max(checked_at) from audit.quality_results").fetchone()[0]
    return {"checked_at": _plain(checked_at), **totals, "by_suite": by_suite, "failures": failures}


def _examples(unexpected_rows: str | None, limit: int = 5) -> list[str]:
    """'file:line' of the first failing rows, as the quality gate kept them."""
    try:
        rows = json.loads(unexpected_rows) if unexpected_rows else []
    except ValueError:
        return []
    return [f"{r['document_file']}:{r['source_line']}" if "document_file" in r and "source_line" in r
            else ", ".join(f"{k}={v}" for k, v in r.items()) for r in rows[:limit] if isinstance(r, dict)]


def quarantine(con: duckdb.DuckDBPyConnection) -> list[Row] | None:
    if not has_table(con, "audit", "quarantine"):
        return None
    return _rows(con, """
        select q.document_file, d.chamber_name, d.year, q.source_line, q.line_end, q.layout, q.reason,
               left(q.text, 160) as text_start
        from audit.quarantine as q left join marts.dim_document as d on d.document_key = q.document_sha256
        order by q.document_file, q.source_line, q.layout""")


def files_not_loaded(con: duckdb.DuckDBPyConnection) -> list[Row] | None:
    if not has_table(con, "audit", "document_files"):
        return None
    return _rows(con, """
        select document_file, status, message from audit.document_files where status <> 'extracted'
        order by document_file""")


def disagreements(con: duckdb.DuckDBPyConnection) -> list[Row] | None:
    """Readings two documents of one chamber and year print differently: the one kept (current), the other, and
    the rule that decided (None for a publication made before the mart existed)."""
    if not has_table(con, "marts", "fact_reading_disagreement"):
        return None
    return _rows(con, """
        select chamber_name, year, indicator_name, disagreement, differences, kept_document_file,
               kept_source_line, other_document_file, other_source_line, decided_by, is_undecided
        from marts.fact_reading_disagreement
        order by is_undecided desc, chamber_name, year, other_document_file, other_source_line""")
