"""Loyalty policies built in code: refusals name their field."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.loyalty import (
    AfterDays,
    EndOfPeriod,
    Ledger,
    NeverExpires,
    Pending,
    Policies,
    WhicheverFirst,
)

WARSAW = "Europe/Warsaw"


def refused(build: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(*args, **kwargs)
    return caught.value


def test_points_earned_in_a_year_with_one_extra_year_expire_when_the_next_year_ends() -> None:
    ledger = Ledger(policies=Policies(zone=WARSAW, expiry=EndOfPeriod(period="year", extra=1)))
    ledger.earn(member="m", points=10, at=pendulum.datetime(2025, 3, 10, tz=WARSAW), key="k")
    last_minute = pendulum.datetime(2026, 12, 31, 23, 59, tz=WARSAW)
    assert ledger.balance("m", as_of=last_minute).available == 10
    assert ledger.balance("m", as_of=pendulum.datetime(2027, 1, 1, tz=WARSAW)).available == 0


@pytest.mark.parametrize(
    ("build", "kwargs", "field", "message"),
    [
        (AfterDays, {"days": 0}, "days", "'days' must be an integer from 1 to 36525 (got 0)"),
        (
            AfterDays,
            {"days": 5, "convention": "whenever"},
            "convention",
            "'convention' must be one of 'earn_day_is_day_one', 'end_of_day_plus_n', "
            "'exact_instant' (got 'whenever')",
        ),
        (Pending, {"unit": "weeks"}, "unit", "'unit' must be one of 'days', 'hours' (got 'weeks')"),
        (
            Policies,
            {"returns": "nearest"},
            "returns",
            "'returns' must be one of 'proportional', 'line_attributed' (got 'nearest')",
        ),
        (
            WhicheverFirst,
            {"rules": []},
            "rules",
            "'rules' must name at least one expiry rule (got none)",
        ),
        (
            Policies,
            {"expiry": "never"},
            "expiry",
            "'expiry' must be an expiry rule such as AfterDays(days=365) (got 'never')",
        ),
    ],
    ids=[
        "days-zero",
        "unknown-convention",
        "unknown-unit",
        "unknown-returns",
        "no-rules",
        "expiry-text",
    ],
)
def test_a_bad_loyalty_policy_is_refused_naming_its_field(
    build: Any, kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(build, **kwargs)
    assert error.field == field
    assert str(error) == message


def test_whichever_first_takes_only_simple_rules() -> None:
    error = refused(WhicheverFirst, rules=[WhicheverFirst(rules=[NeverExpires()])])
    assert error.field == "rules"
    assert str(error).startswith(
        "'rules' must contain only simple expiry rules, not WhicheverFirst"
    )
