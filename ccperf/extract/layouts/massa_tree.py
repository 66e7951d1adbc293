"""Performance tree with Ob/Ind tables (Algoritmo, Parametri di calcolo, four-month data, Risultato, Target, % Realizz).

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="massa_tree",
    description="Performance tree with Ob/Ind tables (Algoritmo, Parametri di calcolo, four-month data, Risultato, Target, % Realizz).",
    signatures=(re.compile(r"^\s*%\s*Realizz"), re.compile(r"Parametri di calcolo"), re.compile(r"\bQuadr\b"),),
    min_hits=4,
    parser=None,
))
