"""Publish the marts for readers: one Parquet file per mart and a read-only serving DuckDB file, in data/marts/,
all or nothing at every instant.

A publication is a whole folder. It is written beside data/marts (`data/.marts-next-<run>`), made durable (fsync),
then swapped with data/marts in one atomic step (Linux renameat2 RENAME_EXCHANGE; the old folder is deleted after):

- at every instant data/marts is one complete publication, the old or the new, even when the run is killed
  (SIGKILL included) at any point: before the swap the old publication is untouched, after it the new one is
  whole. A run killed after the swap leaves the old folder behind (`.marts-next-*`), deleted by the next run.
- a reader that opened a file of the previous publication keeps reading it, whole, until it reconnects (on POSIX
  an open file lives on after it is deleted); a reader never blocks the pipeline.
- a query that opens several Parquet files while the swap happens can still pair two publications: for a
  consistent view across marts, use the serving file `ccperf.duckdb`.

`_publication.json` says what the publication is: the run, every file with its rows, bytes and sha256. The next
run and `ccperf status` check the folder against it (check_publication): a file missing, changed or added, or a
WAL beside the serving file (someone wrote to it: DuckDB would replay the writes into the published marts) makes
the publication damaged, and the next run publishes again instead of answering "unchanged".

Besides the marts, the serving file carries schema `audit`: the publishing run's quality results
(`audit.quality_results`), the blocks set aside by the extraction (`audit.quarantine`, from raw.quarantine) and what
happened to every file (`audit.document_files`), so that a reader of the publication (the HTML report) sees the data
quality of exactly what was published. They are also written as Parquet files under `audit/`.

Files in data/marts that ccperf does not manage (anything but the marts, `audit/`, the serving file, its WAL,
`_publication.json` and `report.html`) are carried over into each new publication. No path or value is ever put
into SQL text: paths go to DuckDB as parameters.

Without renameat2 (not Linux, or a file system without RENAME_EXCHANGE) the swap is two renames, and for an instant
data/marts does not exist (readers retry); it is never a mix.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
MANIFEST = "_publication.json"
MANIFEST_FORMAT = 2
SERVING_NAME = "ccperf.duckdb"
REPORT_NAME = "report.html"
AUDIT_SCHEMA = "audit"
AUDIT_DIR = "audit"  # Parquet copies of the audit tables, in a folder of their own: *.parquet stays the marts
NEXT_PREFIX = ".marts-next-"  # a publication being written, or the previous one just swapped out
# audit table of the publication → (warehouse table it is copied from, filter on the publishing run's id)
AUDIT_SOURCES: dict[str, tuple[str, bool]] = {
    "quality_results": ("audit.quality_results", True),
    "quarantine": ("raw.quarantine", False),
    "document_files": ("raw.document_files", False),
}


@dataclass(frozen=True)
class Publication:
    run_id: str
    files: dict[str, int]  # Parquet file name → rows
    serving_db: Path | None = None
    report: Path | None = None  # report.html, when the before-swap step wrote one
    report_error: str | None = None  # why the before-swap step could not write it


@dataclass
class PublicationCheck:
    """What data/marts holds compared with its _publication.json."""

    state: str  # none (nothing published) | ok | damaged
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None
    leftovers: list[str] = field(default_factory=list)  # folders of interrupted publications (harmless)

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def describe(self) -> str:
        if self.state == "none":
            return "nothing published yet"
        run = (self.manifest or {}).get("run_id", "?")
        if self.ok:
            n = len((self.manifest or {}).get("checksums", {}))
            return f"complete: run {run}, {n} files match _publication.json (rows, bytes and sha256)"
        return f"damaged (published by run {run}): " + "; ".join(self.problems)


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_catalog = "
        "current_database() order by table_name", [MARTS_SCHEMA]).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def audit_queries(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, tuple[str, list]]:
    """The audit tables to publish (only those whose source exists: a warehouse may have no quality results yet),
    each as a query and its parameters."""
    existing = {f"{schema}.{name}" for schema, name in con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
    ).fetchall()}
    queries: dict[str, tuple[str, list]] = {}
    for name, (source, by_run) in AUDIT_SOURCES.items():
        if source in existing:
            queries[name] = (f"select * from {source}" + (" where run_id = ?" if by_run else ""),
                             [run_id] if by_run else [])
    return queries


def _write_serving_db(con: duckdb.DuckDBPyConnection, path: Path, relations: list[str], run_id: str,
                      published_at: str, audit: dict[str, tuple[str, list]]) -> None:
    """A standalone DuckDB file with a copy of each mart (views become tables: they must not depend on the
    warehouse), a `marts._publication` row saying which run published it, and the `audit` tables."""
    alias = "ccperf_serving"
    con.execute(f"attach ? as {alias}", [str(path)])
    try:
        con.execute(f"create schema {alias}.{MARTS_SCHEMA}")
        for relation in relations:
            con.execute(f"create table {alias}.{MARTS_SCHEMA}.{_quote(relation)} as "
                        f"select * from {MARTS_SCHEMA}.{_quote(relation)}")
        con.execute(f"create table {alias}.{MARTS_SCHEMA}._publication as select ? as run_id, "
                    "cast(? as timestamp) as published_at", [run_id, published_at])
        con.execute(f"create schema {alias}.{AUDIT_SCHEMA}")
        for name, (query, params) in audit.items():
            con.execute(f"create table {alias}.{AUDIT_SCHEMA}.{_quote(name)} as {query}", params)
        con.execute(f"checkpoint {alias}")
    finally:
        con.execute(f"detach {alias}")
    wal = path.with_name(path.name + ".wal")
    if wal.exists():  # a checkpointed, detached database has no WAL; never ship one
        raise RuntimeError(f"{wal} left after writing the serving database")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    """Make a file or folder durable (a power cut after the swap must not leave a published file empty)."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE). False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")


