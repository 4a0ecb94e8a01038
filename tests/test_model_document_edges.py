"""Service model documents: goal dates, follow-ups, recognition and an embedded loyalty programme."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest

from servicemodel.exceptions import ModelDocumentError
from servicemodel.model import load_model

BASE: dict[str, Any] = {
    "name": "X",
    "type": "reactive",
    "channels": ["email"],
    "timezone": "Europe/London",
}


def problems(**changes: Any) -> list[tuple[str, str]]:
    with pytest.raises(ModelDocumentError) as caught:
        load_model({**BASE, **changes})
    return [(p.path, p.message) for p in caught.value.problems]


def goal(**fields: Any) -> dict[str, Any]:
    return {"name": "g", "metric": "csat", "target": 1, **fields}


def test_toml_dates_and_local_times_are_read_in_the_model_zone() -> None:
    model = load_model(
        """
name = "X"
type = "reactive"
channels = ["email"]
timezone = "Europe/London"
[[goals]]
name = "g"
metric = "csat"
target = 1
start = 2024-07-01
deadline = 2024-12-01T09:30:00
"""
    )
    (only,) = model.goals
    assert only.start == pendulum.datetime(2024, 7, 1, tz="Europe/London")
    assert only.deadline == pendulum.datetime(2024, 12, 1, 9, 30, tz="Europe/London")


def test_aware_datetimes_keep_their_offset_and_local_text_takes_the_model_zone() -> None:
    start = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
    model = load_model({**BASE, "goals": [goal(start=start, deadline="2024-12-01T09:30")]})
    (only,) = model.goals
    assert only.start == pendulum.datetime(2024, 7, 1, 9, tz="UTC")  # 10:00 in London
    assert only.deadline == pendulum.datetime(2024, 12, 1, 9, 30, tz="Europe/London")


def test_goal_dates_that_are_not_dates_are_each_reported() -> None:
    rule = "must be a date 'YYYY-MM-DD' or an ISO timestamp"
    assert problems(goals=[goal(start="soon", deadline=5)]) == [
        ("goals[0].start", f"{rule} (got 'soon')"),
        ("goals[0].deadline", f"{rule} (got 5)"),
    ]


@pytest.mark.parametrize(
    ("goals", "expected"),
    [
        ({"g": 1}, [("goals", "must be an array of at most 100 goals")]),
        (
            [goal(name=f"g{i}") for i in range(101)],
            [("goals", "must be an array of at most 100 goals")],
        ),
        ([{"metric": "csat", "target": 0.9}], [("goals[0].name", "is required")]),
        (
            [goal(scope={"channel": "fax"})],
            [
                (
                    "goals[0].scope.channel",
                    "must be one of 'phone', 'email', 'chat', 'social', 'web_form', "
                    "'self_service', 'in_person' (got 'fax')",
                )
            ],
        ),
        ([goal(owner=5)], [("goals[0].owner", "must be a non-empty string (got 5)")]),
    ],
    ids=["not-a-list", "too-many", "no-name", "bad-scope", "owner-number"],
)
def test_goal_problems_are_reported_at_their_path(
    goals: object, expected: list[tuple[str, str]]
) -> None:
    assert problems(goals=goals) == expected


def test_follow_ups_must_be_a_list_and_each_rule_complete() -> None:
    assert problems(follow_ups={"x": 1}) == [("follow_ups", "must be an array of follow-up rules")]
    assert problems(follow_ups=[{"name": "x", "after": "1d"}]) == [
        ("follow_ups[0].trigger", "is required"),
        ("follow_ups[0].channel", "is required"),
    ]


def test_a_bad_recognition_duration_is_reported_at_its_key() -> None:
    assert problems(recognition={"fast_under": "fast", "resolve_within": "1d"}) == [
        (
            "recognition.fast_under",
            "must be a duration such as '90m', '1h30m', '2d' or 'PT1H30M' (got 'fast')",
        )
    ]


def test_recognition_names_its_csat_variant() -> None:
    assert problems(recognition={"csat": "mean", "happy_from": 4}) == [
        (
            "recognition.happy_from",
            "is not a known key; expected one of fast_under, resolve_within, fast_points, "
            "on_time_points, late_points, first_contact_points, happy_points, unhappy_points, "
            "csat, minimum_samples, tie_break",
        ),
        (
            "recognition.csat",
            "must be 'top_two_box' or 'top_box': the CSAT variant whose satisfied ratings "
            "are happy (got 'mean')",
        ),
    ]


def test_feedback_must_name_a_collection_of_measures() -> None:
    assert problems(feedback="csat") == [
        ("feedback", "must be a collection of names, not a single value (got 'csat')")
    ]


def test_an_embedded_loyalty_programme_is_loaded() -> None:
    model = load_model({**BASE, "loyalty": {"name": "club", "policies": {"zone": "Europe/London"}}})
    assert model.programme is not None
    assert model.programme.name == "club"
    assert model.programme.policies.zone == "Europe/London"


@pytest.mark.parametrize(
    ("loyalty", "expected"),
    [
        (
            {"name": "club", "policies": {"zone": "Mars/Base"}},
            (
                "loyalty.policies.zone",
                "'zone' must be an IANA zone name such as 'Europe/London' (got 'Mars/Base')",
            ),
        ),
        (
            {"name": "club", "colour": "red"},
            (
                "loyalty.colour",
                "is not a field of Programme (name, policies, earn, tiers, catalogue)",
            ),
        ),
        ([1], ("loyalty", "must be a table at the top (got list)")),
    ],
    ids=["bad-zone", "unknown-key", "not-a-table"],
)
def test_loyalty_programme_problems_are_prefixed_with_loyalty(
    loyalty: object, expected: tuple[str, str]
) -> None:
    assert problems(loyalty=loyalty) == [expected]
