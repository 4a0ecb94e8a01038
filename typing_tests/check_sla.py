"""Business calendars, policies, evaluation and policy documents."""

from __future__ import annotations

import datetime as dt
from typing import assert_type

import numpy as np
import numpy.typing as npt
import pendulum

from servicemodel import Interaction
from servicemodel.sla import (
    BusinessCalendar,
    DatedCalendar,
    Metric,
    MetricClock,
    PolicySet,
    SlaOutcome,
    SlaResult,
    evaluate,
    load_policies,
)


def calendars(cal: BusinessCalendar, start: pendulum.DateTime) -> None:
    assert_type(cal.elapsed(start, start.add(hours=1)), pendulum.Duration)
    assert_type(cal.add(start, dt.timedelta(hours=2)), pendulum.DateTime)
    segments = cal.segments(start, start.add(hours=1))
    assert_type(segments, tuple[tuple[pendulum.DateTime, pendulum.DateTime, str], ...])
    starts = np.array(["2024-06-10T09:00"], dtype="datetime64[us]")
    assert_type(cal.elapsed_many(starts, starts), npt.NDArray[np.int64])
    assert_type(
        cal.add_many(starts, np.array([60], dtype="timedelta64[s]")), npt.NDArray[np.datetime64]
    )
    cal.elapsed(start, 3600)  # type: ignore[arg-type]
    cal.add(start, "2h")  # type: ignore[arg-type]
    _ = cal.elapsed(start, start).hour  # type: ignore[attr-defined]


def policies(ticket: Interaction, at: pendulum.DateTime) -> None:
    loaded = load_policies({"policies": []})
    assert_type(loaded, PolicySet)
    assert_type(loaded.calendar(None), BusinessCalendar | DatedCalendar)
    result = evaluate(ticket, loaded, as_of=at)
    assert_type(result, SlaResult)
    assert_type(result.breached(), bool)
    assert_type(result.clock(Metric.FIRST_REPLY), MetricClock | None)
    assert_type(result.outcomes(), tuple[SlaOutcome, ...])
    assert_type(result.next_change(), pendulum.DateTime | None)
    evaluate(ticket, loaded)  # type: ignore[call-arg]
    evaluate(ticket, {"policies": []}, as_of=at)  # type: ignore[arg-type]
    result.clock("first_reply")  # type: ignore[arg-type]
    _ = result.clock(Metric.FIRST_REPLY).due_at  # type: ignore[union-attr]
    load_policies(42)  # type: ignore[arg-type]
