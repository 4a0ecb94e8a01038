"""Each goal of a model judged on the assessment's own KPI reports."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, cast

import pendulum

from ..._time import duration_micros, to_micros
from ...exceptions import EmptySampleError, ValidationError
from ...goals import Goal, Observation
from ...kpi import (
    DurationStats,
    Mean,
    Net,
    Period,
    Rate,
    Report,
)
from ._results import GoalReport


def value_of(result: object, variant: str | None) -> Fraction | None:
    """The number a goal compares: rates and means as such, NPS in points, durations in seconds.

    Durations use the goal's variant: ``median`` (default), ``mean`` or ``pNN``.

    >>> from servicemodel.kpi import wilson_interval
    >>> value_of(wilson_interval(3, 4), None)
    Fraction(3, 4)
    """
    if isinstance(result, Rate | Net | Mean):
        return result.value
    if isinstance(result, DurationStats):
        if variant in (None, "median"):
            chosen = result.median
        elif variant == "mean":
            chosen = result.mean
        elif variant.startswith("p") and variant[1:].isdigit() and 0 < int(variant[1:]) < 100:
            try:
                chosen = result.percentile(Fraction(int(variant[1:]), 100))
            except ValidationError:
                return None
        else:
            return None
        return Fraction(duration_micros(chosen), 1_000_000)
    return None


def _goal_report(
    goal: Goal,
    overall: Report,
    by_channel: Report,
    by_team: Report | None,
    as_of: pendulum.DateTime,
) -> GoalReport:
    smart = goal.smart_check()
    if goal.metric is None:
        return GoalReport(
            goal=goal, smart=smart, progress=None, observations=(), note="no KPI named"
        )
    source, key = overall, cast("tuple[str | None, ...]", ())
    note = ""
    if goal.scope.channel is not None:
        source, key = by_channel, (goal.scope.channel.value,)
    elif goal.scope.team is not None and by_team is not None:
        source, key = by_team, (goal.scope.team,)
    if goal.scope.segment is not None:
        note = "segment scope is measured over all customers (segments are not in the interaction data)"
    observations = []
    if goal.metric in source.metrics:
        for row in source.rows:
            if row.group != key or row.period is None:
                continue
            cell = row.cell(goal.metric)
            if cell.missing():
                continue
            value = value_of(cell.result, goal.variant)
            if value is None:
                continue
            tz = pendulum.timezone(source.timezone)
            end = _period_end(row.period, source.period, tz)
            at = min(end, as_of)
            if (
                goal.start is None or at >= goal.start
            ):  # a period before the start is not the goal's
                observations.append(Observation(at=at, value=value))
    else:
        note = f"the KPI {goal.metric.value!r} is not computed from interactions in this assessment"
    smart = goal.smart_check(observations, as_of=as_of)
    progress = None
    try:
        if goal.start is not None and to_micros(as_of) >= to_micros(goal.start):
            progress = goal.progress(observations, as_of)
        elif not note:
            note = "the goal has not started"
    except EmptySampleError:
        note = note or "no observation since the goal started"
    except ValidationError as error:
        note = note or error.message
    return GoalReport(
        goal=goal, smart=smart, progress=progress, observations=tuple(observations), note=note
    )


def _period_end(start: pendulum.Date, period: Period | None, tz: Any) -> pendulum.DateTime:
    first = pendulum.datetime(start.year, start.month, start.day, tz=tz)
    if period is Period.DAY:
        return first.add(days=1).subtract(microseconds=1)
    if period is Period.WEEK:
        return first.add(weeks=1).subtract(microseconds=1)
    return first.add(months=1).subtract(microseconds=1)
