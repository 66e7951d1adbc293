"""The `ccperf` command: run the pipeline, extract one file, show the state of the warehouse, set up BI."""

from __future__ import annotations

import functools
import json
import os
import signal
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import ccperf.help_format  # noqa: F401  (flags shown as flags in --help)
from ccperf.config import SettingError, Settings, quiet_third_parties, unknown_variables
from ccperf.extract.manifest import ManifestError
from ccperf.extract.profiles import ProfileError
from ccperf.summary import RunSummary

app = typer.Typer(help="ccperf: performance reports of Italian Chambers of Commerce as a star schema.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
# Wide enough for the summary table when output is piped or captured (CI logs).
console = Console(width=None if sys.stdout.isatty() else 150)
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data folder holding raw/ (default: ./data).")]
EXIT_FAILED, EXIT_BAD_SETTING = 1, 2
F = TypeVar("F", bound=Callable[..., Any])


def _error_log(data_dir: Path | None = None) -> Path:
    """Where the traceback of an unexpected error is kept (never printed)."""
    for folder in ([data_dir / ".ccperf"] if data_dir else []) + [Path(tempfile.gettempdir())]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder / "ccperf-error.log"
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / "ccperf-error.log"


def no_traceback(command: F) -> F:
    """No command ends in a traceback: a bad setting is exit code 2 with a message naming it; anything unexpected
    is one line in plain words (exit code 1) and its traceback goes to a log file, whose path is printed."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.ClickException):
            raise
        except (SettingError, ManifestError, ProfileError) as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(code=EXIT_BAD_SETTING) from exc
        except KeyboardInterrupt as exc:
            console.print("[red]stopped[/red]")
            raise typer.Exit(code=130) from exc
        except Exception as exc:
            log = _error_log(kwargs.get("data_dir"))
            try:
                with log.open("a", encoding="utf-8") as fh:
                    fh.write(f"--- ccperf {command.__name__} {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
                    fh.write(traceback.format_exc())
                where = f"; the details are in {log}"
            except OSError:
                where = ""
            console.print(f"[red]ccperf {command.__name__} failed: {escape(type(exc).__name__)}: "
                          f"{escape(str(exc))}{escape(where)}[/red]")
            raise typer.Exit(code=EXIT_FAILED) from exc

    return wrapper  # type: ignore[return-value]


def _release(exc: BaseException | None) -> None:
    """Drop what the frames of a failure hold (closed DuckDB connections among them): Prefect keeps the exception in
    the run's state, and objects still alive at exit make DuckDB's bindings print leak warnings."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def command_seconds() -> float:
    """Wall time since this process started."""
    import psutil

    return round(time.time() - psutil.Process().create_time(), 1)


def load_settings(data_dir: Path | None) -> Settings:
    """The settings, every CCPERF_* variable checked (SettingError: exit code 2); unknown ones are reported."""
    settings = Settings.load(data_dir)
    for line in unknown_variables():
        console.print(f"[yellow]{escape(line)}[/yellow]")
    return settings


@app.command()
@no_traceback
def run(data_dir: DataDir = None,
        force: Annotated[bool, typer.Option("--force", help="Extract every document and publish again, even "
                                                           "when nothing changed.")] = False,
        summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Also write the run summary "
                                                                                 "as JSON to this file.")] = None,
        allow_shrink: Annotated[bool, typer.Option("--allow-shrink", help="Publish even when the run would publish "
                                                   "no readings, or drop more than CCPERF_MAX_SHRINK_PCT of the "
                                                   "published ones.")] = False,
        verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print the log lines of the run (Prefect, "
                                              "dbt, the quality gate) as they come; they are always in "
                                              "<data-dir>/.ccperf/ccperf-run.log.")] = False,
        ) -> None:
    """Run the pipeline on the documents in <data-dir>/raw and publish the marts, doing only the work a change
    requires: unchanged documents are not extracted again; when nothing changed, nothing is rebuilt."""
    quiet_third_parties()
    settings = load_settings(data_dir)
    from ccperf import lifecycle, planning, stages
    from ccperf.summary import new_summary

    if not settings.raw_dir.is_dir():
        raise SettingError(f"no document folder: {settings.raw_dir} does not exist or is not a folder (the data "
                           "folder, --data-dir or CCPERF_DATA_DIR, must hold raw/ with the documents)")
    planning.read_checked_manifest(settings)  # a manifest that breaks its schema stops here: exit code 2
    summary = new_summary()
    started = time.perf_counter()
    restore = lifecycle.install_stop_handlers()
    code = 0
    try:
        quick = None if force else planning.quick_plan(settings)
        if quick and quick[0].nothing_changed:
            # nothing to do: answer without starting Prefect (its temporary API server alone takes ~10 s)
            run_plan, kept = quick
            summary.documents = sorted([*kept, *planning.skipped_outcomes(run_plan)], key=lambda d: d.document_file)
            summary.inputs_fingerprint = run_plan.inputs_fingerprint
            summary.status, summary.message = "unchanged", planning.nothing_changed_message(run_plan)
            summary.elapsed_s = summary.stage_seconds["plan"] = round(time.perf_counter() - started, 2)
            stages.record_run(settings, summary)
        else:
            lifecycle.guard_prefect_server()  # its temporary server ends with this process, even when killed
            from ccperf.run_log import route_logs
            from flows.pipeline import pipeline  # Prefect is slow to import: only when there is work to do

            summary.log_file = str(route_logs(settings.data_dir / ".ccperf", verbose))

            try:
                pipeline(data_dir=str(settings.data_dir), summary=summary, force=force, allow_shrink=allow_shrink)
            except Exception as exc:  # every failure ends in a readable summary, not a traceback
                if summary.status not in ("failed", "cancelled"):
                    summary.status, summary.message = "failed", str(exc)
                _release(exc)
    except BaseException as exc:  # SIGTERM, SIGINT (or Prefect's own SIGTERM bridge)
        signum = lifecycle.stop_signal(exc)
        if signum is None:
            raise
        _release(exc)
        if summary.status not in ("cancelled",):
            summary.status = "cancelled"
            summary.message = f"stopped by {signal.Signals(signum).name}: " + (summary.message or "nothing done")
            stages.record_run(settings, summary)
        code = 128 + signum
    finally:
        restore()
    if summary.warehouse_rows is None:
        summary.warehouse_rows = stages.read_warehouse_rows(settings)
    summary.elapsed_s = command_seconds()  # what the user waited, start-up and Prefect's server included
    print_summary(summary, settings)
    if summary_json:
        summary_json.write_text(summary.to_json() + "\n", encoding="utf-8")
    if code:
        raise typer.Exit(code=code)
    if summary.status not in ("succeeded", "unchanged"):
        raise typer.Exit(code=EXIT_FAILED)


