"""Great Expectations suites (kept as JSON in expectations/) run against the warehouse: the gate before publication.

Each suite file holds GX expectation configurations plus, in its `meta`, the SQL `query` whose rows it checks and
optionally `row_id`, the columns that name a failing row (default: `document_file` and `source_line` when the
query returns them), so a failure says which document and line are at fault. Each expectation's `meta.severity` is
"critical" (a failure blocks publication) or "warning" (reported only); `meta.description` says in plain words what
it checks. GX 1.x has no DuckDB engine, so the rows are validated as a pandas DataFrame. Every outcome is stored in
`audit.quality_results`, and the GX data docs (HTML) of the run are built under `data/quality/docs/`.

A suite whose query fails, whose expectation GX does not know, or whose validation raises is itself a critical
failure: the gate never passes because it could not look.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ccperf.warehouse import ensure_audit

CRITICAL, WARNING = "critical", "warning"
DEFAULT_ROW_ID = ("document_file", "source_line")
MAX_ROWS_KEPT = 20  # failing rows kept per expectation (audit.quality_results.unexpected_rows)


class QualitySetupError(RuntimeError):
    """Great Expectations itself could not start (import, context): nothing could be validated."""


@dataclass(frozen=True)
class Suite:
    name: str
    query: str
    description: str
    expectations: tuple[dict[str, Any], ...]
    row_id: tuple[str, ...] = DEFAULT_ROW_ID


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
    description: str | None = None
    rows: tuple[dict[str, Any], ...] = ()  # the failing rows, by their row_id columns (at most MAX_ROWS_KEPT)


@dataclass
class QualityReport:
    run_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    docs_index: Path | None = None  # index.html of the data docs, when built

    @property
    def critical_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]

    @property
    def passed(self) -> bool:
        return not self.critical_failures

    def describe(self, outcome: Outcome, max_rows: int = 4) -> str:
        where = f" on {outcome.column}" if outcome.column else ""
        what = f" ({outcome.description})" if outcome.description else ""
        if outcome.rows:
            shown = "; ".join(_row_label(r) for r in outcome.rows[:max_rows])
            more = (outcome.unexpected_count or len(outcome.rows)) - min(max_rows, len(outcome.rows))
            seen = f": {outcome.unexpected_count or len(outcome.rows)} rows: {shown}" + (f"; and {more} more"
                                                                                          if more > 0 else "")
        elif outcome.unexpected_count:
            seen = f": {outcome.unexpected_count} unexpected, e.g. {outcome.details}"
        elif outcome.details:
            seen = f": {outcome.details}"
        else:
            seen = f" (observed: {outcome.observed})" if outcome.observed else ""
        return f"[{outcome.severity}] {outcome.suite}: {outcome.expectation}{where}{what}{seen}"


def _row_label(row: dict[str, Any]) -> str:
    """'file.txt:123 fact_name=x stated_value=1' for a failing row."""
    rest = {k: v for k, v in row.items() if k not in DEFAULT_ROW_ID}
    place = ""
    if row.get("document_file") is not None:
        place = str(row["document_file"]) + (f":{row['source_line']}" if row.get("source_line") is not None else "")
    text = " ".join(f"{k}={_plain(v)}" for k, v in rest.items())
    return (place + " " + text).strip() or "?"


def _plain(value: Any, limit: int = 60) -> str:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_suites(directory: Path) -> list[Suite]:
    suites = []
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise ValueError(f"no suite in {directory}")
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}: not valid JSON: {exc}") from exc
        meta = data.get("meta", {})
        if "query" not in meta:
            raise ValueError(f"{path.name}: suite meta has no 'query'")
        for exp in data.get("expectations", []):
            severity = exp.get("meta", {}).get("severity")
            if severity not in (CRITICAL, WARNING):
                raise ValueError(f"{path.name}: {exp.get('type')} needs meta.severity critical or warning")
        row_id = tuple(meta.get("row_id", DEFAULT_ROW_ID))
        suites.append(Suite(data["name"], meta["query"], meta.get("description", ""),
                            tuple(data.get("expectations", [])), row_id))
    return suites


def count_expectations(suites: list[Suite]) -> dict[str, int]:
    return {s.name: len(s.expectations) for s in suites}


def _short(value: Any, limit: int = 160) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exception_message(info: Any) -> str | None:
    """GX reports an expectation that raised either flat or keyed by metric; find the message in both shapes."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "raised an exception")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "raised an exception")
    return None


def _json_safe(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


_prefetch: threading.Thread | None = None


def _import_gx() -> None:
    with contextlib.suppress(Exception):  # an import error is reported when validation imports GX for real
        import great_expectations  # noqa: F401


def prefetch_gx() -> None:
    """Start importing Great Expectations (seconds of CPU) in a background thread, e.g. while dbt runs in its
    subprocess, so the quality gate does not wait for it. Still lazy: only runs that reach dbt import GX."""
    global _prefetch
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if _prefetch is None and "great_expectations" not in sys.modules:
        _prefetch = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
        _prefetch.start()


def _start_gx(docs_staging: Path | None):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if _prefetch is not None:
        _prefetch.join()
    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # no INFO chatter in the run's output
    try:
        import great_expectations as gx  # slow import (~3-6 s): only where validation runs
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        if docs_staging is not None:
            context.add_data_docs_site(site_name="ccperf", site_config={
                "class_name": "SiteBuilder", "show_how_to_buttons": False,
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(docs_staging)}})
        return gx, context, context.data_sources.add_pandas("ccperf")
    except Exception as exc:  # an import or configuration failure of GX itself
        raise QualitySetupError(f"Great Expectations could not start: {exc!r}") from exc


