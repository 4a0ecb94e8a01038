"""Strategies for SMART goals and series of observations of their KPI."""

from __future__ import annotations

from fractions import Fraction

import pendulum
from hypothesis import strategies as st

from .._time import from_micros, to_micros
from ..goals import Goal, Observation
from ._strategies import instants

_DAY = 86_400_000_000
#: (metric, better direction, lowest value, highest value, denominator of drawn values)
_KPIS: tuple[tuple[str, str, int, int, int], ...] = (
    ("csat", "increase", 0, 1, 1000),
    ("fcr", "increase", 0, 1, 1000),
    ("reopen_rate", "decrease", 0, 1, 1000),
    ("first_reply_time", "decrease", 0, 86_400, 1),
    ("nps", "increase", -100, 100, 10),
)


def _value(low: int, high: int, denominator: int) -> st.SearchStrategy[Fraction]:
    return st.integers(low * denominator, high * denominator).map(
        lambda n: Fraction(n, denominator)
    )


@st.composite
def goals(draw: st.DrawFn) -> Goal:
    """Draw a goal that can be judged: a KPI, a direction, a baseline and a better target, a start and a later deadline.

    Targets stay inside the KPI's range (rates in [0, 1], NPS in [-100, 100],
    first reply time in seconds up to a day) and improve on the baseline in
    the KPI's better direction; deadlines fall 1 to 400 days after the start.

    >>> from hypothesis import given
    >>> @given(goals())
    ... def check(goal):
    ...     assert goal.direction.better(goal.target, goal.baseline)
    >>> check()
    """
    metric, direction, low, high, denominator = draw(st.sampled_from(_KPIS))
    a = draw(_value(low, high, denominator))
    b = draw(_value(low, high, denominator).filter(lambda v: v != a))
    worse, better = (min(a, b), max(a, b)) if direction == "increase" else (max(a, b), min(a, b))
    start = draw(instants(max_value=pendulum.datetime(2030, 1, 1)))
    span = draw(st.integers(_DAY, 400 * _DAY))
    return Goal(
        name="drawn goal",
        description=f"{metric} for everyone",
        metric=metric,
        direction=direction,
        baseline=worse,
        target=better,
        start=start,
        deadline=from_micros(to_micros(start) + span, start.timezone or pendulum.UTC),
        owner="owner",
        objective="performance",
    )


@st.composite
def observations(draw: st.DrawFn, goal: Goal, *, max_size: int = 12) -> list[Observation]:
    """Draw observations of *goal*'s KPI, from a little before its start to well after its deadline.

    Values stay in the KPI's range; instants may repeat.

    >>> from hypothesis import given
    >>> @given(goals().flatmap(lambda g: observations(g)))
    ... def check(series):
    ...     assert all(o.at.tzinfo is not None for o in series)
    >>> check()
    """
    assert goal.start is not None
    assert goal.deadline is not None
    start, deadline = to_micros(goal.start), to_micros(goal.deadline)
    span = deadline - start
    _, _, low, high, denominator = next(
        k for k in _KPIS if goal.metric is not None and k[0] == goal.metric.value
    )
    moments = st.integers(start - span // 4, deadline + span // 2)
    pairs = draw(
        st.lists(st.tuples(moments, _value(low, high, denominator)), min_size=1, max_size=max_size)
    )
    return [
        Observation(at=from_micros(at, goal.start.timezone or pendulum.UTC), value=v)
        for at, v in pairs
    ]