@app.command()
@no_traceback
def serve(data_dir: DataDir = None,
          cron: Annotated[str | None, typer.Option("--cron", help="When to run, as a cron string (default: "
                                                   "$CCPERF_SCHEDULE, else '0 6 * * *', every day at 06:00).")] = None,
          timezone: Annotated[str | None, typer.Option("--timezone", help="Time zone of the schedule (default: "
                                                       "$CCPERF_TIMEZONE, else Europe/Rome).")] = None,
          port: Annotated[int, typer.Option("--port", help="Port of the local Prefect server, started when none "
                                                           "answers there (not used with PREFECT_API_URL).")] = 4200,
          run_now: Annotated[bool, typer.Option("--run-now", help="Also start one run right away.")] = False,
          ) -> None:
    """Run the pipeline on a schedule: a Prefect deployment served by this process until Ctrl+C, against the server
    named by PREFECT_API_URL or a local one on 127.0.0.1 (started, and stopped at the end, when none is running)."""
    quiet_third_parties()
    settings = load_settings(data_dir)
    from ccperf import serve as scheduling

    cron, timezone = cron or scheduling.schedule_from_env(), timezone or scheduling.timezone_from_env()
    try:
        scheduling.check_schedule(cron, timezone)
    except ValueError as exc:  # a bad cron string or time zone
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=EXIT_BAD_SETTING) from exc
    try:
        scheduling.serve(settings.data_dir, cron, timezone, port=port, run_now=run_now,
                         say=lambda line: print(line, flush=True))
    except scheduling.ServeError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=1) from exc


