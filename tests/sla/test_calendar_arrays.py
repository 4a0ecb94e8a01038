"""The numpy path: pandas columns, edge cases and errors (the equality law is in test_calendar_laws)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from servicemodel.exceptions import CalendarError, ValidationError
from servicemodel.sla import BusinessCalendar


def test_pandas_columns_aware_and_naive() -> None:
    cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    starts = pd.Series(pd.to_datetime(["2024-06-07 16:00", "2024-06-10 08:00"])).dt.tz_localize(
        "Europe/London"
    )
    ends = starts + pd.Timedelta(hours=20)
    got = cal.elapsed_many(starts, ends)
    assert (got // 3_600_000_000).tolist() == [1, 8]
    utc_naive = starts.dt.tz_convert("UTC").dt.tz_localize(None)
    assert cal.elapsed_many(utc_naive, ends).tolist() == got.tolist()
    due = cal.add_many(starts, pd.Series([pd.Timedelta(hours=2), pd.Timedelta(0)]))
    assert due.tolist() == [dt.datetime(2024, 6, 10, 9), dt.datetime(2024, 6, 10, 7)]  # UTC


def test_always_and_empty_arrays() -> None:
    cal = BusinessCalendar.always()
    a = np.array(["2024-01-01T00:00"], dtype="datetime64[m]")
    b = np.array(["2024-01-02T00:00"], dtype="datetime64[m]")
    assert cal.elapsed_many(a, b).tolist() == [86_400_000_000]
    assert cal.add_many(a, np.array([1], dtype="timedelta64[D]")).tolist() == [
        dt.datetime(2024, 1, 2)
    ]
    empty = np.array([], dtype="datetime64[us]")
    week = BusinessCalendar.weekly("UTC", {"mon": "09:00-10:00"})
    assert week.elapsed_many(empty, empty).tolist() == []
    assert week.add_many(empty, np.array([], dtype="timedelta64[us]")).tolist() == []
    zero = week.add_many(a, np.array([0], dtype="timedelta64[us]"))
    assert zero.tolist() == [dt.datetime(2024, 1, 1)]


def test_bad_arrays_are_refused() -> None:
    cal = BusinessCalendar.weekly("UTC", {"mon-fri": "09:00-17:00"})
    ok = np.array(["2024-01-01T00:00"], dtype="datetime64[us]")
    with pytest.raises(ValidationError, match="'starts' must be a numpy datetime64"):
        cal.elapsed_many(np.array([1, 2]), ok)
    with pytest.raises(ValidationError, match="'ends' must not contain NaT"):
        cal.elapsed_many(ok, np.array(["NaT"], dtype="datetime64[us]"))
    with pytest.raises(ValidationError, match="between 1900-01-01 and 2200-01-01"):
        cal.elapsed_many(ok, np.array(["2400-01-01"], dtype="datetime64[us]"))
    with pytest.raises(ValidationError, match="'durations' must be a numpy timedelta64"):
        cal.add_many(ok, np.array([1.5]))
    with pytest.raises(ValidationError, match="'durations' must not contain NaT"):
        cal.add_many(ok, np.array(["NaT"], dtype="timedelta64[us]"))
    never = BusinessCalendar.weekly("UTC", {})
    with pytest.raises(CalendarError, match="never opens again"):
        never.add_many(ok, np.array([1], dtype="timedelta64[s]"))


@pytest.mark.parametrize(
    "closure_end",
    [dt.datetime(2024, 6, 11, 12), dt.datetime(2024, 6, 11, 12, 0, 0, 1)],
    ids=["hour-grid", "microsecond-boundary-falls-back-to-searchsorted"],
)
def test_elapsed_many_on_grids_and_without_them(closure_end: dt.datetime) -> None:
    cal = BusinessCalendar.weekly(
        "Europe/London",
        {"mon-fri": ["09:00-12:00", "13:00-17:00"]},
        closures=[(dt.datetime(2024, 6, 11, 10), closure_end)],
    )
    rng = np.random.default_rng(3)
    base = np.datetime64("2024-06-01T00:00", "us").astype(np.int64)
    a = base + rng.integers(0, 30 * 86_400_000_000, 300)
    b = a + rng.integers(-86_400_000_000, 86_400_000_000 * 20, 300)
    b[0] = a[0]  # an empty span
    a[1], b[1] = base + 40 * 86_400_000_000, base + 40 * 86_400_000_000 + 5  # no boundary inside
    got = cal.elapsed_many(a.astype("datetime64[us]"), b.astype("datetime64[us]"))
    assert got.tolist() == [cal._elapsed_us(int(x), int(y)) for x, y in zip(a, b, strict=True)]
    one = cal.elapsed_many(a[1:2].astype("datetime64[us]"), b[1:2].astype("datetime64[us]"))
    assert one.tolist() == [cal._elapsed_us(int(a[1]), int(b[1]))]
