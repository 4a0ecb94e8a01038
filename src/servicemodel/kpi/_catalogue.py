"""The KPI catalogue: each :class:`KpiName` and the accumulator class that measures it.

>>> from servicemodel.kpi import KpiName
>>> catalogue()[KpiName.NPS].__name__
'Nps'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._accumulators import Accumulator
from ._assignment import (
    DistinctAssignees,
    DistinctGroups,
    Reassignments,
    TimeToFirstAssignment,
    UnassignedTime,
)
from ._contacts import (
    ChannelMix,
    ComplaintThemes,
    ContactRate,
    ContactsPerCustomer,
    RepeatContactRate,
)
from ._customers import AcquisitionToFirstContact, Backlog, Churn, OpenAge, Retention
from ._durations import Aht, FirstReplyTime, HandleTime, NextReplyTime, ResolutionTime
from ._names import KpiName
from ._queue import Abandonment, Asa, ServiceLevel
from ._resolution import Fcr, ReopenRate, SelfServiceDeflection
from ._satisfaction import FirstCsat, SatisfactionBadToGood, SatisfactionGoodToBad
from ._sla import SlaCompliance
from ._status_time import AgentWaitTime, AgentWorkTime, OnHoldTime, RequesterWaitTime
from ._surveys import Ces, CesEasy, CesNetEasy, Csat, CsatMean, Nps, ReviewRatio
from ._touches import MultiTouchResolution, TwoTouchResolution
from ._workforce import Occupancy, Utilisation

__all__ = ["catalogue"]


def _catalogue() -> dict[KpiName, type[Accumulator[Any]]]:
    made: list[type[Accumulator[Any]]] = [
        Csat,
        CsatMean,
        FirstCsat,
        SatisfactionGoodToBad,
        SatisfactionBadToGood,
        Nps,
        Ces,
        CesEasy,
        CesNetEasy,
        ReviewRatio,
        FirstReplyTime,
        NextReplyTime,
        ResolutionTime,
        HandleTime,
        Aht,
        RequesterWaitTime,
        AgentWorkTime,
        AgentWaitTime,
        OnHoldTime,
        Reassignments,
        DistinctAssignees,
        DistinctGroups,
        TimeToFirstAssignment,
        UnassignedTime,
        ServiceLevel,
        Abandonment,
        Asa,
        Fcr,
        TwoTouchResolution,
        MultiTouchResolution,
        ReopenRate,
        SelfServiceDeflection,
        RepeatContactRate,
        ContactsPerCustomer,
        ContactRate,
        ChannelMix,
        ComplaintThemes,
        AcquisitionToFirstContact,
        Retention,
        Churn,
        Backlog,
        OpenAge,
        Occupancy,
        Utilisation,
        SlaCompliance,
    ]
    return {cls.kpi: cls for cls in made}


_CATALOGUE = _catalogue()


def catalogue() -> Mapping[KpiName, type[Accumulator[Any]]]:
    """The KPIs of this package: each :class:`KpiName` and the accumulator class that measures it.

    Names measured outside this package (``qa_score``, by
    :class:`servicemodel.team.QaScore`) are not in it.

    >>> catalogue()[KpiName.CSAT].__name__
    'Csat'
    >>> KpiName.QA_SCORE in catalogue()
    False
    """
    return MappingProxyType(_CATALOGUE)
