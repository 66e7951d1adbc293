"""Balanced-scorecard tables whose empty leading cells carry down (the former Pavia chamber's report): the parser
(parser.py), the mapping of a row's cells to its columns (rows.py), the value cells (cells.py), the score and
staffing rows (scores.py) and the figures of the prose (narrative.py)."""

from ccperf.extract.layouts.scorecard_carried_cells.cells import find_baseline, read_cell
from ccperf.extract.layouts.scorecard_carried_cells.parser import UNIT_TABLE_LEVEL, ScorecardCarriedCells, parse

__all__ = ["UNIT_TABLE_LEVEL", "ScorecardCarriedCells", "find_baseline", "parse", "read_cell"]
