"""Plan blocks: Indicatore N / Tipo Indicatore (ticked boxes) / Base Line, targets at 30/6 and 31/12, revised target, weight.

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="brescia_plan",
    description="Plan blocks: Indicatore N / Tipo Indicatore (ticked boxes) / Base Line, targets at 30/6 and 31/12, revised target, weight.",
    signatures=(re.compile(r"^Tipo Indicatore:"), re.compile(r"^Base Line Valore Target"), re.compile(r"Nuova previsione"),),
    min_hits=4,
    parser=None,
))
