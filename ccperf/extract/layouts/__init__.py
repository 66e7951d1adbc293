"""Every layout family ccperf reads, listed once: detection scores them in this order, extraction runs their parsers.

Adding a layout: write `layouts/<shape>.py` with a `LayoutParser` subclass (and its words in
`extract/profiles/<name>.toml`), then list the class here.
"""

from __future__ import annotations

from ccperf.extract.layouts.area_objective_tables import AreaObjectiveTables
from ccperf.extract.layouts.integra import Integra
from ccperf.extract.layouts.mission_prose import MissionProse
from ccperf.extract.layouts.plan_cards import PlanCards
from ccperf.extract.layouts.scorecard_carried_cells import ScorecardCarriedCells
from ccperf.extract.layouts.tree_ob_ind import TreeObInd
from ccperf.extract.layouts.wrapped_cells import WrappedCells
from ccperf.extract.parser import LayoutParser

LAYOUTS: tuple[type[LayoutParser], ...] = (
    PlanCards,
    AreaObjectiveTables,
    WrappedCells,
    MissionProse,
    Integra,
    TreeObInd,
    ScorecardCarriedCells,
)
_BY_NAME = {layout.name: layout for layout in LAYOUTS}


def layout_named(name: str) -> type[LayoutParser] | None:
    return _BY_NAME.get(name)
