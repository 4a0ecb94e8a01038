"""Assess a service model end to end over interactions, in one streaming pass."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from typing import Any, final

import pendulum

from ..._time import aware, to_micros, zone
from ..._validators import instance
from ...customers import Customer
from ...exceptions import EmptySampleError
from ...feedback import Feedback
from ...interactions import Interaction
from ...kpi import (
    KpiName,
    Period,
    catalogue,
)
from .._service_model import ServiceModel
from ._pass import _TIME_KPIS, _business_calendar, _metrics, _Pass, check_supported
from ._results import Assessment, KpiDefinition

#: What each KPI variant the assessment reports measures, in the report's words.
_DEFINITIONS: dict[tuple[KpiName, str | None], str] = {
    (KpiName.FIRST_REPLY_TIME, None): "creation to the first public reply by a human agent "
    "(bots and private notes do not count); unanswered interactions are left out",
    (KpiName.NEXT_REPLY_TIME, None): "each unanswered public customer message to the next public "
    "agent reply",
    (KpiName.RESOLUTION_TIME, "full"): "creation to the last solve (a reopened interaction counts "
    "until it is solved again); unsolved interactions are left out",
    (KpiName.HANDLE_TIME, None): "the agents' recorded work per interaction (always working time, "
    "not measured on a calendar); interactions without recorded work are left out",
    (KpiName.CSAT, "top_two_box"): "share of satisfaction answers of 4 or 5 on the 1-5 scale",
    (KpiName.FCR, "one_touch"): "first-contact resolution, one_touch variant: share of solved "
    "interactions solved with at most one public agent reply",
    (KpiName.REOPEN_RATE, None): "share of solved interactions reopened at least once",
    (KpiName.SELF_SERVICE_DEFLECTION, "among_self_service"): "share of self-service contacts that "
    "never needed a human agent reply",
    (KpiName.NPS, None): "net promoter score: % of answers 9-10 minus % of answers 0-6, in points "
    "from -100 to +100",
    (
        KpiName.CES,
        None,
    ): "customer effort score: mean agreement (1-7) that it was easy; higher is easier",
}


def _definitions(metrics: list[Any], clock: str) -> tuple[KpiDefinition, ...]:
    """The definition of each KPI variant in *metrics*, with the clock of the time KPIs."""
    chosen = []
    for metric in metrics:
        accumulator = catalogue()[metric]() if isinstance(metric, KpiName) else metric
        name = accumulator.kpi
        variant = accumulator.options().get("variant")
        text = _DEFINITIONS.get((name, variant)) or _DEFINITIONS.get((name, None))
        if text is None:  # a goal's own KPI: its class says what it measures
            text = (type(accumulator).__doc__ or name.value).strip().splitlines()[0].rstrip(".")
        timed = name in _TIME_KPIS and name is not KpiName.HANDLE_TIME
        chosen.append(
            KpiDefinition(
                name=name,
                variant=None if variant is None else str(variant),
                definition=text,
                clock=clock if timed else "",
            )
        )
    return tuple(chosen)


def _clock(model: ServiceModel) -> str:
    """How the report's time KPIs count time."""
    calendar = _business_calendar(model)
    if calendar is None:
        return "calendar time"
    zone_name = getattr(calendar, "timezone", None)
    where = f" ({zone_name})" if isinstance(zone_name, str) else ""
    return (
        f"business time on the '{model.business_calendar}' calendar{where}: "
        "time while it is closed does not count"
    )


def _checked_model(model: object) -> ServiceModel:
    return instance(model, ServiceModel, field="model")


def _nothing_to_assess(read: int, when: pendulum.DateTime) -> EmptySampleError:
    if read:
        return EmptySampleError(
            f"no interaction to assess: all {read:,} were created after as_of "
            f"{when.isoformat()} (got 0 at or before it)"
        )
    return EmptySampleError(
        "no interaction to assess: the data gave none (an empty file, or an iterator that an "
        "earlier call already used up; pass a list or a fresh reader) (got 0)"
    )