@app.command()
@no_traceback
def extract(file: Path, as_json: Annotated[bool, typer.Option("--json", help="Print every row as JSON.")] = False,
            text: Annotated[bool, typer.Option("--text", help="Print the text the rows' source_line numbers point "
                                                             "into (a PDF's converted text), with line numbers.")] = False
            ) -> None:
    """Extract one document and show what was found (nothing is written but the PDF conversion cache)."""
    from ccperf.extract.extractor import extract_file, file_kind
    from ccperf.model import flatten

    settings = load_settings(None)
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        console.print(f"[red]{escape(str(file))}: {escape(exc.strerror or str(exc))}[/red]")
        raise typer.Exit(code=EXIT_FAILED) from exc
    if not stat.S_ISREG(mode):
        console.print(f"[red]{escape(str(file))}: not a regular file but {file_kind(mode)}: not read[/red]")
        raise typer.Exit(code=EXIT_FAILED)
    result = extract_file(file, max_bytes=settings.max_document_bytes, cache_dir=settings.pdf_cache_dir)
    if result.error:
        console.print(f"[red]{escape(file.name)}: {escape(result.error)}[/red]")
        raise typer.Exit(code=1)
    if text:
        _print_text(file, result)
        return
    if as_json:
        for kind, rows in (("segment", result.segments), ("objective", result.objectives),
                           ("reading", result.readings), ("fact", result.facts), ("quarantined", result.quarantined)):
            for row in rows:
                sys.stdout.write(json.dumps({"kind": kind, **flatten(row)}, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=f"{file.name}")
    for col in ("lines", "chamber", "year", "kind", "layout", "status", "message"):
        table.add_column(col)
    for s in result.segments:
        table.add_row(f"{s.line_start}-{s.line_end}", s.chamber_name or "?", str(s.year or "?"), s.doc_kind or "?",
                      s.layout, s.parser_status, s.message or "")
    console.print(table)
    console.print(f"readings {len(result.readings)}, objectives {len(result.objectives)}, facts {len(result.facts)}, "
                  f"quarantined {len(result.quarantined)}")
    doc = result.document
    if doc is not None and doc.source_format == "pdf":
        ocr = [p.page_no for p in result.pages if p.method == "ocr"]
        unread = [p.page_no for p in result.pages if p.method == "unreadable"]
        console.print(f"PDF: {doc.n_pages} pages converted by {escape(doc.converter or '?')}; "
                      f"read by OCR: {ocr or 'none'}; not read: {unread or 'none'}")
    for note in result.notes:
        console.print(f"note: {escape(note)}")


def _print_text(file: Path, result) -> None:
    """`ccperf extract --text`: every line with its number (and its page, for a PDF), as rows point at them."""
    if result.source_lines:
        for line in result.source_lines:
            sys.stdout.write(f"{line.line_no:>6} p{line.page_no or '?':<4} {line.text.replace(chr(12), '')}\n")
        return
    from ccperf.extract.text import read_source

    for number, line in enumerate(read_source(file).lines, 1):
        sys.stdout.write(f"{number:>6} {line}\n")


@app.command()
@no_traceback
def review(data_dir: DataDir = None,
           as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON, for tools.")] = False,
           limit: Annotated[int, typer.Option("--limit", help="Show at most this many items.")] = 200) -> None:
    """List what needs a human look in the last publication, most important first: segments not read or partial,
    findings (unknown chamber, undecided year), files not loaded, quarantined blocks, generic readings under the
    confidence threshold and reconciliation mismatches, each with file:line and an excerpt."""
    import duckdb

    from ccperf.review import as_json as review_json
    from ccperf.review import review_items

    settings = load_settings(data_dir)
    if not settings.serving_db.exists():
        console.print(f"Nothing published yet at {settings.serving_db}: run `ccperf run` first.")
        raise typer.Exit(code=1)
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        items = review_items(con)
    if as_json:
        sys.stdout.write(review_json(items) + "\n")
        return
    if not items:
        console.print("Nothing needs review: every segment was parsed, nothing was quarantined or left for review.")
        return
    table = Table(title=f"Needs review: {len(items)} items (most important first)")
    for col in ("#", "kind", "where", "what", "excerpt"):
        table.add_column(col)
    for item in items[:limit]:
        table.add_row(str(item.priority), item.kind, escape(item.where), escape(item.what), escape(item.excerpt))
    console.print(table)
    if len(items) > limit:
        console.print(f"... and {len(items) - limit} more (--limit, or --json for all)")


@app.command()
@no_traceback
def status(data_dir: DataDir = None) -> None:
    """Show the last runs (and any that did not finish), the documents known (layout and rows), quarantined blocks,
    files not loaded, readings that disagree between documents, the last quality result and whether the publication
    is whole (every file checked against _publication.json). Never waits for a run: while one holds the warehouse,
    it shows the last publication. Exit code 1 when the publication is damaged (the next run repairs it)."""
    from ccperf.publish import check_publication
    from ccperf.status import read_status

    settings = load_settings(data_dir)
    check = check_publication(settings.marts_dir)
    if not settings.warehouse.exists():
        console.print(f"No warehouse yet at {escape(str(settings.warehouse))}: run `ccperf run` first.")
        raise typer.Exit(code=EXIT_FAILED)
    try:
        report = read_status(settings)
    except RuntimeError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=EXIT_FAILED) from exc
    console.print(f"[bold]ccperf status[/bold]: {escape(report.source)}")
    for line in report.notices:
        console.print(f"[yellow]{escape(line)}[/yellow]")
    for section in report.sections:
        if not section.rows:
            console.print(f"{section.title}: {section.note}")
            continue
        table = Table(title=section.title)
        for name in section.columns:
            table.add_column(name)
        for row in section.rows:
            table.add_row(*[escape("" if v is None else str(v)) for v in row])
        console.print(table)
    manifest = check.manifest
    if manifest:
        console.print(f"published by run {escape(str(manifest.get('run_id')))} at {manifest.get('published_at', '?')}: "
                      f"{len(manifest.get('files') or {})} Parquet files"
                      + (f" and {escape(str(settings.serving_db))}" if manifest.get("serving_db") else ""))
    colour = "green" if check.ok else "red" if check.state == "damaged" else "yellow"
    console.print(f"[{colour}]publication: {escape(check.describe())}[/{colour}]"
                  + (" — the next `ccperf run` publishes it again" if check.state == "damaged" else ""))
    if check.leftovers:
        console.print(f"[yellow]left by an interrupted publication (removed by the next run): "
                      f"{escape(', '.join(check.leftovers))}[/yellow]")
    for label, path in (("report", settings.marts_dir / "report.html"),
                        ("quality report", settings.quality_docs_dir / "index.html")):
        if path.exists():
            console.print(f"{label}: {escape(str(path))}")
    if check.state == "damaged":
        raise typer.Exit(code=EXIT_FAILED)


