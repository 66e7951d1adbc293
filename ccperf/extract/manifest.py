"""Optional manifest in data/raw/ (manifest.toml) that overrides what detection found, checked against a schema
before anything runs.

    ["001_454f49c59e8c1ba9.txt"]          # a file name in raw/, or the document's sha256 (64 hex digits)
    year = 2024                            # a whole number, 1990 to five years from now
    doc_kind = "relazione_performance"     # piano_performance | relazione_performance | relazione_gestione
    chamber = "Mantova"                    # a chamber of the national registry (any usual form of its name);
                                           # applies to every segment of the document
    ignore = false                         # true: the file is not a document (not read, reported as ignored,
                                           # its rows leave the warehouse)
    supersedes = "000_b94ecf89defcc372.txt"  # a file name or sha256, or a list of them: documents this one replaces
                                           # (its readings are current where both report a chamber and year)
    date = 2021-06-30                      # the document's date (TOML date or "YYYY-MM-DD"): the later is current

A structural error (not TOML, an unknown key, a value of the wrong type or out of range, a document superseding
itself, a cycle of `supersedes`) raises ManifestError: the run stops before anything is read (exit code 2). A
chamber that is not in the registry is flagged (Manifest.flags) and not applied: the detected chamber stays, so a
misspelt name never becomes a new chamber.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccperf.model import DOC_KINDS

MANIFEST_NAME = "manifest.toml"
KEYS = ("chamber", "year", "doc_kind", "ignore", "supersedes", "date")
FIRST_YEAR = 1990
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Override:
    chamber: str | None = None
    year: int | None = None
    doc_kind: str | None = None
    ignore: bool = False
    supersedes: tuple[str, ...] = ()  # file names or sha256 of the documents this one replaces
    date: str | None = None  # ISO date of the document


@dataclass
class Manifest:
    entries: dict[str, Override] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # what was not applied, in plain words


class ManifestError(ValueError):
    pass


def last_year() -> int:
    return dt.date.today().year + 5


def is_sha256(key: str) -> bool:
    return bool(_SHA256.fullmatch(key))


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a text", list: "a list",
            dict: "a table", dt.date: "a date", dt.datetime: "a date and time"}.get(type(value), type(value).__name__)


def _check_entry(key: str, entry: Any, where: str) -> tuple[Override, list[str]]:
    """One entry as an Override, and the flags it raises; ManifestError for a structural error."""
    here = f"{where}: entry {key!r}"
    if not isinstance(entry, dict):
        raise ManifestError(f"{here} must be a table of settings ([\"{key}\"] followed by key = value lines), "
                            f"not {_kind(entry)}")
    if not key.strip() or "/" in key or "\\" in key or key in (".", ".."):
        raise ManifestError(f"{here}: an entry names a file directly in raw/ (no folder) or a sha256")
    unknown = set(entry) - set(KEYS)
    if unknown:
        raise ManifestError(f"{here} has unknown keys {sorted(unknown)} (known: {', '.join(KEYS)})")
    flags: list[str] = []
    chamber = entry.get("chamber")
    if chamber is not None:
        if not isinstance(chamber, str) or not chamber.strip():
            raise ManifestError(f"{here}: chamber must be the name of a chamber (a text such as \"Mantova\"), "
                                f"not {_kind(chamber)} {chamber!r}")
        chamber, flag = _registered_chamber(chamber.strip())
        if flag:
            flags.append(f"{here}: {flag}")
    year = entry.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                             or not FIRST_YEAR <= year <= last_year()):
        raise ManifestError(f"{here}: year must be a whole number from {FIRST_YEAR} to {last_year()} (e.g. "
                            f"year = 2024), not {_kind(year)} {year!r}")
    kind = entry.get("doc_kind")
    if kind is not None and kind not in DOC_KINDS:
        raise ManifestError(f"{here} has doc_kind {kind!r}, expected one of {DOC_KINDS}")
    ignore = entry.get("ignore", False)
    if not isinstance(ignore, bool):
        raise ManifestError(f"{here}: ignore must be true or false, not {_kind(ignore)} {ignore!r}")
    supersedes = entry.get("supersedes", ())
    if isinstance(supersedes, str):
        supersedes = [supersedes]
    if not isinstance(supersedes, (list, tuple)) or not all(isinstance(s, str) and s.strip() for s in supersedes):
        raise ManifestError(f"{here}: supersedes must be a file name or sha256, or a list of them, not "
                            f"{_kind(supersedes)} {supersedes!r}")
    supersedes = tuple(s.strip() for s in supersedes)
    if key in supersedes:
        raise ManifestError(f"{here} supersedes itself")
    date = entry.get("date")
    if date is not None:
        date = _iso_date(date, here)
    return Override(chamber, year, kind, ignore, supersedes, date), flags


def _iso_date(value: Any, here: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ManifestError(f"{here}: date must be a date such as 2021-06-30, not {_kind(value)} {value!r}")


def _registered_chamber(name: str) -> tuple[str | None, str | None]:
    """The registry's short name of `name`, or (None, flag) when the registry does not know it."""
    from ccperf.extract.chambers import registry

    known = registry().named(name)
    if known is not None:
        return known.short_name, None
    names = sorted({c.short_name for c in registry().chambers.values()})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return None, (f"chamber {name!r} is not in the chamber registry{hint}: not applied, the chamber detected in "
                  "the document is kept")


def _check_cycles(entries: dict[str, Override], where: str) -> None:
    graph = {key: set(o.supersedes) for key, o in entries.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
                raise ManifestError(f"{where}: supersedes goes round in a circle: {' → '.join(cycle)}")
            if state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for key in graph:
        if state.get(key) is None:
            visit(key, [key])


def read_manifest(raw_dir: Path) -> Manifest:
    """The manifest checked against its schema, with the flags it raises; an empty one when there is none."""
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return Manifest()
    if not path.is_file():
        raise ManifestError(f"{path.name} is not a regular file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path.name}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ManifestError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    manifest = Manifest()
    for key, entry in data.items():
        override, flags = _check_entry(key, entry, path.name)
        manifest.entries[key] = override
        manifest.flags += flags
    _check_cycles(manifest.entries, path.name)
    return manifest


def load_manifest(raw_dir: Path) -> dict[str, Override]:
    """The manifest's entries (see read_manifest); ManifestError when it breaks the schema."""
    return read_manifest(raw_dir).entries


def override_for(manifest: dict[str, Override], file_name: str, sha256: str) -> Override | None:
    return manifest.get(sha256) or manifest.get(file_name)
