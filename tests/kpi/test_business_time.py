"""Durations in business time: the real BusinessCalendar, scalar and numpy feeds agree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import kpi_strategies as ks

from servicemodel import Interaction, Message, StatusChange
from servicemodel.exceptions import ValidationError
from servicemodel.kpi import (
    Accumulator,
    FirstReplyTime,
    ResolutionTime,
    first_reply_time,
    interaction_columns,
    report,
)
from servicemodel.sla import BusinessCalendar

LONDON = BusinessCalendar.weekly(
    "Europe/London", {"mon-fri": "09:00-17:00"}, holidays=[pendulum.date(2024, 8, 26)]
)


def ticket(created: pendulum.DateTime, replied: pendulum.DateTime) -> Interaction:
    return Interaction(
        id="T",
        customer_id="C",
        channel="email",
        created_at=created,
        events=[Message(at=replied, author="agent"), StatusChange(at=replied, status="solved")],
    )


def test_friday_afternoon_to_monday_morning_is_two_business_hours() -> None:
    i = ticket(
        pendulum.datetime(2024, 6, 7, 16, tz="Europe/London"),
        pendulum.datetime(2024, 6, 10, 10, tz="Europe/London"),
    )
    assert first_reply_time([i], calendar=LONDON).median == pendulum.duration(hours=2)
    assert first_reply_time([i]).median == pendulum.duration(hours=66)


def test_bank_holiday_does_not_count() -> None:
    i = ticket(
        pendulum.datetime(2024, 8, 23, 16, tz="Europe/London"),
        pendulum.datetime(2024, 8, 27, 10, tz="Europe/London"),
    )
    assert first_reply_time([i], calendar=LONDON).median == pendulum.duration(hours=2)


def test_always_calendar_equals_calendar_time() -> None:
    i = ticket(pendulum.datetime(2024, 6, 7, 16), pendulum.datetime(2024, 6, 10, 10))
    always = first_reply_time([i], calendar=BusinessCalendar.always())
    assert always == first_reply_time([i])


@settings(max_examples=40)
@given(st.lists(ks.interactions(), max_size=12))
def test_numpy_feed_with_elapsed_many_equals_item_feed(items: list[Interaction]) -> None:
    columns = interaction_columns(items)
    for make in (
        lambda: FirstReplyTime.empty(calendar=LONDON, exact_limit=3),
        lambda: ResolutionTime.empty(calendar=LONDON),
        lambda: ResolutionTime.empty(calendar=LONDON, variant="first"),
    ):
        scalar: Any = make()
        scalar.add_many(items)
        batch: Any = make()
        batch.add_batch(columns)
        assert batch == scalar


@settings(max_examples=20)
@given(st.lists(ks.interactions(), max_size=10))
def test_business_time_report_from_columns_equals_report_from_items(
    items: list[Interaction],
) -> None:
    spec: dict[str, Any] = {
        "metrics": ["first_reply_time", "resolution_time"],
        "by": ["channel"],
        "period": "week",
        "timezone": "Europe/London",
        "calendar": LONDON,
    }
    assert report(interaction_columns(items), **spec) == report(items, **spec)


def test_business_time_state_needs_its_calendar_back_and_merges_only_with_it() -> None:
    acc = FirstReplyTime.empty(calendar=LONDON)
    acc.add(
        ticket(
            pendulum.datetime(2024, 6, 7, 16, tz="Europe/London"),
            pendulum.datetime(2024, 6, 10, 10, tz="Europe/London"),
        )
    )
    data = acc.to_json()
    assert data["business_time"] is True
    with pytest.raises(ValidationError, match="'calendar' must be given"):
        Accumulator.from_json(data)
    assert Accumulator.from_json(data, calendar=LONDON) == acc
    other = FirstReplyTime.empty(calendar=BusinessCalendar.always())
    with pytest.raises(ValidationError, match="'other' must use the same calendar"):
        acc.merge(other)
    with pytest.raises(ValidationError, match="'calendar' must be a business calendar"):
        FirstReplyTime.empty(calendar="Europe/London")
