"""Targets, policies and policy sets built in code: refused values and as-of policy choice."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from servicemodel import Interaction, Priority
from servicemodel.customers import Customer
from servicemodel.exceptions import ValidationError
from servicemodel.interactions import Assignment, PriorityChange, Status
from servicemodel.sla import (
    BusinessCalendar,
    Condition,
    FieldTest,
    Metric,
    PolicySet,
    PriorityChangeRule,
    SlaPolicy,
    Target,
)
from servicemodel.sla._policies import facts_of

HOUR = pendulum.duration(hours=1)
T0 = pendulum.datetime(2024, 6, 10, 9)


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
        ({"low": ["x"]}, "'targets.low[0]' must be a Target (got 'x')"),
        (
            {"low": [_resolution(), _resolution()]},
            "'targets' must give 'low' one target per metric (got 'resolution' twice)",
        ),
    ],
    ids=["pair-too-short", "not-a-collection", "priority-twice", "not-a-target", "metric-twice"],
)
def test_policy_targets_are_refused_naming_the_problem(targets: object, message: str) -> None:
    error = refused(SlaPolicy, name="A", targets=targets)
    assert error.field == message.split("'")[1]  # the field the message names
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
            "'calendars' name must not start or end with blanks (got ' office')",
        ),
        ({"policies": ["A"]}, "policies[0]", "'policies[0]' must be a SlaPolicy (got 'A')"),
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


US = 1


def refused(build: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(*args, **kwargs)
    return caught.value


# --- targets ----------------------------------------------------------------------


@pytest.mark.parametrize(("percent", "micros"), [(1, 36_000_000), (99, 3_564_000_000)])
def test_warn_percent_bounds_are_inclusive(percent: int, micros: int) -> None:
    target = Target(metric="resolution", within=HOUR, warn_percent=percent)
    assert target.warn_percent == percent
    assert target._warn_us() == micros


def test_warn_percent_rounds_down_to_the_microsecond() -> None:
    target = Target(metric="resolution", within=pendulum.duration(microseconds=7), warn_percent=50)
    assert target._warn_us() == 3


@pytest.mark.parametrize("percent", [0, 100, -5, 50.0, "50", True])
def test_a_bad_warn_percent_is_refused_with_its_value(percent: object) -> None:
    error = refused(Target, metric="resolution", within=HOUR, warn_percent=percent)
    assert str(error) == f"'warn_percent' must be an integer from 1 to 99 (got {percent!r})"
    assert error.field == "warn_percent"
    assert error.value is percent


def test_a_warning_one_microsecond_before_the_target_is_accepted() -> None:
    before = pendulum.duration(hours=1) - pendulum.duration(microseconds=1)
    target = Target(metric="resolution", within=HOUR, warn_before=before)
    assert target._warn_us() == US
    assert Target(metric="resolution", within=HOUR)._warn_us() is None
    assert target._within_us() == 3_600_000_000


def test_warn_before_refusals_carry_the_value() -> None:
    two = pendulum.duration(hours=2)
    error = refused(Target, metric="resolution", within=HOUR, warn_before=two)
    assert str(error) == "'warn_before' must be shorter than 'within' (got 2 hours >= 1 hour)"
    assert (error.field, error.value) == ("warn_before", two)
    five = pendulum.duration(minutes=5)
    error = refused(Target, metric="resolution", within=HOUR, warn_percent=10, warn_before=five)
    assert (error.field, error.value) == ("warn_before", five)
    error = refused(Target, metric="resolution", within=HOUR, warn_before="soon")
    assert error.field == "warn_before"


def test_paused_by_refusals_carry_the_value() -> None:
    for value in ("pending", 3):
        error = refused(Target, metric="resolution", within=HOUR, paused_by=value)
        assert (error.field, error.value) == ("paused_by", value)
    stopping = ["solved"]
    error = refused(Target, metric="resolution", within=HOUR, paused_by=stopping)
    assert str(error) == (
        "'paused_by' must only name new, open, pending or on_hold; solved and closed stop "
        "clocks rather than pause them (got ['solved'])"
    )
    assert error.value is stopping
    error = refused(Target, metric="resolution", within=HOUR, paused_by=["lunch"])
    assert error.field == "paused_by"


def test_paused_by_replaces_the_metric_default_and_none_keeps_it() -> None:
    default = Target(metric="agent_work", within=HOUR)
    assert default.paused_by is None
    assert default.pausing_statuses() == frozenset({Status.PENDING, Status.ON_HOLD})
    own = Target(metric="agent_work", within=HOUR, paused_by=["new", Status.OPEN])
    assert own.paused_by == frozenset({Status.NEW, Status.OPEN})
    assert own.pausing_statuses() == frozenset({Status.NEW, Status.OPEN})
    none = Target(metric="agent_work", within=HOUR, paused_by=[])
    assert none.pausing_statuses() == frozenset()


def test_a_target_names_its_metric_and_calendar() -> None:
    error = refused(Target, metric="speed", within=HOUR)
    assert error.field == "metric"
    error = refused(Target, metric="resolution", within="soon")
    assert error.field == "within"
    error = refused(Target, metric="resolution", within=HOUR, calendar="")
    assert error.field == "calendar"
    target = Target(metric=Metric.NEXT_REPLY, within=HOUR, calendar="office")
    assert (target.metric, target.calendar) == (Metric.NEXT_REPLY, "office")


# --- policies ----------------------------------------------------------------------


def test_targets_are_ordered_by_priority_rank_and_metric_order() -> None:
    policy = SlaPolicy(
        name="A",
        targets={
            "low": [
                Target(metric="resolution", within=HOUR),
                Target(metric="first_reply", within=HOUR),
                Target(metric="agent_work", within=HOUR),
            ],
            "urgent": [Target(metric="next_reply", within=HOUR)],
            "normal": [Target(metric="periodic_update", within=HOUR)],
        },
    )
    assert [p for p, _ in policy.targets] == sorted(
        (Priority.LOW, Priority.URGENT, Priority.NORMAL), key=lambda p: p.rank
    )
    low = dict(policy.targets)[Priority.LOW]
    assert [t.metric for t in low] == [Metric.FIRST_REPLY, Metric.AGENT_WORK, Metric.RESOLUTION]
    assert policy == SlaPolicy(name="A", targets=list(reversed(list(policy.targets))))
    for priority, targets in policy.targets:
        for target in targets:
            assert policy.target(priority, target.metric) is target


def test_target_refusals_carry_the_value() -> None:
    item = ("low",)
    error = refused(SlaPolicy, name="A", targets=[item])
    assert error.value is item
    error = refused(SlaPolicy, name="A", targets=[("low", 5)])
    assert error.value == 5
    error = refused(SlaPolicy, name="A", targets=["lo"])
    assert (error.field, error.value) == ("targets", "lo")
    error = refused(SlaPolicy, name="A", targets={"lowest": []})
    assert error.field == "targets"
    resolution = Target(metric="resolution", within=HOUR)
    error = refused(SlaPolicy, name="A", targets=[("low", [resolution]), ("low", [])])
    assert (error.field, error.value) == ("targets", Priority.LOW)
    error = refused(SlaPolicy, name="A", targets={"low": [resolution, "x"]})
    assert (error.field, error.value) == ("targets.low[1]", "x")
    error = refused(SlaPolicy, name="A", targets={"high": [resolution, resolution]})
    assert str(error) == "'targets' must give 'high' one target per metric (got 'resolution' twice)"
    assert (error.field, error.value) == ("targets", Metric.RESOLUTION)


def test_one_target_per_metric_is_per_priority() -> None:
    resolution = Target(metric="resolution", within=HOUR)
    policy = SlaPolicy(name="A", targets={"low": [resolution], "high": [resolution]})
    assert policy.target(Priority.HIGH, Metric.RESOLUTION) is resolution
    assert policy.target(Priority.LOW, Metric.RESOLUTION) is resolution


@pytest.mark.parametrize("description", [None, "", "x" * 4_096])
def test_a_description_of_up_to_4096_characters_is_accepted(description: str | None) -> None:
    assert SlaPolicy(name="A", description=description).description == description


@pytest.mark.parametrize("description", [7, "x" * 4_097])
def test_a_bad_description_is_refused_with_its_value(description: object) -> None:
    error = refused(SlaPolicy, name="A", description=description)
    assert str(error) == (
        f"'description' must be a string of at most 4096 characters (got {description!r:.80})"
    )
    assert (error.field, error.value) == ("description", description)


def test_a_condition_refusal_carries_the_value() -> None:
    value: dict[str, list[object]] = {"all": []}
    error = refused(SlaPolicy, name="A", condition=value)
    assert (error.field, error.value) == ("condition", value)
    assert SlaPolicy(name="A").condition == Condition()


# --- facts -------------------------------------------------------------------------


def _interaction() -> Interaction:
    return Interaction(
        id="T-1",
        customer_id="C-1",
        channel="email",
        kind="complaint",
        created_at=T0,
        tags=["vip"],
        attributes={"region": "eu"},
        events=[
            Assignment(at=T0.add(minutes=10), group="billing"),
            Assignment(at=T0.add(minutes=15), agent_id="A-1"),
            PriorityChange(at=T0.add(minutes=20), priority="urgent"),
            Assignment(at=T0.add(minutes=30), group="returns"),
        ],
    )


def test_facts_at_the_instant_of_an_event_include_it() -> None:
    interaction = _interaction()
    at_assignment = facts_of(interaction, at=T0.add(minutes=10))
    assert at_assignment.group == "billing"
    before = facts_of(interaction, at=T0.add(minutes=10).subtract(microseconds=1))
    assert before.group is None
    assert facts_of(interaction, at=T0.add(minutes=15)).group == "billing"  # no group named
    assert facts_of(interaction, at=T0.add(minutes=20)).priority == "urgent"
    assert facts_of(interaction, at=T0.add(minutes=30)).group == "returns"
    assert facts_of(interaction, at=T0.add(minutes=29)).group == "billing"


def test_facts_read_every_field_of_the_interaction_and_customer() -> None:
    interaction = _interaction()
    customer = Customer(id="C-1", acquired_at=T0, segment="enterprise", tier="gold")
    facts = facts_of(interaction, customer=customer)
    assert facts.priority == "urgent"
    assert facts.channel == "email"
    assert facts.kind == "complaint"
    assert facts.tags == frozenset({"vip"})
    assert (facts.segment, facts.tier) == ("enterprise", "gold")
    assert facts.group == "returns"
    assert dict(facts.attributes) == {"region": "eu"}
    bare = facts_of(interaction, at=T0)
    assert (bare.priority, bare.segment, bare.tier, bare.group) == ("normal", None, None, None)
    assert facts_of(interaction, at=T0, customer=customer).tier == "gold"


def test_a_naive_instant_is_refused_by_name() -> None:
    error = refused(facts_of, _interaction(), at=pendulum.naive(2024, 6, 10, 9))
    assert error.field == "at"


# --- policy sets --------------------------------------------------------------------


def test_one_thousand_policies_and_one_hundred_calendars_are_accepted() -> None:
    always = BusinessCalendar.always()
    policies = PolicySet(
        policies=[SlaPolicy(name=f"p{i}") for i in range(1_000)],
        calendars={f"c{i}": always for i in range(100)},
    )
    assert len(policies.policies) == 1_000
    assert len(policies.calendars) == 100


def test_policy_set_refusals_carry_the_value() -> None:
    always = BusinessCalendar.always()
    error = refused(PolicySet, policies=[SlaPolicy(name=f"p{i}") for i in range(1_001)])
    assert error.value == 1_001
    error = refused(PolicySet, policies=[], calendars={f"c{i}": always for i in range(101)})
    assert (error.field, error.value) == ("calendars", 101)
    error = refused(PolicySet, policies=["A"])
    assert error.value == "A"
    error = refused(PolicySet, policies=[SlaPolicy(name="A"), SlaPolicy(name="A")])
    assert (error.field, error.value) == ("policies", "A")
    pairs = [("x", 1)]
    error = refused(PolicySet, policies=[], calendars=pairs)
    assert error.value is pairs
    for name, rule in (
        ("", "must be a non-empty string"),
        (" x", "must not start or end with blanks"),
        (5, "must be a non-empty string"),
    ):
        error = refused(PolicySet, policies=[], calendars={name: always})
        assert str(error) == f"'calendars' name {rule} (got {name!r})"
        assert (error.field, error.value) == ("calendars", name)


class _LookAlike:
    """Something with a calendar's methods that is not a BusinessCalendar."""

    def elapsed(self, *args: object) -> int:
        return 0

    def add(self, *args: object) -> int:
        return 0