@app.command()
@no_traceback
def report(data_dir: DataDir = None) -> None:
    """Write the HTML report of the published marts (<data-dir>/marts/report.html) and print its path."""
    from ccperf.report import ReportError, write_report

    settings = load_settings(data_dir)
    try:
        path = write_report(settings)
    except (ReportError, OSError) as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=1) from exc
    print(path)


@app.command()
@no_traceback
def bi(data_dir: DataDir = None,
       port: Annotated[int | None, typer.Option("--port", help="Port of Superset on 127.0.0.1 (default: "
                                                "$CCPERF_BI_PORT, else 8088).")] = None,
       stop: Annotated[bool, typer.Option("--stop", help="Stop the Superset server `ccperf bi` started for this "
                                                        "data folder.")] = False,
       screenshot: Annotated[Path | None, typer.Option("--screenshot", help="Also open the dashboard in headless "
                                                       "Chromium and save a full-page PNG here.")] = None,
       export: Annotated[bool, typer.Option("--export", help="Write the dashboard as it is now in Superset (after "
                                            "edits in its UI) back into bi/dashboard/, to commit.")] = False,
       install_only: Annotated[bool, typer.Option("--install-only", help="Only build Superset's environment (or "
                                                  "find it cached) and print where it is.")] = False,
       ) -> None:
    """Apache Superset on the published marts with the shipped dashboard (bi/dashboard/): its own environment,
    its metadata under <data-dir>/.superset, an admin user from CCPERF_BI_ADMIN_USER and CCPERF_BI_ADMIN_PASSWORD
    (default admin/admin), the serving file registered read-only, the dashboard imported; prints the URL.
    Re-running is harmless; --stop stops the server."""
    from ccperf import bi as superset

    try:
        settings = superset.BiSettings.load(load_settings(data_dir), port)
    except ValueError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=2) from exc
    if install_only:
        try:
            seconds = superset.ensure_environment(settings.venv, say=lambda line: print(line, flush=True))
        except superset.BiError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(code=1) from exc
        print(f"Superset's environment: {settings.venv} ("
              + ("cached" if seconds is None else f"installed in {seconds:.0f} s") + ")")
        return
    if stop:
        pid = superset.stop_server(settings)
        print(f"stopped Superset (pid {pid}) of {settings.home}" if pid else
              f"no Superset started by ccperf bi is running for {settings.data_dir}")
        return
    if export:
        try:
            if superset.running_server(settings) is None:
                raise superset.BiError(f"no Superset started by ccperf bi runs for {settings.data_dir}: run "
                                       "`ccperf bi`, edit the dashboard, then export it")
            files = superset.export_dashboard(superset.login(settings), settings)
        except superset.BiError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(code=1) from exc
        print(f"wrote {len(files)} files to {superset.DASHBOARD_DIR}: review them with git diff (a run of "
              "`ccperf bi` imports them again)")
        return
    try:
        result = superset.setup(settings, say=lambda line: print(line, flush=True))
    except superset.BiError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=1) from exc
    for step in result.steps:
        print(f"  {step}")
    print(f"Superset is ready in {result.seconds:.1f} s: {result.dashboard_url}")
    print(f"  log in as {settings.user!r} with the password of CCPERF_BI_ADMIN_PASSWORD"
          + (" (not set: the default 'admin')" if "CCPERF_BI_ADMIN_PASSWORD" not in os.environ else ""))
    print(f"  stop it with `ccperf bi --stop{'' if data_dir is None else f' --data-dir {data_dir}'}`")
    if screenshot:
        try:
            view = superset.open_dashboard(result.dashboard_url, settings.user, settings.password, result.charts,
                                           screenshot)
        except superset.BiError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(code=1) from exc
        for error in view.errors:
            console.print(f"[yellow]{escape(error)}[/yellow]")
        print(f"screenshot of the dashboard ({len(view.chart_data)} charts drawn in {view.seconds:.1f} s): "
              f"{screenshot}")


