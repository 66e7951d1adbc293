"""Area / objective blocks over indicator tables whose cells wrap into separate runs of lines (a PDF flattened
without tabs): see parser.py."""

from ccperf.extract.layouts.wrapped_cells.cells import list_count, read_list, read_standard
from ccperf.extract.layouts.wrapped_cells.lines import Printed, find_tipo, take_cell, take_value
from ccperf.extract.layouts.wrapped_cells.parser import WrappedCells, parse

__all__ = ["Printed", "WrappedCells", "find_tipo", "list_count", "parse", "read_list", "read_standard", "take_cell",
           "take_value"]
