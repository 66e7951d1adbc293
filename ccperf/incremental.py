"""What a run has to do: which documents changed since they were loaded, and whether anything changed at all.

A document is extracted again only when its bytes (sha256), the parser version or its manifest override changed;
an unchanged one keeps the rows it has in the warehouse. A run whose inputs (every file in raw/, the parsers, the
dbt project, the expectations and the pipeline code) are those of the last publication has nothing to do, but only
when that publication is still whole (it matches its _publication.json: see ccperf.publish.check_publication) and
the last run that changed anything finished and published it (a run killed half-way has no end record: the next
run reconciles the warehouse with raw/ and publishes again).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ccperf.config import PROJECT_ROOT, Settings
from ccperf.extract.extractor import file_sha256, parser_version
from ccperf.extract.manifest import MANIFEST_NAME, Override, override_for
from ccperf.publish import PublicationCheck, check_publication
from ccperf.warehouse import ensure_audit

# The code and configuration a publication depends on besides the documents: a change to any of them rebuilds.
_BUILD_INPUTS = (("dbt_project", ("*.sql", "*.yml", "*.yaml", "*.csv", "*.md")), ("expectations", ("*.json",)),
                 ("ccperf", ("*.py",)), ("flows", ("*.py",)))
_SKIPPED_DIRS = {"target", "logs", "dbt_packages", "__pycache__"}


def override_key(override: Override | None) -> str:
    """How a manifest override is remembered with the rows it produced ('' when there is none)."""
    return repr(override) if override else ""


def build_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256(parser_version(settings.raw_dir).encode())
    folders = {"dbt_project": settings.dbt_project_dir, "expectations": settings.expectations_dir}
    for folder, patterns in _BUILD_INPUTS:
        base = folders.get(folder, PROJECT_ROOT / folder)
        files = sorted({p for pattern in patterns for p in base.rglob(pattern)
                        if not _SKIPPED_DIRS.intersection(p.relative_to(base).parts)})
        for path in files:
            digest.update(f"{folder}/{path.relative_to(base)}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class LoadedDocument:
    document_file: str
    document_sha256: str
    parser_version: str
    override_key: str
    content_sha256: str | None
    extracted_at: str | None


@dataclass
class FilePlan:
    path: Path
    size: int | None
    sha256: str | None  # None for a file above the size limit (rejected unread) or one that cannot be read
    override: Override | None
    action: str  # extract | unchanged | reject (cannot be read: see reason) | ignore (not a document: see reason)
    loaded: LoadedDocument | None = None  # the loaded version this file keeps, when unchanged
    file_name: str = ""  # the name in raw/ (a path below raw/ for a file in a subfolder); default path.name
    reason: str | None = None  # why a file is rejected or ignored

    @property
    def name(self) -> str:
        return self.file_name or self.path.name


@dataclass
class RunPlan:
    files: list[FilePlan]
    inputs_fingerprint: str
    published_fingerprint: str | None  # of the last publication still in place, if any
    publication: PublicationCheck | None = None  # data/marts checked against its _publication.json
    interrupted: list[str] = field(default_factory=list)  # runs that did not finish (no end record)

    @property
    def to_extract(self) -> list[FilePlan]:
        return [f for f in self.files if f.action == "extract"]

    @property
    def unchanged(self) -> list[FilePlan]:
        return [f for f in self.files if f.action == "unchanged"]

    @property
    def skipped(self) -> list[FilePlan]:
        """Files not read: rejected (cannot be read) or ignored (not documents)."""
        return [f for f in self.files if f.action in ("reject", "ignore")]

    @property
    def documents(self) -> list[FilePlan]:
        return [f for f in self.files if f.action in ("extract", "unchanged")]

    @property
    def nothing_changed(self) -> bool:
        return (self.published_fingerprint is not None and self.published_fingerprint == self.inputs_fingerprint
                and not self.interrupted and (self.publication is None or self.publication.ok))

    def why_work(self) -> list[str]:
        """What makes this run rebuild although the inputs may be those of the last publication."""
        reasons = [f"{run} did not finish (no end record): the warehouse is reconciled with raw/ and published "
                   "again" for run in self.interrupted]
        if self.publication is not None and self.publication.state == "damaged":
            reasons.append(f"the publication in data/marts is {self.publication.describe()}: it is published again")
        return reasons


def loaded_documents(con: duckdb.DuckDBPyConnection) -> dict[str, LoadedDocument]:
    """Every document in the warehouse, by file name (empty for a new warehouse or one from an older version)."""
    try:
        rows = con.execute("select document_file, document_sha256, parser_version, coalesce(override_key, ''), "
                           "content_sha256, extracted_at from raw.documents").fetchall()
    except duckdb.Error:
        return {}
    return {row[0]: LoadedDocument(*row) for row in rows}


def published_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings,
                          publication: PublicationCheck | None = None) -> str | None:
    """The inputs of the last publication, when that publication is still the one in data/marts/, whole, and no
    run has touched the warehouse since (a failed dbt build can leave its marts half rebuilt, a killed run leaves
    a start record without an end: the next run rebuilds)."""
    publication = publication or check_publication(settings.marts_dir)
    manifest = publication.manifest
    if not publication.ok or not manifest or not settings.serving_db.exists():
        return None
    try:
        row = con.execute("select inputs_fingerprint from audit.publications where run_id = ?",
                          [manifest["run_id"]]).fetchone()
        # the run being planned has a start record ('running'); a run that did not finish was marked interrupted
        last = con.execute("select run_id, status from audit.runs where status not in ('unchanged', 'running') "
                           "order by started_at desc limit 1").fetchone()
    except duckdb.Error:
        return None
    if not row or last != (manifest["run_id"], "succeeded"):
        return None
    return row[0]


def plan_file(settings: Settings, path: Path, overrides: dict[str, Override],
              loaded: dict[str, LoadedDocument], version: str) -> FilePlan:
    """What to do with one file of raw/: extract it, keep it unchanged, reject it (it cannot be read) or ignore it
    (the manifest says it is not a document)."""
    try:
        size = path.stat().st_size
        sha = file_sha256(path) if size <= settings.max_document_bytes else None
    except OSError as exc:  # permission denied, vanished since it was listed, swapped for a FIFO
        return FilePlan(path, None, None, overrides.get(path.name), "reject",
                        reason=f"cannot read file: {exc.strerror or exc}")
    override = override_for(overrides, path.name, sha) if sha else overrides.get(path.name)
    if override is not None and override.ignore:
        return FilePlan(path, size, sha, override, "ignore",
                        reason=f"{MANIFEST_NAME} says ignore = true: not a document, not read")
    before = loaded.get(path.name)
    same = (before is not None and sha == before.document_sha256 and before.parser_version == version
            and before.override_key == override_key(override))
    return FilePlan(path, size, sha, override, "unchanged" if same else "extract", before if same else None)


def make_plan(settings: Settings, con: duckdb.DuckDBPyConnection, paths: list[Path],
              overrides: dict[str, Override], force: bool = False, skipped: list[FilePlan] | None = None,
              interrupted: list[str] | None = None) -> RunPlan:
    """Compare the files in raw/ with what the warehouse holds. `force` extracts and publishes everything again.
    `skipped` are the entries of raw/ that are not read at all (see ccperf.planning.survey)."""
    loaded = {} if force else loaded_documents(con)
    files: list[FilePlan] = []
    inputs = hashlib.sha256(build_fingerprint(settings).encode())
    manifest_path = settings.raw_dir / MANIFEST_NAME
    if manifest_path.is_file():
        inputs.update(manifest_path.read_bytes())
    version = parser_version(settings.raw_dir)
    for path in paths:
        files.append(plan_file(settings, path, overrides, loaded, version))
    files += skipped or []
    files.sort(key=lambda f: f.name)
    for item in files:  # a document (to extract or unchanged: the same input), or an entry not read and why
        read = item.action in ("extract", "unchanged")
        inputs.update(json.dumps([item.name, item.size, item.sha256, None if read else item.reason]).encode())
    publication = check_publication(settings.marts_dir)
    published = None if force else published_fingerprint(con, settings, publication)
    return RunPlan(files, inputs.hexdigest(), published, publication, list(interrupted or []))


def record_publication(con: duckdb.DuckDBPyConnection, run_id: str, inputs_fingerprint: str) -> None:
    ensure_audit(con)
    con.execute("insert into audit.publications values (?, current_timestamp, ?)", [run_id, inputs_fingerprint])