@app.command()
@no_traceback
def sql(query: Annotated[str | None, typer.Argument(help="The SQL to run; none: read statements from the input, "
                                                         "each ended by ';'.")] = None,
        data_dir: DataDir = None,
        as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False) -> None:
    """Query the published marts (the read-only serving file data/marts/ccperf.duckdb, schemas marts and audit):
    a DuckDB SQL shell that needs nothing but the set-up command. It never blocks a run."""
    import duckdb

    settings = load_settings(data_dir)
    if not settings.serving_db.exists():
        console.print(f"Nothing published yet at {settings.serving_db}: run `ccperf run` first.")
        raise typer.Exit(code=1)
    statements = [query] if query else [s for s in sys.stdin.read().split(";") if s.strip()]
    with duckdb.connect(str(settings.serving_db), read_only=True) as con:
        for statement in statements:
            try:
                relation = con.sql(statement)
            except duckdb.Error as exc:
                console.print(f"[red]{escape(str(exc))}[/red]")
                raise typer.Exit(code=1) from exc
            if relation is None:
                continue
            if as_csv:
                relation.to_df().to_csv(sys.stdout, index=False)
            else:
                relation.show(max_rows=200, max_width=200)


@app.command()
@no_traceback
def score(data_dir: DataDir = None,
          gold: Annotated[Path | None, typer.Option("--gold", help="Folder of labelled rows (*.readings.jsonl); "
                                                    "default: the labelled sample in tests/fixtures/gold-sample.")] = None,
          details: Annotated[int, typer.Option("--details", help="Print up to N misses and field errors.")] = 0,
          ignore_lines: Annotated[bool, typer.Option("--ignore-lines", help="Match without line numbers (documents "
                                                     "read from PDF number their text lines their own way).")] = False
          ) -> None:
    """Score the warehouse's readings (marts.v_indicator_readings) against hand-labelled rows: recall, precision and
    the accuracy of each field on the matched rows. A labelled file is matched by the sha256 of the file of the same
    name in raw/ (or a file with the same bytes)."""
    import hashlib

    from ccperf.scoring import load_gold, rows_of_warehouse
    from ccperf.scoring import score as score_rows

    settings = load_settings(data_dir)
    gold_dir = gold or settings.project_root / "tests" / "fixtures" / "gold-sample"
    if not settings.warehouse.exists():
        console.print(f"No warehouse yet at {settings.warehouse}: run `ccperf run` first.")
        raise typer.Exit(code=1)
    labelled = load_gold(gold_dir)
    if not labelled:
        console.print(f"[red]no labelled rows (*.readings.jsonl) in {escape(str(gold_dir))}[/red]")
        raise typer.Exit(code=2)
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in sorted(settings.raw_dir.iterdir())
             if p.is_file()}
    missing = sorted({g["seed"] for g in labelled} - set(seeds.values()))
    if missing:
        console.print(f"[yellow]no file in {escape(str(settings.raw_dir))} for the labelled documents "
                      f"{', '.join(missing)}: their rows count as missed[/yellow]")
    result = score_rows(labelled, rows_of_warehouse(settings.warehouse, seeds), ignore_lines)
    print(result.report(details))


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 document', '2 documents'."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


