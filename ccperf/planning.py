"""Planning a run, for the CLI and the flow alike: the documents in raw/, the manifest, what changed since the
last run (ccperf.incremental) and the outcome of every document kept unchanged."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import duckdb

from ccperf import runs
from ccperf.config import Settings
from ccperf.errors import PipelineError
from ccperf.extract.extractor import file_kind
from ccperf.extract.manifest import MANIFEST_NAME, Manifest, ManifestError, Override, read_manifest
from ccperf.extract.profiles import USER_PROFILE_SUFFIX
from ccperf.incremental import FilePlan, RunPlan, make_plan, override_key
from ccperf.model import Segment
from ccperf.summary import DocumentOutcome, RunSummary
from ccperf.warehouse import connect, ensure_schema, warehouse

_NOT_DOCUMENTS = {MANIFEST_NAME, "README", "README.md", "README.txt"}
SUBFOLDER_LIMIT = 1000  # entries listed from the subfolders of raw/ (each gets a line; beyond this, one line says so)


@dataclass
class Survey:
    """The entries of raw/: the files to read, and every other entry with the reason it is not read."""

    documents: list[Path]
    skipped: list[FilePlan]


def _skip(raw_dir: Path, path: Path, action: str, reason: str, size: int | None = None) -> FilePlan:
    return FilePlan(path, size, None, None, action, file_name=path.relative_to(raw_dir).as_posix(), reason=reason)


def _subfolder(raw_dir: Path, folder: Path, out: list[FilePlan]) -> None:
    """One line per entry below a subfolder of raw/: only the files directly in raw/ are documents."""
    top = folder.relative_to(raw_dir).as_posix()
    why = (f"in the subfolder {top}/: not read (ccperf reads only the files directly in raw/; move it there to "
           "load it)")
    seen = 0
    for parent, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        entries = sorted(names)
        if not entries and not dirs and Path(parent) == folder:
            out.append(_skip(raw_dir, folder, "ignore", f"empty subfolder {top}/: nothing to read"))
        for name in entries:
            seen += 1
            if seen > SUBFOLDER_LIMIT:
                out.append(_skip(raw_dir, folder, "ignore", f"more than {SUBFOLDER_LIMIT} entries in {top}/: the "
                                 "others are not listed either; none is read"))
                return
            path = Path(parent) / name
            try:
                size = path.lstat().st_size if path.is_file() and not path.is_symlink() else None
            except OSError:
                size = None
            out.append(_skip(raw_dir, path, "ignore", why, size))


def survey(settings: Settings) -> Survey:
    """Every entry of raw/ (in name order): regular files to read; hidden files, subfolders, FIFOs, devices,
    sockets and symbolic links that dangle or leave raw/ with the reason they are not read. A symbolic link to a
    regular file inside raw/ is read (it is then a duplicate of its target)."""
    raw_dir = settings.raw_dir
    if not raw_dir.is_dir():
        raise PipelineError(f"no document folder: {raw_dir} does not exist or is not a folder")
    try:
        root = raw_dir.resolve(strict=True)
        entries = sorted(os.scandir(raw_dir), key=lambda e: e.name)
    except OSError as exc:
        raise PipelineError(f"cannot list the document folder {raw_dir}: {exc.strerror or exc}") from exc
    documents: list[Path] = []
    skipped: list[FilePlan] = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name in _NOT_DOCUMENTS or entry.name.endswith(USER_PROFILE_SUFFIX):
            continue  # the manifest and layout profiles are read as configuration, not documents
        try:
            mode = path.lstat().st_mode
        except OSError as exc:  # gone since it was listed
            skipped.append(_skip(raw_dir, path, "reject", f"cannot read file: {exc.strerror or exc}"))
            continue
        if entry.name.startswith("."):
            skipped.append(_skip(raw_dir, path, "ignore", "hidden (its name starts with a dot): not a document, "
                                 "not read"))
            continue
        if stat.S_ISLNK(mode):
            target = os.readlink(path)
            try:
                resolved = path.resolve(strict=True)
            except FileNotFoundError:
                skipped.append(_skip(raw_dir, path, "reject", f"dangling symbolic link: it points to {target}, "
                                     "which does not exist"))
                continue
            except (OSError, RuntimeError):
                skipped.append(_skip(raw_dir, path, "reject", f"symbolic link loop ({target}): not read"))
                continue
            if not resolved.is_relative_to(root):
                skipped.append(_skip(raw_dir, path, "reject", f"symbolic link to {resolved}, outside raw/: refused "
                                     "(copy the file into raw/ to load it)"))
                continue
            mode = resolved.stat().st_mode
            if stat.S_ISDIR(mode):
                skipped.append(_skip(raw_dir, path, "ignore", f"symbolic link to the folder {target}: folders are "
                                     "not read (only the files directly in raw/ are)"))
                continue
        if stat.S_ISREG(mode):
            documents.append(path)
        elif stat.S_ISDIR(mode):
            _subfolder(raw_dir, path, skipped)
        else:
            skipped.append(_skip(raw_dir, path, "reject", f"not a regular file but {file_kind(mode)}: not read"))
    return Survey(documents, skipped)


def discover(settings: Settings) -> list[Path]:
    """The regular files of raw/ that are read as documents (see survey), in name order."""
    return survey(settings).documents


def read_checked_manifest(settings: Settings) -> Manifest:
    """The manifest checked against its schema (ManifestError, a ValueError, when it breaks it)."""
    return read_manifest(settings.raw_dir)


def manifest(settings: Settings) -> dict[str, Override]:
    try:
        return read_manifest(settings.raw_dir).entries
    except ManifestError as exc:
        raise PipelineError(f"manifest: {exc}") from exc


def manifest_flags(settings: Settings, run_plan: RunPlan, checked: Manifest) -> list[str]:
    """What the manifest says that was not applied: unknown chambers, entries or supersedes naming no file."""
    flags = list(checked.flags)
    names = {item.name for item in run_plan.files}
    shas = {item.sha256 for item in run_plan.files if item.sha256}
    for key, override in checked.entries.items():
        if key not in names and key not in shas:
            flags.append(f"{MANIFEST_NAME}: entry {key!r} names no file in raw/ (no file by that name or sha256): "
                         "not applied")
        for other in override.supersedes:
            if other not in names and other not in shas:
                flags.append(f"{MANIFEST_NAME}: entry {key!r} supersedes {other!r}, which is not in raw/")
    return flags


def plan(settings: Settings, overrides: dict[str, Override], force: bool = False,
         summary: RunSummary | None = None) -> tuple[RunPlan, list[DocumentOutcome]]:
    """What this run must do (see ccperf.incremental), and the outcome of every document kept unchanged.

    With `summary`, the run's start record is written (after marking the runs that did not finish as interrupted):
    from here on a kill leaves a record without an end, which the next run detects. Another run in progress (its
    process alive) stops this one: two runs must not interleave their stages.
    """
    found = survey(settings)
    with warehouse(settings) as con:
        ensure_schema(con)
        busy = [r for r in runs.runs_in_progress(con) if summary is None or r.run_id != summary.run_id]
        if busy and summary is not None:
            raise PipelineError(f"another ccperf run is in progress: {busy[0].describe()}; wait for it to finish "
                                "(nothing was done)")
        interrupted = runs.start(con, summary) if summary is not None else runs.interrupted_runs(con)
        run_plan = make_plan(settings, con, found.documents, overrides, force, found.skipped,
                             [r.describe() for r in interrupted])
        return run_plan, unchanged_outcomes(con, run_plan.unchanged)


def quick_plan(settings: Settings) -> tuple[RunPlan, list[DocumentOutcome]] | None:
    """The plan, read without waiting and without writing: None when there is no warehouse yet, another process
    holds it, or the manifest is wrong (the run then goes the normal way, which waits or explains)."""
    if not settings.warehouse.exists() or not settings.raw_dir.is_dir():
        return None
    try:
        overrides = read_manifest(settings.raw_dir).entries
        found = survey(settings)
        con = connect(settings.warehouse, read_only=True)
    except (ValueError, PipelineError, duckdb.Error):
        return None
    try:
        if runs.open_runs(con):  # a run in progress, or one that did not finish: the normal way deals with it
            return None
        run_plan = make_plan(settings, con, found.documents, overrides, skipped=found.skipped)
        return run_plan, unchanged_outcomes(con, run_plan.unchanged)
    except duckdb.Error:
        return None
    finally:
        con.close()


def skipped_outcomes(run_plan: RunPlan) -> list[DocumentOutcome]:
    """A line for every file of raw/ that is not read: rejected (it cannot be) or ignored (not a document)."""
    return [DocumentOutcome(item.name, item.sha256, "rejected" if item.action == "reject" else "ignored",
                            item.reason or "", file_size=item.size) for item in run_plan.skipped]


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
    return (f"nothing changed since the last publication ({len(run_plan.documents)} files, same bytes, parsers, "
            "dbt project and expectations; the publication matches its checksums): nothing extracted, nothing "
            "published")


def override_keys(items: Iterable[FilePlan]) -> dict[str, str]:
    return {item.name: override_key(item.override) for item in items}