@final
class AssessmentState:
    """An assessment in progress: add interactions and feedback, merge parts, then ``result()``.

    The state of :func:`assess`'s one pass, for data that comes in parts: a
    state per part (a file, a day, a Dask partition), each fed its
    interactions, then merged. :meth:`merge` is associative and commutative
    and exact, so the merged state's :meth:`result` is the assessment of all
    the data read in one pass, whatever the split and the order, down to the
    last digit of its rendered report. Every part of the state merges: the KPI
    report states, SLA compliance counts, the recognition tallies, complaint
    themes, the repeat-contact rows, the latest period's contacts per
    customer and the solved interactions the follow-ups need. Goals, channel
    shifts and findings are judged by :meth:`result`, from the merged state.
    Memory is that of :func:`assess`; a state pickles, so it travels between
    processes.

    Args:
        model: the service model.
        as_of: the instant of the assessment (the same for every part).
        period: ``"day"``, ``"week"`` or ``"month"`` (default), in the model's zone.
        customers: customers, for SLA policies with segment or tier conditions.

    Raises:
        ValidationError: a bad argument, or an instant outside 1900-2200.

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> as_of = pendulum.datetime(2024, 3, 1, tz="Europe/London")
    >>> data = list(samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1)))
    >>> first, second = AssessmentState(model, as_of=as_of), AssessmentState(model, as_of=as_of)
    >>> first.add_many(data[:100]); second.add_many(data[100:])
    >>> merged = first.merge(second)
    >>> merged.result().to_json() == assess(model, data, as_of=as_of).to_json()
    True
    """

    __slots__ = ("_definitions", "_pass")

    def __init__(
        self,
        model: ServiceModel,
        *,
        as_of: _dt.datetime,
        period: Period | str = Period.MONTH,
        customers: Iterable[Customer] = (),
    ) -> None:
        model = _checked_model(model)
        when = aware(as_of, field="as_of")
        check_supported(to_micros(when), field="as_of", value=when.isoformat())
        zone(model.timezone)
        cut = Period(period) if not isinstance(period, Period) else period
        metrics = _metrics(model)
        self._pass = _Pass.start(model, when, cut, metrics, tuple(customers))
        self._definitions = _definitions(metrics, _clock(model))

    @property
    def interactions(self) -> int:
        """How many interactions were added, created at or before *as_of*.

        >>> import pendulum
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email"])
        >>> AssessmentState(model, as_of=pendulum.datetime(2024, 3, 1)).interactions
        0
        """
        return self._pass.count

    def add(self, interaction: Interaction) -> None:
        """Add one interaction (one created after *as_of* is read and left out).

        Raises:
            ValidationError: *interaction* is not an Interaction, or its instant is
                outside 1900-2200.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> state.add(next(samples.generate(1, seed=1, start=pendulum.datetime(2024, 1, 8))))
        >>> state.interactions
        1
        """
        self.add_many((interaction,))

    def add_many(
        self, interactions: Iterable[Interaction], *, progress: Callable[[int], None] | None = None
    ) -> None:
        """Add every interaction of an iterable, read once.

        Args:
            interactions: any iterable (a list, or a reader's stream).
            progress: called with the running count every 10,000 interactions.

        Raises:
            ValidationError: an item is not an Interaction, or its instant is outside
                1900-2200 (the error names its position in *interactions*).

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> state.add_many(samples.generate(50, seed=1, start=pendulum.datetime(2024, 1, 8)))
        >>> state.interactions
        50
        """
        self._pass.read_all(interactions, progress)

    def add_feedback(self, feedback: Iterable[Feedback]) -> None:
        """Add survey responses and reviews given at or before *as_of* (NPS, CES, CSAT).

        Add each response to one state only: merged states count it once per state
        that holds it.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email"], feedback=["nps"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> data = list(samples.generate(200, seed=1, start=pendulum.datetime(2024, 1, 8)))
        >>> state.add_many(data)
        >>> state.add_feedback(samples.feedback(data, seed=1))
        >>> [row.cell("nps").n > 0 for row in state.result().overall.rows][:1]
        [True]
        """
        self._pass.read_feedback(feedback)

    def merge(self, other: AssessmentState) -> AssessmentState:
        """A new state holding what both hold; neither changes.

        Raises:
            ValidationError: *other* is not an assessment state of the same model, as of
                the same instant, by the same period and with the same customers.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> other = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> state.add_many(samples.generate(50, seed=1, start=pendulum.datetime(2024, 1, 8)))
        >>> other.add_many(samples.generate(30, seed=2, start=pendulum.datetime(2024, 1, 8)))
        >>> state.merge(other).interactions
        80
        >>> state.merge(AssessmentState(model, as_of=pendulum.datetime(2024, 3, 1)))
        Traceback (most recent call last):
        ...
        servicemodel.exceptions.ValidationError: 'other' must assess the same model as of the same instant, by the same period, to merge
        """
        instance(other, AssessmentState, field="other")
        merged = object.__new__(AssessmentState)
        merged._pass = self._pass.merge(other._pass)
        merged._definitions = self._definitions
        return merged

    def result(self) -> Assessment:
        """The assessment of everything added: reports, SLA lines, goals, shifts, findings.

        Raises:
            EmptySampleError: no interaction was created at or before *as_of*.

        >>> import pendulum
        >>> from servicemodel import samples
        >>> from servicemodel.model import ServiceModel
        >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat"])
        >>> state = AssessmentState(model, as_of=pendulum.datetime(2024, 2, 1))
        >>> state.add_many(samples.generate(50, seed=1, start=pendulum.datetime(2024, 1, 8)))
        >>> state.result().interactions
        50
        """
        state = self._pass
        if state.count == 0:
            raise _nothing_to_assess(state.read, state.when)
        return state.conclude(clock=_clock(state.model), definitions=self._definitions)

    def __getstate__(self) -> tuple[_Pass, tuple[KpiDefinition, ...]]:
        return self._pass, self._definitions

    def __setstate__(self, state: tuple[_Pass, tuple[KpiDefinition, ...]]) -> None:
        self._pass, self._definitions = state