# dbt's run_results statuses, as the summary says them
_DBT_WORDS = {"success": ("model or seed built", "models and seeds built"), "pass": ("test passed", "tests passed"),
              "warn": ("test warned", "tests warned"), "error": ("error", "errors"), "fail": ("test failed", "tests failed"),
              "skipped": ("node skipped", "nodes skipped"), "no-op": ("no-op (ephemeral or exposure)", "no-ops "
                                                                       "(ephemeral models, exposures)")}


def _print_build_and_quality(summary: RunSummary) -> None:
    if summary.dbt_counts:
        words = [f"{n} {_DBT_WORDS.get(k, (k, k))[n != 1]}" for k, n in summary.dbt_counts.items()]
        console.print(f"dbt build: {', '.join(words)}")
    if summary.quality_checked:
        console.print(f"quality: {count(summary.quality_checked, 'expectation')} checked, "
                      f"{count(len(summary.quality_failures), 'critical failure')}, "
                      f"{count(len(summary.quality_warnings), 'warning')}")
        for line in summary.quality_failures:
            console.print(f"  [red]{escape(line)}[/red]")
        for line in summary.quality_warnings:
            console.print(f"  [yellow]{escape(line)}[/yellow]")
        if summary.quality_warnings:
            console.print("  (a warning reports what the documents themselves print: a status that disagrees with "
                          "its achievement, a count or score the report states that its tables do not give; it does "
                          "not stop publication)")
    if summary.quality_docs:
        console.print(f"quality report (GX data docs): {escape(summary.quality_docs)}")


