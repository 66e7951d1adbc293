"""Area / objective headers over Descrizione | Tipo | Valore Atteso | Valore Raggiunto | Note indicator tables, and
PIRA budget-indicator blocks (the former Cremona chamber's report and its addendum): see parser.py."""

from ccperf.extract.layouts.area_objective_tables.cells import join_wrapped, read_actual, read_target, value_in_remarks
from ccperf.extract.layouts.area_objective_tables.parser import AreaObjectiveTables, parse

__all__ = ["AreaObjectiveTables", "join_wrapped", "parse", "read_actual", "read_target", "value_in_remarks"]
