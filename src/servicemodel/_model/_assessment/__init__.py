"""Assess a service model end to end: the result types, the one pass, the goals, the findings."""

from ._assess import assess
from ._goal_reports import value_of
from ._pass import check_supported
from ._results import Assessment, ChannelShift, GoalReport, KpiDefinition, SlaLine

__all__ = [
    "Assessment",
    "ChannelShift",
    "GoalReport",
    "KpiDefinition",
    "SlaLine",
    "assess",
    "check_supported",
    "value_of",
]