def print_summary(summary: RunSummary, settings: Settings) -> None:
    """The run in plain words. Everything printed from the data is escaped: '[critical]' is text, not markup."""
    ok = summary.status in ("succeeded", "unchanged")
    unchanged = summary.files_with_status("unchanged")
    rows = summary.warehouse_rows
    if summary.status == "unchanged":
        readings = rows["readings"] if rows is not None else summary.total("readings")
        for d in summary.documents:
            if d.status in ("rejected", "ignored"):
                console.print(f"  [yellow]{d.status} {escape(d.document_file)}: {escape(d.message)}[/yellow]")
        console.print(f"[green]unchanged[/green] in {summary.elapsed_s:.1f} s: {escape(summary.message)}; "
                      f"{count(len(unchanged), 'document')}, {count(readings, 'reading')} in the warehouse; the "
                      f"publication in {escape(str(settings.marts_dir))} stays as it is")
        return
    # one row per document this run worked on; unchanged documents are counted, not listed (there may be hundreds)
    table = Table(title=f"ccperf run {summary.run_id}")
    for col in ("file", "status", "chamber year kind / reason", "segments", "readings", "objectives", "facts",
                "quarantined"):
        table.add_column(col)
    for d in summary.documents:
        if d.status != "unchanged":
            table.add_row(escape(d.document_file), d.status, escape(d.message), str(len(d.segments)),
                          *(str(d.rows.get(k, "")) for k in ("readings", "objectives", "facts", "quarantined")))
    if table.row_count:
        console.print(table)
    for d in summary.documents:
        for seg in d.segments if d.status != "unchanged" else ():
            if seg.coverage is not None:
                console.print(f"  {escape(d.document_file)} lines {seg.line_start}-{seg.line_end} "
                              f"{escape(seg.chamber_name or '?')}: {seg.layout} {seg.parser_status}, coverage "
                              f"{seg.coverage:.0%} of {seg.table_lines} table lines")
    if unchanged:
        console.print(f"{count(len(unchanged), 'document')} unchanged since they were loaded (same sha256 and parser "
                      "version): not extracted again")
    for d in summary.documents:
        if d.status in ("rejected", "duplicate", "ignored"):
            colour = "red" if d.status == "rejected" else "yellow"
            console.print(f"  [{colour}]{d.status} {escape(d.document_file)}: {escape(d.message)}[/{colour}]")
    for notice in summary.notices:
        console.print(f"  [yellow]{escape(notice)}[/yellow]")
    for file_name, seg in summary.segments_needing_attention():
        console.print(f"  [yellow]{escape(file_name)} lines {seg.line_start}-{seg.line_end} ({seg.chamber_name or '?'}, "
                      f"layout {seg.layout}): {escape(seg.message or '')}[/yellow]")
    blocks = [(d.document_file, q) for d in summary.documents for q in d.quarantined]
    for file_name, block in blocks[:20]:
        console.print(f"  [yellow]quarantined {escape(file_name)} {escape(block)}[/yellow]")
    if len(blocks) > 20:
        console.print(f"  ... and {len(blocks) - 20} more quarantined blocks (table raw.quarantine)")
    for name in summary.removed_documents:
        console.print(f"  removed from the warehouse (no longer in raw/): {escape(name)}")
    if summary.extracted_bytes:
        console.print(f"extracted {summary.extracted_bytes / 1e6:.1f} MB in "
                      f"{count(summary.extract_workers, 'process', 'processes')}")
    if rows is None:  # never a count that is not true: the warehouse could not be read
        console.print("rows in the warehouse: unknown (the warehouse could not be read after the run)")
    else:
        console.print(f"rows in the warehouse: {count(rows['documents'], 'document')}, "
                      f"{count(rows['readings'], 'reading')}, {count(rows['objectives'], 'objective')}, "
                      f"{count(rows['facts'], 'fact')}, {count(rows['quarantined'], 'quarantined block')}")
    _print_build_and_quality(summary)
    if summary.published:
        console.print(f"published {len(summary.published)} Parquet files to {escape(str(settings.marts_dir))}"
                      + (f" and the read-only serving database {escape(summary.serving_db)}"
                         if summary.serving_db else ""))
    if summary.report:
        console.print(f"report: {escape(summary.report)}")
    elif not ok and not summary.published:
        place = summary.publication_in_place
        what = (f" (run {place['run_id']}, {place['readings']} readings)" if place else "")
        console.print(f"nothing was published: the previous publication{escape(what)} in "
                      f"{escape(str(settings.marts_dir))} stays in place" if place else
                      "nothing was published (there is no earlier publication)")
    if summary.stage_seconds:
        console.print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.stage_seconds.items()))
    if summary.log_file:
        console.print(f"log of the run (Prefect, dbt, quality gate): {escape(summary.log_file)}")
    colour = "green" if ok else "red"
    console.print(f"[{colour}]{summary.status}[/{colour}] in {summary.elapsed_s:.1f} s: {escape(summary.message)}")
    if summary.status == "cancelled":
        console.print("the run was recorded as cancelled in audit.runs; the next `ccperf run` finishes the job")
