"""Recognition policies built in code: refusals name their field."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.team import RecognitionPolicy, awards, leaderboard


def refused(build: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"fast_points": True},
            "fast_points",
            "'fast_points' must be an integer from -1000000 to 1000000 (got True)",
        ),
        (
            {"late_points": -(10**7)},
            "late_points",
            "'late_points' must be an integer from -1000000 to 1000000 (got -10000000)",
        ),
        (
            {"csat": "good_over_good_and_bad"},
            "csat",
            "'csat' must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied "
            "ratings are happy (got 'good_over_good_and_bad')",
        ),
        (
            {"csat": 5},
            "csat",
            "'csat' must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied "
            "ratings are happy (got 5)",
        ),
    ],
)
def test_a_bad_recognition_policy_is_refused_naming_its_field(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(RecognitionPolicy, **kwargs)
    assert error.field == field
    assert str(error) == message


@pytest.mark.parametrize(
    ("year", "month", "field", "message"),
    [
        (1800, 1, "year", "'year' must be an integer from 1900 to 9999 (got 1800)"),
        (2025, 13, "month", "'month' must be an integer from 1 to 12 (got 13)"),
    ],
)
def test_a_leaderboard_month_must_be_a_real_month(
    year: int, month: int, field: str, message: str
) -> None:
    as_of = pendulum.datetime(2025, 1, 1)
    error = refused(leaderboard, [], RecognitionPolicy(), year=year, month=month, as_of=as_of)
    assert error.field == field
    assert str(error) == message


def test_awards_are_given_for_interactions_only() -> None:
    error = refused(awards, "T-1", RecognitionPolicy())
    assert error.field == "interaction"
    assert str(error) == "'interaction' must be an Interaction (got 'T-1')"
