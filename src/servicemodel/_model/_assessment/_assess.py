"""Assess a service model end to end over interactions, in one streaming pass."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from typing import Any

import pendulum

from ..._time import aware, to_micros, zone
from ...customers import Customer
from ...exceptions import EmptySampleError, ValidationError
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
    if not isinstance(model, ServiceModel):
        raise ValidationError(
            f"'model' must be a ServiceModel (got {type(model).__name__})",
            field="model",
            value=model,
        )
    return model


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

    One pass over the data, in memory that grows with customers, agents,
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
    model = _checked_model(model)
    when = aware(as_of, field="as_of")
    check_supported(to_micros(when), field="as_of", value=when.isoformat())
    zone(model.timezone)
    cut = Period(period) if not isinstance(period, Period) else period
    metrics = _metrics(model)
    state = _Pass.start(model, when, cut, metrics, tuple(customers))
    state.read_all(interactions, progress)
    if state.count == 0:
        raise _nothing_to_assess(state.read, when)
    state.read_feedback(feedback)
    clock = _clock(model)
    return state.conclude(clock=clock, definitions=_definitions(metrics, clock))
