"""Optional manifest in data/raw/ (manifest.toml) that overrides what detection found.

    ["001_454f49c59e8c1ba9.txt"]          # a file name, or the document's sha256
    year = 2024
    doc_kind = "relazione_performance"
    chamber = "Mantova"                    # applies to every segment of the document
    ignore = false                         # true: the file is not a document (skipped, and reported)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ccperf.model import DOC_KINDS

MANIFEST_NAME = "manifest.toml"


@dataclass(frozen=True)
class Override:
    chamber: str | None = None
    year: int | None = None
    doc_kind: str | None = None
    ignore: bool = False


class ManifestError(ValueError):
    pass


def load_manifest(raw_dir: Path) -> dict[str, Override]:
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path.name}: not valid TOML ({exc})") from exc
    out: dict[str, Override] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            raise ManifestError(f"{path.name}: entry {key!r} must be a table")
        unknown = set(entry) - {"chamber", "year", "doc_kind", "ignore"}
        if unknown:
            raise ManifestError(f"{path.name}: entry {key!r} has unknown keys {sorted(unknown)}")
        kind = entry.get("doc_kind")
        if kind is not None and kind not in DOC_KINDS:
            raise ManifestError(f"{path.name}: entry {key!r} has doc_kind {kind!r}, expected one of {DOC_KINDS}")
        out[key] = Override(entry.get("chamber"), entry.get("year"), kind, bool(entry.get("ignore", False)))
    return out


def override_for(manifest: dict[str, Override], file_name: str, sha256: str) -> Override | None:
    return manifest.get(sha256) or manifest.get(file_name)