def swap_in(new: Path, target: Path, swapped: Callable[[], None] | None = None) -> None:
    """Make the folder `new` the folder `target` in one step; the previous `target` is deleted afterwards (after
    calling `swapped`). A run killed between the two leaves the previous folder at `new`'s path (cleaned up by
    clean_leftovers)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise RuntimeError(f"{target} is not a folder: cannot publish into it")
    swapped = swapped or (lambda: None)
    if target.is_dir():
        if _exchange(new, target):
            _fsync(target.parent)
            swapped()
            shutil.rmtree(new, ignore_errors=True)
            return
        old = new.with_name(new.name + "-old")
        os.rename(target, old)  # no atomic exchange here: for an instant there is no target
        os.rename(new, target)
        _fsync(target.parent)
        swapped()
        shutil.rmtree(old, ignore_errors=True)
        return
    os.rename(new, target)
    _fsync(target.parent)
    swapped()


def clean_leftovers(marts_dir: Path) -> list[str]:
    """Delete what interrupted publications left: folders being written or swapped out beside data/marts, and the
    staging folders of older versions inside it. Returns what was removed."""
    removed = []
    for leftover in [*marts_dir.parent.glob(NEXT_PREFIX + "*"), *marts_dir.glob(".staging-*")]:
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover.name)
    return removed


def _managed(name: str) -> bool:
    """The top-level names of data/marts a publication owns (everything else is carried over)."""
    return (name.endswith(".parquet") or name in (AUDIT_DIR, MANIFEST, REPORT_NAME) or name.startswith(SERVING_NAME)
            or name.startswith(".report-") or name.startswith(".staging-"))


def _carry_over(old: Path, new: Path) -> None:
    """Files someone put in data/marts (not written by ccperf) stay there across publications."""
    if not old.is_dir():
        return
    for entry in old.iterdir():
        if _managed(entry.name) or (new / entry.name).exists():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True)
        else:
            try:
                os.link(entry, new / entry.name, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry, new / entry.name, follow_symlinks=False)


def _checksums(folder: Path, rows: dict[str, int]) -> dict[str, dict]:
    out = {}
    for relative, n in sorted(rows.items()):
        path = folder / relative
        entry: dict = {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
        if relative.endswith(".parquet"):
            entry["rows"] = n
        out[relative] = entry
    return out


def publish_marts(con: duckdb.DuckDBPyConnection, marts_dir: Path, run_id: str, relations: list[str] | None = None,
                  serving_name: str | None = SERVING_NAME,
                  before_swap: Callable[[Path], Path | None] | None = None,
                  step: Callable[[str], None] | None = None) -> Publication:
    """Export `relations` (default: every relation of the marts schema) into a new folder and swap it in as
    `marts_dir`, whole.

    `relations` lists what dbt declares as marts; a relation left in the warehouse by an older version of the
    project (no longer declared) is not published. `before_swap(folder)` may add a file to the new publication (the
    HTML report) before it is swapped in; its failure is kept in Publication.report_error, it does not stop the
    publication. `step(name)` is called before each step (tests kill the process there).
    """
    step = step or (lambda name: None)
    existing = set(mart_relations(con))
    if relations is None:
        relations = sorted(existing)
    missing = [r for r in relations if r not in existing]
    if missing:
        raise RuntimeError(f"marts declared by dbt but absent from the warehouse: {', '.join(missing)}")
    marts_dir = Path(marts_dir)
    marts_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(marts_dir)
    staging = marts_dir.parent / f"{NEXT_PREFIX}{run_id}"
    staging.mkdir()
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    files: dict[str, int] = {}
    audit = audit_queries(con, run_id)
    report: Path | None = None
    report_error: str | None = None
    swapped = False
    try:
        for relation in relations:
            step(f"export {relation}")
            target = staging / f"{relation}.parquet"
            con.execute(f"copy (select * from {MARTS_SCHEMA}.{_quote(relation)}) to ? (format parquet)",
                        [str(target)])
            files[target.name] = con.execute(f"select count(*) from {MARTS_SCHEMA}.{_quote(relation)}").fetchone()[0]
        step("export audit")
        audit_files = _export_audit(con, staging, audit)
        if serving_name:
            step("write serving database")
            _write_serving_db(con, staging / serving_name, relations, run_id, published_at, audit)
            os.chmod(staging / serving_name, 0o444)  # a reminder to open it read-only
        step("checksums")
        counted = {**files, **{f"{AUDIT_DIR}/{name}": n for name, n in audit_files.items()}}
        if serving_name:
            counted[serving_name] = 0
        manifest = {"format": MANIFEST_FORMAT, "run_id": run_id, "published_at": published_at, "files": files,
                    "serving_db": serving_name, "audit_files": audit_files,
                    "checksums": _checksums(staging, counted)}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if before_swap is not None:
            step("report")
            try:
                report = before_swap(staging)
            except Exception as exc:  # the report is a convenience: the marts are published without it
                report_error = f"{type(exc).__name__}: {exc}"
        _carry_over(marts_dir, staging)
        step("fsync")
        for path in [*staging.rglob("*"), staging]:
            _fsync(path)
        step("swap")
        swap_in(staging, marts_dir, lambda: step("remove the previous publication"))
        swapped = True
        step("done")
    finally:
        if not swapped:
            shutil.rmtree(staging, ignore_errors=True)
    return Publication(run_id, files, marts_dir / serving_name if serving_name else None,
                       marts_dir / report.name if report else None, report_error)


def _export_audit(con: duckdb.DuckDBPyConnection, staging: Path, audit: dict[str, tuple[str, list]]
                  ) -> dict[str, int]:
    """Parquet copies of the audit tables in staging/audit/; returns file name → rows."""
    if not audit:
        return {}
    folder = staging / AUDIT_DIR
    folder.mkdir()
    files: dict[str, int] = {}
    for name, (query, params) in audit.items():
        target = folder / f"{name}.parquet"
        con.execute(f"copy ({query}) to ? (format parquet)", [*params, str(target)])
        files[target.name] = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
    return files


def read_manifest(marts_dir: Path) -> dict | None:
    """_publication.json, or None when there is none or it cannot be read as JSON."""
    path = Path(marts_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _parquet_rows(path: Path) -> int | None:
    try:
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    except Exception:
        return None


def check_publication(marts_dir: Path) -> PublicationCheck:
    """Compare data/marts with its _publication.json: every file listed is there with its bytes, sha256 and
    rows; no Parquet file is there that is not listed; no WAL beside the serving file."""
    marts_dir = Path(marts_dir)
    leftovers = sorted(p.name for p in marts_dir.parent.glob(NEXT_PREFIX + "*")) if marts_dir.parent.is_dir() else []
    if not marts_dir.is_dir():
        return PublicationCheck("none", leftovers=leftovers)
    present = {p.relative_to(marts_dir).as_posix() for p in [*marts_dir.glob("*.parquet"),
                                                             *marts_dir.glob(f"{AUDIT_DIR}/*.parquet")]}
    serving_present = (marts_dir / SERVING_NAME).exists()
    manifest_path = marts_dir / MANIFEST
    if not manifest_path.exists():
        if present or serving_present:
            return PublicationCheck("damaged", [f"{MANIFEST} is missing: the files in {marts_dir} cannot be checked"],
                                    leftovers=leftovers)
        return PublicationCheck("none", leftovers=leftovers)
    manifest = read_manifest(marts_dir)
    if manifest is None or not isinstance(manifest.get("files"), dict):
        return PublicationCheck("damaged", [f"{MANIFEST} cannot be read (not the JSON a publication writes)"],
                                leftovers=leftovers)
    problems: list[str] = []
    checksums = manifest.get("checksums")
    if manifest.get("format") != MANIFEST_FORMAT or not isinstance(checksums, dict):
        problems.append(f"{MANIFEST} has no checksums (published by an older version of ccperf)")
        checksums = {}
    for relative, expected in sorted(checksums.items()):
        path = marts_dir / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
            continue
        rows = expected.get("rows")
        if path.stat().st_size != expected.get("bytes") or file_sha256(path) != expected.get("sha256"):
            actual_rows = _parquet_rows(path) if relative.endswith(".parquet") else None
            if rows is not None and actual_rows is not None and actual_rows != rows:
                problems.append(f"{relative} has {actual_rows} rows where {MANIFEST} says {rows}")
            elif relative.endswith(".parquet") and actual_rows is None:
                problems.append(f"{relative} is not a readable Parquet file (torn or overwritten)")
            else:
                problems.append(f"{relative} does not match its sha256 in {MANIFEST} (changed after publication)")
    for relative in sorted(present - set(checksums)):
        if checksums:
            problems.append(f"{relative} is not part of the publication (left by another run, or added by hand)")
    serving = manifest.get("serving_db")
    if serving and not (marts_dir / serving).exists() and serving not in checksums:
        problems.append(f"{serving} is missing")
    for wal in sorted(marts_dir.glob("*.wal")):
        problems.append(f"{wal.name}: a write-ahead log beside the serving file (someone opened it for writing): "
                        "DuckDB would replay it into the published marts")
    return PublicationCheck("damaged" if problems else "ok", problems, manifest, leftovers)

