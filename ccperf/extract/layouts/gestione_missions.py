"""Management report narrative by Missione and programme with spending amounts and results in prose.

Detected here so runs report it; the parser comes with its own issue.
"""

import re

from ccperf.extract.registry import Layout, register

LAYOUT = register(Layout(
    name="gestione_missions",
    description="Management report narrative by Missione and programme with spending amounts and results in prose.",
    signatures=(re.compile(r"^Missione \d{3}\b"), re.compile(r"^Programma \d{3}\b"),),
    min_hits=3,
    parser=None,
))
