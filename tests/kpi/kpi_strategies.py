"""Hypothesis strategies for the KPI tests: valid interactions, customers, feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from hypothesis import strategies as st

from servicemodel import (
    Assignment,
    CesResponse,
    CsatResponse,
    Customer,
    Interaction,
    Message,
    NpsResponse,
    Review,
    SatisfactionResponse,
    StatusChange,
)
from servicemodel.kpi import AgentTime, QueueOutcome
from servicemodel.sla import BusinessCalendar, Condition, FieldTest, PolicySet, SlaPolicy, Target

BASE = pendulum.datetime(2024, 6, 3, 0, tz="UTC")
CUSTOMERS = ("C1", "C2", "C3", "C4")
CHANNELS = ("email", "chat", "phone", "self_service")
TAGS = ("billing", "late", "broken", "refund")
STATUSES = ("open", "pending", "on_hold", "solved", "closed")

#: SLA policies for the compliance KPI: business-hours and calendar-time targets
#: for every priority interactions() draws, several metrics each; AS_OF cuts the
#: drawn logs (created within 40 days, events up to ~9 days later) mid-stream.
OFFICE = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
_HOUR = pendulum.duration(hours=1)
POLICIES = PolicySet(
    policies=[
        SlaPolicy(
            name="Chat",
            condition=Condition.all_of(
                FieldTest(field="channel", operator="equals", values="chat")
            ),
            targets={
                "high": [Target(metric="first_reply", within=pendulum.duration(minutes=30))],
                "normal": [
                    Target(metric="first_reply", within=_HOUR),
                    Target(metric="next_reply", within=_HOUR),
                ],
            },
        ),
        SlaPolicy(
            name="Standard",
            targets={
                "low": [Target(metric="resolution", within=_HOUR * 40, calendar="office")],
                "normal": [
                    Target(metric="first_reply", within=_HOUR * 8, calendar="office"),
                    Target(metric="requester_wait", within=_HOUR * 24, calendar="office"),
                ],
                "high": [
                    Target(metric="first_reply", within=_HOUR * 2),
                    Target(metric="agent_work", within=_HOUR * 16, calendar="office"),
                    Target(metric="periodic_update", within=_HOUR * 12),
                ],
            },
        ),
    ],
    calendars={"office": OFFICE},
)
AS_OF = BASE.add(days=30)


@st.composite
def interactions(draw: st.DrawFn) -> Interaction:
    start = BASE.add(minutes=draw(st.integers(0, 60 * 24 * 40)))
    t = start
    status = "new"
    events: list[Any] = []
    for _ in range(draw(st.integers(0, 7))):
        t = t.add(seconds=draw(st.integers(0, 60 * 60 * 30)))
        kind = draw(
            st.sampled_from(
                ["customer", "agent", "agent", "bot", "private", "status", "rate", "assign"]
            )
        )
        if status == "closed" and kind != "rate":
            continue
        if kind == "status":
            choices = [s for s in STATUSES if s != status]
            status = draw(st.sampled_from(choices))
            events.append(StatusChange(at=t, status=status))
        elif kind == "rate":
            events.append(SatisfactionResponse(at=t, score=draw(st.integers(1, 5))))
        elif kind == "assign":
            events.append(
                Assignment(
                    at=t,
                    agent_id=draw(st.sampled_from([None, "A1", "A2", "A3"])),
                    group=draw(st.sampled_from([None, "tier-1", "billing"])),
                )
            )
        elif kind == "private":
            events.append(Message(at=t, author="agent", visibility="private"))
        elif kind == "agent":
            work = draw(st.none() | st.integers(0, 3600).map(lambda s: dt.timedelta(seconds=s)))
            events.append(Message(at=t, author="agent", work=work))
        else:
            events.append(Message(at=t, author=kind))
    return Interaction(
        id=f"T{draw(st.integers(0, 10**6))}",
        customer_id=draw(st.sampled_from(CUSTOMERS)),
        channel=draw(st.sampled_from(CHANNELS)),
        kind=draw(st.sampled_from(["complaint", "enquiry", "request"])),
        priority=draw(st.sampled_from(["low", "normal", "high"])),
        created_at=start,
        tags=draw(st.frozensets(st.sampled_from(TAGS), max_size=2)),
        events=events,
    )


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    acquired = BASE.add(days=draw(st.integers(-30, 40)))
    churn = draw(st.none() | st.integers(0, 60))
    return Customer(
        id=draw(st.sampled_from(CUSTOMERS)),
        acquired_at=acquired,
        churned_at=None if churn is None else acquired.add(days=churn),
    )


def _at(draw: st.DrawFn) -> pendulum.DateTime:
    return BASE.add(minutes=draw(st.integers(0, 60 * 24 * 40)))


@st.composite
def csat_items(draw: st.DrawFn) -> Any:
    which = draw(st.integers(0, 3))
    score = draw(st.integers(1, 5))
    if which == 0:
        return score
    if which == 1:
        return CsatResponse(customer_id="C1", at=_at(draw), score=score)
    return draw(interactions())


@st.composite
def nps_items(draw: st.DrawFn) -> Any:
    score = draw(st.integers(0, 10))
    if draw(st.booleans()):
        return score
    return NpsResponse(
        customer_id="C1", at=_at(draw), score=score, channel=draw(st.sampled_from(CHANNELS))
    )


@st.composite
def ces_items(draw: st.DrawFn) -> Any:
    score = draw(st.integers(1, 7))
    return (
        score if draw(st.booleans()) else CesResponse(customer_id="C1", at=_at(draw), score=score)
    )


@st.composite
def review_items(draw: st.DrawFn) -> Any:
    stars = draw(st.integers(1, 5))
    return stars if draw(st.booleans()) else Review(customer_id="C1", at=_at(draw), stars=stars)


@st.composite
def queue_items(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(interactions())
    return QueueOutcome(
        waited=dt.timedelta(seconds=draw(st.integers(0, 90))), answered=draw(st.booleans())
    )


@st.composite
def agent_times(draw: st.DrawFn) -> AgentTime:
    handling = draw(st.integers(0, 8 * 3600))
    available = handling + draw(st.integers(0, 3600))
    scheduled = available + draw(st.integers(0, 3600))
    return AgentTime(
        agent_id=draw(st.sampled_from(["A1", "A2"])),
        start=_at(draw),
        handling=dt.timedelta(seconds=handling),
        available=dt.timedelta(seconds=available),
        scheduled=dt.timedelta(seconds=scheduled),
    )


def people_and_contacts() -> st.SearchStrategy[Any]:
    return st.one_of(customers(), interactions())
