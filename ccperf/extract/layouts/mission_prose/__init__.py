"""The mission_prose layout: a management report narrated by Missione and programme (see parser.py)."""

from ccperf.extract.layouts.mission_prose.parser import MissionProse, parse

__all__ = ["MissionProse", "parse"]
