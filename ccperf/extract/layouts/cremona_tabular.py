"""Cremona-style tab-separated indicator tables (Descrizione | Tipo | Valore Atteso | Valore Raggiunto | Note) and PIRA budget-indicator blocks.

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="cremona_tabular",
    description="Cremona-style tab-separated indicator tables (Descrizione | Tipo | Valore Atteso | Valore Raggiunto | Note) and PIRA budget-indicator blocks.",
    signatures=(re.compile(r"^Ob\.\s*(?:Strategico|Operativo)\s+\d{4}_\d{2}[\d_]*(?:\s+\w+)?\t"), re.compile(r"^Descrizione\tTipo\tValore Atteso"), re.compile(r"^Tipologia\tUnit. di misura\tAlgoritmo di calcolo"),),
    min_hits=3,
    parser=None,
))
