"""The reference demo of Zendesk data with dbt_zendesk's SLA figures, for the tests.

``REFERENCE`` is ``tests/fixtures/zendesk-dbt`` (seeds/ and the peer's outputs/), a
copy of the shared reference data set ``shared/reference/zendesk-dbt`` (whose
SCENARIOS.txt and NOTES.md explain every ticket). A few demo tickets are also built by hand here, on the NY
schedule (Mon-Fri 09:00-17:00 America/New_York), for tests of reconcile itself.
"""

from __future__ import annotations

from pathlib import Path

import pendulum

from servicemodel import Interaction, Message, PolicyApplied, StatusChange
from servicemodel.sla import BusinessCalendar, PolicySet, SlaPolicy, Target


def _reference() -> Path:
    """The demo data set: the copy in tests/fixtures (seeds and the peer's outputs)."""
    return Path(__file__).resolve().parent / "fixtures" / "zendesk-dbt"


REFERENCE = _reference()
SEEDS = REFERENCE / "seeds"
SLA_POLICIES = REFERENCE / "outputs" / "zendesk__sla_policies.csv"

NY = BusinessCalendar.weekly("America/New_York", {"mon-fri": "09:00-17:00"})
RUN = pendulum.datetime(2026, 12, 6, 2, 45)  # the dbt run clock


def utc(text: str) -> pendulum.DateTime:
    parsed = pendulum.parse(text, tz="UTC")
    assert isinstance(parsed, pendulum.DateTime)
    return parsed


def minutes(n: float) -> pendulum.Duration:
    return pendulum.duration(microseconds=round(n * 60_000_000))


def policies(name: str = "Standard SLA", **targets: Target) -> PolicySet:
    return PolicySet(
        policies=[SlaPolicy(name=name, targets={"normal": list(targets.values())})],
        calendars={"ny": NY},
    )


def business(metric: str, within: int) -> Target:
    return Target(metric=metric, within=minutes(within), calendar="ny")


def calendar_time(metric: str, within: int) -> Target:
    return Target(metric=metric, within=minutes(within))


def ticket_109() -> Interaction:
    at = utc
    return Interaction(
        id="109",
        customer_id="10",
        channel="email",
        created_at=at("2025-06-17 13:00"),
        events=[
            Message(at=at("2025-06-17 13:00"), author="customer"),
            PolicyApplied(at=at("2025-06-17 13:00"), policy="Standard SLA"),
            Message(at=at("2025-06-17 13:30"), author="agent"),
            StatusChange(at=at("2025-06-17 13:30"), status="open"),
            Message(at=at("2025-06-17 15:00"), author="agent"),
            StatusChange(at=at("2025-06-17 15:00"), status="pending"),
            Message(at=at("2025-06-18 14:00"), author="customer"),
            StatusChange(at=at("2025-06-18 14:00"), status="open"),
            StatusChange(at=at("2025-06-18 16:30"), status="on_hold"),
            StatusChange(at=at("2025-06-19 14:00"), status="open"),
            Message(at=at("2025-06-19 17:00"), author="agent"),
            StatusChange(at=at("2025-06-19 17:00"), status="solved"),
        ],
    )


def ticket_110() -> Interaction:
    at = utc
    return Interaction(
        id="110",
        customer_id="11",
        channel="email",
        created_at=at("2025-06-23 10:00"),
        events=[
            Message(at=at("2025-06-23 10:00"), author="customer"),
            PolicyApplied(at=at("2025-06-23 10:00"), policy="Calendar SLA"),
            StatusChange(at=at("2025-06-23 11:00"), status="open"),
            Message(at=at("2025-06-23 11:00"), author="agent"),
            StatusChange(at=at("2025-06-23 12:00"), status="pending"),
            Message(at=at("2025-06-24 09:00"), author="customer"),
            StatusChange(at=at("2025-06-24 09:00"), status="open"),
            Message(at=at("2025-06-24 12:00"), author="agent"),
            StatusChange(at=at("2025-06-24 12:00"), status="solved"),
        ],
    )
