"""Laws of business calendars over generated calendars in zones with DST,
checked against each other and against a minute-by-minute zoneinfo oracle."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from servicemodel._time import HI, LO, MAX_DURATION_DAYS, from_micros, to_micros
from servicemodel._time import ZONES as TABLE
from servicemodel._time import _same_duration as same_duration
from servicemodel.exceptions import CalendarError, ValidationError
from servicemodel.sla import BusinessCalendar, Overnight
from servicemodel.sla._oracle import MinuteOracle

ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
)
# Dates of 2024 offset changes in those zones (and a quiet day).
ANCHORS = tuple(
    dt.date(2024, m, d)
    for m, d in ((3, 10), (3, 31), (4, 7), (6, 12), (9, 29), (10, 6), (10, 27), (11, 3))
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = 60_000_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
LABELS = {"open", "outside_hours", "holiday", "closure"}


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def ranges(draw: Any) -> str:
    start = draw(st.integers(0, 95)) * 15
    kind = draw(st.sampled_from(["day", "day", "overnight", "to_midnight", "any"]))
    if kind == "day":
        end = min(start + draw(st.integers(1, 40)) * 15, 1440)
    elif kind == "overnight":
        end = (start + draw(st.integers(1, 60)) * 15) % 1440
    elif kind == "to_midnight":
        end = 1440
    else:
        end = draw(st.integers(0, 96)) * 15
    return f"{clock(start)}-{clock(end)}"


@st.composite
def calendars(draw: Any, *, zone: str | None = None) -> tuple[BusinessCalendar, dt.date]:
    tz = zone or draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    hours: dict[str, list[str]] = {}
    for day in DAYS:
        picked = draw(st.lists(ranges(), max_size=2))
        if picked:
            hours[day] = picked
    near = st.integers(-5, 5).map(lambda n: anchor + dt.timedelta(days=n))
    holidays = draw(st.lists(near, max_size=3))

    def local_range(day: dt.date, start: int, length: int) -> tuple[dt.datetime, dt.datetime]:
        first = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=start * 15)
        return first, first + dt.timedelta(minutes=length * 15)

    spans = st.builds(local_range, near, st.integers(0, 95), st.integers(1, 200))
    closures = draw(st.lists(spans, max_size=2))
    openings = draw(st.lists(spans, max_size=2))
    overnight = draw(st.sampled_from(Overnight))
    cal = BusinessCalendar.weekly(
        tz, hours, holidays=holidays, closures=closures, openings=openings, overnight=overnight
    )
    return cal, anchor


def instants(anchor: dt.date, *, days: int = 5) -> st.SearchStrategy[int]:
    base = to_micros(dt.datetime(anchor.year, anchor.month, anchor.day, tzinfo=dt.UTC))
    return st.integers(-days * 24 * 60, days * 24 * 60).map(lambda m: base + m * MINUTE)


durations = st.integers(0, 40 * 60).map(lambda m: m * MINUTE) | st.integers(1, 5 * DAY)


def has_open_time(cal: BusinessCalendar) -> bool:
    return bool(cal.hours) or bool(cal.parts)


@given(data=st.data(), setup=calendars())
def test_elapsed_of_add_is_the_duration_and_add_is_earliest(setup: Any, data: Any) -> None:
    cal, anchor = setup
    assume(has_open_time(cal))
    s = data.draw(instants(anchor))
    d = data.draw(durations)
    t = cal._add_us(s, d)
    assert cal._elapsed_us(s, t) == d
    if d > 0:
        assert cal._elapsed_us(s, t - 1) == d - 1  # nothing earlier will do
    back = cal._add_us(t, -d)
    assert cal._elapsed_us(back, t) == d
    if d > 0:
        assert cal._elapsed_us(back + 1, t) == d - 1  # latest start that works


@given(data=st.data(), setup=calendars())
def test_add_composes(setup: Any, data: Any) -> None:
    cal, anchor = setup
    assume(has_open_time(cal))
    s = data.draw(instants(anchor))
    d1, d2 = data.draw(durations), data.draw(durations)
    assert cal._add_us(cal._add_us(s, d1), d2) == cal._add_us(s, d1 + d2)


@given(data=st.data(), setup=calendars())
def test_elapsed_is_additive_and_bounded(setup: Any, data: Any) -> None:
    cal, anchor = setup
    a, b, c = sorted(data.draw(instants(anchor)) + data.draw(st.integers(0, 999)) for _ in "abc")
    ab, bc, ac = cal._elapsed_us(a, b), cal._elapsed_us(b, c), cal._elapsed_us(a, c)
    assert ac == ab + bc
    assert 0 <= ab <= b - a
    assert cal._elapsed_us(b, a) == -ab


@given(data=st.data(), setup=calendars())
def test_segments_partition_and_count_the_elapsed_time(setup: Any, data: Any) -> None:
    cal, anchor = setup
    a, b = sorted(data.draw(instants(anchor)) for _ in "ab")
    segments = cal._segments_us(a, b)
    if a == b:
        assert segments == ()
        return
    assert segments[0][0] == a
    assert segments[-1][1] == b
    for (_s1, e1, l1), (s2, _, l2) in itertools.pairwise(segments):
        assert e1 == s2
        assert l1 != l2
    assert all(s < e and label in LABELS for s, e, label in segments)
    assert sum(e - s for s, e, lab in segments if lab == "open") == cal._elapsed_us(a, b)
    for s, e, label in segments:
        mid = (s + e) // 2
        assert cal.is_open(from_micros(mid)) == (label == "open")


@given(data=st.data(), setup=calendars())
def test_a_holiday_never_makes_a_deadline_earlier(setup: Any, data: Any) -> None:
    cal, anchor = setup
    assume(has_open_time(cal))
    extra = anchor + dt.timedelta(days=data.draw(st.integers(-3, 3)))
    closed = BusinessCalendar.weekly(
        cal.timezone,
        {},
        holidays={extra},
    )
    with_holiday = BusinessCalendar(
        timezone=cal.timezone,
        hours=cal.hours,
        holidays=cal.holidays | closed.holidays,
        closures=cal.closures,
        openings=cal.openings,
        overnight=cal.overnight,
    )
    s = data.draw(instants(anchor))
    d = data.draw(durations)
    assert with_holiday._add_us(s, d) >= cal._add_us(s, d)
    assert with_holiday._elapsed_us(s, s + 3 * DAY) <= cal._elapsed_us(s, s + 3 * DAY)


@given(data=st.data(), setup=calendars(), other_zone=st.sampled_from(ZONES))
def test_results_do_not_depend_on_the_zone_inputs_are_written_in(
    setup: Any, data: Any, other_zone: str
) -> None:
    cal, anchor = setup
    assume(has_open_time(cal))
    s = data.draw(instants(anchor))
    e = data.draw(instants(anchor))
    d = pendulum.Duration(microseconds=data.draw(durations))
    here = pendulum.timezone(str(getattr(cal.timezone, "key", "UTC")))
    there = pendulum.timezone(other_zone)
    s_here, s_there = from_micros(s, here), from_micros(s, there)
    e_here, e_there = from_micros(e, here), from_micros(e, there)
    assert cal.elapsed(s_here, e_here) == cal.elapsed(s_there, e_there)
    stdlib = dt.datetime.fromtimestamp(s / 1e6, dt.UTC).replace(microsecond=s % 1_000_000)
    due = cal.add(s_there, d)
    assert due == cal.add(s_here, d) == cal.add(stdlib, d)
    assert due.tzinfo is cal.timezone
    assert to_micros(due) == cal._add_us(s, round(d.total_seconds() * 1e6))


@given(
    start=st.datetimes(
        min_value=dt.datetime(1950, 1, 1),
        max_value=dt.datetime(2150, 1, 1),
        timezones=st.sampled_from([pendulum.timezone(z) for z in ZONES]),
    ),
    micros=st.integers(-(10**15), 10**15),
)
def test_always_is_absolute_time(start: dt.datetime, micros: int) -> None:
    cal = BusinessCalendar.always()
    d = pendulum.Duration(microseconds=micros)
    assert to_micros(cal.add(start, d)) == to_micros(start) + micros
    end = from_micros(to_micros(start) + micros)
    assert cal.elapsed(start, end) == d
    assert cal._elapsed_us(3, 10**18) == 10**18 - 3
    assert cal._add_us(-5, micros) == micros - 5


@given(data=st.data(), setup=calendars())
def test_next_open_and_next_close_agree_with_is_open(setup: Any, data: Any) -> None:
    cal, anchor = setup
    assume(has_open_time(cal))
    u = data.draw(instants(anchor))
    at = from_micros(u)
    try:
        nxt = to_micros(cal.next_open(at))
    except CalendarError:
        assert cal._elapsed_us(u, u + 30 * DAY) == 0
        return
    assert nxt >= u
    assert cal.is_open(from_micros(nxt))
    assert cal._elapsed_us(u, nxt) == 0
    if nxt > u:
        assert not cal.is_open(from_micros(nxt - 1))
    try:
        close = to_micros(cal.next_close(from_micros(nxt)))
    except CalendarError:
        return
    assert close > nxt
    assert not cal.is_open(from_micros(close))
    assert cal._elapsed_us(nxt, close) == close - nxt


@settings(max_examples=60)
@given(data=st.data(), left=calendars(), right=calendars())
def test_union_and_intersection_count_by_inclusion_exclusion(
    left: Any, right: Any, data: Any
) -> None:
    (a_cal, anchor), (b_cal, _) = left, right
    union, both = a_cal.union(b_cal), a_cal.intersection(b_cal)
    s, e = sorted(data.draw(instants(anchor)) for _ in "se")
    ea, eb = a_cal._elapsed_us(s, e), b_cal._elapsed_us(s, e)
    eu, ei = union._elapsed_us(s, e), both._elapsed_us(s, e)
    assert eu + ei == ea + eb
    assert max(ea, eb) <= eu
    assert ei <= min(ea, eb)
    for combined in (union, both):
        segments = combined._segments_us(s, e)
        assert sum(b - a for a, b, lab in segments if lab == "open") == combined._elapsed_us(s, e)


@given(data=st.data(), setup=calendars())
def test_elapsed_many_and_add_many_equal_the_scalar_path(setup: Any, data: Any) -> None:
    cal, anchor = setup
    n = data.draw(st.integers(1, 8))
    starts = [data.draw(instants(anchor)) + data.draw(st.integers(0, 999)) for _ in range(n)]
    ends = [data.draw(instants(anchor)) for _ in range(n)]
    got = cal.elapsed_many(
        np.array(starts, dtype="datetime64[us]"), np.array(ends, dtype="datetime64[us]")
    )
    assert got.dtype == np.int64
    assert got.tolist() == [cal._elapsed_us(a, b) for a, b in zip(starts, ends, strict=True)]
    assume(has_open_time(cal))
    durations = [data.draw(st.integers(-2 * DAY, 2 * DAY)) for _ in range(n)]
    try:
        expected = [cal._add_us(s, d) for s, d in zip(starts, durations, strict=True)]
    except CalendarError:
        with pytest.raises(CalendarError):
            cal.add_many(
                np.array(starts, dtype="datetime64[us]"),
                np.array(durations, dtype="timedelta64[us]"),
            )
        return
    out = cal.add_many(
        np.array(starts, dtype="datetime64[us]"), np.array(durations, dtype="timedelta64[us]")
    )
    assert out.dtype == np.dtype("datetime64[us]")
    assert out.astype(np.int64).tolist() == expected


# --- the brute-force oracle -------------------------------------------------------------


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=100)
@given(data=st.data(), setup=calendars())
def test_oracle_agrees_with_elapsed_and_add(setup: Any, data: Any) -> None:
    """10 elapsed and 10 add cases per calendar: 2,000 cases in the ci profile."""
    cal, anchor = setup
    oracle = MinuteOracle(cal)
    for _ in range(10):
        a = data.draw(instants(anchor, days=3))
        b = a + data.draw(st.integers(-16 * 60, 16 * 60)) * MINUTE
        assert cal._elapsed_us(a, b) == oracle.elapsed(a, b)
    if not has_open_time(cal):
        return
    for _ in range(10):
        s = data.draw(instants(anchor, days=3))
        # keep the oracle's walk short: at most what two days offer
        d = min(data.draw(st.integers(0, 6 * 60)) * MINUTE, cal._elapsed_us(s, s + 2 * DAY))
        assert cal._add_us(s, d) == oracle.add(s, d)


@pytest.mark.untraced  # a law over many examples: traced, it takes twice as long
@settings(max_examples=30)
@given(data=st.data(), left=calendars(), right=calendars(), how=st.sampled_from(["u", "i"]))
def test_oracle_agrees_on_combined_calendars(left: Any, right: Any, how: str, data: Any) -> None:
    (a_cal, anchor), (b_cal, _) = left, right
    cal = a_cal.union(b_cal) if how == "u" else a_cal.intersection(b_cal)
    oracle = MinuteOracle(cal)
    for _ in range(5):
        a = data.draw(instants(anchor, days=3))
        b = a + data.draw(st.integers(0, 24 * 60)) * MINUTE
        assert cal._elapsed_us(a, b) == oracle.elapsed(a, b)
        u = data.draw(instants(anchor, days=3))
        assert cal.is_open(from_micros(u)) == oracle.is_open(u)
        d = min(data.draw(st.integers(0, 6 * 60)) * MINUTE, cal._elapsed_us(u, u + 2 * DAY))
        assert cal._add_us(u, d) == oracle.add(u, d)


@pytest.mark.parametrize("zone", ZONES)
def test_oracle_agrees_over_every_2024_transition_on_a_split_night_calendar(zone: str) -> None:
    cal = BusinessCalendar.weekly(
        zone,
        {"mon-fri": ["08:00-12:30", "13:15-17:45", "22:00-02:00"], "sat": "00:00-24:00"},
        holidays=[dt.date(2024, 3, 29), dt.date(2024, 10, 1)],
    )
    oracle = MinuteOracle(cal)
    for anchor in ANCHORS:
        base = to_micros(dt.datetime(anchor.year, anchor.month, anchor.day, tzinfo=dt.UTC))
        a, b = base - 2 * DAY, base + 2 * DAY
        assert cal._elapsed_us(a, b) == oracle.elapsed(a, b)
        assert cal._add_us(a, 20 * HOUR) == oracle.add(a, 20 * HOUR)


# --- the pendulum edge: any written form of an instant gives the integer answer ---------


def _fields(value: dt.datetime) -> tuple[Any, ...]:
    return (*value.timetuple()[:6], value.microsecond, value.fold, value.tzinfo, type(value))


@given(data=st.data(), setup=calendars(), sign=st.sampled_from([1, 1, 0, -1]))
def test_add_and_elapsed_on_datetimes_equal_the_integer_path(
    setup: Any, data: Any, sign: int
) -> None:
    """``add``/``elapsed`` on datetimes in any zone equal ``_add_us``/``_elapsed_us``."""
    cal, anchor = setup
    tz = cal.timezone
    s = data.draw(instants(anchor)) + data.draw(st.integers(0, 999_999))
    e = data.draw(instants(anchor)) + data.draw(st.integers(0, 999_999))
    d = sign * (data.draw(durations) + data.draw(st.integers(0, 999)))
    here = from_micros(s, tz)  # in the calendar's zone: read through its offset table
    written = [here, from_micros(s, pendulum.timezone("UTC")), dt.datetime.fromtimestamp(0, dt.UTC)]
    written[2] = written[2] + dt.timedelta(microseconds=s)  # stdlib UTC: the general route
    duration = pendulum.Duration(microseconds=d)
    try:
        expected = cal._add_us(s, d)
    except CalendarError:
        for start in written:
            with pytest.raises(CalendarError):
                cal.add(start, duration)
        return
    for start in written:
        for how in (duration, dt.timedelta(microseconds=d)):
            due = cal.add(start, how)
            assert _fields(due) == _fields(from_micros(expected, tz))
            assert to_micros(due) == expected
    got = cal.elapsed(here, from_micros(e, tz))
    assert same_duration(got, pendulum.Duration(microseconds=cal._elapsed_us(s, e)))


@given(
    zone=st.sampled_from(ZONES),
    anchor=st.sampled_from(ANCHORS),
    minutes=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    micros=st.integers(0, MINUTE - 1),
    far=st.integers(LO, HI - MINUTE),  # anywhere in the supported range
    use_far=st.booleans(),
)
def test_results_are_shown_like_the_stdlib_shows_them(
    zone: str, anchor: dt.date, minutes: int, micros: int, far: int, use_far: bool
) -> None:
    """``_show`` (cached offset transitions, integer fields) equals ``astimezone``, fold included."""
    cal = BusinessCalendar.weekly(zone, {"mon-fri": "09:00-17:00"})
    base = to_micros(dt.datetime(anchor.year, anchor.month, anchor.day, tzinfo=dt.UTC))
    u = (far if use_far else base + minutes * MINUTE) + micros
    shown = cal._show(u)
    assert _fields(shown) == _fields(from_micros(u, cal.timezone))
    assert to_micros(shown) == u


@pytest.mark.parametrize("zone", ZONES)
def test_every_2024_transition_is_shown_like_the_stdlib_shows_it(zone: str) -> None:
    cal = BusinessCalendar.weekly(zone, {"mon-fri": "09:00-17:00"})
    tz = cal.timezone
    start = to_micros(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    folds = 0
    for t in (t for t in TABLE.offsets(zone).times if start <= t < start + 366 * DAY):
        for u in range(t - 2 * HOUR, t + 2 * HOUR, 15 * MINUTE):
            for v in (u - 1, u, u + 1):
                shown = cal._show(v)
                assert _fields(shown) == _fields(from_micros(v, tz))
                folds += shown.fold
    assert folds > 0 or zone == "Asia/Kolkata"  # each DST zone repeats some wall time


@pytest.mark.parametrize("zone", ZONES)
def test_deadlines_that_land_on_a_transition_are_shown_in_the_new_offset(zone: str) -> None:
    """A result at the very end of a piece (an offset change) belongs to the next era."""
    # open around the clock, with a holiday so that it is not the 24x7 shortcut
    every_hour = BusinessCalendar.weekly(
        zone, {"mon-sun": "00:00-24:00"}, holidays=[dt.date(2031, 1, 1)]
    )
    new_year = pendulum.datetime(2031, 1, 1, tz=zone)
    assert every_hour.next_close(new_year.subtract(days=1)) == new_year  # not always open
    tz = every_hour.timezone
    start = to_micros(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    checked = 0
    for t in (t for t in TABLE.offsets(zone).times if start <= t < start + 366 * DAY):
        for back in (1, MINUTE, HOUR, 3 * DAY):
            due = every_hour.add(from_micros(t - back, tz), pendulum.Duration(microseconds=back))
            assert _fields(due) == _fields(from_micros(t, tz))
            before = every_hour.add(
                from_micros(t + back, tz), -pendulum.Duration(microseconds=back)
            )
            assert _fields(before) == _fields(from_micros(t, tz))
            checked += 1
    assert checked >= 8 or zone == "Asia/Kolkata"


def test_month_based_and_out_of_range_durations_are_refused_by_add() -> None:
    cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    at = pendulum.datetime(2024, 6, 7, 12, tz="Europe/London")
    for bad in (pendulum.duration(months=1), pendulum.duration(years=1, hours=2)):
        with pytest.raises(ValidationError, match="'duration' must not be month- or year-based"):
            cal.add(at, bad)
    too_long = pendulum.duration(days=MAX_DURATION_DAYS + 1)
    with pytest.raises(ValidationError, match="'duration' must be at most"):
        cal.add(at, too_long)
    with pytest.raises(ValidationError, match="'duration' must be at most"):
        cal.add(at, -too_long)


def test_add_checks_each_new_duration_even_after_a_repeated_one() -> None:
    cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
    at = pendulum.datetime(2024, 6, 7, 12, tz="Europe/London")  # a Friday
    with pytest.raises(ValidationError, match="'duration' must be a duration"):
        cal.add(at, None)  # type: ignore[arg-type]  # the first call of a fresh calendar
    eight = pendulum.duration(hours=8)
    monday_noon = pendulum.datetime(2024, 6, 10, 12, tz="Europe/London")
    assert cal.add(at, eight) == cal.add(at, eight) == monday_noon
    assert cal.add(at, -eight) == pendulum.datetime(2024, 6, 6, 12, tz="Europe/London")
    for bad in (None, pendulum.duration(months=1), pendulum.duration(days=MAX_DURATION_DAYS + 1)):
        with pytest.raises(ValidationError, match="'duration' must"):
            cal.add(at, bad)  # type: ignore[arg-type]
        assert cal.add(at, eight) == monday_noon