def test_a_calendar_must_be_a_business_calendar() -> None:
    look_alike = _LookAlike()
    error = refused(PolicySet, policies=[], calendars={"office": look_alike})
    assert str(error) == (
        "'calendars' must map names to calendars such as BusinessCalendar "
        "(got _LookAlike for 'office')"
    )
    assert (error.field, error.value) == ("calendars", look_alike)
    office = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    assert PolicySet(policies=[], calendars={"office": office}).calendar("office") is office


def test_an_unknown_calendar_lists_the_known_ones() -> None:
    always = BusinessCalendar.always()
    policy = SlaPolicy(
        name="A", targets={"low": [Target(metric="resolution", within=HOUR, calendar="shop")]}
    )
    error = refused(PolicySet, policies=[policy], calendars={"office": always, "depot": always})
    assert str(error) == (
        "'calendar' must name a calendar of the policy set (got 'shop'); known: depot, office"
    )
    assert (error.field, error.value) == ("calendar", "shop")
    fine = PolicySet(policies=[policy], calendars={"shop": always})
    assert fine.calendar("shop") is always


def test_calendars_are_kept_sorted_by_name_and_found_by_name() -> None:
    always = BusinessCalendar.always()
    office = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    policies = PolicySet(policies=[], calendars={"z": always, "a": office})
    assert [name for name, _ in policies.calendars] == ["a", "z"]
    assert policies.calendar("a") is office
    assert policies.calendar("z") is always
    assert policies.calendar(None)._elapsed_us(0, 7) == 7
    error = refused(policies.calendar, "b")
    assert (error.field, error.value) == ("calendar", "b")


