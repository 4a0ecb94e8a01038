"""Feedback responses and customers."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given

from servicemodel import CesResponse, Channel, CsatResponse, Customer, NpsResponse, Review
from servicemodel.exceptions import ValidationError
from servicemodel.testing import customers, feedback

AT = pendulum.datetime(2024, 6, 1, tz="Europe/Warsaw")


@pytest.mark.parametrize(
    ("cls", "field", "low", "high"),
    [
        (CsatResponse, "score", 1, 5),
        (NpsResponse, "score", 0, 10),
        (CesResponse, "score", 1, 7),
        (Review, "stars", 1, 5),
    ],
)
def test_scales_are_bounded(cls: type, field: str, low: int, high: int) -> None:
    assert getattr(cls(customer_id="C", at=AT, **{field: low}), field) == low
    assert getattr(cls(customer_id="C", at=AT, **{field: high}), field) == high
    for bad in (low - 1, high + 1):
        with pytest.raises(ValidationError) as info:
            cls(customer_id="C", at=AT, **{field: bad})
        assert info.value.field == field
        assert info.value.value == bad
        assert f"an integer from {low} to {high}" in str(info.value)


def test_feedback_fields_are_checked() -> None:
    with pytest.raises(ValidationError, match="'channel' must be one of"):
        NpsResponse(customer_id="C", at=AT, score=5, channel="pigeon")
    with pytest.raises(ValidationError, match="'at' must be timezone-aware"):
        NpsResponse(customer_id="C", at=dt.datetime(2024, 1, 1), score=5)
    with pytest.raises(ValidationError, match="'customer_id' must be a non-empty string"):
        NpsResponse(customer_id="", at=AT, score=5)
    assert NpsResponse(customer_id="C", at=AT, score=5, channel="chat").channel is Channel.CHAT


def test_customer_churn_and_activity() -> None:
    c = Customer(id="C", acquired_at=AT, churned_at=AT.add(days=30))
    assert not c.is_active(AT.subtract(seconds=1))
    assert c.is_active(AT)
    assert c.is_active(AT.add(days=29))
    assert not c.is_active(AT.add(days=30))
    with pytest.raises(ValidationError, match="'churned_at' must not be before 'acquired_at'"):
        Customer(id="C", acquired_at=AT, churned_at=AT.subtract(days=1))


@given(feedback())
def test_generated_feedback_is_hashable_and_equal_to_itself(item: object) -> None:
    assert item == item
    assert hash(item) == hash(item)


@given(customers())
def test_generated_customers_are_active_at_acquisition(customer: Customer) -> None:
    assert customer.is_active(customer.acquired_at) == (customer.churned_at != customer.acquired_at)
