"""Assess a service model end to end: the result types, the one pass, the goals, the findings."""

from ._assess import AssessmentState, assess
from ._dask import assess_bag, assess_files
from ._goal_reports import value_of
from ._pass import check_supported
from ._results import Assessment, ChannelShift, GoalReport, KpiDefinition, SlaLine

__all__ = [
    "Assessment",
    "AssessmentState",
    "ChannelShift",
    "GoalReport",
    "KpiDefinition",
    "SlaLine",
    "assess",
    "assess_bag",
    "assess_files",
    "check_supported",
    "value_of",
]
