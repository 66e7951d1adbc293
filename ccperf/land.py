"""Landing: extraction results → DuckDB `raw` schema, one transaction per batch of documents, idempotent; which
documents of a batch are landed (classify: duplicates, rejections) and what bad input may never remove (land).

Re-landing a document replaces its rows (keyed by sha256), so running twice on the same documents never
duplicates anything; documents that left `data/raw/` are removed with `remove_absent`.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterable

import duckdb
import polars as pl

from ccperf.config import Settings
from ccperf.extract.extractor import parser_version
from ccperf.incremental import LoadedDocument
from ccperf.model import ExtractionResult, flatten
from ccperf.summary import DocumentOutcome
from ccperf.warehouse import POLARS_TYPES, RAW_TABLES, RawTable, ensure_schema, warehouse

# The raw table each list of an extraction result lands in.
_RESULT_LISTS = {
    "objectives": "objectives", "indicator_readings": "readings", "document_facts": "facts",
    "reading_components": "components", "quarantine": "quarantined", "segments": "segments",
    "document_text": "source_lines", "document_pages": "pages",
}

def _frame(table: RawTable, rows: list[dict[str, typing.Any]]) -> pl.DataFrame:
    schema = {name: POLARS_TYPES[tp] for name, tp in table.columns()}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def content_fingerprint(result: ExtractionResult) -> str:
    """What a document says, independent of its bytes (extractor.content_sha256): the same text in two encodings
    or with other line endings must not be loaded twice."""
    if not result.content_sha256:
        raise ValueError(f"{result.document_file}: no content fingerprint (not extracted by extract_source)")
    return result.content_sha256


def frames_for(result: ExtractionResult, parser_version: str, now: str, override_key: str = ""
               ) -> dict[str, pl.DataFrame]:
    """The raw rows of one extracted document, one polars frame per raw table."""
    assert result.document is not None
    frames: dict[str, pl.DataFrame] = {}
    doc_row = {**flatten(result.document), "parser_version": parser_version, "extracted_at": now,
               "content_sha256": content_fingerprint(result), "override_key": override_key}
    frames["documents"] = _frame(RAW_TABLES["documents"], [doc_row])
    for table_name, attr in _RESULT_LISTS.items():
        table = RAW_TABLES[table_name]
        rows = []
        for seq, item in enumerate(getattr(result, attr)):
            row = flatten(item)
            if ("row_seq", int) in table.extra:
                row["row_seq"] = seq
            rows.append(row)
        frames[table_name] = _frame(table, rows)
    return frames


def land_documents(con: duckdb.DuckDBPyConnection, results: list[ExtractionResult], parser_version: str,
                   override_keys: dict[str, str] | None = None) -> dict[str, int]:
    """Replace the rows of these documents in every raw table, all in one transaction. Returns rows per table.

    One transaction for the whole batch: a crash leaves either every document landed or none (never half of one),
    and hundreds of documents cost a few bulk inserts instead of a transaction each.
    """
    if not results:
        return {}
    shas = [r.document.document_sha256 for r in results if r.document]
    # the same bytes extracted by the same parsers again keep their first extraction time: re-running the pipeline
    # on unchanged documents changes nothing in the marts
    con.register("landing_shas", pl.DataFrame({"sha": shas}).to_arrow())
    previous = dict(con.execute("select document_sha256, extracted_at from raw.documents join landing_shas "
                                "on document_sha256 = sha where parser_version = ?", [parser_version]).fetchall())
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    per_table: dict[str, list[pl.DataFrame]] = {name: [] for name in RAW_TABLES if name != "document_files"}
    for result in results:
        assert result.document is not None
        sha = result.document.document_sha256
        key = (override_keys or {}).get(result.document_file, "")
        for name, frame in frames_for(result, parser_version, previous.get(sha) or now, key).items():
            per_table[name].append(frame)
    counts: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for name, frames in per_table.items():
            con.execute(f"delete from raw.{name} where document_sha256 in (select sha from landing_shas)")
            frame = pl.concat(frames, how="vertical")
            if frame.height:
                con.register("incoming", frame.to_arrow())
                con.execute(f"insert into raw.{name} by name select * from incoming")
                con.unregister("incoming")
            counts[name] = frame.height
        con.execute("commit")
    except BaseException:  # a failure, or the run stopped (SIGTERM, Ctrl+C): nothing of the batch is kept
        con.execute("rollback")
        raise
    finally:
        con.unregister("landing_shas")
    return counts


def record_files(con: duckdb.DuckDBPyConnection, rows: list[dict[str, typing.Any]]) -> None:
    """Replace the list of files seen in data/raw with this run's."""
    frame = _frame(RAW_TABLES["document_files"], rows)
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.document_files")
        if frame.height:
            con.register("incoming", frame.to_arrow())
            con.execute("insert into raw.document_files by name select * from incoming")
            con.unregister("incoming")
        con.execute("commit")
    except BaseException:  # a failure, or the run stopped (SIGTERM, Ctrl+C): nothing of the batch is kept
        con.execute("rollback")
        raise


