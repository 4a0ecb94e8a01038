"""The SMART goal: what it measures, how it checks itself and how it judges its progress."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, final

import attrs
import pendulum

from .._display import show, show_change
from .._time import aware, from_micros, to_micros
from .._validators import (
    check_item,
    enum_member,
    instance_of,
    optional_aware,
    optional_non_empty_str,
)
from ..exceptions import EmptySampleError, ValidationError
from ..kpi import Better, KpiName, KpiUnit
from ._judgement import _MICROS_PER_MONTH, Progress, _Judgement, _trend, _zone_of
from ._values import (
    Direction,
    GoalStatus,
    LetterCheck,
    Objective,
    Observation,
    Scope,
    SmartCheck,
    _plain,
    _value,
)


def _baseline(value: object) -> Fraction | None:
    return None if value is None else _value(value, field="baseline")


def _target(value: object) -> Fraction | None:
    return None if value is None else _value(value, field="target")


def _metric(value: object) -> KpiName | None:
    return None if value is None else KpiName.of(value, field="metric")


def _direction(value: object) -> Direction | None:
    return None if value is None else enum_member(Direction, value, field="direction")


def _objective(value: object) -> Objective | None:
    return None if value is None else enum_member(Objective, value, field="objective")


def _start(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="start")


def _deadline(value: object) -> pendulum.DateTime | None:
    return optional_aware(value, field="deadline")


def _bound(value: object) -> Fraction | None:
    if value is None:
        return None
    bound = _value(value, field="max_change_per_month")
    if bound <= 0:
        raise ValidationError(
            f"'max_change_per_month' must be positive (got {value!r})",
            field="max_change_per_month",
            value=value,
        )
    return bound


def _check_name(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"'{attribute.name}' must be a non-empty string (got {value!r})",
            field=attribute.name,
            value=value,
        )


@final
@attrs.frozen(kw_only=True)
class Goal:
    """A goal for a KPI, checkable against SMART and measurable over time.

    Every field but ``name`` may be missing, so that a draft goal can be
    checked and told what it lacks. Values (``baseline``, ``target``,
    ``max_change_per_month``) are numbers in the KPI's unit, or durations for
    time KPIs (compared in seconds).

    Attributes:
        name: a short title.
        description: what is to change and for whom (the S of SMART).
        metric: the KPI's :class:`~servicemodel.kpi.KpiName` (its string is accepted,
            e.g. ``"first_reply_time"``; a misspelt name is refused).
        variant: the KPI's variant, e.g. ``"median"``; ``None`` is its default.
        direction: ``"increase"`` or ``"decrease"``: which way is better.
        baseline: the KPI's value when the goal starts.
        target: the value to reach by the deadline.
        start: when the goal starts.
        deadline: when it is due.
        owner: who answers for it.
        objective: the business objective it serves.
        scope: whom it covers.
        max_change_per_month: the most improvement per (mean Gregorian) month
            that is considered attainable; ``None`` skips that bound.

    >>> Goal(name="x", target=float("nan"))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'target' must be finite (got nan)
    """

    name: str = attrs.field(validator=_check_name)
    description: str = attrs.field(default="", validator=instance_of(str))
    metric: KpiName | None = attrs.field(default=None, converter=_metric)
    variant: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    direction: Direction | None = attrs.field(default=None, converter=_direction)
    baseline: Fraction | None = attrs.field(default=None, converter=_baseline)
    target: Fraction | None = attrs.field(default=None, converter=_target)
    start: pendulum.DateTime | None = attrs.field(default=None, converter=_start)
    deadline: pendulum.DateTime | None = attrs.field(default=None, converter=_deadline)
    owner: str | None = attrs.field(default=None, validator=optional_non_empty_str)
    objective: Objective | None = attrs.field(default=None, converter=_objective)
    scope: Scope = attrs.field(factory=Scope, validator=instance_of(Scope))
    max_change_per_month: Fraction | None = attrs.field(default=None, converter=_bound)

    @baseline.validator
    @target.validator
    def _check_in_range(self, attribute: attrs.Attribute[Any], value: Fraction | None) -> None:
        if value is None or self.metric is None:
            return
        spec = self.metric.spec
        if spec.contains(value):
            return
        hint = ""
        if spec.unit is KpiUnit.RATE and 1 < value <= 100:
            hint = f"; write a rate as a share: {_plain(value / 100)} for {_plain(value)}%"
        raise ValidationError(
            f"'{attribute.name}' must be a value of {self.metric.value}, {spec.describe()} "
            f"(got {_plain(value)}){hint}",
            field=attribute.name,
            value=value,
        )

    @direction.validator
    def _check_direction(self, _attribute: attrs.Attribute[Any], value: Direction | None) -> None:
        if value is None or self.metric is None:
            return
        better = self.metric.spec.better
        wanted = {Better.HIGHER: Direction.INCREASE, Better.LOWER: Direction.DECREASE}.get(better)
        if wanted is not None and value is not wanted:
            raise ValidationError(
                f"'direction' must be '{wanted.value}' for {self.metric.value}, where "
                f"{better.value} is better (got '{value.value}')",
                field="direction",
                value=value,
            )

    # ---------------------------------------------------------------- SMART

    def smart_check(
        self, observations: Iterable[Observation] = (), *, as_of: _dt.datetime | None = None
    ) -> SmartCheck:
        """Check the goal against the five SMART letters.

        - **S**pecific: it names a KPI and describes what changes for whom.
        - **M**easurable: a KPI, a direction, a baseline and a target, with the
          target an improvement on the baseline in that direction.
        - **A**ttainable: the improvement needed per month is within
          ``max_change_per_month`` (when given), and, unless the target is
          already reached, the latest of the *observations* carried along
          their trend reaches the target by the deadline: the same judgement
          and the same sentence as :meth:`progress` at *as_of* (default: the
          last observation, or the deadline if that is earlier).
        - **R**elevant: it serves a stated objective.
        - **T**ime-bound: it has a start and a later deadline.

        >>> Goal(name="Be better").smart_check().failures()[:2]
        ('S: no KPI named (set metric)', 'S: no description of what changes for whom')
        """
        return SmartCheck(
            letters=(
                LetterCheck(letter="S", holds=not (r := self._specific()), reasons=r),
                LetterCheck(letter="M", holds=not (r := self._measurable()), reasons=r),
                LetterCheck(
                    letter="A",
                    holds=not (r := self._attainable(observations, as_of)),
                    reasons=r,
                ),
                LetterCheck(
                    letter="R",
                    holds=self.objective is not None,
                    reasons=() if self.objective else ("no objective (retention, reputation, …)",),
                ),
                LetterCheck(letter="T", holds=not (r := self._time_bound()), reasons=r),
            )
        )

    def _specific(self) -> tuple[str, ...]:
        reasons = []
        if self.metric is None:
            reasons.append("no KPI named (set metric)")
        if not self.description.strip():
            reasons.append("no description of what changes for whom")
        return tuple(reasons)

    def _measurable(self) -> tuple[str, ...]:
        reasons = []
        if self.metric is None:
            reasons.append("no KPI to measure")
        if self.direction is None:
            reasons.append("no direction (increase or decrease)")
        if self.target is None:
            reasons.append("no target")
        if self.baseline is None:
            reasons.append("no baseline")
        if (
            self.direction is not None
            and self.target is not None
            and self.baseline is not None
            and not self.direction.better(self.target, self.baseline)
        ):
            reasons.append(
                f"the target {show(self.target, self.unit())} does not improve on the baseline "
                f"{show(self.baseline, self.unit())} in the direction '{self.direction.value}'"
            )
        return tuple(reasons)

    def _time_bound(self) -> tuple[str, ...]:
        reasons = []
        if self.start is None:
            reasons.append("no start")
        if self.deadline is None:
            reasons.append("no deadline")
        if (
            self.start is not None
            and self.deadline is not None
            and to_micros(self.deadline) <= to_micros(self.start)
        ):
            reasons.append("the deadline is not after the start")
        return tuple(reasons)

    def _attainable(
        self, observations: Iterable[Observation], as_of: _dt.datetime | None
    ) -> tuple[str, ...]:
        if (
            self.baseline is None
            or self.target is None
            or self.direction is None
            or self._time_bound()
        ):
            return (
                "cannot judge without a baseline, a target, a direction, a start and a deadline",
            )
        assert self.start is not None
        assert self.deadline is not None
        span = to_micros(self.deadline) - to_micros(self.start)
        needed = abs(self.target - self.baseline) / (span / _MICROS_PER_MONTH)
        reasons = []
        if self.max_change_per_month is not None and needed > self.max_change_per_month:
            unit = self.unit()
            reasons.append(
                f"needs {show_change(needed, unit).lstrip('+')} per month, more than the "
                f"stated bound of {show_change(self.max_change_per_month, unit).lstrip('+')}"
            )
        kept = tuple(observations)
        points = self._points(kept, as_of=None)
        if points:
            moment = (
                min(points[-1][0], to_micros(self.deadline))
                if as_of is None
                else to_micros(aware(as_of, field="as_of"))
            )
            if moment >= to_micros(self.start):
                judgement = self._judge(kept, moment)
                if judgement is not None and judgement.reaches is False:
                    reasons.append(judgement.trend_clause())
        return tuple(reasons)

    # ---------------------------------------------------------------- progress

    def _points(
        self, observations: Iterable[Observation], *, as_of: int | None
    ) -> list[tuple[int, Fraction]]:
        start = to_micros(self.start) if self.start is not None else None
        points = []
        for index, observation in enumerate(observations):
            check_item(observation, Observation, field="observations", index=index)
            if self.metric is not None and not self.metric.spec.contains(observation.value):
                raise ValidationError(
                    f"'observations[{index}].value' must be a value of {self.metric.value}, "
                    f"{self.metric.spec.describe()} (got {_plain(observation.value)})",
                    field=f"observations[{index}].value",
                    value=observation.value,
                )
            at = to_micros(observation.at)
            if (start is None or at >= start) and (as_of is None or at <= as_of):
                points.append((at, observation.value))
        points.sort(key=lambda p: p[0])
        return points

    def expected_at(self, at: pendulum.DateTime) -> Fraction:
        """The value on the straight line from baseline (at start) to target (at deadline).

        Before the start it is the baseline; after the deadline, the target.

        Raises:
            ValidationError: the goal lacks a baseline, a target, a start or a deadline.

        >>> import pendulum
        >>> g = Goal(name="g", baseline=0, target=10, start=pendulum.datetime(2024, 1, 1),
        ...          deadline=pendulum.datetime(2024, 1, 11))
        >>> g.expected_at(pendulum.datetime(2024, 1, 6))
        Fraction(5, 1)
        """
        baseline, target, start, deadline = self._line()
        moment = to_micros(aware(at, field="at"))
        if moment <= start:
            return baseline
        if moment >= deadline:
            return target
        return baseline + (target - baseline) * Fraction(moment - start, deadline - start)

    def _line(self) -> tuple[Fraction, Fraction, int, int]:
        missing = [
            name
            for name in ("baseline", "target", "start", "deadline")
            if getattr(self, name) is None
        ]
        if missing or self._time_bound():
            raise ValidationError(
                f"'goal' must have a baseline, a target, a start and a later deadline to "
                f"measure progress (missing: {', '.join(missing) or 'a deadline after the start'})",
                field="goal",
                value=self.name,
            )
        assert self.baseline is not None
        assert self.target is not None
        assert self.start is not None
        assert self.deadline is not None
        return self.baseline, self.target, to_micros(self.start), to_micros(self.deadline)

    def unit(self) -> str:
        """The unit the goal's values are written in: its KPI's :class:`~servicemodel.kpi.KpiUnit` value.

        ``duration`` values are seconds, ``rate`` values shares in [0, 1], ``net``
        values points; a goal without a KPI gives ``"number"``.

        >>> Goal(name="g", metric="csat").unit(), Goal(name="g", metric="first_reply_time").unit()
        ('rate', 'duration')
        """
        return _unit_of(self.metric)

    def progress(self, observations: Iterable[Observation], as_of: _dt.datetime) -> Progress:
        """Judge progress at *as_of* from observations of the goal's KPI.

        Only observations from the start up to *as_of*, and never after the
        deadline, count: a goal is judged on what was measured by its
        deadline. The status, in order of precedence:

        - at or after the deadline: ``achieved`` if the latest value by the
          deadline reaches the target, else ``missed``;
        - ``achieved``: the latest value already reaches the target;
        - ``on_track``: the latest value is at least as good as the expected
          value on the line at *as_of*, and the trend (when there is one)
          carries it to the target by the deadline;
        - ``at_risk``: one of those two holds and the other does not (ahead
          of the line but the trend falls short, or behind the line but the
          trend reaches the target);
        - ``off_track``: behind the line, and the trend does not reach the
          target (or there is no trend yet).

        The projection is the latest value carried along the least-squares
        trend (per month) of the counted observations to the deadline, so a
        falling trend never projects a higher value. :attr:`Progress.explanation`
        says all of this in one sentence with the same numbers.

        Raises:
            ValidationError: the goal lacks what a line needs (see :meth:`expected_at`),
                or *as_of* is before the start.
            EmptySampleError: no observation lies between the start and *as_of*
                (or the deadline, if earlier).

        >>> import pendulum
        >>> g = Goal(name="CSAT", metric="csat", direction="increase", baseline=0.80, target=0.90,
        ...          start=pendulum.datetime(2024, 1, 1), deadline=pendulum.datetime(2024, 12, 31))
        >>> obs = [Observation(at=pendulum.datetime(2024, 3, 1), value=0.79)]
        >>> print(g.progress(obs, as_of=pendulum.datetime(2024, 3, 2)).explanation)
        off track: the latest value 79.0% (2024-03-01) is behind the 81.7% expected on the line for 2024-03-02, and with one observation there is no trend yet; the target is 90.0% by 2024-12-31
        """
        _, _, start, deadline = self._line()
        if self.direction is None:
            raise ValidationError(
                "'direction' must be set to measure progress (got None)",
                field="direction",
                value=None,
            )
        when = aware(as_of, field="as_of")
        moment = to_micros(when)
        if moment < start:
            raise ValidationError(
                f"'as_of' must not be before the goal's start {self.start} (got {when.isoformat()})",
                field="as_of",
                value=when,
            )
        kept = tuple(observations)
        judgement = self._judge(kept, moment)
        if judgement is None:
            raise EmptySampleError(
                f"goal {self.name!r} needs at least one observation between its start and "
                f"{from_micros(min(moment, deadline), _zone_of(when)).isoformat()} "
                "(got 0)"
            )
        return Progress(
            as_of=when,
            deadline=judgement.deadline,
            status=judgement.status,
            expected=judgement.expected,
            latest=judgement.latest,
            latest_at=judgement.latest_at,
            trend_per_month=judgement.trend_per_month,
            projected=judgement.projected,
            explanation=judgement.sentence(),
        )

    def _within_range(self, value: Fraction) -> Fraction:
        """*value* held inside the KPI's range (a share never projects past 100%)."""
        if self.metric is None:
            return value
        spec = self.metric.spec
        if spec.low is not None and value < spec.low:
            return spec.low
        if spec.high is not None and value > spec.high:
            return spec.high
        return value

    def _judge(self, observations: tuple[Observation, ...], moment: int) -> _Judgement | None:
        """The one judgement behind status, projection and sentence (None: no observation)."""
        _, target, _, deadline = self._line()
        assert self.direction is not None
        assert self.deadline is not None
        cutoff = min(moment, deadline)
        points = self._points(observations, as_of=cutoff)
        if not points:
            return None
        direction = self.direction
        latest_micros, latest = points[-1]
        latest_at = next(o.at for o in observations if to_micros(o.at) == latest_micros)
        expected = self.expected_at(from_micros(cutoff))
        trend = _trend(points)
        slope = None if trend is None else trend[1]
        over = moment >= deadline
        projected = (
            None
            if slope is None or over
            else self._within_range(latest + slope * (deadline - latest_micros))
        )
        ahead = direction.meets(latest, expected)
        reaches = None if projected is None else direction.meets(projected, target)
        if over:
            status = GoalStatus.ACHIEVED if direction.meets(latest, target) else GoalStatus.MISSED
        elif direction.meets(latest, target):
            status = GoalStatus.ACHIEVED
        elif ahead and reaches is not False:
            status = GoalStatus.ON_TRACK
        elif ahead or reaches:
            status = GoalStatus.AT_RISK
        else:
            status = GoalStatus.OFF_TRACK
        return _Judgement(
            status=status,
            unit=self.unit(),
            target=target,
            deadline=self.deadline,
            on=from_micros(cutoff, _zone_of(self.deadline)),
            expected=expected,
            latest=latest,
            latest_at=latest_at,
            count=len(points),
            trend_per_month=None if slope is None else slope * _MICROS_PER_MONTH,
            projected=projected,
            ahead=ahead,
            reaches=None if status is GoalStatus.ACHIEVED else reaches,
        )


def _unit_of(metric: KpiName | None) -> str:
    """The unit of a KPI's values as goals write them (a KpiUnit's value; "number" without a KPI)."""
    return "number" if metric is None else metric.spec.unit.value