def test_the_priority_change_rule_is_read_and_checked() -> None:
    assert PolicySet(policies=[]).on_priority_change is PriorityChangeRule.KEEP_ELAPSED
    assert (
        PolicySet(policies=[], on_priority_change="restart").on_priority_change
        is PriorityChangeRule.RESTART
    )
    error = refused(PolicySet, policies=[], on_priority_change="reset")
    assert error.field == "on_priority_change"


def test_the_first_matching_policy_applies_and_none_when_none_matches() -> None:
    vip = SlaPolicy(
        name="VIP",
        condition=Condition.all_of(FieldTest(field="tags", operator="contains", values="vip")),
    )
    email = SlaPolicy(
        name="Email",
        condition=Condition.all_of(FieldTest(field="channel", operator="equals", values="email")),
    )
    interaction = _interaction()
    assert PolicySet(policies=[vip, email]).policy_for(interaction) is vip
    assert PolicySet(policies=[email, vip]).policy_for(interaction) is email
    chat = SlaPolicy(
        name="Chat",
        condition=Condition.all_of(FieldTest(field="channel", operator="equals", values="chat")),
    )
    assert PolicySet(policies=[chat]).policy_for(interaction) is None
    assert PolicySet(policies=[chat, email]).policy_for(interaction) is email
    gold = SlaPolicy(
        name="Gold",
        condition=Condition.all_of(FieldTest(field="tier", operator="equals", values="gold")),
    )
    customer = Customer(id="C-1", acquired_at=T0, tier="gold")
    assert PolicySet(policies=[gold]).policy_for(interaction) is None
    assert PolicySet(policies=[gold]).policy_for(interaction, customer=customer) is gold
    assert gold.applies_to(interaction, customer=customer)
    assert not gold.applies_to(interaction)