def remove_absent(con: duckdb.DuckDBPyConnection, keep_sha256: set[str]) -> list[str]:
    """Delete every raw row of documents that are no longer in data/raw. Returns the removed files."""
    present = con.execute("select document_sha256, document_file from raw.documents").fetchall()
    gone = [(sha, name) for sha, name in present if sha not in keep_sha256]
    # rows whose document row is gone can only come from an older version or a damaged warehouse: never kept
    orphans = sum(con.execute(f"select count(*) from raw.{name} where document_sha256 not in "
                              "(select document_sha256 from raw.documents)").fetchall()[0][0]
                  for name in RAW_TABLES if name not in ("documents", "document_files"))
    if orphans:
        gone.append(("", ""))
    if not gone:
        return []
    con.register("gone_shas", pl.DataFrame({"sha": [sha for sha, _ in gone]}).to_arrow())
    con.execute("begin transaction")
    try:
        for name in RAW_TABLES:
            if name != "document_files":
                con.execute(f"delete from raw.{name} where document_sha256 in (select sha from gone_shas)")
        for name in RAW_TABLES:
            if name not in ("documents", "document_files"):
                con.execute(f"delete from raw.{name} where document_sha256 not in "
                            "(select document_sha256 from raw.documents)")
        con.execute("commit")
    except BaseException:  # a failure, or the run stopped (SIGTERM, Ctrl+C): nothing of the batch is kept
        con.execute("rollback")
        raise
    finally:
        con.unregister("gone_shas")
    return [name for _, name in gone if name]


def _nothing_recognised(result: ExtractionResult) -> bool:
    known = [s for s in result.segments if s.parser_status in ("parsed", "no_parser", "failed")]
    return not (known or result.readings or result.objectives or result.facts or result.components)


def classify(results: list[ExtractionResult], unchanged: Iterable[LoadedDocument] = ()
             ) -> tuple[list[ExtractionResult], list[DocumentOutcome]]:
    """The documents to land (first file of each distinct content) and an outcome for every extracted file.

    `unchanged` are the documents kept from earlier runs: a new file with their bytes or their text is a duplicate.
    """
    keep: list[ExtractionResult] = []
    outcomes: list[DocumentOutcome] = []
    seen: dict[str, str] = {doc.document_sha256: doc.document_file for doc in unchanged}
    seen_text: dict[str, tuple[str, str | None]] = {doc.content_sha256: (doc.document_file, None)
                                                    for doc in unchanged if doc.content_sha256}
    for result in sorted(results, key=lambda r: r.document_file):
        if result.error or result.document is None:
            outcomes.append(DocumentOutcome(result.document_file, result.file_sha256, "rejected",
                                            result.error or "not extracted", file_size=result.file_size))
            continue
        sha = result.document.document_sha256
        if sha in seen:
            outcomes.append(DocumentOutcome(result.document_file, sha, "duplicate",
                                            f"same content as {seen[sha]}; not loaded twice",
                                            file_size=result.file_size))
            continue
        if _nothing_recognised(result):
            doc = result.document
            outcomes.append(DocumentOutcome(
                result.document_file, sha, "rejected",
                f"no known layout: nothing recognised in its {doc.n_lines} lines (chamber {doc.chamber_name or '?'}, "
                f"year {doc.year or '?'}, kind {doc.doc_kind or '?'}); not loaded",
                segments=list(result.segments), file_size=result.file_size))
            continue
        fingerprint = content_fingerprint(result)
        if fingerprint in seen_text:
            first_file, first_encoding = seen_text[fingerprint]
            other = f"{result.document.encoding} vs {first_encoding}" if first_encoding else result.document.encoding
            outcomes.append(DocumentOutcome(
                result.document_file, sha, "duplicate",
                f"same text as {first_file} (other bytes: {other}, or other line endings); not loaded twice",
                file_size=result.file_size))
            continue
        seen[sha] = result.document_file
        seen_text[fingerprint] = (result.document_file, result.document.encoding)
        keep.append(result)
        outcomes.append(DocumentOutcome.from_result(result))
    return keep, outcomes


