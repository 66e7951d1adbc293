"""Layout profiles: the words, widths and section numbers a layout was seen to use, kept as data.

A rule in a parser says what a layout looks like in general ("a key cell, then its value"); the words that fill it
in one document ("Risultato misurato obiettivo", a closed list of "Tipo" values, the heading of a summary table)
live in `ccperf/extract/profiles/<layout>.toml`. Each entry is a table with `values` (a list of strings, or a
table of string to value) and `seen_in` (where it was seen), and optionally `regex = true` when its strings are
regular expressions. A user adds values for a new chamber's report without touching Python, in a file of the same
form named `<layout>.profile.toml` in the data folder's `raw/` (see README, "Layout profiles").
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_PROFILES = Path(__file__).parent / "profiles"


class ProfileError(ValueError):
    """A profile file that is not of the documented form (the message names the file and the entry)."""


@dataclass(frozen=True)
class Entry:
    values: tuple[str, ...] | dict[str, Any]
    seen_in: str
    regex: bool = False


@dataclass
class Profile:
    layout: str
    entries: dict[str, Entry] = field(default_factory=dict)
    files: tuple[Path, ...] = ()

    def entry(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise ProfileError(f"profile {self.layout!r} has no entry {key!r} ({', '.join(map(str, self.files))})"
                               ) from None

    def words(self, key: str) -> tuple[str, ...]:
        """The strings of a list entry (for a table entry, its keys)."""
        values = self.entry(key).values
        return tuple(values) if isinstance(values, dict) else values

    def table(self, key: str) -> dict[str, Any]:
        values = self.entry(key).values
        if not isinstance(values, dict):
            raise ProfileError(f"profile {self.layout!r}: entry {key!r} is a list, not a table")
        return dict(values)

    def value(self, key: str) -> Any:
        """The single value of an entry written `values = [x]`."""
        words = self.entry(key).values
        if isinstance(words, dict) or len(words) != 1:
            raise ProfileError(f"profile {self.layout!r}: entry {key!r} must hold exactly one value")
        return words[0]

    def alternation(self, key: str) -> str:
        """The entry's strings as one regex alternation (escaped unless the entry says `regex = true`), the
        longest first so a longer word wins over its prefix."""
        entry = self.entry(key)
        words = sorted(self.words(key), key=len, reverse=True)
        return "|".join(words if entry.regex else (re.escape(w) for w in words))

    def pattern(self, key: str, template: str = "{}", flags: int = re.IGNORECASE) -> re.Pattern[str]:
        """re.compile(template with the entry's alternation in a non-capturing group)."""
        return re.compile(template.format(f"(?:{self.alternation(key)})"), flags)


def _read(path: Path) -> dict[str, Entry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc}") from exc
    entries: dict[str, Entry] = {}
    for key, raw in data.items():
        if not isinstance(raw, dict) or "values" not in raw:
            raise ProfileError(f"{path}: entry {key!r} needs `values` (and `seen_in`)")
        values = raw["values"]
        if isinstance(values, list):
            if not all(isinstance(v, str) for v in values):
                raise ProfileError(f"{path}: entry {key!r}: every value must be a string")
            values = tuple(values)
        elif not isinstance(values, dict):
            raise ProfileError(f"{path}: entry {key!r}: `values` must be a list or a table")
        seen_in = raw.get("seen_in")
        if not isinstance(seen_in, str) or not seen_in.strip():
            raise ProfileError(f"{path}: entry {key!r} needs `seen_in` (where these values were seen)")
        entries[key] = Entry(values, seen_in, bool(raw.get("regex", False)))
    return entries


def _merge(base: Entry, extra: Entry) -> Entry:
    """A user entry adds to the packaged one: list values are appended, table values override by key."""
    if isinstance(base.values, dict) and isinstance(extra.values, dict):
        return Entry({**base.values, **extra.values}, f"{base.seen_in}; {extra.seen_in}", base.regex)
    if isinstance(base.values, tuple) and isinstance(extra.values, tuple):
        added = tuple(v for v in extra.values if v not in base.values)
        return Entry(base.values + added, f"{base.seen_in}; {extra.seen_in}", base.regex)
    raise ProfileError("a user profile entry must have the form of the packaged one (a list or a table)")


USER_PROFILE_SUFFIX = ".profile.toml"
_USER_DIRS: list[Path] = []


def use_user_profiles(folder: Path | None) -> None:
    """Read user profiles (`<layout>.profile.toml`) from `folder` too (None: packaged profiles only)."""
    wanted = [folder] if folder is not None and any(folder.glob(f"*{USER_PROFILE_SUFFIX}")) else []
    if wanted != _USER_DIRS:
        _USER_DIRS[:] = wanted
        load_profile.cache_clear()


def user_profiles_digest(folder: Path) -> str:
    """A fingerprint of the user profiles of a folder ('' when there are none): documents are read again when
    their folder's profiles change."""
    files = sorted(folder.glob(f"*{USER_PROFILE_SUFFIX}")) if folder.is_dir() else []
    if not files:
        return ""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=64)
def load_profile(layout: str) -> Profile:
    files = [PACKAGE_PROFILES / f"{layout}.toml"]
    files += [d / f"{layout}.profile.toml" for d in _USER_DIRS if (d / f"{layout}.profile.toml").is_file()]
    profile = Profile(layout, files=tuple(f for f in files if f.is_file()))
    for path in profile.files:
        for key, entry in _read(path).items():
            base = profile.entries.get(key)
            try:
                profile.entries[key] = entry if base is None else _merge(base, entry)
            except ProfileError as exc:
                raise ProfileError(f"{path}: entry {key!r}: {exc}") from None
    return profile
