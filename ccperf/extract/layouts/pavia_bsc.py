"""Balanced-scorecard tables (Prospettiva 1-4) with carried-down leading cells: strategic, operational, unit and individual objectives.

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="pavia_bsc",
    description="Balanced-scorecard tables (Prospettiva 1-4) with carried-down leading cells: strategic, operational, unit and individual objectives.",
    signatures=(re.compile(r"^OBIETTIVI STRATEGICI\t.*RISULTATO ATTESO"), re.compile(r"^\s*Prospettiva \d"), re.compile(r"\t% RAGGIUNGIMENTO\t"),),
    min_hits=3,
    parser=None,
))
