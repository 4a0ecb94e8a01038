"""KPIs: exact, mergeable accumulators, uncertainty on every figure, grouped reports.

Every KPI is an accumulator (``empty`` / ``add`` / ``add_batch`` / ``merge`` /
``result``) with integer or exact state, so the same classes run in a loop,
in a service and across a cluster. Rates carry Wilson intervals, NPS an
adjusted-Wald interval, durations exact quantiles (or a relative-error
sketch for large samples). Staffing lives in :mod:`servicemodel.kpi.staffing`,
scale-out on Dask in :mod:`servicemodel.kpi.dask`.

>>> from servicemodel import kpi
>>> kpi.csat([5, 4, 4, 2]).value
Fraction(3, 4)
>>> kpi.nps([10, 9, 8, 3]).value
Fraction(25, 1)
>>> round(kpi.wilson_interval(81, 263).interval.low, 4)
0.2553
"""

from ._accumulators import Accumulator, BusinessTime
from ._assignment import (
    DistinctAssignees,
    DistinctGroups,
    Reassignments,
    TimeToFirstAssignment,
    UnassignedTime,
)
from ._binomial import clopper_pearson_interval
from ._catalogue import catalogue
from ._clock import Period
from ._columns import interaction_columns
from ._contacts import (
    ChannelMix,
    ComplaintThemes,
    ContactRate,
    ContactsPerCustomer,
    Mix,
    RepeatContactRate,
    RepeatVariant,
    ThemeVariant,
)
from ._customers import AcquisitionToFirstContact, Backlog, Churn, OpenAge, Retention
from ._duration_stats import DurationStats
from ._durations import (
    Aht,
    FirstReplyTime,
    HandleTime,
    NextReplyTime,
    ResolutionTime,
    ResolutionVariant,
)
from ._functions import ces, csat, first_reply_time, nps, resolution_time, retention_rate
from ._names import Better, KpiName, KpiSpec, KpiUnit
from ._queue import (
    Abandonment,
    Asa,
    QueueOutcome,
    ServiceLevel,
    ServiceLevelFormula,
    service_level_rate,
)
from ._report import Cell, Report, ReportRow
from ._report_state import ReportState, report
from ._resolution import DeflectionVariant, Fcr, FcrVariant, ReopenRate, SelfServiceDeflection
from ._satisfaction import FirstCsat, SatisfactionBadToGood, SatisfactionGoodToBad
from ._sketch import RelativeErrorSketch
from ._sla import SlaCompliance, TargetCompliance, sla_compliance
from ._stats import (
    Count,
    Difference,
    Interval,
    Mean,
    Net,
    QuantileMethod,
    Rate,
    Ratio,
    nps_difference,
    nps_score,
    quantile,
    rate_difference,
    wilson_interval,
)
from ._status_time import AgentWaitTime, AgentWorkTime, OnHoldTime, RequesterWaitTime
from ._surveys import Ces, CesEasy, CesNetEasy, Csat, CsatMean, CsatVariant, Nps, ReviewRatio
from ._touches import MultiTouchResolution, TwoTouchResolution
from ._workforce import AgentTime, Occupancy, Utilisation, UtilisationVariant

__all__ = [
    "Abandonment",
    "Accumulator",
    "AcquisitionToFirstContact",
    "AgentTime",
    "AgentWaitTime",
    "AgentWorkTime",
    "Aht",
    "Asa",
    "Backlog",
    "Better",
    "BusinessTime",
    "Cell",
    "Ces",
    "CesEasy",
    "CesNetEasy",
    "ChannelMix",
    "Churn",
    "ComplaintThemes",
    "ContactRate",
    "ContactsPerCustomer",
    "Count",
    "Csat",
    "CsatMean",
    "CsatVariant",
    "DeflectionVariant",
    "Difference",
    "DistinctAssignees",
    "DistinctGroups",
    "DurationStats",
    "Fcr",
    "FcrVariant",
    "FirstCsat",
    "FirstReplyTime",
    "HandleTime",
    "Interval",
    "KpiName",
    "KpiSpec",
    "KpiUnit",
    "Mean",
    "Mix",
    "MultiTouchResolution",
    "Net",
    "NextReplyTime",
    "Nps",
    "Occupancy",
    "OnHoldTime",
    "OpenAge",
    "Period",
    "QuantileMethod",
    "QueueOutcome",
    "Rate",
    "Ratio",
    "Reassignments",
    "RelativeErrorSketch",
    "ReopenRate",
    "RepeatContactRate",
    "RepeatVariant",
    "Report",
    "ReportRow",
    "ReportState",
    "RequesterWaitTime",
    "ResolutionTime",
    "ResolutionVariant",
    "Retention",
    "ReviewRatio",
    "SatisfactionBadToGood",
    "SatisfactionGoodToBad",
    "SelfServiceDeflection",
    "ServiceLevel",
    "ServiceLevelFormula",
    "SlaCompliance",
    "TargetCompliance",
    "ThemeVariant",
    "TimeToFirstAssignment",
    "TwoTouchResolution",
    "UnassignedTime",
    "Utilisation",
    "UtilisationVariant",
    "catalogue",
    "ces",
    "clopper_pearson_interval",
    "csat",
    "first_reply_time",
    "interaction_columns",
    "nps",
    "nps_difference",
    "nps_score",
    "quantile",
    "rate_difference",
    "report",
    "resolution_time",
    "retention_rate",
    "service_level_rate",
    "sla_compliance",
    "wilson_interval",
]
