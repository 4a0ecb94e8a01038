"""Findings, solutions and action plans: status, overdue steps, step updates."""

from __future__ import annotations

from fractions import Fraction

import pendulum
import pytest

from servicemodel.exceptions import ValidationError
from servicemodel.team import (
    ActionPlan,
    Finding,
    Improvement,
    PlanStatus,
    Solution,
    Step,
    StepStatus,
)

T0 = pendulum.datetime(2024, 6, 3, 9, tz="Europe/London")
FINDING = Finding(
    title="Router tickets come back",
    metric="fcr",
    scope="product:router",
    observed=0.55,
    target=0.70,
    sample_size=240,
    evidence="132 of 240 router tickets solved on first contact in May",
)


def make_plan(*steps: Step) -> ActionPlan:
    return ActionPlan(
        title="Lift router FCR",
        goal="fcr-70",
        finding=FINDING,
        candidates=[
            Solution(title="Troubleshooting guide", expected_effect=0.08),
            Solution(title="Router training", expected_effect=0.05),
        ],
        chosen="Troubleshooting guide",
        steps=steps
        or (
            Step(title="Draft guide", owner="lead-1", due=T0.add(days=7)),
            Step(title="Train tier 1", owner="lead-2", due=T0.add(days=21)),
        ),
        started_at=T0,
    )


def test_overdue_action_step_is_reported_after_its_due_instant() -> None:
    plan = make_plan()
    assert plan.overdue(T0.add(days=7)) == ()
    late = plan.overdue(T0.add(days=7, seconds=1))
    assert [s.title for s in late] == ["Draft guide"]
    assert [s.owner for s in plan.overdue(T0.add(days=30))] == ["lead-1", "lead-2"]


def test_done_and_cancelled_steps_are_never_overdue() -> None:
    plan = make_plan().update_step(0, status="done", done_at=T0.add(days=9))
    plan = plan.update_step(1, status=StepStatus.CANCELLED)
    assert plan.overdue(T0.add(days=60)) == ()
    assert plan.status() is PlanStatus.COMPLETED


def test_plan_status_follows_its_steps() -> None:
    plan = make_plan()
    assert plan.status() is PlanStatus.NOT_STARTED
    assert plan.update_step(1, status="in_progress").status() is PlanStatus.IN_PROGRESS
    assert (
        plan.update_step(0, status="done", done_at=T0.add(days=1)).status()
        is PlanStatus.IN_PROGRESS
    )


def test_update_step_returns_a_new_plan_and_leaves_the_old_one() -> None:
    plan = make_plan()
    moved = plan.update_step(0, status="in_progress")
    assert plan.steps[0].status is StepStatus.PLANNED
    assert moved.steps[0].status is StepStatus.IN_PROGRESS


def test_update_step_refuses_a_bad_index_or_done_without_a_time() -> None:
    plan = make_plan()
    with pytest.raises(ValidationError, match="'index' must be an integer from 0 to 1"):
        plan.update_step(2, status="done", done_at=T0)
    with pytest.raises(ValidationError, match="'done_at' must be set"):
        plan.update_step(0, status="done")


def test_chosen_must_be_a_candidate_and_a_plan_needs_steps() -> None:
    attrs_evolve_chosen = make_plan()
    with pytest.raises(ValidationError, match="'chosen' must be the title of one of"):
        ActionPlan(
            title=attrs_evolve_chosen.title,
            goal="g",
            finding=FINDING,
            candidates=attrs_evolve_chosen.candidates,
            chosen="Hire more",
            steps=attrs_evolve_chosen.steps,
            started_at=T0,
        )
    with pytest.raises(ValidationError, match="'steps' must hold at least one step"):
        ActionPlan(
            title="p",
            goal="g",
            finding=FINDING,
            candidates=[Solution(title="s", expected_effect=1)],
            chosen="s",
            steps=[],
            started_at=T0,
        )


def test_finding_gap_respects_the_direction_and_is_never_negative() -> None:
    assert str(FINDING.gap()) == "3/20"
    slow = Finding(
        title="slow",
        metric="first_reply_time",
        observed=20,
        target=30,
        direction="lower",
        sample_size=9,
    )
    assert slow.gap() == 0
    assert Solution(title="bot triage", expected_effect=-5).improves(Improvement.LOWER)
    assert not Solution(title="bot triage", expected_effect=-5).improves(Improvement.HIGHER)
    with pytest.raises(ValidationError, match="'target' must be set"):
        Finding(title="f", metric="csat", observed=1, sample_size=1).gap()
    with pytest.raises(ValidationError, match="'sample_size' must be an integer of at least 1"):
        Finding(title="f", metric="csat", observed=1, sample_size=0)
    with pytest.raises(ValidationError, match=r"'metric' must be one of 'csat', .*got 'frt'"):
        Finding(title="f", metric="frt", observed=1, sample_size=1)


def test_plan_review_reports_overdue_steps_and_a_significant_fcr_rise() -> None:
    from servicemodel.kpi import wilson_interval
    from servicemodel.team import Movement

    plan = make_plan().update_step(0, status="done", done_at=T0.add(days=6))
    review = plan.review(
        T0.add(days=30), before=wilson_interval(132, 240), after=wilson_interval(170, 240)
    )
    assert [s.title for s in review.overdue] == ["Train tier 1"]
    assert review.change is not None
    assert review.change.difference.value == Fraction(170 - 132, 240)
    assert review.change.difference.method == "newcombe"
    assert review.change.difference.interval.low > 0
    assert review.change.movement is Movement.IMPROVED
    assert not review.on_track()


def test_a_small_change_is_no_clear_change_and_lower_is_better_flips_the_sign() -> None:
    from servicemodel.kpi import Mean, wilson_interval
    from servicemodel.team import Improvement, Movement, compare_before_after

    small = compare_before_after(
        wilson_interval(50, 100), wilson_interval(53, 100), direction=Improvement.HIGHER
    )
    assert small.movement is Movement.NO_CLEAR_CHANGE
    slower = compare_before_after(
        Mean.of_sums(n=4, total=40, squares=404),
        Mean.of_sums(n=4, total=80, squares=1604),
        direction=Improvement.LOWER,
    )
    assert slower.difference.method == "mover"
    assert slower.difference.value == 10
    assert slower.movement is Movement.WORSENED


def test_plan_review_needs_both_figures_or_neither_and_as_of_after_start() -> None:
    from servicemodel.kpi import wilson_interval

    plan = make_plan()
    assert plan.review(T0.add(days=1)).change is None
    with pytest.raises(ValidationError, match="'before' and 'after' must be given together"):
        plan.review(T0.add(days=1), before=wilson_interval(1, 2))
    with pytest.raises(ValidationError, match="'as_of' must not be before the plan started"):
        plan.review(T0.subtract(days=1))
    from servicemodel.kpi import Mean

    with pytest.raises(ValidationError, match="both be rates or both be means"):
        plan.review(
            T0.add(days=1),
            before=wilson_interval(1, 2),
            after=Mean.of_sums(n=1, total=1, squares=1),
        )
