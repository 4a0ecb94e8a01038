"""Shared value rules: goal values, identifiers, odd time zones and exact team numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest

from servicemodel import Interaction
from servicemodel._time import to_micros
from servicemodel.exceptions import ValidationError
from servicemodel.goals import Goal
from servicemodel.team._common import exact


class PlusTwo(dt.tzinfo):
    """A hand-written fixed zone: neither zoneinfo, datetime.timezone nor pendulum."""

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=2)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "PLUS2"


def test_a_custom_tzinfo_is_kept_and_counted_by_its_offset() -> None:
    created = dt.datetime(2024, 6, 10, 9, tzinfo=PlusTwo())
    ticket = Interaction(id="T", customer_id="C", channel="chat", created_at=created)
    assert isinstance(ticket.created_at.tzinfo, PlusTwo)
    assert to_micros(ticket.created_at) == to_micros(pendulum.datetime(2024, 6, 10, 7))


def test_a_naive_instant_is_refused_with_the_remedy() -> None:
    with pytest.raises(ValidationError) as caught:
        to_micros(dt.datetime(2024, 1, 1))
    assert caught.value.field == "instant"
    assert str(caught.value).startswith(
        "'instant' must be timezone-aware (got naive 2024-01-01T00:00:00); attach a timezone"
    )


def test_an_identifier_longer_than_256_characters_is_refused_with_its_length() -> None:
    with pytest.raises(
        ValidationError, match=r"^'id' must be at most 256 characters \(got 300 characters\)$"
    ):
        Interaction(
            id="T" * 300, customer_id="C", channel="chat", created_at=pendulum.datetime(2024, 1, 1)
        )


def test_goal_values_take_decimals_exactly() -> None:
    assert Goal(name="g", baseline=Decimal("1.5")).baseline == Fraction(3, 2)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), "'target' must be finite (got Decimal('NaN'))"),
        (
            pendulum.duration(months=1),
            "'target' must not be month- or year-based (got Duration(months=1))",
        ),
    ],
)
def test_goal_values_refuse_non_finite_and_calendar_based_values(
    value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Goal(name="g", target=value)
    assert caught.value.field == "target"
    assert str(caught.value) == message


def test_goal_progress_needs_observations_not_pairs() -> None:
    goal = Goal(
        name="g",
        metric="csat",
        direction="increase",
        baseline=0.5,
        target=0.9,
        start=pendulum.datetime(2024, 1, 1),
        deadline=pendulum.datetime(2024, 6, 1),
    )
    with pytest.raises(ValidationError) as caught:
        goal.progress([(pendulum.datetime(2024, 2, 1), 0.6)], pendulum.datetime(2024, 3, 1))  # type: ignore[list-item]
    assert caught.value.field == "observations[0]"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "'w' must be a finite number (got inf)"),
        (Decimal("NaN"), "'w' must be a finite number (got Decimal('NaN'))"),
        (1e-300, "'w' must be a number of reasonable size and precision (got 1e-300)"),
        (
            10**19,
            "'w' must be a number of reasonable size and precision (got 10000000000000000000)",
        ),
    ],
)
def test_exact_team_numbers_refuse_infinite_and_unreasonable_values(
    value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        exact(value, field="w")
    assert str(caught.value) == message
