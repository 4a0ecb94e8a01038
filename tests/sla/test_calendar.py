"""Examples and errors of BusinessCalendar beyond the reference cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest

from servicemodel._time import to_micros
from servicemodel.exceptions import CalendarError, ValidationError
from servicemodel.sla import BusinessCalendar, Combine, Overnight, public_holidays

LONDON = "Europe/London"
H = 3_600_000_000


def at(day: int, hour: int, minute: int = 0, *, month: int = 6) -> pendulum.DateTime:
    return pendulum.datetime(2024, month, day, hour, minute, tz=LONDON)


NIGHTS = {"mon-fri": "22:00-06:00"}


def test_overnight_split_at_midnight_lets_a_tuesday_holiday_close_the_tuesday_part() -> None:
    cal = BusinessCalendar.weekly(LONDON, NIGHTS, holidays=[dt.date(2024, 6, 11)])
    assert not cal.is_open(at(11, 3))  # Mon night shift, Tue part: Tuesday holiday
    assert cal.is_open(at(10, 23))
    assert cal.elapsed(at(10, 12), at(11, 12)).in_hours() == 2


def test_overnight_start_day_gives_the_whole_shift_to_its_start_day() -> None:
    tue_holiday = BusinessCalendar.weekly(
        LONDON, NIGHTS, holidays=[dt.date(2024, 6, 11)], overnight=Overnight.START_DAY
    )
    assert tue_holiday.is_open(at(11, 3))  # Monday's shift
    assert not tue_holiday.is_open(at(11, 23))  # Tuesday's own shift
    mon_holiday = BusinessCalendar.weekly(
        LONDON, NIGHTS, holidays=[dt.date(2024, 6, 10)], overnight=Overnight.START_DAY
    )
    assert not mon_holiday.is_open(at(11, 3))
    assert mon_holiday.elapsed(at(10, 12), at(11, 12)) == pendulum.duration()


def test_special_opening_and_half_day_closure() -> None:
    cal = BusinessCalendar.weekly(
        LONDON,
        {"mon-fri": "09:00-17:00"},
        closures=[(dt.datetime(2024, 12, 24, 13), dt.datetime(2024, 12, 24, 17))],
        openings=[("2024-12-21T10:00", "2024-12-21T14:00")],  # a Saturday
    )
    assert cal.elapsed(at(24, 0, month=12), at(25, 0, month=12)).in_hours() == 4
    assert cal.elapsed(at(21, 0, month=12), at(22, 0, month=12)).in_hours() == 4
    segments = cal._segments_us(to_micros(at(24, 8, month=12)), to_micros(at(24, 18, month=12)))
    assert [(label, (e - s) // H) for s, e, label in segments] == [
        ("outside_hours", 1),
        ("open", 4),
        ("closure", 4),
        ("outside_hours", 1),
    ]


def test_segments_name_holiday_time_only_where_the_schedule_was_open() -> None:
    cal = BusinessCalendar.weekly(
        LONDON, {"mon-fri": "09:00-17:00"}, holidays=[dt.date(2024, 6, 13)]
    )
    a, b = to_micros(at(13, 0)), to_micros(at(14, 0))
    assert [(label, (e - s) // H) for s, e, label in cal._segments_us(a, b)] == [
        ("outside_hours", 9),
        ("holiday", 8),
        ("outside_hours", 7),
    ]
    assert cal._segments_us(b, a) == ()


def test_aware_closure_bounds_are_read_in_the_calendar_zone() -> None:
    utc_noon = dt.datetime(2024, 6, 10, 11, tzinfo=dt.UTC)  # 12:00 in London
    cal = BusinessCalendar.weekly(
        LONDON, {"mon-fri": "09:00-17:00"}, closures=[(utc_noon, utc_noon + dt.timedelta(hours=1))]
    )
    assert cal.closures == ((dt.datetime(2024, 6, 10, 12), dt.datetime(2024, 6, 10, 13)),)
    assert not cal.is_open(at(10, 12, 30))


def test_stdlib_zoneinfo_inputs_and_negative_durations() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})
    start = dt.datetime(2024, 6, 10, 10, tzinfo=ZoneInfo("America/New_York"))  # 15:00 London
    assert cal.add(start, dt.timedelta(hours=3)) == at(11, 10)
    assert cal.add(at(10, 10), dt.timedelta(hours=-2)) == at(7, 16)
    assert cal.add(at(10, 9), dt.timedelta(hours=-1)) == at(7, 16)


def test_next_open_close_and_open_intervals() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": ["09:00-12:00", "13:00-17:00"]})
    assert cal.next_open(at(10, 12, 30)) == at(10, 13)
    assert cal.next_open(at(10, 10)) == at(10, 10)
    assert cal.next_close(at(10, 10)) == at(10, 12)
    assert cal.next_close(at(10, 12, 30)) == at(10, 12, 30)
    pairs = cal.open_intervals(at(10, 10), at(10, 14))
    assert pairs == ((at(10, 10), at(10, 12)), (at(10, 13), at(10, 14)))
    assert cal.open_intervals(at(10, 14), at(10, 10)) == ()


def test_end_of_business_day() -> None:
    cal = BusinessCalendar.weekly(
        LONDON, {"mon-fri": "09:00-17:00"}, holidays=[dt.date(2024, 6, 11)]
    )
    assert cal.end_of_business_day(at(10, 8)) == at(10, 17)
    assert cal.end_of_business_day(at(10, 8), 1) == at(12, 17)  # Tuesday is a holiday
    assert cal.end_of_business_day(at(8, 8)) == at(10, 17)  # Saturday: next business day
    nights = BusinessCalendar.weekly(LONDON, NIGHTS)
    assert nights.end_of_business_day(at(10, 12)) == at(11, 6)  # Monday's shift ends Tuesday
    with pytest.raises(ValidationError, match="'n' must be an integer"):
        cal.end_of_business_day(at(10, 8), -1)
    with pytest.raises(CalendarError):
        BusinessCalendar.always().end_of_business_day(at(10, 8))
    with pytest.raises(CalendarError, match="never closes"):
        BusinessCalendar.weekly(LONDON, {"mon-sun": "00:00-24:00"}).end_of_business_day(at(10, 8))


def test_calendar_that_never_opens_raises_at_once() -> None:
    never = BusinessCalendar.weekly(LONDON, {})
    with pytest.raises(CalendarError, match="never opens again"):
        never.add(at(10, 9), pendulum.duration(minutes=1))
    with pytest.raises(CalendarError, match="never opens again"):
        never.next_open(at(10, 9))
    assert never.add(at(10, 9), pendulum.duration()) == at(10, 9)
    assert never.elapsed(at(10, 9), at(20, 9)) == pendulum.duration()
    once = BusinessCalendar.weekly(LONDON, {}, openings=[("2024-06-10T09:00", "2024-06-10T10:00")])
    assert once.add(at(1, 0), pendulum.duration(hours=1)) == at(10, 10)
    with pytest.raises(CalendarError, match="never opens again"):
        once.add(at(1, 0), pendulum.duration(hours=2))
    with pytest.raises(CalendarError, match="before"):
        once.add(at(20, 0), pendulum.duration(hours=-2))


def test_deadlines_beyond_the_supported_range_raise() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"sat": "09:00-09:15"})
    with pytest.raises(CalendarError, match="beyond the supported range"):
        cal.add(at(10, 9), pendulum.duration(days=3000))
    with pytest.raises(ValidationError, match="'start' must be between"):
        cal.add(pendulum.datetime(2300, 1, 1), pendulum.duration(hours=1))
    with pytest.raises(ValidationError, match="'start_us'"):
        cal._elapsed_us(10**20, 0)
    with pytest.raises(ValidationError, match="integer number of microseconds"):
        cal._elapsed_us(1.5, 0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'duration_us'"):
        cal._add_us(0, 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"mon-fri": "9-17"}, "ranges like '09:00-17:00'"),
        ({"mon-fri": "09:00-25:00"}, "from 00:00 to 23:59"),
        ({"mon-fri": "24:00-17:00"}, "from 00:00 to 23:59"),
        ({"monday": "09:00-17:00"}, "days like 'mon'"),
        ({"mon-fri": "09:00-17:00", "fri": "09:00-12:00"}, "each day once"),
        ({"mon": 9}, "a range like '09:00-17:00' or a list"),
        (["mon"], "must map days to ranges"),
        ({"mon": "09:00"}, "ranges like '09:00-17:00'"),
    ],
)
def test_bad_hours_are_refused_with_the_field_named(hours: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        BusinessCalendar.weekly(LONDON, hours)  # type: ignore[arg-type]


def test_bad_definitions_are_refused() -> None:
    with pytest.raises(ValidationError, match="IANA zone"):
        BusinessCalendar.weekly("Mars/Olympus", {})
    with pytest.raises(ValidationError, match="'holidays' must contain local dates"):
        BusinessCalendar.weekly(LONDON, {}, holidays=[dt.datetime(2024, 1, 1)])
    with pytest.raises(ValidationError, match="'holidays' must be dates"):
        BusinessCalendar.weekly(LONDON, {}, holidays="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'closures\[0\]' must end after it starts"):
        BusinessCalendar.weekly(LONDON, {}, closures=[("2024-01-02T10:00", "2024-01-02T09:00")])
    with pytest.raises(ValidationError, match=r"'openings\[0\]' must be a \(start, end\) pair"):
        BusinessCalendar.weekly(LONDON, {}, openings=["2024-01-02T10:00"])
    with pytest.raises(ValidationError, match=r"'closures\[0\]' must be a local datetime"):
        BusinessCalendar.weekly(LONDON, {}, closures=[("soon", "later")])
    with pytest.raises(ValidationError, match="'overnight' must be an Overnight"):
        BusinessCalendar.weekly(LONDON, {}, overnight="start_day")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'hours' must hold"):
        BusinessCalendar(timezone=LONDON, hours=((7, 0, 10),))
    with pytest.raises(ValidationError, match="at least two calendars"):
        BusinessCalendar(timezone=LONDON, hours=(), parts=(), combine=Combine.UNION)
    with pytest.raises(ValidationError, match="'other' must be a BusinessCalendar"):
        BusinessCalendar.always().union("24x7")  # type: ignore[arg-type]


def test_bad_call_arguments_are_refused() -> None:
    cal = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})
    with pytest.raises(ValidationError, match="'start' must be timezone-aware"):
        cal.elapsed(dt.datetime(2024, 6, 10, 9), at(10, 10))
    with pytest.raises(ValidationError, match="'at' must be an aware datetime"):
        cal.is_open("2024-06-10T09:00")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="month- or year-based"):
        cal.add(at(10, 9), pendulum.duration(months=1))
    with pytest.raises(ValidationError, match="'duration' must be a duration"):
        cal.add(at(10, 9), 3600)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at most 36525 days"):
        cal.add(at(10, 9), dt.timedelta(days=40_000))


def test_calendars_are_values() -> None:
    a = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})
    b = BusinessCalendar.weekly(pendulum.timezone(LONDON), {"Mon-Fri": ["09:00-17:00"]})
    assert a == b
    assert hash(a) == hash(b)
    assert a != BusinessCalendar.weekly(LONDON, {"mon-thu": "09:00-17:00"})
    assert BusinessCalendar.always() is BusinessCalendar.always()
    assert a.union(b).combine is Combine.UNION


def test_follow_the_sun_union_across_dst_mismatch() -> None:
    # 2024-03-11 (Mon): New York already on EDT, London still on GMT.
    london = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"})
    new_york = BusinessCalendar.weekly("America/New_York", {"mon-fri": "09:00-17:00"})
    day = pendulum.datetime(2024, 3, 11, tz="UTC")
    assert london.union(new_york).elapsed(day, day.add(days=1)).in_hours() == 12  # 09-21 UTC
    assert london.intersection(new_york).elapsed(day, day.add(days=1)).in_hours() == 4  # 13-17
    both = london.intersection(new_york)
    a, b = to_micros(day.add(hours=12)), to_micros(day.add(hours=18))
    assert [lab for _, _, lab in both._segments_us(a, b)] == [
        "outside_hours",
        "open",
        "outside_hours",
    ]


def test_combined_labels_name_what_kept_the_time_closed() -> None:
    holiday = dt.date(2024, 6, 10)
    london = BusinessCalendar.weekly(LONDON, {"mon-fri": "09:00-17:00"}, holidays=[holiday])
    late = BusinessCalendar.weekly(LONDON, {"mon-fri": "12:00-20:00"}, holidays=[holiday])
    a, b = to_micros(at(10, 9)), to_micros(at(10, 20))
    assert [lab for _, _, lab in london.union(late)._segments_us(a, b)] == ["holiday"]
    assert [lab for _, _, lab in london.intersection(late)._segments_us(a, b)] == [
        "outside_hours",
        "holiday",
        "outside_hours",
    ]


def test_public_holidays_and_for_country() -> None:
    days = public_holidays("GB", range(2024, 2026), subdivision="ENG")
    assert dt.date(2024, 12, 25) in days
    assert dt.date(2025, 12, 26) in days
    assert all(2024 <= d.year <= 2025 for d in days)
    us = public_holidays("US", [2022])
    assert us[dt.date(2021, 12, 31)].endswith("(observed)")
    cal = BusinessCalendar.for_country(
        "GB", LONDON, {"mon-fri": "09:00-17:00"}, years=[2024], subdivision="ENG"
    )
    assert not cal.is_open(at(25, 10, month=12))
    with pytest.raises(ValidationError, match="'country'"):
        public_holidays("XX", [2024])
    with pytest.raises(ValidationError, match="'subdivision'"):
        public_holidays("GB", [2024], subdivision="NOWHERE")
    with pytest.raises(ValidationError, match="'years'"):
        public_holidays("GB", [])


@pytest.mark.parametrize(
    "zone",
    ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata"],
)
def test_instants_in_the_calendar_zone_resolve_like_zoneinfo_in_gaps_and_folds(zone: str) -> None:
    from servicemodel.sla._calendar import _instant

    cal = BusinessCalendar.weekly(zone, {"mon-fri": "09:00-17:00"})
    tz = pendulum.timezone(zone)
    for year, month in ((2024, 3), (2024, 4), (2024, 9), (2024, 10), (2024, 11), (1950, 6)):
        for day in range(1, 32, 3):
            for minute in range(0, 24 * 60, 10):
                for fold in (0, 1):
                    local = pendulum.DateTime(
                        year, month, min(day, 28), minute // 60, minute % 60, tzinfo=tz, fold=fold
                    )
                    assert _instant(local, "at", cal) == to_micros(local), local