def assess(
    model: ServiceModel,
    interactions: Iterable[Interaction],
    *,
    customers: Iterable[Customer] = (),
    feedback: Iterable[Feedback] = (),
    as_of: _dt.datetime,
    period: Period | str = Period.MONTH,
    progress: Callable[[int], None] | None = None,
) -> Assessment:
    """Assess *model* over *interactions* (and feedback) as of an instant.

    One pass over the data (an :class:`AssessmentState` fed everything; for data in
    parts, merge a state per part, or see :func:`assess_bag`), in memory that grows with customers, agents,
    groups and periods, and by one (customer, instant) pair per interaction
    for the exact repeat-contact KPI:
    KPIs by channel and period and overall, SLA compliance per policy,
    priority and metric, each goal's SMART check and progress against its
    line, the shift in channel preference between the last two periods, top
    complaint themes (tags the SLA policies route on, such as a customer
    tier, are not themes; with the model's ``theme_tag_prefix`` only tags
    with that prefix are), repeat contacts (``kpi.RepeatContactRate``:
    contacts followed by another from the same customer within 7 days) and
    contacts per customer in the latest period, last month's recognition
    leaderboard (this month's to date when last month has no data), the outreach due in the next 7 days for a
    proactive model, and a ranked list of findings, each with the rule and
    threshold that raised it and what to look at next.

    Time KPIs count business time on the model's business calendar when it
    names one, else calendar time (:attr:`Assessment.clock` says which).
    Interactions created after *as_of* are left out; the evaluation reads
    each interaction as it stood at *as_of*.

    Args:
        model: the service model.
        interactions: any iterable (a list, or a reader's stream), read once.
        customers: customers, for SLA policies with segment or tier conditions.
        feedback: survey responses and reviews (NPS, CES, CSAT surveys).
        as_of: the instant of the assessment.
        period: ``"day"``, ``"week"`` or ``"month"`` (default), in the model's zone.
        progress: called with the running count every 10,000 interactions.

    Raises:
        ValidationError: a bad argument, or an instant outside 1900-2200.
        EmptySampleError: no interaction was created at or before *as_of*
            (an empty file, or an iterator already used up).

    >>> import pendulum
    >>> from servicemodel import samples
    >>> from servicemodel.model import ServiceModel
    >>> model = ServiceModel(name="Desk", type="reactive", channels=["email", "chat", "phone"])
    >>> data = samples.generate(300, seed=3, start=pendulum.datetime(2024, 1, 1, tz="Europe/London"))
    >>> result = assess(model, data, as_of=pendulum.datetime(2024, 3, 1, tz="Europe/London"))
    >>> result.interactions
    300
    """
    state = AssessmentState(model, as_of=as_of, period=period, customers=customers)
    state.add_many(interactions, progress=progress)
    state.add_feedback(feedback)
    return state.result()
