"""Targets, policies and policy sets built in code: refused values and as-of policy choice."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Priority
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import Assignment, PriorityChange
from servicemodel.sla import Condition, FieldTest, Metric, PolicySet, SlaPolicy, Target

HOUR = pendulum.duration(hours=1)
T0 = pendulum.datetime(2024, 6, 10, 9)


def refused(build: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(**kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"paused_by": "pending"},
            "paused_by",
            "'paused_by' must be a collection of statuses (got 'pending')",
        ),
        (
            {"paused_by": 3},
            "paused_by",
            "'paused_by' must be a collection of statuses (got 3)",
        ),
        (
            {"paused_by": ["pending", "solved", "closed"]},
            "paused_by",
            "'paused_by' must only name new, open, pending or on_hold; solved and closed stop "
            "clocks rather than pause them (got ['closed', 'solved'])",
        ),
        (
            {"warn_percent": 100},
            "warn_percent",
            "'warn_percent' must be an integer from 1 to 99 (got 100)",
        ),
        (
            {"warn_percent": True},
            "warn_percent",
            "'warn_percent' must be an integer from 1 to 99 (got True)",
        ),
        (
            {"warn_percent": 50, "warn_before": pendulum.duration(minutes=5)},
            "warn_before",
            "'warn_before' must not be combined with 'warn_percent'; choose one "
            "(got warn_percent=50)",
        ),
        (
            {"warn_before": HOUR},
            "warn_before",
            "'warn_before' must be shorter than 'within' (got 1 hour >= 1 hour)",
        ),
    ],
    ids=[
        "paused-by-text",
        "paused-by-number",
        "paused-by-stopping-statuses",
        "warn-percent-100",
        "warn-percent-bool",
        "warn-both-ways",
        "warn-before-equal-to-within",
    ],
)
def test_a_bad_target_is_refused_naming_field_and_value(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(Target, metric="resolution", within=HOUR, **kwargs)
    assert error.field == field
    assert str(error) == message


def test_a_policy_condition_must_be_a_condition() -> None:
    error = refused(SlaPolicy, name="A", condition={"all": []})
    assert error.field == "condition"
    assert str(error) == "'condition' must be a Condition (got {'all': []})"


@pytest.mark.parametrize("description", [7, "x" * 4_097], ids=["number", "too-long"])
def test_a_policy_description_must_be_short_text(description: object) -> None:
    error = refused(SlaPolicy, name="A", description=description)
    assert error.field == "description"
    assert str(error).startswith("'description' must be a string of at most 4096 characters")


def test_a_policy_has_no_target_for_a_metric_it_does_not_set_at_that_priority() -> None:
    policy = SlaPolicy(
        name="A",
        targets={
            "low": [Target(metric="resolution", within=HOUR)],
            "urgent": [Target(metric="first_reply", within=HOUR)],
        },
    )
    assert policy.target(Priority.URGENT, Metric.RESOLUTION) is None
    assert policy.target(Priority.LOW, Metric.FIRST_REPLY) is None
    urgent = policy.target(Priority.URGENT, Metric.FIRST_REPLY)
    assert urgent is not None
    assert urgent.metric is Metric.FIRST_REPLY


def test_an_unknown_calendar_name_is_refused_by_the_policy_set() -> None:
    from servicemodel.sla import BusinessCalendar

    office = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    policies = PolicySet(policies=[], calendars={"office": office})
    assert policies.calendar("office") is office
    error = refused(policies.calendar, name="shop")
    assert error.field == "calendar"
    assert str(error) == "'calendar' must name a calendar of the policy set (got 'shop')"


def _billing_policies() -> PolicySet:
    return PolicySet(
        policies=[
            SlaPolicy(
                name="Billing urgent",
                condition=Condition.all_of(
                    FieldTest(field="group", operator="equals", values="billing"),
                    FieldTest(field="priority", operator="equals", values="urgent"),
                ),
            ),
            SlaPolicy(
                name="Billing",
                condition=Condition.all_of(
                    FieldTest(field="group", operator="equals", values="billing")
                ),
            ),
        ]
    )


def test_the_policy_is_chosen_on_group_and_priority_as_they_stood_at_the_instant() -> None:
    interaction = Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        created_at=T0,
        events=[
            Assignment(at=T0.add(minutes=10), group="billing"),
            PriorityChange(at=T0.add(minutes=20), priority="urgent"),
            Assignment(at=T0.add(minutes=30), group="returns"),
        ],
    )
    policies = _billing_policies()

    def chosen(at: pendulum.DateTime | None) -> str | None:
        policy = policies.policy_for(interaction, at=at)
        return None if policy is None else policy.name

    assert chosen(T0.add(minutes=5)) is None  # no group yet
    assert chosen(T0.add(minutes=15)) == "Billing"  # billing, still normal
    assert chosen(T0.add(minutes=25)) == "Billing urgent"
    assert chosen(T0.add(minutes=35)) is None  # moved to returns
    assert chosen(None) is None  # the whole log: returns
    assert policies.policies[1].applies_to(interaction, at=T0.add(minutes=15))
    assert not policies.policies[1].applies_to(interaction)


def _resolution() -> Target:
    return Target(metric="resolution", within=HOUR)


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ([("low",)], "'targets' must map priorities to targets (got ('low',))"),
        ({"low": 5}, "'targets' must map each priority to a collection of targets (got 5)"),
        (
            [("low", [_resolution()]), ("low", [Target(metric="first_reply", within=HOUR)])],
            "'targets' must name each priority once (got 'low' twice)",
        ),
        ({"low": ["x"]}, "'targets' must hold Target values (got 'x')"),
        (
            {"low": [_resolution(), _resolution()]},
            "'targets' must give 'low' one target per metric (got 'resolution' twice)",
        ),
    ],
    ids=["pair-too-short", "not-a-collection", "priority-twice", "not-a-target", "metric-twice"],
)
def test_policy_targets_are_refused_naming_the_problem(targets: object, message: str) -> None:
    error = refused(SlaPolicy, name="A", targets=targets)
    assert error.field == "targets"
    assert str(error) == message


def test_a_single_target_is_not_a_collection_of_targets() -> None:
    error = refused(SlaPolicy, name="A", targets={"low": _resolution()})
    assert str(error).startswith("'targets' must map each priority to a collection of targets")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"calendars": [("x", 1)]},
            "calendars",
            "'calendars' must map names to calendars such as BusinessCalendar (got [('x', 1)])",
        ),
        (
            {"calendars": {" office": "calendar"}},
            "calendars",
            "'calendars' must be named by non-empty strings (got ' office')",
        ),
        ({"policies": ["A"]}, "policies", "'policies' must hold SlaPolicy values (got 'A')"),
        (
            {"policies": [SlaPolicy(name=f"p{i}") for i in range(1_001)]},
            "policies",
            "'policies' must hold at most 1000 policies (got 1001)",
        ),
    ],
    ids=["calendars-pairs", "calendar-name-blank", "policy-text", "too-many-policies"],
)
def test_a_bad_policy_set_is_refused_naming_field_and_value(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    error = refused(PolicySet, **{"policies": [], **kwargs})
    assert error.field == field
    assert str(error) == message


def test_at_most_one_hundred_calendars_in_a_policy_set() -> None:
    from servicemodel.sla import BusinessCalendar

    always = BusinessCalendar.always()
    error = refused(PolicySet, policies=[], calendars={f"c{i}": always for i in range(101)})
    assert str(error) == "'calendars' must hold at most 100 calendars (got 101)"
