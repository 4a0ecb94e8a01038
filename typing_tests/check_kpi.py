"""KPI accumulators, convenience functions, reports and staffing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, assert_type

from servicemodel import Interaction
from servicemodel.kpi import (
    Csat,
    DurationStats,
    FirstReplyTime,
    Mean,
    Net,
    Nps,
    Rate,
    Report,
    ReportRow,
    csat,
    first_reply_time,
    nps,
    report,
    retention_rate,
    wilson_interval,
)
from servicemodel.kpi.staffing import (
    ArrivalRate,
    ErlangA,
    Staffing,
    erlang_a,
    erlang_b,
    erlang_c_exact,
    required_agents,
    service_level,
)


def accumulators() -> None:
    scores = Nps.empty()
    assert_type(scores, Nps)
    assert_type(scores.add(9), None)
    assert_type(scores.merge(Nps.empty()), Nps)
    assert_type(scores.copy(), Nps)
    assert_type(scores.empty_like(), Nps)
    assert_type(scores.result(), Net)
    assert_type(Csat.empty().result(), Rate)
    assert_type(FirstReplyTime.empty().result(), DurationStats)
    assert_type(scores.to_json(), dict[str, Any])
    scores.merge(Csat.empty())  # type: ignore[arg-type]
    _ = scores.result().median  # type: ignore[attr-defined]
    _ = Csat.empty().result().median  # type: ignore[attr-defined]


def functions(items: Iterable[Interaction]) -> None:
    assert_type(csat([5, 4, 1]), Rate)
    assert_type(nps([10, 3]), Net)
    assert_type(first_reply_time(items), DurationStats)
    assert_type(wilson_interval(3, 4), Rate)
    assert_type(retention_rate(start=10, new=2, end=11), Rate)
    assert_type(wilson_interval(3, 4).value, Fraction)
    wilson_interval(0.5, 4)  # type: ignore[arg-type]
    retention_rate(10, 2, 11)  # type: ignore[call-arg]
    nps([10, 3]).value + ""  # type: ignore[operator]


def reports(items: Iterable[Interaction]) -> None:
    table = report(items, metrics=["csat"], by=["channel"], period="week")
    assert_type(table, Report)
    assert_type(table.rows, Sequence[ReportRow])
    assert_type(table.to_records(), list[dict[str, Any]])
    report(items, ["csat"])  # type: ignore[call-arg]
    table.to_records().keys()  # type: ignore[attr-defined]


def staffing(rate: ArrivalRate) -> None:
    handle = dt.timedelta(minutes=5)
    assert_type(erlang_b(10, 8.0), float)
    assert_type(erlang_c_exact(10, Fraction(8)), Fraction)
    assert_type(service_level(10, rate, handle, dt.timedelta(seconds=20)), float)
    needed = required_agents(rate, handle, target_level=0.8, target_time=dt.timedelta(seconds=20))
    assert_type(needed, Staffing)
    assert_type(erlang_a(10, rate, handle, patience=dt.timedelta(minutes=2)), ErlangA)
    erlang_c_exact(10, 8.0)  # type: ignore[arg-type]
    required_agents(rate, handle, target_level=0.8)  # type: ignore[call-arg]
    service_level(10, rate, 300, dt.timedelta(seconds=20))  # type: ignore[arg-type]


def means(value: Mean) -> None:
    assert_type(value.value, Fraction)
