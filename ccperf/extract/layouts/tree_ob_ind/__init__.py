"""Performance tree with Ob/Ind tables, flattened without layout (the Massa-Carrara report): see parser.py."""

from ccperf.extract.layouts.tree_ob_ind.parser import TreeObInd, parse
from ccperf.extract.layouts.tree_ob_ind.tokens import algoritmo_operator, algoritmo_unit, join_wrapped, prepare_lines

__all__ = ["TreeObInd", "algoritmo_operator", "algoritmo_unit", "join_wrapped", "parse", "prepare_lines"]
