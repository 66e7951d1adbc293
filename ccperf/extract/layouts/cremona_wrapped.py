"""Cremona-style blocks (Area Strategica / Ob. Strategico / Ob. Operativo) whose table cells wrap into separate text lines.

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="cremona_wrapped",
    description="Cremona-style blocks (Area Strategica / Ob. Strategico / Ob. Operativo) whose table cells wrap into separate text lines.",
    signatures=(re.compile(r"^Ob\.\s*(?:Strategico|Operativo)\s+\d{4}_\d{2}[\d_]*\s*$"), re.compile(r"^Descrizione Tipo Valore Atteso\s*$"),),
    min_hits=3,
    parser=None,
))
