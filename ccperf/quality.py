"""Great Expectations suites (kept as JSON in expectations/) run against the warehouse: the gate before publication.

Each suite file holds GX expectation configurations plus, in its `meta`, the SQL `query` whose rows it checks.
Each expectation's `meta.severity` is "critical" (a failure blocks publication) or "warning" (reported only).
GX 1.x has no DuckDB engine, so the rows are validated as a pandas DataFrame. Every outcome is stored in
`audit.quality_results`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

CRITICAL, WARNING = "critical", "warning"


@dataclass(frozen=True)
class Suite:
    name: str
    query: str
    description: str
    expectations: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Outcome:
    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed: str | None
    unexpected_count: int | None
    details: str | None


@dataclass
class QualityReport:
    run_id: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def critical_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]

    @property
    def passed(self) -> bool:
        return not self.critical_failures

    def describe(self, outcome: Outcome) -> str:
        where = f" on {outcome.column}" if outcome.column else ""
        seen = f" (unexpected: {outcome.unexpected_count}; e.g. {outcome.details})" if outcome.unexpected_count else (
            f" (observed: {outcome.observed})" if outcome.observed else "")
        return f"[{outcome.severity}] {outcome.suite}: {outcome.expectation}{where}{seen}"


def load_suites(directory: Path) -> list[Suite]:
    suites = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        meta = data.get("meta", {})
        if "query" not in meta:
            raise ValueError(f"{path.name}: suite meta has no 'query'")
        for exp in data["expectations"]:
            severity = exp.get("meta", {}).get("severity")
            if severity not in (CRITICAL, WARNING):
                raise ValueError(f"{path.name}: {exp['type']} needs meta.severity critical or warning")
        suites.append(Suite(data["name"], meta["query"], meta.get("description", ""), tuple(data["expectations"])))
    return suites


def _short(value: Any, limit: int = 160) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(con: duckdb.DuckDBPyConnection, suites: list[Suite], run_id: str) -> QualityReport:
    """Run every suite against the rows of its query; a query that fails is itself a critical failure."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # slow import (~3 s): only where validation runs
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("ccperf")
    report = QualityReport(run_id)
    for suite in suites:
        try:
            frame = con.sql(suite.query).df()
        except duckdb.Error as exc:
            report.outcomes.append(Outcome(suite.name, "query runs", None, CRITICAL, False, None, None, str(exc)[:300]))
            continue
        gx_suite = gx.ExpectationSuite(name=suite.name)
        for exp in suite.expectations:
            config = ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp.get("meta", {}))
            gx_suite.add_expectation(config.to_domain_obj())
        gx_suite = context.suites.add(gx_suite)
        batch = source.add_dataframe_asset(name=suite.name).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite.name}-{run_id}", data=batch, suite=gx_suite))
        result = definition.run(batch_parameters={"dataframe": frame})
        for item in result.results:
            cfg = item.expectation_config
            kwargs = cfg.kwargs
            column = kwargs.get("column") or (",".join(kwargs["column_list"]) if "column_list" in kwargs else None)
            res = item.result or {}
            report.outcomes.append(Outcome(
                suite=suite.name,
                expectation=cfg.type,
                column=column,
                severity=(cfg.meta or {}).get("severity", CRITICAL),
                success=bool(item.success),
                observed=_short(res.get("observed_value")),
                unexpected_count=res.get("unexpected_count"),
                details=_short(res.get("partial_unexpected_list")) if not item.success else None,
            ))
    return report


def store(con: duckdb.DuckDBPyConnection, report: QualityReport) -> None:
    con.execute("create schema if not exists audit")
    con.execute("""
        create table if not exists audit.quality_results (
            run_id varchar, checked_at timestamp, suite varchar, expectation varchar, column_name varchar,
            severity varchar, success boolean, observed_value varchar, unexpected_count bigint, details varchar)
    """)
    rows = [(report.run_id, o.suite, o.expectation, o.column, o.severity, o.success, o.observed,
             o.unexpected_count, o.details) for o in report.outcomes]
    if rows:
        con.executemany(
            "insert into audit.quality_results values (?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
