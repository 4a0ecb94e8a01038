"""SMART goals: the five letters, progress statuses and the on-the-line law."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemodel.exceptions import EmptySampleError, ValidationError
from servicemodel.goals import Direction, Goal, GoalStatus, Observation, Scope

JAN = pendulum.datetime(2024, 1, 1, tz="Europe/London")
JUL = pendulum.datetime(2024, 7, 1, tz="Europe/London")


def csat_goal(**changes: object) -> Goal:
    fields: dict[str, object] = {
        "name": "Raise CSAT",
        "description": "Share of 4-5 CSAT answers for all email customers",
        "metric": "csat",
        "direction": "increase",
        "baseline": Fraction(80, 100),
        "target": Fraction(90, 100),
        "start": JAN,
        "deadline": JUL,
        "owner": "Support lead",
        "objective": "reputation",
        "scope": Scope(channel="email"),
    }
    fields.update(changes)
    return Goal(**fields)  # type: ignore[arg-type]


def test_a_complete_goal_is_smart() -> None:
    check = csat_goal().smart_check()
    assert check.holds
    assert check.failures() == ()
    assert [c.letter for c in check.letters] == ["S", "M", "A", "R", "T"]


def test_not_specific_without_a_description() -> None:
    check = csat_goal(description="  ").smart_check()
    assert not check.letter("S").holds
    assert check.letter("S").reasons == ("no description of what changes for whom",)
    assert check.letter("M").holds


def test_not_measurable_without_a_target() -> None:
    check = csat_goal(target=None).smart_check()
    assert not check.letter("M").holds
    assert "no target" in check.letter("M").reasons


def test_not_measurable_when_the_target_is_no_improvement() -> None:
    check = csat_goal(target=Fraction(75, 100)).smart_check()
    assert not check.letter("M").holds
    assert "does not improve on the baseline" in check.letter("M").reasons[0]


def test_not_attainable_beyond_the_stated_monthly_bound() -> None:
    # 10 points in 6 months needs ~1.66 points a month; the bound allows 1.
    check = csat_goal(max_change_per_month=Fraction(1, 100)).smart_check()
    assert not check.letter("A").holds
    assert "more than the stated bound of 1 percentage points" in check.letter("A").reasons[0]
    assert csat_goal(max_change_per_month=Fraction(2, 100)).smart_check().letter("A").holds


def test_not_attainable_when_the_observed_trend_falls_short() -> None:
    flat = [
        Observation(at=JAN.add(days=10), value=0.80),
        Observation(at=JAN.add(days=40), value=0.81),
    ]
    check = csat_goal().smart_check(flat)
    assert not check.letter("A").holds
    assert "observed trend" in check.letter("A").reasons[0]
    rising = [
        Observation(at=JAN.add(days=10), value=0.80),
        Observation(at=JAN.add(days=40), value=0.85),
    ]
    assert csat_goal().smart_check(rising).letter("A").holds


def test_not_relevant_without_an_objective() -> None:
    check = csat_goal(objective=None).smart_check()
    assert not check.letter("R").holds
    assert check.failures() == ("R: no objective (retention, reputation, …)",)


def test_not_time_bound_without_a_deadline() -> None:
    check = csat_goal(deadline=None).smart_check()
    assert not check.letter("T").holds
    assert "no deadline" in check.letter("T").reasons
    assert not check.letter("A").holds  # cannot judge attainability either


def test_not_time_bound_when_the_deadline_precedes_the_start() -> None:
    check = csat_goal(deadline=JAN.subtract(days=1)).smart_check()
    assert check.letter("T").reasons == ("the deadline is not after the start",)


def test_unknown_letter_is_an_error() -> None:
    with pytest.raises(ValidationError, match="'letter' must be one of"):
        csat_goal().smart_check().letter("X")


def test_goal_values_are_exact_and_validated() -> None:
    assert csat_goal(target=0.9).target == Fraction(9, 10)
    assert Goal(name="g", target=pendulum.duration(minutes=4)).target == 240
    for bad in (float("inf"), True, "0.9"):
        with pytest.raises(ValidationError, match="'target'"):
            csat_goal(target=bad)
    with pytest.raises(ValidationError, match="'max_change_per_month' must be positive"):
        csat_goal(max_change_per_month=0)
    with pytest.raises(ValidationError, match="'name' must be a non-empty string"):
        Goal(name=" ")
    with pytest.raises(ValidationError, match="'objective' must be one of"):
        csat_goal(objective="happiness")


# ------------------------------------------------------------------ progress


def observe(*pairs: tuple[int, float]) -> list[Observation]:
    return [Observation(at=JAN.add(days=d), value=v) for d, v in pairs]


def test_expected_line_runs_from_baseline_to_target() -> None:
    goal = csat_goal()
    assert goal.expected_at(JAN.subtract(days=1)) == Fraction(80, 100)
    assert goal.expected_at(JAN) == Fraction(80, 100)
    assert goal.expected_at(JUL) == Fraction(90, 100)
    assert goal.expected_at(JUL.add(days=3)) == Fraction(90, 100)
    midpoint = JAN.add(seconds=(JUL.int_timestamp - JAN.int_timestamp) // 2)
    assert goal.expected_at(midpoint) == Fraction(85, 100)


def test_on_track_when_at_or_above_the_line() -> None:
    p = csat_goal().progress(observe((91, 0.86)), as_of=JAN.add(days=91))
    assert p.status is GoalStatus.ON_TRACK
    assert p.latest == Fraction(86, 100)


def test_at_risk_when_behind_the_line_but_trend_reaches_target() -> None:
    # 0.001 a day: 0.84 at day 90 (the line expects ~0.849), ~0.93 by the deadline at day 182.
    obs = observe((30, 0.78), (90, 0.84))
    goal = csat_goal()
    p = goal.progress(obs, as_of=JAN.add(days=90))
    assert p.expected > p.latest
    assert p.projected is not None
    assert p.projected >= Fraction(9, 10)
    assert p.status is GoalStatus.AT_RISK


def test_off_track_when_behind_and_trend_falls_short() -> None:
    p = csat_goal().progress(observe((30, 0.80), (90, 0.805)), as_of=JAN.add(days=90))
    assert p.status is GoalStatus.OFF_TRACK


def test_off_track_with_a_single_observation_behind_the_line() -> None:
    p = csat_goal().progress(observe((90, 0.81)), as_of=JAN.add(days=90))
    assert p.projected is None
    assert p.status is GoalStatus.OFF_TRACK


def test_achieved_early_when_the_target_is_reached() -> None:
    p = csat_goal().progress(observe((30, 0.90)), as_of=JAN.add(days=30))
    assert p.status is GoalStatus.ACHIEVED


def test_achieved_or_missed_at_the_deadline_exactly() -> None:
    goal = csat_goal()
    assert goal.progress(observe((182, 0.90)), as_of=JUL).status is GoalStatus.ACHIEVED
    assert goal.progress(observe((182, 0.8999)), as_of=JUL).status is GoalStatus.MISSED


def test_decreasing_goal_uses_the_other_direction() -> None:
    goal = csat_goal(
        metric="first_reply_time",
        direction=Direction.DECREASE,
        baseline=pendulum.duration(minutes=10),
        target=pendulum.duration(minutes=4),
    )
    assert goal.smart_check().holds
    at_line = [Observation(at=JAN.add(days=91), value=pendulum.duration(minutes=7))]
    assert goal.progress(at_line, as_of=JAN.add(days=91)).status is GoalStatus.ON_TRACK
    worse = [Observation(at=JAN.add(days=91), value=pendulum.duration(minutes=9))]
    assert goal.progress(worse, as_of=JAN.add(days=91)).status is GoalStatus.OFF_TRACK


def test_observations_after_as_of_or_before_start_do_not_count() -> None:
    goal = csat_goal()
    obs = observe((-5, 0.95), (60, 0.84), (120, 0.99))
    p = goal.progress(obs, as_of=JAN.add(days=60))
    assert p.latest == Fraction(84, 100)
    assert p.latest_at == JAN.add(days=60)


def test_progress_needs_observations_and_a_line() -> None:
    with pytest.raises(EmptySampleError):
        csat_goal().progress([], as_of=JAN.add(days=1))
    with pytest.raises(ValidationError, match="missing: target"):
        csat_goal(target=None).progress(observe((1, 0.8)), as_of=JAN.add(days=1))
    with pytest.raises(ValidationError, match="'as_of' must not be before"):
        csat_goal().progress(observe((1, 0.8)), as_of=JAN.subtract(days=1))
    with pytest.raises(ValidationError, match="'direction' must be set"):
        csat_goal(direction=None).progress(observe((1, 0.8)), as_of=JAN.add(days=1))


@given(
    st.lists(st.integers(0, 181 * 86_400 - 1), min_size=1, max_size=8),
    st.sampled_from(["increase", "decrease"]),
)
def test_observations_on_the_expected_line_are_on_track_at_every_date(
    offsets: list[int], direction: str
) -> None:
    target = Fraction(90, 100) if direction == "increase" else Fraction(70, 100)
    metric = "csat" if direction == "increase" else "reopen_rate"  # each KPI's better way
    goal = csat_goal(metric=metric, direction=direction, target=target)
    observations = [
        Observation(at=JAN.add(seconds=s), value=goal.expected_at(JAN.add(seconds=s)))
        for s in offsets
    ]
    for s in offsets:
        status = goal.progress(observations, as_of=JAN.add(seconds=s)).status
        assert status is GoalStatus.ON_TRACK


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
