"""Plan cards: objective cards with indicator blocks (see parser.py for the layout)."""

from ccperf.extract.layouts.plan_cards.parser import PlanCards, parse

__all__ = ["PlanCards", "parse"]