def truncation_warning(result: ExtractionResult) -> str | None:
    """The reader's finding that the file was cut (it ends in the middle of a character), if any."""
    return next((q.reason for q in result.quarantined if q.layout == "file" and "truncated" in q.reason), None)


def land(settings: Settings, documents: list[ExtractionResult], outcomes: list[DocumentOutcome],
         unchanged: Iterable[LoadedDocument] = (), override_keys: dict[str, str] | None = None) -> list[str]:
    """Land the extracted documents (one transaction) and drop the rows of documents no longer present.

    `unchanged` documents keep the rows they have.
    Bad input never removes data already loaded: a file that is still in raw/ but can no longer be read (emptied,
    replaced by a binary, no known layout), or that was cut short while an earlier version of it is loaded, keeps
    the rows of its last good version (its outcome says so). A truncated file never loaded before is loaded with
    what it holds, and flagged. Returns the files whose rows were removed because they left raw/.
    """
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    by_file = {o.document_file: o for o in outcomes}
    with warehouse(settings) as con:
        ensure_schema(con)
        previous = {name: sha for sha, name in con.execute(
            "select document_sha256, document_file from raw.documents").fetchall()}
        landed = []
        for result in documents:
            assert result.document is not None
            cut = truncation_warning(result)
            earlier = previous.get(result.document_file)
            if cut and earlier and earlier != result.document.document_sha256:
                outcome = by_file[result.document_file]
                outcome.status, outcome.message, outcome.rows = "rejected", f"{cut}; not loaded", {}
                continue
            landed.append(result)
        land_documents(con, landed, parser_version(settings.raw_dir), override_keys)
        keep = {r.document.document_sha256 for r in landed if r.document}
        keep |= {doc.document_sha256 for doc in unchanged}
        loaded_content = {content_fingerprint(r) for r in landed}
        rejected = {o.document_file: o for o in outcomes if o.status == "rejected"}
        if rejected:
            for sha, name, extracted_at, content in con.execute(
                    "select document_sha256, document_file, extracted_at, content_sha256 from raw.documents"
            ).fetchall():
                if name in rejected and sha not in keep and content not in loaded_content:
                    keep.add(sha)
                    rejected[name].message += (f"; its last good version (loaded {extracted_at}, sha256 "
                                               f"{sha[:12]}…) stays in the warehouse")
        # an unchanged document is loaded as much as a freshly extracted one
        record_files(con, [{"document_file": o.document_file, "document_sha256": o.document_sha256,
                            "file_size": o.file_size, "status": "extracted" if o.status == "unchanged" else o.status,
                            "message": o.message, "seen_at": now} for o in outcomes])
        ignored = {o.document_file: o for o in outcomes if o.status == "ignored"}
        for name in ignored:
            if name in previous and previous[name] not in keep:
                ignored[name].message += "; the rows it had in the warehouse were removed"
        # a file still in raw/ whose old version was replaced (or that is now ignored) is not "removed"
        return [name for name in remove_absent(con, keep) if name not in by_file]
