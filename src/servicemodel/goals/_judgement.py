"""How a goal is judged: the trend of its observations and the one judgement behind its progress."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from fractions import Fraction
from typing import final

import attrs
import pendulum

from .._display import show, show_beside, show_change
from .._time import from_micros, to_micros
from ._values import GoalStatus

_MICROS_PER_MONTH = Fraction(365 * 86_400 * 1_000_000, 12) + Fraction(86_400 * 1_000_000, 48)
"""A mean Gregorian month (365.2425 days / 12) in microseconds: the unit of 'per month'."""


@final
@attrs.frozen(kw_only=True)
class Progress:
    """A goal's progress at an instant: one judgement, its numbers and the sentence that explains it.

    ``expected`` is the value on the straight line from the baseline at the
    start to the target at the deadline, read at ``as_of`` (or at the
    deadline once it has passed); ``latest`` the last observation from the
    start up to ``as_of`` and never after the deadline; ``trend_per_month``
    the least-squares slope of those observations; ``projected`` the latest
    value carried along that slope to the deadline, held inside the KPI's
    range (``None`` once the
    deadline has passed, or with fewer than two observations at distinct
    instants). ``explanation`` says in one sentence why the status is what it
    is, with the same numbers; :meth:`Goal.progress` builds all of them from
    one judgement, so they never contradict.

    >>> import pendulum
    >>> from servicemodel.goals import Goal, Observation
    >>> g = Goal(name="CSAT", metric="csat", direction="increase", baseline=0.80, target=0.90,
    ...          start=pendulum.datetime(2024, 1, 1), deadline=pendulum.datetime(2024, 12, 31))
    >>> p = g.progress([Observation(at=pendulum.datetime(2024, 3, 1), value=0.79)],
    ...                as_of=pendulum.datetime(2024, 3, 2))
    >>> p.status.value, p.projected
    ('off_track', None)
    """

    as_of: pendulum.DateTime
    deadline: pendulum.DateTime
    status: GoalStatus
    expected: Fraction
    latest: Fraction
    latest_at: pendulum.DateTime
    trend_per_month: Fraction | None
    projected: Fraction | None
    explanation: str


def _trend(points: Sequence[tuple[int, Fraction]]) -> tuple[Fraction, Fraction] | None:
    """Least-squares (intercept, slope per microsecond), exactly; None if undefined."""
    n = len(points)
    if n < 2:
        return None
    mean_t = Fraction(sum(t for t, _ in points), n)
    mean_v = sum((v for _, v in points), Fraction(0)) / n
    sxx = sum(((t - mean_t) ** 2 for t, _ in points), Fraction(0))
    if sxx == 0:
        return None
    sxy = sum(((t - mean_t) * (v - mean_v) for t, v in points), Fraction(0))
    slope = sxy / sxx
    return mean_v - slope * mean_t, slope


@final
@attrs.frozen(kw_only=True)
class _Judgement:
    """A goal's standing and the facts it rests on; :meth:`sentence` says it in words."""

    status: GoalStatus
    unit: str
    target: Fraction
    deadline: pendulum.DateTime
    on: pendulum.DateTime
    expected: Fraction
    latest: Fraction
    latest_at: pendulum.DateTime
    count: int
    trend_per_month: Fraction | None
    projected: Fraction | None
    ahead: bool
    reaches: bool | None

    def _date(self, at: pendulum.DateTime) -> str:
        return from_micros(to_micros(at), _zone_of(self.deadline)).format("YYYY-MM-DD")

    def trend_clause(self) -> str:
        """The trend and where it leads, or why there is none."""
        if self.trend_per_month is None or self.projected is None:
            if self.status in (GoalStatus.ACHIEVED, GoalStatus.MISSED):
                return ""
            return f"with {_count(self.count)} there is no trend yet"
        verdict = "reaching" if self.reaches else "short of"
        return (
            f"the observed trend ({show_change(self.trend_per_month, self.unit)} per month over "
            f"{_count(self.count)}) carries the latest value to "
            f"{show_beside(self.projected, self.target, self.unit)} at the deadline "
            f"{self._date(self.deadline)}, {verdict} the target {show(self.target, self.unit)}"
        )

    def sentence(self) -> str:
        """Why the status is what it is, with the judgement's own numbers."""
        latest = show_beside(self.latest, self.target, self.unit)
        target = show(self.target, self.unit)
        word = self.status.value.replace("_", " ")
        seen = f"the latest value {latest} ({self._date(self.latest_at)})"
        if self.status is GoalStatus.MISSED:
            return f"missed: by the deadline {self._date(self.deadline)} {seen} fell short of the target {target}"
        if self.status is GoalStatus.ACHIEVED:
            when = (
                f"by the deadline {self._date(self.deadline)} {seen} reached"
                if self.on >= self.deadline
                else f"{seen} already reaches"
            )
            return f"achieved: {when} the target {target} (due {self._date(self.deadline)})"
        side = "is at or ahead of" if self.ahead else "is behind"
        line = (
            f"{seen} {side} the {show_beside(self.expected, self.latest, self.unit)} expected on "
            f"the line for {self._date(self.on)}"
        )
        if self.projected is None:
            return (
                f"{word}: {line}, and {self.trend_clause()}; the target is {target} by "
                f"{self._date(self.deadline)}"
            )
        return f"{word}: {line}, and {self.trend_clause()}"


def _zone_of(at: _dt.datetime) -> _dt.tzinfo:
    zone = at.tzinfo
    assert zone is not None  # every instant in a goal is aware
    return zone


def _count(n: int) -> str:
    return "one observation" if n == 1 else f"{n} observations"