def _validate_suite(gx: Any, context: Any, source: Any, suite: Suite, frame: Any, run_id: str) -> list[Outcome]:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    gx_suite = gx.ExpectationSuite(name=suite.name)
    for exp in suite.expectations:
        config = ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp.get("meta", {}))
        gx_suite.add_expectation(config.to_domain_obj())
    gx_suite = context.suites.add(gx_suite)
    batch = source.add_dataframe_asset(name=suite.name).add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite.name}-{run_id}", data=batch, suite=gx_suite))
    row_id = [c for c in suite.row_id if c in frame.columns]
    result_format: dict[str, Any] = {"result_format": "COMPLETE", "partial_unexpected_count": 5}
    if row_id:
        result_format["unexpected_index_column_names"] = row_id
    result = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    outcomes = []
    for item in result.results:
        cfg = item.expectation_config
        kwargs = cfg.kwargs
        meta = cfg.meta or {}
        column = kwargs.get("column") or (",".join(kwargs["column_list"]) if "column_list" in kwargs else None)
        if column is None and "column_A" in kwargs:
            column = f"{kwargs['column_A']},{kwargs['column_B']}"
        res = item.result or {}
        raised = _exception_message(item.exception_info)
        rows: tuple[dict[str, Any], ...] = ()
        if not item.success and isinstance(res.get("unexpected_index_list"), list):
            # the checked value helps (a weight of 250), a checked flag (matches=False) does not
            value_col = [column] if (column in frame.columns and column not in row_id
                                     and str(frame[column].dtype) not in ("bool", "boolean")) else []
            keep = [*row_id, *value_col]
            rows = tuple({k: _json_safe(r.get(k)) for k in keep if k in r}
                         for r in res["unexpected_index_list"][:MAX_ROWS_KEPT] if isinstance(r, dict))
        outcomes.append(Outcome(
            suite=suite.name,
            expectation=cfg.type,
            column=column,
            severity=meta.get("severity", CRITICAL),
            success=bool(item.success) and not raised,
            observed=_short(res.get("observed_value")),
            unexpected_count=res.get("unexpected_count"),
            details=(f"the expectation raised: {raised}" if raised else
                     _short(res.get("partial_unexpected_list")) if not item.success else None),
            description=meta.get("description"),
            rows=rows,
        ))
    return outcomes


def validate(con: duckdb.DuckDBPyConnection, suites: list[Suite], run_id: str,
             docs_dir: Path | None = None) -> QualityReport:
    """Run every suite against the rows of its query; build the data docs into `docs_dir` when given.

    Raises QualitySetupError when GX cannot start; any other problem with one suite is a critical outcome.
    """
    staging = docs_dir.parent / f".docs-{run_id}" if docs_dir is not None else None
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    gx, context, source = _start_gx(staging)
    report = QualityReport(run_id)
    for suite in suites:
        try:
            frame = con.sql(suite.query).df()
        except duckdb.Error as exc:
            report.outcomes.append(Outcome(suite.name, "query runs", None, CRITICAL, False, None, None,
                                           str(exc)[:300], suite.description))
            continue
        try:
            report.outcomes += _validate_suite(gx, context, source, suite, frame, run_id)
        except Exception as exc:  # an unknown expectation, bad kwargs, a GX bug: the suite could not run
            report.outcomes.append(Outcome(suite.name, "suite runs", None, CRITICAL, False, None, None,
                                           f"{type(exc).__name__}: {exc}"[:300], suite.description))
    if staging is not None and docs_dir is not None:
        try:
            context.build_data_docs(site_names=["ccperf"])
            _swap_dir(staging, docs_dir)
            report.docs_index = docs_dir / "index.html"
        except Exception as exc:  # the HTML report is a convenience: its failure is reported, not blocking
            report.outcomes.append(Outcome("data_docs", "data docs are built", None, WARNING, False, None, None,
                                           f"{type(exc).__name__}: {exc}"[:300]))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return report


def _swap_dir(new: Path, target: Path) -> None:
    """Replace the folder `target` by `new` (two renames; a reader sees the old or the new report)."""
    old = target.parent / f".{target.name}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def store(con: duckdb.DuckDBPyConnection, report: QualityReport) -> None:
    ensure_audit(con)
    rows = [(report.run_id, o.suite, o.expectation, o.column, o.severity, o.success, o.observed,
             o.unexpected_count, o.details, json.dumps(list(o.rows), ensure_ascii=False) if o.rows else None,
             o.description) for o in report.outcomes]
    if rows:
        con.executemany("""
            insert into audit.quality_results (run_id, checked_at, suite, expectation, column_name, severity, success,
                observed_value, unexpected_count, details, unexpected_rows, description)
            values (?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
