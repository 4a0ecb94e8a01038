"""Action plans: a finding, candidate solutions, and a plan of owned, dated steps."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import final

import attrs
import pendulum

from .._time import aware, to_micros
from .._validators import (
    between,
    check_item,
    enum_member,
    integer,
    non_empty_str,
    optional_aware,
    optional_non_empty_str,
)
from ..exceptions import ValidationError
from ..kpi import Difference, Interval, KpiName, Mean, Rate, rate_difference
from ._common import exact
from ._training import Improvement

__all__ = [
    "ActionPlan",
    "Finding",
    "KpiChange",
    "Movement",
    "PlanReview",
    "PlanStatus",
    "Solution",
    "Step",
    "StepStatus",
    "compare_before_after",
]


def _observed(value: object) -> Fraction:
    return exact(value, field="observed")


def _optional_exact_target(value: object) -> Fraction | None:
    return None if value is None else exact(value, field="target")


def _direction(value: object) -> Improvement:
    return enum_member(Improvement, value, field="direction")


_sample_size = between(low=1)


def _metric(value: object) -> KpiName:
    return KpiName.of(value, field="metric")


@final
@attrs.frozen(kw_only=True)
class Finding:
    """What the data shows, with its numbers: a metric, its value, the sample behind it.

    This is the first step of the problem-solving path (identify the issue).
    ``observed`` is the KPI value (exact), ``target`` what it should be,
    ``sample_size`` how many observations it rests on. ``rule`` says which
    rule raised it (with its threshold) and ``next_step`` what to look at next.

    >>> f = Finding(title="Router tickets come back", metric="fcr", scope="product:router",
    ...             observed=0.55, target=0.7, sample_size=240)
    >>> f.gap()
    Fraction(3, 20)
    """

    title: str = attrs.field(validator=non_empty_str)
    metric: KpiName = attrs.field(converter=_metric)
    observed: Fraction = attrs.field(converter=_observed)
    sample_size: int = attrs.field(validator=_sample_size)
    target: Fraction | None = attrs.field(default=None, converter=_optional_exact_target)
    direction: Improvement = attrs.field(default=Improvement.HIGHER, converter=_direction)
    scope: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    evidence: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    rule: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    next_step: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def gap(self) -> Fraction:
        """How far the observed value is on the wrong side of the target (0 when met).

        Raises:
            ValidationError: the finding has no target.

        >>> Finding(title="Slow replies", metric="first_reply_time", observed=2700,
        ...         target=1800, direction="lower", sample_size=500).gap()
        Fraction(900, 1)
        """
        if self.target is None:
            raise ValidationError(
                "'target' must be set to compute a gap (got None)", field="target", value=None
            )
        gap = (
            self.target - self.observed
            if self.direction is Improvement.HIGHER
            else self.observed - self.target
        )
        return max(gap, Fraction(0))


def _expected_effect(value: object) -> Fraction:
    return exact(value, field="expected_effect")


@final
@attrs.frozen(kw_only=True)
class Solution:
    """A candidate fix with its expected effect on the finding's metric (signed, in its units).

    >>> Solution(title="Router troubleshooting guide", expected_effect=0.08,
    ...          effort="medium").expected_effect
    Fraction(2, 25)
    """

    title: str = attrs.field(validator=non_empty_str)
    expected_effect: Fraction = attrs.field(converter=_expected_effect)
    effort: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    rationale: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def improves(self, direction: Improvement) -> bool:
        """True when the expected effect moves the metric the right way.

        >>> Solution(title="x", expected_effect=-5).improves(Improvement.LOWER)
        True
        """
        return (
            self.expected_effect > 0
            if direction is Improvement.HIGHER
            else self.expected_effect < 0
        )


class StepStatus(enum.Enum):
    """Where a step stands.

    >>> StepStatus("in_progress")
    <StepStatus.IN_PROGRESS: 'in_progress'>
    """

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


def _step_status(value: object) -> StepStatus:
    return enum_member(StepStatus, value, field="status")


def _due(value: object) -> pendulum.DateTime:
    return aware(value, field="due")


def _done_at(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="done_at")


@final
@attrs.frozen(kw_only=True)
class Step:
    """One step of an action plan: what, who owns it, when it is due, where it stands.

    A done step carries ``done_at``; other statuses must not.

    >>> import pendulum
    >>> Step(title="Write the guide", owner="lead-1", due=pendulum.datetime(2024, 7, 1),
    ...      status="done")
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'done_at' must be set when 'status' is done (got None)
    """

    title: str = attrs.field(validator=non_empty_str)
    owner: str = attrs.field(validator=non_empty_str)
    due: pendulum.DateTime = attrs.field(converter=_due)
    status: StepStatus = attrs.field(default=StepStatus.PLANNED, converter=_step_status)
    done_at: pendulum.DateTime | None = attrs.field(default=None, converter=_done_at)

    def __attrs_post_init__(self) -> None:
        if self.status is StepStatus.DONE and self.done_at is None:
            raise ValidationError(
                "'done_at' must be set when 'status' is done (got None)",
                field="done_at",
                value=None,
            )
        if self.status is not StepStatus.DONE and self.done_at is not None:
            raise ValidationError(
                f"'done_at' must be None unless 'status' is done "
                f"(got {self.done_at.isoformat()} with status {self.status.value})",
                field="done_at",
                value=self.done_at,
            )

    def is_overdue(self, as_of: object) -> bool:
        """True when the step is still to do (planned or in progress) after its due instant.

        >>> import pendulum
        >>> s = Step(title="Train", owner="lead", due=pendulum.datetime(2024, 7, 1))
        >>> s.is_overdue(pendulum.datetime(2024, 7, 2)), s.is_overdue(pendulum.datetime(2024, 7, 1))
        (True, False)
        """
        now = to_micros(aware(as_of, field="as_of"))
        open_ = self.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS)
        return open_ and to_micros(self.due) < now


class PlanStatus(enum.Enum):
    """Where a plan stands, derived from its steps.

    ``not_started``: every open step is planned; ``in_progress``: some step
    is in progress or done while others are open; ``completed``: no step is
    open (each is done or cancelled).

    >>> PlanStatus.COMPLETED.value
    'completed'
    """

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


def _started_at(value: object) -> pendulum.DateTime:
    return aware(value, field="started_at")


def _solutions(value: Iterable[Solution]) -> tuple[Solution, ...]:
    items = tuple(value)
    for index, item in enumerate(items):
        check_item(item, Solution, field="candidates", index=index)
    return items


def _steps(value: Iterable[Step]) -> tuple[Step, ...]:
    items = tuple(value)
    for index, item in enumerate(items):
        check_item(item, Step, field="steps", index=index)
    return items


@final
@attrs.frozen(kw_only=True)
class ActionPlan:
    """A plan that turns a finding into action, linked to the goal it serves.

    The problem-solving path in order: the ``finding`` (identify the issue,
    with numbers), ``candidates`` (research and evaluate ideas, each with an
    expected effect), ``chosen`` (the candidate's title), and ``steps`` with
    owners and due dates (the action plan). ``goal`` names the goal the plan
    serves; ``started_at`` is when work began, the line between "before" and
    "after" when the plan is reviewed.

    >>> import pendulum
    >>> t0 = pendulum.datetime(2024, 6, 3, 9, tz="Europe/London")
    >>> plan = ActionPlan(
    ...     title="Lift router FCR", goal="fcr-70", started_at=t0,
    ...     finding=Finding(title="Router tickets come back", metric="fcr",
    ...                     observed=0.55, target=0.7, sample_size=240),
    ...     candidates=[Solution(title="Troubleshooting guide", expected_effect=0.08),
    ...                 Solution(title="Router training", expected_effect=0.05)],
    ...     chosen="Troubleshooting guide",
    ...     steps=[Step(title="Draft guide", owner="lead-1", due=t0.add(days=7)),
    ...            Step(title="Train tier 1", owner="lead-2", due=t0.add(days=21))])
    >>> plan.status().value, [s.title for s in plan.overdue(t0.add(days=10))]
    ('not_started', ['Draft guide'])
    """

    title: str = attrs.field(validator=non_empty_str)
    goal: str = attrs.field(validator=non_empty_str)
    finding: Finding = attrs.field(validator=attrs.validators.instance_of(Finding))
    candidates: tuple[Solution, ...] = attrs.field(converter=_solutions)
    chosen: str = attrs.field(validator=non_empty_str)
    steps: tuple[Step, ...] = attrs.field(converter=_steps)
    started_at: pendulum.DateTime = attrs.field(converter=_started_at)

    def __attrs_post_init__(self) -> None:
        titles = [c.title for c in self.candidates]
        if self.chosen not in titles:
            raise ValidationError(
                f"'chosen' must be the title of one of the candidates {titles!r} "
                f"(got {self.chosen!r})",
                field="chosen",
                value=self.chosen,
            )
        if not self.steps:
            raise ValidationError(
                "'steps' must hold at least one step (got none)", field="steps", value=()
            )

    def solution(self) -> Solution:
        """The chosen candidate.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> ActionPlan(title="p", goal="g", started_at=t,
        ...     finding=Finding(title="f", metric="csat", observed=0.7, sample_size=50),
        ...     candidates=[Solution(title="s", expected_effect=0.1)], chosen="s",
        ...     steps=[Step(title="x", owner="o", due=t)]).solution().expected_effect
        Fraction(1, 10)
        """
        return next(c for c in self.candidates if c.title == self.chosen)

    def status(self) -> PlanStatus:
        """The plan's status, derived from its steps (see :class:`PlanStatus`).

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> plan = ActionPlan(title="p", goal="g", started_at=t,
        ...     finding=Finding(title="f", metric="csat", observed=0.7, sample_size=50),
        ...     candidates=[Solution(title="s", expected_effect=0.1)], chosen="s",
        ...     steps=[Step(title="x", owner="o", due=t)])
        >>> plan.update_step(0, status="done", done_at=t).status().value
        'completed'
        """
        open_steps = [
            s for s in self.steps if s.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS)
        ]
        if not open_steps:
            return PlanStatus.COMPLETED
        if all(s.status is StepStatus.PLANNED for s in self.steps):
            return PlanStatus.NOT_STARTED
        return PlanStatus.IN_PROGRESS

    def overdue(self, as_of: object) -> tuple[Step, ...]:
        """The steps still to do after their due instant, in plan order.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> ActionPlan(title="p", goal="g", started_at=t,
        ...     finding=Finding(title="f", metric="csat", observed=0.7, sample_size=50),
        ...     candidates=[Solution(title="s", expected_effect=0.1)], chosen="s",
        ...     steps=[Step(title="x", owner="o", due=t)]).overdue(t.add(days=1))[0].title
        'x'
        """
        now = aware(as_of, field="as_of")
        return tuple(s for s in self.steps if s.is_overdue(now))

    def update_step(
        self, index: int, *, status: StepStatus | str, done_at: object = None
    ) -> ActionPlan:
        """Return the plan with step *index* moved to *status* (``done_at`` for done).

        Raises:
            ValidationError: no step *index*, or a status/``done_at`` mismatch.

        >>> import pendulum
        >>> t = pendulum.datetime(2024, 1, 1)
        >>> plan = ActionPlan(title="p", goal="g", started_at=t,
        ...     finding=Finding(title="f", metric="csat", observed=0.7, sample_size=50),
        ...     candidates=[Solution(title="s", expected_effect=0.1)], chosen="s",
        ...     steps=[Step(title="x", owner="o", due=t)])
        >>> plan.update_step(0, status="in_progress").steps[0].status.value
        'in_progress'
        """
        integer(index, field="index", low=0, high=len(self.steps) - 1)
        step = attrs.evolve(self.steps[index], status=status, done_at=done_at)
        steps = list(self.steps)
        steps[index] = step
        return attrs.evolve(self, steps=steps)

    def review(
        self,
        as_of: object,
        *,
        before: Rate | Mean | None = None,
        after: Rate | Mean | None = None,
    ) -> PlanReview:
        """Review the plan: overdue steps, status, and whether the linked KPI moved.

        *before* and *after* are the finding's KPI computed (with
        :mod:`servicemodel.kpi`) over the periods before and after
        ``started_at``; give both or neither. "Moved" means the interval of
        after - before excludes 0 (see :func:`compare_before_after`).

        Raises:
            ValidationError: only one of *before* / *after*, or *as_of* before the start.

        >>> import pendulum
        >>> from servicemodel.kpi import wilson_interval
        >>> t = pendulum.datetime(2024, 6, 3)
        >>> plan = ActionPlan(title="p", goal="fcr-70", started_at=t,
        ...     finding=Finding(title="f", metric="fcr", observed=0.55, target=0.7,
        ...                     sample_size=240),
        ...     candidates=[Solution(title="s", expected_effect=0.1)], chosen="s",
        ...     steps=[Step(title="x", owner="o", due=t.add(days=7))])
        >>> r = plan.review(t.add(days=30), before=wilson_interval(132, 240),
        ...                 after=wilson_interval(170, 240))
        >>> [s.title for s in r.overdue], r.change.movement.value
        (['x'], 'improved')
        """
        now = aware(as_of, field="as_of")
        if to_micros(now) < to_micros(self.started_at):
            raise ValidationError(
                f"'as_of' must not be before the plan started ({self.started_at.isoformat()}) "
                f"(got {now.isoformat()})",
                field="as_of",
                value=as_of,
            )
        if (before is None) != (after is None):
            raise ValidationError(
                "'before' and 'after' must be given together (got only "
                f"{'before' if after is None else 'after'})",
                field="after" if after is None else "before",
                value=None,
            )
        change = (
            None
            if before is None or after is None
            else compare_before_after(before, after, direction=self.finding.direction)
        )
        return PlanReview(
            as_of=now,
            goal=self.goal,
            status=self.status(),
            overdue=self.overdue(now),
            change=change,
        )


class Movement(enum.Enum):
    """Whether the linked KPI moved after the plan started, judged by the interval.

    ``improved`` / ``worsened``: the interval of after - before excludes 0,
    on the good / bad side for the finding's direction; ``no_clear_change``:
    the interval includes 0.

    >>> Movement.NO_CLEAR_CHANGE.value
    'no_clear_change'
    """

    IMPROVED = "improved"
    WORSENED = "worsened"
    NO_CLEAR_CHANGE = "no_clear_change"


@final
@attrs.frozen(kw_only=True)
class KpiChange:
    """The linked KPI before and after the plan started, and the difference after - before.

    >>> from servicemodel.kpi import wilson_interval
    >>> change = compare_before_after(wilson_interval(132, 240), wilson_interval(170, 240),
    ...                               direction=Improvement.HIGHER)
    >>> change.difference.value, change.movement.value
    (Fraction(19, 120), 'improved')
    """

    before: Fraction
    after: Fraction
    before_n: int
    after_n: int
    difference: Difference
    movement: Movement


def _mover(after: Mean, before: Mean) -> Difference:
    """after - before for two means, combining their intervals (MOVER, Zou & Donner 2008)."""
    a, b = float(after.value), float(before.value)
    d = a - b
    low = d - math.sqrt((a - after.interval.low) ** 2 + (before.interval.high - b) ** 2)
    high = d + math.sqrt((after.interval.high - a) ** 2 + (b - before.interval.low) ** 2)
    return Difference(
        value=after.value - before.value,
        interval=Interval(min(low, d), max(high, d), after.interval.confidence),
        method="mover",
    )


def compare_before_after(
    before: Rate | Mean, after: Rate | Mean, *, direction: Improvement
) -> KpiChange:
    """Compare a KPI before and after a change: the difference with its interval.

    Rates (FCR, CSAT) use Newcombe's hybrid score interval for a difference
    of two proportions (:func:`servicemodel.kpi.rate_difference`); means (QA
    score, CSAT mean) combine the two intervals the same way (the MOVER
    method, which is what Newcombe's interval is for proportions).

    Raises:
        ValidationError: *before* and *after* are not both rates or both means,
            or carry different confidence levels.

    >>> from servicemodel.kpi import wilson_interval
    >>> compare_before_after(wilson_interval(50, 100), wilson_interval(53, 100),
    ...                      direction=Improvement.HIGHER).movement.value
    'no_clear_change'
    """
    direction = _direction(direction)
    if isinstance(before, Rate) and isinstance(after, Rate):
        difference = rate_difference(after, before)
        before_n, after_n = before.denominator, after.denominator
    elif isinstance(before, Mean) and isinstance(after, Mean):
        if before.interval.confidence != after.interval.confidence:
            raise ValidationError(
                "'after' must have the same confidence as 'before' "
                f"(got {after.interval.confidence} and {before.interval.confidence})",
                field="after",
                value=after.interval.confidence,
            )
        difference = _mover(after, before)
        before_n, after_n = before.n, after.n
    else:
        raise ValidationError(
            "'before' and 'after' must both be rates or both be means from servicemodel.kpi "
            f"(got {type(before).__name__} and {type(after).__name__})",
            field="after",
            value=after,
        )
    if not difference.significant():
        movement = Movement.NO_CLEAR_CHANGE
    elif (difference.value > 0) == (direction is Improvement.HIGHER):
        movement = Movement.IMPROVED
    else:
        movement = Movement.WORSENED
    return KpiChange(
        before=before.value,
        after=after.value,
        before_n=before_n,
        after_n=after_n,
        difference=difference,
        movement=movement,
    )


@final
@attrs.frozen(kw_only=True)
class PlanReview:
    """An action plan reviewed as of an instant.

    ``change`` is ``None`` when no before/after figures were given.

    >>> PlanReview.__name__
    'PlanReview'
    """

    as_of: pendulum.DateTime
    goal: str
    status: PlanStatus
    overdue: tuple[Step, ...]
    change: KpiChange | None

    def on_track(self) -> bool:
        """True when no step is overdue and the KPI did not clearly worsen.

        >>> import pendulum
        >>> PlanReview(as_of=pendulum.datetime(2024, 1, 1), goal="g",
        ...            status=PlanStatus.IN_PROGRESS, overdue=(), change=None).on_track()
        True
        """
        worsened = self.change is not None and self.change.movement is Movement.WORSENED
        return not self.overdue and not worsened
