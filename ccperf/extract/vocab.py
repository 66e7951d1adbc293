"""Words with a fixed meaning in the reports: statuses and objective levels."""

from __future__ import annotations

import re

_STATUS_PATTERNS = (
    (re.compile(r"\b(?:parzialmente\s+(?:raggiunto|conseguito)|parziale\s+raggiungimento|raggiunto\s+parzialmente)", re.I),
     "partially_achieved"),
    (re.compile(r"\b(?:non\s+(?:raggiunto|conseguito)|obiettivo\s+non\s+)", re.I), "not_achieved"),
    (re.compile(r"\b(?:raggiunto|conseguito|raggiunti)\b", re.I), "achieved"),
)


_IN_PROGRESS = re.compile(r"in\s+corso\s+di", re.I)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def parse_status(text: str | None) -> str | None:
    """"Raggiunto" → achieved, "Parzialmente Raggiunto" → partially_achieved, "Non raggiunto" → not_achieved.

    Progress wording ("in corso di conseguimento") has no status.
    """
    if not text or _IN_PROGRESS.search(text):
        return None
    for pattern, status in _STATUS_PATTERNS:
        if pattern.search(text):
            return status
    return None


def slug(text: str) -> str:
    """A lower-case identifier fragment: "OO 2.1.4 - Kpi 1" → "oo_2_1_4_kpi_1"."""
    return _NOT_SLUG.sub("_", text.lower()).strip("_")
