"""What an assessment found: SLA lines, channel shifts, goal reports, KPI definitions, the whole."""

from __future__ import annotations

from typing import Any, final

import attrs
import pendulum

from ..._validators import enum_member
from ...exceptions import EmptySampleError
from ...goals import Goal, Observation, Progress, SmartCheck
from ...interactions import Priority
from ...kpi import (
    KpiName,
    Mean,
    Period,
    Rate,
    Report,
    wilson_interval,
)
from ...sla import Metric
from ...team import Finding, Leaderboard
from .._followup import OutreachAction
from .._service_model import ServiceModel


def _priority(value: object) -> Priority:
    return enum_member(Priority, value, field="priority")


def _sla_metric(value: object) -> Metric:
    return enum_member(Metric, value, field="metric")


def _kpi_name(value: object) -> KpiName:
    return KpiName.of(value, field="name")


@final
@attrs.frozen(kw_only=True)
class SlaLine:
    """SLA compliance of one policy, priority and metric: met over met + breached.

    >>> SlaLine(policy="Standard", priority="high", metric="first_reply", met=9, breached=1,
    ...         pending=2).rate.value
    Fraction(9, 10)
    """

    policy: str
    priority: Priority = attrs.field(converter=_priority)
    metric: Metric = attrs.field(converter=_sla_metric)
    met: int
    breached: int
    pending: int

    @property
    def rate(self) -> Rate:
        """Compliance with its Wilson interval (needs at least one evaluated clock).

        Raises:
            EmptySampleError: no clock has met or breached yet.

        >>> SlaLine(policy="P", priority="low", metric="resolution", met=0, breached=0,
        ...         pending=3).rate
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.EmptySampleError: SLA compliance needs at least one met or breached clock (got 0)
        """
        evaluated = self.met + self.breached
        if evaluated == 0:
            raise EmptySampleError(
                "SLA compliance needs at least one met or breached clock (got 0)"
            )
        return wilson_interval(self.met, evaluated)


@final
@attrs.frozen(kw_only=True)
class ChannelShift:
    """How one channel's share of contacts moved from the previous period to the latest.

    >>> from servicemodel.kpi import wilson_interval, rate_difference
    >>> s = ChannelShift(channel="chat", previous=wilson_interval(20, 100),
    ...                  latest=wilson_interval(35, 100),
    ...                  change=rate_difference(wilson_interval(35, 100), wilson_interval(20, 100)))
    >>> s.change.significant()
    True
    """

    channel: str
    previous: Rate
    latest: Rate
    change: Any  # servicemodel.kpi.Difference


@final
@attrs.frozen(kw_only=True)
class GoalReport:
    """A goal's SMART check and, when measurable, its progress and the observations behind it.

    ``note`` says why progress could not be measured, if it could not.

    >>> GoalReport(goal=Goal(name="g"), smart=Goal(name="g").smart_check(), progress=None,
    ...            observations=(), note="no data").note
    'no data'
    """

    goal: Goal
    smart: SmartCheck
    progress: Progress | None
    observations: tuple[Observation, ...]
    note: str = ""


@final
@attrs.frozen(kw_only=True)
class KpiDefinition:
    """What one KPI in the report measures: its variant, its definition and its clock.

    ``name`` is a :class:`~servicemodel.kpi.KpiName` (its string is accepted).

    ``clock`` says how the time KPIs count time (business time on a named
    calendar, or calendar time); it is empty for KPIs that are not times.

    >>> KpiDefinition(name="fcr", variant="one_touch",
    ...               definition="share of solved interactions solved with at most one public agent reply",
    ...               clock="").name
    <KpiName.FCR: 'fcr'>
    """

    name: KpiName = attrs.field(converter=_kpi_name)
    variant: str | None
    definition: str
    clock: str


@final
@attrs.frozen(kw_only=True)
class Assessment:
    """What :func:`assess` found: KPIs, SLA compliance, goals, shifts, themes, people.

    Render it with :meth:`to_text`, :meth:`to_json` or :meth:`to_html`.

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> from servicemodel.model import assess
    >>> data = samples.generate(50, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
    >>> a = assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
    ...            as_of=pendulum.datetime(2024, 2, 1))
    >>> a.interactions, a.clock
    (50, 'calendar time')
    """

    model: ServiceModel
    as_of: pendulum.DateTime
    period: Period
    interactions: int
    clock: str
    definitions: tuple[KpiDefinition, ...]
    latest_period_partial: bool
    kpis: Report
    overall: Report
    sla: tuple[SlaLine, ...]
    goals: tuple[GoalReport, ...]
    channel_mix: Report
    channel_shift: tuple[ChannelShift, ...]
    complaint_themes: tuple[tuple[str, int], ...]
    complaints: int
    repeat_contact: Rate | None
    contacts_per_customer: Mean | None
    recognition: Leaderboard | None
    recognition_month_to_date: bool
    outreach: tuple[OutreachAction, ...]
    findings: tuple[Finding, ...]

    def to_text(self) -> str:
        """A readable report for a terminal.

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> from servicemodel.model import assess
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> print(assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
        ...              as_of=pendulum.datetime(2024, 2, 1)).to_text().splitlines()[0])
        Service model assessment: Desk (reactive), as of 2024-02-01 00:00 UTC
        """
        from .._report_render import render_text

        return render_text(self)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (schema in ``docs/reference/assessment-json.md``).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> from servicemodel.model import assess
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
        ...        as_of=pendulum.datetime(2024, 2, 1)).to_json()["model"]["type"]
        'reactive'
        """
        from .._report_render import render_json

        return render_json(self)

    def to_html(self) -> str:
        """One self-contained HTML page with charts (inline SVG, no scripts).

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel import samples
        >>> from servicemodel.model import assess
        >>> data = samples.generate(20, seed=1, start=pendulum.datetime(2024, 1, 8, tz="UTC"))
        >>> assess(ServiceModel(name="Desk", type="reactive", channels=["email"]), data,
        ...        as_of=pendulum.datetime(2024, 2, 1)).to_html().startswith("<!DOCTYPE html>")
        True
        """
        from .._report_render import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        from .._report_render import render_html_fragment

        return render_html_fragment(self)

    def to_pandas(self) -> Any:
        """The KPIs as a pandas DataFrame (needs the ``pandas`` extra): one row per channel
        and period, then one per period over every channel (``channel`` is ``"all"``).

        ``period`` holds dates (each period's first day) and durations are
        ``timedelta64`` columns, as in :meth:`servicemodel.kpi.Report.to_pandas`.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> from servicemodel.model import assess
        >>> data = samples.generate(200, seed=1, start=pendulum.datetime(2024, 1, 1))
        >>> frame = assess(ServiceModel(name="Desk", type="reactive", channels=["email"]),
        ...                data, as_of=pendulum.datetime(2024, 2, 1)).to_pandas()
        >>> frame["period"].dtype.kind, frame["first_reply_time_median"].dtype.kind  # M, m: dates, durations
        ('M', 'm')
        """
        import pandas as pd

        overall = self.overall.to_pandas()
        overall.insert(0, "channel", "all")
        return pd.concat([self.kpis.to_pandas(), overall], ignore_index=True)
