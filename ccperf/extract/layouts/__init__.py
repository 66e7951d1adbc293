"""One module per layout family; importing this package registers them all with the registry."""

from ccperf.extract.layouts import (  # noqa: F401
    brescia_plan,
    cremona_tabular,
    cremona_wrapped,
    gestione_missions,
    integra,
    massa_tree,
    pavia_bsc,
)
